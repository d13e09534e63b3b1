"""Capital and land (ODD 7.11): the farm economy's stocks per commune, which the campaigns can
run down and which rebuild at their own pace. All arrays are indexed by commune, so the month's
work here does not grow with the number of peasants.

State variables:
- ``planned_area``   share of the land the plan lets the grain crops be sown on (``planning``)
- ``technique``      yield level of normal farming against 1957 (varieties, fertiliser, skills)
- ``draught``, ``pigs``  the two herds (``Herd``: head, the January 1957 head, the share of their
                     feed they get, head eaten this month); ``animals`` and ``animals_normal`` are
                     the draught herd's
- ``tools``          farm tools against the normal stock (1 = normal)
- ``irrigated``      share of the land newly and soundly irrigated since 1957
- ``damaged``        share of the land waterlogged or salinised by badly built works
Seed is the commune's ``seed`` store (``world.Communes``).

Rules in plain words:
- Seed: at each harvest the cadre keeps the next sowing's seed before anything else
  (``seed_rate``). Unless seed is protected (preset ``seed_protected``), hungry
  households eat from it (``seed_eaten_share`` of the store a month at most, as far as their
  shortfall goes), and when a quota presses after collection, the cadre hands over seed in the
  measure he would not defend the village's grain (``Cadre.retention_share``). Seed eaten in a
  hungry spring is land not sown.
- Draught animals: at each harvest the cadre keeps their feed (``animal_feed_kg`` a head a year,
  the harvest's share of it) from the collective grain, cut in the measure the harvest per
  person falls short of normal: people come first. The herd grows at ``herd_growth`` a year when
  fed, up to what the land keeps (``herd_capacity`` x the herd of January 1957), and dies at up to
  ``animal_hunger_loss`` a year when not. Hungry households kill and eat the animals after the
  seed, more where more starve: ``animal_slaughter_share`` of the herd a month where all starve,
  as far as their shortfall goes (``animal_meat_kg`` of grain's worth of food a head); an animal
  eaten now is land not ploughed at the next sowing, and a lost herd regrows only at
  ``herd_growth``. Ploughing
  capacity follows the herd: the area sown falls as (herd / normal) ** ``animal_area_elasticity``
  when the herd is below normal.
- Pigs (``pigs_per_capita``, SSB 1957) are a herd by the same rules with their own parameters,
  but eat no grain from the granary: they live on by-products (bran, chaff, vines, scraps), which
  the starving eat themselves, so a month's feed is the share of the commune not starving. Fed,
  they grow fast (``pig_growth``) up to ``pig_capacity`` x the January 1957 herd; unfed, they are
  lost fast (``pig_hunger_loss``); and they are eaten by the starving before the draught animals
  (``pig_slaughter_share``, ``pig_meat_kg``): a pig is food, an ox the next harvest. Pigs were the
  farms' fertiliser: the yield follows (pigs / normal) ** ``manure_elasticity`` when the herd is
  below normal, so a herd eaten in the famine is manure missing from the fields for years after.
- Tools: the furnace campaign melts ``tool_melt_rate`` of the tools a month per share of the
  able at the furnaces (pots, hoes, doors); tools wear out and industry replaces them over
  ``tool_life`` years, so a loss closes at that pace. Labour's product (the yield) follows
  tools ** ``tool_elasticity``.
- Soil and water: each month of the winter irrigation campaign reaches ``irrigation_works_rate``
  of the land per share of the able on the works; the ``irrigation_sound_share`` of works built
  well irrigates it (yield up by ``irrigation_gain``), the rest waterlogs or salinises it (yield
  down by ``land_damage_loss``), damage that heals at ``land_recovery`` a year.
- Technical progress (``yield_trend``) only goes on in a working farm economy: it stops in any
  year that starts with the herd or the tools below their normal level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from greatleap import labour, sums


# A stock within this share of its normal level counts as normal for technical progress.
# assumption: a herd a per cent below its 1957 size (a few head eaten in a hungry month) is the
# year-to-year noise of a working farm, not a farm economy run down.
NORMAL_STOCK = 0.99


@dataclass(frozen=True)
class HerdKind:
    """The names of one kind of herd's parameters (``params.py``, ODD 7.11); ``feed_kg`` None for
    a herd that eats no grain from the granary."""
    per_capita: str
    feed_kg: str | None
    growth: str
    hunger_loss: str
    capacity: str
    slaughter_share: str
    meat_kg: str


DRAUGHT = HerdKind("animals_per_capita", "animal_feed_kg", "herd_growth", "animal_hunger_loss", "herd_capacity",
                   "animal_slaughter_share", "animal_meat_kg")
PIGS = HerdKind("pigs_per_capita", None, "pig_growth", "pig_hunger_loss", "pig_capacity",
                "pig_slaughter_share", "pig_meat_kg")


class Herd:
    """One kind of animal per commune: ``head``, ``normal`` (the head of January 1957),
    ``feed_cover`` (the share of its feed it gets: the draught animals' grain kept back at the last
    harvest, the pigs' by-products left by the starving this month) and ``slaughtered`` (head eaten
    this month, read by the recorder)."""

    def __init__(self, kind: HerdKind, p, villagers: np.ndarray):
        self.kind = kind
        self.head = p[kind.per_capita] * villagers
        self.normal = self.head.copy()
        self.feed_cover = np.ones(len(villagers))
        self.slaughtered = np.zeros(len(villagers))

    def ratio(self) -> np.ndarray:
        return np.divide(self.head, self.normal, out=np.ones_like(self.head), where=self.normal > 0)

    def month(self, p) -> None:
        """Growth when fed, loss when not; a fed herd grows up to what the land keeps and no further
        (one above it stops growing)."""
        k = self.kind
        after = self.head * (1.0 + (p[k.growth] * self.feed_cover - p[k.hunger_loss] * (1.0 - self.feed_cover)) / 12)
        self.head = np.minimum(after, np.maximum(p[k.capacity] * self.normal, self.head))

    def feed(self, p, crop_share: float, granary: np.ndarray, harvest: np.ndarray) -> np.ndarray:
        """Harvest: the herd's feed until the next harvest, cut in the measure the harvest
        (``harvest``, against normal) falls short; returns kg fed per commune."""
        need = self.head * p[self.kind.feed_kg] * crop_share
        fed = np.minimum(granary, need * np.clip(harvest, 0.0, 1.0))
        self.feed_cover = np.divide(fed, need, out=np.ones_like(need), where=need > 0)
        return fed

    def kill(self, p, wanted: np.ndarray, starving: np.ndarray) -> np.ndarray:
        """Hungry households kill and eat the herd, more where more starve: up to
        ``slaughter_share`` of it a month where all starve, as far as ``wanted`` (kg of grain's
        worth, per commune) goes. Returns kg eaten per commune."""
        k = self.kind
        meat = p[k.slaughter_share] * starving * self.head * p[k.meat_kg]
        eaten = np.minimum(wanted, meat)
        self.slaughtered = np.divide(eaten, p[k.meat_kg], out=np.zeros_like(eaten), where=meat > 0)
        self.head = self.head - self.slaughtered
        return eaten


class Capital:
    def __init__(self, model):
        n, p = model.communes.n, model.p
        self.planned_area = np.ones(n)
        self.technique = np.ones(n)
        villagers = model.commune_population().astype(float)
        self.draught, self.pigs = Herd(DRAUGHT, p, villagers), Herd(PIGS, p, villagers)
        self.tools = np.ones(n)
        self.irrigated = np.zeros(n)
        self.damaged = np.zeros(n)
        self.seed_eaten = np.zeros(n)  # this month, kg (read by the recorder)
        self.seed_handed_over = np.zeros(n)

    # the draught herd's head, as the farm tables and the map name it
    @property
    def animals(self) -> np.ndarray:
        return self.draught.head

    @animals.setter
    def animals(self, head: np.ndarray) -> None:
        self.draught.head = head

    @property
    def animals_normal(self) -> np.ndarray:
        return self.draught.normal

    # ---- the year and the month ---------------------------------------------------------
    def new_year(self, model) -> None:
        """January: technical progress of the year, where the farm economy works."""
        working = (self.animal_ratio() >= NORMAL_STOCK) & (self.tools >= NORMAL_STOCK)
        self.technique *= np.where(working, 1.0 + model.p["yield_trend"], 1.0)

    def month(self, model) -> None:
        """The month's change of the herd, the tools and the land."""
        p = model.p
        self.draught.month(p)
        self.pigs.month(p)
        cal, ym = model.calendar, model.ym
        if not (cal.furnaces_on(ym) or cal.irrigation_on(ym)):
            furnace = irrigation = 0.0  # no campaign: skip the per-cadre shares
        else:
            furnace, irrigation = labour.campaign_shares(model)
        if p["tool_melting"]:
            self.tools *= 1.0 - np.clip(p["tool_melt_rate"] * furnace, 0.0, 1.0)
        self.tools += (1.0 - self.tools) / (12 * p["tool_life"])
        works = p["irrigation_works_rate"] * irrigation * (1.0 - self.irrigated - self.damaged)
        self.damaged *= 1.0 - p["land_recovery"] / 12
        self.irrigated += p["irrigation_sound_share"] * works
        self.damaged += (1.0 - p["irrigation_sound_share"]) * works

    # ---- what the fields get from the stocks --------------------------------------------
    def animal_ratio(self) -> np.ndarray:
        return self.draught.ratio()

    def ploughing(self, model) -> np.ndarray:
        """Per commune, the share of the planned area the herd can plough (1 at a normal herd)."""
        return np.minimum(1.0, self.animal_ratio()) ** model.p["animal_area_elasticity"]

    def yield_factor(self, model) -> np.ndarray:
        """Per commune, what tools, land and the pigs' manure do to the yield (1 in 1957)."""
        p = model.p
        return (self.tools ** p["tool_elasticity"] * (1.0 + p["irrigation_gain"] * self.irrigated)
                * (1.0 - p["land_damage_loss"] * self.damaged)
                * np.minimum(1.0, self.pigs.ratio()) ** p["manure_elasticity"])

    # ---- grain the stocks take or give ----------------------------------------------------
    def keep_feed(self, model, crop_share: float, grain: np.ndarray) -> np.ndarray:
        """Harvest: the draught animals' feed until the next harvest, from the collective grain, cut
        in the measure the harvest (``grain``, kg) falls short of normal output per person. Returns
        kg fed (eaten) per commune."""
        com, p = model.communes, model.p
        normal = model.potential * crop_share * model.commune_population() / model.people_at_start
        harvest = np.divide(grain, normal, out=np.zeros(com.n), where=normal > 0)
        fed = self.draught.feed(p, crop_share, com.granary, harvest)  # the pigs eat no grain
        com.granary -= fed
        return fed

    def eat_seed(self, model, shortfall_kg: np.ndarray, need_kg: np.ndarray) -> np.ndarray:
        """Hungry households eat seed grain; returns kg eaten per household."""
        com = model.communes
        short, wanted = _real_hunger(model, shortfall_kg, need_kg)
        if model.p["seed_protected"]:
            self.seed_eaten = np.zeros(com.n)
            return np.zeros_like(short)
        eaten = np.minimum(wanted, model.p["seed_eaten_share"] * com.seed)
        com.seed -= eaten
        self.seed_eaten = eaten
        return _shared_out(model, short, wanted, eaten)

    def slaughter(self, model, shortfall_kg: np.ndarray, need_kg: np.ndarray, starving: np.ndarray) -> np.ndarray:
        """Hungry households kill and eat their animals after the seed, the pigs before the draught
        animals; returns kg of grain's worth of food eaten per household. An ox is the means of
        next year's harvest, not a poor household's lean month: the animals a commune kills grow
        with the share of its people starving (``starving``, per commune), as far as their real
        hunger goes (``Herd.kill``). The pigs live on by-products (bran, chaff, vines, scraps),
        which the starving eat themselves: the pigs' feed this month is the share not starving."""
        self.pigs.feed_cover = 1.0 - starving
        short, wanted = _real_hunger(model, shortfall_kg, need_kg)
        pork = self.pigs.kill(model.p, wanted, starving)
        beef = self.draught.kill(model.p, wanted - pork, starving)
        return _shared_out(model, short, wanted, pork + beef)

    def hand_over_seed(self, model) -> np.ndarray:
        """Harvest, after collection: the cadre pays a quota still owed out of the seed store,
        as far as he would not defend the village's grain. Returns kg handed over."""
        com = model.communes
        if model.p["seed_protected"] or not model.leap_on():
            self.seed_handed_over = np.zeros(com.n)
            return self.seed_handed_over
        risk = model.purge_risk()
        defence = np.array([c.retention_share(risk) for c in model.cadres])
        give = np.minimum(com.quota, com.seed * np.clip(1.0 - defence, 0.0, 1.0))
        com.seed -= give
        com.quota -= give
        self.seed_handed_over = give
        return give


