"""The consultant's dashboard: Mesa's SolaraViz page for :class:`~rmsim.ReverseMentoringModel`.

Start it with ``rmsim dashboard [SCENARIO.yaml]`` (a local web page), or show it
in JupyterLab::

    from rmsim.dashboard import page
    page

The page has Mesa's controls (Reset, play/pause, Step) and the model parameters
in the sidebar: organisation size, generation mix, an optional HR census file,
the programme design (pairing policy, cohort size, cadence, duration,
formality, reciprocity), the horizon and the seed. Changed parameters take
effect when Reset is pressed; every change goes through
:meth:`Scenario.with_overrides <rmsim.Scenario.with_overrides>`, so the
project's validation decides what is allowed, and an invalid value is shown as
its one-line message on the page (the starting scenario is shown meanwhile).

Page 0 shows live charts of the weekly data the model collects (digital gap,
retention by generation, active pairs, cumulative costs) and the organisation
chart with the mentoring pairs highlighted. Page 1 compares two designs over
replications with common seeds.

Everything the page needs is served by the local server; no asset comes from a
CDN once the ``dashboard`` extra (which includes ``solara-assets``) is
installed. Only this module imports Solara and Mesa's visualisation, so the rest
of rmsim works without the extra.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from rmsim.config import Scenario
from rmsim.errors import ConfigError, RmsimError
from rmsim.model import ReverseMentoringModel
from rmsim.pairing import available_policies
from rmsim.programme import ROLE_MENTEE, ROLE_MENTOR
from rmsim.workforce import LEVELS

# no usage statistics sent by Solara's server (``rmsim dashboard`` also sets this for its server process)
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

with warnings.catch_warnings():
    # Mesa 3.3's own components trip Solara's hook linter; that is Mesa's business, not the user's
    warnings.filterwarnings("ignore", message=".*despite early return", category=UserWarning)
    import solara
    from mesa.visualization import SolaraViz, make_plot_component

SCENARIO_ENV = "RMSIM_DASHBOARD_SCENARIO"
"""Environment variable naming the scenario file the dashboard starts from (set by ``rmsim dashboard``)."""

DEFAULT_SEED = 2026
"""Seed of the first model shown, as for ``rmsim run``."""

KEEP_MIX = "as in the scenario"
GENERATION_PRESETS: dict[str, dict[str, float] | None] = {
    KEEP_MIX: None,
    "young (70% Millennials and Gen Z)": {"boomer": 0.05, "gen_x": 0.25, "millennial": 0.45, "gen_z": 0.25},
    "balanced (half and half)": {"boomer": 0.15, "gen_x": 0.35, "millennial": 0.35, "gen_z": 0.15},
    "older (70% Gen X and Boomers)": {"boomer": 0.25, "gen_x": 0.45, "millennial": 0.25, "gen_z": 0.05},
}
"""Generation mixes offered by the page; the first keeps the scenario's own (age or generation) mix."""

WORKING_GENERATIONS = ("boomer", "gen_x", "millennial", "gen_z")
"""Generations charted for retention (the others are not of working age in the default start year)."""

COMPARISON_METRICS = ("digital_gap", "active_pairs", "programme_cost", "mean_engagement")
"""Weekly series averaged over replications in the comparison of two designs."""

COMPARISON_OUTCOMES = ("digital_gap_end", "annual_exit_rate", "mentee_digital_gain", "programme_cost", "turnover_cost")
"""End-of-run outcomes (keys of ``rmsim.results.OUTCOMES``) tabulated in the comparison."""


# --------------------------------------------------------------------------- controls -> scenario


def load_base(path: str | os.PathLike[str] | None = None) -> tuple[Scenario, str | None]:
    """The scenario the page starts from, and a message if it could not be used.

    ``path`` defaults to the file named by :data:`SCENARIO_ENV`; without one
    the built-in defaults are used. A file that fails validation gives the
    defaults and the one-line reason.
    """
    path = path if path is not None else os.environ.get(SCENARIO_ENV) or None
    if path is None:
        return Scenario(), None
    try:
        return Scenario.from_yaml(path), None
    except RmsimError as error:
        return Scenario(), f"the scenario file could not be used, showing the built-in defaults instead: {error}"


