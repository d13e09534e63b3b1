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

DAYS_PER_MONTH = 30.4
KCAL_PER_KG_TISSUE = 7000.0
ADULT_HEIGHT_M2 = 1.60 ** 2  # converts kg of lost mass to BMI units
HEALTHY_BMI = 21.0
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


def daily_need(age_idx: np.ndarray, labour: np.ndarray, long_hours_kcal: np.ndarray,
               month: int, capacity, bmi) -> np.ndarray:
    """kcal/day each person spends this month: by age, plus work as hard as they can, plus
    coerced hours (which no weakness excuses). The resting part (60%) shrinks with body mass,
    so a thinner body needs less: a moderate shortfall settles at a lower weight instead of
    killing, and only a deep one does."""
    resting, work = need_parts(age_idx, labour, month, bmi)
    return resting + work * capacity + long_hours_kcal


def need_parts(age_idx: np.ndarray, labour: np.ndarray, month: int, bmi) -> tuple[np.ndarray, np.ndarray]:
    """The two parts of ``daily_need``: resting need scaled by body mass, and the task's cost."""
    task = TASK_KCAL.copy()
    task[0] *= FIELD_SEASON[month]
    mass = 0.4 + 0.6 * np.minimum(bmi, HEALTHY_BMI) / HEALTHY_BMI
    return _NEED_BY_AGE[age_idx] * mass, task[labour]


def update_body_mass(bmi: np.ndarray, intake: np.ndarray, need: np.ndarray) -> None:
    """Energy balance -> BMI, in place. Adaptation absorbs part of a deficit."""
    balance = intake - need
    # Adaptive thermogenesis and less fidgeting absorb part of a deficit, more as reserves run
    # down; part of a surplus goes to heat.
    absorbed = np.where(balance < 0, 0.25 + 0.2 * np.clip((18.5 - bmi) / 5.0, 0.0, 1.0), 0.5)
    change = balance * (1.0 - absorbed) * (DAYS_PER_MONTH / KCAL_PER_KG_TISSUE / ADULT_HEIGHT_M2)
    np.add(bmi, change.astype(np.float32), out=bmi)
    np.clip(bmi, 8.0, 24.0, out=bmi)
    # a well-fed body drifts back towards its healthy mass
    over = bmi > HEALTHY_BMI
    bmi[over] -= 0.2 * (bmi[over] - HEALTHY_BMI)


def hunger_state(bmi: np.ndarray, intake_ratio: np.ndarray) -> np.ndarray:
    """0 fed, 1 hungry, 2 starving, 3 severely wasted."""
    state = np.zeros(len(bmi), dtype=np.int8)
    state[(bmi < 18.5) | (intake_ratio < 0.85)] = 1
    state[(bmi < 16.0) | (intake_ratio < 0.6)] = 2
    state[bmi < 14.0] = 3
    return state


def starvation_hazard(bmi: np.ndarray, female: np.ndarray, age_idx: np.ndarray, p) -> np.ndarray:
    """Monthly probability of dying of starvation: one half at the survival limit."""
    limit = np.where(female, p["bmi_limit_female"], p["bmi_limit_male"]).astype(np.float32)
    limit += np.where((age_idx < 5) | (age_idx >= 60), 1.5, 0.0).astype(np.float32)
    return 1.0 / (1.0 + np.exp((bmi - limit) / 0.5))


def baseline_hazard(bmi: np.ndarray, age_idx: np.ndarray, p) -> np.ndarray:
    """Monthly probability of dying of other causes, raised by infection when wasted."""
    infection = 1.0 + 4.0 * np.clip((17.0 - bmi) / 4.0, 0.0, 1.0)
    return MONTHLY_BASE_HAZARD[age_idx] * p["baseline_mortality"] * infection


def conception_probability(age_idx: np.ndarray, female: np.ndarray, bmi: np.ndarray,
                           intake_ratio: np.ndarray, p) -> np.ndarray:
    """Monthly chance each woman conceives: falls to nothing as her reserve runs down."""
    chance = np.zeros(len(age_idx))
    fertile = female & (MONTHLY_CONCEPTION[age_idx] > 0)  # only they need the arithmetic
    b, r = bmi[fertile], intake_ratio[fertile]
    fecundity = np.clip((b - 16.0) / 3.0, 0.0, 1.0) * np.clip((r - 0.5) / 0.4, 0.0, 1.0)
    chance[fertile] = MONTHLY_CONCEPTION[age_idx[fertile]] * fecundity * p["fertility"]
    return chance
