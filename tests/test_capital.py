"""Capital and land (ODD 7.11): the sown-area plan, seed, draught animals, tools, soil and
water. Each test fails if its mechanism is removed or inverted."""

from __future__ import annotations

import numpy as np
from conftest import set_month, small_model

from greatleap import planning, production


def _believe(model, ratio: float) -> None:
    model.communes.report_last_year = ratio * planning.normal_output(model)
    planning.plan_sown_area(model)


def test_a_believed_bumper_harvest_shrinks_the_planned_area():
    m = small_model()
    _believe(m, 2.0)  # the 1958 claims: twice the truth
    assert (m.capital.planned_area < 0.9).all()
    _believe(m, 1.0)  # honest reports of a normal harvest keep the area
    np.testing.assert_allclose(m.capital.planned_area, 1.0)
    _believe(m, 0.7)  # a believed shortfall cannot add land that is not there
    np.testing.assert_allclose(m.capital.planned_area, 1.0)
    kept = small_model(scenario="sown_area_kept")
    _believe(kept, 2.0)
    np.testing.assert_allclose(kept.capital.planned_area, 1.0)


def test_the_plan_cuts_the_area_sown():
    areas = {}
    for ratio in (1.0, 2.0):
        m = small_model()
        m.communes.seed[:] = 1e9  # seed is not what limits the area here
        _believe(m, ratio)
        set_month(m, (1959, 10))
        production.sow(m, m.crops[0], np.ones(m.communes.n))
        areas[ratio] = m.crops[0].area.copy()
    assert (areas[2.0] < 0.9 * areas[1.0]).all()
