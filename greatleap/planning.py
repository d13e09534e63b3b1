"""The sown-area plan (ODD 7.11): the planners decide how much land goes to grain from the
harvest they believe.

Rules in plain words:
- After each autumn harvest, the planners of each region (an official's communes) compare the
  harvest reported up to them for the year with the region's normal output. Where they believe a
  surplus, they plan less grain area for the next year (land moved to other crops, trees or
  fallow: the "three-three" idea of 1958); the plan shrinks the area as
  ``(believed / normal) ** -area_plan_response``. A believed shortfall never makes them plan
  more land than is there: the plan is at most the whole area.
- With honest reports of a normal harvest the plan keeps the area; with the 1958 claims (about
  twice the truth) it cuts the 1959 sowings, so the lie cuts the next harvest (Walker 1984;
  Kueh 1995). ``area_plan_response = 0`` (preset ``sown_area_kept``) keeps the area whatever is
  believed.
"""

from __future__ import annotations

import numpy as np


def normal_output(model) -> np.ndarray:
    """Per commune, a normal year's output (kg) at this year's technique and sound capital."""
    return model.potential * model.capital.technique


def believed_ratio(model) -> np.ndarray:
    """Per commune, the year's reported harvest over normal output, pooled over its region."""
    com = model.communes
    regions = com.region
    reported = np.bincount(regions, weights=com.report_last_year, minlength=regions.max() + 1)
    normal = np.bincount(regions, weights=normal_output(model), minlength=regions.max() + 1)
    ratio = np.divide(reported, normal, out=np.ones_like(reported), where=normal > 0)
    return ratio[regions]


def plan_sown_area(model) -> None:
    """After the autumn harvest's reports are on file: the share of the land the next year's
    grain crops may be sown on."""
    ratio = np.maximum(believed_ratio(model), 1e-9)
    model.capital.planned_area = np.minimum(1.0, ratio ** -model.p["area_plan_response"])
