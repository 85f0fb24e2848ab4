#!/usr/bin/python3
"""Write doc/results.md from the reference sweeps: our measured numbers beside the papers'
claims, the scenarios that produced them, the figures and the tables behind them.

    report.py RESULTS_DIR [--figures doc/figures/results] [--out doc/results.md]
              [--wall-s SECONDS]

RESULTS_DIR holds one directory per sweep of examples/sweeps/ (load, blockage, backhaul, links,
ce-collm), each with results.csv and sweep.json as scripts/sweep.py writes them, and
kv-eval.csv from ce-lslm-kv-eval. Every number is a mean over the replicas (RngRun), with the
half-width of its 95 % confidence interval when there are several. scripts/reproduce.sh runs
it; it only reads results, so it can be re-run on the same results at any time.
"""

import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys

import plot  # scripts/plot.py: table reading, grouping, confidence intervals, labels

REPO = pathlib.Path(__file__).resolve().parents[1]

FIGURES = [
    # (figure file, sweep, caption)
    ("latency-vs-users", "load",
     "Mean time to first token and end-to-end latency against the number of users."),
    ("throughput-vs-load", "load",
     "Completed requests per second against the offered load (dotted: throughput = load)."),
    ("stability-vs-load", "load",
     "Share of the arrived requests completed within the deadline (workload.deadline_s) "
     "against the offered load."),
    ("stability-vs-blockage", "blockage",
     "Completion within the deadline, and p95 time to first token, against the rate of radio "
     "blockages per terminal (mmWave cell). A blockage turns a link's line of sight into non-line "
     "of sight for 400 ms on average: the SINR drops and the link adapts its MCS; it is not an "
     "outage."),
    ("ttft-vs-backhaul", "backhaul",
     "CE-LSLM time to first token (mean and p95) against the backhaul rate, every request "
     "loading its context's KV: used layer by layer as it arrives (overlapped) or after it has "
     "all arrived (sequential)."),
    ("bytes-per-link", "links",
     "Application bytes per arrived request on each link class (log scale)."),
    ("ce-collm-work", "ce-collm",
     "Busy time of the cloud and of the edge (L4) per case; the ce-collm table below has the "
     "A100 edge too."),
    ("quality-vs-compression", None,
     "Edge model quality with the cloud's context KV, aligned and compressed by each codec, "
     "against its size (ce-lslm-kv-eval)."),
]


class Table:
    """One sweep's results: rows, and means with CIs per (case, axis value)."""

    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        self.rows = plot.read_table(self.directory / "results.csv")
        with open(self.directory / "sweep.json") as f:
            self.spec = json.load(f)

    def cell(self, metric, where):
        """(mean, CI half-width, replicas) of metric over the rows matching every key=value."""
        values = []
        for row in self.rows:
            if all(plot.same(row.get(k, ""), str(v)) for k, v in where.items()):
                value = plot.number(row.get(metric))
                if value is not None:
                    values.append(value)
        if not values:
            return None
        mean, half = plot.mean_ci(values)
        return mean, half, len(values)

    def values(self, key):
        return sorted({r[key] for r in self.rows}, key=plot.natural_key)


def number_text(value, digits):
    """A number with `digits` significant digits, without exponents for large values."""
    if abs(value) >= 10 ** digits:
        return "{:,.0f}".format(value)
    return "%.*g" % (digits, value)


def fmt(cell, digits=3, unit=""):
    """'mean ± ci unit', or '–' when there is no value."""
    if cell is None:
        return "–"
    mean, half, count = cell
    text = number_text(mean, digits)
    if count > 1 and half > 0:
        text += " ± " + number_text(half, 2)
    return text + unit


def change(new, old):
    """Relative change of new against old, as a signed percentage."""
    if new is None or old is None or old[0] == 0:
        return None
    return 100.0 * (new[0] - old[0]) / old[0]


def pct(value):
    return "–" if value is None else "%+.1f %%" % value


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def grid_table(table, axis, metrics, cases=None):
    """A markdown table: one row per (axis value, case), one column per metric."""
    cases = cases or table.values("case")
    rows = []
    for value in table.values(axis):
        for case in cases:
            where = {"case": case, axis: value}
            if table.cell("requests.arrived", where) is None:
                continue
            rows.append([value, case] + [fmt(table.cell(m, where)) for m in metrics])
    return markdown_table([plot.label(axis), "case"] + [plot.label(m) for m in metrics], rows)


# ---------------------------------------------------------------------------------------------
# The claims


