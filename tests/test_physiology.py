"""Physiology and demography (ODD 7.8): energy need by age, sex, size and work; growth, stunting
and wasting on the WHO references; deaths from wasting, inanition, epidemics and the age
schedule; pregnancies, amenorrhoea, postponement, post-partum infecundity and births."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_model

from greatleap import kernels, physiology
from greatleap.params import PARAMS, resolve
from greatleap.village import Meals

P = resolve("baseline")


def _month_of_work(m):
    """Open the first month as ``FamineModel.step`` does and assign its work."""
    m._advance_clock()
    m.recorder.open_month()
    return m.village.work_month(np.flatnonzero(m.people.view("alive")))


def _months(age, female, bmi, height, ratio, months, **need):
    """Feed one body ``ratio`` x its need for ``months``; returns (age, bmi, height) after."""
    age, bmi, height = np.float32(age), np.float32(bmi), np.float32(height)
    for _ in range(months):
        x = physiology.daily_need(age, female, bmi, height, **need)
        bmi, height = physiology.body_after_month(age, female, bmi, height, x * ratio, x)
        age = np.float32(age + np.float32(1 / 12))
    return age, bmi, height


# ---- energy need ------------------------------------------------------------------------------
def test_adult_need_is_schofield_bmr_times_activity_as_fao_computes_it():
    # FAO/WHO/UNU 2004, 5.4.1: a woman of 20-30 and 55 kg has a BMR of 1,302 kcal/day
    height = np.float32(1.60)
    bmi = np.float32(55.0 / 1.60 ** 2)
    light = physiology.daily_need(25.0, True, bmi, height)
    assert light == pytest.approx(1301.6 * physiology.PAL_LIGHT_DAY, rel=1e-4)
    field = physiology.daily_need(25.0, True, bmi, height, task_pal=physiology.TASK_PAL[0])
    assert field == pytest.approx(1301.6 * 1.85, rel=1e-4)  # FAO's "moderately active" midpoint


def test_need_grows_with_body_size_work_and_pregnancy_and_differs_by_sex():
    h = np.float32(1.6)
    small, big = physiology.daily_need(30.0, False, np.float32(18.0), h), physiology.daily_need(30.0, False, np.float32(23.0), h)
    assert big > small
    man, woman = physiology.daily_need(30.0, False, np.float32(21.0), h), physiology.daily_need(30.0, True, np.float32(21.0), h)
    assert man > woman  # Schofield: a man's BMR is higher at the same weight
    rest = physiology.daily_need(30.0, True, np.float32(21.0), h)
    assert physiology.daily_need(30.0, True, np.float32(21.0), h, gestation=8) == pytest.approx(rest + 475, rel=1e-5)
    assert physiology.daily_need(30.0, True, np.float32(21.0), h, task_pal=0.65) > rest


def test_a_childs_need_follows_the_fao_requirement_by_age():
    # FAO/WHO/UNU 2004 Table 4.5: a boy of 5-6 years and 19.7 kg needs 312 kJ/kg/day (1,469 kcal)
    h = np.float32(1.12)
    need = physiology.daily_need(5.5, False, np.float32(19.7 / 1.12 ** 2), h)
    assert need == pytest.approx(19.7 * 312 / 4.184, rel=0.03)


# ---- growth, stunting, wasting ----------------------------------------------------------------
def _child(age=3.0, female=False):
    return np.float32(age), physiology.bmi_at_z(age, female, 0.0), physiology.height_at_z(age, female, -1.0)


def test_a_fed_child_grows_along_its_centiles():
    age, bmi, height = _child()
    age2, bmi2, height2 = _months(age, False, bmi, height, 1.0, 12)
    assert height2 > height + 0.05  # grows several centimetres a year
    assert physiology.height_for_age_z(age2, False, height2) == pytest.approx(-1.0, abs=0.1)
    assert physiology.wasting_score(age2, False, bmi2) == pytest.approx(0.0, abs=0.1)


def _fed_newborn_scores(z0: float, female: bool, months: int = 12) -> np.ndarray:
    """BMI-for-age z of a newborn fed exactly its need, in the model's order: born at a month's end
    (``village.give_birth``'s bodies), a month older (``kernels.grow_older``), then each month its
    meal and body (``body_after``) and a month older, scored at the age it has reached."""
    female, alive = np.array([female]), np.ones(1, bool)
    _, height, bmi = physiology.newborn_bodies(female, np.array([z0]), np.array([z0]), np.ones(1))
    age = np.zeros(1, np.float32)
    kernels.grow_older(alive, age, np.float32(1 / 12))
    scores = []
    for _ in range(months):
        need = physiology.daily_need(age, female, bmi, height)
        bmi, height = physiology.body_after_month(age, female, bmi, height, need, need)
        kernels.grow_older(alive, age, np.float32(1 / 12))
        scores.append(physiology.wasting_score(age, female, bmi)[0])
    return np.array(scores)


@pytest.mark.parametrize("z0", [0.0, -1.0, -2.0])
@pytest.mark.parametrize("female", [False, True])
def test_a_newborn_fed_its_need_keeps_its_birth_centile_through_its_first_year(z0, female):
    """It fell 1.65 SD below in a year when the newborn started its first meal a month short and
    the body drifted towards last month's median (scripts/diagnose_infants.py)."""
    scores = _fed_newborn_scores(z0, female)
    assert np.abs(scores - z0).max() < 0.3


def test_rows_of_float32_ages_are_not_a_month_behind():
    age = np.zeros(1, np.float32)
    for month in range(1, 19 * 12 + 1):
        kernels.grow_older(np.ones(1, bool), age, np.float32(1 / 12))
        assert physiology.rows_of(age)[0] == min(month, physiology.N_CHILD_ROWS)
    assert physiology.age_index(np.float32(5.0) - np.float32(1e-6)) == 5


def test_a_short_child_stops_growing_in_height_then_wastes_when_the_deficit_is_deeper():
    age, bmi, height = _child()
    need = physiology.daily_need(age, False, bmi, height)
    growth = physiology.weight_of(bmi, height) * physiology.GROWTH_KCAL_PER_KG[0, physiology.rows_of(np.array([age]))[0]]
    # short by less than the cost of growing: grows less (stunting), keeps its weight for height
    mild = 1.0 - 0.5 * growth / need
    a, b, h = _months(age, False, bmi, height, mild, 12)
    assert physiology.height_for_age_z(a, False, h) < -1.15
    assert physiology.wasting_score(a, False, b) > -0.5
    # short by much more: stops growing and loses weight (wasting)
    a, b2, h2 = _months(age, False, bmi, height, 0.7, 3)
    assert h2 == pytest.approx(height, abs=1e-6)
    assert physiology.wasting_score(a, False, b2) < -2.0


def test_a_school_child_short_of_energy_first_plays_less_and_keeps_its_weight_and_growth():
    """Torun 1990: restricted intakes cut children's activity within days, keeping energy balance
    and growth. A boy of 8 fed 0.9 of his need for six months keeps his BMI-for-age z and grows; a
    deeper deficit, beyond his activity above a light day (0.18 x BMR, 11% of his need), wastes him.
    With `child_play_cut` 0 he loses about 1 SD in six months at 0.9."""
    age, female = np.float32(8.0), False
    height, bmi = physiology.height_at_z(age, female, -2.0), physiology.bmi_at_z(age, female, 0.0)
    a, b, h = _months(age, female, bmi, height, 0.9, 6)
    assert physiology.wasting_score(a, female, b) > -0.1
    assert h > height and physiology.height_for_age_z(a, female, h) == pytest.approx(-2.0, abs=0.1)
    # switched off (child_play_cut 0), the same boy wastes
    b_off, h_off = bmi, height
    for month in range(6):
        a = np.float32(age + month / 12)
        x = physiology.daily_need(a, female, b_off, h_off)
        b_off, h_off = physiology.body_after_month(a, female, b_off, h_off, 0.9 * x, x, play_cut=0.0)
    assert physiology.wasting_score(np.float32(age + 0.5), female, b_off) < -0.8
    a, b, h = _months(age, female, bmi, height, 0.6, 6)
    assert physiology.wasting_score(a, female, b) < -2.0
    # infants and toddlers, whose requirement is no more than a light day, have no play to give up
    row = physiology.rows_of(np.array([0.5, 2.0, 8.0]))
    spare = physiology.ENERGY_PAL[0, row] - physiology.CHILD_ACTIVITY_FLOOR
    assert spare[0] < 0 and spare[1] <= 0 and spare[2] > 0.15


def test_a_starving_child_wastes_faster_in_z_score_than_a_starving_adult_in_bmi():
    age, bmi, height = _child()
    a, b, _ = _months(age, False, bmi, height, 0.6, 2)
    child_drop = physiology.wasting_score(age, False, bmi) - physiology.wasting_score(a, False, b)
    adult_bmi = np.float32(21.0)
    _, b_adult, _ = _months(30.0, False, adult_bmi, np.float32(1.61), 0.6, 2)
    assert child_drop > adult_bmi - b_adult > 0


def test_the_body_reproduces_the_minnesota_experiment():
    """Keys et al. 1950: 69.4-kg men of 1.78 m needing 3,200 kcal/day lost 24% of their weight on
    1,570 kcal/day in 24 weeks."""
    age, bmi, height = np.float32(25.0), np.float32(69.4 / 1.78 ** 2), np.float32(1.78)
    w0 = 69.4
    for week in range(24):
        need = physiology.daily_need(age, False, bmi, height, task_pal=0.40)
        # a month's change scaled to a week
        b2, _ = physiology.body_after_month(age, False, bmi, height, np.float32(1570.0), need)
        bmi = np.float32(bmi + (b2 - bmi) * 7 / physiology.DAYS_PER_MONTH)
    loss = 1 - bmi * height ** 2 / w0
    assert loss == pytest.approx(0.24, abs=0.025)


def test_the_wasting_score_is_the_who_z_score_under_19_and_the_adult_bmi_scale_after():
    # WHO 2006: boys' median BMI at birth 13.4069 (z = 0); WHO 2007: a 10-year-old girl's BMI of
    # 16.6133 is her median
    assert physiology.wasting_score(0.0, False, 13.4069) == pytest.approx(0.0, abs=1e-3)
    assert physiology.wasting_score(10.0, True, 16.6133) == pytest.approx(0.0, abs=1e-3)
    assert physiology.wasting_score(2.0, False, physiology.bmi_at_z(2.0, False, -2.0)) == pytest.approx(-2.0, abs=1e-3)
    assert physiology.wasting_score(30.0, True, np.array([21.0, 18.5, 16.0, 13.5])) == pytest.approx([0, -1, -2, -3])


# ---- death -------------------------------------------------------------------------------------
def test_the_wasting_hazard_ratio_is_one_above_minus_one_and_the_pooled_ratio_at_severe_wasting():
    hr = physiology.wasting_hazard_ratio(np.array([0.0, -1.0, -2.0, -3.5, -5.0]), P)
    assert hr[0] == hr[1] == 1.0
    assert hr[3] == pytest.approx(11.63)
    assert (np.diff(hr[1:]) > 0).all()


def test_the_starvation_hazard_is_one_half_at_the_survival_limit_and_reached_sooner_by_the_old():
    for female, limit in ((False, P["bmi_limit_male"]), (True, P["bmi_limit_female"])):
        at = physiology.starvation_hazard(np.array([30.0]), female, np.float32(limit), P)
        assert at[0] == pytest.approx(0.5, abs=1e-5)
        # falling BMIs, the last below the limit (a fitted limit may lie above 14)
        bmi = np.array(sorted([21.0, 17.0, 15.0, limit + 1.0, limit - 0.5], reverse=True), dtype=np.float32)
        hazard = physiology.starvation_hazard(np.full(5, 30.0), female, bmi, P)
        assert (np.diff(hazard) >= 0).all() and hazard[0] < 1e-5 and hazard[-1] > 0.5  # negligible at 21
    young, old = physiology.starvation_hazard(np.array([30.0, 70.0]), False, np.full(2, 14.0, np.float32), P)
    assert old > young
    assert physiology.starvation_hazard(np.array([70.0]), False, np.float32(14.0), {**P, "elderly_reserve": 0.0})[0] == \
        pytest.approx(young)
    # a young child's limit is the sexes' mean limit as a share of its age's median BMI
    median = physiology.bmi_at_z(3.0, False, 0.0)
    mean_limit = (P["bmi_limit_male"] + P["bmi_limit_female"]) / 2
    child = physiology.starvation_hazard(np.array([3.0]), False, np.float32(mean_limit / 21.0 * median), P)
    assert child[0] == pytest.approx(0.5, abs=0.05)


def test_before_puberty_boys_and_girls_share_one_survival_limit_that_parts_by_eighteen():
    """Henry 2001: women outlive men to a lower BMI (11 against 13) thanks to their fat, which is
    made in puberty. Removing the puberty ramp gives boys the men's limit and girls the women's."""
    p = {**P, "bmi_limit_male": 13.0, "bmi_limit_female": 11.0}
    ages = np.array([3.0, 7.0, 9.5, 14.0, 18.5])
    medians = [physiology.bmi_at_z(a, f, 0.0) for f in (False, True) for a in ages]
    for age, mb, mg in zip(ages, medians[:5], medians[5:], strict=True):
        shares = np.linspace(0.45, 0.75, 301)
        boy = physiology.starvation_hazard(np.full(301, age), False, (shares * mb).astype(np.float32), p)
        girl = physiology.starvation_hazard(np.full(301, age), True, (shares * mg).astype(np.float32), p)
        at_boy, at_girl = shares[np.argmin(abs(boy - 0.5))], shares[np.argmin(abs(girl - 0.5))]
        if age < physiology.PUBERTY_FROM:
            assert at_boy == pytest.approx(12.0 / 21.0, abs=0.002) and at_girl == pytest.approx(at_boy, abs=0.002)
        elif age < physiology.PUBERTY_TO:
            assert 12.0 / 21.0 < at_boy < 13.0 / 21.0 and 11.0 / 21.0 < at_girl < 12.0 / 21.0
        else:
            assert at_boy == pytest.approx(13.0 / 21.0, abs=0.002) and at_girl == pytest.approx(11.0 / 21.0, abs=0.002)


def test_starving_boys_and_girls_die_of_inanition_alike_before_puberty():
    """The body link alone: children of 2-9 at -2 SD of height and their median BMI, fed 0.75 of
    their need for a year, die of inanition at rates within a factor of two of each other (their fat
    differs little before puberty; boys need more per kg and waste a little faster). With the adult
    limits by sex, boys died many times as often."""
    ages = np.repeat(np.arange(2.0, 10.0, 0.25), 2).astype(np.float32)
    female = np.tile([False, True], len(ages) // 2)
    height = physiology.height_at_z(ages, female, -2.0)
    bmi = physiology.bmi_at_z(ages, female, 0.0)
    alive, dead = np.ones(len(ages)), np.zeros(len(ages))
    for _ in range(12):
        need = physiology.daily_need(ages, female, bmi, height)
        bmi, height = physiology.body_after_month(ages, female, bmi, height, 0.75 * need, need)
        ages = ages + np.float32(1 / 12)
        q = physiology.starvation_hazard(ages, female, bmi, P)
        dead += alive * q
        alive *= 1.0 - q
    boys, girls = dead[~female].mean(), dead[female].mean()
    assert boys > 0.01 and girls > 0.01  # the test bites: a year at 0.75 of need does kill
    assert 0.5 < boys / girls < 2.0


def test_baseline_mortality_is_highest_for_infants_and_the_old_and_lower_in_towns():
    p = {**P, "baseline_mortality": 1.0}
    ages = np.array([0, 20, 75])
    hazard = physiology.baseline_hazard(ages, np.zeros(3), p)
    assert hazard[0] > hazard[1] and hazard[2] > hazard[1]
    np.testing.assert_allclose(physiology.baseline_hazard(ages, np.zeros(3), {**p, "baseline_mortality": 2.0}),
                               2.0 * hazard, rtol=1e-6)
    assert (physiology.baseline_hazard(ages, np.full(3, -3.0), p) > hazard).all()  # wasted
    assert (physiology.baseline_hazard(ages, np.zeros(3), p, urban=True) < hazard).all()


def test_famine_epidemics_raise_other_deaths_where_many_starve():
    factor = physiology.epidemic_factor(np.array([0.0, 50.0, 100.0]), np.full(3, 100.0), P)
    assert factor[0] == 1.0 and factor[2] > factor[1] > 1.0
    off = physiology.epidemic_factor(np.array([100.0]), np.array([100.0]), {**P, "famine_epidemic": 0.0})
    assert off[0] == 1.0


def test_starving_peasants_die_at_a_higher_rate_than_fed_ones():
    m = small_model(seed=1, n_communes=9)
    work = _month_of_work(m)
    alive = work.alive
    thin = m.rng.random(len(alive)) < 0.5
    adult = m.people.age[alive] >= 19
    m.people.bmi[alive] = np.where(thin & adult, 12.0, m.people.bmi[alive])
    n_hh, n_com = len(m.households), m.communes.n
    everyone_their_need = Meals(ladle=np.float32(0.0), in_hall=np.zeros(n_hh, np.float32),
                                hall_fill=np.zeros(n_com, np.float32), others=np.ones(n_hh, np.float32),
                                workers=np.ones(n_hh, np.float32), hall=np.zeros(n_hh))
    m.village.live_and_die(work, everyone_their_need)
    dead = ~m.people.alive[alive]
    rate_thin, rate_fed = dead[thin & adult].mean(), dead[~thin & adult].mean()
    assert rate_thin > 0.2
    assert rate_thin > 10 * max(rate_fed, 1e-3)
    assert m.recorder.stats["deaths_starvation"] > 0


def test_in_a_famine_the_young_and_the_old_die_more_than_working_ages():
    frame = small_model(seed=2, n_communes=9, procurement_share=0.6, retreat_rule="calendar",
                        end_year=1960).run().age_table()
    rural = frame[(frame["place"] == "rural") & (frame["year"] == 1960)].groupby("age_group").sum(numeric_only=True)
    rate = rural["deaths"] / rural["population"]
    young, working, old = rate[["0-4", "5-9"]].mean(), rate[["20-24", "25-29", "30-34"]].mean(), rate[["70-74", "75-79"]].mean()
    assert young > 2 * working and old > 2 * working


# ---- births ------------------------------------------------------------------------------------
def _women(n=4000, age=27.0, bmi=21.0, gestation=0, postpartum=0):
    """Arrays for ``kernels.eat_live_and_reproduce``: ``n`` women of one age in one household,
    eating ``ratio`` x their need."""
    return dict(alive=np.arange(n), age=np.full(n, age, np.float32), female=np.ones(n, bool),
                bmi=np.full(n, bmi, np.float32), height=np.full(n, 1.55, np.float32), ratio=np.ones(n, np.float32),
                gestation=np.full(n, gestation, np.int8), postpartum=np.full(n, postpartum, np.int8),
                household=np.zeros(n, np.int32), hunger=np.zeros(n, np.int8))


def _reproduce(w, u, p=P):
    """One month of the women's bodies, all surviving (fate draws of 1), with ``u`` as the
    pregnancy draws; returns (who conceived, who gives birth)."""
    n = len(w["alive"])
    if not n:
        return None
    need = physiology.daily_need(w["age"], w["female"], w["bmi"], w["height"])
    share = np.full(1, w["ratio"][0], np.float32)  # everyone eats ratio x need from the home pot
    out = kernels.eat_live_and_reproduce(
        w["alive"], w["household"], np.zeros(n, np.int16), w["female"], w["age"], w["bmi"], w["height"], w["hunger"],
        w["gestation"], w["postpartum"], need, np.zeros(n, np.float32), np.float32(0.0), np.zeros(1, np.float32),
        np.zeros(1, np.float32), share, share, PARAMS["max_intake_ratio"].default, np.zeros(n, np.float32), np.zeros(1),
        np.zeros(1), np.zeros(kernels.KCAL_BINS), np.concatenate([np.ones(n, np.float32), u]), np.ones(1),
        p["bmi_limit_female"], p["bmi_limit_male"], p["elderly_reserve"], physiology.starvation_inv_spread(p),
        np.float32(p["child_play_cut"]),
        physiology.log_hr_per_sd(p), 1.0, physiology.monthly_conception(p), np.float32(p["amenorrhoea_bmi"]), np.float32(p["conception_postponement"]),
        physiology.postpartum_infecundity_months(p["breastfeeding_months"]), np.zeros(1), np.zeros(1),
        np.zeros(kernels.BODY_TALLY), np.zeros(kernels.REPRODUCTION_TALLY), np.full(1, -1.0, np.float32), 0)
    assert out[-1] == n  # everyone survived
    return out[4], out[5]


def test_a_pregnant_woman_does_not_conceive():
    u = np.zeros(4000, np.float32)  # every draw would conceive
    conceived, _ = _reproduce(_women(gestation=3), u)
    assert len(conceived) == 0
    conceived, _ = _reproduce(_women(gestation=0), u)
    assert len(conceived) == 4000


def test_a_woman_infecund_after_a_birth_does_not_conceive_until_it_ends():
    u = np.zeros(100, np.float32)
    w = _women(100, postpartum=2)
    assert len(_reproduce(w, u)[0]) == 0 and (w["postpartum"] == 1).all()
    assert len(_reproduce(w, u)[0]) == 0 and (w["postpartum"] == 0).all()
    assert len(_reproduce(w, u)[0]) == 100


def test_amenorrhoea_stops_conception_below_its_limit():
    u = np.random.default_rng(1).random(4000).astype(np.float32)
    limit = P["amenorrhoea_bmi"]
    below, _ = _reproduce(_women(bmi=limit - 0.2), u)
    above, _ = _reproduce(_women(bmi=limit + physiology.AMENORRHOEA_RAMP), u)
    assert len(below) == 0 and len(above) > 50
    off, _ = _reproduce(_women(bmi=limit - 0.2), u, {**P, "amenorrhoea_bmi": 0.0})
    assert len(off) > 50


def test_hungry_couples_postpone_conceptions():
    u = np.random.default_rng(2).random(4000).astype(np.float32)
    fed = _women()
    hungry = _women()
    hungry["ratio"][:] = 0.5
    assert len(_reproduce(hungry, u)[0]) < 0.7 * len(_reproduce(fed, u)[0])
    hungry = _women()
    hungry["ratio"][:] = 0.5
    assert len(_reproduce(hungry, u, {**P, "conception_postponement": 0.0})[0]) == len(_reproduce(_women(), u)[0])


def test_a_pregnancy_lasts_nine_months_then_infecundity_follows():
    w = _women(10)
    u = np.zeros(10, np.float32)
    assert len(_reproduce(w, u)[0]) == 10  # conceived this month: month 1
    for month in range(2, 10):
        conceived, due = _reproduce(w, np.ones(10, np.float32))
        assert len(due) == 0 and (w["gestation"] == month).all()
    conceived, due = _reproduce(w, np.ones(10, np.float32))
    assert len(due) == 10 and (w["gestation"] == 0).all()
    assert (w["postpartum"] == physiology.postpartum_infecundity_months(P["breastfeeding_months"])).all()


def test_births_fall_with_a_lag_and_postponed_conceptions_come_back_together():
    """Women lose their reserve below the amenorrhoea limit for a year, then recover: births keep
    coming for months (those already pregnant), fall, and rebound above their old level when the
    women who waited all conceive at once."""
    rng = np.random.default_rng(3)
    n = 20000
    w = _women(n)
    w["age"][:] = rng.uniform(20, 35, n).astype(np.float32)
    w["gestation"][:], w["postpartum"][:] = physiology.initial_reproduction(rng, w["age"], w["female"], P)
    births = []
    for month in range(48):
        w["bmi"][:] = 16.0 if 6 <= month < 18 else 21.0
        _, due = _reproduce(w, rng.random(n).astype(np.float32))
        births.append(len(due))
    births = np.array(births)
    before, lagged = births[:6].mean(), births[6:14].mean()
    assert lagged > 0.6 * before  # for months, those already pregnant still give birth
    assert births[16:26].mean() < 0.3 * before  # nine months after the famine began
    assert births[27:33].max() > 1.3 * before  # the postponed conceptions come back together


def test_a_newborn_does_not_take_its_mothers_body_mass_but_her_hunger_lightens_it():
    m = small_model(seed=4, n_communes=9)
    people = m.people
    mothers = np.flatnonzero(people.female[: people.n] & (people.age[: people.n] > 20))[:400]
    people.bmi[mothers[:200]] = 15.0
    people.bmi[mothers[200:]] = 23.0
    from greatleap.village import give_birth

    births = m.recorder.stats["births_low_weight"]
    babies = give_birth(m, people, "rural", mothers, np.ones(len(mothers), np.float32), m.village._homes)
    thin, fat = people.bmi[babies[:200]], people.bmi[babies[200:]]
    assert abs(np.median(thin) - np.median(fat)) < 0.5
    # a month grown along its centile by its first meal, a month old
    assert abs(np.median(physiology.wasting_score(1 / 12, people.female[babies], people.bmi[babies]))) < 0.2
    weight = people.bmi[babies] * people.height[babies] ** 2
    assert 3.8 < np.median(weight) < 5.0  # WHO medians at one month: 4.5 kg boys, 4.2 kg girls
    assert m.recorder.stats["births_low_weight"] - births < 0.1 * len(babies)  # at birth, under 2.5 kg
    hungry = give_birth(m, people, "rural", mothers[:200], np.full(200, 0.4, np.float32), m.village._homes)
    light = people.bmi[hungry] * people.height[hungry] ** 2
    assert np.median(light) < 0.95 * np.median(weight)
    assert (people.household[babies] == people.household[mothers]).all()


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


def test_without_concealment_registered_deaths_are_the_registered_share_of_true_deaths():
    frame = small_model(seed=1, end_year=1958, death_registration=0.5, death_concealment=0.0).run().monthly_frame()
    np.testing.assert_allclose(frame["cdr_registered"], 0.5 * frame["cdr"])


def test_the_fertility_parameter_scales_conceptions():
    normal = physiology.monthly_conception(P)
    assert (physiology.monthly_conception({**P, "fertility": 0.0}) == 0).all()
    np.testing.assert_allclose(physiology.monthly_conception({**P, "fertility": 2.0}), 2 * normal)


def test_the_fed_cycle_gives_the_1950s_age_specific_fertility():
    """12 / ASFR = 1/q + 9 + post-partum months: a stationary woman bears ASFR children a year."""
    q = physiology.monthly_conception(P)
    ppi = physiology.postpartum_infecundity_months(P["breastfeeding_months"])
    for age in (17, 27, 42):
        assert 12.0 / (1.0 / q[age] + 9 + ppi) == pytest.approx(physiology.ASFR[age], rel=1e-5)


def test_the_starvation_hazard_falls_off_above_the_limit_over_the_declared_spread():
    """starvation_spread (issue 15: a declared uncertainty, no longer a constant): 1 / (1 + e^(d / spread))
    for a man d BMI units above his limit, in the compiled passes as in the vectorised rule."""
    limit = P["bmi_limit_male"]
    for spread in (0.25, 0.5, 1.0):
        p = {**P, "starvation_spread": spread}
        above = physiology.starvation_hazard(np.array([30.0]), False, np.float32(limit + 1.0), p)[0]
        assert above == pytest.approx(1 / (1 + np.exp(1.0 / spread)), rel=1e-4)
    # two seeds: with breastfeeding, seed 1 alone gives a ratio of 1.10 (seed 2: 1.33)
    deaths = {spread: sum(small_model(seed=seed, end_year=1961, procurement_share=0.6, retreat_rule="calendar",
                                      starvation_spread=spread).run().monthly_frame()["deaths_starvation"].sum()
                          for seed in (1, 2))
              for spread in (0.25, 1.0)}
    assert deaths[1.0] > 1.1 * deaths[0.25]  # a wider spread: bodies die further above the limit


# ---- breastfeeding -----------------------------------------------------------------------------
def _a_month_at_the_breast(pot_share=0.5, mother_bmi=21.0, **params):
    """One month of a small world in which every household's pot gives everyone ``pot_share`` of
    their need (no hall). Every infant of 1-5 months whose household has a woman of 20-39 (grown:
    her need has no growth in it) who is not pregnant gets her as its nursing mother (she gave
    birth last month, BMI ``mother_bmi``), in every other such household; nobody else nurses. The
    other infants are orphans. Returns the
    infants' (at the breast, orphans) indices and z-scores before and after, their intake and need,
    the mothers and their need, and how many infants each mother's household holds."""
    m = small_model(seed=5, n_communes=9, **params)
    people, p = m.people, m.p
    m._advance_clock()
    m.recorder.open_month()
    alive = np.flatnonzero(people.view("alive"))
    row = physiology.rows_of(people.age[alive])
    infants = alive[(row >= 1) & (row < 6)]
    women = alive[people.female[alive] & (people.age[alive] >= 20) & (people.age[alive] < 40)]
    people.postpartum[alive] = 0
    people.gestation[women] = 0
    first_woman = {}
    for w in women[::-1]:
        first_woman[people.household[w]] = w
    homes = [h for h in np.unique(people.household[infants]) if h in first_woman]
    mothers = np.array([first_woman[h] for h in homes[::2]], np.int64)  # the other homes' infants are orphans
    people.postpartum[mothers] = physiology.postpartum_infecundity_months(p["breastfeeding_months"])
    people.bmi[mothers] = mother_bmi
    people.kcal[mothers] = 5000.0  # last month's meal leaves them their full capacity to work
    nursed = np.isin(people.household[infants], people.household[mothers])
    z_before = physiology.wasting_score(people.age[infants], people.female[infants], people.bmi[infants])
    work = m.village.work_month(alive)
    meals = m.village.feed(work)  # the household's need, the nursing women's milk in it
    meals.in_hall[:], meals.others[:], meals.workers[:] = 0.0, pot_share, pot_share
    need = dict(zip(work.alive.tolist(), work.need.tolist()))
    m.village.live_and_die(work, meals)
    z_after = physiology.wasting_score(people.age[infants], people.female[infants], people.bmi[infants])
    lives = people.alive[infants]
    return dict(nursed=nursed & lives, orphan=~nursed & lives, z_change=z_after - z_before,
                intake=people.kcal[infants], need=np.array([need[i] for i in infants]), mothers=mothers,
                mother_need=np.array([need[i] for i in mothers]),
                infants_of_mother=np.array([(people.household[infants] == people.household[w]).sum() for w in mothers]))


def test_a_breastfed_infant_keeps_its_z_score_in_a_hungry_household_where_a_pot_fed_one_loses_it():
    on, off = _a_month_at_the_breast(), _a_month_at_the_breast(breastfeeding=False)
    nursed = on["nursed"]
    assert nursed.sum() >= 10 and on["orphan"].sum() >= 10
    # at the breast of a fed mother: its whole need, whatever the pot holds, and it keeps its centile
    np.testing.assert_allclose(on["intake"][nursed], on["need"][nursed], rtol=1e-5)
    assert abs(on["z_change"][nursed].mean()) < 0.15
    # the same infants without breastfeeding eat half their need from the pot and waste
    np.testing.assert_allclose(off["intake"][nursed], 0.5 * off["need"][nursed], rtol=1e-5)
    assert off["z_change"][nursed].mean() < on["z_change"][nursed].mean() - 0.5


def test_an_infant_whose_household_has_no_nursing_woman_eats_from_the_pot():
    on = _a_month_at_the_breast()
    orphan = on["orphan"]
    np.testing.assert_allclose(on["intake"][orphan], 0.5 * on["need"][orphan], rtol=1e-5)
    assert on["z_change"][orphan].mean() < on["z_change"][on["nursed"]].mean() - 0.5


def test_a_nursing_woman_needs_505_kcal_a_day_more_per_infant_she_feeds():
    on, off = _a_month_at_the_breast(), _a_month_at_the_breast(breastfeeding=False)
    assert physiology.LACTATION_KCAL == 505.0
    assert (on["infants_of_mother"] >= 1).all()
    np.testing.assert_allclose(on["mother_need"] - off["mother_need"], 505.0 * on["infants_of_mother"], rtol=1e-4)


def test_milk_fails_only_when_the_mother_is_badly_wasted():
    p = resolve("baseline")
    protected, limit = p["lactation_protected_bmi"], p["bmi_limit_female"]
    supply = physiology.milk_supply(np.array([21.0, 18.5, protected, (protected + limit) / 2, limit, limit - 1]), p)
    np.testing.assert_allclose(supply, [1.0, 1.0, 1.0, 0.5, 0.0, 0.0], atol=1e-6)
    wasted_bmi = limit + 0.25 * (protected - limit)
    wasted = _a_month_at_the_breast(mother_bmi=wasted_bmi)
    nursed = wasted["nursed"]
    np.testing.assert_allclose(wasted["intake"][nursed], 0.25 * wasted["need"][nursed], rtol=1e-3)
    # she pays only for the milk she makes
    np.testing.assert_allclose(wasted["mother_need"] - _a_month_at_the_breast(mother_bmi=wasted_bmi,
                                                                              breastfeeding=False)["mother_need"],
                               0.25 * 505.0 * wasted["infants_of_mother"], rtol=1e-3)
    assert wasted["z_change"][nursed].mean() < -0.5
