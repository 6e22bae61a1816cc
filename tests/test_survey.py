"""Surveys: instruments, the virtual survey and its measurement model, reading survey files, scoring and reliability."""

from __future__ import annotations

import copy
import importlib.util
import io
import statistics
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import rmsim
from rmsim import ConfigError, DataError, ReverseMentoringModel
from rmsim.datasets import SURVEY_EXAMPLE, load_survey_example
from rmsim.survey import (
    INSTRUMENTS_FOLDER,
    LATENT_STATES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SURVEY_SCHEMA,
    Instrument,
    administer_survey,
    available_instruments,
    cronbach_alpha,
    item_rest_correlations,
    latent_states,
    load_instrument,
    measure,
    read_survey,
    reliability,
    reverse_key,
    score_scales,
    simulate_survey,
    survey_rng,
)

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_YAML = INSTRUMENTS_FOLDER / "reverse_mentoring.yaml"
ALL_RESPONDENT_SCALES = ("engagement", "turnover_intention", "inclusion", "digital_confidence")


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument("reverse_mentoring")


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    """Two waves of a 900-person organisation, the second after the first cohort finished, with the latent states."""
    return simulate_survey(seed=11, employees=900, weeks=30, waves=[0, 30], include_latent=True)


# --------------------------------------------------------------------------- instruments


def test_default_instrument(instrument: Instrument) -> None:
    assert "reverse_mentoring" in available_instruments()
    assert instrument.name == DEFAULT_YAML.stem
    assert load_instrument(DEFAULT_YAML) == instrument
    assert load_instrument(instrument) is instrument
    sizes = {scale.name: len(scale.items) for scale in instrument.scales}
    assert sizes == {
        "mentoring_career": 3,
        "mentoring_psychosocial": 3,
        "mentoring_role_model": 3,
        "engagement": 9,
        "turnover_intention": 6,
        "inclusion": 5,
        "digital_confidence": 5,
    }
    participants = {scale.name for scale in instrument.scales if scale.respondents == "participants"}
    assert participants == {"mentoring_career", "mentoring_psychosocial", "mentoring_role_model"}
    assert set(instrument.reverse_items) == {"tin4", "tin5", "inc5", "dig4"}
    assert len(instrument.item_ids) == len(set(instrument.item_ids)) == 34
    assert all(scale.measures in LATENT_STATES for scale in instrument.scales)
    assert all(scale.modelled_on and scale.concept for scale in instrument.scales)
    texts = [item.text for scale in instrument.scales for item in scale.items]
    assert len(set(texts)) == len(texts)
    assert [scale.required_items for scale in instrument.scales] == [2, 2, 2, 5, 3, 3, 3]
    np.testing.assert_array_equal(instrument.cut_points(), [-1.5, -0.5, 0.5, 1.5])
    codebook = instrument.codebook()
    assert codebook["item"].tolist() == list(instrument.item_ids)
    assert codebook.loc[codebook["item"] == "tin4", "reverse"].item()


def _default_data() -> dict:
    return yaml.safe_load(DEFAULT_YAML.read_text(encoding="utf-8"))


