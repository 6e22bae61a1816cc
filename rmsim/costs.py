"""Money: salaries, the cost of programme hours and the cost of replacing leavers."""

from __future__ import annotations

import numpy as np
from pydantic import field_validator

from rmsim._base import ASSUMPTION, Params, param
from rmsim.workforce import LEVELS

_DEFAULT_SALARY = {"junior": 45_000.0, "professional": 65_000.0, "manager": 90_000.0, "senior": 130_000.0, "executive": 220_000.0}


class CostParams(Params):
    """Parameters that put a price on hours and turnover."""

    annual_salary: dict[str, float] = param(
        _DEFAULT_SALARY, description="Annual salary by level (currency units).", source=ASSUMPTION
    )
    hours_per_year: float = param(1800.0, description="Paid working hours per year, to price an hour.", source=ASSUMPTION, gt=0)
    replacement_cost_share: float = param(
        0.21,
        description="Cost of replacing a leaver (quit or retirement, at any level) as a share of their annual salary "
        "(hiring, training, lost productivity).",
        source="Boushey & Glynn 2012, Center for American Progress: median 21% of annual salary over 27 case studies, "
        "executives and physicians excluded [V]; applying it to every level, executives included (who cost more), "
        "is an assumption",
        ge=0,
    )

    @field_validator("annual_salary")
    @classmethod
    def _every_level(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != set(LEVELS):
            raise ValueError(f"give a salary for exactly the levels {list(LEVELS)}")
        if any(v < 0 for v in value.values()):
            raise ValueError("salaries must be >= 0")
        return {lv: float(value[lv]) for lv in LEVELS}

    def salary(self, level: np.ndarray) -> np.ndarray:
        """Annual salary at each level code."""
        return np.array([self.annual_salary[lv] for lv in LEVELS])[np.asarray(level, dtype=np.int64)]

    def hourly_cost(self, level: np.ndarray) -> np.ndarray:
        """Cost of one working hour at each level code."""
        return self.salary(level) / self.hours_per_year

    def replacement_cost(self, level: np.ndarray) -> float:
        """Total cost of replacing leavers at the given level codes."""
        return float(self.replacement_cost_share * self.salary(level).sum())
