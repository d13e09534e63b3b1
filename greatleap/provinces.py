"""Provinces and their leaders (ODD 7.12).

Rules in plain words:
- The world is provinces -> counties (one official each) -> communes: consecutive counties form
  ``n_provinces`` provinces of (nearly) equal size.
- Each province is led by a first secretary with traits drawn once (from a generator of its own,
  so that the rest of the run's random stream is untouched):
  zeal ~ Beta(2, 2) (an assumption: the literature ranks leaders from the radical, Sichuan's Li
  Jingquan or Anhui's Zeng Xisheng, to the cautious, Guangdong or Zhejiang, without a measured
  distribution); a career stake, being an alternate member of the Central Committee, with
  probability ``leader_alternate_share`` (Kung & Chen 2011: alternate members, hoping for
  promotion, procured more and their provinces died more); loyalty to the centre ~ Beta(3, 2)
  (an assumption).
- The leader's zeal sets how hard his province runs the communes' campaigns: its hall
  participation is the national mean plus ``leader_hall_drive`` times his zeal above the mean
  (radical provinces put nearly everyone in the halls, cautious ones fewer; each commune keeps its
  own spread around its province's level), and its cadres send (1 + ``leader_campaign_drive`` x
  his zeal above the mean) times their own share of the able to the furnaces and the water works.
- The leader's stake, the mean of his zeal and his alternate status, sets what he adds to the
  campaign: his own markup on the counties' reports before they go to the centre
  (``provincial_markup`` per unit zeal, raised towards the other provinces' last markups,
  ``peer_outbidding``, and fading with the visible famine like an official's), a
  quota increment passed down to every county (``provincial_quota_push`` per unit stake), and the
  intensity of the purge of low reporters (0.5 + zeal times the national purge risk; an
  assumption: Henan, Anhui and Gansu purged far more after Lushan, Yang Jisheng 2012).
- Provinces differ apart from their leaders (``Lands``, drawn after the leaders from the same
  generator): in land, a province's normal grain per head is exp(N(0, ``province_fertility_sd``))
  times the national (rescaled to a mean of 1, so the nation's normal harvest is unchanged); in
  weather, a share ``weather_province_share`` of the regional spread of each year's weather is
  one draw for the whole province (``production.regional_weather``); in towns, town households are
  placed in a province's counties in proportion to their villagers times exp(N(0,
  ``province_urban_sd``)), so a province's share of the towns' levies (ODD 7.9) follows its towns.
  All three spreads are assumptions with priors; none is fitted to a provincial series.
- Counterfactuals ``moderate_leaders``: every province is led by the moderate type (zeal 0.1, no
  alternate member); ``alike_provinces``: provinces alike in land, weather and towns.
- Per-month work is per province and county, never per person.
"""

from __future__ import annotations

import numpy as np

from greatleap.agents import outbid

# The zeal of the moderate type of leader (counterfactual moderate_leaders).
# assumption: near the bottom of the Beta(2, 2) spread of zeal, the cautious leaders of Guangdong or Zhejiang.
MODERATE_ZEAL = 0.1
# A leader's zeal and loyalty to the centre, Beta(a, b) on 0-1 (means 0.5 and 0.6).
# assumption: the literature ranks leaders from the radical to the cautious without a measured
# distribution (see the module's rules).
ZEAL_BETA, LEADER_LOYALTY_BETA = (2, 2), (3, 2)
MEAN_ZEAL = ZEAL_BETA[0] / sum(ZEAL_BETA)  # definition: the mean of that Beta, 0.5


class Leader:
    """A provincial first secretary."""

    def __init__(self, province: int, zeal: float, alternate: bool, loyalty: float):
        self.province = province
        self.zeal = zeal
        self.alternate = alternate
        self.loyalty = loyalty
        self.last_markup = 0.0  # what he added at the last harvest (the other provinces outbid it)

    @property
    def stake(self) -> float:
        """Career stake, 0-1: zeal and the hope of promotion of an alternate member."""
        return 0.5 * (self.zeal + float(self.alternate))

    def markup(self, visibility: float, p, peers_last: float = 0.0) -> float:
        """The province's own markup on its counties' reports (ODD 7.3), raised towards what the
        other provinces added at the last harvest (``agents.outbid``)."""
        return outbid(p["provincial_markup"] * self.zeal, peers_last, p) * (1.0 - visibility)

    def purge_intensity(self, p) -> float:
        """How many times the national purge risk this leader's province applies
        (``purge_intensity_base`` + zeal: 1 at the mean zeal with the default)."""
        return p["purge_intensity_base"] + self.zeal

    def quota_push(self, p) -> float:
        """The increment the province adds to the quotas it passes down (ODD 7.5)."""
        return p["provincial_quota_push"] * self.stake

    def hall_drive(self, p) -> float:
        """What the leader adds to his province's share of households in the halls (ODD 7.6)."""
        return p["leader_hall_drive"] * (self.zeal - MEAN_ZEAL)

    def campaign_drive(self, p) -> float:
        """How many times their own share of the able his cadres send to the campaigns (ODD 7.2)."""
        return max(1.0 + p["leader_campaign_drive"] * (self.zeal - MEAN_ZEAL), 0.0)


