"""Knowledge transfer in meetings, spill-over to teams, forgetting and experience.

Skills are proficiencies in [0, 1], one row per domain in
:data:`rmsim.workforce.DOMAINS`. Each employee also has a *practised level*
(``floor``): what daily work keeps in use. Mentoring (and spill-over) lifts
skills above the floor. Each week the excess first loses the forgetting share
``phi = 1 - 0.5 ** (1 / forgetting_half_life_weeks)``, then the consolidation
share ``kappa`` of what is left moves into the floor, so the excess shrinks by
the factor ``(1 - phi) * (1 - kappa)`` a week. A one-off gain, left alone,
therefore ends up practised in the share

    kappa * (1 - phi) / (phi + kappa - phi * kappa)

of its size (about 0.198 with the defaults; ``kappa / (kappa + phi)`` is the
continuous-time approximation), as long as the cap of skills at 1 does not
bind. Experience growth raises skills and floors alike, so it is not forgotten.
"""

from __future__ import annotations

import numpy as np
from pydantic import model_validator

from rmsim._base import ASSUMPTION, Params, param
from rmsim.workforce import DOMAINS

INCLUSION = DOMAINS.index("inclusion")


class LearningParams(Params):
    """Parameters of knowledge transfer and forgetting."""

    transfer_rate: float = param(
        0.10,
        description="Share of the gap to the more skilled partner that a learner closes in one meeting when the "
        "learner's willingness and openness and the pair's relationship quality are all 1 (the mentor, as learner, "
        "at reciprocity times this).",
        source=ASSUMPTION,
        ge=0,
        le=1,
    )
    preparation_multiplier: float = param(
        1.25,
        description="Multiplier of transfer when both sides were prepared (trained/coached) for their roles.",
        source="assumption (direction: RMBusiness, Clutterbuck; Allen, Eby & Lentz 2006 JAP 91(3): training "
        "predicts quality [V])",
        ge=1,
    )
    diversity_multiplier: float = param(
        0.5,
        description="Extra inclusion-awareness transfer, in either direction, per demographic difference (gender, "
        "minority) between the pair.",
        source="assumption (inclusion awareness grows more with a partner who differs; Juma: employees of colour "
        "mentor managers on minority issues; Newmeasures)",
        ge=0,
    )
    forgetting_half_life_weeks: float = param(
        43.0,
        description="Half-life in weeks of forgetting alone: each week an unpractised gain loses the share "
        "1 - 0.5 ** (1 / half-life), before consolidation (which slows the loss of the whole gain).",
        source="Tatel & Ackerman 2025: without use, half of a procedural skill gain is lost after about 6.5 "
        "(accuracy), 11 (mixed) and 13 (speed) months [V]; 43 weeks (about 10 months) chosen within that range, "
        "and applying it to knowledge domains, are assumptions",
        gt=0,
    )
    consolidation_rate: float = param(
        0.004,
        description="Weekly share of the unpractised gain left after forgetting that becomes practised (permanent).",
        source=ASSUMPTION,
        ge=0,
        le=1,
    )
    experience_growth: bool = param(
        True,
        description="Every employee's skills and practised levels in the domains whose initial profile rises with "
        "age (business and leadership by default) grow by that slope per year (a 52nd of it each week), capped at 1.",
        source="assumption (the cross-sectional age slope read as on-the-job learning)",
    )
    spill_over: float = param(
        0.0,
        description="Share of a participant's meeting gains this week (mentee's, and the mentor's in two-way "
        "learning) passed on to each of their direct reports, times the report's willingness and headroom; one level "
        "down only (0 disables it).",
        source="assumption (RMBusiness: the practice can be cascaded to all levels)",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _bounded(self) -> LearningParams:
        top = self.transfer_rate * self.preparation_multiplier * (1 + 2 * self.diversity_multiplier)
        if top > 1:
            raise ValueError(
                f"transfer_rate * preparation_multiplier * (1 + 2 * diversity_multiplier) = {top:.3g} must be <= 1 "
                "so a single pair's meeting never moves its learner past the teacher"
            )
        return self

    @property
    def forgetting_rate(self) -> float:
        """Weekly share of the unpractised gain that is forgotten."""
        return 1.0 - 0.5 ** (1.0 / self.forgetting_half_life_weeks)


def transfer(
    skills: np.ndarray,
    mentor: np.ndarray,
    mentee: np.ndarray,
    *,
    quality: np.ndarray,
    willingness: np.ndarray,
    openness: np.ndarray,
    diversity: np.ndarray,
    topics: np.ndarray,
    reciprocity: float,
    prepared: bool,
    params: LearningParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Skill gains of the pairs that met this week.

    In every topic domain the more skilled side teaches the other: the
    mentor at full rate, the mentee (two-way learning) at ``reciprocity`` times
    the rate. The learner closes a share of the gap equal to ``transfer_rate``
    times their willingness and openness, the pair's quality, the preparation
    multiplier, and, for inclusion awareness, ``1 + diversity_multiplier *
    diversity``. Both directions use the skills from before the meeting.

    Validation keeps that share at most 1, so within one pair the learner
    never passes the teacher. An employee is in at most one pair, except a
    mentor with several mentees (``mentor_capacity`` > 1): their gains from all
    mentees add up and may pass even the most skilled of them, which is ruled
    out only when ``mentor_capacity * reciprocity * transfer_rate *
    preparation_multiplier * (1 + 2 * diversity_multiplier) <= 1``. Mentees
    never pass their mentor.

    Parameters
    ----------
    skills
        ``(n_domains, n_positions)`` skills before the meeting.
    mentor, mentee
        Position of each pair's mentor and mentee.
    quality
        Relationship quality of each pair (0-1).
    willingness, openness
        Per-position traits (0-1).
    diversity
        Number of demographic differences (0-2) within each pair.
    topics
        Boolean mask over domains covered by the programme.
    reciprocity
        0 for one-way mentoring, 1 for fully two-way.
    prepared
        Whether both sides were prepared.
    params
        Learning parameters.

    Returns
    -------
    tuple of numpy.ndarray
        Gains of mentees and of mentors, each ``(n_domains, n_pairs)`` and
        non-negative; each is at most the pair's gap (see above).
    """
    gap = skills[:, mentor] - skills[:, mentee]
    rate = params.transfer_rate * (params.preparation_multiplier if prepared else 1.0) * quality
    domain = np.repeat(topics.astype(float)[:, None], len(mentor), axis=1)
    domain[INCLUSION] *= 1.0 + params.diversity_multiplier * diversity
    mentee_gain = (willingness[mentee] * openness[mentee] * rate) * domain * np.maximum(gap, 0.0)
    mentor_gain = (willingness[mentor] * openness[mentor] * rate * reciprocity) * domain * np.maximum(-gap, 0.0)
    return mentee_gain, mentor_gain


def apply_gains(skills: np.ndarray, positions: np.ndarray, gains: np.ndarray) -> None:
    """Add ``(n_domains, k)`` ``gains`` at ``positions`` (repeats allowed), keeping skills <= 1."""
    np.add.at(skills, (slice(None), positions), gains)
    skills[:, positions] = np.minimum(skills[:, positions], 1.0)


def spill_over(skills: np.ndarray, manager: np.ndarray, gains: np.ndarray, willingness: np.ndarray, rate: float) -> np.ndarray:
    """Pass a share of each manager's gains on to their direct reports.

    Parameters
    ----------
    skills
        ``(n_domains, n_positions)``; updated in place.
    manager
        Manager position of every position (``-1`` at the top).
    gains
        ``(n_domains, n_positions)`` gains made this week, by position.
    willingness
        Per-position willingness to learn.
    rate
        :attr:`LearningParams.spill_over`.

    Returns
    -------
    numpy.ndarray
        Positions that gained.
    """
    has_manager = manager >= 0
    inherited = np.zeros_like(skills)
    inherited[:, has_manager] = gains[:, manager[has_manager]]
    skills += rate * willingness * inherited * (1.0 - skills)
    return np.flatnonzero(inherited.any(axis=0))


def forget(skills: np.ndarray, floor: np.ndarray, params: LearningParams, positions: np.ndarray | None = None) -> None:
    """One week of forgetting unpractised gains and consolidating some of them.

    The excess ``skills - floor`` first loses the share
    :attr:`LearningParams.forgetting_rate`; then ``consolidation_rate`` of what
    is left is added to the floor (see the module docstring for the long-run
    share).

    Parameters
    ----------
    skills, floor
        ``(n_domains, n_positions)``, updated in place; ``skills >= floor`` is preserved.
    params
        Learning parameters.
    positions
        Only these positions (those with unpractised gains); all when None.
    """
    where = slice(None) if positions is None else positions
    excess = (skills[:, where] - floor[:, where]) * (1.0 - params.forgetting_rate)
    consolidated = params.consolidation_rate * excess
    floor[:, where] += consolidated
    skills[:, where] = floor[:, where] + excess - consolidated


def gain_experience(skills: np.ndarray, floor: np.ndarray, weekly_growth: np.ndarray) -> None:
    """Grow skills and practised levels by ``weekly_growth`` per domain, capped at 1."""
    for domain in np.flatnonzero(weekly_growth):
        for state in (skills[domain], floor[domain]):
            state += weekly_growth[domain]
            np.minimum(state, 1.0, out=state)
