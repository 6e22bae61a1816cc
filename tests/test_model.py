"""Model-level behaviour: each test would fail if a mechanism broke inside the model."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import rmsim
from rmsim import ConfigError, ReverseMentoringModel
from rmsim.retention import EXIT_AGE_BANDS, RetentionParams

SMALL = {"employees": 300, "weeks": 30}
SKILLS_END = [f"skill_{d}_end" for d in rmsim.DOMAINS]


def _same_people(a: rmsim.RunResult, b: rmsim.RunResult, ids: pd.Series, columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    left = a.employees.set_index("employee_id").loc[ids, columns]
    right = b.employees.set_index("employee_id").loc[ids, columns]
    return left, right


def test_a_run_reaches_its_horizon_with_a_programme() -> None:
    result = rmsim.run(seed=1, **SMALL)
    ts = result.timeseries
    assert ts["week"].tolist() == list(range(31))
    assert len(result.pairs) > 0
    assert result.pairs["meetings"].sum() > 0
    assert (ts["headcount"] + ts["open_positions"] == 300).all()


def test_zero_meetings_means_no_transfer() -> None:
    control = rmsim.run(seed=5, policy="none", **SMALL)
    silent = rmsim.run(seed=5, programme={"policy": "random", "attendance": 0.0}, **SMALL)
    assert len(silent.pairs) > 0 and silent.pairs["meetings"].sum() == 0
    assert (silent.pairs["mentee_gain"] == 0).all() and (silent.pairs["mentor_gain"] == 0).all()
    # Common random numbers: without meetings the programme changes nobody, so everyone ends as in the control.
    left, right = _same_people(silent, control, silent.employees["employee_id"], [*SKILLS_END, "engagement_end", "left_week"])
    pd.testing.assert_frame_equal(left, right)


def test_meetings_transfer_skills_to_mentees() -> None:
    control = rmsim.run(seed=5, policy="none", **SMALL)
    treated = rmsim.run(seed=5, programme={"policy": "random", "reciprocity": 0.0}, **SMALL)
    mentees = treated.pairs["mentee_id"]
    after, before = _same_people(treated, control, mentees, ["skill_digital_end"])
    assert (after["skill_digital_end"] >= before["skill_digital_end"] - 1e-12).all()
    assert after["skill_digital_end"].mean() > before["skill_digital_end"].mean() + 0.005


def test_higher_willingness_means_more_transfer_in_the_model() -> None:
    def gains(willingness: float) -> float:
        result = rmsim.run(seed=11, organisation={"traits": {"willingness_mean": willingness}}, policy="random", **SMALL)
        return float(result.pairs["mentee_gain"].mean())

    assert gains(0.8) > 1.2 * gains(0.3)


def test_mentors_gain_felt_value_and_engagement() -> None:
    control = rmsim.run(seed=7, policy="none", **SMALL)
    treated = rmsim.run(seed=7, policy="random", **SMALL)
    stayed = treated.pairs.loc[treated.pairs["status"] == "completed", "mentor_id"]
    if len(stayed) == 0:
        stayed = treated.pairs["mentor_id"]
    after, before = _same_people(treated, control, stayed, ["engagement_end"])
    assert (after["engagement_end"] > before["engagement_end"]).mean() > 0.9


def test_spill_over_cascades_to_mentees_reports_only_when_enabled() -> None:
    settings = {"employees": 400, "weeks": 20, "programme": {"policy": "random", "senior_levels": ["manager", "senior"]}}
    off = rmsim.run(seed=3, **settings)
    on = rmsim.run(seed=3, learning={"spill_over": 0.5}, **settings)
    model = ReverseMentoringModel(seed=3, learning={"spill_over": 0.5}, **settings)
    model.run_model()
    wf = model.workforce
    mentee_positions = model.ledger.position[on.pairs["mentee_id"].to_numpy() - 1]
    mentee_positions = mentee_positions[mentee_positions >= 0]
    reports = np.flatnonzero(np.isin(wf.manager, mentee_positions) & (wf.employee >= 0) & (wf.role == 0))
    ids = pd.Series(wf.employee[reports])
    ids = ids[ids.isin(off.employees["employee_id"]) & ~ids.isin(on.pairs["mentor_id"])]
    assert len(ids) > 5
    gained, control = _same_people(on, off, ids, ["skill_digital_end"])
    assert (gained["skill_digital_end"] > control["skill_digital_end"]).mean() > 0.5


def test_programme_hours_add_up() -> None:
    result = rmsim.run(seed=2, programme={"policy": "random", "meeting_hours": 1.5, "preparation_hours": 2.0}, **SMALL)
    pairs = result.pairs
    participants = len(set(pairs["mentor_id"]) | set(pairs["mentee_id"]))
    expected = 2 * 1.5 * pairs["meetings"].sum() + 2.0 * participants
    assert result.timeseries["programme_hours"].iloc[-1] == pytest.approx(expected)
    assert result.timeseries["programme_cost"].iloc[-1] > 0


def test_turnover_cost_is_the_replacement_share_of_leavers_salaries() -> None:
    result = rmsim.run(seed=2, policy="none", **SMALL)
    exits = result.events[result.events["event"] == "exit"]
    costs = rmsim.Scenario().costs
    expected = costs.replacement_cost_share * exits["level"].map(costs.annual_salary).astype(float).sum()
    assert result.timeseries["turnover_cost"].iloc[-1] == pytest.approx(expected)


def test_promotions_fill_internal_vacancies_and_move_people_up_one_level() -> None:
    result = rmsim.run(seed=4, policy="none", employees=500, weeks=60)
    promotions = result.events[result.events["event"] == "promotion"]
    assert len(promotions) > 10
    step = promotions["level"].cat.codes - promotions["from_level"].cat.codes
    assert (step == 1).all()
    assert set(promotions["week"]) <= {26, 52}
    counted = result.employees.set_index("employee_id")["promotions"]
    assert counted.sum() == len(promotions)


def test_no_internal_promotion_keeps_every_position_filled() -> None:
    result = rmsim.run(seed=4, policy="none", employees=300, weeks=40, careers={"internal_fill_share": 0.0})
    assert (result.timeseries["headcount"] == 300).all()
    assert result.timeseries["promotions"].sum() == 0


def test_visibility_helps_mentors_get_promoted() -> None:
    settings = {"employees": 800, "weeks": 60, "programme": {"policy": "random", "cohort_size": 60}}
    strong = rmsim.run(seed=9, careers={"visibility_weight": 6.0, "sponsorship_weight": 6.0}, **settings)
    none = rmsim.run(seed=9, careers={"visibility_weight": 0.0, "sponsorship_weight": 0.0}, **settings)

    def mentor_promotions(result: rmsim.RunResult) -> int:
        mentors = result.employees[result.employees["role"] == "mentor"]
        return int(mentors["promotions"].sum())

    assert mentor_promotions(strong) > mentor_promotions(none)


def test_status_threat_lowers_quality_unless_buffered() -> None:
    def quality(**programme: object) -> float:
        result = rmsim.run(
            seed=13, employees=600, weeks=2, relationships={"status_threat": 0.8}, programme={"policy": "random", **programme}
        )
        return float(result.pairs["quality_start"].mean())

    exposed = quality(formality="informal", preparation=False)
    buffered = quality(formality="formal", preparation=True)
    assert buffered > exposed


def test_poor_relationships_dissolve_early() -> None:
    result = rmsim.run(seed=6, relationships={"base_quality": 0.1, "similarity_effect": 0.0}, policy="random", **SMALL)
    dissolved = result.pairs[result.pairs["status"] == "dissolved"]
    assert len(dissolved) > 0
    assert dissolved["dissolved_week"].notna().all()
    # end_week is the pair's last scheduled week (inclusive); a pair that dissolves never completes
    assert (dissolved["dissolved_week"] <= dissolved["end_week"]).all()
    assert (dissolved["dissolved_week"] < dissolved["end_week"]).any()


def test_completed_pairs_are_rated_and_others_are_not() -> None:
    result = rmsim.run(seed=1, **SMALL)
    pairs = result.pairs
    done = pairs["status"] == "completed"
    assert done.any()
    assert pairs.loc[done, ["rating_business", "rating_development"]].notna().all().all()
    assert pairs.loc[~done, ["rating_business", "rating_development"]].isna().all().all()
    assert pairs.loc[done, "rating_business"].between(1, 5).all()


def test_cohorts_launch_at_their_weeks() -> None:
    result = rmsim.run(seed=1, employees=400, weeks=30, programme={"cohorts": 3, "cohort_interval_weeks": 10, "start_week": 2})
    starts = result.pairs.groupby("cohort")["start_week"].unique()
    assert [list(v) for v in starts] == [[2], [12], [22]]


def test_exits_end_the_pairs_of_leavers() -> None:
    result = rmsim.run(seed=8, **SMALL)
    left = result.pairs[result.pairs["status"] == "left"]
    assert len(left) > 0
    employees = result.employees.set_index("employee_id")
    for row in left.itertuples():
        weeks = [employees.at[row.mentor_id, "left_week"], employees.at[row.mentee_id, "left_week"]]
        assert row.ended_week in [w for w in weeks if not pd.isna(w)]


@pytest.mark.slow
def test_control_exit_rates_match_the_configured_base_rates() -> None:
    """Quits per employee-week by age band over many replications equal the base hazard within sampling error."""
    params = RetentionParams()
    weeks, replications = 52, 24
    exits = np.zeros(len(EXIT_AGE_BANDS))
    exposure = np.zeros(len(EXIT_AGE_BANDS))
    edges = np.array([0.0] + [b[1] for b in EXIT_AGE_BANDS[:-1]] + [np.inf])
    for seed in range(replications):
        result = rmsim.run(seed=seed, policy="none", employees=1000, weeks=weeks)
        emp = result.employees
        start_year = result.scenario.start_year
        first = np.maximum(emp["hired_week"].to_numpy(), 0) + 1  # at risk from the step after hiring
        last = emp["left_week"].fillna(weeks).to_numpy(dtype=float)
        birth = emp["birth_year"].to_numpy()
        # Weeks at risk below age 60 (no retirement competes there), split by age band.
        age_first = start_year + first / 52.0 - birth
        age_last = start_year + last / 52.0 - birth
        for b in range(len(EXIT_AGE_BANDS)):
            low, high = edges[b], min(edges[b + 1], 60.0)
            lo = np.clip(age_first, low, high)
            hi = np.clip(age_last + 1 / 52.0, low, high)
            exposure[b] += np.clip(hi - lo, 0, None).sum() * 52.0
        quits = emp[(emp["exit_reason"] == "quit")]
        age_at_exit = start_year + quits["left_week"].to_numpy(dtype=float) / 52.0 - quits["birth_year"].to_numpy()
        young = age_at_exit < 60
        band = np.searchsorted(edges[1:-1], age_at_exit[young], side="right")
        exits += np.bincount(band, minlength=len(EXIT_AGE_BANDS))
    observed = exits / exposure
    expected = params.weekly_base_hazard()
    standard_error = np.sqrt(expected / exposure)
    z = (observed - expected) / standard_error
    assert np.all(np.abs(z) < 4), f"z-scores {z.round(2)}, observed {observed}, expected {expected}"
    annual = 1 - (1 - observed) ** 52
    assert annual == pytest.approx(list(params.exit_rates.values()), rel=0.1)


def test_engaged_employees_leave_less_often_in_the_control() -> None:
    frames = [rmsim.run(seed=s, policy="none", employees=800, weeks=52).employees for s in range(4)]
    emp = pd.concat(frames)
    emp = emp[emp["initial"] & (emp["age_start"] < 55)]
    quartile = pd.qcut(emp["engagement_end"], 4, labels=False)
    left = emp["exit_reason"].eq("quit").groupby(quartile).mean()
    assert left.iloc[0] > left.iloc[-1] * 1.15


def test_same_seed_same_frames_and_different_seed_different_frames() -> None:
    a = rmsim.run(seed=21, **SMALL)
    b = rmsim.run(seed=21, **SMALL)
    c = rmsim.run(seed=22, **SMALL)
    for name in ("timeseries", "employees", "pairs", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.employees.equals(c.employees)


def test_the_seed_is_recorded_when_none_is_given() -> None:
    model = ReverseMentoringModel(employees=50, weeks=1)
    model.run_model()
    again = rmsim.run(seed=model.seed, employees=50, weeks=1)
    pd.testing.assert_frame_equal(model.result().employees, again.employees)


def test_invalid_model_arguments_raise_config_errors() -> None:
    with pytest.raises(ConfigError, match="seed"):
        ReverseMentoringModel(seed=-1)
    with pytest.raises(ConfigError, match=r"programme\.cadence"):
        ReverseMentoringModel(**{"programme.cadence": 3})
    with pytest.raises(ConfigError, match=r"organisation\.size"):
        ReverseMentoringModel(employees=1)
    with pytest.raises(ConfigError, match="scenario"):
        ReverseMentoringModel(config=42)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- Mesa


def test_employees_are_mesa_agents_and_views_on_their_row() -> None:
    model = ReverseMentoringModel(seed=3, employees=200, weeks=12)
    assert isinstance(model, mesa.Model)
    for _ in range(12):
        model.step()
        assert len(model.agents) == model.workforce.headcount
    agent = next(iter(model.agents))
    assert isinstance(agent, rmsim.Employee)
    position = agent.position
    assert model.workforce.employee[position] == agent.unique_id
    agent.engagement = 0.123
    assert model.workforce.engagement[position] == 0.123
    assert agent.skills["digital"] == model.workforce.skills[0, position]
    assert agent.level in rmsim.LEVELS and agent.generation in rmsim.GENERATION_NAMES
    ids = {a.unique_id for a in model.agents}
    assert ids == set(model.workforce.employee[model.workforce.employee >= 0].tolist())


def test_promoted_agents_follow_their_row() -> None:
    model = ReverseMentoringModel(seed=4, employees=500, weeks=27, policy="none")
    model.run_model()
    promoted = model.result().events.query("event == 'promotion'")["employee_id"]
    assert len(promoted) > 0
    by_id = {a.unique_id: a for a in model.agents}
    for employee_id in promoted:
        if employee_id in by_id:
            agent = by_id[employee_id]
            assert model.workforce.employee[agent.position] == employee_id
            assert model.agent_at(agent.position) is agent


def test_the_datacollector_holds_the_timeseries() -> None:
    model = ReverseMentoringModel(seed=1, employees=100, weeks=5)
    model.run_model()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == ReverseMentoringModel.metric_names()
    assert len(frame) == 6
    pd.testing.assert_frame_equal(
        frame.reset_index(drop=True).astype({"week": "int64", "headcount": "int64"}), model.result().timeseries
    )


def test_mesa_batch_run_drives_the_model() -> None:
    parameters: dict[str, object] = {"policy": ["none", "random"], "employees": 120, "weeks": 6}
    version = tuple(int(p) for p in mesa.__version__.split(".")[:2])
    if version >= (3, 4):
        rows = mesa.batch_run(ReverseMentoringModel, parameters, rng=[1, 2], max_steps=10, display_progress=False)
    else:
        rows = mesa.batch_run(
            ReverseMentoringModel, {**parameters, "seed": [1, 2]}, iterations=1, max_steps=10, display_progress=False
        )
    frame = pd.DataFrame(rows)
    assert len(frame) == 4
    assert set(frame["policy"]) == {"none", "random"}
    # batch_run reads the DataCollector row of its "Step" (it stops one row short of the end when a model,
    # like this one, also records its initial state); our rows are indexed by week, so the two agree.
    assert (frame["week"] == frame["Step"]).all()
    assert (frame.loc[frame["policy"] == "none", "active_pairs"] == 0).all()
    assert (frame.loc[frame["policy"] == "random", "active_pairs"] > 0).all()
