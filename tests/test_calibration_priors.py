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
