#!/usr/bin/python3
"""Soak (issue 11): 10,000+ requests at high load with random faults, through ce-lslm-sim.

Checks that every request is accounted for (arrived = the sum of the outcomes, one
requests.csv row each, every failure with its reason) and that the simulator does not crash,
and prints the figures: outcomes, stability, faults, peak RSS, wall time.

Memory must not grow with the number of requests. Random faults make a poor yardstick for
that (a longer run meets worse coincidences of faults, and a backlog behind a lossy link is a
transient peak, not a leak), so two more runs repeat the same 5 s pattern of every fault type,
for 10 s and for 30 s of arrivals: the longer one's peak RSS may exceed the shorter one's only
by what its extra requests' records take (under 2 kB each; a RequestRecord is about 0.8 kB).

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


def periodic_faults(duration):
    """The same faults in every 5 s: each type once, at both edges in turn."""
    entries = []
    for start in range(0, int(duration), 5):
        entries += [f"edge-crash@{start + 0.5}+0.5:0", f"backhaul-loss@{start + 1.5}+1:1",
                    f"backhaul-down@{start + 2.5}+0.5:0", f"radio-outage@{start + 3}+0.5:1",
                    f"cloud-overload@{start + 4}+0.3"]
    return "; ".join(entries)


def run(sim, out, duration, *overrides):
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
    for override in overrides:
        command += ["--set", override]
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
    summary, rows, peak_mb, wall = run(sim, tmp / "random", 30)
    outcomes = check(summary, rows)
    requests = summary["requests"]
    faults = summary["faults"]
    assert requests["arrived"] >= 10000, requests["arrived"]
    assert faults["count"] >= 5, faults["count"]
    print(f"soak: {requests['arrived']} requests in 30 s of arrivals: "
          f"completed {outcomes['completed']}, via fallback {outcomes['completed_fallback']}, "
          f"failed {outcomes['failed']} {requests['failure_reasons']}; "
          f"retried {requests['retried']}; stability {requests['stability']:.4f}")
    print(f"soak: {faults['count']} random faults {faults['by_type']}; "
          f"effects {faults['effects']}")
    print(f"soak: peak RSS {peak_mb:.1f} MB; wall {wall:.1f} s")

    peaks = {}
    arrived = {}
    for duration in (10, 30):
        summary, rows, peaks[duration], _ = run(
            sim, tmp / f"periodic-{duration}", duration, "faults.random.rate_per_s=0",
            f"faults.schedule={periodic_faults(duration)}")
        check(summary, rows)
        arrived[duration] = summary["requests"]["arrived"]
        print(f"soak: periodic faults, {duration} s of arrivals, "
              f"{summary['requests']['arrived']} requests, {summary['faults']['count']} faults: "
              f"peak RSS {peaks[duration]:.1f} MB")
    per_request_kb = (peaks[30] - peaks[10]) * 1024 / (arrived[30] - arrived[10])
    print(f"soak: peak RSS grows {per_request_kb:.2f} kB per extra request")
    assert per_request_kb < 2.0, "memory grows faster than the requests' records"
    print("soak: passed")


if __name__ == "__main__":
    main()