def ce_lslm_claims(load, blockage):
    """Rows of the claims table for CE-LSLM (latency, throughput, stability)."""
    rows = []
    loads = load.values("topology.terminals")
    for metric, name in (("latency_ms.e2e.mean", "end-to-end latency"),
                         ("latency_ms.ttft.mean", "time to first token")):
        changes = []
        for users in loads:
            ours = load.cell(metric, {"case": "ce-lslm", "topology.terminals": users})
            cloud = load.cell(metric, {"case": "cloud-only", "topology.terminals": users})
            changes.append("%s users: %s" % (users, pct(change(ours, cloud))))
        rows.append(["CE-LSLM %s vs centralized (cloud-only), mean" % name,
                     "−37.2 % (inference latency)" if metric.endswith("e2e.mean") else "–",
                     "; ".join(changes), "load"])

    def peak(case):
        cells = [load.cell("throughput.requests_per_s", {"case": case, "topology.terminals": u})
                 for u in loads]
        cells = [c for c in cells if c]
        return max(cells, key=lambda c: c[0]) if cells else None

    ours, cloud = peak("ce-lslm"), peak("cloud-only")
    ratio = "%.2f×" % (ours[0] / cloud[0]) if ours and cloud and cloud[0] else "–"
    top = {"case": "ce-lslm", "topology.terminals": loads[-1]}
    offered = load.cell("offered_rps", top)
    bound = (", a lower bound: ce-lslm still keeps up with the largest load"
             if ours and offered and ours[0] >= 0.9 * offered[0] else "")
    rows.append(["CE-LSLM concurrent throughput vs centralized (peak completed requests/s over "
                 "the loads)", "2.1×",
                 "%s (%s vs %s req/s%s)" % (ratio, fmt(ours), fmt(cloud), bound), "load"])

    def lowest(table, case, axis, unit):
        cells = [(v, table.cell("stability", {"case": case, axis: v})) for v in table.values(axis)]
        cells = [(v, c) for v, c in cells if c]
        if not cells:
            return None
        value, cell = min(cells, key=lambda vc: vc[1][0])
        if cell[0] == 1:
            return "%s 1 at every point" % case
        return "%s lowest %s (%s %s)" % (case, fmt(cell, 4), value, unit)

    text = [lowest(load, case, "topology.terminals", "users")
            for case in ("ce-lslm", "cloud-only", "edge-only")]
    if blockage:
        text += ["under blockage: " + (lowest(blockage, case, "topology.radio.blockage_rate_per_s",
                                              "blockages/s") or "")
                 for case in ("ce-lslm", "cloud-only")]
    text = [t for t in text if t and not t.endswith(": ")]
    rows.append(["CE-LSLM system stability (completed within the %s s deadline / arrived)"
                 % resolved(load, "workload.deadline_s"),
                 "99.99 %", "; ".join(text), "load, blockage"])
    return rows


def ce_collm_claims(collm):
    """Rows of the claims table for CE-CoLLM (time, offload, accuracy), per edge device."""
    rows = []
    devices = collm.values("edge.device")
    time_text, offload_text, flops_text, quality_text = [], [], [], []
    for device in devices:
        cloud = {"case": "cloud-only", "edge.device": device}
        ours = {"case": "ce-collm 0.8", "edge.device": device}
        time_text.append("%s edge: %s (e2e %s vs %s ms)" % (
            device, pct(change(collm.cell("latency_ms.e2e.mean", ours),
                               collm.cell("latency_ms.e2e.mean", cloud))),
            fmt(collm.cell("latency_ms.e2e.mean", ours)),
            fmt(collm.cell("latency_ms.e2e.mean", cloud))))
        moved = change(collm.cell("compute.cloud_s", ours), collm.cell("compute.cloud_s", cloud))
        offload_text.append("%s edge: %s" % (device, "–" if moved is None
                                             else "%.1f %%" % -moved))
        flops_text.append("%s edge: %s of the model at the edge, %s of the cloud's part "
                          "avoided by early exit" % (
                              device, fmt(collm.cell("ce_collm.edge_work_share", ours)),
                              fmt(collm.cell("ce_collm.cloud_flops_saved", ours))))
        quality_text.append("%s edge: agreement %s, bpb %s vs %s" % (
            device, fmt(collm.cell("quality.agreement", ours), 4),
            fmt(collm.cell("quality.bpb", ours), 4), fmt(collm.cell("quality.bpb", cloud), 4)))
    rows.append(["CE-CoLLM (threshold 0.8) inference time vs cloud-only, end-to-end mean",
                 "up to −13.81 %", "; ".join(time_text), "ce-collm"])
    rows.append(["CE-CoLLM cloud work moved to the edge: cloud busy time saved vs cloud-only",
                 "> 84 %", "; ".join(offload_text), "ce-collm"])
    rows.append(["CE-CoLLM share of the cloud model's FLOPs run at the edge "
                 "(ce_collm.edge_work_share), and of the cloud partition's FLOPs that early "
                 "exit avoided (ce_collm.cloud_flops_saved)", "–", "; ".join(flops_text),
                 "ce-collm"])
    rows.append(["CE-CoLLM answer quality vs the cloud LLM (token agreement; bits per byte vs "
                 "cloud-only)", "within ~1 point", "; ".join(quality_text), "ce-collm"])
    return rows


