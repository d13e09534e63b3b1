"""The state (ODD 7.9): exports out of central stocks, the retreat trigger, imports after the
retreat, resales to deficit communes, towns, usable steel."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model, step_through

from greatleap.calendar import month_index


def test_exports_leave_the_central_stock():
    m = set_month(small_model(exports=True), (1959, 3))
    before = m.state.stock
    exports, imports = m.state.trade(m)
    assert exports > 0 and imports == 0
    assert m.state.stock == pytest.approx(before - exports)
    off = set_month(small_model(exports=False), (1959, 3))
    before = off.state.stock
    assert off.state.trade(off) == (0.0, 0.0) and off.state.stock == before


def test_exports_stop_when_the_centre_retreats():
    m = set_month(small_model(exports=True), (1959, 3))
    m.state.retreated, m.state.retreat_t = True, m.t
    assert m.state.trade(m)[0] == 0.0


def test_exports_appear_in_a_run_and_vanish_without_them():
    on = small_model(seed=1, end_year=1958, retreat_rule="never").run().monthly_frame()
    off = small_model(seed=1, end_year=1958, retreat_rule="never", exports=False).run().monthly_frame()
    assert (on.loc[on["year"] == 1957, "exports_kg"] > 0).all()
    assert (off["exports_kg"] == 0).all()
    # exports are obligations: without them the centre procures less (centre.obligations); read in
    # 1957, before the Leap's feedbacks (claims, deaths, the sown-area plan) part the two runs
    before = on["year"] == 1957
    assert off.loc[before, "procurement_kg"].sum() < on.loc[before, "procurement_kg"].sum()


def _low_stocks(m, months_of_demand):
    m.state.stock = months_of_demand * m.state.base_demand(m)


def _after_a_normal_year(**params):
    """A model that has lived through 1957 (the centre knows its normal stocks), exports off so that
    nothing else drains them."""
    # deaths weigh little (famine_recognition at the top of its prior): these tests are about stocks,
    # and the fitted threshold lets a normal year's hungry season alone trigger a retreat
    return step_through(small_model(seed=1, exports=False, **{"famine_recognition": 30.0, **params}), (1957, 12))


def test_the_centre_retreats_when_its_stocks_fall_below_the_threshold():
    m = _after_a_normal_year(retreat_rule="endogenous", retreat_threshold=0.5)
    set_month(m, (1959, 5))
    _low_stocks(m, 50.0)  # plenty
    m.state.check_retreat(m)
    assert not m.state.retreated
    _low_stocks(m, 0.0)  # empty granaries
    m.state.check_retreat(m)
    assert m.state.retreated and m.state.retreat_t == m.t


def test_a_lower_threshold_tolerates_lower_stocks():
    m = _after_a_normal_year(retreat_rule="endogenous", retreat_threshold=0.0)
    set_month(m, (1959, 5))
    _low_stocks(m, 0.0)
    m.state.check_retreat(m)
    assert not m.state.retreated


def test_no_retreat_under_the_never_rule():
    never = _after_a_normal_year(retreat_rule="never")
    set_month(never, (1960, 5))
    _low_stocks(never, 0.0)
    never.state.check_retreat(never)
    assert not never.state.retreated


def test_the_calendar_rule_retreats_on_the_historical_date():
    m = small_model(retreat_rule="calendar")
    cal = m.calendar.retreat
    before = cal[0] * 12 + cal[1] - 2
    set_month(m, (before // 12, before % 12 + 1))
    m.state.check_retreat(m)
    assert not m.state.retreated
    set_month(m, cal)
    m.state.check_retreat(m)
    assert m.state.retreated


def test_imports_start_after_the_retreat():
    m = set_month(small_model(retreat_rule="endogenous", accept_aid=False), (1960, 11))
    assert not m.state.imports_on(m)
    m.state.retreated, m.state.retreat_t = True, m.t
    assert not m.state.imports_on(m)  # the first shiploads take time
    set_month(m, (1961, 2))
    assert m.state.imports_on(m)
    before = m.state.stock
    exports, imports = m.state.trade(m)
    assert imports > 0 and m.state.stock == pytest.approx(before + imports - exports)


def test_no_imports_in_a_year_the_calendar_does_not_list():
    m = set_month(small_model(retreat_rule="endogenous", accept_aid=False), (1959, 5))
    m.state.retreated, m.state.retreat_t = True, m.t - 6
    assert m.state.imports_on(m) and m.state.trade(m)[1] == 0.0
    m = set_month(small_model(accept_aid=True), (1960, 2))
    assert m.state.trade(m)[1] > 0  # aid accepted: the aid table lists 1960


def test_in_a_run_imports_arrive_only_after_the_retreat():
    frame = small_model(seed=1, retreat_rule="calendar").run().monthly_frame().set_index("date")
    assert (frame.loc[:"1960-10", "imports_kg"] == 0).all()
    assert (frame.loc["1961-01":, "imports_kg"] > 0).all()
    assert (frame.loc["1960-11":, "retreat"] == 1).all() and (frame.loc[:"1960-10", "retreat"] == 0).all()


def test_accepting_aid_brings_imports_from_late_1959_without_a_retreat():
    m = set_month(small_model(accept_aid=True, retreat_rule="never"), (1959, 11))
    assert m.state.imports_on(m)
    refuse = set_month(small_model(accept_aid=False, retreat_rule="never"), (1959, 11))
    assert not refuse.state.imports_on(refuse)


def _resales(share, delay=3):
    m = set_month(small_model(resale_share=share, resale_delay=delay), (1959, 4))
    m.state.pending_resales = []  # the spin-up year's own applications (a hungry commune's) are not this test's
    need = np.full(m.communes.n, 10_000.0)
    food = need.copy()
    food[0] = 0.0  # one commune has nothing left
    m.state.stock = 1e9
    m.state.request_resales(m, food, need, np.ones(m.communes.n))
    early = m.state.deliver_resales(m)
    set_month(m, (1959, 4 + delay))
    before = m.state.stock
    delivered = m.state.deliver_resales(m)
    assert m.state.stock == pytest.approx(before - delivered.sum())
    return early, delivered


def test_resales_reach_deficit_communes_late_and_only_in_part():
    early, delivered = _resales(0.5)
    assert early.sum() == 0  # not yet
    assert 0 < delivered[0] <= 0.5 * 10_000.0
    assert (delivered[1:] == 0).all()  # communes with food enough get nothing
    assert _resales(1.0)[1][0] == pytest.approx(2 * delivered[0])
    assert _resales(0.0)[1].sum() == 0


def test_an_inflated_report_hides_a_communes_need_from_the_state():
    m = set_month(small_model(resale_share=1.0, resale_delay=0), (1959, 4))
    m.state.stock = 1e9
    need, food = np.full(m.communes.n, 10_000.0), np.zeros(m.communes.n)
    ratio = np.ones(m.communes.n)
    ratio[1] = 2.0
    m.state.request_resales(m, food, need, ratio)
    delivered = m.state.deliver_resales(m)
    assert delivered[1] == pytest.approx(0.5 * delivered[0])


def test_without_urban_priority_resales_never_draw_central_stocks_below_a_month_of_urban_demand():
    m = set_month(small_model(resale_share=1.0, resale_delay=0, urban_priority=False), (1959, 4))
    m.state.stock = 1.5 * m.state.base_demand(m)
    m.state.request_resales(m, np.zeros(m.communes.n), np.full(m.communes.n, 1e9), np.ones(m.communes.n))
    m.state.deliver_resales(m)
    assert m.state.stock == pytest.approx(m.state.base_demand(m))


def test_town_rations_are_cut_when_central_stocks_run_low():
    m = small_model()
    m.state.stock = 12 * m.state.base_demand(m)
    full = m.state.ration_factor(m)
    m.state.stock = 0.2 * m.state.base_demand(m)
    assert m.state.ration_factor(m) < full == 1.0
    eaten, fill = m.state.feed_towns(m)
    assert m.state.stock >= 0 and fill < 1.0


def test_industrial_recruitment_moves_villagers_to_the_towns():
    m = small_model(seed=1, industrial_recruitment=0.1, end_year=1958).run()
    frame = m.monthly_frame().set_index("date")
    assert frame.loc["1958-12", "urban_population"] > 1.05 * frame.loc["1958-02", "urban_population"]
    none = small_model(seed=1, industrial_recruitment=0.0, end_year=1958).run().monthly_frame().set_index("date")
    assert none.loc["1958-12", "urban_population"] < frame.loc["1958-12", "urban_population"]


def test_only_the_usable_share_of_backyard_steel_counts():
    frame = small_model(seed=1, end_year=1958, steel_usable=0.25, retreat_rule="calendar").run().monthly_frame()
    steel = frame["steel_kg"]
    assert steel.sum() > 0
    np.testing.assert_allclose(frame["steel_usable_kg"], 0.25 * steel)


def test_central_stocks_start_at_the_given_months_of_urban_demand():
    m = small_model(central_stock_months=5.0, spin_up_months=0)  # as drawn, before the normal months run
    assert m.state.stock == pytest.approx(5.0 * m.state.base_demand(m))
    assert month_index(m.start) == month_index((1957, 1))


@pytest.mark.parametrize("share", [0.1, 0.3])
def test_the_towns_start_with_the_urban_share_of_everyone(share):
    m = small_model(seed=1, urban_share=share, spin_up_months=0)  # as drawn
    assert m.state.urban / m.population() == pytest.approx(share, abs=1.0 / m.population())


# ---- the towns first (ODD 7.9) ----------------------------------------------------------------
def _short_centre(priority: bool):
    """Stocks at 90% of the towns' needs until the next harvest, a large village resale falling due."""
    m = set_month(small_model(urban_priority=priority, resale_share=1.0, resale_delay=0), (1960, 3))
    m.state.stock = 0.9 * m.state.towns_reserve(m)
    m.state.request_resales(m, np.zeros(m.communes.n), np.full(m.communes.n, 1e9), np.ones(m.communes.n))
    return m


