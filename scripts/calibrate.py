"""Calibrate the baseline on the four national series (docs/calibration.md).

A Latin hypercube over the uncertain parameters below; each point is run for a few seeds at a
reduced size and scored by its squared distance to the record of 1957-62 (output index, claimed/
true ratio of 1958-59, procurement share, registered death rate), each series scaled by its
spread. Prints the best points; nothing is written to params.py by this script.

    .venv/bin/python scripts/calibrate.py --points 200 --seeds 3 --workers 2
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.stats import qmc

SPACE = {
    "retention_floor": (235.0, 275.0),
    "retreat_threshold": (0.3, 0.6),
    "famine_recognition": (3.0, 10.0),
    "purge_prob_after": (0.3, 0.5),
    "markup_penalty": (0.3, 0.8),
    "official_markup": (0.4, 0.6),
    "procurement_share": (0.27, 0.30),
    "labour_elasticity": (0.25, 0.4),
    "non_grain_kcal": (620.0, 720.0),
    "death_registration": (0.5, 0.7),
    "baseline_mortality": (0.9, 1.5),
    "resale_share": (0.7, 0.9),
    "quota_progressivity": (0.05, 0.3),
    "central_stock_months": (6.0, 8.5),
}
SCALE = {"output_index": 10.0, "report_ratio": 0.2, "procurement_share": 0.04, "cdr_registered": 4.0}
YEARS = range(1957, 1963)


def score(point: dict, seeds: int, size: dict) -> tuple[float, dict]:
    from greatleap.history import model_series, national_record
    from greatleap.params import resolve
    from greatleap.runner import run_one

    record = national_record()
    runs = [model_series(run_one(resolve("baseline", **size, **point), s)["annual"]) for s in range(1, seeds + 1)]
    mean = sum(runs) / len(runs)
    total = 0.0
    for key, scale in SCALE.items():
        for year in YEARS:
            target = record[key].get(year, np.nan)
            if np.isfinite(target):
                total += ((mean.loc[year, key] - target) / scale) ** 2
    return total, {k: mean[k].round(3).tolist() for k in SCALE}


def _task(args):
    point, seeds, size = args
    try:
        return point, *score(point, seeds, size)
    except Exception as exc:  # a point the model rejects scores worst
        return point, float("inf"), {"error": repr(exc)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--master-seed", type=int, default=20261129)
    ap.add_argument("--communes", type=int, default=9)
    ap.add_argument("--side", type=int, default=8)
    args = ap.parse_args()
    names = list(SPACE)
    sample = qmc.LatinHypercube(d=len(names), seed=args.master_seed).random(args.points)
    lo, hi = np.array([SPACE[n][0] for n in names]), np.array([SPACE[n][1] for n in names])
    points = [dict(zip(names, map(float, lo + u * (hi - lo)))) for u in sample]
    size = {"n_communes": args.communes, "commune_side": args.side}
    results = []
    with ProcessPoolExecutor(args.workers) as pool:
        for point, s, series in pool.map(_task, [(p, args.seeds, size) for p in points]):
            results.append((s, point, series))
            print(json.dumps({"score": s, "point": point}), flush=True)
    results.sort(key=lambda r: r[0])
    for s, point, series in results[:5]:
        print("BEST", json.dumps({"score": s, "point": point, "series": series}))


if __name__ == "__main__":
    main()
