"""Labour allocation (ODD 7.2).

Rules in plain words:
- Able people are those aged 12-69 who are not severely wasted; 12-14 and 60-69 count half.
- Each month the cadre sends a share of the able to the backyard furnaces (autumn 1958) and to
  winter irrigation works (winters 1957-60), more if he is zealous and more if his province's
  leader is (``provinces.campaign_drive``, ODD 7.12). Hungry people spend time
  foraging. Everyone else works the fields.
- From March 1958 to mid-1960, until the centre retreats, cadres drive those at work to coerced
  long hours (lever ``long_hours``): ``coercion_kcal`` more energy burned a day, and
  ``long_hours_factor`` times the effective labour in the fields.
- Field effort falls once the communes abolish private plots (lever ``abolish_private_plots``)
  and once the exit right is lost (Lin 1990), and with hunger: energy intake below need and a low BMI sap work capacity (Li & Yang
  2005).
- Effective field labour of a commune = sum of able weight x effort x capacity of its field
  workers, divided by its able workers at the start of the run (the norm).
"""

from __future__ import annotations

import numpy as np
from numba import vectorize

from greatleap import physiology, provinces

f32 = np.float32

TASKS = ("fields", "furnace", "irrigation", "forage", "none")
FIELDS, FURNACE, IRRIGATION, FORAGE, NONE = range(5)  # definition: the codes of TASKS

# Campaign intensity by calendar month (share of the peak mobilisation), backyard furnaces.
# assumption: the campaign rose from August 1958 to its height in October-November (some 90 M
# people, an often repeated figure whose primary source is not traced) and waned in December.
_FURNACE_RAMP = {8: 0.1, 9: 0.5, 10: 1.0, 11: 1.0, 12: 0.6}
# The same for the winter water works. source: Beijing Review, 4 Mar 1958: 60-70 M at work in
# November 1957, 80 M in December, 100 M in January 1958 (0.65, 0.8, 1.0 of the peak); October
# (30 M there, 0.3) is set lower and the tapering in February-March is an assumption.
_IRRIGATION_RAMP = {10: 0.1, 11: 0.65, 12: 0.85, 1: 1.0, 2: 0.8, 3: 0.4}
# No commune sends more than this share of its able people to a campaign, however zealous its cadre.
# assumption: someone stays with the fields, the old and the children.
MAX_CAMPAIGN_SHARE = 0.9


# Able weight by whole year of age: 12-14 and 60-69 count half, 15-59 whole.
# assumption: the teams' work points counted the young and the old as part labourers; the ages
# and the half are not taken from a record.
_ABLE_BY_AGE = np.zeros(101, dtype=np.float32)
_ABLE_BY_AGE[12:15] = _ABLE_BY_AGE[60:70] = 0.5  # assumption: half labourers (as above)
_ABLE_BY_AGE[15:60] = 1.0  # assumption: full labourers (as above)


@vectorize(cache=True)
def able_weight_of(age_idx, hunger):
    """1 for ages 15-59, 0.5 for 12-14 and 60-69, else 0; nothing when severely wasted."""
    return _ABLE_BY_AGE[age_idx] if hunger < 3 else f32(0.0)


def able_weight(age: np.ndarray, hunger: np.ndarray) -> np.ndarray:
    return able_weight_of(physiology.age_index(age), hunger)


def campaign_shares(model) -> tuple[np.ndarray, np.ndarray]:
    """Per commune: share of the able sent to furnaces and to irrigation works this month."""
    p, ym = model.p, model.ym
    # the cadre's own drive times his province leader's (ODD 7.12)
    zeal = np.array([c.mobilisation() for c in model.cadres]) * provinces.campaign_drive(model)
    furnace = irrigation = 0.0
    if p["backyard_furnaces"] and model.calendar.furnaces_on(ym):
        furnace = p["furnace_share"] * _FURNACE_RAMP.get(ym[1], 1.0)
    if p["irrigation_campaigns"] and model.calendar.irrigation_on(ym):
        irrigation = p["irrigation_share"] * _IRRIGATION_RAMP.get(ym[1], 0.5)
    if model.state.retreated:
        furnace = irrigation = 0.0
    return np.clip(furnace * zeal, 0, MAX_CAMPAIGN_SHARE), np.clip(irrigation * zeal, 0, MAX_CAMPAIGN_SHARE)


