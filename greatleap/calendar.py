"""The historical timeline as data (ODD 2, process overview and scheduling).

Dates are (year, month) pairs, month 1-12; a window includes both ends. The model asks the
calendar what is in force in a given month; counterfactuals build a calendar with dates moved or
removed (``Calendar.replace``), never change code. Sources are in ``docs/ODD.md`` and
``greatleap/data/SOURCES.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from greatleap.weather import weather_index

YM = tuple[int, int]
Window = tuple[YM, YM]


def month_index(ym: YM) -> int:
    """Months since January of year 0: comparable and subtractable."""
    return ym[0] * 12 + ym[1] - 1


def in_window(ym: YM, window: Optional[Window]) -> bool:
    return window is not None and month_index(window[0]) <= month_index(ym) <= month_index(window[1])


@dataclass(frozen=True)
class Calendar:
    # The Great Leap launched: the campaign regime (targets, reporting pressure, quota pushes)
    # from the February 1958 National People's Congress on. source: as said.
    leap: YM = (1958, 2)
    # People's communes formed: private plots abolished and the exit right lost. source: 99.1% of
    # farm households in communes by October 1958 (a popular source quoted in the project's notes);
    # assumption: the end, May 1961.
    communes: Window = ((1958, 9), (1961, 5))
    # Communal dining halls: open with free eating, rationed from the first date of `hall_rationing`.
    # source: halls served from October 1958 (Yang Jisheng 2012), most closed in 1961 (Liu & Wen);
    # assumption: the month of closing.
    halls: Window = ((1958, 10), (1961, 5))
    free_eating: Window = ((1958, 10), (1958, 12))  # source: free meals October-December 1958 (Yang Jisheng 2012)
    # Backyard steel campaign. source: autumn 1958 (Yang Jisheng 2012); assumption: August to December.
    furnaces: Window = ((1958, 8), (1958, 12))
    # Winter water-conservancy campaigns. source: October 1957 to January 1958 and on (Beijing Review,
    # 4 Mar 1958); assumption: the same window the two following winters, to March.
    irrigation: tuple[Window, ...] = (((1957, 10), (1958, 3)), ((1958, 10), (1959, 3)),
                                      ((1959, 10), (1960, 3)))
    # Close planting and deep ploughing imposed on the fields (sown in these months).
    # source: imposed on nearly every commune from 1958 (Becker 1996; Dikötter 2010); assumption: the ends.
    close_planting: Window = ((1958, 9), (1960, 12))
    # Coerced long hours ("fight hard for three years"). assumption: the dates, from the Leap's
    # launch to the summer before the retreat; no record dates the long days.
    long_hours: Window = ((1958, 3), (1960, 6))
    # Peasants recruited into urban industry (sending them back down is the centre's decision).
    # source: state-industry employment rose from 7.8 M to 23.2 M in 1958 (Riskin, via Lin & Yang
    # 2000); assumption: March to December.
    recruitment: Window = ((1958, 3), (1958, 12))
    # Lushan Conference; from its end, the anti-rightist penalty regime, and a political cost of
    # admitting failure that the centre weighs before it retreats (centre.py).
    # source: the conference, 2 July-16 August 1959.
    lushan: Window = ((1959, 7), (1959, 8))
    # Household registration enforced against flight (source: State Council orders, Feb-Mar 1959).
    registration: YM = (1959, 2)
    # The historical retreat: Emergency Directive on communes (Nov 1960); imports from Jan 1961.
    retreat: YM = (1960, 11)  # source: the Emergency Directive on communes, November 1960
    imports_start: YM = (1961, 1)  # source: imports from 1961 (Shang Changfeng 2010)
    # The superior's target growth for each harvest year over last year's (revised) report:
    # Beidaihe (Aug 1958) expected 300-350 Mt against 195 Mt in 1957. source: Beidaihe's forecast
    # (Lin Yunhui 2012) for 1958; assumption: the later years' growth.
    target_growth: dict = field(default_factory=lambda: {
        1958: 0.65, 1959: 0.10, 1960: 0.05, 1961: -0.10, 1962: -0.05})
    # National weather index of yields by year (1957 = 1), from the published areas hit by
    # natural disasters (greatleap.weather; data/disaster_area.csv; sources in data/SOURCES.md).
    weather: dict = field(default_factory=weather_index)
    # Net grain exports in Mt per calendar year (Lin & Yang 2000; Shang 2010), imports in Mt.
    # source: 1958 2.7 and 1959 4.2 (Lin & Yang 2000); assumption: 1960 at 2.7 ("above 2.5", Shang
    # 2010) and 1955-57 at 2.0 (1950-60 averaged about 2.3, Shang 2010).
    exports_mt: dict = field(default_factory=lambda: {
        1955: 2.0, 1956: 2.0, 1957: 2.0, 1958: 2.7, 1959: 4.2, 1960: 2.7})
    # source: gross imports 5.81 Mt in 1961 and about 5 Mt a year after (Shang Changfeng 2010).
    imports_mt: dict = field(default_factory=lambda: {1961: 5.81, 1962: 5.0})
    # The counterfactual of accepting aid (``accept_aid``): from this date, grain on offer abroad
    # is accepted; in the years before 1961 the amount is an assumption: what the centre bought
    # in 1961 could have been bought from late 1959.
    aid_accepted: YM = (1959, 10)
    # assumption: as above; 1961-62 are what was bought (imports_mt).
    aid_mt: dict = field(default_factory=lambda: {1959: 5.81, 1960: 5.81, 1961: 5.81, 1962: 5.0})

    def replace(self, **changes) -> "Calendar":
        return replace(self, **changes)

    # ---- questions the model asks -------------------------------------------------------
    def leap_on(self, ym: YM) -> bool:
        return month_index(ym) >= month_index(self.leap)

    def communes_on(self, ym: YM) -> bool:
        return in_window(ym, self.communes)

    def halls_open(self, ym: YM) -> bool:
        return in_window(ym, self.halls)

    def free_eating_on(self, ym: YM) -> bool:
        return self.halls_open(ym) and in_window(ym, self.free_eating)

    def furnaces_on(self, ym: YM) -> bool:
        return in_window(ym, self.furnaces)

    def irrigation_on(self, ym: YM) -> bool:
        return any(in_window(ym, w) for w in self.irrigation)

    def close_planting_on(self, ym: YM) -> bool:
        return in_window(ym, self.close_planting)

    def long_hours_on(self, ym: YM) -> bool:
        return in_window(ym, self.long_hours)

    def after_lushan(self, ym: YM) -> bool:
        return month_index(ym) > month_index(self.lushan[1])

    def registration_on(self, ym: YM) -> bool:
        return month_index(ym) >= month_index(self.registration)

    def events(self) -> list[tuple[YM, str]]:
        """Dated markers for charts and the dashboard banner, in time order."""
        marks = [
            (self.irrigation[0][0], "Winter irrigation campaign"),
            (self.furnaces[0], "Backyard furnace campaign"),
            (self.communes[0], "People's communes"),
            (self.halls[0], "Dining halls open, free eating"),
            (self.lushan[0], "Lushan Conference"),
            (self.retreat, "Retreat (historical)"),
            (self.halls[1], "Dining halls close"),
        ]
        return sorted(marks, key=lambda m: month_index(m[0]))


HISTORICAL = Calendar()

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
