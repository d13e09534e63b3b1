"""Dining halls and the distribution of grain (ODD 7.6).

Rules in plain words:
- Outside the hall period, the collective's grain left after procurement and seed is shared out
  to households by size at each harvest, and each household eats from its own store, spreading it
  over the months to the next harvest and eating at most a little over its need
  (``catch_up`` times what it still needs).
- When halls open (October 1958) participating households hand their stores to the hall; what
  the collective keeps at later harvests stays in the hall's larder, except the share of the
  households that do not take part.
- Free-eating phase (October-December 1958): the hall serves ``free_eating`` times need (eaten and
  wasted) for as long as the larder lasts.
- Then the cadre rations: the larder spread over the months to the next harvest, capped at need,
  with ``hall_waste`` lost in the kitchens. Rations follow work points: a worker is served by his
  able weight; children, the old and the sick, who earn no points, get ``1 - ladle_bias`` of
  their need (the hall's rule for them; ``ladle_bias`` 0 is equal shares). Free tables serve all.
- When halls close (1961), the larder is shared out to households.
- At home, a household shares its pot (its own grain, hidden grain, green crops, plots and
  foraging) over what each member still needs after the hall. While it covers everyone, all get
  the same share of need; short, the workers who earn the food are protected: a full worker's
  shortfall is ``1 - home_priority`` times a dependant's (Pitt, Rosenzweig & Hassan 1990 on
  allocation by work; ``home_priority`` 0 is equal shares).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from greatleap import sums
from greatleap.coping import grain_to_kcal_per_day


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
        com_pop = sums.by_group(hh_pop, hh.commune, com.n)
        outside = sums.by_group(weight, hh.commune, com.n)
        moving = com.granary * np.divide(outside, com_pop, out=np.zeros(com.n), where=com_pop > 0)
    else:
        weight = hh_pop
        moving = com.granary.copy()
    com_weight = sums.by_group(weight, hh.commune, com.n)
    per_unit = np.divide(moving, com_weight, out=np.zeros(com.n), where=com_weight > 0)
    hh.stock += per_unit[hh.commune] * weight
    com.granary -= np.where(com_weight > 0, moving, 0.0)


def open_halls(model) -> None:
    """Participating households hand their stores to the hall."""
    com, hh = model.communes, model.households
    handed = np.where(hh.in_hall, hh.stock, 0.0)
    com.granary += sums.by_group(handed, hh.commune, com.n)
    hh.stock -= handed


def household_meals(model, short_kg_hh: np.ndarray, months_left: int) -> np.ndarray:
    """Grain (kg) each household eats from its own store this month, towards the grain it still
    needs after the hall (for hall members: gifts from kin and anything else they hold)."""
    return _eat_from_store(model.households.stock, np.asarray(short_kg_hh, np.float64), model.p["catch_up"],
                           months_left)


@njit(cache=True, error_model="numpy")
def _eat_from_store(stock, short_kg_hh, catch_up, months_left):
    """``household_meals``' rule, one household at a time (numpy made five passes): at most
    ``catch_up`` x the shortfall and a ``months_left``-th of the store; taken from ``stock``."""
    eat = np.empty(len(stock))
    for j in range(len(stock)):
        e = min(catch_up * max(short_kg_hh[j], 0.0), stock[j] / months_left)
        eat[j] = e
        stock[j] -= e
    return eat


def ladle(model) -> float:
    """The share of need the hall withholds from those who cannot work this month (none at the
    free tables, and none with the halls closed)."""
    if not model.halls_open() or model.free_eating_on():
        return 0.0
    return float(model.p["ladle_bias"])


def eating_in_hall(model) -> np.ndarray:
    """Per household, 1.0 if it eats in the hall this month, else 0.0 (float32)."""
    hh = model.households
    return (hh.in_hall & model.halls_open()).astype(np.float32)


def hall_meals(model, need_kg_hh: np.ndarray, served_share_hh: np.ndarray,
               months_left: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(grain eaten per household, grain wasted per commune, the hall's fill per commune) this
    month. ``served_share_hh`` is the share of its need the ladle serves a household; the fill
    is grain eaten / grain served (above 1 at the free tables)."""
    com, hh, p = model.communes, model.households, model.p
    if not model.halls_open():
        return np.zeros(len(hh)), np.zeros(com.n), np.zeros(com.n)
    served_need = np.where(hh.in_hall, need_kg_hh * served_share_hh, 0.0)
    demand = sums.by_group(served_need, hh.commune, com.n)
    if model.free_eating_on():
        wanted = demand * p["free_eating"]
        # people eat up to ``overeating`` times need; the rest of the excess is thrown away
        waste_share = 1.0 - min(1.0, p["overeating"] / p["free_eating"])
        used = np.minimum(wanted, com.granary)
    else:
        spread = com.granary / months_left
        waste_share = p["hall_waste"]
        used = np.minimum(p["catch_up"] * demand / (1.0 - waste_share), spread)
    com.granary -= used
    eaten = used * (1.0 - waste_share)
    fill = np.divide(eaten, demand, out=np.zeros(com.n), where=demand > 0)  # >1 in free eating
    return served_need * fill[hh.commune], used - eaten, fill


