"""Every uncertain parameter carries a prior with its reasoning and a source, and docs/calibration.md
lists them as params.py declares them (generated, so it cannot drift)."""

import numpy as np
import pytest

from greatleap.calibration import priors
from greatleap.params import PARAMS, UNCERTAINTY


@pytest.mark.parametrize("name", [p.name for p in PARAMS.values() if p.kind == UNCERTAINTY])
def test_every_uncertainty_has_a_prior_inside_its_range_with_a_source(name):
    p = PARAMS[name]
    assert p.prior is not None, f"{name}: no prior"
    assert p.source.strip(), f"{name}: no source or reasoning"
    assert p.prior.reason.strip(), f"{name}: the prior gives no reason for its bounds"
    assert p.low <= p.prior.low < p.prior.high <= p.high, f"{name}: prior bounds outside the parameter's range"


def test_levers_and_setup_carry_no_prior():
    assert not [p.name for p in PARAMS.values() if p.kind != UNCERTAINTY and p.prior is not None]


@pytest.mark.parametrize("name", [p.name for p in PARAMS.values() if p.prior is not None])
def test_each_prior_draws_only_inside_its_bounds_and_has_density_there(name):
    prior = PARAMS[name].prior
    dist = priors.frozen(prior)
    draws = dist.rvs(size=400, random_state=np.random.default_rng(1))
    assert draws.min() >= prior.low and draws.max() <= prior.high
    mid = (prior.low + prior.high) / 2
    assert dist.pdf(mid) > 0 and dist.pdf(prior.high + abs(prior.high) + 1) == 0


def test_docs_calibration_lists_every_prior_as_declared():
    text = priors.DOC.read_text()
    assert priors.render(text, {"priors": priors.prior_table()}) == text, \
        "docs/calibration.md is stale: run `greatleap calibration-docs`"
    for p in priors.uncertain():
        assert f"| `{p.name}` |" in text


def test_a_stale_or_missing_priors_block_is_caught():
    text = priors.DOC.read_text()
    stale = text.replace("| `fertility` |", "| `fecundity` |")
    assert priors.render(stale, {"priors": priors.prior_table()}) != stale
    with pytest.raises(priors.MissingBlock):
        priors.render(text.replace("<!-- priors:start -->", ""), {"priors": priors.prior_table()})


def test_the_history_table_counts_the_tuning_cells_within_their_tolerance():
    """`greatleap history` marks each tuning cell (not the 1959 claimed/true ratio, a check) and
    counts those within a historian's tolerance: +-5 output points, +-20% of the death rate."""
    import pandas as pd

    from greatleap.history import to_markdown, tolerance

    assert tolerance("output_index_1960", 73.6) == 5.0 and tolerance("cdr_registered_1960", 25.4) == 25.4 * 0.2
    table = pd.DataFrame([
        {"year": 1960, "series": "Grain output, 1957 = 100", "model_mean": 70.0, "model_p5": 69.0, "model_p95": 71.0,
         "history": 73.6, "within_tolerance": True},
        {"year": 1960, "series": "Registered crude death rate, per 1000", "model_mean": 40.0, "model_p5": 39.0,
         "model_p95": 41.0, "history": 25.4, "within_tolerance": False},
        {"year": 1959, "series": "Claimed / true harvest", "model_mean": 1.2, "model_p5": 1.1, "model_p95": 1.3,
         "history": 1.62, "within_tolerance": None}])
    text = to_markdown(table)
    assert "| 73.60 | yes |" in text and "| 25.40 | no |" in text and "| 1.62 |  |" in text
    assert "1 of 2 tuning cells within tolerance" in text


def test_model_vs_history_judges_only_the_tuning_cells():
    from greatleap.history import is_target

    assert is_target("report_ratio", 1958) and not is_target("report_ratio", 1959)
    assert is_target("cdr_registered", 1962) and not is_target("cdr_registered", 1963)
