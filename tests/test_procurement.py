"""Quotas and procurement (ODD 7.5): inflexible quotas, collection, anti-hiding searches and the
equal-retention counterfactual."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model, step_through

from greatleap import procurement
from greatleap.calendar import HISTORICAL

SHOCK_1957 = HISTORICAL.replace(weather={**HISTORICAL.weather, 1957: 0.7})


def _quota_share(m, true_kg) -> float:
    share = m.crops[1].share
    return float(procurement.set_quotas(m, true_kg, true_kg, share).sum() / true_kg.sum())


@pytest.mark.parametrize("ym", [(1957, 10), (1959, 10)])
def test_inflexible_quotas_take_a_bigger_share_of_a_failed_harvest(ym):
    m = set_month(small_model(quota_rule="inflexible"), ym)
    normal = m.crops[1].share * m.potential
    assert _quota_share(m, 0.5 * normal) > 1.5 * _quota_share(m, normal)


def test_flexible_quotas_take_the_same_share_whatever_the_harvest():
    m = set_month(small_model(quota_rule="flexible", procurement_share=0.27), (1959, 10))
    normal = m.crops[1].share * m.potential
    assert _quota_share(m, 0.5 * normal) == pytest.approx(_quota_share(m, normal))
    assert _quota_share(m, normal) == pytest.approx(procurement.planned_share(m))  # 0.27 x the obligations


def test_with_a_harvest_shock_inflexible_quotas_raise_the_procurement_share():
    """1957 harvests fail by 30%; the retention floor and the emergency squeeze are off so that only
    the quota rule binds."""
    shares = {}
    for rule in ("inflexible", "flexible"):
        for calendar, label in ((SHOCK_1957, "shock"), (HISTORICAL, "normal")):
            annual = small_model(seed=1, quota_rule=rule, end_year=1957, calendar=calendar,
                                 retention_floor=0.0, emergency_squeeze=0.0).run().annual_frame().set_index("year")
            shares[rule, label] = annual.loc[1957, "procurement_share"]
    assert shares["inflexible", "shock"] > shares["flexible", "shock"] + 0.05
    assert shares["inflexible", "shock"] > shares["inflexible", "normal"] + 0.05
    assert shares["flexible", "shock"] == pytest.approx(shares["flexible", "normal"], abs=0.02)


def test_inflexible_quotas_ask_a_bigger_share_of_communes_reporting_more_per_person():
    m = set_month(small_model(quota_rule="inflexible", quota_progressivity=1.0, official_quota_push=0.0,
                              commune_fertility_sd=0.0),
                  (1957, 10))
    share = m.crops[1].share
    richness = np.linspace(0.6, 1.4, m.communes.n)
    m.communes.report_last_year = m.potential * richness
    reported = share * m.potential * richness
    rate = procurement.set_quotas(m, reported, reported, share) / reported
    assert (np.diff(rate) > 0).all()
    m.p["quota_progressivity"] = 0.0
    flat = procurement.set_quotas(m, reported, reported, share) / reported
    np.testing.assert_allclose(flat, flat[0])


def test_zealous_officials_push_quotas_up_during_the_leap():
    m = set_month(small_model(official_quota_push=0.5), (1958, 10))
    normal = m.crops[1].share * m.potential
    pushed = _quota_share(m, normal)
    m.p["official_quota_push"] = 0.0
    assert pushed > _quota_share(m, normal)


def test_collection_stops_at_the_retention_floor_the_cadre_defends():
    m = set_month(small_model(retention_floor=300.0), (1959, 10))
    m.communes.granary[:] = 400.0 * m.commune_population()
    m.households.stock[:] = 0.0
    m.communes.quota[:] = 1e9  # asks for everything
    taken = procurement.collect(m, 12)
    floor = procurement.retention_floor(m, 12)
    assert (floor > 0).all()
    np.testing.assert_allclose(m.communes.granary, floor)
    assert (taken > 0).all()


def _owing_model(**params):
    """A commune system in March 1959 whose winter quota is still unpaid, with grain hidden."""
    m = set_month(small_model(search_violence=0.05, search_seizure=0.6, **params), (1959, 3))
    m.households.hidden[:] = 20.0
    m.communes.quota[:] = m.communes.quota_initial[:] = 5_000.0
    m.communes.owed_since[:] = m.t - 2
    return m


def test_searches_seize_hidden_grain_and_kill_only_when_enabled():
    m = _owing_model(anti_hiding_searches=True)
    seized, killed = procurement.search_households(m)
    assert seized.sum() > 0
    assert m.households.hidden.sum() == pytest.approx(20.0 * len(m.households) - seized.sum())
    assert len(killed) > 0 and m.people.alive[killed].all()  # the village then kills them
    assert (m.communes.quota == 0).all()  # the rest is written off

    off = _owing_model(anti_hiding_searches=False)
    seized, killed = procurement.search_households(off)
    assert seized.sum() == 0 and len(killed) == 0
    assert (off.households.hidden == 20.0).all()


def test_searches_in_a_run_seize_grain_and_cause_violence_deaths_only_when_enabled():
    # a high retention floor leaves quotas unpaid, concealment leaves grain to find
    totals = {}
    for on in (True, False):
        frames = [small_model(seed=s, anti_hiding_searches=on, search_violence=0.05, retention_floor=400.0,
                              concealment=0.2, retreat_rule="calendar", end_year=1959).run().monthly_frame()
                  for s in range(2)]
        totals[on] = (sum(f["grain_seized_kg"].sum() for f in frames),
                      sum(f["deaths_violence"].sum() for f in frames))
    assert totals[True][0] > 0 and totals[True][1] > 0
    assert totals[False] == (0.0, 0.0)


def test_equalise_retention_gives_every_commune_the_same_grain_per_person():
    m = small_model()
    rng = np.random.default_rng(0)
    m.communes.granary[:] = rng.uniform(0, 1e5, m.communes.n)
    m.households.stock[:] = rng.uniform(0, 500, len(m.households))
    total = m.communes.granary.sum() + m.households.stock.sum()
    procurement.equalise_retention(m)
    held = m.communes.granary + np.bincount(m.households.commune, weights=m.households.stock,
                                            minlength=m.communes.n)
    per_person = held / m.commune_population()
    np.testing.assert_allclose(per_person, per_person.mean())
    assert held.sum() == pytest.approx(total)


def test_the_equal_retention_scenario_evens_out_grain_across_communes_after_a_harvest():
    spread = {}
    for on in (True, False):
        m = step_through(small_model(seed=2, equalise_retention=on, commune_fertility_sd=0.3), (1957, 6))
        held = m.communes.granary + np.bincount(m.households.commune, weights=m.households.stock,
                                                minlength=m.communes.n)
        per_person = held / m.commune_population()
        spread[on] = per_person.std() / per_person.mean()
    assert spread[True] < 0.5 * spread[False]


def test_after_the_retreat_quotas_are_the_planned_share_of_the_harvest_the_centre_believes():
    m = set_month(small_model(quota_rule="inflexible", procurement_share=0.27), (1960, 10))
    true_kg = 0.5 * m.crops[1].share * m.potential  # a failed harvest
    inflated = 2.0 * true_kg  # still reported as a bumper one
    before = procurement.set_quotas(m, true_kg, inflated, m.crops[1].share).sum() / true_kg.sum()
    m.state.retreated, m.state.retreat_t = True, m.t
    m.state.credibility = 0.5  # it has learnt that claims deliver half their quotas
    planned = procurement.planned_share(m)
    after = procurement.set_quotas(m, true_kg, inflated, m.crops[1].share)
    np.testing.assert_allclose(after, planned * 0.5 * inflated)
    assert after.sum() / true_kg.sum() < before
    # it never sees the truth: a worse true harvest, reported alike, gets the same quota
    np.testing.assert_allclose(procurement.set_quotas(m, 0.5 * true_kg, inflated, m.crops[1].share), after)


def test_inflated_reports_raise_the_quotas_set_on_them():
    quotas = {}
    for honest in (True, False):
        model = small_model(seed=2, honest_reporting=honest, retreat_rule="calendar", official_markup=1.0)
        frame = step_through(model, (1958, 10)).monthly_frame().set_index("date")
        quotas[honest] = frame.loc["1958-10", "quota_kg"] / frame.loc["1958-10", "harvest_true_kg"]
    # the current report weighs quota_weight_current (7%) in the inflexible quota, the rest last
    # year's report: a third or so of inflation (officials marking up 1.0 x their career stake; the
    # third fit's 0.107 inflates far less) raises the quota by 2-3 per cent (2.4% in seed 2)
    assert quotas[False] > 1.015 * quotas[True]


def test_an_unpaid_quota_is_collected_for_two_months_after_the_harvest_then_written_off():
    # a high retention floor leaves part of each quota unpaid at harvest (300 kg stopped doing so in
    # seed 1 once the herd ate less of the granary: issue 14's herd ceiling); no searches or emergency
    # levies muddle the count
    frame = small_model(seed=1, retreat_rule="calendar", retention_floor=350.0, anti_hiding_searches=False,
                        emergency_squeeze=0.0).run().monthly_frame()
    by_month = frame.groupby("month")["procurement_kg"].sum()
    assert by_month[[7, 8, 11, 12]].sum() > 0
    assert (by_month[[1, 2, 3, 4, 5, 9]] == 0).all()


def test_the_less_weight_on_the_current_report_the_more_a_failed_harvest_is_squeezed():
    m = set_month(small_model(quota_rule="inflexible"), (1957, 10))
    failed = 0.5 * m.crops[1].share * m.potential
    shares = {}
    for weight in (0.0, 0.5, 1.0):
        m.p["quota_weight_current"] = weight
        shares[weight] = _quota_share(m, failed)
    assert shares[0.0] > shares[0.5] > shares[1.0]


def test_a_search_seizes_the_search_seizure_share_of_a_searched_households_hidden_grain():
    m = _owing_model(anti_hiding_searches=True)
    m.p["search_seizure"] = 0.25
    procurement.search_households(m)
    hidden = m.households.hidden
    searched = hidden < 20.0
    assert searched.any()
    np.testing.assert_allclose(hidden[searched], 15.0)


# ---- the cadre's defence of the floor and his searches: declared uncertainties (issue 15) ------
def _floor(**params) -> np.ndarray:
    m = set_month(small_model(retention_floor=300.0, **params), (1959, 10))  # after Lushan: purges feared
    assert m.purge_risk() > 0.1
    return procurement.retention_floor(m, 12)


def test_the_floor_a_cadre_defends_grows_with_the_declared_base_and_loyalty_and_shrinks_with_fear():
    base = _floor()
    assert (_floor(retention_base=0.7) > base).all() and (_floor(retention_base=0.3) < base).all()
    assert (_floor(retention_per_loyalty=0.7) > base).all()
    assert (_floor(retention_fear=3.0) < base).all() and (_floor(retention_fear=0.0) > base).all()
    # however afraid, a cadre keeps retention_min of his defence
    np.testing.assert_allclose(_floor(retention_fear=10.0, retention_min=0.4),
                               2.0 * _floor(retention_fear=10.0, retention_min=0.2))


def _searched(ym, **params) -> int:
    m = _owing_model(anti_hiding_searches=True, **params)
    set_month(m, ym)
    m.communes.owed_since[:] = m.t - 2
    m.communes.quota[:] = 0.2 * m.communes.quota_initial  # a fifth unpaid: searches short of certain
    procurement.search_households(m)
    return int((m.households.hidden < 20.0).sum())


def test_searches_grow_with_the_declared_zeal_and_after_lushan_with_the_declared_fear():
    assert _searched((1959, 3), search_zeal_base=0.0) < _searched((1959, 3), search_zeal_base=1.0)
    assert _searched((1959, 10), search_fear=0.0) < _searched((1959, 10), search_fear=4.0)


def test_the_summer_harvest_is_asked_the_declared_share_of_the_autumns_rate():
    """summer_relief (issue 15: a declared uncertainty, no longer a constant)."""
    for relief in (0.3, 0.9):
        m = set_month(small_model(quota_rule="flexible", summer_relief=relief), (1959, 10))
        harvest = m.crops[1].share * m.potential
        autumn = _quota_share(m, harvest)
        set_month(m, (1959, 6))
        assert _quota_share(m, harvest) == pytest.approx(relief * autumn)


def test_no_commune_is_asked_more_than_the_declared_largest_quota_rate():
    """max_quota_rate (issue 15: a declared uncertainty, no longer a constant)."""
    share = {}
    for ceiling in (0.3, 0.95):
        m = set_month(small_model(quota_rule="flexible", procurement_share=0.8, max_quota_rate=ceiling), (1959, 10))
        share[ceiling] = _quota_share(m, m.crops[1].share * m.potential)
        assert share[ceiling] == pytest.approx(min(procurement.planned_share(m), ceiling))
    assert share[0.3] < share[0.95]
