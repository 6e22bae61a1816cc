"""Write ``survey_example_synthetic.csv``: a SYNTHETIC two-wave employee survey for trying rmsim.

Every row is invented by a seeded random number generator; no real person or organisation is
described, and the rmsim simulation is *not* used: the data come from the simple generative model
below, so that rmsim's survey tools can be tried on data they did not produce. Run from anywhere::

    python data/examples/make_survey_example.py

The output is the same on every run (fixed seed). See ``README.md`` in this folder for the data card.

Generative model (all effect sizes are assumptions chosen within the published ranges):

1. *Workforce.* 600 employees at wave 0 (week 0) with level, age, generation, gender, minority
   status and department drawn like the synthetic census example.
2. *Latent attitudes at wave 0,* standard normal: engagement *E*; sense of inclusion
   ``I = 0.4 E + 0.9 e - 0.3 [minority]``; turnover intention ``T = -0.55 E - 0.25 I + 0.75 e``;
   digital confidence ``D = -0.6 age_z + 0.8 e`` (falls with age).
3. *Programme.* After wave 0, 40 juniors or professionals under 40 become mentors and 40 seniors or
   executives mentees, drawn at random among volunteers; the probability of volunteering rises with
   engagement (self-selection: participants start more engaged than their colleagues).
4. *Attrition and hiring.* Between the waves each employee leaves with probability
   ``expit(logit(0.15) + 0.6 T)``; as many new employees are hired, who answer wave 1 only.
5. *Latent attitudes at wave 1:* ``X1 = 0.7 X0 + 0.71 e + effect`` for each attitude, with programme
   effects in standard-deviation units (Cohen's d) for participants: engagement +0.20 (mentors) and
   +0.10 (mentees); inclusion +0.25 / +0.10; turnover intention -0.10 / -0.05; digital confidence
   +0.05 / +0.30. Eby, Allen, Evans, Ng & DuBois (2008) found mentoring associated with attitudinal,
   withdrawal and career outcomes with generally small effect sizes; Allen, Eby, Poteet, Lentz & Lima
   (2004) found career benefits for proteges, small for objective outcomes. Mentors gain more
   engagement and inclusion than mentees (Ghosh & Reio 2013: mentors report more satisfaction and
   commitment), mentees more digital confidence (what reverse mentoring teaches).
6. *Mentoring functions* (participants, wave 1 only): a relationship-quality factor *Q*; career
   support ``0.6 Q + 0.8 e + 0.6`` for mentors and ``- 0.6`` for mentees (in reverse mentoring the
   junior mentor gains visibility and sponsorship); psychosocial support ``0.8 Q + 0.6 e``; role
   modelling ``0.7 Q + 0.71 e``.
7. *Answers.* Each item's latent response is ``lambda X + sqrt(1 - lambda^2) e`` with a loading
   ``lambda`` drawn once per item from U(0.65, 0.85), cut into five categories at thresholds that give
   each scale a plausible distribution of answers at wave 0 (engagement and inclusion skewed towards
   agreement, turnover intention towards disagreement). Reverse-keyed items are mirrored (6 - answer).
8. *Non-response.* Each employee answers a wave with probability ``expit(logit(rate) + 0.4 E)``,
   rate 0.78 at wave 0 and 0.72 at wave 1; a respondent leaves each item blank with probability 0.02.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import special, stats

SEED = 20260215
EMPLOYEES = 600
PAIRS = 40
WEEKS = (0, 52)
REFERENCE_YEAR = 2026

OUTPUT = Path(__file__).with_name("survey_example_synthetic.csv")
INSTRUMENT = Path(__file__).resolve().parents[1] / "instruments" / "reverse_mentoring.yaml"

LEVELS = ("junior", "professional", "manager", "senior", "executive")
LEVEL_SHARES = (0.40, 0.30, 0.17, 0.09, 0.04)
AGE_RANGE = {"junior": (19, 40), "professional": (24, 58), "manager": (29, 63), "senior": (36, 65), "executive": (42, 65)}
FEMALE_SHARE = {"junior": 0.52, "professional": 0.50, "manager": 0.42, "senior": 0.35, "executive": 0.28}
MINORITY_SHARE = {"junior": 0.35, "professional": 0.32, "manager": 0.25, "senior": 0.20, "executive": 0.15}
DEPARTMENTS = ("Finance", "IT", "Marketing", "Operations", "People", "Sales")
GENERATIONS = (("boomer", 1946), ("gen_x", 1965), ("millennial", 1981), ("gen_z", 1997))
AGE_BANDS = (("under_25", 25), ("25_34", 35), ("35_44", 45), ("45_54", 55), ("55_plus", 200))

EFFECTS = {  # Cohen's d at wave 1, for mentors and mentees
    "engagement": {"mentor": 0.20, "mentee": 0.10},
    "inclusion": {"mentor": 0.25, "mentee": 0.10},
    "turnover_intention": {"mentor": -0.10, "mentee": -0.05},
    "digital_confidence": {"mentor": 0.05, "mentee": 0.30},
}
STABILITY = 0.7
"""Correlation of an attitude between the waves without the programme."""
ANSWER_SHARES = {  # share of answers 1-5 at the scale's first wave, before reverse keying
    "engagement": (0.04, 0.10, 0.24, 0.42, 0.20),
    "turnover_intention": (0.22, 0.34, 0.24, 0.14, 0.06),
    "inclusion": (0.05, 0.12, 0.26, 0.40, 0.17),
    "digital_confidence": (0.05, 0.14, 0.30, 0.36, 0.15),
    "mentoring_career": (0.08, 0.17, 0.30, 0.32, 0.13),
    "mentoring_psychosocial": (0.04, 0.10, 0.26, 0.42, 0.18),
    "mentoring_role_model": (0.04, 0.11, 0.28, 0.40, 0.17),
}
RESPONSE_RATES = (0.78, 0.72)
ITEM_BLANK = 0.02


def _people(rng: np.random.Generator, n: int, first_id: int) -> pd.DataFrame:
    """Draw ``n`` employees' demographics."""
    level = rng.choice(np.array(LEVELS), size=n, p=LEVEL_SHARES)
    low = np.array([AGE_RANGE[lv][0] for lv in level])
    high = np.array([AGE_RANGE[lv][1] for lv in level])
    age = rng.integers(low, high + 1)
    birth = REFERENCE_YEAR - age
    starts = np.array([start for _, start in GENERATIONS])
    generation = np.array([name for name, _ in GENERATIONS])[np.searchsorted(starts, birth, side="right") - 1]
    edges = np.array([edge for _, edge in AGE_BANDS])
    band = np.array([name for name, _ in AGE_BANDS])[np.searchsorted(edges, age, side="right")]
    female = rng.random(n) < np.array([FEMALE_SHARE[lv] for lv in level])
    other = rng.random(n) < 0.01
    minority = rng.random(n) < np.array([MINORITY_SHARE[lv] for lv in level])
    return pd.DataFrame(
        {
            "respondent_id": [f"E{i:04d}" for i in range(first_id, first_id + n)],
            "age": age,
            "generation": generation,
            "age_band": band,
            "level": level,
            "gender": np.where(other, "other", np.where(female, "female", "male")),
            "minority": minority,
            "department": rng.choice(np.array(DEPARTMENTS), size=n),
        }
    )


