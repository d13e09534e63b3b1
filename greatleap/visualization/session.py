"""One browser tab's runs: the settings, the model(s) built from them, stepping and export.

Plain Python (no Solara), so the rules are easy to test: every tab owns one ``Session``; a
session holds the run with the chosen settings and, in compare mode, a second run that applies a
counterfactual preset on top of the same settings and the same seed.
"""

from __future__ import annotations

import io
import subprocess
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from greatleap.errors import InputError
from greatleap.params import PARAMS, SCENARIO_TITLES, SCENARIOS, SETUP, resolve, validate
from greatleap.visualization.world_size import DEFAULT_SIZE, UI_CAPS, opening_size  # noqa: F401 (re-exported)

# Setup values the dashboard fixes. The map is drawn from the grid's layers, not from agents, and
# a person's Peasant agent is made when someone clicks on it (FamineModel.peasant): building
# 100,000 agent objects up front took 4 s per rebuild for nothing.
FIXED = {"materialise_peasants": False}


def model_class():
    from greatleap.model import FamineModel  # imported late: the model module is heavy

    return FamineModel


@dataclass
class Run:
    """A model and what it was built from; `label` names it on charts, grids and in the CSV."""

    scenario: str
    label: str
    params: dict[str, Any]
    seed: int
    model: Any = None

    def build(self) -> "Run":
        self.model = model_class()(rng=self.seed, **self.params)
        return self


def moved_from_preset(values: dict[str, Any], scenario: str) -> dict[str, Any]:
    """The settings a user (or a lesson) moved away from the scenario's preset, world size included."""
    preset = scenario_values(scenario)
    return {k: v for k, v in values.items() if preset.get(k) != v or PARAMS[k].kind == SETUP}


def counterfactual_params(values: dict[str, Any], compare: str, scenario: str = "baseline") -> dict[str, Any]:
    """The comparison run's settings: its own preset in full, with the world size and whatever was
    moved away from the current scenario's preset on top, except what the comparison's preset
    sets itself. Never the current scenario's preset (Scenario "honest" compared with the
    baseline must compare with the baseline, not with a second honest run)."""
    moved = {k: v for k, v in moved_from_preset(values, scenario).items() if k not in SCENARIOS[compare]}
    return validate({**scenario_values(compare), **moved})


