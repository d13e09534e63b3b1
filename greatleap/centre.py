"""The centre: what it owes, what it believes, and its decision to retreat (ODD 7.9).

Rules in plain words:
- Obligations: the centre owes the towns their full ration for the coming year (by registration),
  its export commitments for the coming twelve months (while it exports) and the refilling of its
  granaries to what it holds at this time of a normal year (its reserve target, learnt in its
  first year). The plan's share of the harvest (``procurement_share``) is what it asked for the
  obligations of 1957 (the towns at the start, 1957 exports, granaries at their norm); it asks in
  proportion to what it owes now, so that more town mouths, larger exports or empty granaries
  raise procurement and zero exports lower it.
- Belief: the centre believes a harvest from the claims it receives, discounted by its
  credibility, what it has learnt of the claims: when a collection window closes it compares the
  grain delivered with the quota it asked on the claims, and moves its credibility
  ``centre_learning`` of the way towards the delivered share (a claim that yields half its quota
  is believed half). (What inspection tours see of the famine reaches the centre as the deaths it
  weighs in its retreat, below.) No constant cut of the 1958 claim is written in: the revision comes from what
  was not delivered.
- Once it has retreated, the centre orders the deeper reforms (halls closed, private plots and
  markets back) only when the evidence of failure exceeds ``reform_cost`` times the political cost:
  dismantling the communes' institutions is a larger admission than cutting quotas.
- Every month once the Leap is launched (a dated campaign: a centre cannot retreat from a course
  it has not yet set) and after its normal year (the first recorded year, once the spin-up's
  months have let bodies and stocks settle, ``model.py``; in it the centre learns what its
  granaries normally hold at each time of year and how many starvation deaths a normal year
  registers), the centre weighs the evidence that its course has failed against the political
  cost of admitting it.
- The evidence is the stronger of two signals, each 1 at the level that would make a centre with
  no political stake (``political_cost`` 1, before Lushan) retreat: its own granaries, falling
  below the seasonal norm (1 at ``retreat_threshold`` of the norm), and the starvation deaths
  in the villages over the past year as the registers show them, above those of its normal year
  (1 at ``famine_recognition`` per 1000 more once the registers' normal gaps are allowed for;
  deaths cadres conceal do not count, ``registration.py``): a normal year's hungry season is
  what the centre already knew, not evidence that the Leap has failed.
- The cost of admitting failure is ``political_cost``; two public commitments raise it, each
  a dated event whose date is history and whose effect is not: the Leap's launch (February 1958,
  launched by condemning the 1956 retreat) by ``political_cost_launch`` times, and the Lushan
  Conference by ``political_cost_lushan`` times. Each rise decays with a half-life of
  ``political_cost_half_life`` months as its campaign runs its course. Nothing holds the decision
  to a window: a large enough famine overrides even the post-Lushan cost.
- The centre retreats in the first month the evidence exceeds the cost, and records why (stocks
  or deaths). A retreat is reversed only when a political event raises the cost above the
  evidence (the spring-1959 correction that Lushan turned back into radicalism).
- Rule ``calendar``: the retreat comes on the historical date; ``never``: it never comes.
"""

from __future__ import annotations

from greatleap.calendar import month_index

CAUSES = ("", "stocks", "deaths", "calendar")  # retreat_cause codes in the run's tables


def obligations(model) -> float:
    """Grain (kg) the centre owes over the coming year: the towns' rations, export commitments
    and the refilling of its granaries to their seasonal norm."""
    state, p = model.state, model.p
    monthly = state.base_demand(model)
    exports = 0.0
    if p["exports"] and not state.retreated:
        exports = state.mt_per_month(model.calendar.exports_mt.get(model.ym[0], 0.0)) * 12.0
    norm = None if in_normal_year(model) else state.normal_stock.get(model.ym[1])
    refill = max(norm * monthly - state.stock, 0.0) if norm is not None else 0.0
    return 12.0 * monthly + exports + refill


def reference_obligations(model, state) -> float:
    """What the centre owed when the plan's share was set: 1957's towns and exports, granaries at
    their norm (computed once, when the state is built)."""
    return 12.0 * state.base_demand(model) + 12.0 * state.mt_per_month(
        model.calendar.exports_mt.get(model.start[0], 0.0))


def obligation_factor(model) -> float:
    """The centre's obligations now over those the plan's share was set for."""
    return obligations(model) / max(model.state.reference_obligations, 1e-9)


def learn_from_deliveries(model, asked_kg: float, delivered_kg: float) -> None:
    """A collection window has closed: move the credibility of claims towards the share of the
    quota (asked on those claims) that was delivered."""
    if asked_kg <= 0:
        return
    state = model.state
    delivered = min(delivered_kg / asked_kg, 1.0)
    state.credibility += model.p["centre_learning"] * (delivered - state.credibility)


