"""Throughput of `greatleap calibrate` at the default size, and where a calibration run's time goes.

    .venv/bin/python benchmarks/bench_calibration.py                       # 2 workers, short
    .venv/bin/python benchmarks/bench_calibration.py --population 40 --generations 2 --seeds 3

Runs a real calibration (every uncertain parameter but steel_usable, as experiments/calibration.toml,
at the default size, headless) in a temporary folder and prints model runs per minute, counting
everything a user waits for (worker start-up each generation, pickling, the history's writes).
Then times one run in this process, split into building the world, the 72 months, and the annual
table (the only table a calibration run builds). Prints the machine's load average: on a shared
machine the figures move with it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--population", type=int, default=20)
    ap.add_argument("--generations", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    from greatleap.calibration.run import run_calibration
    from greatleap.calibration.spec import parse_calibration_spec
    from greatleap.experiments.engines import LocalEngine
    from greatleap.runner import warm_up

    warm_up()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        spec = parse_calibration_spec({"output": str(Path(tmp) / "cal"), "master_seed": 1, "population": args.population,
                                       "generations": args.generations, "seeds": args.seeds,
                                       "exclude": ["steel_usable"], "fixed": {"materialise_peasants": False}})
        start = time.perf_counter()
        history = run_calibration(spec, LocalEngine(args.workers), echo=print)
        wall = time.perf_counter() - start
        pops = history.get_all_populations()
        runs = int(pops[pops.t >= 0].samples.sum()) * args.seeds
    print(f"{runs} model runs in {wall:.1f} s on {args.workers} workers: {60 * runs / wall:.0f} runs per minute "
          f"({wall / runs * args.workers:.2f} s of a worker per run, start-up included)")
    print(f"load average after: {os.getloadavg()}")
    split()


def split() -> None:
    """One default-size headless run, timed part by part (median of 3)."""
    import numpy as np

    from greatleap.model import FamineModel
    from greatleap.params import resolve
    from greatleap.runner import release

    parts = {"build": [], "months": [], "annual table": []}
    for seed in (1, 2, 3):
        t0 = time.perf_counter()
        model = FamineModel(rng=seed, **resolve("baseline", materialise_peasants=False))
        t1 = time.perf_counter()
        model.run()
        t2 = time.perf_counter()
        model.annual_frame()
        t3 = time.perf_counter()
        release(model)
        for key, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
            parts[key].append(value)
    total = sum(np.median(v) for v in parts.values())
    print("one default-size run in this process (median of 3): "
          + ", ".join(f"{k} {np.median(v):.3f} s ({np.median(v) / total:.0%})" for k, v in parts.items()))


if __name__ == "__main__":
    main()
