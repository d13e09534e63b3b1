"""How long one month takes in the dashboard: model step plus redraw, at the default size.

Renders the real page in-process with `solara.render` (the widget tree the browser would get),
clicks Step and times each click until the run ends; also times the parts of a redraw. The
browser's own drawing of the PNG map and the ECharts charts is not included (the end-to-end test
prints a click-to-counter round trip). Target: <= 250 ms per month.

    .venv/bin/python benchmarks/bench_dashboard.py [--months 72] [--compare honest_reporting]
    .venv/bin/python benchmarks/bench_dashboard.py --ensemble 10   # only "Run 10 seeds", timed
    .venv/bin/python benchmarks/bench_dashboard.py --open-groups   # with every slider drawn
"""

from __future__ import annotations

import argparse
import statistics
import time


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=72)
    parser.add_argument("--compare", default=None, help="also run this scenario side by side")
    parser.add_argument("--ensemble", type=int, default=0, metavar="N",
                        help="time only the dashboard's ensemble of N seeds (2 worker processes)")
    parser.add_argument("--open-groups", action="store_true",
                        help="unfold 'Policy levers' and 'Uncertain assumptions' first, as a teacher "
                             "exploring the settings would (every slider is then redrawn with the page)")
    args = parser.parse_args()
    if args.ensemble:
        from greatleap.visualization.session import Session

        session = Session(compare=args.compare)
        t0 = time.perf_counter()
        session.run_ensemble(args.ensemble)
        took = time.perf_counter() - t0
        print(f"ensemble of {args.ensemble} seeds x {len(session.runs)} run(s) at the default size "
              f"({session.model.p['n_communes']} communes of {session.model.p['commune_side']}^2 plots): "
              f"{took:.1f} s with 2 worker processes")
        return

    import ipyvuetify as v
    import solara

    from greatleap.visualization import app
    from greatleap.visualization.charts import echarts_option
    from greatleap.visualization.grid_view import grid_png
    from greatleap.visualization.session import Session

    session = Session(compare=args.compare)
    _, rc = solara.render(app.Page(session=session), handle_error=False)
    step_button = rc.find(v.Btn, children=["Step"]).widget
    groups = ("Policy levers", "Uncertain assumptions") if args.open_groups else ()
    for title in groups:
        (button,) = [w for w in rc.find(v.Btn).widgets if title in w.children]
        button.click()
    model = session.model
    sliders = len(rc.find(v.Slider).widgets)
    print(f"default size: {model.p['n_communes']} communes of {model.p['commune_side']}^2 plots, "
          f"{len(model.agents)} agents, {len(session.runs)} run(s), {sliders} sliders drawn")

    total, step_only, grid_only, chart_only = [], [], [], []
    for _ in range(min(args.months, session.total_steps)):
        t0 = time.perf_counter()
        step_button.click()  # model.step() for each run + banner, map PNG(s), charts option
        total.append((time.perf_counter() - t0) * 1000)
    rc.close()

    # the parts, on a fresh session so they see the same months
    parts = Session(compare=args.compare)
    for _ in range(min(args.months, parts.total_steps)):
        t0 = time.perf_counter()
        parts.step()
        t1 = time.perf_counter()
        for run in parts.runs:
            grid_png(run.model, "Hunger")
        t2 = time.perf_counter()
        echarts_option([r.model.monthly_frame() for r in parts.runs], [r.label for r in parts.runs],
                       parts.model.calendar.events(), 1957, 1962)
        t3 = time.perf_counter()
        step_only.append((t1 - t0) * 1000)
        grid_only.append((t2 - t1) * 1000)
        chart_only.append((t3 - t2) * 1000)

    def line(name, xs):
        print(f"{name:28s} median {statistics.median(xs):7.1f} ms   p90 {percentile(xs, 0.9):7.1f} ms   "
              f"max {max(xs):7.1f} ms")

    line("step + redraw (click Step)", total)
    line("  model step(s)", step_only)
    line("  map PNG(s)", grid_only)
    line("  charts option + frames", chart_only)
    verdict = "within" if percentile(total, 0.9) <= 250 else "OVER"
    print(f"p90 step + redraw {percentile(total, 0.9):.0f} ms: {verdict} the 250 ms target")


if __name__ == "__main__":
    main()
