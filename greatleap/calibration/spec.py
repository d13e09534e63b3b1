"""The calibration spec: a TOML file naming what to infer, how hard, and where to write.

Example (``experiments/calibration.toml``; docs/calibration.md)::

    name = "calibration"
    output = "calibrations/baseline"
    master_seed = 1958          # candidates' and runs' seeds all derive from this number
    population = 200            # particles per generation
    generations = 8             # at most this many generations
    seeds = 3                   # model runs per particle; their mean path is compared
    distance = "mean_path"      # or "per_seed": every run's path is compared (a lucky seed cannot carry a particle)
    min_epsilon = 0.5           # stop when epsilon (in tolerances) falls to this
    min_acceptance = 0.02       # stop when a generation accepts fewer than this share
    epsilon_quantile = 0.5      # each epsilon is this quantile of the last generation's distances
    observed = "history"        # or a CSV with a year column and the four series
    infer = "all"               # every uncertainty, or a list of names
    exclude = ["steel_usable"]  # uncertainties kept at their defaults

    [fixed]                     # setup (and uncertainties not inferred), the same in every run
    materialise_peasants = false

Everything is checked before a run starts or a file is written; a problem raises
``InputError(field, problem)``, one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greatleap.errors import InputError, excerpt
from greatleap.inputs import read_toml, shown_path, spec_name, spec_output, spec_table, spec_top_keys, spec_whole
from greatleap.params import LEVER, PARAMS, UNCERTAINTY, validate

# The posterior summaries a calibration can set the defaults to (``--write-defaults``;
# greatleap.calibration.results)
STATS = ("median", "mean", "best", "robust")
# How a particle's runs meet the record (greatleap.calibration.abc.distance / per_seed_distance)
DISTANCES = ("mean_path", "per_seed")

TOP_KEYS = {"name", "output", "master_seed", "population", "generations", "seeds", "min_epsilon",
            "min_acceptance", "epsilon_quantile", "observed", "infer", "exclude", "fixed", "max_simulations",
            "distance"}


@dataclass(frozen=True)
class CalibrationSpec:
    name: str
    output: Path
    master_seed: int
    population: int
    generations: int
    seeds: int
    min_epsilon: float
    min_acceptance: float
    epsilon_quantile: float
    observed: str  # "history" or a CSV path
    infer: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    max_simulations: int = 0  # 0: no limit
    distance: str = "mean_path"  # one of DISTANCES

    def fingerprint(self) -> dict[str, Any]:
        """What decides the posterior (not where it is written, nor when to stop): a resumed
        calibration must match it."""
        # the distance only when it is not the mean path's, so that a calibration begun before the
        # choice existed still resumes
        rule = {} if self.distance == "mean_path" else {"distance": self.distance}
        return {"master_seed": self.master_seed, "population": self.population, "seeds": self.seeds,
                "epsilon_quantile": self.epsilon_quantile, "observed": self.observed,
                "infer": list(self.infer), "fixed": self.fixed, **rule}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "output": str(self.output), "generations": self.generations,
                "min_epsilon": self.min_epsilon, "min_acceptance": self.min_acceptance,
                "max_simulations": self.max_simulations, **self.fingerprint()}


def load_calibration_spec(path, output=None) -> CalibrationSpec:
    raw = read_toml(path, "spec", "calibration spec")
    if output is not None:
        raw["output"] = str(output)
    return parse_calibration_spec(raw, default_name=Path(path).stem)


def _whole(raw, key, default, low, high) -> int:
    return spec_whole(raw.get(key, default), key, low, high)


def _number(raw, key, default, low, high) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise InputError(key, f"got {excerpt(value)}; allowed: a number in [{low:g}, {high:g}]")
    return float(value)


def parse_calibration_spec(raw: dict[str, Any], default_name: str = "calibration") -> CalibrationSpec:
    spec_top_keys(raw, TOP_KEYS, "calibration spec")
    name = spec_name(raw, default_name)
    output = spec_output(raw, "the calibration")
    observed = raw.get("observed", "history")
    if not isinstance(observed, str) or not observed:
        raise InputError("observed", "allowed: \"history\" or the path of a CSV with a year column and "
                                     "output_index, report_ratio, procurement_share, cdr_registered")
    if observed != "history" and not Path(observed).is_file():
        raise InputError("observed", f"{shown_path(observed)} is not a file; allowed: \"history\" or a CSV path")
    uncertain = [p.name for p in PARAMS.values() if p.kind == UNCERTAINTY]
    infer = raw.get("infer", "all")
    if infer == "all":
        infer = list(uncertain)
    elif not isinstance(infer, list) or not infer or not all(isinstance(n, str) for n in infer):
        raise InputError("infer", "allowed: \"all\" or a non-empty list of uncertainty names")
    exclude = raw.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(n, str) for n in exclude):
        raise InputError("exclude", "allowed: a list of uncertainty names")
    for where, names in (("infer", infer), ("exclude", exclude)):
        for n in names:
            if n not in PARAMS:
                raise InputError(where, f"unknown parameter {excerpt(n)}; see `greatleap params --kind uncertainty`")
            if PARAMS[n].kind != UNCERTAINTY:
                raise InputError(where, f"{n} is a {PARAMS[n].kind}, not an uncertainty; allowed: uncertainties "
                                        "(see `greatleap params --kind uncertainty`)")
    infer = [n for n in dict.fromkeys(infer) if n not in exclude]
    if not infer:
        raise InputError("infer", "no parameter left to infer after exclude")
    fixed = spec_table(raw.get("fixed", {}), "fixed")
    for n in fixed:
        if n in PARAMS and PARAMS[n].kind == LEVER:
            raise InputError(f"fixed.{n}", "is a lever; the calibration fits the historical baseline, whose "
                                           "levers are the defaults")
        if n in infer:
            raise InputError(f"fixed.{n}", "is also inferred; a parameter is fixed or inferred, not both")
    try:
        fixed = validate(dict(fixed))
    except InputError as exc:
        raise InputError(f"fixed.{exc.field}", exc.problem) from None
    return CalibrationSpec(
        name=name, output=output, master_seed=_whole(raw, "master_seed", 0, 0, 2**63 - 1),
        population=_whole(raw, "population", 100, 2, 100_000), generations=_whole(raw, "generations", 6, 1, 1000),
        seeds=_whole(raw, "seeds", 3, 1, 100), min_epsilon=_number(raw, "min_epsilon", 0.0, 0.0, 1e9),
        min_acceptance=_number(raw, "min_acceptance", 0.0, 0.0, 1.0),
        epsilon_quantile=_number(raw, "epsilon_quantile", 0.5, 0.01, 1.0), observed=observed,
        infer=tuple(infer), fixed=fixed, max_simulations=_whole(raw, "max_simulations", 0, 0, 10**9),
        distance=_choice(raw, "distance", "mean_path", DISTANCES))


def _choice(raw, key, default, allowed) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise InputError(key, f"got {excerpt(value)}; allowed: " + ", ".join(f'"{a}"' for a in allowed))
    return value