def test_the_towns_ration_is_met_before_any_village_resale():
    m = _short_centre(priority=True)
    before = m.state.stock
    assert m.state.deliver_resales(m).sum() == 0.0  # nothing above the towns' needs: no resale
    assert m.state.stock == before
    eaten, fill = m.state.feed_towns(m)
    assert eaten > 0
    without = _short_centre(priority=False)
    assert without.state.deliver_resales(without).sum() > 0  # the villages first
    _, fill_without = without.state.feed_towns(without)
    assert fill_without < fill


def test_in_a_month_without_urban_priority_resales_go_out_before_the_towns_eat():
    fills = {}
    for priority in (True, False):
        m = _short_centre(priority)
        m._towns_and_trade(None)
        fills[priority] = m.recorder.stats["resales_kg"]
    assert fills[True] == 0.0 < fills[False]


def test_the_centre_squeezes_the_villages_when_it_cannot_cover_the_towns():
    m = set_month(small_model(emergency_squeeze=0.5), (1960, 3))
    m.communes.report_last_year = m.potential.copy()
    m.state.stock = 0.0
    m.communes.quota[:] = 0.0
    levied = m.state.squeeze(m)
    assert levied == pytest.approx(0.5 * m.state.towns_reserve(m))
    np.testing.assert_allclose(m.communes.quota / m.communes.quota.sum(), m.potential / m.potential.sum())
    assert (m.communes.owed_since == m.t).all()
    full = set_month(small_model(), (1960, 3))
    full.state.stock = 2 * full.state.towns_reserve(full)
    assert full.state.squeeze(full) == 0.0  # stocks cover the towns
    for after in (True, False):  # the retreat cuts the plan, not the towns' guarantee
        retreated = set_month(small_model(squeeze_after_retreat=after), (1960, 3))
        retreated.communes.report_last_year = retreated.potential.copy()
        retreated.state.stock, retreated.state.retreated = 0.0, True
        retreated.communes.quota[:] = 0.0
        levied = retreated.state.squeeze(retreated)
        assert levied == (pytest.approx(retreated.state.towns_reserve(retreated)) if after else 0.0)
    off = set_month(small_model(emergency_squeeze=0.0), (1960, 3))
    off.state.stock = 0.0
    assert off.state.squeeze(off) == 0.0


