"""The outcome vocabulary and the recorder that observes a run (ODD 4, observation).

The data collector, the dashboard, the sweeps and the validation all read these names.
``MONTHLY`` lists every monthly series with its unit and meaning; ``SUMMARY_OUTCOMES`` the
per-run outcomes. ``FamineModel.__init__`` creates one ``Recorder``, which owns every
accumulator of the observation: the model calls its ``record_*`` methods as things happen during
a month, and ``finish_month`` derives rates and shares, paints the grid layers and collects the
month's row. The recorder reads the model and never writes state that a rule reads, so recording
less (``recording="none"``) leaves a run identical (tests/test_observation.py). Turning a
finished run into frames, tables and its summary is ``greatleap.tables``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from greatleap import kernels, production
from greatleap.labour import FURNACE
from greatleap.physiology import AGE_GROUPS
from greatleap.state import STEEL_KG_PER_WORKER_MONTH

_AGE_BOUNDS = np.array([lo for lo, _ in AGE_GROUPS] + [AGE_GROUPS[-1][1]], dtype=np.float32)

# name: (unit, meaning)
MONTHLY: dict[str, tuple[str, str]] = {
    "date": ("YYYY-MM", "Month simulated"),
    "year": ("year", "Calendar year"),
    "month": ("month", "Calendar month 1-12"),
    "population": ("persons", "Everyone: villagers, town residents and refugees"),
    "rural_population": ("persons", "Villagers alive in the communes"),
    "urban_population": ("persons", "Town residents on a state ration"),
    "migrants": ("persons", "Refugees who fled the villages"),
    "births": ("persons", "Births this month (villages and towns)"),
    "deaths": ("persons", "Deaths this month, all causes, everyone"),
    "deaths_starvation": ("persons", "Deaths from starvation and famine disease"),
    "deaths_violence": ("persons", "Deaths from beatings in anti-hiding searches"),
    "deaths_baseline": ("persons", "Deaths from other causes"),
    "deaths_rural": ("persons", "Deaths in the villages"),
    "deaths_urban": ("persons", "Deaths of town residents and refugees"),
    "deaths_age_0_9": ("persons", "Village deaths aged 0-9"),
    "deaths_age_10_59": ("persons", "Village deaths aged 10-59"),
    "deaths_age_60_plus": ("persons", "Village deaths aged 60 and over"),
    "cdr": ("per 1000 per year", "Crude death rate, true, annualised"),
    "cdr_registered": ("per 1000 per year", "Crude death rate as the registers would show it"),
    "cdr_rural": ("per 1000 per year", "Village crude death rate, true"),
    "cdr_urban": ("per 1000 per year", "Town crude death rate, true"),
    "cdr_age_0_9": ("per 1000 per year", "Village death rate aged 0-9"),
    "cdr_age_10_59": ("per 1000 per year", "Village death rate aged 10-59"),
    "cdr_age_60_plus": ("per 1000 per year", "Village death rate aged 60+"),
    "cbr": ("per 1000 per year", "Crude birth rate, annualised"),
    "harvest_true_kg": ("kg", "Grain actually harvested this month"),
    "harvest_reported_cadre_kg": ("kg", "The harvest as cadres reported it"),
    "harvest_reported_official_kg": ("kg", "The harvest as officials reported it upward"),
    "report_ratio_cadre": ("ratio", "Cadre reports / true harvest, this year's harvests so far"),
    "report_ratio_official": ("ratio", "Official reports / true harvest, this year's harvests so far"),
    "quota_kg": ("kg", "Procurement quotas set on this month's harvest"),
    "procurement_kg": ("kg", "Grain procured this month (collections and seizures)"),
    "procurement_share": ("share", "Procurement / true harvest, this year so far"),
    "retained_per_capita_kg": ("kg/person", "Grain left in the villages per villager after procurement"),
    "kcal_mean": ("kcal/day", "Mean energy intake of villagers aged 15 and over"),
    "kcal_p10": ("kcal/day", "10th percentile of the energy intake of villagers aged 15 and over"),
    "share_hungry": ("share", "Villagers hungry or worse"),
    "share_starving": ("share", "Villagers starving or severely wasted"),
    "hidden_grain_kg": ("kg", "Grain hidden in households"),
    "grain_seized_kg": ("kg", "Hidden grain seized in anti-hiding searches"),
    "cadres_criticised": ("cadres", "Cadres criticised as rightists this month"),
    "cadres_purged": ("cadres", "Cadres purged this month"),
    "cadres_purged_total": ("cadres", "Cadres purged since the start"),
    "commune_stock_kg": ("kg", "Grain in commune granaries and hall larders"),
    "household_stock_kg": ("kg", "Grain in household stores (not hidden)"),
    "central_stock_kg": ("kg", "State granary stocks"),
    "exports_kg": ("kg", "Grain exported this month"),
    "imports_kg": ("kg", "Grain imported this month"),
    "resales_kg": ("kg", "Grain sold back to deficit communes this month"),
    "kin_transfers_kg": ("kg", "Grain sent to hungry kin this month"),
    "hall_eaten_kg": ("kg", "Grain eaten in dining halls this month"),
    "steel_kg": ("kg", "Backyard-furnace steel this month"),
    "steel_usable_kg": ("kg", "Usable part of it"),
    "labour_fields": ("share", "Share of able labour in the fields"),
    "labour_furnaces": ("share", "Share at backyard furnaces"),
    "labour_irrigation": ("share", "Share on irrigation works"),
    "labour_foraging": ("share", "Share foraging"),
    "fled": ("persons", "Villagers who fled this month"),
    "retreat": ("0/1", "The centre has retreated"),
    "halls_open": ("0/1", "Dining halls are open"),
    "ledger_error_kg": ("kg", "Grain ledger imbalance (should be ~0)"),
}

SUMMARY_OUTCOMES: dict[str, tuple[str, str]] = {
    "excess_deaths": ("persons", "Deaths in 1959-61 above the 1957 death rate (true deaths; first year if later)"),
    "excess_death_share": ("share", "Excess deaths / population at the start"),
    "excess_deaths_china_m": ("million", "Excess death share scaled to China's 1957 population"),
    "peak_cdr": ("per 1000", "Highest annual registered crude death rate"),
    "peak_cdr_year": ("year", "Year of the highest registered death rate"),
    "report_ratio_1958": ("ratio", "1958 reported (official) / true harvest"),
    "peak_procurement_share": ("share", "Highest annual procurement / true harvest"),
    "peak_procurement_year": ("year", "Year of the highest procurement share"),
    "output_index_1960": ("1957 = 100", "1960 true harvest against 1957"),
    "total_deaths": ("persons", "All deaths in the run"),
    "starvation_deaths": ("persons", "Deaths from starvation and famine disease"),
    "violence_deaths": ("persons", "Deaths in anti-hiding searches"),
    "cadres_purged": ("cadres", "Cadres purged in the run"),
    "retreat_year": ("year", "Year the centre retreated (NaN if never)"),
}

_COUNTERS = ("births", "deaths_starvation", "deaths_violence", "deaths_baseline", "deaths_urban",
             "deaths_age_0_9", "deaths_age_10_59", "deaths_age_60_plus", "harvest_true_kg",
             "harvest_reported_cadre_kg", "harvest_reported_official_kg", "quota_kg",
             "procurement_kg", "grain_seized_kg", "cadres_criticised", "cadres_purged", "exports_kg",
             "imports_kg", "resales_kg", "kin_transfers_kg", "hall_eaten_kg", "steel_kg",
             "steel_usable_kg", "fled", "urban_births")
_PER_COMMUNE = ("deaths", "starvation_deaths", "births", "person_months", "kcal_sum", "true_kg",
                "cadre_kg", "official_kg", "quota_kg", "procured_kg", "purged")
_AGE_GROUP_NAMES = ("0_9", "10_59", "60_plus")
PER_1000_A_YEAR = 12_000.0  # monthly counts per head -> annual rate per 1000
RECORDING_LEVELS = ("all", "none")


def empty_stats() -> dict:
    stats = dict.fromkeys(MONTHLY, 0.0)
    stats.update(dict.fromkeys(_COUNTERS, 0.0))
    return stats


def model_reporters(model) -> dict:
    """Data-collector reporters: each reads one named entry of the recorder's month."""
    return {name: [_read, [model, name]] for name in MONTHLY}


