"""FamineModel: the world and the month's schedule (ODD 2, process overview and scheduling).

``step()`` simulates one month, phase by phase, in the order listed in ``step``; each phase
lives in its mechanism's module. Keyword parameters are those of ``greatleap.params``; a
``scenario`` name applies a preset first.
"""

from __future__ import annotations

import numpy as np
from mesa import DataCollector, Model

from greatleap import capital, careers, coping, dining, kernels, labour, physiology, planning, procurement, production
from greatleap import provinces, registration, reporters, reporting, sums, tables, towns, world
from greatleap.agents import (AMBITION_BETA, CAREER_STAKE_BETA, LOYALTY_BETA, RISK_AVERSION_BETA, Cadre,
                              Official, Peasant)
from greatleap.calendar import HISTORICAL, MONTH_NAMES, Calendar, month_index
from greatleap.village import Village
from greatleap.ledger import GrainLedger
from greatleap.errors import InputError
from greatleap.params import resolve
from greatleap.state import State


def _seed(rng):
    """A seed: None, a SeedSequence or Generator, or a whole number >= 0 (typed seeds arrive as text)."""
    if isinstance(rng, str):
        text = rng.strip()
        if not text.lstrip("-").isdigit():
            raise InputError("seed", f"got {rng!r}; allowed: a whole number >= 0")
        rng = int(text)
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng < 0:
        raise InputError("seed", f"got {rng}; allowed: a whole number >= 0")
    return rng


