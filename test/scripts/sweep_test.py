#!/usr/bin/python3
"""scripts/sweep.py and scripts/plot.py end to end: a 2 x 2 grid with 2 replicas runs, resumes
after an interruption, runs as a SLURM array (SLURM_ARRAY_TASK_ID set) with identical results,
and its figures are non-empty PNG and PDF files.

Run by CTest (test/CMakeLists.txt) with CE_LSLM_SIM (the simulator) and CE_LSLM_TEST_TMP set.
"""

import csv
import json
import os
import pathlib
import shutil
import signal
import subprocess
import time
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
SWEEP = REPO / "scripts" / "sweep.py"
PLOT = REPO / "scripts" / "plot.py"
SIM = os.environ.get("CE_LSLM_SIM", str(REPO / "build" / "bin" / "ce-lslm-sim"))
TMP = pathlib.Path(os.environ.get("CE_LSLM_TEST_TMP", "/tmp/ce-lslm-test")) / "sweep-test"

# 2 modes x 2 terminal counts x 2 replicas; short runs of the real edge model.
GRID = {
    "name": "load",
    "set": {"simulation.duration_s": 2, "simulation.drain_s": 10,
            "workload.arrival_rate_per_s": 1.0},
    "axes": {"mode": ["network-only", "edge-only"], "topology.terminals": [1, 2]},
    "replicas": 2,
}


