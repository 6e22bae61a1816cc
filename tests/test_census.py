"""HR census files: reading, spellings, error messages with line numbers, and building a model from them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmsim
from rmsim import LEVELS, ConfigError, DataError, Organisation, Scenario
from rmsim.census import read_census
from rmsim.workforce import CENSUS_REPLACES, InitialWorkforce

CANONICAL = ["id", "age", "level", "department", "tenure", "gender", "minority"]


def write(folder: Path, lines: list[str], name: str = "people.csv") -> Path:
    path = folder / name
    path.write_text("".join(line + "\n" for line in lines))
    return path


def edit(lines: list[str], line: int, old: str, new: str) -> list[str]:
    """Replace ``old`` by ``new`` on file line ``line`` (the header is line 1)."""
    assert old in lines[line - 1]
    return [*lines[: line - 1], lines[line - 1].replace(old, new, 1), *lines[line:]]


def with_column(lines: list[str], name: str, values: list[str]) -> list[str]:
    """Replace the age column by ``name`` holding ``values``."""
    rows = [line.split(",") for line in lines]
    rows[0][1] = name
    for row, value in zip(rows[1:], values, strict=True):
        row[1] = value
    return [",".join(row) for row in rows]


# --------------------------------------------------------------------------- reading


def test_example_census(census_example: Path) -> None:
    table = read_census(census_example, start_year=2026)
    raw = pd.read_csv(census_example, dtype=str, keep_default_na=False)
    assert len(table) == len(raw) == 300
    assert list(table.columns) == [*CANONICAL, "skill_digital", "skill_business"]
    assert table["id"].tolist() == raw["id"].tolist()
    np.testing.assert_array_equal(table["age"], 2026 - raw["birth_year"].astype(int) + 0.5)
    assert table["age"].between(16, 100).all()
    assert (table["tenure"] <= table["age"] - 14).all()
    assert set(table["gender"]) <= {"female", "male", "other"}
    assert table["department"].nunique() == raw["department"].nunique()
    for column in ("skill_digital", "skill_business"):
        empty = raw[column] == ""
        assert 0 < empty.sum() < len(raw)  # the example has some empty skill cells
        np.testing.assert_array_equal(table[column].isna(), empty)
        assert table[column].dropna().between(0, 1).all()


def test_example_is_what_its_script_makes(census_example: Path, tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_census_example", census_example.with_name("make_census_example.py"))
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.make_census(np.random.default_rng(script.SEED))
    made.to_csv(tmp_path / "again.csv", index=False)
    assert (tmp_path / "again.csv").read_bytes() == census_example.read_bytes()


def test_canonical_columns_and_dtypes(tmp_path: Path, census_lines: list[str]) -> None:
    table = read_census(write(tmp_path, census_lines))
    assert list(table.columns) == [*CANONICAL, "skill_digital", "skill_business"]
    assert isinstance(table.index, pd.RangeIndex) and table.index[0] == 0
    assert table["age"].dtype == np.float64 and table["tenure"].dtype == np.float64
    assert table["level"].dtype == np.int8
    assert table["minority"].dtype == bool
    assert table["skill_digital"].dtype == np.float64
    for column in ("id", "department", "gender"):
        assert pd.api.types.is_string_dtype(table[column]), column
    first = table.iloc[0]
    assert (first["id"], first["age"], first["level"], first["department"]) == ("A01", 24.0, 0, "Sales")
    assert (first["tenure"], first["gender"], bool(first["minority"]), first["skill_digital"]) == (1.5, "female", True, 0.82)
    assert table["level"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 0]
    assert table["skill_business"].isna().tolist() == [True, *[False] * 4, True, *[False] * 4]
    assert table["skill_digital"].isna().sum() == 2


def test_other_columns_are_ignored_and_skills_are_optional(tmp_path: Path, census_lines: list[str]) -> None:
    lines = [",".join(line.split(",")[:7]) + (",name" if i == 0 else f",person {i}") for i, line in enumerate(census_lines)]
    table = read_census(write(tmp_path, lines))
    assert list(table.columns) == CANONICAL


def test_header_is_case_and_space_insensitive(tmp_path: Path, census_lines: list[str]) -> None:
    header = " ID , Age,LEVEL ,Department,Tenure,Gender,Minority,Skill_Digital,SKILL_BUSINESS"
    table = read_census(write(tmp_path, [header, *census_lines[1:]]))
    assert list(table.columns) == [*CANONICAL, "skill_digital", "skill_business"]
    assert len(table) == 10


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path, census_lines: list[str]) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + "\n".join(census_lines) + "\n", encoding="utf-8")
    assert read_census(path)["id"].iloc[0] == "A01"


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("junior", 0),
        ("Junior", 0),
        ("PROFESSIONAL", 1),
        (" manager ", 2),
        ("Senior", 3),
        ("executive", 4),
        ("0", 0),
        ("3", 3),
        ("4", 4),
    ],
)
def test_level_spellings(tmp_path: Path, census_lines: list[str], spelling: str, code: int) -> None:
    table = read_census(write(tmp_path, edit(census_lines, 10, "executive", spelling)))
    assert table["level"].iloc[8] == code


@pytest.mark.parametrize(
    ("spelling", "gender"),
    [
        ("female", "female"),
        ("F", "female"),
        ("Woman", "female"),
        ("w", "female"),
        ("male", "male"),
        ("M", "male"),
        ("man", "male"),
        ("other", "other"),
        ("X", "other"),
        ("non-binary", "other"),
        ("nonbinary", "other"),
        ("Diverse", "other"),
        ("d", "other"),
    ],
)
def test_gender_spellings(tmp_path: Path, census_lines: list[str], spelling: str, gender: str) -> None:
    table = read_census(write(tmp_path, edit(census_lines, 10, "other", spelling)))
    assert table["gender"].iloc[8] == gender


@pytest.mark.parametrize(
    ("spelling", "minority"),
    [("1", True), ("0", False), ("true", True), ("FALSE", False), ("Yes", True), ("no", False), ("y", True), ("N", False)],
)
def test_minority_spellings(tmp_path: Path, census_lines: list[str], spelling: str, minority: bool) -> None:
    table = read_census(write(tmp_path, edit(census_lines, 2, ",yes,", f",{spelling},")))
    assert table["minority"].iloc[0] is np.bool_(minority)


def test_birth_year_becomes_age_in_the_start_year(tmp_path: Path, census_lines: list[str]) -> None:
    years = [1990, 1985, 1980, 1975, 1970, 1965, 1960, 1962, 1964, 1995]
    path = write(tmp_path, with_column(census_lines, "birth_year", [str(y) for y in years]))
    table = read_census(path, start_year=2030)
    assert "birth_year" not in table.columns
    np.testing.assert_array_equal(table["age"], [2030 - y + 0.5 for y in years])
    np.testing.assert_array_equal(read_census(path, start_year=2026)["age"], [2026 - y + 0.5 for y in years])


def test_birth_years_without_start_year_are_only_checked_to_be_plausible(tmp_path: Path, census_lines: list[str]) -> None:
    # born 2016 with 0.5 years of tenure: fine for a simulation starting in 2035, too young in 2026
    years = ["2016", "1985", "1980", "1975", "1970", "1965", "1960", "1962", "1964", "1995"]
    path = write(tmp_path, edit(with_column(census_lines, "birth_year", years), 2, ",1.5,", ",0.5,"))
    assert len(read_census(path)) == 10
    assert read_census(path, start_year=2035)["age"].iloc[0] == 19.5
    with pytest.raises(DataError, match=r"column 'birth_year' \(line 2\): impossible birth year for start year 2026.*2016"):
        read_census(path, start_year=2026)
    with pytest.raises(DataError, match=r"column 'birth_year' \(line 3\): impossible birth year; allowed 1900-2100 \(got 1885\)"):
        read_census(write(tmp_path, edit(with_column(census_lines, "birth_year", years), 3, "1985", "1885")))


def test_empty_skill_cells_and_short_rows_are_nan(tmp_path: Path, census_lines: list[str]) -> None:
    lines = edit(census_lines, 4, "A03,33,professional,IT,6,female,no,,0.45", "A03,33,professional,IT,6,female,no")
    table = read_census(write(tmp_path, lines))
    assert np.isnan(table["skill_digital"].iloc[2]) and np.isnan(table["skill_business"].iloc[2])
    assert table["skill_digital"].iloc[1] == 0.75


def test_blank_lines_are_skipped(tmp_path: Path, census_lines: list[str]) -> None:
    lines = [*census_lines[:3], "", *census_lines[3:], "", ""]
    assert read_census(write(tmp_path, lines))["id"].tolist() == [f"A{i:02d}" for i in range(1, 11)]


# --------------------------------------------------------------------------- errors

ERRORS: list[tuple[str, int, str, str, str, str]] = [
    # id, file line, old text, new text, column named, where and what the message shows
    ("age-too-high", 3, "A02,29,", "A02,212,", "age", "(line 3): impossible age; allowed 16-100 (got 212)"),
    ("age-too-low", 6, "A05,45,", "A05,3,", "age", "(line 6): impossible age; allowed 16-100 (got 3)"),
    ("age-not-a-number", 4, "A03,33,", "A03,thirty,", "age", "(line 4): not a number (got 'thirty')"),
    ("age-empty", 4, "A03,33,", "A03,,", "age", "(line 4): not a number (got '')"),
    ("empty-id", 5, "A04,", ",", "id", "(line 5): empty id"),
    ("duplicate-id", 11, "A10,", "A03,", "id", "(lines 4, 11): duplicate ids (got 'A03', 'A03')"),
    ("unknown-level", 7, "manager", "boss", "level", "(line 7): unknown level; allowed junior, professional, manager"),
    ("level-code-too-high", 7, "manager", "5", "level", "(line 7): unknown level; allowed junior, professional, manager"),
    ("empty-department", 8, "Sales", "", "department", "(line 8): empty department"),
    ("negative-tenure", 4, ",6,", ",-1,", "tenure", "(line 4): negative tenure; allowed >= 0 (got -1)"),
    ("tenure-too-long", 2, ",1.5,", ",10.5,", "tenure", "(line 2): tenure longer than the working life since age 14 (got 10.5)"),
    ("tenure-not-a-number", 2, ",1.5,", ",long,", "tenure", "(line 2): not a number (got 'long')"),
    ("unknown-gender", 8, "female", "robot", "gender", "(line 8): unknown gender; allowed female/f/woman"),
    (
        "bad-minority",
        9,
        ",no,",
        ",maybe,",
        "minority",
        "(line 9): not a yes/no value; allowed 1/0, true/false, yes/no, y/n (got 'maybe')",
    ),
    ("skill-above-1", 10, ",0.3,", ",1.3,", "skill_digital", "(line 10): skill outside [0, 1] (got 1.3)"),
    ("skill-negative", 3, ",0.30", ",-0.2", "skill_business", "(line 3): skill outside [0, 1] (got -0.2)"),
    ("skill-not-a-number", 3, ",0.30", ",high", "skill_business", "(line 3): not a number (leave empty if unknown) (got 'high')"),
    ("missing-column", 1, ",gender,", ",sex,", "gender", "(line 1): required column missing from the header"),
    ("unknown-skill", 1, "skill_business", "skill_cooking", "skill_cooking", "(line 1): unknown skill column; skill columns are"),
    ("duplicate-column", 1, "skill_business", "tenure", "tenure", "(line 1): the column appears more than once in the header"),
]


@pytest.mark.parametrize(("line", "old", "new", "column", "shown"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_name_the_column_and_the_lines(
    tmp_path: Path, census_lines: list[str], line: int, old: str, new: str, column: str, shown: str
) -> None:
    path = write(tmp_path, edit(census_lines, line, old, new))
    with pytest.raises(DataError) as caught:
        read_census(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: column '{column}' {shown}")
    assert caught.value.column == column
    assert caught.value.rows == [int(n) for n in shown.split(")")[0].removeprefix("(lines ").removeprefix("(line ").split(", ")]


def test_many_bad_rows_are_summarised(tmp_path: Path, census_lines: list[str]) -> None:
    lines = [census_lines[0], *(line.replace(",yes,", ",?,").replace(",no,", ",?,") for line in census_lines[1:])]
    with pytest.raises(DataError, match=r"column 'minority' \(lines 2, 3, 4, 5, 6 and 5 more\): .*\(got '\?', '\?', '\?'\)$"):
        read_census(write(tmp_path, lines))


def test_no_age_or_birth_year(tmp_path: Path, census_lines: list[str]) -> None:
    path = write(tmp_path, with_column(census_lines, "years", ["1"] * 10))
    with pytest.raises(DataError, match=r"column 'age or birth_year' \(line 1\): required column missing"):
        read_census(path)


def test_line_numbers_count_blank_lines_and_multiline_cells(tmp_path: Path, census_lines: list[str]) -> None:
    # line 4 is blank; A04's department spans lines 6 and 7; A05 (unknown gender) is on line 8
    a04 = census_lines[4].replace(",IT,", ',"I\nT",')
    lines = [*census_lines[:3], "", census_lines[3], a04, census_lines[5].replace("female", "robot")]
    with pytest.raises(DataError) as caught:
        read_census(write(tmp_path, lines))
    assert caught.value.rows == [8]
    assert "(line 8)" in str(caught.value)


def test_too_many_cells(tmp_path: Path, census_lines: list[str]) -> None:
    with pytest.raises(DataError, match=r"people\.csv \(line 2\): more cells than the 9 columns of the header$"):
        read_census(write(tmp_path, edit(census_lines, 2, "0.82,", "0.82,,extra")))
    # trailing empty cells (a trailing comma) are harmless
    assert len(read_census(write(tmp_path, edit(census_lines, 2, "0.82,", "0.82,,")))) == 10


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", ": the file is empty; it needs a header row and one row per employee"),
        ("\n \n", ": the file is empty; it needs a header row and one row per employee"),
        ("id,age,level,department,tenure,gender,minority\n", " (line 1): the file has a header but no data rows"),
        ("\nid,age,level,department,tenure,gender,minority\n\n", " (line 2): the file has a header but no data rows"),
    ],
    ids=["empty", "blank", "header-only", "header-after-blank-line"],
)
def test_empty_files(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(content)
    with pytest.raises(DataError) as caught:
        read_census(path)
    assert str(caught.value) == f"{path}{problem}"
    assert caught.value.column is None


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nobody\.csv: no such file; organisation\.census must name an existing CSV file$"):
        read_census(tmp_path / "nobody.csv")


def test_not_utf8(tmp_path: Path, census_lines: list[str]) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("\n".join(census_lines).replace("Sales", "Vertrieb ÄÖ").encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1\.csv: not a readable UTF-8 CSV file"):
        read_census(path)


# --------------------------------------------------------------------------- organisations and models


def test_organisation_from_census(census_example: Path) -> None:
    organisation = Organisation.from_census(census_example, interests=4)
    raw = pd.read_csv(census_example)
    assert organisation.size == len(raw) == 300
    assert organisation.departments == raw["department"].nunique() == 6
    assert organisation.interests == 4
    assert organisation.census == str(census_example)
    assert organisation.census_sha256 == hashlib.sha256(census_example.read_bytes()).hexdigest()


def test_organisation_from_bad_census_raises_data_error(tmp_path: Path, census_lines: list[str]) -> None:
    path = write(tmp_path, edit(census_lines, 3, "A02,29,", "A02,212,"))
    with pytest.raises(DataError, match=r"column 'age' \(line 3\)"):
        Organisation.from_census(path)


def _initial_employees(result: rmsim.RunResult, census: pd.DataFrame) -> pd.DataFrame:
    employees = result.employees[result.employees["initial"]]
    assert len(employees) == len(census)
    merged = census.merge(employees, left_on="id", right_on="external_id", how="left", validate="one_to_one")
    assert merged["employee_id"].notna().all()
    return merged


def test_model_starts_with_the_census_people(tmp_path: Path, census_lines: list[str]) -> None:
    path = write(tmp_path, census_lines)
    census = read_census(path)
    result = rmsim.run(Scenario(weeks=1, organisation=Organisation.from_census(path)), seed=11)
    merged = _initial_employees(result, census)
    np.testing.assert_allclose(merged["age_start"], merged["age"])
    assert merged["level_start"].astype(str).tolist() == [LEVELS[code] for code in merged["level_x"]]
    assert merged["department_x"].tolist() == merged["department_y"].astype(str).tolist()
    assert merged["gender_x"].tolist() == merged["gender_y"].astype(str).tolist()
    assert merged["minority_x"].tolist() == merged["minority_y"].tolist()
    for domain in ("digital", "business"):
        given = merged[f"skill_{domain}"].notna()
        np.testing.assert_allclose(merged.loc[given, f"skill_{domain}_start"], merged.loc[given, f"skill_{domain}"])
        assert merged[f"skill_{domain}_start"].between(0, 1).all()  # empty cells were drawn


def test_model_from_the_example_census_uses_birth_years(census_example: Path) -> None:
    census = read_census(census_example, start_year=2026)
    result = rmsim.run(Scenario(weeks=1, organisation=Organisation.from_census(census_example)), seed=2)
    merged = _initial_employees(result, census)
    np.testing.assert_allclose(merged["age_start"], merged["age"])
    assert merged["level_start"].astype(str).tolist() == [LEVELS[code] for code in merged["level_x"]]
    assert merged["department_x"].tolist() == merged["department_y"].astype(str).tolist()
    assert set(result.employees["department"].cat.categories) == set(census["department"])


# --------------------------------------------------------------------------- a census and the other organisation fields


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid census of ``conftest`` (10 rows, departments IT and Sales), written once for the module."""
    from conftest import CENSUS_LINES

    return write(tmp_path_factory.mktemp("census"), list(CENSUS_LINES))


