"""Shared building blocks for validated parameter groups.

Every mechanism module declares its parameters as a :class:`Params` subclass
whose fields are made with :func:`param`. Each field carries a description and
a ``source``: a citation or the word ``"assumption"``. ``docs/ODD.md`` lists
them all and a test keeps the two in step.

Invalid values raise :class:`~rmsim.errors.ConfigError` (precisely a
:class:`~rmsim.errors.ParamsError`, which is also pydantic's
``ValidationError``) with a one-line message naming the field. The field is
the dotted path from the model being validated: ``organisation.size`` when a
:class:`~rmsim.config.Scenario` is validated, ``size`` when an
:class:`~rmsim.workforce.Organisation` is made on its own. Checks that compare
several fields name the scenario path they concern (``programme.junior_levels``).
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from rmsim.errors import ConfigError, ParamsError

ASSUMPTION = "assumption"

REPOSITORY = Path(__file__).resolve().parent.parent
"""The folder holding the ``rmsim`` package; in a clone, the repository with its ``data/`` folder."""


def param(default: Any, *, description: str, source: str, **constraints: Any) -> Any:
    """Declare a model parameter with its documentation and source.

    Parameters
    ----------
    default
        Default value.
    description
        One sentence saying what the parameter does and in what unit.
    source
        Where the default comes from: a key of :mod:`rmsim.references` (with
        what the work says), or ``"assumption"``, optionally followed by the
        reason in parentheses, when no source backs it.
    **constraints
        Passed to :func:`pydantic.Field` (``ge``, ``le``, ...).
    """
    if isinstance(default, (list, dict)):
        value = default
        return Field(
            default_factory=lambda: type(value)(value),
            description=description,
            json_schema_extra={"source": source},
            **constraints,
        )
    return Field(default, description=description, json_schema_extra={"source": source}, **constraints)


class Params(BaseModel):
    """Base class of every validated, immutable parameter group.

    Making one with invalid values raises :class:`~rmsim.errors.ConfigError`
    naming the field (see the module docstring); so do :meth:`model_validate`
    and :meth:`model_validate_json`. Numeric fields refuse ``True``/``False``
    (pydantic would read them as 1 and 0).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    if not TYPE_CHECKING:  # keep the field-by-field signature pydantic gives type checkers

        def __init__(self, /, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ParamsError:
                raise
            except ValidationError as error:
                raise as_config_error(error, type(self)) from None

        # only validates, like pydantic's own: validation of a model (nested or not) need not call it
        __init__.__pydantic_base_init__ = True

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Validate ``obj`` (a dict of fields); invalid values raise :class:`~rmsim.errors.ConfigError`."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ParamsError:
            raise
        except ValidationError as error:
            raise as_config_error(error, cls) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Any:
        """Validate a JSON document; invalid values raise :class:`~rmsim.errors.ConfigError`."""
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ParamsError:
            raise
        except ValidationError as error:
            raise as_config_error(error, cls) from None

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        for name, annotation in _numeric_fields(cls):
            if name not in data or not _holds_boolean(data[name]):
                continue
            found = _boolean_for_number(annotation, data[name])
            if found is not None:
                path, value, kind = found
                problem = PydanticCustomError("number_not_boolean", "must be {kind}, not true/false", {"kind": kind})
                # a ValidationError raised here is merged into the caller's, below the location of this model
                raise ValidationError.from_exception_data(cls.__name__, [{"type": problem, "loc": (name, *path), "input": value}])
        return data


def as_config_error(error: ValidationError, model: type[BaseModel] | None = None) -> ParamsError:
    """Turn a pydantic ``ValidationError`` into a one-line :class:`~rmsim.errors.ConfigError`.

    The message names the first problem by the dotted path of its field from
    ``model`` (the model that was validated) and counts the other problems.
    """
    problems = error.errors(include_url=False)
    if not problems:  # pragma: no cover - pydantic always reports at least one
        return ParamsError.from_validation_error(error, ConfigError(_root(model), None, str(error)))
    first = problems[0]
    loc = [str(part) for part in first["loc"]]
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, ConfigError):
        config_error = ConfigError(_join(loc, cause.field), cause.value, cause.allowed)
    else:
        message = first["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "missing":
            message = "this field is required"
        config_error = ConfigError(".".join(loc) or _root(model), first.get("input"), message)
    return ParamsError.from_validation_error(error, config_error, more=len(problems) - 1)


def _join(loc: list[str], field: str) -> str:
    """Path of an error a validator raised naming ``field``, found by pydantic at ``loc``.

    A validator names its field either from where it runs (a validator of
    the field ``level_mix`` may name ``level_mix.junior``) or by the scenario
    path it checks (``programme.junior_levels``, from a validator of the
    ``programme`` model). Both become the full path from the validated model:
    ``organisation.level_mix.junior``, or ``scenario.programme.junior_levels``
    when the scenario is itself part of an experiment.
    """
    if not loc or not field:
        return field or ".".join(loc)
    path = ".".join(loc)
    if path == field or path.endswith(f".{field}"):
        return path
    if field.startswith(f"{loc[-1]}."):
        return ".".join([*loc[:-1], field])
    return field


def _root(model: type[BaseModel] | None) -> str:
    """Name for a problem with the whole model: ``scenario``, ``organisation``, ``skill_profile``..."""
    if model is None:
        return "scenario"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


_NUMBERS: dict[type, str] = {int: "an integer", float: "a number"}


@functools.cache
def _numeric_fields(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """``(name, annotation)`` of the fields of ``model`` whose annotation has ``int`` or ``float`` anywhere in it."""
    return tuple((name, info.annotation) for name, info in model.model_fields.items() if _mentions_number(info.annotation))


def _mentions_number(annotation: Any) -> bool:
    return annotation in _NUMBERS or any(_mentions_number(arg) for arg in get_args(annotation) if arg is not Ellipsis)


def _number_kind(annotation: Any) -> str | None:
    """``"an integer"`` or ``"a number"`` if the annotation takes numbers but not booleans, else None."""
    if annotation in _NUMBERS:
        return _NUMBERS[annotation]
    origin = get_origin(annotation)
    if origin is Annotated:
        return _number_kind(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        arms = get_args(annotation)
        if any(arm is bool or arm is Any or arm is object for arm in arms):
            return None
        kinds = [kind for kind in map(_number_kind, arms) if kind is not None]
        return "a number" if "a number" in kinds else (kinds[0] if kinds else None)
    return None


def _holds_boolean(value: Any) -> bool:
    """True if ``value`` is a boolean or a mapping, list or tuple with one somewhere inside."""
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, Mapping):
        return any(map(_holds_boolean, value.values()))
    if isinstance(value, (list, tuple)):
        return any(map(_holds_boolean, value))
    return False


def _boolean_for_number(annotation: Any, value: Any) -> tuple[list[str], Any, str] | None:
    """Where ``value`` holds a boolean that ``annotation`` wants as a number.

    Returns the path inside ``value`` (keys and indices), the boolean and the
    kind of number wanted; None when there is no such boolean.
    """
    if isinstance(value, (bool, np.bool_)):
        kind = _number_kind(annotation)
        return ([], bool(value), kind) if kind is not None else None
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _boolean_for_number(args[0], value)
    if origin is Union or origin is types.UnionType:
        for arm in args:
            found = _boolean_for_number(arm, value)
            if found is not None:
                return found
        return None
    if origin in (dict, Mapping) and len(args) == 2 and isinstance(value, Mapping):
        for key, item in value.items():
            found = _boolean_for_number(args[1], item)
            if found is not None:
                return [str(key), *found[0]], found[1], found[2]
        return None
    if origin in (list, tuple, set, frozenset) and isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                if index >= len(args):
                    return None
                item_annotation = args[index]
            else:
                item_annotation = args[0] if args else Any
            found = _boolean_for_number(item_annotation, item)
            if found is not None:
                return [str(index), *found[0]], found[1], found[2]
    return None
