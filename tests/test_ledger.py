"""Accounting identities: the grain ledger balances every month and no stock goes negative;
births minus deaths is the change in population."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_model

from greatleap.ledger import GrainLedger, LedgerError
from greatleap.params import SCENARIOS
from greatleap.reporters import AGE_GROUP_NAMES


# every grain flow at full tilt: free eating, searches (a high retention floor leaves quotas unpaid),
# gifts, resales, aid, flight, recruitment
EXTREME = {"free_eating": 3.0, "search_seizure": 1.0, "search_violence": 0.05, "concealment": 0.3,
           "kin_transfers": 1.0, "resale_share": 1.0, "resale_delay": 0, "accept_aid": True,
           "flight_propensity": 0.5, "registration_enforcement": 0.0, "industrial_recruitment": 0.15,
           "hall_waste": 0.5, "green_crop_loss": 5.0, "retention_floor": 400.0, "quota_progressivity": 2.0,
           "procurement_share": 0.8, "retreat_rule": "calendar"}


def _arrays(m):
    return {"household stores": m.households.stock, "hidden grain": m.households.hidden,
            "granaries": m.communes.granary, "seed": m.communes.seed,
            "central stock": np.array([m.state.stock])}


def _run_checking_every_month(m):
    """Step to the end; after each month, every stock is non-negative and the ledger balances."""
    while m.running:
        m.step()  # raises LedgerError itself if the balance is off
        for name, values in _arrays(m).items():
            assert (values >= -1e-6).all(), f"negative {name} in {m.date_label()}"
        grain = sum(GrainLedger.stocks(m).values())
        assert abs(m.ledger.error) <= 1e-6 * max(grain, 1.0) + 1e-3, m.date_label()
    return m.monthly_frame()


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_grain_ledger_balances_every_month_and_no_stock_goes_negative(scenario):
    frame = _run_checking_every_month(small_model(seed=7, scenario=scenario))
    assert len(frame) == 72
    assert frame["ledger_error_kg"].abs().max() < 1.0
    for column in ("commune_stock_kg", "household_stock_kg", "hidden_grain_kg", "central_stock_kg"):
        assert (frame[column] >= -1e-6).all(), column


def test_the_ledger_balances_with_every_grain_flow_at_full_tilt():
    frame = _run_checking_every_month(small_model(seed=1, **EXTREME))  # a seed in which every flow happens
    assert frame["ledger_error_kg"].abs().max() < 1.0
    for flow in ("procurement_kg", "exports_kg", "imports_kg", "resales_kg", "kin_transfers_kg",
                 "hall_eaten_kg", "grain_seized_kg"):
        assert frame[flow].sum() > 0, f"{flow} never happened: the test does not exercise it"


def test_the_ledger_catches_grain_appearing_from_nowhere():
    m = small_model(seed=1)
    m.ledger.open_month(m)
    m.households.stock[0] += 1e6
    with pytest.raises(LedgerError):
        m.ledger.check(m)


def test_the_ledger_catches_a_negative_stock():
    m = small_model(seed=1)
    m.ledger.open_month(m)
    moved = m.households.stock[0] + 1.0
    m.households.stock[0] -= moved  # one kilogram below nothing
    m.households.stock[1] += moved  # the total still balances
    with pytest.raises(LedgerError):
        m.ledger.check(m)


def test_moving_grain_between_stocks_keeps_the_ledger_balanced():
    m = small_model(seed=1)
    m.ledger.open_month(m)
    moved = 0.5 * m.households.stock.sum()
    m.households.stock *= 0.5
    m.state.stock += moved  # procurement: a move, not a flow
    assert abs(m.ledger.check(m)) < 1e-6 * moved


def _population_identity(frame, start_population):
    population = np.concatenate([[start_population], frame["population"].to_numpy()])
    return np.diff(population) - (frame["births"] - frame["deaths"]).to_numpy()


@pytest.mark.parametrize("scenario, params", [
    ("baseline", {}), ("no_exports_accept_aid", {}), ("weather_only", {}),
    ("baseline", EXTREME),  # people flee, are recruited to the towns, sent back down, beaten to death
])
def test_births_minus_deaths_is_the_change_in_population(scenario, params):
    m = small_model(seed=3, scenario=scenario, **params)
    start = m.population()
    frame = m.run().monthly_frame()
    gap = _population_identity(frame, start)
    np.testing.assert_allclose(gap, 0.0, atol=1e-6 * start)
    assert frame["deaths"].sum() > 0 and frame["births"].sum() > 0
    if params:
        assert frame["fled"].sum() > 0 and frame["deaths_violence"].sum() > 0


def test_deaths_add_up_by_cause_place_and_age():
    frame = small_model(seed=3, **EXTREME).run().monthly_frame()
    by_cause = frame["deaths_starvation"] + frame["deaths_violence"] + frame["deaths_baseline"]
    np.testing.assert_allclose(frame["deaths_rural"], by_cause)
    np.testing.assert_allclose(frame["deaths"], frame["deaths_rural"] + frame["deaths_urban"])
    by_age = frame[[f"deaths_age_{name}" for name in AGE_GROUP_NAMES]].sum(axis=1)
    np.testing.assert_allclose(by_age, frame["deaths"])  # villages and towns, every age
    np.testing.assert_allclose(frame["deaths_male"] + frame["deaths_female"], frame["deaths"])
    assert frame["deaths_violence"].sum() > 0 and frame["deaths_starvation"].sum() > 0
    assert frame["deaths_urban"].sum() > 0 and frame["deaths_age_80_plus"].sum() > 0


def test_the_rural_population_is_the_number_of_living_villagers():
    m = small_model(seed=2, flight_propensity=0.3, registration_enforcement=0.0)
    while m.running:
        m.step()
        assert m.recorder.stats["rural_population"] == int(m.people.view("alive").sum())


def test_the_age_table_adds_up_to_the_national_series():
    m = small_model(seed=3, **EXTREME).run()
    ages = m.age_table().groupby(["year", "place"]).sum(numeric_only=True)
    annual = m.annual_frame().set_index("year")
    np.testing.assert_allclose(ages.xs("rural", level="place")["deaths"], annual["deaths_rural"])
    np.testing.assert_allclose(ages.xs("urban", level="place")["deaths"], annual["deaths_urban"])
    np.testing.assert_allclose(ages.xs("rural", level="place")["births"], annual["births_rural"])
    np.testing.assert_allclose(ages.xs("urban", level="place")["births"], annual["births_urban"])
    # the table's population is the living at each month's body phase, the series' the living at
    # its end: they differ by the month's deaths, births and moves (many here: people flee, town
    # residents are sent down, and in 1959 about half the villagers die: 16% apart that year)
    np.testing.assert_allclose(ages.xs("rural", level="place")["population"], annual["rural_population"], rtol=0.2)


def test_the_per_commune_and_per_official_tables_add_up_to_the_national_series():
    m = small_model(seed=3, n_communes=8, **EXTREME).run()
    annual = m.annual_frame().set_index("year")
    communes = m.commune_table().groupby("year").sum(numeric_only=True)
    assert len(m.commune_table()) == 8 * len(annual)
    for commune_column, national_column in (
            ("deaths", "deaths_rural"), ("true_kg", "harvest_true_kg"),
            ("reported_cadre_kg", "harvest_reported_cadre_kg"),
            ("reported_official_kg", "harvest_reported_official_kg"), ("quota_kg", "quota_kg"),
            ("procured_kg", "procurement_kg")):
        np.testing.assert_allclose(communes[commune_column], annual[national_column], rtol=1e-9, atol=1e-6,
                                   err_msg=commune_column)
    officials = m.official_table().groupby("year").sum(numeric_only=True)
    for column in ("deaths", "true_kg", "reported_official_kg", "procured_kg"):
        np.testing.assert_allclose(officials[column], communes[column], rtol=1e-9, atol=1e-6, err_msg=column)


_FIXED = {"n_communes", "commune_side", "start_year", "end_year", "materialise_peasants"}


def _any_value(p):
    from hypothesis import strategies as st

    if p.type is bool:
        return st.booleans()
    if p.choices:
        return st.sampled_from(p.choices)
    if p.type is int:
        return st.integers(p.low, p.high)
    return st.one_of(st.sampled_from([p.low, p.high]), st.floats(p.low, p.high, allow_nan=False))


def test_any_valid_parameters_keep_the_books_balanced_and_the_population_accounted_for():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from greatleap.params import PARAMS

    free = {name: _any_value(p) for name, p in PARAMS.items() if name not in _FIXED}

    @settings(max_examples=15, deadline=None, derandomize=True)
    @given(st.fixed_dictionaries({}, optional=free), st.integers(0, 2**32 - 1))
    def check(params, seed):
        m = small_model(seed=seed, commune_side=4, end_year=1961, **params)
        start = m.population()
        frame = _run_checking_every_month(m)  # LedgerError or a negative stock fails here
        np.testing.assert_allclose(_population_identity(frame, start), 0.0, atol=1e-6 * start)

    check()
