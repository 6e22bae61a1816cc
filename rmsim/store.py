"""The results folder of an experiment, written run by run and read back.

Layout of ``results/<experiment>/``::

    manifest.json                experiment spec and its hash, seeds, versions, git revision,
                                 timings, and the status of every run
    runs/<run_id>/run.json       one run's record: arm factors, replication, seed, status,
                                 error, outcomes, elapsed time
    runs/<run_id>/<frame>.parquet   timeseries, employees, pairs, events of that run, each row
                                 tagged with run_id, arm, the arm's factors and replication

Every run is written into a staging folder and renamed into ``runs/`` when it
is complete, so a run folder either holds the whole run or does not exist: an
experiment killed at any moment (even ``kill -9``) loses no finished run, and
running it again skips what is there. The manifest is rewritten atomically.
The run folders are the truth about what has finished; the manifest's run
list is a convenience refreshed as runs finish.

The Parquet files of all runs form one dataset per frame, e.g. with DuckDB::

    SELECT policy, avg(digital_gap) FROM 'results/demo/runs/*/timeseries.parquet'
    WHERE week = 104 GROUP BY policy
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rmsim import provenance
from rmsim.errors import ConfigError
from rmsim.results import OUTCOMES

if TYPE_CHECKING:
    import statsmodels.regression.linear_model as sm_lm

    from rmsim.experiment import Experiment, RunOutput

MANIFEST = "manifest.json"
RUNS = "runs"
RECORD = "run.json"
_STAGING = ".staging"
_REFRESH_SECONDS = 2.0


def _write_json_atomic(path: Path, content: Any) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(content, indent=2, default=str) + "\n")
    os.replace(temporary, path)


class ResultStore:
    """Writes an experiment's results folder; see the module documentation.

    Use :meth:`open`; :func:`rmsim.experiment.run_experiment` drives it.
    """

    def __init__(self, path: Path, experiment: Experiment, manifest: dict[str, Any]) -> None:
        self.path = path
        self.experiment = experiment
        self.manifest = manifest
        self._records: dict[str, dict[str, Any]] = {}
        self._last_refresh = 0.0
        self._started = 0.0

    @classmethod
    def open(cls, path: str | Path, experiment: Experiment) -> ResultStore:
        """Open ``path`` for ``experiment``, creating it, or resuming it if it holds the same spec.

        Raises
        ------
        rmsim.errors.ConfigError
            If the folder holds another experiment's results, a changed spec,
            or files that are not rmsim results.
        """
        path = Path(path)
        spec_hash = experiment.spec_hash()
        manifest_path = path / MANIFEST
        if manifest_path.is_file():
            try:
                manifest = json.loads(manifest_path.read_text())
                recorded = manifest["spec_hash"]
            except (OSError, ValueError, KeyError):
                raise ConfigError("out", str(path), "has an unreadable manifest.json; choose another folder") from None
            if recorded != spec_hash:
                changed = _changed_fields(manifest.get("experiment", {}), experiment.to_dict())
                raise ConfigError(
                    "out",
                    str(path),
                    f"holds results of a different specification of experiment '{manifest.get('experiment', {}).get('name')}'"
                    f" (changed: {', '.join(changed) or 'defaults of this rmsim version'}); "
                    "give a new folder with --out (out=...) or delete this one",
                )
        elif path.exists() and any(p.name != _STAGING for p in path.iterdir()):
            raise ConfigError("out", str(path), "exists and is not an rmsim experiment folder; choose another folder")
        else:
            manifest = provenance.manifest(
                "experiment",
                experiment=experiment.to_dict(),
                spec_hash=spec_hash,
                seeds={r: experiment.replication_seed(r) for r in range(experiment.replications)},
                arms=experiment.arms(),
                attempts=[],
                runs={},
            )
        (path / RUNS).mkdir(parents=True, exist_ok=True)
        shutil.rmtree(path / _STAGING, ignore_errors=True)  # leftovers of a killed attempt
        (path / _STAGING).mkdir()
        store = cls(path, experiment, manifest)
        store._records = _read_records(path)
        return store

    def finished(self, *, include_failed: bool = False) -> set[str]:
        """Run ids already in the folder (successful ones, and failed ones if asked)."""
        return {rid for rid, rec in self._records.items() if rec["status"] == "ok" or include_failed}

    def begin(self, **attempt: Any) -> None:
        """Record the start of an attempt and write the manifest."""
        self._started = time.perf_counter()
        self.manifest.setdefault("attempts", []).append(
            {"started": provenance.now(), **attempt, "versions": provenance.package_versions(), "git": provenance.git_revision()}
        )
        self.manifest["status"] = "running"
        self._refresh(force=True)

    def write_run(self, output: RunOutput) -> None:
        """Write one run atomically (its frames and record), replacing an earlier failed attempt."""
        record = output.record
        run_id = record["run_id"]
        staging = self.path / _STAGING / f"{run_id}-{uuid.uuid4().hex}"
        staging.mkdir()
        for name, data in output.files.items():
            (staging / f"{name}.parquet").write_bytes(data)
        record = {**record, "finished": provenance.now()}
        (staging / RECORD).write_text(json.dumps(record, indent=2, default=str) + "\n")
        target = self.path / RUNS / run_id
        if target.exists():  # an earlier failed attempt: move it aside, then put the new run in place
            trash = self.path / _STAGING / f"old-{run_id}-{uuid.uuid4().hex}"
            os.replace(target, trash)
            os.replace(staging, target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, target)
        self._records[run_id] = record
        self._refresh()

    def end(self) -> None:
        """Record the end of the attempt and write the final manifest."""
        attempt = self.manifest["attempts"][-1]
        attempt["ended"] = provenance.now()
        attempt["elapsed_seconds"] = round(time.perf_counter() - self._started, 3)
        planned = {spec["run_id"] for spec in self.experiment.plan()}
        ok = self.finished()
        self.manifest["status"] = "complete" if planned <= ok else "incomplete"
        self._refresh(force=True)
        shutil.rmtree(self.path / _STAGING, ignore_errors=True)

    def _refresh(self, *, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last_refresh < _REFRESH_SECONDS:
            return
        self._last_refresh = now
        self.manifest["runs"] = {
            rid: {k: rec.get(k) for k in ("status", "error", "elapsed_seconds", "finished")}
            for rid, rec in sorted(self._records.items())
        }
        _write_json_atomic(self.path / MANIFEST, self.manifest)


def _read_records(path: Path) -> dict[str, dict[str, Any]]:
    records = {}
    for folder in sorted((path / RUNS).iterdir()) if (path / RUNS).is_dir() else []:
        try:
            records[folder.name] = json.loads((folder / RECORD).read_text())
        except (OSError, ValueError):
            continue  # not a complete run folder: it will be run again
    return records


def _changed_fields(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    changed = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict) and key not in ("grid", "control"):
            changed += _changed_fields(a, b, f"{prefix}{key}.")
        elif a != b:
            changed.append(f"{prefix}{key}")
    return changed


# --------------------------------------------------------------------------- reading


@dataclass
class ExperimentResults:
    """An experiment's results, as tidy pandas frames.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per planned run: ``run_id``, ``arm``, the arm's factors,
        ``replication``, ``seed``, ``status`` (``ok``, ``failed`` or
        ``pending``), ``error``, ``elapsed_seconds``, then one column per
        outcome (see ``rmsim.results.OUTCOMES``).
    timeseries, employees, pairs, events : pandas.DataFrame
        The frames of a single run's result (:class:`rmsim.RunResult`) for
        every successful run, each row tagged with ``run_id``, ``arm``, the
        arm's factors and ``replication``.
    experiment : Experiment
        The specification.
    manifest : dict
        Provenance: spec, seeds, package versions, git revision, attempts.
    path : pathlib.Path
        The results folder.
    """

    experiment: Experiment
    manifest: dict[str, Any]
    runs: pd.DataFrame
    path: Path
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def _frame(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            self._frames[name] = _read_frame(self.path, name, self.runs)
        return self._frames[name]

    @property
    def timeseries(self) -> pd.DataFrame:
        """Weekly metrics of every run (see :attr:`rmsim.RunResult.timeseries`)."""
        return self._frame("timeseries")

    @property
    def employees(self) -> pd.DataFrame:
        """Employees of every run (see :attr:`rmsim.RunResult.employees`)."""
        return self._frame("employees")

    @property
    def pairs(self) -> pd.DataFrame:
        """Pairs of every run (see :attr:`rmsim.RunResult.pairs`)."""
        return self._frame("pairs")

    @property
    def events(self) -> pd.DataFrame:
        """Events of every run (see :attr:`rmsim.RunResult.events`)."""
        return self._frame("events")

    @property
    def factors(self) -> list[str]:
        """The design's factors."""
        return self.experiment.factors

    @property
    def failed(self) -> pd.DataFrame:
        """Runs that raised, with their error."""
        return self.runs.loc[self.runs["status"] == "failed", ["run_id", *self.factors, "replication", "seed", "error"]]

    def status(self) -> pd.Series:
        """Number of runs by status (``ok``, ``failed``, ``pending``)."""
        return self.runs["status"].value_counts().reindex(["ok", "failed", "pending"], fill_value=0)

    def summary(self, outcomes: list[str] | None = None, *, confidence: float = 0.95) -> pd.DataFrame:
        """Per-arm means of outcomes with confidence intervals across replications.

        See :func:`rmsim.analysis.arm_summary`.
        """
        from rmsim.analysis import arm_summary

        return arm_summary(self._ok(), outcomes or default_outcomes(self.runs), self.factors, confidence=confidence)

    def contrasts(self, outcomes: list[str] | None = None, *, confidence: float = 0.95) -> pd.DataFrame:
        """Paired differences of every arm from the control arm, replication by replication.

        See :func:`rmsim.analysis.paired_contrasts`.
        """
        from rmsim.analysis import paired_contrasts

        control = self.experiment.control_arm()
        if control is None:
            raise ConfigError("control", None, "this experiment has no control arm; set `control:` in the experiment file")
        return paired_contrasts(self._ok(), outcomes or default_outcomes(self.runs), self.factors, control, confidence=confidence)

    def fit(self, outcome: str, formula: str | None = None) -> tuple[sm_lm.RegressionResultsWrapper, pd.DataFrame]:
        """OLS of an outcome on the factors, replications as clusters.

        See :func:`rmsim.analysis.fit_factors`.
        """
        from rmsim.analysis import fit_factors

        return fit_factors(self._ok(), outcome, self.factors, formula=formula, reference=self.experiment.control_arm())

    def _ok(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "ok"]

    def __repr__(self) -> str:
        counts = self.status()
        return (
            f"ExperimentResults({self.experiment.name!r}, arms={len(self.experiment.arms())}, "
            f"replications={self.experiment.replications}, ok={counts['ok']}, failed={counts['failed']}, "
            f"pending={counts['pending']})"
        )


