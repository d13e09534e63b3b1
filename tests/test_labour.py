"""Labour allocation (ODD 7.2): campaigns pull labour from the fields, coerced long hours burn
energy, effort falls with hunger and with the loss of private plots and of the exit right."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model, step_through

from greatleap import labour, physiology


def _frame_through(ym, seed=3, **params):
    # the historical retreat date: the campaigns run their course whatever the centre's stocks
    params.setdefault("retreat_rule", "calendar")
    return step_through(small_model(seed=seed, **params), ym).monthly_frame().set_index("date")


def test_backyard_furnaces_pull_labour_from_the_fields():
    on = _frame_through((1958, 11), furnace_share=0.5)
    off = _frame_through((1958, 11), furnace_share=0.5, backyard_furnaces=False)
    assert on.loc["1958-10", "labour_furnaces"] > 0.2
    assert (off["labour_furnaces"] == 0).all()
    assert on.loc["1958-10", "labour_fields"] < off.loc["1958-10", "labour_fields"] - 0.2
    assert (on.loc[:"1958-07", "labour_furnaces"] == 0).all()  # only during the campaign
    assert on.loc["1958-10", "steel_kg"] > 0 and (off["steel_kg"] == 0).all()


def test_the_furnace_campaign_lowers_the_autumn_harvest_it_takes_hands_from():
    on = _frame_through((1958, 10), furnace_share=0.5)
    off = _frame_through((1958, 10), furnace_share=0.5, backyard_furnaces=False)
    assert on.loc["1958-06", "harvest_true_kg"] == off.loc["1958-06", "harvest_true_kg"]
    assert on.loc["1958-10", "harvest_true_kg"] < 0.95 * off.loc["1958-10", "harvest_true_kg"]


def test_winter_irrigation_works_pull_labour_from_the_fields():
    on = _frame_through((1958, 1), irrigation_share=0.5)
    off = _frame_through((1958, 1), irrigation_share=0.5, irrigation_campaigns=False)
    assert on.loc["1958-01", "labour_irrigation"] > 0.2
    assert (off["labour_irrigation"] == 0).all()
    assert on.loc["1958-01", "labour_fields"] < off.loc["1958-01", "labour_fields"] - 0.2
    assert (on.loc[:"1957-09", "labour_irrigation"] == 0).all()


def test_campaign_shares_grow_with_the_cadres_zeal():
    m = set_month(small_model(furnace_share=0.3), (1958, 10))
    for c, ambition in zip(m.cadres, (0.0, 0.3, 0.6, 1.0)):
        c.ambition = ambition
    furnace, _ = labour.campaign_shares(m)
    assert (np.diff(furnace) > 0).all()


def test_coerced_long_hours_burn_extra_energy_of_those_at_work():
    m = small_model(coercion_kcal=600.0)
    task = np.array(labour.TASKS.index("fields")).repeat(3).astype(np.int8)
    task[1], task[2] = labour.FORAGE, labour.NONE
    set_month(m, (1957, 5))  # before the "three hard years"
    assert (labour.long_hours_kcal(m, task) == 0).all()
    set_month(m, (1959, 5))
    extra = labour.long_hours_kcal(m, task)
    np.testing.assert_allclose(extra, [600.0, 0.0, 0.0])
    age, bmi = np.full(3, 30.0), np.full(3, 21.0, dtype=np.float32)
    task_pal = physiology.task_pal(5)[task]
    plain = physiology.daily_need(age, False, bmi, 1.6, task_pal, 1.0, np.zeros(3, dtype=np.float32))
    driven = physiology.daily_need(age, False, bmi, 1.6, task_pal, 1.0, extra)
    np.testing.assert_allclose(driven - plain, [600.0, 0.0, 0.0], rtol=1e-5)


def test_coerced_long_hours_use_up_more_food():
    """Driven hard in 1958-59, the villages eat their grain faster and end thinner."""
    kept = {}
    for kcal in (0.0, 1200.0):
        m = step_through(small_model(seed=5, coercion_kcal=kcal, end_year=1959, retreat_rule="calendar"),
                         (1959, 5))
        alive = m.people.view("alive")
        kept[kcal] = (float(m.people.view("bmi")[alive].mean()),
                      float(m.households.stock.sum() + m.communes.granary.sum()))
    thinner = kept[1200.0][0] < kept[0.0][0] - 0.2
    less_food = kept[1200.0][1] < 0.9 * kept[0.0][1]
    assert thinner or less_food, kept


def test_the_long_hours_lever_ends_both_the_extra_energy_and_the_extra_hours():
    task = np.full(2, labour.TASKS.index("fields"), dtype=np.int8)
    present, working = np.full(4, 100.0), np.full(4, 100.0)
    by_lever = {}
    for on in (True, False):
        m = set_month(small_model(coercion_kcal=300.0, long_hours=on), (1959, 5))
        by_lever[on] = (labour.long_hours_kcal(m, task), labour.field_labour_of(m, present, working)[1])
    np.testing.assert_allclose(by_lever[True][0], 300.0)
    np.testing.assert_allclose(by_lever[False][0], 0.0)
    np.testing.assert_allclose(by_lever[True][1] / by_lever[False][1], 1.15)  # hours, not effort


def test_hunger_saps_the_capacity_to_work():
    fed = labour.work_capacity(np.array([21.0]), np.array([1.0]))
    thin = labour.work_capacity(np.array([15.0]), np.array([1.0]))
    underfed = labour.work_capacity(np.array([21.0]), np.array([0.5]))
    assert fed[0] == 1.0 and thin[0] < fed[0] and underfed[0] < fed[0]


def test_effective_field_labour_follows_capacity_but_presence_does_not():
    m = set_month(small_model(), (1957, 7))
    alive = np.flatnonzero(m.people.view("alive"))
    able = labour.able_weight(m.people.age[alive], m.people.hunger[alive])
    task = np.zeros(len(alive), dtype=np.int8)
    present_1, effective_1 = labour.field_labour(m, alive, task, able, np.ones(len(alive)))
    present_h, effective_h = labour.field_labour(m, alive, task, able, np.full(len(alive), 0.5))
    np.testing.assert_allclose(present_h, present_1)
    np.testing.assert_allclose(effective_h, 0.5 * effective_1)


def test_severely_wasted_people_cannot_work():
    weight = labour.able_weight(np.array([30.0, 30.0, 5.0]), np.array([0, 3, 0]))
    assert weight[0] == 1.0 and weight[1] == 0.0 and weight[2] == 0.0


def test_effort_falls_when_private_plots_and_the_exit_right_are_lost():
    m = small_model(effort_loss_private_plots=0.1, effort_loss_exit=0.2)
    set_month(m, (1958, 6))  # before the communes
    assert labour.incentive_effort(m) == 1.0
    set_month(m, (1959, 6))  # under the communes
    collective = labour.incentive_effort(m)
    assert collective < 1.0
    m.p["exit_right_kept"] = True
    kept = labour.incentive_effort(m)
    assert collective < kept < 1.0  # only the private plots' loss remains
    np.testing.assert_allclose(kept, 0.9)
    np.testing.assert_allclose(collective, 0.9 * 0.8)


def test_communes_that_keep_private_plots_keep_side_food_and_effort():
    from greatleap import coping

    living, foragers = np.full(4, 100.0), np.zeros(4)
    for abolish, (plots_share, effort_loss) in ((True, (0.6, True)), (False, (1.0, False))):
        m = set_month(small_model(abolish_private_plots=abolish, non_grain_kcal=300.0), (1959, 6))
        assert m.private_plots_abolished() == abolish
        plots, _ = coping.side_food_rates(m, living, foragers)
        assert plots == 300.0 * plots_share
        assert (labour.incentive_effort(m) < 1.0) == effort_loss


def test_keeping_the_exit_right_keeps_field_effort_and_the_harvest():
    harvests = {}
    for kept in (False, True):
        m = step_through(small_model(seed=6, exit_right_kept=kept, effort_loss_exit=0.4, retreat_rule="calendar"),
                         (1959, 10))
        frame = m.monthly_frame().set_index("date")
        harvests[kept] = frame.loc["1959-10", "harvest_true_kg"]
    assert harvests[True] > 1.05 * harvests[False]


def test_the_campaigns_and_long_hours_stop_when_the_centre_retreats():
    m = set_month(small_model(furnace_share=0.3, irrigation_share=0.3, coercion_kcal=500.0), (1958, 11))
    furnace, irrigation = labour.campaign_shares(m)
    assert furnace.sum() > 0 and irrigation.sum() > 0
    m.state.retreated, m.state.retreat_t = True, m.t
    furnace, irrigation = labour.campaign_shares(m)
    assert furnace.sum() == 0 and irrigation.sum() == 0
    assert (labour.long_hours_kcal(m, np.zeros(5, dtype=np.int8)) == 0).all()


def test_a_hungry_village_puts_less_effective_labour_into_the_same_fields():
    works = {}
    for bmi in (21.0, 14.5):
        m = small_model(seed=2)
        m.people.view("bmi")[:] = bmi
        m._advance_clock()  # open the first month as FamineModel.step does
        m.recorder.open_month()
        works[bmi] = m.village.work_month(np.flatnonzero(m.people.view("alive")))
    np.testing.assert_allclose(works[14.5].present, works[21.0].present)  # the same hands
    assert (works[14.5].field_labour < 0.9 * works[21.0].field_labour).all()


@pytest.mark.parametrize("factor", [1.0, 1.3])
def test_long_hours_multiply_effective_field_labour_by_the_declared_factor(factor):
    """long_hours_factor (issue 15: a declared uncertainty, no longer a constant)."""
    present, working = np.full(4, 100.0), np.full(4, 100.0)
    by_lever = {}
    for on in (True, False):
        m = set_month(small_model(long_hours=on, long_hours_factor=factor), (1959, 5))
        by_lever[on] = labour.field_labour_of(m, present, working)[1]
    np.testing.assert_allclose(by_lever[True] / by_lever[False], factor)


def test_longer_coerced_hours_bring_in_a_larger_1958_autumn_harvest():
    short = _frame_through((1958, 10), long_hours_factor=1.0)
    long = _frame_through((1958, 10), long_hours_factor=1.3)
    assert short.loc["1957-10", "harvest_true_kg"] == long.loc["1957-10", "harvest_true_kg"] > 0  # before March 1958
    assert long.loc["1958-10", "harvest_true_kg"] > 1.02 * short.loc["1958-10", "harvest_true_kg"]


def test_campaign_shares_follow_the_declared_base_and_ambition_drive():
    """mobilisation_base and mobilisation_per_ambition (issue 15: declared uncertainties)."""
    furnace = {}
    for base, per_ambition in ((0.5, 0.5), (1.0, 0.5), (0.5, 1.0)):
        # the cadre's own part only: his province leader's (leader_campaign_drive) is tests/test_provinces.py's
        m = set_month(small_model(furnace_share=0.3, mobilisation_base=base, mobilisation_per_ambition=per_ambition,
                                  leader_campaign_drive=0.0), (1958, 10))
        for c, ambition in zip(m.cadres, (0.0, 0.3, 0.6, 1.0)):
            c.ambition = ambition
        furnace[base, per_ambition], _ = labour.campaign_shares(m)
    np.testing.assert_allclose(furnace[0.5, 0.5], 0.3 * (0.5 + 0.5 * np.array([0.0, 0.3, 0.6, 1.0])))
    assert (furnace[1.0, 0.5] > furnace[0.5, 0.5]).all()
    assert furnace[0.5, 1.0][0] == furnace[0.5, 0.5][0] and (furnace[0.5, 1.0][1:] > furnace[0.5, 0.5][1:]).all()


def test_hungry_and_starving_field_workers_forage_with_the_declared_chances():
    """forage_hungry and forage_starving (issue 15: declared uncertainties, were FORAGE_PROPENSITY)."""
    foraging = {}
    for hungry, starving in ((0.0, 0.0), (0.1, 0.0), (0.0, 0.6)):
        frame = _frame_through((1960, 6), seed=1, procurement_share=0.6, forage_hungry=hungry,
                               forage_starving=starving)
        foraging[hungry, starving] = frame["labour_foraging"].sum()
    assert foraging[0.0, 0.0] == 0  # the fed never forage
    assert foraging[0.1, 0.0] > 0 and foraging[0.0, 0.6] > 0
