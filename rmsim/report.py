"""A standalone HTML report of an experiment, for a client or any reader without Python.

:func:`build_report` reads an experiment's results folder (see :mod:`rmsim.store`)
and writes one HTML file that needs nothing else to be read: its figures are
PNG images embedded as ``data:`` URIs, its style sheet is inline, and it
refers to nothing on a network. Its sections, in order:

1. the question: what the experiment compares, its name and description;
2. the organisation: size, level and generation mix at week 0, horizon;
3. the designs compared: one row per arm with its factors;
4. outcomes: per-arm means with 95% intervals across replications;
5. cost and turnover cost avoided versus the control, paired by replication;
6. a recommendation ranking the designs by net benefit (:data:`CRITERION`),
   with its interval, the share of replications in which each design is the
   best option and the share in which it loses money;
7. the assumptions behind the base scenario and their sources;
8. failed runs, if any;
9. the manifest (specification, seeds, versions, git revision).

:func:`net_benefit` and :func:`recommendation` give the numbers of sections 5
and 6 as tables, for notebooks.

Command line::

    rmsim report results/pairing-policies            # writes results/pairing-policies/report.html
    rmsim report results/pairing-policies --out client.html
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmsim.analysis import is_control
from rmsim.errors import ConfigError, RmsimError
from rmsim.results import OUTCOMES, check_creatable
from rmsim.store import MANIFEST, RUNS, ExperimentResults, load_results

if TYPE_CHECKING:
    from matplotlib.figure import Figure

REPORT = "report.html"
"""File name of the report in the results folder when no other is given."""

CRITERION = (
    "net benefit = turnover cost avoided (the control's cost of replacing leavers minus the design's) "
    "minus the extra programme cost (the salary cost of the hours spent in the programme), "
    "per replication, against the control run with the same seed"
)
"""The criterion by which :func:`recommendation` ranks designs: higher is better."""

SECTIONS = (
    ("question", "1. The question"),
    ("organisation", "2. The organisation"),
    ("designs", "3. The designs compared"),
    ("outcomes", "4. Outcomes"),
    ("cost", "5. Cost and turnover cost avoided"),
    ("recommendation", "6. Recommendation"),
    ("assumptions", "7. Assumptions and their sources"),
    ("failed-runs", "8. Failed runs"),
    ("manifest", "9. Manifest"),
)
"""``(id, heading)`` of the report's sections, in order."""

REPORT_OUTCOMES = (
    "pairs_formed",
    "mentee_digital_gain",
    "pair_quality",
    "mentor_promoted_within_year",
    "digital_gap_end",
    "annual_exit_rate",
    "retention_gen_z",
    "retention_millennial",
    "mean_engagement_end",
    "promotions",
)
"""Outcomes in the report's outcome table (those defined in at least one run)."""

FIGURE_OUTCOMES = ("mentee_digital_gain", "digital_gap_end", "annual_exit_rate", "mean_engagement_end")
"""Outcomes in the report's figure of per-arm means."""

_CONFIDENCE = 0.95
_COSTS = ("programme_hours", "programme_cost", "turnover_cost")
_NO_PROGRAMME = "no programme (control)"
_NOT_SOURCES = ("user choice", "user data", "computed")
"""Parameter sources that are neither an assumption nor a citation (names, file paths, checksums)."""
_BASE_PROGRAMME = (
    "policy",
    "cohorts",
    "cohort_size",
    "start_week",
    "duration_weeks",
    "cadence_weeks",
    "participation",
    "formality",
    "meeting_hours",
    "preparation_hours",
)
_EXPECTED = "give an experiment results folder (with manifest.json and runs/, written by `rmsim experiment run`)"


# --------------------------------------------------------------------------- numbers


def net_benefit(results: ExperimentResults | str | Path) -> pd.DataFrame:
    """Cost and turnover cost avoided of every design against its control, replication by replication.

    The control of a design is the control arm with the same values of the
    factors the control does not fix (as in :meth:`ExperimentResults.contrasts`)
    and the same replication, hence the same seed.

    Parameters
    ----------
    results
        An experiment with a control arm, or its results folder.

    Returns
    -------
    pandas.DataFrame
        One row per finished non-control run whose control run finished too:
        ``arm``, the factors, ``replication``, ``programme_hours`` and
        ``programme_cost`` (extra over the control), ``turnover_cost_avoided``
        (control minus design) and ``net_benefit`` (avoided minus extra
        programme cost; see :data:`CRITERION`).

    Raises
    ------
    rmsim.errors.ConfigError
        If the experiment has no control arm.
    """
    results = _load(results)
    control = _control(results)
    factors = results.factors
    ok = results.runs[results.runs["status"] == "ok"]
    others = [f for f in factors if f not in control]
    in_control = is_control(ok, control)
    base = ok.loc[in_control, [*others, "replication", *_COSTS]]
    merged = ok.loc[~in_control].merge(base, on=[*others, "replication"], suffixes=("", "_control"))
    frame = merged[["arm", *factors, "replication"]].copy()
    frame["programme_hours"] = merged["programme_hours"] - merged["programme_hours_control"]
    frame["programme_cost"] = merged["programme_cost"] - merged["programme_cost_control"]
    frame["turnover_cost_avoided"] = merged["turnover_cost_control"] - merged["turnover_cost"]
    frame["net_benefit"] = frame["turnover_cost_avoided"] - frame["programme_cost"]
    return frame.sort_values(["arm", "replication"], ignore_index=True)


