"""The programme: validation of its design, and recruitment of each cohort's candidate pool."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

import rmsim
from rmsim import ConfigError, Programme, ReverseMentoringModel, Scenario
from rmsim.cli import main
from rmsim.programme import candidate_pool, shortlist_size

# --------------------------------------------------------------------------- junior and senior levels


@pytest.mark.parametrize(
    ("levels", "allowed"),
    [
        ({"junior_levels": ["junior", "senior"]}, "['junior', 'professional', 'manager']"),
        ({"junior_levels": ["manager"], "senior_levels": ["manager", "executive"]}, "['junior', 'professional']"),
        ({"senior_levels": ["professional", "executive"]}, "['junior']"),
    ],
    ids=["junior-level-too-high", "shared-level", "senior-level-too-low"],
)
def test_junior_levels_not_below_every_senior_level_name_the_junior_levels(levels: dict[str, list[str]], allowed: str) -> None:
    with pytest.raises(ValidationError) as info:
        Programme(**levels)
    cause = info.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, ConfigError) and cause.field == "programme.junior_levels"
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"programme": levels})
    message = str(caught.value)
    junior_levels = Programme.model_fields["junior_levels"].get_default(call_default_factory=True)
    shown = levels.get("junior_levels", junior_levels)
    assert caught.value.field == "programme.junior_levels"
    assert message.startswith(f"programme.junior_levels = {shown}: every junior level must be below every senior level")
    assert message.endswith(f"allowed: a non-empty subset of {allowed}")
    assert "\n" not in message
    with pytest.raises(ConfigError) as overridden:
        Scenario().with_overrides({f"programme.{name}": value for name, value in levels.items()})
    assert str(overridden.value) == message


def test_senior_levels_including_the_lowest_level_leave_no_junior_level() -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"programme": {"junior_levels": ["junior"], "senior_levels": ["junior", "senior"]}})
    assert caught.value.field == "programme.junior_levels"
    assert str(caught.value).endswith("none is allowed: remove the lowest level 'junior' from senior_levels")


def test_command_line_reports_overlapping_levels_as_the_junior_levels_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["run", "--employees", "30", "--weeks", "2", "--set", "programme.junior_levels=[junior, senior]"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("rmsim: error: programme.junior_levels = ['junior', 'senior']: ")
    assert "allowed: a non-empty subset of ['junior', 'professional', 'manager']" in err
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- policy parameters


def test_command_line_rejects_invalid_weights_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["run", "--employees", "30", "--weeks", "2", "--policy", "weighted_score"]
    code = main([*argv, "--set", "programme.policy_params.weights={speed: 1}"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("rmsim: error: programme.policy_params.weights = {'speed': 1}: unknown criteria ['speed']; ")
    assert "criteria are ['diversity', 'similarity', 'skill_gap']" in err
    code = main([*argv, "--set", "programme.policy_params.weights.diversity=-1"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("rmsim: error: programme.policy_params.weights = {'diversity': -1}: invalid weights")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- the candidate pool


@pytest.mark.parametrize(
    ("policy", "capacity", "factor", "n_seniors", "expected"),
    [
        ("random", 1, 3.0, 40, 120),
        ("random", 3, 1.0, 10, 4),  # juniors mentor: ceil(10 / 3)
        ("random", 3, 3.0, 10, 10),
        ("skill_gap_optimal", 2, 1.5, 7, 6),  # ceil(1.5 * 7 / 2)
        ("traditional", 1, 3.0, 40, 120),
        ("traditional", 3, 1.0, 10, 30),  # seniors mentor: each takes up to 3 juniors
        ("traditional", 3, 3.0, 10, 90),
        ("traditional", 2, 1.5, 7, 21),
        ("random", 2, 1.0, 0, 0),
        ("traditional", 2, 1.0, 0, 0),
    ],
)
def test_shortlist_size_follows_who_mentors(policy: str, capacity: int, factor: float, n_seniors: int, expected: int) -> None:
    programme = Programme(policy=policy, mentor_capacity=capacity, shortlist_factor=factor)
    assert shortlist_size(n_seniors, programme) == expected


def test_reverse_shortlist_keeps_the_exact_quotient() -> None:
    # ceil(3 * 10 / 3) is 10; computing 3 * (10 / 3) first would round up to 11.
    assert shortlist_size(10, Programme(policy="random", mentor_capacity=3, shortlist_factor=3.0)) == 10


EAGER = {"participation": "mandatory", "opt_in_rate": 0.99, "opt_in_willingness_effect": 0.0, "cohort_size": 10}


@pytest.mark.parametrize(("policy", "factor"), [("traditional", 1.0), ("traditional", 3.0), ("random", 1.0), ("random", 3.0)])
def test_candidate_pool_shortlists_enough_juniors_for_the_mentors_capacity(policy: str, factor: float) -> None:
    programme = {**EAGER, "policy": policy, "mentor_capacity": 3, "shortlist_factor": factor}
    model = ReverseMentoringModel(seed=5, employees=1000, weeks=2, programme=programme)
    config = model.config.programme
    pool, juniors, seniors = candidate_pool(np.random.default_rng(0), model.workforce, model.year, config)
    assert len(pool.seniors) == len(seniors) == 10
    assert len(pool.juniors) == len(juniors) == shortlist_size(10, config)
    # enough juniors for every place the mentors offer: 3 mentees per senior, or 1 mentor per 3 seniors
    assert len(pool.juniors) >= (10 * 3 if policy == "traditional" else math.ceil(10 / 3))


@pytest.mark.parametrize("factor", [1.0, 3.0])
def test_traditional_policy_with_capacity_fills_the_cohort(factor: float) -> None:
    # Ten seniors who can each mentor three juniors, and plenty of juniors: thirty pairs, three per senior.
    programme = {**EAGER, "policy": "traditional", "mentor_capacity": 3, "shortlist_factor": factor}
    pairs = rmsim.run(seed=5, employees=1000, weeks=2, programme=programme).pairs
    assert len(pairs) == 30 and not pairs["reverse"].any()
    assert (pairs["mentor_id"].value_counts() == 3).all() and pairs["mentor_id"].nunique() == 10
    assert pairs["mentee_id"].is_unique


def test_reverse_policy_with_capacity_pairs_every_senior() -> None:
    programme = {**EAGER, "policy": "random", "mentor_capacity": 3, "shortlist_factor": 1.0}
    pairs = rmsim.run(seed=5, employees=1000, weeks=2, programme=programme).pairs
    assert len(pairs) == 10 and pairs["reverse"].all()
    assert pairs["mentee_id"].nunique() == 10 and pairs["mentor_id"].value_counts().max() <= 3


# --------------------------------------------------------------------------- eligibility by gender and age, shortlist


def _pool(programme: dict, seed: int = 3, size: int = 800) -> tuple[ReverseMentoringModel, np.ndarray, np.ndarray]:
    model = ReverseMentoringModel(
        Scenario.from_dict({"weeks": 2, "organisation": {"size": size}, "programme": programme}), seed=seed
    )
    rng = np.random.default_rng(seed)
    _, juniors, seniors = candidate_pool(rng, model.workforce, model.year, model.config.programme)
    return model, juniors, seniors


def test_junior_genders_restrict_the_juniors_and_pairs_follow() -> None:
    model, juniors, seniors = _pool({"junior_genders": ["female"], "senior_genders": ["male"], "cohort_size": 30})
    wf = model.workforce
    assert len(juniors) > 0 and len(seniors) > 0
    assert (wf.gender[juniors] == 1).all() and (wf.gender[seniors] == 0).all()
    result = rmsim.run(seed=2, employees=600, weeks=6, programme={"policy": "random", "junior_genders": ["female"]})
    mentors = result.employees.set_index("employee_id").loc[result.pairs["mentor_id"], "gender"]
    assert len(mentors) > 0 and (mentors == "female").all()


def test_age_can_separate_the_sides_when_their_levels_overlap() -> None:
    every = list(rmsim.LEVELS)
    with pytest.raises(ConfigError) as caught:
        Programme(junior_levels=every, senior_levels=every, junior_max_age=40, senior_min_age=35)
    assert caught.value.field == "programme.junior_levels"
    programme = {"junior_levels": every, "senior_levels": every, "junior_max_age": 35, "senior_min_age": 50, "cohort_size": 40}
    model, juniors, seniors = _pool(programme)
    age = model.year - model.workforce.birth_year
    assert (age[juniors] < 35).all() and (age[seniors] >= 50).all()
    assert len(set(model.workforce.level[seniors].tolist())) > 1  # seniors come from several levels
    result = rmsim.run(seed=4, employees=600, weeks=6, programme={"policy": "random", **programme})
    people = result.employees.set_index("employee_id")
    assert (people.loc[result.pairs["mentor_id"], "age_start"].to_numpy() < 35).all()
    assert (people.loc[result.pairs["mentee_id"], "age_start"].to_numpy() >= 50).all()


def test_top_performer_shortlist_takes_the_most_talented_volunteers_with_the_same_draws() -> None:
    common = {"cohort_size": 10, "shortlist_factor": 1.0}
    model, random_juniors, random_seniors = _pool({**common, "shortlist": "random"})
    top_model, top_juniors, top_seniors = _pool({**common, "shortlist": "top_performers"})
    talent = model.workforce.talent
    assert np.array_equal(random_seniors, top_seniors)  # same chance events for the seniors
    assert len(top_juniors) == len(random_juniors) == 10
    assert talent[top_juniors].mean() > talent[random_juniors].mean() + 0.5
    # no eligible volunteer outside the shortlist is more talented than the least talented one shortlisted
    rng = np.random.default_rng(3)
    wf = top_model.workforce
    _, juniors_all, _ = candidate_pool(
        rng, wf, top_model.year, top_model.config.programme.model_copy(update={"shortlist_factor": 1000.0})
    )
    outside = np.setdiff1d(juniors_all, top_juniors)
    assert talent[outside].max() <= talent[top_juniors].min()
