"""Provinces and their leaders (ODD 7.11): counties grouped into provinces whose leaders add their
own markup and quota increment."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model

from greatleap import labour, procurement, production, provinces, reporting
from greatleap import params as params_module


def _model(**params):
    return small_model(seed=3, **{"n_communes": 8, "communes_per_official": 2, "n_provinces": 2,
                                  "spin_up_months": 0, **params})  # as drawn: unit tests of one phase


def test_consecutive_counties_form_the_provinces():
    m = _model()
    assert len(m.leaders) == 2
    provinces_of_officials = [m.commune_province[o.communes[0]] for o in m.officials]
    assert provinces_of_officials == [0, 0, 1, 1]
    for o in m.officials:
        assert len(set(m.commune_province[o.communes])) == 1


ALIKE = {"province_fertility_sd": 0.0, "weather_province_share": 0.0, "province_urban_sd": 0.0}


def test_provinces_draw_their_leaders_without_disturbing_the_rest_of_the_run():
    one, two = _model(n_provinces=1, **ALIKE), _model(**ALIKE)
    assert [c.ambition for c in one.cadres] == [c.ambition for c in two.cadres]
    assert one.step() is None and two.step() is None
    np.testing.assert_array_equal(one.people.view("bmi"), two.people.view("bmi"))


def _zealous_and_moderate(m):
    m.leaders[0].zeal, m.leaders[0].alternate = 1.0, True
    m.leaders[1].zeal, m.leaders[1].alternate = 0.0, False
    return m.commune_province == 0


def test_a_zealous_leaders_province_procures_a_larger_share():
    m = set_month(_model(provincial_quota_push=0.3, quota_progressivity=0.0, official_quota_push=0.0), (1958, 10))
    zealous = _zealous_and_moderate(m)
    claims = m.crops[1].share * m.potential
    quota = procurement.set_quotas(m, claims, claims, m.crops[1].share)
    share = quota / claims
    assert share[zealous].min() > share[~zealous].max()
    np.testing.assert_allclose(share[zealous].mean() / share[~zealous].mean(), 1.3, rtol=1e-6)
    m.p["provincial_quota_push"] = 0.0
    flat = procurement.set_quotas(m, claims, claims, m.crops[1].share) / claims
    np.testing.assert_allclose(flat[zealous].mean(), flat[~zealous].mean())


def test_a_provinces_markup_adds_on_top_of_its_counties():
    m = set_month(_model(provincial_markup=0.4, official_markup=1.0), (1958, 10))
    zealous = _zealous_and_moderate(m)
    cadre_kg = m.potential.copy()
    county = reporting.official_reports(m, cadre_kg)
    assert (county > cadre_kg).all()  # the counties marked up
    claims = reporting.provincial_reports(m, county)
    np.testing.assert_allclose(claims[zealous] / county[zealous], 1.4)
    np.testing.assert_allclose(claims[~zealous], county[~zealous])
    m.p["honest_reporting"] = True
    np.testing.assert_allclose(reporting.provincial_reports(m, county), county)


def test_a_zealous_leaders_province_eats_in_the_halls_more():
    # the same world drawn without and with the leaders' drive: each commune's own spread is the same draw
    flat, driven = _model(leader_hall_drive=0.0), _model(leader_hall_drive=1.0)
    above_mean = np.array([leader.zeal - 0.5 for leader in driven.leaders])[driven.commune_province]
    assert np.ptp(above_mean) > 0.05  # the two leaders differ
    before, after = flat.communes.hall_participation, driven.communes.hall_participation
    inside = (after > 0) & (after < 1) & (before > 0) & (before < 1)
    assert inside.sum() >= 4
    np.testing.assert_allclose(after[inside] - before[inside], above_mean[inside])
    # households follow their commune's share: more eat in the halls under the zealous leader
    zealous = (above_mean > 0)[driven.households.commune]
    assert (driven.households.in_hall >= flat.households.in_hall)[zealous].all()
    assert (driven.households.in_hall <= flat.households.in_hall)[~zealous].all()
    moderate = _model(leader_hall_drive=1.0, moderate_leaders=True)
    assert moderate.communes.hall_participation.mean() < flat.communes.hall_participation.mean() - 0.2


def test_a_zealous_leaders_cadres_send_more_to_the_campaigns():
    m = set_month(_model(leader_campaign_drive=1.0), (1958, 10))  # the furnaces at their height
    zealous = _zealous_and_moderate(m)
    furnace, _ = labour.campaign_shares(m)
    m.p["leader_campaign_drive"] = 0.0
    flat, _ = labour.campaign_shares(m)
    assert flat.min() > 0 and furnace.max() < labour.MAX_CAMPAIGN_SHARE
    np.testing.assert_allclose(furnace[zealous], 1.5 * flat[zealous])
    np.testing.assert_allclose(furnace[~zealous], 0.5 * flat[~zealous])


def test_moderate_leaders_lead_every_province():
    m = _model(moderate_leaders=True)
    assert all(leader.zeal == pytest.approx(0.1) and not leader.alternate for leader in m.leaders)


def test_the_province_table_has_each_province_each_year_with_its_leader():
    m = _model(end_year=1958, materialise_peasants=False).run()
    t = m.province_table()
    assert len(t) == 2 * 2 and set(t["province"]) == {0, 1}
    assert {"leader_zeal", "leader_alternate", "cdr", "procurement_share", "report_ratio_province",
            "retained_per_capita_kg", "reported_cadre_kg", "reported_official_kg"} <= set(t.columns)
    a = m.annual_frame().set_index("year")
    np.testing.assert_allclose(t.groupby("year")["true_kg"].sum(), a["harvest_true_kg"])
    np.testing.assert_allclose(t.groupby("year")["reported_province_kg"].sum(), a["harvest_reported_province_kg"])
    assert (a.loc[1958, "harvest_reported_province_kg"] > a.loc[1958, "harvest_reported_official_kg"])
    # hall participation, which the leader's zeal raises: the population-weighted commune shares
    c = m.commune_table()
    weighted = (c["hall_participation"] * c["population"]).groupby([c["year"], c["province"]]).sum()
    people = c.groupby(["year", "province"])["population"].sum()
    np.testing.assert_allclose(t.set_index(["year", "province"])["hall_participation"], weighted / people)


def test_a_zealous_leaders_province_purges_more_of_its_low_reporters():
    purged = {}
    for zeal in (0.0, 1.0):
        m = set_month(_model(criticised_share=0.5, purge_prob_after=0.6), (1959, 10))
        for leader in m.leaders:
            leader.zeal = zeal
        from greatleap import careers
        total = 0
        for _ in range(20):
            total += careers.review_cadres(m, np.ones(m.communes.n), np.ones(m.communes.n))[1]
        purged[zeal] = total
    assert purged[1.0] > 1.5 * purged[0.0]


def test_a_province_purges_at_the_declared_base_plus_its_leaders_zeal():
    """purge_intensity_base (issue 15: a declared uncertainty, no longer a constant)."""
    from greatleap import careers
    purged = {}
    for base in (0.2, 1.0):
        m = set_month(_model(criticised_share=0.5, purge_prob_after=0.6, purge_intensity_base=base), (1959, 10))
        for leader in m.leaders:
            leader.zeal = 0.2
            assert leader.purge_intensity(m.p) == pytest.approx(base + 0.2)
        purged[base] = sum(careers.review_cadres(m, np.ones(m.communes.n), np.ones(m.communes.n))[1]
                           for _ in range(20))
    assert purged[1.0] > 1.5 * purged[0.2]


# ---- what a province is apart from its leader: land, weather, towns (ODD 7.12) -----------------
def _four(**params):
    return small_model(seed=5, **{"n_communes": 16, "communes_per_official": 2, "n_provinces": 4,
                                  "spin_up_months": 0, **params})


def _per_province(m, per_commune):
    return np.bincount(m.commune_province, weights=per_commune) / np.bincount(m.commune_province)


def test_provinces_differ_in_grain_per_head_around_the_nations():
    alike, unlike = _four(province_fertility_sd=0.0), _four(province_fertility_sd=0.3)
    np.testing.assert_array_equal(alike.lands.fertility, 1.0)
    factor = unlike.lands.fertility
    assert factor.max() / factor.min() > 1.2
    np.testing.assert_allclose(np.average(factor[unlike.commune_province]), 1.0)  # the nation's mean kept
    # each commune's normal output per head is its own draw times its province's factor
    per_head = lambda m: m.potential / np.maximum(m.commune_population(), 1)  # noqa: E731
    np.testing.assert_allclose(_per_province(unlike, per_head(unlike) / per_head(alike)), factor, rtol=1e-9)


def test_a_province_shares_part_of_its_weather():
    def spread(m):
        w = production.regional_weather(m, 1959)
        within = np.mean([np.ptp(w[m.commune_province == k]) for k in range(len(m.leaders))])
        return within, np.ptp(_per_province(m, w))

    within, between = spread(_four(weather_province_share=1.0, weather_regional_sd=0.1))
    assert within == 0.0 and between > 0.02  # one weather per province
    within, _ = spread(_four(weather_province_share=0.0, weather_regional_sd=0.1))
    assert within > 0.02  # every county its own weather


def test_provinces_with_more_towns_hold_more_of_the_town_residents():
    m = _four(province_urban_sd=1.0, commune_side=10)
    weight = m.lands.urban_weight
    assert weight.max() / weight.min() > 2
    people = m.towns.people
    town = np.bincount(provinces.province_of_region(m)[people.view("commune")[people.view("alive")]],
                       minlength=len(m.leaders))
    per_villager = town / np.bincount(m.commune_province, weights=m.commune_population())
    assert np.argmax(per_villager) == np.argmax(weight) and np.argmin(per_villager) == np.argmin(weight)
    national = m.towns.population() / (m.towns.population() + m.rural_population())
    assert national == pytest.approx(m.p["urban_share"], abs=0.005)  # the nation's share kept


def test_the_province_table_shows_each_provinces_land_weather_and_towns():
    m = _four(end_year=1958, materialise_peasants=False, province_fertility_sd=0.3, province_urban_sd=1.0).run()
    t = m.province_table()
    first = t[t["year"] == 1957].set_index("province")
    assert np.corrcoef(first["fertility"], m.lands.fertility)[0, 1] > 0.9
    assert np.corrcoef(first["urban_share"], m.lands.urban_weight)[0, 1] > 0.8
    assert t["weather"].between(0.3, 1.5).all() and t.groupby("year")["weather"].nunique().min() > 1
    c = m.commune_table()  # the run ends in December 1958: the model still holds 1958's weather
    np.testing.assert_allclose(c[c["year"] == 1958].sort_values("commune")["weather"], m.weather)


def test_alike_provinces_differ_only_in_their_leaders():
    m = _four(**params_module.scenario("alike_provinces"))
    np.testing.assert_array_equal(m.lands.fertility, 1.0)
    np.testing.assert_array_equal(m.lands.urban_weight, 1.0)
