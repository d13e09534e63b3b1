"""Where does the model's food-to-death chain depart from history? (issue 15 diagnosis)

Runs the model at its defaults (or with ``--set NAME=VALUE`` overrides / a ``--scenario``) for a few
seeds and follows the grain from the harvest to the mouths and the deaths, month by month:

- grain flows: harvest, procurement, resales, kin gifts, seed sown / eaten / handed over, animal
  feed, hall meals and hall waste, hidden grain (concealed at harvest, eaten), green crop eaten,
  household and hall (granary) meals, side food (plots, foraging) in kcal/day a head;
- intake: villagers' and town residents' daily kcal (mean, share under 1,200 and 1,600 kcal,
  intake / need), its spread across communes and households, wasting scores, the share of people
  whose monthly starvation hazard exceeds 1%;
- deaths: true and registered, by place (villages, towns), cause and age, with the wasting score
  of those who die.

Observation only: every rule is called as it is and its result returned unchanged (the wrappers
record what they return), so a run's output is the same as ``greatleap run`` for the seed.

    .venv/bin/python scripts/diagnose_food_and_deaths.py --seeds 1 2 3 4 --out DIR
    .venv/bin/python scripts/diagnose_food_and_deaths.py --seeds 1 2 3 4 --out DIR \\
        --whatif non_grain_kcal=600 "bmi_limit_male=13.0,elderly_reserve=0" scenario:equal_shares
    .venv/bin/python scripts/diagnose_food_and_deaths.py --out DIR --tables   # the what-if table
    .venv/bin/python scripts/diagnose_food_and_deaths.py --out DIR --body     # the body link alone

Writes, per case, monthly_*.csv, annual_*.csv (one row per seed and year) and deaths_*.csv (each
death at a meal: place, cause, intake / need, wasting score, age), and summaries.csv, record.csv.
"""

from __future__ import annotations

import argparse
import functools
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from greatleap import atomic, coping, dining, physiology, village
from greatleap.model import FamineModel
from greatleap.runner import parse_overrides, release

RURAL_SHARE = 0.84  # of the population, for the record's retention per rural head


class Probe:
    """Wraps the rules whose results the recorder does not keep, for one model at a time."""

    def __init__(self):
        self.model = None
        self.month: dict = {}
        self.persons: dict = {}
        self._orig = {}

    def install(self):
        targets = [(dining, "hall_meals"), (dining, "household_meals"), (coping, "eat_hidden"),
                   (coping, "eat_green"), (coping, "conceal"), (coping, "side_food_rates"),
                   (village, "bodies_month")]
        for mod, name in targets:
            self._orig[(mod, name)] = getattr(mod, name)
            setattr(mod, name, self._wrap(name, getattr(mod, name)))

    def uninstall(self):
        for (mod, name), fn in self._orig.items():
            setattr(mod, name, fn)

    def attach(self, model):
        self.model = model

    def add(self, key, value):
        self.month[key] = self.month.get(key, 0.0) + float(np.sum(value))

    def _wrap(self, name, fn):
        probe = self

        @functools.wraps(fn)
        def wrapper(model, *args, **kw):
            out = fn(model, *args, **kw)
            if probe.model is not model or model.t < 0:
                return out
            if name == "hall_meals":
                eaten, waste, _ = out
                probe.add("hall_eaten_kg", eaten)
                probe.add("hall_waste_kg", waste)
            elif name == "household_meals":
                probe.add("home_eaten_kg", out)
            elif name == "eat_hidden":
                probe.add("hidden_eaten_kg", out)
            elif name == "eat_green":
                probe.add("green_eaten_kg", out)
            elif name == "conceal":
                probe.add("concealed_kg", out)
            elif name == "side_food_rates":
                plots, per_forager = out
                living, foragers = args
                probe.add("side_plots_kcal_sum", plots * living)
                probe.add("side_forage_kcal_sum", per_forager * foragers)
                probe.add("side_living", living)
            elif name == "bodies_month":
                people, place, alive, need = args[0], args[1], args[3], args[4]
                probe.persons[place] = snap = _persons(model, people, alive, need)
                dead = np.isin(alive, np.concatenate([out.starved, out.other]))
                ratio = snap["kcal"][dead] / np.maximum(snap["need"][dead], 1.0)
                probe.month.setdefault("meal_deaths", []).append(
                    (place, np.where(np.isin(alive[dead], out.starved), "starvation", "baseline"),
                     ratio, snap["score"][dead], snap["age"][dead]))
            return out
        return wrapper


