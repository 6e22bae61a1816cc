"""Generated parts of ``docs/ODD.md``: the parameter tables and the reference list.

Every parameter of :class:`rmsim.Scenario` is a pydantic field declared with
:func:`rmsim._base.param`, which stores a description and a ``source``. This
module walks the scenario's models recursively (each sub-model becomes a
section), renders one Markdown table per section and the reference list of
:mod:`rmsim.references`, and puts both into the document between marker
comments::

    <!-- parameters:start -->  ...  <!-- parameters:end -->
    <!-- references:start -->  ...  <!-- references:end -->

Command line::

    python -m rmsim.docs --write docs/ODD.md   # regenerate the blocks in place
    python -m rmsim.docs --check docs/ODD.md   # exit 1 if the blocks are out of date
"""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from rmsim.config import Scenario
from rmsim.references import LITERATURE, SOURCE_ARTICLES

_COMMAND = "python -m rmsim.docs --write docs/ODD.md"


def generated_blocks(model: type[BaseModel] = Scenario) -> dict[str, str]:
    """Render the generated blocks of the model documentation.

    Parameters
    ----------
    model
        Root model whose fields are documented; :class:`rmsim.Scenario` by default.

    Returns
    -------
    dict of str to str
        ``{"parameters": ..., "references": ...}``: Markdown text without the
        marker comments and without a trailing newline.
    """
    return {"parameters": _parameter_tables(model), "references": _references()}


