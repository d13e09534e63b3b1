"""The compiled passes of ``greatleap.kernels`` against plain numpy on the same inputs.

The rules inside the passes are tested through the model (test_labour, test_physiology, ...);
these tests check what the passes add up and select on the way.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greatleap import dining, kernels, labour, physiology, reporters
from greatleap.model import FamineModel


def _population(seed: int, n: int = 3000, groups: int = 40):
    rng = np.random.default_rng(seed)
    group = np.sort(rng.integers(0, groups, n)).astype(np.int32)
    group[-n // 10:] = rng.integers(0, groups, n // 10)  # newborns appended out of order
    return rng, rng.random(n) < 0.8, group


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_count_living_equals_bincount_of_the_living(seed):
    _, alive, group = _population(seed)
    expected = np.bincount(group[alive], minlength=40)
    assert (kernels.count_living(alive, group, 40) == expected).all()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_living_in_lists_exactly_the_living_of_chosen_households(seed):
    rng, alive, household = _population(seed)
    chosen = rng.random(40) < 0.3
    assert (kernels.living_in(alive, household, chosen) == np.flatnonzero(alive & chosen[household])).all()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(1, 99))
def test_percentile_of_histogram_falls_in_the_bins_of_the_values_around_it(seed, q):
    intake = np.sort(np.random.default_rng(seed).uniform(300, 3500, 5000))
    hist = np.bincount(intake.astype(int), minlength=kernels.KCAL_BINS)
    rank = (len(intake) - 1) * q / 100
    below, above = intake[int(np.floor(rank))], intake[int(np.ceil(rank))]
    # numpy interpolates between these two values; the histogram knows them to within a bin
    assert np.floor(below) <= reporters.percentile_of_histogram(hist, q) <= np.floor(above) + 1


def test_census_counts_age_groups_and_hunger_of_the_living():
    rng, alive, _ = _population(5)
    age = rng.uniform(0, 90, len(alive)).astype(np.float32)
    hunger = rng.integers(0, 4, len(alive)).astype(np.int8)
    bounds = np.array([0, 10, 60, 200], dtype=np.float32)
    by_age, hungry, starving = kernels.census(alive, age, hunger, bounds)
    a = age[alive]
    assert list(by_age) == [((a >= lo) & (a < hi)).sum() for lo, hi in zip(bounds[:-1], bounds[1:])]
    assert hungry == (hunger[alive] >= 1).sum() and starving == (hunger[alive] >= 2).sum()


def test_grow_older_ages_only_the_living():
    _, alive, _ = _population(6)
    age = np.full(len(alive), 30.0, dtype=np.float32)
    kernels.grow_older(alive, age, np.float32(1 / 12))
    assert (age[alive] == np.float32(30.0) + np.float32(1 / 12)).all() and (age[~alive] == 30.0).all()


@pytest.fixture(scope="module")
def model():
    m = FamineModel(rng=2, n_communes=9, commune_side=6)
    for _ in range(22):  # into the autumn 1958 campaigns: furnaces and irrigation
        m.step()
    return m


def test_work_pass_sums_are_those_of_its_own_people(model):
    m, people = model, model.people
    alive = np.flatnonzero(people.view("alive"))
    n_com = m.communes.n
    furnace, irrigation = labour.campaign_shares(m)
    assert furnace.any(), "the fixture month should have a furnace campaign"
    u = np.random.default_rng(0).random(len(alive), dtype=np.float32)
    sums = [np.zeros(n_com), np.zeros(n_com), np.zeros(len(labour.TASKS)), np.zeros(n_com), np.zeros(n_com)]
    task, able, need = kernels.work(alive, people.age, people.hunger, people.bmi, people.kcal, people.commune,
                                    people.labour.copy(), u, furnace, irrigation, physiology.task_kcal(m.ym[1]),
                                    0.0, *sums)
    present, working, by_task, living, foragers = sums
    commune = people.commune[alive]
    fields = np.where(task == labour.FIELDS, able, 0.0)
    assert np.allclose(present, np.bincount(commune, weights=fields, minlength=n_com))
    assert np.allclose(by_task, np.bincount(task, weights=able, minlength=len(labour.TASKS)))
    assert (living == np.bincount(commune, minlength=n_com)).all()
    assert (foragers == np.bincount(commune, weights=task == labour.FORAGE, minlength=n_com)).all()
    assert (task == labour.task_of(u, furnace[commune], irrigation[commune], people.hunger[alive], able)).all()
    capacity = labour.work_capacity(people.bmi[alive], people.kcal[alive] / (
        physiology.resting_need_of(physiology.age_index(people.age[alive]), people.bmi[alive])
        + physiology.task_kcal(m.ym[1])[task]))
    assert np.allclose(working, np.bincount(commune, weights=fields * capacity, minlength=n_com))
    assert (need > 0).all()


def test_eat_pass_shares_household_food_and_tallies_it(model):
    m, people = model, model.people
    alive = np.flatnonzero(people.view("alive"))
    n_hh, n_com = len(m.households), m.communes.n
    need = np.full(len(alive), 2000.0, dtype=np.float32)
    ratio_hh = np.random.default_rng(1).uniform(0.2, 1.6, n_hh)
    tally = reporters.FoodTally.empty(n_com)
    intake, ratio, adult_kcal, adults = kernels.eat(
        alive, people.household, people.commune, people.age, need, ratio_hh, dining.MAX_INTAKE_RATIO,
        people.kcal.copy(), tally.kcal_by_commune, tally.people_by_commune, tally.adult_hist)
    expected = np.minimum(ratio_hh[people.household[alive]], dining.MAX_INTAKE_RATIO).astype(np.float32)
    assert (ratio == expected).all() and (intake == need * expected).all()
    adult = people.age[alive] >= 15
    assert adults == adult.sum() and np.isclose(adult_kcal, intake[adult].sum(dtype=np.float64))
    assert tally.adult_hist.sum() == adults
    commune = people.commune[alive]
    assert np.allclose(tally.kcal_by_commune, np.bincount(commune, weights=intake, minlength=n_com))
