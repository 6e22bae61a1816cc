"""Felt value, sense of inclusion, visibility, sponsorship and engagement.

Every state lies in [0, 1]. Each week, felt value moves back towards the
employee's baseline, visibility and sponsorship decay towards 0, and the sense
of inclusion moves towards its baseline plus the climate effect below. Then
every pair that met closes a share of the headroom ``1 - state``, scaled by
its relationship quality:

* the mentor (by role, whatever the levels) gains felt value and sense of
  inclusion; the mentee gains felt value only;
* the partner at the lower level gains visibility and sponsorship, further
  scaled by the level gap as a share of the whole hierarchy. In a reverse
  pair that partner is the junior mentor (the reverse mentor); in a
  traditional top-down pair it is the junior mentee; a pair at one level
  gives neither.

Finally engagement moves towards a target: its baseline shifted by felt value
and sense of inclusion above their baselines.

The organisation's *inclusion climate* is the mean inclusion awareness of its
leaders. What moves everyone's sense of inclusion is how much the current
leaders' inclusion awareness has grown since they joined (minority employees
feel it more strongly); a change of leaders by turnover alone does not move
it, so an organisation without a programme stays at its baselines (as long as
inclusion awareness does not grow with experience).

The baselines are drawn per employee in :mod:`rmsim.workforce`. Their means
are assumptions: no source gives engagement, felt value or inclusion on a 0-1
scale, and survey shares of "engaged" employees have no direct counterpart.
"""

from __future__ import annotations

import numpy as np

from rmsim._base import ASSUMPTION, Params, param
from rmsim.workforce import DOMAINS, LEVELS

INCLUSION = DOMAINS.index("inclusion")
LEADER_LEVELS = (LEVELS.index("senior"), LEVELS.index("executive"))
"""Levels whose inclusion awareness sets the inclusion climate."""


class EngagementParams(Params):
    """Parameters of the engagement mechanism."""

    adjustment_rate: float = param(
        0.10, description="Weekly share of the distance to its target that engagement closes.", source=ASSUMPTION, gt=0, le=1
    )
    felt_value_weight: float = param(
        0.5,
        description="Shift of the engagement target per unit of felt value above baseline.",
        source="assumption (Newmeasures: feeling valued is among the strongest predictors of engagement)",
        ge=0,
    )
    inclusion_weight: float = param(
        0.3,
        description="Shift of the engagement target per unit of sense of inclusion above baseline.",
        source="assumption (Newmeasures)",
        ge=0,
    )
    mentor_felt_value_gain: float = param(
        0.10,
        description="Share of the headroom in felt value a mentor gains per meeting, times relationship quality.",
        source="assumption (Newmeasures; Ghosh & Reio 2013 JVB 83: mentors more satisfied and committed [V])",
        ge=0,
        le=1,
    )
    mentee_felt_value_gain: float = param(0.03, description="Same for the mentee.", source=ASSUMPTION, ge=0, le=1)
    felt_value_decay: float = param(
        0.02, description="Weekly return of felt value towards baseline.", source=ASSUMPTION, ge=0, le=1
    )
    mentor_inclusion_gain: float = param(
        0.05,
        description="Share of the headroom in sense of inclusion a mentor gains per meeting, times quality.",
        source="assumption (Newmeasures: reverse mentoring fosters inclusion)",
        ge=0,
        le=1,
    )
    inclusion_decay: float = param(
        0.02,
        description="Weekly return of the sense of inclusion towards baseline plus climate effect.",
        source=ASSUMPTION,
        ge=0,
        le=1,
    )
    climate_weight: float = param(
        0.5,
        description="Shift of the sense of inclusion per unit of growth in the leaders' inclusion awareness since they joined.",
        source="assumption (the inclusion climate follows the organisation's leaders; Newmeasures: leaders who "
        "mentor steer the organisation towards inclusion)",
        ge=0,
    )
    minority_climate_multiplier: float = param(
        2.0,
        description="Multiplier of the climate effect on the sense of inclusion of minority employees (1 for others).",
        source=ASSUMPTION,
        ge=0,
    )
    visibility_gain: float = param(
        0.15,
        description="Share of the headroom in visibility the lower-level partner of a pair (the mentor in reverse "
        "pairs, the mentee in top-down pairs) gains per meeting, times quality and the level gap as a share of the "
        "whole hierarchy.",
        source="assumption (RMExpertise: The Hartford's junior mentors gained exposure)",
        ge=0,
        le=1,
    )
    visibility_decay: float = param(
        0.01, description="Weekly share of visibility lost (it decays towards 0).", source=ASSUMPTION, ge=0, le=1
    )
    sponsorship_gain: float = param(
        0.20,
        description="Share of the headroom in sponsorship the lower-level partner of a pair (the mentor in reverse "
        "pairs, the mentee in top-down pairs) gains per meeting, times quality and the level gap as a share of the "
        "whole hierarchy.",
        source="assumption (RMExpertise: sponsorship and stretch development for The Hartford's junior mentors)",
        ge=0,
        le=1,
    )
    sponsorship_decay: float = param(
        0.005, description="Weekly share of sponsorship lost (it decays towards 0).", source=ASSUMPTION, ge=0, le=1
    )


def leaders(level: np.ndarray, occupied: np.ndarray) -> np.ndarray:
    """Positions of the organisation's leaders (senior and executive levels)."""
    return np.flatnonzero(occupied & (level >= min(LEADER_LEVELS)))


def inclusion_climate(skills: np.ndarray, leader_positions: np.ndarray) -> float:
    """Mean inclusion awareness of the leaders (0-1; NaN without leaders)."""
    if len(leader_positions) == 0:
        return float("nan")
    return float(skills[INCLUSION, leader_positions].mean())


def climate_growth(skills: np.ndarray, leader_positions: np.ndarray, awareness_at_hire: np.ndarray) -> float:
    """Mean growth of the leaders' inclusion awareness since they were hired (0 without leaders).

    Parameters
    ----------
    skills
        ``(n_domains, n_positions)`` skills now.
    leader_positions
        From :func:`leaders`.
    awareness_at_hire
        Each leader's inclusion awareness when hired, aligned with ``leader_positions``.
    """
    if len(leader_positions) == 0:
        return 0.0
    return float((skills[INCLUSION, leader_positions] - awareness_at_hire).mean())


def raise_towards_one(state: np.ndarray, positions: np.ndarray, share: np.ndarray | float) -> None:
    """Close ``share`` of the headroom ``1 - state`` at ``positions``, in place.

    A position listed several times (a mentor with several mentees) has the
    shares compounded.
    """
    if len(positions) == 0:
        return
    where, index = np.unique(positions, return_inverse=True)
    keep = np.ones(len(where))
    np.multiply.at(keep, index, 1.0 - np.broadcast_to(share, positions.shape))
    state[where] = 1.0 - (1.0 - state[where]) * keep


def relax(state: np.ndarray, target: np.ndarray, rate: float) -> None:
    """Move ``state`` a share ``rate`` of the way to ``target`` (in place)."""
    state += rate * (target - state)


def engagement_target(
    base: np.ndarray,
    felt_value: np.ndarray,
    felt_value_base: np.ndarray,
    inclusion: np.ndarray,
    inclusion_base: np.ndarray,
    params: EngagementParams,
) -> np.ndarray:
    """The level engagement moves towards, clipped to [0, 1]."""
    target = (
        base + params.felt_value_weight * (felt_value - felt_value_base) + params.inclusion_weight * (inclusion - inclusion_base)
    )
    return np.clip(target, 0.0, 1.0)
