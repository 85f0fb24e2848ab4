#!/usr/bin/python3
"""Batch parameter sweeps of ce-lslm-sim: expand a grid, run it (locally or on a cluster), and
collect one results table.

A sweep file (JSON) names a base scenario, the parameters to vary and the replicas:

    {
      "name": "load",                         results go to traces/sweeps/<name> by default
      "base": "../scenarios/default.json",    optional scenario file, relative to the sweep file
      "set": {"simulation.duration_s": 5},    optional overrides applied to every point
      "cases": [                              optional; each case is one set of overrides with a
        {"label": "cloud-only", "mode": "cloud-only"},     label, crossed with the axes
        {"label": "ce-collm 0.9", "mode": "ce-collm", "ce_collm.threshold": 0.9}
      ],
      "axes": {"topology.terminals": [8, 32]}, dotted config keys -> values (Cartesian grid)
      "replicas": 2,                           ns-3 RngRun 1..replicas (or "runs": [3, 7])
      "timeout_s": 3600                        optional: a run longer than this fails
    }

Every run of a sweep shares <out>/kernel-store (simulation.kernel_store): the real transformer's
answer to a request is computed once per sweep, not once per run; results are byte-identical
either way (--kernel-store DIR shares another directory, e.g. between sweeps;
--no-kernel-store turns it off).

Every key of `ce-lslm-sim --config-reference` may be an axis, a case key or a `set` key. A point
is one case x one combination of axis values x one run. Its outputs (summary.json, requests.csv,
the command line and the simulator's log) go to <out>/runs/<point id>/, where the id is derived
from the point's overrides, so a finished point is found again after the sweep file grows.

Commands:
    sweep.py run SWEEP [--out DIR] [--jobs N]      run every unfinished point, then collect
    sweep.py run SWEEP --emit slurm [--emit-out F] instead of running: a SLURM job-array script,
                                                   one task per point, then collect
    sweep.py run SWEEP --emit jobs [--emit-out F]  instead of running: one command per point and
                                                   line (GNU parallel --sshloginfile, xargs -P)
    sweep.py list SWEEP                            print the points (index, id, overrides)
    sweep.py task SWEEP [--index I]                run one point: I, or $SLURM_ARRAY_TASK_ID
    sweep.py collect SWEEP [--out DIR]             (re)write <out>/results.csv from finished points

The results table has one row per finished point: point, index, case, run, one column per swept
key (axes, case keys), then every scalar of summary.json (dotted: latency_ms.ttft.mean, ...) and
two derived columns: offered_rps (requests arrived / arrival window) and stability (requests
completed / arrived: with workload.deadline_s set, the share completed within the deadline).

Standard library only. Exit status: 0 all points finished, 1 some failed or are missing,
2 bad sweep file or command line.
"""

import argparse
import concurrent.futures
import csv
import hashlib
import itertools
import json
import os
import pathlib
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_SIM = REPO / os.environ.get("CE_LSLM_BUILD_DIR", "build") / "bin" / "ce-lslm-sim"
SWEEP_KEYS = {"name", "base", "set", "cases", "axes", "replicas", "runs", "timeout_s",
              "description"}


class SweepError(Exception):
    """A bad sweep file or command line: one message naming the file and key."""


# ---------------------------------------------------------------------------------------------
# The sweep file and its grid


class Point:
    """One run of the grid: its position, label, overrides and RngRun."""

    def __init__(self, index, case, overrides, run, swept, combination=0, base=""):
        self.index = index
        self.combination = combination  # position of its axis values in the grid
        self.case = case
        self.overrides = overrides  # ordered [(dotted key, value)]
        self.run = run
        self.swept = swept  # the keys that vary across the grid
        # The id depends on what the point runs (its overrides, run and the base scenario's
        # content), not on where it is in the grid: a sweep file that gains an axis value keeps
        # its finished points, an edited base scenario runs them again.
        canonical = json.dumps([sorted(overrides), run] + ([base] if base else []),
                               sort_keys=True)
        self.id = hashlib.sha1(canonical.encode()).hexdigest()[:12]

    def describe(self):
        settings = " ".join("%s=%s" % (k, format_value(v)) for k, v in self.overrides
                            if k in self.swept)
        return "%s run=%d %s" % (self.case or "-", self.run, settings)


