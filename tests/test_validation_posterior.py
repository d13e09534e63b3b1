"""greatleap validate --posterior: each check over posterior draws, counterfactuals as intervals."""

import pandas as pd
import pytest

from greatleap.cli import main
from greatleap.validation.posterior import posterior_draws


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
    """A posterior of scarce food outside grain gives more baseline excess deaths than one of
    plenty: the draws' values reach the runs."""
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
        assert "share of draws holding" in (tmp_path / f"v-{label}" / "validation_posterior.md").read_text()
    assert out["scarce"] > out["plenty"]
