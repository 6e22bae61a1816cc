"""Benchmark a sweep of many rmsim runs on the parallel backends.

Prints how long :func:`rmsim.run_experiment` takes to run and store many
replications of one scenario (by default 1,000 runs of a 1,000-employee
organisation over 104 weeks) on the ``processes`` backend and on a Dask
``LocalCluster``, with runs per second and the parallel efficiency against the
serial time per run, which it measures on a few runs first; then whether the
target of the project's requirement is met, and whether the backends gave
identical results.

Every run's Parquet frames are written into a temporary results folder, as
:func:`rmsim.run_experiment` does for a user; writing them is part of what is
timed. The folder is deleted at the end.

Examples
--------
Run from the repository root::

    python benchmarks/bench_sweep.py
    python benchmarks/bench_sweep.py --runs 40 --serial-runs 5
    python benchmarks/bench_sweep.py --backends processes --profile
    python benchmarks/bench_sweep.py --json sweep.json

See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import fmt, progress, source_digest, verdict
from _profiling import profile_rows, profile_statistics, top

TARGET_SECONDS = 60.0
"""Wall time allowed for :data:`TARGET_RUNS` runs on :data:`TARGET_WORKERS` workers."""
TARGET_RUNS = 1000
TARGET_EMPLOYEES = 1000
TARGET_WEEKS = 104
TARGET_WORKERS = 2
PARALLEL_BACKENDS = ("processes", "dask")
PROFILE_ROWS = 12
FRAMES = ("timeseries", "employees", "pairs", "events")
WARM_MODULES = ("rmsim.experiment", "rmsim.model", "rmsim.results", "pyarrow.parquet")
"""Modules a worker imports for its first run; the start-up times include importing them."""


# --------------------------------------------------------------------------- the experiment


def experiment_for(name: str, runs: int, args: argparse.Namespace) -> Any:
    """The benchmark experiment: one arm (no grid), ``runs`` replications.

    Replication ``r`` has the same seed in every experiment built here, so the
    serial runs are the first runs of the parallel sweeps.
    """
    import rmsim

    return rmsim.Experiment.from_dict(
        {
            "name": name,
            "scenario": {"weeks": args.weeks, "organisation": {"size": args.employees}, "programme": {"policy": args.policy}},
            "replications": runs,
            "seed": args.seed,
        }
    )


def folder_mib(path: Path) -> float:
    """Size of the files under ``path``, in MiB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def cpu_snapshot() -> dict[str, float] | None:
    """CPU seconds used so far by this process tree and by the whole machine (None without psutil).

    ``ours`` is this process, its live descendants (pool workers, Dask
    workers) and the children it has already reaped; ``main`` is this process
    alone (writing the results folder; with Dask also the scheduler and the
    client, which run in it); ``machine`` is every
    core's busy time (all but idle and I/O wait). Between two snapshots,
    machine - ours is what other programs took.
    """
    try:
        import psutil
    except ImportError:
        return None
    me = psutil.Process()
    times = me.cpu_times()
    ours = times.user + times.system + times.children_user + times.children_system
    for child in me.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.Error:  # ended between listing and reading
            continue
        ours += child_times.user + child_times.system
    machine = psutil.cpu_times()
    busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
    return {"ours": ours, "main": times.user + times.system, "machine": busy}


def cpu_used(before: dict[str, float] | None, after: dict[str, float] | None) -> dict[str, float | None]:
    """CPU seconds of this process tree, of this process alone and of other programs between two snapshots."""
    if before is None or after is None:
        return {"cpu_ours_s": None, "cpu_main_s": None, "cpu_others_s": None}
    ours = after["ours"] - before["ours"]
    return {
        "cpu_ours_s": ours,
        "cpu_main_s": after["main"] - before["main"],
        "cpu_others_s": max(0.0, after["machine"] - before["machine"] - ours),
    }


