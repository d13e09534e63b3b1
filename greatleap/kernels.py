"""The month's loops over the living, compiled by numba (ODD 7.2, 7.6-7.8, 7.10).

Each loop walks the living once, applies to each person the rules of ``labour``, ``physiology``
and ``coping`` (compiled functions and numba ufuncs, called here one person at a time), and adds
up on the way what households and communes need. No rule is written here: this module only fuses
them. Numpy would make one pass over all the living per operation, gathering and scattering
through the index of the living each time; one compiled pass is several times faster
(docs/performance.md). The villages and the towns use the same passes, except for the work pass
(``work`` for villagers, ``town_needs`` for town residents).

Random numbers are drawn by the model's generator in blocks, one number per person in person
order, and passed in, so a run depends only on its seed. Sums are float64, in person order.

What the recorder reads of the month's bodies is summed in the ``eat_live_and_reproduce`` pass
into small tally arrays (layout below), so no extra pass over the people is needed to observe them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from numba import njit

from greatleap import atomic, coping, labour, physiology
from greatleap.errors import InputError
from greatleap.labour import FIELDS, FORAGE
from greatleap.physiology import (
    FAMINE_DEATH, LIVES, OTHER_DEATH, body_after, energy_parts_of, fecundity_of, next_row, row_of,
    starvation_hazard_of, wasting_score_of)


def forget_stale_compilations(cache: Path, rule_modules: list[Path]) -> bool:
    """Numba caches each compiled pass keyed on this file alone, but the passes inline the rules of
    the mechanism modules: after an edit to ``physiology.py`` (say) the cache would silently keep
    running the old rule. So the rule modules' sources are hashed, and when the hash changes the
    passes' cached machine code in ``cache`` is dropped before anything is compiled. Returns
    whether it dropped anything. (A fresh clone has no cache.)"""
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in rule_modules)).hexdigest()
    stamp = cache / "kernels.rules.sha256"
    try:
        if stamp.exists() and stamp.read_text() == digest:
            return False
        for stale in [*cache.glob("kernels.*.nbi"), *cache.glob("kernels.*.nbc")]:
            stale.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        atomic.write_text(stamp, digest)
        return True
    except (OSError, InputError):
        return False  # a read-only install: numba then caches elsewhere, keyed as it is


forget_stale_compilations(Path(__file__).with_name("__pycache__"),
                          [Path(m.__file__) for m in (coping, labour, physiology)])

f32 = np.float32
# Adults' daily intake histogram, 1-kcal bins (the last one holds the rest).
# definition: observation only.
KCAL_BINS = 8192

# Tally of the body (``eat_live_and_reproduce``) (float64 array of BODY_TALLY entries).
# definition: the layout of the tally (observation), every entry below.
AGE_GROUPS_5Y = 17  # definition: 0-4, 5-9, ..., 75-79, 80+
T_EXPOSED = 0  # definition: living at the start of the body phase, by sex (0 men, 1 women) x five-year group
T_BAND_N = 2 * AGE_GROUPS_5Y  # definition: people in each nutrition band (physiology.BANDS)
T_BAND_SUM = T_BAND_N + 5  # definition: sum of BMI-for-age z (bands under 19) or of BMI (adults)
T_HAZ_SUM = T_BAND_SUM + 5  # definition: sum of height-for-age z under five
T_HUNGRY = T_HAZ_SUM + 1  # definition: survivors hungry or worse
T_STARVING = T_HUNGRY + 1  # definition: survivors starving or worse
BODY_TALLY = T_STARVING + 1  # definition: its length
# Tally of the pregnancies (the same pass). definition: its layout.
R_PREGNANT, R_FETAL_LOSS, R_AMENORRHOEIC, R_WOMEN = range(4)
REPRODUCTION_TALLY = 4  # definition: its length
# definition: the nutrition band (reporters.BANDS) of each whole year of age 0-100
_BAND_OF_AGE = np.array([0] * 5 + [1] * 5 + [2] * 9 + [3] * 41 + [4] * 41, dtype=np.int8)


@njit(cache=True, inline="always")
def _age_index(age):
    return min(int(age + f32(physiology.AGE_ROUNDING)), 100)


# A person's part in breastfeeding this month (``work``'s ``role``). definition: codes.
NOT_NURSING, INFANT, NURSING_WOMAN = 0, 1, 2


@njit(cache=True, inline="always")
def _nursing_role(row, female, postpartum, infant_months, nursing_above):
    """``INFANT`` under ``infant_months`` months of age, ``NURSING_WOMAN`` while her post-partum
    counter is above ``nursing_above``, else ``NOT_NURSING``."""
    return np.int8((row < infant_months) + NURSING_WOMAN * (female & (postpartum > nursing_above)))


@njit(cache=True, inline="always")
def _count_nursing(h, role, bmi, protected_bmi, limit_bmi, infants, women, supply):
    """Adds a person to her household's infants, nursing women and their milk supply (without a
    branch: skipping the others costs the passes far more, benchmarks/bench_passes.py)."""
    nurses = role == NURSING_WOMAN
    infants[h] += role == INFANT
    women[h] += nurses
    supply[h] += nurses * physiology.milk_supply_of(bmi, protected_bmi, limit_bmi)


@njit(cache=True, nogil=True, error_model="numpy")
def nursing_shares(infants, women, supply):
    """Per household, from its infants, nursing women and the sum of their milk supplies: the mean
    milk supply (-1 if no woman nurses: its infants eat from the pot) and the extra need of each
    nursing woman (``LACTATION_KCAL`` per infant at the breast, shared equally, times the milk
    supply)."""
    n = len(women)
    milk = np.full(n, f32(-1.0), np.float32)
    extra = np.zeros(n, np.float32)
    for h in range(n):
        if women[h] > 0:  # few households
            m = supply[h] / women[h]
            milk[h] = m
            extra[h] = physiology.LACTATION_KCAL * infants[h] / women[h] * m
    return milk, extra


@njit(cache=True, nogil=True, error_model="numpy")
def nursing(alive, household, female, age, bmi, postpartum, infant_months, nursing_above, protected_bmi,
            limit_bmi, n_households):
    """Who feeds whom at the breast (``physiology``'s breastfeeding rule), per household: the mean
    milk supply of its nursing women and the extra need of each (``nursing_shares``), in a pass of
    its own (the towns; the villages count in ``work``)."""
    infants = np.zeros(n_households, np.float64)
    women = np.zeros(n_households, np.float64)
    supply = np.zeros(n_households, np.float64)
    for k in range(len(alive)):
        i = alive[k]
        role = _nursing_role(row_of(age[i]), female[i], postpartum[i], infant_months, nursing_above)
        _count_nursing(household[i], role, bmi[i], protected_bmi, limit_bmi, infants, women, supply)
    return nursing_shares(infants, women, supply)


@njit(cache=True, inline="always")
def _at_breast(row, infant_months, milk):
    """An infant lives on milk: under the age and its household has a nursing woman."""
    return (row < infant_months) & (milk >= f32(0.0))


@njit(cache=True, inline="always")
def _nursing_kcal(female, postpartum, nursing_above, extra):
    """The extra need of a nursing woman (0 for anyone else)."""
    return extra * f32(female & (postpartum > nursing_above))


@njit(cache=True, nogil=True, error_model="numpy")
def work(alive, age, female, hunger, bmi, height, kcal, gestation, commune, labour_out, u, furnace,
         irrigation, forage_by_hunger, task_pal, coerced_kcal, present, working, able_by_task, living, foragers,
         starving, household, postpartum, infant_months, nursing_above, protected_bmi, limit_bmi, infants_hh,
         women_hh, supply_hh):
    """Task, able weight, energy need (before a nursing woman's milk: ``households`` adds it) and
    part in breastfeeding (``role``) of each living villager. Adds per commune the field workers'
    able weight (``present``), able weight x capacity (``working``), the living, the foragers and
    the starving (last month's state), per task the able weight, and per household the infants,
    the nursing women and their milk supply (``nursing_shares``)."""
    n = len(alive)
    task = np.empty(n, np.int8)
    able = np.empty(n, np.float32)
    need = np.empty(n, np.float32)
    role = np.empty(n, np.int8)
    costs = np.empty(n, np.float32)  # energy of the task at full capacity
    for k in range(n):
        i = alive[k]
        a, c, b, s = _age_index(age[i]), commune[i], bmi[i], np.intp(female[i])
        r = row_of(age[i])
        ab = labour.able_weight_of(a, hunger[i])
        t = labour.task_of(u[k], furnace[c], irrigation[c], forage_by_hunger[hunger[i]], ab)
        bmr, base = energy_parts_of(s, r, b, height[i], gestation[i])
        role[k] = _nursing_role(r, female[i], postpartum[i], infant_months, nursing_above)
        _count_nursing(household[i], role[k], b, protected_bmi, limit_bmi, infants_hh, women_hh, supply_hh)
        cost = bmr * task_pal[t]
        need[k], costs[k] = base, cost  # the need before work, until the second loop
        task[k], able[k], labour_out[i] = t, ab, t
        # sums without branches on the task, which changes from one person to the next
        in_fields = t == FIELDS
        able_by_task[t] += ab
        living[c] += 1
        present[c] += ab * in_fields
        foragers[c] += t == FORAGE
        starving[c] += hunger[i] >= 2
    # Capacity and need in a second loop: the same arithmetic, but shorter loops overlap more
    # people (docs/performance.md: 1 ns a person less at 100k, 6 ns at 1M, in May 1957).
    for k in range(n):
        i = alive[k]
        base, cost, t = need[k], costs[k], task[k]
        capacity = labour.work_capacity(bmi[i], kcal[i] / (base + cost))
        need[k] = base + cost * capacity + labour.long_hours_of(t, coerced_kcal)
        working[commune[i]] += able[k] * capacity * (t == FIELDS)
    return task, able, need, role


@njit(cache=True, nogil=True, error_model="numpy")
def town_needs(alive, age, female, hunger, bmi, height, gestation, household, region, work_pal,
               need_hh, priority_hh, entitled_hh, living, starving, postpartum, nursing_above, nursing_extra,
               milk, infant_months):
    """Energy need and able weight of each living town resident (those able to work are at work,
    ``work_pal`` x BMR; a nursing woman's need includes her household's ``nursing_extra``); adds
    per household the need, the workers' (able-weighted) need and the ration's entitlement (the
    need of a body of the age's median BMI, the grade's fixed amount, or more for a heavier body: a
    full ration leaves nobody short), infants at the breast left out, and per town the living and
    the starving."""
    n = len(alive)
    able = np.empty(n, np.float32)
    need = np.empty(n, np.float32)
    for k in range(n):
        i = alive[k]
        a, s = _age_index(age[i]), np.intp(female[i])
        ab = labour.able_weight_of(a, hunger[i])
        r = row_of(age[i])
        h = household[i]
        bmr, base = energy_parts_of(s, r, bmi[i], height[i], gestation[i])
        nursing_kcal = _nursing_kcal(female[i], postpartum[i], nursing_above, nursing_extra[h])
        working = f32(work_pal) * (ab > 0)
        x = base + nursing_kcal + bmr * working
        need[k], able[k] = x, ab
        from_pot = f32(1.0) - f32(_at_breast(r, infant_months, milk[h]))  # infants at the breast: 0
        need_hh[h] += x * from_pot
        priority_hh[h] += x * ab
        ref_bmr, ref_base = energy_parts_of(s, r, f32(1.0) / physiology.ROWS[s, r, physiology.C_INV_M], height[i],
                                             gestation[i])
        # a full ration covers anyone's need
        entitled_hh[h] += max(ref_base + nursing_kcal + ref_bmr * working, x) * from_pot
        living[region[i]] += 1
        starving[region[i]] += hunger[i] >= 2
    return need, able


@njit(cache=True, nogil=True, error_model="numpy")
def households(alive, household, commune, hunger, task, able, need, plots_kcal, per_forager, ladle,
               need_hh, served_hh, priority_hh, served_priority_hh, side_hh, hungry, role, milk, nursing_extra):
    """Per household: energy need; need as the hall's ladle serves it (those who cannot work get
    ``1 - ladle`` of theirs); the need of workers weighted by their able weight (the home rule's
    priority), and the same as served by the hall; food from plots and foraging; members; whether
    anyone is hungry. A nursing woman's need gets her household's ``nursing_extra`` (written back
    to ``need``); infants at the breast (``role``, ``milk``: ``nursing_shares``) need nothing from
    the hall or the pot."""
    for k in range(len(alive)):
        i = alive[k]
        h = household[i]
        r = role[k]
        x = need[k] + nursing_extra[h] * f32(r == NURSING_WOMAN)
        need[k] = x
        x, ab = x * (f32(1.0) - f32((r == INFANT) & (milk[h] >= f32(0.0)))), able[k]
        served = x * (ab + (f32(1.0) - ab) * (f32(1.0) - ladle))
        need_hh[h] += x
        served_hh[h] += served
        priority_hh[h] += x * ab
        served_priority_hh[h] += served * ab
        side_hh[h] += coping.side_food_of(task[k], plots_kcal, per_forager[commune[i]])
        hungry[h] |= hunger[i] >= 1


@njit(cache=True, nogil=True, error_model="numpy")
def eat_live_and_reproduce(alive, household, commune, female, age, bmi, height, hunger, gestation, postpartum,
                           need, able, ladle, hall_hh, hall_fill, others_ratio, workers_ratio, max_ratio, kcal_out,
                           kcal_by_commune, people_by_commune, adult_hist, u, epidemic, limit_female, limit_male,
                           elderly_reserve, inv_spread, play_cut, log_hr_per_sd, base_scale, conception_by_age, amenorrhoea_bmi,
                           postponement, ppi_months, members, hunger_sum, tally, reproduction, milk, infant_months):
    """The month's meal, the body after it, each person's fate and, for those who live, their
    pregnancies, in two loops over the people (meal and body, then the rest).

    The meal: each person eats the hall's portion (need x the ladle's weight x the commune's
    fill, for households eating in the hall) and a share of the household pot: the need the hall
    left, times the household's ratio for those who cannot work, moving towards its ratio for
    workers with the able weight (``dining.home_shares``); at most ``max_ratio`` x need. An
    infant at the breast (``nursing``) drinks its need x its household's ``milk`` supply instead.
    Adds intake per commune and the adults' (15+) intake histogram.

    The body: BMI and height after the month (written back), hunger state, and the fate from one
    uniform draw ``u[k]`` (``physiology.death_cause``): inanition near the survival limit, or
    other causes at the age schedule x ``base_scale`` x the wasting hazard ratio x the commune's
    famine epidemic; the part of the latter due to wasting beyond -2 SD and to the epidemic
    counts as a famine death. Sums the month's bodies into ``tally``.

    Pregnancies, for those who live, from one more uniform draw each (``u[n + j]`` for the j-th
    survivor, ``n`` the number of people): a pregnant woman's fetus is lost with her own chance
    of dying of inanition, else the pregnancy advances a month, and at nine months she gives
    birth (post-partum infecundity starts); a woman neither pregnant nor infecund conceives with
    the fed chance for her age x her fecundity (amenorrhoea, postponement). Adds per household
    the survivors and their hunger states; sums pregnancies into ``reproduction``.

    Returns (adults' total intake, adults, indices of those who die of famine, of those who die
    of other causes, of those who conceived, of those who give birth now, their intake ratios,
    survivors)."""
    n = len(alive)
    ratio = np.empty(n, np.float32)
    adult_kcal, adults = 0.0, 0
    famine, other = np.empty(n, np.int64), np.empty(n, np.int64)
    n_famine = n_other = 0
    conceived, due = np.empty(n, np.int64), np.empty(n, np.int64)
    due_ratio = np.empty(n, np.float32)
    j = n_conceived = n_due = 0
    ordinary_hr = physiology.wasting_hazard_ratio_of(f32(physiology.FAMINE_WASTING), log_hr_per_sd)
    haz_sum = 0.0
    hungry = starving = 0
    for k in range(n):
        i = alive[k]
        # ---- the meal ----
        hh, c = household[i], commune[i]
        x, ab = need[k], able[k]
        served = x * (ab + (f32(1.0) - ab) * (f32(1.0) - ladle)) * hall_hh[hh]
        fill = hall_fill[c]
        left = x - served * min(fill, f32(1.0))
        share = others_ratio[hh] + (workers_ratio[hh] - others_ratio[hh]) * ab
        y = f32(min(served * fill + left * share, max_ratio * x))
        s, r, a = np.intp(female[i]), row_of(age[i]), _age_index(age[i])
        m = milk[hh]
        y = f32(x * m) if _at_breast(r, infant_months, m) else y  # a select, not a branch
        kcal_out[i] = y
        ratio[k] = y / x
        kcal_by_commune[c] += y
        people_by_commune[c] += 1
        adult = age[i] >= 15
        adult_kcal += y * adult
        adults += adult
        adult_hist[min(int(y), len(adult_hist) - 1)] += adult
        # ---- the body ----
        b, h = body_after(s, r, bmi[i], height[i], y, x, play_cut)
        bmi[i], height[i] = b, h
    # The fates in a second loop over the same people: the meal and the body, then the fate, are
    # each a long chain of dependent arithmetic, and the processor overlaps more people's chains
    # in two short loops than in one long one (docs/performance.md: 1 ns a person less in 1957,
    # 5 ns in a famine month). Each sum is added up in the same order as before.
    for k in range(n):
        i = alive[k]
        hh, c = household[i], commune[i]
        s, r, a = np.intp(female[i]), row_of(age[i]), _age_index(age[i])
        b, h = bmi[i], height[i]
        # ---- its fate ----
        r = next_row(r)  # the body is a month older now: scored against the age it has reached
        z = wasting_score_of(s, r, b)
        state = physiology.hunger_state_of(z, ratio[k])
        hunger[i] = state
        dist = physiology.starvation_distance_of(s, r, a, b, limit_female, limit_male, elderly_reserve, inv_spread)
        fed = physiology.MONTHLY_BASE_HAZARD[a] * base_scale
        ratio_hr = physiology.wasting_hazard_ratio_of(z, log_hr_per_sd)
        usual = fed * epidemic[c] * ratio_hr
        if dist > f32(physiology.FAR_FROM_LIMIT) and u[k] >= f32(physiology.SURELY_BELOW) + usual:
            fate = np.int8(LIVES)  # what death_cause_of gives, without the exponential
        else:
            starve = physiology.starvation_hazard_at(dist)
            ordinary = fed * min(ratio_hr, ordinary_hr)  # the ratio of wasting down to -2 SD only
            fate = physiology.death_cause_of(u[k], starve, usual, ordinary)
        if fate == FAMINE_DEATH:  # rare: the branch is predicted right
            famine[n_famine] = i
            n_famine += 1
        elif fate == OTHER_DEATH:
            other[n_other] = i
            n_other += 1
        # what the recorder reads: exposure, nutrition by band, hunger of the survivors
        band = _BAND_OF_AGE[a]
        tally[T_EXPOSED + s * AGE_GROUPS_5Y + min(a // 5, AGE_GROUPS_5Y - 1)] += 1
        tally[T_BAND_N + band] += 1
        tally[T_BAND_SUM + band] += z if band < 3 else b
        if band == 0:  # under five: a tenth of the people
            haz_sum += physiology.height_z_of(s, r, h)
        lives = fate == LIVES
        hungry += lives & (state >= 1)
        starving += lives & (state >= 2)
        if not lives:
            continue
        # ---- pregnancies and conceptions of those who live ----
        uk = u[n + j]
        j += 1
        members[hh] += 1
        hunger_sum[hh] += hunger[i]
        g = gestation[i]
        if g > 0:  # about one person in thirty: a predictable branch
            if uk < starvation_hazard_of(s, r, a, bmi[i], limit_female, limit_male, 0.0, inv_spread):
                gestation[i] = 0
                reproduction[R_FETAL_LOSS] += 1
            elif g >= physiology.GESTATION_MONTHS:
                gestation[i] = 0
                postpartum[i] = ppi_months
                due[n_due], due_ratio[n_due] = i, ratio[k]
                n_due += 1
            else:
                gestation[i] = g + 1
                reproduction[R_PREGNANT] += 1
            continue
        pp = postpartum[i]
        postpartum[i] = pp - (pp > 0)
        fertile = conception_by_age[a] * female[i]
        chance = fertile * (pp == 0) * fecundity_of(bmi[i], ratio[k], amenorrhoea_bmi, postponement)
        hit = uk < chance
        conceived[n_conceived] = i
        n_conceived += hit  # written always, kept only if she conceives: no branch
        gestation[i] = hit
        reproduction[R_PREGNANT] += hit
        woman = fertile > 0
        reproduction[R_WOMEN] += woman
        reproduction[R_AMENORRHOEIC] += woman * (bmi[i] < amenorrhoea_bmi)
    tally[T_HAZ_SUM] += haz_sum
    tally[T_HUNGRY] += hungry
    tally[T_STARVING] += starving
    return (adult_kcal, adults, famine[:n_famine], other[:n_other], conceived[:n_conceived], due[:n_due],
            due_ratio[:n_due], j)


@njit(cache=True, nogil=True, error_model="numpy")
def grow_older(alive, age, years):
    """Everyone living ages by ``years``."""
    for i in range(len(alive)):
        age[i] += years * alive[i]


@njit(cache=True, nogil=True, error_model="numpy")
def living_in(alive, household, chosen):
    """Indices of the living whose household is ``chosen`` (a mask over households)."""
    found = np.empty(len(alive), np.int64)
    n = 0
    for i in range(len(alive)):
        found[n] = i
        n += alive[i] & chosen[household[i]]
    return found[:n]


@njit(cache=True, nogil=True, error_model="numpy")
def living_aged(alive, age, youngest, too_old):
    """Indices of the living (a mask) aged from ``youngest`` to below ``too_old``, and how many
    are living, in one pass (no index of all the living, no gathers)."""
    found = np.empty(len(alive), np.int64)
    n = living = 0
    for i in range(len(alive)):
        found[n] = i
        n += alive[i] & (age[i] >= youngest) & (age[i] < too_old)
        living += alive[i]
    return found[:n], living


@njit(cache=True, nogil=True, error_model="numpy")
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
