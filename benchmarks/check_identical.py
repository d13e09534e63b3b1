"""Whether two checkouts of the code give bit-identical runs: for speed-ups, which must not change
any run's output (the dynamics are frozen while a calibration is fitted against them).

Each checkout runs the same cases in a child process (``PYTHONPATH`` set to it): baseline seeds
1-3 at the default size and at 9 communes of side 8, and ``honest_reporting`` at both sizes. The
monthly, annual and commune frames must be equal exactly (``assert_frame_equal(check_exact=
True)``) and so must every summary value.

    .venv/bin/python benchmarks/check_identical.py /tmp/before /tmp/after

(make a checkout with ``git archive <commit> | tar -x -C /tmp/before``).
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

_CHILD = r"""
import pickle, sys
from greatleap.model import FamineModel
small = dict(n_communes=9, commune_side=8)
cases = [("baseline", s, {}) for s in (1, 2, 3)] + [("baseline", s, small) for s in (1, 2, 3)] \
      + [("honest_reporting", 4, {}), ("honest_reporting", 5, small)]
out = []
for scenario, seed, size in cases:
    m = FamineModel(rng=seed, scenario=scenario, materialise_peasants=False, **size).run()
    out.append(((scenario, seed, size), m.monthly_frame(), m.annual_frame(), m.commune_table(), m.summary()))
from greatleap import atomic
atomic.write_bytes(sys.argv[1], pickle.dumps(out))
"""


def runs_of(checkout: Path, into: Path) -> list:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    subprocess.run([sys.executable, "-c", _CHILD, str(into)], env=env, check=True, cwd="/")
    with open(into, "rb") as f:
        return pickle.load(f)


def same_value(x, y) -> bool:
    return x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        before = runs_of(args.before.resolve(), Path(tmp) / "before.pkl")
        after = runs_of(args.after.resolve(), Path(tmp) / "after.pkl")
    for a, b in zip(before, after, strict=True):
        for frame_a, frame_b in zip(a[1:4], b[1:4]):
            pd.testing.assert_frame_equal(frame_a, frame_b, check_exact=True)
        assert list(a[4]) == list(b[4]), f"{a[0]}: summary keys differ"
        for key in a[4]:
            assert same_value(a[4][key], b[4][key]), f"{a[0]}: summary {key} {a[4][key]!r} != {b[4][key]!r}"
        print(f"identical: {a[0]}")
    print(f"all {len(before)} cases identical")


if __name__ == "__main__":
    main()
