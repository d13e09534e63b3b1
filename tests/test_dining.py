"""Dining halls and distribution (ODD 7.6): free eating in autumn 1958, cadre rations after,
closure in 1961; households eat from their own stores outside the halls."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model, step_through

from greatleap import dining


def _hall_model(ym, **params):
    m = set_month(small_model(**params), ym)
    m.communes.granary[:] = 1e7  # a full larder: only the rule limits what is served
    return m


def _need(m):
    return np.full(len(m.households), 50.0)  # kg of grain a month per household


def test_in_the_free_eating_phase_the_hall_serves_more_than_need():
    m = _hall_model((1958, 11), free_eating=1.6, ladle_bias=0.0)
    assert m.free_eating_on()
    need = _need(m)
    eaten, wasted, fill = dining.hall_meals(m, need, np.ones(len(m.households)), 3)
    in_hall = m.households.in_hall
    assert in_hall.any() and (fill > 1.1).all()
    assert (eaten[in_hall] > 1.1 * need[in_hall]).all()
    assert wasted.sum() > 0
    assert (eaten[~in_hall] == 0).all()


def test_free_eating_serves_more_than_the_cadres_ration_from_the_same_larder():
    need = None
    served = {}
    for ym in ((1958, 11), (1959, 3)):
        m = _hall_model(ym, free_eating=1.6, ladle_bias=0.0)
        need = _need(m)
        served[ym] = dining.hall_meals(m, need, np.ones(len(m.households)), 3)[0]
    in_hall = m.households.in_hall
    assert (served[1958, 11][in_hall] > 1.02 * served[1959, 3][in_hall]).all()
    assert served[1959, 3][in_hall].sum() > 0.9 * need[in_hall].sum()  # a full larder feeds the hall


def test_the_rationed_hall_spreads_a_thin_larder_over_the_months_to_the_harvest():
    m = _hall_model((1959, 3), ladle_bias=0.0, hall_waste=0.1)
    m.communes.granary[:] = 1_000.0
    eaten, wasted, _ = dining.hall_meals(m, _need(m), np.ones(len(m.households)), 4)
    np.testing.assert_allclose(m.communes.granary, 750.0)  # a quarter used this month
    per_commune = np.bincount(m.households.commune, weights=eaten, minlength=m.communes.n)
    np.testing.assert_allclose(per_commune + wasted, 250.0)
    np.testing.assert_allclose(wasted, 25.0)


def test_in_the_free_eating_phase_the_ladle_cuts_nobodys_bowl():
    """dining.py: free eating serves ``free_eating`` times need; the ladle comes with the rations."""
    m = _hall_model((1958, 11), free_eating=1.6, ladle_bias=0.5)
    assert dining.ladle(m) == 0.0
    assert dining.ladle(set_month(m, (1959, 3))) == 0.5
    assert dining.ladle(set_month(small_model(ladle_bias=0.5, dining_halls=False), (1959, 3))) == 0.0


def test_the_ladle_serves_those_who_earn_no_work_points_less():
    """The hall's portion of a person is need x (able weight + (1 - able weight) x (1 - ladle))."""
    m = _hall_model((1959, 3), ladle_bias=0.5)
    need = _need(m)
    workers = dining.hall_meals(m, need, np.ones(len(m.households)), 3)[0]
    idle = dining.hall_meals(m, need, np.full(len(m.households), 1 - 0.5), 3)[0]
    in_hall = m.households.in_hall
    np.testing.assert_allclose(idle[in_hall], 0.5 * workers[in_hall])


def test_at_home_equal_shares_without_priority():
    pot, left, workers = np.array([600.0, 1200.0]), np.array([1000.0, 1000.0]), np.array([500.0, 500.0])
    others, work = dining.home_shares(pot, left, workers, 0.0)
    np.testing.assert_allclose(others, [0.6, 1.2])
    np.testing.assert_allclose(work, [0.6, 1.2])


