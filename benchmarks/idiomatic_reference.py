"""An idiomatic-Mesa reference of the peasant month, to measure what vectorising buys.

``greatleap.village.Village`` runs the peasants' month (ODD 7.2, 7.6-7.8) as numpy operations
over the person arrays. Here the same month is written the way a Mesa tutorial would write it:
every villager is a ``mesa.Agent`` (``Villager``) holding its own state as plain attributes, and
its month is a staged ``step`` run with ``AgentSet.do`` (Mesa 2's ``StagedActivation``, Mesa 3
style)::

    work  -> (households pool need and share out grain) -> eat -> live -> conceive -> grow_older

``work`` draws the task and sets the energy need, ``eat`` takes the household's share, ``live``
updates body mass and hunger and draws death, ``conceive`` draws a conception, ``grow_older``
ages the villager a month. Each rule is a few lines of scalar Python (``math``, ``min``/``max``)
written from the vectorised rule functions in ``greatleap.physiology``, ``greatleap.labour`` and
``greatleap.coping``; their constant tables (need by age, task cost, field season, hazards by
age, fertility by age, foraging propensity) are imported from those modules, never copied, and
``tests/test_benchmark_reference.py`` checks every scalar rule against its vectorised original
on random inputs and whole months against ``Village``, so the reference cannot drift silently.

Same random numbers, same order
-------------------------------
``Village`` draws one float32 uniform per living person for the task, one for death, and one
per survivor for conception, each block in person-index order. ``AgentSet`` iterates agents in
the order they were added, which is person-index order, and each agent draws one float32 from
``model.rng`` per stage, so both versions consume **the same random stream in the same order**
(numpy's PCG64 gives the same float32 sequence one at a time as in a block). To keep the
streams aligned the reference draws a conception number for every survivor, men included, as
the vectorised code does. Task draws and comparisons are then bit-identical. Ages are float32
in both (a villager ages by float32(1/12) a month), so a birthday falls in the same month; the
state an agent keeps (need, intake ratio, intake, BMI) is rounded to float32 as the arrays hold
it, so each rule starts from the same numbers; inside a rule the arithmetic is float64 here and
float32 there, so results agree to about 1e-6 relative, and a death, hunger-state or conception
outcome could in principle flip only for a value within a float32 rounding of its threshold. In practice every discrete outcome
matches for the whole run, 1957-62 (``tests/test_benchmark_reference.py`` checks alive/dead,
births, deaths by cause, hunger states, tasks and ages month by month at a small size; this
script does so at 10k and 100k).

What is not per-agent
---------------------
Household- and commune-level steps are not peasant rules and are called as they are:
campaign shares, side food per household (private plots and foraging yield with its depletion:
``coping.side_food_kcal``, fed the task array gathered from the agents), the household store
and dining-hall meals, hidden and green grain, kin transfers, resales (``greatleap.dining``, ``greatleap.coping``), and the household/cohort
decisions of flight, industrial recruitment and sending-down (``Village._flee``,
``Village._recruit_and_send_down``, which read the person arrays). The reference keeps the
person arrays in step with its agents (a "bridge": gathering agent attributes into the arrays
that the rest of the model and the reporters read); the bridge is timed separately.

Usage::

    .venv/bin/python benchmarks/idiomatic_reference.py                 # 10k and 100k, 1957-62
    .venv/bin/python benchmarks/idiomatic_reference.py --sizes 10k --months 6 --warmup 24 --rows
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np
from mesa import Agent

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from greatleap import coping, dining, labour, reporters  # noqa: E402
from greatleap.labour import FIELDS, FORAGE, FORAGE_PROPENSITY, FURNACE, IRRIGATION, NONE  # noqa: E402
from greatleap.physiology import (  # noqa: E402
    ADULT_HEIGHT_M2, DAYS_PER_MONTH, FIELD_SEASON, HEALTHY_BMI, KCAL_PER_KG_TISSUE,
    MONTHLY_BASE_HAZARD, MONTHLY_CONCEPTION, TASK_KCAL, _NEED_BY_AGE)
from greatleap.village import Village  # noqa: E402

# The constant tables as Python lists (scalar indexing of a list is ~10x faster than numpy's).
NEED_BY_AGE = [float(x) for x in _NEED_BY_AGE]
BASE_HAZARD = [float(x) for x in MONTHLY_BASE_HAZARD]
CONCEPTION = [float(x) for x in MONTHLY_CONCEPTION]
FORAGE_BY_HUNGER = [float(x) for x in FORAGE_PROPENSITY]
KG_PER_KCAL_BMI = DAYS_PER_MONTH / KCAL_PER_KG_TISSUE / ADULT_HEIGHT_M2
ONE_MONTH = np.float32(1 / 12)  # what the model adds to a float32 age each month


def f32(x: float) -> float:
    """``x`` rounded to float32, as the person arrays hold it: the state an agent keeps from one
    stage or month to the next is what the model stores, so both start each rule from the same
    numbers (the arithmetic inside a rule is float64 here, float32 there)."""
    return float(np.float32(x))


# ---- the rules, one person at a time (each mirrors one vectorised function) -----------------
def able_weight(age: float, hunger: int) -> float:
    """labour.able_weight"""
    if hunger >= 3:
        return 0.0
    if 15 <= age < 60:
        return 1.0
    if 12 <= age < 15 or 60 <= age < 70:
        return 0.5
    return 0.0


def choose_task(u: float, furnace: float, irrigation: float, hunger: int, able: float) -> int:
    """labour.task_of for one person, given their uniform draw ``u``."""
    if able == 0:
        return NONE
    if u < furnace:
        return FURNACE
    if u < furnace + irrigation:
        return IRRIGATION
    rest = (u - furnace - irrigation) / max(1.0 - furnace - irrigation, 1e-6)
    return FORAGE if rest < FORAGE_BY_HUNGER[hunger] else FIELDS


def daily_need(age_idx: int, task: int, long_hours: float, month: int, capacity: float,
               bmi: float) -> float:
    """physiology.daily_need"""
    task_kcal = float(TASK_KCAL[task]) * (FIELD_SEASON[month] if task == FIELDS else 1.0)
    mass = 0.4 + 0.6 * min(bmi, HEALTHY_BMI) / HEALTHY_BMI
    return NEED_BY_AGE[age_idx] * mass + task_kcal * capacity + long_hours


def work_capacity(bmi: float, intake_ratio: float) -> float:
    """labour.work_capacity"""
    by_bmi = min(max((bmi - 10.0) / 7.0, 0.3), 1.0)
    by_intake = min(max(intake_ratio, 0.3), 1.0) ** 0.2
    return by_bmi * by_intake


def update_body_mass(bmi: float, intake: float, need: float) -> float:
    """physiology.update_body_mass"""
    balance = intake - need
    if balance < 0:
        absorbed = 0.25 + 0.2 * min(max((18.5 - bmi) / 5.0, 0.0), 1.0)
    else:
        absorbed = 0.5
    bmi = min(max(bmi + balance * (1.0 - absorbed) * KG_PER_KCAL_BMI, 8.0), 24.0)
    if bmi > HEALTHY_BMI:
        bmi -= 0.2 * (bmi - HEALTHY_BMI)
    return bmi


def hunger_state(bmi: float, intake_ratio: float) -> int:
    """physiology.hunger_state"""
    if bmi < 14.0:
        return 3
    if bmi < 16.0 or intake_ratio < 0.6:
        return 2
    if bmi < 18.5 or intake_ratio < 0.85:
        return 1
    return 0


def starvation_hazard(bmi: float, female: bool, age_idx: int, p) -> float:
    """physiology.starvation_hazard"""
    limit = p["bmi_limit_female"] if female else p["bmi_limit_male"]
    if age_idx < 5 or age_idx >= 60:
        limit += 1.5
    x = (bmi - limit) / 0.5
    return 0.0 if x > 700 else 1.0 / (1.0 + math.exp(x))


def baseline_hazard(bmi: float, age_idx: int, p) -> float:
    """physiology.baseline_hazard"""
    infection = 1.0 + 4.0 * min(max((17.0 - bmi) / 4.0, 0.0), 1.0)
    return BASE_HAZARD[age_idx] * p["baseline_mortality"] * infection


def conception_probability(age_idx: int, female: bool, bmi: float, intake_ratio: float, p) -> float:
    """physiology.conception_probability"""
    if not female:
        return 0.0
    fecundity = (min(max((bmi - 16.0) / 3.0, 0.0), 1.0)
                 * min(max((intake_ratio - 0.5) / 0.4, 0.0), 1.0))
    return CONCEPTION[age_idx] * fecundity * p["fertility"]


# ---- the agent -----------------------------------------------------------------------------
class Villager(Agent):
    """One peasant with its own state and a staged month (see the module docstring)."""

    def __init__(self, model, index: int, age: float, female: bool, bmi: float, hunger: int,
                 household: int, commune: int, kcal: float):
        super().__init__(model)
        self.index = index
        self.age, self.female, self.bmi, self.hunger = age, female, bmi, hunger
        self.household, self.commune, self.kcal = household, commune, kcal
        self.labour = 0
        self.able = self.need = self.ratio = 0.0
        self.alive = True
        self.dies = False

    # stage 1: this month's task and energy need
    def work(self, v: "IdiomaticVillage") -> None:
        self.able = able = able_weight(self.age, self.hunger)
        c = self.commune
        u = float(v.draw(dtype=np.float32))  # one draw per person, as Village.work_month
        self.labour = task = choose_task(u, v.furnace[c], v.irrigation[c], self.hunger, able)
        age_idx = min(int(self.age), 100)
        usual = daily_need(age_idx, task, 0.0, v.month, 1.0, self.bmi)
        capacity = work_capacity(self.bmi, self.kcal / usual)
        long_hours = v.coercion_kcal if task in (FIELDS, FURNACE, IRRIGATION) else 0.0
        self.need = f32(daily_need(age_idx, task, long_hours, v.month, capacity, self.bmi))
        if task == FIELDS:  # the commune's hands in the fields and their effective labour
            v.present[c] += able
            v.working[c] += able * capacity

    # between stages 1 and 2: the household pools its members' needs
    def join_household(self, v: "IdiomaticVillage") -> None:
        h = self.household
        v.need_hh[h] += self.need
        v.members[h] += 1
        if self.able > 0:
            v.workers[h] += 1
        if self.hunger >= 1:
            v.hungry[h] = True

    # stage 2: eat the household's share
    def eat(self, v: "IdiomaticVillage") -> None:
        self.ratio = f32(min(v.ratio_hh[self.household], 1.3))
        self.kcal = f32(self.need * self.ratio)

    # stage 3: body, hunger, death
    def live(self, v: "IdiomaticVillage") -> None:
        self.bmi = bmi = f32(update_body_mass(self.bmi, self.kcal, self.need))
        self.hunger = hunger_state(bmi, self.ratio)
        age_idx = min(int(self.age), 100)
        starve = starvation_hazard(bmi, self.female, age_idx, v.p)
        base_plain = BASE_HAZARD[age_idx] * v.p["baseline_mortality"]
        base = baseline_hazard(bmi, age_idx, v.p)
        u = float(v.draw(dtype=np.float32))
        self.dies = u < starve + base
        if self.dies:
            famine = u < starve or u >= starve + base_plain
            (v.starved if famine else v.other_deaths).append(self.index)

    # stage 4: conception (drawn for every survivor, so the random streams stay aligned)
    def conceive(self, v: "IdiomaticVillage") -> None:
        chance = conception_probability(min(int(self.age), 100), self.female, self.bmi,
                                        self.ratio, v.p)
        if float(v.draw(dtype=np.float32)) < chance:
            v.conceived.append(self.index)

    # stage 5: ages are float32, as in the person arrays, so birthdays fall in the same month
    def grow_older(self, v: "IdiomaticVillage") -> None:
        self.age = float(np.float32(self.age) + ONE_MONTH)


class _Work:
    """What the rest of the model reads from the month's work."""

    def __init__(self, present, field_labour):
        self.present, self.field_labour = present, field_labour

    def still_alive(self, people) -> "_Work":
        return self  # dead villagers have left the AgentSet


