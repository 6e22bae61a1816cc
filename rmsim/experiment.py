"""Experiments: replications, grids and sampled designs over scenarios.

An :class:`Experiment` names a base scenario, a design over its fields (a full
``grid`` and/or a Latin-hypercube or Sobol ``sample`` over ranges), a number of
replications and a master seed. Its *arms* are the design points; its *runs*
are arms × replications.

Replication ``r`` of every arm uses the same seed (common random numbers), so
arms are compared on the same simulated organisation and the same chance
events wherever the design does not change them.

:func:`run_experiment` runs the runs on a backend — ``serial``, ``processes``
(the default) or ``dask`` — and writes each finished run atomically into a
result folder (see :mod:`rmsim.store`); running it again resumes.
:func:`rmsim.load_results` reads the folder back.

Examples
--------
>>> import rmsim
>>> experiment = rmsim.Experiment.from_dict(
...     {"name": "demo", "scenario": {"weeks": 8, "organisation": {"size": 200}},
...      "grid": {"policy": ["none", "random"]}, "replications": 2, "seed": 1})
>>> [arm for arm in experiment.arms()]
[{'policy': 'none'}, {'policy': 'random'}]
>>> len(experiment.runs())
4
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from rmsim._base import Params
from rmsim.config import Scenario, read_yaml, resolve_paths, validated
from rmsim.errors import ConfigError

BACKENDS = ("serial", "processes", "dask")
"""Names accepted by ``backend``."""

_ALIASES = {"policy": "programme.policy", "employees": "organisation.size", "cadence_weeks": "programme.cadence_weeks"}
_NAME_CHARS = "letters, digits, '-', '_' and '.' (it names the results folder)"


class SampleDesign(Params):
    """A sampled design over continuous ranges of scenario fields.

    Attributes
    ----------
    method : {"lhs", "sobol"}
        Latin hypercube or scrambled Sobol' sequence (``scipy.stats.qmc``).
    n : int
        Number of design points (for Sobol', a power of two is best).
    factors : dict
        ``{"dotted.field": [low, high]}``. Fields whose default is an integer
        get integer values (rounded).
    """

    method: Literal["lhs", "sobol"] = Field("lhs", description="Sampling method.")
    n: int = Field(8, ge=1, le=100_000, description="Number of design points.")
    factors: dict[str, tuple[float, float]] = Field(description="Ranges to sample: field -> [low, high].")

    @field_validator("factors")
    @classmethod
    def _ranges(cls, factors: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        if not factors:
            raise ConfigError("sample.factors", factors, "give at least one field with a [low, high] range")
        for name, (low, high) in factors.items():
            if not np.isfinite([low, high]).all() or not low <= high:
                raise ConfigError(f"sample.factors.{name}", [low, high], "must be [low, high] with finite low <= high")
        return factors


class Experiment(Params):
    """A design of simulation runs: arms × replications under a master seed.

    Parameters
    ----------
    name : str
        Names the results folder (``results/<name>/``).
    description : str
        Free text.
    scenario : Scenario
        The base scenario every arm modifies (in YAML: inline fields or the
        path of a scenario file, relative to the experiment file).
    grid : dict
        Full factorial design: ``{factor: [values]}``, where a factor is a
        dotted scenario field (``programme.cadence_weeks``) or one of the
        aliases ``policy``, ``employees``, ``cadence_weeks``.
    designs : list of dict
        Hand-picked design points, e.g. ``[{"policy": "none"}, {"policy":
        "random", "cadence_weeks": 2}]``: each is one arm (crossed with the
        grid and the sample). A factor a design leaves out takes the base
        scenario's value, so every arm has every factor.
    sample : SampleDesign or None
        A Latin-hypercube or Sobol' design over ranges, crossed with the grid.
    replications : int
        Runs of each arm. Replication ``r`` of every arm has the same seed.
    seed : int
        Master seed; every run's seed is derived from it.
    control : dict or None
        Factor values of the control arm for paired contrasts; by default
        ``{"policy": "none"}`` when the grid varies the policy and includes
        ``none``.
    """

    name: str = Field(pattern=r"^[A-Za-z0-9._-]+$", min_length=1, description="Names the results folder.")
    description: str = Field("", description="Free text.")
    scenario: Scenario = Field(default_factory=Scenario, description="Base scenario.")
    grid: dict[str, list[Any]] = Field(default_factory=dict, description="Full factorial design.")
    designs: list[dict[str, Any]] = Field(
        default_factory=list, description="Hand-picked design points, each {factor: value}; crossed with the grid."
    )
    sample: SampleDesign | None = Field(None, description="Sampled design over ranges.")
    replications: int = Field(10, ge=1, le=100_000, description="Runs of each arm.")
    seed: int = Field(2026, ge=0, description="Master seed.")
    control: dict[str, Any] | None = Field(None, description="Factor values of the control arm.")

    @field_validator("grid")
    @classmethod
    def _grid(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for factor, values in grid.items():
            if not isinstance(values, list) or not values:
                raise ConfigError(f"grid.{factor}", values, "must be a non-empty list of values")
            if len({json.dumps(v, sort_keys=True, default=str) for v in values}) != len(values):
                raise ConfigError(f"grid.{factor}", values, "values must be distinct")
        return grid

    @field_validator("designs")
    @classmethod
    def _designs(cls, designs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, design in enumerate(designs):
            if not isinstance(design, dict) or not design:
                raise ConfigError(f"designs[{i}]", design, "must be a non-empty mapping of factor: value")
        if len({json.dumps(d, sort_keys=True, default=str) for d in designs}) != len(designs):
            raise ConfigError("designs", designs, "designs must be distinct")
        return designs

    @model_validator(mode="after")
    def _design(self, info: ValidationInfo) -> Experiment:
        factors = list(self.grid) + self._design_factors() + (list(self.sample.factors) if self.sample else [])
        paths = [_ALIASES.get(f, f) for f in factors]
        if len(set(paths)) != len(paths):
            raise ConfigError("grid", factors, "each scenario field may appear once across grid and sample")
        for factor in factors:
            if factor in ("run_id", "arm", "replication", "seed", "status", "error"):
                raise ConfigError(f"grid.{factor}", factor, "this name is reserved for the runs table")
        # every grid value must make a valid scenario (each value checked on its own: clear messages);
        # results already written are read back without this check (a user policy may not be registered then)
        check_values = not (info.context or {}).get("results_only")
        for factor, values in self.grid.items() if check_values else ():
            for value in values:
                try:
                    self.scenario.with_overrides({_ALIASES.get(factor, factor): value})
                except ConfigError as error:
                    raise ConfigError(f"grid.{factor}", value, f"{error.field} = {error.value!r}: {error.allowed}") from None
        for i, design in enumerate(self.designs if check_values else ()):
            try:
                self.scenario.with_overrides({_ALIASES.get(k, k): v for k, v in design.items()})
            except ConfigError as error:
                raise ConfigError(f"designs[{i}]", design, f"{error.field} = {error.value!r}: {error.allowed}") from None
        if self.sample:
            data = self.scenario.to_dict()
            for factor, (low, high) in self.sample.factors.items():
                path = _ALIASES.get(factor, factor)
                try:
                    current = _get(data, path)
                except (KeyError, TypeError):
                    current = None
                if isinstance(current, bool) or not isinstance(current, (int, float)):
                    raise ConfigError(f"sample.factors.{factor}", factor, "not a numeric scenario field")
                for value in (low, high):
                    value = round(value) if isinstance(current, int) else value
                    try:
                        self.scenario.with_overrides({path: value})
                    except ConfigError as error:
                        raise ConfigError(f"sample.factors.{factor}", [low, high], error.allowed) from None
        if self.control is not None:
            chosen = list(self.grid) + self._design_factors()
            unknown = sorted(set(self.control) - set(chosen))
            if unknown:
                raise ConfigError(
                    "control", self.control, f"control factors must be grid or design factors ({', '.join(chosen)})"
                )
            for factor, value in self.control.items():
                if factor in self.grid and value not in self.grid[factor]:
                    raise ConfigError(f"control.{factor}", value, f"must be one of the grid's values {self.grid[factor]}")
            if not any(all(arm.get(k) == v for k, v in self.control.items()) for arm in self._chosen_arms()):
                raise ConfigError("control", self.control, "no arm of the grid and designs has these values")
        return self

    def _design_factors(self) -> list[str]:
        return list(dict.fromkeys(k for design in self.designs for k in design))

    def _chosen_arms(self) -> list[dict[str, Any]]:
        """The grid crossed with the hand-picked designs (each completed with the base scenario's values)."""
        grid = [dict(zip(self.grid, values, strict=True)) for values in itertools.product(*self.grid.values())]
        names = self._design_factors()
        data = self.scenario.to_dict() if names else {}
        designs = [{n: d.get(n, _get(data, _ALIASES.get(n, n))) for n in names} for d in self.designs] or [{}]
        return [{**g, **d} for g in grid for d in designs]

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_yaml(cls, path: str | Path) -> Experiment:
        """Load and validate an experiment file.

        A ``scenario`` given as a string is the path of a scenario file,
        relative to the experiment file's folder; census paths are resolved the
        same way. Raises :class:`~rmsim.errors.ConfigError` naming the field.
        """
        path = Path(path)
        return cls.from_dict(read_yaml(path), folder=path.parent)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, folder: str | Path = ".") -> Experiment:
        """Validate an experiment given as a dict (as read from YAML)."""
        if not isinstance(data, dict):
            raise ConfigError("experiment", data, "must be a mapping of fields")
        folder = Path(folder)
        data = dict(data)
        scenario = data.get("scenario")
        if isinstance(scenario, str):
            scenario_path = Path(scenario) if Path(scenario).is_absolute() else folder / scenario
            if not scenario_path.is_file():
                raise ConfigError("scenario", scenario, f"no scenario file there (looked for {scenario_path})")
            data["scenario"] = resolve_paths(read_yaml(scenario_path), scenario_path.parent)
        elif isinstance(scenario, dict):
            data["scenario"] = resolve_paths(scenario, folder)
        return validated(cls, data)

    def with_changes(self, **fields: Any) -> Experiment:
        """A validated copy with whole fields replaced, e.g. ``with_changes(replications=3, name="quick")``."""
        return Experiment.from_dict({**self.to_dict(), **fields})

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible dict of the whole specification (defaults included)."""
        return self.model_dump(mode="json")

    def spec_hash(self) -> str:
        """SHA-256 of the specification; a results folder belongs to one spec."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # ------------------------------------------------------------------ design

    @property
    def factors(self) -> list[str]:
        """Names of the design's factors (columns of the runs table)."""
        return list(self.grid) + self._design_factors() + (list(self.sample.factors) if self.sample else [])

    def control_arm(self) -> dict[str, Any] | None:
        """Factor values identifying the control arm, or None."""
        if self.control is not None:
            return dict(self.control)
        if "none" in self.grid.get("policy", []):
            return {"policy": "none"}
        if "none" in self.grid.get("programme.policy", []):
            return {"programme.policy": "none"}
        names = self._design_factors()
        for arm in self._chosen_arms():
            if arm.get("policy", arm.get("programme.policy")) == "none" and names:
                # every design factor: each design is compared with the control design itself,
                # and with the control of the same grid values (if the designs are crossed with a grid)
                return {name: arm[name] for name in names}
        return None

    def arms(self) -> list[dict[str, Any]]:
        """Design points, in a fixed order: the grid crossed with the designs and the sample."""
        return [{**g, **s} for g in self._chosen_arms() for s in self._sample_points()]

    def _sample_points(self) -> list[dict[str, Any]]:
        if self.sample is None:
            return [{}]
        from scipy.stats import qmc

        names = list(self.sample.factors)
        low = np.array([self.sample.factors[n][0] for n in names])
        high = np.array([self.sample.factors[n][1] for n in names])
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(_SAMPLE,)))
        if self.sample.method == "lhs":
            unit = qmc.LatinHypercube(d=len(names), seed=rng).random(self.sample.n)
        else:
            unit = qmc.Sobol(d=len(names), scramble=True, seed=rng).random(self.sample.n)
        values = qmc.scale(unit, low, high) if len(names) else unit
        defaults = self.scenario.to_dict()
        integer = [isinstance(_get(defaults, _ALIASES.get(n, n)), int) for n in names]
        return [
            {n: (round(float(v)) if is_int else float(v)) for n, v, is_int in zip(names, row, integer, strict=True)}
            for row in values
        ]

    def replication_seed(self, replication: int) -> int:
        """Seed of replication ``replication`` — the same for every arm."""
        return replication_seed(self.seed, replication)

    def plan(self) -> list[dict[str, Any]]:
        """Every run's identity: ``run_id``, ``arm``, ``replication``, ``seed`` and the arm's ``factors``.

        Unlike :meth:`runs` it builds no scenarios, so it works even where a
        user-registered policy named in the design is not registered.
        """
        seeds = [self.replication_seed(r) for r in range(self.replications)]
        return [
            {"run_id": f"a{a:03d}-r{r:03d}", "arm": a, "replication": r, "seed": seeds[r], "factors": arm}
            for a, arm in enumerate(self.arms())
            for r in range(self.replications)
        ]

    def runs(self) -> list[RunSpec]:
        """Every run of the experiment: arms × replications, in a fixed order."""
        scenarios: dict[int, tuple[dict[str, Any], bytes | None]] = {}
        specs = []
        for entry in self.plan():
            if entry["arm"] not in scenarios:
                arm = entry["factors"]
                scenario = self.scenario.with_overrides({_ALIASES.get(k, k): v for k, v in arm.items()})
                scenarios[entry["arm"]] = (scenario.to_dict(), _shipped_policy(scenario.programme.policy))
            scenario_dict, policy = scenarios[entry["arm"]]
            specs.append(RunSpec(**entry, scenario=scenario_dict, policy=policy))
        return specs


