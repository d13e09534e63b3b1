"""What checking a sweep store costs: writing N runs' parts (with their checksums recorded in
parts.jsonl), verifying every part (`greatleap sweep --verify`), and a resume that finds every run
done (which verifies first).

    .venv/bin/python benchmarks/bench_store.py [--runs 2000] [--folder /tmp/bench-store]

The runs are a stand-in with the real model's monthly table shape (72 months x 60 float columns),
so the parts have the sizes of a real sweep's (about 55 kB monthly, 14 kB summary) while the model
costs nothing. Figures go to docs/reliability.md ("Damaged results").
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from greatleap.experiments.engines import InlineEngine  # noqa: E402
from greatleap.experiments.spec import parse_spec  # noqa: E402
from greatleap.experiments.store import SweepStore  # noqa: E402
from greatleap.experiments.sweep import run_sweep  # noqa: E402


def shaped_like_the_model(params: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    monthly = pd.DataFrame(rng.random((72, 60)), columns=[f"series_{i}" for i in range(60)])
    monthly.insert(0, "date", [f"{1957 + m // 12}-{m % 12 + 1:02d}" for m in range(72)])
    return {"monthly": monthly, "summary": {f"outcome_{i}": float(rng.random()) for i in range(40)}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--folder", default=None)
    args = parser.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-store-"))
    shutil.rmtree(folder / "out", ignore_errors=True)
    spec = parse_spec({"name": "bench", "seeds": args.runs, "output": str(folder / "out"),
                       "fixed": {"n_communes": 1, "commune_side": 3}})
    t0 = time.perf_counter()
    run_sweep(spec, InlineEngine(), model_fn=shaped_like_the_model, progress=False)
    wrote = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in (folder / "out").rglob("run-*.parquet"))
    t0 = time.perf_counter()
    found = SweepStore(folder / "out").verify()
    verified = time.perf_counter() - t0
    assert len(found.complete) == args.runs and not found.problems
    t0 = time.perf_counter()
    result = run_sweep(spec, InlineEngine(), model_fn=shaped_like_the_model, progress=False)
    resumed = time.perf_counter() - t0
    assert result.skipped == args.runs
    print(f"{args.runs} runs, {2 * args.runs} parts, {size / 1e6:.0f} MB on {folder} (load {os.getloadavg()[0]:.1f})")
    print(f"  write (serialise, record checksum, write, fsync): {wrote:.1f} s, {1e3 * wrote / args.runs:.1f} ms per run")
    print(f"  verify every part (sha256 against parts.jsonl):   {verified:.2f} s, "
          f"{size / 1e6 / verified:.0f} MB/s, {1e6 * verified / (2 * args.runs):.0f} us per part")
    print(f"  resume with every run done (verifies first):      {resumed:.2f} s")
    if args.folder is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
