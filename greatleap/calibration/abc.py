"""ABC-SMC on the four national series: the model as pyabc sees it, the distance, the priors, and
a seeded sampler that runs candidates on the sweep engines (local processes or Dask).

Why a sampler of our own: pyabc's multicore and Dask samplers accept particles in the order they
finish, so a posterior depends on the number of workers and on machine load. Here generation ``t``
evaluates candidates ``0, 1, 2, ...`` in batches whose size depends only on what was accepted so
far; candidate ``i`` seeds numpy from ``(master_seed, t, i)`` before it draws its parameters and
its model seeds, and the first ``n`` accepted in candidate order make the population. The same
seed therefore gives the same posterior on one worker, two, or a cluster.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyabc
from scipy.special import expit, logit

from greatleap.calibration.priors import frozen
from greatleap.history import RATIO_YEARS, YEARS, model_series, national_record, tolerance
from greatleap.params import PARAMS

# ---- the data ---------------------------------------------------------------------------------
def cells(series: pd.DataFrame) -> dict[str, float]:
    """The tuning cells of a four-series table (index year): ``{"output_index_1958": 102.5, ...}``."""
    out = {}
    for key in ("output_index", "report_ratio", "procurement_share", "cdr_registered"):
        years = RATIO_YEARS if key == "report_ratio" else YEARS
        for year in years:
            value = series[key].get(year, np.nan) if key in series else np.nan
            if value is not None and np.isfinite(value):
                out[f"{key}_{year}"] = float(value)
    return out


def observed_cells(observed: str | pd.DataFrame = "history") -> dict[str, float]:
    """The record's cells, or those of a table with a ``year`` column and the four series (a run
    of the model itself, for the recovery test)."""
    if isinstance(observed, str) and observed == "history":
        return cells(national_record())
    frame = observed if isinstance(observed, pd.DataFrame) else pd.read_csv(observed)
    return cells(frame.set_index("year"))


def distance(x: dict, x0: dict) -> float:
    """Root mean square, over the record's cells, of the model's miss in tolerances. A cell the
    model could not produce (NaN) makes the particle infinitely far."""
    total, n = 0.0, 0
    for name, target in x0.items():
        value = x.get(name, np.nan)
        if not np.isfinite(value):
            return math.inf
        total += ((value - target) / tolerance(name, target)) ** 2
        n += 1
    return math.sqrt(total / n) if n else math.inf


def per_seed_distance(x: dict, x0: dict) -> float:
    """Root mean square, over every run of the particle and every cell of the record, of the miss in
    tolerances: the runs' own cells (``name@run``, ``Simulator(per_seed=True)``) are compared one by
    one, so a particle whose runs straddle the record (a famine in one seed, none in the other)
    is as far as its runs are, not as near as their mean. Without per-run cells, ``distance``."""
    runs = sorted({k.rsplit("@", 1)[1] for k in x if "@" in k})
    if not runs:
        return distance(x, x0)
    squares = [distance({k: x.get(f"{k}@{r}", np.nan) for k in x0}, x0) ** 2 for r in runs]
    return math.sqrt(sum(squares) / len(squares))


# ---- the model --------------------------------------------------------------------------------
def simulate_series(params: dict[str, Any], seed: int) -> pd.DataFrame:
    """One run reduced to the four series (index year): recorded at level "series", which keeps only
    what they need (the same values a full recording gives them; ``tables.series_frame``)."""
    from greatleap.model import FamineModel
    from greatleap.runner import release
    from greatleap.tables import series_frame

    model = FamineModel(rng=int(seed), recording="series", **params).run()
    annual = series_frame(model)
    release(model)
    return model_series(annual)


def as_params(draw: dict[str, float], fixed: dict[str, Any]) -> dict[str, Any]:
    """A particle's values as model parameters: whole-number parameters rounded."""
    from greatleap.params import resolve

    values = {k: (int(round(v)) if PARAMS[k].type is int else float(v)) for k, v in draw.items()}
    return resolve("baseline", **fixed, **values)


@dataclass
class Simulator:
    """pyabc's model: a particle's parameters -> the mean cells over ``seeds`` runs. The runs'
    seeds are drawn from numpy's global generator, which the sampler seeds per candidate."""

    fixed: dict[str, Any]
    seeds: int
    per_seed: bool = False  # also return each run's cells, as ``name@run`` (for ``per_seed_distance``)

    def __call__(self, draw: dict) -> dict[str, float]:
        params = as_params(natural(draw), self.fixed)
        run_seeds = np.random.randint(1, 2**31 - 1, size=self.seeds)
        runs = [cells(simulate_series(params, int(s))) for s in run_seeds]
        keys = set().union(*runs)
        out = {k: float(np.mean([r.get(k, np.nan) for r in runs])) for k in sorted(keys)}
        if self.per_seed:
            out.update({f"{k}@{i}": r.get(k, np.nan) for i, r in enumerate(runs) for k in sorted(keys)})
        return out


