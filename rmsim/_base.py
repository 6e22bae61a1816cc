"""Shared building blocks for validated parameter groups.

Every mechanism module declares its parameters as a :class:`Params` subclass
whose fields are made with :func:`param`. Each field carries a description and
a ``source``: a citation or the word ``"assumption"``. ``docs/ODD.md`` lists
them all and a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

ASSUMPTION = "assumption"


def param(default: Any, *, description: str, source: str, **constraints: Any) -> Any:
    """Declare a model parameter with its documentation and source.

    Parameters
    ----------
    default
        Default value.
    description
        One sentence saying what the parameter does and in what unit.
    source
        Where the default comes from (author, year, tag from the research
        notes), or ``"assumption"`` when no source backs it.
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
    """Base class of every validated, immutable parameter group."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
