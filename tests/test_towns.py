"""Towns made of people (ODD 7.10): town residents have the villagers' bodies, live in town
households with an urban registration, eat the ration the state delivers, and are born, die,
arrive and leave as people."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model, step_through

from greatleap import physiology
from greatleap.population import RECRUITED, REFUGEE, URBAN


def _months_in_town(m, fill, months):
    """Run only the towns' month ``months`` times at ration share ``fill``; returns famine deaths."""
    famine = 0
    for _ in range(months):
        m.recorder.open_month()
        m.towns.live_month(fill)
        famine += m.recorder.stats["deaths_urban_famine"]
    return famine


def test_town_residents_are_people_with_bodies_and_an_urban_registration():
    m = small_model(seed=1, n_communes=8)
    tp = m.towns.people
    alive = tp.view("alive")
    assert alive.sum() == m.towns.population() == pytest.approx(m.state.urban, abs=0)
    assert (tp.view("registration")[alive] == URBAN).all()
    ages, heights = tp.view("age")[alive], tp.view("height")[alive]
    assert ages.min() < 1 and ages.max() > 60
    assert (heights[ages < 5] < 1.2).all() and heights[ages > 25].mean() == pytest.approx(1.56, abs=0.04)
    assert len(np.unique(tp.view("household")[alive])) < 0.5 * alive.sum()  # households, not loners


def test_town_residents_die_of_hunger_only_when_their_ration_is_cut():
    fed = set_month(small_model(seed=2, n_communes=8), (1959, 1))
    # nobody: before newborns grew through their first month, infants starved in the spin-up year
    # and a full ration came too late for them (issue 12)
    assert _months_in_town(fed, 1.0, 12) == 0
    cut = set_month(small_model(seed=2, n_communes=8), (1959, 1))
    assert _months_in_town(cut, 0.2, 12) > 0.02 * cut.towns.population()


def test_a_ration_cut_wastes_town_bodies_and_a_full_ration_brings_them_back():
    m = set_month(small_model(seed=3, n_communes=8, town_other_food=0.3), (1959, 1))
    tp = m.towns.people

    def mean_score():
        alive = tp.view("alive")
        return physiology.wasting_score(tp.view("age")[alive], tp.view("female")[alive], tp.view("bmi")[alive]).mean()

    start = mean_score()
    _months_in_town(m, 0.6, 3)
    thin = mean_score()
    _months_in_town(m, 1.0, 12)
    assert thin < start - 0.3
    assert mean_score() > thin + 0.2


def test_towns_give_birth_with_the_mothers_registration():
    m = step_through(small_model(seed=4, n_communes=8), (1957, 12))
    tp = m.towns.people
    born = np.flatnonzero(tp.view("alive") & (tp.view("age") < 1.0) & (np.arange(tp.n) >= m.towns.population() // 2))
    frame = m.monthly_frame()
    assert frame["births_urban"].sum() > 0
    assert (tp.registration[born] == URBAN).all()


def test_recruits_move_to_the_towns_with_their_bodies_and_are_sent_back_down():
    m = small_model(seed=1, n_communes=8, industrial_recruitment=0.1, send_down_rate=0.1)
    step_through(m, (1958, 12))
    tp = m.towns.people
    recruits = tp.view("alive") & (tp.view("registration") == RECRUITED) & (tp.view("age") >= 16)
    assert recruits.sum() > 0.05 * m.rural_population()
    assert (tp.view("height")[recruits] > 1.3).all()  # grown bodies, brought from the villages
    babies = tp.view("alive") & (tp.view("registration") == RECRUITED) & (tp.view("age") < 1)
    assert babies.sum() > 0  # born in the towns to recruits, registered as their mothers
    assert m.state.urban == m.towns.registered()
    # the centre has retreated and cannot cover the towns until the harvest: it sends them down
    set_month(m, (1959, 1))
    m.state.retreated, m.state.stock = True, 0.0
    before, villagers = (tp.view("alive") & (tp.view("registration") == RECRUITED)).sum(), m.rural_population()
    sent = m.state.send_down(m)
    m.village._recruit_and_send_down()
    left = (tp.view("alive") & (tp.view("registration") == RECRUITED)).sum()
    assert sent > 0 and left == before - sent and m.rural_population() == villagers + sent


def test_villagers_who_flee_live_in_the_towns_as_refugees():
    m = small_model(seed=2, flight_propensity=0.5, registration_enforcement=0.0, procurement_share=0.6,
                    retreat_rule="calendar", end_year=1960).run()
    frame = m.monthly_frame()
    fled = frame["fled"].sum()
    assert fled > 0
    tp = m.towns.people
    refugees = (tp.registration[: tp.n] == REFUGEE)
    assert refugees.sum() >= fled  # those alive and those who died since, all once villagers
    assert frame["migrants"].max() > 0


def test_refugees_get_and_cost_the_declared_share_of_a_residents_ration():
    """refugee_ration (issue 15: a declared uncertainty, no longer a constant): what a refugee
    household is given in the towns, and what the centre counts on supplying for each refugee."""
    demand = {}
    for share in (0.2, 0.8):
        m = small_model(refugee_ration=share)
        idx = np.flatnonzero(m.people.view("alive"))[:5]
        region = m.communes.region[m.people.commune[idx]]
        home = m.towns.households.n
        m.towns.admit(m.people.take(idx), REFUGEE, np.zeros(len(idx), dtype=np.int64), region)
        assert m.towns.households.ration[home] == pytest.approx(share)
        demand[share] = m.state.base_demand(m)
    assert demand[0.8] - demand[0.2] == pytest.approx(0.6 * 5 * m.p["urban_ration"] / 12.0)
