"""The ``rmsim`` command line.

Every invalid input (unknown policy, impossible size, bad YAML, a census with a
missing column...) ends with exit code 2 and one line naming the field and the
value, before anything is written.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import yaml

from rmsim.errors import ConfigError, RmsimError

DEFAULT_SEED = 2026
"""Seed used by ``rmsim run`` when none is given, so that the default run is reproducible."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit with code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rmsim", description="Simulate reverse-mentoring programmes in an organisation.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser(
        "run",
        help="run one simulation and write its results",
        description="Run one simulation (built-in defaults, or a scenario file), print a summary and write "
        "the result frames as Parquet with a manifest.",
    )
    run.add_argument("scenario", nargs="?", metavar="SCENARIO.yaml", help="scenario file (default: built-in defaults)")
    run.add_argument("--case", metavar="NAME", help="run a case-study preset instead (see `rmsim reproduce --list`)")
    run.add_argument("--policy", help="pairing policy (see `rmsim policies`)")
    run.add_argument("--employees", type=int, metavar="N", help="organisation size")
    run.add_argument("--weeks", type=int, metavar="N", help="weeks to simulate")
    run.add_argument("--seed", type=int, metavar="N", help=f"random seed (default {DEFAULT_SEED})")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="set any scenario field by its dotted path, e.g. --set programme.cadence_weeks=2 (repeatable)",
    )
    run.add_argument("--out", metavar="DIR", help="results folder (default: results/runs/<scenario>-<policy>-seed<N>)")
    run.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    run.add_argument("--quiet", action="store_true", help="print only where the results went")

    commands.add_parser("policies", help="list the pairing policies", description="List the registered pairing policies.")

    reproduce = commands.add_parser(
        "reproduce",
        help="check the case studies' published figures against the model",
        description="Run case-study presets over replications and print, for each published figure, the simulated "
        "mean with a 90%% interval and whether the published value is plausible under the model. Exit code 0 when "
        "every published value is plausible, 1 otherwise.",
    )
    reproduce.add_argument("cases", nargs="*", metavar="CASE", help="case studies (default: all with targets)")
    reproduce.add_argument("--replications", type=int, metavar="N", help="replications per case (default 20; --fast: 4)")
    reproduce.add_argument("--fast", action="store_true", help="few replications, for a quick check (as in CI)")
    reproduce.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N", help=f"master seed (default {DEFAULT_SEED})")
    reproduce.add_argument("--uncalibrated", action="store_true", help="ignore the presets' calibrated values")
    reproduce.add_argument("--backend", choices=["serial", "processes", "dask"], default="processes", help="default: processes")
    reproduce.add_argument("--workers", type=int, metavar="N", help="worker processes (default: all cores)")
    reproduce.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address")
    reproduce.add_argument("--out", metavar="DIR", default=str(Path("results") / "reproduce"), help="default: results/reproduce")
    reproduce.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    reproduce.add_argument("--list", action="store_true", help="list the case studies and their targets, and exit")

    experiment = commands.add_parser(
        "experiment",
        help="run, inspect and summarise experiments (replications, sweeps, policy comparisons)",
        description="Experiments: many runs of a design over replications, on processes or a Dask cluster.",
    )
    actions = experiment.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    exp_run = actions.add_parser(
        "run",
        help="run (or resume) an experiment",
        description="Run an experiment file, or without FILE the built-in comparison of every pairing policy with "
        "the control. Each finished run is written at once; running again resumes.",
    )
    exp_run.add_argument("file", nargs="?", metavar="FILE", help="experiment YAML file (default: built-in policy comparison)")
    exp_run.add_argument("--backend", choices=["serial", "processes", "dask"], default="processes", help="default: processes")
    exp_run.add_argument("--workers", type=int, metavar="N", help="worker processes (default: all cores)")
    exp_run.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    exp_run.add_argument("--out", metavar="DIR", help="results folder (default: results/<experiment name>)")
    exp_run.add_argument("--replications", type=int, metavar="N", help="override the file's replications")
    exp_run.add_argument("--no-retry-failed", action="store_true", help="do not run again runs that failed before")
    exp_run.add_argument("--no-figure", action="store_true", help="do not draw figure.png")
    exp_run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    status = actions.add_parser("status", help="show what has run", description="Runs by status, and failed runs.")
    status.add_argument("dir", metavar="DIR", help="experiment results folder")
    summary = actions.add_parser(
        "summary",
        help="outcomes per arm and contrasts with the control",
        description="Per-arm means with 95%% confidence intervals, and paired differences from the control arm.",
    )
    summary.add_argument("dir", metavar="DIR", help="experiment results folder")
    summary.add_argument("--outcome", action="append", metavar="NAME", help="outcome to show (repeatable)")

    report = commands.add_parser(
        "report",
        help="write a standalone HTML report of an experiment, for a client",
        description="Write one self-contained HTML file (figures embedded, no network needed) reporting an experiment: "
        "the question, the organisation, the designs, outcomes, cost and turnover cost avoided, a recommendation, "
        "the assumptions with their sources, failed runs and the manifest.",
    )
    report.add_argument("results_dir", metavar="RESULTS_DIR", help="experiment results folder")
    report.add_argument("--out", metavar="FILE", help="HTML file to write (default: RESULTS_DIR/report.html)")
    dashboard = commands.add_parser(
        "dashboard",
        help="open the interactive dashboard (a local web page)",
        description="Serve the interactive dashboard (Mesa's SolaraViz page for the model: controls, live charts, the "
        "organisation network and a comparison of two designs) on this machine, starting from a scenario file or the "
        "built-in defaults. Needs the 'dashboard' extra; the page loads nothing from the internet.",
    )
    dashboard.add_argument("scenario", nargs="?", metavar="SCENARIO.yaml", help="scenario file (default: built-in defaults)")
    dashboard.add_argument("--port", type=int, default=8765, metavar="N", help="port to serve on (default 8765)")
    dashboard.add_argument("--host", default="127.0.0.1", metavar="ADDR", help="address to bind (default 127.0.0.1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from rmsim import __version__

        print(f"rmsim {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "policies":
            return _policies()
        if args.command == "dashboard":
            return _dashboard(args)
        if args.command == "reproduce":
            return _reproduce(args)
        if args.command == "experiment":
            return _experiment(args)
        if args.command == "report":
            return _report_command(args)
    except RmsimError as error:
        print(f"rmsim: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rmsim: interrupted", file=sys.stderr)
        return 130
    return 0  # pragma: no cover - argparse rejects unknown commands


def _policies() -> int:
    from rmsim.pairing import available_policies

    policies = available_policies()
    width = max(len(name) for name in policies)
    for name, policy in policies.items():
        print(f"{name:<{width}}  {policy.description}")
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from rmsim.case_studies import available_cases, load_case, reproduce, targets

    if args.list:
        table = targets()
        for name in available_cases():
            study = load_case(name)
            print(f"{name:<17} {study.title}")
            for row in table[table["case"] == name].itertuples(index=False):
                print(f"{'':<17}   - {row.target}: {row.quantity}")
        return 0
    if args.replications is not None and args.replications < 2:
        raise ConfigError("--replications", args.replications, "must be a whole number >= 2")
    if args.workers is not None and args.workers < 1:
        raise ConfigError("--workers", args.workers, "must be a whole number >= 1")
    replications = args.replications or (4 if args.fast else 20)
    found = reproduce(
        args.cases or None,
        replications=replications,
        seed=args.seed,
        calibrated=not args.uncalibrated,
        out=args.out,
        backend=args.backend,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=sys.stderr.isatty(),
    )
    print(found.summary())
    if args.csv:
        found.table.to_csv(args.csv, index=False)
        print(f"table written to {args.csv}")
    return 0 if found.all_plausible else 1


def _dashboard(args: argparse.Namespace) -> int:
    """Check the scenario, then serve rmsim.dashboard with ``solara run`` until interrupted."""
    import importlib.util
    import signal
    import subprocess

    from rmsim.config import Scenario

    if not 1 <= args.port <= 65535:
        raise ConfigError("--port", args.port, "must be a port number from 1 to 65535")
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", "SOLARA_ASSETS_PROXY": "true"}
    env.pop("RMSIM_DASHBOARD_SCENARIO", None)
    if args.scenario:
        Scenario.from_yaml(args.scenario)  # a bad file ends here with exit code 2, before any server starts
        env["RMSIM_DASHBOARD_SCENARIO"] = str(Path(args.scenario).resolve())
    missing = [name for name in ("solara", "solara_assets", "altair") if importlib.util.find_spec(name) is None]
    if missing:
        print(
            f"rmsim: error: the dashboard needs the 'dashboard' extra (missing: {', '.join(missing)}); "
            'install it with: pip install "rmsim[dashboard]"',
            file=sys.stderr,
        )
        return 1
    command = [sys.executable, "-m", "solara", "run", "rmsim.dashboard:Page", "--host", args.host, "--port", str(args.port)]
    command += ["--production", "--no-open", "--no-check-version"]  # no reloader, no browser, no call to PyPI
    print(f"rmsim dashboard: http://{args.host}:{args.port} (Ctrl-C to stop)", flush=True)
    server = subprocess.Popen(command, env=env)
    previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for item in args.set:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ConfigError("--set", item, "write FIELD=VALUE, e.g. programme.cadence_weeks=2")
        try:
            overrides[key.strip()] = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigError(key.strip(), text, "not a valid YAML value") from None
    for name, path in (("policy", "programme.policy"), ("employees", "organisation.size"), ("weeks", "weeks")):
        value = getattr(args, name)
        if value is not None:
            overrides[path] = value
    return overrides


def _experiment(args: argparse.Namespace) -> int:
    from rmsim.store import load_results

    if args.action == "run":
        return _experiment_run(args)
    results = load_results(args.dir)
    if args.action == "status":
        print(_status(results))
    else:
        print(_summary(results, args.outcome))
    return 0


def _experiment_run(args: argparse.Namespace) -> int:
    from rmsim.experiment import Experiment, default_experiment, run_experiment
    from rmsim.store import load_results

    experiment = Experiment.from_yaml(args.file) if args.file else default_experiment()
    if args.replications is not None:
        experiment = experiment.with_changes(replications=args.replications)
    path = run_experiment(
        experiment,
        out=args.out,
        backend=args.backend,
        workers=args.workers,
        scheduler=args.scheduler,
        retry_failed=not args.no_retry_failed,
        progress=not args.quiet,
    )
    results = load_results(path)
    if not args.quiet:
        print(_summary(results, None))
    if not args.no_figure and experiment.control_arm() is not None and results.status()["ok"]:
        import matplotlib

        matplotlib.use("Agg")  # a command line draws to files only
        from rmsim.plots import save_contrasts_figure

        print(f"figure written to {save_contrasts_figure(results, path / 'figure.png')}")
    print(f"results in {path}")
    return 0 if results.status()["failed"] == 0 else 1


def _report_command(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # a command line draws to files only
    from rmsim.report import build_report

    print(f"report written to {build_report(args.results_dir, out=args.out)}")
    return 0


def _status(results: Any) -> str:
    counts = results.status()
    m = results.manifest
    lines = [
        f"experiment '{results.experiment.name}' in {results.path}: {m.get('status', 'unknown')}",
        f"  {len(results.experiment.arms())} arms x {results.experiment.replications} replications = {len(results.runs)} runs",
        f"  ok {counts['ok']}, failed {counts['failed']}, pending {counts['pending']}",
    ]
    for attempt in m.get("attempts", []):
        lines.append(
            f"  attempt {attempt.get('started')}: backend {attempt.get('backend')}, {attempt.get('to_run')} to run, "
            f"{attempt.get('elapsed_seconds', '?')} s"
        )
    failed = results.failed
    if len(failed):
        lines.append("failed runs:")
        lines += [f"  {row.run_id} (seed {row.seed}): {row.error}" for row in failed.itertuples()]
    return "\n".join(lines)


ARM_OUTCOMES = ("mentee_digital_gain", "pair_quality", "rated_development_effective", "mentor_promoted_within_year")
CONTRAST_OUTCOMES = ("digital_gap_end", "annual_exit_rate", "promotions", "turnover_cost")


def _summary(results: Any, outcomes: list[str] | None) -> str:
    from rmsim.results import OUTCOMES

    lines = [_status(results), ""]
    if not results.status()["ok"]:
        return "\n".join([*lines, "no finished runs yet"])
    arm_outcomes = outcomes or list(ARM_OUTCOMES)
    contrast_outcomes = outcomes or list(CONTRAST_OUTCOMES)

    def cell(mean: float, low: float, high: float, n: int, sign: str = "") -> str:
        if not n:
            return "-"
        return f"{mean:{sign}.3g} [{low:{sign}.3g}, {high:{sign}.3g}]" if n > 1 else f"{mean:{sign}.3g}"

    table = results.summary(arm_outcomes)
    table["cell"] = [cell(*row) for row in table[["mean", "ci_low", "ci_high", "n"]].itertuples(index=False)]
    wide = table.pivot_table(index=results.factors, columns="outcome", values="cell", aggfunc="first", sort=False)
    wide = wide[arm_outcomes]
    lines += ["Per arm: mean [95% confidence interval across replications]", wide.to_string(), ""]
    control = results.experiment.control_arm()
    if control is not None:
        contrasts = results.contrasts(contrast_outcomes)
        contrasts["cell"] = [
            cell(*row, sign="+") for row in contrasts[["difference", "ci_low", "ci_high", "n"]].itertuples(index=False)
        ]
        wide = contrasts.pivot_table(index=results.factors, columns="outcome", values="cell", aggfunc="first", sort=False)
        wide = wide[contrast_outcomes]
        label = ", ".join(f"{k}={v}" for k, v in control.items())
        lines += [f"Difference from the control ({label}), paired by replication: mean [95% CI]", wide.to_string()]
    lines += [
        "",
        "outcomes: "
        + "; ".join(
            f"{k} = {OUTCOMES[k][0]} ({OUTCOMES[k][1]})" for k in dict.fromkeys(arm_outcomes + contrast_outcomes) if k in OUTCOMES
        ),
    ]
    return "\n".join(lines)


def _default_out(name: str, policy: str, seed: int) -> Path:
    base = Path("results") / "runs" / f"{name}-{policy}-seed{seed}"
    out, n = base, 1
    while out.exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    return out


def _run(args: argparse.Namespace) -> int:
    from rmsim.model import ReverseMentoringModel, as_scenario
    from rmsim.results import check_creatable, check_output_folder

    if args.case and args.scenario:
        raise ConfigError("--case", args.case, "give a case study or a scenario file, not both")
    if args.case:
        from rmsim.case_studies import load_case

        scenario = as_scenario(load_case(args.case).build_scenario(), _overrides(args))
    else:
        scenario = as_scenario(args.scenario, _overrides(args))
    seed = DEFAULT_SEED if args.seed is None else args.seed
    if seed < 0:
        raise ConfigError("seed", seed, "must be an integer >= 0")
    out = Path(args.out) if args.out else _default_out(scenario.name, scenario.programme.policy, seed)
    check_output_folder(out, overwrite=args.overwrite)
    check_creatable(out)
    model = ReverseMentoringModel(scenario, seed=seed)
    model.run_model()
    result = model.result()
    try:
        result.to_parquet(out, overwrite=args.overwrite)
    except OSError as error:
        raise ConfigError("out", str(out), f"cannot write the results there ({error.strerror or error})") from None
    if not args.quiet:
        print(_report(result))
    print(f"results written to {out}")
    return 0


def _report(result: Any) -> str:
    s = result.scenario
    lines = [
        f"rmsim run: scenario '{s.name}', policy '{s.programme.policy}', {s.organisation.size} positions, "
        f"{s.weeks} weeks, seed {result.seed}",
        "",
    ]
    table = result.summary()
    width = max(len(q) for q in table["quantity"])
    for quantity, value, unit in table.itertuples(index=False):
        lines.append(f"  {quantity:<{width}}  {_format(value):>12}  {unit}")
    return "\n".join(lines)


def _format(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if float(value).is_integer() and abs(value) < 1e12:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