def _persons(model, people, alive, need):
    """Per-person snapshot after the month's meal (intake, need, body) of those who ate."""
    age, female, bmi = people.age[alive], people.female[alive], people.bmi[alive]
    p = model.p
    hz = physiology.starvation_hazard(age, female, bmi, p)
    return {"kcal": people.kcal[alive].astype(float), "need": np.asarray(need, float), "age": age.astype(float),
            "score": physiology.wasting_score(age, female, bmi).astype(float), "starve_hz": hz.astype(float),
            "bmi": bmi.astype(float), "household": people.household[alive].copy(),
            "commune": people.commune[alive].copy()}


def _distribution(snap, prefix):
    if snap is None or len(snap["kcal"]) == 0:
        return {}
    k, need, age = snap["kcal"], snap["need"], snap["age"]
    ratio = k / np.maximum(need, 1.0)
    adult = age >= 15
    out = {
        f"{prefix}_kcal_mean": k.mean(), f"{prefix}_kcal_adult_mean": k[adult].mean(),
        f"{prefix}_ratio_mean": ratio.mean(),
        f"{prefix}_under1200": (k < 1200).mean(), f"{prefix}_under1600": (k < 1600).mean(),
        f"{prefix}_adult_under1200": (k[adult] < 1200).mean(), f"{prefix}_adult_under1600": (k[adult] < 1600).mean(),
        f"{prefix}_ratio_under70": (ratio < 0.7).mean(), f"{prefix}_ratio_under50": (ratio < 0.5).mean(),
        f"{prefix}_score_mean": snap["score"].mean(), f"{prefix}_score_under2": (snap["score"] < -2).mean(),
        f"{prefix}_score_under3": (snap["score"] < -3).mean(),
        f"{prefix}_starve_hz_over1pct": (snap["starve_hz"] > 0.01).mean(),
        f"{prefix}_adult_bmi_mean": snap["bmi"][age >= 19].mean() if (age >= 19).any() else np.nan,
        f"{prefix}_n": len(k),
    }
    for name, lo, hi in (("0_4", 0, 5), ("5_14", 5, 15), ("15_59", 15, 60), ("60p", 60, 200)):
        band = (age >= lo) & (age < hi)
        if band.any():
            out[f"{prefix}_ratio_{name}"] = ratio[band].mean()
            out[f"{prefix}_score_under2_{name}"] = (snap["score"][band] < -2).mean()
            out[f"{prefix}_hz_over1pct_{name}"] = (snap["starve_hz"][band] > 0.01).mean()
    if prefix == "rural":
        com = pd.DataFrame({"c": snap["commune"], "r": ratio, "k": k}).groupby("c").mean()
        hh = pd.DataFrame({"h": snap["household"], "r": ratio}).groupby("h")["r"].mean()
        out.update({"commune_ratio_min": com["r"].min(), "commune_ratio_p25": com["r"].quantile(0.25),
                    "commune_ratio_max": com["r"].max(), "commune_kcal_min": com["k"].min(),
                    "commune_kcal_max": com["k"].max(), "hh_ratio_p10": hh.quantile(0.10),
                    "hh_ratio_p50": hh.quantile(0.5), "hh_ratio_under70": (hh < 0.7).mean()})
    return out


def run(seed: int, overrides: dict, scenario: str = "baseline") -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    probe = Probe()
    probe.install()
    try:
        m = FamineModel(rng=seed, scenario=scenario, materialise_peasants=False, **overrides)
        probe.attach(m)
        rows, deaths = [], []
        while m.running:
            probe.month, probe.persons = {}, {}
            m.step()
            s = m.recorder.stats
            row = {k: s[k] for k in (
                "date", "year", "month", "population", "rural_population", "urban_population", "migrants",
                "deaths", "deaths_starvation", "deaths_baseline", "deaths_violence", "deaths_rural", "deaths_urban",
                "deaths_urban_famine", "deaths_registered", "births", "harvest_true_kg", "procurement_kg",
                "resales_kg", "kin_transfers_kg", "seed_eaten_kg", "seed_handed_over_kg", "animal_feed_kg",
                "exports_kg", "imports_kg", "squeeze_kg", "fled", "sent_down", "central_stock_kg",
                "commune_stock_kg", "household_stock_kg", "hidden_grain_kg", "grain_seized_kg", "halls_open",
                "retreat", "labour_foraging")}
            row.update({f"ledger_{k}": v for k, v in m.ledger.flows.items()})
            row.update({k: v for k, v in probe.month.items() if k != "meal_deaths"})
            row.update(_distribution(probe.persons.get("rural"), "rural"))
            row.update(_distribution(probe.persons.get("urban"), "urban"))
            rows.append(row)
            for place, cause, ratio, score, age in probe.month.get("meal_deaths", []):
                deaths.append(pd.DataFrame({"date": row["date"], "year": row["year"], "place": place,
                                            "cause": cause, "ratio": ratio, "score": score, "age": age}))
        summary = m.summary()
        release(m)
    finally:
        probe.uninstall()
    monthly = pd.DataFrame(rows)
    monthly["seed"] = seed
    dd = pd.concat(deaths, ignore_index=True) if deaths else pd.DataFrame()
    dd["seed"] = seed
    return monthly, dd, summary


