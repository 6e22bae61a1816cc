"""Results of a run as tidy pandas DataFrames, and writing them to disk.

A :class:`RunResult` holds four frames:

``timeseries``
    One row per week (week 0 is the initial state): headcount, flows,
    programme activity, mean states, skills by domain and generation,
    retention of the initial workforce by generation, cumulative costs.
``employees``
    One row per employee ever employed.
``pairs``
    One row per mentoring pair.
``events``
    One row per hire, exit and promotion.

``to_parquet`` writes them with a ``manifest.json`` (scenario, seed, package
versions, git revision); the manifest is also embedded in each Parquet file's
metadata so that a single file carries its provenance.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmsim import provenance
from rmsim.config import Scenario, validated
from rmsim.errors import ConfigError
from rmsim.programme import ROLE_NAMES, STATUS_NAMES
from rmsim.retention import EXIT_REASONS
from rmsim.workforce import DOMAINS, GENDERS, GENERATION_NAMES, LEVELS

if TYPE_CHECKING:
    from rmsim.model import ReverseMentoringModel

FRAMES = ("timeseries", "employees", "pairs", "events")
MANIFEST = "manifest.json"
_METADATA_KEY = b"rmsim.manifest"


@dataclass
class RunResult:
    """The outcome of one simulation run.

    Attributes
    ----------
    scenario : Scenario
    seed : int
    timeseries, employees, pairs, events : pandas.DataFrame
        Tidy frames; see the module documentation for their rows.
    manifest : dict
        Provenance: scenario, seed, package versions, git revision, timing.
    """

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame
    employees: pd.DataFrame
    pairs: pd.DataFrame
    events: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        s = self.scenario
        return (
            f"RunResult(scenario={s.name!r}, policy={s.programme.policy!r}, seed={self.seed}, weeks={s.weeks}, "
            f"employees={len(self.employees)}, pairs={len(self.pairs)}, events={len(self.events)})"
        )

    def summary(self) -> pd.DataFrame:
        """Key outcomes of the run, one row per quantity.

        Returns
        -------
        pandas.DataFrame
            Columns ``quantity``, ``value`` and ``unit``.
        """
        return summarise(self)

    def outcomes(self) -> dict[str, float]:
        """Key outcomes of the run as ``{key: value}`` (keys listed in ``rmsim.results.OUTCOMES``)."""
        return outcomes(self)

    def timeseries_long(self) -> pd.DataFrame:
        """Per-generation weekly metrics in long format.

        Returns
        -------
        pandas.DataFrame
            Columns ``week, generation, metric, value`` where ``metric`` is
            ``headcount``, ``retention`` or ``skill_<domain>``; generations
            with no employees are left out.
        """
        ts = self.timeseries
        rows = []
        metrics = ["headcount", "retention", *(f"skill_{d}" for d in DOMAINS)]
        for generation in GENERATION_NAMES:
            if ts[f"headcount_{generation}"].max() == 0 and ts[f"retention_{generation}"].isna().all():
                continue
            for metric in metrics:
                rows.append(
                    pd.DataFrame(
                        {"week": ts["week"], "generation": generation, "metric": metric, "value": ts[f"{metric}_{generation}"]}
                    )
                )
        return pd.concat(rows, ignore_index=True)

    def to_parquet(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the four frames and ``manifest.json`` into folder ``path``.

        The folder is written next to its final place and renamed into place
        at the end, so an interrupted write leaves no half-written results.

        Parameters
        ----------
        path
            Folder to create. It must not exist or be empty.
        overwrite
            Replace a folder that already holds rmsim results.

        Returns
        -------
        pathlib.Path
            The folder written.

        Raises
        ------
        rmsim.errors.ConfigError
            If ``path`` holds results (and ``overwrite`` is false) or other files.
        """
        path = Path(path)
        check_output_folder(path, overwrite=overwrite)
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            text = json.dumps(self.manifest, indent=2, default=str)
            for name in FRAMES:
                write_parquet(getattr(self, name), staging / f"{name}.parquet", text)
            (staging / MANIFEST).write_text(text + "\n")
            if path.exists():
                shutil.rmtree(path)
            os.replace(staging, path)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        return path

    @classmethod
    def from_parquet(cls, path: str | Path) -> RunResult:
        """Read a result written by :meth:`to_parquet`."""
        path = Path(path)
        if not (path / MANIFEST).is_file():
            raise ConfigError("path", str(path), "no manifest.json here; not an rmsim result folder")
        manifest = json.loads((path / MANIFEST).read_text())
        frames = {name: pd.read_parquet(path / f"{name}.parquet") for name in FRAMES}
        scenario = validated(Scenario, manifest["scenario"])
        return cls(scenario=scenario, seed=int(manifest["seed"]), manifest=manifest, **frames)


