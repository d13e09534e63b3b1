"""The centre's decision to retreat (ODD 7.9, the retreat as a decision).

Rules in plain words:
- Every month after its first year (in which it learns what its granaries normally hold at each
  time of year), the centre weighs the evidence that its course has failed against the political
  cost of admitting it.
- The evidence is the stronger of two signals, each 1 at the level that would make a centre with
  no political stake (``political_cost`` 1, before Lushan) retreat: its own granaries, falling
  below the seasonal norm (1 at ``retreat_threshold`` of the norm), and the starvation deaths
  in the villages over the past year (1 at ``famine_recognition`` per 1000).
- The cost of admitting failure is ``political_cost``; the Lushan Conference (a dated event: its
  date is history, its effect is not) raises it by ``political_cost_lushan`` times, a rise that
  decays with a half-life of ``political_cost_half_life`` months as the anti-rightist campaign
  runs its course. Nothing holds the decision to a window: a large enough famine overrides even
  the post-Lushan cost.
- The centre retreats in the first month the evidence exceeds the cost, and records why (stocks
  or deaths). A retreat is reversed only when a political event raises the cost above the
  evidence (the spring-1959 correction that Lushan turned back into radicalism).
- Rule ``calendar``: the retreat comes on the historical date; ``never``: it never comes.
"""

from __future__ import annotations

from greatleap.calendar import month_index

CAUSES = ("", "stocks", "deaths", "calendar")  # retreat_cause codes in the run's tables


def stock_signal(model) -> float:
    """0 with granaries at their seasonal norm, 1 at ``retreat_threshold`` of it."""
    state = model.state
    months = state.stock_months(model)
    norm = state.normal_stock.get(model.ym[1], months)
    if norm <= 0:
        return 0.0
    gap = 1.0 - months / norm
    return max(gap, 0.0) / max(1.0 - model.p["retreat_threshold"], 1e-9)


def death_signal(model) -> float:
    """Starvation deaths over the past year, per 1000 villagers, over ``famine_recognition``."""
    threshold = model.p["famine_recognition"]
    if threshold <= 0:
        return 0.0
    deaths = model.village.starvation_deaths_last_year().sum()
    return deaths * 1000.0 / max(model.rural_population(), 1) / threshold


def political_cost(model) -> float:
    """What admitting failure costs the centre this month, in units of the evidence."""
    p = model.p
    cost = p["political_cost"]
    if p["lushan_purge"] and model.calendar.after_lushan(model.ym):
        since = month_index(model.ym) - month_index(model.calendar.lushan[1]) - 1
        cost *= 1.0 + p["political_cost_lushan"] * 0.5 ** (since / p["political_cost_half_life"])
    return cost


def decide_retreat(model) -> None:
    """The month's decision: retreat, hold the course, or (after a rise in the cost) reverse."""
    state, rule = model.state, model.p["retreat_rule"]
    if model.t < 12:
        state.normal_stock[model.ym[1]] = state.stock_months(model)
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
        return
    if model.t >= 12 and state.evidence > cost:
        _retreat(model, "stocks" if stocks >= deaths else "deaths")


def _retreat(model, cause: str) -> None:
    state = model.state
    state.retreated, state.retreat_t, state.retreat_cause = True, model.t, cause
