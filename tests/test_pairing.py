"""Pairing policies: validity, optimality, stability, the registry, blocked matching and roles in a run."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy.optimize import linear_sum_assignment

import rmsim
from rmsim import LEVELS, ConfigError, Scenario
from rmsim.pairing import _REGISTRY, CandidatePool, Matching, PairingPolicy, Side, get_policy
from rmsim.programme import Programme, match

BUILTIN = (
    "none",
    "random",
    "traditional",
    "skill_gap_greedy",
    "skill_gap_optimal",
    "common_interests",
    "diversity_first",
    "stable_matching",
    "weighted_score",
)
MATCH_EVERYONE = tuple(name for name in BUILTIN if name != "none")
REVERSE = tuple(name for name in BUILTIN if name not in ("none", "traditional"))
N_INTERESTS = 6
N_DOMAINS = len(rmsim.DOMAINS)

sizes = st.integers(0, 12)
capacities = st.integers(1, 3)
seeds = st.integers(0, 2**32 - 1)
FAST = settings(max_examples=25, deadline=None)


# --------------------------------------------------------------------------- helpers


def make_side(rng: np.random.Generator, n: int, levels: tuple[int, int], *, first_id: int = 0) -> Side:
    """``n`` random candidates with levels drawn from ``levels`` (inclusive bounds)."""
    age = rng.uniform(20, 65, n)
    return Side(
        employee_id=np.arange(first_id, first_id + n, dtype=np.int64),
        age=age,
        level=rng.integers(levels[0], levels[1] + 1, n).astype(np.int64),
        gender=rng.integers(0, 3, n).astype(np.int8),
        minority=rng.random(n) < 0.3,
        department=rng.integers(0, 4, n),
        generation=rng.integers(0, 4, n),
        skills=rng.random((n, N_DOMAINS)),
        willingness=rng.random(n),
        openness=rng.random(n),
        interests=rng.random((n, N_INTERESTS)) < 0.4,
    )


def make_pool(rng: np.random.Generator, n_juniors: int, n_seniors: int, *, random_topics: bool = True) -> CandidatePool:
    """A random pool: juniors at levels 0-1, seniors at levels 3-4, skills in [0, 1], boolean interests."""
    juniors = make_side(rng, n_juniors, (0, 1))
    seniors = make_side(rng, n_seniors, (3, 4), first_id=1000)
    topics = np.ones(N_DOMAINS, dtype=bool)
    if random_topics:
        topics = rng.random(N_DOMAINS) < 0.6
        topics[rng.integers(N_DOMAINS)] = True
    return CandidatePool(juniors, seniors, topics)


def with_demographics(side: Side, gender: list[int], minority: list[bool]) -> Side:
    """``side`` with its genders and minority flags replaced."""
    fields = {name: getattr(side, name) for name in side.__dataclass_fields__}
    fields.update(gender=np.array(gender, dtype=np.int8), minority=np.array(minority, dtype=bool))
    return Side(**fields)


def with_skills(side: Side, skills: list[float]) -> Side:
    """``side`` with every domain skill of candidate ``i`` set to ``skills[i]``."""
    fields = {name: getattr(side, name) for name in side.__dataclass_fields__}
    fields["skills"] = np.repeat(np.array(skills, dtype=float)[:, None], N_DOMAINS, axis=1)
    return Side(**fields)


def gap_matrix(pool: CandidatePool) -> np.ndarray:
    """Junior-over-senior skill lead summed over the pool's topics, computed independently of rmsim."""
    out = np.zeros((len(pool.juniors), len(pool.seniors)))
    for j in range(len(pool.juniors)):
        for s in range(len(pool.seniors)):
            for d in np.flatnonzero(pool.topics):
                out[j, s] += max(0.0, pool.juniors.skills[j, d] - pool.seniors.skills[s, d])
    return out


def jaccard_matrix(pool: CandidatePool) -> np.ndarray:
    """Jaccard similarity of interest tags, computed independently of rmsim (0 when both have none)."""
    out = np.zeros((len(pool.juniors), len(pool.seniors)))
    for j in range(len(pool.juniors)):
        for s in range(len(pool.seniors)):
            a, b = set(np.flatnonzero(pool.juniors.interests[j])), set(np.flatnonzero(pool.seniors.interests[s]))
            out[j, s] = len(a & b) / len(a | b) if a | b else 0.0
    return out


def diversity_matrix(pool: CandidatePool) -> np.ndarray:
    """Number of differences in gender and minority status (0-2)."""
    gender = pool.juniors.gender[:, None] != pool.seniors.gender[None, :]
    minority = pool.juniors.minority[:, None] != pool.seniors.minority[None, :]
    return gender.astype(float) + minority.astype(float)


def underrepresented(pool: CandidatePool) -> np.ndarray:
    """Juniors who are women (gender 1) or from a minority."""
    return (pool.juniors.gender == 1) | pool.juniors.minority.astype(bool)


def total(score: np.ndarray, m: Matching) -> float:
    return float(score[m.junior, m.senior].sum())


def brute_force_best(score: np.ndarray, capacity: int) -> float:
    """Highest total ``score`` over all matchings of maximum size (each junior up to ``capacity`` seniors)."""
    n_j, n_s = score.shape
    slots = np.repeat(np.arange(n_j), capacity)
    if len(slots) == 0 or n_s == 0:
        return 0.0
    best = -np.inf
    if len(slots) >= n_s:
        for perm in itertools.permutations(range(len(slots)), n_s):
            best = max(best, sum(score[slots[p], s] for s, p in enumerate(perm)))
    else:
        for perm in itertools.permutations(range(n_s), len(slots)):
            best = max(best, sum(score[slots[i], s] for i, s in enumerate(perm)))
    return float(best)


def maximum_matchings(n_juniors: int, n_seniors: int, capacity: int) -> Iterator[Matching]:
    """Every matching of maximum size (each junior up to ``capacity`` seniors), some more than once."""
    slots = np.repeat(np.arange(n_juniors), capacity)
    if len(slots) >= n_seniors:
        for perm in itertools.permutations(range(len(slots)), n_seniors):
            yield Matching(slots[np.array(perm, dtype=np.int64)], np.arange(n_seniors))
    else:
        for perm in itertools.permutations(range(n_seniors), len(slots)):
            yield Matching(slots, np.array(perm, dtype=np.int64))