_REPLICATION, _SAMPLE = 0, 1


def replication_seed(master: int, replication: int) -> int:
    """Seed of replication ``replication`` of every arm of an experiment with master seed ``master``."""
    state = np.random.SeedSequence(master, spawn_key=(_REPLICATION, replication)).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) | (int(state[1]) >> 1))


DEFAULT_REPLICATIONS = 20
"""Replications of the built-in experiment: enough for intervals of a few per cent of a mean on paired contrasts."""


def default_experiment(replications: int = DEFAULT_REPLICATIONS) -> Experiment:
    """The built-in experiment: every built-in pairing policy against the control.

    The default organisation (1,000 employees) over two years, one cohort of
    40 pairs, ``replications`` replications, master seed 2026. It is what
    ``rmsim experiment run`` (and ``make run``) runs without a file; about a
    minute on two cores.
    """
    from rmsim.pairing import available_policies

    built_in = [name for name, policy in available_policies().items() if policy.function.__module__ == "rmsim.pairing"]
    return Experiment(
        name="pairing-policies",
        description="Every built-in pairing policy against the control (no programme) on the default organisation.",
        grid={"policy": built_in},
        replications=replications,
        seed=2026,
        control={"policy": "none"},
    )


def _shipped_policy(name: str) -> bytes | None:
    """A policy registered outside rmsim (e.g. in a notebook), pickled by value for the workers."""
    import cloudpickle

    from rmsim.pairing import get_policy

    policy = get_policy(name)
    if policy.function.__module__ == "rmsim.pairing":
        return None  # built in: every worker has it
    return cloudpickle.dumps(policy)


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        node = node[part]
    return node


