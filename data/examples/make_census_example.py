"""Write ``census_example_synthetic.csv``: a SYNTHETIC HR census for trying rmsim.

Every row is invented by a seeded random number generator; no real person or
organisation is described. Run from anywhere::

    python data/examples/make_census_example.py

The output is the same on every run (fixed seed), so the committed CSV can be
regenerated and compared. See ``README.md`` in this folder for the data card.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20260101
ROWS = 300
REFERENCE_YEAR = 2026
"""Year in which the ages are of working age (rmsim's default ``start_year``)."""

OUTPUT = Path(__file__).with_name("census_example_synthetic.csv")

LEVELS = ("junior", "professional", "manager", "senior", "executive")
LEVEL_SHARES = (0.40, 0.30, 0.17, 0.09, 0.04)
AGE_RANGE = {  # youngest and oldest age drawn at each level
    "junior": (19, 40),
    "professional": (24, 58),
    "manager": (29, 63),
    "senior": (36, 65),
    "executive": (42, 65),
}
FEMALE_SHARE = {"junior": 0.52, "professional": 0.50, "manager": 0.42, "senior": 0.35, "executive": 0.28}
MINORITY_SHARE = {"junior": 0.35, "professional": 0.32, "manager": 0.25, "senior": 0.20, "executive": 0.15}
DEPARTMENTS = ("Finance", "IT", "Marketing", "Operations", "People", "Sales")
MISSING_SKILL_SHARE = 0.15
"""Share of skill cells left empty (rmsim then draws the skill from its profile)."""


def make_census(rng: np.random.Generator, rows: int = ROWS) -> pd.DataFrame:
    """Draw a synthetic census with the columns rmsim's census loader reads."""
    counts = np.round(np.array(LEVEL_SHARES) * rows).astype(int)
    counts[0] += rows - counts.sum()
    level = np.repeat(np.array(LEVELS), counts)
    low = np.array([AGE_RANGE[lv][0] for lv in level])
    high = np.array([AGE_RANGE[lv][1] for lv in level])
    age = rng.integers(low, high + 1)
    birth_year = REFERENCE_YEAR - age
    median_tenure = np.clip(2.7 + (9.6 - 2.7) * (age - 29.5) / 30.0, 0.5, None)
    tenure = np.minimum(rng.exponential(median_tenure / np.log(2.0)), age - 18.0)
    female = rng.random(rows) < np.array([FEMALE_SHARE[lv] for lv in level])
    other = rng.random(rows) < 0.01
    gender = np.where(other, "other", np.where(female, "female", "male"))
    minority = rng.random(rows) < np.array([MINORITY_SHARE[lv] for lv in level])
    level_code = np.array([LEVELS.index(lv) for lv in level])
    digital = np.clip(0.70 - 0.010 * (age - 25) + 0.10 * rng.standard_normal(rows), 0, 1)
    business = np.clip(0.30 + 0.008 * (age - 25) + 0.06 * level_code + 0.10 * rng.standard_normal(rows), 0, 1)
    table = pd.DataFrame(
        {
            "id": [f"E{i:04d}" for i in range(1, rows + 1)],
            "birth_year": birth_year,
            "level": level,
            "department": rng.choice(DEPARTMENTS, size=rows),
            "tenure": np.round(tenure, 1),
            "gender": gender,
            "minority": np.where(minority, "yes", "no"),
            "skill_digital": np.round(digital, 3),
            "skill_business": np.round(business, 3),
        }
    )
    for column in ("skill_digital", "skill_business"):
        table[column] = table[column].astype(object)
        table.loc[rng.random(rows) < MISSING_SKILL_SHARE, column] = ""
    return table.iloc[rng.permutation(rows)].reset_index(drop=True)


def main() -> None:
    """Write the example census next to this script."""
    make_census(np.random.default_rng(SEED)).to_csv(OUTPUT, index=False)
    print(f"wrote {OUTPUT.name}")


if __name__ == "__main__":
    main()
