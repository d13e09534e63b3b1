"""`greatleap report` and `greatleap sensitivity` write their figures and tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from greatleap.cli import main


def test_report_draws_figures_and_tables_of_a_two_parameter_grid(small_sweep, capsys):
    spec, _ = small_sweep
    assert main(["report", str(spec.output)]) == 0
    report = spec.output / "report"
    listed = set(capsys.readouterr().out.split())
    for stem in ("timeseries", "outcome_vs_procurement_share", "outcome_vs_markup_career",
                 "heatmap_procurement_share_markup_career", "deaths_by_age"):
        for ext in ("png", "svg"):
            path = report / f"{stem}.{ext}"
            assert str(path) in listed and path.stat().st_size > 5_000
            assert path.read_bytes()[:4] == (b"\x89PNG" if ext == "png" else b"<?xm")
    table = pd.read_csv(report / "summary.csv")
    assert len(table) == 2 * 4  # scenario x grid point
    assert (table["runs_ok"] == 2).all() and (table["runs_failed"] == 0).all()
    assert {"excess_deaths_mean", "excess_deaths_p10", "peak_cdr_p90"} <= set(table.columns)
    markdown = (report / "summary.md").read_text()
    assert markdown.startswith("| scenario | procurement_share | markup_career | runs (ok/failed) |")
    assert len(markdown.strip().splitlines()) == 2 + 8
    # the provinces of every run (ODD 7.12), from the province tables the sweep kept
    from greatleap.experiments.store import SweepStore

    kept = SweepStore(spec.output).provinces()
    provinces = pd.read_csv(report / "provinces.csv")
    assert len(provinces) == len(kept.groupby(["run_id", "province"])) == len(kept) / kept["year"].nunique()
    assert {"leader_zeal", "leader_alternate", "cdr_1959_61", "report_ratio_1958",
            "peak_procurement_share"} <= set(provinces.columns)
    assert provinces["cdr_1959_61"].notna().all() and (provinces["report_ratio_1958"] >= 1).all()
    # what the provinces are apart from their leaders: land around the nation's, towns (ODD 7.12)
    assert provinces["fertility"].between(0.3, 3).all() and provinces["urban_share_start"].between(0, 1).all()
    assert "| scenario | leader | provinces |" in (report / "provinces.md").read_text()
    assert (report / "provinces.png").stat().st_size > 5_000


def test_report_of_a_folder_that_is_no_sweep_is_a_one_line_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: sweep_dir: ")


@pytest.mark.parametrize("method, n, columns", [("morris", 2, ["mu_star", "mu_star_conf", "sigma"]),
                                                 ("sobol", 2, ["S1", "S1_conf", "ST", "ST_conf"])])
def test_sensitivity_runs_its_samples_then_writes_indices_and_a_bar_chart(tmp_path, method, n, columns, capsys):
    spec = tmp_path / "sa.toml"
    spec.write_text(f'''output = "{tmp_path / 'out'}"
seeds = 1
master_seed = 3
outcomes = ["excess_deaths", "peak_cdr"]
[fixed]
n_communes = 4
commune_side = 6
[sample]
method = "{method}"
n = {n}
params = ["procurement_share", "markup_career"]
''')
    assert main(["sensitivity", str(spec), "--workers", "2", "--quiet", "--outcome", "peak_cdr"]) == 0
    assert "runs: " in capsys.readouterr().out
    folder = tmp_path / "out" / "sensitivity"
    indices = pd.read_csv(folder / f"peak_cdr_{method}.csv")
    assert list(indices["parameter"]) == ["procurement_share", "markup_career"]
    assert indices[columns].notna().all().all()
    for ext in ("md", "png", "svg"):
        assert (folder / f"peak_cdr_{method}.{ext}").stat().st_size > 200
    # analysing the finished folder again needs no run; a missing outcome is a one-line error
    assert main(["sensitivity", str(tmp_path / "out")]) == 0
    assert (folder / f"excess_deaths_{method}.csv").exists()
    assert main(["sensitivity", str(tmp_path / "out"), "--outcome", "cadres_purged"]) == 2
    assert "error: outcome: " in capsys.readouterr().err


def test_sensitivity_refuses_a_grid_sweep(small_sweep, capsys):
    assert main(["sensitivity", str(small_sweep[0].output)]) == 2
    assert capsys.readouterr().err.startswith("error: sweep_dir: ")
    assert not (small_sweep[0].output / "sensitivity").exists()


def test_shipped_example_spec_runs_and_reports(tmp_path, capsys):
    """The shipped teaching spec (2 presets x 3 x 3 points x 3 seeds: 54 runs) parses to its 54
    runs; it is run, then reported, as shipped but with one seed per point (18 runs): its presets,
    grid, outcomes and world are the file's."""
    from greatleap.experiments.design import build_design
    from greatleap.experiments.spec import load_spec

    shipped = Path(__file__).resolve().parents[1] / "experiments" / "example.toml"
    assert len(build_design(load_spec(shipped))) == 54
    text = shipped.read_text(encoding="utf-8")
    spec = tmp_path / "example.toml"
    spec.write_text(re.sub(r"^seeds = 3\b", "seeds = 1", text, count=1, flags=re.M), encoding="utf-8")
    assert spec.read_text(encoding="utf-8") != text
    out = tmp_path / "example"
    assert main(["sweep", str(spec), "--workers", "2", "--quiet", "--out", str(out)]) == 0
    assert "18 runs: 18 ok, 0 failed" in capsys.readouterr().out
    assert main(["report", str(out)]) == 0
    assert (out / "report" / "heatmap_procurement_share_markup_career.svg").exists()
    summary = pd.read_csv(out / "report" / "summary.csv")
    assert summary["excess_deaths_mean"].notna().all()


