"""The idiomatic-Mesa reference of the peasant month (benchmarks/idiomatic_reference.py) must
keep applying the same rules as the vectorised ``Village``, or its speed ratio means nothing.

Two layers: every scalar rule against its vectorised original on random inputs, and whole
months of the model run both ways from identical state (same seed, same random stream): every
discrete outcome must be identical and body mass must agree to float32 rounding.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from greatleap import labour, physiology
from greatleap.params import resolve

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "idiomatic_reference.py"
_spec = importlib.util.spec_from_file_location("idiomatic_reference", _PATH)
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

N = 4000


@pytest.fixture(scope="module")
def inputs():
    rng = np.random.default_rng(7)
    return {
        "age": (rng.random(N) * 95).astype(np.float32),
        "hunger": rng.integers(0, 4, N).astype(np.int8),
        "bmi": rng.uniform(9.0, 24.0, N).astype(np.float32),
        "ratio": rng.uniform(0.2, 1.3, N).astype(np.float32),
        "female": rng.random(N) < 0.5,
        "task": rng.integers(0, len(labour.TASKS), N).astype(np.int8),
        "capacity": rng.uniform(0.3, 1.0, N).astype(np.float32),
        "need": rng.uniform(800, 3200, N).astype(np.float32),
    }


def _close(scalar, vector, rtol=2e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(scalar, dtype=float), np.asarray(vector, dtype=float),
                               rtol=rtol, atol=atol)


def test_scalar_rules_match_vectorised(inputs):
    d, p = inputs, resolve("baseline")
    age_idx = physiology.age_index(d["age"])
    rows = physiology.rows_of(d["age"])
    sex = d["female"].astype(int)
    height = np.where(d["age"] < 19, physiology.height_at_z(np.minimum(d["age"], 18.9), d["female"], -1.5),
                      1.6).astype(np.float32)
    bmi = (d["bmi"] * physiology.SCALE_M[sex, rows] / 21.0).astype(np.float32)  # around each age's median
    gestation = np.where(d["female"] & (d["age"] > 16) & (d["age"] < 45), d["task"], 0).astype(np.int8)
    _close([ref.able_weight(ref.age_index(float(a)), int(h)) for a, h in zip(d["age"], d["hunger"])],
           labour.able_weight(d["age"], d["hunger"]), rtol=0, atol=0)
    _close([ref.work_capacity(float(b), float(r)) for b, r in zip(d["bmi"], d["ratio"])],
           labour.work_capacity(d["bmi"], d["ratio"]))
    for month in (1, 5, 9):
        task_pal = physiology.task_pal(month)[d["task"]]
        long_hours = np.where(d["task"] < 3, 450.0, 0.0).astype(np.float32)
        _close([ref.daily_need(int(s), int(r), float(b), float(h), float(t), float(c), float(lh), int(g))
                for s, r, b, h, t, c, lh, g in zip(sex, rows, bmi, height, task_pal, d["capacity"], long_hours, gestation)],
               physiology.daily_need(d["age"], d["female"], bmi, height, task_pal, d["capacity"], long_hours, gestation))
    need = physiology.daily_need(d["age"], d["female"], bmi, height)
    intake = need * d["ratio"]
    new_bmi, new_height = physiology.body_after_month(d["age"], d["female"], bmi, height, intake, need)
    scalar = [ref.body_after(int(s), int(r), float(b), float(h), float(i), float(n))
              for s, r, b, h, i, n in zip(sex, rows, bmi, height, intake, need)]
    _close([b for b, _ in scalar], new_bmi)
    _close([h for _, h in scalar], new_height)
    score = physiology.wasting_score(d["age"], d["female"], bmi)
    _close([ref.wasting_score(int(s), int(r), float(b)) for s, r, b in zip(sex, rows, bmi)], score, rtol=1e-4, atol=1e-4)
    _close([ref.hunger_state(float(z), float(r)) for z, r in zip(score, d["ratio"])],
           physiology.hunger_state(score, d["ratio"]), rtol=0, atol=0)
    _close([ref.starvation_hazard(int(s), int(r), int(a), float(b), p, p["elderly_reserve"])
            for s, r, a, b in zip(sex, rows, age_idx, bmi)],
           physiology.starvation_hazard(d["age"], d["female"], bmi, p))
    log_hr = physiology.log_hr_per_sd(p)
    _close([ref.wasting_hazard_ratio(float(z), log_hr) for z in score], physiology.wasting_hazard_ratio(score, p))
    _close([ref.fecundity(float(b), float(r), p) for b, r in zip(d["bmi"], d["ratio"])],
           physiology.fecundity(d["bmi"], d["ratio"], p))
    _close([ref.milk_supply(float(b), p["lactation_protected_bmi"], p["bmi_limit_female"]) for b in d["bmi"]],
           physiology.milk_supply(d["bmi"], p))


def test_reference_matches_village_for_the_whole_run():
    """All 72 months, 1957-62, at a small size: every discrete outcome identical, but for a hunger
    state whose wasting score sits within float32 rounding of its threshold (float64 against
    float32 arithmetic inside a rule; July 1961 at this seed since the provinces' lands)."""
    r = ref.compare(n_communes=8, side=6, months=72, warmup=0, seed=3)
    assert len(r["rows"]) == 72
    assert sum(row["hunger_identical"] for row in r["rows"]) >= 70
    for row in r["rows"]:
        assert row["alive_identical"], row
        assert row["hunger_identical"] or row["hunger_flips_at_threshold"], row
        assert row["task_identical"], row
        assert row["age_identical"], row
        assert row["deaths_vec"] == row["deaths_ref"], row
        assert row["starv_vec"] == row["starv_ref"], row
        assert row["violence_vec"] == row["violence_ref"], row
        assert row["births_vec"] == row["births_ref"], row
        assert row["max_abs_bmi_diff"] < 5e-4, row  # float32 vs float64, accumulated over the years
        assert row["max_rel_kcal_diff"] < 5e-5, row  # each villager's intake, float32 rounding (shares, fills)
    # the comparison is not vacuous: people starve, die otherwise and are born in these months
    assert sum(row["starv_vec"] for row in r["rows"]) > 0
    assert sum(row["deaths_vec"] for row in r["rows"]) > sum(row["starv_vec"] for row in r["rows"])
    assert sum(row["births_vec"] for row in r["rows"]) > 0


def test_the_whole_run_comparison_sees_a_reference_that_ages_in_float64():
    """The ageing that once parted the two runs (float64 in the reference) is caught: the ages
    part within the first months (as soon as one person's float64 birthday rounds differently)
    and stay parted, and the comparison says so."""
    original = ref.Villager.grow_older
    ref.Villager.grow_older = lambda self, v: setattr(self, "age", self.age + 1 / 12)
    try:
        r = ref.compare(n_communes=4, side=5, months=6, warmup=0, seed=3)
    finally:
        ref.Villager.grow_older = original
    identical = [row["age_identical"] for row in r["rows"]]
    parted = identical.index(False)  # raises if the ages never part
    assert not any(identical[parted:]), identical
