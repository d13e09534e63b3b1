"""Tables of a finished run: what a model has recorded, as frames, tables, a summary and a text.

``monthly_frame`` (one row a month), ``annual_frame``, ``commune_table``, ``official_table`` and
``province_table`` (one row a year per commune / per county official / per province),
``age_table`` (one row a year per place, sex and five-year age group: population, deaths, death
rate, births by mother's age, fertility rate),
``body_table`` (one row a year per place and age band: mean BMI-for-age z-score or BMI, and
height-for-age z under five), ``summary`` (one value per outcome) and the dashboard's
``regime_text``. They read a model after (or between) steps and never change it; the series and
outcomes they read and name are those defined in ``reporters.MONTHLY`` and
``reporters.SUMMARY_OUTCOMES``, which ``reporters`` records as the month happens.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greatleap.reporters import AGE_GROUP_NAMES, SERIES_MEANS, SERIES_SUMS, SUMMARY_OUTCOMES


def monthly_frame(model) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def annual_frame(model) -> pd.DataFrame:
    m = monthly_frame(model)
    if m.empty:
        return pd.DataFrame()
    g = m.groupby("year")
    sums = g[["births", "births_rural", "births_urban", "births_low_weight", "conceptions", "fetal_losses",
              "maternal_deaths", "deaths", "deaths_starvation", "deaths_violence", "deaths_baseline",
              "deaths_rural", "deaths_urban", "deaths_urban_famine", "deaths_male", "deaths_female",
              *(f"deaths_age_{name}" for name in AGE_GROUP_NAMES), "harvest_true_kg", "harvest_reported_cadre_kg",
              "harvest_reported_official_kg", "harvest_reported_province_kg", "quota_kg", "procurement_kg", "exports_kg",
              "imports_kg", "resales_kg", "grain_seized_kg", "cadres_purged", "steel_kg",
              "steel_usable_kg", "fled", "deaths_registered"]].sum()
    means = g[["population", "rural_population", "urban_population", "kcal_mean", "kcal_p10",
               "share_hungry", "share_starving"]].mean()
    a = pd.concat([sums, means], axis=1).reset_index()
    # the derived columns are gathered and joined once: inserting them one at a time into the
    # frame was most of the table's cost, and a calibration builds one table per run
    new = {}
    new["cdr"] = a["deaths"] * 1000 / a["population"]
    new["cbr"] = a["births"] * 1000 / a["population"]
    new["report_ratio_cadre"] = a["harvest_reported_cadre_kg"] / a["harvest_true_kg"]
    new["report_ratio_official"] = a["harvest_reported_official_kg"] / a["harvest_true_kg"]
    new.update(_tuning_ratios(a))
    first = a["harvest_true_kg"].iloc[0]
    new["output_index"] = 100 * a["harvest_true_kg"] / first if first > 0 else np.nan
    new["central_stock_end_kg"] = g["central_stock_kg"].last().values
    new["retreat"] = g["retreat"].max().values
    _capital_columns(new, m, g)
    return pd.concat([a, pd.DataFrame(new, index=a.index)], axis=1)


def series_frame(model) -> pd.DataFrame:
    """Per year, what the four national tuning series are made of (``history.model_series``): the
    annual table of a run recorded in full, or, from a run recorded at level "series", the same
    columns summed and averaged by year as ``annual_frame`` does, so that they are the same to the
    last bit."""
    if not model.recorder.series_only:
        return annual_frame(model)
    m = pd.DataFrame(model.recorder.series_rows, columns=["year", *SERIES_SUMS, *SERIES_MEANS])
    if m.empty:
        return pd.DataFrame()
    g = m.groupby("year")
    a = pd.concat([g[list(SERIES_SUMS)].sum(), g[list(SERIES_MEANS)].mean()], axis=1).reset_index()
    return a.assign(**_tuning_ratios(a))


def _tuning_ratios(a: pd.DataFrame) -> dict[str, pd.Series]:
    """The three tuning series that are ratios of annual sums and means, one formula for both tables."""
    return {"cdr_registered": a["deaths_registered"] * 1000 / a["population"],
            "report_ratio_province": a["harvest_reported_province_kg"] / a["harvest_true_kg"],
            "procurement_share": a["procurement_kg"] / a["harvest_true_kg"]}


CAPITAL_FLOWS = ("seed_eaten_kg", "seed_handed_over_kg", "animal_feed_kg", "animals_slaughtered", "pigs_slaughtered",
                 "harvest_area_kg")
CAPITAL_STOCKS = ("draught_animals", "draught_animals_index", "pigs", "pigs_index", "tools_index", "seed_stock_kg", "planned_area",
                  "irrigated_share", "damaged_share", "technique_index")


def _capital_columns(new: dict, m: pd.DataFrame, g) -> None:
    """Capital and land by year (ODD 7.11), added to the annual columns ``new``: flows summed,
    stocks at the year's end, and the output index split into area and yield:
    ``sown_area_index`` (normal output of the land harvested, first year = 100) times
    ``yield_index`` (output per unit of it) is ``output_index``."""
    if "harvest_area_kg" not in m:
        return
    flows = g[list(CAPITAL_FLOWS)].sum()
    for name in CAPITAL_FLOWS:
        new[name] = flows[name].values
    stocks = g[list(CAPITAL_STOCKS)].last()
    for name in CAPITAL_STOCKS:
        new[name] = stocks[name].values
    new["sown_area"] = g["sown_area"].mean().values
    first = new["harvest_area_kg"][0]
    new["sown_area_index"] = 100 * new["harvest_area_kg"] / first if first > 0 else np.nan
    new["yield_index"] = 100 * new["output_index"] / new["sown_area_index"]


def area_share_of_fall(by_year: pd.DataFrame, years=(1959, 1960, 1961), base: int = 1957) -> float:
    """Part of the output fall of ``years`` against ``base`` (summed logs) that is less area
    harvested; 1 - it is lower yield. NaN without a fall or the years."""
    if "sown_area_index" not in by_year or not {base, *years} <= set(by_year.index):
        return np.nan
    output = np.log(by_year.loc[list(years), "output_index"] / by_year.loc[base, "output_index"]).sum()
    area = np.log(by_year.loc[list(years), "sown_area_index"] / by_year.loc[base, "sown_area_index"]).sum()
    return float(area / output) if output < 0 else np.nan


def commune_table(model) -> pd.DataFrame:
    return pd.DataFrame(model.recorder.year_rows)


def age_table(model) -> pd.DataFrame:
    """Per year, place (rural, urban), sex and five-year age group: population (mean over the
    year), deaths and the death rate per 1000, births to mothers of that group and the fertility
    rate per 1000 women."""
    return pd.DataFrame(model.recorder.age_rows)


def body_table(model) -> pd.DataFrame:
    """Per year, place and age band: mean BMI-for-age z-score (under 19) or BMI (adults) over the
    year's person-months, and the mean height-for-age z-score of children under five."""
    return pd.DataFrame(model.recorder.body_rows)