def _edited(path: list, value: object) -> dict:
    data = copy.deepcopy(_default_data())
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        (["scales", 1, "items", 0, "id"], "car1", "scales.1.items.0.id", "already an item of scale 'mentoring_career'"),
        (["scales", 0, "items", 0, "id"], "Car 1", "scales.0.items.0.id", "lower-case letters"),
        (["scales", 0, "items", 0, "id"], "wave", "scales.0.items.0.id", "survey-schema column"),
        (["scales", 0, "measures"], "happiness", "scales.0.measures", "unknown latent state"),
        (["scales", 0, "respondents"], "everyone", "scales.0.respondents", "'all' or 'participants'"),
        (["scales", 0, "min_items"], 4, "scales.0.min_items", "more than the scale's 3 items"),
        (["scales", 0, "colour"], "red", "scales.0.colour", "unknown field"),
        (["scales", 3, "name"], "mentoring_career", "scales.3.name", "names must be unique"),
        (["scales", 0, "items"], [], "scales.0.items", "at least 1 item"),
        (["response_scale", "max"], 1, "response_scale.max", "greater than min"),
        (["response_scale", "labels", 7], "Very strongly agree", "response_scale.labels", "outside 1-5"),
        (["measurement", "thresholds"], [-1, 0, 1], "measurement.thresholds", "give 4 cut points"),
        (["measurement", "thresholds"], [0, -1, 1, 2], "measurement.thresholds", "strictly increasing"),
        (["measurement", "noise_sd"], 0, "measurement.noise_sd", "greater than 0"),
        (["scales", 3, "items", 0, "loading"], True, "scales.3.items.0.loading", "not true/false"),
        (["version"], _DELETE, "version", "required"),
    ],
)
def test_invalid_instrument(tmp_path: Path, path: list, value: object, field: str, words: str) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text(yaml.safe_dump(_edited(path, value), sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_instrument(file)
    assert caught.value.field == f"broken.yaml: {field}"
    assert str(caught.value).startswith(f"broken.yaml: {field} = ")
    assert words in str(caught.value)


def test_instrument_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscales: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid YAML \(line \d+"):
        load_instrument(bad)
    with pytest.raises(ConfigError, match=r"no such instrument in data/instruments \(available: .*reverse_mentoring"):
        load_instrument("no_such_questionnaire")
    with pytest.raises(ConfigError, match="no such file"):
        load_instrument(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="instrument name is lower-case"):
        load_instrument("Not A Name")
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        load_instrument(listed)


# --------------------------------------------------------------------------- virtual survey


def test_simulated_survey_follows_the_schema(simulated: pd.DataFrame, instrument: Instrument) -> None:
    schema = [c.name for c in SURVEY_SCHEMA if c.name != "responded"]
    latent = [f"true_{state}" for state in instrument.states]
    assert list(simulated.columns) == schema + list(instrument.item_ids) + latent
    assert REQUIRED_COLUMNS == ("respondent_id", "wave")
    assert set(OPTIONAL_COLUMNS) == {c.name for c in SURVEY_SCHEMA} - set(REQUIRED_COLUMNS)
    assert simulated["respondent_id"].dtype == np.int64
    assert simulated["wave"].dtype == np.int64
    assert str(simulated["week"].dtype) == "Int64"
    assert simulated["role"].cat.categories.tolist() == ["none", "mentor", "mentee"]
    assert simulated["level"].cat.ordered and simulated["age_band"].cat.ordered
    assert str(simulated["participant"].dtype) == "boolean" and str(simulated["minority"].dtype) == "boolean"
    assert all(str(simulated[item].dtype) == "Int64" for item in instrument.item_ids)
    assert not simulated.duplicated(["respondent_id", "wave"]).any()
    assert simulated.groupby("wave")["week"].unique().map(list).to_dict() == {0: [0], 1: [30]}
    answers = simulated[list(instrument.item_ids)]
    assert ((answers >= 1) & (answers <= 5)).fillna(True).all().all()
    assert (simulated["participant"] == (simulated["role"] != "none")).all()
    mentoring = [item for scale in instrument.scales if scale.respondents == "participants" for item in scale.item_ids]
    others = [item for item in instrument.item_ids if item not in mentoring]
    first, second = simulated[simulated["wave"] == 0], simulated[simulated["wave"] == 1]
    assert not first["participant"].any() and first[mentoring].isna().all().all()
    assert second["participant"].sum() > 40  # the first cohort (40 pairs by default) has run
    assert second.loc[second["participant"], mentoring].notna().all().all()
    assert second.loc[~second["participant"], mentoring].isna().all().all()
    assert simulated[others].notna().all().all()  # full response by default
    # everyone employed at a wave answers it, once
    model = ReverseMentoringModel(seed=11, employees=900, weeks=30)
    assert first["respondent_id"].tolist() == sorted(model.workforce.employee.tolist())


def test_scale_scores_rise_with_the_latent_state(simulated: pd.DataFrame, instrument: Instrument) -> None:
    scores = score_scales(simulated, instrument)
    for scale in instrument.scales:
        state = simulated[f"true_{scale.measures}"]
        known = scores[scale.name].notna()
        assert known.sum() > (30 if scale.respondents == "participants" else 1500)
        assert np.corrcoef(scores.loc[known, scale.name], state[known])[0, 1] > 0.5, scale.name
        if scale.respondents == "all":
            quintile = pd.qcut(state, 5, labels=False)
            means = scores[scale.name].groupby(quintile).mean()
            assert means.is_monotonic_increasing and means.diff().dropna().gt(0.1).all(), scale.name


def test_reverse_keyed_items(simulated: pd.DataFrame, instrument: Instrument) -> None:
    keyed = reverse_key(simulated, instrument)
    for scale in instrument.scales:
        state = simulated[f"true_{scale.measures}"]
        for item in scale.items:
            raw = np.corrcoef(simulated[item.id].astype(float), state)[0, 1] if scale.respondents == "all" else None
            if raw is None:
                continue
            if item.reverse:
                assert raw < -0.4, item.id
                assert np.corrcoef(keyed[item.id].astype(float), state)[0, 1] == pytest.approx(-raw)
                np.testing.assert_array_equal(keyed[item.id], 6 - simulated[item.id])
            else:
                assert raw > 0.4, item.id
                pd.testing.assert_series_equal(keyed[item.id], simulated[item.id])


def test_same_seed_same_answers() -> None:
    a = simulate_survey(seed=4, employees=300, weeks=12, waves=[0, 12], response_rate=0.7, item_nonresponse=0.05)
    b = simulate_survey(seed=4, employees=300, weeks=12, waves=[0, 12], response_rate=0.7, item_nonresponse=0.05)
    pd.testing.assert_frame_equal(a, b)
    c = simulate_survey(seed=4, employees=300, weeks=12, waves=[0, 12], survey_seed=99)
    d = simulate_survey(seed=4, employees=300, weeks=12, waves=[0, 12])
    pd.testing.assert_frame_equal(c.loc[:, :"department"], d.loc[:, :"department"])  # same people
    assert not c["eng1"].equals(d["eng1"])  # other answers


def _frames(result: rmsim.RunResult) -> dict[str, pd.DataFrame]:
    return {"timeseries": result.timeseries, "employees": result.employees, "pairs": result.pairs, "events": result.events}


def test_survey_does_not_change_the_simulation() -> None:
    surveyed = ReverseMentoringModel(seed=5, employees=300, weeks=40)
    table = simulate_survey(surveyed, waves=[0, 3, 20, 27], response_rate=0.5, nonresponse_engagement=1.0, item_nonresponse=0.1)
    assert surveyed.week == 27 and set(table["wave"]) == {0, 1, 2, 3}
    administer_survey(surveyed, wave=9)
    surveyed.run_model()
    plain = rmsim.run(seed=5, employees=300, weeks=40)
    for name, frame in _frames(surveyed.result()).items():
        pd.testing.assert_frame_equal(frame, _frames(plain)[name], obj=name)


def test_response_rate_keeps_the_answers() -> None:
    full = simulate_survey(seed=8, employees=800, weeks=1, waves=[0])
    part = simulate_survey(seed=8, employees=800, weeks=1, waves=[0], response_rate=0.6)
    assert len(part) / len(full) == pytest.approx(0.6, abs=0.05)
    same = full.set_index("respondent_id").loc[part["respondent_id"]].reset_index()
    pd.testing.assert_frame_equal(part, same)  # respondents answer as they would at any response rate
    kept = simulate_survey(seed=8, employees=800, weeks=1, waves=[0], response_rate=0.6, keep_nonrespondents=True)
    assert len(kept) == len(full) and kept["responded"].sum() == len(part)
    assert kept.loc[~kept["responded"], list(load_instrument().item_ids)].isna().all().all()


def test_nonresponse_can_depend_on_engagement() -> None:
    kept = simulate_survey(
        seed=8, employees=2000, weeks=1, waves=[0], response_rate=0.6, nonresponse_engagement=1.0, keep_nonrespondents=True,
        include_latent=True,
    )  # fmt: skip
    by_response = kept.groupby("responded")["true_engagement"].mean()
    assert by_response[True] - by_response[False] > 0.08  # about 0.15 engagement sd ~ 1 sd of log-odds
    assert kept["responded"].mean() == pytest.approx(0.6, abs=0.05)


def test_item_nonresponse() -> None:
    table = simulate_survey(seed=2, employees=800, weeks=1, waves=[0], item_nonresponse=0.1)
    items = [*load_instrument().scale("engagement").item_ids, *load_instrument().scale("inclusion").item_ids]
    assert table[items].isna().to_numpy().mean() == pytest.approx(0.1, abs=0.015)


def test_latent_states_of_a_model() -> None:
    model = ReverseMentoringModel(seed=3, employees=400, weeks=30)
    for _ in range(10):
        model.step()
    states = latent_states(model)
    assert len(states) == model.workforce.headcount
    assert set(LATENT_STATES) <= set(states.columns)
    paired = set(model.pairs.mentor[: model.pairs.size]) | set(model.pairs.mentee[: model.pairs.size])
    assert set(states.loc[states["participant"], "respondent_id"]) == paired & set(states["respondent_id"])
    mentors = set(model.pairs.mentor[: model.pairs.size])
    assert (states.loc[states["role"] == "mentor", "respondent_id"].isin(mentors)).all()
    assert states.loc[~states["participant"], "pair_quality"].isna().all()
    assert states.loc[states["participant"], "pair_quality"].between(0, 1).all()
    expected = 1 - (2 * states["engagement"] + states["inclusion"]) / 3  # defaults: effects -2 and -1
    np.testing.assert_allclose(states["turnover_intention"], expected)
    assert states[list(LATENT_STATES)].drop(columns="pair_quality").apply(lambda c: c.between(0, 1).all()).all()


def test_survey_arguments_are_checked() -> None:
    for waves in ([], [10, 5], [0, 99], [True], "0,10", [0.5]):
        with pytest.raises(ConfigError, match="waves"):
            simulate_survey(seed=1, employees=50, weeks=20, waves=waves)
    model = ReverseMentoringModel(seed=1, employees=50, weeks=20)
    with pytest.raises(ConfigError, match=r"^seed = 2: not allowed with a model"):
        simulate_survey(model, seed=2)
    for name, value in (("response_rate", 0.0), ("response_rate", 1.5), ("item_nonresponse", 1.0)):
        with pytest.raises(ConfigError, match=f"^{name} = "):
            simulate_survey(model, waves=[0], **{name: value})
    with pytest.raises(ConfigError, match=r"states = \['sponsorship'"):
        measure(pd.DataFrame({"engagement": [0.5]}), rng=np.random.default_rng(0))
    with pytest.raises(ConfigError, match=r"states\.engagement = 1\.5"):
        measure(pd.DataFrame({"engagement": [1.5]}), _one_scale_instrument(1, 5, [False]), rng=np.random.default_rng(0))
    assert model.week == 0  # nothing ran


def _one_scale_instrument(low: int, high: int, reverse: list[bool], loading: float = 1.0, noise: float = 0.8) -> Instrument:
    return Instrument(
        name="probe",
        version="0",
        response_scale={"min": low, "max": high},
        measurement={"noise_sd": noise},
        scales=[
            {
                "name": "probe",
                "concept": "a test",
                "modelled_on": "nothing",
                "measures": "engagement",
                "items": [{"id": f"p{i}", "text": "x", "reverse": r, "loading": loading} for i, r in enumerate(reverse)],
            }
        ],
    )


@settings(max_examples=60, deadline=None)
@given(
    low=st.integers(-3, 3),
    points=st.integers(2, 11),
    reverse=st.lists(st.booleans(), min_size=1, max_size=4),
    loading=st.floats(0.05, 10),
    noise=st.floats(0.01, 10),
    states=st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), min_size=1, max_size=40),
    seed=st.integers(0, 2**32),
    rate=st.floats(0.01, 1),
)
def test_answers_always_lie_in_the_response_range(
    low: int, points: int, reverse: list[bool], loading: float, noise: float, states: list[float], seed: int, rate: float
) -> None:
    inst = _one_scale_instrument(low, low + points - 1, reverse, loading, noise)
    answers = measure(pd.DataFrame({"engagement": states}), inst, rng=np.random.default_rng(seed), response_rate=rate)
    values = answers[list(inst.item_ids)]
    assert ((values >= low) & (values <= low + points - 1)).fillna(True).all().all()
    missing_state = np.isnan(np.array(states))
    assert values[missing_state].isna().all().all()
    assert values[~missing_state & answers["responded"].to_numpy(dtype=bool)].notna().all().all()


def test_measurement_model_thresholds() -> None:
    """An anchor state with tiny noise answers the middle category; one spread above, the next one up."""
    inst = _one_scale_instrument(1, 5, [False, True], noise=0.01)
    scale = inst.scales[0]
    states = pd.DataFrame({"engagement": [scale.anchor, scale.anchor + scale.spread, scale.anchor - 2 * scale.spread]})
    answers = measure(states, inst, rng=np.random.default_rng(1))
    assert answers["p0"].tolist() == [3, 4, 1]
    assert answers["p1"].tolist() == [3, 2, 5]


# --------------------------------------------------------------------------- observed surveys


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return simulate_survey(
        seed=6, employees=150, weeks=30, waves=[0, 30], response_rate=0.8, item_nonresponse=0.05,
        keep_nonrespondents=True, include_latent=True,
    )  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", "frame"])
def test_round_trip(tmp_path: Path, small: pd.DataFrame, suffix: str) -> None:
    if suffix == "frame":
        source: Path | pd.DataFrame = small.copy()
    else:
        source = tmp_path / f"survey{suffix}"
        {".csv": lambda p: small.to_csv(p, index=False), ".xlsx": lambda p: small.to_excel(p, index=False)}.get(
            suffix, small.to_parquet
        )(source)
    back = read_survey(source)
    pd.testing.assert_frame_equal(back, small, check_exact=suffix not in (".csv", ".xlsx"), rtol=1e-12)


def test_example_file(instrument: Instrument) -> None:
    assert "synthetic" in SURVEY_EXAMPLE.name and "SYNTHETIC" in (load_survey_example.__doc__ or "")
    assert "SYNTHETIC" in (REPOSITORY / "data" / "examples" / "README.md").read_text(encoding="utf-8")
    survey = load_survey_example()
    assert len(survey) == 896 and survey["respondent_id"].nunique() == 609
    assert list(survey.columns) == [c.name for c in SURVEY_SCHEMA if c.name != "responded"] + list(instrument.item_ids)
    assert survey["respondent_id"].str.fullmatch(r"E\d{4}").all()
    table = reliability(survey, instrument, by="wave")
    everyone = table[table["scale"].isin(ALL_RESPONDENT_SCALES)]
    assert (everyone["alpha"] > 0.75).all() and (everyone["ci_low"] < everyone["alpha"]).all()
    assert table.loc[(table["wave"] == 0) & table["scale"].str.startswith("mentoring"), "n"].eq(0).all()
    scores = survey.join(score_scales(survey, instrument))
    second = scores[scores["wave"] == 1]
    career = second.groupby("role", observed=True)["mentoring_career"].mean()
    assert career["mentor"] > career["mentee"]  # reverse mentors gain career support, in the generator too


def test_example_file_is_reproducible() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_survey_example", REPOSITORY / "data" / "examples" / "make_survey_example.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    buffer = io.StringIO()
    module.make_survey(np.random.default_rng(module.SEED)).to_csv(buffer, index=False, lineterminator="\n")
    assert buffer.getvalue() == SURVEY_EXAMPLE.read_text(encoding="utf-8").replace("\r\n", "\n")


# A valid survey: data row i is on line i + 1 of the file, the header on line 1.
def _valid_table() -> pd.DataFrame:
    items = load_instrument().item_ids
    rows = []
    for number, (respondent, wave, role) in enumerate(
        [("A1", 0, "none"), ("A2", 0, "none"), ("A1", 1, "mentor"), ("A3", 1, "none")]
    ):
        answers = {item: str(1 + (number + i) % 5) for i, item in enumerate(items)}
        if role == "none":
            answers |= {item: "" for item in items if item[:3] in ("car", "psy", "rol")}
        rows.append(
            {"respondent_id": respondent, "wave": str(wave), "week": str(52 * wave), "role": role,
             "participant": "yes" if role != "none" else "no", "level": "junior", "minority": "n", **answers}
        )  # fmt: skip
    return pd.DataFrame(rows, dtype=object)


def _csv(tmp_path: Path, table: pd.DataFrame, text: str | None = None) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(text if text is not None else table.to_csv(index=False), encoding="utf-8")
    return path


def _with(line: int, column: str, value: str) -> pd.DataFrame:
    """The valid table with ``value`` in ``column`` on file line ``line`` (header = line 1)."""
    table = _valid_table()
    table.loc[line - 2, column] = value
    return table


def test_valid_table_reads(tmp_path: Path) -> None:
    survey = read_survey(_csv(tmp_path, _valid_table()))
    assert survey["respondent_id"].tolist() == ["A1", "A2", "A1", "A3"]
    assert survey["participant"].tolist() == [False, False, True, False]
    assert survey["minority"].tolist() == [False] * 4 and survey["eng1"].tolist() == [5, 1, 2, 3]
    assert survey["car1"].isna().tolist() == [True, True, False, True]


@pytest.mark.parametrize(
    ("table", "column", "rows", "words"),
    [
        (_with(3, "eng4", "7"), "eng4", [3], ["answer out of range", "(got 7)", "whole numbers 1-5 (1 = Strongly disagree"]),
        (_with(4, "tin2", "0"), "tin2", [4], ["answer out of range", "(got 0)"]),
        (_with(2, "inc1", "agree"), "inc1", [2], ["text in an item column", "(got 'agree')", "whole numbers 1-5"]),
        (_with(5, "dig3", "3.5"), "dig3", [5], ["not a whole number", "(got 3.5)"]),
        (_with(3, "respondent_id", "A1"), "respondent_id", [2, 3], ["more than once in a wave", "'A1' in wave 0"]),
        (_with(3, "respondent_id", ""), "respondent_id", [3], ["empty cell"]),
        (_with(2, "wave", "first"), "wave", [2], ["not a number", "(got 'first')"]),
        (_with(5, "wave", "-1"), "wave", [5], ["not a whole number >= 0", "(got -1)"]),
        (_with(3, "level", "boss"), "level", [3], ["unknown value", "(got 'boss')", "junior, professional"]),
        (_with(3, "role", "buddy"), "role", [3], ["unknown value", "(got 'buddy')", "none, mentor, mentee"]),
        (_with(2, "minority", "maybe"), "minority", [2], ["not a yes/no value", "(got 'maybe')"]),
        (_with(4, "participant", "no"), "participant", [4], ["contradicts role", "(got 'participant false with role mentor')"]),
        (_with(2, "car2", "4"), "car2", [2], ["scale 'mentoring_career'", "participant = false", "(got 4)"]),
    ],
)
def test_bad_values(tmp_path: Path, table: pd.DataFrame, column: str, rows: list[int], words: list[str]) -> None:
    with pytest.raises(DataError) as caught:
        read_survey(_csv(tmp_path, table))
    error = caught.value
    assert error.column == column and error.rows == rows
    message = str(error)
    assert message.startswith(f"{tmp_path / 'survey.csv'}: column '{column}' (row")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        (lambda t: t.drop(columns="wave"), "wave", ["required column missing", "missing: wave"]),
        (lambda t: t.drop(columns=["eng3", "dig5"]), "eng3", ["missing: eng3, dig5", "instrument 'reverse_mentoring'"]),
        (lambda t: t.assign(eng10="3"), "eng10", ["looks like an item", "no such item"]),
        (lambda t: t.assign(Q7="3"), "q7", ["looks like an item"]),
        (lambda t: t.assign(ENG1="3"), "eng1", ["appears more than once"]),
    ],
)
def test_bad_columns(tmp_path: Path, change, column: str, words: list[str]) -> None:
    with pytest.raises(DataError) as caught:
        read_survey(_csv(tmp_path, change(_valid_table())))
    assert caught.value.column == column and caught.value.rows == [1]
    for word in words:
        assert word in str(caught.value)


