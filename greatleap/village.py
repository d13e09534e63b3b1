"""The peasants' month, a pass at a time over every living person (ODD 2 and 7.2, 7.6-7.8).

This module only sequences the person-level phases; the rules live in ``labour``, ``dining``,
``coping`` and ``physiology``, and the compiled passes that apply them person by person in
``kernels``. All arrays here are indexed like ``alive`` (the living people). ``bodies_month``
and ``give_birth`` sequence meals, bodies, deaths, pregnancies and births for the villages and
the towns alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from greatleap import coping, dining, kernels, labour, physiology, reporting, sums
from greatleap.calendar import month_index
from greatleap.physiology import DAYS_PER_MONTH
from greatleap.population import FEMALE_SHARE, RECRUITED, REFUGEE, RURAL

# Who industry took from the villages in 1958, ages from and to.
# assumption: factories recruited young adults (15 M left for the cities in 1958, Dikötter 2010); no ages recorded.
RECRUITED_AGES = (16, 40)


@dataclass
class Work:
    alive: np.ndarray
    task: np.ndarray
    able: np.ndarray
    need: np.ndarray  # kcal/day (a nursing woman's milk is added by ``feed``: ``kernels.households``)
    present: np.ndarray  # per commune, hands in the fields relative to the norm
    field_labour: np.ndarray  # per commune, effective field labour relative to the norm
    living: np.ndarray  # per commune, people
    foragers: np.ndarray  # per commune, people foraging
    epidemic: np.ndarray  # per commune, the famine epidemic's factor on other-cause deaths
    starving: np.ndarray  # per commune, share of the living starving at the month's start
    role: np.ndarray  # each one's part in breastfeeding (kernels.INFANT, NURSING_WOMAN, NOT_NURSING)
    milk: np.ndarray  # per household, its nursing women's milk supply (-1: none; kernels.nursing_shares)
    nursing_extra: np.ndarray  # per household, each nursing woman's extra need (kcal/day)
    changes: int = -1  # ``people.changes`` when the work was assigned

    def still_alive(self, people) -> "Work":
        """The same month's work, without those who died since it was assigned (the fields'
        labour stays as it was: the work was done)."""
        if people.changes == self.changes:  # nobody died or left since: no pass over the living
            return self
        keep = people.alive[self.alive]
        if keep.all():
            return self
        commune = people.commune[self.alive[~keep]]
        n = len(self.living)
        living = self.living - np.bincount(commune, minlength=n)
        foragers = self.foragers - np.bincount(commune, weights=self.task[~keep] == labour.FORAGE, minlength=n)
        return Work(self.alive[keep], self.task[keep], self.able[keep], self.need[keep], self.present,
                    self.field_labour, living, foragers, self.epidemic, self.starving, self.role[keep], self.milk,
                    self.nursing_extra, people.changes)


@dataclass
class Meals:
    """What each household's members will be given this month (``kernels.eat_live_and_reproduce`` serves
    it person by person)."""
    ladle: np.float32  # share of a non-worker's need the hall's ladle withholds
    in_hall: np.ndarray  # per household, 1 if it eats in the hall
    hall_fill: np.ndarray  # per commune, the hall's food as a share of the need it serves
    others: np.ndarray  # per household, the pot's share of need for those who cannot work
    workers: np.ndarray  # per household, the same for full workers
    hall: np.ndarray  # per household, grain eaten in the hall (kg)
    milk: np.ndarray | None = None  # per household, the nursing women's milk supply (None: nobody nurses)


class Village:
    def __init__(self, model):
        self.model = model
        # starvation deaths per commune in each of the last twelve months (a ring indexed by
        # month): what the locals know of the famine, which reports and the centre cannot deny
        self.recent_starvation_deaths = np.zeros((12, model.communes.n))

    def open_month(self) -> None:
        """The month twelve months ago drops out of the last year's deaths."""
        self.recent_starvation_deaths[self.model.t % 12] = 0.0

    def starvation_deaths_last_year(self) -> np.ndarray:
        """Per commune, starvation deaths over the last twelve months."""
        return self.recent_starvation_deaths.sum(axis=0)

    # ---- work ---------------------------------------------------------------------------
    def work_month(self, alive: np.ndarray) -> Work:
        m, people, n_com = self.model, self.model.people, self.model.communes.n
        furnace, irrigation = labour.campaign_shares(m)
        u = m.rng.random(len(alive), dtype=np.float32)
        present, working = np.zeros(n_com), np.zeros(n_com)
        able_by_task = np.zeros(len(labour.TASKS))
        living, foragers, starving = np.zeros(n_com), np.zeros(n_com), np.zeros(n_com)
        n_hh = len(m.households)
        infants, women, supply = np.zeros(n_hh), np.zeros(n_hh), np.zeros(n_hh)
        task, able, need, role = kernels.work(
            alive, people.age, people.female, people.hunger, people.bmi, people.height, people.kcal,
            people.gestation, people.commune, people.labour, u, furnace, irrigation, labour.forage_propensity(m.p),
            physiology.task_pal(m.ym[1]),
            labour.coerced_kcal(m), present, working, able_by_task, living, foragers, starving, people.household,
            people.postpartum, physiology.breastfed_months(m.p), physiology.nursing_above(m.p),
            np.float32(m.p["lactation_protected_bmi"]), np.float32(m.p["bmi_limit_female"]), infants, women, supply)
        milk, extra = kernels.nursing_shares(infants, women, supply)
        present, effective = labour.field_labour_of(m, present, working)
        m.recorder.record_labour(able_by_task)
        return Work(alive, task, able, need, present, effective, living, foragers,
                    physiology.epidemic_factor(starving, living, m.p), physiology.starving_share(starving, living),
                    role, milk, extra, people.changes)

    # ---- food ---------------------------------------------------------------------------
    def feed(self, work: Work) -> Meals:
        """Household food: side food, kin gifts, the hall's and the household's meals, hidden,
        seed and green grain, and the home rule's shares; people eat it in ``live_and_die``."""
        m, people, hh, p = self.model, self.model.people, self.model.households, self.model.p
        alive, n_hh = work.alive, len(hh)
        need_hh, served_hh, priority_hh, served_priority_hh = (np.zeros(n_hh) for _ in range(4))
        side = np.zeros(n_hh)
        hungry_hh = np.zeros(n_hh, dtype=bool)
        plots, per_forager = coping.side_food_rates(m, work.living, work.foragers)
        ladle = np.float32(dining.ladle(m))
        kernels.households(alive, people.household, people.commune, people.hunger, work.task, work.able,
                           work.need, plots, per_forager, ladle, need_hh, served_hh, priority_hh,
                           served_priority_hh, side, hungry_hh, work.role, work.milk, work.nursing_extra)
        grain_need = np.maximum(need_hh - side, 0.0) * DAYS_PER_MONTH / p["kcal_per_kg"]
        m.recorder.record_kin(coping.kin_transfers(m, grain_need, hungry_hh))

        months_left = dining.months_to_next_harvest(m.ym[1])
        served_share = np.divide(served_hh, need_hh, out=np.zeros(n_hh), where=need_hh > 0)
        hall, waste, _ = dining.hall_meals(m, grain_need, served_share, months_left)
        after_hall = grain_need - hall
        home = dining.household_meals(m, after_hall, months_left)
        short = after_hall - home  # what is still short after each source, computed once each
        hidden = coping.eat_hidden(m, short)
        after_hidden = short - hidden
        seed = m.capital.eat_seed(m, after_hidden, grain_need)  # ODD 7.11
        m.recorder.record_seed_eaten(m.capital.seed_eaten)
        after_seed = after_hidden - seed
        meat = m.capital.slaughter(m, after_seed, grain_need, work.starving)  # ODD 7.11: no ledger entry, not grain
        m.recorder.record_slaughter(m.capital)
        green = coping.eat_green(m, after_seed - meat, grain_need, self._standing_crop())
        m.ledger.add("produced", green)
        m.ledger.add("eaten", hall + home + hidden + seed + green)
        m.ledger.add("lost", waste)

        in_hall = dining.eating_in_hall(m)
        hall_fill = dining.hall_kcal_fill(m, hall, served_hh)
        pot = coping.grain_to_kcal_per_day(m, home + hidden + seed + meat + green) + side
        left, left_workers = self._left_after_hall(need_hh, priority_hh, served_hh, served_priority_hh, in_hall,
                                                   hall_fill)
        others, workers = dining.home_shares(pot, left, left_workers, p["home_priority"])
        self._request_resales(grain_need, months_left)
        return Meals(ladle, in_hall, hall_fill, others, workers, hall, work.milk)

    def _left_after_hall(self, need_hh, priority_hh, served_hh, served_priority_hh, in_hall, hall_fill):
        """Per household, the need the hall left to the pot, and the same weighted by able weight."""
        if not self.model.halls_open():  # nothing served: all of it (x - 0 x served is x)
            return need_hh, priority_hh
        covered = np.minimum(hall_fill, 1.0)[self.model.households.commune] * in_hall  # share of served need met
        return need_hh - covered * served_hh, priority_hh - covered * served_priority_hh

    def _standing_crop(self):
        m = self.model
        for crop in m.crops:
            if crop.standing and m.ym[1] in crop.growing:
                return crop
        return None

    def _request_resales(self, grain_need_month: np.ndarray, months_left: int) -> None:
        m, hh, com = self.model, self.model.households, self.model.communes
        need = sums.by_group(grain_need_month, hh.commune, com.n) * months_left
        food = com.granary + sums.by_group(hh.stock + hh.hidden, hh.commune, com.n)
        m.state.request_resales(m, food, need, com.report_ratio_last_year, reporting.visibility(m))

    # ---- body, birth and death ------------------------------------------------------------
    def live_and_die(self, work: Work, meals: Meals) -> None:
        """Everyone eats the meal ``feed`` set out, then bodies change, people die, conceive and
        give birth, households flee, and the living grow a month older."""
        m, people, p = self.model, self.model.people, self.model.p
        alive = work.alive
        tally = m.recorder.food_tally(m.communes.n)
        month = bodies_month(m, people, "rural", len(m.households), alive, work.need, work.able, meals, tally,
                             work.epidemic, p["baseline_mortality"])
        m.recorder.record_food(tally, meals.hall)
        m.recorder.record_bodies("rural", month.body)
        self.kill(month.starved, cause="starvation")
        self.kill(month.other, cause="baseline")
        members, hunger = month.members, month.hunger
        babies = give_birth(m, people, "rural", month.due, month.due_ratio, self._homes)
        members += np.bincount(people.household[babies], minlength=len(m.households))  # newborns are fed
        if m.peasants_materialised:
            m._materialise(babies)
        self._flee(members, hunger)  # members: 0 in the households gone
        before = people.changes
        self._recruit_and_send_down()
        if people.changes == before:  # nobody recruited or sent down: members are the living
            m.remember_living(members)
        kernels.grow_older(people.view("alive"), people.view("age"), np.float32(1 / 12))

    def _homes(self, mothers: np.ndarray):
        people = self.model.people
        return people.household[mothers], people.commune[mothers], RURAL

    def kill(self, idx: np.ndarray, cause: str) -> None:
        if len(idx) == 0:
            return
        m, people = self.model, self.model.people
        idx = idx[people.alive[idx]]  # nobody dies twice
        people.remove(idx)
        by_commune = np.bincount(people.commune[idx], minlength=m.communes.n)
        if cause == "starvation":
            self.recent_starvation_deaths[m.t % 12] += by_commune
        m.register.register_village(by_commune, starvation=cause == "starvation")
        m.recorder.record_deaths(people, idx, cause, "rural")
        m.release_peasants(idx)

    def _flee(self, members: np.ndarray, hunger_sum: np.ndarray) -> None:
        """Households hungry on average beyond "starving" may flee (``coping.flight``) to the
        towns, where they live as refugees without a ration of their own. ``members`` (per
        household, the living) loses those who fled."""
        m, people = self.model, self.model.people
        hunger = np.divide(hunger_sum, members, out=np.zeros(len(members)), where=members > 0)
        gone = coping.flight(m, hunger)
        if not gone.any():
            return
        members[gone] = 0.0  # every member leaves
        leaving = kernels.living_in(people.view("alive"), people.view("household"), gone)
        self._leave(leaving, REFUGEE, group=people.household[leaving])
        m.recorder.record_flight(leaving)

    def _leave(self, idx: np.ndarray, registration: int, group: np.ndarray) -> None:
        """People leave the villages for the towns, their bodies with them."""
        m, people = self.model, self.model.people
        m.towns.admit(people.take(idx), registration, group, m.communes.region[people.commune[idx]])
        people.remove(idx)
        m.release_peasants(idx)

    def _recruit_and_send_down(self) -> None:
        m, people, cal = self.model, self.model.people, self.model.calendar
        start, end = cal.recruitment
        if start <= m.ym <= end and m.p["industrial_recruitment"] > 0:
            months = month_index(end) - month_index(start) + 1
            young, living = kernels.living_aged(people.view("alive"), people.view("age"), *RECRUITED_AGES)
            share = m.p["industrial_recruitment"] / months * living / max(len(young), 1)
            leaving = young[m.rng.random(len(young)) < share]
            self._leave(leaving, RECRUITED, group=leaving)  # a dormitory place each
            m.state.recruit(len(leaving))
        returning = m.state.send_down(m)
        if returning:
            bodies = m.towns.send_down(returning)
            m.recorder.record_sent_down(len(bodies["age"]))
            self._settle(bodies)

    def _settle(self, bodies: dict[str, np.ndarray]) -> None:
        """People sent down from the towns join random households, their bodies with them."""
        m, people, hh = self.model, self.model.people, self.model.households
        k = len(bodies["age"])
        if k == 0:
            return
        homes = m.rng.integers(0, len(hh), k)
        idx = people.add(household=homes, commune=hh.commune[homes], registration=RURAL, **bodies)
        if m.peasants_materialised:
            m._materialise(idx)


