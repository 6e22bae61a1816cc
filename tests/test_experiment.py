"""Experiments: designs, common random numbers, backends, the result store and summaries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import rmsim
from rmsim import pairing
from rmsim.errors import ConfigError
from rmsim.experiment import Experiment, default_experiment, run_experiment
from rmsim.store import load_results

TINY = {"weeks": 10, "organisation": {"size": 150}, "programme": {"cohort_size": 8}}


def _experiment(name: str = "tiny", **fields: object) -> Experiment:
    data = {"name": name, "scenario": TINY, "grid": {"policy": ["none", "random"]}, "replications": 2, "seed": 5}
    return Experiment.from_dict({**data, **fields})


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    results = load_results(path)
    tables = {"runs": results.runs.drop(columns="elapsed_seconds")}
    for name in ("timeseries", "employees", "pairs", "events"):
        tables[name] = getattr(results, name)
    return tables


# --------------------------------------------------------------------------- design


def test_grid_is_the_full_factorial_in_a_fixed_order() -> None:
    e = _experiment(grid={"policy": ["none", "random"], "programme.cadence_weeks": [2, 4, 8]})
    arms = e.arms()
    assert len(arms) == 6
    assert arms[0] == {"policy": "none", "programme.cadence_weeks": 2}
    assert {(a["policy"], a["programme.cadence_weeks"]) for a in arms} == {(p, c) for p in ("none", "random") for c in (2, 4, 8)}
    assert len(e.runs()) == 12
    assert len({r.run_id for r in e.runs()}) == 12


def test_runs_apply_their_arm_to_the_scenario() -> None:
    e = _experiment(grid={"policy": ["random"], "programme.cadence_weeks": [2, 6]})
    cadences = {r.factors["programme.cadence_weeks"]: r.scenario["programme"]["cadence_weeks"] for r in e.runs()}
    assert cadences == {2: 2, 6: 6}
    assert all(r.scenario["organisation"]["size"] == 150 for r in e.runs())


def test_replication_r_has_the_same_seed_in_every_arm_and_seeds_differ_across_replications() -> None:
    e = _experiment(replications=4)
    seeds = pd.DataFrame([(r.arm, r.replication, r.seed) for r in e.runs()], columns=["arm", "rep", "seed"])
    assert (seeds.groupby("rep")["seed"].nunique() == 1).all()
    assert seeds.groupby("arm")["seed"].nunique().eq(4).all()
    assert _experiment(seed=6).runs()[0].seed != e.runs()[0].seed


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_sampled_design_covers_its_ranges_with_integer_fields_rounded(method: str) -> None:
    sample = {"method": method, "n": 8, "factors": {"learning.transfer_rate": [0.05, 0.2], "programme.cadence_weeks": [1, 8]}}
    e = _experiment(grid={"policy": ["random"]}, sample=sample)
    arms = e.arms()
    assert len(arms) == 8
    rates = np.array([a["learning.transfer_rate"] for a in arms])
    cadences = [a["programme.cadence_weeks"] for a in arms]
    assert ((rates >= 0.05) & (rates <= 0.2)).all() and len(set(rates)) == 8
    assert all(isinstance(c, int) and 1 <= c <= 8 for c in cadences)
    assert e.arms() == arms  # the design is a function of the master seed
    if method == "lhs":  # one point in each eighth of the range
        assert sorted(np.floor((rates - 0.05) / 0.15 * 8).astype(int)) == list(range(8))


def test_experiment_file_with_scenario_path_and_census(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    (tmp_path / "scenario.yaml").write_text(
        yaml.safe_dump({"weeks": 6, "organisation": {"census": str(root / "data/examples/census_example_synthetic.csv")}})
    )
    (tmp_path / "exp.yaml").write_text(
        "name: from-file\nscenario: scenario.yaml\ngrid:\n  policy: [none, random]\nreplications: 1\n"
    )
    e = Experiment.from_yaml(tmp_path / "exp.yaml")
    assert e.scenario.weeks == 6 and e.scenario.organisation.size == 300
    assert e.control_arm() == {"policy": "none"}


def test_hand_picked_designs_are_arms_completed_with_the_base_scenario() -> None:
    experiment = _experiment(
        grid={},
        designs=[{"policy": "none"}, {"policy": "random", "programme.cadence_weeks": 2}, {"policy": "common_interests"}],
    )
    base = experiment.scenario.programme.cadence_weeks
    assert experiment.factors == ["policy", "programme.cadence_weeks"]
    assert experiment.arms() == [
        {"policy": "none", "programme.cadence_weeks": base},
        {"policy": "random", "programme.cadence_weeks": 2},
        {"policy": "common_interests", "programme.cadence_weeks": base},
    ]
    assert experiment.control_arm() == {"policy": "none", "programme.cadence_weeks": base}
    runs = experiment.runs()
    assert [r.scenario["programme"]["cadence_weeks"] for r in runs[:: experiment.replications]] == [base, 2, base]
    crossed = _experiment(grid={"organisation.size": [150, 200]}, designs=[{"policy": "none"}, {"policy": "random"}])
    assert [(a["organisation.size"], a["policy"]) for a in crossed.arms()] == [
        (150, "none"),
        (150, "random"),
        (200, "none"),
        (200, "random"),
    ]


def test_hand_picked_designs_are_compared_with_their_control(tmp_path: Path) -> None:
    experiment = _experiment(grid={}, designs=[{"policy": "none"}, {"policy": "random", "cadence_weeks": 2}])
    results = load_results(run_experiment(experiment, out=tmp_path / "designs", backend="serial", progress=False))
    contrasts = results.contrasts(["mean_engagement_end"])
    assert len(contrasts) == 1 and contrasts.iloc[0]["policy"] == "random" and contrasts.iloc[0]["cadence_weeks"] == 2


@pytest.mark.parametrize(
    ("fields", "field", "value"),
    [
        ({"grid": {"policy": ["none", "nonsense"]}}, "grid.policy", "nonsense"),
        ({"grid": {"organisation.size": [100, -5]}}, "grid.organisation.size", "-5"),
        ({"grid": {"programme.no_such": [1]}}, "grid.programme.no_such", "1"),
        ({"grid": {"policy": []}}, "grid.policy", "[]"),
        ({"grid": {"policy": ["random", "random"]}}, "grid.policy", "random"),
        ({"replications": 0}, "replications", "0"),
        ({"seed": -1}, "seed", "-1"),
        ({"name": "a b/c"}, "name", "a b/c"),
        ({"control": {"policy": "traditional"}}, "control.policy", "traditional"),
        ({"control": {"weeks": 3}}, "control", "weeks"),
        ({"sample": {"method": "grid", "factors": {"weeks": [1, 2]}}}, "sample.method", "grid"),
        ({"sample": {"factors": {"learning.transfer_rate": [0.3, 0.1]}}}, "sample.factors.learning.transfer_rate", "0.3"),
        ({"sample": {"factors": {"programme.formality": [0, 1]}}}, "sample.factors.programme.formality", "formality"),
        ({"sample": {"factors": {"programme.cadence_weeks": [0, 4]}}}, "sample.factors.programme.cadence_weeks", "[0"),
        ({"unknown": 1}, "unknown", "1"),
        ({"designs": [{"policy": "random"}, {}]}, "designs[1]", "{}"),
        ({"grid": {}, "designs": [{"policy": "random"}, {"policy": "nonsense"}]}, "designs[1]", "nonsense"),
        ({"designs": [{"policy": "random"}, {"policy": "random"}]}, "designs", "random"),
        ({"grid": {"policy": ["none"]}, "designs": [{"policy": "random"}]}, "grid", "policy"),
        (
            {"grid": {}, "designs": [{"policy": "random"}, {"policy": "none"}], "control": {"policy": "traditional"}},
            "control",
            "trad",
        ),
    ],
)
def test_invalid_experiments_name_the_field_and_value(fields: dict, field: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        _experiment(**fields)
    assert info.value.field == field
    assert value in str(info.value)


def test_experiment_file_errors_are_config_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: x\ngrid: [1, 2\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        Experiment.from_yaml(tmp_path / "bad.yaml")
    with pytest.raises(ConfigError, match="no such file"):
        Experiment.from_yaml(tmp_path / "missing.yaml")
    (tmp_path / "noscenario.yaml").write_text("name: x\nscenario: nowhere.yaml\n")
    with pytest.raises(ConfigError, match=r"nowhere\.yaml"):
        Experiment.from_yaml(tmp_path / "noscenario.yaml")


def test_with_changes_returns_a_validated_variant() -> None:
    e = _experiment()
    quick = e.with_changes(replications=1, name="quick")
    assert (quick.replications, quick.name, quick.grid) == (1, "quick", e.grid)
    with pytest.raises(ConfigError, match="replications"):
        e.with_changes(replications=0)


def test_default_experiment_compares_every_built_in_policy_with_the_control() -> None:
    e = default_experiment()
    assert e.grid["policy"][0] == "none"
    assert set(e.grid["policy"]) >= {"random", "traditional", "common_interests", "weighted_score"}
    assert e.control_arm() == {"policy": "none"}
    assert e.replications >= 10


# --------------------------------------------------------------------------- running and the store


@pytest.fixture(scope="module")
def serial_tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_experiment(_experiment(), out=tmp_path_factory.mktemp("serial") / "tiny", backend="serial", progress=False)


def test_results_folder_holds_every_run_tagged_with_its_arm(serial_tiny: Path) -> None:
    results = load_results(serial_tiny)
    assert results.status().to_dict() == {"ok": 4, "failed": 0, "pending": 0}
    assert list(results.runs.columns[:6]) == ["run_id", "arm", "policy", "replication", "seed", "status"]
    ts = results.timeseries
    assert len(ts) == 4 * 11
    assert ts.groupby("run_id", observed=True)["week"].apply(lambda w: list(w) == list(range(11))).all()
    assert set(ts.loc[ts["policy"] == "none", "active_pairs"]) == {0}
    for name in ("employees", "pairs", "events"):
        frame = getattr(results, name)
        assert {"run_id", "arm", "policy", "replication"} <= set(frame.columns)
    manifest = json.loads((serial_tiny / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["experiment"]["name"] == "tiny"
    assert {"versions", "git", "seeds", "spec_hash", "attempts"} <= set(manifest)
    assert manifest["seeds"]["0"] == results.runs.loc[0, "seed"]


def test_a_run_matches_the_same_scenario_run_on_its_own(serial_tiny: Path) -> None:
    results = load_results(serial_tiny)
    row = results.runs.iloc[3]
    alone = rmsim.run(_experiment().scenario, seed=int(row["seed"]), policy=row["policy"])
    ts = results.timeseries[results.timeseries["run_id"] == row["run_id"]].drop(
        columns=["run_id", "arm", "policy", "replication"]
    )
    pd.testing.assert_frame_equal(ts.reset_index(drop=True), alone.timeseries)
    assert results.runs.loc[3, "annual_exit_rate"] == pytest.approx(alone.outcomes()["annual_exit_rate"])


@pytest.mark.slow
def test_backends_give_identical_tables(serial_tiny: Path, tmp_path: Path) -> None:
    expected = _tables(serial_tiny)
    for backend in ("processes", "dask"):
        path = run_experiment(_experiment(), out=tmp_path / backend, backend=backend, workers=2, progress=False)
        got = _tables(path)
        for name, frame in expected.items():
            pd.testing.assert_frame_equal(got[name], frame, obj=f"{backend}: {name}")


def test_dask_backend_uses_a_given_client_or_scheduler_address(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        by_client = run_experiment(_experiment(replications=1), out=tmp_path / "c", backend="dask", client=client, progress=False)
        by_address = run_experiment(
            _experiment(replications=1), out=tmp_path / "a", backend="dask", scheduler=cluster.scheduler_address, progress=False
        )
    for path in (by_client, by_address):
        assert load_results(path).status()["ok"] == 2
    pd.testing.assert_frame_equal(_tables(by_client)["timeseries"], _tables(by_address)["timeseries"])


def test_dask_backend_reports_an_unreachable_scheduler(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    with pytest.raises(ConfigError) as info:
        run_experiment(_experiment(), out=tmp_path / "x", backend="dask", scheduler="tcp://127.0.0.1:9", progress=False)
    assert info.value.field == "scheduler"


def test_rerunning_skips_finished_runs(serial_tiny: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(serial_tiny, copy)
    before = {p.name: (p / "run.json").stat().st_mtime_ns for p in (copy / "runs").iterdir()}
    shutil.rmtree(copy / "runs" / "a001-r000")  # as if that run never finished
    run_experiment(_experiment(), out=copy, backend="serial", progress=False)
    after = {p.name: (p / "run.json").stat().st_mtime_ns for p in (copy / "runs").iterdir()}
    assert set(after) == set(before)
    assert {k for k in after if after[k] != before[k]} == {"a001-r000"}
    manifest = json.loads((copy / "manifest.json").read_text())
    assert [a["to_run"] for a in manifest["attempts"]] == [4, 1]
    for name, frame in _tables(serial_tiny).items():
        pd.testing.assert_frame_equal(_tables(copy)[name], frame, obj=name)


def test_changing_the_spec_under_a_results_folder_is_refused(serial_tiny: Path) -> None:
    with pytest.raises(ConfigError) as info:
        run_experiment(_experiment(replications=3), out=serial_tiny, backend="serial", progress=False)
    assert info.value.field == "out"
    assert "replications" in str(info.value) and "--out" in str(info.value)
    assert load_results(serial_tiny).status()["ok"] == 4  # nothing lost


def test_a_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not an rmsim experiment folder"):
        run_experiment(_experiment(), out=tmp_path, backend="serial", progress=False)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.fixture
def flaky_policy():
    """A user policy (defined here, as in a notebook) that raises for about half the seeds."""

    def flaky(pool: rmsim.CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> rmsim.Matching:
        if rng.random() < 0.5:
            raise RuntimeError("flaky policy failed on purpose")
        n = min(len(pool.juniors), len(pool.seniors))
        return rmsim.Matching(np.arange(n), np.arange(n))

    rmsim.register_policy("flaky_test_policy", description="Raises for some seeds (tests).")(flaky)
    yield "flaky_test_policy"
    pairing._REGISTRY.pop("flaky_test_policy")


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_a_failing_run_is_recorded_and_does_not_stop_the_others(tmp_path: Path, flaky_policy: str, backend: str) -> None:
    e = _experiment(grid={"policy": ["none", flaky_policy]}, replications=6)
    path = run_experiment(e, out=tmp_path / "x", backend=backend, workers=2, progress=False)
    results = load_results(path)
    failed = results.failed
    assert 0 < len(failed) < 6
    assert (failed["policy"] == flaky_policy).all()
    assert failed["error"].str.contains("flaky policy failed on purpose").all()
    assert results.status()["ok"] == 12 - len(failed)
    assert not (path / "runs" / failed["run_id"].iloc[0] / "timeseries.parquet").exists()
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["status"] == "incomplete"
    assert manifest["runs"][failed["run_id"].iloc[0]]["status"] == "failed"
    # the same seeds fail again when retried: failures are reproducible
    again = load_results(run_experiment(e, out=tmp_path / "x", backend="serial", progress=False))
    assert list(again.failed["run_id"]) == list(failed["run_id"])


def test_user_policies_reach_worker_processes(tmp_path: Path) -> None:
    def first_come(pool: rmsim.CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> rmsim.Matching:
        n = min(len(pool.juniors), len(pool.seniors))
        return rmsim.Matching(np.arange(n), np.arange(n))

    rmsim.register_policy("first_come_test", description="First junior with first senior (tests).")(first_come)
    try:
        e = _experiment(grid={"policy": ["first_come_test"]}, replications=2)
        serial = run_experiment(e, out=tmp_path / "s", backend="serial", progress=False)
        processes = run_experiment(e, out=tmp_path / "p", backend="processes", workers=2, progress=False)
    finally:
        pairing._REGISTRY.pop("first_come_test")
    assert load_results(processes).status()["ok"] == 2
    for name, frame in _tables(serial).items():
        pd.testing.assert_frame_equal(_tables(processes)[name], frame, obj=name)


@pytest.mark.slow
def test_killing_an_experiment_loses_no_finished_run_and_resume_completes_it(tmp_path: Path) -> None:
    spec = {"name": "killed", "scenario": {**TINY, "weeks": 30}, "grid": {"policy": ["none", "random"]}, "replications": 12}
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(spec))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "rmsim.cli", "experiment", "run", str(tmp_path / "exp.yaml"), "--out", str(out)]
    process = subprocess.Popen([*command, "--backend", "serial", "--quiet", "--no-figure"], start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if (out / "runs").is_dir() and len(list((out / "runs").iterdir())) >= 5:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the experiment finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = sorted(p.name for p in (out / "runs").iterdir())
    assert 5 <= len(finished) < 24
    for run in finished:  # every run folder present is whole
        assert {p.name for p in (out / "runs" / run).iterdir()} == {
            "run.json",
            "timeseries.parquet",
            "employees.parquet",
            "pairs.parquet",
            "events.parquet",
        }
    interrupted = load_results(out)
    assert interrupted.status()["pending"] == 24 - len(finished)
    subprocess.run([*command, "--backend", "processes", "--workers", "2", "--quiet", "--no-figure"], check=True)
    results = load_results(out)
    assert results.status().to_dict() == {"ok": 24, "failed": 0, "pending": 0}
    counts = results.timeseries.groupby("run_id", observed=True).size()
    assert len(counts) == 24 and (counts == 31).all()  # every run exactly once
    reference = run_experiment(Experiment.from_dict(spec), out=tmp_path / "reference", backend="serial", progress=False)
    for name, frame in _tables(reference).items():
        pd.testing.assert_frame_equal(_tables(out)[name], frame, obj=name)


def test_progress_bar_reports_runs_and_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_experiment(_experiment(replications=1), out=tmp_path / "p", backend="serial", progress=True)
    err = capsys.readouterr().err
    assert "tiny" in err and "2/2" in err and "failed=0" in err


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"backend": "threads"}, "backend"),
        ({"backend": "processes", "workers": 0}, "workers"),
        ({"backend": "serial", "scheduler": "tcp://127.0.0.1:1"}, "scheduler"),
    ],
)
def test_invalid_run_options_are_refused_before_anything_is_written(tmp_path: Path, kwargs: dict, field: str) -> None:
    with pytest.raises(ConfigError) as info:
        run_experiment(_experiment(), out=tmp_path / "never", progress=False, **kwargs)
    assert info.value.field == field
    assert not (tmp_path / "never").exists()


def test_load_results_of_a_folder_without_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not an rmsim experiment folder"):
        load_results(tmp_path)


# --------------------------------------------------------------------------- summaries


@pytest.fixture(scope="module")
def policy_runs(tmp_path_factory: pytest.TempPathFactory) -> rmsim.ExperimentResults:
    e = Experiment.from_dict(
        {
            "name": "crn",
            "scenario": {"weeks": 52, "organisation": {"size": 300}, "programme": {"cohort_size": 30}},
            "grid": {"policy": ["none", "random", "traditional"]},
            "replications": 12,
            "seed": 11,
        }
    )
    return load_results(run_experiment(e, out=tmp_path_factory.mktemp("crn") / "crn", backend="processes", progress=False))


def test_common_random_numbers_make_paired_differences_less_variable(policy_runs: rmsim.ExperimentResults) -> None:
    runs = policy_runs.runs
    for outcome in ("annual_exit_rate", "digital_gap_end", "promotions"):
        control = runs[runs["policy"] == "none"].set_index("replication")[outcome]
        treated = runs[runs["policy"] == "random"].set_index("replication")[outcome]
        paired = (treated - control).var()
        unpaired = treated.var() + control.var()
        assert paired < unpaired / 2, outcome
    contrasts = policy_runs.contrasts(["annual_exit_rate"])
    assert (contrasts["se"] < contrasts["se_unpaired"]).all()


def test_arm_summary_matches_a_hand_computation(policy_runs: rmsim.ExperimentResults) -> None:
    table = policy_runs.summary(["mentee_digital_gain", "annual_exit_rate"])
    row = table[(table["policy"] == "random") & (table["outcome"] == "annual_exit_rate")].iloc[0]
    values = policy_runs.runs.loc[policy_runs.runs["policy"] == "random", "annual_exit_rate"]
    half = 2.200985160082949 * values.std(ddof=1) / np.sqrt(12)  # t(0.975, 11)
    assert row["n"] == 12
    assert row["mean"] == pytest.approx(values.mean())
    assert row["ci_low"] == pytest.approx(values.mean() - half)
    assert row["ci_high"] == pytest.approx(values.mean() + half)
    none = table[(table["policy"] == "none") & (table["outcome"] == "mentee_digital_gain")].iloc[0]
    assert none["n"] == 0  # no mentees without a programme


def test_paired_contrasts_match_a_hand_computation(policy_runs: rmsim.ExperimentResults) -> None:
    table = policy_runs.contrasts(["promotions"])
    row = table[table["policy"] == "traditional"].iloc[0]
    runs = policy_runs.runs.set_index(["policy", "replication"])["promotions"]
    diff = runs["traditional"] - runs["none"]
    assert row["difference"] == pytest.approx(diff.mean())
    assert row["se"] == pytest.approx(diff.std(ddof=1) / np.sqrt(12))
    from scipy import stats

    assert row["p_value"] == pytest.approx(stats.ttest_rel(runs["traditional"], runs["none"]).pvalue)
    assert set(table["policy"]) == {"random", "traditional"}


def test_fit_returns_statsmodels_results_and_a_tidy_table(policy_runs: rmsim.ExperimentResults) -> None:
    results, table = policy_runs.fit("promotions")
    assert list(table.columns) == ["term", "estimate", "std_error", "ci_low", "ci_high", "p_value"]
    assert hasattr(results, "summary") and results.cov_type == "cluster"
    term = table.set_index("term").filter(like="traditional", axis=0).iloc[0]
    means = policy_runs.runs.groupby("policy")["promotions"].mean()
    assert term["estimate"] == pytest.approx(means["traditional"] - means["none"])  # treatment coding against none
    assert term["ci_low"] < term["estimate"] < term["ci_high"]
    with pytest.raises(ConfigError, match="outcomes"):
        policy_runs.fit("no_such_outcome")


def test_fit_recovers_known_effects_from_synthetic_runs() -> None:
    from rmsim.analysis import fit_factors

    covered = {"b": 0, "cadence": 0}
    datasets = 40
    for seed in range(datasets):
        rng = np.random.default_rng(seed)
        rows = []
        for r in range(30):
            block = rng.normal(0, 1.0)  # the shared replication effect that common random numbers induce
            for arm, effect in (("a", 0.0), ("b", 0.5)):
                for cadence in (2, 4):
                    y = block + effect - 0.1 * cadence + rng.normal(0, 0.2)
                    rows.append({"arm": arm, "cadence": cadence, "replication": r, "y": y})
        _, table = fit_factors(pd.DataFrame(rows), "y", ["arm", "cadence"], reference={"arm": "a"})
        table = table.set_index("term")
        b = table.loc[table.index.str.contains("T.b")].iloc[0]
        c = table.loc[table.index.str.contains("cadence")].iloc[0]
        covered["b"] += b["ci_low"] < 0.5 < b["ci_high"]
        covered["cadence"] += c["ci_low"] < -0.1 < c["ci_high"]
    # 95% intervals: coverage below 85% in 40 data sets would be a broken interval (binomial p < 0.01)
    assert covered["b"] >= 34 and covered["cadence"] >= 34, covered


# --------------------------------------------------------------------------- command line


def test_cli_experiment_run_status_and_summary(tmp_path: Path) -> None:
    spec = {"name": "cli", "scenario": TINY, "grid": {"policy": ["none", "random"]}, "replications": 2, "seed": 3}
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(spec))
    out = tmp_path / "out"
    base = [sys.executable, "-m", "rmsim.cli", "experiment"]
    done = subprocess.run(
        [*base, "run", str(tmp_path / "exp.yaml"), "--out", str(out), "--backend", "serial"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "ok 4, failed 0, pending 0" in done.stdout
    assert "Difference from the control (policy=none)" in done.stdout
    assert (out / "figure.png").stat().st_size > 10_000
    status = subprocess.run([*base, "status", str(out)], capture_output=True, text=True, check=True)
    assert "2 arms x 2 replications = 4 runs" in status.stdout
    summary = subprocess.run(
        [*base, "summary", str(out), "--outcome", "annual_exit_rate"], capture_output=True, text=True, check=True
    )
    assert "annual_exit_rate" in summary.stdout and "mentee_digital_gain" not in summary.stdout.split("outcomes:")[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing.yaml"], "missing.yaml"),
        (["run", "--backend", "threads"], "threads"),
        (["status", "nowhere"], "nowhere"),
        (["summary", "nowhere"], "nowhere"),
    ],
)
def test_cli_experiment_errors_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "rmsim.cli", "experiment", *args], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "results").exists()
