"""Case studies: the seed programmes as presets, their published figures as targets.

Each programme the project started from (GE 1999, The Hartford, MasterCard,
Estée Lauder, Microsoft Norway, P&G "Mentor Up", and the cascade of the
practice to all levels) is a *preset*: a YAML file in ``data/case_studies/``
holding a :class:`~rmsim.Scenario`, a short account of the programme, its
sources and a data card (``<case>.md``) that separates what the sources say
from what is assumed. Values estimated by :func:`rmsim.calibrate` are kept
in the preset's ``calibrated`` section with a note of how they were
obtained, and are applied on top of the scenario.

The figures the sources publish are *targets* (``data/case_studies/targets.csv``):
one row per case and quantity, with the published value and range, the kind of
target and the *metric* that computes the simulated quantity from a run's
result frames. A metric is written as a call, ``share_promoted(role='mentor',
within_weeks=52)``, of one of the functions in :data:`METRICS`. Kinds:

``design``
    A figure the preset encodes (the number of pairs, the meeting cadence): the
    check confirms the simulation realises the design.
``outcome``
    A figure the mechanisms must produce (ratings, promotions).
``direction``
    A published claim without a figure ("retention improved"): the range is
    open on one side, and the metric is compared with the control arm
    (``compare = control``) run on the same seeds.

:func:`reproduce` runs presets over replications and reports, for every
target, the simulated mean and 90% interval (5th-95th percentile over
replications) and whether the published value is *plausible under the model*:
whether the published range meets the simulated interval.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rmsim._base import REPOSITORY
from rmsim.config import Scenario, read_yaml, resolve_paths, validated
from rmsim.errors import ConfigError, DataError

CASES_FOLDER = REPOSITORY / "data" / "case_studies"
"""Where presets, data cards and ``targets.csv`` live."""

TARGETS_FILE = CASES_FOLDER / "targets.csv"
"""The table of published figures."""

INTERVAL = 0.90
"""Coverage of the simulated interval a published value is checked against."""

KINDS = ("design", "outcome", "direction")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------- presets


class Calibrated(BaseModel):
    """A calibrated value kept in a preset, with how it was obtained."""

    model_config = ConfigDict(extra="forbid")

    value: float = Field(description="The estimate applied to the scenario.")
    interval: tuple[float, float] = Field(description="90% interval of the estimate (ABC posterior).")
    prior: tuple[float, float] = Field(description="Range searched (uniform prior).")
    method: str = Field(description="How the value was estimated.")
    targets: list[str] = Field(description="Targets the value was fitted to.")
    note: str = Field("", description="Reading of the estimate (plausibility, caveats).")
    provenance: dict[str, Any] = Field(default_factory=dict, description="Seed, design, versions and git revision.")


class CaseStudy(BaseModel):
    """A case-study preset: a scenario with its account, sources and calibrated values.

    Load one with :func:`load_case`. :attr:`scenario` is the preset as
    written; :meth:`build_scenario` applies the calibrated values.
    """

    model_config = ConfigDict(extra="forbid")

    case: str = Field(pattern=_NAME.pattern, description="Short name (the file name without .yaml).")
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="What happened, in the project's words.")
    sources: list[str] = Field(min_length=1, description="Reference keys (see rmsim.references).")
    card: str = Field(description="Data card file, relative to the preset.")
    scenario: Scenario
    calibrated: dict[str, Calibrated] = Field(default_factory=dict, description="Dotted field -> calibrated value.")
    path: Path | None = Field(None, exclude=True, description="File the preset was read from.")

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, sources: list[str]) -> list[str]:
        from rmsim.references import LITERATURE, SOURCE_ARTICLES

        unknown = [s for s in sources if s not in SOURCE_ARTICLES and s not in LITERATURE]
        if unknown:
            raise ValueError(f"unknown reference keys {unknown}; use keys of rmsim.references")
        return sources

    def build_scenario(self, *, calibrated: bool = True) -> Scenario:
        """The scenario to run: the preset's, with its calibrated values unless ``calibrated`` is false."""
        if not calibrated or not self.calibrated:
            return self.scenario
        return self.scenario.with_overrides({name: c.value for name, c in self.calibrated.items()})

    def targets(self) -> pd.DataFrame:
        """This case's rows of :func:`targets`."""
        table = targets()
        return table[table["case"] == self.case].reset_index(drop=True)


