#!/usr/bin/python3
"""Paper-style figures from sweep results (scripts/sweep.py) and from ce-lslm-kv-eval.

Each figure is written as PNG and PDF (--out PATH without extension, or with .png/.pdf). Points
are means over the replicas (RngRun) of a grid point, with 95 % confidence intervals
(Student's t) as error bars; a point with one replica has no bar.

    plot.py line RESULTS --x KEY --y KEY [--y KEY ...] [--series KEY] [--group KEY]
                 [--where KEY=VALUE ...] [--xlog] [--ylog] [--title T] --out PATH
        one panel per --y, one line per value of --series (default: case, else mode);
        --group: the swept key that defines a point when --x is measured (e.g. --x offered_rps
        --group topology.terminals); the point sits at the mean x of its replicas
    plot.py bars RESULTS --group KEY --y KEY [--y KEY ...] [--per KEY] [--where ...] --out PATH
        grouped bars: one group per value of --group, one bar per --y, optionally divided by
        --per (e.g. bytes per arrived request)
    plot.py quality KV_EVAL_CSV --out PATH
        size vs quality of the cloud's context KV at the edge (ce-lslm-kv-eval --csv)
    plot.py reference SWEEPS_DIR [--kv KV_EVAL_CSV] --out DIR
        the reference figures of scripts/reproduce.sh from SWEEPS_DIR/<sweep>/results.csv

Needs Debian's python3-matplotlib (scripts/setup.sh installs it). Exit status 2 on a missing
file, column or empty selection, with a message naming it.
"""

import argparse
import csv
import math
import pathlib
import statistics
import sys

# Two-sided 95 % Student's t quantiles by degrees of freedom (1..30); 1.96 beyond.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]

# Axis labels with units of the keys figures usually show; other keys are shown as they are.
LABELS = {
    "topology.terminals": "terminals (users)",
    "topology.edges": "edge servers",
    "topology.backhaul.rate_mbps": "edge-cloud backhaul rate (Mbit/s)",
    "topology.access.rate_mbps": "access link rate (Mbit/s)",
    "topology.radio.blockage_rate_per_s": "radio blockage rate (1/s per terminal)",
    "workload.arrival_rate_per_s": "arrival rate per terminal (1/s)",
    "offered_rps": "offered load (requests/s)",
    "stability": "completed within deadline / arrived",
    "latency_ms.ttft.mean": "TTFT mean (ms)",
    "latency_ms.ttft.p95": "TTFT p95 (ms)",
    "latency_ms.tpot.mean": "TPOT mean (ms)",
    "latency_ms.e2e.mean": "end-to-end latency mean (ms)",
    "latency_ms.e2e.p95": "end-to-end latency p95 (ms)",
    "throughput.requests_per_s": "throughput (completed requests/s)",
    "throughput.tokens_per_s": "throughput (tokens/s)",
    "quality.bpb": "bits per byte of the continuation",
    "quality.agreement": "token agreement with the cloud LLM",
    "compute.cloud_s": "cloud busy time (s)",
    "compute.edge_s": "edge busy time (s)",
    "links.uplink.app_bytes_sent": "radio uplink",
    "links.downlink.app_bytes_sent": "radio downlink",
    "links.backhaul.app_bytes_sent": "edge-cloud backhaul",
    "links.edge_edge.app_bytes_sent": "edge-edge",
}


MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
DASHES = ["-", "--", "-.", ":"]


class PlotError(Exception):
    """A missing file or column, or a selection without rows."""


def label(key):
    return LABELS.get(key, key)


