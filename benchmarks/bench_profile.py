"""Where a run's CPU time goes, function by function (cProfile), in ns per person-month.

Builds the model of ``bench_model.CONFIGS[size]`` (construction excluded), profiles ``--months``
steps from January 1957 with CPU time as the clock, and prints each function's own time
(``tottime``) and cumulative time per person-month (everyone simulated, as ``bench_model.py``),
then the compiled passes (``greatleap/kernels.py``) against everything else. The profiler adds a
fixed cost to each Python call, so the "outside the passes" figure is an upper bound (more so at
100k than at 1M).

    .venv/bin/python benchmarks/bench_profile.py --size 100k --months 72
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time


def main(argv=None) -> None:
    from bench_model import CONFIGS, _build, simulated

    from greatleap.runner import warm_up

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="100k", choices=list(CONFIGS))
    ap.add_argument("--months", type=int, default=72, help="profiled months from January 1957")
    ap.add_argument("--top", type=int, default=40, help="functions listed")
    args = ap.parse_args(argv)
    warm_up()
    model = _build(args.size, False)
    profile = cProfile.Profile(time.process_time)
    person_months = 0
    for _ in range(args.months):
        person_months += simulated(model)
        profile.enable()
        model.step()
        profile.disable()
    stats = pstats.Stats(profile).stats
    per = 1e9 / person_months
    print(f"{args.size}, {args.months} months from January 1957, ns per person-month (CPU, with the profiler):")
    print(f"  {'own':>7} {'cumul.':>7} {'calls':>7}  function")
    for (path, line, name), (_, calls, own, cum, _) in sorted(stats.items(), key=lambda kv: -kv[1][2])[:args.top]:
        print(f"  {own * per:7.2f} {cum * per:7.2f} {calls:7d}  {path.rsplit('/', 1)[-1]}:{line} {name}")
    total = sum(v[2] for v in stats.values())
    passes = sum(v[2] for (path, _, _), v in stats.items() if path.endswith("kernels.py"))
    print(f"  all: {total * per:.1f}; compiled passes (kernels.py): {passes * per:.1f}; "
          f"outside them: {(total - passes) * per:.1f}")


if __name__ == "__main__":
    main()
