"""greatleap validate --posterior: each check over posterior draws, counterfactuals as intervals."""

import pandas as pd
import pytest

from greatleap.cli import main
from greatleap.validation.diagnoses import DIAGNOSES
from greatleap.validation.core import FAILS, Verdict
from greatleap.validation.posterior import _measured, posterior_draws, render


def write_posterior(folder, rows):
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / "posterior.csv", index=False)
    return folder


def test_draws_follow_the_weights_and_are_seeded(tmp_path):
    folder = write_posterior(tmp_path / "p", [{"non_grain_kcal": 150.0, "weight": 0.0},
                                             {"non_grain_kcal": 400.0, "weight": 1.0}])
    draws = posterior_draws(folder, 5)
    assert draws == [{"non_grain_kcal": 400.0}] * 5 and posterior_draws(folder, 5) == draws


@pytest.mark.parametrize("rows, message", [
    ([{"dining_halls": 1.0, "weight": 1.0}], "not a calibration's posterior"),
    ([{"non_grain_kcal": 300.0}], "not a calibration's posterior"),
])
def test_a_folder_that_is_not_a_posterior_is_refused_in_one_line(tmp_path, capsys, rows, message):
    folder = write_posterior(tmp_path / "p", rows)
    assert main(["validate", "--posterior", str(folder), "--seeds", "1", "--size", "small",
                 "--out", str(tmp_path / "v")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert main(["validate", "--posterior", str(tmp_path / "none"), "--out", str(tmp_path / "v")]) == 2


@pytest.mark.slow
def test_checks_and_counterfactuals_are_reported_over_the_draws_with_their_parameters(tmp_path):
    """A posterior of scarce food outside grain gives other baseline excess deaths than one of
    plenty: the draws' values reach the runs. (Not always more: scarcer food makes the famine
    visible sooner and the centre retreats earlier; at the fourth fit's defaults, seed 1 at the
    small size, the scarce draw's baseline has the fewer excess deaths.)"""
    out = {}
    for label, kcal in (("scarce", 150.0), ("plenty", 450.0)):
        folder = write_posterior(tmp_path / label, [{"non_grain_kcal": kcal, "weight": 1.0}])
        assert main(["validate", "--posterior", str(folder), "--draws", "1", "--seeds", "1", "--size", "small",
                     "--workers", "2", "--quiet", "--out", str(tmp_path / f"v-{label}")]) == 0
        checks = pd.read_csv(tmp_path / f"v-{label}" / "posterior_checks.csv")
        cfs = pd.read_csv(tmp_path / f"v-{label}" / "posterior_counterfactuals.csv").set_index("run")
        assert len(checks) > 20 and checks.share_holding.isin([0.0, 1.0]).all()
        assert {"baseline", "honest_reporting", "no_exports", "flexible_quotas"} <= set(cfs.index)
        out[label] = cfs.loc["baseline", "median"]
        text = (tmp_path / f"v-{label}" / "validation_posterior.md").read_text()
        assert "share of draws holding" in text
        failing = checks[checks.share_holding == 0.0]
        assert failing.reason.str.startswith("draw 1: ").all() and checks[checks.share_holding == 1.0].reason.isna().all()
        assert all(f"`{name}`), holds in 0% of draws. Measured, {reason}." in text
                   for name, reason in zip(failing.check, failing.reason))
    assert out["scarce"] != out["plenty"]


def _checks_table():
    """A hand-built checks table: one check above half the draws, one at half, one never."""
    return pd.DataFrame([
        {"fact": "1", "check": "f1_cdr_peaks_in_1960", "title": "Registered death rate peaks in 1960",
         "share_holding": 0.85, "draws": 20, "reason": ""},
        {"fact": "17", "check": "f17_mortality_falls_after_retreat", "title": "Mortality falls after the retreat",
         "share_holding": 0.5, "draws": 20, "reason": "the death rate 7-9 months on is 1.18 x its level"},
        {"fact": "18", "check": "f18_excess_deaths_central_band", "title": "Excess deaths within the central band",
         "share_holding": 0.0, "draws": 20, "reason": "outside the central 25-35 M (model: 19.0%)"},
    ])


def _section(text):
    head = "## Checks that do not hold in most draws: what is missing"
    assert head in text
    return text.split(head, 1)[1].split("\n## ", 1)[0]


def test_the_report_names_what_is_missing_for_each_check_at_or_below_half_the_draws():
    cfs = pd.DataFrame([{"run": "baseline", "title": "Historical (baseline)", "what": "excess deaths, % of population",
                         "median": 18.0, "p5": 12.4, "p95": 27.9}])
    section = _section(render(_checks_table(), cfs, "greatleap validate --posterior p", 20, 4, "default"))
    for name, reason in (("f17_mortality_falls_after_retreat", "1.18 x its level"),
                         ("f18_excess_deaths_central_band", "outside the central 25-35 M")):
        line = next(ln for ln in section.splitlines() if f"`{name}`" in ln)
        assert reason in line and DIAGNOSES[name].mechanism in line and DIAGNOSES[name].missing in line
    assert "50%" in section and "0%" in section
    assert "f1_cdr_peaks_in_1960" not in section


def test_the_report_says_so_when_every_check_holds_in_most_draws():
    table = _checks_table().iloc[:1]
    cfs = pd.DataFrame(columns=["run", "title", "what", "median", "p5", "p95"])
    section = _section(render(table, cfs, "greatleap validate --posterior p", 20, 4, "default"))
    assert "Every check holds in most draws." in section and "`f1_" not in section


def test_a_failing_draw_s_reason_carries_the_model_s_figures_once():
    def v(model, reason):
        return Verdict("18", "f18_excess_deaths_central_band", "t", "e", model, FAILS, reason)
    assert _measured(v("1.64", "1.64 is outside 1.8-2.2"), 3) == "draw 3: 1.64 is outside 1.8-2.2"
    assert _measured(v("19.0% of the population", "outside the central 25-35 M"), 1) == \
        "draw 1: outside the central 25-35 M (model: 19.0% of the population)"