def update_document(text: str, blocks: dict[str, str] | None = None) -> str:
    """Replace the text between each block's start and end markers.

    Parameters
    ----------
    text
        The whole document.
    blocks
        Block name to new content; :func:`generated_blocks` when None.

    Returns
    -------
    str
        The document with every block replaced; the markers are kept.

    Raises
    ------
    ValueError
        If a block's markers are missing, repeated or in the wrong order.
    """
    blocks = generated_blocks() if blocks is None else blocks
    for name, content in blocks.items():
        start, end = _markers(name)
        if text.count(start) != 1 or text.count(end) != 1:
            raise ValueError(f"needs exactly one '{start}' and one '{end}' line")
        if text.index(start) > text.index(end):
            raise ValueError(f"'{start}' must come before '{end}'")
        head, rest = text.split(start)
        tail = rest.split(end)[1]
        text = f"{head}{start}\n{content}\n{end}{tail}"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Write or check the generated blocks of a document; returns the exit code.

    Exit codes: 0 when written or up to date, 1 when ``--check`` finds the file
    out of date, 2 when the file cannot be read or lacks its markers.
    """
    parser = argparse.ArgumentParser(
        prog="python -m rmsim.docs",
        description="Regenerate or check the parameter tables and references in the model documentation.",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="FILE", help="replace the generated blocks of FILE in place")
    action.add_argument("--check", metavar="FILE", help="exit with code 1 if the generated blocks of FILE are out of date")
    args = parser.parse_args(argv)
    path = Path(args.write or args.check)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        print(f"{path}: cannot read the file ({error.strerror})", file=sys.stderr)
        return 2
    blocks = generated_blocks()
    try:
        updated = update_document(text, blocks)
    except ValueError as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    if updated == text:
        print(f"{path} is up to date")
        return 0
    if args.check:
        stale = [name for name in blocks if update_document(text, {name: blocks[name]}) != text]
        print(
            f"{path} is out of date: the {' and '.join(stale)} block{'s' if len(stale) > 1 else ''} "
            f"differ{'' if len(stale) > 1 else 's'} from the code; run `python -m rmsim.docs --write {path}`",
            file=sys.stderr,
        )
        return 1
    path.write_text(updated, encoding="utf-8")
    print(f"updated {', '.join(blocks)} in {path}")
    return 0


# --------------------------------------------------------------------------- parameters


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def _submodel(info: FieldInfo) -> type[BaseModel] | None:
    annotation = info.annotation
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def parameter_sections(
    model: type[BaseModel], prefix: str = ""
) -> Iterator[tuple[str, type[BaseModel], list[tuple[str, FieldInfo]]]]:
    """Yield ``(path, model, leaf fields)`` for ``model`` and, depth first, each sub-model."""
    leaves: list[tuple[str, FieldInfo]] = []
    children: list[tuple[str, type[BaseModel]]] = []
    for name, info in model.model_fields.items():
        child = _submodel(info)
        if child is None:
            leaves.append((f"{prefix}{name}", info))
        else:
            children.append((f"{prefix}{name}", child))
    yield prefix.rstrip("."), model, leaves
    for path, child in children:
        yield from parameter_sections(child, f"{path}.")


def _parameter_tables(model: type[BaseModel]) -> str:
    lines = [
        f"<!-- Generated from the field definitions by `{_COMMAND}`; edit the code, not this block. -->",
        "",
        "Column *Allowed* gives the type and the validated bounds ([a, b] inclusive, (a, b) exclusive).",
        "Tags in sources: [V] checked against the cited text; [S] secondary source only.",
    ]
    for path, section, leaves in parameter_sections(model):
        if not leaves:
            continue
        title = f"`{path}`" if path else "Scenario (top level)"
        summary = _first_sentence(section.__doc__)
        lines += ["", f"### {title}", "", f"`{section.__module__}.{section.__qualname__}`: {summary}", ""]
        lines += ["| Parameter | Default | Allowed | Description | Source |", "|---|---|---|---|---|"]
        for dotted, info in leaves:
            default = info.get_default(call_default_factory=True)
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            cells = [
                f"`{dotted}`",
                f"`{yaml_value(default)}`",
                _allowed(info),
                info.description or "",
                str(extra.get("source", "")),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _first_sentence(doc: str | None) -> str:
    paragraph = " ".join((doc or "").strip().split("\n\n")[0].split())
    return paragraph or "(no description)"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def yaml_value(value: Any) -> str:
    """A default value in YAML flow style, as a user would write it in a scenario file."""
    if value is None:
        return "null"
    if value == "":
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        short = format(value, "g")
        return short if float(short) == value else repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return str(value)


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f"`{yaml_value(a)}`" for a in get_args(annotation))
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(annotation))
    if annotation is type(None):
        return "null"
    if origin is not None:
        return f"{getattr(origin, '__name__', str(origin))}[{', '.join(_type_name(a) for a in get_args(annotation))}]"
    return getattr(annotation, "__name__", str(annotation))


def _allowed(info: FieldInfo) -> str:
    bounds = {kind: getattr(item, kind) for item in info.metadata for cls, kind in _BOUNDS if isinstance(item, cls)}
    low = ("[", bounds["ge"]) if "ge" in bounds else ("(", bounds["gt"]) if "gt" in bounds else None
    high = ("]", bounds["le"]) if "le" in bounds else (")", bounds["lt"]) if "lt" in bounds else None
    parts = [_type_name(info.annotation)]
    if low and high:
        parts.append(f"in {low[0]}{yaml_value(low[1])}, {yaml_value(high[1])}{high[0]}")
    elif low:
        parts.append(f"{'≥' if low[0] == '[' else '>'} {yaml_value(low[1])}")
    elif high:
        parts.append(f"{'≤' if high[0] == ']' else '<'} {yaml_value(high[1])}")
    if "min_length" in bounds:
        parts.append(f"length ≥ {bounds['min_length']}")
    if "max_length" in bounds:
        parts.append(f"length ≤ {bounds['max_length']}")
    return ", ".join(parts)


_BOUNDS: tuple[tuple[type, str], ...] = (
    (annotated_types.Ge, "ge"),
    (annotated_types.Gt, "gt"),
    (annotated_types.Le, "le"),
    (annotated_types.Lt, "lt"),
    (annotated_types.MinLen, "min_length"),
    (annotated_types.MaxLen, "max_length"),
)


# --------------------------------------------------------------------------- references


def _references() -> str:
    lines = [
        f"<!-- Generated from rmsim/references.py by `{_COMMAND}`; edit the code, not this block. -->",
        "",
        "### Source articles",
        "",
        "Cited in parameter sources by these keys.",
        "",
    ]
    lines += [f"- **{key}**: {_cell(text)}" for key, text in SOURCE_ARTICLES.items()]
    lines += ["", "### Literature", ""]
    lines += [f"- **{key}**: {_cell(text)}" for key, text in sorted(LITERATURE.items(), key=lambda item: item[0].casefold())]
    return "\n".join(lines)


__all__ = ["generated_blocks", "main", "update_document"]

if __name__ == "__main__":
    sys.exit(main())