def hall_kcal_fill(model, hall_kg_hh: np.ndarray, served_kcal_hh: np.ndarray) -> np.ndarray:
    """Per commune, the hall's grain eaten as a share of the need it serves, in energy (what a
    diner gets: need x ladle weight x this share)."""
    com, hh = model.communes, model.households
    if not model.halls_open():  # nobody ate in a hall: nothing to divide
        return np.zeros(com.n, np.float32)
    eaten = sums.by_group(grain_to_kcal_per_day(model, hall_kg_hh), hh.commune, com.n)
    served = sums.by_group(np.where(hh.in_hall, served_kcal_hh, 0.0), hh.commune, com.n)
    return np.divide(eaten, served, out=np.zeros(com.n), where=served > 0).astype(np.float32)


def home_shares(pot_kcal: np.ndarray, left: np.ndarray, left_workers: np.ndarray,
                priority: float) -> tuple[np.ndarray, np.ndarray]:
    """Per household, the share of what each member still needs that (those who cannot work,
    full workers) get from the pot; a person's share moves from the first to the second with his
    able weight.

    ``left`` is the household's need left after the hall, ``left_workers`` the same weighted by
    able weight. While the pot covers ``left`` everyone gets pot / left (capped later at
    ``max_intake_ratio``). Short, each member bears a share of the shortfall in proportion to his
    need x (1 - ``priority`` x able weight): a full worker's shortfall is 1 - ``priority`` times
    a dependant's. When the dependants would get nothing, the workers share the whole pot."""
    return _home_shares(np.asarray(pot_kcal, np.float64), np.asarray(left, np.float64),
                        np.asarray(left_workers, np.float64), float(priority))


@njit(cache=True, inline="always", error_model="numpy")
def _home_share_of(pot, left, left_workers, priority):
    """(those who cannot work, full workers) of one household: ``home_shares``' rule."""
    plenty = pot / left if left > 0 else 0.0
    if plenty >= 1.0:
        return plenty, plenty
    weighted = left - priority * left_workers
    shortfall = (left - pot) / weighted if weighted > 1e-9 else 0.0
    others = 1.0 - shortfall
    if others < 0.0:  # dependants get nothing; workers share the pot
        return 0.0, (pot / left_workers if left_workers > 0 else 0.0)
    return others, 1.0 - shortfall * (1.0 - priority)


@njit(cache=True, error_model="numpy")
def _home_shares(pot_kcal, left, left_workers, priority):
    """``home_shares`` compiled: one pass over the households instead of a dozen numpy passes."""
    n = len(left)
    others, workers = np.empty(n, np.float32), np.empty(n, np.float32)
    for j in range(n):
        o, w = _home_share_of(pot_kcal[j], left[j], left_workers[j], priority)
        others[j], workers[j] = o, w
    return others, workers
