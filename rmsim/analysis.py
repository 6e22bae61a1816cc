"""Statistics on simulation results, thin over SciPy and statsmodels.

Experiment summaries work on an experiment's ``runs`` table (one row per run,
factor columns, ``replication``, outcome columns; see
:func:`rmsim.load_results`) and return tidy long-format frames:

- :func:`arm_summary`: per-arm means with t confidence intervals across
  replications;
- :func:`paired_contrasts`: each arm minus the control arm, paired by
  replication (common random numbers make the pairing meaningful);
- :func:`fit_factors`: OLS of an outcome on the factors with standard errors
  clustered by replication, returning the statsmodels results object and a
  tidy coefficient table.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rmsim.errors import ConfigError

_REPLICATION = "replication"


def _check(runs: pd.DataFrame, outcomes: list[str], factors: list[str], confidence: float) -> None:
    for column in [*factors, _REPLICATION]:
        if column not in runs:
            raise ConfigError("factors", column, f"not a column of the runs table ({', '.join(map(str, runs.columns))})")
    unknown = [o for o in outcomes if o not in runs]
    if unknown:
        raise ConfigError("outcomes", unknown, f"not columns of the runs table ({', '.join(map(str, runs.columns))})")
    if not 0 < confidence < 1:
        raise ConfigError("confidence", confidence, "must be strictly between 0 and 1")


def _interval(mean: np.ndarray, se: np.ndarray, n: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)) * se
    half = np.where(n > 1, half, np.nan)
    return mean - half, mean + half


def arm_summary(runs: pd.DataFrame, outcomes: list[str], factors: list[str], *, confidence: float = 0.95) -> pd.DataFrame:
    """Mean of each outcome per arm with a t confidence interval across replications.

    Parameters
    ----------
    runs
        One row per run, with the factor columns, ``replication`` and outcomes.
    outcomes
        Outcome columns to summarise.
    factors
        Columns identifying an arm.
    confidence
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Long format: the factors, ``outcome``, ``n``, ``mean``, ``sd``, ``se``,
        ``ci_low``, ``ci_high``. Runs with a missing outcome (e.g. no pairs
        formed) are left out of that outcome's ``n``.
    """
    _check(runs, outcomes, factors, confidence)
    long = runs.melt(id_vars=[*factors, _REPLICATION], value_vars=outcomes, var_name="outcome", value_name="value")
    grouped = long.groupby([*factors, "outcome"], sort=False, dropna=False, observed=True)["value"]
    table = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    table["se"] = table["sd"] / np.sqrt(table["n"])
    table["ci_low"], table["ci_high"] = _interval(table["mean"], table["se"], table["n"], confidence)
    return table


def paired_contrasts(
    runs: pd.DataFrame,
    outcomes: list[str],
    factors: list[str],
    control: dict[str, Any],
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Difference of every arm from its control, paired by replication.

    The control of an arm is the arm with the ``control`` values for those
    factors and the same values of every other factor (e.g. the same cadence
    with policy ``none``). Replication ``r`` of both shares a seed, so the
    difference removes the variation they have in common.

    Returns
    -------
    pandas.DataFrame
        Long format: the factors, ``outcome``, ``n`` (replications with both),
        ``difference`` (mean paired difference), ``se``, ``ci_low``,
        ``ci_high``, ``p_value`` (paired t test), ``se_unpaired`` (the
        standard error had the arms been independent, for comparison).
    """
    _check(runs, outcomes, factors, confidence)
    if not control or any(f not in factors for f in control):
        raise ConfigError("control", control, f"must give values of the factors {factors}")
    others = [f for f in factors if f not in control]
    is_control = np.logical_and.reduce([runs[f] == v for f, v in control.items()])
    base = runs[is_control][[*others, _REPLICATION, *outcomes]]
    rows = []
    for keys, arm in runs[~is_control].groupby(factors, sort=False, dropna=False, observed=True):
        key = dict(zip(factors, keys if isinstance(keys, tuple) else (keys,), strict=True))
        merged = arm.merge(base, on=[*others, _REPLICATION], suffixes=("", "_control"))
        for outcome in outcomes:
            both = merged[[outcome, f"{outcome}_control"]].dropna()
            diff = both[outcome] - both[f"{outcome}_control"]
            n = len(diff)
            mean = diff.mean() if n else np.nan
            se = diff.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
            se_unpaired = np.sqrt(both[outcome].var(ddof=1) / n + both[f"{outcome}_control"].var(ddof=1) / n) if n > 1 else np.nan
            low, high = _interval(np.array([mean]), np.array([se]), np.array([n]), confidence)
            p = 2 * stats.t.sf(abs(mean / se), n - 1) if n > 1 and se > 0 else (np.nan if n <= 1 else float(mean == 0))
            rows.append(
                {
                    **key,
                    "outcome": outcome,
                    "n": n,
                    "difference": mean,
                    "se": se,
                    "ci_low": low[0],
                    "ci_high": high[0],
                    "p_value": p,
                    "se_unpaired": se_unpaired,
                }
            )
    return pd.DataFrame(rows)


