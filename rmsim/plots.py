"""Publication-quality figures of results (matplotlib and seaborn).

Each function returns a :class:`matplotlib.figure.Figure`; nothing is shown or
saved unless asked, so the functions work in notebooks, scripts and on
headless machines alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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


__all__ = ["contrasts_figure", "outcome_table", "save_contrasts_figure"]
