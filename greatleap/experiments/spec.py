"""The sweep spec: a TOML file naming scenarios, parameters to vary, seeds, outcomes and output.

Example (see ``experiments/example.toml`` and ``docs/experiments.md``)::

    name = "example"
    scenarios = ["baseline", "honest_reporting"]
    seeds = 3                    # replicates per design point
    master_seed = 1958           # every run's seed is derived from this one number
    output = "sweeps/example"
    outcomes = ["excess_deaths", "peak_cdr"]     # summary outcomes kept (default: all)
    series = ["population", "deaths", "cdr"]     # monthly columns kept (default: all)

    [fixed]                      # the same in every run
    n_communes = 4

    [vary]                       # full grid: the Cartesian product of these
    procurement_share = [0.2, 0.3]
    markup_career = { low = 0.0, high = 0.5, steps = 3 }

    [sample]                     # sampled points: lhs, or morris / sobol for sensitivity analysis
    method = "lhs"
    n = 20
    params = { markup_target = { low = 0.2, high = 1.0 }, weather_scale = {} }  # {} = full range

Everything is checked here, against ``greatleap.params`` (names, kinds, ranges), before a single
run starts or a single file is written; a problem raises ``InputError(field, problem)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from greatleap.errors import InputError, excerpt
from greatleap.inputs import read_toml, spec_name, spec_output, spec_table, spec_top_keys, spec_whole
from greatleap.params import LEVER, PARAMS, SCENARIOS, UNCERTAINTY, scenario

SAMPLE_METHODS = ("lhs", "morris", "sobol")
TOP_KEYS = {"name", "scenarios", "seeds", "master_seed", "output", "outcomes", "series",
            "fixed", "vary", "sample"}
MAX_RUNS = 1_000_000


@dataclass(frozen=True)
class Spec:
    name: str
    scenarios: tuple[str, ...]
    seeds: int
    master_seed: int
    output: Path
    outcomes: tuple[str, ...] | None  # None: keep every summary outcome run_one returns
    series: tuple[str, ...] | None  # None: keep every monthly column
    fixed: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list] = field(default_factory=dict)  # name -> values, crossed
    sample_method: str | None = None
    sample_n: int = 0
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)  # sampled names -> (low, high)

    @property
    def varied(self) -> list[str]:
        return list(self.grid) + list(self.bounds)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form, stored in the manifest so a sweep folder documents itself."""
        return {"name": self.name, "scenarios": list(self.scenarios), "seeds": self.seeds,
                "master_seed": self.master_seed, "output": str(self.output),
                "outcomes": None if self.outcomes is None else list(self.outcomes),
                "series": None if self.series is None else list(self.series),
                "fixed": self.fixed, "grid": self.grid, "sample_method": self.sample_method,
                "sample_n": self.sample_n, "bounds": {k: list(v) for k, v in self.bounds.items()}}


def load_spec(path: str | Path, output: str | Path | None = None) -> Spec:
    """Read and validate a spec file; ``output`` (e.g. from ``--out``) replaces its output.
    The file is read with ``inputs.read_toml``'s limits (a regular file of at most 1 MB, UTF-8 with
    or without a byte-order mark, nested at most 10 deep)."""
    path = Path(path) if str(path) else path
    raw = read_toml(path, "spec", "spec file")
    if output is not None:
        raw["output"] = str(output)
    return parse_spec(raw, default_name=path.stem)


def parse_spec(raw: dict[str, Any], default_name: str = "sweep") -> Spec:
    spec_top_keys(raw, TOP_KEYS, "spec")
    name = spec_name(raw, default_name)
    scenarios = _scenarios(raw.get("scenarios", ["baseline"]))
    seeds = spec_whole(raw.get("seeds", 1), "seeds", 1, 100_000)
    master_seed = spec_whole(raw.get("master_seed", 0), "master_seed", 0, 2**63 - 1)
    output = spec_output(raw, "the sweep")
    outcomes = _names(raw.get("outcomes"), "outcomes", _known_outcomes())
    series = _names(raw.get("series"), "series", _known_series())
    fixed = _fixed(spec_table(raw.get("fixed", {}), "fixed"))
    grid = {name: _grid_values(name, spec) for name, spec in spec_table(raw.get("vary", {}), "vary").items()}
    method, n, bounds = _sample(spec_table(raw.get("sample", {}), "sample"))
    for varied in grid:
        if varied in fixed:
            raise InputError(f"vary.{varied}", "also set in [fixed]; a parameter is fixed or varied, not both")
    for sampled in bounds:
        if sampled in fixed or sampled in grid:
            raise InputError(f"sample.params.{sampled}", "also set in [fixed] or [vary]")
    if method in ("morris", "sobol") and grid:
        raise InputError("vary", f"cannot be combined with sample.method = {method!r} (the indices need the sampler's design alone)")
    n_grid = math.prod(len(v) for v in grid.values())  # Python ints: no overflow
    n_points = n_grid * {None: 1, "lhs": n, "morris": n * (len(bounds) + 1),
                         "sobol": n * (len(bounds) + 2)}[method]
    if n_points * len(scenarios) * seeds > MAX_RUNS:
        raise InputError("vary", f"the design has {n_points * len(scenarios) * seeds:,} runs; the limit is {MAX_RUNS:,}")
    return Spec(name, scenarios, seeds, master_seed, output, outcomes, series,
                fixed, grid, method, n, bounds)