# ---------------------------------------------------------------------------------------------
# What the numbers say (every sentence is computed from the results)


def resolved(table, key):
    """A key of the resolved configuration of the sweep's first finished run."""
    for summary in sorted((table.directory / "runs").glob("*/summary.json")):
        with open(summary) as f:
            value = json.load(f).get("config", {})
        for part in key.split("."):
            value = value.get(part, {}) if isinstance(value, dict) else {}
        return value if value != {} else None
    return None


def load_notes(load):
    notes = []
    users = load.values("topology.terminals")
    top = users[-1]
    for case in load.values("case"):
        where = {"case": case, "topology.terminals": top}
        offered = load.cell("offered_rps", where)
        served = load.cell("throughput.requests_per_s", where)
        if offered and served:
            state = ("keeps up with" if served[0] >= 0.9 * offered[0]
                     else "saturates below")
            notes.append("At %s users, %s %s the offered %.1f requests/s (it completes %.1f/s)."
                         % (top, case, state, offered[0], served[0]))
    cloud = load.cell("compute.cloud_s", {"case": "cloud-only", "topology.terminals": top})
    ours = load.cell("compute.cloud_s", {"case": "ce-lslm", "topology.terminals": top})
    if cloud and ours and cloud[0]:
        notes.append("At %s users, ce-lslm keeps the cloud busy %.1f s against cloud-only's "
                     "%.1f s (%.1f %%): the cloud prefills each shared context once and the edge "
                     "answers." % (top, ours[0], cloud[0], 100 * ours[0] / cloud[0]))
    return notes


def collm_notes(collm):
    notes = []
    delay = resolved(collm, "topology.backhaul.delay_ms")
    tpot = collm.cell("latency_ms.tpot.mean", {"case": "cloud-only"})
    if delay is not None and tpot:
        notes.append(
            "Each token the edge defers waits for one edge-cloud round trip (2 × %g ms of "
            "backhaul delay) plus the cloud's layers, while cloud-only streams a token every "
            "%.1f ms: with this backhaul, ce-collm's time per token cannot reach cloud-only's, "
            "whatever the edge device. The paper's saving needs a round trip well below the "
            "cloud's time per token." % (delay, tpot[0]))
    for device in collm.values("edge.device"):
        standalone = collm.cell("latency_ms.tpot.mean", {"case": "ce-collm-edge",
                                                         "edge.device": device})
        if standalone:
            notes.append("The standalone edge on the %s (ce-collm-edge, no cloud) takes %.1f ms "
                         "per token." % (device, standalone[0]))
    return notes


def blockage_notes(blockage):
    notes = []
    axis = "topology.radio.blockage_rate_per_s"
    for case in blockage.values("case"):
        p95 = [blockage.cell("latency_ms.ttft.p95", {"case": case, axis: v})
               for v in blockage.values(axis)]
        p95 = [c[0] for c in p95 if c]
        stability = [plot.number(r["stability"]) for r in blockage.rows if r["case"] == case]
        stability = [v for v in stability if v is not None]
        if p95 and stability:
            spread = ("is %.1f ms at every rate" % p95[0] if max(p95) - min(p95) < 0.05
                      else "stays within %.1f–%.1f ms" % (min(p95), max(p95)))
            notes.append("Under blockage, %s's p95 TTFT %s and at least %.4f of its requests "
                         "complete within the deadline in every run." % (case, spread,
                                                                         min(stability)))
    return notes


