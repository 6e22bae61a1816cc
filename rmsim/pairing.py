"""Pairing policies: who mentors whom.

A policy is a function with one signature: it takes a :class:`CandidatePool`
(the juniors and seniors who volunteered for a cohort), a
``numpy.random.Generator`` and a mentor ``capacity``, plus its own keyword
parameters, and returns a :class:`Matching` of junior and senior indices. In a
*reverse* policy the junior of each pair mentors the senior; the
``traditional`` control swaps the roles. Each mentee gets one mentor; each
mentor takes at most ``capacity`` mentees.

Policies live in a registry. Register your own with :func:`register_policy`::

    import numpy as np
    import rmsim

    @rmsim.register_policy("same_department", description="Pair within departments, at random.")
    def same_department(pool, rng, *, capacity=1):
        juniors, seniors = [], []
        for dept in np.unique(pool.seniors.department):
            j = rng.permutation(np.flatnonzero(pool.juniors.department == dept))
            s = np.flatnonzero(pool.seniors.department == dept)
            k = min(len(j), len(s))
            juniors += list(j[:k]); seniors += list(s[:k])
        return rmsim.Matching(np.array(juniors, dtype=int), np.array(seniors, dtype=int))

    rmsim.run(programme={"policy": "same_department"})

A policy may also declare a ``check(params, field)`` (``register_policy(...,
check=...)``) that rejects bad values of its parameters when the programme is
validated, before any cohort is matched.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from rmsim.errors import ConfigError
from rmsim.workforce import DOMAINS


@dataclass(frozen=True)
class Side:
    """Features of the candidates on one side of a pool, one entry per candidate.

    Attributes
    ----------
    employee_id, age, level, gender, minority, department, generation : numpy.ndarray
    skills : numpy.ndarray
        ``(n, len(DOMAINS))``.
    willingness, openness : numpy.ndarray
    interests : numpy.ndarray
        ``(n, n_interests)`` boolean talent-profile tags.
    """

    employee_id: np.ndarray
    age: np.ndarray
    level: np.ndarray
    gender: np.ndarray
    minority: np.ndarray
    department: np.ndarray
    generation: np.ndarray
    skills: np.ndarray
    willingness: np.ndarray
    openness: np.ndarray
    interests: np.ndarray

    def __len__(self) -> int:
        return len(self.employee_id)

    def take(self, index: np.ndarray) -> Side:
        """The candidates at ``index``, in that order."""
        return Side(**{name: getattr(self, name)[index] for name in self.__dataclass_fields__})


@dataclass(frozen=True)
class CandidatePool:
    """Juniors and seniors available for one cohort.

    Attributes
    ----------
    juniors, seniors : Side
    topics : numpy.ndarray
        Boolean mask over :data:`rmsim.workforce.DOMAINS`: the programme's topics.
    """

    juniors: Side
    seniors: Side
    topics: np.ndarray = field(default_factory=lambda: np.ones(len(DOMAINS), dtype=bool))

    def subset(self, juniors: np.ndarray, seniors: np.ndarray) -> CandidatePool:
        """A pool of the given juniors and seniors (indices into this pool)."""
        return CandidatePool(self.juniors.take(juniors), self.seniors.take(seniors), self.topics)

    def teaching_gap(self) -> np.ndarray:
        """``(n_juniors, n_seniors)``: sum over topics of how far the junior is ahead."""
        j = self.juniors.skills[:, self.topics]
        s = self.seniors.skills[:, self.topics]
        return np.clip(j[:, None, :] - s[None, :, :], 0.0, None).sum(axis=2)

    def similarity(self) -> np.ndarray:
        """``(n_juniors, n_seniors)``: Jaccard similarity of interest tags (0 when both have none)."""
        return profile_similarity(self.juniors.interests, self.seniors.interests)

    def diversity(self) -> np.ndarray:
        """``(n_juniors, n_seniors)``: number of demographic differences (gender, minority), 0-2."""
        return (self.juniors.gender[:, None] != self.seniors.gender[None, :]).astype(float) + (
            self.juniors.minority[:, None] != self.seniors.minority[None, :]
        )


def profile_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard similarity between every row of boolean ``a`` and every row of ``b``."""
    a = np.asarray(a, dtype=np.float32)  # counts of shared tags are exact in float32
    b = np.asarray(b, dtype=np.float32)
    shared = (a @ b.T).astype(np.float64)
    union = a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - shared
    return np.divide(shared, union, out=np.zeros(shared.shape), where=union > 0)


