"""Speed and memory of the whole famine model at 10k, 100k and 1M peasants.

Methodology copied from the benchmarks of the Mesa repository:
fixed configurations, several replications, the *fastest* construction and the *fastest* run
are kept. Each configuration runs in its own child process so that the peak-RSS figures are not
polluted by an earlier, larger model.

Figures printed per configuration:

- construction time (fastest of the replications);
- ns per peasant-month for the whole model (every phase of ``FamineModel.step``, data
  collection included): wall time of the timed months divided by the sum, over those months,
  of everyone simulated alive at the start of each month: the villagers and the town residents
  (since issue 12 the towns are people with bodies, simulated by the same passes). Wall and CPU (``process_time``) are both
  shown; the machine is shared, so CPU time is the steadier of the two;
- memory per peasant: the person arrays of the villages and the towns (at their allocated
  capacity) / everyone simulated, peak-RSS growth per peasant over construction + the timed months
  (``resource.getrusage``), and the tracemalloc peak per peasant (a separate run, as tracing
  slows construction down);
- the same for ``materialise_peasants=True`` (one ``Peasant`` agent object per villager);
- a phase breakdown of one run (which phases of the month dominate).

Usage::

    .venv/bin/python benchmarks/bench_model.py            # full run (several minutes)
    .venv/bin/python benchmarks/bench_model.py --quick    # 10k and 100k, fewer months
    .venv/bin/python benchmarks/bench_model.py --sizes 100k --months 12 --reps 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time

# size label: (n_communes, commune_side); peasants ~ n_communes * side**2 * household_size (5)
CONFIGS = {
    "10k": (16, 11),
    "100k": (100, 14),
    "1M": (400, 22),
}
SEED = 1
RUN_MONTHS = 72  # January 1957 to December 1962: the whole default run
TARGET_NS = 100.0
TARGET_BYTES = 200.0


def _maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def lift_caps(n_communes: int, side: int, household_size: float = 5.0) -> None:
    """Raise greatleap's interactive resource caps (params.MAX_PLOTS, MAX_PEASANTS) in this
    process only, as far as this benchmark's world needs: the 1M configuration is above them
    (they guard the dashboard and the CLI, not a deliberate benchmark)."""
    from greatleap import params

    plots = n_communes * side * side
    if hasattr(params, "MAX_PLOTS"):
        params.MAX_PLOTS = max(params.MAX_PLOTS, plots)
    if hasattr(params, "MAX_PEASANTS"):
        params.MAX_PEASANTS = max(params.MAX_PEASANTS, int(plots * household_size * 1.5))


def _build(size: str, materialise: bool):
    from greatleap.model import FamineModel

    n_communes, side = CONFIGS[size]
    lift_caps(n_communes, side)
    return FamineModel(rng=SEED, n_communes=n_communes, commune_side=side,
                       materialise_peasants=materialise)


def simulated(model) -> int:
    """Everyone the model simulates as a person: villagers and town residents."""
    return model.rural_population() + model.towns.population()


def person_bytes(model) -> int:
    return model.people.nbytes() + model.towns.people.nbytes()


def _timed_months(model, months: int) -> tuple[float, float, int]:
    """(wall s, cpu s, person-months) for ``months`` steps of the whole model."""
    wall = cpu = 0.0
    peasant_months = 0
    for _ in range(months):
        peasant_months += simulated(model)
        w0, c0 = time.perf_counter(), time.process_time()
        model.step()
        wall += time.perf_counter() - w0
        cpu += time.process_time() - c0
    return wall, cpu, peasant_months


def measure_speed(size: str, materialise: bool, months: int, reps: int, warmup: int = 0) -> dict:
    """Run in a child process: fastest construction, fastest run, RSS growth.

    ``warmup`` months are run (untimed) after construction, before the timed months."""
    import numpy as np  # noqa: F401  (imported before the RSS baseline)
    import greatleap.model  # noqa: F401
    from greatleap.runner import warm_up

    rss_imports = _maxrss_bytes()
    jit_s = warm_up()
    gc.collect()
    rss0 = _maxrss_bytes()
    builds, walls, cpus = [], [], []
    rss_growth = None
    peasants = pm = 0
    people_bytes = 0
    for r in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        model = _build(size, materialise)
        builds.append(time.perf_counter() - t0)
        peasants = simulated(model)
        people_bytes = person_bytes(model)
        for _ in range(warmup):
            model.step()
        wall, cpu, pm = _timed_months(model, months)
        walls.append(wall)
        cpus.append(cpu)
        if r == 0:
            rss_growth = _maxrss_bytes() - rss0
        del model
    best = int(np.argmin(walls))
    return {
        "size": size, "materialise": materialise, "peasants": peasants, "months": months,
        "warmup": warmup,
        "reps": reps, "build_s": min(builds), "run_wall_s": walls[best], "run_cpu_s": min(cpus),
        "ns_wall": min(walls) / pm * 1e9, "ns_cpu": min(cpus) / pm * 1e9,
        "ns_wall_all": [w / pm * 1e9 for w in walls],
        "people_bytes_per_peasant": people_bytes / peasants,
        "rss_growth_per_peasant": rss_growth / peasants,
        "jit_s": jit_s, "jit_rss_mb": (rss0 - rss_imports) / 2**20,
    }


def measure_tracemalloc(size: str, materialise: bool, months: int) -> dict:
    import tracemalloc

    import greatleap.model  # noqa: F401
    from greatleap.runner import warm_up

    warm_up()
    gc.collect()
    tracemalloc.start()
    model = _build(size, materialise)
    after_build, peak_build = tracemalloc.get_traced_memory()
    peasants = simulated(model)
    for _ in range(months):
        model.step()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"size": size, "materialise": materialise, "peasants": peasants,
            "traced_after_build_per_peasant": after_build / peasants,
            "traced_peak_per_peasant": peak / peasants,
            "traced_after_run_per_peasant": current / peasants}


PHASES = (
    ("model", "_policy_transitions"), ("village", "work_month"), ("model", "_farm"),
    ("model", "_collect_owed"), ("village", "feed"), ("village", "live_and_die"),
    ("model", "_towns_and_trade"), ("towns", "live_month"), ("ledger", "check"), ("ledger", "open_month"),
    ("datacollector", "collect"), ("state", "check_retreat"), ("recorder", "finish_month"),
    ("recorder", "open_month"), ("village", "open_month"),
)


def measure_phases(size: str, months: int, warmup: int = 0) -> dict:
    """One run with CPU-time wrappers on the instance's phase methods (nothing is edited), after
    ``warmup`` untimed months.

    CPU time (``process_time``), not wall time: on a shared machine the wall clock of a phase
    mostly measures the other processes."""
    from greatleap import kernels
    from greatleap.runner import warm_up

    warm_up()
    model = _build(size, False)
    for _ in range(warmup):
        model.step()
    spent: dict[str, float] = {}
    owners = {"model": model, "village": model.village, "ledger": model.ledger,
              "datacollector": model.datacollector, "state": model.state, "recorder": model.recorder,
              "towns": model.towns}
    for owner, name in PHASES:
        time_calls(owners[owner], name, spent, f"{owner}.{name}")
    # inside those phases: the compiled passes over the people (called as kernels.<name>)
    passes: dict[str, float] = {}
    for name in KERNELS:
        time_calls(kernels, name, passes, name)
    # (this runs in a throw-away child process, so the patches are never undone)
    total = 0.0
    pm = 0
    for _ in range(months):
        pm += simulated(model)
        t0 = time.process_time()
        model.step()
        total += time.process_time() - t0
    # nested phases, each timed on its own above: the recorder's month ends with the data
    # collector's row, and the towns live their month inside the towns-and-trade phase (counted
    # twice before 2026-12-08, which made "other" negative)
    spent["recorder.finish_month"] -= spent.get("datacollector.collect", 0.0)
    spent["model._towns_and_trade"] -= spent.get("towns.live_month", 0.0)
    spent["other (clock, alive index, ...)"] = total - sum(spent.values())
    return {"size": size, "total_s": total, "peasant_months": pm,
            "phases": {k: v for k, v in sorted(spent.items(), key=lambda kv: -kv[1])},
            "passes": {k: v for k, v in sorted(passes.items(), key=lambda kv: -kv[1])}}


KERNELS = ("work", "town_needs", "households", "eat_live_and_reproduce", "count_living",
           "grow_older", "living_in")


def time_calls(owner, name: str, spent: dict, label: str) -> None:
    """Replace ``owner.name`` (a method of an instance, or a module's function) by a wrapper
    adding its CPU time to ``spent[label]``."""
    fn = getattr(owner, name)

    def timed(*a, **k):
        t0 = time.process_time()
        try:
            return fn(*a, **k)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - t0

    setattr(owner, name, timed)


def measure_reference(size: str, months: int, warmup: int) -> dict:
    """The idiomatic-Mesa reference against the vectorised Village (see idiomatic_reference.py)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import idiomatic_reference

    n_communes, side = CONFIGS[size]
    return idiomatic_reference.compare(n_communes, side, months, warmup, SEED)


def _child(kind: str, **kw) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON."""
    cmd = [sys.executable, os.path.abspath(__file__), "--child", json.dumps({"kind": kind, **kw})]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import mesa
    import numpy as np

    load = os.getloadavg()
    return (f"{cpu}, nproc={os.cpu_count()}, load avg {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; "
            f"Python {platform.python_version()}, numpy {np.__version__}, mesa {mesa.__version__}")


def identical_month(row: dict) -> bool:
    """One compared month of the reference: every discrete outcome the same."""
    return (row["alive_identical"] and row["hunger_identical"] and row["task_identical"]
            and row["age_identical"] and row["deaths_vec"] == row["deaths_ref"]
            and row["starv_vec"] == row["starv_ref"] and row["violence_vec"] == row["violence_ref"]
            and row["births_vec"] == row["births_ref"])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10k and 100k only, 6 months, 2 reps")
    ap.add_argument("--sizes", default=None, help="comma list of 10k,100k,1M")
    ap.add_argument("--months", type=int, default=None, help="timed months per run (default 12)")
    ap.add_argument("--reps", type=int, default=None, help="replications (fastest kept; default 3)")
    ap.add_argument("--no-materialised", action="store_true", help="skip the Peasant-object runs")
    ap.add_argument("--no-reference", action="store_true", help="skip the idiomatic-Mesa reference")
    ap.add_argument("--no-famine", action="store_true",
                    help="skip the second timing window (headless, from January 1959)")
    ap.add_argument("--no-whole-run", action="store_true",
                    help="skip the whole-run timing (headless, all months 1957-62)")
    ap.add_argument("--ref-months", type=int, default=None,
                    help="months of the idiomatic reference from January 1957 (default: the whole run)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        spec = json.loads(args.child)
        kind = spec.pop("kind")
        fn = {"speed": measure_speed, "trace": measure_tracemalloc, "phases": measure_phases,
              "reference": measure_reference}[kind]
        print(json.dumps(fn(**spec)))
        return

    sizes = (args.sizes.split(",") if args.sizes else (["10k", "100k"] if args.quick else list(CONFIGS)))
    months = args.months or (6 if args.quick else 12)
    reps = args.reps or (2 if args.quick else 3)
    print(f"machine: {machine()}")
    print(f"model: default parameters, seed {SEED}, from January 1957; {months} timed months per run, "
          f"fastest of {reps} runs; construction excluded from the per-month figure")
    print()
    print(f"{'size':>5} {'peasant objs':>12} {'peasants':>9} {'build s':>8} {'ns/pm wall':>11} "
          f"{'ns/pm cpu':>10} {'people B/p':>10} {'RSS+ B/p':>9} {'traced pk B/p':>13}")
    results = []
    for size in sizes:
        for materialise in ((False,) if args.no_materialised else (False, True)):
            r_reps = reps if not (materialise and size == "1M") else 1
            r = _child("speed", size=size, materialise=materialise, months=months, reps=r_reps)
            t = _child("trace", size=size, materialise=materialise, months=min(months, 3))
            r.update(t)
            results.append(r)
            print(f"{size:>5} {'yes' if materialise else 'no (lazy)':>12} {r['peasants']:>9,} "
                  f"{r['build_s']:>8.2f} {r['ns_wall']:>11.0f} {r['ns_cpu']:>10.0f} "
                  f"{r['people_bytes_per_peasant']:>10.1f} {r['rss_growth_per_peasant']:>9.0f} "
                  f"{r['traced_peak_per_peasant']:>13.0f}", flush=True)
    famine = {}
    if not (args.quick or args.no_famine):
        print()
        print(f"famine window: headless, 24 untimed months first, then {months} timed months from "
              f"January 1959 (halls, campaigns, starvation), fastest of {reps}")
        for size in sizes:
            r = _child("speed", size=size, materialise=False, months=months, reps=reps, warmup=24)
            famine[size] = r
            print(f"{size:>5} {'no (lazy)':>12} {r['peasants']:>9,} {'':>8} {r['ns_wall']:>11.0f} "
                  f"{r['ns_cpu']:>10.0f}", flush=True)
    whole = {}
    if not (args.quick or args.no_whole_run):
        print()
        print(f"whole run: headless, every month of 1957-62 ({RUN_MONTHS} timed months from January 1957), "
              f"fastest of {reps}")
        for size in sizes:
            r = _child("speed", size=size, materialise=False, months=RUN_MONTHS, reps=reps)
            whole[size] = r
            print(f"{size:>5} {'no (lazy)':>12} {r['peasants']:>9,} {r['build_s']:>8.2f} {r['ns_wall']:>11.0f} "
                  f"{r['ns_cpu']:>10.0f} {'':>10} {r['rss_growth_per_peasant']:>9.0f}", flush=True)
    print()
    print("ns/pm = nanoseconds per peasant-month, whole model; B/p = bytes per peasant.")
    print("RSS+ = peak-RSS growth over construction and the timed months, divided by peasants.")
    jit = [r for r in results if "jit_s" in r]
    if jit:
        print(f"Before any of that, each child process loads the compiled loops of greatleap.kernels "
              f"by running a 4-commune model through 1957-62: {min(r['jit_s'] for r in jit):.1f}-"
              f"{max(r['jit_s'] for r in jit):.1f} s, +{max(r['jit_rss_mb'] for r in jit):.0f} MB RSS "
              f"(a fixed cost per process, excluded above).")
    print()
    print("targets (headless = materialise_peasants=False; judged on the whole run when it was timed):")
    for r in results:
        if r["materialise"]:
            continue
        if r["size"] in ("100k", "1M"):
            f, w = famine.get(r["size"]), whole.get(r["size"])
            ok = all(min(x["ns_wall"], x["ns_cpu"]) <= TARGET_NS for x in (w or r, f) if x)
            extra = f"; 1959 window {f['ns_wall']:.0f} wall, {f['ns_cpu']:.0f} cpu" if f else ""
            run = f"whole run {w['ns_wall']:.0f} ns wall, {w['ns_cpu']:.0f} ns cpu; " if w else ""
            print(f"  <= {TARGET_NS:.0f} ns/peasant-month at {r['size']}: "
                  f"{'MET' if ok else 'NOT MET'} ({run}1957 window {r['ns_wall']:.0f} ns wall, "
                  f"{r['ns_cpu']:.0f} ns cpu{extra})")
        m = whole.get(r["size"]) or r  # the whole run's growth when it was timed
        ok_mem = m["rss_growth_per_peasant"] <= TARGET_BYTES
        span = "whole run" if m is not r else "1957 window"
        print(f"  <= {TARGET_BYTES:.0f} bytes/peasant headless at {r['size']}: "
              f"{'MET' if ok_mem else 'NOT MET'} (peak RSS growth {m['rss_growth_per_peasant']:.0f} B over the "
              f"{span}, person arrays {r['people_bytes_per_peasant']:.1f} B)")
    print()
    if not args.no_reference:
        ref_months = args.ref_months or RUN_MONTHS
        print("idiomatic Mesa reference of the peasant month (benchmarks/idiomatic_reference.py): "
              f"{ref_months} months from January 1957, identical starting state and random stream")
        for size in [s for s in sizes if s in ("10k", "100k")]:
            r = _child("reference", size=size, months=ref_months, warmup=0)
            pm = r["peasant_months"]
            vec, ref = r["vec_peasant_month_s"] / pm * 1e9, r["ref_peasant_month_s"] / pm * 1e9
            vc, rc = r["vec_peasant_month_cpu_s"] / pm * 1e9, r["ref_peasant_month_cpu_s"] / pm * 1e9
            same = sum(identical_month(row) for row in r["rows"])
            dbmi = max(row["max_abs_bmi_diff"] for row in r["rows"])
            print(f"  {size:>5}: vectorised {vec:6.0f} ns/pm, idiomatic {ref:7.0f} ns/pm -> {ref / vec:5.1f}x wall, "
                  f"{rc / vc:5.1f}x cpu; months identical (alive, hunger, tasks, ages, deaths by cause, births): "
                  f"{same} of {len(r['rows'])}, max |dBMI| {dbmi:.1e}", flush=True)
            if size == "100k":
                ok = ref / vec >= 25 and rc / vc >= 25
                print(f"  >= 25x the idiomatic reference at 100k: {'MET' if ok else 'NOT MET'} "
                      f"({ref / vec:.1f}x wall, {rc / vc:.1f}x cpu)")
        print()
    phase_size = "100k" if "100k" in sizes else sizes[0]
    windows = [(0, "January 1957")] + ([] if (args.quick or args.no_famine) else [(24, "January 1959")])
    for warmup, start in windows:
        print_phases(phase_size, months, warmup, start)


def print_phases(size: str, months: int, warmup: int, start: str) -> None:
    ph = _child("phases", size=size, months=months, warmup=warmup)
    pm = ph["peasant_months"]
    print(f"phase breakdown at {size}, CPU time, one run of {months} months from {start} "
          f"({ph['total_s'] / pm * 1e9:.0f} ns/peasant-month with timing wrappers):")
    for name, s in ph["phases"].items():
        print(f"  {name:<34} {s / pm * 1e9:7.0f} ns/pm  {100 * s / ph['total_s']:5.1f}%")
    print("  inside them, the compiled passes over the people (greatleap.kernels):")
    for name, s in ph["passes"].items():
        print(f"    kernels.{name:<24} {s / pm * 1e9:7.0f} ns/pm  {100 * s / ph['total_s']:5.1f}%")
    outside = ph["total_s"] - sum(ph["passes"].values())
    print(f"    {'outside the passes':<32} {outside / pm * 1e9:7.0f} ns/pm  {100 * outside / ph['total_s']:5.1f}%")
    print()


if __name__ == "__main__":
    main()
