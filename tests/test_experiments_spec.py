"""The sweep spec and design: validated before any run, seeds derived from one master seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from greatleap.cli import main
from greatleap.errors import InputError
from greatleap.experiments.design import build_design, run_params
from greatleap.experiments.spec import load_spec, parse_spec
from greatleap.experiments.store import SweepStore
from greatleap.params import PARAMS

REPO = Path(__file__).resolve().parents[1]


def test_shipped_example_specs_are_valid_and_small():
    calibrations = set((REPO / "experiments").glob("calibration*.toml"))  # specs of `greatleap calibrate`
    paths = sorted(set((REPO / "experiments").glob("*.toml")) - calibrations)
    assert REPO / "experiments" / "example.toml" in paths and len(calibrations) == 2
    for path in paths:
        design = build_design(load_spec(path))
        assert 0 < len(design) <= 600, path
    from greatleap.calibration.spec import load_calibration_spec

    for calibration in calibrations:
        assert load_calibration_spec(calibration).infer  # valid as what it is


def test_grid_design_crosses_scenarios_points_and_replicates_with_common_seeds():
    spec = parse_spec({"output": "x", "scenarios": ["baseline", "honest_reporting"], "seeds": 3,
                       "vary": {"procurement_share": [0.2, 0.3],
                                "markup_career": {"low": 0.0, "high": 0.5, "steps": 3}}})
    design = build_design(spec)
    assert len(design) == 2 * 6 * 3
    assert list(design["run_id"]) == list(range(36))
    assert sorted(design["markup_career"].unique()) == [0.0, 0.25, 0.5]
    # replicate k has the same seed at every point and in every scenario (common random numbers)
    assert design.groupby("replicate")["seed"].nunique().eq(1).all()
    assert design["seed"].nunique() == 3
    params = run_params(spec, design.iloc[-1].to_dict())
    assert params["honest_reporting"] is True and params["procurement_share"] == 0.3


def test_design_is_regenerated_exactly_from_the_master_seed():
    raw = {"output": "x", "seeds": 2, "master_seed": 5,
           "sample": {"method": "lhs", "n": 6, "params": {"markup_career": {}, "weather_scale": {"low": 0.5, "high": 2}}}}
    a, b = build_design(parse_spec(raw)), build_design(parse_spec(raw))
    assert a.equals(b)
    other = build_design(parse_spec({**raw, "master_seed": 6}))
    assert not np.array_equal(a["seed"], other["seed"])
    assert a["weather_scale"].between(0.5, 2).all() and a["markup_career"].nunique() == 6


@pytest.mark.parametrize("method, n, expected_points", [("morris", 3, 3 * 4), ("sobol", 4, 4 * 5)])
def test_sensitivity_designs_have_salib_sizes(method, n, expected_points):
    spec = parse_spec({"output": "x", "sample": {"method": method, "n": n,
                                                 "params": ["markup_career", "weather_scale", "resale_delay"]}})
    design = build_design(spec)
    assert len(design) == expected_points
    assert design["resale_delay"].map(type).eq(int).all()  # whole-number parameters stay whole


@pytest.mark.parametrize("raw, field", [
    ({"vary": {"nope": [1]}}, "vary.nope"),
    ({"vary": {"procurement_share": [0.2, 0.95]}}, "procurement_share"),
    ({"vary": {"honest_reporting": {"low": 0, "high": 1, "steps": 2}}}, "vary.honest_reporting"),
    ({"vary": {"procurement_share": {"low": 0.1, "high": 0.3}}}, "vary.procurement_share"),
    ({"scenarios": ["baseline", "utopia"]}, "scenario"),
    ({"seeds": 0}, "seeds"),
    ({"seed": 3}, "seed"),
    ({"fixed": {"n_communes": 4}, "vary": {"n_communes": [4, 9]}}, "vary.n_communes"),
    ({"sample": {"method": "sobol", "n": 6, "params": ["markup_career", "weather_scale"]}}, "sample.n"),
    ({"sample": {"method": "lhs", "n": 4, "params": ["quota_rule"]}}, "sample.params.quota_rule"),
    ({"sample": {"method": "grid", "n": 4}}, "sample.method"),
    ({"fixed": {"start_year": 1960, "end_year": 1958}}, "end_year"),
])
def test_bad_spec_names_the_field(raw, field):
    with pytest.raises(InputError) as err:
        build_design(parse_spec({"output": "x", **raw}))
    assert err.value.field == field


def test_bad_spec_is_rejected_by_the_cli_before_any_run_or_file(tmp_path, capsys):
    out = tmp_path / "out"
    spec = tmp_path / "bad.toml"
    spec.write_text(f'output = "{out}"\nseeds = 2\n[vary]\nprocurement_share = [0.2, 0.9]\n')
    assert main(["sweep", str(spec), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and err.startswith("error: procurement_share: got 0.9")
    assert not out.exists()
    spec.write_text("output = [1, 2")
    assert main(["sweep", str(spec)]) == 2
    assert capsys.readouterr().err.startswith("error: spec: ")
    assert main(["sweep", str(spec), "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2


@pytest.mark.parametrize("change", [{"seeds": 3}, {"fixed": {"n_communes": 9}}, {"outcomes": ["peak_cdr"]}])
def test_a_folder_holding_another_sweep_is_not_resumed_into(tmp_path, change):
    raw = {"output": str(tmp_path / "s"), "seeds": 2, "fixed": {"n_communes": 4}}
    spec = parse_spec(raw)
    assert SweepStore(spec.output).open_for(spec, build_design(spec)) is False
    assert SweepStore(spec.output).open_for(spec, build_design(spec)) is True  # same sweep: resume
    changed = parse_spec({**raw, **change})
    with pytest.raises(InputError) as err:
        SweepStore(changed.output).open_for(changed, build_design(changed))
    assert err.value.field == "output"


def test_a_folder_that_is_not_a_sweep_is_not_written_into(tmp_path):
    spec = parse_spec({"output": str(tmp_path / "other")})
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(InputError):
        SweepStore(spec.output).open_for(spec, build_design(spec))
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["notes.txt"]


NUMERIC = sorted(name for name, p in PARAMS.items() if p.type in (int, float) and p.kind != "setup")


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_valid_grid_gives_every_combination_within_range(data):
    names = data.draw(st.lists(st.sampled_from(NUMERIC), min_size=1, max_size=3, unique=True))
    vary = {}
    for name in names:
        p = PARAMS[name]
        steps = data.draw(st.integers(1, 3))
        if p.type is int:
            low = data.draw(st.integers(p.low, p.high - 2))
            vary[name] = {"low": low, "high": low + steps - 1, "steps": steps}
        else:
            low, high = sorted(data.draw(st.lists(st.floats(p.low, p.high), min_size=2, max_size=2, unique=True)))
            # two neighbouring floats cannot hold three different values: that spec is refused
            assume(len(set(np.linspace(low, high, steps).tolist())) == steps)
            vary[name] = {"low": low, "high": high, "steps": steps}
    seeds = data.draw(st.integers(1, 3))
    spec = parse_spec({"output": "x", "seeds": seeds, "vary": vary})
    design = build_design(spec)
    assert len(design) == seeds * int(np.prod([len(v) for v in spec.grid.values()]))
    for name in names:
        p = PARAMS[name]
        assert design[name].between(p.low, p.high).all()
        assert design[name].nunique() == len(spec.grid[name])


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(NUMERIC), excess=st.floats(1e-6, 1e6))
def test_any_value_outside_a_range_is_rejected_naming_the_parameter(name, excess):
    p = PARAMS[name]
    value = p.high + (max(1, round(excess)) if p.type is int else excess)
    with pytest.raises(InputError) as err:
        parse_spec({"output": "x", "vary": {name: [p.default, value]}})
    assert err.value.field == name


def test_a_range_too_narrow_for_its_steps_is_refused_in_one_line():
    with pytest.raises(InputError, match=r"vary\.baseline_mortality.*too close for 3 different values"):
        parse_spec({"output": "x", "vary": {"baseline_mortality": {
            "low": 0.9999999999999999, "high": 1.0, "steps": 3}}})
