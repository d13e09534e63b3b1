"""The per-county table (``tables.official_table``, the run's ``officials`` files): one row a year
per county (its official), adding up to the villages' national series and to the province table."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_model

from greatleap.tables import COUNTY_COLUMNS

# A famine in a small world of 4 counties in 2 provinces (retreat by the calendar: deaths in every year).
PARAMS = {"n_communes": 8, "communes_per_official": 2, "n_provinces": 2, "free_eating": 3.0, "procurement_share": 0.8,
          "quota_progressivity": 2.0, "retreat_rule": "calendar", "end_year": 1960}


@pytest.fixture(scope="module")
def run():
    m = small_model(seed=3, **PARAMS).run()
    return m, m.official_table(), m.annual_frame().set_index("year")


def test_one_row_a_year_per_county_with_the_declared_columns(run):
    m, t, annual = run
    assert list(t.columns) == list(COUNTY_COLUMNS)
    assert len(t) == len(m.officials) * len(annual)
    assert sorted(t["official"].unique()) == list(range(len(m.officials)))
    for o in m.officials:
        rows = t[t["official"] == o.group]
        assert set(rows["province"]) == {m.commune_province[o.communes[0]]}
        assert set(rows["official_career_stake"]) == {o.career_stake}
        assert set(rows["communes"]) == {len(o.communes)}


def test_the_counties_add_up_to_the_national_series(run):
    m, t, annual = run
    counties = t.groupby("year").sum(numeric_only=True)
    assert annual["deaths_starvation"].sum() > 0  # a famine, so that the deaths below mean something
    for county, national in (("deaths", "deaths_rural"), ("starvation_deaths", "deaths_starvation"),
                             ("births", "births_rural"), ("true_kg", "harvest_true_kg"),
                             ("reported_cadre_kg", "harvest_reported_cadre_kg"),
                             ("reported_official_kg", "harvest_reported_official_kg"),
                             ("reported_province_kg", "harvest_reported_province_kg"),
                             ("quota_kg", "quota_kg"), ("procured_kg", "procurement_kg")):
        np.testing.assert_allclose(counties[county], annual[national], rtol=1e-9, atol=1e-6, err_msg=county)
    # the grain moved in and out: emergency levies for the towns, and resales
    monthly = m.monthly_frame().groupby("year")[["squeeze_kg", "resales_kg"]].sum()
    assert monthly["squeeze_kg"].sum() > 0 and monthly["resales_kg"].sum() > 0
    np.testing.assert_allclose(counties["levied_kg"], monthly["squeeze_kg"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(counties["resold_kg"], monthly["resales_kg"], rtol=1e-9, atol=1e-6)
    # the nation's deaths are the counties' and the towns'
    np.testing.assert_allclose(counties["deaths"] + annual["deaths_urban"], annual["deaths"], rtol=1e-9)
    december = m.monthly_frame().groupby("year")["rural_population"].last()
    np.testing.assert_array_equal(counties["population_end"], december)
    # the mean population is person-months at the food phase, the series' mean the living at each
    # month's end: near each other, though this famine kills about half the villagers in 1959 (11% apart)
    np.testing.assert_allclose(counties["population"], annual["rural_population"], rtol=0.2)


def test_each_county_is_the_sum_of_its_communes_and_the_provinces_of_their_counties(run):
    m, t, annual = run
    communes = m.commune_table().groupby(["year", "official"])[["deaths", "population", "procured_kg"]].sum()
    mine = t.set_index(["year", "official"])
    for column in ("deaths", "population", "procured_kg"):
        np.testing.assert_allclose(mine[column], communes[column], err_msg=column)
    provinces = m.province_table().set_index(["year", "province"])
    by_province = t.groupby(["year", "province"])[["deaths", "population", "true_kg", "procured_kg", "levied_kg",
                                                   "resold_kg", "net_outflow_kg"]].sum()
    for column in by_province:
        np.testing.assert_allclose(by_province[column], provinces.loc[by_province.index, column], err_msg=column)


def test_the_derived_columns_are_the_ratios_they_name(run):
    m, t, annual = run
    np.testing.assert_allclose(t["cdr"], t["deaths"] * 1000 / t["population"])
    np.testing.assert_allclose(t["procurement_share"], t["procured_kg"] / t["true_kg"])
    np.testing.assert_allclose(t["net_outflow_kg"], t["procured_kg"] - t["resold_kg"])
    np.testing.assert_allclose(t["report_ratio"], t["reported_official_kg"] / t["true_kg"])
    first = t[t["year"] == 1957].set_index("official")["cdr"]
    assert np.allclose(t.loc[t["year"] == 1957, "excess_deaths"], 0.0)
    np.testing.assert_allclose(t["excess_deaths"], t["deaths"] - t["official"].map(first) / 1000 * t["population"])
    assert t.loc[t["year"] == 1960, "excess_deaths"].sum() > 0
    assert t["hall_participation"].between(0, 1).all()
    assert (t.loc[t["year"] == 1958, "official_markup_ratio"] >= 1.0).all()