def test_at_home_workers_bear_a_smaller_share_of_a_shortfall_and_the_pot_is_all_eaten():
    left, workers = np.array([1000.0, 1000.0, 1000.0]), np.array([600.0, 600.0, 600.0])
    pot = np.array([800.0, 500.0, 1100.0])
    for priority in (0.3, 0.5, 0.9):
        others, work = dining.home_shares(pot, left, workers, priority)
        # shortfall of a full worker is (1 - priority) x a dependant's (while dependants get anything)
        fed = others[:2] > 0
        np.testing.assert_allclose((1 - work[:2])[fed], (1 - priority) * (1 - others[:2])[fed], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(others * (left - workers) + work * workers, np.minimum(pot, pot), rtol=1e-5)
        assert work[2] == others[2] == pytest.approx(1.1)  # enough for all: equal shares
    # a pot too small for any dependant: the workers share it all
    others, work = dining.home_shares(np.array([300.0]), np.array([1000.0]), np.array([600.0]), 0.9)
    assert others[0] == 0.0 and work[0] == pytest.approx(0.5)


def test_a_hall_member_eats_the_grain_in_his_own_store_too():
    """A store held by a hall member (a kin gift) is eaten towards what the hall left short."""
    m = set_month(small_model(), (1959, 3))
    assert m.halls_open()
    hh = m.households
    hh.stock[:] = 0.0
    member = int(np.flatnonzero(hh.in_hall)[0])
    hh.stock[member] = 100.0
    eaten = dining.household_meals(m, np.full(len(hh), 20.0), 3)
    assert eaten[member] > 0 and hh.stock[member] < 100.0


def test_free_eating_runs_down_the_villages_grain_and_raises_intake():
    grain, kcal = {}, {}
    for halls in (True, False):
        frame = step_through(small_model(seed=3, dining_halls=halls, free_eating=2.0, retreat_rule="calendar"),
                             (1958, 12)).monthly_frame().set_index("date")
        stocks = frame[["commune_stock_kg", "household_stock_kg", "hidden_grain_kg"]].sum(axis=1)
        grain[halls, "before"], grain[halls] = stocks["1958-09"], stocks["1958-12"]
        kcal[halls] = frame.loc["1958-10":"1958-12", "kcal_mean"].mean()
    assert grain[True, "before"] == grain[False, "before"]  # the same villages until the halls open
    assert grain[True] < 0.85 * grain[False]  # eaten and wasted in three months of free eating
    assert kcal[True] > kcal[False]


def test_with_halls_off_nobody_eats_in_a_hall():
    frame = small_model(seed=1, dining_halls=False, end_year=1961).run().monthly_frame()
    assert (frame["hall_eaten_kg"] == 0).all()
    assert (frame["halls_open"] == 0).all()


def test_halls_feed_the_villages_from_october_1958_until_they_close():
    frame = small_model(seed=1, retreat_rule="never").run().monthly_frame().set_index("date")
    assert (frame.loc[:"1958-09", "hall_eaten_kg"] == 0).all()
    assert frame.loc["1958-10", "hall_eaten_kg"] > 0  # members' stores handed over feed the first month
    assert (frame.loc["1958-10":"1961-05", "halls_open"] == 1).all()
    assert (frame.loc["1961-06":, "hall_eaten_kg"] == 0).all()  # closed in 1961
    assert (frame.loc["1961-06":, "halls_open"] == 0).all()


def test_opening_halls_hands_members_stores_to_the_hall_and_closing_shares_the_larder_out():
    m = set_month(small_model(), (1958, 10))
    hh, com = m.households, m.communes
    total = hh.stock.sum() + com.granary.sum()
    dining.open_halls(m)
    assert (hh.stock[hh.in_hall] == 0).all() and (hh.stock[~hh.in_hall] > 0).all()
    assert hh.stock.sum() + com.granary.sum() == pytest.approx(total)
    set_month(m, (1961, 7))  # closed
    assert not m.halls_open()
    dining.share_out_granary(m)
    assert com.granary.sum() == pytest.approx(0.0, abs=1e-6)
    assert hh.stock.sum() == pytest.approx(total)


def test_households_spread_their_store_to_the_next_harvest_and_eat_little_beyond_need():
    m = set_month(small_model(), (1957, 7))
    hh = m.households
    hh.stock[:] = 1_000.0
    need = np.full(len(hh), 10.0)
    eaten = dining.household_meals(m, need, 4)
    assert (eaten >= 10.0).all() and (eaten <= 12.5).all()  # a full store: need, a little more at most
    hh.stock[:] = 20.0
    eaten = dining.household_meals(m, need, 4)
    np.testing.assert_allclose(eaten, 5.0)  # a thin store: spread over four months


def test_halls_close_and_private_plots_return_when_the_centre_orders_the_reforms():
    from greatleap import centre
    m = set_month(small_model(reform_cost=2.0), (1959, 12))
    assert m.halls_open() and m.private_plots_abolished()
    m.state.retreated, m.state.retreat_t = True, m.t - 3
    m.state.evidence, m.state.cost = 1.5, 1.0  # enough to retreat, not to dismantle the communes
    centre.decide_reforms(m)
    assert m.halls_open() and m.private_plots_abolished()
    m.state.evidence = 2.5
    centre.decide_reforms(m)
    assert not m.halls_open() and not m.private_plots_abolished() and m.state.reform_t == m.t


def test_when_the_halls_open_members_hand_their_stores_to_the_hall():
    m = step_through(small_model(seed=2, retreat_rule="calendar", kin_transfers=0.0), (1958, 9))
    hh = m.households
    assert hh.stock[hh.in_hall].sum() > 0
    step_through(m, (1958, 10))
    assert (hh.stock[hh.in_hall] == 0).all()
    assert hh.stock[~hh.in_hall].sum() > 0
    assert m.communes.granary.sum() > 0


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_hall_participation_sets_the_share_of_households_eating_in_the_hall(share):
    m = small_model(seed=1, n_communes=9, hall_participation=share)
    assert abs(m.households.in_hall.mean() - share) < 0.1


# ---- the assumptions of eating, declared as uncertainties with priors (issue 15) ----------------
@pytest.mark.parametrize("catch_up", [1.0, 1.25])
def test_catch_up_sets_what_a_full_store_and_a_full_larder_serve(catch_up):
    m = set_month(small_model(catch_up=catch_up), (1957, 7))
    hh = m.households
    hh.stock[:] = 1_000.0
    np.testing.assert_allclose(dining.household_meals(m, np.full(len(hh), 10.0), 4), 10.0 * catch_up)
    m = _hall_model((1959, 3), catch_up=catch_up, ladle_bias=0.0, hall_waste=0.0)
    _, _, fill = dining.hall_meals(m, _need(m), np.ones(len(m.households)), 3)
    np.testing.assert_allclose(fill, catch_up)


def test_overeating_is_what_the_free_tables_diners_eat_and_the_rest_is_wasted():
    wasted = {}
    for overeating in (1.1, 1.4):
        m = _hall_model((1958, 11), free_eating=2.0, overeating=overeating, ladle_bias=0.0)
        _, wasted[overeating], fill = dining.hall_meals(m, _need(m), np.ones(len(m.households)), 3)
        np.testing.assert_allclose(fill, overeating)
    assert wasted[1.1].sum() > wasted[1.4].sum() > 0


def test_a_lower_cap_on_one_persons_intake_lowers_what_villagers_eat_in_a_normal_year():
    kcal = {ratio: small_model(seed=1, end_year=1957, max_intake_ratio=ratio).run().monthly_frame()["kcal_mean"].mean()
            for ratio in (1.0, 1.3)}
    assert kcal[1.0] < 0.99 * kcal[1.3]