def test_other_columns_are_kept(tmp_path: Path) -> None:
    survey = read_survey(_csv(tmp_path, _valid_table().assign(team=["x", "y", "", "z"], site2="B")))
    assert survey.columns[-2:].tolist() == ["team", "site2"]
    assert survey["team"].isna().tolist() == [False, False, True, False]


def test_file_level_errors(tmp_path: Path) -> None:
    text = _valid_table().to_csv(index=False)
    cases = {
        "": ("file is empty", []),
        text.splitlines()[0] + "\n": ("header but no data rows", [1]),
        text + "A9,0,0,none,no,junior,n" + ",3" * 40 + "\n": ("more cells than the", [6]),
    }
    for content, (words, rows) in cases.items():
        with pytest.raises(DataError, match=words) as caught:
            read_survey(_csv(tmp_path, _valid_table(), content))
        assert caught.value.rows == rows
    with pytest.raises(DataError, match=r"column 1 has no name in the header but holds values .*index=False") as caught:
        read_survey(_csv(tmp_path, _valid_table(), _valid_table().to_csv()))
    assert caught.value.rows == [2, 3, 4, 5]
    with pytest.raises(DataError, match=r"unknown file type '\.txt'"):
        read_survey(tmp_path / "survey.txt")
    with pytest.raises(DataError, match="no such file"):
        read_survey(tmp_path / "absent.csv")
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    with pytest.raises(DataError, match=r"not a readable \.xlsx workbook"):
        read_survey(broken)
    with pytest.raises(DataError, match="not a readable Parquet file"):
        read_survey(broken.rename(tmp_path / "broken.parquet"))


