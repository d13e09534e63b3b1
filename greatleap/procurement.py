"""Quotas, collection and anti-hiding searches (ODD 7.5).

Rules in plain words:
- Inflexible rule (Meng, Qian & Yared 2015): at each harvest the official sets a commune's quota
  from its expected output, a blend of this harvest's report and last year's report (discounted
  by the centre's credibility of claims, ``centre.believed``), before anyone knows the real
  harvest. The share asked is the planned share scaled by the centre's obligations
  (``centre.obligation_factor``: towns, exports, reserves); it rises with the commune's reported
  output per person (progressive), and the province and the official each add a push that grows
  with their career stake (Kung & Chen 2011).
- Flexible rule (the counterfactual): the quota is the planned share of the true harvest, scaled
  by the obligations.
- After the centre's retreat, quotas are the planned share, scaled by the obligations, of the
  harvest the centre believes (the claims discounted by what it has learnt): no progressive rate,
  no official's push. The centre never sees the true harvest.
- The cadre collects at harvest and for two months after, from the collective granary and the
  household stores, but defends a retention floor for the village that shrinks with his fear of
  purge and his lack of loyalty (``Cadre.retention_share``).
- A quota still unpaid after that triggers an anti-hiding search: households are searched in
  proportion to the shortfall, the cadre's zeal (``search_zeal_base`` + ambition) and his fear
  (1 + ``search_fear`` x the purge risk), a share of their hidden grain is seized, and some of the searched
  are beaten to death.
- Counterfactual: retention equalised across communes at the same national total.
"""

from __future__ import annotations

import numpy as np

from greatleap import centre, provinces, sums

# The harvest month and the two after it. assumption: the purchase drives ran on after each harvest
# (the autumn drives of 1958 and 1959, Yang Jisheng 2012); their length is not recorded.
COLLECTION_MONTHS = 3


def set_quotas(model, true_kg: np.ndarray, official_kg: np.ndarray, share: float) -> np.ndarray:
    """Per commune, the quota (kg) on this harvest."""
    season = model.p["summer_relief"] if model.ym[1] == 6 else 1.0
    return season * _annual_rule(model, true_kg, official_kg, share)


def planned_share(model) -> float:
    """The plan's share of the harvest this year: the normal share scaled by what the centre owes."""
    return model.p["procurement_share"] * centre.obligation_factor(model)


def _annual_rule(model, true_kg, official_kg, share) -> np.ndarray:
    p = model.p
    planned = planned_share(model)
    if p["quota_rule"] == "flexible":
        return min(planned, p["max_quota_rate"]) * true_kg
    if model.state.retreated:
        return min(planned, p["max_quota_rate"]) * centre.believed(model, official_kg)
    w = p["quota_weight_current"]
    last = centre.believed(model, model.communes.report_last_year) * share
    expected = np.where(last > 0, w * official_kg + (1 - w) * last, official_kg)
    per_person = expected / np.maximum(model.commune_population(), 1)
    relative = per_person / max(per_person.mean(), 1e-9)
    rate = np.clip(planned * relative ** p["quota_progressivity"], 0.0, p["max_quota_rate"])
    push = np.array([1.0 + model.official_of[c].quota_push(p) for c in range(model.communes.n)])
    push *= 1.0 + provinces.quota_push(model)  # the province's increment, passed down
    if not model.leap_on():
        push[:] = 1.0
    return rate * expected * push


def retention_floor(model, months_to_harvest: int) -> np.ndarray:
    """Per commune, grain (kg) the cadre refuses to hand over."""
    risk = model.purge_risk()
    defence = np.array([c.retention_share(risk) for c in model.cadres])
    per_person = model.p["retention_floor"] * months_to_harvest / 12
    return defence * per_person * model.commune_population()


def collect(model, months_to_harvest: int) -> np.ndarray:
    """Collect what is owed from granaries, then household stores, down to the floor."""
    com, hh = model.communes, model.households
    owed = com.quota
    if not owed.any():
        return np.zeros(com.n)
    house = sums.by_group(hh.stock, hh.commune, com.n)
    available = np.maximum(com.granary + house - retention_floor(model, months_to_harvest), 0.0)
    take = np.minimum(owed, available)
    from_granary = np.minimum(take, com.granary)
    from_house = take - from_granary
    com.granary -= from_granary
    share = np.divide(from_house, house, out=np.zeros(com.n), where=house > 0)
    hh.stock -= hh.stock * share[hh.commune]
    com.quota -= take
    return take


def search_households(model) -> tuple[np.ndarray, np.ndarray]:
    """Anti-hiding searches where the collection window closed unpaid.

    Returns (grain seized per commune, indices of people beaten to death).
    """
    com, hh, people, p = model.communes, model.households, model.people, model.p
    closing = (com.owed_since >= 0) & (model.t - com.owed_since == COLLECTION_MONTHS - 1)
    if closing.any():  # the centre learns what its claims yielded (centre.learn_from_deliveries),
        levied = model.state.levied[closing]  # from the harvest's quotas (levies are paid last)
        asked = (com.quota_initial[closing] - levied).sum()
        centre.learn_from_deliveries(model, asked, asked - np.maximum(com.quota[closing] - levied, 0.0).sum())
    due = (com.quota > 0) & (com.owed_since >= 0) & (model.t - com.owed_since >= COLLECTION_MONTHS - 1)
    seized = np.zeros(com.n)
    killed = np.empty(0, dtype=np.int64)
    if not due.any():
        return seized, killed
    if p["anti_hiding_searches"] and model.leap_on() and not model.state.retreated:
        shortfall = com.quota / np.maximum(com.quota_initial, 1.0)
        zeal = np.array([p["search_zeal_base"] + c.ambition for c in model.cadres])
        fear = 1.0 + p["search_fear"] * model.purge_risk()
        intensity = np.where(due, np.clip(shortfall * zeal * fear, 0.0, 1.0), 0.0)
        searched = model.rng.random(len(hh)) < intensity[hh.commune]
        grab = np.where(searched, hh.hidden * p["search_seizure"], 0.0)
        hh.hidden -= grab
        seized = sums.by_group(grab, hh.commune, com.n)
        alive = np.flatnonzero(people.view("alive"))
        in_searched = searched[people.household[alive]]
        risk = p["search_violence"] * intensity[people.commune[alive]]
        killed = alive[in_searched & (model.rng.random(len(alive)) < risk)]
    com.quota[due] = 0.0  # what cannot be found is written off until the next harvest
    com.owed_since[due] = -1
    return seized, killed


def equalise_retention(model) -> None:
    """Counterfactual: pool retained grain and share it equally per person across communes."""
    com, hh = model.communes, model.households
    pop = model.commune_population().astype(float)
    house = sums.by_group(hh.stock, hh.commune, com.n)
    held = com.granary + house
    if pop.sum() <= 0 or held.sum() <= 0:
        return
    target = held.sum() * pop / pop.sum()
    scale = np.divide(target, held, out=np.zeros(com.n), where=held > 0)
    hh.stock *= scale[hh.commune]
    com.granary = np.where(held > 0, com.granary * scale, target)
