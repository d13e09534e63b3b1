"""The peasants' month, a pass at a time over every living person (ODD 2 and 7.2, 7.6-7.8).

This module only sequences the person-level phases; the rules live in ``labour``, ``dining``,
``coping`` and ``physiology``, and the compiled passes that apply them person by person in
``kernels``. All arrays here are indexed like ``alive`` (the living people).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from greatleap import coping, dining, kernels, labour, physiology, reporters, reporting
from greatleap.calendar import month_index
from greatleap.physiology import DAYS_PER_MONTH
from greatleap.population import FEMALE_SHARE

GESTATION_MONTHS = 9
# People sent down from the towns: recruited workers, mostly young men (an assumption).
SENT_DOWN_AGES = (18, 40)
SENT_DOWN_FEMALE_SHARE = 0.4
SENT_DOWN_BMI = 19.5  # town rations kept them thinner than well-fed villagers, not wasted
RECRUITED_AGES = (16, 40)  # who industry took from the villages in 1958
NEWBORN_BMI = (15.0, 21.0)  # a newborn starts at its mother's body mass, within these bounds


@dataclass
class Work:
    alive: np.ndarray
    task: np.ndarray
    able: np.ndarray
    need: np.ndarray  # kcal/day
    present: np.ndarray  # per commune, hands in the fields relative to the norm
    field_labour: np.ndarray  # per commune, effective field labour relative to the norm
    living: np.ndarray  # per commune, people
    foragers: np.ndarray  # per commune, people foraging

    def still_alive(self, people) -> "Work":
        """The same month's work, without those who died since it was assigned (the fields'
        labour stays as it was: the work was done)."""
        keep = people.alive[self.alive]
        if keep.all():
            return self
        commune = people.commune[self.alive[~keep]]
        n = len(self.living)
        living = self.living - np.bincount(commune, minlength=n)
        foragers = self.foragers - np.bincount(commune, weights=self.task[~keep] == labour.FORAGE, minlength=n)
        return Work(self.alive[keep], self.task[keep], self.able[keep], self.need[keep], self.present,
                    self.field_labour, living, foragers)


@dataclass
class Food:
    intake: np.ndarray  # kcal/day per person
    ratio: np.ndarray  # intake / need per person


class Village:
    def __init__(self, model):
        self.model = model
        self.conceptions: deque = deque(maxlen=GESTATION_MONTHS)
        # starvation deaths per commune in each of the last twelve months (a ring indexed by
        # month): what the locals know of the famine, which reports and the centre cannot deny
        self.recent_starvation_deaths = np.zeros((12, model.communes.n))
        self._fill_pregnancies()

    def open_month(self) -> None:
        """The month twelve months ago drops out of the last year's deaths."""
        self.recent_starvation_deaths[self.model.t % 12] = 0.0

    def starvation_deaths_last_year(self) -> np.ndarray:
        """Per commune, starvation deaths over the last twelve months."""
        return self.recent_starvation_deaths.sum(axis=0)

    def _fill_pregnancies(self) -> None:
        """At the start, women are already pregnant as in any month of normal times."""
        m, people = self.model, self.model.people
        everyone = np.arange(people.n)
        chance = physiology.conception_probability(
            physiology.age_index(people.age[everyone]), people.female[everyone], people.bmi[everyone],
            np.ones(people.n, dtype=np.float32), m.p)
        for _ in range(GESTATION_MONTHS):
            self.conceptions.append(everyone[m.rng.random(people.n, dtype=np.float32) < chance])

    # ---- work ---------------------------------------------------------------------------
    def work_month(self, alive: np.ndarray) -> Work:
        m, people, n_com = self.model, self.model.people, self.model.communes.n
        furnace, irrigation = labour.campaign_shares(m)
        u = m.rng.random(len(alive), dtype=np.float32)
        present, working = np.zeros(n_com), np.zeros(n_com)
        able_by_task = np.zeros(len(labour.TASKS))
        living, foragers = np.zeros(n_com), np.zeros(n_com)
        task, able, need = kernels.work(
            alive, people.age, people.hunger, people.bmi, people.kcal, people.commune, people.labour, u,
            furnace, irrigation, physiology.task_kcal(m.ym[1]), labour.coerced_kcal(m),
            present, working, able_by_task, living, foragers)
        present, effective = labour.field_labour_of(m, present, working)
        m.recorder.record_labour(able_by_task)
        return Work(alive, task, able, need, present, effective, living, foragers)

    # ---- food ---------------------------------------------------------------------------
    def feed(self, work: Work) -> Food:
        m, people, hh, p = self.model, self.model.people, self.model.households, self.model.p
        alive, n_hh = work.alive, len(hh)
        need_hh, side, members, workers = np.zeros(n_hh), np.zeros(n_hh), np.zeros(n_hh), np.zeros(n_hh)
        hungry_hh = np.zeros(n_hh, dtype=bool)
        plots, per_forager = coping.side_food_rates(m, work.living, work.foragers)
        kernels.households(alive, people.household, people.commune, people.hunger, work.task, work.able,
                           work.need, plots, per_forager, need_hh, side, members, workers, hungry_hh)
        grain_need = np.maximum(need_hh - side, 0.0) * DAYS_PER_MONTH / p["kcal_per_kg"]
        m.recorder.record_kin(coping.kin_transfers(m, grain_need, hungry_hh))

        months_left = dining.months_to_next_harvest(m.ym[1])
        workers_share = np.divide(workers, members, out=np.zeros(n_hh), where=members > 0)
        hall, waste = dining.hall_meals(m, grain_need, workers_share, months_left)
        home = dining.household_meals(m, grain_need, months_left)
        short = grain_need - hall - home
        hidden = coping.eat_hidden(m, short)
        green = coping.eat_green(m, short - hidden, grain_need, self._standing_crop())
        grain = hall + home + hidden + green
        m.ledger.add("produced", green)
        m.ledger.add("eaten", grain)
        m.ledger.add("lost", waste)

        food_kcal = coping.grain_to_kcal_per_day(m, grain) + side
        ratio_hh = np.divide(food_kcal, need_hh, out=np.zeros(n_hh), where=need_hh > 0)
        tally = reporters.FoodTally.empty(m.communes.n)
        intake, ratio, tally.adult_kcal, tally.adults = kernels.eat(
            alive, people.household, people.commune, people.age, work.need, ratio_hh,
            dining.MAX_INTAKE_RATIO, people.kcal, tally.kcal_by_commune, tally.people_by_commune,
            tally.adult_hist)
        self._request_resales(grain_need, months_left)
        m.recorder.record_food(tally, hall)
        return Food(intake, ratio)

    def _standing_crop(self):
        m = self.model
        for crop in m.crops:
            if crop.standing and m.ym[1] in crop.growing:
                return crop
        return None

    def _request_resales(self, grain_need_month: np.ndarray, months_left: int) -> None:
        m, hh, com = self.model, self.model.households, self.model.communes
        need = np.bincount(hh.commune, weights=grain_need_month, minlength=com.n) * months_left
        food = com.granary + np.bincount(hh.commune, weights=hh.stock + hh.hidden, minlength=com.n)
        m.state.request_resales(m, food, need, com.report_ratio_last_year, reporting.visibility(m))

    # ---- body, birth and death ------------------------------------------------------------
    def live_and_die(self, work: Work, food: Food) -> None:
        m, people, p = self.model, self.model.people, self.model.p
        alive = work.alive
        u = m.rng.random(len(alive), dtype=np.float32)
        cause, starved, other = kernels.live(
            alive, people.bmi, people.hunger, people.female, people.age, food.intake, work.need, food.ratio,
            u, p["bmi_limit_female"], p["bmi_limit_male"], p["baseline_mortality"])
        self.kill(starved, cause="starvation")
        self.kill(other, cause="baseline")
        members, hunger = self._conceive_and_bear(alive, cause, len(alive) - len(starved) - len(other),
                                                  food.ratio)
        self._flee(members, hunger)
        self._recruit_and_send_down()
        kernels.grow_older(people.view("alive"), people.view("age"), np.float32(1 / 12))

    def kill(self, idx: np.ndarray, cause: str) -> None:
        if len(idx) == 0:
            return
        m, people = self.model, self.model.people
        idx = idx[people.alive[idx]]  # nobody dies twice
        people.alive[idx] = False
        if cause == "starvation":
            self.recent_starvation_deaths[m.t % 12] += np.bincount(people.commune[idx], minlength=m.communes.n)
        m.recorder.record_deaths(idx, cause)
        m.release_peasants(idx)

    def _conceive_and_bear(self, alive: np.ndarray, cause: np.ndarray, survivors: int, ratio: np.ndarray):
        """Conceptions among the survivors, births of those conceived nine months ago. Returns
        per household the people now living and the sum of their hunger states."""
        m, people, n_hh = self.model, self.model.people, len(self.model.households)
        members, hunger = np.zeros(n_hh), np.zeros(n_hh)
        u = m.rng.random(survivors, dtype=np.float32)
        conceived = kernels.conceive(alive, cause, people.age, people.female, people.bmi, ratio,
                                     people.household, people.hunger, u, m.p["fertility"], members, hunger)
        due = self.conceptions[0]
        self.conceptions.append(conceived)  # the oldest drops out: it is due now
        mothers = due[people.alive[due]]
        if len(mothers) == 0:
            return members, hunger
        k = len(mothers)
        babies = people.add(age=np.zeros(k), female=m.rng.random(k) < FEMALE_SHARE,
                            bmi=people.bmi[mothers].clip(*NEWBORN_BMI), household=people.household[mothers],
                            commune=people.commune[mothers])
        members += np.bincount(people.household[babies], minlength=n_hh)  # newborns are fed
        m.recorder.record_births(babies)
        if m.p["materialise_peasants"]:
            m._materialise(babies)
        return members, hunger

    def _flee(self, members: np.ndarray, hunger_sum: np.ndarray) -> None:
        """Households hungry on average beyond "starving" may flee (``coping.flight``)."""
        m, people = self.model, self.model.people
        hunger = np.divide(hunger_sum, members, out=np.zeros(len(members)), where=members > 0)
        gone = coping.flight(m, hunger)
        if not gone.any():
            return
        leaving = kernels.living_in(people.view("alive"), people.view("household"), gone)
        people.alive[leaving] = False
        m.state.migrants += len(leaving)
        m.recorder.record_flight(leaving)
        m.release_peasants(leaving)

    def _recruit_and_send_down(self) -> None:
        m, people, cal = self.model, self.model.people, self.model.calendar
        start, end = cal.recruitment
        if start <= m.ym <= end and m.p["industrial_recruitment"] > 0:
            months = month_index(end) - month_index(start) + 1
            alive = np.flatnonzero(people.view("alive"))
            young = alive[(people.age[alive] >= RECRUITED_AGES[0]) & (people.age[alive] < RECRUITED_AGES[1])]
            share = m.p["industrial_recruitment"] / months * len(alive) / max(len(young), 1)
            leaving = young[m.rng.random(len(young)) < share]
            people.alive[leaving] = False
            m.state.recruit(len(leaving))  # the towns grow by as many
            m.release_peasants(leaving)
        returning = m.state.send_down(m)
        if returning:
            self._settle(returning)

    def _settle(self, k: int) -> None:
        """People sent down from the towns join random households."""
        m, people, hh = self.model, self.model.people, self.model.households
        homes = m.rng.integers(0, len(hh), k)
        idx = people.add(age=m.rng.uniform(*SENT_DOWN_AGES, k), female=m.rng.random(k) < SENT_DOWN_FEMALE_SHARE,
                         bmi=np.full(k, SENT_DOWN_BMI), household=homes, commune=hh.commune[homes])
        if m.p["materialise_peasants"]:
            m._materialise(idx)
