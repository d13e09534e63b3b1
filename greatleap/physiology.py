"""Physiology and demography (ODD 7.8).

Rules in plain words:
- Each person needs energy by age, plus the cost of this month's work (and of coerced long hours).
- Intake below need burns body mass at 7,000 kcal per kg; the body adapts by spending less
  (the Minnesota experiment lost about 3 kg a month on a 1,600 kcal deficit), so only part of
  the deficit shows as lost mass. A surplus rebuilds mass up to a healthy BMI.
- Hunger state follows BMI and intake: fed, hungry, starving, severely wasted.
- Death: a baseline hazard by age (other causes), raised by infection below BMI 17, plus a
  starvation hazard that rises steeply as BMI nears the survival limit (about 13 for men and
  11-12 for women; Henry 2001), reached a little earlier by children and the old.
- Births: women 15-44 conceive by an age schedule, less often when their reserve is low;
  conceptions turn into births nine months later.
- Everyone ages a month per month.
"""

from __future__ import annotations

import numpy as np
from numba import njit, vectorize

f32 = np.float32

DAYS_PER_MONTH = 30.4
KCAL_PER_KG_TISSUE = 7000.0
ADULT_HEIGHT_M2 = 1.60 ** 2  # converts kg of lost mass to BMI units
HEALTHY_BMI = 21.0
NORMAL_INTAKE_KCAL = 2000.0  # a villager's daily intake in a normal year, all foods
_HEALTHY = f32(HEALTHY_BMI)
# kcal/day of imbalance over a month -> BMI units
_BMI_PER_KCAL_DAY = f32(DAYS_PER_MONTH / KCAL_PER_KG_TISSUE / ADULT_HEIGHT_M2)
AGE_GROUPS = ((0, 10), (10, 60), (60, 200))  # reporting groups 0-9, 10-59, 60+

# Daily need (kcal) by age in whole years, before work.
_NEED_BY_AGE = np.concatenate([
    np.full(5, 1000.0), np.full(5, 1400.0), np.full(5, 1800.0), np.full(45, 1900.0),
    np.full(61, 1700.0)]).astype(np.float32)

# Extra daily cost of each task at full effort (see labour.TASKS): fields, furnace, irrigation,
# forage, none. Field work is lighter in the slack months (FIELD_SEASON).
TASK_KCAL = np.array([550.0, 900.0, 900.0, 400.0, 0.0], dtype=np.float32)
FIELD_SEASON = {1: 0.3, 2: 0.3, 3: 0.7, 4: 1.0, 5: 1.0, 6: 1.0, 7: 0.8, 8: 0.7, 9: 1.0, 10: 1.0,
                11: 0.6, 12: 0.3}


@njit(cache=True, inline="always")
def _clip01(x):
    return min(max(x, f32(0.0)), f32(1.0))


def _annual_death_rate_by_age() -> np.ndarray:
    """True (not registered) mortality of the 1950s countryside by age, per year.

    Shaped on model life tables with life expectancy near 50 (Banister 1987 puts the true
    1957 crude death rate at 18 per 1000 against 10.8 registered); ``baseline_mortality``
    scales it.
    """
    rate = np.empty(101)
    rate[0] = 0.13
    rate[1:5] = 0.022
    rate[5:10] = 0.005
    rate[10:40] = 0.004
    rate[40:60] = np.linspace(0.006, 0.02, 20)
    rate[60:80] = np.linspace(0.025, 0.10, 20)
    rate[80:] = 0.20
    return rate


ANNUAL_DEATH_RATE = _annual_death_rate_by_age()
MONTHLY_BASE_HAZARD = (1.0 - (1.0 - ANNUAL_DEATH_RATE) ** (1 / 12)).astype(np.float32)

# Births per woman per year by age (total fertility near 5.7, as in the 1950s).
_ASFR = np.zeros(101)
_ASFR[15:20], _ASFR[20:25], _ASFR[25:30] = 0.07, 0.27, 0.28
_ASFR[30:35], _ASFR[35:40], _ASFR[40:45] = 0.23, 0.18, 0.10
MONTHLY_CONCEPTION = (_ASFR / 12).astype(np.float32)


def age_index(age: np.ndarray) -> np.ndarray:
    return np.minimum(age, 100).astype(np.intp)


# ---- the rules, one person at a time ---------------------------------------------------------
# Each rule is a numba ufunc: called with arrays it works element-wise (tests, set-up), and the
# village's fused monthly loops (``greatleap.kernels``) call the same rule one person at a time.
# Constants are float32 so that a float32 person stays float32 all the way through. A rule
# named ``..._of`` takes parameter values; its array form taking the parameter dict drops the
# suffix.

@vectorize(cache=True)
def resting_need_of(age_idx, bmi):
    """kcal/day at rest by age; the resting part shrinks with body mass, so a thinner body needs
    less: a moderate shortfall settles at a lower weight instead of killing, and only a deep one
    does."""
    mass = f32(0.4) + f32(0.6) * min(bmi, _HEALTHY) / _HEALTHY
    return _NEED_BY_AGE[age_idx] * mass


