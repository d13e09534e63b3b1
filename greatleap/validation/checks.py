"""Every stylized fact, accounted for: the registered checks, and the facts (or parts of facts)
the model cannot speak to, each with the reason.

``evaluate(rs)`` returns one ``Verdict`` per check, in fact order, followed by the not-modelled
entries.
"""

from __future__ import annotations

from greatleap.validation import checks_counterfactual, checks_mechanisms, checks_national  # noqa: F401
from greatleap.validation.core import CHECKS, NOT_MODELLED, Verdict

# (fact, what cannot be checked, why) - the stylized facts' numbering skips 7-9 and 19 on purpose.
NOT_MODELLED_FACTS: list[tuple[str, str, str]] = [
    ("2", "The 1958 level regained only in 1966",
     "runs end in 1962 at the latest supported by the calendar (weather, imports and events stop there)"),
    ("5", "National average retention stayed above subsistence on paper",
     "not checked separately: the model has no single subsistence line in kg (need depends on age, "
     "body mass, work and non-grain food)"),
    ("14", "Effort falls when exit is removed",
     "field effort is not a reported series (needed reporter: mean effort of field workers per month); "
     "the check uses its consequence, 1959 output"),
    ("15", "Spring-1959 mortality rises first in high-participation units",
     "the commune table is annual (needed reporter: deaths per commune per month)"),
    ("15", "Disbanding the halls in 1961 hastens recovery",
     "the halls' closing date is a calendar date, not a parameter; a counterfactual needs "
     "Calendar.replace(halls=...) exposed as a preset"),
    ("16", "Lushan correction with quotas revised to true output",
     "no preset combines no purge with quotas rebased on the truth; no_lushan_purge removes the purge only"),
    ("20", "Relaxing enforcement raises urban ration pressure",
     "not checked: refugees are fed from central stocks, but no series separates their ration from the towns'"),
]


def evaluate(rs) -> list[Verdict]:
    verdicts = [c.evaluate(rs) for c in sorted(CHECKS, key=lambda c: int(c.fact))]
    verdicts += [Verdict(f, "", title, "", "", NOT_MODELLED, why) for f, title, why in NOT_MODELLED_FACTS]
    return verdicts


def names() -> list[str]:
    return [c.name for c in CHECKS]