def _scenarios(value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise InputError("scenarios", "must be a scenario name or a non-empty list of them")
    for v in values:
        if not isinstance(v, str):
            raise InputError("scenarios", f"got {excerpt(v)}; allowed: {', '.join(SCENARIOS)}")
        scenario(v)  # raises InputError("scenario", ...) naming the allowed presets
    if len(set(values)) != len(values):
        raise InputError("scenarios", "lists a scenario twice")
    return tuple(values)


def _known_outcomes() -> set[str] | None:
    """Summary outcome names from the reporters, or None while that module is not there."""
    try:
        from greatleap.reporters import SUMMARY_OUTCOMES
    except ImportError:
        return None
    return set(SUMMARY_OUTCOMES)


def _known_series() -> set[str] | None:
    try:
        from greatleap.reporters import MONTHLY
    except ImportError:
        return None
    return set(MONTHLY)


def _names(value: Any, field_name: str, known: set[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InputError(field_name, "must be a non-empty list of names")
    for v in value:
        if known is not None and v not in known:
            raise InputError(field_name, f"unknown name {excerpt(v)}; allowed: {', '.join(sorted(known))}")
    return tuple(dict.fromkeys(value))


def _param(name: str, field_name: str):
    if name not in PARAMS:
        raise InputError(field_name, "unknown parameter; see `greatleap params` for the list")
    return PARAMS[name]


def _fixed(table: dict) -> dict[str, Any]:
    return {name: _param(name, f"fixed.{name}").check(value) for name, value in table.items()}


def _grid_values(name: str, spec: Any) -> list:
    """A list of values, or ``{low, high, steps}`` for evenly spaced values, ends included."""
    where = f"vary.{name}"
    p = _param(name, where)
    if isinstance(spec, list):
        if not spec:
            raise InputError(where, "empty list of values")
        values = [p.check(v) for v in spec]
    elif isinstance(spec, dict):
        if p.type in (bool, str):
            raise InputError(where, f"a range needs a numeric parameter; give a list, e.g. {list(p.choices) or [True, False]}")
        if set(spec) != {"low", "high", "steps"}:
            raise InputError(where, "a range is { low = ..., high = ..., steps = N }")
        steps = spec_whole(spec["steps"], f"{where}.steps", 1, 10_000)
        low, high = p.check(spec["low"]), p.check(spec["high"])
        raw = np.linspace(low, high, steps)
        values = [p.check(int(round(v)) if p.type is int else float(v)) for v in raw]
        if len(set(values)) != len(values):
            raise InputError(where, f"low {low!r} and high {high!r} are too close for {steps} different values")
    else:
        raise InputError(where, "give a list of values or { low, high, steps }")
    if len(set(values)) != len(values):
        raise InputError(where, f"repeats a value: {excerpt(next(v for i, v in enumerate(values) if v in values[:i]))}")
    return values


def _sample(table: dict) -> tuple[str | None, int, dict[str, tuple[float, float]]]:
    if not table:
        return None, 0, {}
    unknown = sorted(set(table) - {"method", "n", "params"})
    if unknown:
        raise InputError(f"sample.{unknown[0]}", "unknown key; allowed: method, n, params")
    method = table.get("method", "lhs")
    if method not in SAMPLE_METHODS:
        raise InputError("sample.method", f"got {excerpt(method)}; allowed: {', '.join(SAMPLE_METHODS)}")
    n = spec_whole(table.get("n"), "sample.n", 2 if method == "sobol" else 1, 1_000_000)
    if method == "sobol" and n & (n - 1):
        raise InputError("sample.n", f"got {n}; Sobol sampling needs a power of two (e.g. {1 << n.bit_length()})")
    params = table.get("params")
    if params is None:  # every numeric uncertainty and lever, over its full range
        params = {p.name: {} for p in PARAMS.values()
                  if p.kind in (UNCERTAINTY, LEVER) and p.type in (int, float)}
    elif isinstance(params, list):
        params = {name: {} for name in params}
    elif not isinstance(params, dict):
        raise InputError("sample.params", "give a list of names or a table of { low, high }")
    if not params:
        raise InputError("sample.params", "names no parameter")
    bounds = {}
    for name, rng in params.items():
        where = f"sample.params.{name}"
        p = _param(name, where)
        if p.type not in (int, float):
            raise InputError(where, "only numeric parameters can be sampled; compare switches and rules as scenarios or in [vary]")
        if not isinstance(rng, dict) or set(rng) - {"low", "high"}:
            raise InputError(where, "give {} for the full range or { low = ..., high = ... }")
        low, high = p.check(rng.get("low", p.low)), p.check(rng.get("high", p.high))
        if not low < high:
            raise InputError(where, f"low ({low}) must be below high ({high})")
        bounds[name] = (float(low), float(high))
    if method in ("morris", "sobol") and len(bounds) < 2:
        raise InputError("sample.params", f"{method} needs at least two parameters")
    return method, n, bounds
