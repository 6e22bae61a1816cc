"""Promotion rounds through vacancy chains.

When someone leaves a position above the entry level, the vacancy is either
filled externally the same week or, with probability ``internal_fill_share``,
kept open for the next promotion round (one held in a week with a round goes
into that round). Rounds fall on the weeks that are multiples of
``promotion_interval_weeks``. In a round, levels are processed from the top
down: the held vacancies at a level go to the best-scoring *candidates*, the
employees one level below with at least ``min_weeks_in_level`` weeks at their
level (as many as there are vacancies or candidates, whichever is fewer), each
placed in a vacancy chosen at random. Each promotion opens the promoted
person's old position, which in turn is held (with probability
``internal_fill_share``, above the entry level) and so offered to the next
level down in the same round, or filled externally: a vacancy chain (White
1970). Vacancies still held after the round are filled externally that week.

A candidate's score is, with ``N`` standard normal noise drawn anew each round::

    talent_weight * talent + skill_weight * z + visibility_weight * visibility
    + sponsorship_weight * sponsorship + noise_sd * N

where ``talent`` is a fixed standard-normal trait and ``z`` is the candidate's
mean skill over all domains, standardised among the candidates for the same
vacancies in this round (mean 0, population standard deviation 1; all 0 if the
candidates' mean skills are equal). Visibility and sponsorship enter on their
0-1 scale, unstandardised.
"""

from __future__ import annotations

import numpy as np

from rmsim._base import ASSUMPTION, Params, param


class CareerParams(Params):
    """Parameters of promotion rounds."""

    promotion_interval_weeks: int = param(
        26, description="Weeks between promotion rounds (rounds fall on multiples of this).", source=ASSUMPTION, ge=1
    )
    internal_fill_share: float = param(
        0.6,
        description="Share of vacancies above the entry level kept for internal promotion.",
        source=ASSUMPTION,
        ge=0,
        le=1,
    )
    min_weeks_in_level: int = param(
        52, description="Weeks an employee must have spent at their level to be promoted.", source=ASSUMPTION, ge=0
    )
    talent_weight: float = param(1.0, description="Score weight of stable talent (standard normal).", source=ASSUMPTION, ge=0)
    skill_weight: float = param(
        1.0,
        description="Score points per standard deviation of mean skill (over all domains), standardised among the "
        "candidates competing in the same round for the same level.",
        source=ASSUMPTION,
        ge=0,
    )
    visibility_weight: float = param(
        1.5,
        description="Score points per unit of visibility (0-1).",
        source="assumption (RMExpertise: 11 of 12 Hartford mentors promoted within a year, credited to exposure; "
        "Allen et al. 2004 JAP 89(1): objective career effects of mentoring are small [V])",
        ge=0,
    )
    sponsorship_weight: float = param(
        1.5,
        description="Score points per unit of sponsorship (0-1).",
        source="assumption (RMExpertise: sponsorship at The Hartford)",
        ge=0,
    )
    noise_sd: float = param(0.5, description="Standard deviation of the noise in each round's score.", source=ASSUMPTION, ge=0)


def is_round(week: int, params: CareerParams) -> bool:
    """Whether a promotion round is held at the end of ``week`` (weeks 1, 2, ...)."""
    return week > 0 and week % params.promotion_interval_weeks == 0


def promotion_score(
    talent: np.ndarray,
    mean_skill: np.ndarray,
    visibility: np.ndarray,
    sponsorship: np.ndarray,
    noise: np.ndarray,
    params: CareerParams,
) -> np.ndarray:
    """Score of candidates at one level (higher is promoted first).

    ``mean_skill`` is standardised among the candidates passed in (mean 0,
    population standard deviation 1; zeros when it does not vary); ``talent``
    and ``noise`` are standard normal; ``visibility`` and ``sponsorship`` are
    used as they are (0-1).
    """
    spread = mean_skill.std()
    skill_z = (mean_skill - mean_skill.mean()) / spread if spread > 0 else np.zeros_like(mean_skill)
    return (
        params.talent_weight * talent
        + params.skill_weight * skill_z
        + params.visibility_weight * visibility
        + params.sponsorship_weight * sponsorship
        + params.noise_sd * noise
    )


def best(score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, highest first."""
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k >= len(score):
        return np.argsort(-score, kind="stable")
    top = np.argpartition(-score, k - 1)[:k]
    return top[np.argsort(-score[top], kind="stable")]