# --------------------------------------------------------------------------- one run


@dataclass(frozen=True)
class RunSpec:
    """One run of an experiment: an arm's scenario and a replication's seed."""

    run_id: str
    arm: int
    replication: int
    seed: int
    factors: dict[str, Any]
    scenario: dict[str, Any] = field(repr=False)
    policy: bytes | None = field(default=None, repr=False)
    """A user-registered pairing policy, pickled by value so that worker processes can use it."""


@dataclass
class RunOutput:
    """What a run sends back: its record and its frames as Parquet bytes."""

    record: dict[str, Any]
    files: dict[str, bytes]


def execute_run(spec: RunSpec) -> RunOutput:
    """Simulate one run and serialise its frames; never raises.

    The four result frames are tagged with ``run_id``, ``arm``, the arm's
    factors and ``replication`` and serialised to Parquet here, in the worker,
    so the process that writes the results folder only writes bytes. A run
    that raises returns a record with ``status = "failed"`` and the error.
    """
    from rmsim.model import _gc_paused

    started = time.perf_counter()
    record: dict[str, Any] = {
        "run_id": spec.run_id,
        "arm": spec.arm,
        "replication": spec.replication,
        "seed": spec.seed,
        "factors": spec.factors,
    }
    try:
        if spec.policy is not None:
            _register_shipped(spec.policy)
        # With the cyclic garbage collector paused for the whole run, everything the run makes stays in the
        # youngest generation, so the first young collection after it frees the finished model (Mesa's agents
        # and model refer to each other). Otherwise the model would reach the oldest generation while its
        # frames are built, and wait there, with its memory, for a full collection of the worker's heap.
        with _gc_paused():
            outcomes, files = _simulate(spec)
        record.update(status="ok", error=None, outcomes=outcomes)
    except Exception as error:  # a failing run is recorded, never fatal to the experiment
        files = {}
        record.update(
            status="failed",
            error=f"{type(error).__name__}: {error}",
            traceback=traceback.format_exc(limit=8),
            outcomes={},
        )
    record["elapsed_seconds"] = round(time.perf_counter() - started, 4)
    record["worker_pid"] = os.getpid()
    return RunOutput(record, files)


