"""CPU time of each compiled pass of one model month, robust to a busy machine.

Each pass (``greatleap.kernels``, and ``dining.home_shares``) is run ``--reps`` times on copies of
its inputs before the model's own call, and the fastest copy counts: on a machine shared with
other jobs the fastest of several runs of the same work is a far steadier figure than one run of
the whole model. Prints ns per person-month (everyone simulated, as ``bench_model.py``).

    .venv/bin/python benchmarks/bench_passes.py --size 100k --skip 0 --months 12    # 1957
    .venv/bin/python benchmarks/bench_passes.py --size 100k --skip 36 --months 6    # first half of 1960

To compare two versions of the code, run it with ``PYTHONPATH`` set to each checkout in turn.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

PASSES = ("work", "town_needs", "households", "eat", "live", "eat_and_live", "reproduce", "eat_live_and_reproduce",
          "count_living", "nursing", "nursing_shares")


def timed_by_copies(owner, name: str, reps: int, spent: dict) -> None:
    """Replace ``owner.name`` by a wrapper that first times ``reps`` runs on copies of its array
    arguments (the fastest counts in ``spent[name]``), then makes the real call."""
    fn = getattr(owner, name)

    def timed(*args):
        best = float("inf")
        for _ in range(reps):
            copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            t0 = time.process_time()
            fn(*copies)
            best = min(best, time.process_time() - t0)
        spent[name] = spent.get(name, 0.0) + best
        return fn(*args)

    setattr(owner, name, timed)


def main(argv=None) -> None:
    from bench_model import CONFIGS, _build, simulated

    from greatleap import dining, kernels
    from greatleap.runner import warm_up

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="100k", choices=list(CONFIGS))
    ap.add_argument("--skip", type=int, default=0, help="untimed months first (from January 1957)")
    ap.add_argument("--months", type=int, default=12, help="timed months")
    ap.add_argument("--reps", type=int, default=7, help="copies of each call timed (the fastest counts)")
    args = ap.parse_args(argv)
    warm_up()
    model = _build(args.size, False)
    for _ in range(args.skip):
        model.step()
    spent: dict[str, float] = {}
    for name in PASSES:
        if hasattr(kernels, name):  # the set of passes differs between versions of the code
            timed_by_copies(kernels, name, args.reps, spent)
    timed_by_copies(dining, "home_shares", args.reps, spent)
    person_months = 0
    for _ in range(args.months):
        person_months += simulated(model)
        model.step()
    print(f"{args.size}, {args.months} months after {args.skip} untimed, fastest of {args.reps} copies of each call:")
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<26} {s / person_months * 1e9:6.1f} ns/person-month")
    print(f"  {'all of them':<26} {sum(spent.values()) / person_months * 1e9:6.1f} ns/person-month")


if __name__ == "__main__":
    main()
