"""The village month's loops over the living, compiled by numba (ODD 7.2, 7.6-7.8).

Each loop walks the living once, applies to each person the rules of ``labour``, ``physiology``
and ``coping`` (numba ufuncs, called here one person at a time), and adds up on the way what
households and communes need. No rule is written here: this module only fuses them. Numpy would
make one pass over all the living per operation, gathering and scattering through the index of
the living each time; one compiled pass is several times faster (docs/performance.md).

Random numbers are drawn by the model's generator in blocks, one number per person in person
order, and passed in, so a run depends only on its seed. Sums are float64, in person order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from greatleap import coping, labour, physiology
from greatleap.labour import FIELDS, FORAGE

f32 = np.float32
KCAL_BINS = 8192  # adults' daily intake histogram, 1-kcal bins (the last one holds the rest)
_HEALTHY_BMI = f32(physiology.HEALTHY_BMI)


@njit(cache=True, inline="always")
def _age_index(age):
    return min(int(age), 100)


@njit(cache=True, nogil=True)
def work(alive, age, hunger, bmi, kcal, commune, labour_out, u, furnace, irrigation, task_kcal,
         coerced_kcal, present, working, able_by_task, living, foragers):
    """Task, able weight and energy need of each living person. Adds per commune the field
    workers' able weight (``present``), able weight x capacity (``working``), the living and the
    foragers, and per task the able weight."""
    n = len(alive)
    task = np.empty(n, np.int8)
    able = np.empty(n, np.float32)
    need = np.empty(n, np.float32)
    for k in range(n):
        i = alive[k]
        a, c, b = _age_index(age[i]), commune[i], bmi[i]
        ab = labour.able_weight_of(a, hunger[i])
        t = labour.task_of(u[k], furnace[c], irrigation[c], hunger[i], ab)
        resting = physiology.resting_need_of(a, b)
        cost = task_kcal[t]
        capacity = labour.work_capacity(b, kcal[i] / (resting + cost))
        need[k] = physiology.daily_need_of(resting, cost, capacity, labour.long_hours_of(t, coerced_kcal))
        task[k], able[k], labour_out[i] = t, ab, t
        # sums without branches on the task, which changes from one person to the next
        in_fields = t == FIELDS
        able_by_task[t] += ab
        living[c] += 1
        present[c] += ab * in_fields
        working[c] += ab * capacity * in_fields
        foragers[c] += t == FORAGE
    return task, able, need


@njit(cache=True, nogil=True)
def households(alive, household, commune, hunger, task, able, need, plots_kcal, per_forager,
               need_hh, side_hh, members, workers, hungry):
    """Per household: energy need, food from plots and foraging, members, workers, and whether
    anyone in it is hungry."""
    for k in range(len(alive)):
        i = alive[k]
        h = household[i]
        need_hh[h] += need[k]
        side_hh[h] += coping.side_food_of(task[k], plots_kcal, per_forager[commune[i]])
        members[h] += 1
        workers[h] += able[k] > 0
        hungry[h] |= hunger[i] >= 1


@njit(cache=True, nogil=True)
def eat(alive, household, commune, age, need, ratio_hh, max_ratio, kcal_out, kcal_by_commune,
        people_by_commune, adult_hist):
    """Each person eats their household's food in proportion to need (at most ``max_ratio``
    times it). Adds intake per commune and the adults' (15+) intake histogram; returns
    (intake, intake/need, adults' total intake, adults)."""
    n = len(alive)
    intake = np.empty(n, np.float32)
    ratio = np.empty(n, np.float32)
    adult_kcal, adults = 0.0, 0
    for k in range(n):
        i = alive[k]
        r = f32(min(ratio_hh[household[i]], max_ratio))
        x = need[k] * r
        ratio[k], intake[k], kcal_out[i] = r, x, x
        c = commune[i]
        kcal_by_commune[c] += x
        people_by_commune[c] += 1
        adult = age[i] >= 15
        adult_kcal += x * adult
        adults += adult
        adult_hist[min(int(x), len(adult_hist) - 1)] += adult
    return intake, ratio, adult_kcal, adults


@njit(cache=True, nogil=True)
def live(alive, bmi, hunger, female, age, intake, need, ratio, u, limit_female, limit_male,
         baseline_mortality):
    """Body mass and hunger state after the month (written back), and each person's fate from
    one uniform draw (``physiology.death_cause``). Returns the fates, and the indices of those
    who die of famine and of other causes."""
    n = len(alive)
    cause = np.empty(n, np.int8)
    famine, other = np.empty(n, np.int64), np.empty(n, np.int64)
    n_famine = n_other = 0
    for k in range(n):
        i = alive[k]
        b = physiology.body_mass_after(bmi[i], intake[k], need[k])
        bmi[i] = b
        hunger[i] = physiology.hunger_state(b, ratio[k])
        a = _age_index(age[i])
        starve = physiology.starvation_hazard_of(b, female[i], a, limit_female, limit_male)
        usual = physiology.baseline_hazard_of(b, a, baseline_mortality)
        usual_if_fed = physiology.baseline_hazard_of(_HEALTHY_BMI, a, baseline_mortality)
        fate = physiology.death_cause(u[k], starve, usual, usual_if_fed)
        cause[k] = fate
        if fate == physiology.FAMINE_DEATH:  # rare: the branch is predicted right
            famine[n_famine] = i
            n_famine += 1
        elif fate == physiology.OTHER_DEATH:
            other[n_other] = i
            n_other += 1
    return cause, famine[:n_famine], other[:n_other]


@njit(cache=True, nogil=True)
def conceive(alive, cause, age, female, bmi, ratio, household, hunger, u, fertility, members,
             hunger_sum):
    """Among those who lived (``cause`` 0), who conceives, from one uniform draw each (``u``
    has one number per survivor); returns their indices. Adds per household the survivors and
    their hunger states."""
    conceived = np.empty(len(u), np.int64)
    j = n_conceived = 0
    for k in range(len(alive)):
        if cause[k] != physiology.LIVES:
            continue
        i = alive[k]
        chance = physiology.conception_probability_of(_age_index(age[i]), female[i], bmi[i],
                                                      ratio[k], fertility)
        conceived[n_conceived] = i
        n_conceived += u[j] < chance  # written always, kept only if she conceives: no branch
        j += 1
        members[household[i]] += 1
        hunger_sum[household[i]] += hunger[i]
    return conceived[:n_conceived]


@njit(cache=True, nogil=True)
def grow_older(alive, age, years):
    """Everyone living ages by ``years``."""
    for i in range(len(alive)):
        age[i] += years * alive[i]


@njit(cache=True, nogil=True)
def living_in(alive, household, chosen):
    """Indices of the living whose household is ``chosen`` (a mask over households)."""
    found = np.empty(len(alive), np.int64)
    n = 0
    for i in range(len(alive)):
        found[n] = i
        n += alive[i] & chosen[household[i]]
    return found[:n]


@njit(cache=True, nogil=True)
def census(alive, age, hunger, age_bounds):
    """Among the living (a mask): how many in each age group [bounds[g], bounds[g+1]), how many
    hungry or worse, and how many starving or worse."""
    by_age = np.zeros(len(age_bounds) - 1, np.int64)
    hungry = starving = 0
    for i in range(len(alive)):
        if not alive[i]:
            continue
        for g in range(len(by_age)):
            by_age[g] += (age_bounds[g] <= age[i]) & (age[i] < age_bounds[g + 1])
        hungry += hunger[i] >= 1
        starving += hunger[i] >= 2
    return by_age, hungry, starving


@njit(cache=True, nogil=True)
def count_living(alive, group, n_groups):
    """How many of the living (a mask) are in each group. People mostly come in runs of the same
    household and commune, so each run is counted in a register and stored once."""
    counts = np.zeros(n_groups, np.int64)
    current, run = 0, 0
    for i in range(len(alive)):
        g = group[i]
        if g != current:
            counts[current] += run
            current, run = g, 0
        run += alive[i]
    counts[current] += run
    return counts