def default_outcomes(runs: pd.DataFrame) -> list[str]:
    """Outcomes summarised when none are named: those that vary or are defined."""
    keys = [
        "mentee_digital_gain",
        "digital_gap_end",
        "annual_exit_rate",
        "mentor_exit_share",
        "mentor_promoted_within_year",
        "promotions",
        "mean_engagement_end",
        "pairs_formed",
        "pairs_dissolved",
        "programme_cost",
        "turnover_cost",
    ]
    return [k for k in keys if k in runs]


def load_results(path: str | Path) -> ExperimentResults:
    """Read an experiment's results folder.

    Parameters
    ----------
    path
        Folder written by :func:`rmsim.experiment.run_experiment` (or
        ``rmsim experiment run``).

    Returns
    -------
    ExperimentResults
        ``runs`` (one row per planned run, with status and outcomes) and the
        frames ``timeseries``, ``employees``, ``pairs``, ``events`` of every
        finished run, read when first used.
    """
    from rmsim.experiment import Experiment

    path = Path(path)
    if not (path / MANIFEST).is_file():
        raise ConfigError("path", str(path), "no manifest.json here; not an rmsim experiment folder")
    manifest = json.loads((path / MANIFEST).read_text())
    experiment = Experiment.model_validate(manifest["experiment"], context={"results_only": True})
    records = _read_records(path)
    rows = []
    for spec in experiment.plan():
        record = records.get(spec["run_id"], {})
        rows.append(
            {
                "run_id": spec["run_id"],
                "arm": spec["arm"],
                **spec["factors"],
                "replication": spec["replication"],
                "seed": spec["seed"],
                "status": record.get("status", "pending"),
                "error": record.get("error"),
                "elapsed_seconds": record.get("elapsed_seconds"),
                **{key: (record.get("outcomes") or {}).get(key) for key in OUTCOMES},
            }
        )
    runs = pd.DataFrame(rows)
    runs["status"] = pd.Categorical(runs["status"], categories=["ok", "failed", "pending"])
    runs[list(OUTCOMES)] = runs[list(OUTCOMES)].astype(float)
    return ExperimentResults(experiment=experiment, manifest=manifest, runs=runs, path=path)


def _read_frame(path: Path, name: str, runs: pd.DataFrame) -> pd.DataFrame:
    files = [path / RUNS / rid / f"{name}.parquet" for rid in runs.loc[runs["status"] == "ok", "run_id"]]
    if not files:
        return pd.DataFrame()
    frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    for column in ("run_id",):
        frame[column] = frame[column].astype("category")
    return frame


__all__ = ["ExperimentResults", "ResultStore", "default_outcomes", "load_results"]
