"""The model description ``docs/ODD.md`` stays in step with the code.

These tests fail when a parameter, its default or its source changes without
the documentation following: regenerate the tables with
``python -m rmsim.docs --write docs/ODD.md`` and update the prose of section 7.
"""

from __future__ import annotations

import calendar
import inspect
import re
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from rmsim import docs, pairing
from rmsim.config import Scenario
from rmsim.model import ReverseMentoringModel
from rmsim.references import LITERATURE, SOURCE_ARTICLES

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
MECHANISMS = ("workforce", "learning", "relationships", "engagement", "retention", "careers", "costs", "programme", "pairing")
KEYS = (*SOURCE_ARTICLES, *LITERATURE)
PROVENANCE = ("user choice", "user data", "computed")
"""Sources that are not citations but say where a value comes from: the user, their data, or a computation."""
RESEARCH_NOTES = "research notes"
"""Some sources cite the project's research notes on mentoring software rather than a publication.

They are accepted while they name what the notes record; such values are in effect assumptions.
"""
MONTHS = tuple(calendar.month_name[1:])
AUTHOR_YEAR = re.compile(r"([A-Z][\w'-]+(?:(?:,| &) [A-Z][\w'-]+)*(?: et al\.)?) ((?:19|20)\d\d)\b")


def _fields(model: type[BaseModel] = Scenario, prefix: str = "") -> list[tuple[str, FieldInfo, bool]]:
    """Every field below ``model`` as ``(dotted path, field, is_leaf)``, sub-model fields included."""
    found = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.append((path, info, False))
            found += _fields(annotation, f"{path}.")
        else:
            found.append((path, info, True))
    return found


def _leaves() -> list[tuple[str, FieldInfo]]:
    return [(path, info) for path, info, leaf in _fields() if leaf]


def _source(info: FieldInfo) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("source", ""))


def _cites_reference(text: str) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text) for key in KEYS)


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def prose(text: str) -> str:
    """The hand-written part of the document: everything outside the generated blocks."""
    return re.sub(r"<!-- (\w+):start -->.*?<!-- \1:end -->", "", text, flags=re.DOTALL)