class Sweep:
    """A parsed sweep file: base scenario, shared overrides, cases, axes and runs."""

    def __init__(self, path):
        self.path = pathlib.Path(path).resolve()
        try:
            with open(self.path) as f:
                spec = json.load(f)
        except OSError as error:
            raise SweepError("%s: cannot read: %s" % (path, error.strerror))
        except json.JSONDecodeError as error:
            raise SweepError("%s: line %d column %d: %s" % (path, error.lineno, error.colno,
                                                           error.msg))
        if not isinstance(spec, dict):
            raise SweepError("%s: the sweep must be a JSON object" % path)
        unknown = sorted(set(spec) - SWEEP_KEYS)
        if unknown:
            raise SweepError("%s: unknown key '%s' (known: %s)"
                             % (path, unknown[0], ", ".join(sorted(SWEEP_KEYS))))
        self.spec = spec
        self.name = self._string("name", self.path.stem)
        self.base = None
        self.base_digest = ""
        if "base" in spec:
            base = pathlib.Path(self._string("base", ""))
            self.base = base if base.is_absolute() else (self.path.parent / base).resolve()
            if not self.base.is_file():
                raise SweepError("%s: key 'base': '%s' does not exist" % (path, self.base))
            self.base_digest = hashlib.sha1(self.base.read_bytes()).hexdigest()
        self.common = self._overrides(spec.get("set", {}), "set")
        self.cases = self._cases()
        self.axes = self._axes()
        self.runs = self._runs()
        self.timeout = spec.get("timeout_s")
        if self.timeout is not None and (not isinstance(self.timeout, (int, float))
                                         or isinstance(self.timeout, bool) or self.timeout <= 0):
            raise SweepError("%s: key 'timeout_s' must be a positive number" % path)
        self.points = self._expand()

    def _fail(self, key, message):
        raise SweepError("%s: key '%s': %s" % (self.path, key, message))

    def _string(self, key, default):
        value = self.spec.get(key, default)
        if not isinstance(value, str) or not value:
            self._fail(key, "must be a non-empty string")
        return value

    def _overrides(self, table, key):
        if not isinstance(table, dict):
            self._fail(key, "must be an object of dotted config keys")
        for name, value in table.items():
            if isinstance(value, (dict, list)) or value is None:
                self._fail("%s.%s" % (key, name), "must be a number, string or boolean")
        return list(table.items())

    def _cases(self):
        cases = self.spec.get("cases")
        if cases is None:
            return [(None, [])]
        if not isinstance(cases, list) or not cases:
            self._fail("cases", "must be a non-empty list of objects")
        result = []
        labels = set()
        for i, case in enumerate(cases):
            key = "cases[%d]" % i
            if not isinstance(case, dict):
                self._fail(key, "must be an object")
            case = dict(case)
            label = case.pop("label", None)
            overrides = self._overrides(case, key)
            if label is None:
                label = " ".join("%s=%s" % (k, format_value(v)) for k, v in overrides) or "base"
            if not isinstance(label, str) or label in labels:
                self._fail(key + ".label", "must be a string, unique among the cases")
            labels.add(label)
            result.append((label, overrides))
        return result

    def _axes(self):
        axes = self.spec.get("axes", {})
        if not isinstance(axes, dict):
            self._fail("axes", "must be an object: dotted config key -> list of values")
        result = []
        for name, values in axes.items():
            if not isinstance(values, list) or not values:
                self._fail("axes." + name, "must be a non-empty list of values")
            for value in values:
                if isinstance(value, (dict, list)) or value is None:
                    self._fail("axes." + name, "values must be numbers, strings or booleans")
            if len(set(map(json.dumps, values))) != len(values):
                self._fail("axes." + name, "a value is listed twice")
            result.append((name, values))
        return result

    def _runs(self):
        if "runs" in self.spec and "replicas" in self.spec:
            self._fail("runs", "give either 'runs' or 'replicas', not both")
        if "runs" in self.spec:
            runs = self.spec["runs"]
            if (not isinstance(runs, list) or not runs
                    or not all(isinstance(r, int) and not isinstance(r, bool) and r >= 0
                               for r in runs) or len(set(runs)) != len(runs)):
                self._fail("runs", "must be a non-empty list of distinct integers >= 0")
            return runs
        replicas = self.spec.get("replicas", 1)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 1:
            self._fail("replicas", "must be an integer >= 1")
        return list(range(1, replicas + 1))

    def _expand(self):
        names = [name for name, _ in self.axes]
        swept = set(self.swept_keys())
        points = []
        for label, case in self.cases:
            for combination, values in enumerate(
                    itertools.product(*[values for _, values in self.axes])):
                overrides = dict(self.common)
                overrides.update(case)
                overrides.update(zip(names, values))
                for run in self.runs:
                    points.append(Point(len(points), label, list(overrides.items()), run, swept,
                                        combination, self.base_digest))
        return points

    def swept_keys(self):
        """The keys that vary: the axes, then every key a case sets, in file order."""
        keys = [name for name, _ in self.axes]
        for _, case in self.cases:
            keys += [k for k, _ in case if k not in keys]
        return keys