# Particles live on the logit scale of each prior's bounds, z = logit((x - low) / (high - low)):
# pyabc's normal transition then never proposes an implausible value. Measured on the 47
# parameters of experiments/calibration.toml: on the natural scale only 0.15% (20 particles) and
# under 0.01% (400 particles) of proposals after the prior generation fell inside every bound, and
# pyabc redraws until one does, costing seconds to minutes per candidate.
def to_natural(name: str, z: float) -> float:
    prior = PARAMS[name].prior
    return float(prior.low + (prior.high - prior.low) * expit(z))


def to_logit(name: str, x: float) -> float:
    prior = PARAMS[name].prior
    u = min(max((x - prior.low) / (prior.high - prior.low), 1e-12), 1 - 1e-12)
    return float(logit(u))


def natural(draw) -> dict[str, float]:
    """A particle (logit scale) as parameter values."""
    return {k: to_natural(k, v) for k, v in dict(draw).items()}


def natural_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({k: [to_natural(k, v) for v in df[k]] for k in df.columns}, index=df.index)


def pyabc_prior(names: list[str]) -> pyabc.Distribution:
    """The priors of ``names``, on the logit scale, as a ``pyabc.Distribution``."""
    return pyabc.Distribution(**{n: PriorRV(n) for n in names})


class PriorRV(pyabc.RVBase):
    """A prior of ``greatleap.params`` (truncated to its bounds) as a pyabc random variable of
    z = logit((x - low) / (high - low)); its density carries the Jacobian dx/dz."""

    def __init__(self, name: str):
        self.name, self.prior, self.dist = name, PARAMS[name].prior, frozen(PARAMS[name].prior)

    def copy(self):
        return PriorRV(self.name)

    def rvs(self, *args, **kwargs):
        return to_logit(self.name, float(self.dist.rvs()))

    def pdf(self, x, *args, **kwargs):
        s = float(expit(x))
        width = self.prior.high - self.prior.low
        return float(self.dist.pdf(self.prior.low + width * s)) * width * s * (1 - s)

    def pmf(self, x, *args, **kwargs):
        return self.pdf(x)

    def cdf(self, x, *args, **kwargs):
        return float(self.dist.cdf(to_natural(self.name, x)))

    def __getstate__(self):
        return {"name": self.name}

    def __setstate__(self, state):
        self.__init__(state["name"])


# ---- the sampler ------------------------------------------------------------------------------
def candidate_seed(master_seed: int, t: int, index: int) -> int:
    """numpy's seed for candidate ``index`` of generation ``t`` (t = -1: a calibration sample)."""
    return int(np.random.SeedSequence([master_seed, t + 1, index]).generate_state(1)[0])


def evaluate_candidate(task: dict[str, Any]) -> dict[str, Any]:
    """Worker side: seed numpy, then draw, simulate and judge one candidate (pyabc's closure)."""
    start = time.perf_counter()
    try:
        simulate_one = _load(task["payload"])
        np.random.seed(task["seed"])
        particle = simulate_one()
        return {"run_id": task["run_id"], "status": "ok", "particle": particle,
                "elapsed_s": time.perf_counter() - start}
    except Exception as exc:  # noqa: BLE001 - a candidate the model rejects counts as rejected
        return {"run_id": task["run_id"], "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                "elapsed_s": time.perf_counter() - start}


_LOADED: dict[int, Callable] = {}


def _load(payload: bytes) -> Callable:
    """The unpickled closure, kept per payload in this worker (tasks of a batch share it)."""
    import cloudpickle

    key = hash(payload)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = cloudpickle.loads(payload)
    return _LOADED[key]


def make_sampler(engine, master_seed: int):
    """A pyabc sampler on ``engine`` (``greatleap.experiments.engines``), seeded as the module says."""

    class SeededSampler(pyabc.sampler.Sampler):
        def __init__(self):
            super().__init__()
            self.failures: list[str] = []

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                    ana_vars=None):
            import cloudpickle

            payload = cloudpickle.dumps(simulate_one)
            found: dict[int, Any] = {}  # candidate index -> particle (None: the run failed)
            accepted = 0

            def candidates():
                # handed out lazily, in index order, while fewer than n are accepted: the engine
                # keeps a few in flight, so a handful more than needed may run (never chosen)
                i = 0
                while accepted < n and i < max_eval:
                    yield {"run_id": i, "payload": payload, "seed": candidate_seed(master_seed, t, i)}
                    i += 1

            for task, record in engine.run(evaluate_candidate, candidates()):
                particle = record.get("particle") if record.get("status") == "ok" else None
                if particle is None:
                    self.failures.append(record.get("error", "worker died"))
                found[task["run_id"]] = particle
                accepted += bool(particle is not None and particle.accepted)
            sample = self._create_empty_sample()
            taken = evaluated = 0
            for i in range(len(found)):  # candidate order: the first n accepted, whatever finished first
                evaluated += 1
                if found[i] is None:
                    continue
                sample.append(found[i])
                taken += found[i].accepted
                if taken == n:
                    break
            self.nr_evaluations_ = evaluated
            if taken < n:
                sample.ok = False
            return sample

    return SeededSampler()
