"""Exits, retirement and replacement hiring.

Quits. Each age band has an annual base exit rate (from the BLS tenure
shares, read as annual exit rates), converted to a weekly hazard
``h = 1 - (1 - rate) ** (1 / 52)`` and multiplied by ``exit_rate_scale``. An
employee's relative risk is ``exp(engagement_effect * engagement +
inclusion_effect * inclusion)``. Each week it is divided by the mean relative
risk at the *baseline* states of the current occupants of the same age band,
and the weekly quit probability is ``h`` times that normalised risk (capped
at 1). A workforce at its baseline states thus quits at exactly the base
hazards in expectation (unless the cap binds), while a programme that lifts
engagement or sense of inclusion above baseline lowers quits.

Retirement. From ``retirement_min_age`` employees retire with a weekly
probability converted from ``retirement_rate``, and all retire at
``retirement_age``. Retirement is drawn first and the quit probability applies
to those who do not retire, so at those ages exits exceed the base rate.

Hiring. Vacated positions not held for promotion are refilled by external
hires whose ages are normal around the mean age at the position's level in the
*initial* workforce minus ``hire_age_offset``, with that level's initial
standard deviation, clipped to working age.
"""

from __future__ import annotations

import numpy as np
from pydantic import field_validator

from rmsim._base import ASSUMPTION, Params, param

EXIT_AGE_BANDS: tuple[tuple[str, float], ...] = (
    ("under_25", 25.0),
    ("25_34", 35.0),
    ("35_44", 45.0),
    ("45_54", 55.0),
    ("55_plus", float("inf")),
)
"""Age bands of the base exit rates and their upper bounds (exclusive)."""

_BAND_EDGES = np.array([b[1] for b in EXIT_AGE_BANDS[:-1]])
_DEFAULT_EXIT = {"under_25": 0.508, "25_34": 0.289, "35_44": 0.171, "45_54": 0.124, "55_plus": 0.102}

EXIT_QUIT, EXIT_RETIRE = 1, 2
EXIT_REASONS = {0: None, EXIT_QUIT: "quit", EXIT_RETIRE: "retired"}


class RetentionParams(Params):
    """Parameters of exits, retirement and hiring."""

    exit_rates: dict[str, float] = param(
        _DEFAULT_EXIT,
        description="Annual probability of quitting at baseline states, by age band (under_25, 25_34, 35_44, 45_54, "
        "55_plus); each is converted to a weekly hazard 1 - (1 - rate) ** (1 / 52).",
        source="BLS Employee Tenure, January 2016: share of workers with 12 months' tenure or less by age (20-24 50.8%, "
        "25-34 28.9%, 35-44 17.1%, 45-54 12.4%, 55-64 10.2%) [V]; reading these shares as the annual exit rates of a "
        "steady-state workforce, and using the 20-24 share for all under 25 and the 55-64 share for all 55 and over, "
        "are assumptions",
    )
    exit_rate_scale: float = param(
        1.0,
        description="Multiplier of every band's weekly base hazard, to match an organisation's own turnover (an annual "
        "rate p becomes about 1 - (1 - p) ** scale).",
        source=ASSUMPTION,
        ge=0,
        le=10,
    )
    engagement_effect: float = param(
        -2.0,
        description="Change in the log weekly quit probability per unit of engagement (0-1 scale).",
        source="assumption (sign: Gallup 2016, engaged millennials are less likely to say they would switch jobs [S]; "
        "size kept modest because satisfaction-turnover correlations rarely exceed .40 and predictors explain < 20% "
        "of turnover variance, figures not traced to a primary source)",
        le=0,
    )
    inclusion_effect: float = param(
        -1.0,
        description="Change in the log weekly quit probability per unit of sense of inclusion (0-1 scale).",
        source="assumption (sign at most: Newmeasures, 47% of millennials say a diverse and inclusive workplace "
        "matters in a job search [V])",
        le=0,
    )
    retirement_min_age: float = param(60.0, description="Age from which employees may retire.", source=ASSUMPTION, ge=40, le=90)
    retirement_rate: float = param(
        0.10,
        description="Annual probability of retiring from retirement_min_age on (converted to a weekly probability).",
        source=ASSUMPTION,
        ge=0,
        le=1,
    )
    retirement_age: float = param(
        67.0, description="Age at which everyone retires.", source="assumption (US full retirement age)", ge=40, le=100
    )
    hire_age_offset: float = param(
        3.0,
        description="Years by which replacement hires are on average younger than the mean age at their level in the "
        "initial workforce.",
        source="assumption (replacement hires are younger on average)",
    )

    @field_validator("exit_rates")
    @classmethod
    def _every_band(cls, value: dict[str, float]) -> dict[str, float]:
        names = [b[0] for b in EXIT_AGE_BANDS]
        if set(value) != set(names):
            raise ValueError(f"give a rate for exactly the bands {names}")
        if any(not 0 <= v < 1 for v in value.values()):
            raise ValueError("annual exit rates must be in [0, 1)")
        return {name: float(value[name]) for name in names}

    def weekly_base_hazard(self) -> np.ndarray:
        """Weekly exit probability for each age band, from the annual rates and the scale."""
        annual = np.array([self.exit_rates[b[0]] for b in EXIT_AGE_BANDS])
        return np.clip(self.exit_rate_scale * (1.0 - (1.0 - annual) ** (1.0 / 52.0)), 0.0, 1.0)