def _food_tally(m, idx: np.ndarray, intake: np.ndarray) -> reporters.FoodTally:
    """What ``kernels.eat`` adds up while people eat, from the agents' intakes."""
    tally = reporters.FoodTally.empty(m.communes.n)
    commune = m.people.commune[idx]
    tally.kcal_by_commune += np.bincount(commune, weights=intake, minlength=m.communes.n)
    tally.people_by_commune += np.bincount(commune, minlength=m.communes.n)
    adult = intake[m.people.age[idx] >= 15]
    tally.adult_kcal, tally.adults = float(adult.sum(dtype=np.float64)), len(adult)
    bins = np.minimum(adult.astype(np.int64), len(tally.adult_hist) - 1)
    tally.adult_hist += np.bincount(bins, minlength=len(tally.adult_hist)).astype(tally.adult_hist.dtype)
    return tally


class IdiomaticVillage(Village):
    """Drop-in replacement for ``model.village``: same interface, one Agent per villager."""

    def __init__(self, model, source: Village | None = None):
        # no super().__init__: it would draw the initial pregnancies again
        self.model = model
        source = source or model.village
        self.conceptions = deque(source.conceptions, maxlen=source.conceptions.maxlen)
        self.recent_starvation_deaths = source.recent_starvation_deaths.copy()
        self.p = model.p
        self.draw = model.rng.random
        self.bridge_s = 0.0
        self.agent_s = 0.0
        self.villagers = None
        self.by_index: dict[int, Villager] = {}
        self._adopt(np.flatnonzero(model.people.view("alive")))

    def _adopt(self, idx: np.ndarray) -> None:
        people = self.model.people
        cols = [getattr(people, name)[idx].tolist() for name in
                ("age", "female", "bmi", "hunger", "household", "commune", "kcal")]
        for i, *values in zip(idx.tolist(), *cols):
            self.by_index[i] = Villager(self.model, i, *values)
        self.villagers = self.model.agents_by_type[Villager]

    # ---- the month --------------------------------------------------------------------------
    def work_month(self, alive: np.ndarray) -> _Work:
        m, p = self.model, self.model.p
        n_com = m.communes.n
        furnace, irrigation = labour.campaign_shares(m)
        self.furnace, self.irrigation = furnace.tolist(), irrigation.tolist()
        self.month = m.ym[1]
        long_hours = m.calendar.long_hours_on(m.ym) and not m.state.retreated
        self.coercion_kcal = float(p["coercion_kcal"]) if long_hours else 0.0
        self.present, self.working = [0.0] * n_com, [0.0] * n_com
        t0 = time.perf_counter()
        self.villagers.do("work", self)
        self.agent_s += time.perf_counter() - t0
        norm = m.communes.workers_normal
        present = np.array(self.present) / norm
        hours = 1.15 if long_hours else 1.0
        effective = np.array(self.working) / norm * labour.incentive_effort(m) * hours
        t0 = time.perf_counter()
        n = len(self.villagers)
        self._idx = idx = np.fromiter((a.index for a in self.villagers), np.int64, n)
        self._task = task = np.fromiter((a.labour for a in self.villagers), np.int8, n)
        able = np.fromiter((a.able for a in self.villagers), np.float32, n)
        self.model.people.labour[idx] = task
        self.bridge_s += time.perf_counter() - t0
        m.recorder.record_labour(np.bincount(task, weights=able, minlength=len(labour.TASKS)))
        return _Work(present, effective)

    def feed(self, work: _Work):
        m, p, hh = self.model, self.model.p, self.model.households
        n_hh = len(hh)
        self.need_hh, self.members, self.workers = [0.0] * n_hh, [0] * n_hh, [0] * n_hh
        self.hungry = [False] * n_hh
        t0 = time.perf_counter()
        self.villagers.do("join_household", self)
        self.agent_s += time.perf_counter() - t0
        # ---- household level: the same steps and functions as Village.feed ----
        need_hh, members = np.array(self.need_hh), np.array(self.members, dtype=float)
        keep = m.people.alive[self._idx]  # without those killed in searches since work_month
        side = coping.side_food_kcal(m, self._idx[keep], self._task[keep])
        grain_need = np.maximum(need_hh - side, 0.0) * DAYS_PER_MONTH / p["kcal_per_kg"]
        m.recorder.record_kin(coping.kin_transfers(m, grain_need, np.array(self.hungry)))
        months_left = dining.months_to_next_harvest(m.ym[1])
        workers_share = np.divide(np.array(self.workers, float), members, out=np.zeros(n_hh),
                                  where=members > 0)
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
        self.ratio_hh = np.divide(food_kcal, need_hh, out=np.zeros(n_hh), where=need_hh > 0).tolist()
        # ---- back to the villagers ----
        t0 = time.perf_counter()
        self.villagers.do("eat", self)
        self.agent_s += time.perf_counter() - t0
        self._request_resales(grain_need, months_left)
        t0 = time.perf_counter()
        n = len(self.villagers)
        idx = np.fromiter((a.index for a in self.villagers), np.int64, n)
        intake = np.fromiter((a.kcal for a in self.villagers), np.float32, n)
        m.people.kcal[idx] = intake
        self.bridge_s += time.perf_counter() - t0
        m.recorder.record_food(_food_tally(m, idx, intake), hall)
        return None

    def live_and_die(self, work, food) -> None:
        m, people = self.model, self.model.people
        self.starved, self.other_deaths, self.conceived = [], [], []
        t0 = time.perf_counter()
        self.villagers.do("live", self)
        self.agent_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        self._sync("bmi", "bmi", np.float32)
        self._sync("hunger", "hunger", np.int8)
        self.bridge_s += time.perf_counter() - t0
        self.kill(np.array(self.starved, dtype=np.int64), cause="starvation")
        self.kill(np.array(self.other_deaths, dtype=np.int64), cause="baseline")
        t0 = time.perf_counter()
        self.villagers.do("conceive", self)
        self.agent_s += time.perf_counter() - t0
        self._bear(np.array(self.conceived, dtype=np.int64))
        # flight, recruitment and sending-down act on households and cohorts: Village's code
        n_before = people.n
        living = np.flatnonzero(people.view("alive"))
        household = people.household[living]
        self._flee(np.bincount(household, minlength=len(m.households)),
                   np.bincount(household, weights=people.hunger[living], minlength=len(m.households)))
        self._recruit_and_send_down()
        t0 = time.perf_counter()
        idx = np.fromiter(self.by_index.keys(), np.int64, len(self.by_index))
        for i in idx[~people.alive[idx]].tolist():
            a = self.by_index.pop(i)
            a.alive = False
            a.remove()
        if people.n > n_before:
            self._adopt(np.arange(n_before, people.n))
        self.bridge_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        self.villagers.do("grow_older", self)
        self.agent_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        self._sync("age", "age", np.float32)
        self.bridge_s += time.perf_counter() - t0

    def _bear(self, conceived: np.ndarray) -> None:
        """Village._conceive_and_bear after the draws: due mothers give birth."""
        m, people = self.model, self.model.people
        due = self.conceptions[0]
        self.conceptions.append(conceived)
        mothers = due[people.alive[due]]
        if len(mothers) == 0:
            return
        k = len(mothers)
        babies = people.add(age=np.zeros(k), female=m.rng.random(k) < 0.485,
                            bmi=people.bmi[mothers].clip(15.0, 21.0), household=people.household[mothers],
                            commune=people.commune[mothers])
        m.recorder.record_births(babies)
        self._adopt(babies)

    def kill(self, idx: np.ndarray, cause: str) -> None:
        if len(idx) == 0:
            return
        idx = idx[self.model.people.alive[idx]]
        super().kill(idx, cause)
        for i in idx.tolist():
            a = self.by_index.pop(i)
            a.alive = False
            a.remove()

    def _sync(self, attr: str, field: str, dtype) -> None:
        """The bridge: write one agent attribute back into the person arrays."""
        n = len(self.villagers)
        idx = np.fromiter((a.index for a in self.villagers), np.int64, n)
        getattr(self.model.people, field)[idx] = np.fromiter(
            (getattr(a, attr) for a in self.villagers), dtype, n)