def assert_valid(m: Matching, n_juniors: int, n_seniors: int, capacity: int, *, reverse: bool = True) -> None:
    """Indices in range; each mentee (the senior in a reverse policy) once; each mentor at most ``capacity`` times."""
    assert isinstance(m, Matching)
    assert len(m.junior) == len(m.senior)
    if len(m):
        assert m.junior.min() >= 0 and m.junior.max() < n_juniors
        assert m.senior.min() >= 0 and m.senior.max() < n_seniors
        mentors, mentees = (m.junior, m.senior) if reverse else (m.senior, m.junior)
        assert len(np.unique(mentees)) == len(mentees), "a mentee is paired twice"
        assert np.bincount(mentors).max() <= capacity, "a mentor exceeds capacity"


def full_size(name: str, n_juniors: int, n_seniors: int, capacity: int) -> int:
    """Size of a maximum matching: every mentee paired unless the mentors' places run out."""
    if name == "none":
        return 0
    if get_policy(name).reverse:
        return min(n_seniors, n_juniors * capacity)
    return min(n_juniors, n_seniors * capacity)


def level_codes(column: pd.Series) -> np.ndarray:
    return np.array([LEVELS.index(level) for level in column])


def call(name: str, pool: CandidatePool, seed: int, capacity: int = 1, **params: object) -> Matching:
    return get_policy(name)(pool, np.random.default_rng(seed), capacity=capacity, **params)


@pytest.fixture
def policy_name() -> Iterator[str]:
    """A free registry name, removed from the registry after the test."""
    name = "test_pairing_user_policy"
    assert name not in _REGISTRY
    yield name
    _REGISTRY.pop(name, None)


# --------------------------------------------------------------------------- invariants of every policy


def test_every_builtin_policy_is_registered() -> None:
    assert set(BUILTIN) <= set(rmsim.available_policies())