def age_band(age: np.ndarray) -> np.ndarray:
    """Index of each age's band in :data:`EXIT_AGE_BANDS`."""
    band = np.zeros(np.shape(age), dtype=np.intp)
    for edge in _BAND_EDGES:
        band += age >= edge
    return band


def relative_risk(engagement: np.ndarray, inclusion: np.ndarray, params: RetentionParams) -> np.ndarray:
    """Exit relative risk ``exp(b_e * engagement + b_i * inclusion)`` (not yet normalised)."""
    return np.exp(params.engagement_effect * engagement + params.inclusion_effect * inclusion)


def exit_probability(
    age: np.ndarray,
    occupied: np.ndarray,
    engagement: np.ndarray,
    inclusion: np.ndarray,
    baseline_risk: np.ndarray,
    params: RetentionParams,
    base_hazard: np.ndarray | None = None,
) -> np.ndarray:
    """Weekly probability that each employee leaves (0 at vacant positions).

    Parameters
    ----------
    age
        Age of each position's occupant.
    occupied
        Mask of filled positions.
    engagement, inclusion
        Current states.
    baseline_risk
        :func:`relative_risk` of each occupant's baseline states.
    params
        Retention parameters.
    base_hazard
        ``params.weekly_base_hazard()``, if the caller keeps it (the model
        computes it once per run); computed here otherwise.

    Notes
    -----
    The relative risk of the current states is divided by the mean baseline
    risk of the current occupants of the same age band and multiplied by the
    band's weekly base hazard, then capped at 1, so that a workforce at its
    baseline states quits at exactly the base hazards in expectation (unless
    the cap binds).
    """
    n_bands = len(EXIT_AGE_BANDS)
    band = np.where(occupied, age_band(age), n_bands)  # vacant positions fall in an extra band
    totals = np.bincount(band, weights=baseline_risk, minlength=n_bands + 1)
    counts = np.bincount(band, minlength=n_bands + 1)
    scale = np.zeros(n_bands + 1)
    hazard = params.weekly_base_hazard() if base_hazard is None else base_hazard
    np.divide(hazard, totals[:n_bands], out=scale[:n_bands], where=totals[:n_bands] > 0)
    scale[:n_bands] *= counts[:n_bands]
    probability = relative_risk(engagement, inclusion, params)
    probability *= scale[band]
    return np.minimum(probability, 1.0, out=probability)


def retirement_probability(age: np.ndarray, occupied: np.ndarray, params: RetentionParams) -> np.ndarray:
    """Weekly probability of retiring (1 from ``retirement_age``, 0 at vacant positions)."""
    weekly = 1.0 - (1.0 - params.retirement_rate) ** (1.0 / 52.0)
    probability = np.where(age >= params.retirement_min_age, weekly, 0.0)
    probability = np.where(age >= params.retirement_age, 1.0, probability)
    return np.where(occupied, probability, 0.0)


def hire_ages(
    rng: np.random.Generator, levels: np.ndarray, mean_by_level: np.ndarray, sd_by_level: np.ndarray, params: RetentionParams
) -> np.ndarray:
    """Ages of new hires at ``levels``: normal around the level mean minus the offset, within working age.

    ``mean_by_level`` and ``sd_by_level`` are the mean and standard deviation
    of age at each level in the initial workforce
    (:func:`rmsim.workforce.hiring_profile`); ages are clipped to
    ``[WORKING_AGE[0], WORKING_AGE[1] - 1]``.
    """
    from rmsim.workforce import WORKING_AGE

    mean = mean_by_level[levels] - params.hire_age_offset
    age = mean + sd_by_level[levels] * rng.standard_normal(len(levels))
    return age.clip(WORKING_AGE[0], WORKING_AGE[1] - 1.0)