# The per-county table (one row a year per official): name -> (unit, meaning). The counties'
# sums add up to the villages' national series (the towns are not in any county).
COUNTY_COLUMNS: dict[str, tuple[str, str]] = {
    "year": ("year", "Calendar year"),
    "official": ("index", "The county (its official), 0 to the number of officials - 1"),
    "province": ("index", "The county's province"),
    "official_career_stake": ("0-1", "The official's career stake (sets his markup and quota push, ODD 7.3, 7.5)"),
    "leader_zeal": ("0-1", "The provincial leader's zeal (ODD 7.12)"),
    "leader_alternate": ("0/1", "The provincial leader is an alternate member of the Central Committee"),
    "communes": ("communes", "Communes in the county"),
    "population": ("persons", "Villagers, mean over the year (person-months / 12 at the food phase)"),
    "population_end": ("persons", "Villagers alive at the year's end (sums to December's rural_population)"),
    "deaths": ("persons", "Village deaths in the year, all causes (sums to the annual deaths_rural)"),
    "starvation_deaths": ("persons", "Village deaths from starvation and famine disease"),
    "excess_deaths": ("persons", "Deaths above the county's own death rate of its first year (1957) times its population"),
    "births": ("persons", "Births in the county's villages"),
    "cdr": ("per 1000", "Deaths per 1000 of the mean population"),
    "true_kg": ("kg", "Grain actually harvested"),
    "reported_cadre_kg": ("kg", "The harvest as the commune cadres reported it"),
    "reported_official_kg": ("kg", "The harvest as the official reported it upward (his markup on the cadres')"),
    "reported_province_kg": ("kg", "The county's part of the province's claim to the centre"),
    "quota_kg": ("kg", "Procurement quota set at the harvests"),
    "procured_kg": ("kg", "Grain procured (collected at harvest, later and in searches)"),
    "levied_kg": ("kg", "Emergency levies on the county to cover the towns (part of its quota, ODD 7.9)"),
    "resold_kg": ("kg", "Grain the state sold back to the county's communes"),
    "net_outflow_kg": ("kg", "procured_kg - resold_kg: grain that left the county for the state, net"),
    "report_ratio": ("ratio", "reported_official_kg / true_kg"),
    "official_markup_ratio": ("ratio", "reported_official_kg / reported_cadre_kg: what the official added"),
    "procurement_share": ("share", "procured_kg / true_kg"),
    "retained_per_capita_kg": ("kg per person", "(true_kg - procured_kg) / population"),
    "hall_participation": ("share", "Dining hall participation at the year's end, mean over communes weighted by population"),
    "kcal_mean": ("kcal per day", "Daily intake, mean over the year's person-months"),
}