def test_row_numbers_follow_the_source(tmp_path: Path) -> None:
    table = _with(3, "eng4", "9")
    # CSV: blank lines count, as in the file and in a spreadsheet opening it
    lines = table.to_csv(index=False).splitlines()
    path = _csv(tmp_path, table, "\n".join(["", lines[0], "", *lines[1:]]) + "\n")
    with pytest.raises(DataError) as caught:
        read_survey(path)
    assert caught.value.rows == [5]
    # Excel: the sheet's row numbers; the header may start lower down, on any sheet
    workbook = openpyxl.Workbook()
    workbook.active.title = "notes"
    sheet = workbook.create_sheet("answers")
    for r, row in enumerate([list(table.columns), *table.itertuples(index=False)], start=3):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=int(value) if value.isdigit() else (value or None))
    excel = tmp_path / "survey.xlsx"
    workbook.save(excel)
    with pytest.raises(DataError) as caught:
        read_survey(excel, sheet="answers")
    assert caught.value.column == "eng4" and caught.value.rows == [5]
    with pytest.raises(DataError) as caught:
        read_survey(excel, sheet=1)
    assert caught.value.rows == [5]
    with pytest.raises(DataError, match="no sheet named 'results'; sheets: notes, answers"):
        read_survey(excel, sheet="results")
    with pytest.raises(DataError, match="the file is empty"):
        read_survey(excel)  # the first sheet is empty
    # DataFrame and Parquet: position + 2
    with pytest.raises(DataError) as caught:
        read_survey(table)
    assert caught.value.rows == [3] and str(caught.value).startswith("survey table: column 'eng4' (row 3)")


