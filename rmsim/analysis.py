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

Models for simulated or observed people-level data (one row per employee,
respondent or respondent-wave) take a data frame and a statsmodels/patsy
formula such as ``"left ~ gender + level + sentiment"`` and return
``(results, table)``: the statsmodels results object and a tidy table with
``term``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``, ``p_value``
(plus ``odds_ratio`` / ``hazard_ratio`` / ``rate_ratio`` and their intervals
where natural):

- :func:`compare_groups`: OLS or GLM with factors and robust (HC0-HC3) or
  clustered standard errors;
- :func:`fit_logit`: logistic regression, e.g. of leaving;
- :func:`kaplan_meier` and :func:`logrank_test`: survival curves and the
  log-rank test;
- :func:`fit_cox`: Cox proportional hazards (Efron ties by default, as R's
  ``survival::coxph``);
- :func:`fit_ordinal`: ordinal logit or probit for Likert items;
- :func:`diff_in_diff`: difference in differences (pre/post x participant).

Simulated against observed data:

- :func:`tost`: two one-sided tests of equivalence of means within a margin;
- :func:`distribution_distance`: distances between item distributions
  (total variation, Jensen-Shannon, Wasserstein) and a chi-square test of
  homogeneity;
- :func:`compare_fits`: one model fitted to both data sets, coefficients side
  by side with a z test of each difference;
- :func:`adjust_pvalues`: Holm, Bonferroni or Benjamini-Hochberg correction.

Bad input raises :class:`rmsim.errors.ConfigError` (arguments, formulas) or
:class:`rmsim.errors.DataError` (values in the data) naming what is wrong.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special, stats

from rmsim.errors import ConfigError, DataError, RmsimError

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


def is_control(runs: pd.DataFrame, control: dict[str, Any] | None) -> np.ndarray:
    """Which rows of ``runs`` belong to the control: their factors equal every value of ``control``.

    All false when there is no control (``None`` or empty).
    """
    if not control:
        return np.zeros(len(runs), dtype=bool)
    return np.logical_and.reduce([(runs[f] == v).to_numpy() for f, v in control.items()])


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
    in_control = is_control(runs, control)
    base = runs[in_control][[*others, _REPLICATION, *outcomes]]
    rows = []
    for keys, arm in runs[~in_control].groupby(factors, sort=False, dropna=False, observed=True):
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


# --------------------------------------------------------------------------- models of people-level data

_ENVIRONMENT = {"np": np}  # names a formula may use besides the data's columns (and patsy's C, Q, I...)
_COV_OLS = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster")
_COV_ML = ("nonrobust", "HC0", "cluster")  # statsmodels gives HC1-HC3 only for OLS (elsewhere they equal HC0)
_CORRECTIONS = ("holm", "bonferroni", "fdr_bh", "fdr_by", "sidak", "holm-sidak", "hommel")
_UNKNOWN_NAME = (
    re.compile(r"name '([^']+)' is not defined"),
    re.compile(r"no data named '([^']+)' found"),
    re.compile(r"`([^`]+)` is not present in the dataset"),
)
_QUOTED = re.compile(r"""Q\((["'])(.*?)\1\)""")
DID_TERM = "did"
"""Term of the difference-in-differences estimate in :func:`diff_in_diff` tables."""


def _q(column: str) -> str:
    """A column name as a formula term, whatever characters it has."""
    return f"Q({column!r})"


def _term(name: str) -> str:
    """``Q("programme.cadence_weeks")`` -> ``programme.cadence_weeks`` in a coefficient name."""
    return _QUOTED.sub(lambda m: m.group(2), str(name))


def _listing(columns: Sequence[Any], limit: int = 20) -> str:
    shown = ", ".join(map(str, list(columns)[:limit]))
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def _found(values: pd.Series, limit: int = 5) -> str:
    distinct = list(pd.unique(values.dropna()))
    with contextlib.suppress(TypeError):  # values of mixed types stay in order of appearance
        distinct = sorted(distinct)
    shown = ", ".join(repr(v.item() if isinstance(v, np.generic) else v) for v in distinct[:limit])
    return shown + (f" and {len(distinct) - limit} more" if len(distinct) > limit else "")


def _confidence(confidence: float) -> None:
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise ConfigError("confidence", confidence, "must be strictly between 0 and 1")


def _frame(data: Any, argument: str = "data") -> pd.DataFrame:
    """A copy of ``data`` with a fresh 0..n-1 index, or an error if it is not a non-empty table."""
    if not isinstance(data, pd.DataFrame):
        raise ConfigError(argument, type(data).__name__, "must be a pandas DataFrame")
    if len(data) == 0:
        raise DataError(argument, None, f"has no rows (columns: {_listing(data.columns) or 'none'}); need at least one")
    return data.reset_index(drop=True)


def _column(data: pd.DataFrame, column: Any, argument: str) -> str:
    if not isinstance(column, str) or column not in data.columns:
        raise ConfigError(argument, column, f"must name a column of the data ({_listing(data.columns)})")
    return column


def _binary(data: pd.DataFrame, column: str, meaning: str) -> pd.Series:
    """``data[column]`` as floats 0/1 (NaN kept), or a :class:`DataError` naming the values found."""
    values = data[column]
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if values.dtype == object:  # booleans with missing values
        present = values.dropna()
        if len(present) and all(isinstance(v, bool | np.bool_) for v in present):
            return values.map(lambda v: float(v) if isinstance(v, bool | np.bool_) else np.nan)
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
        present = numbers.dropna()
        if present.isin([0.0, 1.0]).all():
            return numbers
    raise DataError("data", column, f"must be 0/1 or True/False ({meaning}); found {_found(values)}")


