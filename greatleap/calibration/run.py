"""Drive ABC-SMC one generation at a time, resumable from its SQLite history.

The history (``OUT/history.db``, pyabc's) commits each finished generation in one transaction, so
a calibration killed at any moment (SIGKILL included) restarts at the generation it was in: the
same command finds the history, checks that ``OUT/spec.json`` describes the same calibration, and
goes on. Each generation is one ``ABCSMC.run(max_nr_populations=1)``, so a resumed calibration and
an uninterrupted one take the same path (both refit the transition from the stored population).
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Callable

import numpy as np
import pyabc

from greatleap import atomic
from greatleap.calibration.abc import (Simulator, distance, make_sampler, observed_cells, per_seed_distance,
                                       pyabc_prior)
from greatleap.calibration.spec import CalibrationSpec
from greatleap.errors import InputError

DB_NAME, SPEC_NAME = "history.db", "spec.json"
COLLAPSED_ESS = 0.05  # an effective sample size below this share of the population is a collapse


def db_url(folder: Path) -> str:
    return "sqlite:///" + str((folder / DB_NAME).resolve())


def stored_generations(folder: Path) -> int:
    """How many finished generations ``folder``'s history holds (0: none, or no history).

    Read with a read-only connection, never through ``pyabc.History``: opening one creates every
    missing table, a write that races another process creating the same history (a watcher
    polling a running calibration, as the kill test does)."""
    db = folder / DB_NAME
    if not db.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)) as con:
            (max_t,) = con.execute("SELECT MAX(t) FROM populations WHERE abc_smc_id = 1").fetchone()
    except sqlite3.Error:  # a history killed before its first commit, or its schema still being made
        return 0
    return int(max_t) + 1 if max_t is not None and max_t >= 0 else 0


def check_folder(spec: CalibrationSpec) -> bool:
    """True if ``spec.output`` holds a history of this calibration to resume; refuse another's."""
    folder = spec.output
    spec_file = folder / SPEC_NAME
    if not spec_file.exists():
        if (folder / DB_NAME).exists():
            raise InputError("output", f"{folder} holds a history without its {SPEC_NAME}; allowed: a new folder "
                                       "or one this command wrote")
        return False
    stored = json.loads(spec_file.read_text())
    if stored.get("fingerprint") != json.loads(json.dumps(spec.fingerprint())):
        raise InputError("output", f"{folder} holds a calibration of another spec (seed, population, seeds, "
                                   "observed, inferred or fixed parameters differ); allowed: a new folder")
    return stored_generations(folder) > 0


def run_calibration(spec: CalibrationSpec, engine, echo: Callable[[str], None] = print) -> pyabc.History:
    logging.getLogger("ABC").setLevel(logging.WARNING)
    folder = spec.output
    resume = check_folder(spec)
    folder.mkdir(parents=True, exist_ok=True)
    if not resume:
        (folder / DB_NAME).unlink(missing_ok=True)
        atomic.write_text(folder / SPEC_NAME, json.dumps({"spec": spec.to_dict(),
                                                          "fingerprint": spec.fingerprint()}, indent=1) + "\n")
    if not resume:
        _abc(spec, engine, first=True).new(db_url(folder), observed_cells(spec.observed))
    done = stored_generations(folder)
    if resume:
        echo(f"resuming {spec.name}: {done} generation(s) in {folder / DB_NAME}")
    start, times = time.perf_counter(), []
    history = pyabc.History(db_url(folder), _id=1)
    while done < spec.generations and not _stop(history, spec):
        t0 = time.perf_counter()
        # a fresh ABCSMC loaded from the history for every generation: the path a resumed
        # calibration takes, so that a kill changes nothing but the time taken
        abc = _abc(spec, engine, first=done == 0)
        abc.load(db_url(folder), 1)
        abc.run(max_nr_populations=1)
        times.append(time.perf_counter() - t0)
        done = stored_generations(folder)
        history = abc.history
        ess = effective_sample_size(history, done - 1)
        echo(progress_line(history, spec, time.perf_counter() - start, times, ess))
        if ess < COLLAPSED_ESS * spec.population:
            echo(f"warning: the weights have collapsed onto {ess:.1f} effective particles of {spec.population}; "
                 f"the next transition is fitted to almost none (infer fewer parameters: "
                 f"scripts/screen_calibration.py)")
    return history