def official_table(model) -> pd.DataFrame:
    """Per year and county (official): ``COUNTY_COLUMNS``."""
    c = commune_table(model)
    if c.empty:
        return c
    c = c.assign(kcal_months=c["kcal_mean"] * c["population"], hall_people=c["hall_participation"] * c["population"])
    keys = ["population", "population_end", "deaths", "starvation_deaths", "births", "true_kg", "reported_cadre_kg",
            "reported_official_kg", "reported_province_kg", "quota_kg", "procured_kg", "levied_kg", "resold_kg",
            "kcal_months", "hall_people"]
    t = c.groupby(["year", "official", "province", "official_career_stake", "leader_zeal", "leader_alternate"])
    t = t[keys].sum().join(t.size().rename("communes")).reset_index()
    people = t["population"].clip(lower=1)
    true = t["true_kg"].where(t["true_kg"] > 0)
    t["cdr"] = t["deaths"] * 1000 / people
    first = t[t["year"] == t["year"].min()].set_index("official")["cdr"]
    t["excess_deaths"] = t["deaths"] - t["official"].map(first) / 1000 * t["population"]
    t["report_ratio"] = t["reported_official_kg"] / true
    t["official_markup_ratio"] = t["reported_official_kg"] / t["reported_cadre_kg"].where(t["reported_cadre_kg"] > 0)
    t["procurement_share"] = t["procured_kg"] / true
    t["net_outflow_kg"] = t["procured_kg"] - t["resold_kg"]
    t["retained_per_capita_kg"] = (t["true_kg"] - t["procured_kg"]) / people
    t["hall_participation"] = t["hall_people"] / people
    t["kcal_mean"] = t["kcal_months"] / people
    return t[list(COUNTY_COLUMNS)]


def province_table(model) -> pd.DataFrame:
    """Per year and province: population, deaths, CDR, births, the true harvest and the claims at
    each level, procurement and its share, the grain moved in and out (emergency levies for the
    towns, resales, the net outflow), retention per head, hall participation (which the leader's zeal
    raises, ODD 7.12), the leader's traits, and what the province is apart from its leader: its
    normal grain per head relative to the nation (``fertility``), the year's weather factor and its
    towns' share of its people at the year's end (``urban_share``)."""
    c = commune_table(model)
    if c.empty:
        return c
    c = c.assign(hall_people=c["hall_participation"] * c["population"],
                 fertility_people=c["fertility"] * c["population"], weather_people=c["weather"] * c["population"])
    keys = ["population", "population_end", "deaths", "starvation_deaths", "births", "true_kg", "reported_cadre_kg",
            "reported_official_kg", "reported_province_kg", "quota_kg", "procured_kg", "levied_kg", "resold_kg",
            "hall_people", "fertility_people", "weather_people"]
    t = c.groupby(["year", "province", "leader_zeal", "leader_alternate", "leader_loyalty"])[keys].sum().reset_index()
    true = t["true_kg"].where(t["true_kg"] > 0)
    t["cdr"] = t["deaths"] * 1000 / t["population"].clip(lower=1)
    t["cbr"] = t["births"] * 1000 / t["population"].clip(lower=1)
    t["procurement_share"] = t["procured_kg"] / true
    t["report_ratio_province"] = t["reported_province_kg"] / true
    t["net_outflow_kg"] = t["procured_kg"] - t["resold_kg"]
    t["retained_per_capita_kg"] = (t["true_kg"] - t["procured_kg"]) / t["population"].clip(lower=1)
    t["hall_participation"] = t.pop("hall_people") / t["population"].clip(lower=1)
    t["fertility"] = t.pop("fertility_people") / t["population"].clip(lower=1)
    t["weather"] = t.pop("weather_people") / t["population"].clip(lower=1)
    towns = pd.DataFrame(model.recorder.province_rows, columns=["year", "province", "town_population_end"])
    t = t.merge(towns, on=["year", "province"], how="left")
    t["urban_share"] = t["town_population_end"] / (t["town_population_end"] + t["population_end"]).clip(lower=1)
    return t