def pair_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard similarity of interest tags row by row (``a[i]`` with ``b[i]``)."""
    shared = np.count_nonzero(a & b, axis=1)
    union = np.count_nonzero(a | b, axis=1)
    return np.divide(shared, union, out=np.zeros(len(shared)), where=union > 0)


@dataclass(frozen=True)
class Matching:
    """Pairs chosen by a policy: ``junior[i]`` is paired with ``senior[i]``.

    Indices refer to :attr:`CandidatePool.juniors` and
    :attr:`CandidatePool.seniors`.
    """

    junior: np.ndarray
    senior: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "junior", np.asarray(self.junior, dtype=np.int64).ravel())
        object.__setattr__(self, "senior", np.asarray(self.senior, dtype=np.int64).ravel())

    def __len__(self) -> int:
        return len(self.junior)


PolicyFunction = Callable[..., Matching]
ParamsCheck = Callable[[dict[str, object], str], None]
"""``check(params, field)``: raise :class:`ConfigError` naming ``f"{field}.<parameter>"`` for a bad value."""


@dataclass(frozen=True)
class PairingPolicy:
    """A registered policy.

    Attributes
    ----------
    name : str
    function : callable
        ``function(pool, rng, *, capacity=1, **params) -> Matching``.
    description : str
        One line, shown by ``rmsim policies``.
    reverse : bool
        True when the junior mentors the senior.
    check : callable or None
        ``check(params, field)``, called by :meth:`check_params` with the
        parameters given in ``programme.policy_params`` (defaults are not
        filled in) and the dotted path of that field; it raises
        :class:`ConfigError` for a value the policy cannot use.
    """

    name: str
    function: PolicyFunction
    description: str
    reverse: bool = True
    check: ParamsCheck | None = None

    @property
    def parameters(self) -> dict[str, object]:
        """The policy's own keyword parameters and their defaults."""
        signature = inspect.signature(self.function)
        return {name: p.default for name, p in signature.parameters.items() if p.kind == p.KEYWORD_ONLY and name != "capacity"}

    def check_params(self, params: dict[str, object], field: str = "programme.policy_params") -> None:
        """Raise :class:`ConfigError` for parameters the policy does not take or values its ``check`` rejects.

        Parameters
        ----------
        params
            The policy's keyword parameters, as given in ``programme.policy_params``.
        field
            Dotted path of ``params``, used in error messages.
        """
        accepts_any = any(p.kind == p.VAR_KEYWORD for p in inspect.signature(self.function).parameters.values())
        unknown = sorted(set(params) - set(self.parameters))
        if unknown and not accepts_any:
            raise ConfigError(field, params, f"policy '{self.name}' takes {sorted(self.parameters) or 'no parameters'}")
        if self.check is None:
            return
        try:
            self.check(dict(params), field)
        except ConfigError:
            raise
        except (TypeError, ValueError) as error:  # a check that raised a plain error still names the field
            raise ConfigError(field, params, f"policy '{self.name}': {error}") from None

    def __call__(self, pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1, **params: object) -> Matching:
        """Match ``pool`` and check the result is a valid matching."""
        matching = self.function(pool, rng, capacity=capacity, **params)
        if not isinstance(matching, Matching):
            raise TypeError(f"policy '{self.name}' returned {type(matching).__name__}, not rmsim.Matching")
        self._check(matching, len(pool.juniors), len(pool.seniors), capacity)
        return matching

    def _check(self, m: Matching, n_juniors: int, n_seniors: int, capacity: int) -> None:
        name = self.name
        if len(m.junior) != len(m.senior):
            raise ValueError(f"policy '{name}' returned {len(m.junior)} juniors for {len(m.senior)} seniors")
        if len(m) == 0:
            return
        if m.junior.min() < 0 or m.junior.max() >= n_juniors or m.senior.min() < 0 or m.senior.max() >= n_seniors:
            raise ValueError(f"policy '{name}' returned an index outside the candidate pool")
        mentors, mentees = (m.junior, m.senior) if self.reverse else (m.senior, m.junior)
        if len(np.unique(mentees)) != len(mentees):
            raise ValueError(f"policy '{name}' gave a mentee more than one mentor")
        if np.bincount(mentors).max() > capacity:
            raise ValueError(f"policy '{name}' gave a mentor more than capacity={capacity} mentees")


_REGISTRY: dict[str, PairingPolicy] = {}