def test_types_in_typed_sources(tmp_path: Path, small: pd.DataFrame) -> None:
    table = small.copy()
    table["eng2"] = table["eng2"].astype(object)
    table.loc[4, "eng2"] = True
    with pytest.raises(DataError, match=r"text in an item column.*got 'True'") as caught:
        read_survey(table)
    assert caught.value.rows == [6]
    table = small.astype({"eng2": float})
    table.loc[[1, 7], "eng2"] = 2.5
    table.to_parquet(tmp_path / "survey.parquet")
    with pytest.raises(DataError, match="not a whole number") as caught:
        read_survey(tmp_path / "survey.parquet")
    assert caught.value.rows == [3, 9]


# --------------------------------------------------------------------------- scoring and reliability


def _answers(**values: list) -> pd.DataFrame:
    """A table with every item empty except ``values`` (one list per item)."""
    n = len(next(iter(values.values())))
    table = pd.DataFrame({item: pd.array([None] * n, dtype="Int64") for item in load_instrument().item_ids})
    for item, column in values.items():
        table[item] = pd.array(column, dtype="Int64")
    return table


def test_score_scales() -> None:
    engagement = {f"eng{i}": [4, 5, None, 2] if i <= 5 else [4, 1, None, None] for i in range(1, 10)}
    turnover = {"tin1": [5, 1, 2, None], "tin2": [5, 1, 2, None], "tin3": [5, 1, 2, None], "tin6": [5, 1, 2, None]}
    turnover |= {"tin4": [1, 5, 4, None], "tin5": [1, 5, None, None]}
    table = _answers(**engagement, **turnover)
    scores = score_scales(table)
    assert list(scores.columns) == [scale.name for scale in load_instrument().scales]
    np.testing.assert_allclose(scores["engagement"], [4.0, (5 * 5 + 4) / 9, np.nan, 2.0])  # 5 of 9 answered: enough
    np.testing.assert_allclose(scores["turnover_intention"], [5.0, 1.0, 2.0, np.nan])  # reverse-keyed tin4 = 4 counts as 2
    assert scores["mentoring_career"].isna().all()
    strict = score_scales(table, min_items=9)
    np.testing.assert_allclose(strict["engagement"], [4.0, (5 * 5 + 4) / 9, np.nan, np.nan])
    keyed = reverse_key(table)
    assert keyed["tin4"].tolist()[:3] == [5, 1, 2] and keyed["tin1"].equals(table["tin1"])
    with pytest.raises(DataError) as caught:
        score_scales(table.assign(eng3=pd.array([1, 2, 6, None], dtype="Int64")))
    assert caught.value.column == "eng3" and caught.value.rows == [4] and "out of range" in str(caught.value)
    with pytest.raises(DataError, match="item column missing"):
        score_scales(table.drop(columns="dig1"))
    with pytest.raises(ConfigError, match="min_items"):
        score_scales(table, min_items=0)


