"""Whole-run CPU time of two or more checkouts of the code, alternating, on the same machine.

Each run is a child process with ``PYTHONPATH`` set to one checkout: it loads the compiled
passes (``runner.warm_up``), builds the model of ``bench_model.CONFIGS[size]`` and steps it
through the whole 1957-62 run, timing the steps with ``time.process_time`` (construction
excluded), as the whole-run row of ``bench_model.py``. The checkouts take turns, ``--rounds``
times, so a change in the machine's load falls on each alike; the fastest and the median of
each are printed in ns per person-month (everyone simulated).

    .venv/bin/python benchmarks/bench_ab.py /tmp/before /tmp/after --size 100k --rounds 3

(make a checkout with ``git archive <commit> | tar -x -C /tmp/before``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import bench_model as b
from greatleap.runner import warm_up
warm_up()
model = b._build(sys.argv[2], False)
cpu = person_months = 0
for _ in range(b.RUN_MONTHS):
    person_months += b.simulated(model)
    c0 = time.process_time()
    model.step()
    cpu += time.process_time() - c0
print(json.dumps({"ns": cpu / person_months * 1e9}))
"""


def one_run(checkout: Path, size: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(checkout / "benchmarks"), size], env=env,
                         capture_output=True, text=True, check=True, cwd="/")
    return json.loads(out.stdout.splitlines()[-1])["ns"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkouts", nargs="+", type=Path)
    ap.add_argument("--size", default="100k")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    runs: dict[Path, list[float]] = {c: [] for c in args.checkouts}
    for r in range(args.rounds):
        for c in args.checkouts:
            runs[c].append(one_run(c.resolve(), args.size))
            print(f"round {r + 1}: {c}  {runs[c][-1]:.1f} ns/person-month", flush=True)
    print(f"\nwhole run 1957-62 at {args.size}, CPU time, {args.rounds} alternating rounds:")
    for c, ns in runs.items():
        print(f"  {str(c):<40} fastest {min(ns):6.1f}  median {statistics.median(ns):6.1f} ns/person-month")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