@dataclass
class BodiesMonth:
    """What ``bodies_month`` leaves to its place to do: deaths to register and births to give."""
    starved: np.ndarray  # indices of those who died of famine
    other: np.ndarray  # ... and of other causes
    due: np.ndarray  # indices of the women who give birth now
    due_ratio: np.ndarray  # their intake / need this month
    members: np.ndarray  # per household, the survivors
    hunger: np.ndarray  # per household, the sum of the survivors' hunger states
    body: np.ndarray  # the bodies' tally (kernels.BODY_TALLY)


def bodies_month(model, people, place: str, n_households: int, alive: np.ndarray, need: np.ndarray,
                 able: np.ndarray, meals: Meals, food_tally, epidemic: np.ndarray, base_scale: float) -> BodiesMonth:
    """Everyone eats, bodies change, fates are drawn, pregnancies advance or are lost and women
    conceive (``kernels.eat_live_and_reproduce``: one uniform draw per person for the fates,
    then one per survivor). Records the month's pregnancies; deaths and births are left to the
    place."""
    p, rng = model.p, model.rng
    n = len(alive)
    u, before = fates_and_survivors_draws(rng, n)
    members, hunger = np.zeros(n_households), np.zeros(n_households)
    body, reproduction = np.zeros(kernels.BODY_TALLY), np.zeros(kernels.REPRODUCTION_TALLY)
    (food_tally.adult_kcal, food_tally.adults, starved, other, conceived, due, due_ratio,
     survivors) = kernels.eat_live_and_reproduce(
        alive, people.household, people.commune, people.female, people.age, people.bmi, people.height,
        people.hunger, people.gestation, people.postpartum, need, able, meals.ladle, meals.in_hall,
        meals.hall_fill, meals.others, meals.workers, p["max_intake_ratio"], people.kcal,
        food_tally.kcal_by_commune, food_tally.people_by_commune, food_tally.adult_hist, u, epidemic,
        p["bmi_limit_female"], p["bmi_limit_male"], p["elderly_reserve"], physiology.starvation_inv_spread(p),
        np.float32(p["child_play_cut"]),
        physiology.log_hr_per_sd(p), base_scale,
        physiology.monthly_conception(p), np.float32(p["amenorrhoea_bmi"]), np.float32(p["conception_postponement"]),
        physiology.postpartum_infecundity_months(p["breastfeeding_months"]), members, hunger, body, reproduction,
        np.full(n_households, -1.0, np.float32) if meals.milk is None else meals.milk, physiology.breastfed_months(p))
    keep_only_used_draws(rng, before, n + survivors)
    model.recorder.record_reproduction(place, reproduction, len(conceived))
    return BodiesMonth(starved, other, due, due_ratio, members, hunger, body)


