"""Errors raised for invalid input.

Every error a user can cause by giving rmsim bad input is a :class:`RmsimError`
whose message is one line naming the field, the value and what is allowed. The
command line turns them into exit code 2 without a traceback.
"""

from __future__ import annotations

from typing import Any


class RmsimError(Exception):
    """Base class of all errors caused by invalid input."""


class ConfigError(RmsimError, ValueError):
    """An invalid configuration value.

    Parameters
    ----------
    field
        Dotted path of the offending field, e.g. ``"organisation.size"``.
    value
        The value that was given.
    allowed
        What would have been accepted, e.g. ``"an integer >= 2"``.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field} = {_short(value)}: {allowed}")


class DataError(RmsimError):
    """Invalid rows or columns in a data file (census, survey...).

    Not a ``ValueError`` on purpose: it must pass unchanged through pydantic
    validators that load files.

    Parameters
    ----------
    source
        The file or table the problem is in.
    column
        The offending column, or None for a problem with the whole file.
    problem
        What is wrong, including the offending values and allowed values.
    rows
        Where it happens: line numbers in the file (the header is line 1), or
        other 1-based row numbers for tables not read from a text file.
    """

    def __init__(self, source: str, column: str | None, problem: str, rows: list[int] | None = None, unit: str = "line") -> None:
        self.source = source
        self.column = column
        self.rows = list(rows or [])
        where = ""
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:5])
            more = f" and {len(self.rows) - 5} more" if len(self.rows) > 5 else ""
            where = f" ({unit}{'s' if len(self.rows) > 1 else ''} {shown}{more})"
        head = source if column is None else f"{source}: column '{column}'"
        super().__init__(f"{head}{where}: {problem}")


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
