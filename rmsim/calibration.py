"""Calibration: which parameter values let a case study reproduce its published figures?

:func:`calibrate` estimates chosen scenario fields of a preset by
approximate Bayesian computation with rejection (Pritchard et al. 1999;
Beaumont, Zhang & Balding 2002, without their regression adjustment):

1. draw ``samples`` parameter points from a uniform prior over the given
   ranges with a Latin hypercube or Sobol' design;
2. simulate every point over ``replications`` with common random numbers
   (replication ``r`` of every point has the same seed), as an
   :class:`~rmsim.Experiment` on any backend — serial, processes or Dask;
3. summarise each point by the mean of every target's simulated quantity
   over its replications;
4. measure the distance of each point's summaries from the published values,
   each target scaled by the spread of its summaries over the design
   (root mean square of the scaled differences);
5. keep the ``accept`` share of points closest to the published values: the
   approximate posterior. The estimate is its median, the uncertainty its 5th
   to 95th percentile.

The fit diagnostic says, per target, how close the accepted points come to
the published value and whether it lies within the range the accepted
points' replications span; per parameter, how much the posterior narrows the
prior and whether it piles up at an edge of the range searched (a sign the
target needs a value beyond it). :meth:`Calibration.save` stores the
estimates in the preset with a note of how they were obtained.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from rmsim.case_studies import INTERVAL, Calibrated, CaseStudy, load_case, simulated_values, write_calibration
from rmsim.errors import ConfigError

EDGE = 0.05
"""A posterior whose median lies within this share of the prior range from an edge is flagged ``at_edge``."""


@dataclass
class Calibration:
    """Result of :func:`calibrate`.

    Attributes
    ----------
    case : CaseStudy
        The preset calibrated.
    estimates : pandas.DataFrame
        One row per parameter: ``parameter``, ``estimate`` (posterior median),
        ``low``/``high`` (5th-95th percentile), ``prior_low``/``prior_high``,
        ``narrowing`` (posterior 90% width over prior width; small is
        informative) and ``at_edge``.
    diagnostic : pandas.DataFrame
        One row per target: ``published``, ``lower``/``upper``,
        ``accepted_mean`` (mean summary over accepted points),
        ``accepted_low``/``accepted_high`` (5th-95th percentile of the accepted
        points' replications) and ``reached`` (the published range meets it).
    design : pandas.DataFrame
        Every point: its parameter values, each target's mean over
        replications, ``distance`` and ``accepted``.
    tolerance : float
        Largest distance accepted.
    method : str
        How the estimate was made, in one sentence (stored with the preset).
    provenance : dict
        Seed, design, replications and results folder.
    """

    case: CaseStudy
    estimates: pd.DataFrame
    diagnostic: pd.DataFrame
    design: pd.DataFrame
    tolerance: float
    method: str
    targets: list[str]
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def posterior(self) -> pd.DataFrame:
        """The accepted points (parameter values, summaries and distance)."""
        return self.design[self.design["accepted"]].reset_index(drop=True)

    def summary(self) -> str:
        """Estimates and fit diagnostic as plain text."""
        lines = [f"Calibration of {self.case.case}: {self.method}", "", "parameter estimates (posterior median, 90% interval):"]
        for row in self.estimates.itertuples(index=False):
            flag = "  AT THE EDGE of the range searched" if row.at_edge else ""
            lines.append(
                f"  {row.parameter:<40} {row.estimate:10.4g} [{row.low:.4g}, {row.high:.4g}]  "
                f"prior [{row.prior_low:.4g}, {row.prior_high:.4g}], narrowing {row.narrowing:.2f}{flag}"
            )
        lines += ["", "fit to the targets (accepted points):"]
        for row in self.diagnostic.itertuples(index=False):
            lines.append(
                f"  {row.target:<40} published {row.published:8.4g}  simulated {row.accepted_mean:8.4g} "
                f"[{row.accepted_low:.4g}, {row.accepted_high:.4g}]  {'reached' if row.reached else 'NOT reached'}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def save(self, note: str = "") -> Path:
        """Store every estimate in the preset's ``calibrated`` section.

        Parameters
        ----------
        note
            The reading of the estimate (is the value plausible? what does it imply?).

        Returns
        -------
        pathlib.Path
            The preset file written.
        """
        path = None
        for row in self.estimates.itertuples(index=False):
            value = Calibrated(
                value=float(row.estimate),
                interval=(float(row.low), float(row.high)),
                prior=(float(row.prior_low), float(row.prior_high)),
                method=self.method,
                targets=self.targets,
                note=note,
                provenance=self.provenance,
            )
            path = write_calibration(self.case, row.parameter, value)
        assert path is not None
        return path


def calibrate(
    case: str | CaseStudy,
    parameters: dict[str, Sequence[float]],
    *,
    targets: Sequence[str] | None = None,
    target_table: pd.DataFrame | None = None,
    samples: int = 64,
    replications: int = 4,
    accept: float = 0.2,
    design: Literal["lhs", "sobol"] = "lhs",
    seed: int = 2026,
    out: str | Path = Path("results") / "calibration",
    backend: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool = True,
) -> Calibration:
    """Estimate scenario fields of a case study from its published figures (ABC rejection).

    Parameters
    ----------
    case
        A preset name (``"hartford"``) or a :class:`~rmsim.case_studies.CaseStudy`.
    parameters
        ``{"dotted.field": (low, high)}``: the fields to estimate and the range
        of their uniform prior. Other calibrated values of the preset stay applied.
    targets
        Names of the case's targets to fit (default: all its ``outcome`` targets).
    target_table
        Targets to use instead of ``data/case_studies/targets.csv`` (same columns;
        for a preset of your own).
    samples
        Parameter points drawn from the prior.
    replications
        Runs per point; replication ``r`` of every point shares a seed.
    accept
        Share of points kept as the posterior (at least two are kept).
    design
        ``"lhs"`` (Latin hypercube) or ``"sobol"``.
    seed
        Master seed of the design and the runs.
    out
        Parent folder of the results (``<out>/<case>-<hash>/``; running again resumes).
    backend, workers, scheduler, client
        As in :func:`rmsim.run_experiment`.
    progress
        Show a progress bar.

    Returns
    -------
    Calibration
        ``.estimates``, ``.diagnostic``, ``.posterior``, ``.summary()``, ``.save(note)``.

    Examples
    --------
    >>> cal = rmsim.calibrate("hartford", {"careers.visibility_weight": (0, 20)},
    ...                       targets=["mentors_promoted_within_a_year"])  # doctest: +SKIP
    """
    from rmsim.experiment import Experiment, SampleDesign, run_experiment
    from rmsim.store import load_results

    study = case if isinstance(case, CaseStudy) else load_case(case)
    table = (target_table if target_table is not None else study.targets()).copy()
    table = table[table["case"] == study.case].reset_index(drop=True)
    chosen = _chosen_targets(study, table, targets)
    if not parameters:
        raise ConfigError("parameters", parameters, "give at least one field with a (low, high) range")
    for name in parameters:
        if name in ("policy", "programme.policy"):
            raise ConfigError("parameters", name, "only numeric fields can be calibrated")
    for name, value in (("samples", samples), ("replications", replications)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise ConfigError(name, value, "must be a whole number >= 2")
    if not 0 < accept <= 1:
        raise ConfigError("accept", accept, "must be a share in (0, 1]")
    base = study.build_scenario()
    sample = SampleDesign(method=design, n=samples, factors={k: tuple(v) for k, v in parameters.items()})
    fingerprint = hashlib.sha256(
        json.dumps([base.to_dict(), sample.model_dump(mode="json"), replications, seed, list(chosen["target"])]).encode()
    ).hexdigest()[:10]
    experiment = Experiment(
        name=f"{study.case}-{fingerprint}",
        description=f"ABC calibration of {', '.join(parameters)} for {study.title}",
        scenario=base,
        sample=sample,
        replications=replications,
        seed=seed,
    )
    folder = run_experiment(
        experiment, out=Path(out) / experiment.name, backend=backend, workers=workers, scheduler=scheduler, client=client,
        progress=progress,
    )  # fmt: skip
    results = load_results(folder)
    values = simulated_values(results, chosen)
    names = list(parameters)
    wide = values.pivot_table(index=["arm", *names], columns="target", values="value", aggfunc="mean").reset_index()
    wide = wide[["arm", *names, *chosen["target"]]]
    distance = _distances(wide, chosen)
    wide["distance"] = distance
    keep = max(2, math.ceil(accept * len(wide)))
    order = np.argsort(distance, kind="stable")
    wide["accepted"] = False
    wide.loc[wide.index[order[:keep]], "accepted"] = True
    tolerance = float(distance[order[keep - 1]])
    accepted = wide[wide["accepted"]]
    tail = (1 - INTERVAL) / 2
    estimates = pd.DataFrame(
        [
            _estimate(name, accepted[name].to_numpy(dtype=float), float(parameters[name][0]), float(parameters[name][1]), tail)
            for name in names
        ]
    )
    per_run = values[values["arm"].isin(accepted["arm"])]
    diagnostic = pd.DataFrame([_fit(row, accepted, per_run, tail) for row in chosen.itertuples(index=False)])
    method = (
        f"ABC rejection: {samples} {design.upper()} points from a uniform prior, {replications} replications each with "
        f"common random numbers (seed {seed}), distance = RMS of target differences scaled by their spread over the "
        f"design; the closest {keep} points ({keep / len(wide):.0%}) kept; estimate = posterior median"
    )
    provenance = {
        "seed": seed,
        "samples": samples,
        "replications": replications,
        "accept": accept,
        "design": design,
        "tolerance": tolerance,
        "results": folder.name,
        "date": date.today().isoformat(),
        **_versions(),
    }
    return Calibration(study, estimates, diagnostic, wide, tolerance, method, list(chosen["target"]), provenance)


def _chosen_targets(study: CaseStudy, table: pd.DataFrame, targets: Sequence[str] | None) -> pd.DataFrame:
    if targets is None:
        chosen = table[table["kind"] == "outcome"]
        if chosen.empty:
            raise ConfigError("targets", None, f"case {study.case} has no outcome targets; name the targets to fit")
    else:
        names = [targets] if isinstance(targets, str) else list(targets)
        unknown = [t for t in names if t not in set(table["target"])]
        if unknown or not names:
            raise ConfigError("targets", unknown or names, f"allowed: {', '.join(table['target'])}")
        chosen = table[table["target"].isin(names)]
    comparing = chosen[(chosen["compare"] != "") | (chosen["kind"] == "direction")]
    if len(comparing):
        raise ConfigError(
            "targets", list(comparing["target"]), "direction targets (compared with a control) cannot be calibrated"
        )
    return chosen.reset_index(drop=True)


def _distances(wide: pd.DataFrame, chosen: pd.DataFrame) -> np.ndarray:
    """RMS over targets of (summary - published) / spread of the summary over the design."""
    parts = []
    for target in chosen.itertuples(index=False):
        summary = wide[target.target].to_numpy(dtype=float)
        spread = np.nanstd(summary)
        scale = spread if spread > 0 else max(abs(target.published), 1.0)
        miss = np.where(np.isnan(summary), np.inf, (summary - target.published) / scale)
        parts.append(miss**2)
    return np.sqrt(np.mean(parts, axis=0))


def _estimate(name: str, accepted: np.ndarray, low: float, high: float, tail: float) -> dict[str, Any]:
    median = float(np.median(accepted))
    q_low, q_high = np.quantile(accepted, [tail, 1 - tail])
    width = high - low
    return {
        "parameter": name,
        "estimate": median,
        "low": float(q_low),
        "high": float(q_high),
        "prior_low": low,
        "prior_high": high,
        "narrowing": float((q_high - q_low) / width) if width > 0 else 0.0,
        "at_edge": bool(width > 0 and min(median - low, high - median) < EDGE * width),
    }


def _fit(target: Any, accepted: pd.DataFrame, per_run: pd.DataFrame, tail: float) -> dict[str, Any]:
    runs = per_run.loc[per_run["target"] == target.target, "value"].dropna().to_numpy(dtype=float)
    low, high = np.quantile(runs, [tail, 1 - tail]) if len(runs) else (math.nan, math.nan)
    return {
        "target": target.target,
        "published": target.published,
        "lower": target.lower,
        "upper": target.upper,
        "accepted_mean": float(accepted[target.target].mean()),
        "accepted_low": float(low),
        "accepted_high": float(high),
        "reached": bool(len(runs) and high >= target.lower - 1e-9 and low <= target.upper + 1e-9),
    }


def _versions() -> dict[str, Any]:
    from rmsim.provenance import git_revision, package_versions

    return {"versions": package_versions(), "git_revision": git_revision()}


__all__ = ["Calibration", "calibrate"]
