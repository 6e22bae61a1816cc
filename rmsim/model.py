"""The Mesa model: an organisation running a reverse-mentoring programme.

One step is one week. Employees are real :class:`mesa.Agent` objects, but
their state lives in NumPy columns (:class:`rmsim.workforce.Workforce`) and
every weekly update is vectorised over the whole workforce; an agent is a thin
view on its row. See ``docs/ODD.md`` for the model description.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from rmsim import careers, engagement, learning, relationships, retention
from rmsim.config import Scenario, validated
from rmsim.errors import ConfigError
from rmsim.pairing import get_policy, pair_similarity
from rmsim.programme import (
    COMPLETED,
    DISSOLVED,
    LEFT,
    ROLE_MENTEE,
    ROLE_MENTOR,
    ROLE_NAMES,
    ROLE_NONE,
    PairLedger,
    candidate_pool,
    match,
)
from rmsim.workforce import (
    DOMAINS,
    GENDERS,
    GENERATION_NAMES,
    LEVELS,
    EmployeeLedger,
    InitialWorkforce,
    PeopleSampler,
    Workforce,
    hiring_profile,
    org_chart,
)

if TYPE_CHECKING:
    from rmsim.results import RunResult

DIGITAL = DOMAINS.index("digital")
YOUNG_BELOW, OLDER_FROM = 35.0, 45.0
"""Age bands compared by the ``digital_gap`` metric: under 35 versus 45 and over."""

EVENT_HIRE, EVENT_EXIT, EVENT_PROMOTION = 0, 1, 2
EVENT_NAMES = {EVENT_HIRE: "hire", EVENT_EXIT: "exit", EVENT_PROMOTION: "promotion"}


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, restoring its previous state.

    Every hire creates a Mesa agent, which Mesa registers in weak-reference
    sets; with hundreds of thousands of such objects alive, the collector's
    full passes cost more than the simulation itself while finding nothing to
    free (the model holds no reference cycles that need collecting mid-run).
    Reference counting still frees memory as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Streams of random numbers, each a child of the run's seed.
_WORKFORCE, _HIRING, _RETENTION, _CAREERS, _PROGRAMME, _MEETINGS, _RELATIONSHIPS = range(7)

_ALIASES = {"policy": "programme.policy", "employees": "organisation.size", "cadence_weeks": "programme.cadence_weeks"}


def _column(name: str, doc: str) -> property:
    def get(self: Employee) -> Any:
        return getattr(self.model.workforce, name)[self.position].item()

    def set_(self: Employee, value: Any) -> None:
        getattr(self.model.workforce, name)[self.position] = value

    return property(get, set_, doc=doc)


class Employee(mesa.Agent):
    """An employee: a thin view on one row of the model's workforce arrays.

    Reading or setting an attribute reads or writes the array at the
    employee's current ``position``. ``unique_id`` is the employee id used in
    every result frame.

    Parameters
    ----------
    model
        The model.
    position
        Index of the employee's position in the workforce arrays.
    """

    def __init__(self, model: ReverseMentoringModel, position: int) -> None:
        super().__init__(model)
        self.position = int(position)

    engagement = _column("engagement", "Work engagement (0-1).")
    felt_value = _column("felt_value", "Feeling of being valued (0-1).")
    inclusion = _column("inclusion", "Sense of inclusion (0-1).")
    visibility = _column("visibility", "Visibility to senior leaders (0-1).")
    sponsorship = _column("sponsorship", "Sponsorship by senior leaders (0-1).")
    willingness = _column("willingness", "Willingness to learn (0-1).")
    openness = _column("openness", "Openness to new ideas (0-1).")
    minority = _column("minority", "Whether the employee belongs to a minority group.")

    @property
    def level(self) -> str:
        """Level name."""
        return LEVELS[self.model.workforce.level[self.position]]

    @property
    def department(self) -> str:
        """Department name."""
        return self.model.department_names[self.model.workforce.department[self.position]]

    @property
    def generation(self) -> str:
        """Generation name."""
        return GENERATION_NAMES[self.model.workforce.generation[self.position]]

    @property
    def gender(self) -> str:
        """``male``, ``female`` or ``other``."""
        return GENDERS[self.model.workforce.gender[self.position]]

    @property
    def age(self) -> float:
        """Age in years now."""
        return float(self.model.year - self.model.workforce.birth_year[self.position])

    @property
    def skills(self) -> dict[str, float]:
        """Skill per domain (0-1)."""
        return dict(zip(DOMAINS, self.model.workforce.skills[:, self.position].tolist(), strict=True))

    @property
    def role(self) -> str:
        """Current programme role: ``mentor``, ``mentee`` or ``none``."""
        return ROLE_NAMES[int(self.model.workforce.role[self.position])]

    @property
    def manager(self) -> Employee | None:
        """The employee in the manager position, if filled."""
        boss = self.model.workforce.manager[self.position]
        return self.model.agent_at(boss) if boss >= 0 else None

    def __repr__(self) -> str:
        return f"Employee(id={self.unique_id}, {self.level}, {self.generation}, age {self.age:.0f}, role={self.role})"


def _metric(model: ReverseMentoringModel, name: str) -> float:
    return model._metrics[name]


class MetricsCollector(mesa.DataCollector):
    """Mesa's DataCollector of the model's weekly metrics, one model reporter per metric.

    The model computes all metrics of a week at once (``ReverseMentoringModel._record``)
    and keeps them in ``model._metrics``; each reporter reads one of them. Mesa's
    ``collect`` would call the reporters one by one and deep-copy every value;
    since each is a plain int or float, :meth:`collect` appends the values to
    ``model_vars`` directly, with the same result. Everything else is Mesa's:
    ``get_model_vars_dataframe``, ``mesa.batch_run`` and any reporter added
    besides the metrics (then Mesa's own ``collect`` runs).

    Parameters
    ----------
    names
        The metrics, in column order (:meth:`ReverseMentoringModel.metric_names`).
    """

    def __init__(self, names: list[str]) -> None:
        super().__init__(model_reporters={name: functools.partial(_metric, name=name) for name in names})

    def collect(self, model: mesa.Model) -> None:
        """Append the model's current metrics to ``model_vars``."""
        columns, metrics = self.model_vars, getattr(model, "_metrics", None)
        if self.agent_reporters or self.agenttype_reporters or metrics is None or columns.keys() != metrics.keys():
            super().collect(model)
            return
        for name, values in columns.items():
            values.append(metrics[name])


def as_scenario(config: Scenario | dict | str | Path | None, overrides: dict[str, Any]) -> Scenario:
    """Turn any accepted scenario input plus dotted overrides into a Scenario."""
    if config is None:
        scenario = Scenario()
    elif isinstance(config, Scenario):
        scenario = config
    elif isinstance(config, dict):
        scenario = validated(Scenario, config)
    elif isinstance(config, (str, Path)):
        scenario = Scenario.from_yaml(config)
    else:
        raise ConfigError("scenario", config, "give a Scenario, a dict, a YAML path or None")
    if overrides:
        paths = {}
        for key, value in overrides.items():
            if isinstance(value, dict) and key in Scenario.model_fields:
                for sub, sub_value in value.items():
                    paths[f"{key}.{sub}"] = sub_value
            else:
                paths[_ALIASES.get(key, key)] = value
        scenario = scenario.with_overrides(paths)
    return scenario


class ReverseMentoringModel(mesa.Model):
    """An organisation over time, into which a mentoring programme is introduced.

    Parameters
    ----------
    config
        A :class:`~rmsim.Scenario`, a dict of scenario fields, a path to a YAML
        file, or None for the defaults.
    seed
        Seed of every random draw in the run. None draws a fresh seed, which is
        kept in ``model.seed``.
    rng
        Accepted for Mesa's ``batch_run``; an integer here is used as the seed.
    **overrides
        Dotted scenario paths (``**{"programme.cadence_weeks": 2}``), the short
        aliases ``policy``, ``employees`` and ``cadence_weeks``, or whole
        sections (``programme={"policy": "random"}``).

    Attributes
    ----------
    config : Scenario
        The validated scenario.
    seed : int
    week : int
        Weeks simulated so far.
    workforce : Workforce
        Per-position NumPy state.
    pairs : PairLedger
        Every pair formed.
    datacollector : mesa.DataCollector
        One row of model-level metrics per week (week 0 is the initial state).

    Examples
    --------
    >>> from rmsim import ReverseMentoringModel
    >>> model = ReverseMentoringModel(seed=1, employees=200, weeks=4)
    >>> model.run_model()
    >>> model.week
    4
    """

    def __init__(
        self,
        config: Scenario | dict | str | Path | None = None,
        *,
        seed: int | None = None,
        rng: int | None = None,
        **overrides: Any,
    ) -> None:
        scenario = as_scenario(config, overrides)
        if seed is None and isinstance(rng, (int, np.integer)):
            seed = int(rng)
        elif rng is not None and seed is None:
            raise ConfigError("rng", rng, "pass an integer seed")
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise ConfigError("seed", seed, "must be an integer >= 0")
        super().__init__(rng=int(seed))
        self.config = scenario
        self.seed = int(seed)
        self.week = 0
        self.started = time.perf_counter()
        self._policy = get_policy(scenario.programme.policy)
        self._rng_retention = self._stream(_RETENTION)
        self._rng_careers = self._stream(_CAREERS)
        self._rng_programme = self._stream(_PROGRAMME)
        self._rng_meetings = self._stream(_MEETINGS)
        self._rng_relationships = self._stream(_RELATIONSHIPS)
        self._launches = {int(w): c for c, w in enumerate(scenario.programme.launch_weeks)}
        self._base_hazard = scenario.retention.weekly_base_hazard()
        with _gc_paused():
            self._setup_workforce()
        self.pairs = PairLedger()
        self._counts: dict[str, float] = dict.fromkeys(_WEEKLY_COUNTS, 0)
        self._totals = {"programme_hours": 0.0, "programme_cost": 0.0, "turnover_cost": 0.0}
        self._events: list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._metrics: dict[str, float] = {}
        self.datacollector = MetricsCollector(self.metric_names())
        self._record()

    # ------------------------------------------------------------------ set-up

    def _stream(self, *key: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def _setup_workforce(self) -> None:
        s = self.config
        initial = InitialWorkforce(s.organisation, s.start_year, self._stream(_WORKFORCE))
        self.department_names = initial.department_names
        self.workforce = Workforce(
            initial.level, initial.department, org_chart(initial.level, initial.department), s.organisation.interests
        )
        n = len(initial.level)
        self._held = np.zeros(n, dtype=bool)
        # The agent of employee id i is at index i - 1 (None once they have left). A list, not a NumPy object
        # array: the garbage collector cannot see references held by an object array, so a model whose agents
        # sat in one (agents and model refer to each other) could never be freed.
        self._agent_by_id: list[Employee | None] = []
        self.ledger = EmployeeLedger(capacity=2 * n)
        self._hire_age_mean, self._hire_age_sd = hiring_profile(initial.level, initial.age)
        self._people = PeopleSampler(s.organisation)
        slopes = np.array(
            [
                s.organisation.skills.digital_per_year,
                s.organisation.skills.business_per_year,
                s.organisation.skills.leadership_per_year,
                s.organisation.skills.inclusion_per_year,
            ]
        )
        self._weekly_growth = np.maximum(slopes, 0.0) / 52.0 if s.learning.experience_growth else np.zeros(len(DOMAINS))
        self._seat(
            np.arange(n),
            initial.people,
            hired_week=-np.rint(initial.tenure * 52).astype(np.int64),
            level_since=-np.rint(initial.level_tenure * 52).astype(np.int64),
            initial=True,
            external_ids=initial.external_ids,
        )
        wf = self.workforce
        self._initial_by_generation = np.bincount(wf.generation, minlength=len(GENERATION_NAMES))
        self._domain_bins = (len(GENERATION_NAMES) + 1) * np.arange(len(DOMAINS))[:, None]

    def _seat(
        self,
        positions: np.ndarray,
        people: dict[str, np.ndarray],
        *,
        hired_week: np.ndarray | int,
        level_since: np.ndarray | int,
        initial: bool,
        external_ids: list[Any] | None = None,
    ) -> np.ndarray:
        """Create agents for new employees at vacant ``positions`` and write their rows."""
        agents = [Employee(self, p) for p in positions.tolist()]
        ids = np.fromiter((a.unique_id for a in agents), dtype=np.int64, count=len(agents))
        self._agent_by_id.extend(agents)  # ids continue the sequence 1, 2, ... (EmployeeLedger.add checks it)
        n = len(positions)
        is_initial = np.full(n, initial)
        columns = {
            **people,
            "baseline_risk": retention.relative_risk(people["engagement_base"], people["inclusion_base"], self.config.retention),
            "employee": ids,
            "hired_week": np.full(n, hired_week),  # one week for all, or one per employee
            "level_since": np.full(n, level_since),
            "initial": is_initial,
        }
        self.workforce.fill(positions, columns)
        level = self.workforce.level[positions]
        self.ledger.add(
            ids,
            {
                "position": positions,
                "hired_week": columns["hired_week"],
                "birth_year": people["birth_year"],
                "age_start": self.year - people["birth_year"],
                "gender": people["gender"],
                "minority": people["minority"],
                "department_start": self.workforce.department[positions],
                "level_start": level,
                "level": level,
                "skills_start": people["skills"].T,
                "initial": is_initial,
            },
            external_ids,
        )
        return ids

    # ------------------------------------------------------------------ schedule

    @property
    def year(self) -> float:
        """Calendar year now (fractional)."""
        return self.config.start_year + self.week / 52.0

    def run_model(self) -> None:
        """Step week by week until the scenario's horizon.

        Python's cyclic garbage collector is paused meanwhile (see
        :func:`_gc_paused`); it is restored afterwards.
        """
        with _gc_paused():
            while self.running:
                self.step()

    def step(self) -> None:
        """Simulate one week, in the order of the ODD schedule."""
        self.week += 1
        self._counts = dict.fromkeys(_WEEKLY_COUNTS, 0)
        self._launch_cohort()
        met = self._hold_meetings()
        self._learn(met)
        self._relate(met)
        self._engage(met)
        self._leave()
        self._promote()
        self._hire()
        self._close_pairs()
        self._record()
        if self.week >= self.config.weeks:
            self.running = False

    # ------------------------------------------------------------------ programme

    def _pair_positions(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ledger = self.ledger.position
        return ledger[self.pairs.mentor[pairs] - 1], ledger[self.pairs.mentee[pairs] - 1]

    def _launch_cohort(self) -> None:
        cohort = self._launches.get(self.week)
        if cohort is None:
            return
        programme, wf, rng = self.config.programme, self.workforce, self._rng_programme
        pool, junior_positions, senior_positions = candidate_pool(rng, wf, self.year, programme)
        if len(pool.juniors) == 0 or len(pool.seniors) == 0:
            return
        matching = match(self._policy, pool, rng, programme)
        if len(matching) == 0:
            return
        juniors, seniors = junior_positions[matching.junior], senior_positions[matching.senior]
        mentor, mentee = (juniors, seniors) if self._policy.reverse else (seniors, juniors)
        rel = self.config.relationships
        formal, prepared = programme.formality == "formal", programme.preparation
        level_gap = wf.level[mentee].astype(np.int64) - wf.level[mentor]
        threat = relationships.status_threat(level_gap, wf.openness[mentee], formal=formal, prepared=prepared, params=rel)
        similarity = pair_similarity(wf.interests[:, mentor].T, wf.interests[:, mentee].T)
        fit = relationships.initial_fit(similarity, threat, formal=formal, prepared=prepared, params=rel)
        quality = np.clip(fit + rel.quality_sd * self._rng_relationships.standard_normal(len(mentor)), 0.0, 1.0)
        topics = programme.topic_mask
        gap = np.clip(wf.skills[:, mentor] - wf.skills[:, mentee], 0.0, None)[topics].sum(axis=0)
        self.pairs.add(
            {
                "mentor": wf.employee[mentor],
                "mentee": wf.employee[mentee],
                "cohort": np.full(len(mentor), cohort),
                "start_week": np.full(len(mentor), self.week),
                "end_week": np.full(len(mentor), self.week + programme.duration_weeks - 1),
                "mentor_level": wf.level[mentor],
                "mentee_level": wf.level[mentee],
                "reverse": np.full(len(mentor), self._policy.reverse),
                "similarity": similarity,
                "diversity": (wf.gender[mentor] != wf.gender[mentee]).astype(np.int8)
                + (wf.minority[mentor] != wf.minority[mentee]),
                "fit": fit,
                "quality_start": quality,
                "quality": quality,
                "mentee_gap_start": gap,
            }
        )
        wf.role[mentor] = ROLE_MENTOR
        wf.role[mentee] = ROLE_MENTEE
        for positions, role in ((mentor, ROLE_MENTOR), (mentee, ROLE_MENTEE)):
            rows = self.ledger.rows(wf.employee[positions])
            first = rows[self.ledger.role[rows] == ROLE_NONE]
            self.ledger.role[first] = role
            self.ledger.cohort[first] = cohort
        self._counts["pairs_started"] += len(mentor)
        if prepared:
            participants = np.unique(np.concatenate([mentor, mentee]))
            self._spend(programme.preparation_hours, participants)

    def _spend(self, hours: float, positions: np.ndarray) -> None:
        self._totals["programme_hours"] += hours * len(positions)
        self._totals["programme_cost"] += hours * float(self.config.costs.hourly_cost(self.workforce.level[positions]).sum())

    def _hold_meetings(self) -> np.ndarray:
        active = self.pairs.active
        if len(active) == 0:
            return active
        programme = self.config.programme
        due = active[(self.week - self.pairs.start_week[active]) % programme.cadence_weeks == 0]
        held = due[self._rng_meetings.random(len(due)) < programme.attendance]
        self.pairs.meetings[held] += 1
        self._counts["meetings"] += len(held)
        mentor, mentee = self._pair_positions(held)
        self._spend(programme.meeting_hours, np.concatenate([mentor, mentee]))
        return held

    def _learn(self, met: np.ndarray) -> None:
        wf, params, programme = self.workforce, self.config.learning, self.config.programme
        if len(met):
            mentor, mentee = self._pair_positions(met)
            mentee_gain, mentor_gain = learning.transfer(
                wf.skills,
                mentor,
                mentee,
                quality=self.pairs.quality[met],
                willingness=wf.willingness,
                openness=wf.openness,
                diversity=self.pairs.diversity[met].astype(float),
                topics=programme.topic_mask,
                reciprocity=programme.reciprocity,
                prepared=programme.preparation,
                params=params,
            )
            learning.apply_gains(wf.skills, mentee, mentee_gain)
            learning.apply_gains(wf.skills, mentor, mentor_gain)
            wf.learner[mentee] = True
            wf.learner[mentor] = True
            self.pairs.mentee_gain[met] += mentee_gain.sum(axis=0)
            self.pairs.mentor_gain[met] += mentor_gain.sum(axis=0)
            if params.spill_over > 0:
                gains = np.zeros_like(wf.skills)
                np.add.at(gains, (slice(None), mentee), mentee_gain)
                np.add.at(gains, (slice(None), mentor), mentor_gain)
                wf.learner[learning.spill_over(wf.skills, wf.manager, gains, wf.willingness, params.spill_over)] = True
        learning.forget(wf.skills, wf.floor, params, np.flatnonzero(wf.learner))
        if self._weekly_growth.any():
            learning.gain_experience(wf.skills, wf.floor, self._weekly_growth)

    def _relate(self, met: np.ndarray) -> None:
        wf, params, pairs = self.workforce, self.config.relationships, self.pairs
        if len(met):
            mentor, mentee = self._pair_positions(met)
            noise = self._rng_relationships.standard_normal(len(met))
            experience = relationships.meeting_experience(
                pairs.fit[met], wf.communication[mentor], wf.openness[mentee], noise, params
            )
            pairs.quality[met] += params.adaptation * (experience - pairs.quality[met])
        active = pairs.active
        if len(active):
            probability = relationships.dissolution_probability(pairs.quality[active], params)
            dissolved = active[self._rng_relationships.random(len(active)) < probability]
            self._end_pairs(dissolved, DISSOLVED)

    def _engage(self, met: np.ndarray) -> None:
        wf, params = self.workforce, self.config.engagement
        engagement.relax(wf.felt_value, wf.felt_value_base, params.felt_value_decay)
        wf.visibility *= 1.0 - params.visibility_decay
        wf.sponsorship *= 1.0 - params.sponsorship_decay
        leaders = engagement.leaders(wf.level, wf.occupied)
        at_hire = self.ledger.skills_start[self.ledger.rows(wf.employee[leaders]), engagement.INCLUSION]
        growth = engagement.climate_growth(wf.skills, leaders, at_hire)
        target = wf.inclusion_base + params.climate_weight * growth * (
            1.0 + (params.minority_climate_multiplier - 1.0) * wf.minority
        )
        engagement.relax(wf.inclusion, target.clip(0.0, 1.0), params.inclusion_decay)
        if len(met):
            mentor, mentee = self._pair_positions(met)
            quality = self.pairs.quality[met]
            gap = np.abs(wf.level[mentee].astype(float) - wf.level[mentor]) / relationships.MAX_LEVEL_GAP
            junior = np.where(wf.level[mentor] <= wf.level[mentee], mentor, mentee)
            engagement.raise_towards_one(wf.felt_value, mentor, params.mentor_felt_value_gain * quality)
            engagement.raise_towards_one(wf.felt_value, mentee, params.mentee_felt_value_gain * quality)
            engagement.raise_towards_one(wf.inclusion, mentor, params.mentor_inclusion_gain * quality)
            engagement.raise_towards_one(wf.visibility, junior, params.visibility_gain * quality * gap)
            engagement.raise_towards_one(wf.sponsorship, junior, params.sponsorship_gain * quality * gap)
        target = engagement.engagement_target(
            wf.engagement_base, wf.felt_value, wf.felt_value_base, wf.inclusion, wf.inclusion_base, params
        )
        engagement.relax(wf.engagement, target, params.adjustment_rate)

    def _end_pairs(self, ended: np.ndarray, status: int) -> None:
        if len(ended) == 0:
            return
        self.pairs.end(ended, status, self.week)
        self._counts[f"pairs_{_STATUS_COUNTS[status]}"] += len(ended)
        wf, ledger = self.workforce, self.ledger.position
        members = np.concatenate([ledger[self.pairs.mentor[ended] - 1], ledger[self.pairs.mentee[ended] - 1]])
        wf.role[members[members >= 0]] = ROLE_NONE
        mentor, mentee = self._pair_positions(self.pairs.active)
        wf.role[mentor] = ROLE_MENTOR
        wf.role[mentee] = ROLE_MENTEE

    def _close_pairs(self) -> None:
        active = self.pairs.active
        done = active[self.pairs.end_week[active] <= self.week]
        if len(done) == 0:
            return
        pairs = self.pairs
        learned = np.clip(
            np.divide(
                pairs.mentee_gain[done],
                pairs.mentee_gap_start[done],
                out=np.zeros(len(done)),
                where=pairs.mentee_gap_start[done] > 0,
            ),
            0.0,
            1.0,
        )
        noise = self._rng_relationships.standard_normal((len(done), 2))
        pairs.rating_business[done], pairs.rating_development[done] = relationships.ratings(
            pairs.quality[done], learned, noise, self.config.relationships
        )
        self._end_pairs(done, COMPLETED)

    # ------------------------------------------------------------------ workforce dynamics

    def _leave(self) -> None:
        wf, params = self.workforce, self.config.retention
        occupied = wf.employee >= 0
        age = wf.age(self.year)
        p_exit = retention.exit_probability(
            age, occupied, wf.engagement, wf.inclusion, wf.baseline_risk, params, base_hazard=self._base_hazard
        )
        p_retire = retention.retirement_probability(age, occupied, params)
        # One uniform per position decides both: retire below p_retire, else quit with probability p_exit.
        u = self._rng_retention.random(len(wf))
        retire = u < p_retire
        leaving = np.flatnonzero(retire | (u < p_retire + (1.0 - p_retire) * p_exit))
        if len(leaving) == 0:
            return
        reason = np.where(retire[leaving], retention.EXIT_RETIRE, retention.EXIT_QUIT).astype(np.int8)
        self._counts["exits"] += len(leaving)
        self._counts["retirements"] += int(np.count_nonzero(reason == retention.EXIT_RETIRE))
        self._counts["quits"] += int(np.count_nonzero(reason == retention.EXIT_QUIT))
        self._totals["turnover_cost"] += self.config.costs.replacement_cost(wf.level[leaving])
        ids = wf.employee[leaving]
        self._log(EVENT_EXIT, ids, wf.level[leaving], wf.level[leaving], reason)
        self._close_records(leaving)
        rows = self.ledger.rows(ids)
        self.ledger.left_week[rows] = self.week
        self.ledger.exit_reason[rows] = reason
        self.ledger.position[rows] = -1
        active = self.pairs.active
        if len(active):  # pairs with a member who left this week (no one in an active pair left before)
            left = self.ledger.left_week == self.week
            gone = left[self.pairs.mentor[active] - 1] | left[self.pairs.mentee[active] - 1]
            self._end_pairs(active[gone], LEFT)
        wf.vacate(leaving)
        for employee in ids.tolist():
            self._agent_by_id[employee - 1].remove()
            self._agent_by_id[employee - 1] = None
        above_entry = leaving[wf.level[leaving] > 0]
        self._held[above_entry] = self._rng_careers.random(len(above_entry)) < self.config.careers.internal_fill_share

    def _close_records(self, positions: np.ndarray) -> None:
        """Copy the final state of the employees at ``positions`` into the ledger."""
        wf = self.workforce
        rows = self.ledger.rows(wf.employee[positions])
        self.ledger.skills_end[rows] = wf.skills[:, positions].T
        self.ledger.engagement_end[rows] = wf.engagement[positions]

    def _promote(self) -> None:
        params = self.config.careers
        if not careers.is_round(self.week, params):
            return
        wf, rng = self.workforce, self._rng_careers
        for level in range(len(LEVELS) - 1, 0, -1):
            vacant = np.flatnonzero(self._held & (wf.level == level) & (wf.employee < 0))
            if len(vacant) == 0:
                continue
            candidates = np.flatnonzero(
                (wf.employee >= 0) & (wf.level == level - 1) & (self.week - wf.level_since >= params.min_weeks_in_level)
            )
            k = min(len(vacant), len(candidates))
            if k == 0:
                continue
            score = careers.promotion_score(
                wf.talent[candidates],
                wf.skills[:, candidates].mean(axis=0),
                wf.visibility[candidates],
                wf.sponsorship[candidates],
                rng.standard_normal(len(candidates)),
                params,
            )
            chosen = candidates[careers.best(score, k)]
            targets = rng.permutation(vacant)[:k]
            self._move(chosen, targets)
            self._held[targets] = False
            if level - 1 > 0:
                self._held[chosen] = rng.random(k) < params.internal_fill_share
        self._held[:] = False

    def _move(self, source: np.ndarray, target: np.ndarray) -> None:
        """Promote the employees at ``source`` into the vacant ``target`` positions."""
        wf = self.workforce
        ids = wf.employee[source]
        self._log(EVENT_PROMOTION, ids, wf.level[target], wf.level[source], np.zeros(len(ids), dtype=np.int8))
        wf.move(source, target)
        wf.level_since[target] = self.week
        rows = self.ledger.rows(ids)
        self.ledger.position[rows] = target
        self.ledger.level[rows] = wf.level[target]
        self.ledger.promotions[rows] += 1
        for employee, position in zip(ids.tolist(), target.tolist(), strict=True):
            self._agent_by_id[employee - 1].position = position
        self._counts["promotions"] += len(ids)

    def _hire(self) -> None:
        wf = self.workforce
        vacant = np.flatnonzero((wf.employee < 0) & ~self._held)
        if len(vacant) == 0:
            return
        rng = self._stream(_HIRING, self.week)
        level = wf.level[vacant]
        age = retention.hire_ages(rng, level, self._hire_age_mean, self._hire_age_sd, self.config.retention)
        people = self._people.draw(rng, age, level, self.year)
        ids = self._seat(vacant, people, hired_week=self.week, level_since=self.week, initial=False)
        self._log(EVENT_HIRE, ids, level, level, np.zeros(len(ids), dtype=np.int8))
        self._counts["hires"] += len(ids)

    def _log(self, event: int, ids: np.ndarray, level: np.ndarray, from_level: np.ndarray, reason: np.ndarray) -> None:
        """Record ``event`` (EVENT_*) this week for the employees ``ids``; :meth:`event_log` assembles the records."""
        self._events.append((self.week, event, ids, level, from_level, reason))

    def event_log(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every hire, exit and promotion so far, in the order they happened.

        Returns
        -------
        tuple of numpy.ndarray
            Six ``int64`` columns: week, event code (``EVENT_*``), employee
            id, level (after a promotion, the new one), level before the event,
            and exit reason code (``rmsim.retention.EXIT_*``; 0 unless an exit).
        """
        if not self._events:
            return tuple(np.empty(0, dtype=np.int64) for _ in range(6))  # type: ignore[return-value]
        weeks, events, *columns = zip(*self._events, strict=True)
        counts = [len(ids) for ids in columns[0]]
        return (
            np.repeat(np.array(weeks, dtype=np.int64), counts),
            np.repeat(np.array(events, dtype=np.int64), counts),
            *(np.concatenate(column).astype(np.int64) for column in columns),
        )

    # ------------------------------------------------------------------ measurement

    @staticmethod
    def metric_names() -> list[str]:
        """Columns of the weekly ``timeseries`` frame, in order."""
        per_generation = [f"headcount_{g}" for g in GENERATION_NAMES] + [f"retention_{g}" for g in GENERATION_NAMES]
        skills = [f"skill_{d}" for d in DOMAINS] + [f"skill_{d}_{g}" for d in DOMAINS for g in GENERATION_NAMES]
        return [
            "week",
            "year",
            "headcount",
            "open_positions",
            *_WEEKLY_COUNTS,
            "active_pairs",
            "mean_engagement",
            "mean_felt_value",
            "mean_inclusion",
            "inclusion_climate",
            "digital_gap",
            *skills,
            *per_generation,
            "programme_hours",
            "programme_cost",
            "turnover_cost",
        ]

    def _record(self) -> None:
        """Compute this week's metrics (see :meth:`metric_names`) and hand them to the DataCollector."""
        wf = self.workforce
        occupied = wf.employee >= 0
        n_gen = len(GENERATION_NAMES)
        # Vacant positions are counted in an extra bin and dropped, so no masked copies are made.
        generation = np.where(occupied, wf.generation, n_gen)
        headcount = np.bincount(generation, minlength=n_gen + 1)[:n_gen]
        still_here = np.bincount(generation[wf.initial], minlength=n_gen + 1)[:n_gen]
        staff = int(headcount.sum())
        age = self.year - wf.birth_year
        band = np.where(occupied, (age >= YOUNG_BELOW).astype(np.int8) + (age >= OLDER_FROM), 3)
        digital = np.bincount(band, weights=wf.skills[DIGITAL], minlength=4)
        in_band = np.bincount(band, minlength=4)
        gap = digital[0] / in_band[0] - digital[2] / in_band[2] if in_band[0] and in_band[2] else np.nan
        # Skill totals by domain and generation in one bincount: domain d uses bins d * (n_gen + 1) + generation.
        # Each bin still adds its employees in position order, so the sums are those of one bincount per domain.
        bins = generation + self._domain_bins
        totals = np.bincount(bins.ravel(), weights=wf.skills.ravel(), minlength=self._domain_bins.size * (n_gen + 1))
        totals = totals.reshape(len(DOMAINS), n_gen + 1)[:, :n_gen]
        with np.errstate(invalid="ignore", divide="ignore"):
            skill = (totals.sum(axis=1) / staff).tolist()
            skill_by_generation = (totals / headcount).ravel().tolist()
            retention_share = (still_here / self._initial_by_generation).tolist()
        m: dict[str, float] = {
            "week": self.week,
            "year": self.year,
            "headcount": staff,
            "open_positions": len(wf) - staff,
            **self._counts,
            "active_pairs": len(self.pairs.active),
            "mean_engagement": float(np.sum(wf.engagement, where=occupied)) / staff,
            "mean_felt_value": float(np.sum(wf.felt_value, where=occupied)) / staff,
            "mean_inclusion": float(np.sum(wf.inclusion, where=occupied)) / staff,
            "inclusion_climate": engagement.inclusion_climate(wf.skills, engagement.leaders(wf.level, occupied)),
            "digital_gap": float(gap),
        }
        m.update(zip(_SKILL, skill, strict=True))
        m.update(zip(_SKILL_BY_GENERATION, skill_by_generation, strict=True))
        m.update(zip(_HEADCOUNT_BY_GENERATION, headcount.tolist(), strict=True))
        m.update(zip(_RETENTION_BY_GENERATION, retention_share, strict=True))
        m.update(self._totals)
        self._metrics = m
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ access

    def agent_at(self, position: int) -> Employee | None:
        """The employee agent at ``position``, or None if it is vacant."""
        employee = self.workforce.employee[position]
        return self._agent_by_id[employee - 1] if employee >= 0 else None

    def result(self) -> RunResult:
        """Collect the run's tidy result frames (see :class:`rmsim.results.RunResult`)."""
        from rmsim.results import build_result

        return build_result(self)

    def _release(self) -> None:
        """Drop Mesa's own reference to this model, so that Python can free it once it is no longer used.

        Mesa 3.3 counts each model's agent ids in ``mesa.Agent._ids``, a
        class-level dict keyed by the model, which keeps every model ever made
        alive, with its agents and arrays (Mesa issue 3179, fixed in later
        releases; there this does nothing). Call it only on a model that will
        create no more agents: :func:`run` and ``rmsim.experiment.execute_run``
        call it once the result is built, so that a process running many
        models (an experiment's worker) does not keep them all.
        """
        counters = getattr(mesa.Agent, "_ids", None)
        if isinstance(counters, dict):
            counters.pop(self, None)


_WEEKLY_COUNTS = (
    "hires",
    "exits",
    "quits",
    "retirements",
    "promotions",
    "pairs_started",
    "meetings",
    "pairs_completed",
    "pairs_dissolved",
    "pairs_left",
)
_STATUS_COUNTS = {COMPLETED: "completed", DISSOLVED: "dissolved", LEFT: "left"}
_SKILL = tuple(f"skill_{d}" for d in DOMAINS)
_SKILL_BY_GENERATION = tuple(f"skill_{d}_{g}" for d in DOMAINS for g in GENERATION_NAMES)
_HEADCOUNT_BY_GENERATION = tuple(f"headcount_{g}" for g in GENERATION_NAMES)
_RETENTION_BY_GENERATION = tuple(f"retention_{g}" for g in GENERATION_NAMES)


def run(
    scenario: Scenario | dict | str | Path | None = None,
    *,
    seed: int | None = None,
    **overrides: Any,
) -> RunResult:
    """Run one simulation to the scenario's horizon and return its result.

    Parameters
    ----------
    scenario
        A :class:`~rmsim.Scenario`, a dict of fields, a YAML path, or None for
        the defaults.
    seed
        Seed of every random draw; the same seed and scenario give identical
        results. None draws a fresh seed (recorded in the result).
    **overrides
        Dotted scenario paths, the aliases ``policy``, ``employees`` and
        ``cadence_weeks``, or whole sections; see
        :class:`ReverseMentoringModel`.

    Returns
    -------
    RunResult
        Tidy frames ``timeseries``, ``employees``, ``pairs`` and ``events``.

    Examples
    --------
    >>> import rmsim
    >>> result = rmsim.run(seed=3, employees=300, weeks=26, policy="random")
    >>> int(result.timeseries["week"].iloc[-1])
    26
    """
    model = ReverseMentoringModel(scenario, seed=seed, **overrides)
    model.run_model()
    result = model.result()
    model._release()
    return result