def register_policy(
    name: str,
    *,
    description: str,
    reverse: bool = True,
    replace: bool = False,
    check: ParamsCheck | None = None,
) -> Callable[[PolicyFunction], PolicyFunction]:
    """Register a pairing policy under ``name`` (use as a decorator).

    Parameters
    ----------
    name
        Name used in ``programme.policy``: a non-empty string of letters,
        digits and underscores.
    description
        One line for ``rmsim policies``.
    reverse
        Whether the junior of each pair is the mentor.
    replace
        Allow replacing an existing policy of the same name.
    check
        Optional ``check(params, field)`` run when a :class:`~rmsim.Programme`
        using the policy is validated: ``params`` holds the keyword parameters
        given in ``programme.policy_params`` and ``field`` its dotted path
        (``"programme.policy_params"``). Raise :class:`ConfigError` naming
        ``f"{field}.<parameter>"``, the value and what is allowed.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.

    Raises
    ------
    ConfigError
        For an invalid name (field ``policy name``), a check that is not
        callable, or a name already registered without ``replace=True``.
    """
    if not isinstance(name, str) or not name or not name.replace("_", "").isalnum():
        raise ConfigError("policy name", name, "a non-empty string; use letters, digits and underscores")
    if check is not None and not callable(check):
        raise ConfigError("policy check", check, "a function check(params, field), or None")

    def decorate(function: PolicyFunction) -> PolicyFunction:
        if name in _REGISTRY and not replace:
            raise ConfigError("policy name", name, "already registered; pass replace=True to replace it")
        _REGISTRY[name] = PairingPolicy(name, function, description, reverse, check)
        return function

    return decorate


def get_policy(name: str, field: str = "programme.policy") -> PairingPolicy:
    """Return the registered policy ``name`` or raise :class:`ConfigError`."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ConfigError(field, name, f"unknown policy; allowed: {', '.join(_REGISTRY)}") from None


def available_policies() -> dict[str, PairingPolicy]:
    """All registered policies, in registration order."""
    return dict(_REGISTRY)


# --------------------------------------------------------------------------- helpers


def _assign(score: np.ndarray, capacity: int) -> Matching:
    """Maximum-total-score assignment; each junior up to ``capacity`` seniors."""
    n_j, n_s = score.shape
    if n_j == 0 or n_s == 0:
        return Matching(np.empty(0), np.empty(0))
    expanded = np.repeat(score, capacity, axis=0)
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    return Matching(rows // capacity, cols)


def _greedy(score: np.ndarray, capacity: int) -> Matching:
    """Repeatedly take the highest-scoring pair whose senior is free and junior has room."""
    n_j, n_s = score.shape
    load = np.zeros(n_j, dtype=np.int64)
    taken = np.zeros(n_s, dtype=bool)
    juniors: list[int] = []
    seniors: list[int] = []
    limit = min(n_s, n_j * capacity)
    for flat in np.argsort(-score, axis=None, kind="stable"):
        j, s = divmod(int(flat), n_s)
        if taken[s] or load[j] >= capacity:
            continue
        taken[s] = True
        load[j] += 1
        juniors.append(j)
        seniors.append(s)
        if len(seniors) == limit:
            break
    return Matching(np.array(juniors, dtype=np.int64), np.array(seniors, dtype=np.int64))


def _scaled(matrix: np.ndarray) -> np.ndarray:
    top = matrix.max() if matrix.size else 0.0
    return matrix / top if top > 0 else np.zeros_like(matrix, dtype=float)


def _is_finite_number(value: object) -> bool:
    """True for a finite real number (not a bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)


def _check_number(
    params: dict[str, object], name: str, field: str, *, minimum: float | None = None, none: str | None = None
) -> None:
    """Raise :class:`ConfigError` unless ``params[name]``, when given, is a finite number ``>= minimum``.

    ``none`` says what None means, when None is allowed.
    """
    if name not in params or (none is not None and params[name] is None):
        return
    value = params[name]
    if not _is_finite_number(value) or (minimum is not None and value < minimum):  # type: ignore[operator]
        allowed = "a finite number" + (f" >= {minimum:g}" if minimum is not None else "")
        raise ConfigError(f"{field}.{name}", value, allowed + (f", or None ({none})" if none is not None else ""))


# --------------------------------------------------------------------------- built-in policies


