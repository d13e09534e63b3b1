"""Parameters and the `greatleap run` command: every out-of-range parameter and unknown scenario
gives one clear line naming the field and its range (exit code 2, no traceback); runs write their
tables and never overwrite results silently."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import subprocess_env

from greatleap import params as params_module
from greatleap.cli import main
from greatleap.errors import InputError
from greatleap.model import FamineModel
from greatleap.params import PARAMS, SCENARIOS, resolve
from greatleap.tables import COUNTY_COLUMNS

NUMERIC = [p for p in PARAMS.values() if p.type in (int, float)]
SWITCHES = [p for p in PARAMS.values() if p.type is bool]
CHOICES = [p for p in PARAMS.values() if p.choices]
SMALL_RUN = ["--set", "n_communes=4", "--set", "commune_side=6"]
TABLES = ("monthly", "annual", "communes", "officials", "ages", "bodies", "provinces")


def _outside(p):
    """A value just below and one just above the allowed range."""
    if p.type is int:
        return [p.low - 1, p.high + 1]
    step = max(1e-3, 1e-3 * (p.high - p.low))
    return [p.low - step, p.high + step]


def _range_text(p) -> str:
    return f"[{p.low}, {p.high}]"


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0]


# ---- the registry -----------------------------------------------------------------------------
def test_every_parameter_is_declared_once_with_a_default_inside_its_range():
    names = [p.name for p in params_module._PARAM_LIST]
    assert len(names) == len(set(names)) == len(PARAMS)
    for p in PARAMS.values():
        assert p.check(p.default) == p.default, p.name
        assert p.unit and p.label and p.meaning, p.name
        assert p.kind in (params_module.UNCERTAINTY, params_module.LEVER, params_module.SETUP), p.name
        if p.type in (int, float):
            assert p.low <= p.default <= p.high, p.name


def test_every_scenario_named_in_the_issue_exists_and_resolves():
    required = {"baseline", "honest_reporting", "flexible_quotas", "no_lushan_purge", "no_exports_accept_aid",
                "no_dining_halls", "no_backyard_furnaces", "exit_right_kept", "weather_only", "policy_only"}
    assert required <= set(SCENARIOS)
    for name, overrides in SCENARIOS.items():
        values = resolve(name)
        assert set(values) == set(PARAMS)
        for key, value in overrides.items():
            assert values[key] == value and value != PARAMS[key].default, (name, key)
    assert SCENARIOS["baseline"] == {}


# ---- errors from the Python API ------------------------------------------------------------------
@pytest.mark.parametrize("p", NUMERIC, ids=lambda p: p.name)
def test_an_out_of_range_number_names_the_field_and_its_range(p):
    for bad in _outside(p):
        with pytest.raises(InputError) as info:
            resolve("baseline", **{p.name: bad})
        assert info.value.field == p.name
        message = str(info.value)
        assert message.startswith(f"{p.name}: ") and _range_text(p) in message and "\n" not in message


def test_the_model_refuses_bad_parameters_naming_the_field():
    with pytest.raises(InputError, match=r"^n_communes: .*\[1, 400\]") as info:
        FamineModel(n_communes=0)
    assert info.value.field == "n_communes"
    with pytest.raises(InputError) as info:
        FamineModel(scenario="nope")
    assert info.value.field == "scenario" and "baseline" in str(info.value)
    with pytest.raises(InputError) as info:
        FamineModel(no_such_parameter=1)
    assert info.value.field == "no_such_parameter"
    with pytest.raises(InputError) as info:
        FamineModel(start_year=1960, end_year=1958)
    assert info.value.field == "end_year"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "0.5", None, True])
def test_a_number_parameter_refuses_non_numbers(bad):
    with pytest.raises(InputError) as info:
        resolve("baseline", weather_scale=bad)
    assert info.value.field == "weather_scale"


def test_a_whole_number_parameter_refuses_fractions():
    with pytest.raises(InputError, match="whole number"):
        resolve("baseline", n_communes=2.5)
    assert resolve("baseline", n_communes=4.0)["n_communes"] == 4


# ---- errors from the command line ------------------------------------------------------------------
@pytest.mark.parametrize("p", NUMERIC, ids=lambda p: p.name)
def test_cli_out_of_range_number_is_one_line_naming_field_and_range(p, capsys):
    for bad in _outside(p):
        assert main(["run", "--set", f"{p.name}={bad}"]) == 2
        line = _one_error_line(capsys)
        assert f"{p.name}: " in line and _range_text(p) in line


@pytest.mark.parametrize("p", SWITCHES + CHOICES, ids=lambda p: p.name)
def test_cli_bad_switch_or_choice_is_one_line_naming_field_and_allowed_values(p, capsys):
    assert main(["run", "--set", f"{p.name}=maybe"]) == 2
    line = _one_error_line(capsys)
    assert f"{p.name}: " in line
    if p.choices:
        assert all(repr(c) in line for c in p.choices)
    else:
        assert "true or false" in line


@pytest.mark.parametrize("argv, field", [
    (["run", "--scenario", "nope"], "scenario"),
    (["run", "--set", "n_communes=0"], "n_communes"),
    (["run", "--set", "dining_halls=maybe"], "dining_halls"),
    (["run", "--set", "unknown=1"], "unknown"),
    (["run", "--set", "n_communes=many"], "n_communes"),
    (["run", "--set", "weather_scale=nan"], "weather_scale"),
    (["run", "--set", "n_communes"], "--set"),
    (["run", "--set", "start_year=1960", "--set", "end_year=1958"], "end_year"),
    (["run", "--seed", "abc"], "seed"),
    (["run", "--seed", "-1", *SMALL_RUN], "seed"),  # numpy refuses negative seeds
])
def test_cli_bad_input_exits_2_with_one_line_naming_the_field(argv, field, capsys):
    assert main(argv) == 2
    line = _one_error_line(capsys)
    assert field in line


def test_cli_unknown_scenario_lists_the_scenarios(capsys):
    assert main(["run", "--scenario", "nope"]) == 2
    line = _one_error_line(capsys)
    assert "'nope'" in line and all(name in line for name in SCENARIOS)


@pytest.mark.parametrize("argv", [["run", "--scenario", "nope"], ["run", "--set", "n_communes=0"],
                                  ["validate", "--out", "--zz-x"]])
def test_the_installed_command_exits_2_with_one_line_and_no_traceback(argv):
    for command in ([sys.executable, "-m", "greatleap"], [str(Path(sys.executable).parent / "greatleap")]):
        out = subprocess.run(command + argv, capture_output=True, text=True, timeout=120, env=subprocess_env())
        assert out.returncode == 2, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
        assert "Traceback" not in out.stderr and out.stdout == ""


def test_the_params_and_scenarios_commands_list_everything(capsys):
    assert main(["params"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in PARAMS)
    assert main(["scenarios"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in SCENARIOS)


# ---- outputs -----------------------------------------------------------------------------------
def _files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {f.name: (f.stat().st_mtime_ns, f.read_bytes()) for f in sorted(folder.iterdir())}


def test_run_writes_every_table_as_parquet_and_csv_and_prints_the_summary(tmp_path, capsys):
    out = tmp_path / "baseline"
    assert main(["run", "--scenario", "baseline", "--seed", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "excess deaths" in printed and "peak crude death rate" in printed and "procurement" in printed
    assert sorted(f.name for f in out.iterdir()) == sorted(f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv"))
    for table in TABLES:
        parquet, csv = pd.read_parquet(out / f"{table}.parquet"), pd.read_csv(out / f"{table}.csv")
        assert len(parquet) > 0, table
        assert list(parquet.columns) == list(csv.columns)
        pd.testing.assert_frame_equal(parquet, csv, check_dtype=False, check_exact=False, rtol=1e-9)
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert len(monthly) == 72 and monthly["date"].iloc[0] == "1957-01" and monthly["date"].iloc[-1] == "1962-12"
    communes = pd.read_parquet(out / "communes.parquet")
    assert len(communes) == PARAMS["n_communes"].default * 6
    counties = pd.read_parquet(out / "officials.parquet")  # the per-county table, documented in docs/ODD.md
    assert list(counties.columns) == list(COUNTY_COLUMNS)
    assert counties.groupby("year")["deaths"].sum().to_numpy() == pytest.approx(
        communes.groupby("year")["deaths"].sum().to_numpy())


def test_run_refuses_to_overwrite_results_without_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--seed", "1", "--out", str(out), *SMALL_RUN]) == 0
    capsys.readouterr()
    before = _files(out)
    assert main(["run", "--seed", "2", "--out", str(out), *SMALL_RUN]) == 2
    line = _one_error_line(capsys)
    assert "--out" in line and "--overwrite" in line
    assert _files(out) == before  # untouched, no temporary files left behind
    assert main(["run", "--seed", "2", "--out", str(out), "--overwrite", *SMALL_RUN]) == 0
    after = _files(out)
    assert set(after) == set(before)
    assert after["monthly.csv"][1] != before["monthly.csv"][1]  # a different seed's results


def test_run_refuses_a_folder_holding_any_one_of_its_tables_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "partial"
    out.mkdir()
    (out / "communes.csv").write_text("someone else's table\n")
    assert main(["run", "--seed", "1", "--out", str(out), *SMALL_RUN]) == 2
    _one_error_line(capsys)
    assert [f.name for f in out.iterdir()] == ["communes.csv"]
    assert (out / "communes.csv").read_text() == "someone else's table\n"


def test_run_refuses_an_out_path_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "results"
    target.write_text("not a folder\n")
    assert main(["run", "--out", str(target), *SMALL_RUN]) == 2
    assert "--out" in _one_error_line(capsys)
    assert target.read_text() == "not a folder\n"


# ---- an output option whose value was lost (`--out --zz-x`) ------------------------------------
SPEC_TOML = """name = "lost-out"
output = "results"
scenarios = ["baseline"]
seeds = 1
[fixed]
n_communes = 1
commune_side = 3
"""
SENSITIVITY_TOML = SPEC_TOML + """[sample]
method = "morris"
n = 1
params = ["weather_scale", "markup_career"]
"""
# each command with an output option, with otherwise valid arguments (without the bad --out,
# each of these would run and write its output)
OUTPUT_COMMANDS = {
    "run": ["run", *SMALL_RUN],
    "sweep": ["sweep", "spec.toml", "--workers", "0", "--quiet"],
    "sensitivity": ["sensitivity", "sensitivity.toml", "--workers", "0", "--quiet"],
    "validate": ["validate", "--seeds", "1", "--size", "small", "--workers", "1", "--quiet"],
    "calibrate": ["calibrate", "calibration.toml", "--workers", "0", "--predictive-draws", "0"],
}
CALIBRATION_TOML = """output = "calibrated"
population = 2
generations = 1
seeds = 1
infer = ["death_registration"]
[fixed]
n_communes = 1
commune_side = 3
"""


def test_every_command_with_an_output_option_is_checked_for_option_like_values():
    """A new command with an output folder must be added to OUTPUT_COMMANDS (and refuse such values)."""
    from greatleap.cli import cli

    with_out = {name for name, command in cli.commands.items()
                if any({"--out", "--output"} & set(p.opts) for p in command.params)}
    assert with_out == set(OUTPUT_COMMANDS)


@pytest.mark.parametrize("value, where", [("--zz-x", "last"), ("--zz-x", "equals"), ("-", "last"),
                                          ("--quiet", "first")])
@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_every_output_option_refuses_a_value_that_looks_like_an_option(tmp_path, monkeypatch, capsys, command,
                                                                       value, where):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.toml").write_text(SPEC_TOML)
    (tmp_path / "sensitivity.toml").write_text(SENSITIVITY_TOML)
    (tmp_path / "calibration.toml").write_text(CALIBRATION_TOML)
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = list(OUTPUT_COMMANDS[command])
    if where == "last":
        argv += ["--out", value]
    elif where == "equals":
        argv += [f"--out={value}"]
    else:  # `--out` right after the command: it swallows the next token, here an option
        argv[1:1] = ["--out", value]
    assert main(argv) == 2
    line = _one_error_line(capsys)
    assert line == f"error: --out: got {value!r}, which looks like an option; allowed: a folder name"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no folder, no file


# Defaults outside their prior, waiting for a fit to move them inside. Empty since the baseline's
# ABC-SMC fit (docs/calibration.md) moved non_grain_kcal from 690 to 419 kcal a day.
DEFAULTS_AWAITING_THE_FIT: set[str] = set()


def test_every_prior_lies_within_its_parameters_range_and_fits_its_kind():
    from greatleap.params import PARAMS, UNCERTAINTY

    for p in PARAMS.values():
        if p.prior is None:
            continue
        assert p.kind == UNCERTAINTY, f"{p.name}: only uncertainties get a prior"
        assert p.low <= p.prior.low < p.prior.high <= p.high, f"{p.name}: prior outside the range"
        if p.name not in DEFAULTS_AWAITING_THE_FIT:
            assert p.prior.low <= p.default <= p.prior.high, f"{p.name}: default outside the prior"
        assert p.prior.dist in ("uniform", "normal", "lognormal", "beta") and p.prior.reason, p.name