def check_output_folder(path: Path, *, overwrite: bool = False) -> None:
    """Refuse to write into a folder holding results or unrelated files."""
    if path.exists() and not path.is_dir():
        raise ConfigError("out", str(path), "is a file; give a folder")
    if path.is_dir() and any(path.iterdir()):
        if (path / MANIFEST).exists():
            if not overwrite:
                raise ConfigError("out", str(path), "already holds results; choose a new folder or allow overwriting")
        else:
            raise ConfigError("out", str(path), "is a folder with other files; choose a new or empty folder")


def check_creatable(path: Path, *, field: str = "out", what: str = "no folder can be made in it") -> None:
    """Refuse, before any work, a path whose nearest existing ancestor is a file or is not writable.

    ``what`` ends the message for an ancestor that is a file: "{ancestor} is a file, so {what}".
    """
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(field, str(path), f"{ancestor} is a file, so {what}")
    if not os.access(ancestor, os.W_OK):
        raise ConfigError(field, str(path), f"the folder {ancestor} is not writable")


def write_parquet(frame: pd.DataFrame, path: Path, manifest_text: str) -> None:
    """Write ``frame`` to Parquet with the manifest in the file's metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[_METADATA_KEY] = manifest_text.encode()
    pq.write_table(table.replace_schema_metadata(metadata), path)


def read_manifest(parquet_file: str | Path) -> dict[str, Any]:
    """The manifest embedded in a Parquet file written by rmsim."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(parquet_file).metadata or {}
    if _METADATA_KEY not in metadata:
        raise ConfigError("file", str(parquet_file), "has no rmsim manifest in its metadata")
    return json.loads(metadata[_METADATA_KEY])


# --------------------------------------------------------------------------- building


@functools.cache
def _category_dtype(names: tuple[str, ...]) -> pd.CategoricalDtype:
    """The (unordered) categorical dtype of ``names``, made once per set of names."""
    return pd.CategoricalDtype(categories=list(names))