# ---- comparing and timing ------------------------------------------------------------------
def twin_models(n_communes: int, side: int, warmup: int, seed: int = 1, **params):
    """Two identical models advanced ``warmup`` months; the second gets the idiomatic village."""
    from greatleap import params as params_mod
    from greatleap.model import FamineModel

    plots = n_communes * side * side  # above the interactive caps at 1M: lift them here only
    if hasattr(params_mod, "MAX_PLOTS"):
        params_mod.MAX_PLOTS = max(params_mod.MAX_PLOTS, plots)
    if hasattr(params_mod, "MAX_PEASANTS"):
        params_mod.MAX_PEASANTS = max(params_mod.MAX_PEASANTS, plots * 8)
    a = FamineModel(rng=seed, n_communes=n_communes, commune_side=side,
                    materialise_peasants=False, **params)
    b = FamineModel(rng=seed, n_communes=n_communes, commune_side=side,
                    materialise_peasants=False, **params)
    for _ in range(warmup):
        a.step()
        b.step()
    b.village = IdiomaticVillage(b)
    return a, b


def _time_village(model) -> dict:
    """Wrap the three village phases of one model instance with timers."""
    spent = {"peasant_month": 0.0, "peasant_month_cpu": 0.0, "step": 0.0}
    v = model.village
    for name in ("work_month", "feed", "live_and_die"):
        fn = getattr(v, name)

        def timed(*a, _fn=fn, **k):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return _fn(*a, **k)
            finally:
                spent["peasant_month"] += time.perf_counter() - t0
                spent["peasant_month_cpu"] += time.process_time() - c0

        setattr(v, name, timed)
    return spent


