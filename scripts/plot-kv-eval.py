#!/usr/bin/python3
"""Size vs quality of the cloud's context KV at the edge: one figure from ce-lslm-kv-eval's CSV.

Each codec spec is a point: payload bytes per context token (all receiving layers, log scale)
against the edge model's bits per byte on the workload's continuations (left) and how often its
greedy prediction equals the one after its own prefill of the context (right). Horizontal lines
mark the conditions without a stream: no context, the edge's own prefill of the context, and the
aligned cloud KV uncompressed.

Usage: scripts/plot-kv-eval.py [--csv doc/figures/kv-eval.csv] [--out doc/figures/kv-eval.png]
       [--run]   run build/bin/ce-lslm-kv-eval first (writes the CSV and a JSON next to it)
Needs Debian's python3-matplotlib (scripts/setup.sh installs it).
"""

import argparse
import csv
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
BASELINES = {"none": ("no context (a)", "tab:red", ":"),
             "own": ("edge's own prefill (b)", "tab:green", "--"),
             "aligned": ("aligned cloud KV, FP32 (c)", "tab:blue", "-.")}


def read_rows(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as error:
        sys.exit(f"plot-kv-eval: cannot read {path}: {error.strerror}")
    for key in ("condition", "spec", "bpb", "bytes_per_context_token", "ratio_vs_fp16"):
        if rows and key not in rows[0]:
            sys.exit(f"plot-kv-eval: {path}: column '{key}' missing (not ce-lslm-kv-eval output?)")
    return rows


def grouped_labels(streams, x, y, y_span):
    """One label per cluster of points that would print on top of each other."""
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


def panel(ax, rows, column, ylabel):
    """Codec points of one quality column against size, the reference conditions as lines."""
    for row in rows:
        if row["condition"] in BASELINES:
            label, color, style = BASELINES[row["condition"]]
            ax.axhline(float(row[column]), color=color, linestyle=style,
                       label=f"{label}: {float(row[column]):.4f}")
    streams = [r for r in rows if r["condition"] == "compressed"]
    if not streams:
        sys.exit("plot-kv-eval: no compressed rows in the CSV")
    x = [float(r["bytes_per_context_token"]) for r in streams]
    y = [float(r[column]) for r in streams]
    ax.scatter(x, y, color="black", zorder=3, label="codec spec (d)")
    values = y + [float(r[column]) for r in rows if r["condition"] in BASELINES]
    span = max(values) - min(values) or 1.0
    for i, group in enumerate(grouped_labels(streams, x, y, span)):
        ax.annotate(" / ".join(group["names"]) + f" ({group['ratio']:.1f}x)", group["at"],
                    textcoords="offset points", xytext=(4, 5 if i % 2 == 0 else -10), fontsize=6)
    ax.set_xscale("log")
    ax.set_xlabel("KV payload bytes per context token (all receiving layers)")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, loc="best")


def plot(rows, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = [("bpb", "edge bits per byte of the continuation (lower is better)")]
    if rows and "agreement_with_own" in rows[0]:
        columns.append(("agreement_with_own", "greedy agreement with the edge's own prefill"))
    fig, axes = plt.subplots(1, len(columns), figsize=(7.5 * len(columns), 4.8), squeeze=False)
    for ax, (column, label) in zip(axes[0], columns):
        panel(ax, rows, column, label)
    fig.suptitle("Cloud context KV at the edge: size vs quality")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=150)
    print(f"plot-kv-eval: wrote {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=pathlib.Path, default=REPO / "doc/figures/kv-eval.csv")
    parser.add_argument("--out", type=pathlib.Path, default=REPO / "doc/figures/kv-eval.png")
    parser.add_argument("--run", action="store_true", help="run ce-lslm-kv-eval first")
    parser.add_argument("--build-dir", type=pathlib.Path, default=REPO / "build")
    args = parser.parse_args()
    if args.run:
        binary = args.build_dir / "bin" / "ce-lslm-kv-eval"
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(binary), f"--csv={args.csv}",
                        f"--json={args.csv.with_suffix('.json')}"], check=True)
    plot(read_rows(args.csv), args.out)


if __name__ == "__main__":
    main()