def _names(codes: np.ndarray, names: tuple[str, ...] | list[str]) -> pd.Categorical:
    """Categorical of ``names[code]`` for each code; code -1 is missing."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), dtype=_category_dtype(tuple(names)))


_EXIT_REASON_NAMES = tuple(EXIT_REASONS[code] for code in sorted(EXIT_REASONS) if code)
_ROLE_NAMES = tuple(ROLE_NAMES[i] for i in sorted(ROLE_NAMES))
_STATUS_NAMES = tuple(STATUS_NAMES[i] for i in sorted(STATUS_NAMES))


def _exit_reasons(codes: np.ndarray) -> pd.Categorical:
    # Code 0 (still employed, or not an exit) becomes missing.
    return _names(np.asarray(codes, dtype=np.int64) - 1, _EXIT_REASON_NAMES)


def _optional(values: np.ndarray, missing: int = -1, dtype: str = "Int64") -> pd.arrays.IntegerArray:
    """Nullable integers (pandas ``dtype``), missing where ``values == missing``."""
    integers = np.asarray(values).astype(pd.api.types.pandas_dtype(dtype).numpy_dtype)
    return pd.arrays.IntegerArray(integers, np.asarray(values) == missing)


def build_result(model: ReverseMentoringModel, tags: dict[str, Any] | None = None) -> RunResult:
    """Turn a model's state and records into a :class:`RunResult`.

    Parameters
    ----------
    model
        A model that has run.
    tags
        Constant columns to put first in every frame, in this order (an
        experiment tags each run's frames with its ``run_id``, arm, factors
        and replication); none by default.
    """
    wf = model.workforce
    occupied = np.flatnonzero(wf.occupied)
    model._close_records(occupied)
    frames = {
        "timeseries": _timeseries(model),
        "employees": _employees(model),
        "pairs": _pairs(model),
        "events": _events(model),
    }
    result = RunResult(
        scenario=model.config,
        seed=model.seed,
        **{name: _frame(columns, tags or {}) for name, columns in frames.items()},
    )
    result.manifest = provenance.manifest(
        "run",
        scenario=model.config.to_dict(),
        seed=model.seed,
        weeks_simulated=model.week,
        elapsed_seconds=round(time.perf_counter() - model.started, 3),
        frames={name: len(getattr(result, name)) for name in FRAMES},
    )
    return result


def _frame(columns: dict[str, Any], tags: dict[str, Any]) -> pd.DataFrame:
    """One frame from its columns (arrays of equal length), preceded by the constant ``tags`` columns."""
    clash = sorted(set(tags) & set(columns))
    if clash:
        raise ValueError(f"cannot tag the result frames with {clash}: the frames have columns of these names")
    return pd.DataFrame({**tags, **columns}) if tags else pd.DataFrame(columns)


def _timeseries(model: ReverseMentoringModel) -> dict[str, Any]:
    """Columns of the weekly metrics collected by the model's Mesa DataCollector, one entry per week.

    The same frame as ``datacollector.get_model_vars_dataframe()`` (with integer
    ``week`` and ``headcount``), built from arrays rather than lists.
    """

    def column(values: list[Any]) -> Any:
        array = np.asarray(values)
        return array if array.dtype.kind in "biuf" else values  # anything else: pandas infers, as for Mesa's frame

    data = {name: column(values) for name, values in model.datacollector.model_vars.items()}
    for name in ("week", "headcount"):
        data[name] = np.asarray(data[name]).astype(np.int64, copy=False)
    return data


def _employees(model: ReverseMentoringModel) -> dict[str, Any]:
    ledger = model.ledger
    n = ledger.size
    rows = slice(0, n)
    return {
        "employee_id": np.arange(1, n + 1),
        "external_id": pd.array(ledger.external_id, dtype="string"),
        "initial": ledger.initial[rows],
        "hired_week": ledger.hired_week[rows],
        "left_week": _optional(ledger.left_week[rows]),
        "exit_reason": _exit_reasons(ledger.exit_reason[rows]),
        "generation": _names(_generation(ledger.birth_year[rows]), GENERATION_NAMES),
        "birth_year": ledger.birth_year[rows],
        "age_start": ledger.age_start[rows],
        "gender": _names(ledger.gender[rows], GENDERS),
        "minority": ledger.minority[rows],
        "department": _names(ledger.department_start[rows], model.department_names),
        "level_start": _names(ledger.level_start[rows], LEVELS),
        "level": _names(ledger.level[rows], LEVELS),
        "promotions": ledger.promotions[rows],
        "role": _names(ledger.role[rows], _ROLE_NAMES),
        "cohort": _optional(ledger.cohort[rows]),
        **{f"skill_{domain}_start": ledger.skills_start[rows, d] for d, domain in enumerate(DOMAINS)},
        **{f"skill_{domain}_end": ledger.skills_end[rows, d] for d, domain in enumerate(DOMAINS)},
        "engagement_end": ledger.engagement_end[rows],
    }


def _generation(birth_year: np.ndarray) -> np.ndarray:
    from rmsim.workforce import generation_of

    return generation_of(birth_year)


def _pairs(model: ReverseMentoringModel) -> dict[str, Any]:
    p = model.pairs
    rows = slice(0, p.size)
    status = p.status[rows]
    not_completed = status != 1
    dissolved = np.where(status == 2, p.ended_week[rows], -1)
    ratings = {
        name: pd.arrays.IntegerArray(p.__dict__[name][rows].astype(np.int8), not_completed)  # a copy
        for name in ("rating_business", "rating_development")
    }
    return {
        "pair_id": np.arange(p.size),
        "cohort": p.cohort[rows],
        "mentor_id": p.mentor[rows],
        "mentee_id": p.mentee[rows],
        "reverse": p.reverse[rows],
        "mentor_level": _names(p.mentor_level[rows], LEVELS),
        "mentee_level": _names(p.mentee_level[rows], LEVELS),
        "start_week": p.start_week[rows],
        "end_week": p.end_week[rows],
        "status": _names(status, _STATUS_NAMES),
        "ended_week": _optional(p.ended_week[rows]),
        "dissolved_week": _optional(dissolved),
        "meetings": p.meetings[rows],
        "similarity": p.similarity[rows],
        "diversity": p.diversity[rows],
        "quality_start": p.quality_start[rows],
        "quality": p.quality[rows],
        "mentee_gain": p.mentee_gain[rows],
        "mentor_gain": p.mentor_gain[rows],
        **ratings,
    }


def _events(model: ReverseMentoringModel) -> dict[str, Any]:
    from rmsim.model import EVENT_NAMES, EVENT_PROMOTION

    week, event, employee, level, from_level, reason = model.event_log()
    return {
        "week": week,
        "event": _names(event, [EVENT_NAMES[i] for i in sorted(EVENT_NAMES)]),
        "employee_id": employee,
        "level": _names(level, LEVELS),
        "from_level": _names(np.where(event == EVENT_PROMOTION, from_level, -1), LEVELS),
        "reason": _exit_reasons(reason),
    }


# --------------------------------------------------------------------------- summary


OUTCOMES: dict[str, tuple[str, str]] = {
    "weeks": ("weeks simulated", "weeks"),
    "headcount_start": ("headcount at start", "employees"),
    "headcount_end": ("headcount at end", "employees"),
    "exits": ("exits", "employees"),
    "annual_exit_rate": ("annual exit rate", "per employee-year"),
    "hires": ("hires", "employees"),
    "promotions": ("promotions", "promotions"),
    "pairs_formed": ("pairs formed", "pairs"),
    "pairs_completed": ("pairs completed", "pairs"),
    "pairs_dissolved": ("pairs dissolved early", "pairs"),
    "pairs_left": ("pairs ended by an exit", "pairs"),
    "meetings": ("meetings held", "meetings"),
    "pair_quality": ("mean final relationship quality", "0-1"),
    "rated_business_effective": ("mentees rating business effectiveness 4-5", "share of completed pairs"),
    "rated_development_effective": ("mentees rating personal development 4-5", "share of completed pairs"),
    "mentee_digital_gain": ("mentee digital skill gain", "0-1 scale"),
    "mentor_promoted_within_year": ("mentors promoted within a year of starting", "share of mentors"),
    "mentor_exit_share": ("mentor exits", "share of mentors"),
    "digital_gap_start": ("digital gap at start", "under 35 minus 45+, 0-1 scale"),
    "digital_gap_end": ("digital gap at end", "under 35 minus 45+, 0-1 scale"),
    "mean_engagement_end": ("mean engagement at end", "0-1"),
    **{f"retention_{g}": (f"{g} still employed at end", "share of the initial workforce's generation") for g in GENERATION_NAMES},
    "programme_hours": ("programme hours", "hours"),
    "programme_cost": ("programme cost", "salary cost of hours"),
    "turnover_cost": ("turnover cost", "replacement cost of leavers"),
}
"""Outcomes of one run: key -> (label, unit). Keys are the columns of an experiment's ``runs`` table."""


