"""The peasants' month, vectorised over every living person (ODD 2 and 7.2, 7.6-7.8).

This module only sequences the person-level phases; the rules live in ``labour``, ``dining``,
``coping`` and ``physiology``. All arrays here are indexed like ``alive`` (the living people).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from greatleap import coping, dining, labour, physiology, reporters, reporting
from greatleap.calendar import month_index
from greatleap.physiology import DAYS_PER_MONTH

GESTATION_MONTHS = 9


@dataclass
class Work:
    alive: np.ndarray
    task: np.ndarray
    able: np.ndarray
    need: np.ndarray  # kcal/day
    present: np.ndarray  # per commune, hands in the fields relative to the norm
    field_labour: np.ndarray  # per commune, effective field labour relative to the norm

    def still_alive(self, people) -> "Work":
        """The same month's work, without those who died since it was assigned."""
        keep = people.alive[self.alive]
        if keep.all():
            return self
        return Work(self.alive[keep], self.task[keep], self.able[keep], self.need[keep], self.present,
                    self.field_labour)


@dataclass
class Food:
    intake: np.ndarray  # kcal/day per person
    ratio: np.ndarray  # intake / need per person


class Village:
    def __init__(self, model):
        self.model = model
        self.conceptions: deque = deque(maxlen=GESTATION_MONTHS)
        self._fill_pregnancies()

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
        m, people = self.model, self.model.people
        age = people.age[alive]
        able = labour.able_weight(age, people.hunger[alive])
        task = labour.assign_tasks(m, alive, able)
        people.labour[alive] = task
        age_idx = physiology.age_index(age)
        bmi = people.bmi[alive]
        resting, work = physiology.need_parts(age_idx, task, m.ym[1], bmi)
        capacity = labour.work_capacity(bmi, people.kcal[alive] / (resting + work))
        need = resting + work * capacity + labour.long_hours_kcal(m, task)
        present, effective = labour.field_labour(m, alive, task, able, capacity)
        reporters.record_labour(m, task, able)
        return Work(alive, task, able, need, present, effective)

    # ---- food ---------------------------------------------------------------------------
    def feed(self, work: Work) -> Food:
        m, people, hh, p = self.model, self.model.people, self.model.households, self.model.p
        alive = work.alive
        household = people.household[alive]
        n_hh = len(hh)
        need_hh = np.bincount(household, weights=work.need, minlength=n_hh)
        side = coping.side_food_kcal(m, alive, work.task)
        grain_need = np.maximum(need_hh - side, 0.0) * DAYS_PER_MONTH / p["kcal_per_kg"]
        hungry_hh = np.bincount(household, weights=people.hunger[alive] >= 1, minlength=n_hh) > 0
        reporters.record_kin(m, coping.kin_transfers(m, grain_need, hungry_hh))

        months_left = dining.months_to_next_harvest(m.ym[1])
        members = np.bincount(household, minlength=n_hh)
        workers = np.bincount(household, weights=work.able > 0, minlength=n_hh)
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
        ratio = np.minimum(ratio_hh[household], 1.3).astype(np.float32)
        intake = work.need * ratio
        people.kcal[alive] = intake
        self._request_resales(grain_need, months_left)
        reporters.record_food(m, alive, intake, hall)
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
        m.state.request_resales(m, food, need, reporters.last_report_ratio(m), reporting.visibility(m))

    # ---- body, birth and death ------------------------------------------------------------
    def live_and_die(self, work: Work, food: Food) -> None:
        m, people, p = self.model, self.model.people, self.model.p
        alive = work.alive
        bmi = people.bmi[alive]
        physiology.update_body_mass(bmi, food.intake, work.need)
        people.bmi[alive] = bmi
        people.hunger[alive] = physiology.hunger_state(bmi, food.ratio)
        age_idx = physiology.age_index(people.age[alive])
        female = people.female[alive]
        starve = physiology.starvation_hazard(bmi, female, age_idx, p)
        base_plain = physiology.MONTHLY_BASE_HAZARD[age_idx] * p["baseline_mortality"]
        base = physiology.baseline_hazard(bmi, age_idx, p)
        u = m.rng.random(len(alive), dtype=np.float32)
        dies = u < starve + base
        famine = dies & ((u < starve) | (u >= starve + base_plain))
        self.kill(alive[dies & famine], cause="starvation")
        self.kill(alive[dies & ~famine], cause="baseline")
        self._conceive_and_bear(alive[~dies], food.ratio[~dies])
        self._flee()
        self._recruit_and_send_down()
        np.add(people.age[: people.n], np.float32(1 / 12), out=people.age[: people.n],
               where=people.alive[: people.n])

    def kill(self, idx: np.ndarray, cause: str) -> None:
        if len(idx) == 0:
            return
        m, people = self.model, self.model.people
        idx = idx[people.alive[idx]]  # nobody dies twice
        people.alive[idx] = False
        reporters.record_deaths(m, idx, cause)
        m.release_peasants(idx)

    def _conceive_and_bear(self, alive: np.ndarray, ratio: np.ndarray) -> None:
        m, people = self.model, self.model.people
        chance = physiology.conception_probability(
            physiology.age_index(people.age[alive]), people.female[alive], people.bmi[alive], ratio, m.p)
        conceived = alive[m.rng.random(len(alive), dtype=np.float32) < chance]
        due = self.conceptions[0]
        self.conceptions.append(conceived)  # the oldest drops out: it is due now
        mothers = due[people.alive[due]]
        if len(mothers) == 0:
            return
        k = len(mothers)
        babies = people.add(age=np.zeros(k), female=m.rng.random(k) < 0.485,
                            bmi=people.bmi[mothers].clip(15.0, 21.0), household=people.household[mothers],
                            commune=people.commune[mothers])
        reporters.record_births(m, babies)
        if m.p["materialise_peasants"]:
            m._materialise(babies)

    def _flee(self) -> None:
        m, people, hh = self.model, self.model.people, self.model.households
        alive = np.flatnonzero(people.view("alive"))
        household = people.household[alive]
        n = np.bincount(household, minlength=len(hh))
        hunger = np.divide(np.bincount(household, weights=people.hunger[alive], minlength=len(hh)), n,
                           out=np.zeros(len(hh)), where=n > 0)
        gone = coping.flight(m, hunger)
        if not gone.any():
            return
        leaving = alive[gone[household]]
        people.alive[leaving] = False
        m.state.migrants += len(leaving)
        reporters.record_flight(m, leaving)
        m.release_peasants(leaving)

    def _recruit_and_send_down(self) -> None:
        m, people, cal = self.model, self.model.people, self.model.calendar
        start, end = cal.recruitment
        if start <= m.ym <= end and m.p["industrial_recruitment"] > 0:
            months = month_index(end) - month_index(start) + 1
            alive = np.flatnonzero(people.view("alive"))
            young = alive[(people.age[alive] >= 16) & (people.age[alive] < 40)]
            share = m.p["industrial_recruitment"] / months * len(alive) / max(len(young), 1)
            leaving = young[m.rng.random(len(young)) < share]
            people.alive[leaving] = False
            m.state.recruit(len(leaving))
            reporters.record_recruits(m, leaving)
            m.release_peasants(leaving)
        returning = m.state.send_down(m)
        if returning:
            self._settle(returning)

    def _settle(self, k: int) -> None:
        """People sent down from the towns join random households."""
        m, people, hh = self.model, self.model.people, self.model.households
        homes = m.rng.integers(0, len(hh), k)
        idx = people.add(age=m.rng.uniform(18, 40, k), female=m.rng.random(k) < 0.4,
                         bmi=np.full(k, 19.5), household=homes, commune=hh.commune[homes])
        reporters.record_settled(m, idx)
        if m.p["materialise_peasants"]:
            m._materialise(idx)