def available_cases() -> list[str]:
    """Names of the presets in :data:`CASES_FOLDER`, sorted."""
    if not CASES_FOLDER.is_dir():
        return []
    return sorted(p.stem for p in CASES_FOLDER.glob("*.yaml"))


def load_case(case: str | Path) -> CaseStudy:
    """Load and validate a preset by name (``"hartford"``) or path.

    Raises
    ------
    ConfigError
        Unknown name, missing file, invalid YAML or an invalid field; the
        message names the field (``scenario.programme.cadence_weeks``).
    """
    text = str(case)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        path = Path(text)
    else:
        path = CASES_FOLDER / f"{text}.yaml"
        if not path.is_file():
            known = ", ".join(available_cases()) or "none (the repository's data/case_studies folder is not here)"
            raise ConfigError("case", text, f"no such case study; available: {known}")
    data = read_yaml(path)
    if isinstance(data.get("scenario"), dict):
        data["scenario"] = resolve_paths(data["scenario"], path.parent)
    try:
        study = CaseStudy.model_validate(data)
    except ConfigError as error:  # raised by the scenario's own validation
        raise ConfigError(f"{path.name}: scenario.{error.field}", error.value, error.allowed) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path.name}: {where}", first.get("input"), first["msg"]) from None
    if study.case != path.stem:
        raise ConfigError(f"{path.name}: case", study.case, f"must equal the file name '{path.stem}'")
    study.path = path
    for name in study.calibrated:
        study.scenario.with_overrides({name: study.calibrated[name].value})  # a stale field path fails here
    return study


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Frames:
    """The result frames of one run (a :class:`~rmsim.RunResult` or one run of an experiment)."""

    timeseries: pd.DataFrame
    employees: pd.DataFrame
    pairs: pd.DataFrame
    events: pd.DataFrame


def _cohort_pairs(frames: Frames, cohort: int | None) -> pd.DataFrame:
    pairs = frames.pairs
    return pairs if cohort is None else pairs[pairs["cohort"] == cohort]


def pairs(frames: Frames, cohort: int | None = None) -> float:
    """Number of pairs formed (in ``cohort`` only, when given; cohorts count from 0 as in the ``pairs`` frame)."""
    return float(len(_cohort_pairs(frames, cohort)))


def share_rating(frames: Frames, rating: str = "rating_business", at_least: int = 4, cohort: int | None = None) -> float:
    """Share of completed pairs whose mentee gave ``rating`` of at least ``at_least`` (1-5); NaN without one."""
    if rating not in ("rating_business", "rating_development"):
        raise ConfigError("metric rating", rating, "allowed: 'rating_business', 'rating_development'")
    done = _cohort_pairs(frames, cohort)
    done = done[done["status"] == "completed"]
    return float((done[rating] >= at_least).mean()) if len(done) else math.nan


def share_promoted(
    frames: Frames, role: Literal["mentor", "mentee"] = "mentor", within_weeks: int = 52, cohort: int | None = None
) -> float:
    """Share of the programme's mentors (or mentees) promoted within ``within_weeks`` of their pair's start.

    Each person counts once, from the start of their first pair; NaN when
    nobody had that role.
    """
    if role not in ("mentor", "mentee"):
        raise ConfigError("metric role", role, "allowed: 'mentor', 'mentee'")
    chosen = _cohort_pairs(frames, cohort)
    start = chosen.groupby(f"{role}_id")["start_week"].min()
    if start.empty:
        return math.nan
    events = frames.events
    promoted = events[(events["event"] == "promotion") & events["employee_id"].isin(start.index)]
    weeks = promoted["week"].to_numpy() - start.reindex(promoted["employee_id"]).to_numpy()
    hit = promoted["employee_id"][(weeks >= 0) & (weeks < within_weeks)].unique()
    return len(hit) / len(start)


