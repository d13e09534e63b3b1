"""The state (ODD 7.9): towns, central stocks, exports, imports, resales and the retreat.

Rules in plain words:
- Town residents (15% of people in 1957) get a guaranteed grain ration from central stocks; the
  ration is cut when stocks run low. Peasants recruited into industry in 1958 swell the towns;
  from mid-1961 they are sent back down. Towns have their own births and deaths.
- Refugees who got away live on the margins of the towns, fed on a half ration, and die more.
- The state exports grain as it historically did (2.7 Mt 1958, 4.2 Mt 1959, 2.7 Mt 1960),
  scaled to the model's population, until it retreats.
- Communes short of food apply for resales; the state sells back a share of the shortfall after
  a delay, believing the shortfall only as far as the commune's report allows (an inflated
  report hides the need).
- The retreat: when central stocks fall below ``retreat_threshold`` of what the centre holds in
  that month of a normal year (the first year of the run), or once starvation deaths over the past
  year reach ``famine_recognition`` per 1000 villagers (endogenous rule), or on the historical
  date (calendar rule), the centre retreats: quotas are cut, reports become honest, purges and
  campaigns stop, exports stop, imports start two months later, and halls close and private plots
  return six months later. During the anti-rightist campaign after Lushan the centre holds its
  course: neither its own empty granaries nor deaths are heeded (it keeps procuring and exporting
  to feed the towns and keep its word abroad), and a retreat begun before Lushan is reversed by it.
- Backyard furnaces produce steel, of which a share is usable.
"""

from __future__ import annotations

import numpy as np

from greatleap.calendar import month_index

CHINA_RURAL_1957 = 547e6  # rural people, 1957 (646.5 M total, 99 M urban)
URBAN_CBR, URBAN_CDR = 0.030, 0.009  # per person per year
MIGRANT_CDR = 0.05
STEEL_KG_PER_WORKER_MONTH = 8.0  # about 3 Mt from some 90 M people over four months
REFORM_DELAY_MONTHS = 6  # after the retreat, halls close and private plots return this much later
IMPORT_DELAY_MONTHS = 2  # months from the retreat to the first imported grain
IMPORTS_MT_UNLISTED_YEAR = 5.0  # imports in a year the calendar does not list, Mt
# The urban ration: full while the centre holds RATION_FULL_MONTHS of demand, cut in proportion
# below that, by at most RATION_MAX_CUT of the full ration.
RATION_FULL_MONTHS, RATION_MAX_CUT = 3.0, 0.3
# Towns: below RATION_HUNGER_FILL of the full ration, each missing share adds
# TOWN_HUNGER_DEATHS to the annual death rate (refugees twice that) and cuts births as much.
RATION_HUNGER_FILL, TOWN_HUNGER_DEATHS = 0.85, 0.15
RESALE_APPLICATION_FILL = 0.8  # a commune applies for resales below this share of its need


