"""The workforce: who works in the organisation and where.

Two ideas organise this module.

*Positions* form the organisation chart: each has a level, a department and a
manager position. Positions do not move. *Employees* occupy positions. Their
state lives in NumPy columns indexed by position, so every per-step update is
one array operation over the whole workforce. An exit empties a position, a
hire fills it, a promotion moves an employee's row to a position one level up.

:class:`Organisation` describes the workforce to build (size, level and
generation mix, skill and trait profiles, or an HR census file);
:class:`Workforce` holds the live columns; :class:`EmployeeLedger` keeps one
record per employee ever employed, for the ``employees`` result frame.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import TypeAdapter, ValidationError, field_validator, model_validator

from rmsim._base import ASSUMPTION, Params, param
from rmsim.errors import ConfigError

DOMAINS: tuple[str, ...] = ("digital", "business", "leadership", "inclusion")
"""Skill domains, in column order of every skills array."""

LEVELS: tuple[str, ...] = ("junior", "professional", "manager", "senior", "executive")
"""Hierarchy levels, lowest first; level codes are indices into this tuple."""

GENERATIONS: tuple[tuple[str, int, int], ...] = (
    ("silent", 1928, 1945),
    ("boomer", 1946, 1964),
    ("gen_x", 1965, 1980),
    ("millennial", 1981, 1996),
    ("gen_z", 1997, 2012),
    ("gen_alpha", 2013, 2030),
)
"""Generations by birth year (Pew Research Center boundaries; Gen Alpha open-ended)."""

GENERATION_NAMES: tuple[str, ...] = tuple(g[0] for g in GENERATIONS)
GENDERS: tuple[str, ...] = ("male", "female", "other")

MIN_AGE = 16.0
"""Youngest age accepted in a census or drawn for a hire."""
MAX_AGE = 100.0
"""Oldest age accepted in a census."""
WORKING_AGE = (18.0, 67.0)
"""Ages between which synthetic employees are drawn."""

_GEN_STARTS = np.array([g[1] for g in GENERATIONS], dtype=float)


def generation_of(birth_year: np.ndarray | float) -> np.ndarray:
    """Return generation codes (indices into :data:`GENERATION_NAMES`).

    Parameters
    ----------
    birth_year
        Birth years; fractional years are allowed.

    Returns
    -------
    numpy.ndarray
        ``int8`` codes; years before 1928 map to the first generation and
        years after 2030 to the last.
    """
    # The number of later generations' first years at or before the birth year is the code; as those
    # first years are whole, comparing a fractional year with them is the same as comparing its floor.
    return np.searchsorted(_GEN_STARTS[1:], np.asarray(birth_year, dtype=float), side="right").astype(np.int8)


def _mix_validator(names: tuple[str, ...], what: str):
    def check(value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return value
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"unknown {what} {unknown}; allowed: {list(names)}")
        if any(v < 0 for v in value.values()):
            raise ValueError("shares must be >= 0")
        total = sum(value.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1 (they sum to {total:.6g})")
        return {k: float(value.get(k, 0.0)) for k in names if k in value}

    return check


AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("18-24", 18.0, 25.0),
    ("25-34", 25.0, 35.0),
    ("35-44", 35.0, 45.0),
    ("45-54", 45.0, 55.0),
    ("55-66", 55.0, 67.0),
)


class SkillProfile(Params):
    """How initial skills (0-1 proficiency) depend on age, level and background.

    Each skill's mean is ``at_25 + per_year * (age - 25) + per_level * level``
    (plus group shifts for inclusion awareness); draws add normal noise with
    standard deviation ``sd`` and are clipped to [0, 1].
    """

    digital_at_25: float = param(0.70, description="Mean digital skill at age 25.", source=ASSUMPTION, ge=0, le=1)
    digital_per_year: float = param(
        -0.010,
        description="Change in mean digital skill per year of age (younger employees are more digitally fluent).",
        source="assumption (direction from MgmtMag; RMBusiness; RMExpertise; Juma: younger 'digital natives' teach seniors)",
    )
    business_at_25: float = param(0.30, description="Mean business acumen at age 25.", source=ASSUMPTION, ge=0, le=1)
    business_per_year: float = param(0.008, description="Change in mean business acumen per year of age.", source=ASSUMPTION)
    business_per_level: float = param(0.06, description="Change in mean business acumen per level.", source=ASSUMPTION)
    leadership_at_25: float = param(0.15, description="Mean leadership/strategy skill at age 25.", source=ASSUMPTION, ge=0, le=1)
    leadership_per_year: float = param(0.004, description="Change in mean leadership skill per year of age.", source=ASSUMPTION)
    leadership_per_level: float = param(0.10, description="Change in mean leadership skill per level.", source=ASSUMPTION)
    inclusion_at_25: float = param(0.50, description="Mean inclusion awareness at age 25.", source=ASSUMPTION, ge=0, le=1)
    inclusion_per_year: float = param(
        -0.004, description="Change in mean inclusion awareness per year of age.", source=ASSUMPTION
    )
    inclusion_minority: float = param(
        0.10,
        description="Inclusion-awareness shift for minority employees.",
        source="assumption (Juma: employees of colour mentor on minority issues)",
    )
    inclusion_female: float = param(0.05, description="Inclusion-awareness shift for women.", source=ASSUMPTION)
    sd: float = param(
        0.10, description="Standard deviation of individual skill around its mean.", source=ASSUMPTION, ge=0, le=0.5
    )


class TraitProfile(Params):
    """Stable traits (0-1) drawn from Beta distributions with the given means.

    The concentration ``a + b`` of every Beta distribution is ``concentration``.
    """

    willingness_mean: float = param(
        0.60,
        description="Mean willingness to learn.",
        source="assumption (named a condition of success in RMExpertise)",
        gt=0,
        lt=1,
    )
    openness_mean: float = param(
        0.60,
        description="Mean open-mindedness to learning new skills.",
        source="assumption (named a condition of success in RMExpertise)",
        gt=0,
        lt=1,
    )
    communication_mean: float = param(0.60, description="Mean communication skill as a mentor.", source=ASSUMPTION, gt=0, lt=1)
    concentration: float = param(
        8.0, description="Concentration (a + b) of the trait Beta distributions.", source=ASSUMPTION, gt=0
    )


class StateProfile(Params):
    """Baseline psychological states (0-1), drawn from Beta distributions.

    Each employee's baseline is the level their state returns to without
    programme experiences; the engagement module moves states around it.
    """

    engagement_mean: float = param(
        0.60,
        description="Mean baseline work engagement.",
        source="assumption (Gallup 2024: 23% engaged globally, 33% US/Canada [V]; a 0-1 scale has no direct counterpart)",
        gt=0,
        lt=1,
    )
    felt_value_mean: float = param(
        0.55, description="Mean baseline feeling of being valued.", source="assumption (Newmeasures)", gt=0, lt=1
    )
    inclusion_mean: float = param(0.60, description="Mean baseline sense of inclusion.", source=ASSUMPTION, gt=0, lt=1)
    minority_inclusion_shift: float = param(
        -0.05, description="Shift of the baseline sense of inclusion for minority employees.", source=ASSUMPTION, ge=-0.5, le=0.5
    )
    concentration: float = param(
        10.0, description="Concentration (a + b) of the state Beta distributions.", source=ASSUMPTION, gt=0
    )


_DEFAULT_LEVEL_MIX = {"junior": 0.40, "professional": 0.30, "manager": 0.17, "senior": 0.09, "executive": 0.04}
_DEFAULT_AGE_MIX = {"18-24": 0.10, "25-34": 0.24, "35-44": 0.24, "45-54": 0.22, "55-66": 0.20}
_DEFAULT_FEMALE = {"junior": 0.52, "professional": 0.50, "manager": 0.42, "senior": 0.35, "executive": 0.28}
_DEFAULT_MINORITY = {"junior": 0.35, "professional": 0.32, "manager": 0.25, "senior": 0.20, "executive": 0.15}


CENSUS_REPLACES: tuple[str, ...] = (
    "level_mix",
    "age_mix",
    "generation_mix",
    "seniority_noise_years",
    "tenure_median_25_34",
    "tenure_median_55_64",
)
"""Fields of :class:`Organisation` that only describe a synthetic workforce.

