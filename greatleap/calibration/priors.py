"""The priors of ``greatleap.params`` as distributions, and the generated tables of
docs/calibration.md (so the document cannot drift from the code).

A prior is a distribution truncated to its hard bounds: a value outside them is implausible and
never drawn. Truncation is by the distribution's own cdf (scipy ``truncnorm`` for a normal, a
log-space ``truncnorm`` for a lognormal, a ``beta`` stretched over the bounds)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
from scipy import stats

from greatleap.params import PARAMS, UNCERTAINTY, Param, Prior

DOC = Path(__file__).resolve().parents[2] / "docs" / "calibration.md"


def uncertain() -> list[Param]:
    """Every parameter of kind uncertainty, in declaration order."""
    return [p for p in PARAMS.values() if p.kind == UNCERTAINTY]


def frozen(prior: Prior):
    """The prior as a frozen scipy distribution on [low, high] (pdf, rvs, ppf)."""
    lo, hi = prior.low, prior.high
    if prior.dist == "uniform":
        return stats.uniform(lo, hi - lo)
    if prior.dist == "normal":
        a, b = (lo - prior.loc) / prior.scale, (hi - prior.loc) / prior.scale
        return stats.truncnorm(a, b, loc=prior.loc, scale=prior.scale)
    if prior.dist == "lognormal":
        return _TruncLogNormal(prior)
    if prior.dist == "beta":
        alpha, beta_ = prior.shape or (1.0, 1.0)
        return stats.beta(alpha, beta_, loc=lo, scale=hi - lo)
    raise ValueError(f"unknown prior distribution {prior.dist!r}")


class _TruncLogNormal:
    """A lognormal (median ``loc``, log-sd ``scale``) truncated to [low, high]: a truncated normal
    of the log. The interface pyabc's ``RV`` and the figures need: pdf, rvs, ppf, mean, std."""

    def __init__(self, prior: Prior):
        mu, sd = math.log(prior.loc), prior.scale
        self.log = stats.truncnorm((math.log(prior.low) - mu) / sd, (math.log(prior.high) - mu) / sd, mu, sd)

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, self.log.pdf(np.log(np.where(x > 0, x, 1.0))) / np.where(x > 0, x, 1.0), 0.0)

    def logpdf(self, x):
        with np.errstate(divide="ignore"):
            return np.log(self.pdf(x))

    def rvs(self, size=None, random_state=None):
        return np.exp(self.log.rvs(size=size, random_state=random_state))

    def ppf(self, q):
        return np.exp(self.log.ppf(q))

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, self.log.cdf(np.log(np.where(x > 0, x, 1.0))), 0.0)

    def mean(self):
        return float(np.mean(self.ppf(np.linspace(0.0005, 0.9995, 1000))))

    def std(self):
        return float(np.std(self.ppf(np.linspace(0.0005, 0.9995, 1000))))


def prior_table() -> str:
    """Markdown: every uncertainty with its default, prior, reasoning and source."""
    rows = ["| parameter | default | unit | prior | why these bounds | source | default inside? |",
            "|---|---|---|---|---|---|---|"]
    for p in uncertain():
        pr = p.prior
        inside = "yes" if pr and pr.low <= p.default <= pr.high else "**no**"
        rows.append(f"| `{p.name}` | {p.default!r} | {p.unit} | {pr.describe() if pr else '(none)'} | "
                    f"{pr.reason if pr else ''} | {p.source} | {inside} |")
    return "\n".join(rows)


class MissingBlock(ValueError):
    pass


def render(text: str, blocks: dict[str, str]) -> str:
    """``text`` with each ``<!-- NAME:start -->`` ... ``<!-- NAME:end -->`` block replaced."""
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", flags=re.S)
        if not pattern.search(text):
            raise MissingBlock(f"docs/calibration.md has no '<!-- {name}:start -->' ... '<!-- {name}:end -->' block")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text