def build(model) -> tuple[list[Leader], np.ndarray]:
    """The provinces' leaders and, per commune, its province: consecutive counties (groups of
    ``communes_per_official`` communes, one official each) form the provinces. Needs only the
    parameters and the provinces' generator (``model.province_rng``), so that the leaders exist
    before the households are drawn (their zeal sets hall participation)."""
    p, rng = model.p, model.province_rng
    county = np.arange(p["n_communes"]) // p["communes_per_official"]
    n_counties = int(county[-1]) + 1
    n = max(1, min(p["n_provinces"], n_counties))
    commune_province = ((county * n) // n_counties).astype(np.int64)
    leaders = []
    for k in range(n):
        zeal, alternate = float(rng.beta(*ZEAL_BETA)), bool(rng.random() < p["leader_alternate_share"])
        loyalty = float(rng.beta(*LEADER_LOYALTY_BETA))
        if p["moderate_leaders"]:
            zeal, alternate = MODERATE_ZEAL, False
        leaders.append(Leader(k, zeal, alternate, loyalty))
    return leaders, commune_province


def generator(model_rng: np.random.Generator) -> np.random.Generator:
    """The provinces' own random generator, spawned from the model's: what is drawn for the
    provinces (leaders, lands, their weather) leaves the rest of the run's stream as it was."""
    seed_seq = getattr(model_rng.bit_generator, "seed_seq", None)
    return np.random.default_rng(seed_seq.spawn(1)[0] if seed_seq is not None else None)


class Lands:
    """What a province is apart from its leader, drawn once after the leaders (ODD 7.12):

    - ``fertility``: its normal grain output per head, relative (``province_fertility_sd``; mean 1
      over communes, so the nation's normal harvest stays as the communes draw it);
    - ``urban_weight``: how many town residents it holds per villager, relative
      (``province_urban_sd``; mean 1 over provinces; the towns place their households by it).
    Each province's weather is drawn with the nation's each year (``weather_shocks``)."""

    def __init__(self, rng: np.random.Generator, commune_province: np.ndarray, p):
        n = int(commune_province.max()) + 1
        fertility = np.exp(p["province_fertility_sd"] * rng.standard_normal(n))
        self.fertility = fertility / np.average(fertility, weights=np.bincount(commune_province, minlength=n))
        urban = np.exp(p["province_urban_sd"] * rng.standard_normal(n))
        self.urban_weight = urban / urban.mean()


def province_of_region(model) -> np.ndarray:
    """Per region (county, the index of its town), its province."""
    com = model.communes
    out = np.zeros(int(com.region.max()) + 1 if com.n else 1, dtype=np.int64)
    out[com.region] = model.commune_province
    return out


def weather_shocks(model) -> np.ndarray:
    """Per province, this year's standard-normal weather shock (its part of the regional spread,
    ``weather_province_share``, is applied in ``production.regional_weather``)."""
    return model.province_rng.standard_normal(len(model.leaders))


def _per_commune(leaders: list[Leader], commune_province: np.ndarray, of_leader) -> np.ndarray:
    """Per commune, ``of_leader(leader)`` of its province's leader."""
    return np.array([of_leader(leader) for leader in leaders])[commune_province]


def hall_drive(leaders: list[Leader], commune_province: np.ndarray, p) -> np.ndarray:
    """Per commune, what its province's leader adds to its hall participation."""
    return _per_commune(leaders, commune_province, lambda leader: leader.hall_drive(p))


def campaign_drive(model) -> np.ndarray:
    """Per commune, the factor its province's leader puts on its cadre's campaign mobilisation."""
    return _per_commune(model.leaders, model.commune_province, lambda leader: leader.campaign_drive(model.p))


def quota_push(model) -> np.ndarray:
    """Per commune, the province's quota increment."""
    return _per_commune(model.leaders, model.commune_province, lambda leader: leader.quota_push(model.p))


def provincial_reports(model, official_kg: np.ndarray, visibility: np.ndarray, fade: float) -> np.ndarray:
    """Per commune, the claim as it leaves the province for the centre."""
    out = official_kg.copy()
    pop = model.commune_population().astype(float)
    peers_last = peer_means([leader.last_markup for leader in model.leaders])
    for leader, peers in zip(model.leaders, peers_last):
        mine = model.commune_province == leader.province
        weights = pop[mine] if pop[mine].sum() > 0 else None
        seen = float(np.average(visibility[mine], weights=weights)) if mine.any() else 0.0
        leader.last_markup = leader.markup(seen, model.p, peers)
        out[mine] *= 1.0 + fade * leader.last_markup
    return out


def peer_means(values) -> np.ndarray:
    """For each of ``values``, the mean of the others (0 for one alone): a peer's benchmark."""
    v = np.asarray(values, dtype=float)
    return (v.sum() - v) / max(len(v) - 1, 1)
