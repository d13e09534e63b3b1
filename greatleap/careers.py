"""Career incentives and purges (ODD 7.4).

Rules in plain words:
- After the autumn report, each official ranks his cadres by their report against target.
  The lowest ``criticised_share`` are criticised as "right opportunists".
- A criticised cadre is purged with a probability that jumps after the Lushan Conference
  (from September 1959) when the anti-rightist campaign is on, times his province's purge
  intensity (``provinces.Leader.purge_intensity``: zealous leaders purge more); the centre's
  retreat ends purges.
- The purged cadre's successor is drawn from a more zealous distribution: more ambitious and less
  loyal to the village (Dikötter: "hard, unscrupulous elements").
- The purge risk a cadre expects is what feeds his markup (ODD 7.3) and weakens his defence of
  the village's grain (ODD 7.5).
"""

from __future__ import annotations

import numpy as np


def purge_risk(model) -> float:
    """Probability that a criticised low reporter is purged at this point in time."""
    p = model.p
    if model.state.retreated or not model.leap_on():
        return 0.0
    if p["lushan_purge"] and model.calendar.after_lushan(model.ym):
        return p["purge_prob_after"]
    return p["purge_prob_before"]


def review_cadres(model, reports: np.ndarray, targets: np.ndarray) -> tuple[int, int]:
    """Rank, criticise and purge. Returns (criticised, purged) counts."""
    p = model.p
    risk = purge_risk(model)
    if risk == 0.0 and not model.leap_on():
        return 0, 0
    score = reports / np.maximum(targets, 1.0)
    criticised = purged = 0
    for official in model.officials:
        group = np.array(official.communes)
        intensity = model.leaders[model.commune_province[group[0]]].purge_intensity(p)
        k = int(round(p["criticised_share"] * len(group)))
        if k == 0:
            continue
        lowest = group[np.argsort(score[group], kind="stable")[:k]]
        draws = model.rng.random(k)
        for c, u in zip(lowest, draws):
            cadre = model.cadres[c]
            cadre.criticised_count += 1
            criticised += 1
            if u < min(risk * intensity, 1.0):
                cadre.replace_with_zealot(model.rng, p["replacement_zeal"])
                purged += 1
    return criticised, purged
