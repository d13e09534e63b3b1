"""Why are infants "starving" in a normal year? (issue 12, "who dies": a diagnosis)

Three parts, all observation only (no rule is changed, no random number drawn: a model probed here
runs exactly as ``greatleap run`` runs it for the seed):

1. The growth rule alone (``physiology.body_after``), no model: an infant fed exactly its need
   every month, born at a BMI-for-age z (and length-for-age z) of 0, -1 or -2, followed over its
   first year in the order the model applies the rules (``physiology.newborn_bodies``: a month
   grown along its centiles when it eats first, a month old), and a one-month-old and a
   two-year-old at the median started on their own rows. Before the fix of 2026-12-07 a
   newborn started its first meal a month short and fell 1.65 SD in its first year.
2. A model (defaults, or ``--set NAME=VALUE``): who is starving when it is built (after its
   unrecorded spin-up year), where each starving infant came from (its birth) and its life month by
   month.
3. The same model's spin-up year and first recorded months (``--months``), month by month:
   infants under one year in the villages and the towns, how many are starving (hunger state >= 2)
   and why (BMI-for-age z below -2, or intake under 60% of need), their mean z and intake / need,
   births (z of the newborn's BMI at its first meal, a month old; the mother's ratio), and deaths
   of infants by cause (famine = starvation and the wasting hazard beyond -2 SD, or other causes),
   against what the age schedule alone gives a fed infant.

    .venv/bin/python scripts/diagnose_infants.py --seed 2
    .venv/bin/python scripts/diagnose_infants.py --seed 2 --months 24 --trace 6
"""

from __future__ import annotations

import argparse
import functools
from collections import defaultdict

import numpy as np

from greatleap import physiology, village
from greatleap.model import FamineModel
from greatleap.runner import parse_overrides

F32 = np.float32


# ---- 1. the growth rule alone ---------------------------------------------------------------------
def fed_infant(z0: float, born: bool, start_month: int = 0, months: int = 12, female: bool = False) -> list[float]:
    """BMI-for-age z at the end of each month of an infant fed exactly its need. ``born``: a
    newborn's bodies (``physiology.newborn_bodies``), first meal a month old; else a body on
    ``start_month``'s reference, first meal on its own row. Scored at the age it has reached."""
    sex, z = np.array([female]), np.array([z0])
    if born:
        _, h, b = physiology.newborn_bodies(sex, z, z, np.ones(1))
        start_month = 1
    else:
        age0 = np.array([start_month / 12.0])
        h, b = physiology.height_at_z(age0, sex, z), physiology.bmi_at_z(age0, sex, z)
    out = []
    for k in range(months):
        age = np.array([(start_month + k) / 12.0], F32)
        need = physiology.daily_need(age, sex, b, h)
        b, h = physiology.body_after_month(age, sex, b, h, need, need)
        out.append(float(physiology.wasting_score(age + F32(1 / 12), sex, b)[0]))
    return out


def print_rule() -> None:
    print("== 1. The growth rule alone: BMI-for-age z after 1, 2, 3, 6, 12 months, fed exactly its need ==")
    print("   (boys; scored at the age reached; height-for-age z drawn equal to the BMI z)")
    cases = [("newborn, the model's order", 0.0, True, 0), ("newborn z -1, the model's order", -1.0, True, 0),
             ("newborn z -2, the model's order", -2.0, True, 0),
             ("1-month-old at the median", 0.0, False, 1), ("2-year-old at the median", 0.0, False, 24)]
    print(f"   {'case':36s} {'1':>6s} {'2':>6s} {'3':>6s} {'6':>6s} {'12':>6s}")
    for label, z0, born, start in cases:
        z = fed_infant(z0, born, start)
        print(f"   {label:36s} " + " ".join(f"{z[k]:+6.2f}" for k in (0, 1, 2, 5, 11)))
    print()


