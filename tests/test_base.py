"""Parameter groups: invalid values raise a one-line ConfigError naming the field, however the group is made."""

from __future__ import annotations

import pickle
from typing import Any, get_args

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, ValidationInfo, model_validator

from rmsim import ConfigError, Organisation, Programme, Scenario
from rmsim._base import Params, param
from rmsim.costs import CostParams
from rmsim.errors import DataError, ParamsError
from rmsim.experiment import Experiment
from rmsim.workforce import SkillProfile


def _nested(path: str, value: Any) -> dict[str, Any]:
    """``{"a": {"b": value}}`` for ``path = "a.b"``."""
    data: Any = value
    for part in reversed(path.split(".")):
        data = {part: data}
    return data


def _leaves(model: type[BaseModel] = Scenario, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """``(dotted path, annotation, default)`` of every field below ``model`` that is not itself a model."""
    found = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += _leaves(annotation, f"{prefix}{name}.")
        else:
            found.append((f"{prefix}{name}", annotation, info.get_default(call_default_factory=True)))
    return found


NUMBERS = [(path, default) for path, annotation, default in _leaves() if annotation in (int, float, int | None, float | None)]
INTEGERS = [path for path, annotation, _ in _leaves() if annotation is int]
FLOATS = [(path, default) for path, annotation, default in _leaves() if annotation is float]
SHARES = [
    (path, default)
    for path, annotation, default in _leaves()
    if isinstance(default, dict) and default and float in get_args(annotation)
]


def _assert_names(error: BaseException, field: str, shown: str) -> None:
    """A ConfigError (not a bare pydantic or Python error) whose one-line message names ``field`` and ``shown``."""
    assert isinstance(error, ConfigError)
    message = str(error)
    assert "\n" not in message
    assert error.field == field
    assert message.startswith(f"{field} = {shown}: "), message
    assert len(message) > len(f"{field} = {shown}: ")  # says what is allowed


# --------------------------------------------------------------------------- direct construction

DIRECT: list[tuple[str, type[Params], dict[str, Any], str, str]] = [
    # id, model, fields, field named (relative to the model), value as shown
    ("programme-cadence", Programme, {"cadence_weeks": 0}, "cadence_weeks", "0"),
    ("scenario-weeks", Scenario, {"weeks": 0}, "weeks", "0"),
    ("organisation-size", Organisation, {"size": -1}, "size", "-1"),
    ("organisation-size-none", Organisation, {"size": None}, "size", "None"),
    ("organisation-size-text", Organisation, {"size": "many"}, "size", "'many'"),
    ("skill-profile-sd", SkillProfile, {"sd": 3}, "sd", "3"),
    ("nested-in-organisation", Organisation, {"skills": {"sd": 3}}, "skills.sd", "3"),
    ("nested-in-scenario", Scenario, {"organisation": {"size": 1}}, "organisation.size", "1"),
    ("deep-in-scenario", Scenario, {"organisation": {"skills": {"sd": -1}}}, "organisation.skills.sd", "-1"),
    ("unknown-field", Programme, {"cadense_weeks": 2}, "cadense_weeks", "2"),
    ("mix-not-summing-to-one", Organisation, {"level_mix": {"junior": 0.5}}, "level_mix", "{'junior': 0.5}"),
    ("experiment-replications", Experiment, {"name": "x", "replications": 0}, "replications", "0"),
]


@pytest.mark.parametrize(("model", "fields", "field", "shown"), [d[1:] for d in DIRECT], ids=[d[0] for d in DIRECT])
def test_direct_construction_raises_config_error_naming_the_field(
    model: type[Params], fields: dict[str, Any], field: str, shown: str
) -> None:
    with pytest.raises(ConfigError) as made:
        model(**fields)
    _assert_names(made.value, field, shown)
    with pytest.raises(ConfigError) as validated:
        model.model_validate(fields)
    assert str(validated.value) == str(made.value)


def test_model_validate_json_raises_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        Programme.model_validate_json('{"cadence_weeks": 0}')
    _assert_names(caught.value, "cadence_weeks", "0")


def test_the_error_is_also_pydantics_validation_error_with_every_problem() -> None:
    with pytest.raises(ValidationError) as caught:
        Scenario(weeks=0, start_year=1800, organisation={"size": 1})
    error = caught.value
    assert isinstance(error, ParamsError) and isinstance(error, ConfigError)
    assert [problem["loc"] for problem in error.errors()] == [("weeks",), ("start_year",), ("organisation", "size")]
    assert str(error) == "weeks = 0: must be greater than or equal to 1 (and 2 more problems)"
    assert repr(error) == f"ParamsError({str(error)!r})"
    assert (error.field, error.value) == ("weeks", 0)


def test_a_whole_model_of_the_wrong_type_is_named_after_the_model() -> None:
    with pytest.raises(ConfigError) as caught:
        Organisation.model_validate("big")
    _assert_names(caught.value, "organisation", "'big'")
    with pytest.raises(ConfigError) as caught:
        SkillProfile.model_validate(3)
    _assert_names(caught.value, "skill_profile", "3")
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"organisation": "big"})
    _assert_names(caught.value, "organisation", "'big'")