def _section(text: str, heading: str) -> str:
    """The text from the heading line starting with ``heading`` to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    match = re.search(rf"^{re.escape(heading)}.*?$(.*?)(?=^#{{1,{level}}} |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"docs/ODD.md has no heading starting with {heading!r}"
    return match.group(1)


# --------------------------------------------------------------------------- generated blocks


@pytest.mark.parametrize("block", ["parameters", "references"])
def test_generated_block_is_current(text: str, block: str) -> None:
    start, end = f"<!-- {block}:start -->", f"<!-- {block}:end -->"
    assert text.count(start) == 1 and text.count(end) == 1, f"docs/ODD.md needs one {start} and one {end}"
    current = text.split(start)[1].split(end)[0].strip("\n")
    assert current == docs.generated_blocks()[block], (
        f"the {block} block of docs/ODD.md is out of date; run `python -m rmsim.docs --write docs/ODD.md`"
    )


def test_update_document_leaves_a_current_file_unchanged(text: str) -> None:
    assert docs.update_document(text) == text


def test_check_and_write_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "ODD.md"
    shutil.copy(ODD, copy)
    assert docs.main(["--check", str(copy)]) == 0
    original = copy.read_text(encoding="utf-8")
    copy.write_text(original.replace("| `weeks` | `104` |", "| `weeks` | `52` |"), encoding="utf-8")
    assert docs.main(["--check", str(copy)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert docs.main(["--write", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == original
    assert docs.main(["--check", str(copy)]) == 0


def test_missing_markers_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="parameters:start"):
        docs.update_document("# no markers here\n")
    with pytest.raises(ValueError, match="must come before"):
        docs.update_document("<!-- parameters:end -->\n<!-- parameters:start -->\n", {"parameters": ""})
    plain = tmp_path / "plain.md"
    plain.write_text("# no markers here\n", encoding="utf-8")
    assert docs.main(["--check", str(plain)]) == 2
    assert "parameters:start" in capsys.readouterr().err
    assert plain.read_text(encoding="utf-8") == "# no markers here\n"


def test_every_parameter_has_a_table_row() -> None:
    table = docs.generated_blocks()["parameters"]
    missing = [path for path, _ in _leaves() if f"| `{path}` |" not in table]
    assert not missing, f"parameters missing from the generated tables: {missing}"


# --------------------------------------------------------------------------- sources


def test_every_parameter_has_a_source() -> None:
    empty = [path for path, info, _ in _fields() if not _source(info).strip()]
    assert not empty, f"fields without a source: {empty}"


def test_every_source_is_an_assumption_or_names_its_origin() -> None:
    """A source is ``assumption`` (optionally with a parenthesis saying what motivates it), cites a
    reference key from :mod:`rmsim.references`, or says the value is the user's choice, user data, or
    computed. Anything else is neither sourced nor admitted to be an assumption."""
    bad = []
    for path, info, _ in _fields():
        source = _source(info)
        if source.startswith("assumption"):
            ok = re.fullmatch(r"assumption( \(.+\))?", source) is not None
        else:
            ok = source in PROVENANCE or _cites_reference(source) or RESEARCH_NOTES in source
        if not ok:
            bad.append(f"{path}: {source!r}")
    assert not bad, "sources that are neither 'assumption (...)' nor a citation:\n" + "\n".join(bad)


def test_author_year_citations_are_in_the_reference_list() -> None:
    unknown = []
    for path, info, _ in _fields():
        for match in AUTHOR_YEAR.finditer(_source(info)):
            names, year = match.groups()
            if names.split()[-1].rstrip(",") in MONTHS:
                continue  # a date such as "January 2024", not an author
            cited = f"{names} {year}"
            if cited not in LITERATURE and names.split(",")[0].split()[0] not in KEYS:
                unknown.append(f"{path}: {cited}")
    assert not unknown, "citations missing from rmsim.references.LITERATURE:\n" + "\n".join(unknown)


# --------------------------------------------------------------------------- prose


def test_every_mechanism_module_has_a_section(text: str) -> None:
    headings = [line for line in text.splitlines() if line.startswith("#")]
    missing = [m for m in MECHANISMS if not any(f"`rmsim.{m}`" in line for line in headings)]
    assert not missing, f"docs/ODD.md has no section heading naming these modules: {missing}"


def test_submodels_quote_every_parameter_with_its_current_default(prose: str) -> None:
    """Section 7 (and sections 2 and 6 for the scenario-level fields) quote each parameter once as
    ``- `path` = `default`: basis``; the default must be the current one, and a parameter whose source
    is an assumption must be called one."""
    table = docs.generated_blocks()["parameters"]
    defaults = dict(re.findall(r"^\| `([^`]+)` \| `([^`]*)` \|", table, flags=re.MULTILINE))
    quoted = re.findall(r"^- `([\w.]+)` = `([^`]*)`:(.*(?:\n  .*)*)", prose, flags=re.MULTILINE)
    by_path: dict[str, list[tuple[str, str]]] = {}
    for path, value, basis in quoted:
        by_path.setdefault(path, []).append((value, basis))
    problems = []
    for path, info in _leaves():
        entries = by_path.pop(path, [])
        if len(entries) != 1:
            problems.append(f"{path}: quoted {len(entries)} times, expected once")
            continue
        value, basis = entries[0]
        if value != defaults[path]:
            problems.append(f"{path}: the prose says `{value}`, the default is `{defaults[path]}`")
        if _source(info).startswith("assumption") and "assumption" not in basis.lower():
            problems.append(f"{path}: its source is an assumption, but the prose does not say so")
    problems += [f"{path}: quoted, but not a parameter of rmsim.Scenario" for path in by_path]
    assert not problems, "docs/ODD.md section 7 is out of step with the parameters:\n" + "\n".join(problems)


def test_schedule_lists_the_steps_in_the_order_of_the_code(prose: str) -> None:
    code = re.findall(r"self\.(_\w+)\(", inspect.getsource(ReverseMentoringModel.step))
    documented = re.findall(r"^\d+\. `(_\w+)`", _section(prose, "### 3.1"), flags=re.MULTILINE)
    assert documented == code, f"section 3.1 lists {documented}, but ReverseMentoringModel.step() runs {code}"


def test_built_in_pairing_policies_are_described(prose: str) -> None:
    section = _section(prose, "### 7.3")
    built_in = {name: p for name, p in pairing.available_policies().items() if p.function.__module__ == pairing.__name__}
    assert built_in
    missing = [f"policy {name}" for name in built_in if f"`{name}`" not in section]
    missing += [
        f"parameter {param} of {name}" for name, p in built_in.items() for param in p.parameters if f"`{param}`" not in section
    ]
    assert not missing, f"section 7.3 does not describe: {missing}"


def test_no_paths_outside_the_repository(text: str) -> None:
    for forbidden in ("/work/", "/tmp/", "seeds/", "seed 00", "PARAMETERS.md", "DESIGN.md", "shared/"):
        assert forbidden not in text, f"docs/ODD.md mentions {forbidden!r}"