@pytest.mark.parametrize("name", BUILTIN)
@FAST
@given(n_juniors=sizes, n_seniors=sizes, capacity=capacities, seed=seeds)
def test_policy_returns_a_valid_matching_of_the_expected_size(
    name: str, n_juniors: int, n_seniors: int, capacity: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    pool = make_pool(rng, n_juniors, n_seniors)
    m = get_policy(name)(pool, rng, capacity=capacity)
    assert_valid(m, n_juniors, n_seniors, capacity, reverse=name != "traditional")
    assert len(m) == full_size(name, n_juniors, n_seniors, capacity)


@pytest.mark.parametrize("name", BUILTIN)
def test_policy_is_reproducible_from_the_seed(name: str) -> None:
    pool = make_pool(np.random.default_rng(7), 9, 6)
    a, b = call(name, pool, seed=11, capacity=2), call(name, pool, seed=11, capacity=2)
    np.testing.assert_array_equal(a.junior, b.junior)
    np.testing.assert_array_equal(a.senior, b.senior)


@pytest.mark.parametrize("name", BUILTIN)
@pytest.mark.parametrize(("n_juniors", "n_seniors"), [(0, 0), (0, 5), (5, 0)])
def test_empty_pools_give_empty_matchings(name: str, n_juniors: int, n_seniors: int) -> None:
    pool = make_pool(np.random.default_rng(3), n_juniors, n_seniors)
    m = call(name, pool, seed=1, capacity=2)
    assert len(m) == 0 and len(m.senior) == 0


@pytest.mark.parametrize("name", BUILTIN)
def test_only_traditional_is_a_senior_mentors_policy(name: str) -> None:
    assert get_policy(name).reverse is (name != "traditional")


# --------------------------------------------------------------------------- skill gap


def test_optimal_gap_beats_greedy_which_beats_random_on_average() -> None:
    optimal, greedy, random = [], [], []
    for seed in range(40):
        pool = make_pool(np.random.default_rng(seed), 10, 8)
        gap = gap_matrix(pool)
        optimal.append(total(gap, call("skill_gap_optimal", pool, seed)))
        greedy.append(total(gap, call("skill_gap_greedy", pool, seed)))
        random.append(total(gap, call("random", pool, seed)))
    optimal_, greedy_, random_ = np.array(optimal), np.array(greedy), np.array(random)
    assert (optimal_ >= greedy_ - 1e-9).all()
    assert (greedy_ >= 0.5 * optimal_ - 1e-9).all()  # greedy matching is a 1/2-approximation
    assert (optimal_ > greedy_ + 1e-9).any()  # and not always optimal
    assert greedy_.mean() > random_.mean() + 0.1 * random_.std()


@FAST
@given(n_juniors=sizes, n_seniors=sizes, capacity=capacities, seed=seeds)
def test_optimal_gap_is_never_below_greedy(n_juniors: int, n_seniors: int, capacity: int, seed: int) -> None:
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    gap = gap_matrix(pool)
    optimal = total(gap, call("skill_gap_optimal", pool, seed, capacity))
    greedy = total(gap, call("skill_gap_greedy", pool, seed, capacity))
    assert optimal >= greedy - 1e-9


@FAST
@given(n_juniors=st.integers(0, 5), n_seniors=st.integers(0, 5), seed=seeds)
def test_skill_gap_optimal_equals_brute_force_with_capacity_one(n_juniors: int, n_seniors: int, seed: int) -> None:
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    gap = gap_matrix(pool)
    assert total(gap, call("skill_gap_optimal", pool, seed)) == pytest.approx(brute_force_best(gap, 1), abs=1e-9)


@FAST
@given(n_juniors=st.integers(0, 3), n_seniors=st.integers(0, 4), seed=seeds)
def test_skill_gap_optimal_equals_brute_force_with_capacity_two(n_juniors: int, n_seniors: int, seed: int) -> None:
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    gap = gap_matrix(pool)
    assert total(gap, call("skill_gap_optimal", pool, seed, 2)) == pytest.approx(brute_force_best(gap, 2), abs=1e-9)


def test_skill_gap_greedy_takes_the_largest_gap_first() -> None:
    pool = make_pool(np.random.default_rng(0), 2, 2, random_topics=False)
    pool = CandidatePool(with_skills(pool.juniors, [1.0, 0.5]), with_skills(pool.seniors, [0.0, 0.6]))
    # gaps per domain: j0-s0 1.0, j0-s1 0.4, j1-s0 0.5, j1-s1 0: greedy takes j0-s0 first, leaving j1-s1
    m = call("skill_gap_greedy", pool, seed=0)
    assert sorted(zip(m.junior.tolist(), m.senior.tolist(), strict=True)) == [(0, 0), (1, 1)]


def test_topics_restrict_the_teaching_gap() -> None:
    pool = make_pool(np.random.default_rng(4), 3, 3, random_topics=False)
    only_first = np.zeros(N_DOMAINS, dtype=bool)
    only_first[0] = True
    restricted = CandidatePool(pool.juniors, pool.seniors, only_first)
    expected = np.clip(pool.juniors.skills[:, [0]] - pool.seniors.skills[:, 0][None, :], 0, None)
    np.testing.assert_allclose(restricted.teaching_gap(), expected)
    np.testing.assert_allclose(pool.teaching_gap(), gap_matrix(pool))


# --------------------------------------------------------------------------- common interests


@FAST
@given(n_juniors=st.integers(0, 5), n_seniors=st.integers(0, 5), capacity=st.integers(1, 2), seed=seeds)
def test_common_interests_maximises_total_jaccard(n_juniors: int, n_seniors: int, capacity: int, seed: int) -> None:
    if n_juniors * capacity > 6:
        n_juniors = 6 // capacity
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    similarity = jaccard_matrix(pool)
    np.testing.assert_allclose(pool.similarity(), similarity, atol=1e-12)
    got = total(similarity, call("common_interests", pool, seed, capacity))
    assert got == pytest.approx(brute_force_best(similarity, capacity), abs=1e-9)


# --------------------------------------------------------------------------- stable matching


def blocking_pairs(pool: CandidatePool, m: Matching, capacity: int) -> list[tuple[int, int]]:
    """Pairs (senior, junior) that both strictly prefer each other, under the noise-free utilities of stable_matching."""
    gap = gap_matrix(pool)
    similarity = jaccard_matrix(pool)
    scaled_gap = gap / gap.max() if gap.size and gap.max() > 0 else np.zeros_like(gap)
    senior_u = scaled_gap + similarity  # senior s values junior j at senior_u[j, s]
    junior_u = pool.seniors.level[None, :] / 4.0 + similarity  # junior j values senior s at junior_u[j, s]
    partner = dict(zip(m.senior.tolist(), m.junior.tolist(), strict=True))
    held: dict[int, list[int]] = {j: [] for j in range(len(pool.juniors))}
    for j, s in zip(m.junior.tolist(), m.senior.tolist(), strict=True):
        held[j].append(s)
    eps = 1e-9
    blocking = []
    for s in range(len(pool.seniors)):
        for j in range(len(pool.juniors)):
            if partner.get(s) == j:
                continue
            senior_wants = s not in partner or senior_u[j, s] > senior_u[partner[s], s] + eps
            junior_wants = len(held[j]) < capacity or junior_u[j, s] > min(junior_u[j, t] for t in held[j]) + eps
            if senior_wants and junior_wants:
                blocking.append((s, j))
    return blocking


@pytest.mark.parametrize("capacity", [1, 2])
@settings(max_examples=40, deadline=None)
@given(n_juniors=sizes, n_seniors=sizes, seed=seeds)
def test_stable_matching_without_noise_has_no_blocking_pair(n_juniors: int, n_seniors: int, seed: int, capacity: int) -> None:
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    m = call("stable_matching", pool, seed, capacity, noise=0.0)
    assert_valid(m, n_juniors, n_seniors, capacity)
    assert blocking_pairs(pool, m, capacity) == []


def test_blocking_pair_check_can_fail() -> None:
    # The stability check must be able to fail: some assignment of the same pool is blocked.
    pool = make_pool(np.random.default_rng(2), 4, 4)
    assert blocking_pairs(pool, call("stable_matching", pool, 0, 1, noise=0.0), 1) == []
    assignments = (Matching(np.array(perm), np.arange(4)) for perm in itertools.permutations(range(4)))
    assert any(blocking_pairs(pool, m, 1) for m in assignments)


def test_stable_matching_noise_changes_preferences() -> None:
    pool = make_pool(np.random.default_rng(5), 12, 12)
    quiet = call("stable_matching", pool, 1, noise=0.0)
    noisy = [call("stable_matching", pool, seed, noise=5.0) for seed in range(5)]
    assert any(not np.array_equal(quiet.junior[np.argsort(quiet.senior)], n.junior[np.argsort(n.senior)]) for n in noisy)


# --------------------------------------------------------------------------- diversity first


def diversity_key(pool: CandidatePool, m: Matching, bonus: float) -> tuple[int, float, float]:
    """What diversity_first ranks, in order: diverse pairs, total difference plus bonus, total skill gap."""
    diversity = diversity_matrix(pool)
    priority = diversity + bonus * underrepresented(pool)[:, None]
    return int((diversity[m.junior, m.senior] > 0).sum()), total(priority, m), total(gap_matrix(pool), m)


@FAST
@given(
    n_juniors=st.integers(0, 5),
    n_seniors=st.integers(0, 4),
    capacity=st.integers(1, 2),
    seed=seeds,
    bonus=st.sampled_from([0.5, 0.0, 1.5, -0.3, 2.0]),
)
def test_diversity_first_is_lexicographically_optimal(
    n_juniors: int, n_seniors: int, capacity: int, seed: int, bonus: float
) -> None:
    # Brute force over every maximum matching: most diverse pairs, then most difference plus bonus, then most skill gap.
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    keys = [diversity_key(pool, m, bonus) for m in maximum_matchings(n_juniors, n_seniors, capacity)]
    best_count = max(k[0] for k in keys)
    best_priority = max(k[1] for k in keys if k[0] == best_count)
    best_gap = max(k[2] for k in keys if k[0] == best_count and k[1] > best_priority - 1e-9)
    m = call("diversity_first", pool, seed, capacity, underrepresented_bonus=bonus)
    assert_valid(m, n_juniors, n_seniors, capacity)
    count, priority, gap = diversity_key(pool, m, bonus)
    assert count == best_count
    assert priority == pytest.approx(best_priority, abs=1e-9)
    assert gap == pytest.approx(best_gap, abs=1e-9)


@settings(max_examples=15, deadline=None)
@given(n_juniors=st.integers(10, 40), n_seniors=st.integers(10, 30), capacity=capacities, seed=seeds)
def test_diversity_first_tie_break_never_outweighs_diversity_in_large_pools(
    n_juniors: int, n_seniors: int, capacity: int, seed: int
) -> None:
    # With many pairs the summed skill-gap tie-break must still not trade away a diverse pair or any difference.
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    diversity = diversity_matrix(pool)
    primary = 1000.0 * (diversity > 0) + diversity + 0.5 * underrepresented(pool)[:, None]  # 1000 > 30 pairs * 2.5
    rows, cols = linear_sum_assignment(np.repeat(primary, capacity, axis=0), maximize=True)
    best = Matching(rows // capacity, cols)
    m = call("diversity_first", pool, seed, capacity)
    assert diversity_key(pool, m, 0.5)[:2] == pytest.approx(diversity_key(pool, best, 0.5)[:2], abs=1e-9)


@dataclasses.dataclass(frozen=True)
class FixedPool(CandidatePool):
    """A pool whose diversity and teaching-gap matrices are given, to build hard cases for diversity_first."""

    fixed_diversity: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    fixed_gap: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))

    def diversity(self) -> np.ndarray:
        return self.fixed_diversity

    def teaching_gap(self) -> np.ndarray:
        return self.fixed_gap