A census gives every employee's level, department, age and tenure, so these
must keep their defaults when ``census`` is set.
"""


class Organisation(Params):
    """The organisation to simulate: its size, structure and people.

    Either describe a synthetic organisation with the mixes below, or load an HR
    census with :meth:`from_census`. A census gives the level, department, age,
    tenure, gender, minority status and any known skills of every employee, so
    ``size`` and ``departments`` come from the file and the fields in
    :data:`CENSUS_REPLACES` must be left at their defaults; the profiles and
    the gender and minority shares still apply to skills missing from the file
    and to hires.

    Examples
    --------
    >>> from rmsim import Organisation
    >>> Organisation(size=500, departments=4).size
    500
    """

    size: int = param(
        1000, description="Number of positions (headcount when all are filled).", source=ASSUMPTION, ge=2, le=10_000_000
    )
    departments: int = param(8, description="Number of departments.", source=ASSUMPTION, ge=1, le=10_000)
    level_mix: dict[str, float] = param(
        _DEFAULT_LEVEL_MIX, description="Share of positions at each level (junior ... executive); sums to 1.", source=ASSUMPTION
    )
    age_mix: dict[str, float] = param(
        _DEFAULT_AGE_MIX,
        description="Share of employees in each age band (ages uniform within a band); used unless generation_mix is given.",
        source="assumption (shaped like the age structure of the US labour force)",
    )
    generation_mix: dict[str, float] | None = param(
        None,
        description="Share of employees in each generation; overrides age_mix. Birth years are uniform within the part of "
        "a generation that is of working age (18-66) in start_year.",
        source=ASSUMPTION,
    )
    seniority_noise_years: float = param(
        6.0,
        description="Noise (years, sd) added to age when ranking employees into levels: 0 makes level a pure function of age.",
        source=ASSUMPTION,
        ge=0,
    )
    female_share: dict[str, float] = param(
        _DEFAULT_FEMALE,
        description="Share of women at each level.",
        source="assumption (RMBusiness: P&G had very few women at senior level)",
    )
    minority_share: dict[str, float] = param(
        _DEFAULT_MINORITY, description="Share of minority employees at each level.", source=ASSUMPTION
    )
    tenure_median_25_34: float = param(
        2.7,
        description="Median years of tenure at ages 25-34 (initial tenure of a synthetic workforce is exponential around "
        "the median).",
        source="BLS Employee Tenure, January 2024 [V]",
        gt=0,
    )
    tenure_median_55_64: float = param(
        9.6,
        description="Median years of tenure at ages 55-64. The median at other ages is linear in age through both "
        "medians (at ages 29.5 and 59.5), extrapolated beyond them and floored at 0.5 years.",
        source="BLS Employee Tenure, January 2024 [V]",
        gt=0,
    )
    other_gender_share: float = param(0.01, description="Share of employees of another gender.", source=ASSUMPTION, ge=0, le=0.2)
    interests: int = param(
        8,
        description="Number of interest tags in a talent profile.",
        source="assumption (The Hartford matched on common interests, RMExpertise)",
        ge=1,
        le=64,
    )
    interest_probability: float = param(
        0.3, description="Probability that an employee holds each interest tag.", source=ASSUMPTION, gt=0, lt=1
    )
    skills: SkillProfile = param(SkillProfile(), description="Initial skill profile.", source=ASSUMPTION)
    traits: TraitProfile = param(TraitProfile(), description="Trait distributions.", source=ASSUMPTION)
    states: StateProfile = param(StateProfile(), description="Baseline state distributions.", source=ASSUMPTION)
    census: str | None = param(
        None,
        description="Path of an HR census CSV; when set, the workforce is built from it (see rmsim.census).",
        source="user data",
    )
    census_sha256: str | None = param(
        None, description="SHA-256 of the census file, filled in when it is loaded (provenance).", source="computed"
    )

    _check_levels = field_validator("level_mix")(_mix_validator(LEVELS, "level"))
    _check_ages = field_validator("age_mix")(_mix_validator(tuple(b[0] for b in AGE_BANDS), "age band"))
    _check_generations = field_validator("generation_mix")(_mix_validator(GENERATION_NAMES, "generation"))

    @field_validator("female_share", "minority_share")
    @classmethod
    def _check_share_by_level(cls, value: dict[str, float]) -> dict[str, float]:
        missing = [lv for lv in LEVELS if lv not in value]
        unknown = sorted(set(value) - set(LEVELS))
        if unknown or missing:
            raise ValueError(f"give a share for every level {list(LEVELS)}")
        if any(not 0 <= v <= 1 for v in value.values()):
            raise ValueError("shares must be between 0 and 1")
        return {lv: float(value[lv]) for lv in LEVELS}

    @model_validator(mode="before")
    @classmethod
    def _load_census(cls, data: Any) -> Any:
        """Read a census: check it against the fields it decides and fill in size, departments and checksum."""
        if not isinstance(data, dict) or not data.get("census"):
            return data
        census = data["census"]
        if isinstance(census, os.PathLike):
            census = os.fspath(census)
        if not isinstance(census, str):
            return data  # the field's own type check reports it
        data = {**data, "census": census}
        for name in CENSUS_REPLACES:
            if name in data and _differs(data[name], cls.model_fields[name].get_default(call_default_factory=True)):
                raise ConfigError(
                    f"organisation.{name}",
                    data[name],
                    "not used with a census, which gives every employee's level, department, age and tenure; "
                    "leave it out when a census is given",
                )
        digest = _census_sha256(census, "give the path of an existing HR census CSV file (see rmsim.census)")
        if data.get("census_sha256"):
            return data  # the scenario checks the file against the recorded checksum
        from rmsim.census import read_census

        table = read_census(census)
        data["census_sha256"] = digest
        found = {"size": (len(table), "rows"), "departments": (int(table["department"].nunique()), "departments")}
        for name, (count, what) in found.items():
            if name not in data:
                data[name] = count
            elif _whole_number(data[name]) not in (None, count):
                raise ConfigError(
                    f"organisation.{name}",
                    data[name],
                    f"the census {census} has {count} {what}; leave {name} out when a census is given",
                )
        return data

    @classmethod
    def from_census(cls, path: str | Path, **fields: Any) -> Organisation:
        """Build an organisation from an HR census CSV.

        Parameters
        ----------
        path
            CSV with one row per employee; see :mod:`rmsim.census` for the
            columns. No names are needed or read.
        **fields
            Other :class:`Organisation` fields (profiles for skills not in the
            file, for instance).

        Returns
        -------
        Organisation
            With ``size`` equal to the number of rows.

        Raises
        ------
        rmsim.errors.DataError
            If a column is missing or a value is impossible.
        rmsim.errors.ConfigError
            If the file does not exist, or a field is invalid or contradicts
            the census (``size``, ``departments``, :data:`CENSUS_REPLACES`).
        """
        return cls.model_validate({**fields, "census": os.fspath(path)})


_WHOLE_NUMBER = TypeAdapter(int)


def _whole_number(value: Any) -> int | None:
    """``value`` as an integer field would read it, or None when the field will reject it."""
    if isinstance(value, (bool, np.bool_)):
        return None
    try:
        return _WHOLE_NUMBER.validate_python(value)
    except ValidationError:
        return None


def _differs(value: Any, default: Any) -> bool:
    """True unless ``value`` equals ``default`` (values that cannot be compared differ)."""
    try:
        return bool(value != default)
    except (TypeError, ValueError):
        return True


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _census_sha256(census: str, missing: str) -> str:
    """Checksum of the census file, or a :class:`ConfigError` naming ``organisation.census`` if it cannot be read.

    ``missing`` says what to do when the file does not exist.
    """
    try:
        return _sha256(Path(census))
    except FileNotFoundError:
        raise ConfigError("organisation.census", census, f"no such file; {missing}") from None
    except IsADirectoryError:
        raise ConfigError("organisation.census", census, "is a folder; give the path of an HR census CSV file") from None
    except OSError as error:
        raise ConfigError("organisation.census", census, f"cannot read the file ({error.strerror or error})") from None


# --------------------------------------------------------------------------- state


class Workforce:
    """Per-position state of the organisation in NumPy columns.

    Static columns describe positions (``level``, ``department``,
    ``manager``). Occupant columns describe the employee in each position;
    ``employee`` is ``-1`` where a position is vacant. The position is always
    the *last* axis: ``skills`` and ``floor`` are ``(len(DOMAINS), n)`` and
    ``interests`` is ``(n_interests, n)``, so each domain is one contiguous
    row and whole-workforce updates stream through memory.

    Parameters
    ----------
    level, department, manager
        Static description of the positions.
    n_interests
        Number of interest tags per employee.
    """

    OCCUPANT_COLUMNS: tuple[str, ...] = (
        "employee",
        "birth_year",
        "hired_week",
        "level_since",
        "generation",
        "initial",
        "gender",
        "minority",
        "skills",
        "floor",
        "willingness",
        "openness",
        "communication",
        "interests",
        "talent",
        "learner",
        "engagement",
        "felt_value",
        "inclusion",
        "engagement_base",
        "felt_value_base",
        "inclusion_base",
        "baseline_risk",
        "visibility",
        "sponsorship",
        "role",
    )

    def __init__(self, level: np.ndarray, department: np.ndarray, manager: np.ndarray, n_interests: int) -> None:
        n = len(level)
        self.level = np.asarray(level, dtype=np.int8)
        self.department = np.asarray(department, dtype=np.int32)
        self.manager = np.asarray(manager, dtype=np.int64)
        self.employee = np.full(n, -1, dtype=np.int64)
        self.birth_year = np.zeros(n)
        self.hired_week = np.zeros(n, dtype=np.int64)
        self.level_since = np.zeros(n, dtype=np.int64)
        self.generation = np.zeros(n, dtype=np.int8)
        self.initial = np.zeros(n, dtype=bool)
        self.gender = np.zeros(n, dtype=np.int8)
        self.minority = np.zeros(n, dtype=bool)
        self.skills = np.zeros((len(DOMAINS), n))
        self.floor = np.zeros((len(DOMAINS), n))
        self.willingness = np.zeros(n)
        self.openness = np.zeros(n)
        self.communication = np.zeros(n)
        self.interests = np.zeros((n_interests, n), dtype=bool)
        self.talent = np.zeros(n)
        self.learner = np.zeros(n, dtype=bool)
        self.engagement = np.zeros(n)
        self.felt_value = np.zeros(n)
        self.inclusion = np.zeros(n)
        self.engagement_base = np.zeros(n)
        self.felt_value_base = np.zeros(n)
        self.inclusion_base = np.zeros(n)
        self.baseline_risk = np.zeros(n)
        self.visibility = np.zeros(n)
        self.sponsorship = np.zeros(n)
        self.role = np.zeros(n, dtype=np.int8)

    def __len__(self) -> int:
        return len(self.level)

    @property
    def occupied(self) -> np.ndarray:
        """Boolean mask of filled positions."""
        return self.employee >= 0

    @property
    def headcount(self) -> int:
        """Number of filled positions."""
        return int(np.count_nonzero(self.employee >= 0))

    def age(self, year: float) -> np.ndarray:
        """Ages of occupants in calendar ``year`` (meaningless at vacant positions)."""
        return year - self.birth_year

    def fill(self, positions: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        """Place new employees in vacant ``positions``.

        Parameters
        ----------
        positions
            Vacant position indices.
        columns
            Values for every occupant column, each with ``len(positions)`` rows.
        """
        missing = set(self.OCCUPANT_COLUMNS) - set(columns)
        if missing:
            raise KeyError(f"missing occupant columns {sorted(missing)}")
        for name in self.OCCUPANT_COLUMNS:
            column = getattr(self, name)
            if column.ndim == 1:  # indexing a vector directly is several times faster than column[..., positions]
                column[positions] = columns[name]
            else:
                column[:, positions] = columns[name]

    def vacate(self, positions: np.ndarray) -> None:
        """Empty ``positions``; the occupant's other columns are left stale."""
        self.employee[positions] = -1
        self.role[positions] = 0
        self.learner[positions] = False

    def move(self, source: np.ndarray, target: np.ndarray) -> None:
        """Move occupants from ``source`` to vacant ``target`` positions.

        ``source`` and ``target`` must be disjoint; the sources are vacated.
        """
        for name in self.OCCUPANT_COLUMNS:
            column = getattr(self, name)
            if column.ndim == 1:
                column[target] = column[source]
            else:
                column[:, target] = column[:, source]
        self.vacate(source)