def timed_sweep(label: str, runs: int, out: Path, args: argparse.Namespace, **backend: Any) -> dict[str, Any]:
    """Run the experiment of ``runs`` replications into ``out`` and time it.

    Parameters
    ----------
    label
        Name of the measurement in the table.
    runs
        Replications (runs) of the experiment.
    out
        Results folder (must not exist yet).
    args
        Command-line options.
    **backend
        ``backend``, ``workers``, ``client`` for :func:`rmsim.run_experiment`.

    Returns
    -------
    dict
        Wall time, load averages, CPU seconds (this process tree's and other
        programs'), in-worker time per run, statuses, folder size.
    """
    import rmsim

    experiment = experiment_for(f"bench-sweep-{out.name}", runs, args)
    load_before = os.getloadavg()
    cpu_before = cpu_snapshot()
    started = time.perf_counter()
    rmsim.run_experiment(experiment, out=out, progress=False, **backend)
    wall = time.perf_counter() - started
    cpu_after = cpu_snapshot()
    load_after = os.getloadavg()
    table = rmsim.load_results(out).runs
    elapsed = table["elapsed_seconds"].astype(float)
    return {
        "label": label,
        "backend": backend["backend"],
        "workers": backend.get("workers") or 1,
        "runs": runs,
        "wall_s": wall,
        "ok": int((table["status"] == "ok").sum()),
        "failed": int((table["status"] == "failed").sum()),
        "in_worker_mean_s": float(elapsed.mean()),
        "in_worker_sum_s": float(elapsed.sum()),
        "load_before": list(load_before),
        "load_after": list(load_after),
        **cpu_used(cpu_before, cpu_after),
        "written_mib": folder_mib(out),
        "path": str(out),
    }


# --------------------------------------------------------------------------- worker start-up


def warm_imports() -> None:
    """Import what a run needs in a worker: rmsim's model and experiment modules, pandas and pyarrow."""
    import importlib

    for module in WARM_MODULES:
        importlib.import_module(module)


def _ready_worker(barrier: Any) -> None:
    """Pool initializer: import what a run needs, then wait until every worker has."""
    warm_imports()
    barrier.wait(timeout=300)


def _pid(_: int) -> int:
    return os.getpid()


