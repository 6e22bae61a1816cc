"""Scenarios: everything that defines one simulation, validated.

A :class:`Scenario` bundles the organisation, the programme, the horizon and
the parameters of every mechanism. Field paths such as ``organisation.size``,
``programme.policy``, ``programme.cadence_weeks`` and ``weeks`` are the public
contract used by experiment files and the command line.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError, model_validator

from rmsim._base import ASSUMPTION, Params, as_config_error, param
from rmsim.careers import CareerParams
from rmsim.costs import CostParams
from rmsim.engagement import EngagementParams
from rmsim.errors import ConfigError
from rmsim.learning import LearningParams
from rmsim.programme import Programme
from rmsim.relationships import RelationshipParams
from rmsim.retention import RetentionParams
from rmsim.workforce import CENSUS_REPLACES, Organisation, working_birth_years

M = TypeVar("M", bound=BaseModel)


class Scenario(Params):
    """One simulation: organisation, programme, horizon and mechanism parameters.

    Examples
    --------
    >>> from rmsim import Scenario
    >>> s = Scenario(weeks=52, programme={"policy": "random"})
    >>> s.with_overrides({"organisation.size": 300}).organisation.size
    300
    """

    name: str = param("default", description="Name used in result folders and reports.", source="user choice", min_length=1)
    description: str = param("", description="Free text describing the scenario.", source="user choice")
    weeks: int = param(104, description="Weeks simulated (one step is one week).", source=ASSUMPTION, ge=1, le=5200)
    start_year: int = param(
        2026, description="Calendar year of week 0 (sets generations from ages).", source=ASSUMPTION, ge=1950, le=2100
    )
    organisation: Organisation = param(Organisation(), description="The organisation.", source=ASSUMPTION)
    programme: Programme = param(Programme(), description="The mentoring programme.", source=ASSUMPTION)
    learning: LearningParams = param(LearningParams(), description="Knowledge transfer and forgetting.", source=ASSUMPTION)
    relationships: RelationshipParams = param(RelationshipParams(), description="Relationship quality.", source=ASSUMPTION)
    engagement: EngagementParams = param(EngagementParams(), description="Engagement and related states.", source=ASSUMPTION)
    retention: RetentionParams = param(RetentionParams(), description="Exits, retirement and hiring.", source=ASSUMPTION)
    careers: CareerParams = param(CareerParams(), description="Promotion rounds.", source=ASSUMPTION)
    costs: CostParams = param(CostParams(), description="Salaries and turnover cost.", source=ASSUMPTION)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.organisation.census:
            from rmsim.census import read_census

            table = read_census(self.organisation.census, start_year=self.start_year)
            recorded = self.organisation.census_sha256
            if recorded and recorded != hashlib.sha256(Path(self.organisation.census).read_bytes()).hexdigest():
                raise ConfigError(
                    "organisation.census_sha256",
                    recorded,
                    f"the census {self.organisation.census} changed after this checksum was recorded; "
                    "leave census_sha256 out to use the file as it is now",
                )
            if self.organisation.size != len(table):
                raise ConfigError(
                    "organisation.size",
                    self.organisation.size,
                    f"the census {self.organisation.census} has {len(table)} rows; leave size out when a census is given",
                )
            departments = int(table["department"].nunique())
            if self.organisation.departments != departments:
                raise ConfigError(
                    "organisation.departments",
                    self.organisation.departments,
                    f"the census {self.organisation.census} has {departments} departments; "
                    "leave departments out when a census is given",
                )
        for generation, share in (self.organisation.generation_mix or {}).items():
            low, high = working_birth_years(self.start_year, generation)
            if share > 0 and high <= low:
                raise ConfigError(
                    "organisation.generation_mix",
                    {generation: share},
                    f"no {generation} is of working age (18-66) in start_year {self.start_year}",
                )
        return self

    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Load and validate a scenario from a YAML file.

        Relative paths inside the file (a census) are taken relative to the
        file's folder. Raises :class:`~rmsim.errors.ConfigError` for a missing
        file, invalid YAML or an invalid value.
        """
        return validated(cls, resolve_paths(read_yaml(path), Path(path).parent))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        """Validate a nested dict; errors name the dotted field path."""
        return validated(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible nested dict of every field (defaults included)."""
        return self.model_dump(mode="json")

    def to_yaml(self, path: str | Path | None = None) -> str:
        """Return the scenario as YAML, also writing it to ``path`` if given."""
        text = yaml.safe_dump(self.to_dict(), sort_keys=False)
        if path is not None:
            Path(path).write_text(text)
        return text

    def with_overrides(self, overrides: dict[str, Any] | None = None, **more: Any) -> Scenario:
        """Return a validated copy with dotted-path fields replaced.

        Parameters
        ----------
        overrides
            ``{"programme.policy": "random", "organisation.size": 500}``.
        **more
            Same, for paths that are valid Python names (``weeks=52``).
        """
        data = self.to_dict()
        changes = {**(overrides or {}), **more}
        if changes.get("organisation.census"):
            # a new census sets size, departments and checksum and replaces the description of a synthetic
            # workforce: drop the values that came from the old organisation
            for name in ("size", "departments", "census_sha256", *CENSUS_REPLACES):
                if f"organisation.{name}" not in changes:
                    data["organisation"].pop(name, None)
        for path, value in changes.items():
            set_path(data, path, value, type(self))
        return validated(type(self), data)


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping, turning every failure into a one-line ConfigError."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("file", str(path), "no such file")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError("file", str(path), f"invalid YAML at {where}{problem}") from None
    except UnicodeDecodeError:
        raise ConfigError("file", str(path), "not a UTF-8 text file") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("file", str(path), f"the top level must be a mapping of fields, not {type(data).__name__}")
    return data


def resolve_paths(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Make a census path in scenario data absolute, relative to ``folder``."""
    organisation = data.get("organisation")
    if isinstance(organisation, dict) and isinstance(organisation.get("census"), str):
        census = Path(organisation["census"])
        if not census.is_absolute():
            data = {**data, "organisation": {**organisation, "census": str((folder / census).resolve())}}
    return data


def set_path(data: dict[str, Any], path: str, value: Any, model: type[BaseModel]) -> None:
    """Set ``data[a][b]... = value`` for ``path = "a.b..."``, checking the path against ``model``."""
    parts = path.split(".")
    node: dict[str, Any] = data
    current: type[BaseModel] | None = model
    for depth, part in enumerate(parts):
        fields = current.model_fields if current is not None else None
        if fields is not None and part not in fields:
            prefix = ".".join(parts[:depth]) or "scenario"
            raise ConfigError(path, value, f"unknown field; {prefix} has {', '.join(fields)}")
        if depth == len(parts) - 1:
            node[part] = value
            return
        annotation = fields[part].annotation if fields is not None else None
        current = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        child = node.get(part)
        if not isinstance(child, dict):
            if current is None and fields is not None:
                raise ConfigError(path, value, f"{'.'.join(parts[: depth + 1])} has no sub-fields")
            child = {}
            node[part] = child
        node = child


def validated(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model``, raising a one-line :class:`ConfigError`.

    The error names the dotted path of the first invalid field, e.g.
    ``organisation.size``, and counts any further problems.
    """
    try:
        return model.model_validate(data)
    except ConfigError:
        raise
    except ValidationError as error:  # a model that is not a Params
        raise as_config_error(error, model) from None


__all__ = ["Scenario", "read_yaml", "set_path", "validated"]