def _attitudes(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Wave-0 latent attitudes (standard-normal scale)."""
    n = len(people)
    e = rng.standard_normal((n, 4))
    engagement = e[:, 0]
    inclusion = 0.4 * engagement + 0.9 * e[:, 1] - 0.3 * people["minority"].to_numpy()
    turnover = -0.55 * engagement - 0.25 * inclusion + 0.75 * e[:, 2]
    age_z = (people["age"].to_numpy() - 40.0) / 11.0
    digital = -0.6 * age_z + 0.8 * e[:, 3]
    return pd.DataFrame(
        {"engagement": engagement, "inclusion": inclusion, "turnover_intention": turnover, "digital_confidence": digital},
        index=people.index,
    )


def _programme(rng: np.random.Generator, people: pd.DataFrame, engagement: np.ndarray) -> np.ndarray:
    """Role of each employee in the programme launched after wave 0: ``none``, ``mentor`` or ``mentee``."""
    role = np.full(len(people), "none", dtype=object)
    volunteer = rng.random(len(people)) < special.expit(special.logit(0.5) + 0.5 * engagement)
    junior = people["level"].isin(["junior", "professional"]).to_numpy() & (people["age"].to_numpy() < 40)
    senior = people["level"].isin(["senior", "executive"]).to_numpy()
    mentors, mentees = np.flatnonzero(volunteer & junior), np.flatnonzero(volunteer & senior)
    pairs = min(PAIRS, len(mentors), len(mentees))
    role[rng.choice(mentors, size=pairs, replace=False)] = "mentor"
    role[rng.choice(mentees, size=pairs, replace=False)] = "mentee"
    return role


def _thresholds(shares: tuple[float, ...], mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    """Cut points giving ``shares`` of answers for a latent response N(mean, sd)."""
    return mean + sd * stats.norm.ppf(np.cumsum(shares)[:-1])


def make_survey(rng: np.random.Generator) -> pd.DataFrame:
    """Draw the synthetic two-wave survey in rmsim's survey schema."""
    scales = yaml.safe_load(INSTRUMENT.read_text(encoding="utf-8"))["scales"]
    loadings = {item["id"]: rng.uniform(0.65, 0.85) for scale in scales for item in scale["items"]}

    people = _people(rng, EMPLOYEES, 1)
    wave0 = _attitudes(rng, people)
    role = _programme(rng, people, wave0["engagement"].to_numpy())
    stays = rng.random(EMPLOYEES) >= special.expit(special.logit(0.15) + 0.6 * wave0["turnover_intention"].to_numpy())
    hires = _people(rng, int(np.count_nonzero(~stays)), EMPLOYEES + 1)
    hires_attitudes = _attitudes(rng, hires)

    wave1 = STABILITY * wave0 + np.sqrt(1 - STABILITY**2) * rng.standard_normal(wave0.shape)
    for attitude, effect in EFFECTS.items():
        wave1[attitude] += np.select([role == "mentor", role == "mentee"], [effect["mentor"], effect["mentee"]], 0.0)
    quality = rng.standard_normal(EMPLOYEES)
    noise = rng.standard_normal((EMPLOYEES, 3))
    side = np.select([role == "mentor", role == "mentee"], [0.6, -0.6], 0.0)
    wave1["mentoring_career"] = 0.6 * quality + 0.8 * noise[:, 0] + side
    wave1["mentoring_psychosocial"] = 0.8 * quality + 0.6 * noise[:, 1]
    wave1["mentoring_role_model"] = 0.7 * quality + np.sqrt(0.51) * noise[:, 2]

    waves = [
        people.assign(wave=0, week=WEEKS[0], role="none").join(wave0),
        pd.concat(
            [
                people.assign(role=role).join(wave1)[stays],
                hires.assign(role="none").join(hires_attitudes),
            ]
        ).assign(wave=1, week=WEEKS[1]),
    ]
    tables = []
    for wave, table in enumerate(waves):
        table = table.reset_index(drop=True)
        table["participant"] = table["role"] != "none"
        n = len(table)
        answered = rng.random(n) < special.expit(special.logit(RESPONSE_RATES[wave]) + 0.4 * table["engagement"].to_numpy())
        for scale in scales:
            name = scale["name"]
            latent = table[name].to_numpy(dtype=float) if name in table else np.full(n, np.nan)
            cuts = _thresholds(ANSWER_SHARES[name])
            for item in scale["items"]:
                loading = loadings[item["id"]]
                response = loading * latent + np.sqrt(1 - loading**2) * rng.standard_normal(n)
                answer = 1 + np.searchsorted(cuts, response, side="right")
                if item.get("reverse", False):
                    answer = 6 - answer
                blank = np.isnan(latent) | ~answered | (rng.random(n) < ITEM_BLANK)
                if scale["respondents"] == "participants":
                    blank |= ~table["participant"].to_numpy()
                table[item["id"]] = pd.arrays.IntegerArray(answer.astype(np.int64), blank)
        tables.append(table[answered])
    survey = pd.concat(tables, ignore_index=True)
    survey["minority"] = np.where(survey["minority"], "yes", "no")
    survey["participant"] = np.where(survey["participant"], "true", "false")
    items = [item["id"] for scale in scales for item in scale["items"]]
    columns = ["respondent_id", "wave", "week", "role", "participant", "generation", "age_band", "level", "gender"]
    return survey[[*columns, "minority", "department", *items]]


def main() -> None:
    """Write the example survey next to this script."""
    make_survey(np.random.default_rng(SEED)).to_csv(OUTPUT, index=False)
    print(f"wrote {OUTPUT.name}")


if __name__ == "__main__":
    main()
