"""Benchmark rmsim's speed and memory against Mesa's classic Boltzmann wealth model.

Prints, for each workforce size, the agent-steps per second of
:class:`rmsim.ReverseMentoringModel` over the whole horizon (default 260
weeks) with a programme running throughout, its peak memory, the
agent-steps per second of the Boltzmann wealth model written the usual Mesa
way at the same number of agents, and their ratio; then whether each target of
the project's requirement is met.

Every measurement runs in a fresh Python process (this script re-invoked with
a hidden ``--child`` option), so that peak memory is per measurement and no run
warms another's caches. The measurements run one after another, never in
parallel.

Examples
--------
Run from the repository root::

    python benchmarks/bench_model.py
    python benchmarks/bench_model.py --sizes 1000 10000 --repeat 3
    python benchmarks/bench_model.py --million --json bench.json
    python benchmarks/bench_model.py --sizes 1000 --profile 100000

See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from _common import fmt, progress, source_digest, verdict
from _profiling import profile_rows, profile_statistics, top

TARGET_RATE = 5_000_000
"""Agent-steps per second required at :data:`TARGET_RATE_SIZE` employees."""
TARGET_RATE_SIZE = 100_000
TARGET_RATIO = 10.0
"""Required speed of rmsim relative to the Boltzmann wealth model, at every size."""
TARGET_MEMORY_MIB = 4096.0
"""Peak resident memory allowed for the one-million-employee run (4 GiB)."""
MILLION = 1_000_000
RESULT_PREFIX = "BENCH-RESULT "
PROFILE_ROWS = 10


# --------------------------------------------------------------------------- measuring in a child process


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def programme_for(size: int, weeks: int, policy: str, cohort_share: float, interval: int) -> dict[str, Any]:
    """Programme section that keeps pairs active in every week of the run.

    Parameters
    ----------
    size
        Number of employees (positions).
    weeks
        Weeks simulated.
    policy
        Pairing policy.
    cohort_share
        Seniors enrolled per cohort, as a share of the workforce.
    interval
        Weeks between cohort launches; also the weeks each pair runs, so that
        one cohort ends in the week before the next one starts.

    Returns
    -------
    dict
        Fields of :class:`rmsim.Programme`.
    """
    return {
        "policy": policy,
        "start_week": 1,
        "cohort_size": max(1, int(size * cohort_share)),
        "cohorts": max(1, math.ceil(weeks / interval)),
        "cohort_interval_weeks": interval,
        "duration_weeks": interval,
    }


def active_pairs_by_week(start_week: np.ndarray, ended_week: np.ndarray, weeks: int) -> np.ndarray:
    """Number of pairs active during each week ``1..weeks``.

    A pair is active during week ``w`` if ``start_week <= w <= ended_week``
    (a pair that ends in a week still meets in it); a pair that never ended
    has ``ended_week`` missing (given here as a negative number).

    Parameters
    ----------
    start_week, ended_week
        Columns of the ``pairs`` result frame, as integer arrays.
    weeks
        Weeks simulated.

    Returns
    -------
    numpy.ndarray
        Active pairs in weeks ``1..weeks`` (length ``weeks``).
    """
    end = np.where(ended_week < 0, weeks, ended_week)
    change = np.zeros(weeks + 2, dtype=np.int64)
    np.add.at(change, np.clip(start_week, 0, weeks + 1), 1)
    np.add.at(change, np.clip(end + 1, 0, weeks + 1), -1)
    return np.cumsum(change)[1 : weeks + 1]


def measure_rmsim(size: int, weeks: int, seed: int, programme: dict[str, Any]) -> dict[str, Any]:
    """Build, run and collect one rmsim model; time each phase.

    Parameters
    ----------
    size
        Number of employees.
    weeks
        Weeks simulated.
    seed
        Seed of the run.
    programme
        Programme section of the scenario.

    Returns
    -------
    dict
        Timings in seconds, per-step timings, peak memory and programme activity.
    """
    from rmsim import ReverseMentoringModel

    source = source_digest()
    baseline = peak_rss_mib()
    started = time.perf_counter()
    model = ReverseMentoringModel(seed=seed, employees=size, weeks=weeks, programme=programme)
    built = time.perf_counter()
    step_seconds = []
    for _ in range(weeks):
        before = time.perf_counter()
        model.step()
        step_seconds.append(time.perf_counter() - before)
    stepped = time.perf_counter()
    result = model.result()
    collected = time.perf_counter()
    pairs = result.pairs
    active = active_pairs_by_week(
        pairs["start_week"].to_numpy(dtype=np.int64),
        pairs["ended_week"].fillna(-1).to_numpy(dtype=np.int64),
        weeks,
    )
    return {
        "construct_s": built - started,
        "steps_s": stepped - built,
        "result_s": collected - stepped,
        "total_s": collected - started,
        "slowest_step_s": max(step_seconds),
        "median_step_s": statistics.median(step_seconds),
        "baseline_mib": baseline,
        "peak_mib": peak_rss_mib(),
        "pairs_formed": len(pairs),
        "mean_active_pairs": float(active.mean()),
        "min_active_pairs": int(active.min()),
        "weeks_without_pairs": int(np.count_nonzero(active == 0)),
        "headcount_end": int(result.timeseries["headcount"].iloc[-1]),
        "rows": {name: len(getattr(result, name)) for name in ("timeseries", "employees", "pairs", "events")},
        "rmsim_source": source,
    }


# --------------------------------------------------------------------------- the Boltzmann wealth model (Mesa tutorial)


def compute_gini(model: MoneyModel) -> float:
    """Gini coefficient of wealth, computed as in Mesa's introductory tutorial."""
    agent_wealths = [agent.wealth for agent in model.agents]
    x = sorted(agent_wealths)
    n = model.num_agents
    b = sum(xi * (n - i) for i, xi in enumerate(x)) / (n * sum(x))
    return 1 + (1 / n) - 2 * b


