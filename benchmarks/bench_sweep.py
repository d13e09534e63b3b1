"""Time a sweep of the default-size model on the local engine and print the figure for 1,000 runs.

    .venv/bin/python benchmarks/bench_sweep.py                  # 200 runs, extrapolated to 1,000
    .venv/bin/python benchmarks/bench_sweep.py --runs 1000      # the full 1,000-run sweep
    .venv/bin/python benchmarks/bench_sweep.py --scheduler-file sched.json   # on a Dask cluster

The design: 2 scenarios (baseline, honest_reporting) x 5 procurement shares x runs/10 seeds, every
other parameter at its default (16 communes of 10 x 10 plots, 1957-1962). The time covers
everything a user waits for: design, worker start-up, runs, and writing the Parquet store.
The issue's target is 1,000 runs in at most 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

TARGET_S = 600


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200, help="runs to time (a multiple of 10)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler-file", default=None, help="time a Dask cluster instead")
    ap.add_argument("--keep", type=Path, default=None, help="keep the sweep folder here")
    args = ap.parse_args()

    from greatleap.experiments.engines import DaskEngine, LocalEngine
    from greatleap.experiments.store import SweepStore
    from greatleap.experiments.spec import parse_spec
    from greatleap.experiments.sweep import run_sweep

    out = args.keep or Path(tempfile.mkdtemp(prefix="bench-sweep-")) / "sweep"
    spec = parse_spec({"name": "bench", "output": str(out), "scenarios": ["baseline", "honest_reporting"],
                       "seeds": max(1, args.runs // 10), "master_seed": 1,
                       "vary": {"procurement_share": {"low": 0.16, "high": 0.32, "steps": 5}}})
    engine = DaskEngine(scheduler_file=args.scheduler_file) if args.scheduler_file else LocalEngine(args.workers)
    start, driver_cpu = time.perf_counter(), time.process_time()
    try:
        result = run_sweep(spec, engine, progress=True)
    finally:
        engine.close()
    wall, driver_cpu = time.perf_counter() - start, time.process_time() - driver_cpu
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    runs = result.ok + result.failed
    per_1000 = wall / runs * 1000
    load = os.getloadavg()[0]
    print(f"engine:            {engine.description} (cpu count {os.cpu_count()}, load average {load:.1f})")
    print(f"runs timed:        {runs} ({result.failed} failed) in {wall:.1f} s wall -> {runs / wall:.2f} runs/s")
    print(f"store:             {size_mb:.1f} MB for {runs} runs ({size_mb / runs * 1000:.0f} MB per 1,000 runs)")
    timing = SweepStore(out).summary(columns=["elapsed_s", "cpu_s"])
    cpu_1000 = timing["cpu_s"].mean() * 1000 / engine.workers
    print(f"inside run_one:    mean {timing['elapsed_s'].mean():.2f} s wall, {timing['cpu_s'].mean():.2f} s CPU per run")
    print(f"driver:            {driver_cpu / runs * 1000:.0f} ms CPU per run (design, storing Parquet parts, progress)")
    print(f"1,000 runs, CPU:   {cpu_1000:.0f} s = {cpu_1000 / 60:.1f} min on {engine.workers} otherwise idle cores "
          "(CPU per run x 1,000 / workers; what the wall time tends to on a quiet machine)")
    how = "measured" if runs >= 1000 else f"extrapolated linearly from {runs} runs"
    verdict = "within" if per_1000 <= TARGET_S else "OVER"
    print(f"1,000 runs, wall:  {per_1000:.0f} s = {per_1000 / 60:.1f} min ({how}); {verdict} the 10 min target")
    if args.keep is None:
        shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
