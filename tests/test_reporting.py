"""The reporting cascade (ODD 7.3): cadres mark up the true harvest for career, fear, emulation
and the superior's target; officials add their own markup on top."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model, step_through

from greatleap import reporting

NO_MARKUP = {"markup_career": 0.0, "markup_target": 0.0, "markup_penalty": 0.0, "markup_emulation": 0.0,
             "official_markup": 0.0}


def _leap_harvest_model(**params):
    """A fresh model as drawn (no spin-up: no markups carried over) with its clock on the October
    1958 harvest, the height of the Leap."""
    return set_month(small_model(**{"markup_cap": 10.0, "spin_up_months": 0, **params}), (1958, 10))


def _mean_cadre_markup(m, true_kg=None, **changes) -> float:
    m.p.update(changes)
    for cadre in m.cadres:
        cadre.last_markup = 0.0
    true_kg = 0.7 * m.potential if true_kg is None else true_kg
    reports = reporting.cadre_reports(m, true_kg, m.crops[1].share)
    return float((reports / true_kg).mean() - 1.0)


@pytest.mark.parametrize("switch", [{"honest_reporting": True}, NO_MARKUP])
def test_without_markup_every_report_equals_the_true_harvest(switch):
    frame = small_model(seed=2, end_year=1959, **switch).run().monthly_frame()
    harvest = frame["harvest_true_kg"] > 0
    assert harvest.sum() >= 4
    np.testing.assert_allclose(frame.loc[harvest, "harvest_reported_cadre_kg"], frame.loc[harvest, "harvest_true_kg"])
    np.testing.assert_allclose(frame.loc[harvest, "harvest_reported_official_kg"],
                               frame.loc[harvest, "harvest_true_kg"])


def test_in_the_leap_cadres_overreport_and_officials_compound_the_markup():
    frame = step_through(small_model(seed=2, retreat_rule="calendar"), (1958, 10)).monthly_frame().set_index("date")
    true, cadre, official = frame.loc["1958-10", ["harvest_true_kg", "harvest_reported_cadre_kg",
                                                  "harvest_reported_official_kg"]]
    assert cadre > 1.05 * true  # 7.5% in seed 2 since the spin-up year (over 10% before it)
    assert official > cadre
    # before the Leap, nobody inflates
    np.testing.assert_allclose(frame.loc["1957-10", "harvest_reported_official_kg"],
                               frame.loc["1957-10", "harvest_true_kg"])


def test_officials_markup_multiplies_the_sum_of_their_cadres_reports():
    m = _leap_harvest_model(official_markup=1.0)
    cadre_kg = m.potential.copy()
    out = reporting.official_reports(m, cadre_kg)
    for official in m.officials:
        ratio = out[official.communes] / cadre_kg[official.communes]
        np.testing.assert_allclose(ratio, 1.0 + official.career_stake)
    m.p["official_markup"] = 0.0
    np.testing.assert_allclose(reporting.official_reports(m, cadre_kg), cadre_kg)


@pytest.mark.parametrize("name", ["markup_career", "markup_target", "markup_penalty", "markup_emulation"])
def test_each_pressure_raises_the_cadres_markup(name):
    m = _leap_harvest_model(purge_prob_before=0.5, **NO_MARKUP)
    base = {"markup_career": 0.0, "markup_target": 0.0, "markup_penalty": 0.0, "markup_emulation": 0.0}
    low = _mean_cadre_markup(m, **base)
    if name == "markup_emulation":  # the neighbours launched satellites last time
        m.p.update(base, markup_emulation=0.8)
        for cadre in m.cadres:
            cadre.last_markup = 0.5
        reports = reporting.cadre_reports(m, 0.7 * m.potential, m.crops[1].share)
        high = float((reports / (0.7 * m.potential)).mean() - 1.0)
    else:
        high = _mean_cadre_markup(m, **{**base, name: 1.0})
    assert low == pytest.approx(0.0)
    assert high > 0.05


def test_a_target_further_above_the_truth_brings_a_bigger_markup():
    m = _leap_harvest_model(**{**NO_MARKUP, "markup_target": 0.8})
    near = _mean_cadre_markup(m, true_kg=0.9 * m.potential)
    far = _mean_cadre_markup(m, true_kg=0.5 * m.potential)
    assert far > near > 0


def test_fear_of_a_purge_after_lushan_raises_the_markup():
    m = _leap_harvest_model(**{**NO_MARKUP, "markup_penalty": 1.0})
    before = _mean_cadre_markup(m)
    set_month(m, (1959, 10))
    after = _mean_cadre_markup(m)
    m.p["lushan_purge"] = False
    no_lushan = _mean_cadre_markup(m)
    assert after > before and after > no_lushan


def test_markups_never_exceed_the_credible_cap():
    m = _leap_harvest_model(markup_career=2.0, markup_target=2.0, markup_penalty=5.0)
    assert _mean_cadre_markup(m, markup_cap=10.0) > 0.3
    m.p["markup_cap"] = 0.3
    for cadre in m.cadres:
        cadre.last_markup = 0.0
    reports = reporting.cadre_reports(m, 0.7 * m.potential, m.crops[1].share)
    assert (reports <= 1.3 * 0.7 * m.potential * (1 + 1e-9)).all()


def test_visible_starvation_shrinks_the_markup():
    m = _leap_harvest_model(markup_career=1.0, famine_visibility=100.0)
    hidden = _mean_cadre_markup(m)
    m.village.recent_starvation_deaths[0] = 0.005 * m.commune_population()  # 5 per 1000 died
    visible = _mean_cadre_markup(m)
    assert visible < 0.75 * hidden


def test_after_the_retreat_reports_fade_towards_the_truth_harvest_by_harvest():
    m = _leap_harvest_model(markup_career=1.0, markup_persistence=0.5)
    true_kg = 0.7 * m.potential
    first = reporting.cadre_reports(m, true_kg, m.crops[1].share) / true_kg - 1.0
    assert (first > 0).all()
    m.state.retreated = True
    second = reporting.cadre_reports(m, true_kg, m.crops[1].share) / true_kg - 1.0
    np.testing.assert_allclose(second, 0.5 * first)
    third = reporting.cadre_reports(m, true_kg, m.crops[1].share) / true_kg - 1.0
    np.testing.assert_allclose(third, 0.25 * first)
    m.p["markup_persistence"] = 0.0  # honest at once: the old rule
    assert reporting.cadre_reports(m, true_kg, m.crops[1].share) == pytest.approx(true_kg)


def test_an_official_outbids_his_provinces_peers_and_a_leader_the_other_provinces():
    """Peer outbidding (ODD 7.3): a markup short of what the peers added at the last harvest is
    raised ``peer_outbidding`` of the way towards theirs; one above them is left alone."""
    from greatleap import provinces

    m = _leap_harvest_model(n_communes=8, communes_per_official=2, n_provinces=2, official_markup=0.2,
                            provincial_markup=0.2, peer_outbidding=0.5)
    cadre_kg = m.potential.copy()
    first, second, third, _ = m.officials
    assert m.commune_province[first.communes[0]] == m.commune_province[second.communes[0]] != \
        m.commune_province[third.communes[0]]
    for share in (0.5, 0.0):
        m.p["peer_outbidding"] = share
        first.last_markup, second.last_markup, third.last_markup = 0.0, 1.0, 0.0
        ratio = reporting.official_reports(m, cadre_kg) / cadre_kg
        own = 0.2 * first.career_stake
        np.testing.assert_allclose(ratio[first.communes], 1.0 + own + share * (1.0 - own))
        np.testing.assert_allclose(ratio[second.communes], 1.0 + 0.2 * second.career_stake)  # above his peer
        np.testing.assert_allclose(ratio[third.communes], 1.0 + 0.2 * third.career_stake)  # another province
        low, high = m.leaders
        low.last_markup, high.last_markup = 0.0, 1.0
        claims = provinces.provincial_reports(m, cadre_kg, np.zeros(m.communes.n), 1.0) / cadre_kg
        own = 0.2 * low.zeal
        np.testing.assert_allclose(claims[m.commune_province == low.province], 1.0 + own + share * (1.0 - own))
        assert low.last_markup == pytest.approx(own + share * (1.0 - own))  # what the others outbid next


def test_after_the_retreat_an_official_keeps_a_fading_share_of_his_markup():
    m = _leap_harvest_model(official_markup=1.0, markup_persistence=0.5)
    cadre_kg = m.potential.copy()
    m.state.retreated, m.state.harvests_since_retreat = True, 1
    out = reporting.official_reports(m, cadre_kg)
    for official in m.officials:
        ratio = out[official.communes] / cadre_kg[official.communes]
        np.testing.assert_allclose(ratio, 1.0 + 0.25 * official.career_stake)


def test_targets_rebase_on_last_years_claim_as_far_as_the_centre_believes_it():
    m = small_model()
    m.communes.report_last_year = m.potential.copy()
    set_month(m, (1959, 10))
    believing = reporting.season_targets(m, 0.7)
    m.state.credibility = 0.6  # the 1958 claims delivered 60% of their quotas
    np.testing.assert_allclose(reporting.season_targets(m, 0.7), 0.6 * believing)