class MoneyAgent(mesa.Agent):
    """An agent with one unit of wealth to start with, as in Mesa's tutorial.

    Parameters
    ----------
    model
        The model.
    """

    def __init__(self, model: MoneyModel) -> None:
        super().__init__(model)
        self.wealth = 1

    def move(self) -> None:
        """Move to a random cell of the Moore neighbourhood."""
        possible_steps = self.model.grid.get_neighborhood(self.pos, moore=True, include_center=False)
        new_position = self.random.choice(possible_steps)
        self.model.grid.move_agent(self, new_position)

    def give_money(self) -> None:
        """Give one unit of wealth to a random other agent in the same cell, if there is one."""
        cellmates = self.model.grid.get_cell_list_contents([self.pos])
        cellmates.pop(cellmates.index(self))
        if cellmates:
            other = self.random.choice(cellmates)
            other.wealth += 1
            self.wealth -= 1

    def step(self) -> None:
        """Move, then give money away if there is any."""
        self.move()
        if self.wealth > 0:
            self.give_money()


class MoneyModel(mesa.Model):
    """Mesa's Boltzmann wealth model on a toroidal ``MultiGrid``, as in the introductory tutorial.

    Parameters
    ----------
    n
        Number of agents.
    width, height
        Grid size.
    seed
        Seed of Mesa's random number generators.
    gini
        Whether a DataCollector records the Gini coefficient every step.
    """

    def __init__(self, n: int, width: int, height: int, seed: int, gini: bool = True) -> None:
        super().__init__(rng=seed)
        self.num_agents = n
        self.grid = mesa.space.MultiGrid(width, height, True)
        self.datacollector = mesa.DataCollector(model_reporters={"Gini": compute_gini}) if gini else None
        agents = MoneyAgent.create_agents(model=self, n=n)
        x = self.rng.integers(0, self.grid.width, size=(n,))
        y = self.rng.integers(0, self.grid.height, size=(n,))
        for agent, i, j in zip(agents, x.tolist(), y.tolist(), strict=True):
            self.grid.place_agent(agent, (i, j))

    def step(self) -> None:
        """Collect the Gini coefficient (if enabled), then activate every agent in random order."""
        if self.datacollector is not None:
            self.datacollector.collect(self)
        self.agents.shuffle_do("step")


def measure_boltzmann(size: int, steps: int, seed: int, gini: bool) -> dict[str, Any]:
    """Build and run the Boltzmann wealth model for ``steps`` steps; time each phase.

    Parameters
    ----------
    size
        Number of agents; the grid is ``ceil(sqrt(size))`` cells square (about one agent per cell).
    steps
        Steps timed.
    seed
        Seed of the run.
    gini
        Whether the per-step Gini DataCollector is on.

    Returns
    -------
    dict
        Timings in seconds, the share of a step spent computing the Gini
        coefficient, and peak memory.
    """
    side = math.ceil(math.sqrt(size))
    baseline = peak_rss_mib()
    started = time.perf_counter()
    model = MoneyModel(size, side, side, seed, gini)
    built = time.perf_counter()
    for _ in range(steps):
        model.step()
    stepped = time.perf_counter()
    gini_share = None
    if gini:
        before = time.perf_counter()
        for _ in range(3):
            compute_gini(model)
        gini_share = (time.perf_counter() - before) / 3 / ((stepped - built) / steps)
    return {
        "construct_s": built - started,
        "steps_s": stepped - built,
        "steps": steps,
        "grid": side,
        "gini_share": gini_share,
        "baseline_mib": baseline,
        "peak_mib": peak_rss_mib(),
    }