@pytest.mark.parametrize("n", [3, 15, 40])
@pytest.mark.parametrize("level", ["diverse pairs", "total difference"])
def test_diversity_first_lower_levels_never_outweigh_a_higher_one_however_many_pairs(n: int, level: str) -> None:
    # Junior i may pair with senior i (assignment Y) or senior i + 1 mod n (assignment X); every other pair differs in
    # nothing and so is never worth taking. Y has the larger skill gap in every pair, X wins on a higher level by as
    # little as possible: one more diverse pair, or one more difference. Both gaps grow with n; the choice must not.
    pool = make_pool(np.random.default_rng(n), n, n)
    majority_men = [0] * n, [False] * n  # no junior has priority
    pool = CandidatePool(with_demographics(pool.juniors, *majority_men), with_demographics(pool.seniors, *majority_men))
    y, x = np.arange(n), (np.arange(n) + 1) % n
    diversity = np.zeros((n, n))
    if level == "diverse pairs":  # X: n pairs differing once; Y: n - 1 pairs differing twice and one not at all
        diversity[y, x] = 1.0
        diversity[y, y] = 2.0
        diversity[0, 0] = 0.0
    else:  # X: every pair differs once, one twice; Y: every pair differs once
        diversity[y, x] = 1.0
        diversity[y, y] = 1.0
        diversity[0, 1] = 2.0
    gap = np.zeros((n, n))
    gap[y, y] = 1.0
    fixed = FixedPool(pool.juniors, pool.seniors, pool.topics, fixed_diversity=diversity, fixed_gap=gap)
    m = call("diversity_first", fixed, 0)
    np.testing.assert_array_equal(m.senior[np.argsort(m.junior)], x)


def test_diversity_first_without_differences_maximises_the_skill_gap() -> None:
    # Everyone a majority man: no pair is diverse, no junior has priority, so only the tie-break decides.
    pool = make_pool(np.random.default_rng(13), 7, 5)
    juniors = with_demographics(pool.juniors, [0] * 7, [False] * 7)
    seniors = with_demographics(pool.seniors, [0] * 5, [False] * 5)
    pool = CandidatePool(juniors, seniors, pool.topics)
    gap = gap_matrix(pool)
    assert total(gap, call("diversity_first", pool, 0)) == pytest.approx(total(gap, call("skill_gap_optimal", pool, 0)))


@FAST
@given(n_juniors=sizes, n_seniors=sizes, capacity=capacities, seed=seeds)
def test_diversity_first_never_skips_a_free_underrepresented_junior_for_no_gain(
    n_juniors: int, n_seniors: int, capacity: int, seed: int
) -> None:
    # Swapping a free woman/minority junior in for a matched other junior would gain 0.5 - 0.1 unless she differs less.
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    m = call("diversity_first", pool, seed, capacity)
    under = underrepresented(pool)
    load = np.bincount(m.junior, minlength=n_juniors)
    diversity = diversity_matrix(pool)
    room = np.flatnonzero(under & (load < capacity))
    for j, s in zip(m.junior, m.senior, strict=True):
        if not under[j]:
            assert (diversity[room, s] < diversity[j, s]).all()


@FAST
@given(n_juniors=st.integers(1, 12), n_seniors=st.integers(1, 8), capacity=capacities, seed=seeds)
def test_diversity_first_pairs_everyone_across_a_difference_when_possible(
    n_juniors: int, n_seniors: int, capacity: int, seed: int
) -> None:
    # Typical boards: every senior is a man from the majority. Then a fully diverse matching exists exactly when enough
    # junior places belong to women, other genders or minorities, and diversity_first must find it.
    rng = np.random.default_rng(seed)
    pool = make_pool(rng, n_juniors, n_seniors)
    seniors = with_demographics(pool.seniors, [0] * n_seniors, [False] * n_seniors)
    pool = CandidatePool(pool.juniors, seniors, pool.topics)
    differs = (pool.juniors.gender != 0) | pool.juniors.minority
    m = call("diversity_first", pool, seed, capacity)
    if differs.sum() * capacity >= n_seniors:
        assert (diversity_matrix(pool)[m.junior, m.senior] >= 1).all()
    else:
        assert (diversity_matrix(pool)[m.junior, m.senior] >= 1).sum() == differs.sum() * capacity