def _real_hunger(model, shortfall_kg: np.ndarray, need_kg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Only real hunger opens the seed store and the stalls: per household, the shortfall beyond
    the share of need that also drives people to strip the fields (``green_hunger``), and its sum
    per commune."""
    return _beyond_green_hunger(shortfall_kg, need_kg, model.p["green_hunger"], model.households.commune,
                                model.communes.n)


@njit(cache=True, error_model="numpy")
def _beyond_green_hunger(shortfall_kg, need_kg, green_hunger, commune, n_communes):
    """``_real_hunger`` in one pass over the households (numpy took four), then its sums."""
    short = np.empty(len(shortfall_kg))
    for j in range(len(shortfall_kg)):
        short[j] = max(shortfall_kg[j] - green_hunger * need_kg[j], 0.0)
    return short, sums.by_group(short, commune, n_communes)


def _shared_out(model, short: np.ndarray, wanted: np.ndarray, eaten: np.ndarray) -> np.ndarray:
    """Per household, its part of what its commune ``eaten`` (kg) of the ``wanted`` shortfalls."""
    share = np.divide(eaten, wanted, out=np.zeros(model.communes.n), where=wanted > 0)
    return _times_commune_share(short, share, model.households.commune)


@njit(cache=True, error_model="numpy")
def _times_commune_share(short, share, commune):
    """``short`` x its commune's ``share``, without a household-length gather first."""
    out = np.empty(len(short))
    for j in range(len(short)):
        out[j] = short[j] * share[commune[j]]
    return out
