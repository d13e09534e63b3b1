"""The body link alone (issue 12): deaths per 1000 in a year when every villager of January 1957
(after the spin-up) eats the same share of his own need each month, through ``physiology``'s rules
only (no work, allocation, epidemic or births), by age band, sex and cause.

    nice -n 5 .venv/bin/python scripts/body_link.py [NAME=VALUE ...]

Columns: '<band><M|F> st' deaths of inanition, '... ot' other causes (age schedule x wasting).
Observation only: it builds a model for its population and never steps it.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from greatleap import physiology
from greatleap.model import FamineModel
from greatleap.runner import parse_overrides

BANDS = (("0-4", 0, 5), ("5-14", 5, 15), ("15-59", 15, 60), ("60+", 60, 200))


def body_dose(shares=(1.0, 0.85, 0.8, 0.75, 0.7), months: int = 12, seed: int = 1, **overrides) -> pd.DataFrame:
    m = FamineModel(rng=seed, materialise_peasants=False, **overrides)
    people, p = m.people, m.p
    idx = np.flatnonzero(people.view("alive"))
    age0, female = people.age[idx].astype(np.float32), people.female[idx]
    rows = {}
    for f in shares:
        age, bmi, height = age0.copy(), people.bmi[idx].astype(np.float32), people.height[idx].astype(np.float32)
        alive, starved, other = np.ones(len(idx)), np.zeros(len(idx)), np.zeros(len(idx))
        for _ in range(months):
            need = physiology.daily_need(age, female, bmi, height)
            bmi, height = physiology.body_after_month(age, female, bmi, height, f * need, need, p["child_play_cut"])
            age = age + np.float32(1 / 12)
            st = physiology.starvation_hazard(age, female, bmi, p)
            ot = physiology.baseline_hazard(age, physiology.wasting_score(age, female, bmi), p)
            starved += alive * st
            other += alive * (1 - st) * ot
            alive *= (1.0 - st) * (1.0 - ot)
        row = {}
        for name, lo, hi in BANDS:
            for sex, tag in ((False, "M"), (True, "F")):
                k = (age0 >= lo) & (age0 < hi) & (female == sex)
                row[f"{name}{tag} st"], row[f"{name}{tag} ot"] = 1000 * starved[k].mean(), 1000 * other[k].mean()
        rows[f] = row
    out = pd.DataFrame(rows).T.round(0)
    out.index.name = "share of need"
    return out


if __name__ == "__main__":
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 30)
    print(body_dose(**parse_overrides(sys.argv[1:])))
