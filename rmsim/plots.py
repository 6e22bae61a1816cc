"""Publication-quality figures of results (matplotlib and seaborn).

Each function returns a :class:`matplotlib.figure.Figure`; nothing is shown or
saved unless asked, so the functions work in notebooks, scripts and on
headless machines alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rmsim.results import OUTCOMES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from rmsim.store import ExperimentResults

CONTRAST_OUTCOMES = ("digital_gap_end", "annual_exit_rate", "retention_gen_z", "turnover_cost")
"""Outcomes of the default contrasts figure: defined for the control too, so a difference exists."""


def _label(outcome: str) -> str:
    label, unit = OUTCOMES.get(outcome, (outcome, ""))
    return f"{label}\n({unit})" if unit else label


def contrasts_figure(
    results: ExperimentResults, outcomes: tuple[str, ...] | list[str] = CONTRAST_OUTCOMES, *, confidence: float = 0.95
) -> Figure:
    """Paired differences from the control arm with confidence intervals, one panel per outcome.

    Parameters
    ----------
    results
        An experiment with a control arm (see :meth:`ExperimentResults.contrasts`).
    outcomes
        Outcome columns, one panel each.
    confidence
        Level of the intervals.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    table = results.contrasts(list(outcomes), confidence=confidence)
    table = table[table["n"] > 0].copy()
    others = [f for f in results.factors if f not in (results.experiment.control_arm() or {})]
    table["arm"] = table[results.factors].astype(str).agg(", ".join, axis=1)
    order = list(dict.fromkeys(table["arm"]))
    with sns.axes_style("whitegrid"), sns.plotting_context("paper"):  # local style: leaves the caller's theme alone
        fig, axes = plt.subplots(1, len(outcomes), figsize=(3.2 * len(outcomes), 0.35 * len(order) + 1.6), sharey=True)
    axes = list(axes) if len(outcomes) > 1 else [axes]
    for ax, outcome in zip(axes, outcomes, strict=True):
        part = table[table["outcome"] == outcome].set_index("arm").reindex(order)
        y = range(len(order))
        ax.errorbar(
            part["difference"],
            list(y),
            xerr=[part["difference"] - part["ci_low"], part["ci_high"] - part["difference"]],
            fmt="o",
            color="C0",
            ecolor="C0",
            capsize=2,
            markersize=4,
        )
        ax.axvline(0.0, color="0.3", linewidth=0.8)
        ax.set_yticks(list(y), order)
        ax.set_title(_label(outcome), fontsize=9)
        ax.set_xlabel("difference from control")
    axes[0].invert_yaxis()
    control = ", ".join(f"{k} = {v}" for k, v in (results.experiment.control_arm() or {}).items())
    note = f" (within each {', '.join(others)})" if others else ""
    fig.suptitle(
        f"{results.experiment.name}: paired difference from the control ({control}){note}, "
        f"{int(confidence * 100)}% CI over {results.experiment.replications} replications",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def save_contrasts_figure(results: ExperimentResults, path: str | Path, **kwargs: object) -> Path:
    """Draw :func:`contrasts_figure` and save it to ``path`` (PNG at 150 dpi, or by suffix)."""
    import matplotlib.pyplot as plt

    fig = contrasts_figure(results, **kwargs)  # type: ignore[arg-type]
    path = Path(path)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return path


def outcome_table(results: ExperimentResults, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Per-arm means and intervals, wide: one row per arm, ``mean`` and ``ci`` columns per outcome."""
    table = results.summary(outcomes)
    wide = table.pivot_table(index=results.factors, columns="outcome", values=["mean", "ci_low", "ci_high"], sort=False)
    return wide.swaplevel(axis=1).sort_index(axis=1)


def _arm_labels(frame: pd.DataFrame, factors: list[str]) -> pd.Series:
    """One label per row naming the arm by its factor values (``policy = random, cadence_weeks = 2``)."""

    def short(value: object) -> str:
        return format(value, ".4g") if isinstance(value, float) else str(value)

    if len(factors) == 1:
        return frame[factors[0]].map(short).astype(str)
    return frame[factors].apply(lambda row: ", ".join(f"{f} = {short(v)}" for f, v in row.items()), axis=1)


def outcomes_figure(
    results: ExperimentResults, outcomes: tuple[str, ...] | list[str] = CONTRAST_OUTCOMES, *, confidence: float = 0.95
) -> Figure:
    """Per-arm means of outcomes with confidence intervals across replications, one panel per outcome.

    The points and intervals are those of :meth:`ExperimentResults.summary`
    (t intervals); grey dots are single replications. Arms where an outcome
    is undefined (e.g. mentee outcomes in the control) are left out of that
    panel.

    Parameters
    ----------
    results
        Any experiment with finished runs.
    outcomes
        Outcome columns, one panel each.
    confidence
        Level of the intervals.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    outcomes = list(outcomes)
    factors = results.factors
    table = results.summary(outcomes, confidence=confidence)
    table["arm"] = _arm_labels(table, factors)
    runs = results.runs[results.runs["status"] == "ok"].copy()
    runs["arm"] = _arm_labels(runs, factors)
    order = list(dict.fromkeys(table["arm"]))
    with sns.axes_style("whitegrid"), sns.plotting_context("paper"):  # local style: leaves the caller's theme alone
        fig, axes = plt.subplots(1, len(outcomes), figsize=(3.2 * len(outcomes), 0.35 * len(order) + 1.6), sharey=True)
    axes = list(axes) if len(outcomes) > 1 else [axes]
    y = {arm: i for i, arm in enumerate(order)}
    for ax, outcome in zip(axes, outcomes, strict=True):
        part = table[(table["outcome"] == outcome) & (table["n"] > 0)]
        dots = runs[["arm", outcome]].dropna()
        ax.scatter(dots[outcome], dots["arm"].map(y), s=8, color="0.65", zorder=2)
        _means_with_intervals(ax, part["mean"], part["arm"].map(y), part["ci_low"], part["ci_high"], size=4)
        ax.set_yticks(list(y.values()), order)
        ax.set_title(_label(outcome), fontsize=9)
    axes[0].set_ylim(len(order) - 0.5, -0.5)
    fig.suptitle(
        f"{results.experiment.name}: mean per arm, {int(confidence * 100)}% CI over {results.experiment.replications} "
        "replications (grey: single replications)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def _means_with_intervals(ax: Any, mean: Any, y: Any, low: Any, high: Any, *, size: float) -> None:
    """Horizontal interval bars around means (missing bounds draw no bar), over the single-run dots."""
    ax.errorbar(
        mean,
        y,
        xerr=[(mean - low).fillna(0), (high - mean).fillna(0)],
        fmt="o",
        color="C0",
        ecolor="C0",
        capsize=size - 2,
        markersize=size,
        zorder=3,
    )


def net_benefit_figure(results: ExperimentResults, *, confidence: float = 0.95) -> Figure:
    """Net benefit of every design against the control, replication by replication, with its mean and interval.

    Net benefit is the turnover cost avoided minus the extra programme cost,
    paired by replication (see :func:`rmsim.report.net_benefit`). Grey dots
    are single replications; the points and bars are the means and the
    paired t intervals of :func:`rmsim.report.recommendation`, in its order.

    Parameters
    ----------
    results
        An experiment with a control arm.
    confidence
        Level of the intervals.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from rmsim.report import net_benefit, recommendation

    table = recommendation(results, confidence=confidence)
    per_run = net_benefit(results)
    designs = [f for f in results.factors if f in table.columns]
    table["design"] = _arm_labels(table, designs)
    per_run["design"] = _arm_labels(per_run, designs)
    y = {design: i for i, design in enumerate(table["design"])}
    with sns.axes_style("whitegrid"), sns.plotting_context("paper"):
        width = max(7.0, 5.0 + 0.1 * max((len(d) for d in y), default=0))
        fig, ax = plt.subplots(figsize=(width, 0.4 * len(y) + 1.6))
    ax.scatter(per_run["net_benefit"], per_run["design"].map(y), s=10, color="0.65", zorder=2)
    _means_with_intervals(ax, table["net_benefit"], list(y.values()), table["ci_low"], table["ci_high"], size=5)
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.set_yticks(list(y.values()), list(y))
    ax.set_ylim(len(y) - 0.5, -0.5)
    ax.set_xlabel("net benefit: turnover cost avoided minus programme cost (currency units)")
    ax.set_title(
        f"{results.experiment.name}: net benefit against the control, paired by replication\n"
        f"mean and {int(confidence * 100)}% CI over {results.experiment.replications} replications (grey: single replications)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


__all__ = ["contrasts_figure", "net_benefit_figure", "outcome_table", "outcomes_figure", "save_contrasts_figure"]