def format_value(value):
    """The text of a value as ce-lslm-sim's --set takes it (JSON, plain text for strings)."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


# ---------------------------------------------------------------------------------------------
# Running points


class Runner:
    """Runs points of one sweep into <out>/runs/<id>/ with ce-lslm-sim."""

    def __init__(self, sweep, out, simulator, store=None):
        self.sweep = sweep
        self.out = pathlib.Path(out)
        self.simulator = pathlib.Path(simulator)
        # The executed model's answers are shared by every run of the sweep (identical results,
        # far less kernel work), unless the sweep sets the key itself or store is "".
        own = "simulation.kernel_store" in sweep.swept_keys() + [k for k, _ in sweep.common]
        self.store = None if own or store == "" else pathlib.Path(
            store or self.out / "kernel-store").resolve()
        self.processes = set()
        self.lock = threading.Lock()
        self.stopping = False

    def point_dir(self, point):
        return self.out / "runs" / point.id

    def finished(self, point):
        """A point is finished when its directory holds its own point.json and a summary."""
        directory = self.point_dir(point)
        try:
            with open(directory / "point.json") as f:
                recorded = json.load(f)
            return recorded.get("id") == point.id and (directory / "summary.json").is_file()
        except (OSError, json.JSONDecodeError):
            return False

    def command(self, point, directory):
        command = [str(self.simulator)]
        if self.sweep.base:
            command += ["--config", str(self.sweep.base)]
        for key, value in point.overrides:
            command += ["--set", "%s=%s" % (key, format_value(value))]
        if self.store:
            command += ["--set", "simulation.kernel_store=%s" % self.store]
        return command + ["--run", str(point.run), "--out", str(directory), "--quiet"]

    def run_point(self, point):
        """Run one point; return None on success, else the reason it failed.

        point.json is written last (atomically) and only when the run succeeded: a directory
        without it (an interrupted or failed run) is never mistaken for a finished point.
        """
        directory = self.point_dir(point)
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        command = self.command(point, directory)
        with open(directory / "command.txt", "w") as f:
            f.write(" ".join(shlex.quote(part) for part in command) + "\n")
        start = time.monotonic()
        with open(directory / "log.txt", "w") as log:
            with self.lock:
                if self.stopping:
                    return "interrupted"
                process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)
                self.processes.add(process)
            try:
                status = process.wait(timeout=self.sweep.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                status = "timeout after %g s" % self.sweep.timeout
            finally:
                with self.lock:
                    self.processes.discard(process)
        if status != 0:
            if isinstance(status, int):
                status = "exit status %d" % status
            return "%s (log: %s)" % (status, directory / "log.txt")
        if not (directory / "summary.json").is_file():
            return "no summary.json written (log: %s)" % (directory / "log.txt")
        temporary = directory / "point.json.partial"
        with open(temporary, "w") as f:
            json.dump({"id": point.id, "index": point.index, "case": point.case,
                       "run": point.run, "overrides": dict(point.overrides),
                       "wall_s": round(time.monotonic() - start, 3)}, f, indent=1)
        temporary.replace(directory / "point.json")
        return None

    def stop(self):
        """Kill every running simulator (Ctrl-C); finished points stay finished."""
        with self.lock:
            self.stopping = True
            for process in self.processes:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


class Progress:
    """A progress bar with ETA on stderr (one line per point when stderr is not a terminal)."""

    def __init__(self, total):
        self.total = total
        self.done = 0
        self.failed = 0
        self.start = time.monotonic()
        self.tty = sys.stderr.isatty()

    def update(self, point, failure):
        self.done += 1
        self.failed += failure is not None
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        width = 30
        filled = int(width * self.done / self.total)
        line = "[%s%s] %d/%d points%s  elapsed %s  ETA %s" % (
            "#" * filled, "." * (width - filled), self.done, self.total,
            ", %d failed" % self.failed if self.failed else "", clock(elapsed), clock(eta))
        if self.tty:
            sys.stderr.write("\r" + line + ("\n" if self.done == self.total else ""))
        else:
            sys.stderr.write("%s  %s: %s\n" % (line, point.id,
                                               failure or "done (" + point.describe() + ")"))
        sys.stderr.flush()


def clock(seconds):
    seconds = int(round(seconds))
    return "%d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


def run_all(sweep, out, simulator, jobs, store):
    """Run every unfinished point with `jobs` workers; return {point id: failure reason}."""
    runner = Runner(sweep, out, simulator, store)
    # Replica-major, then axis values, then case: workers running at the same time mostly run
    # different cases (different models), not replicas or subsets of the same work, which they
    # would compute side by side before either answer reaches the shared store.
    todo = sorted((p for p in sweep.points if not runner.finished(p)),
                  key=lambda p: (sweep.runs.index(p.run), p.combination, p.index))
    skipped = len(sweep.points) - len(todo)
    sys.stderr.write("sweep %s: %d points, %d already finished, %d to run with %d worker%s -> %s\n"
                     % (sweep.name, len(sweep.points), skipped, len(todo), jobs,
                        "s" if jobs != 1 else "", out))
    failures = {}
    if not todo:
        return failures
    progress = Progress(len(todo))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = {pool.submit(runner.run_point, p): p for p in todo}
        for future in concurrent.futures.as_completed(futures):
            point = futures[future]
            failure = future.result()
            if failure:
                failures[point.id] = failure
            progress.update(point, failure)
    except KeyboardInterrupt:
        runner.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        sys.stderr.write("\ninterrupted: finished points are kept; run again to resume\n")
        raise
    pool.shutdown(wait=True)
    return failures


# ---------------------------------------------------------------------------------------------
# Collecting results


def flatten(value, prefix, row):
    """Add every scalar of a JSON object to row under dotted keys."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, prefix + "." + key if prefix else key, row)
    elif not isinstance(value, list):
        row[prefix] = "" if value is None else value