class EmployeeLedger:
    """One record per employee ever employed, indexed by ``employee id - 1``.

    Written when an employee is hired, promoted, joins a programme and leaves;
    turned into the ``employees`` result frame at the end of a run.
    """

    _SCALARS: ClassVar[dict[str, tuple[Any, Any]]] = {
        "position": (np.int64, -1),
        "hired_week": (np.int64, 0),
        "left_week": (np.int64, -1),
        "exit_reason": (np.int8, 0),
        "birth_year": (np.float64, 0.0),
        "age_start": (np.float64, 0.0),
        "gender": (np.int8, 0),
        "minority": (bool, False),
        "department_start": (np.int32, 0),
        "level_start": (np.int8, 0),
        "level": (np.int8, 0),
        "promotions": (np.int32, 0),
        "role": (np.int8, 0),
        "cohort": (np.int32, -1),
        "initial": (bool, False),
        "engagement_end": (np.float64, np.nan),
    }
    _MATRICES = ("skills_start", "skills_end")

    def __init__(self, capacity: int) -> None:
        self.size = 0
        self._capacity = max(16, capacity)
        for name, (dtype, fill) in self._SCALARS.items():
            setattr(self, name, np.full(self._capacity, fill, dtype=dtype))
        for name in self._MATRICES:
            setattr(self, name, np.full((self._capacity, len(DOMAINS)), np.nan))
        self.external_id: list[Any] = []

    def _grow(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        new = max(needed, 2 * self._capacity)
        for name, (dtype, fill) in self._SCALARS.items():
            old = getattr(self, name)
            grown = np.full(new, fill, dtype=dtype)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)
        for name in self._MATRICES:
            old = getattr(self, name)
            grown = np.full((new, len(DOMAINS)), np.nan)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)
        self._capacity = new

    def add(self, ids: np.ndarray, values: dict[str, np.ndarray], external_ids: list[Any] | None = None) -> None:
        """Register new employees whose ids continue the sequence."""
        n = len(ids)
        if n == 0:
            return
        expected = np.arange(self.size + 1, self.size + n + 1)
        if not np.array_equal(ids, expected):
            raise RuntimeError("employee ids must be consecutive from 1 (is another agent type registered?)")
        self._grow(self.size + n)
        rows = slice(self.size, self.size + n)
        for name, value in values.items():
            getattr(self, name)[rows] = value
        self.external_id.extend(external_ids if external_ids is not None else [None] * n)
        self.size += n

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Ledger row indices of employee ``ids``."""
        return np.asarray(ids, dtype=np.int64) - 1


def largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``shares``."""
    shares = np.asarray(shares, dtype=float)
    raw = shares / shares.sum() * total
    counts = np.floor(raw).astype(np.int64)
    short = total - counts.sum()
    if short > 0:
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def org_chart(level: np.ndarray, department: np.ndarray) -> np.ndarray:
    """Give every position a manager one level up, in its department if possible.

    Reports in a department are spread round-robin over that department's
    managers at the nearest higher level that has any; when a department has
    none, over all positions at that level. Top positions have manager ``-1``.

    Returns
    -------
    numpy.ndarray
        Manager position index per position.
    """
    manager = np.full(len(level), -1, dtype=np.int64)
    top = int(level.max()) if len(level) else 0
    for lv in range(top):
        reports = np.flatnonzero(level == lv)
        above = next((np.flatnonzero(level == up) for up in range(lv + 1, top + 1) if np.any(level == up)), None)
        if above is None or len(reports) == 0:
            continue
        for dept in np.unique(department[reports]):
            mine = reports[department[reports] == dept]
            bosses = above[department[above] == dept]
            if len(bosses) == 0:
                bosses = above
            manager[mine] = bosses[np.arange(len(mine)) % len(bosses)]
    return manager


