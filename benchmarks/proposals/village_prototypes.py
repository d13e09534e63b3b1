"""PROTOTYPES, not imported by greatleap: replacement ``Village`` methods measured in
docs/performance.md. Written against greatleap/village.py as of 2026-11-29 17:15 UTC.

``NumpyVillage`` (proposal 1): bit-identical to Village (48 months at 10k), about -15%.
It uses ``ABLE_BY_AGE``, extra ``Work`` fields (age_idx, household and commune as intp, hunger,
bmi), ``labour.assign_tasks_fast``, ``labour.field_labour_fast``, ``coping.side_food_kcal_fast``
and ``reporters.record_food_fast``: the same functions taking the gathered arrays instead of
``alive`` (see docs/performance.md). ``FLAGS`` held experiment switches ("flee" = _flee_fast).

``NumbaVillage`` (proposal 2): the same month on the kernels of numba_kernels.py.
"""
# flake8: noqa
import numpy as np

from greatleap import coping, dining, labour, physiology, reporters
from greatleap.physiology import DAYS_PER_MONTH
from greatleap.village import Food, Village, Work

ABLE_BY_AGE = labour.able_weight(np.arange(101, dtype=np.float32), np.zeros(101, dtype=np.int8))
FLAGS = {"flee"}


class NumpyVillage(Village):
    def work_month(self, alive: np.ndarray) -> Work:
        m, people = self.model, self.model.people
        age_idx = physiology.age_index(people.age[alive])
        hunger = people.hunger[alive]
        commune = people.commune[alive].astype(np.intp)
        household = people.household[alive].astype(np.intp)
        bmi = people.bmi[alive]
        able = ABLE_BY_AGE[age_idx]
        able[hunger >= 3] = 0.0
        task = labour.assign_tasks_fast(m, commune, hunger, able)
        people.labour[alive] = task
        mass = 0.4 + 0.6 * np.minimum(bmi, physiology.HEALTHY_BMI) / physiology.HEALTHY_BMI
        base = physiology._NEED_BY_AGE[age_idx] * mass
        task_kcal = physiology.TASK_KCAL.copy()
        task_kcal[0] *= physiology.FIELD_SEASON[m.ym[1]]
        tk = task_kcal[task]
        usual = base + tk
        capacity = labour.work_capacity(bmi, people.kcal[alive] / usual)
        need = base + tk * capacity + labour.long_hours_kcal(m, task)
        present, effective = labour.field_labour_fast(m, commune, task, able, capacity)
        reporters.record_labour(m, task, able)
        return Work(alive, task, able, need, present, effective, age_idx, household, commune, hunger, bmi)

    # ---- food ---------------------------------------------------------------------------
    def feed(self, work: Work) -> Food:
        m, people, hh, p = self.model, self.model.people, self.model.households, self.model.p
        alive = work.alive
        household = work.household
        n_hh = len(hh)
        need_hh = np.bincount(household, weights=work.need, minlength=n_hh)
        side = coping.side_food_kcal_fast(m, work.commune, household, work.task)
        grain_need = np.maximum(need_hh - side, 0.0) * DAYS_PER_MONTH / p["kcal_per_kg"]
        hungry_hh = np.zeros(n_hh, dtype=bool)
        hungry_hh[household[work.hunger >= 1]] = True
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
        reporters.record_food_fast(m, work.commune, intake, hall)
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
        m.state.request_resales(m, food, need, reporters.last_report_ratio(m))

    # ---- body, birth and death ------------------------------------------------------------
    def live_and_die(self, work: Work, food: Food) -> None:
        m, people, p = self.model, self.model.people, self.model.p
        alive = work.alive
        bmi = work.bmi.copy()
        physiology.update_body_mass(bmi, food.intake, work.need)
        people.bmi[alive] = bmi
        people.hunger[alive] = new_hunger = physiology.hunger_state(bmi, food.ratio)
        age_idx = work.age_idx
        female = people.female[alive]
        starve = physiology.starvation_hazard(bmi, female, age_idx, p)
        base_plain = physiology.MONTHLY_BASE_HAZARD[age_idx] * p["baseline_mortality"]
        base = physiology.baseline_hazard(bmi, age_idx, p)
        u = m.rng.random(len(alive), dtype=np.float32)
        dies = u < starve + base
        famine = dies & ((u < starve) | (u >= starve + base_plain))
        self.kill(alive[dies & famine], cause="starvation")
        self.kill(alive[dies & ~famine], cause="baseline")
        surv = ~dies
        babies = self._conceive_and_bear_fast(alive[surv], age_idx[surv], female[surv], bmi[surv], food.ratio[surv])
        if "flee" in FLAGS:
            self._flee_fast(alive[surv], work.household[surv], new_hunger[surv], babies)
        else:
            self._flee()
        self._recruit_and_send_down()
        np.add(people.age[: people.n], np.float32(1 / 12), out=people.age[: people.n],
               where=people.alive[: people.n])

    def _conceive_and_bear_fast(self, alive, age_idx, female, bmi, ratio) -> None:
        m, people = self.model, self.model.people
        cand = np.flatnonzero(female & (physiology.MONTHLY_CONCEPTION[age_idx] > 0))
        chance = np.zeros(len(alive), dtype=np.float32)
        chance[cand] = physiology.conception_probability(age_idx[cand], female[cand], bmi[cand],
                                                         ratio[cand], m.p)
        conceived = alive[m.rng.random(len(alive), dtype=np.float32) < chance]
        due = self.conceptions[0]
        self.conceptions.append(conceived)  # the oldest drops out: it is due now
        mothers = due[people.alive[due]]
        if len(mothers) == 0:
            return np.zeros(0, dtype=np.intp)
        k = len(mothers)
        babies = people.add(age=np.zeros(k), female=m.rng.random(k) < 0.485,
                            bmi=people.bmi[mothers].clip(15.0, 21.0), household=people.household[mothers],
                            commune=people.commune[mothers])
        reporters.record_births(m, babies)
        if m.p["materialise_peasants"]:
            m._materialise(babies)
        return babies

    def _flee_fast(self, surv_idx, surv_household, surv_hunger, babies) -> None:
        """_flee from arrays already in hand: the living are the survivors and the newborn."""
        m, people, hh = self.model, self.model.people, self.model.households
        n_hh = len(hh)
        n = np.bincount(surv_household, minlength=n_hh)
        if len(babies):
            n += np.bincount(people.household[babies], minlength=n_hh)
        hunger = np.divide(np.bincount(surv_household, weights=surv_hunger, minlength=n_hh), n,
                           out=np.zeros(n_hh), where=n > 0)
        gone = coping.flight(m, hunger)
        if not gone.any():
            return
        alive = np.concatenate([surv_idx, babies]) if len(babies) else surv_idx
        household = np.concatenate([surv_household, people.household[babies]]) if len(babies) else surv_household
        leaving = alive[gone[household]]
        people.alive[leaving] = False
        m.state.migrants += len(leaving)
        reporters.record_flight(m, leaving)
        m.release_peasants(leaving)



