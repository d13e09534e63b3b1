"""CPU time of the run a calibration makes (``calibration.abc.simulate_series``: build, 72 months,
annual table, release) at the default size, and of two parts observation pays for.

CPU time (``process_time``), in this process, numba warm: on a shared machine the wall clock
mostly measures the other processes. Run it under each checkout to compare:

    PYTHONPATH=/tmp/before .venv/bin/python benchmarks/bench_series.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def cpu_ms(fn, n: int) -> float:
    t0 = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t0) / n * 1000


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    from greatleap.calibration.abc import simulate_series
    from greatleap.model import FamineModel
    from greatleap.params import resolve
    from greatleap.runner import warm_up

    warm_up()
    params = resolve("baseline", materialise_peasants=False)
    simulate_series(params, 1)
    runs = [cpu_ms(lambda s=s: simulate_series(params, 100 + s), 1) / 1000 for s in range(args.runs)]
    run = statistics.median(runs)
    print(f"simulate_series, default size: median {run:.3f} s CPU of {args.runs} runs "
          f"-> {60 / run:.0f} runs per CPU-minute")
    model = FamineModel(rng=1, **params).run()
    recorder = model.recorder
    if hasattr(recorder, "_collect_row"):
        row = cpu_ms(lambda: [recorder._collect_row() for _ in range(72)], 5)
    else:
        row = cpu_ms(lambda: [model.datacollector.collect(model) for _ in range(72)], 5)
    model = FamineModel(rng=1, **params).run()
    print(f"72 monthly rows to the data collector {row:.2f} ms; annual table "
          f"{cpu_ms(model.annual_frame, 30):.2f} ms; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