def _simulate(spec: RunSpec) -> tuple[dict[str, float], dict[str, bytes]]:
    """Run ``spec``: its outcomes, and its four frames, tagged, as Parquet bytes."""
    from rmsim.model import ReverseMentoringModel
    from rmsim.results import FRAMES, build_result

    model = ReverseMentoringModel(validated(Scenario, spec.scenario), seed=spec.seed)
    try:
        model.run_model()
        tags = {"run_id": spec.run_id, "arm": spec.arm, **spec.factors, "replication": spec.replication}
        result = build_result(model, tags=tags)  # the frames are made with their tag columns
    finally:
        model._release()
    return result.outcomes(), {name: _parquet_bytes(getattr(result, name)) for name in FRAMES}


def _register_shipped(data: bytes) -> None:
    import pickle

    from rmsim.pairing import available_policies, register_policy

    policy = pickle.loads(data)
    existing = available_policies().get(policy.name)
    same = existing is not None and (existing.function.__module__, existing.function.__qualname__) == (
        policy.function.__module__,
        policy.function.__qualname__,
    )
    if not same:
        register_policy(policy.name, description=policy.description, reverse=policy.reverse, check=policy.check, replace=True)(
            policy.function
        )


def _parquet_bytes(frame: Any) -> bytes:
    """``frame`` as the bytes of a Parquet file (without its index); see :func:`_arrow_table`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(_arrow_table(frame), sink)
    return sink.getvalue().to_pybytes()


_ARROW_SCHEMAS: dict[tuple[tuple[str, Any], ...], Any] = {}
"""Arrow schemas (with their pandas metadata) of the frames converted so far, by column names and dtypes."""


def _arrow_table(frame: Any) -> Any:
    """The same table as ``pyarrow.Table.from_pandas(frame, preserve_index=False)``, in less time.

    ``from_pandas`` spends most of its time, column by column, on pandas
    bookkeeping and on describing each dtype in the file's pandas metadata
    (which lets ``pandas.read_parquet`` restore categoricals, nullable integers
    and strings). Every run of an experiment gives frames with the same
    columns and dtypes, so the schema of the first one, metadata included, is
    kept, and later frames of that shape are converted one column at a time
    the way ``from_pandas`` converts them and put under that schema. A frame
    with an object column (whose Arrow type depends on its values), or whose
    columns convert to other types, takes ``from_pandas``. One thread
    converts: an experiment already runs one worker per core.
    """
    import pyarrow as pa

    columns = list(frame.items())
    key = tuple((name, column.dtype) for name, column in columns)
    schema = _ARROW_SCHEMAS.get(key)
    if schema is not None:
        # NumPy columns as arrays, the others (categoricals, nullable integers, strings) as pandas arrays
        values = [column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array for _, column in columns]
        table = pa.Table.from_arrays([pa.array(v, from_pandas=True) for v in values], names=list(frame.columns))
        if table.schema.equals(schema):  # names and types; the metadata comes from the schema
            return table.replace_schema_metadata(schema.metadata)
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    if all(column.dtype != object for _, column in columns):
        if len(_ARROW_SCHEMAS) >= 64:
            _ARROW_SCHEMAS.clear()
        _ARROW_SCHEMAS[key] = table.schema
    return table


# --------------------------------------------------------------------------- backends


def _serial(specs: list[RunSpec], **_: Any) -> Iterator[RunOutput]:
    for spec in specs:
        yield execute_run(spec)


def _processes(specs: list[RunSpec], *, workers: int | None = None, **_: Any) -> Iterator[RunOutput]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # "spawn" starts clean interpreters that import rmsim by name, so this works from a notebook
    # or an interactive session, not only under `if __name__ == "__main__"`, and on every OS alike.
    context = multiprocessing.get_context("spawn")
    workers = min(workers or os.cpu_count() or 1, len(specs)) or 1
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(execute_run, spec) for spec in specs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _dask(
    specs: list[RunSpec],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    **_: Any,
) -> Iterator[RunOutput]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError("backend", "dask", "needs dask.distributed: pip install 'rmsim[dask]' (or dask distributed)") from None
    owned: list[Any] = []
    if client is None:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except OSError as error:
                raise ConfigError("scheduler", scheduler, f"cannot connect to a Dask scheduler there ({error})") from None
        else:
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
            owned += [client, cluster]
    try:
        futures = {future.key: future for future in client.map(execute_run, specs, pure=False)}
        try:
            # results come with their futures (no round trip each), and each future is dropped once its run is
            # written, so workers free its bytes instead of holding every finished run until the end
            for future, output in as_completed(list(futures.values()), with_results=True):
                del futures[future.key]
                yield output
        finally:
            client.cancel(list(futures.values()))
    finally:
        for thing in owned:
            thing.close()


_BACKENDS = {"serial": _serial, "processes": _processes, "dask": _dask}


# --------------------------------------------------------------------------- running


def run_experiment(
    experiment: Experiment | str | Path,
    *,
    out: str | Path | None = None,
    backend: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    retry_failed: bool = True,
    progress: bool = True,
) -> Path:
    """Run an experiment, writing each finished run to its results folder.

    Running the same experiment into the same folder again resumes it: runs
    already finished are skipped (failed runs are tried again unless
    ``retry_failed`` is false). A folder holding a different specification is
    refused.

    Parameters
    ----------
    experiment
        An :class:`Experiment` or the path of an experiment YAML file.
    out
        Results folder; default ``results/<experiment name>``.
    backend
        ``"serial"``, ``"processes"`` (all cores by default) or ``"dask"``.
    workers
        Worker processes (``processes``; or the size of a ``LocalCluster``).
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``), for ``dask``.
    client
        A ``dask.distributed.Client`` to use, for ``dask``.
    retry_failed
        Run again the runs that failed in an earlier attempt.
    progress
        Show a progress bar (tqdm; the notebook widget in Jupyter).

    Returns
    -------
    pathlib.Path
        The results folder; read it with :func:`rmsim.load_results`.

    Notes
    -----
    The ``processes`` backend starts fresh interpreters ("spawn"), which
    works from notebooks and interactive sessions; in a *script*, call this
    under ``if __name__ == "__main__":`` as with any Python multiprocessing.
    """
    from rmsim.store import ResultStore

    if not isinstance(experiment, Experiment):
        experiment = Experiment.from_yaml(experiment)
    if backend not in _BACKENDS:
        raise ConfigError("backend", backend, f"allowed: {', '.join(BACKENDS)}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ConfigError("workers", workers, "must be a whole number >= 1")
    if (scheduler or client is not None) and backend != "dask":
        raise ConfigError("scheduler", scheduler or client, "a scheduler or client needs backend 'dask'")
    store = ResultStore.open(Path(out) if out is not None else Path("results") / experiment.name, experiment)
    specs = experiment.runs()
    done = store.finished(include_failed=not retry_failed)
    todo = [spec for spec in specs if spec.run_id not in done]
    store.begin(backend=backend, workers=workers, planned=len(specs), to_run=len(todo))
    bar = _progress_bar(len(specs), len(specs) - len(todo), experiment.name, enabled=progress)
    failed = 0
    try:
        if todo:
            for output in _BACKENDS[backend](todo, workers=workers, scheduler=scheduler, client=client):
                store.write_run(output)
                failed += output.record["status"] != "ok"
                bar.update(1)
                bar.set_postfix(failed=failed, refresh=False)
    finally:
        bar.close()
        store.end()
    return store.path


def _progress_bar(total: int, initial: int, name: str, *, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=name, unit="run", disable=not enabled, dynamic_ncols=True)


__all__ = [
    "BACKENDS",
    "Experiment",
    "RunSpec",
    "SampleDesign",
    "default_experiment",
    "execute_run",
    "replication_seed",
    "run_experiment",
]
