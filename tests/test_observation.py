"""Observation only observes (ODD 4): recording everything or nothing leaves a run identical.

The recorder (``reporters.Recorder``) reads the model; no rule reads what it writes. So the same
seed, run once recording every outcome and once recording none, must pass through exactly the
same model state every month: every person, household, commune, agent, the state, the crops,
the pregnancies and the random generators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from greatleap.model import FamineModel

SMALL = {"n_communes": 8, "commune_side": 6, "communes_per_official": 4}


def _plain(value, seen):
    """A comparable copy of a piece of model state: arrays, numbers, containers and the
    attributes of plain objects, following references into the model's own objects once."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.random.Generator):
        return ("generator", repr(value.bit_generator.state))
    if isinstance(value, (bool, int, float, str, type(None), np.generic)):
        return value
    if isinstance(value, (list, tuple)) or type(value).__name__ == "deque":
        return tuple(_plain(v, seen) for v in value)
    if isinstance(value, dict):
        return tuple((k, _plain(v, seen)) for k, v in value.items())
    if id(value) in seen:
        return ("seen", type(value).__name__)
    seen.add(id(value))
    attrs = getattr(value, "__dict__", None)
    if attrs is None:
        return ("opaque", type(value).__name__)
    return (type(value).__name__, tuple((k, _plain(v, seen)) for k, v in sorted(attrs.items())
                                        if not k.startswith("_") and k != "model"))


def model_state(m: FamineModel) -> tuple:
    """Everything a rule can read: the model's own state, not its observation."""
    seen: set[int] = set()
    fields = ("age", "female", "bmi", "height", "hunger", "household", "commune", "labour", "kcal", "alive",
              "gestation", "postpartum", "registration")
    people = {name: m.people.view(name).copy() for name in fields}
    town_people = {name: m.towns.people.view(name).copy() for name in fields}
    parts = {
        "clock": (m.t, m.ym, m.halls_were_open, m.running),
        "people": people,
        "town_people": town_people,
        "town_households": (m.towns.households, m.towns.counts),
        "households": m.households, "communes": m.communes, "state": m.state,
        "crops": m.crops, "weather": m.weather,
        "village": m.village.recent_starvation_deaths,
        "cadres": m.cadres, "officials": m.officials,
        "rng": m.rng, "random": m.random.getstate(),
        "ledger": m.ledger.flows,
    }
    return _plain(parts, seen)


@pytest.mark.parametrize("scenario", ["baseline", "no_lushan_purge"])
def test_recording_nothing_leaves_every_month_of_the_run_identical(scenario):
    full = FamineModel(rng=5, scenario=scenario, materialise_peasants=False, **SMALL)
    bare = FamineModel(rng=5, scenario=scenario, materialise_peasants=False, recording="none", **SMALL)
    assert model_state(full) == model_state(bare)
    while full.running:
        full.step()
        bare.step()
        assert model_state(full) == model_state(bare), f"runs part in {full.date_label()}"
    # the comparison is not vacuous: one run recorded its deaths, the other nothing at all
    assert full.summary()["total_deaths"] > 0 and full.recorder.year_rows
    assert bare.monthly_frame().empty and not bare.recorder.year_rows


@pytest.mark.parametrize("scenario", ["baseline", "honest_reporting"])
def test_the_series_level_gives_a_calibration_the_same_four_series_and_records_nothing_else(scenario):
    """What a calibration reads of a run (``calibration.abc.simulate_series``): the four tuning
    series of a run recorded at level "series" are those of the full recording to the last bit,
    the run itself is the same, and none of the tables a full recording keeps is filled."""
    from greatleap.history import model_series
    from greatleap.tables import series_frame

    full = FamineModel(rng=3, scenario=scenario, materialise_peasants=False, **SMALL).run()
    light = FamineModel(rng=3, scenario=scenario, materialise_peasants=False, recording="series", **SMALL).run()
    assert model_state(full) == model_state(light)
    want = model_series(full.annual_frame())
    assert want.notna().all().all() and want["cdr_registered"].gt(0).all() and want["procurement_share"].gt(0).all()
    pd.testing.assert_frame_equal(model_series(series_frame(light)), want, check_exact=True)
    assert light.monthly_frame().empty and not light.recorder.year_rows and not light.recorder.age_rows


def test_the_state_snapshot_sees_a_change_a_recorder_could_make():
    """The guard above can fail: a recorder that wrote into state a rule reads would be caught."""
    a = FamineModel(rng=5, materialise_peasants=False, **SMALL)
    b = FamineModel(rng=5, materialise_peasants=False, **SMALL)
    for m in (a, b):
        m.step()
    b.communes.report_last_year[0] += 1.0  # what the old recorder did at each autumn harvest
    assert model_state(a) != model_state(b)
    b = FamineModel(rng=5, materialise_peasants=False, **SMALL)
    b.step()
    b.village.recent_starvation_deaths[0, 0] += 1  # ... and with every starvation death
    assert model_state(a) != model_state(b)
    b = FamineModel(rng=5, materialise_peasants=False, **SMALL)
    b.step()
    b.towns.people.gestation[0] += 1  # a town body's state is seen too
    assert model_state(a) != model_state(b)


def test_an_unknown_recording_level_is_refused():
    with pytest.raises(ValueError, match="recording level"):
        FamineModel(rng=1, recording="some", materialise_peasants=False, **SMALL)


def test_the_recorders_monthly_row_is_what_mesas_collect_appends():
    """The recorder appends each month's row to the data collector's ``model_vars`` itself, without
    ``DataCollector.collect``'s deep copies (reporters.Recorder._collect_row). This pins that
    shortcut to Mesa: a month's row must equal the one ``collect`` appends from the same state, in
    the same columns."""
    m = FamineModel(rng=2, materialise_peasants=False, **SMALL)
    for _ in range(14):
        m.step()
    columns = m.datacollector.model_vars
    ours = {name: values[-1] for name, values in columns.items()}
    lengths = {name: len(values) for name, values in columns.items()}
    m.datacollector.collect(m)
    assert {name: len(values) for name, values in columns.items()} == {k: n + 1 for k, n in lengths.items()}
    theirs = {name: values[-1] for name, values in columns.items()}
    assert ours.keys() == theirs.keys() and len(ours) > 100
    differ = [k for k in ours if not (ours[k] == theirs[k] or (ours[k] != ours[k] and theirs[k] != theirs[k]))]
    assert not differ, differ
    assert ours["deaths"] > 0 or ours["population"] > 0  # a real month, not an empty row