def backhaul_notes(backhaul):
    changes = []
    for rate in backhaul.values("topology.backhaul.rate_mbps"):
        cells = [backhaul.cell("latency_ms.ttft.mean", {"ce_lslm.schedule": schedule,
                                                        "topology.backhaul.rate_mbps": rate})
                 for schedule in ("overlapped", "sequential")]
        value = change(*cells)
        if value is not None:
            changes.append((value, rate))
    if not changes:
        return []
    best, worst = min(changes), max(changes)
    notes = ["Overlapping the KV load with the edge's own layers changes the mean TTFT by "
             "%s (at %s Mbit/s) to %s (at %s Mbit/s) against loading it all first."
             % (pct(best[0]), best[1], pct(worst[0]), worst[1])]
    rates = backhaul.values("topology.backhaul.rate_mbps")
    overlapped = {"ce_lslm.schedule": "overlapped"}
    drops = [backhaul.cell("links.backhaul.dropped_packets",
                           dict(overlapped, **{"topology.backhaul.rate_mbps": r})) for r in rates]
    ttft = [backhaul.cell("latency_ms.ttft.mean",
                          dict(overlapped, **{"topology.backhaul.rate_mbps": r})) for r in rates]
    if all(drops) and all(ttft):
        fastest = min(zip((c[0] for c in ttft), rates))[1]
        notes.append("Backhaul packet drops per run go from %.0f at %s Mbit/s to %.0f at %s "
                     "Mbit/s (a %s-packet drop-tail queue against 4 MiB TCP windows: slow "
                     "start overshoots it, and recovering the lost packets delays the KV); the "
                     "overlapped mean TTFT is lowest at %s Mbit/s%s."
                     % (drops[0][0], rates[0], drops[-1][0], rates[-1],
                        resolved(backhaul, "topology.backhaul.queue_packets"), fastest,
                        "" if fastest == rates[-1] else ", not at the fastest rate"))
    return notes


# ---------------------------------------------------------------------------------------------
# The document


def scenario_section(name, table, wall):
    spec = table.spec
    lines = ["### %s" % name, "", spec.get("description", "")]
    settings = ", ".join("`%s=%s`" % (k, v) for k, v in spec.get("set", {}).items())
    if settings:
        lines += ["", "Settings: %s." % settings]
    if spec.get("cases"):
        lines += ["", "Cases: %s." % ", ".join(
            "%s (%s)" % (c.get("label"), ", ".join("`%s=%s`" % (k, v) for k, v in c.items()
                                                    if k != "label")) for c in spec["cases"])]
    for axis, values in spec.get("axes", {}).items():
        lines += ["", "Axis `%s`: %s." % (axis, ", ".join(map(str, values)))]
    runs = len({r["run"] for r in table.rows})
    lines += ["", "%d runs (%d replicas, RngRun %s), sweep file `examples/sweeps/%s.json`%s." % (
        len(table.rows), runs, ", ".join(sorted({r["run"] for r in table.rows})), name,
        "; wall time %s" % wall if wall else "")]
    return "\n".join(lines)