def meetings_per_year(frames: Frames, cohort: int | None = None) -> float:
    """Meetings per 52 weeks held by the pairs that ran their full term: the cadence the design realised.

    Meetings of completed pairs divided by their scheduled weeks
    (``end_week - start_week + 1``), times 52; NaN when no pair completed.
    Pairs that ended early are left out: a meeting in their first week would
    inflate a rate over a short spell.
    """
    chosen = _cohort_pairs(frames, cohort)
    done = chosen[chosen["status"] == "completed"]
    if done.empty:
        return math.nan
    weeks = (done["end_week"] - done["start_week"] + 1).to_numpy(dtype=float)
    return float(done["meetings"].sum() / weeks.sum() * 52)


def retention(frames: Frames, gender: str | None = None, level: str | None = None, generation: str | None = None) -> float:
    """Share of the employees present at the start (of the given group) still employed at the end."""
    people = frames.employees[frames.employees["initial"].astype(bool)]
    for column, value in (("gender", gender), ("level_start", level), ("generation", generation)):
        if value is not None:
            people = people[people[column].astype(str) == value]
    return float(people["left_week"].isna().mean()) if len(people) else math.nan


def final(frames: Frames, column: str = "digital_gap") -> float:
    """Value of a ``timeseries`` column in the last week."""
    if column not in frames.timeseries.columns:
        raise ConfigError("metric column", column, "not a timeseries column")
    return float(frames.timeseries[column].iloc[-1])


METRICS: dict[str, Callable[..., float]] = {
    f.__name__: f for f in (pairs, share_rating, share_promoted, meetings_per_year, retention, final)
}
"""Functions a target's ``metric`` may call, by name."""


def parse_metric(text: str) -> tuple[str, dict[str, Any]]:
    """Parse ``"name(key=literal, ...)"`` into the metric's name and keyword arguments.

    Only names in :data:`METRICS` and literal arguments are accepted (nothing
    is evaluated).
    """
    try:
        node = ast.parse(str(text).strip(), mode="eval").body
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.args:
            raise ValueError
        arguments = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg is not None}
    except (SyntaxError, ValueError):
        raise ConfigError("metric", text, "write name(key=value, ...) with literal values, e.g. pairs(cohort=1)") from None
    if node.func.id not in METRICS:
        raise ConfigError("metric", text, f"unknown metric '{node.func.id}'; allowed: {', '.join(METRICS)}")
    return node.func.id, arguments


def evaluate(metric: str, frames: Frames) -> float:
    """Compute the quantity ``metric`` (see :func:`parse_metric`) from one run's frames."""
    name, arguments = parse_metric(metric)
    try:
        return METRICS[name](frames, **arguments)
    except TypeError as error:
        raise ConfigError("metric", metric, str(error)) from None


# --------------------------------------------------------------------------- targets

_TARGET_COLUMNS = (
    "case",
    "target",
    "quantity",
    "kind",
    "published",
    "lower",
    "upper",
    "denominator",
    "metric",
    "compare",
    "tag",
    "source",
    "note",
)