def forage_propensity(p) -> np.ndarray:
    """Chance a field worker forages instead, by hunger state (fed, hungry, starving, severely
    wasted): none when fed, ``forage_hungry``, ``forage_starving`` (float32). The severely wasted
    cannot work (``able_weight_of``): their task is none whatever the last entry says."""
    return np.array([0.0, p["forage_hungry"], p["forage_starving"], 0.0], dtype=np.float32)


@vectorize(cache=True)
def task_of(u, furnace, irrigation, forage_chance, able):
    """This month's task of one person, from one uniform draw ``u``: the draw falls in the
    commune's furnace share, its irrigation share, or the rest; the rest, rescaled, decides
    whether a field worker forages instead (``forage_chance``: ``forage_propensity`` of his hunger
    state). Those unable to work have no task."""
    rest = (u - furnace - irrigation) / max(1.0 - furnace - irrigation, 1e-6)
    # selects rather than early returns: neighbours' tasks differ, so branches would mispredict
    task = FORAGE if rest < forage_chance else FIELDS
    task = IRRIGATION if u < furnace + irrigation else task
    task = FURNACE if u < furnace else task
    return np.int8(NONE if able == 0 else task)


def incentive_effort(model) -> float:
    """Effort multiplier from institutions: private plots and the exit right (Lin 1990)."""
    p = model.p
    if not model.private_plots_abolished():
        return 1.0
    effort = 1.0 - p["effort_loss_private_plots"]
    if not p["exit_right_kept"]:
        effort *= 1.0 - p["effort_loss_exit"]
    return effort


@vectorize(cache=True)
def work_capacity(bmi, intake_ratio):
    """Hunger-sapped capacity to work, 0-1."""
    by_bmi = min(max((bmi - f32(10.0)) / f32(7.0), f32(0.3)), f32(1.0))
    by_intake = min(max(intake_ratio, f32(0.3)), f32(1.0))
    if by_intake < 1:  # 1 ** 0.2 is 1: skip the costly power for the fed
        by_intake **= f32(0.2)
    return by_bmi * by_intake


def long_hours_in_force(model) -> bool:
    """Coerced long hours: a campaign of the Leap's years (the calendar), ended by the retreat."""
    return model.p["long_hours"] and model.calendar.long_hours_on(model.ym) and not model.state.retreated


def coerced_kcal(model) -> float:
    """Extra daily energy burned by coerced long hours this month, by each person at work."""
    return float(model.p["coercion_kcal"]) if long_hours_in_force(model) else 0.0


@vectorize(cache=True)
def long_hours_of(task, coerced):
    """Coerced hours fall on those at work: in the fields, at the furnaces, on the dams."""
    return f32(coerced) if task <= IRRIGATION else f32(0.0)


def long_hours_kcal(model, task: np.ndarray) -> np.ndarray:
    return long_hours_of(task, coerced_kcal(model))


def field_labour(model, alive_idx, task, able, capacity) -> tuple[np.ndarray, np.ndarray]:
    """``field_labour_of`` for arrays of living people, their tasks, able weight and capacity."""
    commune = model.people.commune[alive_idx]
    in_fields = np.where(task == FIELDS, able, 0.0)
    n = model.communes.n
    return field_labour_of(model, np.bincount(commune, weights=in_fields, minlength=n),
                           np.bincount(commune, weights=in_fields * capacity, minlength=n))


def field_labour_of(model, present: np.ndarray, working: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per commune, relative to the commune's norm: (hands present in the fields, effective labour),
    from the sums over field workers of able weight (``present``) and able weight x capacity.

    Presence decides how much land is sown and how much of a ripe crop is brought in; effective
    labour (presence x effort x capacity x hours) decides the yield.
    """
    norm = model.communes.workers_normal
    hours = model.p["long_hours_factor"] if long_hours_in_force(model) else 1.0
    return present / norm, working / norm * incentive_effort(model) * hours