def test_after_the_retreat_a_centre_that_cannot_feed_the_towns_sends_residents_down():
    m = set_month(small_model(send_down_rate=0.05), (1961, 3))
    m.state.stock = 0.0
    assert m.state.send_down(m) == 0  # before the retreat it does not admit it
    m.state.retreated = True
    n = m.state.send_down(m)
    assert n == round(0.05 * m.state.urban) and n > 0
    m.state.stock = 2 * m.state.towns_reserve(m)
    assert m.state.send_down(m) == 0
    urban_before = m.state.urban
    bodies = m.towns.send_down(n)
    assert len(bodies["age"]) == n and m.state.urban == urban_before - n  # urban-born go when no recruits are left


def test_without_interprovincial_transfers_a_province_without_towns_is_not_levied():
    levies = {}
    for transfers in (True, False):
        m = set_month(small_model(n_communes=8, communes_per_official=2, n_provinces=2,
                                  interprovincial_transfers=transfers), (1960, 3))
        people, province = m.towns.people, m.commune_province
        province_of_region = np.array([province[o.communes[0]] for o in m.officials])
        in_second = province_of_region[people.view("commune")] == 1
        people.alive[: people.n][in_second] = False  # the second province has no towns
        m.towns._recount()
        m.communes.report_last_year = m.potential.copy()
        m.state.stock, m.communes.quota[:] = 0.0, 0.0
        m.state.squeeze(m)
        levies[transfers] = m.communes.quota[province == 1].sum()
    assert levies[True] > 0 and levies[False] == 0.0


