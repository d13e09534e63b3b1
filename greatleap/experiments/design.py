"""The design of a sweep: one row per run, every seed derived from the spec's master seed.

Runs are numbered scenario by scenario, point by point, replicate by replicate. Replicate k has
the same seed in every scenario and at every design point (common random numbers), so the
difference between two scenarios is not noise from different seeds. All randomness (the seeds and
the Latin hypercube / Morris / Sobol samples) comes from ``SeedSequence(master_seed)``, so the same
spec regenerates the same design, bit for bit, on any machine.
"""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import numpy as np
import pandas as pd

from greatleap.params import PARAMS, resolve
from greatleap.experiments.spec import Spec

KEY_COLUMNS = ["run_id", "scenario", "point", "replicate", "seed"]
# Sweeps run headless: no Peasant objects for a dashboard to show (same results, a third less CPU
# per run). A spec can still set materialise_peasants in [fixed].
HEADLESS = {"materialise_peasants": False}


def seeds_and_sampler_seed(spec: Spec) -> tuple[list[int], int]:
    """One seed per replicate and one for the sampler, spawned from the master seed."""
    sampler_ss, seed_ss = np.random.SeedSequence(spec.master_seed).spawn(2)
    replicate_seeds = [int(child.generate_state(1)[0]) for child in seed_ss.spawn(spec.seeds)]
    return replicate_seeds, int(sampler_ss.generate_state(1)[0])


def salib_problem(spec: Spec) -> dict[str, Any]:
    names = list(spec.bounds)
    return {"num_vars": len(names), "names": names, "bounds": [list(spec.bounds[n]) for n in names]}


def sampled_points(spec: Spec, sampler_seed: int) -> list[dict[str, Any]]:
    """Points of the [sample] section, in the sampler's order (the order SALib analyses)."""
    if spec.sample_method is None:
        return [{}]
    problem = salib_problem(spec)
    if spec.sample_method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=problem["num_vars"], rng=np.random.default_rng(sampler_seed)).random(spec.sample_n)
        lows, highs = np.array(problem["bounds"]).T
        matrix = lows + unit * (highs - lows)
    elif spec.sample_method == "morris":
        from SALib.sample import morris

        matrix = morris.sample(problem, spec.sample_n, num_levels=4, seed=sampler_seed)
    else:
        from SALib.sample import sobol

        matrix = sobol.sample(problem, spec.sample_n, calc_second_order=False, seed=sampler_seed)
    points = []
    for row in matrix:
        points.append({name: (int(round(v)) if PARAMS[name].type is int else float(v))
                       for name, v in zip(problem["names"], row)})
    return points


def build_design(spec: Spec) -> pd.DataFrame:
    """Every run of the sweep; each run's full parameter set is validated here, before any run."""
    replicate_seeds, sampler_seed = seeds_and_sampler_seed(spec)
    grid_points = [dict(zip(spec.grid, combo)) for combo in itertools.product(*spec.grid.values())]
    points = [{**g, **s} for g in grid_points for s in sampled_points(spec, sampler_seed)]
    rows = []
    for scenario in spec.scenarios:
        for point_id, point in enumerate(points):
            resolve(scenario, **{**HEADLESS, **spec.fixed, **point})  # InputError for a bad combination
            for replicate, seed in enumerate(replicate_seeds):
                rows.append({"scenario": scenario, "point": point_id, "replicate": replicate,
                             "seed": seed, **point})
    design = pd.DataFrame(rows)
    design.insert(0, "run_id", np.arange(len(design), dtype="int64"))
    for col in ("point", "replicate"):
        design[col] = design[col].astype("int64")
    design["seed"] = design["seed"].astype("int64")
    return design


def run_params(spec: Spec, row: dict[str, Any]) -> dict[str, Any]:
    """The full parameter dict of one run: defaults, scenario preset, fixed, then varied values."""
    point = {name: _plain(row[name]) for name in spec.varied}
    return resolve(row["scenario"], **{**HEADLESS, **spec.fixed, **point})


def sweep_fingerprint(spec: Spec, design: pd.DataFrame) -> str:
    """Hash of everything that decides the stored results: the runs, the base parameters of each
    scenario (defaults + preset + [fixed]) and the kept outcomes and series. Resuming is refused
    when it changed, so a store never mixes two different sweeps (or two versions of the defaults)."""
    import json

    base = {scenario: resolve(scenario, **{**HEADLESS, **spec.fixed}) for scenario in spec.scenarios}
    kept = {"outcomes": spec.outcomes, "series": spec.series}
    text = design.to_csv(index=False, float_format="%.17g") + json.dumps([base, kept], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """numpy scalars from a DataFrame row back to Python ones, so Param.check accepts them."""
    return value.item() if isinstance(value, np.generic) else value