class State:
    def __init__(self, model, rural_people: int):
        p = model.p
        self.scale = rural_people / CHINA_RURAL_1957  # model people per real rural person
        self.urban = rural_people * p["urban_share"] / (1.0 - p["urban_share"])
        self.migrants = 0.0
        self.recruited = 0.0
        self.stock = p["central_stock_months"] * self.base_demand(model)
        self.retreated = False
        self.retreat_t: int | None = None
        self.pending_resales: list[tuple[int, int, float]] = []  # (due month, commune, kg)
        self.normal_stock: dict[int, float] = {}  # months of demand held in each calendar month, first year

    def base_demand(self, model) -> float:
        """Monthly urban grain demand at the full ration, kg."""
        return (self.urban + 0.5 * self.migrants) * model.p["urban_ration"] / 12.0

    def ration_factor(self, model) -> float:
        months = self.stock_months(model)
        floor = 1.0 - RATION_MAX_CUT
        return float(np.clip(floor + RATION_MAX_CUT * months / RATION_FULL_MONTHS, floor, 1.0))

    def mt_per_month(self, mt_per_year: float) -> float:
        return mt_per_year * 1e9 * self.scale / 12.0

    # ---- retreat -------------------------------------------------------------------------
    def stock_months(self, model) -> float:
        return self.stock / max(self.base_demand(model), 1e-9)

    def check_retreat(self, model) -> None:
        """The centre compares its stocks with what it normally holds at this time of year
        (learnt in the first year of the run): granaries are always low before the autumn
        harvest, so only a fall far below the seasonal norm alarms it. A retreat begun before
        the Lushan Conference is reversed by it when the purge is on (the spring-1959 correction
        that Lushan turned back into radicalism)."""
        rule = model.p["retreat_rule"]
        months = self.stock_months(model)
        if model.t < 12:
            self.normal_stock[model.ym[1]] = months
        if rule == "never":
            return
        if self.retreated and self._reversed_by_lushan(model):
            self.retreated, self.retreat_t = False, None
        if self.retreated:
            return
        if rule == "calendar":
            trigger = month_index(model.ym) >= month_index(model.calendar.retreat)
        else:
            norm = self.normal_stock.get(model.ym[1], months)
            holding_course = model.p["lushan_purge"] and model.calendar.anti_rightist_on(model.ym)
            low = months < model.p["retreat_threshold"] * norm
            trigger = (model.t >= 12 and not holding_course
                       and (low or self.famine_undeniable(model)))
        if trigger:
            self.retreated, self.retreat_t = True, model.t

    def _reversed_by_lushan(self, model) -> bool:
        lushan_end = month_index(model.calendar.lushan[1])
        return (model.p["lushan_purge"] and model.p["retreat_rule"] == "endogenous"
                and month_index(model.ym) == lushan_end + 1
                and self.retreat_t is not None
                and month_index(model.start) + self.retreat_t <= lushan_end)

    def famine_undeniable(self, model) -> bool:
        """Starvation deaths over the past year have reached ``famine_recognition`` per 1000."""
        threshold = model.p["famine_recognition"]
        if threshold <= 0:
            return False
        deaths = model.village.starvation_deaths_last_year().sum()
        return deaths * 1000.0 / max(model.rural_population(), 1) >= threshold

    def months_since_retreat(self, model) -> int:
        return -1 if self.retreat_t is None else model.t - self.retreat_t

    def reforms_in_force(self, model) -> bool:
        """The retreat's reforms (halls closed, private plots back) follow it after a delay."""
        return self.retreated and self.months_since_retreat(model) >= REFORM_DELAY_MONTHS

    # ---- monthly flows -------------------------------------------------------------------
    def trade(self, model) -> tuple[float, float]:
        """Exports out and imports in this month (kg)."""
        p, cal, year = model.p, model.calendar, model.ym[0]
        exports = 0.0
        if p["exports"] and not self.retreated:
            exports = min(self.mt_per_month(cal.exports_mt.get(year, 0.0)), self.stock)
        imports = 0.0
        if self.imports_on(model):
            imports = self.mt_per_month(cal.imports_mt.get(year, IMPORTS_MT_UNLISTED_YEAR))
        self.stock += imports - exports
        return exports, imports

    def imports_on(self, model) -> bool:
        p, now = model.p, month_index(model.ym)
        if p["accept_aid"] and now >= month_index((1959, 10)):
            return True
        if p["retreat_rule"] == "calendar":
            return now >= month_index(model.calendar.imports_start)
        return self.retreated and self.months_since_retreat(model) >= IMPORT_DELAY_MONTHS

    def feed_towns(self, model) -> tuple[float, float]:
        """Urban and refugee consumption from central stocks. Returns (kg eaten, fill share)."""
        demand = self.base_demand(model) * self.ration_factor(model)
        eaten = min(demand, self.stock)
        self.stock -= eaten
        return eaten, eaten / max(self.base_demand(model), 1e-9)

    def town_demography(self, model, fill: float) -> tuple[float, float, float]:
        """Urban births, urban deaths and refugee deaths this month (expected values)."""
        missing = max(0.0, RATION_HUNGER_FILL - fill)
        hunger = missing * TOWN_HUNGER_DEATHS  # extra annual death rate when rations fail
        births = self.urban * URBAN_CBR / 12 * (1.0 - missing)
        deaths = self.urban * (URBAN_CDR * model.p["baseline_mortality"] + hunger) / 12
        refugee_deaths = self.migrants * (MIGRANT_CDR + 2 * hunger) / 12
        self.urban += births - deaths
        self.migrants -= refugee_deaths
        return births, deaths, refugee_deaths

    def request_resales(self, model, food_kg: np.ndarray, need_kg: np.ndarray,
                        report_ratio: np.ndarray, visibility: np.ndarray | None = None) -> None:
        """Communes below 80% of need until the next harvest apply for the whole shortfall. The
        state believes it only as far as the commune's inflated report allows, unless the famine
        there has become visible (deaths), when it believes what it sees."""
        short = np.where(food_kg < RESALE_APPLICATION_FILL * need_kg, need_kg - food_kg, 0.0)
        seen = np.zeros(len(short)) if visibility is None else visibility
        pending = {c for _, c, _ in self.pending_resales}
        due = model.t + model.p["resale_delay"]
        for c in np.flatnonzero(short > 0):
            if c not in pending:
                believed = short[c] * (seen[c] + (1.0 - seen[c]) / max(report_ratio[c], 1.0))
                self.pending_resales.append((due, int(c), model.p["resale_share"] * believed))

    def deliver_resales(self, model) -> np.ndarray:
        """Resales falling due this month, per commune (kg), limited to stocks above a month's demand."""
        delivered = np.zeros(model.communes.n)
        keep = []
        for due, c, kg in self.pending_resales:
            if due > model.t:
                keep.append((due, c, kg))
                continue
            give = min(kg, max(self.stock - self.base_demand(model), 0.0))
            self.stock -= give
            delivered[c] += give
        self.pending_resales = keep
        return delivered

    def recruit(self, n_people: int) -> None:
        self.urban += n_people
        self.recruited += n_people

    def send_down(self, model) -> int:
        """People sent back to the villages this month (whole persons)."""
        if not model.calendar.sent_down[0] <= model.ym <= model.calendar.sent_down[1]:
            return 0
        months = month_index(model.calendar.sent_down[1]) - month_index(model.calendar.sent_down[0]) + 1
        n = int(round(self.recruited / months))
        n = min(n, int(self.urban))
        self.urban -= n
        return n
