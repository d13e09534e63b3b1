"""Labour allocation (ODD 7.2).

Rules in plain words:
- Able people are those aged 12-69 who are not severely wasted; 12-14 and 60-69 count half.
- Each month the cadre sends a share of the able to the backyard furnaces (autumn 1958) and to
  winter irrigation works (winters 1957-60), more if he is zealous. Hungry people spend time
  foraging. Everyone else works the fields.
- Campaign months impose coerced long hours, which burn extra energy.
- Field effort falls once private plots are abolished and once the exit right is lost (Lin
  1990), and with hunger: energy intake below need and a low BMI sap work capacity (Li & Yang
  2005).
- Effective field labour of a commune = sum of able weight x effort x capacity of its field
  workers, divided by its able workers at the start of the run (the norm).
"""

from __future__ import annotations

import numpy as np

TASKS = ("fields", "furnace", "irrigation", "forage", "none")
FIELDS, FURNACE, IRRIGATION, FORAGE, NONE = range(5)

# Campaign intensity by calendar month (share of the peak mobilisation).
_FURNACE_RAMP = {8: 0.1, 9: 0.5, 10: 1.0, 11: 1.0, 12: 0.6}
_IRRIGATION_RAMP = {10: 0.1, 11: 0.65, 12: 0.85, 1: 1.0, 2: 0.8, 3: 0.4}
FORAGE_PROPENSITY = np.array([0.0, 0.03, 0.3, 0.5], dtype=np.float32)  # by hunger state


_ABLE_BY_AGE = np.zeros(101, dtype=np.float32)
_ABLE_BY_AGE[12:15] = _ABLE_BY_AGE[60:70] = 0.5
_ABLE_BY_AGE[15:60] = 1.0


def able_weight(age: np.ndarray, hunger: np.ndarray) -> np.ndarray:
    """1 for ages 15-59, 0.5 for 12-14 and 60-69, else 0; nothing when severely wasted."""
    w = _ABLE_BY_AGE[np.minimum(age, 100).astype(np.intp)]
    w[hunger >= 3] = 0.0
    return w


def campaign_shares(model) -> tuple[np.ndarray, np.ndarray]:
    """Per commune: share of the able sent to furnaces and to irrigation works this month."""
    p, ym = model.p, model.ym
    zeal = np.array([c.mobilisation() for c in model.cadres])
    furnace = irrigation = 0.0
    if p["backyard_furnaces"] and model.calendar.furnaces_on(ym):
        furnace = p["furnace_share"] * _FURNACE_RAMP.get(ym[1], 1.0)
    if p["irrigation_campaigns"] and model.calendar.irrigation_on(ym):
        irrigation = p["irrigation_share"] * _IRRIGATION_RAMP.get(ym[1], 0.5)
    if model.state.retreated:
        furnace = irrigation = 0.0
    return np.clip(furnace * zeal, 0, 0.9), np.clip(irrigation * zeal, 0, 0.9)


def assign_tasks(model, alive_idx: np.ndarray, able: np.ndarray) -> np.ndarray:
    """Draw this month's task for each living person (one uniform draw each)."""
    people = model.people
    furnace, irrigation = campaign_shares(model)
    u = model.rng.random(len(alive_idx), dtype=np.float32)
    task = np.full(len(alive_idx), FIELDS, dtype=np.int8)
    propensity = FORAGE_PROPENSITY[people.hunger[alive_idx]]
    if not (furnace.any() or irrigation.any()):  # most months: no campaign, the draw is all rest
        task[u < propensity] = FORAGE
        task[able == 0] = NONE
        return task
    commune = people.commune[alive_idx]
    f, i = furnace[commune], irrigation[commune]
    task[u < f + i] = IRRIGATION
    task[u < f] = FURNACE
    # the rest of the same draw, rescaled, decides foraging among field workers
    rest = (u - f - i) / np.maximum(1.0 - f - i, 1e-6)
    forage = (task == FIELDS) & (rest < propensity)
    task[forage] = FORAGE
    task[able == 0] = NONE
    return task


def incentive_effort(model) -> float:
    """Effort multiplier from institutions: private plots and the exit right (Lin 1990)."""
    p = model.p
    if not model.private_plots_abolished():
        return 1.0
    effort = 1.0 - p["effort_loss_private_plots"]
    if not p["exit_right_kept"]:
        effort *= 1.0 - p["effort_loss_exit"]
    return effort


def work_capacity(bmi: np.ndarray, intake_ratio: np.ndarray) -> np.ndarray:
    """Hunger-sapped capacity to work, 0-1."""
    by_bmi = np.clip((bmi - 10.0) / 7.0, 0.3, 1.0)
    by_intake = np.clip(intake_ratio, 0.3, 1.0) ** 0.2
    return by_bmi * by_intake


def long_hours_kcal(model, task: np.ndarray) -> np.ndarray:
    """Extra daily energy burned by coerced long hours, for those at work during campaigns."""
    if not model.calendar.long_hours_on(model.ym) or model.state.retreated:
        return np.zeros(len(task), dtype=np.float32)
    at_work = (task == FIELDS) | (task == FURNACE) | (task == IRRIGATION)
    return np.where(at_work, model.p["coercion_kcal"], 0.0).astype(np.float32)


def field_labour(model, alive_idx, task, able, capacity) -> tuple[np.ndarray, np.ndarray]:
    """Per commune, relative to the commune's norm: (hands present in the fields, effective labour).

    Presence decides how much land is sown and how much of a ripe crop is brought in; effective
    labour (presence x effort x capacity x hours) decides the yield.
    """
    commune = model.people.commune[alive_idx]
    in_fields = np.where(task == FIELDS, able, 0.0)
    norm = model.communes.workers_normal
    present = np.bincount(commune, weights=in_fields, minlength=model.communes.n) / norm
    hours = 1.15 if model.calendar.long_hours_on(model.ym) and not model.state.retreated else 1.0
    working = np.bincount(commune, weights=in_fields * capacity, minlength=model.communes.n) / norm
    return present, working * incentive_effort(model) * hours


def labour_shares(task: np.ndarray, able: np.ndarray) -> dict[str, float]:
    """Share of able labour in each task (for the reporters)."""
    total = able.sum()
    if total <= 0:
        return {name: 0.0 for name in TASKS[:4]}
    by_task = np.bincount(task, weights=able, minlength=len(TASKS))
    return {name: float(by_task[k] / total) for k, name in enumerate(TASKS[:4])}