def _config_error(caught: pytest.ExceptionInfo[BaseException], field: str, *needles: str) -> None:
    """The error is a ConfigError naming ``field`` at the start of its one-line message, which holds every needle."""
    assert isinstance(caught.value, ConfigError)
    message = str(caught.value)
    assert caught.value.field == field and message.startswith(f"{field} = ") and "\n" not in message
    for needle in needles:
        assert needle in message, (needle, message)


@pytest.mark.parametrize("make", ["from_census", "from_dict"])
def test_missing_census_file_is_a_config_error_naming_the_field_and_path(tmp_path: Path, make: str) -> None:
    path = tmp_path / "nobody.csv"
    with pytest.raises(ConfigError) as caught:
        if make == "from_census":
            Organisation.from_census(path)
        else:
            Scenario.from_dict({"organisation": {"census": str(path)}})
    _config_error(caught, "organisation.census", "nobody.csv", "no such file")


def test_census_that_is_a_folder_or_not_text_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        Organisation(census=str(tmp_path))
    _config_error(caught, "organisation.census", tmp_path.name, "is a folder")
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"organisation": {"census": 5}})
    _config_error(caught, "organisation.census", "5", "string")


def test_census_path_may_be_a_path_object(people: Path) -> None:
    assert Organisation(census=people).census == str(people)