@FAST
@given(n_juniors=st.integers(1, 12), n_seniors=st.integers(1, 8), capacity=capacities, seed=seeds)
def test_diversity_first_matches_women_and_minority_juniors_first(
    n_juniors: int, n_seniors: int, capacity: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    pool = make_pool(rng, n_juniors, n_seniors)
    seniors = with_demographics(pool.seniors, [0] * n_seniors, [False] * n_seniors)
    pool = CandidatePool(pool.juniors, seniors, pool.topics)
    under = underrepresented(pool)
    m = call("diversity_first", pool, seed, capacity)
    load = np.bincount(m.junior, minlength=n_juniors)
    if (load[~under] > 0).any():  # an other junior got a senior only once every woman/minority junior is full
        assert (load[under] == capacity).all()
    assert load[under].sum() == min(n_seniors, under.sum() * capacity)


def test_diversity_first_with_juniors_outnumbering_seniors_prefers_women_and_minorities() -> None:
    rng = np.random.default_rng(8)
    pool = make_pool(rng, 6, 2)
    # seniors of another gender (code 2), from the majority: every man or woman junior differs from them in gender alike
    seniors = with_demographics(pool.seniors, [2, 2], [False, False])
    juniors = with_demographics(pool.juniors, [0, 0, 1, 0, 0, 0], [False, False, False, True, False, False])
    pool = CandidatePool(juniors, seniors, pool.topics)
    m = call("diversity_first", pool, seed=0)
    assert sorted(m.junior.tolist()) == [2, 3]


def test_diversity_first_picks_a_fully_diverse_assignment_when_one_exists() -> None:
    pool = make_pool(np.random.default_rng(0), 2, 2, random_topics=False)
    # j0 male majority, j1 male minority; s0 woman minority, s1 male minority.
    # {j0-s1, j1-s0} differs in every pair (1 + 1); {j0-s0, j1-s1} has differences 2 + 0 and a larger skill gap.
    juniors = with_skills(with_demographics(pool.juniors, [0, 0], [False, True]), [1.0, 0.0])
    seniors = with_skills(with_demographics(pool.seniors, [1, 0], [True, True]), [0.0, 0.5])
    pool = CandidatePool(juniors, seniors)
    m = call("diversity_first", pool, seed=0)
    assert (diversity_matrix(pool)[m.junior, m.senior] >= 1).all()


# --------------------------------------------------------------------------- weighted score


@FAST
@given(n_juniors=sizes, n_seniors=sizes, capacity=capacities, seed=seeds)
def test_weighted_score_single_criterion_reproduces_the_dedicated_policy(
    n_juniors: int, n_seniors: int, capacity: int, seed: int
) -> None:
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    similarity, gap = jaccard_matrix(pool), gap_matrix(pool)
    by_similarity = call("weighted_score", pool, seed, capacity, weights={"similarity": 1})
    by_gap = call("weighted_score", pool, seed, capacity, weights={"skill_gap": 1})
    assert total(similarity, by_similarity) == pytest.approx(total(similarity, call("common_interests", pool, seed, capacity)))
    assert total(gap, by_gap) == pytest.approx(total(gap, call("skill_gap_optimal", pool, seed, capacity)))


def test_weighted_score_weights_select_the_criterion() -> None:
    pool = make_pool(np.random.default_rng(12), 8, 8)
    similarity, gap = jaccard_matrix(pool), gap_matrix(pool)
    by_similarity = call("weighted_score", pool, 0, weights={"similarity": 1})
    by_gap = call("weighted_score", pool, 0, weights={"skill_gap": 1})
    assert total(similarity, by_similarity) > total(similarity, by_gap)
    assert total(gap, by_gap) > total(gap, by_similarity)


@pytest.mark.parametrize("weights", [{"speed": 1.0}, {"similarity": 1.0, "seniority": 2.0}])
def test_weighted_score_rejects_unknown_criteria(weights: dict[str, float]) -> None:
    pool = make_pool(np.random.default_rng(0), 3, 3)
    with pytest.raises(ConfigError, match=r"criteria are \['diversity', 'similarity', 'skill_gap'\]") as info:
        call("weighted_score", pool, 0, weights=weights)
    assert info.value.field == "programme.policy_params.weights"


def test_weighted_score_unknown_criterion_in_a_run_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        rmsim.run(seed=1, employees=200, weeks=2, programme={"policy": "weighted_score", "policy_params": {"weights": {"x": 1}}})
    assert info.value.field == "programme.policy_params.weights"


def test_programme_rejects_unknown_weight_criteria_up_front() -> None:
    with pytest.raises((ConfigError, ValidationError), match=r"programme\.policy_params\.weights"):
        Programme(policy="weighted_score", policy_params={"weights": {"speed": 1.0}})
    # even when no cohort starts before the horizon
    late = {"policy": "weighted_score", "policy_params": {"weights": {"speed": 1.0}}, "start_week": 50}
    with pytest.raises(ConfigError) as info:
        rmsim.run(seed=1, employees=200, weeks=2, programme=late)
    assert info.value.field == "programme.policy_params.weights"


CRITERIA = "criteria are ['diversity', 'similarity', 'skill_gap']"
WEIGHTS = "programme.policy_params.weights"
MIN_SCORE = "programme.policy_params.min_score"


@pytest.mark.parametrize(
    ("params", "field", "needles"),
    [
        ({"weights": {"speed": 1.0}}, WEIGHTS, ("unknown criteria ['speed']", CRITERIA)),
        ({"weights": {"similarity": 1.0, "diversity": -0.5}}, WEIGHTS, ("invalid weights {'diversity': -0.5}", CRITERIA)),
        ({"weights": {"similarity": float("nan")}}, WEIGHTS, ("invalid weights", "finite weight >= 0")),
        ({"weights": {"similarity": float("inf")}}, WEIGHTS, ("invalid weights", "finite weight >= 0")),
        ({"weights": {"similarity": "high"}}, WEIGHTS, ("invalid weights {'similarity': 'high'}", CRITERIA)),
        ({"weights": {"similarity": True}}, WEIGHTS, ("invalid weights", CRITERIA)),
        ({"weights": {}}, WEIGHTS, ("every weight is 0", "at least one weight > 0")),
        ({"weights": {"similarity": 0, "diversity": 0.0}}, WEIGHTS, ("every weight is 0", CRITERIA)),
        ({"weights": [1.0, 2.0]}, WEIGHTS, ("a mapping of criteria to weights", CRITERIA)),
        ({"min_score": float("nan")}, MIN_SCORE, ("a finite number", "or None")),
        ({"min_score": "low"}, MIN_SCORE, ("'low'", "a finite number")),
    ],
    ids=["unknown", "negative", "nan", "inf", "text", "bool", "empty", "all-zero", "list", "min-score-nan", "min-score-text"],
)
def test_programme_rejects_invalid_weighted_score_params_up_front(
    params: dict[str, object], field: str, needles: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as info:
        Programme(policy="weighted_score", policy_params=params)
    cause = info.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, ConfigError) and cause.field == field
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"programme": {"policy": "weighted_score", "policy_params": params}})
    message = str(caught.value)
    assert caught.value.field == field and message.startswith(f"{field} = ") and "\n" not in message
    for needle in needles:
        assert needle in message
    # a direct call of the policy rejects them too
    pool = make_pool(np.random.default_rng(0), 3, 3)
    with pytest.raises(ConfigError) as direct:
        call("weighted_score", pool, 0, **params)
    assert direct.value.field == field


@pytest.mark.parametrize(
    ("policy", "params", "field", "allowed"),
    [
        ("diversity_first", {"underrepresented_bonus": float("nan")}, "underrepresented_bonus", "a finite number"),
        ("diversity_first", {"underrepresented_bonus": "high"}, "underrepresented_bonus", "a finite number"),
        ("stable_matching", {"noise": -0.1}, "noise", "a finite number >= 0"),
        ("stable_matching", {"noise": float("inf")}, "noise", "a finite number >= 0"),
    ],
)
def test_programme_rejects_invalid_policy_parameter_values(
    policy: str, params: dict[str, object], field: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"programme": {"policy": policy, "policy_params": params}})
    assert caught.value.field == f"programme.policy_params.{field}"
    assert str(caught.value).endswith(f": {allowed}")


