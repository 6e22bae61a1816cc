"""Scenarios: validation, YAML round trips, dotted overrides and one-line error messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmsim import ConfigError, Organisation, Programme, Scenario
from rmsim.config import set_path
from rmsim.results import MANIFEST

# --------------------------------------------------------------------------- defaults and YAML


def test_defaults_validate() -> None:
    scenario = Scenario()
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert scenario.weeks >= 1 and scenario.organisation.size >= 2
    assert scenario.organisation.census is None


def test_yaml_round_trip(tmp_path: Path) -> None:
    scenario = Scenario(name="trial", weeks=30, programme={"policy": "random", "cadence_weeks": 2})
    path = tmp_path / "trial.yaml"
    text = scenario.to_yaml(path)
    assert path.read_text() == text
    assert Scenario.from_yaml(path) == scenario
    assert yaml.safe_load(text)["programme"]["cadence_weeks"] == 2


def test_partial_yaml_fills_defaults(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("weeks: 12\nprogramme:\n  policy: random\n")
    scenario = Scenario.from_yaml(path)
    assert scenario == Scenario().with_overrides({"weeks": 12, "programme.policy": "random"})


def test_empty_yaml_is_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    assert Scenario.from_yaml(path) == Scenario()


def test_census_path_is_relative_to_the_yaml_folder(
    tmp_path: Path, census_lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "people.csv").write_text("\n".join(census_lines) + "\n")
    (tmp_path / "inputs" / "s.yaml").write_text("organisation:\n  census: people.csv\n")
    monkeypatch.chdir(tmp_path)
    scenario = Scenario.from_yaml("inputs/s.yaml")
    assert Path(scenario.organisation.census) == (tmp_path / "inputs" / "people.csv").resolve()
    assert scenario.organisation.size == len(census_lines) - 1
    assert Scenario.from_yaml(tmp_path / "inputs" / "s.yaml") == scenario


# --------------------------------------------------------------------------- overrides


@pytest.mark.parametrize(
    ("path", "value", "read"),
    [
        ("weeks", 52, lambda s: s.weeks),
        ("organisation.size", 300, lambda s: s.organisation.size),
        ("programme.policy", "random", lambda s: s.programme.policy),
        ("programme.cadence_weeks", 2, lambda s: s.programme.cadence_weeks),
        ("organisation.skills.sd", 0.2, lambda s: s.organisation.skills.sd),
    ],
)
def test_with_overrides_sets_dotted_paths(path: str, value: Any, read: Any) -> None:
    base = Scenario()
    changed = base.with_overrides({path: value})
    assert read(changed) == value
    assert read(base) != value  # the original is unchanged (and the test is not vacuous)
    assert changed.with_overrides({path: read(base)}) == base


def test_with_overrides_keywords_and_several_paths() -> None:
    scenario = Scenario().with_overrides({"programme.policy": "random"}, weeks=10)
    assert (scenario.weeks, scenario.programme.policy) == (10, "random")


@pytest.mark.parametrize(
    ("path", "prefix", "listed"),
    [
        ("wekks", "scenario", ["weeks", "organisation", "programme"]),
        ("programme.cadence", "programme", ["cadence_weeks", "policy", "duration_weeks"]),
        ("organisation.sise", "organisation", ["size", "departments"]),
        ("organisation.skills.sdd", "organisation.skills", ["sd", "digital_at_25"]),
    ],
)
def test_unknown_override_path_names_the_path_and_lists_valid_fields(path: str, prefix: str, listed: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides({path: 3})
    message = str(caught.value)
    assert caught.value.field == path
    assert message.startswith(f"{path} = 3: unknown field; {prefix} has ")
    fields = message.split(" has ", 1)[1].split(", ")
    assert set(listed) <= set(fields)


def test_override_below_a_plain_field_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"^weeks\.x = 1: weeks has no sub-fields$"):
        Scenario().with_overrides({"weeks.x": 1})


def test_set_path_checks_against_the_model() -> None:
    data: dict[str, Any] = {}
    set_path(data, "programme.cadence_weeks", 2, Scenario)
    assert data == {"programme": {"cadence_weeks": 2}}
    with pytest.raises(ConfigError, match=r"programme\.cadence_wks"):
        set_path(data, "programme.cadence_wks", 2, Scenario)


# --------------------------------------------------------------------------- error messages

INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    # id, overrides, field named in the message, offending value as shown
    ("negative-size", {"organisation.size": -5}, "organisation.size", "-5"),
    ("zero-weeks", {"weeks": 0}, "weeks", "0"),
    ("text-weeks", {"weeks": "many"}, "weeks", "'many'"),
    ("fractional-weeks", {"weeks": 2.5}, "weeks", "2.5"),
    ("unknown-policy", {"programme.policy": "nope"}, "programme.policy", "'nope'"),
    ("zero-cadence", {"programme.cadence_weeks": 0}, "programme.cadence_weeks", "0"),
    ("attendance-above-1", {"programme.attendance": 1.5}, "programme.attendance", "1.5"),
    ("unknown-formality", {"programme.formality": "casual"}, "programme.formality", "'casual'"),
    ("unknown-topic", {"programme.topics": ["cooking"]}, "programme.topics", "['cooking']"),
    ("unknown-level", {"programme.junior_levels": ["intern"]}, "programme.junior_levels", "['intern']"),
    ("start-year-too-early", {"start_year": 1800}, "start_year", "1800"),
    ("skill-sd-too-large", {"organisation.skills.sd": 3}, "organisation.skills.sd", "3"),
    (
        "female-share-missing-levels",
        {"organisation.female_share": {"junior": 0.5}},
        "organisation.female_share",
        "{'junior': 0.5}",
    ),
    ("empty-name", {"name": ""}, "name", "''"),
    ("bool-weeks", {"weeks": True}, "weeks", "True"),
    ("bool-size", {"organisation.size": False}, "organisation.size", "False"),
    ("bool-share", {"programme.attendance": True}, "programme.attendance", "True"),
    (
        "bool-in-a-mix",
        {"organisation.level_mix": {"junior": True, "professional": 0.0}},
        "organisation.level_mix.junior",
        "True",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "shown"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_config_error_is_one_line_naming_field_and_value(overrides: dict[str, Any], field: str, shown: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides(overrides)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.field == field
    assert message.startswith(f"{field} = {shown}")
    assert len(message) > len(f"{field} = {shown}: ")  # says what is allowed


@pytest.mark.parametrize(("overrides", "field", "shown"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_direct_construction_names_the_same_field(overrides: dict[str, Any], field: str, shown: str) -> None:
    data: dict[str, Any] = {}
    for path, value in overrides.items():
        set_path(data, path, value, Scenario)
    with pytest.raises(ConfigError) as caught:
        Scenario(**data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field} = {shown}: ")


def test_from_dict_errors_name_the_full_path() -> None:
    with pytest.raises(ConfigError, match=r"^programme\.duration_weeks = -1: must be greater than or equal to 1$"):
        Scenario.from_dict({"programme": {"duration_weeks": -1}})


def test_several_problems_are_counted_in_one_line() -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"weeks": 0, "start_year": 1800, "organisation": {"size": 1}})
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("(and 2 more problems)")


def test_long_values_are_shortened_to_one_line() -> None:
    value = [f"topic\n{i}" for i in range(40)]
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides({"programme.topics": value})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("programme.topics = ['topic\\n0', 'topic\\n1',")
    assert "..." in message and len(message) < 300


@pytest.mark.parametrize(
    ("field", "mix"),
    [
        ("level_mix", {"junior": 0.5, "professional": 0.3, "manager": 0.1, "senior": 0.05, "executive": 0.01}),
        ("age_mix", {"18-24": 0.5, "25-34": 0.6}),
        ("generation_mix", {"gen_x": 0.3, "millennial": 0.3}),
    ],
)
def test_mixes_that_do_not_sum_to_one_are_rejected(field: str, mix: dict[str, float]) -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides({f"organisation.{field}": mix})
    assert caught.value.field == f"organisation.{field}"
    assert "sum to 1" in str(caught.value)


def test_mix_with_unknown_key_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"organisation\.level_mix = .*unknown level \['boss'\]"):
        Scenario().with_overrides({"organisation.level_mix": {"junior": 0.5, "boss": 0.5}})


def test_mix_with_negative_share_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"organisation\.age_mix = .*>= 0"):
        Scenario().with_overrides({"organisation.age_mix": {"18-24": 1.5, "25-34": -0.5}})


def test_generation_not_of_working_age_is_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides({"organisation.generation_mix": {"silent": 0.2, "millennial": 0.8}})
    assert caught.value.field == "organisation.generation_mix"
    assert str(caught.value).startswith("organisation.generation_mix = {'silent': 0.2}: no silent is of working age")
    assert "2026" in str(caught.value)


def test_working_age_depends_on_start_year() -> None:
    mix = {"gen_z": 1.0}
    assert Scenario().with_overrides({"organisation.generation_mix": mix}).organisation.generation_mix == mix
    with pytest.raises(ConfigError, match=r"no gen_z is of working age \(18-66\) in start_year 1990"):
        Scenario().with_overrides({"start_year": 1990, "organisation.generation_mix": mix})


def test_junior_and_senior_levels_must_not_overlap() -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides({"programme.junior_levels": ["junior", "senior"]})
    assert caught.value.field.startswith("programme")
    assert "junior_levels" in str(caught.value) and "['junior', 'senior']" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_levels_may_be_given_as_codes() -> None:
    programme = Programme(junior_levels=[0, "professional"], senior_levels=[4, 3])
    assert programme.junior_levels == ["junior", "professional"]
    assert programme.senior_levels == ["senior", "executive"]


@pytest.mark.parametrize(("policy", "accepted"), [("random", "no parameters"), ("weighted_score", "min_score")])
def test_unknown_policy_params_are_rejected(policy: str, accepted: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario().with_overrides({"programme.policy": policy, "programme.policy_params": {"speed": 3}})
    assert caught.value.field == "programme.policy_params"
    assert str(caught.value).startswith("programme.policy_params = {'speed': 3}: ")
    assert f"'{policy}'" in str(caught.value) and accepted in str(caught.value)


def test_known_policy_params_are_accepted() -> None:
    scenario = Scenario().with_overrides({"programme.policy": "stable_matching", "programme.policy_params": {"noise": 0.2}})
    assert scenario.programme.policy_params == {"noise": 0.2}


def test_unknown_field_in_a_section_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"^programme\.cadense_weeks = 2: unknown field$"):
        Scenario.from_dict({"programme": {"cadense_weeks": 2}})


def test_census_decides_the_size(tmp_path: Path, census_lines: list[str]) -> None:
    census = tmp_path / "people.csv"
    census.write_text("\n".join(census_lines) + "\n")
    scenario = Scenario(organisation=Organisation.from_census(census))
    assert scenario.organisation.size == len(census_lines) - 1
    with pytest.raises(ConfigError) as caught:
        scenario.with_overrides({"organisation.size": 50})
    assert caught.value.field == "organisation.size"
    assert "50" in str(caught.value) and f"{len(census_lines) - 1} rows" in str(caught.value)


def test_overriding_the_census_takes_size_from_the_new_file(tmp_path: Path, census_lines: list[str]) -> None:
    census = tmp_path / "people.csv"
    census.write_text("\n".join(census_lines) + "\n")
    scenario = Scenario().with_overrides({"organisation.census": str(census)})
    assert scenario.organisation.size == len(census_lines) - 1
    assert scenario.organisation.census_sha256 is not None
    smaller = tmp_path / "fewer.csv"
    smaller.write_text("\n".join(census_lines[:5]) + "\n")
    assert scenario.with_overrides({"organisation.census": str(smaller)}).organisation.size == 4


def test_a_census_changed_after_its_checksum_was_recorded_is_rejected(tmp_path: Path, census_lines: list[str]) -> None:
    census = tmp_path / "people.csv"
    census.write_text("\n".join(census_lines) + "\n")
    saved = tmp_path / "s.yaml"
    Scenario(organisation=Organisation.from_census(census)).to_yaml(saved)
    assert Scenario.from_yaml(saved).organisation.size == 10
    census.write_text("\n".join([*census_lines, "A11,30,junior,IT,2,male,no,,"]) + "\n")
    with pytest.raises(ConfigError) as caught:
        Scenario.from_yaml(saved)
    assert caught.value.field == "organisation.census_sha256"
    assert "changed" in str(caught.value) and "\n" not in str(caught.value)


# --------------------------------------------------------------------------- numbers from YAML and the command line


def test_yaml_booleans_are_not_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("weeks: yes\n")
    with pytest.raises(ConfigError, match=r"^weeks = True: must be an integer, not true/false$"):
        Scenario.from_yaml(path)
    path.write_text("costs:\n  hours_per_year: off\n")
    with pytest.raises(ConfigError, match=r"^costs\.hours_per_year = False: must be a number, not true/false$"):
        Scenario.from_yaml(path)


def test_yaml_whole_numbers_fill_float_fields(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "costs:\n  hours_per_year: 2000\n  annual_salary: {junior: 45000, professional: 60000, manager: 80000, "
        "senior: 110000, executive: 200000}\nretention:\n  exit_rate_scale: 2\n"
    )
    scenario = Scenario.from_yaml(path)
    assert scenario.costs.hours_per_year == 2000.0 and isinstance(scenario.costs.hours_per_year, float)
    assert scenario.costs.annual_salary["junior"] == 45000.0
    assert scenario.retention.exit_rate_scale == 2.0


def test_command_line_refuses_booleans_for_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rmsim.cli import main

    monkeypatch.chdir(tmp_path)
    code = main(["run", "--employees", "30", "--weeks", "1", "--set", "programme.cadence_weeks=yes", "--out", "o"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "programme.cadence_weeks = True: must be an integer, not true/false" in err
    assert not (tmp_path / "o").exists()


def test_command_line_sets_float_fields_from_whole_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rmsim.cli import main

    monkeypatch.chdir(tmp_path)
    argv = ["run", "--employees", "30", "--weeks", "1", "--set", "costs.hours_per_year=2000", "--out", "o", "--quiet"]
    assert main(argv) == 0, capsys.readouterr().err
    manifest = json.loads((tmp_path / "o" / MANIFEST).read_text())
    assert manifest["scenario"]["costs"]["hours_per_year"] == 2000.0


# --------------------------------------------------------------------------- property


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(min_value=2, max_value=100_000),
    weeks=st.integers(min_value=1, max_value=5200),
    cadence=st.integers(min_value=1, max_value=52),
)
def test_valid_size_weeks_cadence_validate_and_round_trip(tmp_path: Path, size: int, weeks: int, cadence: int) -> None:
    scenario = Scenario().with_overrides({"organisation.size": size, "weeks": weeks, "programme.cadence_weeks": cadence})
    assert (scenario.organisation.size, scenario.weeks, scenario.programme.cadence_weeks) == (size, weeks, cadence)
    assert Scenario.from_dict(yaml.safe_load(scenario.to_yaml())) == scenario
    path = tmp_path / "s.yaml"
    scenario.to_yaml(path)
    assert Scenario.from_yaml(path) == scenario