def recommendation(results: ExperimentResults | str | Path, *, confidence: float = _CONFIDENCE) -> pd.DataFrame:
    """Designs ranked by mean net benefit against the control, with its uncertainty.

    Parameters
    ----------
    results
        An experiment with a control arm, or its results folder.
    confidence
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per non-control arm, best first: ``rank``, ``arm``, the
        factors, ``n`` (paired replications), ``net_benefit`` (mean),
        ``ci_low``, ``ci_high`` (paired t interval, as in
        :meth:`ExperimentResults.contrasts`), ``turnover_cost_avoided`` and
        ``programme_cost`` (means), ``share_best`` (share of the replications
        in which every arm finished where the design has the highest net
        benefit of all options, running no programme — net benefit 0 —
        included; ties share the replication) and ``share_loss`` (share of
        its replications with a net benefit below 0). ``attrs["share_best_control"]``
        holds the share of replications in which no design beats running no
        programme, and ``attrs["criterion"]`` the criterion.
    """
    from rmsim.analysis import paired_contrasts

    results = _load(results)
    control = _control(results)
    factors = results.factors
    ok = results.runs[results.runs["status"] == "ok"]
    totals = ok.assign(_total_cost=ok["programme_cost"] + ok["turnover_cost"])
    # Net benefit is minus the paired difference in total cost (programme + turnover) from the control.
    contrasts = paired_contrasts(totals, ["_total_cost"], factors, control, confidence=confidence)
    per_run = net_benefit(results)
    if contrasts.empty or per_run.empty:
        columns = ["rank", "arm", *factors, "n", "net_benefit", "ci_low", "ci_high"]
        empty = pd.DataFrame(columns=[*columns, "turnover_cost_avoided", "programme_cost", "share_best", "share_loss"])
        empty.attrs.update(share_best_control=np.nan, criterion=CRITERION)
        return empty
    arms = list(dict.fromkeys(per_run["arm"]))
    means = per_run.groupby("arm")[["turnover_cost_avoided", "programme_cost"]].mean()
    share_loss = per_run.groupby("arm")["net_benefit"].apply(lambda values: float((values < 0).mean()))
    best, best_control = _share_best(per_run, arms)
    table = per_run.drop_duplicates("arm")[["arm", *factors]].set_index("arm").loc[arms].reset_index()
    contrasts.index = [_arm_number(results, row) for _, row in contrasts.iterrows()]
    by_arm = contrasts.loc[arms]
    table["n"] = by_arm["n"].to_numpy()
    table["net_benefit"] = -by_arm["difference"].to_numpy()
    table["ci_low"] = -by_arm["ci_high"].to_numpy()
    table["ci_high"] = -by_arm["ci_low"].to_numpy()
    table["turnover_cost_avoided"] = means.loc[arms, "turnover_cost_avoided"].to_numpy()
    table["programme_cost"] = means.loc[arms, "programme_cost"].to_numpy()
    table["share_best"] = [best.get(a, np.nan) for a in arms]
    table["share_loss"] = share_loss.loc[arms].to_numpy()
    table = table.sort_values("net_benefit", ascending=False, kind="stable", na_position="last", ignore_index=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    table.attrs.update(share_best_control=best_control, criterion=CRITERION)
    return table


def _share_best(per_run: pd.DataFrame, arms: list[int]) -> tuple[dict[int, float], float]:
    """Share of complete replications in which each arm, and no programme, has the highest net benefit."""
    wide = per_run.pivot_table(index="replication", columns="arm", values="net_benefit", aggfunc="first")
    wide = wide.reindex(columns=arms).dropna()
    if wide.empty:
        return {}, np.nan
    options = wide.assign(_none=0.0).to_numpy()
    top = options.max(axis=1, keepdims=True)
    winners = options == top
    credit = (winners / winners.sum(axis=1, keepdims=True)).mean(axis=0)
    return {a: float(c) for a, c in zip(arms, credit[:-1], strict=True)}, float(credit[-1])


def _control(results: ExperimentResults) -> dict[str, Any]:
    control = results.experiment.control_arm()
    if control is None:
        raise ConfigError("control", None, "this experiment has no control arm; set `control:` in the experiment file")
    return control


# --------------------------------------------------------------------------- entry point


def build_report(results: ExperimentResults | str | Path, out: str | Path | None = None) -> Path:
    """Write a standalone HTML report of an experiment.

    Parameters
    ----------
    results
        A results folder (written by :func:`rmsim.run_experiment` or
        ``rmsim experiment run``) or the :class:`ExperimentResults` read from it.
    out
        The HTML file to write; default ``report.html`` in the results folder.
        An existing file there is replaced; the results themselves
        (``manifest.json``, ``runs/``) are never written to.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    rmsim.errors.ConfigError
        If ``results`` is not an experiment results folder, has no finished
        run, or ``out`` cannot be written; nothing is written then.

    Examples
    --------
    >>> path = rmsim.run_experiment("cadence.yaml")  # doctest: +SKIP
    >>> rmsim.build_report(path)  # doctest: +SKIP
    PosixPath('results/cadence-vs-policy/report.html')
    """
    results = _load(results)
    target = _target(results, out)
    document = _document(results)
    _write_atomic(target, document)
    return target


def _load(results: ExperimentResults | str | Path) -> ExperimentResults:
    """The results, checked to be an experiment with at least one finished run."""
    if not isinstance(results, ExperimentResults):
        path = Path(results)
        if not path.exists():
            raise ConfigError("results", str(path), f"no such folder; {_EXPECTED}")
        if not path.is_dir():
            raise ConfigError("results", str(path), f"is a file, not a folder; {_EXPECTED}")
        if not (path / MANIFEST).is_file():
            raise ConfigError(
                "results", str(path), f"holds no manifest.json, so it is not an experiment results folder; {_EXPECTED}"
            )
        try:
            results = load_results(path)
        except (RmsimError, ValueError, KeyError, TypeError, OSError) as error:
            reason = "describes no experiment (the results of a single run?)" if isinstance(error, KeyError) else "cannot be read"
            detail = " ".join(str(error).split())
            raise ConfigError("results", str(path), f"its manifest.json {reason} ({detail}); {_EXPECTED}") from None
    if not results.status()["ok"]:
        raise ConfigError(
            "results",
            str(results.path),
            "holds no finished run yet; run the experiment (`rmsim experiment run`) before making its report",
        )
    return results


def _target(results: ExperimentResults, out: str | Path | None) -> Path:
    """The report's path, refused if it is a folder or part of the results themselves."""
    target = Path(out) if out is not None else results.path / REPORT
    if target.is_dir():
        raise ConfigError("out", str(target), "is a folder; give the path of the HTML file to write")
    resolved, root = target.resolve(), results.path.resolve()
    if resolved == root / MANIFEST or any(parent in resolved.parents for parent in (root / RUNS, root / ".staging")):
        raise ConfigError(
            "out", str(target), f"is part of the experiment's results; write the report elsewhere (default: {REPORT})"
        )
    check_creatable(target, what="the report cannot be written there")
    return target


def _write_atomic(target: Path, text: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as error:
        raise ConfigError("out", str(target), f"cannot write the report there ({error.strerror or error})") from None


# --------------------------------------------------------------------------- the document


def _document(results: ExperimentResults) -> str:
    from rmsim import __version__

    experiment = results.experiment
    bodies = {
        "question": _question(results),
        "organisation": _organisation(results),
        "designs": _designs(results),
        "outcomes": _outcomes(results),
        "cost": _cost(results),
        "recommendation": _recommendation(results),
        "assumptions": _assumptions(results),
        "failed-runs": _failed(results),
        "manifest": _manifest(results),
    }
    sections = "\n".join(f'<section id="{key}">\n<h2>{_e(heading)}</h2>\n{bodies[key]}\n</section>' for key, heading in SECTIONS)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"Reverse-mentoring programme designs: {experiment.name}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<p class="meta">Simulation report made with rmsim {_e(__version__)} on {_e(made)} from the results folder
<code>{_e(results.path.name)}</code>. Every number is computed from the simulated runs listed in the manifest
(section 9); the model's assumptions are listed in section 7.</p>
</header>
{sections}
<footer><p>rmsim — an agent-based model of reverse-mentoring programmes. The figures in this report are the
output of a simulation under stated assumptions, not measurements of a real programme.</p></footer>
</body>
</html>
"""


def _question(results: ExperimentResults) -> str:
    experiment = results.experiment
    control = experiment.control_arm()
    n_arms = len(experiment.arms())
    designs = n_arms - (sum(is_control(pd.DataFrame(experiment.arms()), control)) if control else 0)
    varied = ", ".join(f"<code>{_e(f)}</code>" for f in results.factors) or "nothing"
    scenario = experiment.scenario
    if control:
        compared = (
            f"It compares <strong>{designs} programme design{'s' if designs != 1 else ''}</strong>, which differ in {varied}, "
            f"with a <strong>control</strong> ({_e(_label_of(control))}) on the same simulated organisation."
        )
        question = (
            "Which design, if any, should the organisation run? What does each do to knowledge transfer, "
            "retention and promotions, and does the turnover cost it avoids pay for the hours it takes?"
        )
    else:
        compared = f"It compares <strong>{n_arms} arm{'s' if n_arms != 1 else ''}</strong>, which differ in {varied}."
        question = "How do the outcomes of these designs differ? (The experiment has no control arm, so no design is "
        question += "compared with running no programme.)"
    description = experiment.description.strip() or "(no description was given)"
    return f"""<p class="lead">{_e(question)}</p>
<p>Experiment <strong>{_e(experiment.name)}</strong>: {_e(description)}</p>
<p>{compared} Each design is simulated {experiment.replications} time{"s" if experiment.replications != 1 else ""}
(replications) over {scenario.weeks} weeks. Replication <em>r</em> of every design uses the same seed (common random
numbers): the same people and the same chance events wherever the design does not change them, so differences
between designs within a replication come from the design. Intervals are {int(_CONFIDENCE * 100)}% confidence
intervals across replications: they measure the simulation's chance variation, not the uncertainty of the
model's assumptions.</p>"""


def _organisation(results: ExperimentResults) -> str:
    scenario = results.experiment.scenario
    org = scenario.organisation
    if org.census:
        source = f"HR census <code>{_e(Path(org.census).name)}</code> (SHA-256 {_e((org.census_sha256 or '?')[:12])}…)"
    else:
        source = "synthetic: drawn from the level and age mixes of the scenario"
    facts = [
        ("scenario", _e(scenario.name) + (f" — {_e(scenario.description)}" if scenario.description else "")),
        ("workforce", source),
        ("positions (headcount when all are filled)", f"{org.size:,}"),
        ("departments", f"{org.departments:,}"),
        ("horizon", f"{scenario.weeks} weeks ({scenario.weeks / 52:.1f} years) from {scenario.start_year}"),
    ]
    varied = [f for f in results.factors if f.startswith("organisation.") or f in ("employees", "weeks")]
    note = ""
    if varied:
        note = f"<p class='note'>The design varies {_e(', '.join(varied))}; the table shows the base scenario.</p>"
    rows = "\n".join(f"<tr><th scope='row'>{_e(k)}</th><td>{v}</td></tr>" for k, v in facts)
    mix = _mix(results)
    return f"""<table class="facts">
{rows}
</table>
{note}
{mix}"""


def _mix(results: ExperimentResults) -> str:
    """Level and generation shares of the initial workforce, read from the runs of one arm."""
    ok = results.runs[results.runs["status"] == "ok"]
    control = results.experiment.control_arm()
    chosen = ok[is_control(ok, control)] if control and is_control(ok, control).any() else ok
    chosen = chosen[chosen["arm"] == chosen["arm"].iloc[0]]
    frames = []
    for run_id, replication in zip(chosen["run_id"], chosen["replication"], strict=True):
        file = results.path / RUNS / str(run_id) / "employees.parquet"
        try:
            people = pd.read_parquet(file, columns=["initial", "generation", "level_start"])
        except (OSError, ValueError, KeyError):
            continue
        frames.append(people[people["initial"].astype(bool)].assign(replication=replication))
    if not frames:
        return "<p class='note'>The employees of the runs could not be read, so the mix is not shown.</p>"
    from rmsim.workforce import GENERATION_NAMES, LEVELS

    people = pd.concat(frames, ignore_index=True)
    configured = results.experiment.scenario.organisation
    rows = []
    for column, names, label in (("level_start", LEVELS, "level"), ("generation", GENERATION_NAMES, "generation")):
        shares = people.groupby("replication")[column].value_counts(normalize=True).unstack(fill_value=0.0)
        shares = shares.reindex(columns=list(names), fill_value=0.0).mean()
        for name in names:
            if shares[name] == 0:
                continue
            setting = "—"
            if column == "level_start" and not configured.census:
                setting = f"{configured.level_mix[name]:.0%}"
            elif column == "generation" and configured.generation_mix and not configured.census:
                setting = f"{configured.generation_mix.get(name, 0.0):.0%}"
            rows.append([_e(label), _e(name.replace("_", " ")), _cell(shares[name], ".1%"), _e(setting)])
    arm = _arm_label(results, int(chosen["arm"].iloc[0]))
    caption = (
        f"Mix of the workforce at week 0: mean share over the {len(frames)} replication(s) of arm {arm}; "
        "“set” is the scenario's target (— when a census or the age mix decides it)."
    )
    return _table(["", "group", "share at week 0", "set"], rows, caption=caption, escape=False, numeric=(2,))


def _designs(results: ExperimentResults) -> str:
    experiment = results.experiment
    control = experiment.control_arm()
    runs = results.runs
    rows = []
    for number, arm in enumerate(experiment.arms()):
        role = "control" if control and all(arm.get(k) == v for k, v in control.items()) else "design"
        ok, planned = int(((runs["arm"] == number) & (runs["status"] == "ok")).sum()), int((runs["arm"] == number).sum())
        rows.append([str(number), role, *(_e(_value(arm[f])) for f in results.factors), f"{ok} of {planned}"])
    table = _table(
        ["arm", "role", *results.factors, "finished runs"],
        rows,
        caption="One row per arm (design point); each arm runs once per replication.",
        escape=False,
    )
    programme = experiment.scenario.programme
    varied = {f.removeprefix("programme.") for f in results.factors} | ({"policy"} if "policy" in results.factors else set())
    shared = [(name, _value(getattr(programme, name))) for name in _BASE_PROGRAMME if name not in varied]
    base = _table(
        ["programme setting", "value in every arm"],
        [[_e(k), _e(v)] for k, v in shared],
        caption="The base programme: settings the design does not vary.",
        escape=False,
    )
    return f"{table}\n{base}"


def _outcomes(results: ExperimentResults) -> str:
    from rmsim.plots import contrasts_figure, outcomes_figure

    ok = results.runs[results.runs["status"] == "ok"]
    outcomes = [o for o in REPORT_OUTCOMES if o in ok and ok[o].notna().any()]
    summary = results.summary(outcomes, confidence=_CONFIDENCE)
    rows = []
    for number in dict.fromkeys(_arms_of(results, summary)):
        part = summary[_arm_mask(results, summary, number)].set_index("outcome")
        cells = [_interval_cell(part.loc[o, "mean"], part.loc[o, "ci_low"], part.loc[o, "ci_high"], ".3g") for o in outcomes]
        rows.append([_e(_arm_label(results, number)), *cells])
    header = ["arm", *(f"{OUTCOMES[o][0]} ({OUTCOMES[o][1]})" for o in outcomes)]
    table = _table(
        header,
        rows,
        caption=f"Mean [{int(_CONFIDENCE * 100)}% confidence interval] across replications; — where an outcome is undefined "
        "(mentee and mentor outcomes in the control).",
        escape=False,
        numeric=tuple(range(1, len(header))),
    )
    shown = [o for o in FIGURE_OUTCOMES if o in outcomes]
    parts = [table]
    if shown:
        parts.append(_figure(outcomes_figure(results, shown, confidence=_CONFIDENCE), "Per-arm means with intervals."))
    if results.experiment.control_arm() is not None and len(ok[~is_control(ok, results.experiment.control_arm())]):
        from rmsim.plots import CONTRAST_OUTCOMES

        parts.append(
            _figure(
                contrasts_figure(results, [o for o in CONTRAST_OUTCOMES if o in ok], confidence=_CONFIDENCE),
                "Difference of each design from the control, paired by replication.",
            )
        )
    return "\n".join(parts)


def _cost(results: ExperimentResults) -> str:
    costs = results.experiment.scenario.costs
    intro = (
        "<p>Programme cost is the salary cost of the hours mentors and mentees spend in the programme (meetings "
        "and preparation, each hour priced at the employee's annual salary over "
        f"{costs.hours_per_year:,.0f} paid hours). Turnover cost is the cost of replacing every leaver, "
        f"{costs.replacement_cost_share:.0%} of their annual salary. Both are in the currency units of the salaries "
        f"and are summed over the {results.experiment.scenario.weeks} weeks simulated.</p>"
    )
    summary = results.summary(list(_COSTS), confidence=_CONFIDENCE)
    rows = []
    for number in dict.fromkeys(_arms_of(results, summary)):
        part = summary[_arm_mask(results, summary, number)].set_index("outcome")
        rows.append(
            [
                _e(_arm_label(results, number)),
                *(_interval_cell(*part.loc[o, ["mean", "ci_low", "ci_high"]], ",.0f") for o in _COSTS),
            ]
        )
    levels = _table(
        ["arm", "programme hours", "programme cost", "turnover cost"],
        rows,
        caption="Per arm: mean [95% CI] across replications.",
        escape=False,
        numeric=(1, 2, 3),
    )
    control = results.experiment.control_arm()
    if control is None:
        note = "<p class='note'>The experiment has no control arm, so no turnover cost avoided can be computed.</p>"
        return f"{intro}\n{levels}\n{note}"
    contrasts = results.contrasts(list(_COSTS), confidence=_CONFIDENCE)
    rows = []
    for _, group in contrasts.groupby(results.factors, sort=False, dropna=False):
        by = group.set_index("outcome")
        number = _arm_number(results, group.iloc[0])
        hours, cost, turnover = by.loc["programme_hours"], by.loc["programme_cost"], by.loc["turnover_cost"]
        rows.append(
            [
                _e(_arm_label(results, number)),
                _interval_cell(hours["difference"], hours["ci_low"], hours["ci_high"], ",.0f"),
                _interval_cell(cost["difference"], cost["ci_low"], cost["ci_high"], ",.0f"),
                _interval_cell(-turnover["difference"], -turnover["ci_high"], -turnover["ci_low"], ",.0f"),
                str(int(by["n"].min())),
            ]
        )
    versus = _table(
        ["design", "extra programme hours", "extra programme cost", "turnover cost avoided", "paired replications"],
        rows,
        caption=f"Against the control ({_label_of(control)}), paired by replication (same seed): mean [95% CI]. "
        "Turnover cost avoided is the control's turnover cost minus the design's; negative means more turnover cost.",
        escape=False,
        numeric=(1, 2, 3, 4),
        table_id="cost-table",
    )
    return f"{intro}\n{levels}\n{versus}"


def _recommendation(results: ExperimentResults) -> str:
    if results.experiment.control_arm() is None:
        return (
            "<p class='note'>No recommendation: the experiment has no control arm to measure turnover cost avoided against.</p>"
        )
    table = recommendation(results, confidence=_CONFIDENCE)
    criterion = f"<p><strong>Criterion.</strong> Designs are ranked by their mean {_e(CRITERION)}. Higher is better.</p>"
    if table.empty:
        return criterion + "<p class='note'>No design has a finished run paired with a finished control run.</p>"
    rows = []
    for _, record in table.iterrows():
        rows.append(
            [
                str(record["rank"]),
                _e(_arm_label(results, int(record["arm"]))),
                _cell(record["net_benefit"], ",.0f"),
                _cell(record["ci_low"], ",.0f"),
                _cell(record["ci_high"], ",.0f"),
                _cell(record["turnover_cost_avoided"], ",.0f"),
                _cell(record["programme_cost"], ",.0f"),
                _cell(record["share_best"], ".0%"),
                _cell(record["share_loss"], ".0%"),
                str(int(record["n"])),
            ]
        )
    level = int(_CONFIDENCE * 100)
    html_table = _table(
        [
            "rank",
            "design",
            "net benefit (mean)",
            f"{level}% CI low",
            f"{level}% CI high",
            "turnover cost avoided (mean)",
            "programme cost (mean)",
            "best option in (share of replications)",
            "loses money in (share of replications)",
            "replications",
        ],
        rows,
        caption="Designs ranked by mean net benefit. “Best option” counts the replications in which the design has the "
        "highest net benefit of all options, running no programme included; “loses money” those in which its net "
        "benefit is below zero.",
        escape=False,
        numeric=tuple(range(2, 10)),
        table_id="recommendation-table",
    )
    control_share = table.attrs["share_best_control"]
    control_line = (
        f"<p id='control-best'>Running no programme is the best option in "
        f"<span data-value='{_data(control_share)}'>{_e(_fmt(control_share, '.0%'))}</span> of the replications "
        "(no design's net benefit above zero).</p>"
    )
    figure = ""
    if len(table):
        from rmsim.plots import net_benefit_figure

        figure = _figure(net_benefit_figure(results, confidence=_CONFIDENCE), "Net benefit of each design against the control.")
    return "\n".join([criterion, _verdict(results, table), html_table, control_line, figure])


def _verdict(results: ExperimentResults, table: pd.DataFrame) -> str:
    top = table.iloc[0]
    name = _e(_arm_label(results, int(top["arm"])))
    low, high = top["ci_low"], top["ci_high"]
    interval = (
        f"{int(_CONFIDENCE * 100)}% CI {_fmt(low, ',.0f')} to {_fmt(high, ',.0f')}"
        if np.isfinite([low, high]).all()
        else "no interval"
    )
    if top["net_benefit"] > 0 and np.isfinite(low) and low > 0:
        claim = (
            f"<strong>{name}</strong> pays for itself in turnover cost alone: mean net benefit "
            f"{_fmt(top['net_benefit'], ',.0f')} ({interval})."
        )
    elif top["net_benefit"] > 0:
        claim = (
            f"<strong>{name}</strong> has the highest mean net benefit, {_fmt(top['net_benefit'], ',.0f')}, but its interval "
            f"({interval}) includes zero: the simulation cannot tell whether it pays for itself in turnover cost."
        )
    else:
        claim = (
            f"No design pays for itself in turnover cost alone over this horizon. The least costly is "
            f"<strong>{name}</strong>: mean net benefit {_fmt(top['net_benefit'], ',.0f')} ({interval}); its value must "
            "come from benefits not priced here (skills, engagement, inclusion)."
        )
    return (
        f"<p class='lead'>{claim} It is the best option in {_fmt(top['share_best'], '.0%')} of the replications and "
        f"loses money in {_fmt(top['share_loss'], '.0%')}.</p>"
        "<p class='note'>Only replacement costs of leavers are priced: gains in skills, engagement, inclusion or "
        "promotions are not counted as money, and the horizon ends at the last simulated week.</p>"
    )


def _assumptions(results: ExperimentResults) -> str:
    from rmsim.config import Scenario
    from rmsim.docs import parameter_sections
    from rmsim.experiment import _ALIASES

    scenario = results.experiment.scenario
    values = scenario.model_dump()
    varied = {_ALIASES.get(f, f) for f in results.factors}
    rows, counts = [], {"assumption": 0, "cited": 0}
    changed = 0
    for _, _, leaves in parameter_sections(Scenario):
        for dotted, info in leaves:
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            source = str(extra.get("source", ""))
            if not source or source.casefold() in _NOT_SOURCES:
                continue
            kind = "assumption" if source.casefold().startswith("assumption") else "cited"
            counts[kind] += 1
            value = _lookup(values, dotted)
            default = info.get_default(call_default_factory=True)
            if dotted in varied:
                shown, status = "varied by the design", "design"
            else:
                shown = _value(value)
                status = "set" if _differs(value, default) else ""
            changed += status == "set"
            css = f" class='{status}'" if status else ""
            rows.append(
                f"<tr{css}><td><code>{_e(dotted)}</code></td><td>{_e(shown)}</td><td>{_e(_value(default))}</td>"
                f"<td>{_e(kind)}</td><td>{_e(info.description or '')}</td><td>{_e(source)}</td></tr>"
            )
    intro = (
        f"<p>The base scenario has {counts['assumption'] + counts['cited']} model parameters: "
        f"<strong>{counts['assumption']}</strong> rest on an assumption (a plausible value no source backs) and "
        f"<strong>{counts['cited']}</strong> on a cited source ([V]: checked against the cited text; [S]: secondary "
        f"source only). {changed} differ from rmsim's defaults in this experiment (highlighted); parameters varied by "
        "the design are marked. The model is documented, with these tables, in rmsim's ODD protocol.</p>"
    )
    header = "".join(
        f"<th scope='col'>{_e(h)}</th>" for h in ("parameter", "this experiment", "default", "kind", "meaning", "source")
    )
    return f"""{intro}
<div class="scroll"><table class="params">
<thead><tr>{header}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table></div>"""


def _failed(results: ExperimentResults) -> str:
    counts = results.status()
    planned = len(results.runs)
    parts = []
    if counts["failed"] == 0 and counts["pending"] == 0:
        parts.append(f"<p>None: all {planned} planned runs finished.</p>")
    else:
        parts.append(
            f"<p>{counts['ok']} of {planned} planned runs finished; {counts['failed']} failed and {counts['pending']} have not "
            "run yet. Everything above uses the finished runs only; a design missing a replication has a smaller "
            "<em>n</em>. Running the experiment again retries failed runs and runs the missing ones.</p>"
        )
    failed = results.failed
    if len(failed):
        rows = [
            [
                _e(r["run_id"]),
                _e(_arm_label(results, _arm_number(results, r))),
                str(r["replication"]),
                str(r["seed"]),
                _e(r["error"]),
            ]
            for _, r in failed.iterrows()
        ]
        parts.append(_table(["run", "arm", "replication", "seed", "error"], rows, escape=False, table_id="failed-table"))
    return "\n".join(parts)


def _manifest(results: ExperimentResults) -> str:
    manifest = results.manifest
    attempts = manifest.get("attempts") or [{}]
    last = attempts[-1]
    versions = last.get("versions") or manifest.get("versions") or {}
    git = last.get("git") or manifest.get("git") or {}
    revision = git.get("commit") or "unknown (not run from a git checkout)"
    if git.get("dirty"):
        revision += " (with uncommitted changes)"
    facts = [
        ("experiment", results.experiment.name),
        ("specification hash (SHA-256)", manifest.get("spec_hash", "?")),
        ("master seed", str(results.experiment.seed)),
        ("replication seeds", ", ".join(f"{k}: {v}" for k, v in (manifest.get("seeds") or {}).items())),
        ("status", str(manifest.get("status", "unknown"))),
        ("created", str(manifest.get("created", "?"))),
        ("attempts", str(len(manifest.get("attempts") or []))),
        ("git revision (last attempt)", revision),
        ("versions (last attempt)", ", ".join(f"{k} {v}" for k, v in versions.items())),
    ]
    rows = "\n".join(f"<tr><th scope='row'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
    text = json.dumps(manifest, indent=2, default=str, sort_keys=False)
    return f"""<details>
<summary>Specification, seeds, versions and git revision (from manifest.json)</summary>
<table class="facts">
{rows}
</table>
<pre>{_e(text)}</pre>
</details>"""


# --------------------------------------------------------------------------- helpers


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: Any, spec: str) -> str:
    if value is None or (isinstance(value, float | np.floating) and not np.isfinite(value)) or pd.isna(value):
        return "—"
    text = format(float(value), spec)
    return text[1:] if re.fullmatch(r"-[0.,%]+", text) else text  # no "-0" for a value that rounds to zero


def _data(value: Any) -> str:
    return "" if value is None or pd.isna(value) else repr(float(value))


def _cell(value: Any, spec: str) -> str:
    """A numeric table cell: the formatted value, with the exact value in ``data-value``."""
    return f"<span data-value='{_data(value)}'>{_e(_fmt(value, spec))}</span>"


def _interval_cell(mean: Any, low: Any, high: Any, spec: str) -> str:
    if pd.isna(mean):
        return "—"
    if pd.isna(low) or pd.isna(high):
        return _cell(mean, spec)
    return f"{_cell(mean, spec)} <span class='ci'>[{_e(_fmt(low, spec))}, {_e(_fmt(high, spec))}]</span>"


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    caption: str | None = None,
    escape: bool = True,
    numeric: tuple[int, ...] = (),
    table_id: str | None = None,
) -> str:
    """An HTML table; cells are escaped unless ``escape`` is false (then they must be HTML already)."""
    head = "".join(f"<th scope='col'>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(f"<td{' class=num' if i in numeric else ''}>{_e(c) if escape else c}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    ident = f" id='{_e(table_id)}'" if table_id else ""
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<div class='scroll'><table{ident}>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def _figure(fig: Figure, caption: str) -> str:
    """The figure as an embedded PNG (a ``data:`` URI); the figure is closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"<figure><img src='data:image/png;base64,{data}' alt='{_e(caption)}'><figcaption>{_e(caption)}</figcaption></figure>"


def _value(value: Any) -> str:
    from rmsim.docs import yaml_value

    return yaml_value(value.item() if isinstance(value, np.generic) else value)


def _short(value: Any) -> str:
    """A factor value in a label: floats (of sampled designs) to four significant digits."""
    return format(value, ".4g") if isinstance(value, float) else _value(value)


def _label_of(arm: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {_short(v)}" for k, v in arm.items())


def _arm_label(results: ExperimentResults, number: int) -> str:
    arms = results.experiment.arms()
    arm = arms[number]
    if len(arm) == 1:
        return _short(next(iter(arm.values())))
    return _label_of(arm)


def _arms_of(results: ExperimentResults, table: pd.DataFrame) -> list[int]:
    return [_arm_number(results, row) for _, row in table.iterrows()]


def _arm_number(results: ExperimentResults, row: pd.Series) -> int:
    for number, arm in enumerate(results.experiment.arms()):
        if all(_same(row[f], v) for f, v in arm.items()):
            return number
    raise KeyError(dict(row))  # pragma: no cover - every row comes from an arm


def _arm_mask(results: ExperimentResults, table: pd.DataFrame, number: int) -> np.ndarray:
    arm = results.experiment.arms()[number]
    return np.logical_and.reduce([table[f].map(lambda x, v=v: _same(x, v)).to_numpy() for f, v in arm.items()])


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        node = node[part]
    return node


def _differs(value: Any, default: Any) -> bool:
    try:
        return bool(value != default)
    except (TypeError, ValueError):
        return True


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d1d1f;
  max-width: 72rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; margin-top: 2.2rem; }
p.meta, p.note, caption, figcaption, footer { color: #57606a; font-size: .9rem; }
p.lead { font-size: 1.08rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .88rem; }
caption { caption-side: bottom; text-align: left; padding-top: .3rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .55rem; vertical-align: top; text-align: left; }
thead th { background: #f3f5f7; }
td.num { text-align: right; white-space: nowrap; }
table.facts th { background: #f8f9fa; font-weight: 600; }
table.params td { font-size: .8rem; }
tr.set td { background: #fff8c5; }
tr.design td { background: #ddf4ff; }
span.ci { color: #57606a; }
div.scroll { overflow-x: auto; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; font-size: .78rem; }
details summary { cursor: pointer; font-weight: 600; }
footer { margin-top: 3rem; border-top: 1px solid #d0d7de; }
"""


__all__ = ["CRITERION", "REPORT", "SECTIONS", "build_report", "net_benefit", "recommendation"]