def fit_factors(
    runs: pd.DataFrame,
    outcome: str,
    factors: list[str],
    *,
    formula: str | None = None,
    reference: dict[str, Any] | None = None,
) -> tuple[Any, pd.DataFrame]:
    """OLS of ``outcome`` on the factors, with replications as clusters.

    Categorical factors (strings) enter as treatment-coded dummies against the
    ``reference`` level (the control arm's, by default the first level);
    numeric factors enter linearly. Standard errors are cluster-robust by
    replication, because replication ``r`` of every arm shares its seed.

    Parameters
    ----------
    runs
        The runs table.
    outcome
        Outcome column.
    factors
        Factor columns.
    formula
        A patsy right-hand side to use instead of the main effects, written
        with the factor names as ``Q("programme.cadence_weeks")`` where they are
        not Python names.
    reference
        Reference level of categorical factors (``{"policy": "none"}``).

    Returns
    -------
    results : statsmodels RegressionResultsWrapper
        Call ``summary()``, ``conf_int()`` and so on.
    table : pandas.DataFrame
        ``term``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``,
        ``p_value``; terms read ``policy[T.random]`` (the difference from the
        reference level) and ``programme.cadence_weeks`` (the slope).

    Warns
    -----
    UserWarning
        When the outcome is undefined in the reference arm (e.g. mentee gains
        without a programme) and another level becomes the reference.
    """
    import statsmodels.formula.api as smf

    _check(runs, [outcome], factors, 0.95)
    data = runs.dropna(subset=[outcome]).reset_index(drop=True)
    if data[_REPLICATION].nunique() < 2:
        raise ConfigError("replications", data[_REPLICATION].nunique(), "need at least 2 replications to cluster by")
    reference = reference or {}
    references: dict[str, Any] = {}
    terms = []
    for factor in factors:
        name = f'Q("{factor}")'
        if pd.api.types.is_numeric_dtype(data[factor]):
            terms.append(name)
        else:
            levels = list(pd.unique(data[factor]))
            ref = reference.get(factor, levels[0])
            if ref not in levels:  # e.g. an outcome the control arm does not define (no pairs, no mentees)
                warnings.warn(
                    f"{outcome!r} is undefined in the reference arm {factor} = {ref!r}; "
                    f"using {factor} = {levels[0]!r} as the reference instead",
                    stacklevel=2,
                )
                ref = levels[0]
            references[factor] = ref
            terms.append(f'C({name}, Treatment(reference="{ref}"))')
    rhs = formula or (" + ".join(terms) if terms else "1")
    model = smf.ols(f'Q("{outcome}") ~ {rhs}', data=data)
    results = model.fit(cov_type="cluster", cov_kwds={"groups": data[_REPLICATION].to_numpy()}, use_t=True)
    ci = results.conf_int()
    table = pd.DataFrame(
        {
            "term": [_readable(term, references) for term in results.params.index],
            "estimate": results.params.to_numpy(),
            "std_error": results.bse.to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
            "p_value": results.pvalues.to_numpy(),
        }
    )
    return results, table


def _readable(term: str, references: dict[str, Any]) -> str:
    """``C(Q("policy"), Treatment(reference="none"))[T.random]`` -> ``policy[T.random]`` (vs. none)."""
    for factor, ref in references.items():
        term = term.replace(f'C(Q("{factor}"), Treatment(reference="{ref}"))', factor)
    return re.sub(r'Q\("([^"]+)"\)', r"\1", term)


__all__ = ["arm_summary", "fit_factors", "paired_contrasts"]