def outcomes(result: RunResult) -> dict[str, float]:
    """Key outcomes of one run as ``{key: value}``, keys as in :data:`OUTCOMES`."""
    # Columns are read one by one as arrays (never whole rows or filtered frames): the frames may be wide.
    ts, emp, pairs, events = result.timeseries, result.employees, result.pairs, result.events
    weeks = int(ts["week"].iloc[-1])
    headcount = ts["headcount"].to_numpy()
    exits = ts["exits"].sum()
    mentors = (emp["role"] == "mentor").to_numpy()
    mentees = (emp["role"] == "mentee").to_numpy()
    status = pairs["status"]
    completed = (status == "completed").to_numpy()
    exposure = headcount[1:].sum() / 52.0 if weeks else np.nan

    def last(column: str) -> Any:
        return ts[column].iloc[-1]

    def share(column: str) -> float:
        values = pairs[column][completed].dropna()
        return float((values >= 4).mean()) if len(values) else np.nan

    def promoted_within_year() -> float:
        if not mentors.any():
            return np.nan
        ids = emp["employee_id"].to_numpy()[mentors]
        start = _first_week(pairs["mentor_id"].to_numpy(), pairs["start_week"].to_numpy(), ids)
        promotion = (events["event"] == "promotion").to_numpy()
        when = _first_week(events["employee_id"].to_numpy()[promotion], events["week"].to_numpy()[promotion], ids)
        return float(np.mean((when >= start) & (when < start + 52)))

    values = {
        "weeks": weeks,
        "headcount_start": int(headcount[0]),
        "headcount_end": int(headcount[-1]),
        "exits": int(exits),
        "annual_exit_rate": float(exits / exposure) if exposure else np.nan,
        "hires": int(ts["hires"].sum()),
        "promotions": int(ts["promotions"].sum()),
        "pairs_formed": len(pairs),
        "pairs_completed": int(completed.sum()),
        "pairs_dissolved": int((status == "dissolved").sum()),
        "pairs_left": int((status == "left").sum()),
        "meetings": int(pairs["meetings"].sum()),
        "pair_quality": float(pairs["quality"].mean()) if len(pairs) else np.nan,
        "rated_business_effective": share("rating_business"),
        "rated_development_effective": share("rating_development"),
        "mentee_digital_gain": float((emp["skill_digital_end"][mentees] - emp["skill_digital_start"][mentees]).mean())
        if mentees.any()
        else np.nan,
        "mentor_promoted_within_year": promoted_within_year(),
        "mentor_exit_share": float(emp["left_week"][mentors].notna().mean()) if mentors.any() else np.nan,
        "digital_gap_start": float(ts["digital_gap"].iloc[0]),
        "digital_gap_end": float(last("digital_gap")),
        "mean_engagement_end": float(last("mean_engagement")),
        **{f"retention_{g}": float(last(f"retention_{g}")) for g in GENERATION_NAMES},
        "programme_hours": float(last("programme_hours")),
        "programme_cost": float(last("programme_cost")),
        "turnover_cost": float(last("turnover_cost")),
    }
    assert values.keys() == OUTCOMES.keys()
    return values


def _first_week(keys: np.ndarray, weeks: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The smallest of ``weeks`` recorded for each of ``ids`` in ``keys`` (NaN for an id never recorded)."""
    first = np.full(len(ids), np.nan)
    if len(keys):
        order = np.lexsort((weeks, keys))
        unique, at_first = np.unique(keys[order], return_index=True)
        at = np.minimum(np.searchsorted(unique, ids), len(unique) - 1)
        found = unique[at] == ids
        first[found] = weeks[order][at_first][at[found]]
    return first


def summarise(result: RunResult) -> pd.DataFrame:
    """Key outcomes of one run; see :meth:`RunResult.summary`."""
    values = outcomes(result)
    rows = [(label, values[key], unit) for key, (label, unit) in OUTCOMES.items()]
    return pd.DataFrame(rows, columns=["quantity", "value", "unit"])
