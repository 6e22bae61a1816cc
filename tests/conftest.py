"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent

# A valid census: row i (A01 ... A10) is on line i + 1 of the file, the header on line 1.
CENSUS_LINES = (
    "id,age,level,department,tenure,gender,minority,skill_digital,skill_business",
    "A01,24,junior,Sales,1.5,female,yes,0.82,",
    "A02,29,junior,Sales,3,male,no,0.75,0.30",
    "A03,33,professional,IT,6,female,no,,0.45",
    "A04,38,professional,IT,9.5,male,yes,0.6,0.5",
    "A05,45,manager,Sales,15,female,no,0.5,0.6",
    "A06,51,manager,IT,20,male,no,0.4,",
    "A07,56,senior,Sales,25,female,yes,0.35,0.75",
    "A08,60,senior,IT,30,male,no,,0.8",
    "A09,62,executive,Sales,12,other,no,0.3,0.9",
    "A10,27,junior,IT,2,male,no,0.85,0.25",
)


@pytest.fixture
def census_lines() -> list[str]:
    """Lines of a small valid census CSV (a fresh list each time, to edit)."""
    return list(CENSUS_LINES)


@pytest.fixture(scope="session")
def census_example() -> Path:
    """The synthetic example census shipped in data/examples."""
    path = REPOSITORY / "data" / "examples" / "census_example_synthetic.csv"
    assert path.is_file(), "run data/examples/make_census_example.py"
    return path