MATRIX = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4], [2, 3, 2]], dtype=float)


def test_cronbach_alpha_by_hand() -> None:
    columns = MATRIX.T.tolist()
    item_variances = sum(statistics.variance(column) for column in columns)
    total_variance = statistics.variance([sum(row) for row in MATRIX.tolist()])
    expected = 3 / 2 * (1 - item_variances / total_variance)
    result = cronbach_alpha(pd.DataFrame(MATRIX, columns=["a", "b", "c"]))
    assert result.alpha == pytest.approx(expected) and (result.n, result.k) == (6, 3)
    assert result.ci_low < result.alpha < result.ci_high
    assert result.ci_low == pytest.approx(1 - (1 - expected) * stats.f.ppf(0.975, 5, 10))
    assert cronbach_alpha(np.column_stack([MATRIX[:, 0], MATRIX[:, 0]])).alpha == pytest.approx(1.0)
    uncorrelated = np.array([[1, 1], [1, 3], [3, 1], [3, 3]], dtype=float)
    assert cronbach_alpha(uncorrelated).alpha == pytest.approx(0.0)
    with_gaps = np.vstack([MATRIX, [[1, np.nan, 2]]])
    assert cronbach_alpha(with_gaps) == result  # listwise deletion
    assert np.isnan(cronbach_alpha(MATRIX[:1]).alpha)