def test_the_urban_ration_is_cut_sooner_and_deeper_with_its_declared_trigger_and_cap():
    """ration_full_months and ration_max_cut (issue 15: declared uncertainties, no longer constants)."""
    factor = {}
    for full, cut in ((3.0, 0.3), (6.0, 0.3), (3.0, 0.5)):
        m = small_model(ration_full_months=full, ration_max_cut=cut)
        m.state.stock = 2.0 * m.state.base_demand(m)  # two months of the towns' demand
        factor[full, cut] = m.state.ration_factor(m)
        m.state.stock = 0.0
        assert m.state.ration_factor(m) == pytest.approx(1.0 - cut)
    assert factor[6.0, 0.3] < factor[3.0, 0.3] < 1.0  # a higher trigger cuts at the same stocks
    assert factor[3.0, 0.5] < factor[3.0, 0.3]  # a deeper cap cuts more


def test_a_commune_applies_for_resales_below_the_declared_share_of_its_need():
    """resale_application_fill (issue 15: a declared uncertainty, no longer a constant)."""
    applied = {}
    for fill in (0.5, 0.9):
        m = set_month(small_model(resale_application_fill=fill), (1959, 4))
        m.state.pending_resales = []
        need = np.full(m.communes.n, 10_000.0)
        m.state.request_resales(m, 0.7 * need, need, np.ones(m.communes.n))  # 70% of need in store
        applied[fill] = len(m.state.pending_resales)
    assert applied[0.5] == 0 < applied[0.9]
