"""Exits, retirement and replacement hiring.

Each week every employee leaves with a probability set by their age band
(annual base rates from the BLS), multiplied by a relative risk that falls
with engagement and sense of inclusion. The relative risks are normalised
within each age band over the current workforce's *baseline* states, so that
an organisation where everyone sits at their baseline (the control) reproduces
the base rates exactly in expectation, while a programme that lifts states
above baseline lowers exits. Older employees also retire. Vacated positions are
refilled by external hires, younger on average than the people at that level.
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
        description="Annual probability of leaving by age band (under_25, 25_34, 35_44, 45_54, 55_plus).",
        source="BLS Employee Tenure, January 2016: share of workers with 12 months' tenure or less by age (20-24 50.8%, "
        "25-34 28.9%, 35-44 17.1%, 45-54 12.4%, 55-64 10.2%) [V], read as the annual exit rate of a steady-state "
        "workforce [assumption]",
    )
    exit_rate_scale: float = param(
        1.0,
        description="Multiplier of all base exit rates, to match an organisation's own turnover.",
        source=ASSUMPTION,
        ge=0,
        le=10,
    )
    engagement_effect: float = param(
        -2.0,
        description="Change in log exit hazard per unit of engagement (0-1 scale).",
        source="assumption (sign: Gallup; size kept modest because satisfaction-turnover correlations rarely exceed "
        ".40 and predictors explain < 20% of turnover variance [V])",
        le=0,
    )
    inclusion_effect: float = param(
        -1.0,
        description="Change in log exit hazard per unit of sense of inclusion.",
        source="assumption (Newmeasures: 47% of millennials say inclusion matters in a job search [V])",
        le=0,
    )
    retirement_min_age: float = param(60.0, description="Age from which employees may retire.", source=ASSUMPTION, ge=40, le=90)
    retirement_rate: float = param(
        0.10, description="Annual probability of retiring from retirement_min_age on.", source=ASSUMPTION, ge=0, le=1
    )
    retirement_age: float = param(
        67.0, description="Age at which everyone retires.", source="assumption (US full retirement age)", ge=40, le=100
    )
    hire_age_offset: float = param(
        3.0,
        description="Years by which replacement hires are younger than the mean age at their level.",
        source="assumption (DESIGN: replacement hires are younger on average)",
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

    Notes
    -----
    The relative risk of the current states is divided by the mean baseline
    risk of the occupants in the same age band, so that a workforce at its
    baseline states leaves at exactly the base rates in expectation.
    """
    n_bands = len(EXIT_AGE_BANDS)
    band = np.where(occupied, age_band(age), n_bands)  # vacant positions fall in an extra band
    totals = np.bincount(band, weights=baseline_risk, minlength=n_bands + 1)
    counts = np.bincount(band, minlength=n_bands + 1)
    scale = np.zeros(n_bands + 1)
    np.divide(params.weekly_base_hazard(), totals[:n_bands], out=scale[:n_bands], where=totals[:n_bands] > 0)
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
    """Ages of new hires at ``levels``: normal around the level mean minus the offset, within working age."""
    from rmsim.workforce import WORKING_AGE

    mean = mean_by_level[levels] - params.hire_age_offset
    age = mean + sd_by_level[levels] * rng.standard_normal(len(levels))
    return np.clip(age, WORKING_AGE[0], WORKING_AGE[1] - 1.0)
