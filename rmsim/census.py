"""HR census files: one row per employee, no names needed.

Columns (a header row is required; other columns are ignored):

==================  =========================================================
``id``              Employee identifier, unique (any text or number).
``age``             Age in years (16-100); or ``birth_year`` instead.
``birth_year``      Year of birth; the age is taken in the scenario's start year.
``level``           ``junior``, ``professional``, ``manager``, ``senior``,
                    ``executive`` (any case) or 0-4.
``department``      Department label (any text).
``tenure``          Years with the organisation (>= 0, not longer than the
                    working life since age 14).
``gender``          ``female``/``f``/``woman``, ``male``/``m``/``man``, or
                    ``other``/``x``/``non-binary``/``diverse``.
``minority``        ``1``/``0``, ``true``/``false``, ``yes``/``no``, ``y``/``n``.
``skill_digital``,  Optional skills in [0, 1]; an empty cell or missing column
``skill_business``, means the skill is drawn from the organisation's profile.
``skill_leadership``,
``skill_inclusion``
==================  =========================================================
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rmsim._files import csv_records
from rmsim.errors import DataError
from rmsim.workforce import DOMAINS, LEVELS, MAX_AGE, MIN_AGE

REQUIRED = ("id", "level", "department", "tenure", "gender", "minority")
SKILL_COLUMNS = tuple(f"skill_{d}" for d in DOMAINS)

_GENDER = {
    "female": "female", "f": "female", "woman": "female", "w": "female",
    "male": "male", "m": "male", "man": "male",
    "other": "other", "x": "other", "non-binary": "other", "nonbinary": "other", "diverse": "other", "d": "other",
}  # fmt: skip
_BOOL = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "y": True, "n": False}
_LEVEL = {name: i for i, name in enumerate(LEVELS)} | {str(i): i for i in range(len(LEVELS))}


def read_census(path: str | Path, start_year: int | None = None) -> pd.DataFrame:
    """Read and validate an HR census CSV.

    Parameters
    ----------
    path
        The CSV file.
    start_year
        Calendar year of week 0, to turn ``birth_year`` into ages. Without it,
        birth years are only checked to be plausible (1900-2100), tenure is not
        checked against age, and ages are taken in 2026.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, age, level (0-4), department, tenure, gender
        (male/female/other), minority (bool)`` and any ``skill_*`` columns.

    Raises
    ------
    rmsim.errors.DataError
        Naming the column, the rows and the allowed values.
    """
    path = Path(path)
    source = str(path)
    raw, header_line = _read_table(path, source)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if "age" not in raw.columns and "birth_year" not in raw.columns:
        missing.insert(1, "age or birth_year")
    if missing:
        raise DataError(
            source,
            missing[0],
            f"required column missing from the header (columns needed: {', '.join(REQUIRED)}, and age or birth_year)",
            [header_line],
        )
    unknown_skills = sorted(c for c in raw.columns if c.startswith("skill_") and c not in SKILL_COLUMNS)
    if unknown_skills:
        raise DataError(
            source, unknown_skills[0], f"unknown skill column; skill columns are {', '.join(SKILL_COLUMNS)}", [header_line]
        )
    table = pd.DataFrame({"id": raw["id"]})
    _check(source, "id", raw["id"] == "", "empty id")
    _check(source, "id", raw["id"].duplicated(keep=False), "duplicate ids", values=raw["id"])

    if "age" in raw.columns:
        age = _numbers(source, raw, "age")
        _check(source, "age", (age < MIN_AGE) | (age > MAX_AGE), f"impossible age; allowed {MIN_AGE:g}-{MAX_AGE:g}", values=age)
    else:
        birth_year = _numbers(source, raw, "birth_year")
        if start_year is None:
            _check(
                source,
                "birth_year",
                (birth_year < 1900) | (birth_year > 2100),
                "impossible birth year; allowed 1900-2100",
                values=birth_year,
            )
            age = 2026 - birth_year + 0.5
        else:
            age = start_year - birth_year + 0.5
            _check(
                source,
                "birth_year",
                (age < MIN_AGE) | (age > MAX_AGE),
                f"impossible birth year for start year {start_year}; ages must be {MIN_AGE:g}-{MAX_AGE:g}",
                values=birth_year,
            )
    table["age"] = age

    level = raw["level"].str.lower().map(_LEVEL)
    _check(
        source, "level", level.isna(), f"unknown level; allowed {', '.join(LEVELS)} or 0-{len(LEVELS) - 1}", values=raw["level"]
    )
    table["level"] = level.astype(np.int8)

    _check(source, "department", raw["department"] == "", "empty department")
    table["department"] = raw["department"]

    tenure = _numbers(source, raw, "tenure")
    _check(source, "tenure", tenure < 0, "negative tenure; allowed >= 0", values=tenure)
    if "age" in raw.columns or start_year is not None:  # with birth years alone the age is not known yet
        _check(source, "tenure", tenure > age - 14, "tenure longer than the working life since age 14", values=tenure)
    table["tenure"] = tenure

    gender = raw["gender"].str.lower().map(_GENDER)
    _check(
        source,
        "gender",
        gender.isna(),
        "unknown gender; allowed female/f/woman, male/m/man, other/x/non-binary/diverse",
        values=raw["gender"],
    )
    table["gender"] = gender

    minority = raw["minority"].str.lower().map(_BOOL)
    _check(
        source, "minority", minority.isna(), "not a yes/no value; allowed 1/0, true/false, yes/no, y/n", values=raw["minority"]
    )
    table["minority"] = minority.astype(bool)

    for column in SKILL_COLUMNS:
        if column in raw.columns:
            skill = _numbers(source, raw, column, allow_empty=True)
            _check(source, column, (skill < 0) | (skill > 1), "skill outside [0, 1]", values=skill)
            table[column] = skill
    return table.reset_index(drop=True)


def _read_table(path: Path, source: str) -> tuple[pd.DataFrame, int]:
    """Read the CSV as stripped text cells indexed by their line number in the file (the header is line 1).

    Returns the table and the line number of the header (the first line that is not blank).

    The ``csv`` module is used rather than ``pandas.read_csv`` so that line numbers stay right when the
    file has blank lines or quoted cells spanning lines, and so that a row with too many cells is an
    error instead of silently turning the first column into an index.
    """
    if not path.is_file():
        raise DataError(source, None, "no such file; organisation.census must name an existing CSV file")
    rows, lines = csv_records(path, source, strip=True)
    if not rows:
        raise DataError(source, None, "the file is empty; it needs a header row and one row per employee")
    header = [name.lower() for name in rows[0]]
    if len(rows) == 1:
        raise DataError(source, None, "the file has a header but no data rows", [lines[0]])
    named = [name for name in header if name]
    duplicated = sorted({name for name in named if named.count(name) > 1})
    if duplicated:
        raise DataError(source, duplicated[0], "the column appears more than once in the header", [lines[0]])
    width = len(header)
    too_long = [line for line, row in zip(lines[1:], rows[1:], strict=True) if len(row) > width and any(row[width:])]
    if too_long:
        raise DataError(source, None, f"more cells than the {width} columns of the header", too_long)
    cells = [(row + [""] * width)[:width] for row in rows[1:]]
    table = pd.DataFrame(cells, columns=header, index=lines[1:], dtype=object)
    return table.loc[:, [name != "" for name in header]].astype(str), lines[0]


def _numbers(source: str, raw: pd.DataFrame, column: str, allow_empty: bool = False) -> pd.Series:
    text = raw[column]
    number = pd.to_numeric(text, errors="coerce")
    bad = number.isna() & ~((text == "") & allow_empty)
    _check(source, column, bad, "not a number" if not allow_empty else "not a number (leave empty if unknown)", values=text)
    return number.astype(float)


def _check(source: str, column: str, bad: pd.Series, problem: str, values: pd.Series | None = None) -> None:
    if not bad.any():
        return
    rows = [int(line) for line in bad.index[bad.to_numpy()]]  # the index holds line numbers; the header is line 1
    if values is not None:
        shown = ", ".join(repr(v) if isinstance(v, str) else f"{v:g}" for v in values[bad].head(3))
        problem = f"{problem} (got {shown})"
    raise DataError(source, column, problem, rows)