def profile_rmsim(size: int, weeks: int, seed: int, programme: dict[str, Any]) -> dict[str, Any]:
    """Run one rmsim model (construction, steps, result) under cProfile.

    Parameters
    ----------
    size, weeks, seed, programme
        As for :func:`measure_rmsim`.

    Returns
    -------
    dict
        The most expensive functions by own time and, among rmsim's own
        functions, by cumulative time; shares are of the profiled total.
    """
    from rmsim import ReverseMentoringModel

    source = source_digest()
    profiler = cProfile.Profile()
    profiler.enable()
    model = ReverseMentoringModel(seed=seed, employees=size, weeks=weeks, programme=programme)
    for _ in range(weeks):
        model.step()
    model.result()
    profiler.disable()
    stats, total = profile_statistics(profiler)

    return {
        "total_s": total,
        "by_own_time": profile_rows(stats, top(stats, PROFILE_ROWS, by="own")),
        "rmsim_by_cumulative_time": profile_rows(stats, top(stats, PROFILE_ROWS, by="cumulative", only_rmsim=True)),
        "rmsim_source": source,
    }


def child_main(spec: dict[str, Any]) -> None:
    """Run the measurement described by ``spec`` and print its result as one JSON line."""
    kind = spec["kind"]
    if kind == "rmsim":
        result = measure_rmsim(spec["size"], spec["weeks"], spec["seed"], spec["programme"])
    elif kind == "boltzmann":
        result = measure_boltzmann(spec["size"], spec["steps"], spec["seed"], spec["gini"])
    elif kind == "profile":
        result = profile_rmsim(spec["size"], spec["weeks"], spec["seed"], spec["programme"])
    else:
        raise ValueError(f"unknown measurement {kind!r}")
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- orchestration


