"""The compiled passes of ``greatleap.kernels`` against plain numpy on the same inputs.

The rules inside the passes are tested through the model (test_labour, test_physiology, ...);
these tests check what the passes add up and select on the way.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greatleap import kernels, labour, physiology, reporters
from greatleap.model import FamineModel
from greatleap.params import PARAMS, resolve


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


def test_the_counts_of_the_living_kept_between_changes_equal_a_fresh_count_every_month():
    """``FamineModel._living_by`` keeps its counts until someone arrives or leaves, and the village
    hands it the month's survivors, newborns and those who fled (``remember_living``); the towns
    count arrivals and departures by registration: each month, at the month's end and after the
    searches, they must be what counting everyone gives."""
    from conftest import small_model

    from greatleap import procurement

    m = small_model(seed=3, n_communes=6)
    searches = procurement.search_households

    def search_and_check(model):
        out = searches(model)
        check(model)
        return out

    def check(model):
        people = model.people
        for group, n in (("household", len(model.households)), ("commune", model.communes.n)):
            fresh = kernels.count_living(people.view("alive"), people.view(group), n)
            assert (model._living_by(group, n) == fresh).all(), (model.ym, group)
        towns = model.towns.people  # and the towns' counts by registration, kept as people come and go
        fresh = kernels.count_living(towns.view("alive"), towns.view("registration"), 4)
        assert (model.towns.counts == fresh).all(), model.ym

    procurement.search_households = search_and_check
    try:
        remembered = 0
        while m.running:
            m.step()
            remembered += m._living_counts["household"][1][1] == m.people.changes  # before check counts
            check(m)
    finally:
        procurement.search_households = searches
    assert remembered > 36  # most months end without a count


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


def test_the_body_pass_tallies_exposure_nutrition_and_hunger_of_the_month():
    rng, alive, _ = _population(5)
    n = len(alive)
    idx = np.flatnonzero(alive)
    age = rng.uniform(0, 90, n).astype(np.float32)
    female = rng.random(n) < 0.5
    height = np.where(age < 19, physiology.height_at_z(np.minimum(age, 18.9), female, -1.0), 1.6).astype(np.float32)
    bmi = np.where(age < 19, physiology.bmi_at_z(np.minimum(age, 18.9), female, 0.0), 21.0).astype(np.float32)
    need = physiology.daily_need(age[idx], female[idx], bmi[idx], height[idx])
    tally = np.zeros(kernels.BODY_TALLY)
    p = resolve("baseline")
    one_home, one = np.zeros(n, np.int32), np.ones(1, np.float32)  # everyone eats their need (pot share 1)
    none = np.zeros(n, np.int8)
    kernels.eat_live_and_reproduce(
        idx, one_home, np.zeros(n, np.int16), female, age, bmi, height, np.zeros(n, np.int8), none, none.copy(), need,
        np.zeros(len(idx), np.float32), np.float32(0.0), np.zeros(1, np.float32), np.zeros(1, np.float32), one, one,
        PARAMS["max_intake_ratio"].default, np.zeros(n, np.float32), np.zeros(1), np.zeros(1), np.zeros(kernels.KCAL_BINS),
        np.ones(2 * len(idx), np.float32), one, p["bmi_limit_female"], p["bmi_limit_male"], p["elderly_reserve"],
        physiology.starvation_inv_spread(p), np.float32(p["child_play_cut"]), physiology.log_hr_per_sd(p), 1.0, physiology.monthly_conception(p), np.float32(p["amenorrhoea_bmi"]),
        np.float32(p["conception_postponement"]), 6, np.zeros(1), np.zeros(1), tally,
        np.zeros(kernels.REPRODUCTION_TALLY), -one, 0)
    a, f = age[idx], female[idx]
    group = np.minimum(a.astype(int) // 5, kernels.AGE_GROUPS_5Y - 1)
    expected = np.bincount(f * kernels.AGE_GROUPS_5Y + group, minlength=2 * kernels.AGE_GROUPS_5Y)
    assert (tally[kernels.T_EXPOSED:kernels.T_EXPOSED + 2 * kernels.AGE_GROUPS_5Y] == expected).all()
    adults = a >= 19
    assert tally[kernels.T_BAND_N + 3] + tally[kernels.T_BAND_N + 4] == adults.sum()
    assert tally[kernels.T_BAND_SUM + 3] == pytest.approx(bmi[idx][adults & (a < 60)].sum(), rel=1e-5)
    assert tally[kernels.T_HUNGRY] == 0  # everyone ate their need (u = 1: nobody dies)


def test_grow_older_ages_only_the_living():
    _, alive, _ = _population(6)
    age = np.full(len(alive), 30.0, dtype=np.float32)
    kernels.grow_older(alive, age, np.float32(1 / 12))
    assert (age[alive] == np.float32(30.0) + np.float32(1 / 12)).all() and (age[~alive] == 30.0).all()


@pytest.fixture(scope="module")
def model():
    # the historical retreat date: the fitted centre may retreat before the campaigns (docs/calibration.md)
    m = FamineModel(rng=2, n_communes=9, commune_side=6, retreat_rule="calendar")
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
    sums = [np.zeros(n_com), np.zeros(n_com), np.zeros(len(labour.TASKS)), np.zeros(n_com), np.zeros(n_com),
            np.zeros(n_com)]
    task_pal = physiology.task_pal(m.ym[1])
    n_hh = len(m.households)
    task, able, need, _ = kernels.work(alive, people.age, people.female, people.hunger, people.bmi, people.height,
                                       people.kcal, people.gestation, people.commune, people.labour.copy(), u,
                                       furnace, irrigation, labour.forage_propensity(m.p), task_pal, 0.0, *sums,
                                       people.household, people.postpartum, 0, 127, np.float32(17.0),
                                       np.float32(10.6), np.zeros(n_hh), np.zeros(n_hh), np.zeros(n_hh))
    present, working, by_task, living, foragers, starving = sums
    commune = people.commune[alive]
    fields = np.where(task == labour.FIELDS, able, 0.0)
    assert np.allclose(present, np.bincount(commune, weights=fields, minlength=n_com))
    assert np.allclose(by_task, np.bincount(task, weights=able, minlength=len(labour.TASKS)))
    assert (living == np.bincount(commune, minlength=n_com)).all()
    assert (foragers == np.bincount(commune, weights=task == labour.FORAGE, minlength=n_com)).all()
    assert (starving == np.bincount(commune, weights=people.hunger[alive] >= 2, minlength=n_com)).all()
    forage = labour.forage_propensity(m.p)[people.hunger[alive]]
    assert (task == labour.task_of(u, furnace[commune], irrigation[commune], forage, able)).all()
    args = (people.age[alive], people.female[alive], people.bmi[alive], people.height[alive])
    full = physiology.daily_need(*args, task_pal=task_pal[task], gestation=people.gestation[alive])
    capacity = labour.work_capacity(people.bmi[alive], people.kcal[alive] / full)
    assert np.allclose(working, np.bincount(commune, weights=fields * capacity, minlength=n_com))
    np.testing.assert_allclose(need, physiology.daily_need(*args, task_pal=task_pal[task], capacity=capacity,
                                                           gestation=people.gestation[alive]), rtol=1e-5)


def test_the_meal_serves_the_hall_portion_and_shares_the_pot(model):
    m, people = model, model.people
    alive = np.flatnonzero(people.view("alive"))
    n_hh, n_com = len(m.households), m.communes.n
    rng = np.random.default_rng(1)
    need = np.full(len(alive), 2000.0, dtype=np.float32)
    able = rng.choice(np.array([0.0, 0.5, 1.0], np.float32), len(alive))
    in_hall = (rng.random(n_hh) < 0.5).astype(np.float32)
    fill = rng.uniform(0.3, 1.4, n_com).astype(np.float32)
    others, workers = rng.uniform(0.2, 1.0, n_hh).astype(np.float32), rng.uniform(0.5, 1.6, n_hh).astype(np.float32)
    ladle = np.float32(0.3)
    tally = reporters.FoodTally.empty(n_com)
    p = resolve("baseline")
    kcal = people.kcal.copy()
    adult_kcal, adults, *_ = kernels.eat_live_and_reproduce(
        alive, people.household, people.commune, people.female, people.age, people.bmi.copy(), people.height.copy(),
        people.hunger.copy(), people.gestation.copy(), people.postpartum.copy(), need, able, ladle, in_hall, fill,
        others, workers, PARAMS["max_intake_ratio"].default, kcal, tally.kcal_by_commune, tally.people_by_commune,
        tally.adult_hist, np.ones(2 * len(alive), np.float32), np.ones(n_com), p["bmi_limit_female"],
        p["bmi_limit_male"], p["elderly_reserve"], physiology.starvation_inv_spread(p), np.float32(p["child_play_cut"]),
        physiology.log_hr_per_sd(p), 1.0,
        physiology.monthly_conception(p),
        np.float32(p["amenorrhoea_bmi"]), np.float32(p["conception_postponement"]), 6, np.zeros(n_hh), np.zeros(n_hh),
        np.zeros(kernels.BODY_TALLY), np.zeros(kernels.REPRODUCTION_TALLY), np.full(n_hh, -1.0, np.float32), 0)
    intake = kcal[alive]
    h, c = people.household[alive], people.commune[alive]
    served = need * (able + (1 - able) * (1 - ladle)) * in_hall[h]
    share = others[h] + (workers[h] - others[h]) * able
    expected = np.minimum(served * fill[c] + (need - served * np.minimum(fill[c], 1)) * share,
                          PARAMS["max_intake_ratio"].default * need)
    np.testing.assert_allclose(intake, expected, rtol=1e-5)
    adult = people.age[alive] >= 15
    assert adults == adult.sum() and np.isclose(adult_kcal, intake[adult].sum(dtype=np.float64))
    assert tally.adult_hist.sum() == adults
    assert np.allclose(tally.kcal_by_commune, np.bincount(c, weights=intake, minlength=n_com))


def test_an_edited_rule_module_drops_the_compiled_passes(tmp_path):
    """The passes inline the rules of other modules, which numba's cache does not track."""
    from greatleap.kernels import forget_stale_compilations

    rule = tmp_path / "physiology.py"
    rule.write_text("A = 1\n")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    compiled = [cache / "kernels.live-10.py311.nbi", cache / "kernels.live-10.py311.1.nbc"]
    other = cache / "physiology.body_after-3.py311.nbi"  # the rule module's own cache is numba's to key
    for path in (*compiled, other):
        path.write_text("machine code")
    assert forget_stale_compilations(cache, [rule])  # first sight: no stamp, drop to be safe
    assert not any(p.exists() for p in compiled) and other.exists()
    for path in compiled:
        path.write_text("machine code")
    assert not forget_stale_compilations(cache, [rule])  # unchanged rules: keep the passes
    assert all(p.exists() for p in compiled)
    rule.write_text("A = 2\n")
    assert forget_stale_compilations(cache, [rule])
    assert not any(p.exists() for p in compiled)