# ---- 2. a model's infants ------------------------------------------------------------------------
class InfantProbe:
    """Wraps ``village.bodies_month`` and ``village.give_birth`` (both places call them through the
    module) and records what they did to infants; returns their results unchanged."""

    def __init__(self):
        self.months: dict[tuple[int, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.lives: dict[tuple[str, int], list[tuple]] = defaultdict(list)
        self.births: dict[tuple[str, int], tuple] = {}
        self._orig = {}

    def install(self) -> None:
        for name in ("bodies_month", "give_birth"):
            self._orig[name] = getattr(village, name)
            setattr(village, name, getattr(self, "_" + name)(self._orig[name]))

    def uninstall(self) -> None:
        for name, fn in self._orig.items():
            setattr(village, name, fn)

    def _bodies_month(self, fn):
        probe = self

        @functools.wraps(fn)
        def wrapper(model, people, place, n_households, alive, need, *args, **kw):
            infant = people.age[alive] < 1.0
            idx, need_inf = alive[infant], need[infant]
            age = people.age[idx].copy()
            month = fn(model, people, place, n_households, alive, need, *args, **kw)
            probe._observe(model, people, place, idx, age, need_inf, month)
            return month
        return wrapper

    def _observe(self, model, people, place, idx, age, need, month) -> None:
        s = self.months[(model.t, place)]
        bmi, female = people.bmi[idx], people.female[idx]
        z = physiology.wasting_score(age, female, bmi)
        ratio = people.kcal[idx] / np.maximum(need, 1e-6)
        state = people.hunger[idx]
        famine, other = np.isin(idx, month.starved), np.isin(idx, month.other)
        s["infants"] += len(idx)
        s["starving"] += int((state >= 2).sum())
        s["starving_by_z"] += int((z < -2).sum())
        s["starving_by_intake"] += int((ratio < 0.6).sum())
        s["z_sum"] += float(z.sum())
        s["ratio_sum"] += float(np.minimum(ratio, 2.0).sum())
        s["deaths_famine"] += int(famine.sum())
        s["deaths_other"] += int(other.sum())
        s["all_famine"] += len(month.starved)
        s["all_other"] += len(month.other)
        scale = model.p["baseline_mortality"] * (model.p["urban_mortality"] if place == "urban" else 1.0)
        s["expected"] += len(idx) * float(physiology.MONTHLY_BASE_HAZARD[0]) * scale  # the schedule, fed
        s["ym"] = model.ym[0] * 100 + model.ym[1]
        fate = np.where(famine, "famine", np.where(other, "other", ""))
        for k, i in enumerate(idx):
            self.lives[(place, int(i))].append((model.t, model.ym, float(age[k]) * 12, float(bmi[k]),
                                                float(z[k]), float(ratio[k]), int(state[k]), fate[k]))

    def _give_birth(self, fn):
        probe = self

        @functools.wraps(fn)
        def wrapper(model, people, place, mothers, mothers_ratio, homes):
            babies = fn(model, people, place, mothers, mothers_ratio, homes)
            if len(babies):
                month = np.full(len(babies), 1 / 12)  # their bodies are those of their first meal
                z = physiology.wasting_score(month, people.female[babies], people.bmi[babies])
                hz = physiology.height_for_age_z(month, people.female[babies], people.height[babies])
                size = physiology.birth_size_factor(mothers_ratio, model.p)
                s = probe.months[(model.t, place)]
                s["births"] += len(babies)
                s["birth_z_sum"] += float(z.sum())
                s["births_z_below_1"] += int((z < -1).sum())
                s["births_small"] += int((size < 1).sum())
                for k, i in enumerate(babies):
                    probe.births[(place, int(i))] = (model.t, float(z[k]), float(hz[k]), float(size[k]),
                                                     float(mothers_ratio[k]))
            return babies
        return wrapper


def print_months(probe: InfantProbe) -> None:
    print("== 3. Infants under one, month by month (t < 0: the unrecorded spin-up) ==")
    head = (f"   {'t':>4s} {'month':>7s} {'place':5s} {'inf':>5s} {'starv':>5s} {'z<-2':>5s} {'<60%':>5s} "
            f"{'mean z':>7s} {'in/need':>7s} {'births':>6s} {'birth z':>7s} {'small':>5s} {'d fam':>5s} {'d oth':>5s}")
    print(head)
    totals = defaultdict(lambda: defaultdict(float))
    for (t, place), s in sorted(probe.months.items()):
        n, b = max(s["infants"], 1), max(s["births"], 1)
        print(f"   {t:4d} {int(s['ym']) // 100}-{int(s['ym']) % 100:02d} {place:5s} {int(s['infants']):5d} "
              f"{int(s['starving']):5d} {int(s['starving_by_z']):5d} {int(s['starving_by_intake']):5d} "
              f"{s['z_sum'] / n:+7.2f} {s['ratio_sum'] / n:7.2f} {int(s['births']):6d} "
              f"{s['birth_z_sum'] / b:+7.2f} {int(s['births_small']):5d} {int(s['deaths_famine']):5d} "
              f"{int(s['deaths_other']):5d}")
        year = "spin-up" if t < 0 else f"year {t // 12 + 1}"
        for key in ("infants", "births", "deaths_famine", "deaths_other", "all_famine", "all_other", "expected"):
            totals[year][key] += s[key]
    print("\n   Infant deaths by cause (exposure: infant-months lived):")
    for year, s in totals.items():
        exposure = s["infants"]
        rate = 12 * (s["deaths_famine"] + s["deaths_other"]) / max(exposure, 1)
        print(f"   {year:8s} infant-months {int(exposure):6d} births {int(s['births']):5d} famine deaths "
              f"{int(s['deaths_famine']):4d} other deaths {int(s['deaths_other']):4d}  -> deaths per infant-year "
              f"{rate:.3f} (famine share {s['deaths_famine'] / max(s['deaths_famine'] + s['deaths_other'], 1):.0%})")
        print(f"   {'':8s} the age schedule for a fed infant gives {s['expected']:.1f} deaths "
              f"({12 * s['expected'] / max(exposure, 1):.3f} per infant-year); famine deaths, all ages: "
              f"{int(s['all_famine'])} (infants {s['deaths_famine'] / max(s['all_famine'], 1):.0%}), "
              f"other deaths, all ages: {int(s['all_other'])}")
    print()


def print_lives(probe: InfantProbe, model, n_trace: int) -> None:
    """Who is starving at the build's end, where they came from, and a few lives month by month."""
    starving = []
    for place, people in (("rural", model.people), ("urban", model.towns.people)):
        alive = np.flatnonzero(people.view("alive"))
        who = alive[(people.age[alive] < 1.0) & (people.hunger[alive] >= 2)]
        starving += [(place, int(i)) for i in who]
        older = alive[(people.age[alive] >= 1.0) & (people.hunger[alive] >= 2)]
        ages = ", ".join(f"{a:.2f}" for a in np.sort(people.age[older])[:8])
        print(f"   {place}: {len(who)} infants and {len(older)} others starving at t = {model.t} ({model.ym})"
              + (f"; the others' ages: {ages}" if len(older) else ""))
    born = [key for key in starving if key in probe.births]
    print(f"   of the {len(starving)} starving infants, {len(born)} were born in the spin-up; their birth "
          f"BMI z, length z, size factor:")
    for key in born:
        t, z, hz, size, ratio = probe.births[key]
        print(f"     {key[0]:5s} #{key[1]:6d} born t={t:3d}  BMI z {z:+.2f}  length z {hz:+.2f}  size {size:.3f} "
              f"(mother ate {ratio:.2f} of need)")
    print(f"\n   Lives of {min(n_trace, len(starving))} of them (age in months at the meal, BMI, BMI-for-age z, "
          "intake / need, state):")
    for key in starving[:n_trace]:
        print(f"   {key[0]} #{key[1]}:")
        for t, ym, age_m, bmi, z, ratio, state, fate in probe.lives[key]:
            print(f"     t={t:3d} {ym[0]}-{ym[1]:02d} age {age_m:5.2f} BMI {bmi:5.2f} z {z:+.2f} "
                  f"in/need {ratio:.2f} state {state} {fate}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--months", type=int, default=12, help="recorded months to run after the build")
    ap.add_argument("--trace", type=int, default=4, help="starving infants whose lives are printed")
    ap.add_argument("--set", nargs="*", default=[], help="NAME=VALUE overrides")
    ap.add_argument("--scenario", default="baseline")
    args = ap.parse_args()
    print_rule()
    probe = InfantProbe()
    probe.install()
    try:
        model = FamineModel(rng=args.seed, scenario=args.scenario, materialise_peasants=False,
                            recording="none", **parse_overrides(args.set))
        print("== 2. Starving when the model is built ==")
        print_lives(probe, model, args.trace)
        print()
        for _ in range(args.months):
            model.step()
    finally:
        probe.uninstall()
    print_months(probe)


if __name__ == "__main__":
    main()
