"""Relationship quality of mentoring pairs, early dissolution and end-of-programme ratings.

A pair starts with a *fit*: a base level shifted by profile similarity
(relative to 0.5), raised by preparation and by an informal programme, and
lowered by status threat (a mentee at a higher level than the mentor feeling
patronised, as in reverse pairs). Quality starts at the fit plus noise and,
at each meeting, moves a share of the way towards that meeting's experience:
the fit shifted by the mentor's communication and the mentee's openness, plus
noise. Every week, pairs whose quality is below a threshold face a hazard of
dissolving. The mentees of pairs that run their full term rate the programme
on two 5-point items.
"""

from __future__ import annotations

import numpy as np

from rmsim._base import ASSUMPTION, Params, param
from rmsim.workforce import LEVELS


class RelationshipParams(Params):
    """Parameters of relationship quality, dissolution and ratings."""

    base_quality: float = param(
        0.55,
        description="Fit of a pair before the effects below (similarity 0.5, unprepared, formal, no status threat).",
        source=ASSUMPTION,
        ge=0,
        le=1,
    )
    similarity_effect: float = param(
        0.30,
        description="Change in fit per unit of profile similarity above 0.5.",
        source="assumption (direction and strength: Eby et al. 2013 Psychol. Bull. 139(2), similarity -> positive "
        "protege perceptions rho = .38-.59 [V])",
        ge=0,
    )
    preparation_effect: float = param(
        0.05,
        description="Change in fit when both sides were prepared for their roles.",
        source="assumption (direction: Allen, Eby & Lentz 2006 JAP 91(3) [V])",
    )
    informal_effect: float = param(
        0.05,
        description="Change in fit for informal rather than formal programmes.",
        source="assumption (direction: Underhill 2006 JVB 68, informal > formal [V])",
    )
    status_threat: float = param(
        0.30,
        description="Loss of fit when a closed-minded mentee (openness 0) is mentored across the whole hierarchy "
        "(scaled by level gap and 1 - openness).",
        source="assumption (RMBusiness: some senior managers feel patronised)",
        ge=0,
    )
    formal_threat_buffer: float = param(
        0.5,
        description="Share of status threat removed by a formal process.",
        source="assumption (RMBusiness: a formal process smooths things over)",
        ge=0,
        le=1,
    )
    preparation_threat_buffer: float = param(
        0.5,
        description="Share of status threat removed by preparing both sides.",
        source="assumption (RMBusiness: Clutterbuck on preparing both parties)",
        ge=0,
        le=1,
    )
    communication_effect: float = param(
        0.20,
        description="Change in a meeting's experience per unit of mentor communication above 0.5.",
        source="assumption (RMExpertise: transparent communication)",
    )
    openness_effect: float = param(
        0.20,
        description="Change in a meeting's experience per unit of mentee openness above 0.5.",
        source="assumption (RMExpertise: open-mindedness, trust)",
    )
    quality_sd: float = param(0.10, description="Standard deviation of initial quality around the fit.", source=ASSUMPTION, ge=0)
    meeting_sd: float = param(0.10, description="Standard deviation of a meeting's experience.", source=ASSUMPTION, ge=0)
    adaptation: float = param(
        0.25, description="Weight of each meeting's experience in the updated quality.", source=ASSUMPTION, ge=0, le=1
    )
    dissolution_threshold: float = param(
        0.35, description="Quality below which a pair may dissolve early.", source=ASSUMPTION, ge=0, le=1
    )
    dissolution_hazard: float = param(
        0.10,
        description="Weekly probability of dissolving at quality 0 (falls linearly to 0 at the threshold).",
        source=ASSUMPTION,
        ge=0,
        le=1,
    )
    rating_business_intercept: float = param(
        1.6,
        description="Latent business-effectiveness rating (1-5 scale) of a pair with quality 0 and no learning.",
        source=ASSUMPTION,
    )
    rating_development_intercept: float = param(
        2.2,
        description="Latent personal-development rating (1-5 scale) of a pair with quality 0 and no learning.",
        source=ASSUMPTION,
    )
    rating_quality_weight: float = param(
        2.5, description="Rating points per unit of final relationship quality.", source=ASSUMPTION
    )
    rating_learning_weight: float = param(
        2.0, description="Rating points per unit share of the mentee's initial topic gap closed.", source=ASSUMPTION
    )
    rating_sd: float = param(0.6, description="Standard deviation of the latent ratings.", source=ASSUMPTION, ge=0)


MAX_LEVEL_GAP = len(LEVELS) - 1


def status_threat(
    level_gap: np.ndarray, openness: np.ndarray, *, formal: bool, prepared: bool, params: RelationshipParams
) -> np.ndarray:
    """Loss of fit from a senior mentee feeling patronised by a junior mentor.

    Parameters
    ----------
    level_gap
        Mentee level minus mentor level; only positive gaps (reverse pairs) threaten.
    openness
        Mentee openness (0-1).
    formal, prepared
        Programme design; each removes its buffer share of the threat.
    """
    buffer = (1 - params.formal_threat_buffer * formal) * (1 - params.preparation_threat_buffer * prepared)
    return params.status_threat * np.clip(level_gap, 0, None) / MAX_LEVEL_GAP * (1 - openness) * buffer


def initial_fit(
    similarity: np.ndarray, threat: np.ndarray, *, formal: bool, prepared: bool, params: RelationshipParams
) -> np.ndarray:
    """Expected quality of new pairs, clipped to [0, 1]."""
    fit = (
        params.base_quality
        + params.similarity_effect * (similarity - 0.5)
        + params.preparation_effect * prepared
        + params.informal_effect * (not formal)
        - threat
    )
    return np.clip(fit, 0.0, 1.0)


def meeting_experience(
    fit: np.ndarray, communication: np.ndarray, openness: np.ndarray, noise: np.ndarray, params: RelationshipParams
) -> np.ndarray:
    """How each meeting went (0-1), given the pair's fit and the standard-normal ``noise``."""
    experience = (
        fit
        + params.communication_effect * (communication - 0.5)
        + params.openness_effect * (openness - 0.5)
        + params.meeting_sd * noise
    )
    return np.clip(experience, 0.0, 1.0)


def dissolution_probability(quality: np.ndarray, params: RelationshipParams) -> np.ndarray:
    """Weekly probability that each pair dissolves early."""
    if params.dissolution_threshold == 0:
        return np.zeros_like(quality)
    shortfall = np.clip((params.dissolution_threshold - quality) / params.dissolution_threshold, 0.0, 1.0)
    return params.dissolution_hazard * shortfall


def ratings(
    quality: np.ndarray, learned: np.ndarray, noise: np.ndarray, params: RelationshipParams
) -> tuple[np.ndarray, np.ndarray]:
    """Mentees' 1-5 ratings of business effectiveness and personal development.

    Parameters
    ----------
    quality
        Final relationship quality.
    learned
        Share (0-1) of the mentee's initial gap in the programme's topics that was closed.
    noise
        Standard-normal draws, shape ``(n, 2)``.
    """
    common = params.rating_quality_weight * quality + params.rating_learning_weight * learned
    latent_business = params.rating_business_intercept + common + params.rating_sd * noise[:, 0]
    latent_development = params.rating_development_intercept + common + params.rating_sd * noise[:, 1]
    business = np.clip(np.rint(latent_business), 1, 5).astype(np.int8)
    development = np.clip(np.rint(latent_development), 1, 5).astype(np.int8)
    return business, development