def summary_row(summary):
    """The scalar metrics of one summary.json (its resolved config left out) plus the derived
    offered_rps and stability."""
    row = {}
    flatten({k: v for k, v in summary.items() if k != "config"}, "", row)
    requests = summary.get("requests", {})
    arrived = requests.get("arrived") or 0
    window = summary.get("simulation", {}).get("arrival_window_s") or 0
    row["offered_rps"] = arrived / window if window else ""
    row["stability"] = requests.get("completed", 0) / arrived if arrived else ""
    return row


def collect(sweep, out):
    """Write <out>/results.csv from the finished points; return the points still missing."""
    runner = Runner(sweep, out, DEFAULT_SIM)
    swept = sweep.swept_keys()
    rows = []
    columns = ["point", "index", "case", "run"] + swept
    missing = []
    for point in sweep.points:
        if not runner.finished(point):
            missing.append(point)
            continue
        with open(runner.point_dir(point) / "summary.json") as f:
            metrics = summary_row(json.load(f))
        overrides = dict(point.overrides)
        row = {"point": point.id, "index": point.index, "case": point.case or "", "run": point.run}
        row.update({key: format_value(overrides[key]) if key in overrides else ""
                    for key in swept})
        for key, value in metrics.items():
            if key not in columns:
                columns.append(key)
            row.setdefault(key, value)
        rows.append(row)
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    temporary = out / "results.csv.partial"
    with open(temporary, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    temporary.replace(out / "results.csv")
    with open(out / "sweep.json", "w") as f:
        json.dump(sweep.spec, f, indent=1)
    sys.stderr.write("collected %d of %d points into %s\n"
                     % (len(rows), len(sweep.points), out / "results.csv"))
    return missing


# ---------------------------------------------------------------------------------------------
# Cluster scripts


def emit(kind, sweep, out, simulator, store, script=None):
    """The text of a SLURM array script or of a command-per-line job file."""
    me = pathlib.Path(__file__).resolve()
    common = "--out %s --sim %s" % (shlex.quote(str(out)), shlex.quote(str(simulator)))
    if store == "":
        common += " --no-kernel-store"
    elif store:
        common += " --kernel-store %s" % shlex.quote(str(pathlib.Path(store).resolve()))
    sweep_file = shlex.quote(str(sweep.path))
    if kind == "jobs":
        # One self-contained command per line: GNU parallel (--sshloginfile) or xargs -P runs
        # them in any order; `collect` afterwards merges the results.
        return "".join("cd %s && /usr/bin/python3 %s task %s %s --index %d\n"
                       % (shlex.quote(str(REPO)), shlex.quote(str(me)), sweep_file, common,
                          p.index) for p in sweep.points)
    last = len(sweep.points) - 1
    return """#!/bin/bash
# SLURM job array for sweep '{name}': one task per grid point ({count} points).
#   sbatch {script}                      run every point
#   then: /usr/bin/python3 {me} collect {sweep} --out {out}
# or submit both at once, collect when every task has ended:
#   jid=$(sbatch --parsable {script}) &&
#   sbatch --dependency=afterany:$jid --wrap "/usr/bin/python3 {me} collect {sweep} --out {out}"
#SBATCH --job-name=ce-lslm-{name}
#SBATCH --array=0-{last}
#SBATCH --cpus-per-task=1
#SBATCH --output={out}/slurm/%A_%a.log
set -euo pipefail
cd {repo}
exec /usr/bin/python3 {me} task {sweep} {common}
""".format(name=sweep.name, count=len(sweep.points), script=shlex.quote(str(script)) if script else "<this file>",
           me=shlex.quote(str(me)), sweep=sweep_file, out=shlex.quote(str(out)), last=last,
           repo=shlex.quote(str(REPO)), common=common)


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the module docstring (or doc/tutorial.rst).")
    parser.add_argument("command", choices=["run", "list", "task", "collect"])
    parser.add_argument("sweep", help="the sweep file (JSON)")
    parser.add_argument("--out", help="sweep directory (default traces/sweeps/<name>)")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                        help="local worker processes for run (default: the number of cores)")
    parser.add_argument("--index", type=int,
                        help="task: grid point index (default $SLURM_ARRAY_TASK_ID)")
    parser.add_argument("--sim", default=str(DEFAULT_SIM), help="ce-lslm-sim binary")
    parser.add_argument("--emit", choices=["slurm", "jobs"],
                        help="run: write a SLURM array script or a job file instead of running")
    parser.add_argument("--emit-out", help="--emit: write the script here (default stdout)")
    parser.add_argument("--kernel-store", dest="store", metavar="DIR",
                        help="directory where the runs share executed-model answers (default "
                             "<out>/kernel-store; several sweeps may share one; results are "
                             "identical either way)")
    parser.add_argument("--no-kernel-store", dest="store", action="store_const", const="",
                        help="do not share executed-model answers between the runs")
    args = parser.parse_args(argv)

    try:
        if args.emit and args.command != "run":
            raise SweepError("--emit goes with run")
        sweep = Sweep(args.sweep)
        out = pathlib.Path(args.out or REPO / "traces" / "sweeps" / sweep.name).resolve()
        if args.command in ("run", "task") and not args.emit and not pathlib.Path(
                args.sim).is_file():
            raise SweepError("simulator '%s' does not exist (build first: scripts/build.sh)"
                             % args.sim)
        if args.jobs < 1:
            raise SweepError("--jobs must be >= 1")
    except SweepError as error:
        sys.stderr.write("sweep.py: %s\n" % error)
        return 2

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `sweep.py list ... | head` ends quietly
    if args.command == "list":
        for point in sweep.points:
            print("%d\t%s\t%s" % (point.index, point.id, point.describe()))
        return 0
    if args.emit:
        text = emit(args.emit, sweep, out, args.sim, args.store,
                    pathlib.Path(args.emit_out).resolve() if args.emit_out else None)
        if args.emit_out:
            pathlib.Path(args.emit_out).write_text(text)
            if args.emit == "slurm":
                (out / "slurm").mkdir(parents=True, exist_ok=True)
        else:
            sys.stdout.write(text)
        return 0
    if args.command == "collect":
        missing = collect(sweep, out)
        for point in missing:
            sys.stderr.write("missing: %d %s %s\n" % (point.index, point.id, point.describe()))
        return 1 if missing else 0
    if args.command == "task":
        index = args.index
        if index is None:
            task = os.environ.get("SLURM_ARRAY_TASK_ID")
            if task is None or not task.isdigit():
                sys.stderr.write("sweep.py: task needs --index or SLURM_ARRAY_TASK_ID\n")
                return 2
            index = int(task)
        if not 0 <= index < len(sweep.points):
            sys.stderr.write("sweep.py: index %d is outside the grid (0..%d)\n"
                             % (index, len(sweep.points) - 1))
            return 2
        point = sweep.points[index]
        runner = Runner(sweep, out, args.sim, args.store)
        if runner.finished(point):
            sys.stderr.write("%s already finished\n" % point.id)
            return 0
        failure = runner.run_point(point)
        sys.stderr.write("%s: %s\n" % (point.id, failure or "done"))
        return 1 if failure else 0

    try:
        failures = run_all(sweep, out, args.sim, args.jobs, args.store)
    except KeyboardInterrupt:
        return 130
    missing = collect(sweep, out)
    for point_id, reason in failures.items():
        sys.stderr.write("failed: %s: %s\n" % (point_id, reason))
    return 1 if failures or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
