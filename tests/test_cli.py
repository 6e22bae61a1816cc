"""The ``rmsim`` command line: exit codes, messages, and what it writes (or does not write).

Error paths run in-process through :func:`rmsim.cli.main` (fast); a representative
handful also runs in a subprocess, as a user would, to check the real exit code and
that stderr holds one line and no traceback. Every error test runs in a working
directory that already holds a results folder and compares the hashes of every file
before and after: a rejected command must write nothing and change nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from rmsim import available_policies
from rmsim.cli import main
from rmsim.results import FRAMES, MANIFEST, RunResult

CONSOLE_SCRIPT = Path(sys.executable).with_name("rmsim")
FAST = ["--employees", "30", "--weeks", "2"]
CENSUS_YAML = "weeks: 1\norganisation:\n  census: people.csv\n"


# --------------------------------------------------------------------------- helpers


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with the SHA-256 of each file's bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(folder.rglob("*"))
    }


def invoke(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``main(argv)`` in-process; returns exit code, stdout and stderr."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse usage errors and --help exit
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(argv: list[str], cwd: Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh Python process."""
    command = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "rmsim.cli"]
    return subprocess.run([*command, *argv], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def assert_rejected(code: int, out: str, err: str, needles: tuple[str, ...]) -> None:
    """Exit code 2, nothing on stdout, exactly one line on stderr naming every needle, no traceback."""
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, f"stderr is not one line: {err!r}"
    assert err.startswith("rmsim")
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="module")
def earlier_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results folder written by an earlier, successful run."""
    out = tmp_path_factory.mktemp("earlier") / "run"
    assert main(["run", *FAST, "--seed", "5", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture
def workdir(tmp_path: Path, earlier_results: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory (the current one during the test) with earlier results in results/runs/earlier."""
    shutil.copytree(earlier_results, tmp_path / "results" / "runs" / "earlier")
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "notes.txt").write_text("not a results folder\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("someone else's file\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------------- error paths

ERRORS: list[tuple[str, list[str], dict[str, str], tuple[str, ...]]] = [
    # id, argv, files to create first, texts the one-line message must contain
    ("unknown-policy", ["run", "--policy", "nope", *FAST], {}, ("programme.policy", "'nope'", "random", "common_interests")),
    (
        "negative-employees",
        ["run", "--employees", "-5", "--weeks", "2"],
        {},
        ("organisation.size", "-5", "greater than or equal to 2"),
    ),
    (
        "zero-employees",
        ["run", "--employees", "0", "--weeks", "2"],
        {},
        ("organisation.size", "= 0", "greater than or equal to 2"),
    ),
    ("zero-weeks", ["run", "--employees", "30", "--weeks", "0"], {}, ("weeks = 0", "greater than or equal to 1")),
    ("fractional-weeks", ["run", "--employees", "30", "--weeks", "1.5"], {}, ("--weeks", "'1.5'", "int")),
    ("text-weeks", ["run", "--employees", "30", "--weeks", "many"], {}, ("--weeks", "'many'", "int")),
    ("negative-seed", ["run", *FAST, "--seed", "-1"], {}, ("seed", "-1", ">= 0")),
    ("text-seed", ["run", *FAST, "--seed", "x"], {}, ("--seed", "'x'")),
    ("bad-yaml", ["run", "inputs/bad.yaml"], {"inputs/bad.yaml": "weeks: [1,\n"}, ("bad.yaml", "invalid YAML", "line 2")),
    ("yaml-list", ["run", "inputs/list.yaml"], {"inputs/list.yaml": "- weeks\n- 2\n"}, ("list.yaml", "mapping", "list")),
    ("yaml-unknown-field", ["run", "inputs/s.yaml"], {"inputs/s.yaml": "wekks: 3\n"}, ("wekks", "3", "unknown field")),
    (
        "yaml-nested-typo",
        ["run", "inputs/s.yaml"],
        {"inputs/s.yaml": "programme:\n  cadense_weeks: 2\n"},
        ("programme.cadense_weeks", "2", "unknown field"),
    ),
    ("yaml-wrong-type", ["run", "inputs/s.yaml"], {"inputs/s.yaml": "weeks: many\n"}, ("weeks", "'many'", "integer")),
    (
        "yaml-wrong-section-type",
        ["run", "inputs/s.yaml"],
        {"inputs/s.yaml": "organisation: 5\n"},
        ("organisation", "5", "dictionary"),
    ),
    (
        "yaml-bad-policy-params",
        ["run", "inputs/s.yaml"],
        {"inputs/s.yaml": "programme:\n  policy: random\n  policy_params: {speed: 3}\n"},
        ("programme.policy_params", "'speed'", "random"),
    ),
    ("missing-scenario", ["run", "inputs/missing.yaml"], {}, ("missing.yaml", "no such file")),
    ("set-without-equals", ["run", *FAST, "--set", "weeks"], {}, ("--set", "'weeks'", "FIELD=VALUE")),
    ("set-empty-field", ["run", *FAST, "--set", "=3"], {}, ("--set", "'=3'", "FIELD=VALUE")),
    (
        "set-unknown-path",
        ["run", *FAST, "--set", "programme.cadence=2"],
        {},
        ("programme.cadence", "2", "unknown field", "cadence_weeks"),
    ),
    ("set-unknown-section", ["run", *FAST, "--set", "mentoring.weeks=2"], {}, ("mentoring.weeks", "unknown field", "programme")),
    ("set-wrong-type", ["run", "--employees", "30", "--set", "weeks=many"], {}, ("weeks", "'many'", "integer")),
    ("set-bad-yaml-value", ["run", *FAST, "--set", "weeks=[1"], {}, ("weeks", "'[1'", "YAML")),
    (
        "out-holds-results",
        ["run", *FAST, "--out", "results/runs/earlier"],
        {},
        ("out", "results/runs/earlier", "already holds results"),
    ),
    ("out-is-a-file", ["run", *FAST, "--out", "inputs/notes.txt"], {}, ("out", "notes.txt", "is a file")),
    ("out-inside-a-file", ["run", *FAST, "--out", "inputs/notes.txt/run"], {}, ("out", "notes.txt/run", "is a file")),
    ("out-holds-other-files", ["run", *FAST, "--out", "other"], {}, ("out", "'other'", "other files")),
    (
        "overwrite-with-bad-input",
        ["run", *FAST, "--policy", "nope", "--out", "results/runs/earlier", "--overwrite"],
        {},
        ("programme.policy", "'nope'"),
    ),
    ("unknown-option", ["run", *FAST, "--employes", "3"], {}, ("--employes",)),
    ("unknown-command", ["walk"], {}, ("'walk'", "run", "policies")),
]


@pytest.mark.parametrize(("argv", "files", "needles"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_invalid_input_exits_2_with_one_line_and_writes_nothing(
    argv: list[str], files: dict[str, str], needles: tuple[str, ...], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(workdir, files)
    before = snapshot(workdir)
    code, out, err = invoke(argv, capsys)
    assert_rejected(code, out, err, needles)
    assert snapshot(workdir) == before


def _drop_column(name: str) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        at = lines[0].split(",").index(name)
        return [",".join(cell for i, cell in enumerate(line.split(",")) if i != at) for line in lines]

    return edit


def _replace(line: int, old: str, new: str) -> Callable[[list[str]], list[str]]:
    """Edit file line ``line`` (the header is line 1)."""

    def edit(lines: list[str]) -> list[str]:
        assert old in lines[line - 1]
        return [*lines[: line - 1], lines[line - 1].replace(old, new, 1), *lines[line:]]

    return edit


def _birth_years(lines: list[str]) -> list[str]:
    """The same census with birth_year (for 2026) in place of age."""
    rows = [line.split(",") for line in lines]
    rows[0][1] = "birth_year"
    for row in rows[1:]:
        row[1] = str(2026 - int(row[1]))
    return [",".join(row) for row in rows]


CENSUS_ERRORS: list[tuple[str, Callable[[list[str]], list[str]], str, tuple[str, ...]]] = [
    # id, edit of the valid census, scenario YAML, texts the message must contain
    ("missing-column", _drop_column("gender"), CENSUS_YAML, ("people.csv", "column 'gender'", "line 1", "missing")),
    ("no-age-column", _drop_column("age"), CENSUS_YAML, ("column 'age or birth_year'", "line 1", "missing")),
    ("age-212", _replace(3, "A02,29,", "A02,212,"), CENSUS_YAML, ("people.csv", "column 'age'", "line 3", "212", "16-100")),
    ("age-3", _replace(6, "A05,45,", "A05,3,"), CENSUS_YAML, ("column 'age'", "line 6", "(got 3)", "16-100")),
    ("age-not-a-number", _replace(4, "A03,33,", "A03,old,"), CENSUS_YAML, ("column 'age'", "line 4", "'old'", "not a number")),
    (
        "birth-year-too-recent",
        lambda lines: _replace(5, ",1988,", ",2015,")(_birth_years(lines)),
        CENSUS_YAML,
        ("column 'birth_year'", "line 5", "2015", "2026"),
    ),
    (
        "birth-year-impossible-for-start-year",
        _birth_years,
        "start_year: 2080\n" + CENSUS_YAML,
        ("column 'birth_year'", "lines 7, 8, 9, 10", "1970", "start year 2080"),
    ),
    ("negative-tenure", _replace(4, ",6,", ",-1,"), CENSUS_YAML, ("column 'tenure'", "line 4", "-1", ">= 0")),
    ("tenure-too-long", _replace(2, ",1.5,", ",15,"), CENSUS_YAML, ("column 'tenure'", "line 2", "15", "working life")),
    ("unknown-level", _replace(7, "manager", "boss"), CENSUS_YAML, ("column 'level'", "line 7", "'boss'", "executive")),
    ("level-out-of-range", _replace(7, "manager", "7"), CENSUS_YAML, ("column 'level'", "line 7", "'7'", "0-4")),
    ("unknown-gender", _replace(8, "female", "robot"), CENSUS_YAML, ("column 'gender'", "line 8", "'robot'", "female")),
    ("bad-minority", _replace(9, ",no,", ",maybe,"), CENSUS_YAML, ("column 'minority'", "line 9", "'maybe'", "yes/no")),
    ("duplicate-ids", _replace(11, "A10,", "A01,"), CENSUS_YAML, ("column 'id'", "lines 2, 11", "'A01'", "duplicate")),
    ("skill-above-1", _replace(10, ",0.3,", ",1.3,"), CENSUS_YAML, ("column 'skill_digital'", "line 10", "1.3", "[0, 1]")),
    ("skill-negative", _replace(3, ",0.30", ",-0.2"), CENSUS_YAML, ("column 'skill_business'", "line 3", "-0.2", "[0, 1]")),
    (
        "unknown-skill-column",
        _replace(1, "skill_business", "skill_cooking"),
        CENSUS_YAML,
        ("column 'skill_cooking'", "line 1", "skill_digital"),
    ),
    ("too-many-cells", _replace(5, ",0.5", ",0.5,extra"), CENSUS_YAML, ("people.csv", "line 5", "more cells")),
    ("empty-file", lambda lines: [], CENSUS_YAML, ("people.csv", "empty")),
    ("header-only", lambda lines: lines[:1], CENSUS_YAML, ("people.csv", "line 1", "no data rows")),
    ("missing-census-file", lambda lines: lines, CENSUS_YAML.replace("people", "nobody"), ("nobody.csv", "no such file")),
    (
        "size-differs-from-census",
        lambda lines: lines,
        CENSUS_YAML.replace("organisation:\n", "organisation:\n  size: 200\n"),
        ("organisation", "200", "10 rows"),
    ),
]


@pytest.mark.parametrize(("edit", "scenario", "needles"), [e[1:] for e in CENSUS_ERRORS], ids=[e[0] for e in CENSUS_ERRORS])
def test_invalid_census_exits_2_naming_column_line_and_value(
    edit: Callable[[list[str]], list[str]],
    scenario: str,
    needles: tuple[str, ...],
    census_lines: list[str],
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = edit(census_lines)
    write_files(workdir, {"inputs/people.csv": "".join(line + "\n" for line in lines), "inputs/scenario.yaml": scenario})
    before = snapshot(workdir)
    code, out, err = invoke(["run", "inputs/scenario.yaml"], capsys)
    assert_rejected(code, out, err, needles)
    assert snapshot(workdir) == before


def test_employees_option_cannot_resize_a_census(
    census_lines: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(workdir, {"inputs/people.csv": "\n".join(census_lines) + "\n", "inputs/scenario.yaml": CENSUS_YAML})
    before = snapshot(workdir)
    code, out, err = invoke(["run", "inputs/scenario.yaml", "--employees", "200"], capsys)
    assert_rejected(code, out, err, ("organisation.size", "200", "10 rows"))
    assert snapshot(workdir) == before


def test_failed_write_exits_2_and_leaves_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: RunResult, path: str | Path, *, overwrite: bool = False) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(RunResult, "to_parquet", refuse)
    before = snapshot(workdir)
    code, out, err = invoke(["run", *FAST, "--out", "new", "--quiet"], capsys)
    assert_rejected(code, out, err, ("out = 'new'", "Permission denied"))
    assert snapshot(workdir) == before


SUBPROCESS_ERRORS = ["unknown-policy", "text-weeks", "out-holds-results"]


@pytest.mark.parametrize("case", SUBPROCESS_ERRORS)
def test_invalid_input_in_a_real_process(case: str, workdir: Path) -> None:
    _, argv, files, needles = next(e for e in ERRORS if e[0] == case)
    write_files(workdir, files)
    before = snapshot(workdir)
    done = run_subprocess(argv, workdir)
    assert_rejected(done.returncode, done.stdout, done.stderr, needles)
    assert snapshot(workdir) == before


def test_invalid_census_in_a_real_process(census_lines: list[str], workdir: Path) -> None:
    lines = _replace(3, "A02,29,", "A02,212,")(census_lines)
    write_files(workdir, {"inputs/people.csv": "\n".join(lines) + "\n", "inputs/scenario.yaml": CENSUS_YAML})
    before = snapshot(workdir)
    done = run_subprocess(["run", "inputs/scenario.yaml"], workdir, script=CONSOLE_SCRIPT.exists())
    assert_rejected(done.returncode, done.stdout, done.stderr, ("column 'age'", "line 3", "212"))
    assert snapshot(workdir) == before


# --------------------------------------------------------------------------- success paths

RUN = ["run", "--employees", "200", "--weeks", "8", "--seed", "1"]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    """The same command run twice, in two processes, into two folders."""
    folder = tmp_path_factory.mktemp("runs")
    first = run_subprocess([*RUN, "--out", "first"], folder, script=CONSOLE_SCRIPT.exists())
    second = run_subprocess([*RUN, "--out", "second"], folder)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    return first, folder / "first", folder / "second"


def test_run_prints_a_summary_and_writes_manifest_and_frames(
    two_runs: tuple[subprocess.CompletedProcess[str], Path, Path],
) -> None:
    done, out, _ = two_runs
    assert "Traceback" not in done.stderr
    assert "policy 'common_interests', 200 positions, 8 weeks, seed 1" in done.stdout
    summary = {line.split("  ")[1].strip() for line in done.stdout.splitlines() if line.startswith("  ")}
    assert {"headcount at start", "pairs formed", "programme cost"} <= summary
    assert done.stdout.rstrip().endswith("results written to first")
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, *(f"{name}.parquet" for name in FRAMES)])
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["seed"] == 1
    assert manifest["scenario"]["weeks"] == 8
    assert manifest["scenario"]["organisation"]["size"] == 200
    timeseries = pd.read_parquet(out / "timeseries.parquet")
    assert timeseries["week"].tolist() == list(range(9))
    assert timeseries["headcount"].iloc[0] == 200
    employees = pd.read_parquet(out / "employees.parquet")
    assert int(employees["initial"].sum()) == 200


def test_same_command_gives_identical_frames(two_runs: tuple[subprocess.CompletedProcess[str], Path, Path]) -> None:
    _, first, second = two_runs
    for name in FRAMES:
        pd.testing.assert_frame_equal(pd.read_parquet(first / f"{name}.parquet"), pd.read_parquet(second / f"{name}.parquet"))
    assert len(pd.read_parquet(first / "pairs.parquet")) > 0  # the comparison covers a programme that formed pairs


def test_default_out_folder_never_replaces_earlier_results(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(workdir)
    for _ in range(2):
        code, out, err = invoke(["run", *FAST, "--seed", "3", "--quiet"], capsys)
        assert (code, err) == (0, "")
        assert out.startswith("results written to ") and out.count("\n") == 1
    runs = workdir / "results" / "runs"
    assert sorted(p.name for p in runs.iterdir()) == [
        "default-common_interests-seed3",
        "default-common_interests-seed3-2",
        "earlier",
    ]
    after = snapshot(workdir)
    assert {k: v for k, v in after.items() if k in before} == before


def test_overwrite_replaces_earlier_results(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = workdir / "results" / "runs" / "earlier"
    code, _, err = invoke(["run", *FAST, "--seed", "9", "--out", str(target), "--overwrite", "--quiet"], capsys)
    assert (code, err) == (0, "")
    assert json.loads((target / MANIFEST).read_text())["seed"] == 9


def test_census_example_runs_from_a_scenario_file(
    census_example: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the census path is relative to the scenario file's folder, not to the working directory
    shutil.copy(census_example, workdir / "inputs" / census_example.name)
    write_files(workdir, {"inputs/example.yaml": f"name: example\nweeks: 2\norganisation:\n  census: {census_example.name}\n"})
    code, out, err = invoke(["run", "inputs/example.yaml", "--seed", "4", "--out", "example-out"], capsys)
    assert (code, err) == (0, ""), err
    assert "scenario 'example'" in out and "300 positions" in out
    manifest = json.loads((workdir / "example-out" / MANIFEST).read_text())
    assert manifest["scenario"]["organisation"]["size"] == 300
    assert manifest["scenario"]["organisation"]["census_sha256"] == hashlib.sha256(census_example.read_bytes()).hexdigest()
    employees = pd.read_parquet(workdir / "example-out" / "employees.parquet")
    census = pd.read_csv(census_example, dtype={"id": str})
    assert set(employees.loc[employees["initial"], "external_id"]) == set(census["id"])


def test_set_can_choose_a_census(census_lines: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_files(workdir, {"inputs/people.csv": "\n".join(census_lines) + "\n"})
    code, out, err = invoke(["run", "--set", "organisation.census=inputs/people.csv", "--weeks", "1", "--out", "o"], capsys)
    assert (code, err) == (0, "")
    assert "10 positions" in out


def test_set_changes_nested_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", *FAST, "--set", "programme.cadence_weeks=2", "--set", "programme.policy=random", "--out", "o", "--quiet"]
    code, _, err = invoke(argv, capsys)
    assert (code, err) == (0, "")
    programme = json.loads((workdir / "o" / MANIFEST).read_text())["scenario"]["programme"]
    assert (programme["cadence_weeks"], programme["policy"]) == (2, "random")


def test_policies_lists_every_policy_with_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = invoke(["policies"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    policies = available_policies()
    assert len(lines) == len(policies)
    for line, (name, policy) in zip(lines, policies.items(), strict=True):
        assert line.split()[0] == name
        assert line.endswith(policy.description)


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["policies", "--help"]], ids=["rmsim", "run", "policies"])
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = invoke(argv, capsys)
    assert (code, err) == (0, "")
    assert out.startswith("usage: rmsim")
    if argv[0] == "run":
        assert all(option in out for option in ("--policy", "--employees", "--weeks", "--seed", "--set", "--out"))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(["--version"], capsys)
    assert code == 0
    assert out.startswith("rmsim ")
