"""Towns made of people (ODD 7.10): town residents with the villagers' bodies, in town
households, eating the ration the state delivers.

Rules in plain words:
- Town residents are people like the villagers (``population.People``, the same physiology):
  they grow, waste, conceive, give birth and die by the rules of ``physiology``, applied by the
  same compiled passes. Each belongs to a town household and to the town of a region (the
  region's communes' town; at the start, in proportion to the region's villagers times its
  province's urban weight, ODD 7.12); children take their mother's registration, as the household
  registration system of the 1950s had it.
- Registered residents (urban-born, and the peasants recruited into industry in 1958) get a
  graded ration: a fixed entitlement graded by age, sex and work, here the energy need of a
  resident of that age, sex, height and work at the age's median BMI (the 1955 urban rationing
  rules graded by work and age; grading by need is an assumption). A thin resident's need is
  below it, so a full ration lets him recover. Refugees who fled the villages have no registration and live on half a ration
  (begging, odd jobs; an assumption kept from before issue 12).
- The state decides what share of the full ration it delivers this month (``state.feed_towns``:
  full while the centre holds enough, cut when it is short). Besides grain, town households get
  ``town_other_food`` of their entitlement from what the ration does not cover and is not cut
  (vegetables, oil, meat, free markets, odd jobs). A household's pot is its members'
  entitlements times that mix, shared by the household's rule (``dining.home_shares``).
- Those of working age and able to work work in the towns (``physiology.TOWN_WORK_PAL``).
- Deaths follow the villagers' rules, with the towns' lower normal mortality
  (``urban_mortality``) and a famine epidemic of the town's own starving.
- People move: recruits arrive in 1958 (one household each, a dormitory place); refugees arrive
  with their household; when the centre cannot feed the towns after its retreat it sends
  residents back down (``state.send_down``: recruits first, then urban-born), their bodies with them.
"""

from __future__ import annotations

import numpy as np

from greatleap import dining, kernels, physiology, provinces, village, world
from greatleap.population import RECRUITED, REFUGEE, URBAN, People



