"""Deaths registered by people (ODD 7.8): cadres conceal famine deaths under purge risk and register
them once the pressure lifts; the centre sees what is registered."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_month, small_model

from greatleap import centre


def _after_lushan(**params):
    """A model as drawn (no spin-up: an empty register) with its clock after Lushan."""
    return set_month(small_model(seed=1, death_registration=0.5, spin_up_months=0, **params), (1959, 10))


def test_under_purge_risk_cadres_conceal_famine_deaths_and_the_risk_averse_more():
    m = _after_lushan(death_concealment=1.0)
    hide = m.register.concealment()
    assert (hide > 0).all() and m.purge_risk() > 0
    aversion = np.array([c.risk_aversion for c in m.cadres])
    assert np.corrcoef(hide, aversion)[0, 1] > 0.99
    deaths = np.full(m.communes.n, 10.0)
    m.register.register_village(deaths, starvation=True)
    assert m.register.month < 0.5 * deaths.sum()
    assert m.register.backlog.sum() == pytest.approx(0.5 * deaths.sum() - m.register.month)
    honest = _after_lushan(death_concealment=0.0)
    honest.register.register_village(deaths, starvation=True)
    assert honest.register.month == pytest.approx(0.5 * deaths.sum()) and honest.register.backlog.sum() == 0


def test_concealed_deaths_are_registered_once_the_pressure_lifts():
    m = _after_lushan(death_concealment=1.0, death_backlog_release=0.25)
    m.register.register_village(np.full(m.communes.n, 10.0), starvation=True)
    backlog = m.register.backlog.sum()
    m.register.open_month()
    m.register.release_backlog()
    assert m.register.month == 0.0  # the purge is on: nothing comes out
    m.state.retreated = True  # the retreat ends the purges
    m.register.release_backlog()
    assert m.register.month == pytest.approx(0.25 * backlog)
    assert m.register.backlog.sum() == pytest.approx(0.75 * backlog)


def test_the_centre_sees_only_registered_deaths():
    def signal(concealment):
        m = _after_lushan(death_concealment=concealment, famine_recognition=2.0)
        m.register.register_village(np.full(m.communes.n, 0.01 * m.rural_population() / m.communes.n),
                                    starvation=True)
        return centre.death_signal(m)
    assert signal(0.0) == pytest.approx(10.0 / 2.0)  # 10 per 1000, seen in full at the normal share
    assert signal(1.0) < 0.9 * signal(0.0)


def test_in_a_run_concealment_lowers_the_registered_famine_and_registers_it_later():
    def run(concealment):  # the historical retreat date, so that the purge is on for months whenever
        return small_model(seed=2, n_communes=9, commune_side=8, materialise_peasants=False,  # the model's
                           retreat_rule="calendar", death_concealment=concealment).run()  # centre would retreat
    hidden, open_ = run(1.0), run(0.0)
    frame = hidden.monthly_frame().set_index("date")
    purge = frame.loc["1959-09":"1960-06"]
    purge = purge[purge["retreat"] == 0]  # after Lushan, before the retreat: the purge is on
    assert len(purge) > 0
    assert purge["deaths_registered"].sum() < 0.9 * 0.5 * purge["deaths"].sum()
    assert frame["deaths_concealed"].max() > 0
    assert frame["deaths_concealed"].iloc[-1] < 0.5 * frame["deaths_concealed"].max()  # registered later
    assert (open_.monthly_frame()["deaths_concealed"] == 0).all()
