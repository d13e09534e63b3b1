"""The spin-up (ODD 2): the world is drawn healthy and fed, and the months before the start run
unrecorded so that the first recorded year is a settled normal year, not a recovery from the draw."""

from __future__ import annotations

import pytest
from conftest import small_model, step_through

from greatleap.params import SCENARIOS


def _hunger_january_to_july(spin_up_months: int) -> tuple[float, float]:
    """The share of people hungry, summed over January to July of the first and of the second
    recorded year and over three seeds, in a world without the Leap's policies and with normal
    weather. (Its starvation deaths are none at all since newborns grow through their first
    month: they no longer tell the years apart.)"""
    first = second = 0.0
    for seed in (1, 2, 3):
        m = small_model(seed=seed, n_communes=16, materialise_peasants=False,
                        **{**SCENARIOS["weather_only"], "weather_scale": 0.0, "spin_up_months": spin_up_months})
        hungry = step_through(m, (1958, 7)).monthly_frame()["share_hungry"].to_numpy()
        first, second = first + hungry[:7].sum(), second + hungry[12:19].sum()
    return first, second


def test_after_the_spin_up_the_first_hungry_season_is_a_normal_one():
    drawn = _hunger_january_to_july(0)
    settled = _hunger_january_to_july(12)
    # drawn healthy and fed, few go hungry in the first half of the first year, though a normal
    # year's hungry season leaves many short: the centre would learn a normal year without one
    assert drawn[0] < 0.5 * drawn[1], drawn
    # after the spin-up the first recorded hungry season is, like the second of a run without one,
    # a year past the draw
    assert settled[0] >= 0.7 * drawn[1], (settled, drawn)


def test_the_spin_up_is_not_recorded_and_the_run_starts_at_its_first_month():
    frame = small_model(end_year=1957).run().monthly_frame()
    assert len(frame) == 12 and frame["date"].iloc[0] == "1957-01"
    m = small_model()
    assert m.t == -1 and m.ym == (1957, 1)
    assert m.people.view("alive").sum() != m.people.n or m.people.n > 0  # people were born and died
    before = small_model(spin_up_months=0)
    assert before.people.n < m.people.n  # a year of births added slots before the first month


def test_the_world_is_drawn_with_the_declared_months_of_household_stores():
    """store_months_at_start (issue 15: a declared uncertainty, no longer a constant): the drawn
    stores scale with it, and in the first months fewer go hungry with more of them."""
    stock, hungry = {}, {}
    for months in (5.0, 9.0):
        m = small_model(seed=1, spin_up_months=0, store_months_at_start=months)
        stock[months] = m.households.stock.sum()
        hungry[months] = step_through(m, (1957, 5)).monthly_frame()["share_hungry"].sum()
    assert stock[9.0] == pytest.approx(stock[5.0] * 9.0 / 5.0)
    assert hungry[9.0] < 0.5 * hungry[5.0]
