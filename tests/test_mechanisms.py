"""Unit tests of the mechanism modules: each would fail if its mechanism broke."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmsim import careers, engagement, learning, relationships, retention
from rmsim.learning import LearningParams
from rmsim.relationships import RelationshipParams
from rmsim.retention import RetentionParams
from rmsim.workforce import DOMAINS, generation_of, largest_remainder, org_chart

ALL_TOPICS = np.ones(len(DOMAINS), dtype=bool)


def _transfer(skills, willingness=0.8, openness=0.8, quality=0.7, reciprocity=0.5, prepared=False, diversity=0.0, params=None):
    n = skills.shape[1]
    return learning.transfer(
        skills,
        np.array([0]),
        np.array([1]),
        quality=np.array([quality]),
        willingness=np.full(n, willingness),
        openness=np.full(n, openness),
        diversity=np.array([diversity]),
        topics=ALL_TOPICS,
        reciprocity=reciprocity,
        prepared=prepared,
        params=params or LearningParams(),
    )


# ----------------------------------------------------------------------------- learning

# position 0 mentors position 1: ahead in digital and inclusion, behind in business and leadership
SKILLS = np.array([[0.9, 0.2], [0.3, 0.8], [0.2, 0.6], [0.7, 0.4]])


def test_mentor_teaches_where_ahead_and_learns_back_where_behind() -> None:
    mentee_gain, mentor_gain = _transfer(SKILLS)
    assert mentee_gain[:, 0].tolist() == pytest.approx([0.8 * 0.8 * 0.07 * 0.7, 0, 0, 0.8 * 0.8 * 0.07 * 0.3])
    assert mentor_gain[0, 0] == 0 and mentor_gain[3, 0] == 0
    assert mentor_gain[1, 0] == pytest.approx(0.5 * 0.8 * 0.8 * 0.07 * 0.5)


def test_no_reciprocity_means_one_way_learning() -> None:
    _, mentor_gain = _transfer(SKILLS, reciprocity=0.0)
    assert not mentor_gain.any()


def test_higher_willingness_means_more_transfer() -> None:
    low, _ = _transfer(SKILLS, willingness=0.3)
    high, _ = _transfer(SKILLS, willingness=0.9)
    assert high.sum() > low.sum() > 0


def test_preparation_and_diversity_raise_transfer() -> None:
    base, _ = _transfer(SKILLS)
    prepared, _ = _transfer(SKILLS, prepared=True)
    diverse, _ = _transfer(SKILLS, diversity=2.0)
    assert prepared.sum() == pytest.approx(base.sum() * LearningParams().preparation_multiplier)
    inclusion = DOMAINS.index("inclusion")
    assert diverse[inclusion, 0] > base[inclusion, 0]
    assert diverse[0, 0] == base[0, 0]


def test_topics_restrict_transfer() -> None:
    skills = SKILLS
    gain, _ = learning.transfer(
        skills,
        np.array([0]),
        np.array([1]),
        quality=np.array([1.0]),
        willingness=np.ones(2),
        openness=np.ones(2),
        diversity=np.zeros(1),
        topics=np.array([True, False, False, False]),
        reciprocity=1.0,
        prepared=False,
        params=LearningParams(),
    )
    assert gain[0, 0] > 0 and not gain[1:].any()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=8, max_size=8),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.booleans(),
    st.sampled_from([0.0, 1.0, 2.0]),
)
def test_a_learner_never_passes_the_teacher(values, willingness, openness, quality, reciprocity, prepared, diversity) -> None:
    skills = np.array(values).reshape(len(DOMAINS), 2)
    mentee_gain, mentor_gain = _transfer(skills, willingness, openness, quality, reciprocity, prepared, diversity)
    after_mentee = skills[:, 1] + mentee_gain[:, 0]
    after_mentor = skills[:, 0] + mentor_gain[:, 0]
    assert np.all(mentee_gain >= 0) and np.all(mentor_gain >= 0)
    assert np.all(after_mentee <= np.maximum(skills[:, 0], skills[:, 1]) + 1e-12)
    assert np.all(after_mentor <= np.maximum(skills[:, 0], skills[:, 1]) + 1e-12)


def test_learning_params_refuse_rates_that_overshoot() -> None:
    with pytest.raises(ValueError, match="must be <= 1"):
        LearningParams(transfer_rate=0.5, preparation_multiplier=2.0)


def test_forgetting_halves_a_gain_in_the_half_life() -> None:
    params = LearningParams(forgetting_half_life_weeks=10, consolidation_rate=0.0)
    floor = np.full((len(DOMAINS), 1), 0.2)
    skills = floor + 0.4
    for _ in range(10):
        learning.forget(skills, floor, params)
    assert skills[:, 0] == pytest.approx(np.full(len(DOMAINS), 0.2 + 0.2))
    assert floor[:, 0] == pytest.approx(np.full(len(DOMAINS), 0.2))


def test_consolidation_keeps_a_share_of_a_gain_for_good() -> None:
    params = LearningParams(forgetting_half_life_weeks=20, consolidation_rate=0.01)
    floor = np.zeros((1, 1))
    skills = floor + 0.5
    for _ in range(3000):
        learning.forget(skills, floor, params)
    phi, kappa = params.forgetting_rate, params.consolidation_rate
    expected = 0.5 * (1 - phi) * kappa / (1 - (1 - phi) * (1 - kappa))
    assert skills[0, 0] == pytest.approx(expected, rel=1e-6)
    assert skills[0, 0] == pytest.approx(floor[0, 0])


def test_forgetting_only_touches_the_given_positions() -> None:
    floor = np.zeros((len(DOMAINS), 3))
    skills = floor + 0.5
    learning.forget(skills, floor, LearningParams(), positions=np.array([1]))
    assert skills[0, 0] == 0.5 and skills[0, 2] == 0.5 and skills[0, 1] < 0.5


def test_spill_over_reaches_direct_reports_only() -> None:
    skills = np.full((len(DOMAINS), 4), 0.5)
    manager = np.array([-1, 0, 0, 1])  # 1 and 2 report to 0; 3 reports to 1
    gains = np.zeros_like(skills)
    gains[0, 0] = 0.1
    reached = learning.spill_over(skills, manager, gains, np.ones(4), rate=0.5)
    assert sorted(reached.tolist()) == [1, 2]
    assert skills[0, 1] == pytest.approx(0.5 + 0.5 * 0.1 * 0.5)
    assert skills[0, 3] == 0.5 and skills[0, 0] == 0.5


def test_experience_grows_only_the_growing_domains_and_caps_at_one() -> None:
    skills = np.array([[0.5], [0.99], [0.5], [0.5]])
    floor = skills.copy()
    learning.gain_experience(skills, floor, np.array([0.0, 0.05, 0.01, 0.0]))
    assert skills[:, 0].tolist() == pytest.approx([0.5, 1.0, 0.51, 0.5])
    assert np.array_equal(skills, floor)


# ----------------------------------------------------------------------------- relationships


def test_status_threat_needs_a_senior_mentee_and_is_buffered_by_design() -> None:
    params = RelationshipParams()
    gap = np.array([4, 0, -2])
    openness = np.zeros(3)
    raw = relationships.status_threat(gap, openness, formal=False, prepared=False, params=params)
    assert raw[0] == pytest.approx(params.status_threat) and raw[1] == 0 and raw[2] == 0
    buffered = relationships.status_threat(gap, openness, formal=True, prepared=True, params=params)
    assert buffered[0] == pytest.approx(params.status_threat * 0.25)
    open_minded = relationships.status_threat(gap, np.ones(3), formal=False, prepared=False, params=params)
    assert not open_minded.any()


def test_similarity_raises_fit_and_threat_lowers_it() -> None:
    params = RelationshipParams()
    fit = relationships.initial_fit(np.array([0.0, 1.0, 1.0]), np.array([0, 0, 0.3]), formal=True, prepared=False, params=params)
    assert fit[1] > fit[0] and fit[1] > fit[2]


def test_dissolution_only_below_the_threshold() -> None:
    params = RelationshipParams()
    p = relationships.dissolution_probability(np.array([0.0, params.dissolution_threshold, 0.9]), params)
    assert p[0] == pytest.approx(params.dissolution_hazard) and p[1] == 0 and p[2] == 0


def test_ratings_rise_with_quality_and_stay_on_the_scale() -> None:
    params = RelationshipParams()
    noise = np.random.default_rng(0).standard_normal((2000, 2))
    low_b, low_d = relationships.ratings(np.full(2000, 0.2), np.zeros(2000), noise, params)
    high_b, high_d = relationships.ratings(np.full(2000, 0.9), np.full(2000, 0.5), noise, params)
    assert high_b.mean() > low_b.mean() and high_d.mean() > low_d.mean()
    assert {int(v) for v in np.concatenate([low_b, high_b, low_d, high_d])} <= {1, 2, 3, 4, 5}


# ----------------------------------------------------------------------------- engagement


def test_raise_towards_one_compounds_for_repeated_positions() -> None:
    state = np.array([0.5, 0.5, 0.5])
    engagement.raise_towards_one(state, np.array([0, 0, 2]), np.array([0.5, 0.5, 0.2]))
    assert state.tolist() == pytest.approx([1 - 0.5 * 0.25, 0.5, 1 - 0.5 * 0.8])


def test_engagement_target_follows_felt_value_and_inclusion() -> None:
    params = engagement.EngagementParams()
    base = np.full(3, 0.5)
    target = engagement.engagement_target(base, np.array([0.5, 0.7, 0.5]), base, np.array([0.5, 0.5, 0.7]), base, params)
    assert target[0] == 0.5
    assert target[1] == pytest.approx(0.5 + params.felt_value_weight * 0.2)
    assert target[2] == pytest.approx(0.5 + params.inclusion_weight * 0.2)


def test_climate_growth_ignores_turnover_and_counts_learning() -> None:
    skills = np.zeros((len(DOMAINS), 3))
    inclusion = DOMAINS.index("inclusion")
    skills[inclusion] = [0.3, 0.6, 0.9]
    leaders = np.array([1, 2])
    assert engagement.climate_growth(skills, leaders, np.array([0.6, 0.9])) == 0
    assert engagement.climate_growth(skills, leaders, np.array([0.5, 0.7])) == pytest.approx(0.15)
    assert engagement.inclusion_climate(skills, leaders) == pytest.approx(0.75)


# ----------------------------------------------------------------------------- retention


def test_engagement_lowers_the_exit_hazard() -> None:
    params = RetentionParams()
    n = 6
    age = np.full(n, 30.0)
    occupied = np.ones(n, dtype=bool)
    base = retention.relative_risk(np.full(n, 0.5), np.full(n, 0.5), params)
    engagement_now = np.array([0.1, 0.3, 0.5, 0.7, 0.9, 1.0])
    p = retention.exit_probability(age, occupied, engagement_now, np.full(n, 0.5), base, params)
    assert np.all(np.diff(p) < 0)
    assert p[2] == pytest.approx(params.weekly_base_hazard()[1])


def test_inclusion_lowers_the_exit_hazard() -> None:
    params = RetentionParams()
    base = retention.relative_risk(np.full(2, 0.5), np.full(2, 0.5), params)
    p = retention.exit_probability(np.full(2, 30.0), np.ones(2, bool), np.full(2, 0.5), np.array([0.2, 0.9]), base, params)
    assert p[1] < p[0]


def test_a_workforce_at_baseline_leaves_at_the_base_rate_of_its_age_band() -> None:
    params = RetentionParams()
    rng = np.random.default_rng(1)
    n = 5000
    age = rng.uniform(18, 66, n)
    occupied = rng.random(n) < 0.9
    e0, i0 = rng.beta(6, 4, n), rng.beta(6, 4, n)
    p = retention.exit_probability(age, occupied, e0, i0, retention.relative_risk(e0, i0, params), params)
    band = retention.age_band(age)
    hazard = params.weekly_base_hazard()
    for b in range(len(retention.EXIT_AGE_BANDS)):
        members = occupied & (band == b)
        assert p[members].mean() == pytest.approx(hazard[b], rel=1e-9)
    assert not p[~occupied].any()


def test_age_bands_and_weekly_hazard() -> None:
    assert retention.age_band(np.array([18, 24.99, 25, 34.9, 35, 45, 54.9, 55, 70])).tolist() == [0, 0, 1, 1, 2, 3, 3, 4, 4]
    params = RetentionParams(exit_rate_scale=1.0)
    annual = 1 - (1 - params.weekly_base_hazard()) ** 52
    assert annual.tolist() == pytest.approx(list(params.exit_rates.values()))


def test_retirement_from_the_minimum_age_and_certain_at_the_retirement_age() -> None:
    params = RetentionParams()
    p = retention.retirement_probability(np.array([59.0, 61.0, 67.0, 70.0]), np.array([True, True, True, False]), params)
    assert p[0] == 0 and 0 < p[1] < 0.01 and p[2] == 1 and p[3] == 0


def test_hires_are_younger_than_the_level_mean() -> None:
    rng = np.random.default_rng(3)
    levels = np.zeros(4000, dtype=np.int64)
    ages = retention.hire_ages(rng, levels, np.full(5, 40.0), np.full(5, 5.0), RetentionParams(hire_age_offset=4.0))
    assert ages.mean() == pytest.approx(36.0, abs=0.3)
    assert ages.min() >= 18


# ----------------------------------------------------------------------------- careers and workforce helpers


def test_promotion_score_rewards_visibility_and_sponsorship() -> None:
    params = careers.CareerParams()
    zeros = np.zeros(3)
    score = careers.promotion_score(zeros, np.array([0.5, 0.5, 0.5]), np.array([0, 1, 0.0]), np.array([0, 0, 1.0]), zeros, params)
    assert score[1] - score[0] == pytest.approx(params.visibility_weight)
    assert score[2] - score[0] == pytest.approx(params.sponsorship_weight)


def test_best_returns_the_top_scores_in_order() -> None:
    score = np.array([0.1, 3.0, -1.0, 2.0, 2.5])
    assert careers.best(score, 3).tolist() == [1, 4, 3]
    assert careers.best(score, 0).tolist() == []
    assert careers.best(score, 10).tolist() == [1, 4, 3, 0, 2]


def test_rounds_fall_on_multiples_of_the_interval() -> None:
    params = careers.CareerParams(promotion_interval_weeks=13)
    assert [w for w in range(0, 40) if careers.is_round(w, params)] == [13, 26, 39]


def test_generations_follow_birth_years() -> None:
    codes = generation_of(np.array([1930, 1946, 1964.9, 1965, 1981, 1996, 1997, 2012, 2013]))
    assert codes.tolist() == [0, 1, 1, 2, 3, 3, 4, 4, 5]


@given(st.lists(st.floats(0.01, 1), min_size=1, max_size=8), st.integers(0, 5000))
def test_largest_remainder_splits_exactly(shares, total) -> None:
    counts = largest_remainder(np.array(shares), total)
    assert counts.sum() == total and np.all(counts >= 0)
    assert np.all(np.abs(counts - np.array(shares) / sum(shares) * total) < 1 + 1e-9)


def test_org_chart_links_each_position_one_level_up_within_department() -> None:
    level = np.array([0, 0, 0, 1, 1, 2])
    department = np.array([0, 1, 1, 0, 1, 0])
    manager = org_chart(level, department)
    assert manager.tolist() == [3, 4, 4, 5, 5, -1]