def test_report_of_a_latin_hypercube_sweep_plots_each_run_against_each_sampled_parameter(tmp_path, capsys):
    spec = tmp_path / "lhs.toml"
    spec.write_text(f'''output = "{tmp_path / 'out'}"
scenarios = ["baseline", "flexible_quotas"]
seeds = 2
series = ["cdr"]
[sample]
method = "lhs"
n = 5
params = {{ procurement_share = {{ low = 0.1, high = 0.4 }}, markup_career = {{}} }}
''')
    # the report does not depend on the model: a fast stand-in, run in this process (--workers 0)
    assert main(["sweep", str(spec), "--workers", "0", "--quiet", "--task", "test_sweep_tasks:stand_in"]) == 0
    assert "20 runs: 20 ok" in capsys.readouterr().out
    from greatleap.experiments.store import SweepStore

    kept = SweepStore(tmp_path / "out").monthly_columns()
    assert kept == ["run_id", "scenario", "point", "replicate", "seed", "date", "cdr"]  # dates always kept
    assert main(["report", str(tmp_path / "out")]) == 0
    files = {p.name for p in (tmp_path / "out" / "report").iterdir()}
    assert {"outcome_vs_procurement_share.svg", "outcome_vs_markup_career.png", "timeseries.png"} <= files
    assert not any(name.startswith("heatmap") for name in files)  # no grid, no heatmap
    table = pd.read_csv(tmp_path / "out" / "report" / "summary.csv")
    assert list(table["scenario"]) == ["baseline", "flexible_quotas"] and (table["runs_ok"] == 10).all()


def test_the_province_summary_is_the_rates_and_ratios_of_each_runs_provinces():
    from greatleap.experiments.report import province_summary

    rows = []
    for province, zeal, alternate, deaths in ((0, 0.9, 1.0, 30.0), (1, 0.2, 0.0, 10.0)):
        for year, true, claim, procured in ((1958, 100.0, 150.0, 30.0), (1959, 100.0, 120.0, 50.0),
                                            (1960, 80.0, 80.0, 20.0)):
            rows.append(dict(run_id=0, scenario="baseline", point=0, replicate=0, seed=1, year=year,
                             province=province, leader_zeal=zeal, leader_alternate=alternate, leader_loyalty=0.5,
                             deaths=deaths if year > 1958 else 1.0, population=1000.0, true_kg=true,
                             reported_province_kg=claim * (1 + province), procurement_share=procured / true))
    t = province_summary(pd.DataFrame(rows)).set_index("province")
    assert list(t["cdr_1959_61"]) == [30.0, 10.0]  # 2 x deaths / 2000 people-years, per 1000
    assert list(t["report_ratio_1958"]) == [1.5, 3.0]
    assert list(t["peak_procurement_share"]) == [0.5, 0.5]
    assert list(t["leader_kind"]) == ["zealous alternate member", "moderate"]