def breastfeeding(model, people, alive: np.ndarray, n_households: int) -> tuple[np.ndarray, np.ndarray]:
    """Per household, the milk supply of its nursing women (-1: none) and the extra need of each
    (``kernels.nursing``, ``physiology``'s breastfeeding rule), for the month's passes."""
    p = model.p
    return kernels.nursing(alive, people.household, people.female, people.age, people.bmi, people.postpartum,
                           physiology.breastfed_months(p), physiology.nursing_above(p),
                           np.float32(p["lactation_protected_bmi"]), np.float32(p["bmi_limit_female"]), n_households)


def fates_and_survivors_draws(rng, n: int) -> tuple[np.ndarray, dict]:
    """Uniform draws for a month of ``n`` people: one each for their fates, then one for each
    survivor (at most ``n``), drawn at once before anyone's fate is known. Returns them and the
    generator's state before; ``keep_only_used_draws`` then leaves the generator where drawing
    only the used ones would have (the run does not depend on how many were drawn ahead)."""
    before = rng.bit_generator.state
    return rng.random(2 * n, dtype=np.float32), before


def keep_only_used_draws(rng, before: dict, used: int) -> None:
    """Put ``rng`` where ``used`` float32 uniforms drawn from the state ``before`` leave it.

    Numpy draws a float32 from 32 random bits and PCG64 gives 64 at a time, keeping the unused
    half for the next draw; so ``used`` draws are the buffered half (if any) and then whole
    64-bit steps, which PCG64 can jump over (``advance``). The last step is drawn, not jumped,
    so the kept half is the one drawing would have kept."""
    bits = rng.bit_generator
    bits.state = before
    if not isinstance(bits, np.random.PCG64):  # no jump: draw them again
        rng.random(used, dtype=np.float32)
        return
    if used and before["has_uint32"]:
        rng.random(1, dtype=np.float32)
        used -= 1
    steps, odd = divmod(used, 2)
    if steps:
        bits.advance(steps - 1)
        rng.random(2, dtype=np.float32)
    if odd:
        rng.random(1, dtype=np.float32)


def give_birth(model, people, place: str, mothers: np.ndarray, mothers_ratio: np.ndarray, homes) -> np.ndarray:
    """Newborns of ``mothers``: sex, length and BMI drawn around the newborns' mean (physiology
    .NEWBORN_Z_MEAN, within 2 SD: no newborn is wasted but by its mother's hunger), weight cut by
    the mother's shortfall in her last month, a month grown by their first meal
    (``physiology.newborn_bodies``); they live in the mother's household with her
    registration. Returns their indices."""
    k = len(mothers)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    rng, p = model.rng, model.p
    female = rng.random(k) < FEMALE_SHARE
    z = np.clip(physiology.NEWBORN_Z_MEAN + rng.standard_normal((2, k)), -2.0, 2.0)
    size = physiology.birth_size_factor(mothers_ratio, p)
    weight, height, bmi = physiology.newborn_bodies(female, z[0], z[1], size)
    household, commune, registration = homes(mothers)
    babies = people.add(age=np.zeros(k), female=female, bmi=bmi, height=height, household=household,
                        commune=commune, registration=registration)
    model.recorder.record_births(people, mothers, babies, weight, place)
    return babies

