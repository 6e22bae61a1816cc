"""The dashboard: the model built from the page's controls, error messages, the network view, the comparison of
two designs, the page rendered in Python, the ``rmsim dashboard`` command, and the served page in headless Chromium.

The browser test needs Playwright's Python package and a Chromium on the machine (Debian's ``chromium``; or set
RMSIM_CHROMIUM to a Chromium executable); it is skipped, naming what is missing, otherwise. Playwright never
downloads a browser here.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed (pip install -e '.[dashboard]')")

from rmsim import available_policies
from rmsim.cli import main
from rmsim.config import Scenario
from rmsim.errors import ConfigError

dashboard = pytest.importorskip("rmsim.dashboard")

SMALL = {"organisation.size": 200, "weeks": 12}


@pytest.fixture(scope="module")
def base() -> Scenario:
    return Scenario().with_overrides(SMALL)


# --------------------------------------------------------------------------- controls -> scenario


def test_default_controls_reproduce_the_base_scenario(base: Scenario) -> None:
    assert dashboard.scenario_from_controls(base, dashboard.default_controls(base)).to_dict() == base.to_dict()


def test_controls_go_through_with_overrides(base: Scenario) -> None:
    controls = {
        **dashboard.default_controls(base),
        "size": 300,
        "policy": "random",
        "cadence_weeks": 2,
        "cohort_size": 12,
        "duration_weeks": 30,
        "formality": "informal",
        "reciprocity": 0.25,
        "weeks": 20,
        "generation_mix": "young (70% Millennials and Gen Z)",
    }
    s = dashboard.scenario_from_controls(base, controls)
    assert s.organisation.size == 300 and s.weeks == 20
    p = s.programme
    assert (p.policy, p.cadence_weeks, p.cohort_size, p.duration_weeks, p.formality, p.reciprocity) == (
        "random",
        2,
        12,
        30,
        "informal",
        0.25,
    )
    assert s.organisation.generation_mix["millennial"] == pytest.approx(0.45)


def test_a_census_sets_the_size_and_rejects_a_generation_mix(base: Scenario, census_example: Path) -> None:
    controls = {**dashboard.default_controls(base), "census": str(census_example), "size": 1234}
    s = dashboard.scenario_from_controls(base, controls)
    assert s.organisation.census == str(census_example) and s.organisation.size == 300
    with pytest.raises(ConfigError) as error:
        dashboard.scenario_from_controls(base, {**controls, "generation_mix": "balanced (half and half)"})
    assert "generation_mix" in str(error.value)


def test_invalid_controls_give_a_one_line_message_and_a_model_that_does_not_step(base: Scenario) -> None:
    model = dashboard.DashboardModel(base=base, census="no/such/census.csv")
    assert model.control_error.startswith("organisation.census = 'no/such/census.csv': no such file")
    assert "\n" not in model.control_error
    assert model.running is False
    model.step()
    assert model.week == 0
    assert model.config.to_dict() == base.to_dict()  # the starting scenario is shown meanwhile
    assert dashboard.DashboardModel(base=base, seed="abc").control_error == "seed = 'abc': must be an integer >= 0"
    assert "programme.cadence_weeks" in dashboard.DashboardModel(base=base, cadence_weeks=0).control_error


def test_valid_controls_build_and_step_the_model(base: Scenario) -> None:
    model = dashboard.DashboardModel(base=base, policy="random", cadence_weeks=2, seed="7", scenario=object())
    assert model.control_error is None and model.seed == 7
    assert model.config.programme.policy == "random"
    for _ in range(3):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["week"].tolist() == [0, 1, 2, 3]
    assert {"digital_gap", "active_pairs", "programme_cost", "retention_gen_z"} <= set(frame)


def test_model_params_are_mesa_inputs_the_model_accepts(base: Scenario) -> None:
    params = dashboard.model_params(base)
    accepted = set(inspect.signature(dashboard.DashboardModel).parameters)
    assert set(params) <= accepted
    assert params["policy"]["values"] == list(available_policies())
    inputs = {name: spec for name, spec in params.items() if isinstance(spec, dict) and "type" in spec}
    assert {spec["type"] for spec in inputs.values()} <= {"SliderInt", "SliderFloat", "Select", "InputText", "Checkbox"}
    # what Mesa's Reset passes: the fixed values and every input's value
    fixed = {name: value for name, value in params.items() if name not in inputs}
    model = dashboard.DashboardModel(**fixed, **{name: spec["value"] for name, spec in inputs.items()})
    assert model.control_error is None
    assert model.config.to_dict() == base.to_dict()


def test_load_base_reads_the_environment_and_reports_a_bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("weeks: 30\norganisation: {size: 250}\n")
    monkeypatch.setenv(dashboard.SCENARIO_ENV, str(good))
    scenario, notice = dashboard.load_base()
    assert (scenario.weeks, scenario.organisation.size, notice) == (30, 250, None)
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: {size: -5}\n")
    scenario, notice = dashboard.load_base(bad)
    assert scenario.to_dict() == Scenario().to_dict()
    assert "organisation.size" in notice and "\n" not in notice


# --------------------------------------------------------------------------- network and comparison


def test_org_network_has_reporting_lines_and_pairs(base: Scenario) -> None:
    model = dashboard.DashboardModel(base=base, policy="random")
    model.step()  # the first cohort starts in week 1
    graph = dashboard.org_network(model, max_nodes=1000)
    assert graph.number_of_nodes() == 200
    kinds = [kind for *_, kind in graph.edges(data="kind")]
    assert kinds.count("pair") == len(model.pairs.active) > 0
    assert kinds.count("reports_to") > 0
    for a, b, kind in graph.edges(data="kind"):
        if kind == "pair":
            assert {graph.nodes[a]["role"], graph.nodes[b]["role"]} == {"mentor", "mentee"}
    sampled = dashboard.org_network(model, max_nodes=60)
    assert 60 <= sampled.number_of_nodes() < 200
    assert sum(1 for *_, kind in sampled.edges(data="kind") if kind == "pair") > 0
    figure = dashboard.network_figure(model, max_nodes=60)
    assert "of 200 positions" in figure.axes[0].get_title()


def test_compare_designs_uses_common_seeds(base: Scenario) -> None:
    scenario = base.with_overrides({"weeks": 8})
    designs = {"A": {"programme.policy": "none"}, "B": {"programme.policy": "random"}, "A again": {"programme.policy": "none"}}
    comparison = dashboard.compare_designs(scenario, designs, replications=2, seed=11)
    runs = comparison.runs
    assert comparison.designs == ["A", "B", "A again"]
    seeds = dashboard.replication_seeds(2, 11)
    for design in comparison.designs:
        assert runs[runs["design"] == design]["seed"].tolist() == seeds
    weekly = comparison.weekly_summary()
    assert {"design", "week", "outcome", "mean", "ci_low", "ci_high"} <= set(weekly)
    assert len(weekly) == 3 * 9 * len(dashboard.COMPARISON_METRICS)
    contrasts = comparison.contrasts(["digital_gap_end"]).set_index("design")
    assert contrasts.loc["A again", "difference"] == 0  # same design, same seeds: identical runs
    assert len(comparison.figure().axes) >= len(dashboard.COMPARISON_METRICS)
    table = dashboard._outcome_table(comparison)
    assert "digital gap at end" in table and "B − A" in table


def test_compare_designs_rejects_invalid_input_before_running(base: Scenario) -> None:
    with pytest.raises(ConfigError, match=r"programme\.policy"):
        dashboard.compare_designs(base, {"A": {"programme.policy": "no_such_policy"}}, replications=2)
    with pytest.raises(ConfigError, match="replications"):
        dashboard.compare_designs(base, {"A": {}}, replications=0)


# --------------------------------------------------------------------------- the page, rendered in Python


def test_page_renders_steps_and_shows_an_invalid_value(base: Scenario) -> None:
    import ipyvuetify as v
    import ipywidgets as widgets
    import solara

    assert dashboard.page is not None  # what JupyterLab displays
    model = dashboard.DashboardModel(base=base)
    _, rc = solara.render(solara.AppLayout(children=[dashboard.make_page(base, model=model)]), handle_error=False)
    try:
        charts = [bytes(image.value) for image in rc.find(widgets.Image).widgets]
        assert len(charts) == 5  # four live charts and the network
        for _ in range(2):
            rc.find(v.Btn, children=["Step"]).widget.click()
        assert model.week == 2
        assert all(a != b for a, b in zip(charts, (bytes(i.value) for i in rc.find(widgets.Image).widgets), strict=True))
        census = rc.find(v.TextField, label=model_params_label(base, "census")).widget
        census.v_model = "no/such/census.csv"
        census.fire_event("keyup.enter", None)
        rc.find(v.Btn, children=["Reset"]).widget.click()
        messages = [text for alert in rc.find(v.Alert).widgets for text in alert.children if isinstance(text, str)]
        assert any("organisation.census = 'no/such/census.csv': no such file" in m for m in messages), messages
    finally:
        rc.close()


def model_params_label(base: Scenario, name: str) -> str:
    return dashboard.model_params(base)[name]["label"]


# --------------------------------------------------------------------------- the command


class _FakeServer:
    launched: ClassVar[list[tuple[list[str], dict[str, str]]]] = []

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.launched.append((command, env))

    def wait(self) -> int:
        return 0

    def terminate(self) -> None:  # pragma: no cover - only on a signal
        pass


def test_cli_serves_the_page_on_localhost_with_the_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text("weeks: 20\n")
    _FakeServer.launched.clear()
    monkeypatch.setattr(subprocess, "Popen", _FakeServer)
    assert main(["dashboard", str(scenario), "--port", "9123"]) == 0
    (command, env), *_ = _FakeServer.launched
    assert command[1:5] == ["-m", "solara", "run", "rmsim.dashboard:Page"]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "9123"
    assert {"--production", "--no-open", "--no-check-version"} <= set(command)
    assert env["RMSIM_DASHBOARD_SCENARIO"] == str(scenario.resolve())
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"


def test_cli_rejects_a_bad_scenario_before_starting_a_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _FakeServer.launched.clear()
    monkeypatch.setattr(subprocess, "Popen", _FakeServer)
    bad = tmp_path / "bad.yaml"
    bad.write_text("programme: {cadence_weeks: 0}\n")
    assert main(["dashboard", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rmsim: error: programme.cadence_weeks = 0") and "\n" not in err
    assert main(["dashboard", str(tmp_path / "missing.yaml")]) == 2
    assert main(["dashboard", "--port", "70000"]) == 2
    assert _FakeServer.launched == []


# --------------------------------------------------------------------------- the served page in headless Chromium

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _chromium() -> str:
    given = os.environ.get("RMSIM_CHROMIUM")
    candidates = [given] if given else []
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")] + ["/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("no Chromium executable found (install Debian's `chromium` package, or set RMSIM_CHROMIUM)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    """``rmsim dashboard`` on a free localhost port, in its own process group (ended at the end)."""
    scenario = tmp_path / "small.yaml"
    scenario.write_text("name: browser-test\nweeks: 52\norganisation: {size: 300}\n")
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "rmsim.cli", "dashboard", str(scenario), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 45
        while True:
            if process.poll() is not None:
                pytest.fail(f"the dashboard server exited with {process.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the dashboard server did not answer within 45 s:\n{log.read_text()}")
            time.sleep(0.3)
        yield url, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _charts(page) -> list[str]:
    return [hashlib.sha256(src.encode()).hexdigest() for src in page.eval_on_selector_all("img", "els => els.map(e => e.src)")]


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_dashboard_in_headless_chromium(server) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    executable = _chromium()
    url, log = server
    outside: list[str] = []

    def guard(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1200})
            context.route("**/*", guard)
            page = context.new_page()
            page.on("websocket", lambda ws: None if urlsplit(ws.url).hostname in LOCAL_HOSTS else outside.append(ws.url))
            page.set_default_timeout(20_000)
            page.goto(url)
            page.get_by_text("Week 0 of 52").wait_for()
            page.wait_for_function("document.querySelectorAll('img').length >= 5")
            before = _charts(page)

            # change a control, apply it with Reset, then step three weeks
            page.locator(".v-select", has_text="Pairing policy").click()
            page.get_by_role("option", name="random", exact=True).click()
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("policy random").wait_for()
            for week in (1, 2, 3):
                page.get_by_role("button", name="Step").click()
                page.get_by_text(f"Week {week} of 52").wait_for()
            page.wait_for_function(
                "before => Array.from(document.querySelectorAll('img')).filter(e => e.src).length >= before", arg=len(before)
            )
            after = _charts(page)
            changed = set(after) - set(before)
            assert len(changed) >= 5, "the charts and the network did not change after stepping"

            # an invalid value is shown as the project's one-line message
            census = page.get_by_label("HR census CSV (path; empty: synthetic)")
            census.fill("no/such/census.csv")
            census.press("Enter")
            page.get_by_role("button", name="Reset").click()
            message = page.locator(".rmsim-control-error")
            message.wait_for()
            assert "organisation.census = 'no/such/census.csv': no such file" in message.inner_text()
            assert page.get_by_text("Traceback").count() == 0
        finally:
            browser.close()
    assert outside == [], f"the page requested non-local addresses: {outside}"
    text = log.read_text()
    assert "Could not load URL" not in text, "the server fetched assets from a CDN"
    assert "Traceback" not in text, text
