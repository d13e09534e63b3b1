"""Dining halls and the distribution of grain (ODD 7.6).

Rules in plain words:
- Outside the hall period, the collective's grain left after procurement and seed is shared out
  to households by size at each harvest, and each household eats from its own store, spreading it
  over the months to the next harvest and eating at most a little over its need.
- When halls open (October 1958) participating households hand their stores to the hall; what
  the collective keeps at later harvests stays in the hall's larder, except the share of the
  households that do not take part.
- Free-eating phase (October-December 1958): the hall serves ``free_eating`` times need (eaten and
  wasted) for as long as the larder lasts.
- Then the cadre rations: the larder spread over the months to the next harvest, capped at need,
  with ``hall_waste`` lost in the kitchens and those who cannot work served less (the ladle).
- When halls close (1961), the larder is shared out to households.
"""

from __future__ import annotations

import numpy as np

OVEREATING = 1.2  # what a free hall's diners eat, as a multiple of need
CATCH_UP = 1.15  # with grain enough, the thin eat a little over need and regain weight
# Members share their household's food in proportion to need; nobody eats beyond this multiple.
MAX_INTAKE_RATIO = 1.3


def months_to_next_harvest(month: int) -> int:
    """Months, counting this one, until the next harvest month (June or October)."""
    for ahead in range(12):
        if (month - 1 + ahead) % 12 + 1 in (6, 10):
            return max(ahead, 1)
    return 1


def share_out_granary(model) -> None:
    """Move the collective grain (all, or the non-participants' share) to household stores."""
    com, hh = model.communes, model.households
    hh_pop = model.household_population().astype(float)
    if model.halls_open():
        weight = np.where(hh.in_hall, 0.0, hh_pop)
        com_pop = np.bincount(hh.commune, weights=hh_pop, minlength=com.n)
        outside = np.bincount(hh.commune, weights=weight, minlength=com.n)
        moving = com.granary * np.divide(outside, com_pop, out=np.zeros(com.n), where=com_pop > 0)
    else:
        weight = hh_pop
        moving = com.granary.copy()
    com_weight = np.bincount(hh.commune, weights=weight, minlength=com.n)
    per_unit = np.divide(moving, com_weight, out=np.zeros(com.n), where=com_weight > 0)
    hh.stock += per_unit[hh.commune] * weight
    com.granary -= np.where(com_weight > 0, moving, 0.0)


def open_halls(model) -> None:
    """Participating households hand their stores to the hall."""
    com, hh = model.communes, model.households
    handed = np.where(hh.in_hall, hh.stock, 0.0)
    com.granary += np.bincount(hh.commune, weights=handed, minlength=com.n)
    hh.stock -= handed


def household_meals(model, need_kg_hh: np.ndarray, months_left: int) -> np.ndarray:
    """Grain (kg) each household eats from its own store this month."""
    hh = model.households
    eat = np.minimum(CATCH_UP * need_kg_hh, hh.stock / months_left)
    if model.halls_open():
        eat = np.where(hh.in_hall, 0.0, eat)
    hh.stock -= eat
    return eat


def hall_meals(model, need_kg_hh: np.ndarray, workers_share_hh: np.ndarray,
               months_left: int) -> tuple[np.ndarray, np.ndarray]:
    """(grain eaten per household, grain wasted per commune) from the halls this month, kg."""
    com, hh, p = model.communes, model.households, model.p
    if not model.halls_open():
        return np.zeros(len(hh)), np.zeros(com.n)
    in_hall_need = np.where(hh.in_hall, need_kg_hh, 0.0)
    # the ladle: those who cannot work get less
    ladle = 0.0 if model.free_eating_on() else p["ladle_bias"]  # free tables serve everyone
    served_need = in_hall_need * (1.0 - ladle * (1.0 - workers_share_hh))
    demand = np.bincount(hh.commune, weights=served_need, minlength=com.n)
    if model.free_eating_on():
        wanted = demand * p["free_eating"]
        # people eat up to a fifth over need; the rest of the excess is thrown away
        waste_share = 1.0 - min(1.0, OVEREATING / p["free_eating"])
        used = np.minimum(wanted, com.granary)
    else:
        spread = com.granary / months_left
        waste_share = p["hall_waste"]
        used = np.minimum(CATCH_UP * demand / (1.0 - waste_share), spread)
    com.granary -= used
    eaten = used * (1.0 - waste_share)
    fill = np.divide(eaten, demand, out=np.zeros(com.n), where=demand > 0)  # >1 in free eating
    return served_need * fill[hh.commune], used - eaten