def test_census_moved_after_validation_is_a_config_error_when_the_model_is_built(tmp_path: Path, census_lines: list[str]) -> None:
    path = write(tmp_path, census_lines)
    scenario = Scenario(weeks=1, organisation=Organisation.from_census(path))
    path.rename(tmp_path / "elsewhere.csv")
    with pytest.raises(ConfigError) as caught:
        rmsim.ReverseMentoringModel(scenario, seed=1)
    _config_error(caught, "organisation.census", "people.csv", "no such file", "after the scenario was validated")


def test_census_changed_after_validation_is_a_config_error_when_the_model_is_built(
    tmp_path: Path, census_lines: list[str]
) -> None:
    path = write(tmp_path, census_lines)
    scenario = Scenario(weeks=1, organisation=Organisation.from_census(path))
    write(tmp_path, census_lines[:-1])
    with pytest.raises(ConfigError) as caught:
        rmsim.ReverseMentoringModel(scenario, seed=1)
    _config_error(caught, "organisation.census", "people.csv", "changed after the scenario was validated")


def test_unreadable_census_is_a_data_error(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(DataError, match=r"people\.csv: cannot read the file \(Permission denied\)$"):
        read_census(people)


@settings(max_examples=30, deadline=None)
@given(departments=st.integers(min_value=1, max_value=10_000))
def test_departments_must_match_the_census(people: Path, departments: int) -> None:
    data = {"organisation": {"census": str(people), "departments": departments}}
    if departments == 2:
        assert Scenario.from_dict(data).organisation.departments == 2
        return
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict(data)
    _config_error(caught, "organisation.departments", f"= {departments}:", "2 departments", "leave departments out")


@settings(max_examples=30, deadline=None)
@given(size=st.integers(min_value=2, max_value=10_000_000))
def test_size_must_match_the_census(people: Path, size: int) -> None:
    data = {"organisation": {"census": str(people), "size": size}}
    if size == 10:
        assert Scenario.from_dict(data).organisation.size == 10
        return
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict(data)
    _config_error(caught, "organisation.size", f"= {size}:", "10 rows", "leave size out")


def test_departments_changed_on_a_loaded_census_scenario_are_rejected(people: Path) -> None:
    scenario = Scenario.from_dict({"organisation": {"census": str(people)}})
    assert scenario.organisation.census_sha256 is not None  # so the organisation does not read the file again
    with pytest.raises(ConfigError) as caught:
        scenario.with_overrides({"organisation.departments": 7})
    _config_error(caught, "organisation.departments", "= 7:", "2 departments")
    assert scenario.with_overrides({"organisation.departments": 2}) == scenario


@pytest.mark.parametrize(
    ("value", "shown"),
    [("ten", "'ten'"), (None, "None"), ([10], "[10]"), (True, "True"), (10.5, "10.5")],
    ids=["text", "none", "list", "bool", "fraction"],
)
def test_invalid_size_with_a_census_is_a_config_error(people: Path, value: object, shown: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"organisation": {"census": str(people), "size": value}})
    _config_error(caught, "organisation.size", f"= {shown}:")
    with pytest.raises(ConfigError) as caught:
        Organisation.from_census(people, departments=value)
    _config_error(caught, "departments", f"= {shown}:")