@FAST
@given(n_juniors=sizes, n_seniors=sizes, capacity=capacities, seed=seeds, min_score=st.floats(0.0, 1.0))
def test_weighted_score_min_score_drops_exactly_the_low_pairs(
    n_juniors: int, n_seniors: int, capacity: int, seed: int, min_score: float
) -> None:
    pool = make_pool(np.random.default_rng(seed), n_juniors, n_seniors)
    similarity = jaccard_matrix(pool)
    full = call("weighted_score", pool, seed, capacity, weights={"similarity": 1})
    kept = call("weighted_score", pool, seed, capacity, weights={"similarity": 1}, min_score=min_score)
    assert_valid(kept, n_juniors, n_seniors, capacity)
    assert (similarity[kept.junior, kept.senior] >= min_score - 1e-12).all()
    expected = {(j, s) for j, s in zip(full.junior.tolist(), full.senior.tolist(), strict=True) if similarity[j, s] >= min_score}
    assert set(zip(kept.junior.tolist(), kept.senior.tolist(), strict=True)) == expected


def test_weighted_score_min_score_can_leave_everyone_unmatched() -> None:
    pool = make_pool(np.random.default_rng(1), 5, 5)
    assert len(call("weighted_score", pool, 0)) == 5
    assert len(call("weighted_score", pool, 0, min_score=100.0)) == 0


def test_weighted_score_capacity_lets_one_junior_take_several_seniors() -> None:
    pool = make_pool(np.random.default_rng(6), 1, 3)
    assert len(call("weighted_score", pool, 0, capacity=1)) == 1
    m = call("weighted_score", pool, 0, capacity=3)
    assert m.junior.tolist() == [0, 0, 0] and sorted(m.senior.tolist()) == [0, 1, 2]


def test_weighted_score_default_weights_differ_from_a_dict_without_them() -> None:
    # Missing criteria weigh 0 once a dict is given: {'diversity': 1} must maximise total diversity alone.
    pool = make_pool(np.random.default_rng(9), 4, 4)
    diversity = diversity_matrix(pool)
    m = call("weighted_score", pool, 0, weights={"diversity": 1})
    assert total(diversity, m) == pytest.approx(brute_force_best(diversity, 1))


# --------------------------------------------------------------------------- registry


def test_register_policy_decorator_makes_a_policy_usable_in_a_run(policy_name: str) -> None:
    calls: list[tuple[int, int, int]] = []

    def first_come(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
        calls.append((len(pool.juniors), len(pool.seniors), capacity))
        k = min(len(pool.juniors), len(pool.seniors))
        return Matching(np.arange(k), np.arange(k))

    returned = rmsim.register_policy(policy_name, description="Pair the first juniors with the first seniors.")(first_come)
    assert returned is first_come
    assert rmsim.available_policies()[policy_name].function is first_come
    result = rmsim.run(seed=1, employees=200, weeks=10, programme={"policy": policy_name})
    assert calls and calls[0][2] == 1
    assert len(result.pairs) == min(calls[0][:2]) > 0
    assert result.pairs["reverse"].all()


def test_register_policy_reverse_false_makes_seniors_mentor(policy_name: str) -> None:
    @rmsim.register_policy(policy_name, description="Classic mentoring, first come.", reverse=False)
    def classic(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
        k = min(len(pool.juniors), len(pool.seniors))
        return Matching(np.arange(k), np.arange(k))

    pairs = rmsim.run(seed=2, employees=200, weeks=4, programme={"policy": policy_name}).pairs
    assert len(pairs) > 0 and not pairs["reverse"].any()
    assert (level_codes(pairs["mentor_level"]) > level_codes(pairs["mentee_level"])).all()


def test_registering_an_existing_name_needs_replace(policy_name: str) -> None:
    def one(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
        return Matching(np.empty(0), np.empty(0))

    def two(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
        return Matching(np.empty(0), np.empty(0))

    rmsim.register_policy(policy_name, description="one")(one)
    with pytest.raises(ConfigError, match="already registered"):
        rmsim.register_policy(policy_name, description="two")(two)
    assert get_policy(policy_name).function is one
    rmsim.register_policy(policy_name, description="two", replace=True)(two)
    assert get_policy(policy_name).function is two and get_policy(policy_name).description == "two"
    with pytest.raises(ConfigError, match="already registered"):
        rmsim.register_policy("random", description="shadow the built-in")(two)
    assert get_policy("random").function is not two


@pytest.mark.parametrize("name", ["", "two words", "dash-name", "dotted.name", "semi;colon", "slash/name"])
def test_register_policy_rejects_bad_names(name: str) -> None:
    before = dict(_REGISTRY)
    with pytest.raises(ConfigError, match="letters, digits and underscores"):
        rmsim.register_policy(name, description="bad")
    assert before == _REGISTRY


@pytest.mark.parametrize("name", [None, 3, 1.5, b"bytes", ["random"], ("a",)])
def test_register_policy_rejects_names_that_are_not_strings(name: object) -> None:
    before = dict(_REGISTRY)
    with pytest.raises(ConfigError) as info:
        rmsim.register_policy(name, description="bad")  # type: ignore[arg-type]
    assert info.value.field == "policy name"
    assert "a non-empty string" in str(info.value) and "letters, digits and underscores" in str(info.value)
    assert before == _REGISTRY


def test_register_policy_rejects_a_check_that_is_not_callable(policy_name: str) -> None:
    with pytest.raises(ConfigError) as info:
        rmsim.register_policy(policy_name, description="bad check", check="positive")  # type: ignore[arg-type]
    assert info.value.field == "policy check"
    assert policy_name not in _REGISTRY


def test_a_policy_check_runs_when_the_programme_is_validated(policy_name: str) -> None:
    seen: list[tuple[dict[str, object], str]] = []

    def check(params: dict[str, object], field: str) -> None:
        seen.append((params, field))
        radius = params.get("radius", 1.0)
        if not isinstance(radius, (int, float)) or radius < 0:
            raise ConfigError(f"{field}.radius", radius, "a number >= 0")

    @rmsim.register_policy(policy_name, description="takes a radius", check=check)
    def near(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1, radius: float = 1.0) -> Matching:
        return Matching(np.empty(0), np.empty(0))

    assert get_policy(policy_name).check is check
    assert Programme(policy=policy_name, policy_params={"radius": 2}).policy_params == {"radius": 2}
    assert seen[-1] == ({"radius": 2}, "programme.policy_params")
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"programme": {"policy": policy_name, "policy_params": {"radius": -1}}})
    assert str(caught.value) == "programme.policy_params.radius = -1: a number >= 0"
    assert caught.value.field == "programme.policy_params.radius"
    # parameters the policy does not take are rejected before the check sees them
    calls = len(seen)
    with pytest.raises(ConfigError) as unknown:
        Scenario.from_dict({"programme": {"policy": policy_name, "policy_params": {"width": 1}}})
    assert unknown.value.field == "programme.policy_params" and len(seen) == calls


def test_a_policy_check_that_raises_a_plain_error_still_names_the_field(policy_name: str) -> None:
    def check(params: dict[str, object], field: str) -> None:
        raise ValueError("radius must be even")

    @rmsim.register_policy(policy_name, description="fussy", check=check)
    def fussy(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1, radius: int = 2) -> Matching:
        return Matching(np.empty(0), np.empty(0))

    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"programme": {"policy": policy_name, "policy_params": {"radius": 3}}})
    assert caught.value.field == "programme.policy_params"
    assert str(caught.value) == f"programme.policy_params = {{'radius': 3}}: policy '{policy_name}': radius must be even"