def month_state(model) -> dict:
    people = model.people
    alive = people.view("alive")
    s = model.recorder.stats
    return {"alive": alive.copy(), "bmi": people.view("bmi").copy(),
            "hunger": people.view("hunger").copy(), "age": people.view("age").copy(),
            "task": people.view("labour").copy(), "deaths_violence": s["deaths_violence"],
            "kcal": people.view("kcal").copy(),
            "n": people.n, "deaths_starvation": s["deaths_starvation"],
            "deaths_baseline": s["deaths_baseline"], "births": round(s["births"] - s["urban_births"]),  # village births: whole people
            "mean_bmi": float(people.view("bmi")[alive].mean()),
            "kcal_mean": s["kcal_mean"], "rural": int(alive.sum())}


def compare(n_communes: int, side: int, months: int, warmup: int, seed: int = 1, **params) -> dict:
    """Run both villages side by side from identical state; time them and compare results."""
    a, b = twin_models(n_communes, side, warmup, seed, **params)
    ta, tb = _time_village(a), _time_village(b)
    rows = []
    pm = 0
    for _ in range(months):
        pm += a.rural_population()
        for model, t in ((a, ta), (b, tb)):
            t0 = time.perf_counter()
            model.step()
            t["step"] += time.perf_counter() - t0
        sa, sb = month_state(a), month_state(b)
        same_n = sa["n"] == sb["n"]
        rows.append({
            "date": a.date_label(),
            "deaths_vec": sa["deaths_starvation"] + sa["deaths_baseline"],
            "deaths_ref": sb["deaths_starvation"] + sb["deaths_baseline"],
            "starv_vec": sa["deaths_starvation"], "starv_ref": sb["deaths_starvation"],
            "births_vec": sa["births"], "births_ref": sb["births"],
            "mean_bmi_vec": sa["mean_bmi"], "mean_bmi_ref": sb["mean_bmi"],
            "kcal_vec": sa["kcal_mean"], "kcal_ref": sb["kcal_mean"],
            "alive_identical": bool(same_n and (sa["alive"] == sb["alive"]).all()),
            "hunger_identical": bool(same_n and (sa["hunger"] == sb["hunger"]).all()),
            "task_identical": bool(same_n and (sa["task"] == sb["task"])[sa["alive"]].all()),
            "age_identical": bool(same_n and (sa["age"] == sb["age"]).all()),
            "violence_vec": sa["deaths_violence"], "violence_ref": sb["deaths_violence"],
            "max_abs_bmi_diff": float(np.abs(sa["bmi"] - sb["bmi"]).max()) if same_n else float("nan"),
            "max_rel_kcal_diff": float((np.abs(sa["kcal"] - sb["kcal"]) / np.maximum(sa["kcal"], 1.0))
                                       [sa["alive"]].max()) if same_n else float("nan"),
        })
    return {"peasants": a.rural_population(), "peasant_months": pm, "months": months,
            "vec_peasant_month_s": ta["peasant_month"], "ref_peasant_month_s": tb["peasant_month"],
            "vec_peasant_month_cpu_s": ta["peasant_month_cpu"],
            "ref_peasant_month_cpu_s": tb["peasant_month_cpu"],
            "ref_bridge_s": b.village.bridge_s, "ref_agent_s": b.village.agent_s,
            "vec_step_s": ta["step"], "ref_step_s": tb["step"], "rows": rows}