def test_size_written_as_text_with_a_census_is_read_as_a_number(people: Path) -> None:
    assert Scenario.from_dict({"organisation": {"census": str(people), "size": "10"}}).organisation.size == 10


REPLACED: dict[str, object] = {
    "level_mix": {"junior": 1.0},
    "age_mix": {"18-24": 1.0},
    "generation_mix": {"millennial": 1.0},
    "seniority_noise_years": 0.0,
    "tenure_median_25_34": 3.0,
    "tenure_median_55_64": 10,
}


def test_every_field_a_census_replaces_is_listed() -> None:
    assert set(REPLACED) == set(CENSUS_REPLACES)


@pytest.mark.parametrize("name", CENSUS_REPLACES)
def test_fields_a_census_replaces_are_rejected_with_a_census(people: Path, name: str) -> None:
    value = REPLACED[name]
    with pytest.raises(ConfigError) as caught:
        Scenario.from_dict({"organisation": {"census": str(people), name: value}})
    _config_error(caught, f"organisation.{name}", f"= {value!r}:", "not used with a census", "leave it out")
    with pytest.raises(ConfigError) as caught:
        Organisation.from_census(people, **{name: value})
    _config_error(caught, f"organisation.{name}", f"= {value!r}:")
    # the default value, as written by to_dict, is fine
    default = Organisation.model_fields[name].get_default(call_default_factory=True)
    assert Organisation.from_census(people, **{name: default}).size == 10


def test_a_new_census_replaces_the_synthetic_description(people: Path) -> None:
    synthetic = Scenario().with_overrides({"organisation.level_mix": {"junior": 1.0}, "organisation.seniority_noise_years": 0})
    with_census = synthetic.with_overrides({"organisation.census": str(people)})
    assert with_census.organisation == Organisation.from_census(people)
    with pytest.raises(ConfigError) as caught:  # unless the same change sets it again
        synthetic.with_overrides({"organisation.census": str(people), "organisation.level_mix": {"junior": 1.0}})
    _config_error(caught, "organisation.level_mix", "not used with a census")


def test_a_census_scenario_round_trips(people: Path) -> None:
    scenario = Scenario.from_dict({"organisation": {"census": str(people)}})
    assert Scenario.from_dict(scenario.to_dict()) == scenario


def test_initial_tenure_is_the_census_tenure(people: Path) -> None:
    organisation = Organisation.from_census(people)
    initial = InitialWorkforce(organisation, 2026, np.random.default_rng(1))
    np.testing.assert_array_equal(initial.tenure, read_census(people)["tenure"].to_numpy())
    assert np.all(initial.level_tenure <= initial.tenure)