class TownHouseholds:
    """Town households, one entry each (arrays grow as households arrive).

    - ``region`` the region whose town it lives in
    - ``ration`` share of its members' need that the full ration covers (1 registered, 0.5 refugees)
    """

    def __init__(self, capacity: int):
        self.n = 0
        self.region = np.zeros(capacity, dtype=np.int16)
        self.ration = np.zeros(capacity, dtype=np.float32)

    def add(self, region: np.ndarray, ration: float) -> np.ndarray:
        k = len(region)
        if self.n + k > len(self.region):
            size = max(self.n + k, 2 * len(self.region))
            for name in ("region", "ration"):
                old = getattr(self, name)
                new = np.zeros(size, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        idx = np.arange(self.n, self.n + k)
        self.region[idx], self.ration[idx] = region, ration
        self.n += k
        return idx

    def __len__(self) -> int:
        return self.n


class Towns:
    """The towns' residents (``people``: ``commune`` holds the region of their town) and households."""

    def __init__(self, model, residents: int):
        self.model = model
        p, rng = model.p, model.rng
        self.n_regions = int(model.communes.region.max()) + 1 if model.communes.n else 1
        self.households = TownHouseholds(max(16, residents // 2))
        self.people = People(capacity=int(residents * 1.3) + 16)
        if residents > 0:
            sizes = 1 + rng.poisson(p["household_size"] - 1, residents)  # more than enough households
            sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), residents)) + 1]
            sizes[-1] -= sizes.sum() - residents
            homes = self.households.add(rng.choice(self.n_regions, len(sizes), p=self._placement(model)), 1.0)
            household = np.repeat(homes, sizes)
            ages, female = world.draw_persons(rng, residents)
            self.people.add(age=ages, female=female, household=household,
                            commune=self.households.region[household], registration=URBAN,
                            **world.draw_bodies(rng, ages, female, p))
        self.counts = np.zeros(4)
        self._recount()

    def _placement(self, model) -> np.ndarray:
        """Per region, the chance that a town household of the start lives in its town: the
        region's villagers times its province's urban weight (ODD 7.12), so provinces differ in
        their urban share and the nation's stays ``urban_share``."""
        villagers = np.bincount(model.communes.region, weights=model.commune_population(), minlength=self.n_regions)
        weight = villagers * model.lands.urban_weight[provinces.province_of_region(model)]
        return weight / weight.sum()

    # ---- who lives here ---------------------------------------------------------------------
    def _recount(self) -> None:
        people = self.people
        self.counts = kernels.count_living(people.view("alive"), people.view("registration"), 4).astype(float)

    def _count(self, idx: np.ndarray, sign: int) -> None:
        """People ``idx`` arrive (+1) or leave (-1): the counts by registration follow without a
        pass over every resident (whole numbers: the same as ``_recount``)."""
        self.counts += sign * np.bincount(self.people.registration[idx], minlength=4)

    def registered(self) -> float:
        """Residents with an urban ration: urban-born and recruited."""
        return float(self.counts[URBAN] + self.counts[RECRUITED])

    def refugees(self) -> float:
        return float(self.counts[REFUGEE])

    def population(self) -> int:
        return int(self.counts.sum())

    # ---- arrivals and departures ------------------------------------------------------------
    def admit(self, bodies: dict[str, np.ndarray], registration: int, group: np.ndarray,
              region: np.ndarray) -> np.ndarray:
        """New residents with their bodies; those sharing a ``group`` value form one new household
        in the town of ``region`` (per person). Returns their indices."""
        if len(group) == 0:
            return np.zeros(0, dtype=np.int64)
        keys, first, household = np.unique(group, return_index=True, return_inverse=True)
        ration = self.model.p["refugee_ration"] if registration == REFUGEE else 1.0
        homes = self.households.add(region[first].astype(np.int16), ration)
        home = homes[household]
        idx = self.people.add(household=home, commune=self.households.region[home],
                              registration=registration, **bodies)
        self._count(idx, +1)
        return idx

    def send_down(self, n: int) -> dict[str, np.ndarray]:
        """Up to ``n`` registered residents leave for the villages: the 1958 recruits first (the
        earliest arrivals first), then urban-born residents; returns their bodies."""
        people = self.people
        alive, registration = people.view("alive"), people.view("registration")
        recruits = np.flatnonzero(alive & (registration == RECRUITED))
        urban = np.flatnonzero(alive & (registration == URBAN))
        leaving = np.concatenate([recruits, urban])[:n]
        bodies = people.take(leaving)
        people.remove(leaving)
        self._count(leaving, -1)
        return bodies

    # ---- the towns' month --------------------------------------------------------------------
    def live_month(self, fill: float) -> None:
        """Meals from the ration the state delivered (``fill``: its share of the full ration),
        bodies, deaths, births and ageing."""
        m, people, p = self.model, self.people, self.model.p
        alive = np.flatnonzero(people.view("alive"))
        if len(alive) == 0:
            return
        hh, n_hh = self.households, len(self.households)
        need_hh, priority_hh, entitled = np.zeros(n_hh), np.zeros(n_hh), np.zeros(n_hh)
        living, starving = np.zeros(self.n_regions), np.zeros(self.n_regions)
        milk, extra = village.breastfeeding(m, people, alive, n_hh)
        need, able = kernels.town_needs(alive, people.age, people.female, people.hunger, people.bmi, people.height,
                                        people.gestation, people.household, people.commune,
                                        physiology.TOWN_WORK_PAL, need_hh, priority_hh, entitled, living, starving,
                                        people.postpartum, physiology.nursing_above(p), extra, milk,
                                        physiology.breastfed_months(p))
        other = p["town_other_food"]
        pot = entitled * (other + (1.0 - other) * hh.ration[:n_hh] * min(max(fill, 0.0), 1.0))
        others, workers = dining.home_shares(pot, need_hh, priority_hh, p["home_priority"])
        tally = m.recorder.food_tally(self.n_regions)
        meals = village.Meals(np.float32(0.0), np.zeros(n_hh, np.float32), np.zeros(self.n_regions, np.float32),
                              others, workers, np.zeros(n_hh), milk)  # no halls in the towns
        month = village.bodies_month(m, people, "urban", n_hh, alive, need, able, meals, tally,
                                     physiology.epidemic_factor(starving, living, p),
                                     p["baseline_mortality"] * p["urban_mortality"])
        m.recorder.record_bodies("urban", month.body)
        self.kill(month.starved, "starvation")
        self.kill(month.other, "baseline")
        self._count(village.give_birth(m, people, "urban", month.due, month.due_ratio, self._homes), +1)
        kernels.grow_older(people.view("alive"), people.view("age"), np.float32(1 / 12))

    def _homes(self, mothers: np.ndarray):
        people = self.people
        return people.household[mothers], people.commune[mothers], people.registration[mothers]

    def kill(self, idx: np.ndarray, cause: str) -> None:
        if len(idx) == 0:
            return
        people = self.people
        people.remove(idx)
        self._count(idx, -1)
        self.model.register.register_other(len(idx))
        self.model.recorder.record_deaths(people, idx, cause, "urban")
