"""Physiology and demography (ODD 7.8): energy balance to body mass, hunger states, death hazard
rising steeply near the survival limit, baseline mortality by age, births falling with maternal
deficit, ageing."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_model

from greatleap import physiology
from greatleap.village import Food


def _month_of_work(m):
    """Open the first month as ``FamineModel.step`` does and assign its work."""
    m._advance_clock()
    m.recorder.open_month()
    return m.village.work_month(np.flatnonzero(m.people.view("alive")))


def test_starving_peasants_die_at_a_higher_rate_than_fed_ones():
    m = small_model(seed=1, n_communes=9)
    work = _month_of_work(m)
    alive = work.alive
    thin = m.rng.random(len(alive)) < 0.5
    m.people.bmi[alive] = np.where(thin, 12.0, 21.0)
    # everyone eats exactly their need: body mass stays where it was put
    m.village.live_and_die(work, Food(intake=work.need.copy(), ratio=np.ones(len(alive), dtype=np.float32)))
    dead = ~m.people.alive[alive]
    rate_thin, rate_fed = dead[thin].mean(), dead[~thin].mean()
    assert rate_thin > 0.2
    assert rate_thin > 10 * max(rate_fed, 1e-3)
    assert m.recorder.stats["deaths_starvation"] > 0


def test_the_starvation_hazard_rises_steeply_near_the_survival_limit():
    p = small_model().p
    bmi = np.array([21.0, 17.0, 15.0, 13.0, 11.0], dtype=np.float32)
    for female in (False, True):
        hazard = physiology.starvation_hazard(bmi, np.full(5, female), np.full(5, 30), p)
        assert (np.diff(hazard) > 0).all()
        assert hazard[0] < 1e-4 and hazard[-1] > 0.5
    limit = np.float32(p["bmi_limit_male"])
    at_limit = physiology.starvation_hazard(np.array([limit]), np.array([False]), np.array([30]), p)
    assert at_limit[0] == pytest.approx(0.5)


def test_children_and_the_old_reach_the_limit_sooner():
    p = small_model().p
    bmi = np.full(3, 14.0, dtype=np.float32)
    hazard = physiology.starvation_hazard(bmi, np.zeros(3, dtype=bool), np.array([2, 30, 70]), p)
    assert hazard[0] > hazard[1] and hazard[2] > hazard[1]


def test_baseline_mortality_is_highest_for_infants_and_the_old_and_scales_with_its_parameter():
    p = {**small_model().p, "baseline_mortality": 1.0}
    ages = np.array([0, 20, 75])
    hazard = physiology.baseline_hazard(np.full(3, 21.0, dtype=np.float32), ages, p)
    assert hazard[0] > hazard[1] and hazard[2] > hazard[1]
    p2 = {**p, "baseline_mortality": 2.0}
    np.testing.assert_allclose(physiology.baseline_hazard(np.full(3, 21.0, dtype=np.float32), ages, p2),
                               2.0 * hazard, rtol=1e-6)
    wasted = physiology.baseline_hazard(np.full(3, 14.0, dtype=np.float32), ages, p)
    assert (wasted > hazard).all()  # infection on a wasted body


def test_eating_below_need_lowers_body_mass_and_eating_enough_keeps_it():
    bmi = np.full(3, 20.0, dtype=np.float32)
    need = np.full(3, 2400.0, dtype=np.float32)
    intake = np.array([2400.0, 1600.0, 800.0], dtype=np.float32)
    physiology.update_body_mass(bmi, intake, need)
    assert bmi[0] == pytest.approx(20.0) and bmi[2] < bmi[1] < 20.0


def test_hunger_state_follows_body_mass_and_intake():
    state = physiology.hunger_state(np.array([21.0, 21.0, 17.0, 15.0, 13.0], dtype=np.float32),
                                    np.array([1.0, 0.5, 1.0, 1.0, 1.0]))
    assert state[0] == 0
    assert (state[1:] >= 1).all()
    assert state[3] >= 2 and state[4] == 3


def test_births_fall_with_the_mothers_energy_deficit():
    p = small_model().p
    women = np.full(3, True)
    age = np.full(3, 25)
    chance = physiology.conception_probability(age, women, np.array([21.0, 17.0, 15.0]), np.ones(3), p)
    assert chance[0] > chance[1] > chance[2] == 0
    underfed = physiology.conception_probability(age, women, np.full(3, 21.0), np.array([1.0, 0.7, 0.4]), p)
    assert underfed[0] > underfed[1] > underfed[2] == 0
    men = physiology.conception_probability(age, np.full(3, False), np.full(3, 21.0), np.ones(3), p)
    assert (men == 0).all()


def test_a_starved_village_conceives_fewer_children():
    conceived = {}
    for bmi in (21.0, 16.5):
        m = small_model(seed=4, n_communes=16, commune_side=10, materialise_peasants=False)
        work = _month_of_work(m)
        m.people.bmi[work.alive] = bmi
        everyone_lives = np.zeros(len(work.alive), dtype=np.int8)
        m.village._conceive_and_bear(work.alive, everyone_lives, len(work.alive),
                                     np.ones(len(work.alive), dtype=np.float32))
        conceived[bmi] = len(m.village.conceptions[-1])
    assert conceived[21.0] > 20
    assert conceived[16.5] < 0.5 * conceived[21.0]


def test_conceptions_become_births_nine_months_later():
    m = small_model(seed=1, n_communes=9)
    m.step()
    conceived = m.village.conceptions[-1].copy()  # in January 1957
    assert len(conceived) > 0
    for _ in range(8):
        m.step()
    alive_before, slots_before = m.people.alive[conceived].sum(), m.people.n
    m.step()  # October 1957: they give birth
    born = m.people.n - slots_before
    assert m.people.alive[conceived].sum() <= born <= alive_before
    assert (m.people.age[slots_before:m.people.n] < 0.1).all()


def test_everyone_alive_ages_a_month_each_month_and_the_dead_do_not():
    m = small_model(seed=1)
    age_before = m.people.view("age").copy()
    alive_before = m.people.view("alive").copy()
    m.step()
    n = len(age_before)
    still = m.people.alive[:n] & alive_before
    np.testing.assert_allclose(m.people.age[:n][still] - age_before[still], 1 / 12, atol=1e-4)
    gone = alive_before & ~m.people.alive[:n]
    np.testing.assert_allclose(m.people.age[:n][gone], age_before[gone])


def test_registered_deaths_are_the_registered_share_of_true_deaths():
    frame = small_model(seed=1, end_year=1958, death_registration=0.5).run().monthly_frame()
    np.testing.assert_allclose(frame["cdr_registered"], 0.5 * frame["cdr"])


def test_the_fertility_parameter_scales_conceptions():
    base = small_model().p
    age, women, bmi, ratio = np.full(2, 25), np.full(2, True), np.full(2, 21.0), np.ones(2)
    normal = physiology.conception_probability(age, women, bmi, ratio, base)
    assert (physiology.conception_probability(age, women, bmi, ratio, {**base, "fertility": 0.0}) == 0).all()
    np.testing.assert_allclose(physiology.conception_probability(age, women, bmi, ratio, {**base, "fertility": 2.0}),
                               2 * normal)