# --------------------------------------------------------------------------- sampling


class PeopleSampler:
    """Draws new employees from an organisation's profiles; see :func:`draw_people`.

    Everything that depends only on the profiles (shares by level, skill
    coefficients, the parameters of the five Beta distributions whose mean
    does not depend on the person) is worked out once here, so that hiring,
    which draws a few people every week, pays for the draws rather than for
    re-reading the profiles. The draws are the same as drawing from the
    profiles directly, value for value.

    Parameters
    ----------
    org
        The organisation whose profiles to draw from.
    """

    def __init__(self, org: Organisation) -> None:
        self.org = org
        other = org.other_gender_share
        female_share = np.array([org.female_share[lv] for lv in LEVELS])
        self._other_below = other
        self._female_below = other + (1 - other) * female_share  # u below this (and not other): female
        self._minority_share = np.array([org.minority_share[lv] for lv in LEVELS])
        self._skill_coefficients = _skill_coefficients(org.skills)
        t, st = org.traits, org.states
        # Beta(kappa * m, kappa * (1 - m)) for willingness, openness, communication, engagement and felt value,
        # whose means m are the same for everyone; the sixth, inclusion, has a mean that depends on minority status.
        means = np.clip(
            np.array([t.willingness_mean, t.openness_mean, t.communication_mean, st.engagement_mean, st.felt_value_mean]),
            0.01,
            0.99,
        )
        kappa = np.array([t.concentration] * 3 + [st.concentration] * 2)
        self._beta_a = (means * kappa)[:, None]
        self._beta_b = ((1.0 - means) * kappa)[:, None]
        self._inclusion_kappa = st.concentration

    def skill_means(self, age: np.ndarray, level: np.ndarray, female: np.ndarray, minority: np.ndarray) -> np.ndarray:
        """``(len(DOMAINS), n)`` mean initial skills, clipped to [0, 1] (see :func:`skill_means`)."""
        return _domain_skill_means(self.org.skills, self._skill_coefficients, age, level, female, minority)

    def draw(
        self,
        rng: np.random.Generator,
        age: np.ndarray,
        level: np.ndarray,
        year: float,
        known: dict[str, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        """Draw new employees; the arguments and result are those of :func:`draw_people` (without ``org``)."""
        org = self.org
        known = known or {}
        n = len(age)
        age = np.asarray(age, dtype=float)
        level = np.asarray(level, dtype=np.int64)
        u_gender = rng.random(n)
        u_minority = rng.random(n)
        gender = np.where(u_gender < self._other_below, 2, u_gender < self._female_below[level]).astype(np.int8)
        minority = u_minority < self._minority_share[level]
        if "gender" in known:
            gender = np.asarray(known["gender"], dtype=np.int8)
        if "minority" in known:
            minority = np.asarray(known["minority"], dtype=bool)
        noise = rng.standard_normal((n, len(DOMAINS)))
        skills = self.skill_means(age, level, gender == 1, minority)
        skills += org.skills.sd * noise.T
        skills.clip(0.0, 1.0, out=skills)  # the method: np.clip calls it, after more Python
        if "skills" in known:
            given = np.asarray(known["skills"], dtype=float).T
            skills = np.ascontiguousarray(np.where(np.isnan(given), skills, given))
        interests = rng.random((n, org.interests)) < org.interest_probability
        talent = rng.standard_normal(n)
        # traits and states in one Beta draw (one call instead of six: hiring draws a few people every week)
        inclusion_mean = (org.states.inclusion_mean + org.states.minority_inclusion_shift * minority).clip(0.01, 0.99)
        a = np.empty((6, n))
        b = np.empty((6, n))
        a[:5] = self._beta_a
        b[:5] = self._beta_b
        a[5] = inclusion_mean * self._inclusion_kappa
        b[5] = (1.0 - inclusion_mean) * self._inclusion_kappa
        willingness, openness, communication, engagement, felt_value, inclusion = rng.beta(a, b)
        birth_year = year - age
        return {
            "birth_year": birth_year,
            "generation": generation_of(birth_year),
            "gender": gender,
            "minority": minority,
            "skills": skills,
            "floor": skills.copy(),
            "willingness": willingness,
            "openness": openness,
            "communication": communication,
            "interests": np.ascontiguousarray(interests.T),
            "talent": talent,
            "learner": np.zeros(n, dtype=bool),
            "engagement": engagement,
            "felt_value": felt_value,
            "inclusion": inclusion,
            "engagement_base": engagement.copy(),
            "felt_value_base": felt_value.copy(),
            "inclusion_base": inclusion.copy(),
            "visibility": np.zeros(n),
            "sponsorship": np.zeros(n),
            "role": np.zeros(n, dtype=np.int8),
        }


def _skill_coefficients(profile: SkillProfile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns of the skill-mean formula: value at 25 and change per year for each domain, and change per level
    for business and leadership (the domains that have one)."""
    at_25 = np.array([[profile.digital_at_25], [profile.business_at_25], [profile.leadership_at_25], [profile.inclusion_at_25]])
    per_year = np.array(
        [[profile.digital_per_year], [profile.business_per_year], [profile.leadership_per_year], [profile.inclusion_per_year]]
    )
    per_level = np.array([[profile.business_per_level], [profile.leadership_per_level]])
    return at_25, per_year, per_level


def _domain_skill_means(
    profile: SkillProfile,
    coefficients: tuple[np.ndarray, np.ndarray, np.ndarray],
    age: np.ndarray,
    level: np.ndarray,
    female: np.ndarray,
    minority: np.ndarray,
) -> np.ndarray:
    """:func:`skill_means` with the domain as the first axis, from :func:`_skill_coefficients`."""
    at_25, per_year, per_level = coefficients
    means = at_25 + per_year * (np.asarray(age, dtype=float) - 25.0)
    means[1:3] += per_level * np.asarray(level, dtype=float)
    means[3] += profile.inclusion_minority * minority
    means[3] += profile.inclusion_female * female
    return means.clip(0.0, 1.0, out=means)


def skill_means(
    profile: SkillProfile, age: np.ndarray, level: np.ndarray, female: np.ndarray, minority: np.ndarray
) -> np.ndarray:
    """Mean initial skill per employee and domain under ``profile``, clipped to [0, 1].

    Returns
    -------
    numpy.ndarray
        ``(n, len(DOMAINS))``: ``at_25 + per_year * (age - 25)``, plus ``per_level * level`` for business
        and leadership and the minority and female shifts for inclusion awareness.
    """
    return _domain_skill_means(profile, _skill_coefficients(profile), age, level, female, minority).T


def draw_people(
    rng: np.random.Generator,
    org: Organisation,
    age: np.ndarray,
    level: np.ndarray,
    year: float,
    known: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Draw everything about new employees that is not given.

    Parameters
    ----------
    rng
        Generator of the calling mechanism (initial workforce or hiring).
    org
        Profiles to draw from.
    age, level
        Age (years) and level code of each new employee.
    year
        Calendar year now (fractional), to turn ages into birth years.
    known
        Columns already known (from a census): ``gender``, ``minority``, and
        ``skills`` (``(n, len(DOMAINS))``) with NaN where a skill is unknown.

    Returns
    -------
    dict
        Occupant columns (see :attr:`Workforce.OCCUPANT_COLUMNS`) except
        ``employee``, ``hired_week``, ``level_since`` and ``initial``, with the
        employee as the last axis. Draws happen in a fixed order and number
        for a given ``n``, so two runs with the same seed draw the same people.

    See Also
    --------
    PeopleSampler : the same draws, with the profiles read once (the model hires with one).
    """
    return PeopleSampler(org).draw(rng, age, level, year, known)


def median_tenure(org: Organisation, age: np.ndarray) -> np.ndarray:
    """Median tenure (years) by age.

    Linear in age through the two BLS medians, placed at the middle of their
    age groups (29.5 for 25-34 and 59.5 for 55-64); outside that range the line
    is extrapolated (the medians BLS gives for other age groups are not used),
    and every median is floored at 0.5 years.
    """
    slope = (org.tenure_median_55_64 - org.tenure_median_25_34) / 30.0
    return np.maximum(0.5, org.tenure_median_25_34 + slope * (np.asarray(age, dtype=float) - 29.5))


def working_birth_years(start_year: int, generation: str) -> tuple[float, float]:
    """Birth-year interval of a generation's working-age (18-66) members in ``start_year``."""
    first, last = next((g[1], g[2]) for g in GENERATIONS if g[0] == generation)
    low = max(float(first), start_year - WORKING_AGE[1])
    high = min(float(last + 1), start_year - WORKING_AGE[0])
    return low, high


class InitialWorkforce:
    """Everything needed to seat the first employees.

    Attributes
    ----------
    level, department, age, tenure, level_tenure : numpy.ndarray
        One entry per position (and its first occupant).
    people : dict
        Columns from :func:`draw_people`.
    department_names : list of str
    external_ids : list or None
        Census ids, when built from a census.
    """

    def __init__(self, org: Organisation, start_year: int, rng: np.random.Generator) -> None:
        if org.census:
            self._from_census(org, start_year, rng)
        else:
            self._synthetic(org, start_year, rng)

    def _synthetic(self, org: Organisation, start_year: int, rng: np.random.Generator) -> None:
        n = org.size
        if org.generation_mix:
            names = list(org.generation_mix)
            picks = rng.choice(len(names), size=n, p=np.array([org.generation_mix[g] for g in names]))
            bounds = np.array([working_birth_years(start_year, g) for g in names])
            low, high = bounds[picks, 0], bounds[picks, 1]
            age = start_year - (low + rng.random(n) * (high - low))
        else:
            bands = np.array([(b[1], b[2]) for b in AGE_BANDS])
            shares = np.array([org.age_mix.get(b[0], 0.0) for b in AGE_BANDS])
            picks = rng.choice(len(bands), size=n, p=shares / shares.sum())
            age = bands[picks, 0] + rng.random(n) * (bands[picks, 1] - bands[picks, 0])
        counts = largest_remainder(np.array([org.level_mix.get(lv, 0.0) for lv in LEVELS]), n)
        seniority = age + org.seniority_noise_years * rng.standard_normal(n)
        order = np.argsort(seniority, kind="stable")
        self.level = np.repeat(np.arange(len(LEVELS)), counts).astype(np.int8)
        self.age = age[order]
        self.department = np.empty(n, dtype=np.int32)
        for lv in range(len(LEVELS)):
            at = np.flatnonzero(self.level == lv)
            self.department[at] = rng.permutation(np.arange(len(at)) % org.departments)
        self.department_names = [f"D{d + 1}" for d in range(org.departments)]
        self.external_ids = None
        self.tenure = self._draw_tenure(org, rng)
        self.level_tenure = self.tenure * rng.random(n)
        self.people = draw_people(rng, org, self.age, self.level, float(start_year))

    def _draw_tenure(self, org: Organisation, rng: np.random.Generator) -> np.ndarray:
        mean = median_tenure(org, self.age) / np.log(2.0)
        return np.minimum(rng.exponential(mean), np.maximum(self.age - WORKING_AGE[0], 0.0))

    def _from_census(self, org: Organisation, start_year: int, rng: np.random.Generator) -> None:
        from rmsim.census import read_census

        census = str(org.census)
        moved = "it was moved or deleted after the scenario was validated; put it back or load the scenario again"
        if _census_sha256(census, moved) != org.census_sha256:
            raise ConfigError("organisation.census", census, "the file changed after the scenario was validated; load it again")
        table = read_census(census, start_year=start_year)
        n = len(table)
        self.level = table["level"].to_numpy(dtype=np.int8)
        self.age = table["age"].to_numpy(dtype=float)
        labels = table["department"].astype(str)
        self.department_names = sorted(labels.unique())
        self.department = labels.map({d: i for i, d in enumerate(self.department_names)}).to_numpy(dtype=np.int32)
        self.external_ids = table["id"].tolist()
        self.tenure = table["tenure"].to_numpy(dtype=float)  # a required column without empty cells
        self.level_tenure = self.tenure * rng.random(n)
        skills = np.column_stack(
            [table[f"skill_{d}"].to_numpy(dtype=float) if f"skill_{d}" in table else np.full(n, np.nan) for d in DOMAINS]
        )
        known = {
            "gender": table["gender"].map({g: i for i, g in enumerate(GENDERS)}).to_numpy(dtype=np.int8),
            "minority": table["minority"].to_numpy(dtype=bool),
            "skills": skills,
        }
        self.people = draw_people(rng, org, self.age, self.level, float(start_year), known=known)


def hiring_profile(level: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of age at each level, for drawing hires.

    The model computes them once, from the initial workforce: every hire of
    the run is drawn relative to the mean age at their level in the *initial*
    workforce (see :func:`rmsim.retention.hire_ages`), whatever the ages of
    the current employees. Levels with fewer than two employees borrow the
    mean and sd of the whole workforce.
    """
    means = np.full(len(LEVELS), float(np.mean(age)))
    sds = np.full(len(LEVELS), float(np.std(age)) or 5.0)
    for lv in range(len(LEVELS)):
        at = age[level == lv]
        if len(at) >= 2:
            means[lv] = at.mean()
            sds[lv] = max(at.std(), 1.0)
    return means, sds