def read_table(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as error:
        raise PlotError("cannot read %s: %s" % (path, error.strerror))
    if not rows:
        raise PlotError("%s has no rows" % path)
    return rows


def require(rows, keys, source):
    for key in keys:
        if key and key not in rows[0]:
            raise PlotError("%s: no column '%s'" % (source, key))


def select(rows, where, source):
    """The rows whose columns equal every KEY=VALUE of `where` (compared as text, or as numbers
    when both parse)."""
    chosen = rows
    for condition in where or []:
        key, _, value = condition.partition("=")
        require(rows, [key], source)
        chosen = [r for r in chosen if same(r[key], value)]
    if not chosen:
        raise PlotError("%s: no row matches %s" % (source, " ".join(where)))
    return chosen


def same(a, b):
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def mean_ci(values):
    """Mean and half-width of its 95 % confidence interval (0 for one value)."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, 0.0
    t = T975[len(values) - 2] if len(values) - 1 <= len(T975) else 1.96
    return mean, t * statistics.stdev(values) / math.sqrt(len(values))


def natural_key(text):
    value = number(text)
    return (0, value, "") if value is not None else (1, 0.0, text)


def default_series(rows):
    return "case" if any(r.get("case") for r in rows) else "mode"


def aggregate(rows, x, y, series, group=None, per=None):
    """{series value: [(x mean, y mean, y half CI, n)]} over the replicas of each point.

    Rows without a number in y (or x) are skipped, e.g. a latency with no completed request.
    """
    group = group or x
    cells = {}
    for row in rows:
        xv, yv = number(row[x]), number(row[y])
        if per:
            divisor = number(row[per])
            yv = yv / divisor if yv is not None and divisor else None
        if xv is None or yv is None:
            continue
        cells.setdefault(row[series] if series else "", {}).setdefault(row[group], []).append(
            (xv, yv))
    result = {}
    for name in sorted(cells, key=natural_key):
        points = []
        for key in sorted(cells[name], key=natural_key):
            xs = [p[0] for p in cells[name][key]]
            mean, half = mean_ci([p[1] for p in cells[name][key]])
            points.append((statistics.fmean(xs), mean, half, len(xs)))
        result[name] = sorted(points)
    return result


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"font.size": 9, "legend.fontsize": 8, "axes.grid": True,
                         "grid.alpha": 0.3})
    return plt


def save(fig, out):
    """Write out.png and out.pdf; return their paths."""
    out = pathlib.Path(out)
    if out.suffix in (".png", ".pdf"):
        out = out.with_suffix("")
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = [out.with_suffix(".png"), out.with_suffix(".pdf")]
    fig.tight_layout()
    for path in paths:
        fig.savefig(path, dpi=150)
    print("plot.py: wrote %s" % " ".join(map(str, paths)))
    return paths


def line_figure(rows, source, x, ys, out, series=None, group=None, where=None, xlog=False,
                ylog=False, title=None, diagonal=False):
    """One panel per y metric, one line (mean, 95 % CI) per series value."""
    rows = select(rows, where, source)
    series = series or default_series(rows)
    require(rows, [x, group, series] + ys, source)
    plt = pyplot()
    fig, axes = plt.subplots(1, len(ys), figsize=(4.6 * len(ys), 3.6), squeeze=False)
    for ax, y in zip(axes[0], ys):
        lines = aggregate(rows, x, y, series, group)
        if not any(lines.values()):
            raise PlotError("%s: no numeric values of '%s' against '%s'" % (source, y, x))
        for i, (name, points) in enumerate(lines.items()):
            if points:
                # Marker and dash styles differ per series, so coinciding lines stay visible.
                ax.errorbar([p[0] for p in points], [p[1] for p in points],
                            yerr=[p[2] for p in points], marker=MARKERS[i % len(MARKERS)],
                            linestyle=DASHES[i % len(DASHES)], markersize=4, capsize=3,
                            label=name or y)
        if diagonal:
            low, high = ax.get_xlim()
            ax.plot([low, high], [low, high], color="grey", linestyle=":", label="y = x")
        ax.set_xlabel(label(x))
        ax.set_ylabel(label(y))
        ax.set_xscale("log" if xlog else "linear")
        ax.set_yscale("log" if ylog else "linear")
        ax.legend()
    if title:
        fig.suptitle(title)
    return save(fig, out)


def bars_figure(rows, source, group, ys, out, per=None, where=None, ylog=False, title=None,
                ylabel=None):
    """Grouped bars: one group per value of `group` (in the table's order, which is the sweep
    file's), one bar (mean, 95 % CI) per y metric."""
    rows = select(rows, where, source)
    require(rows, [group, per] + ys, source)
    groups = list(dict.fromkeys(r[group] for r in rows))
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(groups) * max(1, len(ys) / 2)), 3.8))
    width = 0.8 / len(ys)
    for i, y in enumerate(ys):
        means, halves = [], []
        for name in groups:
            values = []
            for row in rows:
                value = number(row[y]) if row[group] == name else None
                divisor = number(row[per]) if per and value is not None else 1.0
                if value is not None and divisor:
                    values.append(value / divisor)
            mean, half = mean_ci(values) if values else (0.0, 0.0)
            means.append(mean)
            halves.append(half)
        ax.bar([g + (i - (len(ys) - 1) / 2) * width for g in range(len(groups))], means, width,
               yerr=halves, capsize=3, label=label(y))
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=15)
    ax.set_xlabel(label(group))
    if not ylabel:
        ylabel = label(ys[0]) if len(ys) == 1 else "value"
        ylabel += " per " + per.replace("requests.", "") + " request" if per else ""
    ax.set_ylabel(ylabel)
    ax.set_yscale("log" if ylog else "linear")
    if len(ys) > 1:
        ax.legend()
    if title:
        fig.suptitle(title)
    return save(fig, out)


