"""Errors raised for invalid input.

Every error a user can cause by giving rmsim bad input is a :class:`RmsimError`
whose message is one line naming the field, the value and what is allowed. The
command line turns them into exit code 2 without a traceback.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError


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

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from the three parts (and the message, which may count further problems) in another process
        return _rebuild_config_error, (type(self), self.field, self.value, self.allowed, self.args)


class ParamsError(ConfigError, ValidationError):
    """A :class:`ConfigError` for a parameter group that failed validation.

    It is also a :class:`pydantic.ValidationError`, so code that catches that
    keeps working and :meth:`errors` still lists every problem with its
    location. Its message is the one line of a :class:`ConfigError`; it names
    the first problem and counts the others.

    Made by :meth:`from_validation_error`, not called directly.
    """

    def __init__(self, *args: Any) -> None:  # the pydantic part is set up by ``__new__``
        self.field, self.value, self.allowed = "", None, ""

    @classmethod
    def from_validation_error(cls, error: ValidationError, first: ConfigError, more: int = 0) -> ParamsError:
        """The error ``first`` (counting ``more`` further problems), keeping the details of ``error``."""
        made = cls.from_exception_data(error.title, [_line_error(e) for e in error.errors(include_url=False)])
        made.field, made.value, made.allowed = first.field, first.value, first.allowed
        message = first.args[0] if first.args else f"{first.field} = {_short(first.value)}: {first.allowed}"
        if more:
            message = f"{message} (and {more} more problem{'s' if more > 1 else ''})"
        made.args = (message,)
        return made

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild_params_error, (
            self.title,
            self.errors(include_url=False),
            self.field,
            self.value,
            self.allowed,
            self.args,
        )


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
        self._parts = (source, column, problem, self.rows, unit)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), self._parts


def _line_error(error: Any) -> Any:
    """One entry of ``ValidationError.errors()`` as accepted by ``ValidationError.from_exception_data``."""
    details = {"type": error["type"], "loc": error["loc"], "input": error.get("input")}
    if "ctx" in error:
        details["ctx"] = error["ctx"]
    try:
        ValidationError.from_exception_data("check", [details])
    except (KeyError, TypeError, ValueError):  # a custom error type: keep its message as it was
        details = {"type": PydanticCustomError(error["type"], error["msg"], error.get("ctx")), "loc": error["loc"]}
        details["input"] = error.get("input")
    return details


def _rebuild_config_error(cls: type[ConfigError], field: str, value: Any, allowed: str, args: tuple[Any, ...]) -> ConfigError:
    error = cls(field, value, allowed)
    error.args = args
    return error


def _rebuild_params_error(
    title: str, errors: list[Any], field: str, value: Any, allowed: str, args: tuple[Any, ...]
) -> ParamsError:
    error = ParamsError.from_exception_data(title, [_line_error(e) for e in errors])
    error.field, error.value, error.allowed, error.args = field, value, allowed, args
    return error


def _short(value: Any, limit: int = 80) -> str:
    """``repr(value)`` on one line, at most ``limit`` characters: a long one keeps its start and its end (a file name)."""
    text = repr(value)
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    tail = (limit - 3) // 2
    return text[: limit - 3 - tail] + "..." + text[-tail:]
