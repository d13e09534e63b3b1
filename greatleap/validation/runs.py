"""Run the scenarios the checks need over N seeds, and keep only what the checks read.

A run is ``run_one(resolve(scenario, **size), seed)`` with seeds 1..N for every scenario (common
random numbers: counterfactuals are compared seed by seed). Runs go through the experiments'
``LocalEngine`` (worker processes) or, with one worker, in this process; a run's result depends
only on its params and seed, so the engine never changes a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import pandas as pd

from greatleap.errors import InputError, excerpt
from greatleap.inputs import MAX_SEEDS
from greatleap.params import PARAMS, LEVER, SCENARIOS, resolve

# Named model sizes: the full default world, and the reduced one of the regression tests.
SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "small": {"n_communes": 9, "commune_side": 8},
}
# Runs the checks compare: a preset name, or (preset, extra overrides) for a variant the presets
# do not have (fact 6: zero exports without early aid).
RUNS: dict[str, tuple[str, dict[str, Any]]] = {name: (name, {}) for name in (
    "baseline", "honest_reporting", "flexible_quotas", "no_lushan_purge", "no_exports_accept_aid",
    "no_dining_halls", "exit_right_kept", "weather_only", "policy_only", "no_labour_diversion",
    "normal_procurement", "no_diversion_normal_procurement", "equal_retention", "lax_registration",
    "strict_registration", "no_kin_transfers")}
RUNS["no_exports"] = ("baseline", {"exports": False})

# Monthly series the checks read (the rest of the monthly table is dropped).
MONTHLY_KEEP = ("year", "month", "population", "rural_population", "deaths", "cdr", "cdr_registered", "central_stock_kg",
                "urban_population", "commune_stock_kg", "household_stock_kg", "hidden_grain_kg",
                "hall_eaten_kg", "halls_open", "retreat", "labour_fields", "kcal_mean", "fled")


@dataclass
class RunSet:
    """Per run name, the seeds' results in seed order: annual, communes, monthly, summary."""

    seeds: int
    size: str
    overrides: dict[str, Any]
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def annual(self, name: str, column: str) -> pd.DataFrame:
        """One annual column: rows are years, columns seeds."""
        return pd.concat([r["annual"].set_index("year")[column].rename(i)
                          for i, r in enumerate(self.results[name])], axis=1)

    def summary(self, name: str, key: str) -> pd.Series:
        return pd.Series([r["summary"][key] for r in self.results[name]], dtype=float)

    def communes(self, name: str) -> pd.DataFrame:
        return pd.concat([r["communes"].assign(seed=i) for i, r in enumerate(self.results[name])],
                         ignore_index=True)

    def monthly(self, name: str, seed_index: int) -> pd.DataFrame:
        return self.results[name][seed_index]["monthly"]

    def replaced(self, mapping: dict[str, str]) -> "RunSet":
        """A copy in which run ``k`` shows the results of run ``v`` (tests: can a check fail?)."""
        results = {k: self.results[mapping.get(k, k)] for k in self.results}
        return RunSet(self.seeds, self.size, self.overrides, results)


def check_options(seeds: int, size: str, overrides: dict[str, Any]) -> None:
    if isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= MAX_SEEDS:
        raise InputError("seeds", f"got {excerpt(seeds)}; allowed: a whole number in [1, {MAX_SEEDS}]")
    if size not in SIZES:
        raise InputError("size", f"got {excerpt(size)}; allowed: one of {', '.join(SIZES)}")
    for name in overrides:
        if name in PARAMS and PARAMS[name].kind == LEVER:
            raise InputError(name, "is a lever the counterfactuals change; --set takes setup and "
                                   "uncertainty parameters only")


def params_for(run: str, size: str, overrides: dict[str, Any]) -> dict[str, Any]:
    preset, extra = RUNS[run]
    return resolve(preset, **{**SIZES[size], **overrides, **extra})


def measure(task: dict[str, Any]) -> dict[str, Any]:
    """One run, reduced to the tables the checks read (module level: picklable for workers)."""
    from greatleap.runner import run_one

    out = run_one(task["params"], task["seed"])
    return {"run": task["run"], "seed": task["seed"], "annual": out["annual"],
            "communes": out["communes"], "monthly": out["monthly"][list(MONTHLY_KEEP)].copy(),
            "summary": dict(out["summary"])}


def run_all(seeds: int = 20, size: str = "default", overrides: dict[str, Any] | None = None,
            runs: Iterable[str] | None = None, workers: int | None = None,
            progress: bool = False) -> RunSet:
    """Every run name x seeds 1..N; in ``workers`` processes (default: all cores)."""
    overrides = dict(overrides or {})
    check_options(seeds, size, overrides)
    names = list(runs or RUNS)
    params = {name: params_for(name, size, overrides) for name in names}  # every run's checked first
    pairs = [(name, seed) for name in names for seed in range(1, seeds + 1)]
    tasks = ({"run_id": k, "run": name, "seed": seed, "params": params[name]}
             for k, (name, seed) in enumerate(pairs))  # lazy: one task dict at a time
    records: dict[int, dict] = {}
    bar = _bar(len(pairs), progress)
    if workers == 1:
        for task in tasks:
            records[task["run_id"]] = measure(task)
            bar.update()
    else:
        from greatleap.experiments.engines import LocalEngine

        for task, record in LocalEngine(workers).run(measure, tasks):
            if "annual" not in record:  # the engine's record of a worker that died
                raise RuntimeError(f"run {task['run']} seed {task['seed']} failed: {record.get('error')}")
            records[task["run_id"]] = record
            bar.update()
    bar.close()
    out = RunSet(seeds, size, overrides)
    for k, (name, _) in enumerate(pairs):
        out.results.setdefault(name, []).append(records[k])
    return out


def _bar(total: int, progress: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="run", disable=not progress, desc="validate", mininterval=1.0)


assert set(p for p, _ in RUNS.values()) <= set(SCENARIOS)