class FamineModel(Model):
    def __init__(self, rng=None, calendar: Calendar | None = None, scenario: str = "baseline",
                 recording: str = "all", **params):
        """``recording``: "all" (the default) records every outcome; "none" records nothing and
        leaves the run itself identical (observation only reads the model)."""
        rng = _seed(rng)
        super().__init__(rng=rng)
        self.rng_seed = rng
        self.scenario = scenario
        self.p = resolve(scenario, **params)
        self.calendar = calendar or HISTORICAL
        self.start = (self.p["start_year"], 1)
        self.n_months = (self.p["end_year"] - self.p["start_year"] + 1) * 12
        self.halls_were_open = False  # last month's state, to open or close the halls on a change
        self._living_counts: dict[str, tuple] = {}  # _living_by's last counts
        self.first_t = -self.p["spin_up_months"]  # the first month run: < 0 while spinning up
        self.t, self.ym = self.first_t - 1, self.start
        self._build_world()
        self.ledger = GrainLedger()
        self._spin_up()
        self.t, self.ym, self.steps = -1, self.start, 0  # the recorded run starts here
        self.recorder = reporters.Recorder(self, recording)
        self.datacollector = DataCollector(model_reporters=reporters.model_reporters(self))
        self.peasants_materialised = self.p["materialise_peasants"]
        if self.peasants_materialised:
            self._materialise(np.flatnonzero(self.people.view("alive")))

    # ---- building -------------------------------------------------------------------------
    def _build_world(self) -> None:
        p = self.p
        _, _, ids = world.commune_layout(p["n_communes"], p["commune_side"])
        self.plot_ids, self._grid = ids, None
        # ODD 7.12: the provinces' leaders first (a generator of their own), whose zeal sets the
        # province's hall participation, then their lands, which set the communes' fertility
        self.province_rng = provinces.generator(self.rng)
        self.leaders, self.commune_province = provinces.build(self)
        self.lands = provinces.Lands(self.province_rng, self.commune_province, p)
        fertility = world.draw_fertility(self.rng, ids, p)
        self.fertility_map = fertility = fertility * self.lands.fertility[self.commune_province[np.maximum(ids, 0)]]
        participation = world.draw_hall_participation(self.rng, p, provinces.hall_drive(
            self.leaders, self.commune_province, p))
        self.households = hh = world.build_households(self, ids, p, participation)
        self.people = world.build_people(self, hh, p)
        self.communes = com = world.Communes(p["n_communes"])
        com.region = np.arange(com.n) // p["communes_per_official"]
        com.hall_participation = participation
        self.fertility_plot = fertility[hh.x, hh.y]
        self.fertility_by_commune = np.bincount(hh.commune, weights=self.fertility_plot, minlength=com.n)
        pop = self.commune_population().astype(float)
        self.people_at_start = np.maximum(pop, 1.0)  # per commune
        plots = np.bincount(hh.commune, minlength=com.n)
        # potential output: normal output per person x people x the commune's mean fertility
        self.potential = p["output_per_capita"] * pop * self.fertility_by_commune / plots
        people = self.people
        able = labour.able_weight(people.view("age"), people.view("hunger"))
        com.workers_normal = np.maximum(np.bincount(people.view("commune"), weights=able, minlength=com.n), 1.0)
        com.report_last_year = self.potential.copy()
        self._build_cadres_and_officials(ids)
        self.peasant_agents: dict[int, Peasant] = {}
        share = p["urban_share"]
        self.towns = towns.Towns(self, int(round(people.n * share / (1.0 - share))))
        self.state = State(self, people.n)
        self.crops = production.make_crops(com.n)
        self.capital = capital.Capital(self)
        first_year = (month_index(self.start) + self.first_t) // 12  # the spin-up's, if any
        self.weather = production.regional_weather(self, first_year)
        self.village = Village(self)
        self.register = registration.DeathRegister(self)  # ODD 7.8: deaths registered by cadres
        self._initial_stocks()

    def _spin_up(self) -> None:
        """ODD 5: the world is drawn healthy and fed, as no village was after a normal year. The
        months before the start (``spin_up_months``) run first, unrecorded, so that bodies, stocks
        and the registers settle into a normal year's spread before 1957, the centre's normal year
        (``centre.py``). The first recorded month is January of ``start_year``, t = 0."""
        self.recorder = reporters.Recorder(self, "none")
        self.peasants_materialised = False  # Peasant agents are made for those alive at the start
        while self.t < -1:
            self.step()

    def _build_cadres_and_officials(self, ids: np.ndarray) -> None:
        side, rng = self.p["commune_side"], self.rng
        self.cadres: list[Cadre] = []
        for c in range(self.communes.n):
            xs, ys = np.nonzero(ids == c)
            cadre = Cadre(self, c, None, ambition=float(rng.beta(*AMBITION_BETA)),
                          risk_aversion=float(rng.beta(*RISK_AVERSION_BETA)), loyalty=float(rng.beta(*LOYALTY_BETA)))
            cadre.home = (int(xs.min()) + side // 2, int(ys.min()) + side // 2)
            self.cadres.append(cadre)
        self.officials: list[Official] = []
        self.official_of: list[Official] = [None] * self.communes.n
        per = self.p["communes_per_official"]
        for g, first in enumerate(range(0, self.communes.n, per)):
            group = list(range(first, min(first + per, self.communes.n)))
            xs, ys = np.nonzero(ids == first)
            official = Official(self, g, group, None, career_stake=float(rng.beta(*CAREER_STAKE_BETA)))
            official.home = (int(xs.min()) + 1, int(ys.min()) + 1)
            self.officials.append(official)
            for c in group:
                self.official_of[c] = official

    @property
    def grid(self):
        """The Mesa grid of household plots and its layers, built the first time anyone looks
        (the dashboard, Peasant agents): a headless run never pays for a million cells."""
        if self._grid is None:
            self._grid = world.build_grid(self, self.plot_ids, self.fertility_map)
            for agent in self.cadres + self.officials:
                agent.cell = self._grid[agent.home]
            if self.recorder.on:
                self.recorder.update_layers()
        return self._grid

    def _initial_stocks(self) -> None:
        """January of the first drawn year: households hold what is left of the last autumn harvest,
        ``store_months_at_start`` months of their grain need."""
        p, hh = self.p, self.households
        grain_kcal = physiology.NORMAL_INTAKE_KCAL - p["non_grain_kcal"]
        per_person = grain_kcal * physiology.DAYS_PER_MONTH / p["kcal_per_kg"] * p["store_months_at_start"]
        hh.stock[:] = per_person * self.household_population()
        self.communes.seed[:] = p["seed_rate"] * self.crops[1].share * self.potential

    def _materialise(self, idx: np.ndarray) -> None:
        cells = self.grid._cells if hasattr(self.grid, "_cells") else None
        hh = self.households
        for i in idx:
            h = self.people.household[i]
            cell = cells[(int(hh.x[h]), int(hh.y[h]))] if cells else self.grid[(int(hh.x[h]), int(hh.y[h]))]
            self.peasant_agents[int(i)] = Peasant(self, int(i), cell)

    def peasant(self, index: int) -> Peasant:
        """The Peasant agent of a living person, created on demand when agents are not
        materialised. The dead and departed have left the grid: asking for them is an error."""
        if not (0 <= int(index) < self.people.n) or not self.people.alive[int(index)]:
            raise LookupError(f"person {index} is not a living villager")
        agent = self.peasant_agents.get(int(index))
        if agent is None:
            hh = self.households
            h = self.people.household[index]
            agent = Peasant(self, int(index), self.grid[(int(hh.x[h]), int(hh.y[h]))])
            self.peasant_agents[int(index)] = agent
        return agent

    def release_peasants(self, idx: np.ndarray) -> None:
        """Dead or departed people leave the grid and the model's agent set."""
        if not self.peasant_agents:  # headless, nobody asked for: no Python loop over the dead
            return
        for i in idx:
            agent = self.peasant_agents.pop(int(i), None)
            if agent is not None:
                agent.remove()

    # ---- the month ------------------------------------------------------------------------
    def step(self) -> None:
        self._advance_clock()
        self.ledger.open_month(self)
        self.recorder.open_month()
        self.village.open_month()
        self.register.open_month()
        self.state.check_retreat(self)  # ODD 7.9
        self.recorder.record_squeeze(self.state.squeeze(self))  # ODD 7.9: the towns first
        self._policy_transitions()  # ODD 7.6, 7.2
        alive = np.flatnonzero(self.people.view("alive"))
        work = self.village.work_month(alive)  # ODD 7.2
        self._farm(work)  # ODD 7.1, 7.3, 7.4, 7.5
        self.capital.month(self)  # ODD 7.11
        self._collect_owed()  # ODD 7.5
        work = work.still_alive(self.people)
        food = self.village.feed(work)  # ODD 7.6, 7.7
        self.village.live_and_die(work, food)  # ODD 7.8
        self.register.release_backlog()  # ODD 7.8: concealed deaths registered once pressure lifts
        self._towns_and_trade(work)  # ODD 7.9, 7.10
        self.ledger.check(self)
        self.recorder.finish_month()
        if self.t >= self.n_months - 1:
            self.running = False

    def _advance_clock(self) -> None:
        self.t += 1
        months = month_index(self.start) + self.t
        self.ym = (months // 12, months % 12 + 1)
        if self.ym[1] == 1 and self.t > self.first_t:  # the first month's weather was drawn with the world
            self.weather = production.regional_weather(self, self.ym[0])
            self.capital.new_year(self)  # ODD 7.11
            if self.t > 0:
                self.recorder.close_year()

    def _policy_transitions(self) -> None:
        now_open = self.halls_open()
        if now_open and not self.halls_were_open:
            dining.open_halls(self)
        elif self.halls_were_open and not now_open:
            dining.share_out_granary(self)
        self.halls_were_open = now_open

    def _farm(self, work) -> None:
        month = self.ym[1]
        for crop in self.crops:
            if month in crop.sowing:
                self.ledger.add("seed", production.sow(self, crop, work.present))
            elif crop.standing and month in crop.growing:
                production.tend(crop, work.field_labour)
            if crop.standing and month == crop.harvest:
                self._bring_in(crop, work.present)

    def _bring_in(self, crop: production.Crop, present: np.ndarray) -> None:
        """Harvest, conceal, keep seed, report, set quotas, collect, review cadres, share out."""
        com = self.communes
        grain, rotted = production.harvest(self, crop, present, self.weather)
        self.ledger.add("produced", grain + rotted)
        self.ledger.add("lost", rotted)
        hidden = coping.conceal(self, grain)
        com.granary += grain - hidden
        keep = np.minimum(com.granary, self.p["seed_rate"] * crop.share * self.potential)
        com.seed += keep
        com.granary -= keep
        feed = self.capital.keep_feed(self, crop.share, grain)  # ODD 7.11
        self.ledger.add("eaten", feed)
        cadre_kg = reporting.cadre_reports(self, grain, crop.share)
        county_kg = reporting.official_reports(self, cadre_kg)
        official_kg = reporting.provincial_reports(self, county_kg)  # the claims the centre receives
        reporting.file_reports(self, grain, official_kg)
        if self.state.retreated:
            self.state.harvests_since_retreat += 1
        targets = reporting.season_targets(self, crop.share)
        com.quota = procurement.set_quotas(self, grain, official_kg, crop.share)
        com.quota_initial = com.quota.copy()
        self.state.levied[:] = 0.0  # a new harvest's quotas replace any emergency levy
        com.owed_since = np.where(com.quota > 0, self.t, -1)
        months_left = dining.months_to_next_harvest(self.ym[1] % 12 + 1) + 1
        taken = procurement.collect(self, months_left)
        seed_given = self.capital.hand_over_seed(self)  # ODD 7.11: a quota still owed takes seed
        taken = taken + seed_given
        self.state.stock += taken.sum()
        self.recorder.record_harvest(grain, cadre_kg, county_kg, com.quota_initial, taken, official_kg)
        self.recorder.record_capital_at_harvest(self.potential * crop.share * crop.area, feed, seed_given)
        if crop.name == "autumn":
            criticised, purged = careers.review_cadres(self, official_kg, targets)
            self.recorder.record_review(criticised, purged)
            reporting.close_harvest_year(self)
            planning.plan_sown_area(self)  # ODD 7.11
        if self.p["equalise_retention"]:
            procurement.equalise_retention(self)
        dining.share_out_granary(self)

    def _collect_owed(self) -> None:
        """Months after a harvest: collect what is still owed, then search if it is not paid."""
        com = self.communes
        if any(crop.harvest == self.ym[1] for crop in self.crops):
            return  # collected at the harvest itself
        owed = (com.quota > 0) & (com.owed_since >= 0)
        if owed.any():
            taken = procurement.collect(self, dining.months_to_next_harvest(self.ym[1]))
            self.state.stock += taken.sum()
            self.recorder.record_collection(taken)
        seized, killed = procurement.search_households(self)
        self.state.stock += seized.sum()
        self.recorder.record_search(seized)
        self.village.kill(killed, cause="violence")

    def _towns_and_trade(self, work) -> None:
        """The towns eat the ration the centre delivers from its stocks before the month's exports
        leave and, with ``urban_priority``, before any resale (ODD 7.9, 7.10); then trade and
        resales move grain."""
        state = self.state
        delivered = None if self.p["urban_priority"] else state.deliver_resales(self)
        eaten, fill = state.feed_towns(self)
        self.ledger.add("eaten", eaten)
        self.towns.live_month(fill)  # ODD 7.10
        exports, imports = state.trade(self)
        self.ledger.add("exported", exports)
        self.ledger.add("imported", imports)
        if delivered is None:
            delivered = state.deliver_resales(self)
        self.communes.granary += delivered
        if not self.halls_open():
            dining.share_out_granary(self)
        self.recorder.record_state(exports, imports, delivered)

    # ---- questions the mechanisms ask ------------------------------------------------------
    def leap_on(self) -> bool:
        """The Great Leap's campaign regime: from its launch (the calendar's ``leap``) on."""
        return self.calendar.leap_on(self.ym)

    def halls_open(self) -> bool:
        if not self.p["dining_halls"] or not self.calendar.halls_open(self.ym):
            return False
        return not self.state.reforms_in_force(self)

    def free_eating_on(self) -> bool:
        return self.halls_open() and self.calendar.free_eating_on(self.ym)

    def private_plots_abolished(self) -> bool:
        if not self.p["abolish_private_plots"] or not self.calendar.communes_on(self.ym):
            return False
        return not self.state.reforms_in_force(self)

    def purge_risk(self) -> float:
        return careers.purge_risk(self)

    def expected(self, crop) -> np.ndarray:
        return production.expected_crop(self, crop, self.weather)

    def household_population(self) -> np.ndarray:
        return self._living_by("household", len(self.households))

    def commune_population(self) -> np.ndarray:
        return self._living_by("commune", self.communes.n)

    def _living_by(self, group: str, n_groups: int) -> np.ndarray:
        """The living villagers per household or commune (read-only). Several mechanisms ask each
        month, mostly with nobody born, dead or gone in between: a count is kept until the next
        arrival or departure (``People.changes``) instead of passing over every person again."""
        people = self.people
        key = (group, people.changes, n_groups)
        cached = self._living_counts.get(group)
        if cached is None or cached[0] is not people or cached[1] != key:
            counts = kernels.count_living(people.view("alive"), people.view(group), n_groups)
            counts.flags.writeable = False
            cached = self._living_counts[group] = (people, key, counts)
        return cached[2]

    def remember_living(self, per_household: np.ndarray) -> None:
        """The living villagers per household (whole numbers), known without counting (the
        month's survivors and newborns, less those who fled): kept as the counts ``_living_by``
        would make now, so that the next to ask does not pass over every person again."""
        people, hh, n_com = self.people, self.households, self.communes.n
        per_commune = sums.by_group(per_household, hh.commune, n_com)  # whole numbers: exact sums
        for group, n_groups, counts in (("household", len(hh), per_household), ("commune", n_com, per_commune)):
            counts = counts.astype(np.int64)
            counts.flags.writeable = False
            self._living_counts[group] = (people, (group, people.changes, n_groups), counts)

    def rural_population(self) -> int:
        return int(np.count_nonzero(self.people.view("alive")))

    def population(self) -> int:
        return self.rural_population() + self.towns.population()

    def date_label(self) -> str:
        return f"{MONTH_NAMES[self.ym[1] - 1]} {self.ym[0]}"

    def regime_text(self) -> str:
        return tables.regime_text(self)

    # ---- outputs --------------------------------------------------------------------------
    def monthly_frame(self):
        return tables.monthly_frame(self)

    def annual_frame(self):
        return tables.annual_frame(self)

    def commune_table(self):
        return tables.commune_table(self)

    def official_table(self):
        return tables.official_table(self)

    def province_table(self):
        return tables.province_table(self)

    def age_table(self):
        return tables.age_table(self)

    def body_table(self):
        return tables.body_table(self)

    def summary(self) -> dict:
        return tables.summary(self)

    def run(self) -> "FamineModel":
        while self.running:
            self.step()
        return self