def default_controls(base: Scenario, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Values of the page's controls that reproduce ``base``."""
    p = base.programme
    return {
        "size": base.organisation.size,
        "generation_mix": KEEP_MIX,
        "census": base.organisation.census or "",
        "policy": p.policy,
        "cohort_size": p.cohort_size,
        "cadence_weeks": p.cadence_weeks,
        "duration_weeks": p.duration_weeks,
        "formality": p.formality,
        "reciprocity": p.reciprocity,
        "weeks": base.weeks,
        "seed": str(seed),
    }


def parse_seed(value: Any) -> int:
    """The seed typed in the page, as an integer >= 0; otherwise a :class:`ConfigError` naming ``seed``."""
    text = str(value).strip()
    try:
        seed = int(text)
    except ValueError:
        raise ConfigError("seed", value, "must be an integer >= 0") from None
    if seed < 0:
        raise ConfigError("seed", value, "must be an integer >= 0")
    return seed


def scenario_from_controls(base: Scenario, controls: Mapping[str, Any]) -> Scenario:
    """Apply the page's control values to ``base`` through :meth:`Scenario.with_overrides`.

    Keys are those of :func:`default_controls` (``seed`` is ignored here).
    With a census file, the organisation's size comes from the file (the size
    control is not applied); a generation mix other than :data:`KEEP_MIX` is
    passed on and rejected by the scenario's own validation, as a census fixes
    every employee's age.

    Raises
    ------
    ConfigError
        The first invalid value, with its one-line message.
    """
    overrides: dict[str, Any] = {}
    census = str(controls.get("census") or "").strip()
    if census:
        if census != (base.organisation.census or ""):
            overrides["organisation.census"] = census
    else:
        if base.organisation.census:
            overrides["organisation.census"] = None
        overrides["organisation.size"] = int(controls.get("size", base.organisation.size))
    mix = controls.get("generation_mix", KEEP_MIX)
    if mix not in GENERATION_PRESETS:
        raise ConfigError("organisation.generation_mix", mix, f"choose one of {list(GENERATION_PRESETS)}")
    if GENERATION_PRESETS[mix] is not None:
        overrides["organisation.generation_mix"] = GENERATION_PRESETS[mix]
    for name in ("policy", "cohort_size", "cadence_weeks", "duration_weeks", "formality", "reciprocity"):
        if name in controls:
            overrides[f"programme.{name}"] = controls[name]
    if "weeks" in controls:
        overrides["weeks"] = controls["weeks"]
    return base.with_overrides(overrides)


class DashboardModel(ReverseMentoringModel):
    """The model as the page builds it: from a base scenario and the values of the controls.

    It never fails on invalid control values: it then runs the ``base``
    scenario, refuses to step, and keeps the one-line reason in
    :attr:`control_error`, which the page shows.

    Parameters
    ----------
    base
        Scenario the controls modify (defaults to the built-in one).
    notice
        A message to show with the model (e.g. why the scenario file was not used).
    seed
        Integer, or its text as typed in the page.
    scenario
        Ignored: Mesa ≥ 3.5 passes its own scenario object when it resets the model.
    size, generation_mix, census, policy, cohort_size, cadence_weeks, duration_weeks, formality, reciprocity, weeks
        The controls; see :func:`scenario_from_controls`. None keeps the base value.
    """

    def __init__(
        self,
        *,
        base: Scenario | None = None,
        notice: str | None = None,
        seed: int | str = DEFAULT_SEED,
        size: int | None = None,
        generation_mix: str = KEEP_MIX,
        census: str | None = None,
        policy: str | None = None,
        cohort_size: int | None = None,
        cadence_weeks: int | None = None,
        duration_weeks: int | None = None,
        formality: str | None = None,
        reciprocity: float | None = None,
        weeks: int | None = None,
        scenario: Any = None,
    ) -> None:
        base = base if base is not None else Scenario()
        controls = {**default_controls(base), "generation_mix": generation_mix}
        given = {
            "size": size,
            "census": census,
            "policy": policy,
            "cohort_size": cohort_size,
            "cadence_weeks": cadence_weeks,
            "duration_weeks": duration_weeks,
            "formality": formality,
            "reciprocity": reciprocity,
            "weeks": weeks,
        }
        controls.update({k: v for k, v in given.items() if v is not None})
        error: str | None = None
        try:
            config = scenario_from_controls(base, controls)
            seed = parse_seed(seed)
        except RmsimError as problem:
            error = str(problem)
            config, seed = base, DEFAULT_SEED
        super().__init__(config, seed=seed)
        self.control_error = error
        """One-line reason why the controls were not applied, or None."""
        self.notice = notice
        if error:
            self.running = False

    def step(self) -> None:
        """One week, unless the controls were invalid (then nothing happens and the model stops)."""
        if self.control_error:
            self.running = False
            return
        super().step()


def model_params(base: Scenario, seed: int = DEFAULT_SEED, notice: str | None = None) -> dict[str, Any]:
    """SolaraViz ``model_params``: Mesa's user inputs for the controls, plus the fixed base scenario."""
    values = default_controls(base, seed)
    policies = list(available_policies())
    if values["policy"] not in policies:  # pragma: no cover - a base scenario is validated against the registry
        policies.append(values["policy"])
    size = values["size"]
    return {
        "base": base,
        "notice": notice,
        "size": {
            "type": "SliderInt",
            "label": "Organisation size",
            "value": size,
            "min": min(50, size),
            "max": max(5000, size),
            "step": 50 if size % 50 == 0 else 1,
        },
        "generation_mix": {"type": "Select", "label": "Generation mix", "value": KEEP_MIX, "values": list(GENERATION_PRESETS)},
        "census": {"type": "InputText", "label": "HR census CSV (path; empty: synthetic)", "value": values["census"]},
        "policy": {"type": "Select", "label": "Pairing policy", "value": values["policy"], "values": policies},
        "cohort_size": {
            "type": "SliderInt",
            "label": "Cohort size (seniors)",
            "value": values["cohort_size"],
            "min": 1,
            "max": max(200, values["cohort_size"]),
            "step": 1,
        },
        "cadence_weeks": {
            "type": "SliderInt",
            "label": "Meeting cadence (weeks)",
            "value": values["cadence_weeks"],
            "min": 1,
            "max": max(13, values["cadence_weeks"]),
            "step": 1,
        },
        "duration_weeks": {
            "type": "SliderInt",
            "label": "Pair duration (weeks)",
            "value": values["duration_weeks"],
            "min": 1,
            "max": max(104, values["duration_weeks"]),
            "step": 1,
        },
        "formality": {"type": "Select", "label": "Formality", "value": values["formality"], "values": ["formal", "informal"]},
        "reciprocity": {
            "type": "SliderFloat",
            "label": "Reciprocity (mentee-to-mentor learning)",
            "value": float(values["reciprocity"]),
            "min": 0.0,
            "max": 1.0,
            "step": 0.05,
        },
        "weeks": {
            "type": "SliderInt",
            "label": "Horizon (weeks)",
            "value": values["weeks"],
            "min": 1,
            "max": max(260, values["weeks"]),
            "step": 1,
        },
        "seed": {"type": "InputText", "label": "Seed", "value": values["seed"]},
    }


# --------------------------------------------------------------------------- organisation network


def org_network(model: ReverseMentoringModel, max_nodes: int = 400) -> nx.Graph:
    """The organisation chart as a graph, with the active mentoring pairs.

    Nodes are positions with attributes ``level``, ``department``, ``role``
    (``mentor``, ``mentee``, ``none`` or ``vacant``) and ``pos`` (drawing
    coordinates: departments side by side, levels bottom to top). Edges have
    ``kind`` ``reports_to`` (a position and its manager) or ``pair`` (an
    active mentoring pair). Organisations larger than ``max_nodes`` are
    sampled: every member of an active pair (or a sample of them), a stable
    random sample of the other positions, and all their managers up to the
    top, so the chart stays connected.
    """
    wf = model.workforce
    n = len(wf)
    active = model.pairs.active
    mentors = model.ledger.position[model.pairs.mentor[active] - 1]
    mentees = model.ledger.position[model.pairs.mentee[active] - 1]
    rng = np.random.default_rng(model.seed)
    if n <= max_nodes:
        nodes = np.arange(n)
        kept_pairs = np.arange(len(active))
    else:
        budget = max(max_nodes // 2, 1)
        kept_pairs = np.arange(len(active))
        if 2 * len(kept_pairs) > budget:
            kept_pairs = np.sort(rng.choice(len(active), size=budget // 2, replace=False))
        chosen = {int(p) for p in np.concatenate([mentors[kept_pairs], mentees[kept_pairs]])}
        chosen |= _ancestors(wf.manager, chosen)
        for p in np.random.default_rng(model.seed).choice(n, size=min(n, 4 * max_nodes), replace=False).tolist():
            if len(chosen) >= max_nodes:
                break
            chosen |= {p} | _ancestors(wf.manager, {p})
        nodes = np.array(sorted(chosen), dtype=np.int64)
    x, y = _chart_coordinates(wf.level, wf.department)
    roles = np.where(wf.employee < 0, 3, wf.role)
    role_names = {0: "none", ROLE_MENTOR: "mentor", ROLE_MENTEE: "mentee", 3: "vacant"}
    graph = nx.Graph()
    for p in nodes.tolist():
        graph.add_node(
            p,
            level=LEVELS[wf.level[p]],
            department=int(wf.department[p]),
            role=role_names[int(roles[p])],
            pos=(float(x[p]), float(y[p])),
        )
    in_graph = np.zeros(n, dtype=bool)
    in_graph[nodes] = True
    reports = nodes[(wf.manager[nodes] >= 0) & in_graph[np.maximum(wf.manager[nodes], 0)]]
    graph.add_edges_from(((int(p), int(wf.manager[p])) for p in reports), kind="reports_to")
    for i in kept_pairs.tolist():
        a, b = int(mentors[i]), int(mentees[i])
        if a >= 0 and b >= 0 and in_graph[a] and in_graph[b]:
            graph.add_edge(a, b, kind="pair")
    graph.graph["positions"] = n
    return graph


def _ancestors(manager: np.ndarray, positions: set[int]) -> set[int]:
    found: set[int] = set()
    frontier = list(positions)
    while frontier:
        boss = int(manager[frontier.pop()])
        if boss >= 0 and boss not in found:
            found.add(boss)
            frontier.append(boss)
    return found


def _chart_coordinates(level: np.ndarray, department: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Departments side by side (one unit wide each), positions spread evenly within a department and level."""
    n = len(level)
    x = np.zeros(n)
    key = department.astype(np.int64) * (len(LEVELS) + 1) + level
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    counts = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, counts)
    x[order] = department[order] + 0.05 + 0.9 * (rank + 0.5) / np.repeat(counts, counts)
    return x, level.astype(float)


ROLE_COLOURS = {"mentor": "#d95f02", "mentee": "#1b9e77", "none": "#b8b8b8", "vacant": "#ffffff"}


def network_figure(model: ReverseMentoringModel, max_nodes: int = 400) -> Figure:
    """Matplotlib figure of :func:`org_network`: reporting lines in grey, mentoring pairs in colour."""
    graph = org_network(model, max_nodes)
    pos = nx.get_node_attributes(graph, "pos")
    fig = Figure(figsize=(7, 4.2), layout="constrained")
    ax = fig.subplots()
    reports = [(a, b) for a, b, kind in graph.edges(data="kind") if kind == "reports_to"]
    pairs = [(a, b) for a, b, kind in graph.edges(data="kind") if kind == "pair"]
    nx.draw_networkx_edges(graph, pos, edgelist=reports, ax=ax, edge_color="#cccccc", width=0.6)
    nx.draw_networkx_edges(graph, pos, edgelist=pairs, ax=ax, edge_color="#7570b3", width=1.6, style="solid")
    for role, colour in ROLE_COLOURS.items():
        members = [p for p, r in graph.nodes(data="role") if r == role]
        if members:
            sizes = [10 + 8 * LEVELS.index(graph.nodes[p]["level"]) for p in members]
            nx.draw_networkx_nodes(
                graph, pos, nodelist=members, ax=ax, node_size=sizes, node_color=colour, edgecolors="#555555", linewidths=0.4
            )
            ax.scatter([], [], s=30, color=colour, edgecolors="#555555", label=role)
    ax.plot([], [], color="#7570b3", label="mentoring pair")
    ax.set_yticks(range(len(LEVELS)), LEVELS)
    ax.tick_params(left=True, labelleft=True, bottom=False, labelbottom=False)
    ax.set_xlabel("departments")
    shown, total = graph.number_of_nodes(), graph.graph["positions"]
    sample = f"{shown} of {total} positions" if shown < total else f"all {total} positions"
    ax.set_title(f"Organisation chart, week {model.week} ({sample})", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return fig


# --------------------------------------------------------------------------- comparison of two designs


@dataclass
class Comparison:
    """Two or more designs run over the same replication seeds.

    Attributes
    ----------
    weekly : pandas.DataFrame
        ``design``, ``replication``, ``seed``, ``week`` and the metrics.
    runs : pandas.DataFrame
        One row per run: ``design``, ``replication``, ``seed`` and the outcomes.
    designs : list of str
        Design labels in order.
    """

    weekly: pd.DataFrame
    runs: pd.DataFrame
    designs: list[str]

    def weekly_summary(self, metrics: list[str] | None = None) -> pd.DataFrame:
        """Mean and 95% t interval of each metric per design and week (see :func:`rmsim.analysis.arm_summary`)."""
        from rmsim.analysis import arm_summary

        return arm_summary(self.weekly, list(metrics or COMPARISON_METRICS), ["design", "week"])

    def outcome_summary(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        """Mean and 95% t interval of end-of-run outcomes per design."""
        from rmsim.analysis import arm_summary

        return arm_summary(self.runs, list(outcomes or COMPARISON_OUTCOMES), ["design"])

    def contrasts(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        """Each later design minus the first, paired by replication (see :func:`rmsim.analysis.paired_contrasts`)."""
        from rmsim.analysis import paired_contrasts

        return paired_contrasts(self.runs, list(outcomes or COMPARISON_OUTCOMES), ["design"], {"design": self.designs[0]})

    def figure(self, metrics: list[str] | None = None) -> Figure:
        """Weekly means with 95% interval bands, one panel per metric."""
        metrics = list(metrics or COMPARISON_METRICS)
        table = self.weekly_summary(metrics)
        columns = 2
        rows = math.ceil(len(metrics) / columns)
        fig = Figure(figsize=(9, 2.6 * rows), layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
        for ax, metric in zip(axes, metrics, strict=False):
            for design in self.designs:
                part = table[(table["outcome"] == metric) & (table["design"] == design)]
                line = ax.plot(part["week"], part["mean"], label=design)[0]
                ax.fill_between(part["week"], part["ci_low"], part["ci_high"], color=line.get_color(), alpha=0.2, linewidth=0)
            ax.set_title(metric.replace("_", " "), fontsize=9)
            ax.set_xlabel("week", fontsize=8)
            ax.tick_params(labelsize=8)
        for ax in axes[len(metrics) :]:
            ax.set_visible(False)
        n = self.runs.groupby("design").size().min()
        axes[0].legend(fontsize=8, title=f"mean, 95% CI ({n} replications)", title_fontsize=8)
        return fig


def replication_seeds(replications: int, seed: int) -> list[int]:
    """Seeds of replications ``0..replications-1``: those ``rmsim experiment run`` uses with master seed ``seed``."""
    from rmsim.experiment import replication_seed

    return [replication_seed(seed, r) for r in range(replications)]


def compare_designs(
    scenario: Scenario,
    designs: Mapping[str, Mapping[str, Any]],
    *,
    replications: int = 5,
    seed: int = DEFAULT_SEED,
    metrics: tuple[str, ...] | list[str] = COMPARISON_METRICS,
) -> Comparison:
    """Run each design over the same replication seeds (common random numbers).

    Parameters
    ----------
    scenario
        The scenario every design modifies.
    designs
        ``{label: {"programme.policy": "random", ...}}``: dotted overrides of ``scenario``.
    replications
        Runs per design (1-100).
    seed
        Master seed; replication ``r`` of every design has the same seed.
    metrics
        Weekly columns kept in :attr:`Comparison.weekly`.

    Raises
    ------
    ConfigError
        An invalid design or number of replications, before anything runs.
    """
    from rmsim.model import run
    from rmsim.results import outcomes

    if not designs:
        raise ConfigError("designs", designs, "give at least one design")
    if isinstance(replications, bool) or not isinstance(replications, int) or not 1 <= replications <= 100:
        raise ConfigError("replications", replications, "must be an integer from 1 to 100")
    scenarios = {label: scenario.with_overrides(dict(changes)) for label, changes in designs.items()}
    seeds = replication_seeds(replications, seed)
    weekly, runs = [], []
    for label, design in scenarios.items():
        for r, run_seed in enumerate(seeds):
            result = run(design, seed=run_seed)
            frame = result.timeseries[["week", *metrics]].copy()
            frame.insert(0, "design", label)
            frame.insert(1, "replication", r)
            frame.insert(2, "seed", run_seed)
            weekly.append(frame)
            runs.append({"design": label, "replication": r, "seed": run_seed, **outcomes(result)})
    return Comparison(pd.concat(weekly, ignore_index=True), pd.DataFrame(runs), list(scenarios))


def _design_label(which: str, policy: str) -> str:
    return f"{which}: {policy}"


def _outcome_table(comparison: Comparison) -> str:
    """Markdown table of the end outcomes: mean [95% CI] per design, and the paired difference from the first."""
    from rmsim.results import OUTCOMES

    summary = comparison.outcome_summary()
    contrasts = comparison.contrasts() if len(comparison.designs) > 1 else None
    head = ["outcome", *comparison.designs, *([f"{d} − {comparison.designs[0]}" for d in comparison.designs[1:]])]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for outcome in COMPARISON_OUTCOMES:
        cells = [OUTCOMES[outcome][0]]
        for design in comparison.designs:
            row = summary[(summary["design"] == design) & (summary["outcome"] == outcome)].iloc[0]
            cells.append(_cell(row["mean"], row["ci_low"], row["ci_high"]))
        if contrasts is not None:
            for design in comparison.designs[1:]:
                row = contrasts[(contrasts["design"] == design) & (contrasts["outcome"] == outcome)].iloc[0]
                cells.append(_cell(row["difference"], row["ci_low"], row["ci_high"], sign="+"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(mean: float, low: float, high: float, sign: str = "") -> str:
    if mean != mean:  # NaN
        return "–"
    if low != low:
        return f"{mean:{sign}.3g}"
    return f"{mean:{sign}.3g} [{low:{sign}.3g}, {high:{sign}.3g}]"


# --------------------------------------------------------------------------- page components


def StatusView(model: DashboardModel) -> Any:
    """Week, design and any invalid-control message (re-drawn by Mesa after every step)."""
    with solara.Column(style={"padding": "8px"}) as status:
        notice = getattr(model, "notice", None)
        if notice:
            solara.Warning(notice)
        error = getattr(model, "control_error", None)
        if error:
            solara.Error(f"Invalid setting, not applied: {error}", classes=["rmsim-control-error"])
            solara.Text("Showing the starting scenario instead; correct the value and press Reset.")
        s = model.config
        source = f"census {Path(s.organisation.census).name}" if s.organisation.census else "synthetic organisation"
        p = s.programme
        solara.Markdown(
            f"**Week {model.week} of {s.weeks}** · policy **{p.policy}** · "
            f"{model.workforce.headcount:,} employees in {s.organisation.size:,} positions ({source}) · "
            f"{len(model.pairs.active)} active pairs · seed {model.seed}"
        )
        solara.Markdown(
            f"Design: cohorts of up to {p.cohort_size} seniors, meetings every {p.cadence_weeks} weeks for "
            f"{p.duration_weeks} weeks, {p.formality}, reciprocity {p.reciprocity:g}."
        )
        solara.Text(
            "Change the parameters in the sidebar (a census file sets the organisation's size), then press Reset to "
            "apply them; Step advances one week."
        )
    return status


def NetworkView(model: DashboardModel) -> Any:
    """The organisation chart with the mentoring pairs (re-drawn by Mesa after every step)."""
    return solara.FigureMatplotlib(network_figure(model), format="png")


@solara.component
def ComparisonView(model: DashboardModel) -> None:
    """Two pairing policies on the current design, over replications with common seeds."""
    policies = list(available_policies())
    current = model.config.programme.policy
    first = solara.use_reactive("none" if "none" in policies else policies[0])
    second = solara.use_reactive(current if current != first.value else policies[-1])
    replications = solara.use_reactive(3)

    def work() -> Comparison:
        designs = {
            _design_label("A", first.value): {"programme.policy": first.value},
            _design_label("B", second.value): {"programme.policy": second.value},
        }
        return compare_designs(model.config, designs, replications=replications.value, seed=model.seed)

    task = solara.lab.use_task(work, dependencies=None, raise_error=False)
    with solara.Column(style={"padding": "8px"}):
        solara.Markdown(
            f"Compare two pairing policies on the current design ({model.config.organisation.size:,} positions, "
            f"{model.config.weeks} weeks), each over the same replication seeds (master seed {model.seed})."
        )
        with solara.Row():
            solara.Select("Design A: policy", value=first, values=policies)
            solara.Select("Design B: policy", value=second, values=policies)
        solara.SliderInt(f"Replications: {replications.value}", value=replications, min=2, max=20)
        same = first.value == second.value
        solara.Button("Compare designs", color="primary", on_click=task, disabled=same or task.pending)
        if same:
            solara.Info("Choose two different policies.")
        solara.ProgressLinear(task.pending)
        if task.error:
            error = task.exception
            message = str(error) if isinstance(error, RmsimError) else f"the comparison failed: {error!r}"
            solara.Error(message, classes=["rmsim-comparison-error"])
        elif task.finished and task.value is not None:
            comparison = task.value
            solara.FigureMatplotlib(comparison.figure(), format="png")
            solara.Markdown(_outcome_table(comparison))


def _title(text: str, ylabel: str) -> Any:
    def post_process(ax: Any) -> None:
        ax.set_title(text, fontsize=10)
        ax.set_ylabel(ylabel)

    return post_process


def components() -> list[tuple[Any, int]]:
    """SolaraViz components: status, four live charts and the network on page 0; the comparison on page 1."""
    colours = dict(zip(WORKING_GENERATIONS, ("#7570b3", "#e7298a", "#66a61e", "#e6ab02"), strict=True))
    return [
        (StatusView, 0),
        make_plot_component(
            "digital_gap", post_process=_title("Digital gap (under 35 minus 45 and over)", "digital skill gap"), page=0
        ),
        make_plot_component(
            {f"retention_{g}": c for g, c in colours.items()},
            post_process=_title("Retention of the initial workforce by generation", "share still employed"),
            page=0,
        ),
        make_plot_component("active_pairs", post_process=_title("Active mentoring pairs", "pairs"), page=0),
        make_plot_component(
            {"programme_cost": "#1b9e77", "turnover_cost": "#d95f02"},
            post_process=_title("Cumulative cost", "cost (salary units)"),
            page=0,
        ),
        (NetworkView, 0),
        (ComparisonView, 1),
    ]


TITLE = "rmsim: reverse-mentoring dashboard"


def make_page(
    base: Scenario | None = None, *, seed: int = DEFAULT_SEED, notice: str | None = None, model: DashboardModel | None = None
) -> Any:
    """The SolaraViz element for ``model``, or for a fresh model of ``base`` (the built-in defaults when None)."""
    base = base if base is not None else Scenario()
    model = model if model is not None else DashboardModel(base=base, notice=notice, seed=seed)
    return SolaraViz(model, components=components(), model_params=model_params(base, seed, notice), name=TITLE)


@solara.component
def Page() -> Any:
    """The page served by ``rmsim dashboard``: one fresh model per browser session."""
    base, notice = solara.use_memo(load_base, [])
    model = solara.use_memo(lambda: DashboardModel(base=base, notice=notice), [])
    return make_page(base, notice=notice, model=model)


def _no_call_home() -> None:
    """Skip Solara's one-off check in Jupyter, which loads a page from solara.dev, by marking it done."""
    try:
        from solara.checks import jupyter_checked_path

        jupyter_checked_path.parent.mkdir(parents=True, exist_ok=True)
        jupyter_checked_path.touch(exist_ok=True)
    except (ImportError, OSError):  # pragma: no cover - an unwritable home: nothing to do
        pass


def __getattr__(name: str) -> Any:
    # ``from rmsim.dashboard import page`` builds the element on demand (for JupyterLab: display ``page``)
    if name == "page":
        _no_call_home()
        return Page()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCENARIO_ENV",
    "Comparison",
    "DashboardModel",
    "Page",
    "compare_designs",
    "default_controls",
    "load_base",
    "make_page",
    "model_params",
    "network_figure",
    "org_network",
    "parse_seed",
    "replication_seeds",
    "scenario_from_controls",
]