@dataclass
class Session:
    scenario: str = "baseline"
    seed: int = 1
    compare: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    build_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # see app.Page.rebuild
    drawn: int = -1  # the last month counter the page has drawn (see app.wait_until_drawn)
    play_generation: int = 0  # which Play loop may step (see app.Page.play_loop)
    closed: bool = False
    ensemble: Any = None  # the last "Run N seeds" result for these runs (see run_ensemble)

    def __post_init__(self):
        if not self.values:
            self.values = {**scenario_values(self.scenario), **opening_size()}
        self.rebuild()

    # ---- building -----------------------------------------------------------------------
    def rebuild(self, values: dict | None = None, seed: int | None = None,
                scenario: str | None = None, compare: str | None | bool = False) -> None:
        """Start again at month 0 from the given (or current) settings; same seed for every run."""
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise InputError("seed", f"got {seed!r}; allowed: a whole number >= 0")
        checked = validate({**values, **FIXED}) if values is not None else None
        for key, cap in UI_CAPS.items():
            if checked is not None and checked.get(key, 0) > cap:
                raise InputError(key, f"got {checked[key]}; allowed: at most {cap} in the dashboard "
                                      "(`greatleap run` allows larger worlds)")
        values = checked if checked is not None else self.values
        seed = self.seed if seed is None else seed
        scenario = self.scenario if scenario is None else scenario
        compare = self.compare if compare is False else compare
        runs = [Run(scenario, self.label(values, scenario), dict(values), seed)]
        if compare:
            runs.append(Run(compare, SCENARIO_TITLES[compare], counterfactual_params(values, compare, scenario), seed))
            if runs[0].label == runs[1].label:
                runs[0].label = "Current settings"
        built = [r.build() for r in runs]  # the slow part, outside the lock: the page keeps drawing
        with self.lock:
            if self.closed:  # the tab went away while we built: keep nothing
                for model in built:
                    forget(model.model)
                return
            self.values, self.seed, self.scenario, self.compare = values, seed, scenario, compare
            old, self.runs = self.runs, built
            self.ensemble = None  # it described the old settings
            for run in old:
                forget(run.model)

    def label(self, values: dict | None = None, scenario: str | None = None) -> str:
        """The preset's title, flagged when levers or assumptions were moved away from it, so that
        charts and the CSV never pass a modified run off as the preset."""
        values = self.values if values is None else values
        scenario = self.scenario if scenario is None else scenario
        preset = scenario_values(scenario)
        moved = [k for k, v in values.items() if PARAMS[k].kind != SETUP and preset.get(k) != v]
        return SCENARIO_TITLES[scenario] + (" (settings changed)" if moved else "")

    def close(self) -> None:
        """Release the models when the tab goes away: drop them here and from Mesa's registry
        (see `forget`); whatever may still hold this session (a closing widget's callback, the
        Play thread finishing its month) then holds no model."""
        with self.lock:
            self.closed = True
            for run in self.runs:
                forget(run.model)
            self.runs = []

    # ---- running ------------------------------------------------------------------------
    @property
    def model(self):
        return self.runs[0].model

    @property
    def running(self) -> bool:
        return any(r.model.running for r in self.runs)  # False once closed: Play stops

    @property
    def total_steps(self) -> int:
        v = self.values
        return (v["end_year"] - v["start_year"] + 1) * 12

    def step(self) -> None:
        """Advance every run by one month (runs that have ended stay where they are)."""
        with self.lock:
            for run in self.runs:
                if run.model.running:
                    run.model.step()

    # ---- ensemble -----------------------------------------------------------------------
    def run_ensemble(self, n_seeds: int, engine=None, progress=None) -> "Ensemble":
        """Every run's settings over seeds 1..n_seeds, whole runs, through the sweep engine
        (worker processes; the page's own run goes on meanwhile). `progress(done, total)` is
        called as runs finish. The result is kept until the next rebuild."""
        import functools

        from greatleap.experiments.engines import LocalEngine, execute_run
        from greatleap.runner import run_one

        if isinstance(n_seeds, bool) or not isinstance(n_seeds, int) or not 2 <= n_seeds <= ENSEMBLE_MAX:
            raise InputError("seeds", f"got {n_seeds!r}; allowed: a whole number from 2 to {ENSEMBLE_MAX}")
        with self.lock:
            runs = list(self.runs)
        seeds = list(range(1, n_seeds + 1))
        tasks = [{"run_id": r * n_seeds + k, "params": dict(run.params), "seed": seed, "series": None}
                 for r, run in enumerate(runs) for k, seed in enumerate(seeds)]
        engine = engine or LocalEngine(workers=2)
        frames: dict[int, Any] = {}
        try:
            for task, record in engine.run(functools.partial(execute_run, run_one), tasks):
                if record["status"] != "ok":
                    raise RuntimeError(f"ensemble run {task['run_id']} failed: {record['error']}")
                frames[task["run_id"]] = record["monthly"]
                if progress is not None:
                    progress(len(frames), len(tasks))
        finally:
            engine.close()
        result = Ensemble(seeds, [[frames[r * n_seeds + k] for k in range(n_seeds)] for r in range(len(runs))])
        with self.lock:
            if [id(r) for r in self.runs] == [id(r) for r in runs]:  # not rebuilt meanwhile
                self.ensemble = result
        return result

    # ---- export -------------------------------------------------------------------------
    def monthly_frame(self) -> pd.DataFrame:
        """Every run's monthly series, stacked, with the run's name and seed in front."""
        with self.lock:
            frames = []
            for run in self.runs:
                df = run.model.monthly_frame().copy()
                df.insert(0, "seed", run.seed)
                df.insert(0, "run", run.label)
                frames.append(df)
        return pd.concat(frames, ignore_index=True)

    def csv_bytes(self) -> bytes:
        """The monthly series, after '#' header rows that make the file stand alone: the code
        version, and per run every parameter value and the `greatleap run` command that
        reproduces it (read it back with pandas.read_csv(..., comment="#"))."""
        buf = io.StringIO()
        buf.write(f"# greatleap {code_version()}; monthly series of the dashboard's run(s)\n")
        with self.lock:
            runs = list(self.runs)
        for run in runs:
            buf.write(f"# run {run.label!r}: {reproduce_command(run)}\n")
            buf.write(f"# parameters of {run.label!r}: "
                      + ", ".join(f"{k}={v}" for k, v in run.model.p.items()) + "\n")
        self.monthly_frame().to_csv(buf, index=False)
        return buf.getvalue().encode()


def reproduce_command(run: Run) -> str:
    """The CLI call that runs the same model: the preset, the seed, and every value that differs
    from the preset (`greatleap run` builds peasants as objects too, so the run is the same)."""
    preset = resolve(run.scenario)
    moved = [f"--set {k}={v}" for k, v in run.model.p.items() if k in preset and preset[k] != v]
    return " ".join(["greatleap run", f"--scenario {run.scenario}", f"--seed {run.seed}", *moved])


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version and, in a git checkout, the commit (flagged if files were changed)."""
    from greatleap import __version__

    here = Path(__file__).parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=here, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=here, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    return __version__ + (f" (commit {commit}{', with local changes' if dirty else ''})" if commit else "")


ENSEMBLE_MAX = 50


@dataclass
class Ensemble:
    """Monthly tables of each run's settings over several seeds: `frames[run][k]` is seed `seeds[k]`."""

    seeds: list[int]
    frames: list[list[pd.DataFrame]]


def forget(model) -> None:
    """Drop Mesa 3.3.1's class-level reference to a model (`Agent._ids` is keyed by model, so
    without this every model a classroom builds stays in memory until the server stops)."""
    from mesa import Agent

    Agent._ids.pop(model, None)


def scenario_values(name: str) -> dict[str, Any]:
    """A preset's full settings, with the dashboard's size caps applied."""
    values = resolve(name, **FIXED)
    for key, cap in UI_CAPS.items():
        values[key] = min(values[key], cap)
    return values


def control_params(kind: str) -> list:
    """Parameters shown as controls for one kind (lever, uncertainty), in declaration order."""
    return [p for p in PARAMS.values() if p.kind == kind and p.name not in FIXED]
