"""PROTOTYPE, not imported by greatleap: the fused numba kernels measured in docs/performance.md
(proposal 2). Wired in through the Village methods in ``village_prototypes.py`` beside this file.
Measured with numba 0.68.1 / numpy 2.4.6: whole model 1M 262 -> 102 ns/peasant-month (1957),
284 -> 110 (1959), with proposals 3 and 4. After 48 months at 10k the alive set, hunger states,
tasks and ages equalled the vectorised Village's; BMI and intake differ in the last float32 bits.
Written against greatleap as of 2026-11-29 17:15 UTC; the rules may have moved since: check
against tests/test_benchmark_reference.py's pattern before adopting.
"""
import numpy as np
from numba import njit

f32 = np.float32


@njit(cache=True, nogil=True)
def work_kernel(alive, age, hunger, bmi, kcal, commune, labour_out, u, furnace, irrigation,
                task_kcal, need_by_age, able_by_age, forage_prop, coercion, any_campaign,
                present, working, by_task):
    n = len(alive)
    task = np.empty(n, np.int8)
    able = np.empty(n, np.float32)
    need = np.empty(n, np.float32)
    cap = np.empty(n, np.float32)
    age_idx = np.empty(n, np.intp)
    for k in range(n):
        i = alive[k]
        a = min(int(age[i]), 100)
        age_idx[k] = a
        h = hunger[i]
        ab = able_by_age[a] if h < 3 else f32(0.0)
        able[k] = ab
        c = commune[i]
        uu = u[k]
        t = 0
        if any_campaign:
            f = furnace[c]
            ir = irrigation[c]
            if uu < f:
                t = 1
            elif uu < f + ir:
                t = 2
            else:
                rest = (uu - f - ir) / max(1.0 - f - ir, 1e-6)
                if rest < forage_prop[h]:
                    t = 3
        elif uu < forage_prop[h]:
            t = 3
        if ab == 0:
            t = 4
        task[k] = t
        labour_out[i] = t
        by_task[t] += ab
        b = bmi[i]
        mass = f32(0.4) + f32(0.6) * min(b, f32(21.0)) / f32(21.0)
        base = need_by_age[a] * mass
        tk = task_kcal[t]
        usual = base + tk
        r = kcal[i] / usual
        by_bmi = min(max((b - f32(10.0)) / f32(7.0), f32(0.3)), f32(1.0))
        by_int = min(max(r, f32(0.3)), f32(1.0)) ** f32(0.2)
        cp = by_bmi * by_int
        cap[k] = cp
        lh = coercion if t <= 2 else f32(0.0)
        need[k] = base + tk * cp + lh
        if t == 0:
            present[c] += ab
            working[c] += ab * cp
    return task, able, need, age_idx


@njit(cache=True, nogil=True)
def household_kernel(alive, household, commune, hunger, task, able, need, need_hh, members,
                     workers, hungry, foragers, com_alive, com_forage):
    for k in range(len(alive)):
        i = alive[k]
        h = household[i]
        need_hh[h] += need[k]
        members[h] += 1
        if able[k] > 0:
            workers[h] += 1
        if hunger[i] >= 1:
            hungry[h] = True
        c = commune[i]
        com_alive[c] += 1
        if task[k] == 3:
            foragers[h] += 1
            com_forage[c] += 1


@njit(cache=True, nogil=True)
def eat_kernel(alive, household, commune, need, ratio_hh, kcal_out, kcal_sum, person_months, hist):
    n = len(alive)
    intake = np.empty(n, np.float32)
    ratio = np.empty(n, np.float32)
    total = 0.0
    for k in range(n):
        i = alive[k]
        r = f32(min(ratio_hh[household[i]], 1.3))
        ratio[k] = r
        x = need[k] * r
        intake[k] = x
        kcal_out[i] = x
        c = commune[i]
        kcal_sum[c] += x
        person_months[c] += 1
        total += x
        b = min(int(x), len(hist) - 1)
        hist[b] += 1
    return intake, ratio, total


@njit(cache=True, nogil=True)
def live_kernel(alive, bmi, hunger, female, age_idx, intake, need, ratio, u, lim_f, lim_m,
                base_hazard, baseline_mortality, kg_per_kcal_bmi):
    n = len(alive)
    cause = np.zeros(n, np.int8)  # 0 lives, 1 starvation, 2 other
    for k in range(n):
        i = alive[k]
        b = bmi[i]
        bal = intake[k] - need[k]
        if bal < 0:
            ab = f32(0.25) + f32(0.2) * min(max((f32(18.5) - b) / f32(5.0), f32(0.0)), f32(1.0))
        else:
            ab = f32(0.5)
        b = b + f32(bal * (1.0 - ab) * kg_per_kcal_bmi)
        b = min(max(b, f32(8.0)), f32(24.0))
        if b > f32(21.0):
            b -= f32(0.2) * (b - f32(21.0))
        bmi[i] = b
        r = ratio[k]
        hs = 0
        if b < 18.5 or r < 0.85:
            hs = 1
        if b < 16.0 or r < 0.6:
            hs = 2
        if b < 14.0:
            hs = 3
        hunger[i] = hs
        a = age_idx[k]
        lim = lim_f if female[i] else lim_m
        if a < 5 or a >= 60:
            lim += f32(1.5)
        starve = f32(1.0) / (f32(1.0) + np.exp((b - lim) / f32(0.5)))
        bp = base_hazard[a] * baseline_mortality
        inf = f32(1.0) + f32(4.0) * min(max((f32(17.0) - b) / f32(4.0), f32(0.0)), f32(1.0))
        base = bp * inf
        uu = u[k]
        if uu < starve + base:
            cause[k] = 1 if (uu < starve or uu >= starve + bp) else 2
    return cause


@njit(cache=True, nogil=True)
def conceive_kernel(surv, household, hunger, female, age_idx_s, bmi, ratio_s, u, conception,
                    fertility, hh_n, hh_hunger):
    n = len(surv)
    out = np.zeros(n, np.bool_)
    for k in range(n):
        i = surv[k]
        h = household[i]
        hh_n[h] += 1
        hh_hunger[h] += hunger[i]
        if female[i]:
            a = age_idx_s[k]
            m = conception[a]
            if m > 0:
                fec = min(max((bmi[i] - f32(16.0)) / f32(3.0), f32(0.0)), f32(1.0)) * \
                    min(max((ratio_s[k] - f32(0.5)) / f32(0.4), f32(0.0)), f32(1.0))
                if u[k] < m * fec * fertility:
                    out[k] = True
    return out
