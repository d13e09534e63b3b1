"""Deaths registered by people (ODD 7.8, registration of deaths).

Rules in plain words:
- In normal times the registers catch ``death_registration`` of deaths (the registration of the
  1950s was incomplete, above all for infants: Banister 1987).
- A death in a famine is evidence against the commune's cadre (whatever the register would call
  its cause). Each month a cadre conceals a share of his commune's deaths that grows with the purge risk a low reporter faces and with
  his own risk aversion (``death_concealment`` x risk x 2 x risk aversion, at most all of them);
  the concealed deaths wait in a backlog.
- When the pressure lifts (no purge risk: before the Leap, or once the centre has retreated),
  cadres register ``death_backlog_release`` of the backlog each month, so that registered deaths
  lag true deaths.
- Deaths in the towns are registered at the normal share.
- What is registered is what the centre sees: its evidence of famine (``centre.death_signal``)
  counts registered starvation deaths, scaled by the normal share it knows; concealment is what
  it cannot know.
"""

from __future__ import annotations

import numpy as np


class DeathRegister:
    """The registers: per commune, concealed deaths not yet registered (``backlog``) and the
    registered starvation deaths of each of the last twelve months (``recent``, a ring); the
    deaths registered this month (``month``, villages and towns, all causes)."""

    def __init__(self, model):
        self.model = model
        n = model.communes.n
        self.backlog = np.zeros(n)  # concealed starvation deaths
        self.other_backlog = np.zeros(n)  # concealed deaths of other causes
        self.recent = np.zeros((12, n))
        self.month = 0.0
        self._hide = None

    def open_month(self) -> None:
        self.recent[self.model.t % 12] = 0.0
        self.month = 0.0
        self._hide = None  # this month's concealment, worked out once when first needed

    def concealment(self) -> np.ndarray:
        """Per commune, the share of this month's deaths the cadre conceals."""
        m = self.model
        risk = m.purge_risk()
        aversion = np.array([c.risk_aversion for c in m.cadres])
        return np.clip(m.p["death_concealment"] * risk * 2.0 * aversion, 0.0, 1.0)

    def _month_concealment(self) -> np.ndarray:
        if getattr(self, "_hide", None) is None:
            self._hide = self.concealment()
        return self._hide

    def register_village(self, by_commune: np.ndarray, starvation: bool) -> None:
        """Deaths in the villages this month, per commune; ``starvation``: of hunger (what the
        centre counts as famine evidence)."""
        m = self.model
        base = m.p["death_registration"]
        hide = self._month_concealment()
        registered = base * (1.0 - hide) * by_commune
        if starvation:
            self.backlog += base * hide * by_commune
            self.recent[m.t % 12] += registered
        else:
            self.other_backlog += base * hide * by_commune
        self.month += float(registered.sum())

    def register_other(self, n: int) -> None:
        """Deaths in the towns."""
        self.month += self.model.p["death_registration"] * n

    def release_backlog(self) -> None:
        """Once the pressure lifts, cadres register part of what they concealed (once a month)."""
        m = self.model
        if m.purge_risk() > 0:
            return
        rate = m.p["death_backlog_release"]
        released, other = rate * self.backlog, rate * self.other_backlog
        self.backlog -= released
        self.other_backlog -= other
        self.recent[m.t % 12] += released
        self.month += float(released.sum() + other.sum())

    def concealed(self) -> float:
        """Deaths concealed and not yet registered."""
        return float(self.backlog.sum() + self.other_backlog.sum())

    def starvation_last_year(self) -> np.ndarray:
        """Per commune, registered starvation deaths over the last twelve months."""
        return self.recent.sum(axis=0)