def test_get_policy_of_an_unknown_name_lists_the_allowed_names() -> None:
    with pytest.raises(ConfigError) as info:
        get_policy("no_such_policy")
    assert info.value.field == "programme.policy"
    for name in BUILTIN:
        assert name in str(info.value)
    with pytest.raises(ConfigError, match="unknown policy"):
        rmsim.run(seed=1, employees=200, weeks=2, programme={"policy": "no_such_policy"})


@pytest.mark.parametrize(
    ("policy", "params"),
    [("random", {"noise": 0.1}), ("stable_matching", {"weights": {}}), ("weighted_score", {"noise": 0.0}), ("none", {"x": 1})],
)
def test_programme_rejects_parameters_the_policy_does_not_take(policy: str, params: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match=r"programme\.policy_params") as info:
        Programme(policy=policy, policy_params=params)
    cause = info.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, ConfigError) and cause.field == "programme.policy_params"
    with pytest.raises(ConfigError) as run_info:
        rmsim.run(seed=1, employees=200, weeks=2, programme={"policy": policy, "policy_params": params})
    assert run_info.value.field == "programme.policy_params"


@pytest.mark.parametrize(
    ("policy", "params"),
    [
        ("stable_matching", {"noise": 0.0}),
        ("diversity_first", {"underrepresented_bonus": 1.0}),
        ("weighted_score", {"min_score": 0.2}),
        ("weighted_score", {"min_score": None, "weights": {"diversity": 1}}),
        ("weighted_score", {"weights": {"skill_gap": 0, "similarity": 2.5, "diversity": 0.0}}),
        ("diversity_first", {"underrepresented_bonus": 0}),
        ("diversity_first", {"underrepresented_bonus": -1.0}),
        ("stable_matching", {"noise": 0}),
    ],
)
def test_programme_accepts_the_policy_parameters(policy: str, params: dict[str, object]) -> None:
    assert Programme(policy=policy, policy_params=params).policy_params == params


def test_a_policy_with_var_keywords_accepts_any_parameter(policy_name: str) -> None:
    @rmsim.register_policy(policy_name, description="takes anything")
    def anything(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1, **params: object) -> Matching:
        return Matching(np.empty(0), np.empty(0))

    assert Programme(policy=policy_name, policy_params={"whatever": 3}).policy_params == {"whatever": 3}