def processes_startup(workers: int) -> float:
    """Seconds until ``workers`` spawned pool processes have imported rmsim and can run.

    The ``processes`` backend starts a ``ProcessPoolExecutor`` with the
    ``spawn`` start method; this starts one the same way and waits until each
    worker has imported what a run needs (a barrier in the initializer makes
    every worker wait for the others, so all of them must be up).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    barrier = context.Barrier(workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ready_worker, initargs=(barrier,)) as pool:
        pids = set(pool.map(_pid, range(workers)))
        elapsed = time.perf_counter() - started
    if len(pids) != workers:
        progress(f"           warning: {len(pids)} of {workers} workers answered")
    return elapsed


def _import_rmsim() -> int:
    """Import what a run needs in a Dask worker; returns its process id."""
    warm_imports()
    return os.getpid()


def dask_cluster(workers: int) -> tuple[Any, Any, float]:
    """Start a ``LocalCluster`` like the ``dask`` backend does; time it until every worker has imported rmsim.

    Returns
    -------
    tuple
        The cluster, its client and the start-up seconds.
    """
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.wait_for_workers(workers)
    client.run(_import_rmsim)
    return cluster, client, time.perf_counter() - started


# --------------------------------------------------------------------------- identical results


def normalised(frame: Any) -> Any:
    """A results frame in a canonical form: ``run_id`` as text, sorted, fresh index."""
    frame = frame.copy()
    frame["run_id"] = frame["run_id"].astype(str)
    keys = ["run_id", "week"] if "week" in frame else ["run_id"]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def compare(reference: Path, other: Path, run_ids: list[str] | None = None) -> dict[str, Any]:
    """Compare two results folders: the runs table (without ``elapsed_seconds``), the timeseries, and the Parquet bytes.

    Parameters
    ----------
    reference, other
        Results folders.
    run_ids
        Compare only these runs (those of ``other`` when it holds fewer).

    Returns
    -------
    dict
        ``runs_equal``, ``timeseries_equal``, ``parquet_identical`` (every
        frame's file of every run byte for byte), ``identical`` (all three)
        and the first difference found, if any.
    """
    import pandas as pd

    import rmsim

    a, b = rmsim.load_results(reference), rmsim.load_results(other)
    differences = []

    def select(frame: pd.DataFrame) -> pd.DataFrame:
        if run_ids is not None:
            frame = frame[frame["run_id"].astype(str).isin(run_ids)]
        return normalised(frame)

    def equal(name: str, left: pd.DataFrame, right: pd.DataFrame) -> bool:
        try:
            pd.testing.assert_frame_equal(left, right, check_categorical=False)
        except AssertionError as error:
            differences.append(f"{name}: {str(error).strip().splitlines()[0]}")
            return False
        return True

    runs_a, runs_b = (select(r.runs.drop(columns="elapsed_seconds")) for r in (a, b))
    runs_equal = equal("runs", runs_a, runs_b)
    timeseries_equal = equal("timeseries", select(a.timeseries), select(b.timeseries))
    ids = run_ids if run_ids is not None else sorted(runs_a["run_id"])
    mismatched = 0
    for run_id in ids:
        for name in FRAMES:
            digests = [
                hashlib.sha256((root / "runs" / run_id / f"{name}.parquet").read_bytes()).digest() for root in (reference, other)
            ]
            mismatched += digests[0] != digests[1]
    if mismatched:
        differences.append(f"{mismatched} Parquet files differ")
    return {
        "runs_compared": len(ids),
        "runs_equal": runs_equal,
        "timeseries_equal": timeseries_equal,
        "parquet_identical": mismatched == 0,
        "identical": runs_equal and timeseries_equal and mismatched == 0,
        "differences": differences,
    }


# --------------------------------------------------------------------------- profile


def profile_run(args: argparse.Namespace) -> dict[str, Any]:
    """Profile one run as a worker does it (simulate, outcomes, Parquet serialisation) with cProfile.

    Writing the run's files into the results folder is not included (it is
    done by the main process). Imports are warm: a run has been done before.
    The garbage of the sweeps is collected first, so that a full collection of
    this process's heap is not charged to the run (a worker's heap is small).
    """
    from rmsim.experiment import execute_run

    spec = experiment_for("bench-sweep-profile", 1, args).runs()[0]
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    execute_run(spec)
    profiler.disable()
    stats, total = profile_statistics(profiler)

    return {
        "total_s": total,
        "by_own_time": profile_rows(stats, top(stats, PROFILE_ROWS, by="own")),
        "by_cumulative_time": profile_rows(stats, top(stats, PROFILE_ROWS * 2, by="cumulative")),
    }


def print_profile(profile: dict[str, Any], args: argparse.Namespace) -> None:
    """Print the profile of one run."""
    print(
        f"\nProfile of one run, {args.employees:,} employees x {args.weeks} weeks, as a worker does it "
        f"(cProfile, {profile['total_s']:.3f} s profiled; profiling slows it down):"
    )
    print("  by own time (time inside the function itself):")
    for row in profile["by_own_time"]:
        print(f"    {row['own_share']:6.1%}  {row['own_s']:7.3f} s  {row['calls']:>9,} calls  {row['function']}")
    print("  by cumulative time (including what they call):")
    for row in profile["by_cumulative_time"]:
        print(f"    {row['cumulative_share']:6.1%}  {row['cumulative_s']:7.3f} s  {row['calls']:>9,} calls  {row['function']}")


# --------------------------------------------------------------------------- figures


def derive(measurement: dict[str, Any], serial_per_run: float) -> dict[str, Any]:
    """Runs per second, speed-up and parallel efficiency of a measurement.

    Speed-up is ``serial s per run x runs / wall``; efficiency is speed-up /
    workers. ``busy`` is the share of the workers' wall time spent inside runs
    (``sum of in-worker run times / (wall x workers)``).
    """
    wall, runs, workers = measurement["wall_s"], measurement["runs"], measurement["workers"]
    speedup = serial_per_run * runs / wall
    return {
        **measurement,
        "runs_per_s": runs / wall,
        "worker_s_per_run": wall * workers / runs,
        "speedup": speedup,
        "efficiency": speedup / workers,
        "busy": measurement["in_worker_sum_s"] / (wall * workers),
        "cores_ours": None if measurement.get("cpu_ours_s") is None else measurement["cpu_ours_s"] / wall,
        "cores_others": None if measurement.get("cpu_others_s") is None else measurement["cpu_others_s"] / wall,
        "main_cpu_ms_per_run": None if measurement.get("cpu_main_s") is None else 1000 * measurement["cpu_main_s"] / runs,
    }


def table(rows_in: list[dict[str, Any]]) -> str:
    """The figures table."""
    header = (
        "measurement",
        "runs",
        "workers",
        "wall s",
        "start-up s",
        "runs/s",
        "s per run per worker",
        "speed-up",
        "efficiency",
        "in-run s/run",
        "busy",
        "cores used",
        "main CPU ms/run",
        "others' cores",
        "load before",
    )
    rows = [header]
    for m in rows_in:
        rows.append(
            (
                m["label"],
                f"{m['runs']:,}",
                str(m["workers"]),
                fmt(m["wall_s"]),
                fmt(m.get("startup_s")),
                fmt(m["runs_per_s"]),
                fmt(m["worker_s_per_run"], ".3f"),
                fmt(m["speedup"], ".2f", "x"),
                fmt(m["efficiency"], ".0%"),
                fmt(m.get("in_worker_mean_s"), ".3f"),
                fmt(m.get("busy"), ".0%"),
                fmt(m.get("cores_ours"), ".2f"),
                fmt(m.get("main_cpu_ms_per_run"), ".1f"),
                fmt(m.get("cores_others"), ".2f"),
                fmt(m.get("load_before", [None])[0], ".2f"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        " | ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def targets(measured: list[dict[str, Any]], args: argparse.Namespace, serial_per_run: float) -> list[dict[str, Any]]:
    """Check the target for each parallel backend, judged on the wall time including start-up.

    Returns
    -------
    list of dict
        One entry per backend: ``target``, ``status`` (``MET``, ``NOT MET`` or
        ``NOT MEASURED``) and a ``detail`` line.
    """
    as_required = (args.runs, args.employees, args.weeks, args.workers) == (
        TARGET_RUNS,
        TARGET_EMPLOYEES,
        TARGET_WEEKS,
        TARGET_WORKERS,
    )
    out = []
    for backend in PARALLEL_BACKENDS:
        name = (
            f"{TARGET_RUNS:,} runs of {TARGET_EMPLOYEES:,} employees x {TARGET_WEEKS} weeks on {backend} "
            f"with {TARGET_WORKERS} workers in <= {TARGET_SECONDS:g} s"
        )
        full = next((m for m in measured if m["backend"] == backend and m.get("includes_startup")), None)
        if full is None:
            out.append({"target": name, "status": "NOT MEASURED", "detail": f"{backend} not among --backends"})
            continue
        excluded = next((m for m in measured if m["backend"] == backend and not m.get("includes_startup")), None)
        detail = f"{full['wall_s']:.1f} s with start-up ({full['runs_per_s']:.1f} runs/s)"
        if excluded is not None:
            detail += f", {excluded['wall_s']:.1f} s without"
        if full["failed"]:
            out.append({"target": name, "status": "NOT MET", "detail": f"{full['failed']} runs failed; {detail}"})
        elif as_required:
            out.append({"target": name, "status": verdict(full["wall_s"] <= TARGET_SECONDS), "detail": detail})
        else:
            startup = full.get("startup_s") or 0.0
            scaled = startup + (full["wall_s"] - startup) * TARGET_RUNS / full["runs"]
            detail = (
                f"ran {args.runs:,} runs of {args.employees:,} employees x {args.weeks} weeks on {args.workers} workers: "
                f"{detail}; scaled to {TARGET_RUNS:,} runs ~{scaled:.0f} s"
            )
            out.append({"target": name, "status": "NOT MEASURED", "detail": detail})
    return out


# --------------------------------------------------------------------------- running


def versions() -> dict[str, str | None]:
    """Versions of Python and of the packages whose speed is measured."""
    from importlib import metadata

    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("rmsim", "mesa", "numpy", "pandas", "pyarrow", "dask", "distributed"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def machine() -> dict[str, Any]:
    """The machine: platform, processor, cores and the cores this process may use."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "usable_cores": usable,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Runs per second and parallel efficiency of rmsim experiment sweeps on the processes and dask backends.",
    )
    parser.add_argument("--runs", type=int, default=TARGET_RUNS, help="runs (replications) per sweep (default: %(default)s)")
    parser.add_argument("--employees", type=int, default=TARGET_EMPLOYEES, help="employees per run (default: %(default)s)")
    parser.add_argument("--weeks", type=int, default=TARGET_WEEKS, help="weeks per run (default: %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=TARGET_WORKERS, help="worker processes of each parallel backend (default: %(default)s)"
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=PARALLEL_BACKENDS,
        default=list(PARALLEL_BACKENDS),
        help="parallel backends to measure (default: %(default)s)",
    )
    parser.add_argument(
        "--serial-runs", type=int, default=20, help="runs over which the serial time per run is measured (default: %(default)s)"
    )
    parser.add_argument("--policy", default="random", help="pairing policy of the programme (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=2026, help="master seed of the experiment (default: %(default)s)")
    parser.add_argument(
        "--no-own-cluster",
        dest="own_cluster",
        action="store_false",
        help="skip the dask sweep on a cluster started beforehand (start-up excluded)",
    )
    parser.add_argument(
        "--no-startup", dest="startup", action="store_false", help="skip timing the processes backend's worker start-up"
    )
    parser.add_argument("--profile", action="store_true", help="also profile one run with cProfile and print the top functions")
    parser.add_argument("--tmp", type=Path, help="folder in which the temporary results folders are made (default: the system's)")
    parser.add_argument("--json", type=Path, help="write every figure plus provenance to this JSON file")
    args = parser.parse_args(argv)
    if min(args.runs, args.weeks, args.workers, args.serial_runs) < 1 or args.employees < 2:
        parser.error("--runs, --weeks, --workers and --serial-runs must be >= 1 and --employees >= 2")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; returns the exit code."""
    args = parse_args(argv)
    settings = {
        "runs": args.runs,
        "employees": args.employees,
        "weeks": args.weeks,
        "workers": args.workers,
        "backends": args.backends,
        "serial_runs": args.serial_runs,
        "policy": args.policy,
        "seed": args.seed,
        "own_cluster": args.own_cluster,
        "startup": args.startup,
    }
    load_start = os.getloadavg()
    source_start = source_digest()
    found = versions()
    box = machine()
    measured: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    profile = None
    with tempfile.TemporaryDirectory(prefix="rmsim-bench-sweep-", dir=args.tmp) as tmp:
        root = Path(tmp)
        from rmsim.experiment import execute_run

        progress("warm-up    one run in this process (imports; not timed) ...")
        execute_run(experiment_for("bench-sweep-warm-up", 1, args).runs()[0])

        progress(f"serial     {args.serial_runs} runs ...")
        serial = timed_sweep("serial", args.serial_runs, root / "serial", args, backend="serial")
        serial["includes_startup"] = True
        serial_per_run = serial["wall_s"] / serial["runs"]
        progress(f"           {serial['wall_s']:.2f} s, {serial_per_run:.3f} s per run")
        measured.append(serial)

        reference: Path | None = None
        compared: set[Path] = set()
        for backend in args.backends:
            if backend == "processes":
                startup = None
                if args.startup:
                    progress(f"processes  worker start-up ({args.workers} spawned workers importing rmsim) ...")
                    startup = processes_startup(args.workers)
                    progress(f"           {startup:.2f} s")
                progress(f"processes  {args.runs:,} runs on {args.workers} workers ...")
                m = timed_sweep("processes", args.runs, root / "processes", args, backend="processes", workers=args.workers)
                m.update(includes_startup=True, startup_s=startup, startup_note="measured separately (spawn pool + imports)")
                progress(f"           {m['wall_s']:.2f} s")
                runs_measured = [m]
                if startup is not None:
                    estimate = {
                        **m,
                        "label": "processes, start-up excluded (estimate)",
                        "wall_s": m["wall_s"] - startup,
                        "includes_startup": False,
                        "cpu_ours_s": None,
                        "cpu_main_s": None,
                        "cpu_others_s": None,
                    }
                    runs_measured.append(estimate)
            else:
                progress(f"dask       {args.runs:,} runs on a LocalCluster of {args.workers} workers started by rmsim ...")
                m = timed_sweep(
                    "dask, cluster started by rmsim", args.runs, root / "dask", args, backend="dask", workers=args.workers
                )
                m.update(includes_startup=True)
                progress(f"           {m['wall_s']:.2f} s")
                runs_measured = [m]
                if args.own_cluster:
                    progress(f"dask       starting a LocalCluster of {args.workers} workers ...")
                    cluster, client, startup = dask_cluster(args.workers)
                    progress(f"           {startup:.2f} s; {args.runs:,} runs on it ...")
                    try:
                        own = timed_sweep(
                            "dask, own cluster (start-up excluded)",
                            args.runs,
                            root / "dask-own",
                            args,
                            backend="dask",
                            client=client,
                        )
                    finally:
                        client.close()
                        cluster.close()
                    own.update(workers=args.workers, includes_startup=False, startup_s=startup)
                    m["startup_s"] = startup
                    m["startup_note"] = "measured on the own cluster (LocalCluster + Client + imports)"
                    progress(f"           {own['wall_s']:.2f} s")
                    runs_measured.append(own)
            for sweep in runs_measured:
                path = Path(sweep["path"])
                if reference is None:
                    reference = path
                elif path != reference and path not in compared:
                    progress(f"compare    {sweep['label']} with {reference.name} ...")
                    checks.append({"reference": reference.name, "other": path.name, **compare(reference, path)})
                    compared.add(path)
            measured += runs_measured
        if reference is not None:
            ids = [f"a000-r{r:03d}" for r in range(min(args.serial_runs, args.runs))]
            progress(f"compare    serial with {reference.name} (first {len(ids)} runs) ...")
            checks.append({"reference": reference.name, "other": "serial", **compare(reference, root / "serial", ids)})
        if args.profile:
            progress("profile    one run ...")
            profile = profile_run(args)
    load_end = os.getloadavg()
    source_end = source_digest()

    rows = [derive(m, serial_per_run) for m in measured]
    ideal = serial_per_run * args.runs / args.workers
    needed = TARGET_SECONDS * TARGET_WORKERS / TARGET_RUNS
    print(
        f"rmsim {found['rmsim']} sweep benchmark; Python {found['python']}, Mesa {found['mesa']}, numpy {found['numpy']}, "
        f"pandas {found['pandas']}, pyarrow {found['pyarrow']}, dask {found['dask']}, distributed {found['distributed']}"
    )
    print(
        f"Machine: {box['platform']}, {box['machine']}, {box['cpu_count']} cores ({box['usable_cores']} usable); "
        f"load average (1, 5, 15 min) {', '.join(f'{x:.2f}' for x in load_start)} at start, "
        f"{', '.join(f'{x:.2f}' for x in load_end)} at end."
    )
    print(
        f"Each run: {args.employees:,} employees x {args.weeks} weeks, programme policy {args.policy!r} (scenario defaults "
        f"otherwise), seed of replication r derived from master seed {args.seed}; each run's four Parquet frames written "
        "to a results folder (timed)."
    )
    if source_end != source_start:
        print("Warning: rmsim's source changed during the benchmark; the sweeps may not have run the same code.")
    if box["usable_cores"] is not None and box["usable_cores"] < args.workers:
        print(f"Warning: {args.workers} workers on {box['usable_cores']} usable cores; efficiency cannot reach 100%.")
    print(
        f"Serial time per run: {serial_per_run:.3f} s (wall of {args.serial_runs} runs on the serial backend, warm, / "
        f"{args.serial_runs}); at 100% efficiency {args.runs:,} runs on {args.workers} workers would take {ideal:.1f} s."
    )
    print(
        "Speed-up = serial s per run x runs / wall; efficiency = speed-up / workers; s per run per worker = wall x workers / "
        "runs; in-run s/run = mean time inside a run as the worker measures it (simulate + Parquet bytes); busy = share "
        "of the workers' wall time spent inside runs; cores used = CPU seconds of this benchmark's processes / wall; "
        "main CPU ms/run = CPU of the main process (writing results; with dask also scheduler and client) per run; "
        "others' cores = CPU seconds of other programs on the machine / wall (above 0 means the figures are contended)."
    )
    print()
    print(table(rows))
    notes = [f"{row['label']}: {row['startup_note']}" for row in rows if row.get("startup_note") and row.get("includes_startup")]
    if notes:
        print("\nStart-up s, " + "; ".join(notes) + ".")
    for row in rows:
        if row["failed"]:
            print(f"\n{row['label']}: {row['failed']} runs FAILED.")
    print("\nIdentical results:")
    if not checks:
        print("  NOT CHECKED  (fewer than two sweeps ran)")
    for check in checks:
        status = "IDENTICAL" if check["identical"] else "DIFFERENT"
        detail = (
            f"runs table without elapsed_seconds {'equal' if check['runs_equal'] else 'DIFFERS'}, "
            f"timeseries {'equal' if check['timeseries_equal'] else 'DIFFERS'}, "
            f"all {len(FRAMES)} Parquet files of each run {'byte-identical' if check['parquet_identical'] else 'NOT identical'}"
        )
        print(f"  {status:<11}  {check['other']} vs {check['reference']} ({check['runs_compared']:,} runs): {detail}")
        for difference in check["differences"]:
            print(f"               {difference}")
    checked = targets(rows, args, serial_per_run)
    print("\nTargets (wall time including start-up):")
    for target in checked:
        print(f"  {target['status']:<12} {target['target']}: {target['detail']}")
    print(
        f"  A {TARGET_SECONDS:g} s target for {TARGET_RUNS:,} runs on {TARGET_WORKERS} workers allows at most "
        f"{needed:.3f} s of serial time per run at 100% efficiency; measured {serial_per_run:.3f} s."
    )
    if profile is not None:
        print_profile(profile, args)
    if args.json is not None:
        from rmsim.provenance import manifest

        record = manifest(
            "benchmark-sweep",
            settings=settings,
            machine={**box, "load_average_start": list(load_start), "load_average_end": list(load_end)},
            benchmark_versions=found,
            rmsim_source={"start": source_start, "end": source_end},
            serial_s_per_run=serial_per_run,
            ideal_wall_s=ideal,
            measurements=rows,
            identical_results=checks,
            targets=checked,
            profile=profile,
        )
        args.json.write_text(json.dumps(record, indent=2, default=str))
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