def test_beyond_its_shortcut_distance_the_starvation_hazard_is_below_the_shortcuts_bound():
    # the live pass skips the exponential when x > FAR_FROM_LIMIT and the draw is above
    # SURELY_BELOW + the other hazards: exact only if the hazard it skips is below SURELY_BELOW
    x = np.linspace(physiology.FAR_FROM_LIMIT, 45.0, 20001).astype(np.float32)
    x = x[x > np.float32(physiology.FAR_FROM_LIMIT)]
    hazard = np.array([physiology.starvation_hazard_at(v) for v in x])
    assert hazard.max() <= np.float32(physiology.SURELY_BELOW)
    assert physiology.starvation_hazard_at(np.float32(physiology.FAR_FROM_LIMIT - 2.0)) > physiology.SURELY_BELOW


@pytest.mark.parametrize("before", [0, 1, 2, 3])
@pytest.mark.parametrize("used", [0, 1, 2, 3, 4, 5, 1000, 1001])
def test_drawing_ahead_then_keeping_only_the_used_draws_leaves_the_generator_as_drawing_them(before, used):
    from greatleap.village import fates_and_survivors_draws, keep_only_used_draws

    drawn, ahead = np.random.default_rng(7), np.random.default_rng(7)
    drawn.random(before, dtype=np.float32)  # an odd number leaves half of 64 random bits kept
    ahead.random(before, dtype=np.float32)
    expected = drawn.random(used, dtype=np.float32)
    u, state = fates_and_survivors_draws(ahead, (used + 1) // 2)
    assert (u[:used] == expected).all()
    keep_only_used_draws(ahead, state, used)
    assert ahead.bit_generator.state == drawn.bit_generator.state
    assert (ahead.random(5, dtype=np.float32) == drawn.random(5, dtype=np.float32)).all()
    assert ahead.standard_normal() == drawn.standard_normal()


def test_infants_at_the_breast_ask_nothing_of_the_pot_or_the_ration(model):
    """The household's need for the hall and the pot (and a town household's ration) leaves out its
    infants at the breast, not those whose household has no nursing woman; a nursing woman's
    need carries her household's extra."""
    m, people = model, model.people
    alive = np.flatnonzero(people.view("alive"))
    n_hh, n_com = len(m.households), m.communes.n
    h = people.household[alive]
    milk = np.where(np.arange(n_hh) % 2 == 0, 1.0, -1.0).astype(np.float32)  # even households nurse
    need = np.full(len(alive), 1000.0, np.float32)
    able = np.zeros(len(alive), np.float32)
    sums = [np.zeros(n_hh) for _ in range(5)]
    role = np.where(physiology.rows_of(people.age[alive]) < 6, kernels.INFANT, kernels.NOT_NURSING).astype(np.int8)
    kernels.households(alive, people.household, people.commune, people.hunger, np.zeros(len(alive), np.int8), able,
                       need, 0.0, np.zeros(n_com), np.float32(0.0), *sums, np.zeros(n_hh, bool), role, milk,
                       np.zeros(n_hh, np.float32))
    at_breast = (physiology.rows_of(people.age[alive]) < 6) & (milk[h] >= 0)
    assert at_breast.sum() > 5 and ((physiology.rows_of(people.age[alive]) < 6) & ~at_breast).sum() > 5
    np.testing.assert_allclose(sums[0], np.bincount(h, weights=np.where(at_breast, 0.0, 1000.0), minlength=n_hh))
    # the towns' pass, on the same people as if they lived in a town
    extra = np.full(n_hh, 505.0, np.float32)
    nursing = people.female[alive] & (people.age[alive] > 20) & (people.age[alive] < 30)
    postpartum = np.zeros(people.n, np.int8)
    postpartum[alive[nursing]] = 12
    need_hh, priority, entitled = np.zeros(n_hh), np.zeros(n_hh), np.zeros(n_hh)
    town_need, _ = kernels.town_needs(alive, people.age, people.female, np.zeros(people.n, np.int8), people.bmi,
                                      people.height, people.gestation, people.household, people.commune, 0.0, need_hh,
                                      priority, entitled, np.zeros(n_com), np.zeros(n_com), postpartum, 7, extra, milk, 6)
    base = physiology.daily_need(people.age[alive], people.female[alive], people.bmi[alive], people.height[alive],
                                 gestation=people.gestation[alive])
    np.testing.assert_allclose(town_need, base + 505.0 * nursing, rtol=1e-5)
    np.testing.assert_allclose(need_hh, np.bincount(h, weights=np.where(at_breast, 0.0, town_need), minlength=n_hh),
                               rtol=1e-5)
    assert (entitled >= need_hh - 1e-3).all()
