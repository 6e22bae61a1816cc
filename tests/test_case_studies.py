"""Case-study presets, the targets table, reproduction of published figures and calibration."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rmsim
from rmsim import ConfigError, DataError, Experiment, run_experiment
from rmsim.calibration import calibrate
from rmsim.case_studies import (
    CASES_FOLDER,
    TARGETS_FILE,
    CaseStudy,
    Frames,
    available_cases,
    evaluate,
    load_case,
    parse_metric,
    plausibility,
    reproduce,
    simulated_values,
    targets,
)
from rmsim.cli import main
from rmsim.store import load_results

CASES = available_cases()


def test_every_case_of_the_issue_has_a_preset_and_a_data_card() -> None:
    assert set(CASES) == {"ge_1999", "hartford", "mastercard", "estee_lauder", "microsoft_norway", "pg_mentor_up", "cascade"}
    for name in CASES:
        study = load_case(name)
        card = (CASES_FOLDER / study.card).read_text(encoding="utf-8")
        assert study.case == name and study.sources
        for heading in ("## What the sources say", "## How the preset encodes it", "## Assumptions", "## Sources"):
            assert heading in card, (name, heading)


@pytest.mark.parametrize("name", CASES)
def test_every_preset_runs_a_short_horizon(name: str) -> None:
    study = load_case(name)
    result = rmsim.run(study.build_scenario().with_overrides(weeks=6), seed=1)
    assert result.timeseries["week"].max() == 6
    assert len(result.pairs) > 0  # every preset's programme starts in week 1 and finds pairs


def test_targets_table_is_consistent_with_the_presets() -> None:
    table = targets()
    assert set(table["case"]) <= set(CASES)
    assert set(CASES) == set(table["case"])  # every case has at least one published figure or claim
    for row in table.itertuples(index=False):
        study = load_case(row.case)
        programme = study.scenario.programme
        name, arguments = parse_metric(row.metric)
        if row.compare == "control":
            assert programme.policy != "none" and row.kind == "direction"
        if row.kind == "design" and name == "pairs":
            cohorts = 1 if "cohort" in arguments else programme.cohorts
            designed = programme.cohort_size * programme.mentor_capacity * cohorts
            assert row.lower <= designed <= row.upper, (row.case, designed)
        if row.kind == "design" and name == "meetings_per_year":
            assert row.lower <= round(52 / programme.cadence_weeks) <= row.upper
        if name == "share_promoted":
            assert arguments["within_weeks"] <= study.scenario.weeks


def test_hartford_target_for_promotions_is_exactly_eleven_of_twelve() -> None:
    row = targets().set_index(["case", "target"]).loc[("hartford", "mentors_promoted_within_a_year")]
    assert row["published"] == row["lower"] == row["upper"] == 11 / 12
    assert row["denominator"] == 12


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.drop(columns="metric"), "targets.csv: missing columns ['metric']"),
        (lambda t: t.assign(kind=["design", "sometimes", *t["kind"][2:]]), "column 'kind' (line 3): must be one of"),
        (lambda t: t.assign(metric=["pairs()", "__import__('os')", *t["metric"][2:]]), "column 'metric' (line 3): write"),
        (lambda t: t.assign(metric=["pairs()", "bogus()", *t["metric"][2:]]), "unknown metric 'bogus'"),
        (lambda t: t.assign(published=["700", *t["published"][1:]]), "column 'published' (line 2): must lie within"),
        (lambda t: t.assign(lower=["x", *t["lower"][1:]]), "column 'lower' (line 2): must be a number, inf or a fraction"),
        (lambda t: pd.concat([t, t.iloc[[0]]]), "column 'target' (lines 2, 14): (case, target) must be unique"),
    ],
    ids=["missing-column", "kind", "not-a-call", "unknown-metric", "outside-range", "not-a-number", "duplicate"],
)
def test_invalid_targets_tables_name_the_column_and_rows(tmp_path: Path, edit, message: str) -> None:
    table = pd.read_csv(TARGETS_FILE, dtype=str, keep_default_na=False)
    path = tmp_path / "targets.csv"
    edit(table).to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        targets(path)
    assert message in str(caught.value)


def test_unknown_case_and_invalid_preset_fields_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such case study; available: cascade"):
        load_case("enron")
    text = (CASES_FOLDER / "hartford.yaml").read_text(encoding="utf-8").replace("cadence_weeks: 4", "cadence_weeks: -4")
    (tmp_path / "hartford.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_case(tmp_path / "hartford.yaml")
    assert caught.value.field == "hartford.yaml: scenario.programme.cadence_weeks" and caught.value.value == -4
    (tmp_path / "other.yaml").write_text(text.replace("cadence_weeks: -4", "cadence_weeks: 4"), encoding="utf-8")
    with pytest.raises(ConfigError, match="must equal the file name 'other'"):
        load_case(tmp_path / "other.yaml")


# --------------------------------------------------------------------------- metrics on hand-made frames


def _frames() -> Frames:
    pairs = pd.DataFrame(
        {
            "cohort": [0, 0, 0, 1],
            "mentor_id": [1, 2, 3, 4],
            "mentee_id": [11, 12, 13, 14],
            "start_week": [1, 1, 1, 53],
            "end_week": [26, 26, 26, 78],
            "ended_week": pd.array([26, 10, pd.NA, pd.NA], dtype="Int64"),
            "status": ["completed", "dissolved", "left", "active"],
            "meetings": [6, 2, 3, 1],
            "rating_business": pd.array([5, pd.NA, pd.NA, pd.NA], dtype="Int8"),
            "rating_development": pd.array([3, pd.NA, pd.NA, pd.NA], dtype="Int8"),
        }
    )
    events = pd.DataFrame(
        {
            "week": [20, 60, 52, 70, 30],
            "event": ["promotion", "promotion", "promotion", "promotion", "exit"],
            "employee_id": [1, 2, 3, 4, 3],
        }
    )
    employees = pd.DataFrame(
        {
            "employee_id": [1, 2, 3, 4, 5],
            "initial": [True, True, True, True, False],
            "gender": ["female", "female", "male", "female", "female"],
            "level_start": ["junior", "junior", "junior", "manager", "junior"],
            "generation": ["gen_z"] * 5,
            "left_week": pd.array([pd.NA, 40, pd.NA, pd.NA, pd.NA], dtype="Int64"),
        }
    )
    timeseries = pd.DataFrame({"week": np.arange(1, 81), "digital_gap": np.linspace(0.3, 0.2, 80)})
    return Frames(timeseries, employees, pairs, events)


def test_metrics_compute_what_their_docstrings_say() -> None:
    frames = _frames()
    assert evaluate("pairs()", frames) == 4
    assert evaluate("pairs(cohort=0)", frames) == 3
    assert evaluate("share_rating(rating='rating_business', at_least=4)", frames) == 1.0
    assert evaluate("share_rating(rating='rating_development', at_least=4)", frames) == 0.0
    # cohort 0 mentors start in week 1: mentor 1 promoted in week 20 (yes), 2 in week 60 (no), 3 in week 52 (yes)
    assert evaluate("share_promoted(role='mentor', within_weeks=52, cohort=0)", frames) == pytest.approx(2 / 3)
    assert evaluate("share_promoted(role='mentor', within_weeks=51, cohort=0)", frames) == pytest.approx(1 / 3)
    assert evaluate("share_promoted(role='mentor', within_weeks=52)", frames) == pytest.approx(3 / 4)  # 4: week 70 - 53
    assert evaluate("share_promoted(role='mentee')", frames) == 0.0
    assert math.isnan(evaluate("share_promoted(cohort=5)", frames))
    # only the completed pair counts: 6 meetings over its 26 scheduled weeks
    assert evaluate("meetings_per_year()", frames) == pytest.approx(6 / 26 * 52)
    assert math.isnan(evaluate("meetings_per_year(cohort=1)", frames))
    assert evaluate("retention(gender='female')", frames) == pytest.approx(2 / 3)
    assert evaluate("retention(gender='female', level='junior')", frames) == pytest.approx(1 / 2)
    assert evaluate("final(column='digital_gap')", frames) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("metric", "message"),
    [
        ("pairs", "write name(key=value, ...)"),
        ("pairs(1)", "write name(key=value, ...)"),
        ("share_rating(rating='mood')", "allowed: 'rating_business', 'rating_development'"),
        ("pairs(colour='red')", "unexpected keyword argument 'colour'"),
        ("final(column='nope')", "not a timeseries column"),
    ],
)
def test_bad_metrics_are_refused_with_the_reason(metric: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        evaluate(metric, _frames())
    assert message in str(caught.value)


def test_plausibility_meets_published_ranges_with_the_simulated_interval() -> None:
    table = pd.DataFrame(
        {
            "case": "x",
            "target": ["inside", "outside", "improved", "no_change", "narrower"],
            "kind": ["outcome", "outcome", "direction", "direction", "direction"],
            "quantity": "q",
            "published": [0.5, 0.99, math.nan, math.nan, math.nan],
            "lower": [0.5, 0.99, 0.0, 0.0, -math.inf],
            "upper": [0.5, 0.99, math.inf, math.inf, 0.0],
            "source": "s",
        }
    )
    sample = np.linspace(0.3, 0.7, 21)
    values = pd.DataFrame(
        [{"target": t, "value": v} for t in ("inside", "outside") for v in sample]
        + [{"target": "improved", "value": v} for v in np.linspace(-0.02, 0.01, 21)]
        + [{"target": "no_change", "value": 0.0} for _ in range(21)]
        + [{"target": "narrower", "value": v} for v in np.linspace(0.01, 0.05, 21)]
    )
    found = plausibility(table, values).set_index("target")
    assert found["plausible"].to_dict() == {
        "inside": True,
        "outside": False,
        "improved": True,
        "no_change": False,
        "narrower": False,
    }
    assert found.loc["inside", "simulated_low"] == pytest.approx(np.quantile(sample, 0.05))
    assert found.loc["inside", "simulated_mean"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- reproduction


def test_compared_targets_take_the_difference_with_the_control_of_the_same_replication(tmp_path: Path) -> None:
    experiment = Experiment.from_dict(
        {
            "name": "tiny",
            "scenario": {"weeks": 12, "organisation": {"size": 200}, "programme": {"cohort_size": 15}},
            "grid": {"policy": ["random", "none"]},
            "replications": 3,
            "seed": 5,
        }
    )
    results = load_results(run_experiment(experiment, out=tmp_path / "tiny", backend="serial", progress=False))
    table = pd.DataFrame(
        {
            "case": "tiny",
            "target": ["gap", "pairs"],
            "kind": ["direction", "design"],
            "metric": ["final(column='digital_gap')", "pairs()"],
            "compare": ["control", ""],
        }
    )
    values = simulated_values(results, table)
    runs = results.runs.set_index(["policy", "replication"])
    last = results.timeseries.sort_values("week").groupby("run_id").last()["digital_gap"]
    gap = values[values["target"] == "gap"].set_index("replication")["value"]
    assert len(gap) == 3
    for r in range(3):
        expected = last[runs.loc[("random", r), "run_id"]] - last[runs.loc[("none", r), "run_id"]]
        assert gap[r] == pytest.approx(expected)
    pairs = values[values["target"] == "pairs"]
    assert len(pairs) == 6 and (pairs.loc[pairs["policy"] == "none", "value"] == 0).all()


def test_reproduce_checks_a_case_resumes_and_the_cli_exit_code_follows_the_table(tmp_path: Path, capsys) -> None:
    found = reproduce("microsoft_norway", replications=3, out=tmp_path, backend="serial", progress=False)
    table = found.table
    assert list(table["target"]) == ["pairs", "meetings_per_year"] and table.loc[0, "replications"] == 3
    assert table.loc[1, "replications"] <= 3  # only pairs that ran their full year have a cadence
    assert table.loc[0, "simulated_mean"] == 1 and table.loc[0, "plausible"]
    folder = found.folders["microsoft_norway"]
    assert folder.name == "microsoft_norway-r3-s2026" and len(load_results(folder).runs) == 3
    stamp = {p: p.stat().st_mtime_ns for p in folder.rglob("*.parquet")}
    again = reproduce(["microsoft_norway"], replications=3, out=tmp_path, backend="serial", progress=False)
    pd.testing.assert_frame_equal(again.table, table)
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*.parquet")} == stamp  # nothing was run again
    code = main(["reproduce", "microsoft_norway", "--replications", "3", "--backend", "serial", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == (0 if found.all_plausible else 1)
    assert "microsoft_norway meetings_per_year" in out and "plausible" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reproduce", "enron"], "case = 'enron': no such case study"),
        (["reproduce", "hartford", "--replications", "1"], "--replications = 1: must be a whole number >= 2"),
        (["run", "--case", "hartford", "scenario.yaml"], "--case = 'hartford': give a case study or a scenario file"),
    ],
)
def test_cli_errors_exit_2_with_one_line(argv: list[str], message: str, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "results").exists()


def test_cli_lists_cases_and_runs_a_preset(tmp_path: Path, capsys) -> None:
    assert main(["reproduce", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in CASES) and "mentors_promoted_within_a_year" in listing
    out = tmp_path / "hartford"
    assert main(["run", "--case", "hartford", "--weeks", "5", "--out", str(out), "--quiet"]) == 0
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert len(pairs) == 12


@pytest.mark.slow
def test_reproduce_fast_mode_runs_every_case(tmp_path: Path, capsys) -> None:
    code = main(["reproduce", "--fast", "--workers", "2", "--out", str(tmp_path), "--csv", str(tmp_path / "table.csv")])
    table = pd.read_csv(tmp_path / "table.csv")
    assert set(table["case"]) == set(CASES) and len(table) == len(targets())
    assert (table["replications"] <= 4).all() and (table.loc[table["target"] == "pairs", "replications"] == 4).all()
    assert code == (0 if table["plausible"].all() else 1)
    design = table[(table["kind"] == "design") & (table["replications"] > 0)]
    assert design["plausible"].all(), design  # the presets realise what they encode
    assert not table.loc[table["replications"] == 0, "plausible"].any()  # no simulated value: never plausible
    out = capsys.readouterr().out
    assert ("all published values are plausible" in out) == bool(table["plausible"].all())


# --------------------------------------------------------------------------- calibration


def _attendance_case() -> tuple[CaseStudy, pd.DataFrame]:
    scenario = rmsim.Scenario.from_dict(
        {
            "name": "attendance",
            "weeks": 26,
            "organisation": {"size": 300},
            "programme": {"policy": "random", "cohort_size": 25, "cadence_weeks": 2, "duration_weeks": 26},
        }
    )
    study = CaseStudy(case="attendance", title="t", summary="s", sources=["RMBusiness"], card="none.md", scenario=scenario)
    table = pd.DataFrame(
        {
            "case": "attendance",
            "target": ["meetings"],
            "quantity": "meetings per pair-year",
            "kind": "outcome",
            "metric": "meetings_per_year()",
            "compare": "",
            "published": [math.nan],
            "lower": [math.nan],
            "upper": [math.nan],
        }
    )
    return study, table


def test_calibration_recovers_a_known_parameter_from_targets_simulated_with_it(tmp_path: Path) -> None:
    study, table = _attendance_case()
    truth = 0.6
    # the "published" figure: the target simulated at the true value, on seeds the calibration does not use
    frames = []
    for seed in range(100, 104):
        result = rmsim.run(study.scenario.with_overrides({"programme.attendance": truth}), seed=seed)
        frames.append(evaluate("meetings_per_year()", Frames(result.timeseries, result.employees, result.pairs, result.events)))
    observed = float(np.mean(frames))
    table[["published", "lower", "upper"]] = observed
    found = calibrate(
        study,
        {"programme.attendance": (0.1, 1.0)},
        target_table=table,
        samples=24,
        replications=2,
        accept=0.25,
        out=tmp_path,
        backend="serial",
        progress=False,
    )
    estimate = found.estimates.set_index("parameter").loc["programme.attendance"]
    assert estimate["low"] <= truth <= estimate["high"]
    assert abs(estimate["estimate"] - truth) < 0.1
    assert estimate["narrowing"] < 0.4 and not estimate["at_edge"]
    assert len(found.posterior) == 6 and found.posterior["distance"].max() == pytest.approx(found.tolerance)
    assert bool(found.diagnostic.loc[0, "reached"])
    assert "programme.attendance" in found.summary()


def test_calibration_refuses_direction_targets_and_bad_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="direction targets"):
        calibrate("pg_mentor_up", {"careers.visibility_weight": (0, 5)}, targets=["women_manager_retention_vs_control"])
    with pytest.raises(ConfigError, match="allowed: pairs, meetings_per_year"):
        calibrate("microsoft_norway", {"programme.attendance": (0, 1)}, targets=["nope"])
    with pytest.raises(ConfigError, match="samples = 1"):
        calibrate("hartford", {"careers.visibility_weight": (0, 5)}, samples=1)


def test_saved_calibration_is_applied_and_can_be_ignored(tmp_path: Path) -> None:
    for name in ("hartford.yaml", "hartford.md"):
        shutil.copy(CASES_FOLDER / name, tmp_path / name)
    study = load_case(tmp_path / "hartford.yaml")
    before = set(study.calibrated)
    from rmsim.case_studies import Calibrated, write_calibration

    value = Calibrated(value=7.5, interval=(5, 9), prior=(0, 20), method="m", targets=["t"], note="n")
    write_calibration(study, "careers.visibility_weight", value)
    again = load_case(tmp_path / "hartford.yaml")
    assert again.calibrated["careers.visibility_weight"].value == 7.5
    assert again.build_scenario().careers.visibility_weight == 7.5
    assert again.build_scenario(calibrated=False).careers.visibility_weight == rmsim.Scenario().careers.visibility_weight
    assert (tmp_path / "hartford.yaml").read_text(encoding="utf-8").startswith("# Preset: The Hartford")
    with pytest.raises(ConfigError):
        write_calibration(again, "careers.no_such_field", value)
    assert set(load_case(tmp_path / "hartford.yaml").calibrated) == before | {"careers.visibility_weight"}
