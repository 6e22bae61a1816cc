"""The mentoring programme: design, recruitment of cohorts, and the pairs it forms.

A programme launches one or more *cohorts*. For each cohort, eligible seniors
and juniors volunteer (with a probability that rises with their willingness to
learn) or are enrolled (mandatory programmes); at most ``cohort_size`` seniors
and a shortlist of juniors form the candidate pool; the pairing policy matches
them. Pairs meet every ``cadence_weeks`` for ``duration_weeks``; a scheduled
meeting is held with probability ``attendance``. Pairs end when the programme
ends (completed; the mentee rates it), when their quality collapses
(dissolved) or when either side leaves the organisation.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import field_validator, model_validator

from rmsim._base import ASSUMPTION, Params, param
from rmsim.errors import ConfigError
from rmsim.pairing import CandidatePool, Matching, PairingPolicy, Side, get_policy
from rmsim.workforce import DOMAINS, GENDERS, LEVELS, Workforce, generation_of

ROLE_NONE, ROLE_MENTOR, ROLE_MENTEE = 0, 1, 2
ROLE_NAMES = {ROLE_NONE: "none", ROLE_MENTOR: "mentor", ROLE_MENTEE: "mentee"}
ACTIVE, COMPLETED, DISSOLVED, LEFT = 0, 1, 2, 3
STATUS_NAMES = {ACTIVE: "active", COMPLETED: "completed", DISSOLVED: "dissolved", LEFT: "left"}


def _levels(value: list[Any]) -> list[str]:
    names = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < len(LEVELS):
            names.append(LEVELS[item])
        elif isinstance(item, str) and item in LEVELS:
            names.append(item)
        else:
            raise ValueError(f"unknown level {item!r}; allowed: {list(LEVELS)} or 0-{len(LEVELS) - 1}")
    if not names:
        raise ValueError("give at least one level")
    return sorted(set(names), key=LEVELS.index)


class Programme(Params):
    """Design of a reverse-mentoring programme.

    Examples
    --------
    >>> from rmsim import Programme
    >>> Programme(policy="random", cadence_weeks=2).duration_weeks
    26
    """

    policy: str = param(
        "common_interests", description="Pairing policy (see `rmsim policies`).", source="RMExpertise (The Hartford)"
    )
    policy_params: dict[str, Any] = param({}, description="Keyword parameters of the pairing policy.", source="user choice")
    start_week: int = param(1, description="Week the first cohort starts (weeks are numbered from 1).", source=ASSUMPTION, ge=1)
    cohorts: int = param(1, description="Number of cohorts launched.", source=ASSUMPTION, ge=1, le=1000)
    cohort_interval_weeks: int = param(52, description="Weeks between cohort launches.", source=ASSUMPTION, ge=1)
    cohort_size: int = param(
        40,
        description="Most seniors enrolled per cohort (one pair each; up to mentor_capacity pairs each when seniors mentor).",
        source="assumption (The Hartford's first wave: 12 pairs)",
        ge=1,
    )
    duration_weeks: int = param(
        26,
        description="Weeks a pair runs.",
        source="Mentoring platforms: typical programmes run 6-12 months; 26 weeks (the short end) is an assumption",
        ge=1,
    )
    cadence_weeks: int = param(
        4,
        description="Weeks between scheduled meetings.",
        source="Mentoring platforms: monthly to quarterly meetings are typical; The Hartford pairs met about six times "
        "(RMExpertise); Microsoft Norway every two months (RMBusiness)",
        ge=1,
    )
    attendance: float = param(0.9, description="Probability that a scheduled meeting is held.", source=ASSUMPTION, ge=0, le=1)
    formality: Literal["formal", "informal"] = param(
        "formal",
        description="Formal programmes buffer status threat; informal ones start with better fit.",
        source="RMExpertise (formal or informal by culture); RMBusiness; Underhill 2006",
    )
    preparation: bool = param(
        True, description="Whether both sides are prepared (trained/coached) for their roles.", source="RMBusiness (Clutterbuck)"
    )
    reciprocity: float = param(
        0.5,
        description="Rate of mentee-to-mentor learning relative to mentor-to-mentee (0 one-way, 1 fully two-way).",
        source="assumption (MgmtMag recommends a reciprocal model)",
        ge=0,
        le=1,
    )
    topics: list[str] = param(list(DOMAINS), description="Skill domains the pairs work on.", source=ASSUMPTION)
    junior_levels: list[str] = param(
        ["junior", "professional"],
        description="Levels from which juniors are drawn.",
        source="MgmtMag; RMBusiness; RMExpertise; Juma; Newmeasures (junior employees mentor up)",
    )
    senior_levels: list[str] = param(
        ["senior", "executive"],
        description="Levels from which seniors are drawn.",
        source="MgmtMag; RMBusiness; RMExpertise; Juma; Newmeasures (senior executives are mentored)",
    )
    junior_max_age: float | None = param(
        40.0,
        description="Juniors must be younger than this (None: no limit).",
        source="MgmtMag (GE: mentors in their 20s and 30s)",
        gt=0,
    )
    senior_min_age: float | None = param(
        None,
        description="Seniors must be at least this old (None: no limit). With junior_max_age <= senior_min_age, age "
        "separates the two sides, and junior and senior levels may overlap (a programme cascaded to all levels).",
        source="RMBusiness (the practice cascaded to all levels: long-serving staff mentored on new software)",
        gt=0,
    )
    junior_genders: list[Literal["male", "female", "other"]] | None = param(
        None,
        description="Genders from which juniors are drawn (None: all).",
        source="RMBusiness (P&G Mentor Up: junior women managers mentor senior executives)",
        min_length=1,
    )
    senior_genders: list[Literal["male", "female", "other"]] | None = param(
        None, description="Genders from which seniors are drawn (None: all).", source="user choice", min_length=1
    )
    shortlist: Literal["random", "top_performers"] = param(
        "random",
        description="How juniors are shortlisted among the volunteers: at random, or the highest performers (by talent) first.",
        source="RMExpertise (The Hartford sought top performers with strong technical and communication skills as mentors)",
    )
    participation: Literal["voluntary", "mandatory"] = param(
        "voluntary",
        description="Voluntary: eligible employees opt in; mandatory: eligible seniors are enrolled (juniors still volunteer).",
        source="Newmeasures (GE required executives to take a mentor)",
    )
    opt_in_rate: float = param(
        0.5, description="Probability that an eligible employee of average willingness volunteers.", source=ASSUMPTION, gt=0, lt=1
    )
    opt_in_willingness_effect: float = param(
        4.0,
        description="Change in the log-odds of volunteering per unit of willingness above the workforce mean.",
        source="assumption (RMExpertise: assess the willingness of mentee and mentor)",
        ge=0,
    )
    shortlist_factor: float = param(
        3.0,
        description="Juniors shortlisted per junior place in the cohort: per senior divided by mentor capacity when "
        "juniors mentor, per senior times mentor capacity when seniors mentor.",
        source="assumption (RMExpertise: a list of prospective mentors)",
        ge=1,
    )
    mentor_capacity: int = param(
        1,
        description="Most mentees per mentor.",
        source="Mentoring platforms let programmes cap mentees per mentor; 1 (one-to-one) is an assumption",
        ge=1,
        le=20,
    )
    matching_block: int | None = param(
        500,
        description="Cohorts with more seniors are matched in random blocks of at most this many seniors (with their "
        "share of the shortlisted juniors), which keeps optimal assignment fast in large organisations; None matches "
        "the whole pool at once.",
        source="assumption (computational approximation)",
        ge=1,
    )
    meeting_hours: float = param(1.0, description="Hours each side spends per meeting.", source=ASSUMPTION, ge=0)
    preparation_hours: float = param(
        3.0, description="Hours of preparation per participant when preparation is on.", source=ASSUMPTION, ge=0
    )

    _check_junior_levels = field_validator("junior_levels", mode="before")(_levels)
    _check_senior_levels = field_validator("senior_levels", mode="before")(_levels)

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in DOMAINS]
        if unknown or not value:
            raise ValueError(f"topics must be a non-empty subset of {list(DOMAINS)}")
        return [d for d in DOMAINS if d in value]

    @field_validator("policy")
    @classmethod
    def _registered(cls, value: str) -> str:
        get_policy(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        lowest_senior = min(map(LEVELS.index, self.senior_levels))
        if max(map(LEVELS.index, self.junior_levels)) >= lowest_senior and not self.separated_by_age:
            below = list(LEVELS[:lowest_senior])
            raise ConfigError(
                "programme.junior_levels",
                self.junior_levels,
                f"every junior level must be below every senior level; with senior_levels {self.senior_levels}, "
                + (
                    f"allowed: a non-empty subset of {below}"
                    if below
                    else f"none is allowed: remove the lowest level '{LEVELS[0]}' from senior_levels"
                ),
            )
        # the policy's own check rejects bad parameter values now, not when a cohort is matched
        get_policy(self.policy).check_params(self.policy_params)
        return self

    @property
    def separated_by_age(self) -> bool:
        """Whether the age limits alone keep juniors and seniors apart (``junior_max_age <= senior_min_age``)."""
        return self.junior_max_age is not None and self.senior_min_age is not None and self.junior_max_age <= self.senior_min_age

    @property
    def launch_weeks(self) -> np.ndarray:
        """Weeks at which cohorts start."""
        return self.start_week + self.cohort_interval_weeks * np.arange(self.cohorts)

    @property
    def topic_mask(self) -> np.ndarray:
        """Boolean mask of the topics over :data:`rmsim.workforce.DOMAINS`."""
        return np.array([d in self.topics for d in DOMAINS])

    @property
    def scheduled_meetings(self) -> int:
        """Meetings scheduled per pair."""
        return -(-self.duration_weeks // self.cadence_weeks)


def volunteers(
    rng: np.random.Generator, eligible: np.ndarray, willingness: np.ndarray, mean_willingness: float, programme: Programme
) -> np.ndarray:
    """Positions among ``eligible`` that opt in (one uniform draw each)."""
    logit = np.log(programme.opt_in_rate / (1 - programme.opt_in_rate)) + programme.opt_in_willingness_effect * (
        willingness[eligible] - mean_willingness
    )
    probability = 1.0 / (1.0 + np.exp(-logit))
    return eligible[rng.random(len(eligible)) < probability]


def side(wf: Workforce, positions: np.ndarray, year: float) -> Side:
    """Candidate features of the employees at ``positions``."""
    return Side(
        employee_id=wf.employee[positions],
        age=year - wf.birth_year[positions],
        level=wf.level[positions].astype(np.int64),
        gender=wf.gender[positions],
        minority=wf.minority[positions],
        department=wf.department[positions],
        generation=generation_of(wf.birth_year[positions]),
        skills=wf.skills[:, positions].T,
        willingness=wf.willingness[positions],
        openness=wf.openness[positions],
        interests=wf.interests[:, positions].T,
    )


def shortlist_size(n_seniors: int, programme: Programme) -> int:
    """Most juniors shortlisted for a cohort of ``n_seniors`` seniors.

    ``shortlist_factor`` times the juniors the cohort can pair. In a reverse
    policy the juniors mentor and each takes up to ``mentor_capacity``
    seniors, so ``n_seniors / mentor_capacity`` juniors are needed; when seniors
    mentor (``traditional``) each takes up to ``mentor_capacity`` juniors, so
    ``n_seniors * mentor_capacity`` juniors can be paired.

    Parameters
    ----------
    n_seniors
        Seniors in the cohort's pool.
    programme
        The programme (its policy sets who mentors).

    Returns
    -------
    int
        ``ceil(shortlist_factor * n_seniors / mentor_capacity)`` in reverse
        policies, ``ceil(shortlist_factor * n_seniors * mentor_capacity)`` when
        seniors mentor.
    """
    factor, capacity = programme.shortlist_factor, programme.mentor_capacity
    if get_policy(programme.policy).reverse:
        return int(np.ceil(factor * n_seniors / capacity))
    return int(np.ceil(factor * n_seniors * capacity))


def candidate_pool(
    rng: np.random.Generator, wf: Workforce, year: float, programme: Programme
) -> tuple[CandidatePool, np.ndarray, np.ndarray]:
    """Recruit one cohort's candidates.

    Eligible juniors are at ``junior_levels``, younger than ``junior_max_age``
    and of ``junior_genders``; eligible seniors at ``senior_levels``, at least
    ``senior_min_age`` old and of ``senior_genders``; nobody already in a pair
    is eligible. At most ``cohort_size`` seniors are chosen at random among
    those enrolled or volunteering, and :func:`shortlist_size` juniors among the
    volunteers: at random, or the most talented first when ``shortlist`` is
    ``"top_performers"`` (the same random draws are made either way, so the two
    designs share their chance events).

    Returns
    -------
    tuple
        The pool, and the positions of its juniors and seniors.
    """
    free = (wf.employee >= 0) & (wf.role == ROLE_NONE)
    occupied_willingness = wf.willingness[wf.employee >= 0]
    mean_w = float(occupied_willingness.mean()) if len(occupied_willingness) else 0.5
    junior_codes = [LEVELS.index(lv) for lv in programme.junior_levels]
    senior_codes = [LEVELS.index(lv) for lv in programme.senior_levels]
    junior_ok = free & np.isin(wf.level, junior_codes)
    if programme.junior_max_age is not None:
        junior_ok &= (year - wf.birth_year) < programme.junior_max_age
    senior_ok = free & np.isin(wf.level, senior_codes)
    if programme.senior_min_age is not None:
        senior_ok &= (year - wf.birth_year) >= programme.senior_min_age
    if programme.junior_genders is not None:
        junior_ok &= np.isin(wf.gender, [GENDERS.index(g) for g in programme.junior_genders])
    if programme.senior_genders is not None:
        senior_ok &= np.isin(wf.gender, [GENDERS.index(g) for g in programme.senior_genders])
    juniors = volunteers(rng, np.flatnonzero(junior_ok), wf.willingness, mean_w, programme)
    seniors_eligible = np.flatnonzero(senior_ok)
    if programme.participation == "mandatory":
        seniors = seniors_eligible
    else:
        seniors = volunteers(rng, seniors_eligible, wf.willingness, mean_w, programme)
    seniors = rng.permutation(seniors)[: programme.cohort_size]
    places = shortlist_size(len(seniors), programme)
    juniors = rng.permutation(juniors)
    if programme.shortlist == "top_performers":
        juniors = juniors[np.argsort(-wf.talent[juniors], kind="stable")]
    juniors = juniors[:places]
    juniors.sort()
    seniors.sort()
    pool = CandidatePool(side(wf, juniors, year), side(wf, seniors, year), programme.topic_mask)
    return pool, juniors, seniors


def match(
    policy: PairingPolicy,
    pool: CandidatePool,
    rng: np.random.Generator,
    programme: Programme,
) -> Matching:
    """Run the programme's policy on ``pool``, in random blocks when the pool is large.

    See :attr:`Programme.matching_block`. Returns indices into ``pool``.
    """
    n_seniors = len(pool.seniors)
    block = programme.matching_block
    if block is None or n_seniors <= block:
        return policy(pool, rng, capacity=programme.mentor_capacity, **programme.policy_params)
    n_blocks = -(-n_seniors // block)
    senior_blocks = np.array_split(rng.permutation(n_seniors), n_blocks)
    junior_blocks = np.array_split(rng.permutation(len(pool.juniors)), n_blocks)
    juniors, seniors = [], []
    for j, s in zip(junior_blocks, senior_blocks, strict=True):
        part = policy(pool.subset(j, s), rng, capacity=programme.mentor_capacity, **programme.policy_params)
        juniors.append(j[part.junior])
        seniors.append(s[part.senior])
    return Matching(np.concatenate(juniors), np.concatenate(seniors))


class PairLedger:
    """All pairs ever formed, in growable NumPy columns indexed by pair id."""

    _COLUMNS: ClassVar[dict[str, tuple[Any, Any]]] = {
        "mentor": (np.int64, -1),
        "mentee": (np.int64, -1),
        "cohort": (np.int32, 0),
        "start_week": (np.int64, 0),
        "end_week": (np.int64, 0),
        "ended_week": (np.int64, -1),
        "status": (np.int8, ACTIVE),
        "meetings": (np.int32, 0),
        "mentor_level": (np.int8, 0),
        "mentee_level": (np.int8, 0),
        "reverse": (bool, True),
        "similarity": (np.float64, 0.0),
        "diversity": (np.int8, 0),
        "fit": (np.float64, 0.0),
        "quality_start": (np.float64, 0.0),
        "quality": (np.float64, 0.0),
        "mentee_gap_start": (np.float64, 0.0),
        "mentee_gain": (np.float64, 0.0),
        "mentor_gain": (np.float64, 0.0),
        "rating_business": (np.int8, 0),
        "rating_development": (np.int8, 0),
    }

    def __init__(self) -> None:
        self.size = 0
        self._capacity = 64
        for name, (dtype, fill) in self._COLUMNS.items():
            setattr(self, name, np.full(self._capacity, fill, dtype=dtype))
        self.active = np.empty(0, dtype=np.int64)

    def add(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """Append pairs; returns their ids."""
        n = len(values["mentor"])
        if self.size + n > self._capacity:
            new = max(self.size + n, 2 * self._capacity)
            for name, (dtype, fill) in self._COLUMNS.items():
                grown = np.full(new, fill, dtype=dtype)
                grown[: self.size] = getattr(self, name)[: self.size]
                setattr(self, name, grown)
            self._capacity = new
        ids = np.arange(self.size, self.size + n)
        for name, value in values.items():
            getattr(self, name)[ids] = value
        self.size += n
        self.active = np.concatenate([self.active, ids])
        return ids

    def end(self, ids: np.ndarray, status: int, week: int) -> None:
        """Mark active pairs ``ids`` as ended with ``status`` in ``week``."""
        if len(ids) == 0:
            return
        self.status[ids] = status
        self.ended_week[ids] = week
        self.active = np.setdiff1d(self.active, ids, assume_unique=True)