def _read(model, name):
    return model.recorder.stats[name]


@dataclass
class FoodTally:
    """What the month's meals add up to, summed while people eat (``kernels.eat``)."""
    kcal_by_commune: np.ndarray  # sum of daily intakes
    people_by_commune: np.ndarray
    adult_hist: np.ndarray  # adults (15+) by daily intake, 1-kcal bins
    adult_kcal: float = 0.0  # sum of adults' daily intakes
    adults: int = 0

    @classmethod
    def empty(cls, n_communes: int) -> "FoodTally":
        return cls(np.zeros(n_communes), np.zeros(n_communes), np.zeros(kernels.KCAL_BINS, dtype=np.int32))


def percentile_of_histogram(hist: np.ndarray, q: float) -> float:
    """The ``q``-th percentile of values counted in 1-wide bins from 0, spreading each bin's
    values evenly over it (exact to within one bin)."""
    total = int(hist.sum())
    rank = (total - 1) * q / 100.0
    below = np.cumsum(hist)
    b = int(np.searchsorted(below, rank, side="right"))
    before = below[b - 1] if b > 0 else 0
    return b + (rank - before + 0.5) / hist[b]


class Recorder:
    """Every accumulator of a run's observation, and the methods that fill them.

    - ``stats``          this month's named series (``MONTHLY``) and counters
    - ``year``           this year's per-commune sums (``_PER_COMMUNE``), for the commune table
    - ``year_of_sums``   the year they belong to
    - ``year_rows``      the commune table's rows of the years closed so far
    - ``purged_total``   cadres purged since the start
    - ``deaths_by_household``  deaths on each plot so far (the map's dots)

    With ``level="none"`` it records nothing and the data collector collects no rows: the run
    itself is unchanged, which is how observation is shown to be passive.
    """

    def __init__(self, model, level: str = "all"):
        if level not in RECORDING_LEVELS:
            raise ValueError(f"recording level {level!r}; allowed: {', '.join(RECORDING_LEVELS)}")
        self.model = model
        self.on = level == "all"
        self.stats = empty_stats()
        self.year = self._empty_year()
        self.year_of_sums = model.ym[0]
        self.closed_year: int | None = None
        self.year_rows: list[dict] = []
        self.purged_total = 0
        self.deaths_by_household = np.zeros(len(model.households), dtype=np.int64)

    def _empty_year(self) -> dict[str, np.ndarray]:
        return {k: np.zeros(self.model.communes.n) for k in _PER_COMMUNE}

    # ---- during the month ------------------------------------------------------------------
    def open_month(self) -> None:
        self.stats = empty_stats()

    def record_deaths(self, idx: np.ndarray, cause: str) -> None:
        if not self.on:
            return
        m, s = self.model, self.stats
        people = m.people
        s[f"deaths_{cause}"] += len(idx)
        age = people.age[idx]
        for (lo, hi), name in zip(AGE_GROUPS, _AGE_GROUP_NAMES):
            s[f"deaths_age_{name}"] += int(((age >= lo) & (age < hi)).sum())
        by_commune = np.bincount(people.commune[idx], minlength=m.communes.n)
        self.year["deaths"] += by_commune
        if cause == "starvation":
            self.year["starvation_deaths"] += by_commune
        np.add.at(self.deaths_by_household, people.household[idx], 1)

    def record_births(self, idx: np.ndarray) -> None:
        if not self.on:
            return
        self.stats["births"] += len(idx)
        self.year["births"] += np.bincount(self.model.people.commune[idx], minlength=self.model.communes.n)

    def record_flight(self, idx: np.ndarray) -> None:
        if self.on:
            self.stats["fled"] += len(idx)

    def record_kin(self, kg: float) -> None:
        if self.on:
            self.stats["kin_transfers_kg"] += kg

    def record_labour(self, able_by_task: np.ndarray) -> None:
        """Labour shares and steel, from the able weight summed per task (``labour.TASKS``)."""
        if not self.on:
            return
        s, total = self.stats, able_by_task.sum()
        for k, name in enumerate(("labour_fields", "labour_furnaces", "labour_irrigation", "labour_foraging")):
            s[name] = float(able_by_task[k] / total) if total > 0 else 0.0
        steel = able_by_task[FURNACE] * STEEL_KG_PER_WORKER_MONTH
        s["steel_kg"] = float(steel)
        s["steel_usable_kg"] = float(steel * self.model.p["steel_usable"])

    def record_food(self, tally: FoodTally, hall: np.ndarray) -> None:
        if not self.on:
            return
        s = self.stats
        if tally.adults:  # adults only: children's small needs would mask adult hunger
            s["kcal_mean"] = tally.adult_kcal / tally.adults
            s["kcal_p10"] = percentile_of_histogram(tally.adult_hist, 10)
        s["hall_eaten_kg"] = float(hall.sum())
        self.year["kcal_sum"] += tally.kcal_by_commune
        self.year["person_months"] += tally.people_by_commune

    def record_harvest(self, true_kg, cadre_kg, official_kg, quota, taken) -> None:
        if not self.on:
            return
        s = self.stats
        s["harvest_true_kg"] += float(true_kg.sum())
        s["harvest_reported_cadre_kg"] += float(cadre_kg.sum())
        s["harvest_reported_official_kg"] += float(official_kg.sum())
        s["quota_kg"] += float(quota.sum())
        s["procurement_kg"] += float(taken.sum())
        for key, value in (("true_kg", true_kg), ("cadre_kg", cadre_kg), ("official_kg", official_kg),
                           ("quota_kg", quota), ("procured_kg", taken)):
            self.year[key] += value

    def record_collection(self, taken: np.ndarray) -> None:
        if not self.on:
            return
        self.stats["procurement_kg"] += float(taken.sum())
        self.year["procured_kg"] += taken

    def record_search(self, seized: np.ndarray) -> None:
        if not self.on:
            return
        self.record_collection(seized)
        self.stats["grain_seized_kg"] += float(seized.sum())

    def record_review(self, criticised: int, purged: int) -> None:
        if not self.on:
            return
        self.stats["cadres_criticised"] += criticised
        self.stats["cadres_purged"] += purged
        self.purged_total += purged

    def record_state(self, exports, imports, resales, births, deaths, refugee_deaths) -> None:
        if not self.on:
            return
        s = self.stats
        s["exports_kg"], s["imports_kg"], s["resales_kg"] = exports, imports, float(resales.sum())
        s["urban_births"], s["deaths_urban"] = births, deaths + refugee_deaths

    # ---- end of month and year -------------------------------------------------------------
    def finish_month(self) -> None:
        """Rates, shares and stocks of the month; the grid's layers; the data collector's row."""
        if not self.on:
            return
        m = self.model
        self._population_and_deaths()
        self._stocks_and_reports()
        if m._grid is not None:  # headless runs have no grid to paint
            self.update_layers()
        m.datacollector.collect(m)
        if m.t >= m.n_months - 1:
            self.close_year()

    def _population_and_deaths(self) -> None:
        m, s, state = self.model, self.stats, self.model.state
        people = m.people
        rural = m.rural_population()
        total = m.population()
        rural_deaths = s["deaths_starvation"] + s["deaths_violence"] + s["deaths_baseline"]
        s["deaths_rural"] = rural_deaths
        s["deaths"] = rural_deaths + s["deaths_urban"]
        s["births"] += s["urban_births"]
        s.update(date=f"{m.ym[0]:04d}-{m.ym[1]:02d}", year=m.ym[0], month=m.ym[1],
                 population=total, rural_population=rural, urban_population=state.urban,
                 migrants=state.migrants)
        s["cdr"] = s["deaths"] * PER_1000_A_YEAR / max(total, 1)
        s["cdr_registered"] = s["cdr"] * m.p["death_registration"]
        s["cdr_rural"] = rural_deaths * PER_1000_A_YEAR / max(rural, 1)
        s["cdr_urban"] = s["deaths_urban"] * PER_1000_A_YEAR / max(state.urban + state.migrants, 1)
        s["cbr"] = s["births"] * PER_1000_A_YEAR / max(total, 1)
        by_age, hungry, starving = kernels.census(people.view("alive"), people.view("age"),
                                                  people.view("hunger"), _AGE_BOUNDS)
        for n, name in zip(by_age, _AGE_GROUP_NAMES):
            s[f"cdr_age_{name}"] = s[f"deaths_age_{name}"] * PER_1000_A_YEAR / max(n, 1)
        s["share_hungry"] = hungry / rural if rural else 0.0
        s["share_starving"] = starving / rural if rural else 0.0

    def _stocks_and_reports(self) -> None:
        m, s = self.model, self.stats
        hh, com, state = m.households, m.communes, m.state
        rural = m.rural_population()
        s["hidden_grain_kg"] = float(hh.hidden.sum())
        s["commune_stock_kg"] = float(com.granary.sum())
        s["household_stock_kg"] = float(hh.stock.sum())
        s["central_stock_kg"] = float(state.stock)
        s["retained_per_capita_kg"] = (s["commune_stock_kg"] + s["household_stock_kg"] + s["hidden_grain_kg"]) / max(rural, 1)
        year = self.year
        true_year = year["true_kg"].sum()
        s["report_ratio_cadre"] = year["cadre_kg"].sum() / true_year if true_year > 0 else np.nan
        s["report_ratio_official"] = year["official_kg"].sum() / true_year if true_year > 0 else np.nan
        s["procurement_share"] = year["procured_kg"].sum() / true_year if true_year > 0 else np.nan
        s["cadres_purged_total"] = self.purged_total
        s["retreat"] = float(state.retreated)
        s["halls_open"] = float(m.halls_open())
        s["ledger_error_kg"] = m.ledger.error

    def update_layers(self) -> None:
        """Paint the month onto the grid's layers (hunger, people alive, deaths, hidden grain, crop)."""
        m = self.model
        grid, hh, people = m._grid, m.households, m.people
        alive = people.view("alive")
        household = people.view("household")[alive]
        n = np.bincount(household, minlength=len(hh))
        hunger = np.bincount(household, weights=people.view("hunger")[alive], minlength=len(hh))
        grid.alive.data[hh.x, hh.y] = n
        grid.hunger.data[hh.x, hh.y] = np.divide(hunger, n, out=np.zeros(len(hh)), where=n > 0)
        grid.hidden_grain.data[hh.x, hh.y] = hh.hidden
        grid.deaths.data[hh.x, hh.y] = self.deaths_by_household
        grid.standing_crop.data[hh.x, hh.y] = production.standing_crop_layer(m, m.crops, m.weather)

    def close_year(self) -> None:
        """Turn the year's per-commune sums into rows of the commune table."""
        if not self.on or self.closed_year == self.year_of_sums:
            return
        m, year, com = self.model, self.year, self.model.communes
        months = np.maximum(year["person_months"], 1)
        pop = year["person_months"] / 12
        for c in range(com.n):
            official = m.official_of[c]
            self.year_rows.append({
                "year": self.year_of_sums, "commune": c, "official": official.group,
                "official_career_stake": official.career_stake,
                "hall_participation": float(com.hall_participation[c]),
                "population": float(pop[c]), "deaths": float(year["deaths"][c]),
                "starvation_deaths": float(year["starvation_deaths"][c]), "births": float(year["births"][c]),
                "cdr": float(year["deaths"][c] * 1000 / max(pop[c], 1)),
                "true_kg": float(year["true_kg"][c]), "reported_cadre_kg": float(year["cadre_kg"][c]),
                "reported_official_kg": float(year["official_kg"][c]), "quota_kg": float(year["quota_kg"][c]),
                "procured_kg": float(year["procured_kg"][c]),
                "procurement_share": float(year["procured_kg"][c] / year["true_kg"][c]) if year["true_kg"][c] > 0 else np.nan,
                "retained_per_capita_kg": float((year["true_kg"][c] - year["procured_kg"][c]) / max(pop[c], 1)),
                "kcal_mean": float(year["kcal_sum"][c] / months[c]),
                "cadre_ambition": m.cadres[c].ambition, "cadre_purged_count": m.cadres[c].purged_count,
            })
        self.closed_year = self.year_of_sums
        self.year = self._empty_year()
        self.year_of_sums = m.ym[0]
