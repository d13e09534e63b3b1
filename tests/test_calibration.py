"""greatleap calibrate: ABC-SMC on the four national series (docs/calibration.md).

Tiny worlds (2-4 communes of 4-5 plots a side, headless), tiny populations: these test the
machinery (seeding, resume, refusal, recovery), not the fit. The tiny spec's runs skip the
spin-up (``spin_up_months = 0``): the machinery is the same whatever the model's first month."""

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from greatleap.calibration.abc import observed_cells
from greatleap.calibration.run import run_calibration, stored_generations
from greatleap.calibration.spec import parse_calibration_spec
from greatleap.cli import main
from greatleap.errors import InputError
from greatleap.params import PARAMS
from greatleap.experiments.engines import InlineEngine, LocalEngine

TINY = {"n_communes": 2, "commune_side": 4, "materialise_peasants": False, "spin_up_months": 0}
# The command's robust screen (after the fit) at its defaults runs each of the 6 particles on 10
# fresh seeds: 60 runs, twice the fit's. Where a test runs the command for its fit (the same
# posterior on Dask, after a kill), the screen runs with 2 candidates on 1 seed each; the screen
# itself is tested on its own below.
LIGHT_SCREEN = {"robust_candidates": 2, "robust_seeds": 1}
LIGHT_CLI = ("import functools, sys; import greatleap.calibration.results as r; "
             f"r.write_results = functools.partial(r.write_results, **{LIGHT_SCREEN!r}); "
             "from greatleap.cli import main; sys.exit(main(sys.argv[1:]))")


def tiny_spec(folder, **extra):
    raw = {"output": str(folder), "master_seed": 11, "population": 6, "generations": 3, "seeds": 1, "epsilon_quantile": 0.75,
           "infer": ["labour_elasticity", "death_registration"], "fixed": dict(TINY)}
    raw.update(extra)
    return raw