def summary(model) -> dict:
    a = annual_frame(model)
    out = dict.fromkeys(SUMMARY_OUTCOMES, np.nan)
    if a.empty:
        return out
    by_year = a.set_index("year")
    start_pop = monthly_frame(model)["population"].iloc[0]
    base_year = 1957 if 1957 in by_year.index else by_year.index.min()  # the last pre-Leap year
    base_rate = by_year.loc[base_year, "deaths"] / by_year.loc[base_year, "population"]
    famine = by_year.loc[[y for y in (1959, 1960, 1961) if y in by_year.index]]
    excess = float((famine["deaths"] - base_rate * famine["population"]).sum()) if len(famine) else np.nan
    out.update(
        excess_deaths=excess, excess_death_share=excess / start_pop,
        excess_deaths_china_m=excess / start_pop * 646.5,
        peak_cdr=float(by_year["cdr_registered"].max()), peak_cdr_year=int(by_year["cdr_registered"].idxmax()),
        report_ratio_1958=float(by_year.loc[1958, "report_ratio_province"]) if 1958 in by_year.index else np.nan,
        peak_procurement_share=float(by_year["procurement_share"].max()),
        peak_procurement_year=int(by_year["procurement_share"].idxmax()),
        output_index_1960=float(100 * by_year.loc[1960, "harvest_true_kg"] / by_year.loc[1957, "harvest_true_kg"])
        if {1957, 1960} <= set(by_year.index) else np.nan,
        total_deaths=float(a["deaths"].sum()), starvation_deaths=float(a["deaths_starvation"].sum()),
        violence_deaths=float(a["deaths_violence"].sum()), cadres_purged=float(a["cadres_purged"].sum()),
        **_lasting_retreat(monthly_frame(model)),
        area_share_of_output_fall=area_share_of_fall(by_year),
    )
    return out


def _lasting_retreat(monthly: pd.DataFrame) -> dict:
    """Year, month (from January 1957) and cause of the retreat that lasted (a retreat reversed at
    Lushan does not count)."""
    on = monthly["retreat"].to_numpy() > 0
    if not on.any():
        return dict(retreat_year=np.nan, retreat_month=np.nan, retreat_cause=np.nan)
    if not on[-1]:
        start = np.flatnonzero(on)[0]
    else:
        off = np.flatnonzero(~on)
        start = off[-1] + 1 if len(off) else 0
    row = monthly.iloc[start]
    return dict(retreat_year=float(row["year"]), retreat_month=float((row["year"] - 1957) * 12 + row["month"] - 1),
                retreat_cause=float(row["retreat_cause"]))


def regime_text(model) -> str:
    """The policy regime in force, in words, for the dashboard banner."""
    if model.t < 0:
        return "before the run"
    parts = []
    cal, ym, state = model.calendar, model.ym, model.state
    if model.leap_on() and not state.retreated:
        parts.append("Great Leap Forward")
    if model.private_plots_abolished():
        parts.append("people's communes")
    if model.halls_open():
        parts.append("communal dining halls open, free eating" if model.free_eating_on()
                     else "communal dining halls, cadre rations")
    if model.recorder.stats["labour_furnaces"] > 0:
        parts.append("backyard furnaces")
    if model.recorder.stats["labour_irrigation"] > 0:
        parts.append("irrigation campaign")
    if model.p["lushan_purge"] and cal.after_lushan(ym) and model.purge_risk() > 0:
        parts.append("anti-rightist purge")
    if state.retreated:
        parts.append("retreat: quotas cut, imports")
    return ", ".join(parts) if parts else "normal times"