@register_policy("none", description="No programme: nobody is paired (the control).")
def no_pairs(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
    """Pair nobody."""
    return Matching(np.empty(0), np.empty(0))


def _random(pool: CandidatePool, rng: np.random.Generator, capacity: int) -> Matching:
    slots = rng.permutation(np.repeat(np.arange(len(pool.juniors)), capacity))
    seniors = rng.permutation(len(pool.seniors))
    k = min(len(slots), len(seniors))
    return Matching(slots[:k], seniors[:k])


@register_policy("random", description="Random pairs of volunteers (juniors mentor seniors).")
def random_pairs(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
    """Pair volunteers uniformly at random."""
    return _random(pool, rng, capacity)


@register_policy(
    "traditional",
    description="Random pairs with the roles of classic mentoring: the senior mentors the junior (a control).",
    reverse=False,
)
def traditional(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
    """Random pairs in which the senior is the mentor (so ``capacity`` applies to seniors)."""
    swapped = _random(CandidatePool(pool.seniors, pool.juniors, pool.topics), rng, capacity)
    return Matching(swapped.senior, swapped.junior)


@register_policy("skill_gap_greedy", description="Greedily pair the largest junior-over-senior skill gaps in the topics.")
def skill_gap_greedy(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
    """Take pairs in order of the junior's lead in the programme topics."""
    return _greedy(pool.teaching_gap(), capacity)


@register_policy(
    "skill_gap_optimal", description="Optimal assignment maximising the total junior-over-senior skill gap in the topics."
)
def skill_gap_optimal(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
    """Maximise the summed teaching gap over all pairs (Hungarian algorithm)."""
    return _assign(pool.teaching_gap(), capacity)


@register_policy(
    "common_interests",
    description="Optimal assignment on shared talent-profile interests (The Hartford).",
)
def common_interests(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1) -> Matching:
    """Maximise total interest similarity, as The Hartford matched on common interests (RMExpertise)."""
    return _assign(pool.similarity(), capacity)


def _resolution(bonus: float, n_pairs: int) -> float:
    """Smallest non-zero difference ``|a + bonus * b|`` for integers ``|a| <= 2 n_pairs``, ``|b| <= n_pairs``, at most 1.

    These are the possible differences between two matchings' totals of
    ``diversity + bonus * [junior is under-represented]``. Differences below
    1e-9 count as ties (rounding of ``bonus``).
    """
    multiples = abs(bonus) * np.arange(1, n_pairs + 1)
    distance = np.abs(multiples - np.clip(np.round(multiples), 0, 2 * n_pairs))
    distance = distance[distance > 1e-9]
    return float(min(1.0, distance.min())) if len(distance) else 1.0


def _check_diversity_first(params: dict[str, object], field: str) -> None:
    _check_number(params, "underrepresented_bonus", field)


@register_policy(
    "diversity_first",
    description="Favour pairs that differ in gender or minority status, juniors from under-represented groups first (P&G).",
    check=_check_diversity_first,
)
def diversity_first(
    pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1, underrepresented_bonus: float = 0.5
) -> Matching:
    """Pair across demographic differences, with priority to women and minority juniors.

    A pair is *diverse* when its junior and senior differ in gender or in
    minority status (:meth:`CandidatePool.diversity` > 0). Among the
    assignments that pair as many mentees as the mentors' capacity allows, the
    policy picks, in strict order of priority, one that

    1. has the most diverse pairs;
    2. then has the largest total of ``diversity + underrepresented_bonus`` for
       each junior who is a woman or from a minority;
    3. then has the largest total scaled teaching gap (the tie-break).

    One optimal assignment on a single score does this: the weights of the
    three terms are set from the pool so that no change in a later term can
    outweigh a change in an earlier one.

    Parameters
    ----------
    underrepresented_bonus
        Score added, at the second level, when the junior is a woman or from a
        minority (a finite number).
    """
    n_juniors, n_seniors = len(pool.juniors), len(pool.seniors)
    n_pairs = min(n_seniors, n_juniors * capacity)
    if n_pairs == 0:
        return Matching(np.empty(0), np.empty(0))
    diversity = pool.diversity()
    under = ((pool.juniors.gender == 1) | pool.juniors.minority).astype(float)
    priority = diversity + underrepresented_bonus * under[:, None]
    # totals of `priority` that differ, differ by at least `_resolution`; all tie-breaks together stay below half of it
    tie_weight = _resolution(underrepresented_bonus, n_pairs) / (2 * n_pairs)
    # one more diverse pair outweighs any change in the priority and tie-break totals over n_pairs pairs
    diverse_weight = n_pairs * (float(np.ptp(priority)) + tie_weight) + 1.0
    score = diverse_weight * (diversity > 0) + priority + tie_weight * _scaled(pool.teaching_gap())
    return _assign(score, capacity)


def _check_stable_matching(params: dict[str, object], field: str) -> None:
    _check_number(params, "noise", field, minimum=0.0)


@register_policy(
    "stable_matching",
    description="Deferred acceptance: seniors propose to juniors they learn most from; juniors prefer senior, similar partners.",
    check=_check_stable_matching,
)
def stable_matching(pool: CandidatePool, rng: np.random.Generator, *, capacity: int = 1, noise: float = 0.1) -> Matching:
    """A stable matching (Gale & Shapley 1962) with preferences on both sides.

    Seniors rank juniors by scaled teaching gap plus similarity; juniors rank
    seniors by level (visibility) plus similarity; each preference has
    independent normal noise of standard deviation ``noise`` (finite, >= 0).
    """
    n_j, n_s = len(pool.juniors), len(pool.seniors)
    if n_j == 0 or n_s == 0:
        return Matching(np.empty(0), np.empty(0))
    similarity = pool.similarity()
    senior_utility = _scaled(pool.teaching_gap()) + similarity + noise * rng.standard_normal((n_j, n_s))
    junior_utility = pool.seniors.level[None, :] / 4.0 + similarity + noise * rng.standard_normal((n_j, n_s))
    proposals = np.argsort(-senior_utility, axis=0, kind="stable")  # column s: juniors in s's order
    next_choice = np.zeros(n_s, dtype=np.int64)
    held: list[list[int]] = [[] for _ in range(n_j)]
    free = list(range(n_s))
    while free:
        s = free.pop()
        if next_choice[s] >= n_j:
            continue
        j = int(proposals[next_choice[s], s])
        next_choice[s] += 1
        held[j].append(s)
        if len(held[j]) > capacity:
            worst = min(held[j], key=lambda t: junior_utility[j, t])
            held[j].remove(worst)
            free.append(worst)
    juniors = [j for j in range(n_j) for _ in held[j]]
    seniors = [s for j in range(n_j) for s in held[j]]
    return Matching(np.array(juniors, dtype=np.int64), np.array(seniors, dtype=np.int64))


_DEFAULT_WEIGHTS = {"skill_gap": 1.0, "similarity": 1.0, "diversity": 0.5}


def _weights(weights: object, field: str) -> dict[str, float]:
    """The criteria weights of ``weighted_score`` (defaults for None), or :class:`ConfigError` naming ``field``."""
    if weights is None:
        return dict(_DEFAULT_WEIGHTS)
    allowed = f"criteria are {sorted(_DEFAULT_WEIGHTS)}, each with a finite weight >= 0 and at least one weight > 0"
    if not isinstance(weights, Mapping):
        raise ConfigError(field, weights, f"a mapping of criteria to weights; {allowed}")
    unknown = [name for name in weights if name not in _DEFAULT_WEIGHTS]
    if unknown:
        raise ConfigError(field, weights, f"unknown criteria {unknown}; {allowed}")
    bad = {name: value for name, value in weights.items() if not _is_finite_number(value) or value < 0}
    if bad:
        raise ConfigError(field, weights, f"invalid weights {bad}; {allowed}")
    if not any(value > 0 for value in weights.values()):
        raise ConfigError(field, weights, f"every weight is 0, so every pair would score the same; {allowed}")
    return {name: float(value) for name, value in weights.items()}


def _check_weighted_score(params: dict[str, object], field: str) -> None:
    _weights(params.get("weights"), f"{field}.weights")
    _check_number(params, "min_score", field, none="keep every pair")


@register_policy(
    "weighted_score",
    description="Optimal assignment on a weighted score of skill gap, similarity and diversity (as mentoring software does).",
    check=_check_weighted_score,
)
def weighted_score(
    pool: CandidatePool,
    rng: np.random.Generator,
    *,
    capacity: int = 1,
    weights: dict[str, float] | None = None,
    min_score: float | None = None,
) -> Matching:
    """Maximise a weighted compatibility score; drop pairs scoring below ``min_score``.

    Parameters
    ----------
    weights
        Weights of the criteria ``skill_gap``, ``similarity`` and ``diversity``
        (each scaled to [0, 1] first); missing criteria weigh 0 when a dict is
        given. Each weight is a finite number >= 0 and at least one is > 0.
        Default: 1, 1 and 0.5.
    min_score
        Pairs with a lower weighted score are left unmatched (a finite number,
        or None to keep every pair).

    Raises
    ------
    ConfigError
        For invalid ``weights`` or ``min_score``; a :class:`~rmsim.Programme`
        using this policy rejects them when it is validated.
    """
    _check_number({"min_score": min_score}, "min_score", "programme.policy_params", none="keep every pair")
    weights = _weights(weights, "programme.policy_params.weights")
    score = (
        weights.get("skill_gap", 0.0) * _scaled(pool.teaching_gap())
        + weights.get("similarity", 0.0) * pool.similarity()
        + weights.get("diversity", 0.0) * pool.diversity() / 2.0
    )
    matching = _assign(score, capacity)
    if min_score is not None and len(matching):
        keep = score[matching.junior, matching.senior] >= min_score
        matching = Matching(matching.junior[keep], matching.senior[keep])
    return matching