def write_toml(path: Path, raw: dict) -> Path:
    lines = []
    for k, v in raw.items():
        if not isinstance(v, dict):
            lines.append(f"{k} = {_toml(v)}")
    for k, v in raw.items():
        if isinstance(v, dict):
            lines.append(f"[{k}]")
            lines += [f"{kk} = {_toml(vv)}" for kk, vv in v.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return repr(v)


# ---- bad specs --------------------------------------------------------------------------------
@pytest.mark.parametrize("change, field", [
    ({"populaton": 5}, "populaton"),
    ({"population": 1}, "population"),
    ({"population": "many"}, "population"),
    ({"seeds": 0}, "seeds"),
    ({"generations": 2.5}, "generations"),
    ({"epsilon_quantile": 1.5}, "epsilon_quantile"),
    ({"infer": ["no_such_thing"]}, "infer"),
    ({"infer": ["dining_halls"]}, "infer"),
    ({"infer": []}, "infer"),
    ({"infer": ["labour_elasticity"], "exclude": ["labour_elasticity"]}, "infer"),
    ({"fixed": {"dining_halls": False}}, "fixed.dining_halls"),
    ({"fixed": {"labour_elasticity": 0.3}}, "fixed.labour_elasticity"),
    ({"fixed": {"n_communes": 0}}, "fixed.n_communes"),
    ({"observed": "/no/such/file.csv"}, "observed"),
    ({"output": ""}, "output"),
    ({"distance": "median"}, "distance"),
])
def test_bad_specs_are_refused_naming_the_field(tmp_path, change, field):
    with pytest.raises(InputError) as err:
        parse_calibration_spec(tiny_spec(tmp_path / "out", **change))
    assert err.value.field == field


def test_the_command_refuses_a_bad_spec_in_one_line_with_exit_code_2(tmp_path, capsys):
    spec = write_toml(tmp_path / "bad.toml", tiny_spec(tmp_path / "out", population=1))
    assert main(["calibrate", str(spec), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: population:") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert main(["calibrate", str(tmp_path / "missing.toml")]) == 2
    assert main(["calibrate", str(write_toml(tmp_path / "ok.toml", tiny_spec(tmp_path / "o"))),
                 "--workers", "1", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "either --workers" in capsys.readouterr().err


def test_a_folder_of_another_calibration_is_refused(reference):
    spec, folder = reference
    other = parse_calibration_spec(tiny_spec(folder, master_seed=12))
    with pytest.raises(InputError, match="another spec"):
        run_calibration(other, InlineEngine(), echo=lambda s: None)


# ---- reproducibility and resume ----------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny calibration run uninterrupted in this process."""
    folder = tmp_path_factory.mktemp("ref") / "cal"
    spec = parse_calibration_spec(tiny_spec(folder))
    lines = []
    run_calibration(spec, InlineEngine(), echo=lines.append)
    assert len(lines) == 3 and all("accepted" in line and "epsilon" in line and "ETA" in line for line in lines)
    _, gens = posterior_of(folder)
    eps = gens.epsilon.to_numpy()
    assert np.isinf(eps[0]) and np.isfinite(eps[1:]).all() and eps[2] <= eps[1]  # each generation is stricter
    return spec, folder


def posterior_of(folder) -> pd.DataFrame:
    import pyabc

    h = pyabc.History("sqlite:///" + str(Path(folder) / "history.db"), _id=1)
    pops = h.get_all_populations()
    df, w = h.get_distribution()
    return df.reset_index(drop=True).assign(weight=w), pops[pops.t >= 0][["t", "epsilon", "samples"]]


def test_the_same_seed_gives_the_same_posterior_on_one_or_two_workers(reference, tmp_path):
    _, ref_folder = reference
    spec = parse_calibration_spec(tiny_spec(tmp_path / "two"))
    run_calibration(spec, LocalEngine(2), echo=lambda s: None)
    (a, ga), (b, gb) = posterior_of(ref_folder), posterior_of(tmp_path / "two")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ga.reset_index(drop=True), gb.reset_index(drop=True))
    other = parse_calibration_spec(tiny_spec(tmp_path / "other", master_seed=12, generations=1))
    run_calibration(other, InlineEngine(), echo=lambda s: None)
    assert not np.allclose(posterior_of(tmp_path / "other")[0].iloc[:, :2].to_numpy(), a.iloc[:, :2].to_numpy())


def test_a_calibration_killed_midway_resumes_to_the_same_posterior(reference, tmp_path):
    _, ref_folder = reference
    folder = tmp_path / "killed"
    spec = write_toml(tmp_path / "spec.toml", tiny_spec(folder))
    cmd = [sys.executable, "-c", LIGHT_CLI, "calibrate", str(spec), "--workers", "1", "--predictive-draws", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while stored_generations(folder) < 1:
        assert proc.poll() is None and time.monotonic() < deadline, "no generation finished"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = stored_generations(folder)
    assert 1 <= done < 3
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert f"resuming {spec.stem}: {done} generation(s)" in out.stdout
    assert stored_generations(folder) == 3
    pd.testing.assert_frame_equal(posterior_of(ref_folder)[0], posterior_of(folder)[0])
    assert (folder / "report.md").exists() and (folder / "marginals.png").stat().st_size > 0
    assert (pd.read_csv(folder / "robust.csv").runs == 1).all()  # the light screen ran, in the command


def test_counting_stored_generations_never_writes_to_a_history_being_made(tmp_path):
    """The count is read while another process creates the history (the kill test polls it): it
    must not write. pyabc's History creates every missing table on opening, which raced the
    calibration's own creation of its schema (CI, 2026-12-08: the command died before its first
    generation)."""
    import sqlite3

    db = tmp_path / "history.db"
    with sqlite3.connect(db) as con:  # the schema half made: one table so far
        con.execute("CREATE TABLE version (version_num VARCHAR(32))")
    con.close()
    before = db.read_bytes()
    assert stored_generations(tmp_path) == 0
    assert db.read_bytes() == before


# ---- recovery of known parameters ----------------------------------------------------------------
TRUTH = {"death_registration": 0.72, "official_markup": 0.5}
SMALL = {"n_communes": 4, "commune_side": 5, "materialise_peasants": False}


@pytest.mark.slow
def test_known_parameters_are_recovered_from_the_models_own_output(tmp_path):
    """Simulate with chosen values, calibrate on that output: the truth lies inside the posterior's
    90% interval. At this size the model's own noise is about as large as these parameters'
    effects on the 19 cells, so after 3 generations of 20 particles the posterior stays wide
    (measured: 0.55-0.79 for the registration share against the prior's 0.52-0.79): this guards
    coverage (a mixed-up parameter or a sign error pushes the truth out), not sharpness. The
    record the calibration sees is the mean path of 8 runs: with 4, the truth's own noise moved
    the posterior enough that after the re-fit of 2026-12-07 its 90% interval missed the
    registration share by 0.001 (0.72 against 0.529-0.719)."""
    from greatleap.calibration.abc import as_params, simulate_series
    from greatleap.calibration.results import summary

    params = as_params(TRUTH, SMALL)
    runs = [simulate_series(params, seed) for seed in range(101, 109)]
    observed = (sum(runs) / len(runs)).reset_index()
    observed.to_csv(tmp_path / "truth.csv", index=False)
    spec = parse_calibration_spec({"output": str(tmp_path / "cal"), "master_seed": 3, "population": 20,
                                   "generations": 3, "seeds": 2, "observed": str(tmp_path / "truth.csv"),
                                   "infer": list(TRUTH), "fixed": SMALL})
    history = run_calibration(spec, LocalEngine(2), echo=lambda s: None)
    table = summary(history).set_index("parameter")
    for name, truth in TRUTH.items():
        assert table.p5[name] <= truth <= table.p95[name], f"{name}: {truth} outside {table.p5[name]:.3f}-{table.p95[name]:.3f}"
    assert set(table.index) == set(TRUTH) and (table.sd > 0).all()

# ---- results --------------------------------------------------------------------------------------
def test_write_defaults_sets_each_inferred_default_to_the_named_summary(tmp_path):
    from greatleap.calibration.results import PARAMS_PY, write_defaults

    folder = tmp_path / "cal"
    folder.mkdir()
    pd.DataFrame([{"parameter": "non_grain_kcal", "median": 287.456, "mean": 300.0, "best": 250.0, "robust": 260.0},
                  {"parameter": "resale_delay", "median": 4.4, "mean": 4.0, "best": 2.0, "robust": None}]).to_csv(
        folder / "summary.csv", index=False)
    target = tmp_path / "params.py"
    target.write_text(PARAMS_PY.read_text())
    changed = write_defaults(folder, "median", params_py=target)
    assert changed == {"non_grain_kcal": 287.0, "resale_delay": 4}
    text = target.read_text()
    assert '_p("non_grain_kcal", 287.0, "kcal/day"' in text and '_p("resale_delay", 4, "months"' in text
    before, after = PARAMS_PY.read_text().splitlines(), text.splitlines()
    assert sum(a != b for a, b in zip(before, after)) == 2  # nothing else moved
    compile(text, "params.py", "exec")
    # what the command reports as changed: only the defaults that differ from those in force
    from greatleap.calibration.results import moved_defaults
    from greatleap.params import PARAMS

    assert moved_defaults(changed) == ["non_grain_kcal", "resale_delay"]
    assert moved_defaults({"non_grain_kcal": PARAMS["non_grain_kcal"].default, "resale_delay": 4}) == ["resale_delay"]
    with pytest.raises(InputError, match="summary.csv"):
        write_defaults(tmp_path, "median", params_py=target)
    with pytest.raises(InputError, match="no robust summary"):  # a screen that did not run
        write_defaults(folder, "robust", params_py=target)


def test_the_results_of_a_calibration_are_written(reference):
    from greatleap.calibration.results import write_results

    spec, folder = reference
    import pyabc

    history = pyabc.History("sqlite:///" + str(folder / "history.db"), _id=1)
    report = write_results(history, spec, InlineEngine(), predictive_draws=2, robust_seeds=2, robust_candidates=3)
    for name in ("summary.csv", "posterior.csv", "generations.csv", "predictive.csv", "marginals.png",
                 "pairs.png", "predictive.png", "robust.csv"):
        assert (folder / name).stat().st_size > 0, name
    summary = pd.read_csv(folder / "summary.csv")
    assert set(summary.parameter) == set(spec.infer)
    assert (summary.p5 <= summary["median"]).all() and (summary["median"] <= summary.p95).all()
    text = report.read_text()
    assert "## Posterior predictive against history" in text and "cells within tolerance" in text
    # the robust particle: of the 3 nearest the record and the defaults in force (0), the one whose
    # mean path over 2 fresh seeds is nearest
    screen = pd.read_csv(folder / "robust.csv")
    assert len(screen) == 4 and (screen.runs == 2).all() and screen.distance.is_monotonic_increasing
    assert sorted(screen.candidate) == [0, 1, 2, 3]
    robust = summary.set_index("parameter")["robust"]
    for name in spec.infer:
        assert robust[name] == pytest.approx(screen[name].iloc[0])
    assert "## The robust particle" in text


def test_the_robust_screen_ranks_candidates_by_their_mean_path_on_fresh_seeds(reference):
    """The nearest particle's ABC distance rests on lucky seeds; the screen re-runs the nearest
    particles on the same fresh seeds and ranks them by the distance of their mean path."""
    import pyabc

    from greatleap.calibration.abc import as_params, cells, distance, observed_cells, simulate_series
    from greatleap.calibration.results import ROBUST_FIRST_SEED, nearest_particles, robust_screen

    spec, folder = reference
    history = pyabc.History("sqlite:///" + str(folder / "history.db"), _id=1)
    screen, chosen = robust_screen(history, spec, InlineEngine(), k=2, seeds=2)
    defaults = {name: float(PARAMS[name].default) for name in spec.infer}
    candidates = [defaults] + nearest_particles(history, 2)
    observed = observed_cells(spec.observed)
    fresh = []
    for draw in candidates:
        runs = [cells(simulate_series(as_params(draw, spec.fixed), ROBUST_FIRST_SEED + j)) for j in range(2)]
        fresh.append(distance({k: np.mean([r[k] for r in runs]) for k in observed}, observed))
    assert list(screen.distance) == pytest.approx(sorted(fresh))
    assert chosen == pytest.approx(candidates[int(np.argmin(fresh))])
    assert list(screen.sort_values("candidate").distance) == pytest.approx(fresh)  # 0: the defaults in force


def test_a_fit_no_better_than_the_defaults_in_force_leaves_them(reference, monkeypatch):
    """The screen's candidate 0 is the defaults in force: when they are nearer the record on the
    fresh seeds than every particle, the robust summary is the defaults themselves."""
    import pyabc

    import greatleap.calibration.results as results

    spec, folder = reference
    history = pyabc.History("sqlite:///" + str(folder / "history.db"), _id=1)
    particle = results.nearest_particles(history, 1)[0]
    # the defaults in force made the particle itself: it must tie, and the defaults (first in the
    # screen, the stable sort keeps them first) are kept
    monkeypatch.setattr(results, "PARAMS", {**results.PARAMS, **{
        name: dataclasses.replace(results.PARAMS[name], default=value) for name, value in particle.items()}})
    screen, chosen = results.robust_screen(history, spec, InlineEngine(), k=1, seeds=1)
    assert int(screen.candidate.iloc[0]) == 0 and chosen == pytest.approx(particle)
    assert screen.distance.iloc[0] == pytest.approx(screen.distance.iloc[1])


@pytest.mark.cluster
def test_the_same_posterior_on_a_dask_cluster(reference, dask_cluster, tmp_path, monkeypatch):
    """--scheduler-file: the sweep engine's Dask path, with its address checks; same posterior."""
    import functools

    import greatleap.calibration.results as results

    monkeypatch.setattr(results, "write_results", functools.partial(results.write_results, **LIGHT_SCREEN))
    _, ref_folder = reference
    spec = write_toml(tmp_path / "spec.toml", tiny_spec(tmp_path / "dask"))
    assert main(["calibrate", str(spec), "--scheduler-file", str(dask_cluster), "--predictive-draws", "0"]) == 0
    pd.testing.assert_frame_equal(posterior_of(ref_folder)[0], posterior_of(tmp_path / "dask")[0])
    # the screen ran too, on the cluster: the 2 nearest particles and the defaults in force
    assert len(pd.read_csv(tmp_path / "dask" / "robust.csv")) == 3
    assert main(["calibrate", str(spec), "--scheduler", "http://127.0.0.1:1"]) == 2


def test_the_project_calibration_specs_infer_at_the_default_size_on_the_record():
    """calibration_all.toml infers every uncertainty; calibration.toml (the baseline's) the screened
    ones, each an uncertainty, with a budget of at least 12,000 runs (the baseline's fit ran 12,682)."""
    from greatleap.calibration.spec import load_calibration_spec
    from greatleap.params import PARAMS, UNCERTAINTY

    folder = Path(__file__).resolve().parent.parent / "experiments"
    uncertain = {p.name for p in PARAMS.values() if p.kind == UNCERTAINTY}
    every, screened = (load_calibration_spec(folder / name) for name in ("calibration_all.toml", "calibration.toml"))
    assert set(every.infer) == uncertain - {"steel_usable"}
    assert set(screened.infer) < uncertain and len(screened.infer) >= 10
    assert {"non_grain_kcal", "death_registration"} <= set(screened.infer)  # the two edge values of issue 15
    for spec in (every, screened):
        assert not {"n_communes", "commune_side"} & set(spec.fixed) and spec.observed == "history"
        assert spec.population * spec.seeds >= 600 and spec.max_simulations * spec.seeds >= 12_000


@pytest.mark.parametrize("name", ["death_registration", "wasting_hazard_ratio", "home_priority", "resale_delay"])
def test_particles_live_on_the_logit_scale_of_each_prior_with_the_same_distribution(name):
    """pyabc perturbs particles on z = logit of the position within the bounds, so no proposal is
    implausible; the density there (with its Jacobian) is still the prior's."""
    from scipy.integrate import quad

    from greatleap.calibration.abc import PriorRV, to_logit, to_natural
    from greatleap.calibration.priors import frozen
    from greatleap.params import PARAMS

    rv, prior = PriorRV(name), PARAMS[name].prior
    assert quad(rv.pdf, -40, 40, limit=200)[0] == pytest.approx(1.0, abs=1e-3)
    np.random.seed(4)
    xs = np.array([to_natural(name, rv.rvs()) for _ in range(3000)])
    assert xs.min() >= prior.low and xs.max() <= prior.high
    assert xs.mean() == pytest.approx(frozen(prior).mean(), abs=0.05 * (prior.high - prior.low))
    mid = (prior.low + prior.high) / 2
    assert to_natural(name, to_logit(name, mid)) == pytest.approx(mid)
    assert prior.low <= to_natural(name, -1e6) and to_natural(name, 1e6) <= prior.high


def test_the_effective_sample_size_falls_to_one_when_the_weights_collapse():
    """The progress line's effective sample size (Kish): the population for even weights, one when
    one particle carries them all, the sign the all-83 calibration gave (2.5 of 300)."""
    import numpy as np

    from greatleap.calibration.run import effective_sample_size

    class History:
        def __init__(self, w):
            self.w = np.asarray(w, float)

        def get_distribution(self, m, t):
            return None, self.w

    assert effective_sample_size(History(np.full(300, 1 / 300)), 0) == pytest.approx(300)
    assert effective_sample_size(History([1.0] + [0.0] * 299), 0) == pytest.approx(1)
    assert effective_sample_size(History([0.5, 0.5, 0, 0]), 0) == pytest.approx(2)


# ---- the per-seed distance ----------------------------------------------------------------------
def test_a_particle_whose_runs_straddle_the_record_is_as_far_as_its_runs_with_the_per_seed_distance():
    """Two runs, one two tolerances above every cell and one two below: their mean path is the
    record (distance 0), but each run misses by two tolerances, and so does the particle."""
    from greatleap.calibration.abc import distance, per_seed_distance
    from greatleap.history import tolerance

    record = observed_cells("history")
    high = {k: v + 2 * tolerance(k, v) for k, v in record.items()}
    low = {k: v - 2 * tolerance(k, v) for k, v in record.items()}
    mean = {k: (high[k] + low[k]) / 2 for k in record}
    x = {**mean, **{f"{k}@0": v for k, v in high.items()}, **{f"{k}@1": v for k, v in low.items()}}
    assert distance(x, record) == pytest.approx(0.0, abs=1e-9)
    assert per_seed_distance(x, record) == pytest.approx(2.0)
    assert per_seed_distance(mean, record) == distance(mean, record)  # no per-run cells: the mean path
    x["cdr_registered_1960@1"] = float("nan")  # a run that could not produce a cell
    assert per_seed_distance(x, record) == float("inf")


def test_a_per_seed_calibration_judges_its_particles_by_every_run(tmp_path):
    from greatleap.calibration.abc import per_seed_distance

    default = parse_calibration_spec(tiny_spec(tmp_path / "a"))
    assert "distance" not in default.fingerprint()  # a calibration begun before the choice still resumes
    # one generation is enough: its particles' distances are already the spec's
    spec = parse_calibration_spec(tiny_spec(tmp_path / "b", distance="per_seed", seeds=2, population=4,
                                            generations=1))
    assert spec.fingerprint()["distance"] == "per_seed"
    history = run_calibration(spec, InlineEngine(), echo=lambda s: None)
    record = observed_cells("history")
    population = history.get_population()
    assert len(population.particles) == 4
    for particle in population.particles:
        stats = particle.sum_stat
        assert {k.rsplit("@", 1)[1] for k in stats if "@" in k} == {"0", "1"}
        assert particle.distance == pytest.approx(per_seed_distance(stats, record))
