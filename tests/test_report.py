"""The HTML report of an experiment: sections, embedded figures, numbers, the command line and its errors.

One tiny experiment (150 employees, 26 weeks, the control and two pairing policies, three
replications, serial backend) is run once for the module. The recommendation table is checked
against numbers computed here from the runs' weekly frames, not from the report's own functions.
"""

from __future__ import annotations

import base64
import binascii
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_cli import invoke, snapshot

from rmsim.errors import ConfigError
from rmsim.experiment import Experiment, run_experiment
from rmsim.report import build_report
from rmsim.store import load_results

POLICIES = ["none", "random", "common_interests"]
DESIGNS = POLICIES[1:]
DESCRIPTION = "Pilot for <Acme & Sons> — which design pays? <script>alert(1)</script>"
HEADINGS = [
    "1. The question",
    "2. The organisation",
    "3. The designs compared",
    "4. Outcomes",
    "5. Cost and turnover cost avoided",
    "6. Recommendation",
    "7. Assumptions and their sources",
    "8. Failed runs",
    "9. Manifest",
]
PNG = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- helpers


class Page(HTMLParser):
    """What the tests read from a report: headings, tags, attributes, tables and sections."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}  # id -> rows of (text, data-value)
        self.sections: dict[str, str] = {}  # id -> text
        self._heading: list[str] | None = None
        self._table: str | None = None
        self._row: list[tuple[str, str | None]] | None = None
        self._cell: list[str] | None = None
        self._value: str | None = None
        self._section: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "h2":
            self._heading = []
        elif tag == "section":
            self._section = found.get("id")
            self.sections[self._section or ""] = ""
        elif tag == "table" and found.get("id"):
            self._table = found["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._value = [], None
        elif tag == "span" and self._cell is not None and "data-value" in found:
            self._value = found["data-value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag == "section":
            self._section = None
        elif tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((" ".join("".join(self._cell).split()), self._value))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._section is not None:
            self.sections[self._section] += data


def money(value: float) -> str:
    text = f"{value:,.0f}"
    return text[1:] if text in ("-0",) else text


def expected_recommendation(path: Path) -> pd.DataFrame:
    """Net benefit of each design from the runs' weekly frames, computed without rmsim's analysis code."""
    timeseries = load_results(path).timeseries
    last = timeseries.sort_values("week").groupby("run_id", observed=True).tail(1)
    costs = last.set_index(["policy", "replication"])[["programme_cost", "turnover_cost"]]
    control = costs.xs("none")
    rows, nets = [], {}
    for design in DESIGNS:
        mine = costs.xs(design)
        net = (control["turnover_cost"] - mine["turnover_cost"]) - (mine["programme_cost"] - control["programme_cost"])
        nets[design] = net
        n = len(net)
        half = stats.t.ppf(0.975, n - 1) * net.std(ddof=1) / np.sqrt(n)
        rows.append(
            {
                "design": design,
                "net": net.mean(),
                "low": net.mean() - half,
                "high": net.mean() + half,
                "avoided": (control["turnover_cost"] - mine["turnover_cost"]).mean(),
                "programme": (mine["programme_cost"] - control["programme_cost"]).mean(),
                "loss": (net < 0).mean(),
                "n": n,
            }
        )
    wide = pd.DataFrame(nets).assign(nothing=0.0)
    winners = wide.eq(wide.max(axis=1), axis=0)
    best = winners.div(winners.sum(axis=1), axis=0).mean()
    table = pd.DataFrame(rows).set_index("design")
    table["best"] = best[DESIGNS]
    table.attrs["nothing_best"] = best["nothing"]
    return table.sort_values("net", ascending=False)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def experiment_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    experiment = Experiment.from_dict(
        {
            "name": "report-tiny",
            "description": DESCRIPTION,
            "scenario": {"weeks": 26, "organisation": {"size": 150}, "programme": {"cohort_size": 10}},
            "grid": {"policy": POLICIES},
            "replications": 3,
            "seed": 5,
        }
    )
    return run_experiment(experiment, out=tmp_path_factory.mktemp("report") / "results", backend="serial", progress=False)


@pytest.fixture(scope="module")
def report(experiment_dir: Path) -> tuple[Path, str, dict[str, str], dict[str, str]]:
    """The report written to its default place, with snapshots of the folder before and after."""
    before = snapshot(experiment_dir)
    path = build_report(experiment_dir)
    return path, path.read_text(encoding="utf-8"), before, snapshot(experiment_dir)


# --------------------------------------------------------------------------- the document


def test_report_is_written_in_the_results_folder_with_every_section_in_order(report: tuple) -> None:
    path, text, _, _ = report
    assert path.name == "report.html" and path.is_file()
    assert text.startswith("<!DOCTYPE html>")
    page = Page(text)
    assert page.headings == HEADINGS
    assert "<details>" in page.sections["manifest"] or "details" in page.tags
    manifest = json.loads((path.parent / "manifest.json").read_text())
    assert manifest["spec_hash"] in page.sections["manifest"]
    assert str(manifest["seeds"]["2"]) in page.sections["manifest"]
    assert manifest["versions"]["rmsim"] in page.sections["manifest"]


def test_report_does_not_modify_the_results(report: tuple) -> None:
    _, _, before, after = report
    assert {k: v for k, v in after.items() if k != "report.html"} == before
    assert set(after) - set(before) == {"report.html"}


def test_images_are_embedded_pngs(report: tuple) -> None:
    page = Page(report[1])
    sources = [value for tag, name, value in page.attributes if tag == "img" and name == "src"]
    assert len(sources) >= 3  # outcomes, contrasts, net benefit
    assert len(sources) == page.tags.count("img")
    for source in sources:
        prefix = "data:image/png;base64,"
        assert source.startswith(prefix)
        try:
            data = base64.b64decode(source[len(prefix) :], validate=True)
        except binascii.Error:
            pytest.fail("an image is not valid base64")
        assert data.startswith(PNG) and len(data) > 1000


def test_nothing_is_loaded_from_elsewhere(report: tuple) -> None:
    page = Page(report[1])
    links = [value for _, name, value in page.attributes if name in ("src", "href")]
    assert not [v for v in links if v.lower().startswith(("http://", "https://", "//"))]
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert "http://" not in report[1] and "https://" not in report[1]


def test_text_is_escaped(report: tuple) -> None:
    text = report[1]
    assert "<script>" not in text and "<Acme" not in text
    assert "&lt;Acme &amp; Sons&gt;" in text
    assert "report-tiny" in Page(text).sections["question"]


def test_organisation_and_designs(report: tuple) -> None:
    page = Page(report[1])
    organisation = page.sections["organisation"]
    assert "150" in organisation and "26 weeks" in organisation
    assert "junior" in organisation and "millennial" in organisation
    designs = page.sections["designs"]
    for policy in POLICIES:
        assert policy in designs
    assert "control" in designs and "3 of 3" in designs


def test_outcomes_and_costs_match_the_runs(report: tuple, experiment_dir: Path) -> None:
    page = Page(report[1])
    runs = load_results(experiment_dir).runs
    cost = {row[0][0]: row for row in page.tables["cost-table"][1:]}
    assert set(cost) == set(DESIGNS)
    for design in DESIGNS:
        mine = runs[runs["policy"] == design].set_index("replication")
        control = runs[runs["policy"] == "none"].set_index("replication")
        extra = (mine["programme_cost"] - control["programme_cost"]).mean()
        avoided = (control["turnover_cost"] - mine["turnover_cost"]).mean()
        assert float(cost[design][2][1]) == pytest.approx(extra, rel=1e-9, abs=1e-6)
        assert float(cost[design][3][1]) == pytest.approx(avoided, rel=1e-9, abs=1e-6)


def test_recommendation_ranks_every_design_with_independently_computed_numbers(report: tuple, experiment_dir: Path) -> None:
    page = Page(report[1])
    header, *rows = page.tables["recommendation-table"]
    assert [h for h, _ in header][:3] == ["rank", "design", "net benefit (mean)"]
    expected = expected_recommendation(experiment_dir)
    assert [row[1][0] for row in rows] == list(expected.index)  # every design once, best first
    assert [row[0][0] for row in rows] == [str(i) for i in range(1, len(DESIGNS) + 1)]
    for row in rows:
        want = expected.loc[row[1][0]]
        for position, key in [(2, "net"), (3, "low"), (4, "high"), (5, "avoided"), (6, "programme")]:
            text, value = row[position]
            assert float(value) == pytest.approx(want[key], rel=1e-9, abs=1e-6), key
            assert text == money(want[key]), key
        for position, key in [(7, "best"), (8, "loss")]:
            text, value = row[position]
            assert float(value) == pytest.approx(want[key], abs=1e-12), key
            assert text == f"{want[key]:.0%}", key
        assert row[9][0] == str(int(want["n"]))
    assert f"no programme is the best option in {expected.attrs['nothing_best']:.0%}" in page.sections["recommendation"]
    assert "net benefit = turnover cost avoided" in page.sections["recommendation"]


def test_assumptions_list_the_base_scenario_with_sources(report: tuple) -> None:
    section = Page(report[1]).sections["assumptions"]
    assert "costs.replacement_cost_share" in section and "Boushey & Glynn 2012" in section
    assert "organisation.tenure_median_25_34" in section and "BLS Employee Tenure" in section
    assert "programme.policy" in section and "varied by the design" in section
    assert "assumption" in section and "cited" in section
    assert "census_sha256" not in section  # a checksum, neither an assumption nor a citation


def test_failed_runs_are_listed_and_left_out(experiment_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "results"
    shutil.copytree(experiment_dir, copy)
    (copy / "report.html").unlink(missing_ok=True)
    results = load_results(copy)
    run_id = results.runs.query("policy == 'random' and replication == 2")["run_id"].item()
    record_path = copy / "runs" / run_id / "run.json"
    record = json.loads(record_path.read_text())
    record.update(status="failed", error="RuntimeError: boom <in week 3>", outcomes={})
    record_path.write_text(json.dumps(record))
    page = Page(build_report(copy).read_text(encoding="utf-8"))
    failed = page.tables["failed-table"]
    assert len(failed) == 2 and failed[1][0][0] == run_id and "boom <in week 3>" in failed[1][4][0]
    ranked = {row[1][0]: row for row in page.tables["recommendation-table"][1:]}
    assert ranked["random"][9][0] == "2" and ranked["common_interests"][9][0] == "3"
    assert "None: all" not in page.sections["failed-runs"]


def test_build_report_accepts_loaded_results_and_another_file(experiment_dir: Path, tmp_path: Path) -> None:
    out = build_report(load_results(experiment_dir), out=tmp_path / "client" / "acme.html")
    assert out == tmp_path / "client" / "acme.html"
    assert Page(out.read_text(encoding="utf-8")).headings == HEADINGS


def test_out_may_not_overwrite_the_results(experiment_dir: Path) -> None:
    before = snapshot(experiment_dir)
    for out in (experiment_dir / "manifest.json", next((experiment_dir / "runs").iterdir()) / "run.json"):
        with pytest.raises(ConfigError, match="part of the experiment's results"):
            build_report(experiment_dir, out=out)
    assert snapshot(experiment_dir) == before


# --------------------------------------------------------------------------- command line


def test_cli_writes_the_report_into_the_results_folder(experiment_dir: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "results"
    shutil.copytree(experiment_dir, copy)
    (copy / "report.html").unlink(missing_ok=True)
    before = snapshot(copy)
    code, out, err = invoke(["report", str(copy)], capsys)
    assert code == 0, err
    assert out.strip() == f"report written to {copy / 'report.html'}"
    after = snapshot(copy)
    assert {k: v for k, v in after.items() if k != "report.html"} == before
    assert Page((copy / "report.html").read_text(encoding="utf-8")).headings == HEADINGS


def test_cli_out_writes_elsewhere(experiment_dir: Path, tmp_path: Path, capsys) -> None:
    before = snapshot(experiment_dir)
    target = tmp_path / "for-client.html"
    code, out, err = invoke(["report", str(experiment_dir), "--out", str(target)], capsys)
    assert code == 0, err
    assert out.strip() == f"report written to {target}"
    assert Page(target.read_text(encoding="utf-8")).headings == HEADINGS
    assert snapshot(experiment_dir) == before


def _no_runs(folder: Path, experiment_dir: Path) -> Path:
    folder.mkdir()
    shutil.copy(experiment_dir / "manifest.json", folder / "manifest.json")
    return folder


def _single_run(folder: Path, experiment_dir: Path) -> Path:
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"kind": "run", "seed": 1}))
    return folder


@pytest.mark.parametrize(
    ("make", "needles"),
    [
        (lambda base, _: base / "missing", ("no such folder", "experiment results folder")),
        (lambda base, _: (base / "empty").mkdir() or base / "empty", ("no manifest.json", "experiment results folder")),
        (
            lambda base, _: (base / "notes.txt").write_text("hello\n") and base / "notes.txt",
            ("is a file", "experiment results folder"),
        ),
        (lambda base, exp: _no_runs(base / "unrun", exp), ("no finished run", "rmsim experiment run")),
        (lambda base, exp: _single_run(base / "one-run", exp), ("no experiment", "experiment results folder")),
    ],
    ids=["missing-folder", "empty-folder", "a-file", "no-finished-runs", "single-run-results"],
)
def test_cli_rejects_what_is_not_an_experiment_folder(make, needles, experiment_dir: Path, tmp_path: Path, capsys) -> None:
    base = tmp_path / "work"
    base.mkdir()
    folder = make(base, experiment_dir)
    before = snapshot(base)
    code, out, err = invoke(["report", str(folder)], capsys)
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("rmsim: error:") and err.endswith("\n") and err.count("\n") == 1, err
    assert folder.name in err  # long values are shortened in the message; the folder name always shows
    for needle in needles:
        assert needle in err
    assert "Traceback" not in err
    assert snapshot(base) == before
