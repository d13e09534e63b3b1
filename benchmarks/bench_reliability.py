"""What one run costs at the resource caps, and what a run just above them would have cost.

    .venv/bin/python benchmarks/bench_reliability.py            # the caps (about 30 s)

Each measurement runs in a fresh process, so resident memory is the model's own. Figures go
to docs/reliability.md ("Resource caps").
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, sys, time, psutil
from greatleap.model import FamineModel
from greatleap.runner import release
params = json.loads(sys.argv[1])
rss0 = psutil.Process().memory_info().rss
t0 = time.perf_counter()
model = FamineModel(rng=1, **params)
built = time.perf_counter() - t0
t1 = time.perf_counter()
for _ in range(3):
    model.step()
step = (time.perf_counter() - t1) / 3
rss = psutil.Process().memory_info().rss
print(json.dumps({"people": int(model.people.n), "build_s": built, "step_s": step,
                  "rss_mib": (rss - rss0) / 2**20}))
"""


def measure(params: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(params)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from greatleap.params import MAX_PEASANTS, MAX_PLOTS, MAX_YEARS

    print(f"caps: {MAX_PLOTS:,} plots, {MAX_PEASANTS:,} peasants, {MAX_YEARS} years")
    cases = [
        ("default world (16 communes of 10 x 10), peasant objects", {}),
        ("dashboard cap (36 communes of 16 x 16), peasant objects", {"n_communes": 36, "commune_side": 16}),
        ("model cap (400 communes of 10 x 10), no peasant objects (sweeps)",
         {"n_communes": 400, "commune_side": 10, "materialise_peasants": False}),
        ("model cap (400 communes of 10 x 10), peasant objects",
         {"n_communes": 400, "commune_side": 10}),
    ]
    for label, params in cases:
        m = measure(params)
        print(f"{label}: {m['people']:,} people, build {m['build_s']:.1f} s, one month {m['step_s']:.2f} s, "
              f"+{m['rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