def git(*arguments):
    try:
        return subprocess.run(["git", *arguments], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=pathlib.Path)
    parser.add_argument("--figures", type=pathlib.Path, default=REPO / "doc/figures/results")
    parser.add_argument("--out", type=pathlib.Path, default=REPO / "doc/results.md")
    parser.add_argument("--wall-s", type=float, help="total wall time of the experiment")
    args = parser.parse_args(argv)

    try:
        tables = {name: Table(args.results / name)
                  for name in ("load", "blockage", "backhaul", "links", "ce-collm")
                  if (args.results / name / "results.csv").is_file()}
        missing = {"load", "ce-collm"} - set(tables)
        if missing:
            raise plot.PlotError("no results for sweep(s) %s under %s"
                                 % (", ".join(sorted(missing)), args.results))
    except (plot.PlotError, OSError, json.JSONDecodeError) as error:
        sys.stderr.write("report.py: %s\n" % error)
        return 2

    walls = {}
    for name, table in tables.items():
        seconds = 0.0
        for point in (table.directory / "runs").glob("*/point.json"):
            with open(point) as f:
                seconds += json.load(f).get("wall_s", 0)
        walls[name] = "%.0f s of simulator time summed over runs" % seconds
    relative = os.path.relpath(args.figures, args.out.parent)
    doc = ["# Reference results", "",
           "Written by `scripts/reproduce.sh` (then `scripts/report.py`) on %s from commit `%s`, "
           "on a machine with %d cores%s. Every number is the mean over the replicas (ns-3 "
           "`RngRun` 1, 2, ...) of a grid point, with the half-width of its 95 %% confidence "
           "interval (Student's t) when the replicas differ. Re-run: `scripts/reproduce.sh` "
           "(at most 30 minutes on 2 cores). Do not edit this file by hand."
           % (datetime.date.today().isoformat(), git("rev-parse", "--short", "HEAD"),
              os.cpu_count() or 1,
              ", %.1f minutes in all" % (args.wall_s / 60) if args.wall_s else ""),
           "",
           "The claims are the papers' own summaries (CE-LSLM: Zhu & Yang, arXiv 2505.14085; "
           "CE-CoLLM: Jin & Wu, arXiv 2411.02829). Ours come from our scenarios, models "
           "and devices, stated below; they are not the papers' testbeds, and where they "
           "disagree the scenario says why.",
           "", "## Our numbers beside the papers' claims", ""]
    claims = ce_lslm_claims(tables["load"], tables.get("blockage"))
    claims += ce_collm_claims(tables["ce-collm"])
    doc.append(markdown_table(["claim", "paper", "ours (mean ± 95 % CI)", "sweep"], claims))

    notes = load_notes(tables["load"]) + collm_notes(tables["ce-collm"])
    if "blockage" in tables:
        notes += blockage_notes(tables["blockage"])
    if "backhaul" in tables:
        notes += backhaul_notes(tables["backhaul"])
    doc += ["", "What the numbers say:", ""] + ["- " + note for note in notes]

    doc += ["", "## Figures", ""]
    for name, sweep, caption in FIGURES:
        png = args.figures / (name + ".png")
        if png.is_file():
            doc += ["**%s** — %s%s" % (name, caption,
                                       " (sweep `%s`)" % sweep if sweep else ""), "",
                    "![%s](%s/%s.png)" % (name, relative, name), ""]

    doc += ["## Tables", "", "### load", ""]
    doc.append(grid_table(tables["load"], "topology.terminals",
                          ["offered_rps", "latency_ms.ttft.mean", "latency_ms.ttft.p95",
                           "latency_ms.e2e.mean", "throughput.requests_per_s", "stability",
                           "compute.cloud_s", "compute.edge_s"]))
    if "blockage" in tables:
        doc += ["", "### blockage", ""]
        doc.append(grid_table(tables["blockage"], "topology.radio.blockage_rate_per_s",
                              ["stability", "latency_ms.ttft.mean", "latency_ms.ttft.p95",
                               "latency_ms.e2e.mean"]))
    if "backhaul" in tables:
        backhaul = tables["backhaul"]
        rows = []
        for rate in backhaul.values("topology.backhaul.rate_mbps"):
            row = [rate]
            for metric in ("latency_ms.ttft.mean", "latency_ms.ttft.p95"):
                cells = [backhaul.cell(metric, {"ce_lslm.schedule": schedule,
                                                "topology.backhaul.rate_mbps": rate})
                         for schedule in ("overlapped", "sequential")]
                row += [fmt(cells[0]), fmt(cells[1]), pct(change(*cells))]
            rows.append(row)
        doc += ["", "### backhaul", "",
                markdown_table(["backhaul (Mbit/s)", "TTFT mean overlapped (ms)",
                                "sequential (ms)", "change", "TTFT p95 overlapped (ms)",
                                "sequential (ms)", "change"], rows)]
    if "links" in tables:
        doc += ["", "### links (bytes per arrived request)", ""]
        links = tables["links"]
        rows = []
        for case in links.values("case"):
            row = [case]
            for link in ("uplink", "downlink", "backhaul", "edge_edge"):
                total = links.cell("links.%s.app_bytes_sent" % link, {"case": case})
                arrived = links.cell("requests.arrived", {"case": case})
                row.append("%.0f" % (total[0] / arrived[0]) if total and arrived and arrived[0]
                           else "–")
            rows.append(row)
        doc.append(markdown_table(["case", "radio uplink", "radio downlink", "backhaul",
                                   "edge-edge"], rows))
    doc += ["", "### ce-collm", ""]
    doc.append(grid_table(tables["ce-collm"], "edge.device",
                          ["latency_ms.ttft.mean", "latency_ms.tpot.mean", "latency_ms.e2e.mean",
                           "compute.cloud_s", "compute.edge_s", "ce_collm.edge_token_share",
                           "quality.bpb", "quality.agreement", "bytes.backhaul"]))

    doc += ["", "## Scenarios", "",
            "All sweeps start from the default scenario (`build/bin/ce-lslm-sim "
            "--print-config`): executed models `models/cloud-llm` and `models/edge-slm` with "
            "declared profiles llama-3-8b (cloud, A100) and llama-3.2-1b (edge, L4), the "
            "`brown-test` workload (real text; quality scored against its true continuations), "
            "Poisson arrivals of 0.5 requests/s per terminal, one edge cell on the fr1 6G "
            "radio, a 1 Gbit/s 10 ms backhaul.", ""]
    for name, table in tables.items():
        doc += [scenario_section(name, table, walls.get(name)), ""]

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(doc) + "\n")
    print("report.py: wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