def _tag(label: str) -> str:
    return label.replace("=", "_").replace(":", "_").replace(",", "+")


def annual(monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per year of one seed: flows summed, stocks and shares averaged."""
    g = monthly.groupby("year")
    sums = [c for c in monthly.columns if c.endswith("_kg") and "stock" not in c and c != "hidden_grain_kg"] + [
        "deaths", "deaths_starvation", "deaths_baseline", "deaths_rural", "deaths_urban", "deaths_urban_famine",
        "deaths_registered", "births", "fled", "sent_down", "side_plots_kcal_sum", "side_forage_kcal_sum",
        "side_living"] + [c for c in monthly.columns if c.startswith("ledger_")]
    out = g[[c for c in sums if c in monthly]].sum()
    means = [c for c in monthly.columns if c.startswith(("rural_", "urban_", "commune_", "hh_"))
             and c not in ("rural_population", "urban_population")]
    out = out.join(g[means].mean())
    for c in ("population", "rural_population", "urban_population", "migrants"):
        out[c] = g[c].mean()
    out["cdr_true"] = out["deaths"] * 1000 / out["population"]
    out["cdr_registered"] = out["deaths_registered"] * 1000 / out["population"]
    out["cdr_rural"] = out["deaths_rural"] * 1000 / out["rural_population"]
    out["cdr_urban"] = out["deaths_urban"] * 1000 / (out["urban_population"] + out["migrants"])
    out["output_index"] = 100 * out["harvest_true_kg"] / out.loc[out.index.min(), "harvest_true_kg"]
    out["procurement_share"] = out["procurement_kg"] / out["harvest_true_kg"]
    out["retained_per_rural_kg"] = (out["harvest_true_kg"] - out["procurement_kg"]) / out["rural_population"]
    out["net_retained_per_rural_kg"] = (out["harvest_true_kg"] - out["procurement_kg"] + out["resales_kg"]
                                        ) / out["rural_population"]
    out["side_kcal_per_head"] = (out["side_plots_kcal_sum"] + out["side_forage_kcal_sum"]) / out["side_living"]
    per = out["rural_population"]
    for c in ("procurement_kg", "resales_kg", "kin_transfers_kg", "ledger_seed", "seed_eaten_kg",
              "seed_handed_over_kg", "animal_feed_kg", "hall_eaten_kg", "hall_waste_kg", "concealed_kg",
              "hidden_eaten_kg", "green_eaten_kg", "home_eaten_kg", "grain_seized_kg", "ledger_eaten", "ledger_lost"):
        if c in out:
            out[c.replace("_kg", "") + "_per_rural"] = out[c] / per
    return out.reset_index()


def record_table() -> pd.DataFrame:
    with resources.files("greatleap.data").joinpath("historical.csv").open() as fh:  # the packaged record
        r = pd.read_csv(fh, comment="#").set_index("year").loc[1957:1962]
    rural = RURAL_SHARE * r["population_millions"] * 1e6
    out = pd.DataFrame({
        "output_index": 100 * r["grain_output_actual_mt"] / r.loc[1957, "grain_output_actual_mt"],
        "procurement_share": r["procurement_share_of_output"],
        "retained_per_rural_kg": r["grain_output_actual_mt"] * (1 - r["procurement_share_of_output"]) * 1e9 / rural,
        "cdr_registered": r["crude_death_rate_per_1000"]})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--set", nargs="*", default=[], help="NAME=VALUE overrides for every run")
    ap.add_argument("--whatif", nargs="*", default=[],
                    help="what-ifs run besides the baseline: NAME=VALUE (several joined by commas) or scenario:NAME")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--tables", action="store_true", help="only print the what-if table of the runs in --out")
    ap.add_argument("--body", action="store_true",
                    help="only print the body link alone (scripts/body_link.py) at the defaults and with --set overrides")
    a = ap.parse_args()
    if a.body:
        from body_link import body_dose  # the body link's one implementation, beside this script

        print(markdown(body_dose(**parse_overrides(a.set)), 1))
        return
    if a.tables:
        print(markdown(whatif_table(a.out)))
        return
    a.out.mkdir(parents=True, exist_ok=True)
    base = parse_overrides(a.set)
    cases = [("baseline", a.scenario, base)]
    for w in a.whatif:
        if w.startswith("scenario:"):
            cases.append((w, w.split(":", 1)[1], base))
        else:
            cases.append((w, a.scenario, {**base, **parse_overrides(w.split(","))}))
    summaries = []
    for label, scen, ov in cases:
        monthly, deaths, years = [], [], []
        for seed in a.seeds:
            mo, dd, summ = run(seed, ov, scen)
            monthly.append(mo)
            deaths.append(dd)
            an = annual(mo)
            an["seed"] = seed
            years.append(an)
            summaries.append({"case": label, "seed": seed, **{k: (None if v is None else float(v))
                                                               for k, v in summ.items()}})
            print(label, seed, f"excess {summ['excess_death_share']:.3f}", flush=True)
        tag = _tag(label)
        atomic.write_table(pd.concat(monthly), a.out / f"monthly_{tag}.csv")
        atomic.write_table(pd.concat(years), a.out / f"annual_{tag}.csv")
        atomic.write_table(pd.concat(deaths), a.out / f"deaths_{tag}.csv")
    atomic.write_table(pd.DataFrame(summaries), a.out / "summaries.csv")
    atomic.write_table(record_table().reset_index(), a.out / "record.csv")
    atomic.write_text(a.out / "command.json", json.dumps(vars(a), default=str))


# ---- turning the CSVs into the report's tables -------------------------------------------------------
def excess_by_place(an: pd.DataFrame) -> pd.Series:
    """Per seed: excess deaths 1959-61 per 1000 of the 1957 population, villages and towns apart
    (deaths above each place's 1957 rate, as the summary's ``excess_deaths`` does for everyone)."""
    out = {}
    for seed, a in an.groupby("seed"):
        a = a.set_index("year")
        base_r = a.loc[1957, "deaths_rural"] / a.loc[1957, "rural_population"]
        base_u = a.loc[1957, "deaths_urban"] / (a.loc[1957, "urban_population"] + a.loc[1957, "migrants"])
        yrs = [1959, 1960, 1961]
        ex_r = (a.loc[yrs, "deaths_rural"] - base_r * a.loc[yrs, "rural_population"]).sum()
        ex_u = (a.loc[yrs, "deaths_urban"] - base_u * (a.loc[yrs, "urban_population"] + a.loc[yrs, "migrants"])).sum()
        pop = a.loc[1957, "population"]
        out[seed] = {"excess_rural_per1000": 1000 * ex_r / pop, "excess_urban_per1000": 1000 * ex_u / pop}
    return pd.DataFrame(out).T.mean()


def markdown(df: pd.DataFrame, digits: int = 2) -> str:
    """A pipe table (pandas' ``to_markdown`` needs tabulate, which the project does not install)."""
    cols = [df.index.name or ""] + [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in df.iterrows():
        cells = [f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join([str(idx)] + cells) + " |")
    return "\n".join(lines)


def whatif_table(folder: Path) -> pd.DataFrame:
    summ = pd.read_csv(folder / "summaries.csv")
    rows = []
    for case, s in summ.groupby("case", sort=False):
        tag = _tag(case)
        an = pd.read_csv(folder / f"annual_{tag}.csv")
        y = an.groupby("year").mean(numeric_only=True)
        ex = excess_by_place(an)
        rows.append({
            "case": case, "excess_%": 100 * s["excess_death_share"].mean(),
            "excess_sd": 100 * s["excess_death_share"].std(),
            "rural_ex_per1000": ex["excess_rural_per1000"], "urban_ex_per1000": ex["excess_urban_per1000"],
            "cdr_reg_59": y.loc[1959, "cdr_registered"], "cdr_reg_60": y.loc[1960, "cdr_registered"],
            "ret_58": y.loc[1958, "retained_per_rural_kg"], "ret_59": y.loc[1959, "retained_per_rural_kg"],
            "ret_60": y.loc[1960, "retained_per_rural_kg"], "proc_59": y.loc[1959, "procurement_share"],
            "proc_60": y.loc[1960, "procurement_share"], "ratio_59": y.loc[1959, "rural_ratio_mean"],
            "urban_ratio_60": y.loc[1960, "urban_ratio_mean"], "retreat_m": s["retreat_month"].mean()})
    return pd.DataFrame(rows).set_index("case")


if __name__ == "__main__":
    main()