def test_feldt_interval_narrows_with_n() -> None:
    widths = []
    for copies in (1, 4, 16):
        result = cronbach_alpha(np.tile(MATRIX, (copies, 1)))  # duplicating rows keeps alpha
        assert result.alpha == pytest.approx(cronbach_alpha(MATRIX).alpha)
        assert result.ci_low < result.alpha < result.ci_high
        widths.append(result.ci_high - result.ci_low)
    assert widths[0] > widths[1] > widths[2]
    narrow = cronbach_alpha(MATRIX, confidence=0.5)
    assert narrow.ci_high - narrow.ci_low < widths[0]


def test_feldt_interval_covers_the_population_alpha() -> None:
    rng = np.random.default_rng(0)
    n, k, rho = 60, 4, 0.4
    population = k * rho / (1 + (k - 1) * rho)
    hits = 0
    for _ in range(400):
        common = rng.standard_normal((n, 1))
        items = np.sqrt(rho) * common + np.sqrt(1 - rho) * rng.standard_normal((n, k))
        result = cronbach_alpha(items)
        hits += result.ci_low <= population <= result.ci_high
    assert 0.92 <= hits / 400 <= 0.98


def test_alpha_errors() -> None:
    with pytest.raises(ConfigError, match="at least 2 items"):
        cronbach_alpha(MATRIX[:, :1])
    with pytest.raises(ConfigError, match="confidence"):
        cronbach_alpha(MATRIX, confidence=1.5)
    with pytest.raises(ConfigError, match="2-D array"):
        cronbach_alpha(MATRIX[:, 0])
    with pytest.raises(ConfigError, match="must hold numbers"):
        cronbach_alpha(pd.DataFrame({"a": ["x", "y"], "b": ["1", "2"]}))


