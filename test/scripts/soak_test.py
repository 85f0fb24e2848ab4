#!/usr/bin/python3
"""Soak (issue 11): 10,000+ requests at high load with random faults, through ce-lslm-sim.

Checks that every request is accounted for (arrived = the sum of the outcomes, one
requests.csv row each, every failure with its reason), that the simulator neither crashes nor
grows with the number of requests (peak RSS of a run three times longer stays within 1.5x),
and prints the figures: outcomes, stability, faults, peak RSS, wall time.

Environment: CE_LSLM_SIM (the simulator), CE_LSLM_TEST_TMP (scratch directory).
"""

import csv
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "examples" / "scenarios" / "soak.json"
OUTCOMES = ("completed", "completed_fallback", "failed")


def run(sim, out, duration):
    """Run the soak scenario for `duration` s of arrivals; return (summary, rows, peak MB, s)."""
    start = time.monotonic()
    # The child's peak RSS, alone: a fresh Python child runs the simulator and reports it.
    probe = (
        "import resource, subprocess, sys\n"
        "code = subprocess.call(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(code)\n"
    )
    command = [sys.executable, "-c", probe, sim, "--config", str(SCENARIO), "--out", str(out),
               "--set", f"simulation.duration_s={duration}"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"soak: ce-lslm-sim exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    peak_mb = int(done.stdout.strip().splitlines()[-1]) / 1024
    summary = json.loads((out / "summary.json").read_text())
    with open(out / "requests.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return summary, rows, peak_mb, time.monotonic() - start


def check(summary, rows):
    """Every request is accounted for; return the outcome counts."""
    requests = summary["requests"]
    outcomes = requests["by_outcome"]
    assert requests["arrived"] == sum(outcomes[o] for o in OUTCOMES), requests
    assert requests["arrived"] == len(rows), (requests["arrived"], len(rows))
    for row in rows:
        assert row["outcome"] in OUTCOMES, row
        if row["outcome"] == "failed":
            assert row["failure_reason"], row
        else:
            assert row["e2e_ms"] and not row["failure_reason"], row
    counted = {o: sum(1 for row in rows if row["outcome"] == o) for o in OUTCOMES}
    assert counted == {o: outcomes[o] for o in OUTCOMES}, (counted, outcomes)
    return outcomes


def main():
    sim = os.environ["CE_LSLM_SIM"]
    tmp = pathlib.Path(os.environ.get("CE_LSLM_TEST_TMP", "/tmp")) / "soak"
    short, _, short_mb, _ = run(sim, tmp / "short", 10)
    summary, rows, peak_mb, wall = run(sim, tmp / "long", 30)
    outcomes = check(summary, rows)
    requests = summary["requests"]
    faults = summary["faults"]
    assert requests["arrived"] >= 10000, requests["arrived"]
    assert faults["count"] >= 5, faults["count"]
    print(f"soak: {requests['arrived']} requests in 30 s of arrivals: "
          f"completed {outcomes['completed']}, via fallback {outcomes['completed_fallback']}, "
          f"failed {outcomes['failed']} {requests['failure_reasons']}; "
          f"retried {requests['retried']}; stability {requests['stability']:.4f}")
    print(f"soak: {faults['count']} faults {faults['by_type']}; effects {faults['effects']}")
    print(f"soak: peak RSS {peak_mb:.1f} MB ({short_mb:.1f} MB for 10 s of arrivals, "
          f"{short['requests']['arrived']} requests); wall {wall:.1f} s")
    assert peak_mb < 1.5 * short_mb, "memory grows with the number of requests"
    print("soak: passed")


if __name__ == "__main__":
    main()
