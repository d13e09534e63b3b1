"""The reporting cascade (ODD 7.3).

Rules in plain words:
- At each harvest during the Leap, every cadre reports ``true x (1 + markup)``. The markup grows
  with his ambition (career stake), with the purge risk a low reporter faces times his risk
  aversion, with his neighbours' last markups (emulation contests) and with the gap between the
  superior's target and the true harvest; it is capped at a credible maximum.
- Markups shrink as famine becomes visible: each starvation death in the commune over the past
  year makes an inflated claim harder to sustain. After the centre retreats, the pressure is off,
  but reports do not turn honest at once: each harvest a cadre keeps ``markup_persistence`` of his
  last markup, and an official of his own (the habit and the fear of being the first to report a
  fall).
- Each official adds his own markup, growing with his career stake, to the sum of his cadres'
  reports, and each provincial leader his own on his counties' (``provinces.py``), so that
  markups compound up the hierarchy (Yang Jisheng; Fan, Xiong & Zhou 2016); the centre receives
  the provinces' claims.
- Peers outbid each other: an official whose own markup falls short of what the other officials
  of his province added at the last harvest raises it ``peer_outbidding`` of the way towards
  theirs, and a provincial leader likewise against the other provinces (nobody wants to report the
  smallest satellite: the Xinyang counties after Lushan, Yang Jisheng 2012).
- Targets: the superior expects last year's reported output, as far as the centre believes it
  (``centre.believed``: discounted by what the deliveries taught it), times the year's target
  growth (Beidaihe's doubling in 1958).
- The reports stay on file: after the autumn harvest, the year's official reports become last
  year's report, the base of next year's targets and quotas (ODD 7.5), and their ratio to the
  truth is what a commune's later pleas are discounted by (ODD 7.9).
"""

from __future__ import annotations

import numpy as np

from greatleap import centre, provinces


def visibility(model) -> np.ndarray:
    """Per commune, 0-1: how undeniable the famine is (starvation deaths over the last year)."""
    deaths = model.village.starvation_deaths_last_year()
    rate = deaths / np.maximum(model.commune_population(), 1)
    return np.clip(model.p["famine_visibility"] * rate, 0.0, 1.0)


def reporting_pressure_on(model) -> bool:
    p = model.p
    return (not p["honest_reporting"]) and model.leap_on() and not model.state.retreated


def markups_fading(model) -> bool:
    """After the retreat (with the Leap's reporting regime once on), markups fade harvest by harvest."""
    p = model.p
    return (not p["honest_reporting"]) and model.leap_on() and model.state.retreated


def markup_weight(model) -> float:
    """How much of their markups the officials and provinces add at this harvest: all of it while
    the Leap's reporting pressure is on, a share fading harvest by harvest after the retreat, none
    otherwise (honest reporting, or before the Leap)."""
    if markups_fading(model):
        return model.p["markup_persistence"] ** (model.state.harvests_since_retreat + 1)
    return 1.0 if reporting_pressure_on(model) else 0.0


def season_targets(model, share: float) -> np.ndarray:
    """Per commune, the superior's target for this harvest (kg)."""
    growth = model.calendar.target_growth.get(model.ym[0], 0.0)
    base = centre.believed(model, model.communes.report_last_year)
    return base * (1.0 + growth) * share


def cadre_reports(model, true_kg: np.ndarray, share: float) -> np.ndarray:
    """Every cadre's report of this harvest (kg); remembers each cadre's markup."""
    if markups_fading(model):
        keep = model.p["markup_persistence"]
        for cadre in model.cadres:
            cadre.last_markup *= keep
        return true_kg * (1.0 + np.array([c.last_markup for c in model.cadres]))
    if not reporting_pressure_on(model):
        for cadre in model.cadres:
            cadre.last_markup = 0.0
        return true_kg.copy()
    p = model.p
    targets = season_targets(model, share)
    vis = visibility(model)
    risk = model.purge_risk()
    last = np.array([c.last_markup for c in model.cadres])
    reports = np.empty_like(true_kg)
    for c, cadre in enumerate(model.cadres):
        peers = model.official_of[c].communes
        peer_markup = (last[peers].sum() - last[c]) / max(len(peers) - 1, 1)
        m = cadre.markup(true_kg[c], targets[c], risk, peer_markup, vis[c], p)
        cadre.last_markup = m
        reports[c] = true_kg[c] * (1.0 + m)
    return reports


def official_reports(model, cadre_kg: np.ndarray) -> np.ndarray:
    """Per commune, the report as it leaves the official (his markup applied to his communes)."""
    fade = markup_weight(model)
    if fade == 0.0:  # no markup added: none for the peers to outbid at the next harvest
        for official in model.officials:
            official.last_markup = 0.0
        return cadre_kg.copy()
    vis = visibility(model)
    out = cadre_kg.copy()
    peers_last = _province_peers_last(model)
    for official, peers in zip(model.officials, peers_last):
        group = official.communes
        official.last_markup = official.markup(float(vis[group].mean()), model.p, peers)
        out[group] *= 1.0 + fade * official.last_markup
    return out


def _province_peers_last(model) -> list[float]:
    """For each official, the mean markup the other officials of his province added at the last
    harvest (his peers in the province's emulation contest)."""
    province = [model.commune_province[o.communes[0]] for o in model.officials]
    last = np.array([o.last_markup for o in model.officials])
    out = []
    for k, official in enumerate(model.officials):
        peers = [j for j in range(len(last)) if j != k and province[j] == province[k]]
        out.append(float(last[peers].mean()) if peers else 0.0)
    return out


def provincial_reports(model, official_kg: np.ndarray) -> np.ndarray:
    """Per commune, the claim as it leaves its province for the centre (the leader's markup on his
    counties' reports, ``provinces.py``)."""
    fade = markup_weight(model)
    if fade == 0.0:  # no markup added: none for the other provinces to outbid at the next harvest
        for leader in model.leaders:
            leader.last_markup = 0.0
        return official_kg.copy()
    return provinces.provincial_reports(model, official_kg, visibility(model), fade)


def file_reports(model, true_kg: np.ndarray, official_kg: np.ndarray) -> None:
    """Keep this harvest's official reports (and the truth they describe) on file for the year."""
    com = model.communes
    com.true_kg_this_year += true_kg
    com.official_kg_this_year += official_kg


def close_harvest_year(model) -> None:
    """After the autumn harvest: this year's official reports become last year's report."""
    com = model.communes
    reported, true = com.official_kg_this_year, com.true_kg_this_year
    com.report_last_year = np.where(reported > 0, reported, com.report_last_year)
    com.report_ratio_last_year = np.divide(reported, true, out=np.ones(com.n), where=true > 0)
    com.official_kg_this_year = np.zeros(com.n)
    com.true_kg_this_year = np.zeros(com.n)