def _abc(spec: CalibrationSpec, engine, first: bool) -> pyabc.ABCSMC:
    """Generation 1 takes every prior draw (epsilon infinite: no calibration sample is spent); each
    later epsilon is the spec's quantile of the stored generation's distances."""
    np.random.seed(spec.master_seed % 2**32)  # the driver draws nothing, but pyabc may: fixed
    per_seed = spec.distance == "per_seed"
    return pyabc.ABCSMC(Simulator(spec.fixed, spec.seeds, per_seed), pyabc_prior(list(spec.infer)),
                        per_seed_distance if per_seed else distance,
                        population_size=spec.population, transitions=product_kernel(spec.infer),
                        sampler=make_sampler(engine, spec.master_seed),
                        eps=pyabc.QuantileEpsilon(initial_epsilon=math.inf if first else "from_sample",
                                                  alpha=spec.epsilon_quantile))


def product_kernel(names) -> pyabc.AggregatedTransition:
    """Each parameter perturbed by its own one-dimensional kernel density (Silverman's bandwidth),
    not pyabc's default joint multivariate normal. In 24 dimensions a joint kernel of 300 particles
    is a set of isolated peaks, and the importance weights prior/proposal swing with the chi-square
    of each proposal's distance from its peak: the effective sample size fell to 7 of 300 in the
    second generation of the baseline's calibration and to 2.5 with all 83 parameters. Drawn from
    the same first generation, the product of one-dimensional kernels keeps 178 of 300. It gives up
    the correlations between parameters in the proposal only; the weights keep the posterior exact."""
    return pyabc.AggregatedTransition(mapping={name: pyabc.MultivariateNormalTransition() for name in names})


def _stop(history: pyabc.History, spec: CalibrationSpec) -> bool:
    """A stopping rule of the spec met by the last stored generation."""
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    if pops.empty:
        return False
    last = pops.iloc[-1]
    if math.isfinite(last.epsilon) and last.epsilon <= spec.min_epsilon:
        return True
    if last.t > 0 and last.particles / max(last.samples, 1) < spec.min_acceptance:
        return True
    return bool(spec.max_simulations and pops.samples.sum() >= spec.max_simulations)


def progress_line(history: pyabc.History, spec: CalibrationSpec, elapsed: float, times: list[float],
                  ess: float) -> str:
    pops = history.get_all_populations()
    last = pops[pops.t >= 0].iloc[-1]
    t = int(last.t)
    left = spec.generations - (t + 1)
    eta = left * float(np.mean(times[-3:])) if times else math.nan
    eps = "inf" if not math.isfinite(last.epsilon) else f"{last.epsilon:.3f}"
    return (f"generation {t + 1}/{spec.generations}: {int(last.particles)} accepted of {int(last.samples)} "
            f"simulated (acceptance {last.particles / max(last.samples, 1):.1%}), epsilon {eps}, "
            f"effective sample size {ess:.0f}, "
            f"elapsed {_clock(elapsed)}, ETA {_clock(eta) if left else 'done'}")


def effective_sample_size(history: pyabc.History, t: int) -> float:
    """Kish's effective sample size of generation ``t``'s weights: far below the population, the
    importance weights have collapsed onto a few particles (the transition cannot follow)."""
    _, w = history.get_distribution(m=0, t=t)
    return float(1.0 / np.sum(np.asarray(w, float) ** 2)) if len(w) else math.nan


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}"


def folder_of(path) -> Path:
    return Path(path)