def targets(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the targets table (default :data:`TARGETS_FILE`).

    Returns
    -------
    pandas.DataFrame
        One row per case and target; ``lower``/``upper`` are floats (``inf``
        allowed), ``published`` and ``denominator`` may be NaN.

    Raises
    ------
    DataError
        A missing column, an unknown kind or metric, a range that does not hold
        the published value, or a duplicate (case, target); the message names
        the column and the row (as numbered in the file, header = row 1).
    """
    path = Path(path) if path is not None else TARGETS_FILE
    if not path.is_file():
        raise ConfigError("targets", str(path), "no such file")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    name = path.name
    missing = [c for c in _TARGET_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(name, None, f"missing columns {missing}; expected {list(_TARGET_COLUMNS)}")

    def lines(mask: Any) -> list[int]:
        return [int(i) + 2 for i in np.flatnonzero(np.asarray(mask))]  # the header is line 1

    for column in ("published", "lower", "upper", "denominator"):
        values = table[column].map(_number)
        bad = values.isna() & ~table[column].isin(["", "nan"])
        if bad.any():
            raise DataError(name, column, "must be a number, inf or a fraction such as 11/12", lines(bad))
        table[column] = values
    for column, allowed in (("kind", KINDS), ("compare", ("", "control"))):
        bad = ~table[column].isin(allowed)
        if bad.any():
            raise DataError(name, column, f"must be one of {list(allowed)}, not {sorted(set(table[column][bad]))}", lines(bad))
    for i, metric in enumerate(table["metric"]):
        try:
            parse_metric(metric)
        except ConfigError as error:
            raise DataError(name, "metric", f"{error.allowed} (got {metric!r})", [i + 2]) from None
    bad = table[["lower", "upper"]].isna().any(axis=1) | (table["lower"] > table["upper"])
    if bad.any():
        raise DataError(name, "lower", "lower and upper must be numbers with lower <= upper", lines(bad))
    outside = table["published"].notna() & ~table["published"].between(table["lower"], table["upper"])
    if outside.any():
        raise DataError(name, "published", "must lie within [lower, upper]", lines(outside))
    nofigure = (table["kind"] != "direction") & table["published"].isna()
    if nofigure.any():
        raise DataError(name, "published", "design and outcome targets need a published value", lines(nofigure))
    duplicate = table.duplicated(["case", "target"], keep=False)
    if duplicate.any():
        raise DataError(name, "target", "(case, target) must be unique", lines(duplicate))
    return table


def _number(text: str) -> float:
    """A number, ``inf``, or an exact fraction such as ``11/12``; NaN when it is none of these."""
    try:
        return float(Fraction(text)) if "/" in text else float(text or "nan")
    except (ValueError, ZeroDivisionError):
        return math.nan


# --------------------------------------------------------------------------- reproduction


def frames_by_run(results: Any) -> dict[str, Frames]:
    """Split an experiment's frames (:class:`~rmsim.ExperimentResults`) into one :class:`Frames` per ``run_id``."""
    parts = {}
    for name in ("timeseries", "employees", "pairs", "events"):
        frame = getattr(results, name)
        parts[name] = dict(tuple(frame.groupby("run_id", observed=True, sort=False)))
    ok = results.runs.loc[results.runs["status"] == "ok", "run_id"]
    empty = {name: getattr(results, name).iloc[:0] for name in parts}
    return {run: Frames(**{name: parts[name].get(run, empty[name]) for name in parts}) for run in ok}


def simulated_values(results: Any, table: pd.DataFrame) -> pd.DataFrame:
    """Each target's simulated value in every replication of an experiment's results.

    Targets with ``compare = control`` take the difference with the control
    arm's run of the same replication (common random numbers).

    Returns
    -------
    pandas.DataFrame
        Long format: ``arm``, the arm's factors, ``replication``, ``target``, ``value``.
    """
    from rmsim.analysis import is_control

    runs = results.runs[results.runs["status"] == "ok"]
    frames = frames_by_run(results)
    factors = list(results.factors)
    control = results.experiment.control_arm()
    in_control = is_control(runs, control)
    others = [f for f in factors if f not in (control or {})]
    records = runs.to_dict("records")

    def key(run: dict[str, Any]) -> tuple[Any, ...]:  # a run's control: same other factors, same replication
        return (*(run[f] for f in others), run["replication"])

    control_runs = {key(run): run["run_id"] for run, own in zip(records, in_control, strict=True) if own}
    rows = []
    for target in table.itertuples(index=False):
        if target.compare and control is None:
            raise ConfigError("compare", target.compare, f"target {target.target} needs a control arm (policy none)")
        values = {run: evaluate(target.metric, frames[run]) for run in runs["run_id"]}
        for run, own in zip(records, in_control, strict=True):
            if target.compare and own:
                continue
            value = values[run["run_id"]]
            if target.compare:
                twin = control_runs.get(key(run))
                value = value - values[twin] if twin is not None else math.nan
            row = {"arm": run["arm"], **{f: run[f] for f in factors}, "replication": run["replication"]}
            rows.append({**row, "target": target.target, "value": value})
    return pd.DataFrame(rows)


def plausibility(table: pd.DataFrame, values: pd.DataFrame, *, interval: float = INTERVAL) -> pd.DataFrame:
    """Compare published ranges with simulated intervals.

    Parameters
    ----------
    table
        Target rows (from :func:`targets`).
    values
        Simulated values, one row per replication and target (from :func:`simulated_values`).
    interval
        Coverage of the simulated interval (0.90: 5th to 95th percentile).

    Returns
    -------
    pandas.DataFrame
        One row per target: the published value and range, ``simulated_mean``,
        ``simulated_low``, ``simulated_high``, ``replications`` and
        ``plausible`` — whether the published range meets the simulated
        interval (for ``direction`` targets, whose range is open, the bound
        must be crossed strictly: "improved" is not plausible when every
        replication shows exactly no change).
    """
    tail = (1 - interval) / 2
    rows = []
    for target in table.itertuples(index=False):
        sample = values.loc[values["target"] == target.target, "value"].dropna().to_numpy(dtype=float)
        low, high = np.quantile(sample, [tail, 1 - tail]) if len(sample) else (math.nan, math.nan)
        if not len(sample):
            plausible = False
        elif target.kind == "direction":
            plausible = bool(high > target.lower) if math.isinf(target.upper) else bool(low < target.upper)
        else:
            plausible = bool(high >= target.lower - 1e-9 and low <= target.upper + 1e-9)
        rows.append(
            {
                "case": target.case,
                "target": target.target,
                "kind": target.kind,
                "quantity": target.quantity,
                "published": target.published,
                "lower": target.lower,
                "upper": target.upper,
                "simulated_mean": float(sample.mean()) if len(sample) else math.nan,
                "simulated_low": float(low),
                "simulated_high": float(high),
                "replications": len(sample),
                "plausible": plausible,
                "source": target.source,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class Reproduction:
    """What :func:`reproduce` found: one row per target in :attr:`table`.

    Attributes
    ----------
    table : pandas.DataFrame
        ``case``, ``target``, ``kind``, ``quantity``, ``published``, ``lower``,
        ``upper``, ``simulated_mean``, ``simulated_low``, ``simulated_high``
        (the 90% interval over replications), ``replications``, ``plausible``.
    values : pandas.DataFrame
        Every replication's simulated value (long format).
    folders : dict
        Results folder of each case's experiment.
    calibrated : bool
        Whether the presets' calibrated values were applied.
    """

    table: pd.DataFrame
    values: pd.DataFrame
    folders: dict[str, Path]
    calibrated: bool = True

    @property
    def all_plausible(self) -> bool:
        """Whether every published value is plausible under the model."""
        return bool(self.table["plausible"].all())

    def summary(self) -> str:
        """A plain-text table, as ``rmsim reproduce`` prints it."""
        lines = [f"{'case':<17}{'target':<32}{'published':>14}{'simulated mean [90% interval]':>34}  plausible"]
        for row in self.table.itertuples(index=False):
            published = _range_text(row.published, row.lower, row.upper, row.kind)
            simulated = f"{_num(row.simulated_mean)} [{_num(row.simulated_low)}, {_num(row.simulated_high)}]"
            lines.append(f"{row.case:<17}{row.target[:31]:<32}{published:>14}{simulated:>34}  {'yes' if row.plausible else 'NO'}")
        verdict = "all published values are plausible" if self.all_plausible else "some published values are NOT plausible"
        n = sorted(set(self.table["replications"]))
        lines.append(f"{verdict} under the model ({'/'.join(map(str, n))} replications; interval: 5th-95th percentile)")
        empty = self.table.loc[self.table["replications"] == 0, "target"]
        if len(empty):
            lines.append(f"no replication produced a value for: {', '.join(empty)} (counted as not plausible)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _num(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _range_text(published: float, lower: float, upper: float, kind: str) -> str:
    if kind == "direction":
        return f"> {_num(lower)}" if math.isinf(upper) else f"< {_num(upper)}"
    if lower == upper:
        return _num(published)
    return f"{_num(published)} ({_num(lower)}-{_num(upper)})"


def case_experiment(study: CaseStudy, table: pd.DataFrame, *, replications: int, seed: int, calibrated: bool = True) -> Any:
    """The experiment that checks ``study``'s targets: the preset, plus the control when a target compares with it."""
    from rmsim.experiment import Experiment

    scenario = study.build_scenario(calibrated=calibrated)
    grid = {"policy": [scenario.programme.policy, "none"]} if (table["compare"] == "control").any() else {}
    suffix = "" if calibrated or not study.calibrated else "-uncalibrated"
    return Experiment(
        name=f"{study.case}{suffix}-r{replications}-s{seed}",
        description=f"Reproduction of the published figures of {study.title}",
        scenario=scenario,
        grid=grid,
        replications=replications,
        seed=seed,
    )


def reproduce(
    cases: Sequence[str] | str | None = None,
    *,
    replications: int = 20,
    seed: int = 2026,
    calibrated: bool = True,
    out: str | Path = Path("results") / "reproduce",
    backend: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool = True,
) -> Reproduction:
    """Run case-study presets over replications and check their published figures.

    Parameters
    ----------
    cases
        Case names (default: every case with targets).
    replications
        Replications of each preset (and of its control, when a target needs one).
    seed
        Master seed; replication ``r`` of the preset and of its control share a seed.
    calibrated
        Apply the presets' calibrated values (``False``: the scenarios as sourced).
    out
        Parent folder of the results; each case writes ``<out>/<case>-r<N>-s<seed>/``,
        which a later call resumes.
    backend, workers, scheduler, client
        As in :func:`rmsim.run_experiment`.
    progress
        Show progress bars.

    Returns
    -------
    Reproduction
        ``.table`` (one row per target), ``.all_plausible``, ``.summary()``.
    """
    from rmsim.experiment import run_experiment
    from rmsim.store import load_results

    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 2:
        raise ConfigError("replications", replications, "must be a whole number >= 2 (an interval needs several runs)")
    table = targets()
    names = _case_names(cases, table)
    tables, values, folders = [], [], {}
    for name in names:
        study = load_case(name)
        rows = table[table["case"] == name].reset_index(drop=True)
        experiment = case_experiment(study, rows, replications=replications, seed=seed, calibrated=calibrated)
        folder = run_experiment(
            experiment,
            out=Path(out) / experiment.name,
            backend=backend,
            workers=workers,
            scheduler=scheduler,
            client=client,
            progress=progress,
        )
        results = load_results(folder)
        simulated = simulated_values(results, rows)
        simulated.insert(0, "case", name)
        values.append(simulated)
        tables.append(plausibility(rows, simulated))
        folders[name] = folder
    return Reproduction(pd.concat(tables, ignore_index=True), pd.concat(values, ignore_index=True), folders, calibrated)


def _case_names(cases: Sequence[str] | str | None, table: pd.DataFrame) -> list[str]:
    with_targets = list(dict.fromkeys(table["case"]))
    if cases is None or (not isinstance(cases, str) and len(cases) == 0):
        return with_targets
    names = [cases] if isinstance(cases, str) else list(cases)
    for name in names:
        if name not in available_cases():
            raise ConfigError("case", name, f"no such case study; available: {', '.join(available_cases())}")
        if name not in with_targets:
            raise ConfigError("case", name, "has no targets in targets.csv")
    return list(dict.fromkeys(names))


def write_calibration(study: CaseStudy, field: str, calibrated: Calibrated) -> Path:
    """Store a calibrated value in the preset's YAML file (other content is kept)."""
    if study.path is None:
        raise ConfigError("case", study.case, "was not read from a file; nothing to write to")
    study.scenario.with_overrides({field: calibrated.value})
    data = yaml.safe_load(study.path.read_text(encoding="utf-8"))
    data.setdefault("calibrated", {})
    data["calibrated"] = {**(data["calibrated"] or {}), field: calibrated.model_dump(mode="json")}
    header = "".join(line + "\n" for line in study.path.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    validated(CaseStudy, yaml.safe_load(text))  # never write a preset that does not load
    temporary = study.path.with_suffix(".yaml.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(study.path)
    return study.path


__all__ = [
    "CASES_FOLDER",
    "INTERVAL",
    "KINDS",
    "METRICS",
    "TARGETS_FILE",
    "Calibrated",
    "CaseStudy",
    "Frames",
    "Reproduction",
    "available_cases",
    "evaluate",
    "load_case",
    "parse_metric",
    "plausibility",
    "reproduce",
    "simulated_values",
    "targets",
]