def test_item_rest_correlations() -> None:
    table = pd.DataFrame(MATRIX, columns=["a", "b", "c"])
    result = item_rest_correlations(table)
    assert result.index.tolist() == ["a", "b", "c"]
    for column in table:
        rest = table.drop(columns=column).sum(axis=1)
        assert result[column] == pytest.approx(np.corrcoef(table[column], rest)[0, 1])
    flipped = table.assign(c=6 - table["c"])
    assert item_rest_correlations(flipped)["c"] < 0


def test_reliability_table(simulated: pd.DataFrame, instrument: Instrument) -> None:
    table = reliability(simulated, instrument, by="wave")
    assert list(table.columns) == [
        "wave", "scale", "items", "n", "alpha", "ci_low", "ci_high", "min_item_rest", "n_scored", "mean", "sd",
    ]  # fmt: skip
    assert len(table) == 2 * len(instrument.scales)
    first = table[table["wave"] == 0].set_index("scale")
    assert first.loc["mentoring_career", "n"] == 0 and np.isnan(first.loc["mentoring_career", "alpha"])
    assert (first.loc[list(ALL_RESPONDENT_SCALES), "alpha"] > 0.8).all()
    whole = reliability(simulated, instrument).set_index("scale")
    engagement = simulated[list(instrument.scale("engagement").item_ids)]
    assert whole.loc["engagement", "alpha"] == pytest.approx(cronbach_alpha(engagement).alpha)
    with pytest.raises(ConfigError, match=r"^by = 'team'"):
        reliability(simulated, instrument, by="team")


def test_survey_rng_is_separate_from_the_model() -> None:
    draws = survey_rng(7, 0).random(5)
    for stream in range(8):  # the model's streams are children of the seed with small spawn keys
        assert not np.allclose(draws, np.random.default_rng(np.random.SeedSequence(7, spawn_key=(stream,))).random(5))
    np.testing.assert_array_equal(draws, survey_rng(7, 0).random(5))
    assert not np.allclose(draws, survey_rng(7, 1).random(5))