def sweep(*arguments, env=None, check=True):
    result = subprocess.run(["/usr/bin/python3", str(SWEEP), *map(str, arguments),
                             "--sim", SIM], capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError("sweep.py %s failed (%d):\n%s%s" % (
            " ".join(map(str, arguments)), result.returncode, result.stdout, result.stderr))
    return result


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class SweepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        shutil.rmtree(TMP, ignore_errors=True)
        TMP.mkdir(parents=True)
        cls.file = TMP / "load.json"
        cls.file.write_text(json.dumps(GRID))

    def test_local_run_resume_and_results(self):
        out = TMP / "local" / "load"
        points = sweep("list", self.file).stdout.splitlines()
        self.assertEqual(len(points), 8)

        # An interrupted sweep: two points finished, one left half-written (no point.json).
        sweep("task", self.file, "--out", out, "--index", 0)
        sweep("task", self.file, "--out", out, "--index", 5)
        first = points[0].split("\t")[1]
        finished_at = (out / "runs" / first / "point.json").stat().st_mtime_ns
        half = out / "runs" / points[2].split("\t")[1]
        half.mkdir(parents=True)
        (half / "summary.json").write_text("{}")

        result = sweep("run", self.file, "--out", out, "--jobs", 2)
        self.assertIn("8 points, 2 already finished, 6 to run", result.stderr)
        self.assertIn("ETA", result.stderr)
        self.assertEqual((out / "runs" / first / "point.json").stat().st_mtime_ns, finished_at)
        table = rows(out / "results.csv")
        self.assertEqual(len(table), 8)
        for column in ("point", "case", "run", "mode", "topology.terminals",
                       "requests.arrived", "latency_ms.ttft.mean", "throughput.requests_per_s",
                       "links.backhaul.app_bytes_sent", "offered_rps", "stability"):
            self.assertIn(column, table[0])
        self.assertEqual(sorted({r["run"] for r in table}), ["1", "2"])
        self.assertEqual(sorted({(r["mode"], r["topology.terminals"]) for r in table}),
                         [("edge-only", "1"), ("edge-only", "2"), ("network-only", "1"),
                          ("network-only", "2")])
        for row in table:
            arrived, completed = int(row["requests.arrived"]), int(row["requests.completed"])
            if arrived:
                self.assertAlmostEqual(float(row["stability"]), completed / arrived)
        # The edge model's answers went to the shared store.
        self.assertTrue(any((out / "kernel-store").rglob("*")))

        # Nothing left to do: a second run re-runs nothing and writes the same table.
        again = sweep("run", self.file, "--out", out)
        self.assertIn("8 already finished, 0 to run", again.stderr)
        self.assertEqual(rows(out / "results.csv"), table)
        self.__class__.local = table

        # Figures from the results: every one a non-empty PNG and PDF.
        figures = TMP / "figures"
        for arguments in (
                ["line", out / "results.csv", "--x", "topology.terminals", "--y",
                 "latency_ms.ttft.mean", "--y", "stability", "--out", figures / "line"],
                ["bars", out / "results.csv", "--group", "mode", "--y",
                 "links.uplink.app_bytes_sent", "--per", "requests.arrived", "--out",
                 figures / "bars"],
                ["reference", out.parent, "--out", figures / "reference"]):
            result = subprocess.run(["/usr/bin/python3", str(PLOT), *map(str, arguments)],
                                    capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
        drawn = sorted(figures.rglob("*.png"))
        self.assertEqual(len(drawn), 5)  # line, bars, and the three figures of a "load" sweep
        for png in drawn:
            self.assertGreater(png.stat().st_size, 5000)
            self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
            self.assertGreater(png.with_suffix(".pdf").stat().st_size, 1000)

        # A column that does not exist is an error naming it.
        bad = subprocess.run(["/usr/bin/python3", str(PLOT), "line", str(out / "results.csv"),
                              "--x", "topology.terminals", "--y", "no.such.metric", "--out",
                              str(figures / "bad")], capture_output=True, text=True)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("no.such.metric", bad.stderr)

    def test_slurm_array_matches_the_local_run(self):
        out = TMP / "slurm" / "load"
        script = TMP / "load.slurm"
        sweep("run", self.file, "--emit", "slurm", "--out", out, "--emit-out", script)
        text = script.read_text()
        self.assertIn("#SBATCH --array=0-7", text)
        self.assertIn("collect", text)
        # Collect before any task ran: every point is missing.
        self.assertEqual(sweep("collect", self.file, "--out", out, check=False).returncode, 1)
        for index in range(8):
            env = dict(os.environ, SLURM_ARRAY_TASK_ID=str(index))
            result = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                                    env=env)
            self.assertEqual(result.returncode, 0, result.stderr)
        sweep("collect", self.file, "--out", out)
        table = rows(out / "results.csv")
        self.assertEqual(len(table), 8)
        local = TMP / "local" / "load" / "results.csv"
        if local.is_file():  # same points, same RngRuns: the same numbers
            self.assertEqual(table, rows(local))
        # An index outside the grid is refused.
        env = dict(os.environ, SLURM_ARRAY_TASK_ID="8")
        self.assertEqual(subprocess.run(["bash", str(script)], capture_output=True,
                                        env=env).returncode, 2)
        jobs = sweep("run", self.file, "--emit", "jobs", "--out", out).stdout.splitlines()
        self.assertEqual(len(jobs), 8)
        self.assertTrue(all(" task " in line and "--index %d" % i in line
                            for i, line in enumerate(jobs)))

    def test_interrupt_kills_the_runs_and_resume_finishes(self):
        out = TMP / "interrupt" / "load"
        process = subprocess.Popen(["/usr/bin/python3", str(SWEEP), "run", str(self.file),
                                    "--out", str(out), "--jobs", "1", "--sim", SIM,
                                    "--no-kernel-store"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not list((out / "runs").glob("*/point.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertIn("interrupted", stderr)
        done = len(list((out / "runs").glob("*/point.json")))
        self.assertGreaterEqual(done, 1)
        self.assertLess(done, 8)
        self.assertFalse((out / "kernel-store").exists())
        result = sweep("run", self.file, "--out", out, "--no-kernel-store")
        self.assertIn("%d already finished" % done, result.stderr)
        self.assertEqual(len(rows(out / "results.csv")), 8)

    def test_a_base_scenario_is_used_and_its_edits_rerun_the_points(self):
        base = TMP / "base-scenario.json"
        base.write_text(json.dumps({"mode": "network-only",
                                    "simulation": {"duration_s": 2, "drain_s": 5}}))
        spec = TMP / "based.json"
        spec.write_text(json.dumps({"name": "based", "base": base.name,
                                    "axes": {"topology.terminals": [1, 2]}}))
        out = TMP / "based"
        sweep("run", spec, "--out", out)
        table = rows(out / "results.csv")
        self.assertEqual([r["mode"] for r in table], ["network-only"] * 2)
        before = sweep("list", spec).stdout
        base.write_text(json.dumps({"mode": "network-only",
                                    "simulation": {"duration_s": 3, "drain_s": 5}}))
        self.assertNotEqual(sweep("list", spec).stdout, before)
        self.assertIn("0 already finished, 2 to run", sweep("run", spec, "--out", out).stderr)

    def test_bad_sweep_files_name_the_key(self):
        cases = [({"axes": {"mode": []}}, "axes.mode"),
                 ({"replicas": 0}, "replicas"),
                 ({"runs": [1], "replicas": 2}, "runs"),
                 ({"axes": {"x": [1, 1]}}, "axes.x"),
                 ({"cases": [{"label": "a"}, {"label": "a"}]}, "cases[1].label"),
                 ({"base": "missing.json"}, "base"),
                 ({"axis": {}}, "unknown key 'axis'")]
        for spec, expected in cases:
            path = TMP / "bad.json"
            path.write_text(json.dumps(spec))
            result = sweep("list", path, check=False)
            self.assertEqual(result.returncode, 2, spec)
            self.assertIn(expected, result.stderr)
            self.assertIn(str(path), result.stderr)
        path.write_text("{ not json")
        result = sweep("list", path, check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("line 1 column 3", result.stderr)


def write_results(directory, spec, table):
    """A sweep directory as sweep.py leaves it: sweep.json and results.csv."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sweep.json").write_text(json.dumps(spec))
    with open(directory / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)


class ReportTest(unittest.TestCase):
    """report.py's claims from hand-made results whose answers are known."""

    def test_claims_are_computed_from_the_results(self):
        root = TMP / "report"
        shutil.rmtree(root, ignore_errors=True)
        load = []
        for case, e2e, rps, stability in (("cloud-only", 1000, 10, 0.5),
                                          ("ce-lslm", 600, 20, 0.999),
                                          ("edge-only", 500, 20, 1.0)):
            for run, jitter in (("1", -1), ("2", 1)):
                load.append({"case": case, "run": run, "topology.terminals": "8",
                             "requests.arrived": "100", "latency_ms.e2e.mean": e2e + jitter,
                             "latency_ms.ttft.mean": e2e / 10, "throughput.requests_per_s": rps,
                             "stability": stability, "offered_rps": 20})
        write_results(root / "load", {"description": "hand-made", "axes": {}}, load)
        collm = []
        for case, e2e, cloud_s in (("cloud-only", 1000, 10.0), ("ce-collm 0.8", 900, 1.5)):
            collm.append({"case": case, "run": "1", "edge.device": "l4",
                          "requests.arrived": "10", "latency_ms.e2e.mean": e2e,
                          "compute.cloud_s": cloud_s, "quality.agreement": 0.99,
                          "quality.bpb": 2.5, "ce_collm.cloud_flops_saved": 0.7})
        write_results(root / "ce-collm", {"description": "hand-made"}, collm)
        out = root / "results.md"
        result = subprocess.run(["/usr/bin/python3", str(REPO / "scripts" / "report.py"),
                                 str(root), "--figures", str(root / "figures"), "--out",
                                 str(out)], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        text = out.read_text()
        self.assertIn("8 users: -40.0 %", text)           # e2e 600 vs 1000
        self.assertIn("2.00× (20 vs 10 req/s, a lower bound", text)  # peak throughput ratio
        self.assertIn("ce-lslm lowest 0.999 (8 users)", text)
        self.assertIn("edge-only 1 at every point", text)
        self.assertIn("l4 edge: -10.0 % (e2e 900 vs 1,000 ms)", text)
        self.assertIn("l4 edge: 85.0 %", text)            # 1 - 1.5 / 10 of the cloud's busy time
        self.assertIn("600 ± 13", text)                   # mean ± t(0.975, 1) * s / sqrt(2)
        # Without the ce-collm results the report says which sweep is missing.
        shutil.rmtree(root / "ce-collm")
        result = subprocess.run(["/usr/bin/python3", str(REPO / "scripts" / "report.py"),
                                 str(root), "--out", str(out)], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("ce-collm", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