def test_checks_across_fields_keep_the_scenario_path() -> None:
    with pytest.raises(ConfigError) as caught:
        Programme(junior_levels=["senior"])
    assert caught.value.field == "programme.junior_levels"
    with pytest.raises(ConfigError) as caught:
        Scenario(programme={"junior_levels": ["senior"]})
    assert caught.value.field == "programme.junior_levels"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"weeks": 0}, "weeks"),
        ({"programme": {"cadence_weeks": 0}}, "programme.cadence_weeks"),
        ({"organisation": {"age_mix": {"18-24": 2.0}}}, "organisation.age_mix"),
        ({"costs": {"hours_per_year": True}}, "costs.hours_per_year"),
        ({"organisation": {"level_mix": {"junior": True}}}, "organisation.level_mix.junior"),
    ],
)
def test_direct_construction_and_from_dict_give_the_same_error(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as direct:
        Scenario(**fields)
    with pytest.raises(ConfigError) as from_dict:
        Scenario.from_dict(fields)
    assert direct.value.field == from_dict.value.field == field
    assert str(direct.value) == str(from_dict.value)


def test_validation_context_reaches_validators() -> None:
    seen: list[Any] = []

    class Probe(Params):
        level: int = param(1, description="A level.", source="assumption", ge=0)

        @model_validator(mode="after")
        def _record(self, info: ValidationInfo) -> Probe:
            seen.append(info.context)
            return self

    class Holder(Params):
        probe: Probe = param(Probe(), description="A probe.", source="assumption")

    seen.clear()
    Probe.model_validate({"level": 2}, context={"results_only": True})
    Holder.model_validate({"probe": {"level": 2}}, context={"results_only": True})
    assert seen == [{"results_only": True}, {"results_only": True}]
    with pytest.raises(ConfigError) as caught:
        Holder(probe={"level": -1})
    _assert_names(caught.value, "probe.level", "-1")


# --------------------------------------------------------------------------- booleans are not numbers


@given(data=st.data())
def test_booleans_are_refused_for_every_numeric_field(data: st.DataObject) -> None:
    path, _ = data.draw(st.sampled_from(NUMBERS), label="field")
    value = data.draw(st.booleans(), label="value")
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict(_nested(path, value))
    _assert_names(caught.value, path, repr(value))
    assert "not true/false" in str(caught.value)
    with pytest.raises(ConfigError) as overridden:
        Scenario().with_overrides({path: value})
    assert str(overridden.value) == str(caught.value)


@given(data=st.data())
def test_booleans_are_refused_inside_mappings_of_numbers(data: st.DataObject) -> None:
    path, default = data.draw(st.sampled_from(SHARES), label="field")
    key = data.draw(st.sampled_from(sorted(default)), label="key")
    value = data.draw(st.booleans(), label="value")
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides({path: {**default, key: value}})
    _assert_names(caught.value, f"{path}.{key}", repr(value))


def test_integer_fields_say_integer() -> None:
    assert "weeks" in INTEGERS
    with pytest.raises(ConfigError, match=r"^weeks = True: must be an integer, not true/false$"):
        Scenario(weeks=True)
    with pytest.raises(ConfigError, match=r"^hours_per_year = False: must be a number, not true/false$"):
        CostParams(hours_per_year=False)


@pytest.mark.parametrize(("path", "default"), [f for f in FLOATS if float(f[1]).is_integer()], ids=lambda v: str(v))
def test_whole_numbers_are_accepted_for_float_fields(path: str, default: float) -> None:
    scenario = Scenario().with_overrides({path: int(default)})
    assert scenario == Scenario()
    assert Scenario.from_dict(yaml.safe_load(yaml.safe_dump(_nested(path, int(default))))) == Scenario()


def test_numbers_written_as_text_are_still_read() -> None:
    # YAML reads 1e3 as text; pydantic reads it as a number, as before
    text = yaml.safe_load("1e3")
    assert text == "1e3"
    assert Scenario().with_overrides({"costs.hours_per_year": text}).costs.hours_per_year == 1000.0
    assert Scenario().with_overrides({"weeks": 52.0}).weeks == 52


# --------------------------------------------------------------------------- errors survive other processes


def test_errors_pickle_with_their_parts() -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"weeks": 0, "organisation": {"size": 1}})
    for error in (caught.value, ConfigError("seed", -1, "must be an integer >= 0")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert (copy.field, copy.value, copy.allowed, str(copy)) == (error.field, error.value, error.allowed, str(error))
    copy = pickle.loads(pickle.dumps(caught.value))
    assert [e["loc"] for e in copy.errors()] == [e["loc"] for e in caught.value.errors()]
    data = DataError("people.csv", "age", "impossible age", [3, 4])
    copy = pickle.loads(pickle.dumps(data))
    assert (str(copy), copy.column, copy.rows) == (str(data), "age", [3, 4])


def test_long_values_keep_their_end() -> None:
    path = "/" + "/".join(["folder"] * 30) + "/people.csv"
    message = str(ConfigError("organisation.census", path, "no such file"))
    assert message.startswith("organisation.census = '/folder/") and "..." in message
    assert message.endswith("/people.csv': no such file")
    assert len(message) < len(path)