def run_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh Python process.

    Parameters
    ----------
    spec
        What to measure (see :func:`child_main`).

    Returns
    -------
    dict
        The child's result with ``ok`` True and its wall time, or ``ok`` False
        with its exit code and the end of its error output.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    started = time.perf_counter()
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    lines = [line for line in process.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if process.returncode != 0 or not lines:
        error = "\n".join(process.stderr.strip().splitlines()[-5:])
        return {"ok": False, "returncode": process.returncode, "error": error, "wall_s": wall}
    return {"ok": True, "wall_s": wall, **json.loads(lines[-1].removeprefix(RESULT_PREFIX))}


def rmsim_spec(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Measurement spec of one rmsim run at ``size`` employees."""
    programme = programme_for(size, args.weeks, args.policy, args.cohort_share, args.cohort_interval)
    return {"kind": "rmsim", "size": size, "weeks": args.weeks, "seed": args.seed, "programme": programme}


def measure_size(size: int, args: argparse.Namespace, *, boltzmann: bool, repeat: int) -> dict[str, Any]:
    """All runs of rmsim (and of the Boltzmann model if ``boltzmann``) at one size."""
    rmsim_runs = []
    for k in range(repeat):
        progress(f"rmsim      n={size:>9,} weeks={args.weeks} run {k + 1}/{repeat} ...")
        run = run_child(rmsim_spec(size, args))
        progress(f"           {describe_run(run, 'total_s')}")
        rmsim_runs.append(run)
    boltzmann_runs = []
    if boltzmann:
        spec = {"kind": "boltzmann", "size": size, "steps": args.boltzmann_steps, "seed": args.seed, "gini": args.gini}
        for k in range(repeat):
            progress(f"boltzmann  n={size:>9,} steps={args.boltzmann_steps} run {k + 1}/{repeat} ...")
            run = run_child(spec)
            progress(f"           {describe_run(run, 'steps_s')}")
            boltzmann_runs.append(run)
    return {"size": size, "rmsim_runs": rmsim_runs, "boltzmann_runs": boltzmann_runs}


def describe_run(run: dict[str, Any], key: str) -> str:
    """One-line progress summary of a finished run."""
    if not run["ok"]:
        return f"FAILED (exit code {run['returncode']}): {run['error']}"
    return f"{key} = {run[key]:.2f} s, peak {run['peak_mib']:,.0f} MiB"


def summarise(measured: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Rates of one size: best and median over the successful runs, peak memory over all runs."""
    size = measured["size"]
    agent_steps = size * args.weeks
    good = [run for run in measured["rmsim_runs"] if run["ok"]]
    summary: dict[str, Any] = {"size": size, "agent_steps": agent_steps, "rmsim_ok": len(good) == len(measured["rmsim_runs"])}
    if good:
        total = [agent_steps / run["total_s"] for run in good]
        steps = [agent_steps / run["steps_s"] for run in good]
        summary.update(
            {
                "total_s": {"best": min(run["total_s"] for run in good), "median": statistics.median(r["total_s"] for r in good)},
                "steps_s": {"best": min(run["steps_s"] for run in good), "median": statistics.median(r["steps_s"] for r in good)},
                "rate_total": {"best": max(total), "median": statistics.median(total)},
                "rate_steps": {"best": max(steps), "median": statistics.median(steps)},
                "peak_mib": max(run["peak_mib"] for run in good),
                "mean_active_pairs": good[0]["mean_active_pairs"],
                "weeks_without_pairs": good[0]["weeks_without_pairs"],
            }
        )
    bolt = [run for run in measured["boltzmann_runs"] if run["ok"]]
    if bolt:
        rates = [size * run["steps"] / run["steps_s"] for run in bolt]
        summary["boltzmann_rate"] = {"best": max(rates), "median": statistics.median(rates)}
        summary["boltzmann_peak_mib"] = max(run["peak_mib"] for run in bolt)
        shares = [run["gini_share"] for run in bolt if run["gini_share"] is not None]
        summary["boltzmann_gini_share"] = statistics.median(shares) if shares else None
        if good:
            summary["ratio_total"] = {s: summary["rate_total"][s] / summary["boltzmann_rate"][s] for s in ("best", "median")}
            summary["ratio_steps"] = {s: summary["rate_steps"][s] / summary["boltzmann_rate"][s] for s in ("best", "median")}
    return summary


def table(summaries: list[dict[str, Any]], statistic: str) -> str:
    """The figures table for one statistic (``best`` or ``median``)."""
    header = (
        "size",
        "rmsim total s",
        "rmsim steps s",
        "agent-steps/s (total)",
        "agent-steps/s (steps only)",
        "peak MiB",
        "mean active pairs",
        "Boltzmann agent-steps/s",
        "ratio",
    )
    rows = [header]
    for s in summaries:

        def pick(key: str, s: dict[str, Any] = s) -> float | None:
            return s[key][statistic] if key in s else None

        rows.append(
            (
                f"{s['size']:,}",
                fmt(pick("total_s"), ".2f"),
                fmt(pick("steps_s"), ".2f"),
                fmt(pick("rate_total"), ",.0f"),
                fmt(pick("rate_steps"), ",.0f"),
                fmt(s.get("peak_mib"), ",.0f"),
                fmt(s.get("mean_active_pairs"), ",.1f"),
                fmt(pick("boltzmann_rate"), ",.0f"),
                fmt(pick("ratio_total"), ".1f", "x"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [" | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def targets(summaries: list[dict[str, Any]], million: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Check each target of the requirement on the median figures.

    Returns
    -------
    list of dict
        One entry per target: ``target``, ``status`` (``MET``, ``NOT MET`` or
        ``NOT MEASURED``) and a ``detail`` line.
    """
    out = []
    at_size = next((s for s in summaries if s["size"] == TARGET_RATE_SIZE and "rate_total" in s), None)
    name = f">= {TARGET_RATE:,} agent-steps/s at {TARGET_RATE_SIZE:,} employees"
    if at_size is None:
        out.append({"target": name, "status": "NOT MEASURED", "detail": f"{TARGET_RATE_SIZE:,} not among the sizes run"})
    else:
        rate, steps = at_size["rate_total"]["median"], at_size["rate_steps"]["median"]
        out.append(
            {
                "target": name,
                "status": verdict(rate >= TARGET_RATE),
                "detail": f"{rate:,.0f} agent-steps/s over the whole run ({steps:,.0f} counting the steps only)",
            }
        )
    name = f">= {TARGET_RATIO:g}x the Boltzmann wealth model at {TARGET_RATE_SIZE:,} employees"
    compared = [s for s in summaries if "ratio_total" in s]
    detail = "; ".join(
        f"{s['size']:,}: {s['ratio_total']['median']:.1f}x ({s['ratio_steps']['median']:.1f}x steps only)" for s in compared
    )
    at_size = next((s for s in compared if s["size"] == TARGET_RATE_SIZE), None)
    if at_size is None:
        detail = f"{TARGET_RATE_SIZE:,} not among the sizes run; {detail}"
        out.append({"target": name, "status": "NOT MEASURED", "detail": detail})
    else:
        out.append({"target": name, "status": verdict(at_size["ratio_total"]["median"] >= TARGET_RATIO), "detail": detail})
    name = f"{MILLION:,} employees x 260 weeks completes within {TARGET_MEMORY_MIB / 1024:g} GiB"
    if million is None:
        out.append({"target": name, "status": "NOT MEASURED", "detail": "run with --million"})
    elif not million["ok"]:
        detail = f"the run failed (exit code {million['returncode']}): {million['error']}"
        out.append({"target": name, "status": "NOT MET", "detail": detail})
    else:
        peak = million["peak_mib"]
        detail = f"peak {peak:,.0f} MiB of {TARGET_MEMORY_MIB:,.0f} MiB ({peak / TARGET_MEMORY_MIB:.0%})"
        detail += f", run took {million['total_s']:,.0f} s"
        out.append({"target": name, "status": verdict(peak <= TARGET_MEMORY_MIB), "detail": detail})
    return out


def print_profile(profile: dict[str, Any], size: int) -> None:
    """Print the profile of one rmsim run."""
    if not profile["ok"]:
        print(f"\nProfile at {size:,} employees FAILED (exit code {profile['returncode']}): {profile['error']}")
        return
    print(f"\nProfile of one rmsim run at {size:,} employees (cProfile, {profile['total_s']:.1f} s profiled):")
    print("  by own time (time inside the function itself):")
    for row in profile["by_own_time"]:
        print(f"    {row['own_share']:6.1%}  {row['own_s']:7.2f} s  {row['calls']:>9,} calls  {row['function']}")
    print("  rmsim functions by cumulative time (including what they call):")
    for row in profile["rmsim_by_cumulative_time"]:
        print(f"    {row['cumulative_share']:6.1%}  {row['cumulative_s']:7.2f} s  {row['calls']:>9,} calls  {row['function']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Agent-steps per second and peak memory of rmsim, against Mesa's Boltzmann wealth model.",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000], help="employees (default: %(default)s)")
    parser.add_argument("--weeks", type=int, default=260, help="weeks simulated by rmsim (default: %(default)s)")
    parser.add_argument(
        "--boltzmann-steps", type=int, default=20, help="steps over which the Boltzmann rate is measured (default: %(default)s)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; best and median reported (default: 1)")
    parser.add_argument(
        "--million", action="store_true", help=f"also run rmsim at {MILLION:,} employees and check the memory target (minutes)"
    )
    parser.add_argument("--json", type=Path, help="write every figure plus provenance to this JSON file")
    parser.add_argument("--seed", type=int, default=2026, help="seed of every run (default: %(default)s)")
    parser.add_argument(
        "--policy", default="random", help="pairing policy of the benchmark programme (default: %(default)s; see README)"
    )
    parser.add_argument(
        "--cohort-share", type=float, default=0.02, help="seniors per cohort as a share of employees (default: %(default)s)"
    )
    parser.add_argument(
        "--cohort-interval", type=int, default=26, help="weeks between cohorts, and weeks each pair runs (default: %(default)s)"
    )
    parser.add_argument(
        "--no-gini", dest="gini", action="store_false", help="run the Boltzmann model without its per-step Gini DataCollector"
    )
    parser.add_argument("--profile", type=int, metavar="SIZE", help="also profile one rmsim run at SIZE employees with cProfile")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.weeks < 1 or args.boltzmann_steps < 1 or min(args.sizes) < 2:
        parser.error("--repeat, --weeks and --boltzmann-steps must be >= 1 and every size >= 2")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; returns the exit code."""
    args = parse_args(argv)
    if args.child is not None:
        child_main(json.loads(args.child))
        return 0
    settings = {
        "sizes": args.sizes,
        "weeks": args.weeks,
        "boltzmann_steps": args.boltzmann_steps,
        "repeat": args.repeat,
        "seed": args.seed,
        "policy": args.policy,
        "cohort_share": args.cohort_share,
        "cohort_interval_weeks": args.cohort_interval,
        "boltzmann_gini": args.gini,
        "million": args.million,
    }
    measured = [measure_size(size, args, boltzmann=True, repeat=args.repeat) for size in args.sizes]
    million_run = None
    if args.million:
        progress(f"rmsim      n={MILLION:>9,} weeks={args.weeks} (memory target) ...")
        million_run = run_child(rmsim_spec(MILLION, args))
        progress(f"           {describe_run(million_run, 'total_s')}")
        measured.append({"size": MILLION, "rmsim_runs": [million_run], "boltzmann_runs": []})
    profile = None
    if args.profile is not None:
        progress(f"profile    n={args.profile:>9,} weeks={args.weeks} ...")
        profile = run_child({**rmsim_spec(args.profile, args), "kind": "profile"})
    summaries = [summarise(m, args) for m in measured]

    example = programme_for(1000, args.weeks, args.policy, args.cohort_share, args.cohort_interval)
    print(f"rmsim {rmsim_version()} benchmark, Mesa {mesa.__version__}, Python {platform.python_version()}, {platform.machine()}")
    print(
        f"rmsim: {args.weeks} weeks, seed {args.seed}; programme: policy {args.policy!r}, {example['cohorts']} cohorts "
        f"launched every {args.cohort_interval} weeks from week 1, cohort_size = {args.cohort_share:g} x employees "
        f"(one pair per senior), pairs run {args.cohort_interval} weeks."
    )
    gini = "with" if args.gini else "without"
    print(
        f"Boltzmann: Mesa tutorial model on a torus MultiGrid of ceil(sqrt(n))^2 cells, {gini} a per-step Gini "
        f"DataCollector; its rate is measured over {args.boltzmann_steps} steps (construction excluded)."
    )
    print("Agent-steps = employees x weeks. 'total' times construction + steps + result frames; 'steps only' the steps.")
    print("Ratio = rmsim agent-steps/s (total) / Boltzmann agent-steps/s. Peak MiB = peak resident memory of the run's process.")
    statistics_shown = ["median", "best"] if args.repeat > 1 else ["median"]
    for statistic in statistics_shown:
        title = f"{statistic.capitalize()} of {args.repeat} runs" if args.repeat > 1 else "One run per measurement"
        print(f"\n{title}:")
        print(table(summaries, statistic))
    for s, m in zip(summaries, measured, strict=True):
        for run in m["rmsim_runs"] + m["boltzmann_runs"]:
            if not run["ok"]:
                print(f"\nA run at {s['size']:,} FAILED (exit code {run['returncode']}): {run['error']}")
        if s.get("weeks_without_pairs"):
            print(f"\nWarning: at {s['size']:,} employees, {s['weeks_without_pairs']} weeks had no active pair.")
    runs = [run for m in measured for run in m["rmsim_runs"]] + ([profile] if profile is not None else [])
    sources = sorted({run["rmsim_source"] for run in runs if run["ok"]})
    if len(sources) > 1:
        print(f"\nWarning: rmsim's source changed during the benchmark ({len(sources)} versions ran): figures may not compare.")
    shares = [s["boltzmann_gini_share"] for s in summaries if s.get("boltzmann_gini_share") is not None]
    if shares:
        print(f"\nThe Gini reporter takes {min(shares):.0%}-{max(shares):.0%} of a Boltzmann step.")
    checked = targets(summaries, million_run)
    print("\nTargets (on median figures):")
    for target in checked:
        print(f"  {target['status']:<12} {target['target']}: {target['detail']}")
    if profile is not None:
        print_profile(profile, args.profile)
    if args.json is not None:
        from rmsim.provenance import manifest

        record = manifest(
            "benchmark",
            settings=settings,
            machine={"platform": platform.platform(), "machine": platform.machine(), "processor": platform.processor()},
            measurements=measured,
            summary=summaries,
            targets=checked,
            profile=profile,
        )
        args.json.write_text(json.dumps(record, indent=2))
        print(f"\nWrote {args.json}")
    return 0


def rmsim_version() -> str:
    """Installed rmsim version, without importing the package into this process."""
    from importlib import metadata

    try:
        return metadata.version("rmsim")
    except metadata.PackageNotFoundError:
        return "(not installed)"


if __name__ == "__main__":
    sys.exit(main())