# ---------------------------------------------------------------------------------------------
# Quality vs compression (ce-lslm-kv-eval's CSV)

BASELINES = {"none": ("no context (a)", "tab:red", ":"),
             "own": ("edge's own prefill (b)", "tab:green", "--"),
             "aligned": ("aligned cloud KV, FP32 (c)", "tab:blue", "-.")}


def grouped_labels(streams, x, y, y_span):
    """One label per cluster of codec points that would print on top of each other."""
    groups = []
    for row, xi, yi in sorted(zip(streams, x, y), key=lambda t: t[1]):
        for group in groups:
            gx, gy = group["at"]
            if abs(xi / gx - 1) < 0.12 and abs(yi - gy) < 0.04 * y_span:
                group["names"].append(row["spec"])
                break
        else:
            groups.append({"at": (xi, yi), "names": [row["spec"]],
                           "ratio": float(row["ratio_vs_fp16"])})
    return groups


def quality_panel(ax, rows, column, ylabel):
    """Codec points of one quality column against size; the reference conditions as lines."""
    for row in rows:
        if row["condition"] in BASELINES:
            name, color, style = BASELINES[row["condition"]]
            ax.axhline(float(row[column]), color=color, linestyle=style,
                       label="%s: %.4f" % (name, float(row[column])))
    streams = [r for r in rows if r["condition"] == "compressed"]
    x = [float(r["bytes_per_context_token"]) for r in streams]
    y = [float(r[column]) for r in streams]
    ax.scatter(x, y, color="black", zorder=3, label="codec spec (d)")
    values = y + [float(r[column]) for r in rows if r["condition"] in BASELINES]
    span = max(values) - min(values) or 1.0
    for i, group in enumerate(grouped_labels(streams, x, y, span)):
        ax.annotate(" / ".join(group["names"]) + " (%.1fx)" % group["ratio"], group["at"],
                    textcoords="offset points", xytext=(4, 5 if i % 2 == 0 else -10), fontsize=6)
    ax.set_xscale("log")
    ax.set_xlabel("KV payload bytes per context token (all receiving layers)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=6, loc="best")


def quality_figure(path, out):
    rows = read_table(path)
    require(rows, ["condition", "spec", "bpb", "bytes_per_context_token", "ratio_vs_fp16"],
            "%s (not ce-lslm-kv-eval output?)" % path)
    if not any(r["condition"] == "compressed" for r in rows):
        raise PlotError("%s: no compressed rows" % path)
    columns = [("bpb", "edge bits per byte of the continuation (lower is better)")]
    if "agreement_with_own" in rows[0]:
        columns.append(("agreement_with_own", "greedy agreement with the edge's own prefill"))
    plt = pyplot()
    fig, axes = plt.subplots(1, len(columns), figsize=(7.5 * len(columns), 4.8), squeeze=False)
    for ax, (column, ylabel) in zip(axes[0], columns):
        quality_panel(ax, rows, column, ylabel)
    fig.suptitle("Cloud context KV at the edge: size vs quality")
    return save(fig, out)


# ---------------------------------------------------------------------------------------------
# The reference figures (scripts/reproduce.sh)

REFERENCE = [
    # (figure, sweep, kind, arguments)
    ("latency-vs-users", "load", "line",
     dict(x="topology.terminals", ys=["latency_ms.ttft.mean", "latency_ms.e2e.mean"],
          xlog=True, ylog=True, title="Latency vs number of users")),
    ("throughput-vs-load", "load", "line",
     dict(x="offered_rps", group="topology.terminals", ys=["throughput.requests_per_s"],
          xlog=True, ylog=True, diagonal=True, title="Throughput vs offered load")),
    ("stability-vs-load", "load", "line",
     dict(x="offered_rps", group="topology.terminals", ys=["stability"], xlog=True,
          title="Completion within the deadline vs offered load")),
    ("stability-vs-blockage", "blockage", "line",
     dict(x="topology.radio.blockage_rate_per_s", ys=["stability", "latency_ms.ttft.p95"],
          title="Completion within the deadline vs radio blockage")),
    ("ttft-vs-backhaul", "backhaul", "line",
     dict(x="topology.backhaul.rate_mbps", series="ce_lslm.schedule",
          ys=["latency_ms.ttft.mean", "latency_ms.ttft.p95"], xlog=True, ylog=True,
          title="CE-LSLM: pipelined vs sequential KV loading")),
    ("bytes-per-link", "links", "bars",
     dict(group="case", per="requests.arrived", ylog=True,
          ylabel="application bytes per arrived request",
          ys=["links.uplink.app_bytes_sent", "links.downlink.app_bytes_sent",
              "links.backhaul.app_bytes_sent", "links.edge_edge.app_bytes_sent"],
          title="Application bytes per request on each link")),
    ("ce-collm-work", "ce-collm", "bars",
     dict(group="case", ys=["compute.cloud_s", "compute.edge_s"], where=["edge.device=l4"],
          ylabel="busy time over the run (s)",
          title="Where the work runs: busy time of the cloud and the edge (L4)")),
]


def reference(sweeps, kv, out):
    """Every reference figure whose sweep results exist; return how many were drawn."""
    drawn = 0
    for name, sweep, kind, arguments in REFERENCE:
        results = pathlib.Path(sweeps) / sweep / "results.csv"
        if not results.is_file():
            print("plot.py: skipping %s: no %s" % (name, results))
            continue
        rows = read_table(results)
        draw = line_figure if kind == "line" else bars_figure
        draw(rows, str(results), out=pathlib.Path(out) / name, **arguments)
        drawn += 1
    if kv:
        quality_figure(kv, pathlib.Path(out) / "quality-vs-compression")
        drawn += 1
    if not drawn:
        raise PlotError("no sweep results under %s" % sweeps)
    return drawn


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("command", choices=["line", "bars", "quality", "reference"])
    parser.add_argument("input", help="results.csv, kv-eval CSV, or the sweeps directory")
    parser.add_argument("--out", required=True, help="figure path (or directory: reference)")
    parser.add_argument("--x")
    parser.add_argument("--y", action="append", default=[])
    parser.add_argument("--series")
    parser.add_argument("--group")
    parser.add_argument("--per")
    parser.add_argument("--where", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--xlog", action="store_true")
    parser.add_argument("--ylog", action="store_true")
    parser.add_argument("--title")
    parser.add_argument("--ylabel", help="bars: the y axis label")
    parser.add_argument("--kv", help="reference: ce-lslm-kv-eval CSV for the quality figure")
    args = parser.parse_args(argv)
    try:
        if args.command == "line":
            if not args.x or not args.y:
                raise PlotError("line needs --x and at least one --y")
            line_figure(read_table(args.input), args.input, args.x, args.y, args.out,
                        series=args.series, group=args.group, where=args.where, xlog=args.xlog,
                        ylog=args.ylog, title=args.title)
        elif args.command == "bars":
            if not args.group or not args.y:
                raise PlotError("bars needs --group and at least one --y")
            bars_figure(read_table(args.input), args.input, args.group, args.y, args.out,
                        per=args.per, where=args.where, ylog=args.ylog, title=args.title,
                        ylabel=args.ylabel)
        elif args.command == "quality":
            quality_figure(args.input, args.out)
        else:
            reference(args.input, args.kv, args.out)
    except PlotError as error:
        sys.stderr.write("plot.py: %s\n" % error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