@vectorize(cache=True)
def daily_need_of(resting, work, capacity, long_hours):
    """kcal/day spent this month: resting need, plus work as hard as one can, plus coerced hours
    (which no weakness excuses)."""
    return resting + work * capacity + long_hours


def task_kcal(month: int) -> np.ndarray:
    """Extra daily cost of each task this month (field work is lighter in the slack months)."""
    task = TASK_KCAL.copy()
    task[0] *= FIELD_SEASON[month]
    return task


def daily_need(age_idx: np.ndarray, labour: np.ndarray, long_hours_kcal: np.ndarray,
               month: int, capacity, bmi) -> np.ndarray:
    """``daily_need_of`` for arrays of people doing ``labour`` in calendar ``month``."""
    return daily_need_of(resting_need_of(age_idx, bmi), task_kcal(month)[labour], capacity,
                         long_hours_kcal)


@vectorize(cache=True)
def body_mass_after(bmi, intake, need):
    """Energy balance -> next month's BMI. Adaptive thermogenesis and less fidgeting absorb part
    of a deficit, more as reserves run down; part of a surplus goes to heat."""
    balance = intake - need
    when_short = f32(0.25) + f32(0.2) * _clip01((f32(18.5) - bmi) / f32(5.0))
    absorbed = when_short if balance < 0 else f32(0.5)
    b = bmi + balance * (f32(1.0) - absorbed) * _BMI_PER_KCAL_DAY
    b = min(max(b, f32(8.0)), f32(24.0))
    # a well-fed body drifts back towards its healthy mass
    return b - f32(0.2) * (b - _HEALTHY) if b > _HEALTHY else b


def update_body_mass(bmi: np.ndarray, intake: np.ndarray, need: np.ndarray) -> None:
    """``body_mass_after``, in place."""
    bmi[...] = body_mass_after(bmi, intake, need)


@vectorize(cache=True)
def hunger_state(bmi, intake_ratio):
    """0 fed, 1 hungry, 2 starving, 3 severely wasted."""
    # each state implies the ones before it, so counting the thresholds crossed gives the state
    # (without branches, which mispredict when neighbours differ)
    hungry = (bmi < f32(18.5)) | (intake_ratio < f32(0.85))
    starving = (bmi < f32(16.0)) | (intake_ratio < f32(0.6))
    return np.int8(hungry + starving + (bmi < f32(14.0)))


@vectorize(cache=True)
def starvation_hazard_of(bmi, female, age_idx, limit_female, limit_male):
    """Monthly probability of dying of starvation: one half at the survival limit, reached a
    little earlier by small children and the old."""
    limit = f32(limit_female) if female else f32(limit_male)
    limit += f32(1.5) * ((age_idx < 5) | (age_idx >= 60))  # no branch: ages come in random order
    return f32(1.0) / (f32(1.0) + np.exp((bmi - limit) / f32(0.5)))


def starvation_hazard(bmi: np.ndarray, female: np.ndarray, age_idx: np.ndarray, p) -> np.ndarray:
    return starvation_hazard_of(bmi, female, age_idx, p["bmi_limit_female"], p["bmi_limit_male"])


@vectorize(cache=True)
def baseline_hazard_of(bmi, age_idx, baseline_mortality):
    """Monthly probability of dying of other causes, raised by infection when wasted."""
    infection = f32(1.0) + f32(4.0) * _clip01((f32(17.0) - bmi) / f32(4.0))
    return MONTHLY_BASE_HAZARD[age_idx] * f32(baseline_mortality) * infection


def baseline_hazard(bmi: np.ndarray, age_idx: np.ndarray, p) -> np.ndarray:
    return baseline_hazard_of(bmi, age_idx, p["baseline_mortality"])


LIVES, FAMINE_DEATH, OTHER_DEATH = 0, 1, 2


@vectorize(cache=True)
def death_cause(u, starvation, baseline, baseline_fed):
    """``LIVES``, ``FAMINE_DEATH`` or ``OTHER_DEATH``, given one uniform draw ``u``.

    Deaths a fed body would also have died (the part of ``baseline`` below ``baseline_fed``)
    count as ordinary; the rest of the infection-raised hazard counts with starvation."""
    if u >= starvation + baseline:
        return np.int8(LIVES)
    if u < starvation or u >= starvation + baseline_fed:
        return np.int8(FAMINE_DEATH)
    return np.int8(OTHER_DEATH)


@vectorize(cache=True)
def conception_probability_of(age_idx, female, bmi, intake_ratio, fertility):
    """Monthly chance a woman conceives: falls to nothing as her reserve runs down."""
    fecundity = _clip01((bmi - f32(16.0)) / f32(3.0)) * _clip01((intake_ratio - f32(0.5)) / f32(0.4))
    # no branch on sex or age: they come in random order, and a mispredicted branch costs more
    # than the arithmetic
    return MONTHLY_CONCEPTION[age_idx] * fecundity * f32(fertility) * female


def conception_probability(age_idx: np.ndarray, female: np.ndarray, bmi: np.ndarray,
                           intake_ratio: np.ndarray, p) -> np.ndarray:
    return conception_probability_of(age_idx, female, bmi, intake_ratio, p["fertility"])