def _nonnegative(data: pd.DataFrame, column: str, meaning: str) -> pd.Series:
    values = data[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise DataError("data", column, f"must be numbers ({meaning}); found {values.dtype} values such as {_found(values, 3)}")
    numbers = values.astype(float)
    bad = numbers[(numbers < 0) | np.isinf(numbers)]
    if len(bad):
        rows = [int(i) + 1 for i in bad.index]
        raise DataError("data", column, f"must be finite and >= 0 ({meaning}); found {_found(bad)}", rows, unit="row")
    return numbers


def _outcome_column(formula: str, data: pd.DataFrame) -> str | None:
    """The column on the left of ``~`` when it is a plain column name or ``Q("name")``, else None."""
    left = formula.split("~", 1)[0].strip()
    match = _QUOTED.fullmatch(left)
    name = match.group(2) if match else left
    return name if name in data.columns else None


def _formula_error(error: Exception, formula: str, data: pd.DataFrame) -> ConfigError:
    """A one-line :class:`ConfigError` for a formula patsy (or formulaic) could not build."""
    message = str(error)
    for pattern in _UNKNOWN_NAME:
        match = pattern.search(message)
        if match:
            return ConfigError(
                "formula",
                match.group(1),
                f"in {formula!r} is no column of the data ({_listing(data.columns)}) nor a known function",
            )
    first = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    return ConfigError("formula", formula, f"could not be used with this data: {first}")


def _build(factory: Callable[..., Any], formula: Any, data: pd.DataFrame, *, given: str | None = None, **kwargs: Any) -> Any:
    """``factory(formula, data, ...)`` (a statsmodels ``from_formula``) with formula errors as :class:`ConfigError`.

    ``given`` is the formula as the user wrote it, for messages, when ``formula`` was rewritten.
    """
    if not isinstance(formula, str) or not formula.strip():
        raise ConfigError("formula", formula, "must be a formula string such as 'left ~ gender + level'")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*EvalEnvironment.*")
            return factory(formula, data=data, eval_env=_ENVIRONMENT, **kwargs)
    except RmsimError:
        raise
    except Exception as error:  # patsy, formulaic and statsmodels raise many types for a formula that does not fit the data
        raise _formula_error(error, given or formula, data) from error


def _fit(fit: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return fit(**kwargs)
    except np.linalg.LinAlgError as error:
        raise DataError(
            "data", None, f"the model cannot be estimated ({error}): a factor level without rows or terms that are collinear"
        ) from error


def _names(results: Any) -> list[str]:
    params = results.params
    return [str(n) for n in (params.index if isinstance(params, pd.Series) else results.model.exog_names)]


def _coefficients(results: Any, confidence: float, ratio: str | None = None) -> pd.DataFrame:
    """The tidy coefficient table of a statsmodels results object."""
    ci = np.asarray(results.conf_int(alpha=1 - confidence), dtype=float)
    table = pd.DataFrame(
        {
            "term": [_term(n) for n in _names(results)],
            "estimate": np.asarray(results.params, dtype=float),
            "std_error": np.asarray(results.bse, dtype=float),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
            "p_value": np.asarray(results.pvalues, dtype=float),
        }
    )
    return _with_ratio(table, ratio)


def _with_ratio(table: pd.DataFrame, ratio: str | None) -> pd.DataFrame:
    if ratio:
        table[ratio] = np.exp(table["estimate"])
        table[f"{ratio}_ci_low"] = np.exp(table["ci_low"])
        table[f"{ratio}_ci_high"] = np.exp(table["ci_high"])
    return table


def _cov_options(cov: Any, groups: Any, allowed: tuple[str, ...], model: Any, data: pd.DataFrame) -> dict[str, Any]:
    """Keyword arguments of ``fit`` for the covariance ``cov`` (and the clusters ``groups``)."""
    if cov not in allowed:
        extra = "; HC1-HC3 exist only for OLS" if cov in ("HC1", "HC2", "HC3") else ""
        raise ConfigError("cov", cov, f"must be one of {', '.join(allowed)}{extra}")
    if cov != "cluster":
        if groups is not None:
            raise ConfigError("groups", groups, "is only used with cov='cluster'")
        return {"cov_type": cov}
    if groups is None:
        raise ConfigError("groups", None, "cov='cluster' needs groups: a column name or one cluster label per row")
    if isinstance(groups, str):
        labels = data[_column(data, groups, "groups")]
        name = groups
    else:
        array = np.asarray(groups, dtype=object)
        name = "groups"
        if array.ndim != 1 or len(array) != len(data):
            raise ConfigError(
                "groups", f"an array of shape {array.shape}", f"must give one cluster label per row ({len(data)} rows)"
            )
        labels = pd.Series(array, dtype=object)
    used = labels.iloc[np.asarray(model.data.row_labels, dtype=int)] if model.data.row_labels is not None else labels
    if used.isna().any():
        rows = [int(i) + 1 for i in used.index[used.isna()]]
        raise DataError("data", name, "has missing cluster labels in rows the model uses", rows, unit="row")
    codes = pd.factorize(used)[0]
    if codes.max(initial=-1) < 1:
        raise ConfigError("groups", name, "needs at least 2 clusters")
    return {"cov_type": "cluster", "cov_kwds": {"groups": codes}}


def _family(family: Any) -> Any:
    import statsmodels.api as sm

    named = {
        "gaussian": sm.families.Gaussian,
        "binomial": sm.families.Binomial,
        "poisson": sm.families.Poisson,
        "gamma": sm.families.Gamma,
        "negative_binomial": sm.families.NegativeBinomial,
        "inverse_gaussian": sm.families.InverseGaussian,
    }
    if isinstance(family, sm.families.Family):
        return family
    if isinstance(family, str) and family.lower() in named:
        return named[family.lower()]()
    raise ConfigError("family", family, f"must be a statsmodels family or one of {', '.join(named)}")


def _family_ratio(family: Any) -> str | None:
    import statsmodels.api as sm

    links = sm.families.links
    if isinstance(family, sm.families.Binomial) and isinstance(family.link, links.Logit):
        return "odds_ratio"
    if isinstance(family, sm.families.Poisson | sm.families.NegativeBinomial) and isinstance(family.link, links.Log):
        return "rate_ratio"
    return None


def compare_groups(
    data: pd.DataFrame,
    formula: str,
    *,
    family: Any = None,
    cov: str | None = None,
    groups: str | ArrayLike | None = None,
    confidence: float = 0.95,
) -> tuple[Any, pd.DataFrame]:
    """Compare groups by OLS (or a GLM) with robust or clustered standard errors.

    Parameters
    ----------
    data
        One row per person (or person-wave).
    formula
        A statsmodels/patsy formula, e.g. ``"engagement ~ C(level) + gender + tenure"``;
        string columns enter as treatment-coded factors (``C(level, Treatment("junior"))``
        picks the reference level). Rows with a missing value in a term are left out.
    family
        None for OLS, else a GLM family: a ``statsmodels.api.families`` instance or
        one of ``"gaussian"``, ``"binomial"``, ``"poisson"``, ``"gamma"``,
        ``"negative_binomial"``, ``"inverse_gaussian"`` (canonical link).
    cov
        ``"HC0"``-``"HC3"`` or ``"nonrobust"``; ``"cluster"`` for standard errors
        clustered by ``groups``. GLMs allow ``"nonrobust"``, ``"HC0"`` and
        ``"cluster"`` (statsmodels has HC1-HC3 for OLS only). By default
        ``"HC3"`` for OLS, ``"HC0"`` for a GLM.
    groups
        With ``cov="cluster"``: a column name or one cluster label per row.
    confidence
        Level of the intervals.

    Returns
    -------
    results : statsmodels results
        OLS intervals use the t distribution, GLM intervals the normal.
    table : pandas.DataFrame
        ``term``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``, ``p_value``;
        with a binomial (logit link) family also ``odds_ratio``, ``odds_ratio_ci_low``,
        ``odds_ratio_ci_high``; with a Poisson or negative binomial (log link)
        family ``rate_ratio`` and its interval.

    Raises
    ------
    ConfigError
        For an unknown column or function in the formula, an unknown ``family``
        or ``cov``, or clusters missing or given without ``cov="cluster"``.
    DataError
        For empty data or a binomial outcome that is not 0/1.
    """
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    frame = _frame(data)
    _confidence(confidence)
    if family is None:
        model = _build(smf.ols, formula, frame)
        options = _cov_options("HC3" if cov is None else cov, groups, _COV_OLS, model, frame)
        results = _fit(model.fit, use_t=True, **options)
        return results, _coefficients(results, confidence)
    chosen = _family(family)
    if isinstance(chosen, sm.families.Binomial) and isinstance(formula, str):
        outcome = _outcome_column(formula, frame)
        if outcome is not None:
            values = frame[outcome]
            if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
                frame[outcome] = _binary(frame, outcome, "the outcome of a binomial model")
            elif ((values < 0) | (values > 1)).any():
                raise DataError(
                    "data", outcome, f"must be 0/1 or proportions in [0, 1] for a binomial model; found {_found(values)}"
                )
    model = _build(smf.glm, formula, frame, family=chosen)
    options = _cov_options("HC0" if cov is None else cov, groups, _COV_ML, model, frame)
    results = _fit(model.fit, **options)
    return results, _coefficients(results, confidence, _family_ratio(chosen))


def fit_logit(
    data: pd.DataFrame,
    formula: str,
    *,
    cov: str = "nonrobust",
    groups: str | ArrayLike | None = None,
    confidence: float = 0.95,
) -> tuple[Any, pd.DataFrame]:
    """Logistic regression of a binary outcome, e.g. leaving the organisation.

    Parameters
    ----------
    data
        One row per person.
    formula
        E.g. ``"left ~ gender + level + sentiment"``; the outcome must be 0/1 or
        True/False.
    cov
        ``"nonrobust"`` (default, as R's ``glm``), ``"HC0"`` or ``"cluster"``.
    groups
        With ``cov="cluster"``: a column name or one cluster label per row.
    confidence
        Level of the intervals.

    Returns
    -------
    results : statsmodels BinaryResultsWrapper
    table : pandas.DataFrame
        ``term``, ``estimate`` (log odds ratio), ``std_error``, ``ci_low``,
        ``ci_high``, ``p_value``, ``odds_ratio``, ``odds_ratio_ci_low``,
        ``odds_ratio_ci_high``.

    Raises
    ------
    ConfigError
        For an unknown column or function in the formula or a bad ``cov``.
    DataError
        For empty data or an outcome that is not binary.
    """
    import statsmodels.formula.api as smf

    frame = _frame(data)
    _confidence(confidence)
    outcome = _outcome_column(formula, frame) if isinstance(formula, str) else None
    if outcome is not None:
        frame[outcome] = _binary(frame, outcome, "the outcome of a logistic regression")
    model = _build(smf.logit, formula, frame)
    endog = np.asarray(model.endog, dtype=float)
    if not np.isin(endog, [0.0, 1.0]).all():
        raise DataError("data", formula.split("~", 1)[0].strip(), f"must be 0/1 or True/False; found {_found(pd.Series(endog))}")
    options = _cov_options(cov, groups, _COV_ML, model, frame)
    results = _fit(model.fit, disp=0, **options)
    return results, _coefficients(results, confidence, "odds_ratio")


# --------------------------------------------------------------------------- survival


class KaplanMeierCurves(dict):
    """Kaplan-Meier curves by group (``SurvfuncRight`` objects), with the log-rank test.

    Attributes
    ----------
    logrank : pandas.DataFrame or None
        The :func:`logrank_test` of the groups; None without groups.
    """

    def __init__(self, curves: dict[Any, Any], logrank: pd.DataFrame | None = None) -> None:
        super().__init__(curves)
        self.logrank = logrank


def _survival_data(data: Any, duration: Any, event: Any, others: Sequence[tuple[Any, str]] = ()) -> pd.DataFrame:
    """Rows with a duration, an event and every column of ``others``; the event as 0/1 floats."""
    frame = _frame(data)
    columns = [_column(frame, duration, "duration"), _column(frame, event, "event")]
    columns += [_column(frame, column, argument) for column, argument in others if column is not None]
    frame[duration] = _nonnegative(frame, duration, "time to the event or to censoring")
    frame[event] = _binary(frame, event, "1 for an event, 0 for a censored time")
    kept = frame.dropna(subset=list(dict.fromkeys(columns))).reset_index(drop=True)
    if len(kept) == 0:
        raise DataError("data", None, f"has no row with {', '.join(dict.fromkeys(columns))} all present")
    return kept


def _km_interval(surv: np.ndarray, se: np.ndarray, z: float, conf_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise intervals of a Kaplan-Meier curve as R's ``survfit`` computes them."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            low, high = surv - z * se, surv + z * se
        elif conf_type == "log":
            se_log = se / surv
            low, high = surv * np.exp(-z * se_log), surv * np.exp(z * se_log)
        else:  # log-log
            se_loglog = se / (surv * np.log(surv))
            one = np.exp(-np.exp(np.log(-np.log(surv)) + z * se_loglog))
            other = np.exp(-np.exp(np.log(-np.log(surv)) - z * se_loglog))
            low, high = np.minimum(one, other), np.maximum(one, other)
    undefined = (surv <= 0) | ~np.isfinite(se)
    if conf_type == "log-log":
        undefined |= surv >= 1
    low = np.where(undefined, np.nan, np.clip(low, 0.0, 1.0))
    high = np.where(undefined, np.nan, np.clip(high, 0.0, 1.0))
    return low, high


def kaplan_meier(
    data: pd.DataFrame,
    duration: str,
    event: str,
    *,
    group: str | None = None,
    confidence: float = 0.95,
    conf_type: str = "log",
) -> tuple[KaplanMeierCurves, pd.DataFrame]:
    """Kaplan-Meier survival curves, by group with a log-rank test.

    Parameters
    ----------
    data
        One row per person.
    duration
        Column with the time to the event or to censoring (numbers >= 0).
    event
        Column with 1 (or True) for an event, 0 (False) for a censored time.
    group
        Optional column whose values each get a curve.
    confidence
        Level of the pointwise intervals.
    conf_type
        ``"log"`` (default, as R's ``survfit``), ``"log-log"`` or ``"plain"``.

    Returns
    -------
    curves : KaplanMeierCurves
        A dict of statsmodels ``SurvfuncRight`` by group value (one entry,
        ``"all"``, without ``group``); its ``logrank`` attribute holds the
        :func:`logrank_test` table of the groups (None without ``group`` or
        with a single group).
    table : pandas.DataFrame
        One row per group and event time: ``group``, ``time``, ``n_at_risk``,
        ``events``, ``survival``, ``std_error`` (Greenwood), ``ci_low``,
        ``ci_high``. Rows with a missing duration, event or group are left out.

    Raises
    ------
    ConfigError
        For a column that does not exist or a bad ``conf_type``.
    DataError
        For empty data, negative or non-numeric durations, or events that are not 0/1.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    _confidence(confidence)
    if conf_type not in ("log", "log-log", "plain"):
        raise ConfigError("conf_type", conf_type, "must be one of log, log-log, plain")
    frame = _survival_data(data, duration, event, [(group, "group")])
    z = stats.norm.ppf(0.5 + confidence / 2)
    if group is None:
        parts: list[tuple[Any, pd.DataFrame]] = [("all", frame)]
    else:
        levels = list(pd.unique(frame[group]))
        with contextlib.suppress(TypeError):
            levels = sorted(levels)
        parts = [(level, frame[frame[group] == level]) for level in levels]
    curves: dict[Any, Any] = {}
    tables = []
    for level, part in parts:
        curve = SurvfuncRight(part[duration].to_numpy(), part[event].to_numpy(), title=str(level))
        curves[level.item() if isinstance(level, np.generic) else level] = curve
        surv = np.asarray(curve.surv_prob, dtype=float)
        se = np.asarray(curve.surv_prob_se, dtype=float)
        low, high = _km_interval(surv, se, z, conf_type)
        tables.append(
            pd.DataFrame(
                {
                    "group": level,
                    "time": np.asarray(curve.surv_times, dtype=float),
                    "n_at_risk": np.asarray(curve.n_risk, dtype=int),
                    "events": np.asarray(curve.n_events, dtype=int),
                    "survival": surv,
                    "std_error": se,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
    table = pd.concat(tables, ignore_index=True)
    logrank = logrank_test(frame, duration, event, group) if group is not None and len(parts) > 1 else None
    return KaplanMeierCurves(curves, logrank), table


def logrank_test(data: pd.DataFrame, duration: str, event: str, group: str, *, strata: str | None = None) -> pd.DataFrame:
    """Log-rank test that the survival curves of the groups are equal (statsmodels ``survdiff``).

    Parameters
    ----------
    data, duration, event
        As for :func:`kaplan_meier`.
    group
        Column whose values are compared.
    strata
        Optional column: the test is stratified by its values.

    Returns
    -------
    pandas.DataFrame
        One row: ``test``, ``groups``, ``statistic`` (chi-square), ``df``, ``p_value``.
    """
    from statsmodels.duration.survfunc import survdiff

    if group is None:
        raise ConfigError("group", group, "must name the column whose groups are compared")
    frame = _survival_data(data, duration, event, [(group, "group"), (strata, "strata")])
    k = frame[group].nunique()
    if k < 2:
        raise DataError("data", group, f"needs at least 2 groups to compare; found {_found(frame[group])}")
    labels = pd.factorize(frame[group])[0]
    strata_codes = pd.factorize(frame[strata])[0] if strata is not None else None
    statistic, p_value = survdiff(frame[duration].to_numpy(), frame[event].to_numpy(), labels, strata=strata_codes)
    return pd.DataFrame(
        {"test": ["log-rank"], "groups": [k], "statistic": [float(statistic)], "df": [k - 1], "p_value": [float(p_value)]}
    )


def fit_cox(
    data: pd.DataFrame,
    formula: str,
    *,
    duration: str,
    event: str,
    ties: str = "efron",
    strata: str | None = None,
    confidence: float = 0.95,
) -> tuple[Any, pd.DataFrame]:
    """Cox proportional hazards regression (statsmodels ``PHReg``).

    Matches R's ``coxph(Surv(duration, event) ~ formula, ties = ties)``: Efron's
    handling of tied times by default, model-based standard errors and Wald
    intervals.

    Parameters
    ----------
    data
        One row per person.
    formula
        The right-hand side only, e.g. ``"gender + field + level + sentiment"``;
        string columns enter as treatment-coded factors. There is no intercept.
    duration
        Column with the time to the event or to censoring (numbers >= 0).
    event
        Column with 1 (or True) for an event, 0 (False) for a censored time.
    ties
        ``"efron"`` (default, as R) or ``"breslow"``.
    strata
        Optional column: each of its values gets its own baseline hazard
        (R's ``+ strata(column)``).
    confidence
        Level of the intervals.

    Returns
    -------
    results : statsmodels PHRegResults
    table : pandas.DataFrame
        ``term``, ``estimate`` (log hazard ratio), ``std_error``, ``ci_low``,
        ``ci_high``, ``p_value``, ``hazard_ratio``, ``hazard_ratio_ci_low``,
        ``hazard_ratio_ci_high``.

    Raises
    ------
    ConfigError
        For a formula with a left-hand side, an unknown column, or unknown ``ties``.
    DataError
        For empty data, negative or non-numeric durations, events that are not 0/1,
        or no events at all.
    """
    from statsmodels.duration.hazard_regression import PHReg

    _confidence(confidence)
    if ties not in ("efron", "breslow"):
        raise ConfigError("ties", ties, "must be 'efron' (as R's coxph) or 'breslow'")
    if isinstance(formula, str) and "~" in formula:
        raise ConfigError(
            "formula", formula, "must be the right-hand side only (e.g. 'gender + level'); give duration= and event="
        )
    frame = _survival_data(data, duration, event, [(strata, "strata")])
    if frame[event].sum() == 0:
        raise DataError("data", event, "has no events (every time is censored); a Cox model needs at least one")
    strata_codes = pd.factorize(frame[strata])[0] if strata is not None else None
    if not isinstance(formula, str) or not formula.strip():
        raise ConfigError("formula", formula, "must be a right-hand side such as 'gender + level'")
    model = _build(
        PHReg.from_formula,
        f"{_q(duration)} ~ {formula}",
        frame,
        given=formula,
        status=frame[event].to_numpy(),
        ties=ties,
        strata=strata_codes,
    )
    results = _fit(model.fit)
    return results, _coefficients(results, confidence, "hazard_ratio")


# --------------------------------------------------------------------------- ordinal outcomes


def fit_ordinal(
    data: pd.DataFrame,
    formula: str,
    *,
    distr: str = "logit",
    levels: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> tuple[Any, pd.DataFrame]:
    """Ordinal (proportional odds) regression of a Likert item (statsmodels ``OrderedModel``).

    ``P(y <= j) = F(threshold_j - x'beta)``, as R's ``MASS::polr``: a positive
    coefficient moves answers up the scale.

    Parameters
    ----------
    data
        One row per answer.
    formula
        E.g. ``"satisfaction ~ participant + C(level)"``; the left-hand side is a
        column of numbers (e.g. 1-5), an ordered pandas Categorical or labels put in
        order by ``levels``. There is no intercept: the thresholds take its place.
    distr
        ``"logit"`` (default) or ``"probit"``.
    levels
        The scale from lowest to highest (e.g. ``["disagree", "neutral", "agree"]``);
        by default the categories of an ordered Categorical or the sorted numbers.
    confidence
        Level of the intervals.

    Returns
    -------
    results : statsmodels OrderedResults
        Its threshold parameters are statsmodels' (the first cut-point, then log
        increments).
    table : pandas.DataFrame
        ``term``, ``kind`` (``"coefficient"`` or ``"threshold"``), ``estimate``,
        ``std_error``, ``ci_low``, ``ci_high``, ``p_value``, and for the logit
        ``odds_ratio`` with its interval (coefficients only). Thresholds are the
        cut-points on the latent scale (terms ``"1|2"``, ``"2|3"``... as in R),
        with delta-method standard errors.

    Raises
    ------
    ConfigError
        For an unknown column or function in the formula, or a bad ``distr``.
    DataError
        For empty data, an outcome with fewer than two levels, values outside
        ``levels`` or labels without an order.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    frame = _frame(data)
    _confidence(confidence)
    if distr not in ("logit", "probit"):
        raise ConfigError("distr", distr, "must be 'logit' or 'probit'")
    if not isinstance(formula, str) or "~" not in formula:
        raise ConfigError("formula", formula, "must be a formula with the outcome on the left, e.g. 'satisfaction ~ participant'")
    left, right = formula.split("~", 1)
    outcome = _outcome_column(formula, frame)
    if outcome is None:
        raise ConfigError("formula", left.strip(), f"the outcome must be a column of the data ({_listing(frame.columns)})")
    values = frame[outcome]
    if levels is not None:
        order = list(levels)
        outside = values.dropna()[~values.dropna().isin(order)]
        if len(outside):
            raise DataError("data", outcome, f"has values outside levels {order}: {_found(outside)}")
        ordered = pd.Categorical(values, categories=order, ordered=True)
    elif isinstance(values.dtype, pd.CategoricalDtype) and values.dtype.ordered:
        ordered = pd.Categorical(values)
    elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        ordered = pd.Categorical(values, categories=sorted(values.dropna().unique()), ordered=True)
    else:
        raise DataError("data", outcome, f"has labels without an order ({_found(values)}); give levels= from lowest to highest")
    ordered = ordered.remove_unused_categories()
    if len(ordered.categories) < 2:
        raise DataError("data", outcome, f"needs at least 2 different answers; found {_found(values)}")
    name = outcome if outcome.isidentifier() else "_outcome"
    while name != outcome and name in frame.columns:
        name = f"_{name}"
    frame[name] = ordered
    model = _build(OrderedModel.from_formula, f"{name} ~ {right}", frame, given=formula, distr=distr)
    if name != outcome:
        model.data.ynames = outcome
    results = _fit(model.fit, method="bfgs", disp=False, maxiter=2000)
    return results, _ordinal_table(results, confidence, distr)


def _ordinal_table(results: Any, confidence: float, distr: str) -> pd.DataFrame:
    """Coefficients as statsmodels gives them, thresholds as cut-points with delta-method errors."""
    params = np.asarray(results.params, dtype=float)
    cov = np.asarray(results.cov_params(), dtype=float)
    k_exog = results.model.k_vars
    labels = [str(c) for c in results.model.labels]
    z = stats.norm.ppf(0.5 + confidence / 2)
    coefficients = _coefficients(results, confidence).iloc[:k_exog].copy()
    coefficients.insert(1, "kind", "coefficient")
    raw = params[k_exog:]
    cuts = np.cumsum(np.concatenate([raw[:1], np.exp(raw[1:])]))
    jacobian = np.zeros((len(raw), len(raw)))
    for j in range(len(raw)):  # d cut_j / d raw_i: 1 for the first, exp(raw_i) for increments up to j
        jacobian[j, 0] = 1.0
        jacobian[j, 1 : j + 1] = np.exp(raw[1 : j + 1])
    se = np.sqrt(np.diag(jacobian @ cov[k_exog:, k_exog:] @ jacobian.T))
    thresholds = pd.DataFrame(
        {
            "term": [f"{labels[j]}|{labels[j + 1]}" for j in range(len(raw))],
            "kind": "threshold",
            "estimate": cuts,
            "std_error": se,
            "ci_low": cuts - z * se,
            "ci_high": cuts + z * se,
            "p_value": 2 * stats.norm.sf(np.abs(cuts / se)),
        }
    )
    if distr == "logit":
        coefficients = _with_ratio(coefficients, "odds_ratio")
    return pd.concat([coefficients, thresholds], ignore_index=True)


# --------------------------------------------------------------------------- difference in differences


def diff_in_diff(
    data: pd.DataFrame,
    outcome: str,
    *,
    post: str,
    treated: str,
    unit: str | None = None,
    covariates: Sequence[str] | str | None = None,
    cluster: str | None = None,
    cov: str = "HC3",
    confidence: float = 0.95,
) -> tuple[Any, pd.DataFrame]:
    """Difference in differences: ``outcome ~ treated * post (+ covariates)`` by OLS.

    The coefficient of ``treated x post`` is the change among the treated (e.g.
    programme participants) beyond the change among the others.

    Parameters
    ----------
    data
        One row per unit and period (e.g. respondent and survey wave).
    outcome
        Numeric outcome column.
    post
        Column: 1/True after the programme, 0/False before.
    treated
        Column: 1/True for participants, 0/False for the comparison group;
        constant within a ``unit``.
    unit
        Optional column identifying the respondent; standard errors are then
        clustered by it.
    covariates
        Column names added to the model, or a formula fragment such as
        ``"C(level) + tenure"``.
    cluster
        Column to cluster by instead of ``unit``.
    cov
        Covariance when nothing is clustered: ``"HC3"`` (default), ``"HC0"``-``"HC2"``
        or ``"nonrobust"``.
    confidence
        Level of the intervals.

    Returns
    -------
    results : statsmodels RegressionResultsWrapper
    table : pandas.DataFrame
        As :func:`compare_groups`; the difference in differences is the row with
        term ``"did"`` (:data:`DID_TERM`), the main effects carry the ``treated``
        and ``post`` column names.

    Raises
    ------
    ConfigError
        For unknown columns or a bad ``cov``.
    DataError
        For empty data, a non-numeric outcome, ``post``/``treated`` that are not
        0/1, treatment that changes within a unit, or an empty treated x post cell.
    """
    frame = _frame(data)
    _column(frame, outcome, "outcome")
    _column(frame, post, "post")
    _column(frame, treated, "treated")
    if unit is not None:
        _column(frame, unit, "unit")
    if cluster is not None:
        _column(frame, cluster, "cluster")
    if not pd.api.types.is_numeric_dtype(frame[outcome]) or pd.api.types.is_bool_dtype(frame[outcome]):
        raise DataError(
            "data",
            outcome,
            f"must be numbers (the outcome); found {frame[outcome].dtype} values such as {_found(frame[outcome], 3)}",
        )
    frame[post] = _binary(frame, post, "1 after, 0 before")
    frame[treated] = _binary(frame, treated, "1 for the treated, 0 for the comparison group")
    if unit is not None:
        varies = frame.groupby(unit, dropna=True)[treated].nunique()
        varies = varies[varies > 1]
        if len(varies):
            raise DataError(
                "data",
                treated,
                f"must be constant within each {unit}; it changes for {unit} = {_found(varies.index.to_series())}",
            )
    present = frame.dropna(subset=[outcome, post, treated])
    for t in (0.0, 1.0):
        for p in (0.0, 1.0):
            if not ((present[treated] == t) & (present[post] == p)).any():
                raise DataError(
                    "data",
                    None,
                    f"has no row with {treated} = {int(t)} and {post} = {int(p)}; a difference in differences needs all four",
                )
    if covariates is None:
        extra = ""
    elif isinstance(covariates, str):
        extra = f" + {covariates}"
    else:
        extra = "".join(f" + {_q(_column(frame, c, 'covariates'))}" for c in covariates)
    formula = f"{_q(outcome)} ~ {_q(treated)} * {_q(post)}{extra}"
    clusters = cluster if cluster is not None else unit
    if clusters is not None:
        results, table = compare_groups(frame, formula, cov="cluster", groups=clusters, confidence=confidence)
    else:
        results, table = compare_groups(frame, formula, cov=cov, confidence=confidence)
    table["term"] = table["term"].replace({f"{treated}:{post}": DID_TERM})
    return results, table


# --------------------------------------------------------------------------- simulated against observed


def _sample(values: Any, argument: str) -> np.ndarray:
    array = np.asarray(values.to_numpy() if isinstance(values, pd.Series | pd.DataFrame) else values)
    if array.ndim != 1:
        raise ConfigError(argument, f"an array of shape {array.shape}", "must be one-dimensional (one value per person)")
    try:
        numbers = array.astype(float)
    except (TypeError, ValueError):
        raise DataError(argument, None, f"must be numbers; found {_found(pd.Series(array))}") from None
    return numbers


def tost(
    a: ArrayLike,
    b: ArrayLike,
    margin: float | tuple[float, float],
    *,
    paired: bool = False,
    alpha: float = 0.05,
    usevar: str = "unequal",
) -> pd.DataFrame:
    """Two one-sided t tests (TOST) that the mean of ``a`` minus the mean of ``b`` lies within the margin.

    Parameters
    ----------
    a, b
        Samples (e.g. simulated and observed scores); missing values are left out
        (pairs with a missing value when ``paired``).
    margin
        The equivalence bound: a number ``m > 0`` for ``(-m, m)``, or a pair
        ``(low, high)`` with ``low < high``, in the units of the data.
    paired
        Compare paired samples (statsmodels ``ttost_paired``) instead of
        independent ones (``ttost_ind``).
    alpha
        Level of each one-sided test; the interval has level ``1 - 2 alpha``.
    usevar
        Independent samples: ``"unequal"`` (Welch, default) or ``"pooled"`` variances.

    Returns
    -------
    pandas.DataFrame
        One row: ``difference``, ``ci_low``, ``ci_high`` (the ``1 - 2 alpha``
        interval), ``margin_low``, ``margin_high``, ``p_lower`` (H0: difference <=
        low), ``p_upper`` (H0: difference >= high), ``p_value`` (the larger),
        ``equivalent`` (``p_value < alpha``), ``n_a``, ``n_b``.

    Raises
    ------
    ConfigError
        For a margin that is not positive, a bad ``alpha`` or ``usevar``, or
        paired samples of different lengths.
    DataError
        For samples with fewer than two numbers.
    """
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttost_ind, ttost_paired

    if isinstance(margin, tuple | list) and len(margin) == 2:
        try:
            low, high = (float(m) for m in margin)
        except (TypeError, ValueError):
            raise ConfigError("margin", margin, "a pair (low, high) must be two numbers") from None
        if not low < high:
            raise ConfigError("margin", margin, "a pair (low, high) must have low < high")
    elif isinstance(margin, int | float) and not isinstance(margin, bool) and np.isfinite(margin) and margin > 0:
        low, high = -float(margin), float(margin)
    else:
        raise ConfigError("margin", margin, "must be a number > 0 (the bound on the difference of means) or a pair (low, high)")
    if not isinstance(alpha, int | float) or not 0 < alpha < 0.5:
        raise ConfigError("alpha", alpha, "must be strictly between 0 and 0.5")
    if usevar not in ("unequal", "pooled"):
        raise ConfigError("usevar", usevar, "must be 'unequal' or 'pooled'")
    x, y = _sample(a, "a"), _sample(b, "b")
    if paired:
        if len(x) != len(y):
            raise ConfigError("b", f"{len(y)} values", f"paired samples need as many values as a ({len(x)})")
        keep = ~(np.isnan(x) | np.isnan(y))
        x, y = x[keep], y[keep]
    else:
        x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    for values, name in ((x, "a"), (y, "b")):
        if len(values) < 2:
            raise DataError(name, None, f"needs at least 2 numbers for a t test; has {len(values)}")
    with np.errstate(divide="ignore", invalid="ignore"):
        if paired:
            p_value, lower, upper = ttost_paired(x, y, low, high)
            ci_low, ci_high = DescrStatsW(x - y).tconfint_mean(alpha=2 * alpha)
        else:
            p_value, lower, upper = ttost_ind(x, y, low, high, usevar=usevar)
            ci_low, ci_high = CompareMeans(DescrStatsW(x), DescrStatsW(y)).tconfint_diff(alpha=2 * alpha, usevar=usevar)
    return pd.DataFrame(
        {
            "difference": [float(np.mean(x - y) if paired else np.mean(x) - np.mean(y))],
            "ci_low": [float(ci_low)],
            "ci_high": [float(ci_high)],
            "margin_low": [low],
            "margin_high": [high],
            "p_lower": [float(lower[1])],
            "p_upper": [float(upper[1])],
            "p_value": [float(p_value)],
            "equivalent": [bool(p_value < alpha)],
            "n_a": [len(x)],
            "n_b": [len(y)],
        }
    )


def _levels(a: pd.Series, b: pd.Series, levels: Sequence[Any] | None, item: str) -> list[Any]:
    if levels is not None:
        order = list(levels)
    elif isinstance(a.dtype, pd.CategoricalDtype) and a.dtype.ordered:
        order = list(a.dtype.categories)
    else:
        observed = pd.unique(pd.concat([a.dropna().astype(object), b.dropna().astype(object)]))
        try:
            order = sorted(observed)
        except TypeError:
            raise DataError("data", item, f"has values without an order ({_found(pd.Series(observed))}); give levels=") from None
    for values, side in ((a, "a"), (b, "b")):
        present = values.dropna()
        outside = present[~present.isin(order)]
        if len(outside):
            raise DataError(side, item, f"has values outside the scale {order}: {_found(outside)}")
    return order


def _item_distance(a: pd.Series, b: pd.Series, order: list[Any], item: str) -> dict[str, Any]:
    counts_a = a.dropna().value_counts().reindex(order, fill_value=0).to_numpy(dtype=float)
    counts_b = b.dropna().value_counts().reindex(order, fill_value=0).to_numpy(dtype=float)
    for counts, side in ((counts_a, "a"), (counts_b, "b")):
        if counts.sum() == 0:
            raise DataError(side, item, "has no answers (every value is missing)")
    p, q = counts_a / counts_a.sum(), counts_b / counts_b.sum()
    m = (p + q) / 2
    js = 0.5 * (special.rel_entr(p, m).sum() + special.rel_entr(q, m).sum()) / np.log(2)
    numeric = all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in order)
    positions = np.asarray(order, dtype=float) if numeric else np.arange(len(order), dtype=float)
    table = np.vstack([counts_a, counts_b])[:, (counts_a + counts_b) > 0]
    if table.shape[1] < 2:  # a single answer on both sides: nothing to test
        chi2, dof, p_value = 0.0, 0, 1.0
    else:
        chi2, p_value, dof, _ = stats.chi2_contingency(table, correction=False)
    return {
        "item": item,
        "n_a": int(counts_a.sum()),
        "n_b": int(counts_b.sum()),
        "tvd": float(0.5 * np.abs(p - q).sum()),
        "js_distance": float(np.sqrt(min(max(js, 0.0), 1.0))),
        "wasserstein": float(stats.wasserstein_distance(positions, positions, p, q)),
        "chi2": float(chi2),
        "chi2_df": int(dof),
        "p_value": float(p_value),
    }


def distribution_distance(
    a: pd.DataFrame | pd.Series | ArrayLike,
    b: pd.DataFrame | pd.Series | ArrayLike,
    *,
    levels: Sequence[Any] | None = None,
    correction: str | None = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Distances between the answer distributions of Likert items, with a chi-square test per item.

    Parameters
    ----------
    a, b
        Answers to one item (arrays or Series), or tables with the same item
        columns (e.g. simulated and observed survey answers); missing answers are
        left out.
    levels
        The scale from lowest to highest; by default the categories of an ordered
        Categorical or the sorted values seen in either sample.
    correction
        Multiple-comparison correction of the per-item p-values (see
        :func:`adjust_pvalues`), or None.
    alpha
        Family-wise error rate (or false discovery rate) of ``reject``.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``item``, ``n_a``, ``n_b``, ``tvd`` (total variation
        distance, in [0, 1]), ``js_distance`` (Jensen-Shannon distance, base 2, in
        [0, 1]), ``wasserstein`` (earth mover's distance on the scale's values, or
        in scale steps when the levels are not numbers), ``chi2``, ``chi2_df``,
        ``p_value`` (Pearson chi-square test of homogeneity, no continuity
        correction), and with a correction ``p_adjusted`` and ``reject``.

    Raises
    ------
    ConfigError
        For tables with different items, or a bad ``correction``.
    DataError
        For empty samples or answers outside ``levels``.
    """
    _correction(correction)
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        if not (isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)):
            raise ConfigError("b", type(b).__name__, "must be a DataFrame like a (or both one item's answers)")
        missing = [c for c in a.columns if c not in b.columns]
        if missing or len(a.columns) == 0:
            raise ConfigError("b", missing or "no items", f"must have the same item columns as a ({_listing(a.columns)})")
        pairs = [(str(c), a[c], b[c]) for c in a.columns]
    else:
        first = a if isinstance(a, pd.Series) else pd.Series(np.asarray(a))
        second = b if isinstance(b, pd.Series) else pd.Series(np.asarray(b))
        for series, side in ((first, "a"), (second, "b")):
            if series.ndim != 1:
                raise ConfigError(side, f"shape {series.shape}", "must be one item's answers or a DataFrame of items")
        pairs = [(str(first.name) if first.name is not None else "item", first, second)]
    for frame, side in ((a, "a"), (b, "b")):
        if len(frame) == 0:
            raise DataError(side, None, "has no answers")
    rows = [_item_distance(x, y, _levels(x, y, levels, item), item) for item, x, y in pairs]
    table = pd.DataFrame(rows)
    return adjust_pvalues(table, correction, alpha=alpha) if correction is not None else table


def compare_fits(
    formula: str,
    simulated: pd.DataFrame,
    observed: pd.DataFrame,
    *,
    fitter: Callable[..., tuple[Any, pd.DataFrame]] = compare_groups,
    correction: str | None = "holm",
    alpha: float = 0.05,
    **kwargs: Any,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Fit one model to simulated and to observed data and compare the coefficients.

    Parameters
    ----------
    formula
        The formula given to ``fitter`` for both data sets.
    simulated, observed
        The two data sets.
    fitter
        A function ``fitter(data, formula, **kwargs) -> (results, table)`` of this
        module: :func:`compare_groups` (default), :func:`fit_logit`,
        :func:`fit_cox`, :func:`fit_ordinal`...
    correction
        Multiple-comparison correction of the per-term p-values (see
        :func:`adjust_pvalues`), or None.
    alpha
        Family-wise error rate (or false discovery rate) of ``reject``.
    **kwargs
        Passed to ``fitter`` (e.g. ``duration=``, ``event=`` for :func:`fit_cox`).

    Returns
    -------
    results : dict
        ``{"simulated": results, "observed": results}``.
    table : pandas.DataFrame
        One row per term: ``term``, ``estimate_simulated``, ``std_error_simulated``,
        ``ci_low_simulated``, ``ci_high_simulated``, the same with ``_observed``,
        ``difference`` (simulated minus observed), ``std_error_difference``, ``z``,
        ``p_value`` (z test treating the data sets as independent), and with a
        correction ``p_adjusted`` and ``reject``. A term fitted in one data set only
        (e.g. a level the other lacks) has missing comparison columns.

    Raises
    ------
    ConfigError, DataError
        As ``fitter`` raises them, the field or source prefixed with the data set.
    """
    _correction(correction)
    if not callable(fitter):
        raise ConfigError("fitter", fitter, "must be a function fitter(data, formula, **kwargs) -> (results, table)")
    fits: dict[str, Any] = {}
    tables = []
    for label, frame in (("simulated", simulated), ("observed", observed)):
        try:
            results, table = fitter(frame, formula, **kwargs)
        except ConfigError as error:
            raise ConfigError(f"{label}: {error.field}", error.value, error.allowed) from error
        except DataError as error:
            source, column, problem, rows, unit = error._parts
            raise DataError(f"{label} {source}", column, problem, rows, unit) from error
        fits[label] = results
        columns = ["term", "estimate", "std_error", "ci_low", "ci_high"]
        tables.append(table[columns].rename(columns={c: f"{c}_{label}" for c in columns[1:]}))
    order = list(dict.fromkeys([*tables[0]["term"], *tables[1]["term"]]))  # the simulated fit's order, then terms it lacks
    table = tables[0].merge(tables[1], on="term", how="outer").set_index("term").loc[order].reset_index()
    table["difference"] = table["estimate_simulated"] - table["estimate_observed"]
    table["std_error_difference"] = np.hypot(table["std_error_simulated"], table["std_error_observed"])
    with np.errstate(divide="ignore", invalid="ignore"):
        table["z"] = table["difference"] / table["std_error_difference"]
    table["p_value"] = 2 * stats.norm.sf(np.abs(table["z"]))
    return fits, adjust_pvalues(table, correction, alpha=alpha) if correction is not None else table


def _correction(correction: Any) -> None:
    if correction is not None and correction not in _CORRECTIONS:
        raise ConfigError("correction", correction, f"must be None or one of {', '.join(_CORRECTIONS)}")


def adjust_pvalues(
    table_or_pvalues: pd.DataFrame | pd.Series | ArrayLike,
    method: str = "holm",
    *,
    alpha: float = 0.05,
    column: str = "p_value",
) -> pd.DataFrame:
    """Correct p-values for multiple comparisons (statsmodels ``multipletests``).

    Parameters
    ----------
    table_or_pvalues
        A table with a ``column`` of p-values, or the p-values themselves.
        Missing p-values stay missing and do not count in the family.
    method
        ``"holm"`` (default), ``"bonferroni"``, ``"fdr_bh"`` (Benjamini-Hochberg),
        or ``"fdr_by"``, ``"sidak"``, ``"holm-sidak"``, ``"hommel"``.
    alpha
        Family-wise error rate (false discovery rate for ``fdr_*``) of ``reject``.
    column
        The p-value column of a table.

    Returns
    -------
    pandas.DataFrame
        A copy of the table (or a table with ``p_value``) with ``p_adjusted`` and
        ``reject`` added.

    Raises
    ------
    ConfigError
        For an unknown method, a missing column or a bad ``alpha``.
    DataError
        For p-values outside [0, 1].
    """
    from statsmodels.stats.multitest import multipletests

    if method not in _CORRECTIONS:
        raise ConfigError("method", method, f"must be one of {', '.join(_CORRECTIONS)}")
    if not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ConfigError("alpha", alpha, "must be strictly between 0 and 1")
    if isinstance(table_or_pvalues, pd.DataFrame):
        table = table_or_pvalues.copy()
        _column(table, column, "column")
    else:
        values = table_or_pvalues if isinstance(table_or_pvalues, pd.Series) else np.atleast_1d(np.asarray(table_or_pvalues))
        table = pd.DataFrame({column: values})
    try:
        p = table[column].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise DataError("p-values", column, f"must be numbers; found {_found(table[column])}") from None
    bad = ~np.isnan(p) & ((p < 0) | (p > 1))
    if bad.any():
        raise DataError("p-values", column, f"must be between 0 and 1; found {_found(pd.Series(p[bad]))}")
    adjusted = np.full(len(p), np.nan)
    reject = np.zeros(len(p), dtype=bool)
    present = ~np.isnan(p)
    if present.any():
        reject[present], adjusted[present], _, _ = multipletests(p[present], alpha=alpha, method=method)
    table["p_adjusted"] = adjusted
    table["reject"] = reject
    return table


__all__ = [
    "DID_TERM",
    "KaplanMeierCurves",
    "adjust_pvalues",
    "arm_summary",
    "compare_fits",
    "compare_groups",
    "diff_in_diff",
    "distribution_distance",
    "fit_cox",
    "fit_factors",
    "fit_logit",
    "fit_ordinal",
    "is_control",
    "kaplan_meier",
    "logrank_test",
    "paired_contrasts",
    "tost",
]