def believed(model, claims_kg):
    """The harvest the centre believes from claims (kg): discounted by what it has learnt."""
    return claims_kg * model.state.credibility


def stock_signal(model) -> float:
    """0 with granaries at their seasonal norm, 1 at ``retreat_threshold`` of it."""
    state = model.state
    months = state.stock_months(model)
    norm = state.normal_stock.get(model.ym[1], months)
    if norm <= 0:
        return 0.0
    gap = 1.0 - months / norm
    return max(gap, 0.0) / max(1.0 - model.p["retreat_threshold"], 1e-9)


def registered_starvation_rate(model) -> float:
    """Registered starvation deaths over the past year, per 1000 villagers."""
    deaths = model.register.starvation_last_year().sum()
    return deaths * 1000.0 / max(model.rural_population(), 1)


def death_signal(model) -> float:
    """Registered starvation deaths over the past year, per 1000 villagers, above the rate of the
    centre's normal year, over ``famine_recognition`` times the normal registered share (the
    centre knows the registers' usual gaps, not what cadres conceal: ``registration.py``)."""
    p = model.p
    threshold = p["famine_recognition"] * p["death_registration"]
    if threshold <= 0:
        return 0.0
    excess = registered_starvation_rate(model) - model.state.normal_starvation
    return max(excess, 0.0) / max(threshold, 1e-12)


def in_normal_year(model) -> bool:
    """The centre's normal year: the first recorded year, 1957 (the last before the Leap), after
    the spin-up's months have let bodies and stocks settle (``model.py``)."""
    return model.t < 12


def learn_the_normal_year(model) -> None:
    """In its normal year the centre learns what its granaries hold at each time of year and, at
    the year's end, how many starvation deaths a normal year registers."""
    state = model.state
    state.normal_stock[model.ym[1]] = state.stock_months(model)
    if model.t == 11:
        state.normal_starvation = registered_starvation_rate(model)


def commitment(model, rise: float, since_ym) -> float:
    """A public commitment's rise of the cost, ``rise`` at its height in the month after
    ``since_ym`` and halving every ``political_cost_half_life`` months."""
    since = month_index(model.ym) - month_index(since_ym) - 1
    return rise * 0.5 ** (max(since, 0) / model.p["political_cost_half_life"])


def political_cost(model) -> float:
    """What admitting failure costs the centre this month, in units of the evidence: its cost in
    normal times, raised by the Leap's launch and by Lushan, each fading as its campaign runs on."""
    p, cal = model.p, model.calendar
    rise = 0.0
    if cal.leap_on(model.ym):
        rise += commitment(model, p["political_cost_launch"], cal.leap)
    if p["lushan_purge"] and cal.after_lushan(model.ym):
        rise += commitment(model, p["political_cost_lushan"], cal.lushan[1])
    return p["political_cost"] * (1.0 + rise)


def decide_retreat(model) -> None:
    """The month's decision: retreat, hold the course, or (after a rise in the cost) reverse."""
    state, rule = model.state, model.p["retreat_rule"]
    normal_year = in_normal_year(model)
    if normal_year:
        learn_the_normal_year(model)
    stocks, deaths, cost = stock_signal(model), death_signal(model), political_cost(model)
    state.evidence, state.cost_risen = max(stocks, deaths), cost > state.cost
    state.cost = cost
    state.signals = (stocks, deaths)
    if rule == "never":
        return
    if rule == "calendar":
        if not state.retreated and month_index(model.ym) >= month_index(model.calendar.retreat):
            _retreat(model, "calendar")
        return
    if state.retreated:
        if state.cost_risen and cost > state.evidence:
            state.retreated, state.retreat_t, state.retreat_cause = False, None, ""
            state.reformed, state.reform_t = False, None
        return
    if not normal_year and model.calendar.leap_on(model.ym) and state.evidence > cost:
        _retreat(model, "stocks" if stocks >= deaths else "deaths")


def _retreat(model, cause: str) -> None:
    state = model.state
    state.retreated, state.retreat_t, state.retreat_cause = True, model.t, cause
    state.harvests_since_retreat = 0


def decide_reforms(model) -> None:
    """After the retreat, the halls close and private plots return once the evidence exceeds
    ``reform_cost`` times the political cost (under the calendar rule: with the retreat)."""
    state = model.state
    if not state.retreated or state.reformed:
        return
    if model.p["retreat_rule"] == "calendar" or state.evidence > model.p["reform_cost"] * state.cost:
        state.reformed, state.reform_t = True, model.t
