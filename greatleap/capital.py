"""Capital and land (ODD 7.11): the farm economy's stocks per commune, which the campaigns can
run down and which rebuild at their own pace.

State variables (arrays indexed by commune):
- ``planned_area``  share of the land the plan lets the grain crops be sown on (``planning``)
- ``technique``     yield level of normal farming against 1957 (seed varieties, fertiliser,
                    skills): it grows at ``yield_trend`` a year
"""

from __future__ import annotations

import numpy as np


class Capital:
    def __init__(self, model):
        n = model.communes.n
        self.planned_area = np.ones(n)
        self.technique = np.ones(n)

    def new_year(self, model) -> None:
        """January: technical progress of the year."""
        self.technique *= 1.0 + model.p["yield_trend"]
