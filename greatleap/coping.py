"""Coping (ODD 7.7): what households do when short of food.

Rules in plain words:
- Private plots and sidelines add ``non_grain_kcal`` a day per person; under the communes only
  the collective vegetable plots remain (``collective_plots_share`` of it).
- Foragers gather ``forage_kcal`` a day, less as more of the commune forages (``forage_depletion``).
- A household short of food first eats any grain it hid, then, while a crop stands and its
  shortfall exceeds ``green_hunger`` of its need, eats it green (``green_efficiency`` of a ripe kg's
  food, at most ``green_max_share`` of the standing crop a month); each kg eaten green costs
  ``green_crop_loss`` kg of the harvest.
- At harvest a loyal team hides ``concealment`` of the crop and divides it among its households.
- A household with stores beyond ``kin_reserve_months`` of need sends ``kin_transfers`` of the surplus to a
  hungry kin household (Cao, Xu & Zhang 2022).
- A starving household tries to flee with chance ``flight_propensity`` a month; once household
  registration is enforced (1959) the militia stops it with chance ``registration_enforcement``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, vectorize

from greatleap import sums
from greatleap.labour import FORAGE
from greatleap.physiology import DAYS_PER_MONTH



def side_food_rates(model, living: np.ndarray, foragers: np.ndarray) -> tuple[float, np.ndarray]:
    """kcal/day each person gets from private or collective plots, and, per commune, what a
    forager gathers given how many of its ``living`` villagers are ``foragers`` (depletion)."""
    p = model.p
    plots = p["non_grain_kcal"] * (p["collective_plots_share"] if model.private_plots_abolished() else 1.0)
    pressure = np.divide(foragers, living, out=np.zeros(len(living)), where=living > 0)
    return plots, p["forage_kcal"] / (1.0 + p["forage_depletion"] * pressure)


@vectorize(cache=True)
def side_food_of(task, plots_kcal, per_forager_kcal):
    """kcal/day one person adds to the household pot besides grain."""
    return plots_kcal + (per_forager_kcal if task == FORAGE else 0.0)


def side_food_kcal(model, alive_idx: np.ndarray, task: np.ndarray) -> np.ndarray:
    """Per household, kcal/day from private plots, vegetables and foraging."""
    com, people = model.communes, model.people
    commune = people.commune[alive_idx]
    plots, per_forager = side_food_rates(model, np.bincount(commune, minlength=com.n),
                                         np.bincount(commune, weights=task == FORAGE, minlength=com.n))
    kcal = side_food_of(task, plots, per_forager[commune])
    return np.bincount(people.household[alive_idx], weights=kcal, minlength=len(model.households))


def eat_hidden(model, shortfall_kg: np.ndarray) -> np.ndarray:
    """Households eat hidden grain to cover a shortfall (kg); returns kg eaten."""
    return _eat_from_hiding(model.households.hidden, np.asarray(shortfall_kg, np.float64))


@njit(cache=True, error_model="numpy")
def _eat_from_hiding(hidden, shortfall_kg):
    """``eat_hidden``'s rule, one household at a time: the shortfall, as far as ``hidden`` goes."""
    eaten = np.empty(len(hidden))
    for j in range(len(hidden)):
        e = min(hidden[j], max(shortfall_kg[j], 0.0))
        eaten[j] = e
        hidden[j] -= e
    return eaten


def eat_green(model, shortfall_kg: np.ndarray, need_kg: np.ndarray, crop) -> np.ndarray:
    """Hungry households eat the standing crop; returns kg eaten per household."""
    if crop is None or not model.p["green_crop_eating"]:
        return np.zeros_like(shortfall_kg)
    com, hh, p = model.communes, model.households, model.p
    # only real hunger drives people to strip the fields: a shortfall beyond green_hunger of need
    want = np.maximum(shortfall_kg - p["green_hunger"] * need_kg, 0.0) / p["green_efficiency"]
    demand = sums.by_group(want, hh.commune, com.n)
    standing = model.expected(crop)
    cap = p["green_max_share"] * standing / p["green_crop_loss"]
    fill = np.divide(np.minimum(demand, cap), demand, out=np.zeros(com.n), where=demand > 0)
    taken = want * fill[hh.commune]
    crop.green_eaten += sums.by_group(taken, hh.commune, com.n) * p["green_crop_loss"]
    return taken * p["green_efficiency"]


def conceal(model, harvest_kg: np.ndarray) -> np.ndarray:
    """At harvest, teams hide grain and divide it among households. Returns kg hidden per commune."""
    com, hh = model.communes, model.households
    loyalty = np.array([c.loyalty for c in model.cadres])
    hidden = model.p["concealment"] * loyalty * harvest_kg
    hh_pop = model.household_population().astype(float)
    com_pop = sums.by_group(hh_pop, hh.commune, com.n)
    per_person = np.divide(hidden, com_pop, out=np.zeros(com.n), where=com_pop > 0)
    hh.hidden += per_person[hh.commune] * hh_pop
    return np.where(com_pop > 0, hidden, 0.0)


def kin_transfers(model, need_kg_month: np.ndarray, hungry: np.ndarray) -> float:
    """Surplus households send grain to hungry kin. Returns kg moved (a transfer, not a loss)."""
    hh = model.households
    rate = model.p["kin_transfers"]
    if rate <= 0:
        return 0.0
    gift = _give_to_kin(hh.stock, need_kg_month, hh.kin, hungry, rate, model.p["kin_reserve_months"])
    return float(gift.sum())


@njit(cache=True, error_model="numpy")
def _give_to_kin(stock, need_kg_month, kin, hungry, rate, reserve_months):
    """``kin_transfers``' rule in one pass over the households (numpy took six): each gives
    ``rate`` of its stock beyond ``reserve_months`` of need if its kin household is hungry; the
    gifts leave ``stock``, then arrive (summed in household order, as ``np.bincount``). Returns
    the gifts."""
    n = len(stock)
    gift, received = np.empty(n), np.zeros(n)
    for j in range(n):
        surplus = max(stock[j] - reserve_months * need_kg_month[j], 0.0)
        g = rate * surplus if hungry[kin[j]] else 0.0
        gift[j] = g
        received[kin[j]] += g
    for j in range(n):
        stock[j] = (stock[j] - gift[j]) + received[j]
    return gift


def flight(model, hh_hunger: np.ndarray) -> np.ndarray:
    """Households that get away this month (boolean per household)."""
    p = model.p
    trying = (hh_hunger >= 2.0) & (model.rng.random(len(hh_hunger)) < p["flight_propensity"])
    stopped = p["registration_enforcement"] if model.calendar.registration_on(model.ym) else p["stopped_before_registration"]
    return trying & (model.rng.random(len(hh_hunger)) >= stopped)


def grain_to_kcal_per_day(model, kg_month: np.ndarray) -> np.ndarray:
    return kg_month * model.p["kcal_per_kg"] / DAYS_PER_MONTH
