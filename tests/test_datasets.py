"""Example data sets: the fictional HR data of peopleanalyticsdata and rmsim's SYNTHETIC survey example."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

from rmsim import datasets
from rmsim.datasets import EMPLOYEE_SURVEY_SCALES, load_employee_survey, load_job_retention, load_survey_example
from rmsim.survey import cronbach_alpha, item_rest_correlations, load_instrument, score_scales

# rmsim reads the package's data files without importing it; importing it needs pkg_resources (setuptools).
HAVE_PACKAGE = importlib.util.find_spec("peopleanalyticsdata") is not None
needs_package = pytest.mark.skipif(not HAVE_PACKAGE, reason="peopleanalyticsdata is not installed (extra 'examples')")


def _published(name: str) -> pd.DataFrame:
    peopleanalyticsdata = pytest.importorskip("peopleanalyticsdata")
    with warnings.catch_warnings():  # the package opens its files without closing them
        warnings.simplefilter("ignore")
        return getattr(peopleanalyticsdata, name)()


@needs_package
def test_job_retention() -> None:
    table = load_job_retention()
    assert table.shape == (3770, 7)
    assert list(table.columns) == ["gender", "field", "level", "sentiment", "intention", "left", "month"]
    assert set(table["left"]) == {0, 1} and set(table["level"]) == {"Low", "Medium", "High"}
    assert table["sentiment"].between(1, 10).all() and table["intention"].between(1, 10).all()
    assert table["month"].between(1, 12).all()
    assert (table.loc[table["left"] == 0, "month"] == 12).mean() > 0.75  # most who stay are observed all year
    # higher intention to leave goes with leaving (the relation the data set is made to show)
    assert table.groupby(table["intention"] >= 7)["left"].mean().diff().iloc[-1] > 0.1


@needs_package
def test_employee_survey() -> None:
    table = load_employee_survey()
    assert table.shape == (2833, 14)
    assert table.isin([1, 2, 3, 4]).all().all()
    grouped = [column for columns in EMPLOYEE_SURVEY_SCALES.values() for column in columns]
    assert sorted([*grouped, "Happiness"]) == sorted(table.columns)
    for name, columns in EMPLOYEE_SURVEY_SCALES.items():
        result = cronbach_alpha(table[list(columns)])
        assert 0.6 < result.alpha < 0.9, name
        assert result.ci_low < result.alpha < result.ci_high and result.ci_high - result.ci_low < 0.06
        assert (item_rest_correlations(table[list(columns)]) > 0.3).all(), name


@pytest.mark.parametrize("name", ["job_retention", "employee_survey"])
def test_loaders_match_the_package_s_own_functions(name: str) -> None:
    published = _published(name)  # skipped where the package cannot be imported (no pkg_resources)
    pd.testing.assert_frame_equal(getattr(datasets, f"load_{name}")(), published)


def test_missing_package_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datasets.importlib.util, "find_spec", lambda name: None)
    for loader in (load_job_retention, load_employee_survey):
        with pytest.raises(ModuleNotFoundError, match=r"pip install 'rmsim\[examples\]'") as caught:
            loader()
        assert caught.value.name == "peopleanalyticsdata"


def test_docstrings_name_the_source() -> None:
    for loader in (load_job_retention, load_employee_survey):
        doc = loader.__doc__ or ""
        assert "fictional" in doc and "peopleanalyticsdata" in doc and "Keith McNulty" in doc and "MIT" in doc
        assert "not written by rmsim" in doc
    assert "SYNTHETIC" in (load_survey_example.__doc__ or "") and "SYNTHETIC" in (datasets.__doc__ or "")


def test_survey_example_loads() -> None:
    survey = load_survey_example()
    instrument = load_instrument("reverse_mentoring")
    assert set(instrument.item_ids) <= set(survey.columns)
    assert survey.groupby("wave").size().to_dict() == {0: 460, 1: 436}
    scores = score_scales(survey, instrument)
    assert scores["engagement"].notna().mean() > 0.95
    assert np.isfinite(scores["turnover_intention"]).sum() > 800
