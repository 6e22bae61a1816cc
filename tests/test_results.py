"""Result frames, their schema, and writing them to disk with provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import rmsim
from rmsim import ConfigError, ReverseMentoringModel, RunResult
from rmsim.results import FRAMES, read_manifest


@pytest.fixture(scope="module")
def result() -> RunResult:
    return rmsim.run(seed=12, employees=250, weeks=30)


def test_timeseries_has_one_row_per_week_and_the_promised_columns(result: RunResult) -> None:
    ts = result.timeseries
    assert ts["week"].tolist() == list(range(31))
    required = {"week", "headcount", "hires", "exits", "active_pairs", "mean_engagement", "digital_gap"}
    assert required <= set(ts.columns)
    for generation in rmsim.GENERATION_NAMES:
        assert {f"retention_{generation}", f"skill_digital_{generation}", f"headcount_{generation}"} <= set(ts.columns)
    assert (ts[[f"headcount_{g}" for g in rmsim.GENERATION_NAMES]].sum(axis=1) == ts["headcount"]).all()
    assert ts["hires"].sum() == (result.events["event"] == "hire").sum()
    assert ts["exits"].sum() == (result.events["event"] == "exit").sum()
    assert ts["pairs_started"].sum() == len(result.pairs)


def test_employees_frame_has_every_employee_ever_employed(result: RunResult) -> None:
    emp = result.employees
    required = {"employee_id", "generation", "level", "role", "hired_week", "left_week", "promotions"}
    assert required <= set(emp.columns)
    for domain in rmsim.DOMAINS:
        assert {f"skill_{domain}_start", f"skill_{domain}_end"} <= set(emp.columns)
    initial = int(result.timeseries["headcount"].iloc[0])
    assert len(emp) == initial + result.timeseries["hires"].sum()
    assert set(emp["role"].cat.categories) == {"none", "mentor", "mentee"}
    assert set(emp.loc[emp["role"] == "mentor", "employee_id"]) == set(result.pairs["mentor_id"])
    assert set(emp.loc[emp["role"] == "mentee", "employee_id"]) == set(result.pairs["mentee_id"])
    gone = emp["left_week"].notna()
    assert emp.loc[gone, "exit_reason"].notna().all() and emp.loc[~gone, "exit_reason"].isna().all()
    assert emp[[f"skill_{d}_end" for d in rmsim.DOMAINS]].notna().all().all()


def test_pairs_and_events_frames(result: RunResult) -> None:
    pairs = result.pairs
    required = {"mentor_id", "mentee_id", "start_week", "meetings", "dissolved_week", "quality", "rating_business"}
    assert required <= set(pairs.columns)
    assert set(pairs["status"].cat.categories) == {"active", "completed", "dissolved", "left"}
    events = result.events
    assert set(events["event"].cat.categories) == {"hire", "exit", "promotion"}
    assert events.loc[events["event"] == "exit", "reason"].notna().all()
    assert events.loc[events["event"] != "promotion", "from_level"].isna().all()


def test_summary_and_long_timeseries(result: RunResult) -> None:
    summary = result.summary()
    assert list(summary.columns) == ["quantity", "value", "unit"]
    values = summary.set_index("quantity")["value"]
    assert values["pairs formed"] == len(result.pairs)
    assert values["weeks simulated"] == 30
    long = result.timeseries_long()
    assert list(long.columns) == ["week", "generation", "metric", "value"]
    assert set(long["metric"]) == {"headcount", "retention", *(f"skill_{d}" for d in rmsim.DOMAINS)}
    assert "gen_alpha" not in set(long["generation"])  # nobody of that generation works here in 2026
    assert "RunResult(" in repr(result)


def test_to_parquet_round_trip_with_provenance(result: RunResult, tmp_path: Path) -> None:
    out = result.to_parquet(tmp_path / "run")
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{n}.parquet" for n in FRAMES), "manifest.json"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 12
    assert manifest["scenario"]["organisation"]["size"] == 250
    assert {"python", "numpy", "pandas", "mesa", "rmsim"} <= set(manifest["versions"])
    assert {"commit", "dirty"} == set(manifest["git"])
    assert manifest["frames"]["employees"] == len(result.employees)
    assert read_manifest(out / "pairs.parquet") == manifest
    loaded = RunResult.from_parquet(out)
    assert loaded.scenario == result.scenario and loaded.seed == result.seed
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(result, name))


def test_results_are_never_overwritten_by_accident(result: RunResult, tmp_path: Path) -> None:
    out = result.to_parquet(tmp_path / "run")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    other = rmsim.run(seed=13, employees=60, weeks=2)
    with pytest.raises(ConfigError, match="already holds results"):
        other.to_parquet(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    (tmp_path / "stranger").mkdir()
    (tmp_path / "stranger" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="other files"):
        other.to_parquet(tmp_path / "stranger")
    other.to_parquet(out, overwrite=True)
    assert RunResult.from_parquet(out).seed == 13


def test_an_interrupted_write_leaves_nothing_behind(result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rmsim.results as results

    calls = {"n": 0}
    original = results.write_parquet

    def failing(frame: pd.DataFrame, path: Path, text: str) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        original(frame, path, text)

    monkeypatch.setattr(results, "write_parquet", failing)
    with pytest.raises(OSError, match="disk full"):
        result.to_parquet(tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_result_of_an_unstepped_model_is_the_initial_workforce() -> None:
    model = ReverseMentoringModel(seed=1, employees=80, weeks=10)
    initial = model.result()
    assert len(initial.employees) == 80 and initial.employees["initial"].all()
    assert len(initial.timeseries) == 1 and len(initial.pairs) == 0
