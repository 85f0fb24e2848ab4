#!/usr/bin/python3
"""Validation figure of the 6G radio: throughput vs distance for every preset.

Runs build/bin/six-g-radio (one terminal, full buffers in both directions, fading on,
shadowing off) in line of sight and out of it, at distances from 10 m to 2 km, and writes

  doc/figures/radio-throughput-vs-distance.csv   preset, condition, distance_m, dl_mbps, ul_mbps
  doc/figures/radio-throughput-vs-distance.png   downlink and uplink panels

Usage: scripts/plot-radio.py [--build-dir build] [--out-dir doc/figures] [--duration 0.2]
Needs Debian's python3-matplotlib (scripts/setup.sh installs it); the shebang is Debian's
python so that a python3 from elsewhere on PATH does not hide it.
"""

import argparse
import csv
import pathlib
import subprocess
import sys

PRESETS = ["fr1-100mhz", "fr3-400mhz", "mmwave-800mhz", "subthz-2ghz"]
CONDITIONS = ["los", "nlos"]
DISTANCES = [10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000]
COLORS = {"fr1-100mhz": "tab:blue", "fr3-400mhz": "tab:green",
          "mmwave-800mhz": "tab:orange", "subthz-2ghz": "tab:red"}


def run_point(binary, preset, condition, distance, duration):
    """Return (downlink, uplink) throughput in Mbit/s of one run."""
    command = [str(binary), f"--preset={preset}", f"--condition={condition}",
               f"--distance={distance}", f"--duration={duration}", "--shadowing=false"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        if line.startswith("throughput_mbps"):
            fields = line.split()
            return float(fields[2]), float(fields[4])
    sys.exit(f"plot-radio: no throughput line in the output of {' '.join(command)}")


def measure(binary, duration, csv_path):
    """Run every point and write the CSV; return its rows."""
    rows = []
    for preset in PRESETS:
        for condition in CONDITIONS:
            for distance in DISTANCES:
                dl, ul = run_point(binary, preset, condition, distance, duration)
                rows.append({"preset": preset, "condition": condition, "distance_m": distance,
                             "dl_mbps": dl, "ul_mbps": ul})
                print(f"{preset:14s} {condition:4s} {distance:5d} m  "
                      f"DL {dl:9.1f}  UL {ul:8.1f} Mbit/s", flush=True)
    with open(csv_path, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def plot(rows, png_path):
    """Two panels (downlink, uplink): one line per preset and condition."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharex=True)
    for axis, key, title in [(axes[0], "dl_mbps", "Downlink"), (axes[1], "ul_mbps", "Uplink")]:
        for preset in PRESETS:
            for condition in CONDITIONS:
                # Log scale: points below 0.1 Mbit/s (out of range) are left out.
                points = [r for r in rows if r["preset"] == preset
                          and r["condition"] == condition and r[key] >= 0.1]
                axis.plot([p["distance_m"] for p in points], [p[key] for p in points],
                          color=COLORS[preset], linestyle="-" if condition == "los" else "--",
                          marker="o", markersize=3,
                          label=f"{preset} {condition.upper()}")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("terminal-base station distance (m)")
        axis.set_ylabel("throughput (Mbit/s)")
        axis.set_title(f"{title}, one terminal, full buffer")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=7, ncol=2, loc="lower left")
    figure.tight_layout()
    figure.savefig(png_path, dpi=130)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--out-dir", default="doc/figures")
    parser.add_argument("--duration", type=float, default=0.2, help="simulated s per point")
    args = parser.parse_args()
    binary = pathlib.Path(args.build_dir) / "bin" / "six-g-radio"
    if not binary.exists():
        sys.exit(f"plot-radio: {binary} not found; build first (scripts/build.sh)")
    out_dir = pathlib.Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = measure(binary, args.duration, out_dir / "radio-throughput-vs-distance.csv")
    plot(rows, out_dir / "radio-throughput-vs-distance.png")
    print(f"plot-radio: wrote {out_dir}/radio-throughput-vs-distance.csv and .png")


if __name__ == "__main__":
    main()