def bad_policy(result: Callable[[CandidatePool], object], *, reverse: bool = True) -> PairingPolicy:
    def function(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
        return result(pool)  # type: ignore[return-value]

    return PairingPolicy("broken", function, "returns a bad result", reverse)


OUTSIDE = "returned an index outside the candidate pool"
TWO_MENTORS = "gave a mentee more than one mentor"
OVER_CAPACITY = r"gave a mentor more than capacity=1 mentees"


@pytest.mark.parametrize(
    ("result", "reverse", "error", "message"),
    [
        (lambda pool: Matching(np.array([0, 1]), np.array([2, 2])), True, ValueError, TWO_MENTORS),
        (lambda pool: Matching(np.array([0, 0]), np.array([0, 1])), True, ValueError, OVER_CAPACITY),
        (lambda pool: Matching(np.array([0, 0]), np.array([0, 1])), False, ValueError, TWO_MENTORS),
        (lambda pool: Matching(np.array([0, 1]), np.array([2, 2])), False, ValueError, OVER_CAPACITY),
        (lambda pool: Matching(np.array([0]), np.array([len(pool.seniors)])), True, ValueError, OUTSIDE),
        (lambda pool: Matching(np.array([len(pool.juniors)]), np.array([0])), True, ValueError, OUTSIDE),
        (lambda pool: Matching(np.array([-1]), np.array([0])), True, ValueError, OUTSIDE),
        (lambda pool: Matching(np.array([0, 1]), np.array([0])), True, ValueError, "returned 2 juniors for 1 seniors"),
        (lambda pool: (np.array([0]), np.array([0])), True, TypeError, "returned tuple, not rmsim.Matching"),
        (lambda pool: None, True, TypeError, "returned NoneType"),
    ],
    ids=[
        "senior-twice",
        "junior-over-capacity",
        "traditional-junior-twice",
        "traditional-senior-over-capacity",
        "senior-too-large",
        "junior-too-large",
        "negative",
        "ragged",
        "tuple",
        "none",
    ],
)
def test_pairing_policy_call_rejects_invalid_results(
    result: Callable[[CandidatePool], object], reverse: bool, error: type[Exception], message: str
) -> None:
    pool = make_pool(np.random.default_rng(0), 4, 4)
    with pytest.raises(error, match=f"policy 'broken' {message}"):
        bad_policy(result, reverse=reverse)(pool, np.random.default_rng(0), capacity=1)


@pytest.mark.parametrize("reverse", [True, False])
def test_pairing_policy_call_accepts_a_mentor_with_several_mentees_within_capacity(reverse: bool) -> None:
    pool = make_pool(np.random.default_rng(0), 4, 4)
    mentor, mentees = np.array([1, 1, 1]), np.array([0, 2, 3])
    pairs = Matching(mentor, mentees) if reverse else Matching(mentees, mentor)
    policy = bad_policy(lambda pool: pairs, reverse=reverse)
    assert policy(pool, np.random.default_rng(0), capacity=3) is pairs
    with pytest.raises(ValueError, match="capacity=2"):
        policy(pool, np.random.default_rng(0), capacity=2)


# --------------------------------------------------------------------------- blocked matching (programme.match)


def blocked_size(name: str, n_juniors: int, n_seniors: int, capacity: int, block: int) -> int:
    """Expected size when ``match`` splits the pool into blocks of at most ``block`` seniors."""
    n_blocks = -(-n_seniors // block)
    s_sizes = [len(b) for b in np.array_split(np.arange(n_seniors), n_blocks)]
    j_sizes = [len(b) for b in np.array_split(np.arange(n_juniors), n_blocks)]
    return sum(full_size(name, j, s, capacity) for s, j in zip(s_sizes, j_sizes, strict=True))


@pytest.mark.parametrize("name", MATCH_EVERYONE)
@settings(max_examples=15, deadline=None)
@given(n_juniors=st.integers(0, 30), n_seniors=st.integers(0, 20), capacity=capacities, block=st.integers(1, 6), seed=seeds)
def test_match_in_blocks_is_a_valid_matching_over_the_whole_pool(
    name: str, n_juniors: int, n_seniors: int, capacity: int, block: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    pool = make_pool(rng, n_juniors, n_seniors)
    programme = Programme(policy=name, matching_block=block, mentor_capacity=capacity)
    m = match(get_policy(name), pool, rng, programme)
    assert_valid(m, n_juniors, n_seniors, capacity, reverse=name != "traditional")
    if n_seniors > block:
        assert len(m) == blocked_size(name, n_juniors, n_seniors, capacity, block)
    else:
        assert len(m) == full_size(name, n_juniors, n_seniors, capacity)
    # With at least as many mentors as mentees, every block has enough of them too: every mentee is paired.
    if name != "traditional" and n_juniors >= n_seniors:
        assert len(np.unique(m.senior)) == n_seniors
    if name == "traditional" and n_seniors >= n_juniors:
        assert len(np.unique(m.junior)) == n_juniors


def test_match_splits_a_large_pool_into_blocks() -> None:
    pool = make_pool(np.random.default_rng(3), 60, 20)
    seen: list[tuple[int, int]] = []
    optimal = get_policy("skill_gap_optimal")

    def spy(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
        seen.append((len(pool.juniors), len(pool.seniors)))
        return optimal.function(pool, rng, capacity=capacity)

    policy = PairingPolicy("spy", spy, "records its pools")
    blocked = match(policy, pool, np.random.default_rng(0), Programme(policy="skill_gap_optimal", matching_block=6))
    assert sorted(seen) == [(15, 5)] * 4
    assert_valid(blocked, 60, 20, 1)
    assert len(blocked) == 20
    whole = match(policy, pool, np.random.default_rng(0), Programme(policy="skill_gap_optimal", matching_block=None))
    assert seen[-1] == (60, 20)
    gap = gap_matrix(pool)
    assert total(gap, whole) >= total(gap, blocked) - 1e-9


@pytest.mark.parametrize("name", MATCH_EVERYONE)
@pytest.mark.parametrize("block", [None, 500])
def test_match_without_blocks_is_one_policy_call(name: str, block: int | None) -> None:
    pool = make_pool(np.random.default_rng(21), 30, 12)
    programme = Programme(policy=name, matching_block=block, mentor_capacity=2)
    got = match(get_policy(name), pool, np.random.default_rng(99), programme)
    direct = get_policy(name)(pool, np.random.default_rng(99), capacity=2)
    np.testing.assert_array_equal(got.junior, direct.junior)
    np.testing.assert_array_equal(got.senior, direct.senior)


def test_match_passes_policy_params() -> None:
    pool = make_pool(np.random.default_rng(1), 6, 6)
    programme = Programme(policy="weighted_score", policy_params={"min_score": 100.0}, matching_block=None)
    assert len(match(get_policy("weighted_score"), pool, np.random.default_rng(0), programme)) == 0
    blocked = Programme(policy="weighted_score", policy_params={"min_score": 100.0}, matching_block=2)
    assert len(match(get_policy("weighted_score"), pool, np.random.default_rng(0), blocked)) == 0


# --------------------------------------------------------------------------- roles in a run


@pytest.mark.parametrize("name", REVERSE)
def test_in_a_run_juniors_mentor_seniors_under_reverse_policies(name: str) -> None:
    pairs = rmsim.run(seed=4, employees=300, weeks=8, programme={"policy": name}).pairs
    assert len(pairs) > 0
    assert pairs["reverse"].all()
    assert (level_codes(pairs["mentor_level"]) < level_codes(pairs["mentee_level"])).all()
    assert not (set(pairs["mentor_id"]) & set(pairs["mentee_id"]))
    assert pairs["mentee_id"].is_unique  # each senior takes one mentor (capacity 1)


def test_in_a_run_the_traditional_policy_makes_seniors_mentor() -> None:
    pairs = rmsim.run(seed=4, employees=300, weeks=8, programme={"policy": "traditional"}).pairs
    assert len(pairs) > 0
    assert not pairs["reverse"].any()
    assert (level_codes(pairs["mentor_level"]) > level_codes(pairs["mentee_level"])).all()
    assert pairs["mentor_id"].is_unique


def test_in_a_run_the_none_policy_forms_no_pairs() -> None:
    assert len(rmsim.run(seed=4, employees=300, weeks=8, programme={"policy": "none"}).pairs) == 0


def test_in_a_run_capacity_lets_a_junior_mentor_several_seniors() -> None:
    pairs = rmsim.run(
        seed=4, employees=300, weeks=8, programme={"policy": "skill_gap_optimal", "mentor_capacity": 3, "shortlist_factor": 1.0}
    ).pairs
    counts = pairs["mentor_id"].value_counts()
    assert len(pairs) > 0 and counts.max() > 1 and counts.max() <= 3
    assert pairs["mentee_id"].is_unique


def test_traditional_capacity_lets_a_senior_mentor_several_juniors() -> None:
    pool = make_pool(np.random.default_rng(6), 3, 1)
    assert len(call("traditional", pool, 0, capacity=1)) == 1
    m = call("traditional", pool, 0, capacity=3)
    assert m.senior.tolist() == [0, 0, 0] and sorted(m.junior.tolist()) == [0, 1, 2]