class NumbaVillage(Village):
    def work_month(self, alive: np.ndarray) -> Work:
        from benchmarks.proposals import numba_kernels as kernels
        m, people = self.model, self.model.people
        furnace, irrigation = labour.campaign_shares(m)
        u = m.rng.random(len(alive), dtype=np.float32)
        task_kcal = physiology.TASK_KCAL.copy()
        task_kcal[0] *= physiology.FIELD_SEASON[m.ym[1]]
        lh = m.calendar.long_hours_on(m.ym) and not m.state.retreated
        coercion = np.float32(m.p["coercion_kcal"] if lh else 0.0)
        n_com = m.communes.n
        present, working = np.zeros(n_com), np.zeros(n_com)
        by_task = np.zeros(len(labour.TASKS))
        task, able, need, age_idx = kernels.work_kernel(
            alive, people.age, people.hunger, people.bmi, people.kcal, people.commune, people.labour,
            u, np.asarray(furnace, float), np.asarray(irrigation, float), task_kcal,
            physiology._NEED_BY_AGE, ABLE_BY_AGE, labour.FORAGE_PROPENSITY, coercion,
            bool(np.any(furnace) or np.any(irrigation)), present, working, by_task)
        norm = m.communes.workers_normal
        hours = 1.15 if lh else 1.0
        effective = working / norm * labour.incentive_effort(m) * hours
        if "labk" in FLAGS:
            reporters.record_labour_sums(m, by_task)
        else:
            reporters.record_labour(m, task, able)
        return Work(alive, task, able, need, present / norm, effective, age_idx, None, None, None, None)

    def feed(self, work: Work) -> Food:
        from benchmarks.proposals import numba_kernels as kernels
        m, people, hh, p = self.model, self.model.people, self.model.households, self.model.p
        alive = work.alive
        n_hh, n_com = len(hh), m.communes.n
        need_hh, members, workers = np.zeros(n_hh), np.zeros(n_hh), np.zeros(n_hh)
        hungry, foragers = np.zeros(n_hh, bool), np.zeros(n_hh)
        com_alive, com_forage = np.zeros(n_com), np.zeros(n_com)
        kernels.household_kernel(alive, people.household, people.commune, people.hunger, work.task,
                                 work.able, work.need, need_hh, members, workers, hungry, foragers,
                                 com_alive, com_forage)
        plots = p["non_grain_kcal"] * (0.6 if m.private_plots_abolished() else 1.0)
        pressure = np.divide(com_forage, com_alive, out=np.zeros(n_com), where=com_alive > 0)
        per_forager = p["forage_kcal"] / (1.0 + 3.0 * pressure)
        side = plots * members + per_forager[hh.commune] * foragers
        grain_need = np.maximum(need_hh - side, 0.0) * DAYS_PER_MONTH / p["kcal_per_kg"]
        reporters.record_kin(m, coping.kin_transfers(m, grain_need, hungry))
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
        kcal_sum, pmonths = np.zeros(n_com), np.zeros(n_com)
        hist = np.zeros(6000, np.int64)
        intake, ratio, total = kernels.eat_kernel(alive, people.household, people.commune, work.need,
                                                  ratio_hh, people.kcal, kcal_sum, pmonths, hist)
        self._request_resales(grain_need, months_left)
        s = m.stats
        if len(alive):
            s["kcal_mean"] = total / len(alive)
            s["kcal_p10"] = float(np.searchsorted(np.cumsum(hist), 0.1 * len(alive)))  # 1-kcal bins
        s["hall_eaten_kg"] = float(hall.sum())
        m.acc["kcal_sum"] += kcal_sum
        m.acc["person_months"] += pmonths
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
        m.state.request_resales(m, food, need, reporters.last_report_ratio(m))

    def live_and_die(self, work: Work, food: Food) -> None:
        from benchmarks.proposals import numba_kernels as kernels
        m, people, p = self.model, self.model.people, self.model.p
        alive = work.alive
        u = m.rng.random(len(alive), dtype=np.float32)
        cause = kernels.live_kernel(alive, people.bmi, people.hunger, people.female, work.age_idx,
                                    food.intake, work.need, food.ratio, u,
                                    np.float32(p["bmi_limit_female"]), np.float32(p["bmi_limit_male"]),
                                    physiology.MONTHLY_BASE_HAZARD, np.float32(p["baseline_mortality"]),
                                    DAYS_PER_MONTH / physiology.KCAL_PER_KG_TISSUE / physiology.ADULT_HEIGHT_M2)
        self.kill(alive[cause == 1], cause="starvation")
        self.kill(alive[cause == 2], cause="baseline")
        surv_k = np.flatnonzero(cause == 0)
        surv = alive[surv_k]
        n_hh = len(m.households)
        hh_n, hh_hunger = np.zeros(n_hh), np.zeros(n_hh)
        u2 = m.rng.random(len(surv), dtype=np.float32)
        conceived = surv[kernels.conceive_kernel(surv, people.household, people.hunger, people.female,
                                                 work.age_idx[surv_k], people.bmi, food.ratio[surv_k], u2,
                                                 physiology.MONTHLY_CONCEPTION, np.float32(p["fertility"]),
                                                 hh_n, hh_hunger)]
        due = self.conceptions[0]
        self.conceptions.append(conceived)
        mothers = due[people.alive[due]]
        babies = np.zeros(0, dtype=np.intp)
        if len(mothers):
            k = len(mothers)
            babies = people.add(age=np.zeros(k), female=m.rng.random(k) < 0.485,
                                bmi=people.bmi[mothers].clip(15.0, 21.0), household=people.household[mothers],
                                commune=people.commune[mothers])
            reporters.record_births(m, babies)
            hh_n += np.bincount(people.household[babies], minlength=n_hh)
        hunger_mean = np.divide(hh_hunger, hh_n, out=np.zeros(n_hh), where=hh_n > 0)
        gone = coping.flight(m, hunger_mean)
        if gone.any():
            everyone = np.concatenate([surv, babies])
            leaving = everyone[gone[people.household[everyone]]]
            people.alive[leaving] = False
            m.state.migrants += len(leaving)
            reporters.record_flight(m, leaving)
            m.release_peasants(leaving)
        self._recruit_and_send_down()
        np.add(people.age[: people.n], np.float32(1 / 12), out=people.age[: people.n],
               where=people.alive[: people.n])