def report(size: str, r: dict, show_all: bool = False) -> None:
    pm = r["peasant_months"]
    vec = r["vec_peasant_month_s"] / pm * 1e9
    ref = r["ref_peasant_month_s"] / pm * 1e9
    ref_nobridge = (r["ref_peasant_month_s"] - r["ref_bridge_s"]) / pm * 1e9
    rows = r["rows"]
    same = [row["alive_identical"] and row["hunger_identical"] and row["task_identical"]
            and row["age_identical"] and row["deaths_vec"] == row["deaths_ref"]
            and row["starv_vec"] == row["starv_ref"] and row["violence_vec"] == row["violence_ref"]
            and row["births_vec"] == row["births_ref"] for row in rows]
    print(f"{size}: {r['peasants']:,} villagers, {r['months']} months compared; identical in every "
          f"discrete outcome (alive, hunger, tasks, ages, deaths by cause, births): {sum(same)} of {len(rows)}")
    print("  peasant month (work_month + feed + live_and_die), ns per peasant-month:")
    print(f"    vectorised Village        {vec:9.0f}")
    print(f"    idiomatic Mesa reference  {ref:9.0f}   (of which agent stages "
          f"{r['ref_agent_s'] / pm * 1e9:.0f}, array bridge {r['ref_bridge_s'] / pm * 1e9:.0f})")
    print(f"    speed ratio               {ref / vec:9.1f}x   ({ref_nobridge / vec:.1f}x without the bridge)")
    vc, rc = r["vec_peasant_month_cpu_s"] / pm * 1e9, r["ref_peasant_month_cpu_s"] / pm * 1e9
    print(f"    CPU time: vectorised {vc:.0f}, reference {rc:.0f}, ratio {rc / vc:.1f}x")
    print(f"  whole model step: vectorised {r['vec_step_s'] / pm * 1e9:.0f} ns/pm, "
          f"with the reference village {r['ref_step_s'] / pm * 1e9:.0f} ns/pm "
          f"({r['ref_step_s'] / r['vec_step_s']:.1f}x)")
    if all(same) and not show_all:
        return
    print(f"  {'month':<9} {'deaths v/r':>11} {'starv v/r':>10} {'births v/r':>11} "
          f"{'mean BMI vec':>12} {'ref':>8} {'alive=':>6} {'hunger=':>7} {'max|dBMI|':>9} {'kcal rel':>9}")
    for row, ok in zip(rows, same):
        if ok and not show_all:
            continue
        print(f"  {row['date']:<9} {row['deaths_vec']:>5.0f}/{row['deaths_ref']:<5.0f} "
              f"{row['starv_vec']:>4.0f}/{row['starv_ref']:<5.0f} {row['births_vec']:>5.0f}/{row['births_ref']:<5.0f} "
              f"{row['mean_bmi_vec']:>12.5f} {row['mean_bmi_ref']:>8.5f} {str(row['alive_identical']):>6} "
              f"{str(row['hunger_identical']):>7} {row['max_abs_bmi_diff']:>9.1e} {row['max_rel_kcal_diff']:>9.1e}")


SIZES = {"10k": (16, 11), "100k": (100, 14), "1M": (400, 22)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Vectorised Village vs an idiomatic Mesa reference")
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--months", type=int, default=72, help="months compared and timed (default: 1957-62)")
    ap.add_argument("--warmup", type=int, default=0,
                    help="months run (vectorised, both twins) before the comparison starts")
    ap.add_argument("--rows", action="store_true", help="print every month (default: only those that differ)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    for size in args.sizes.split(","):
        n_communes, side = SIZES[size]
        report(size, compare(n_communes, side, args.months, args.warmup, args.seed), args.rows)
        print(flush=True)


if __name__ == "__main__":
    main()
