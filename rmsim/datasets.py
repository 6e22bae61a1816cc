"""Example data sets for trying rmsim's survey and analysis tools.

Two sources, neither of them real data about real people:

- **Fictional HR data from the** ``peopleanalyticsdata`` **package** (:func:`load_job_retention`,
  :func:`load_employee_survey`). The data sets were made by Keith McNulty for the book *Handbook of
  Regression Modeling in People Analytics: With Examples in R and Python* (CRC Press, 2021) and his R
  package of the same name; the Python package that rmsim reads them from was written by Akshay Kotha.
  Both are published under the MIT licence. rmsim did not write, collect or change this data: it only
  reads the CSV files installed with that package, which is an optional dependency
  (``pip install 'rmsim[examples]'``).
- **rmsim's SYNTHETIC survey example** (:func:`load_survey_example`), invented by
  ``data/examples/make_survey_example.py`` (see the data card in ``data/examples/README.md``).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import warnings
from pathlib import Path

import pandas as pd

from rmsim._base import REPOSITORY
from rmsim.survey import DEFAULT_INSTRUMENT, InstrumentLike, read_survey

PACKAGE = "peopleanalyticsdata"
"""The PyPI package holding the fictional HR data sets."""

INSTALL_HINT = "pip install 'rmsim[examples]'"

SURVEY_EXAMPLE = REPOSITORY / "data" / "examples" / "survey_example_synthetic.csv"
"""The SYNTHETIC survey example file (in a clone of the repository)."""

EMPLOYEE_SURVEY_SCALES: dict[str, tuple[str, ...]] = {
    "benefits": ("Ben1", "Ben2", "Ben3"),
    "work_environment": ("Work1", "Work2", "Work3"),
    "management": ("Man1", "Man2", "Man3"),
    "career": ("Car1", "Car2", "Car3", "Car4"),
}
"""Item groups of :func:`load_employee_survey`, by the prefix of their column names."""


def _package_csv(name: str) -> pd.DataFrame:
    """Read the data set ``name`` shipped with :data:`PACKAGE`.

    The CSV file is read directly from the installed package (``peopleanalyticsdata/data/<name>.csv``),
    which avoids importing the package and its use of the deprecated ``pkg_resources`` module; if
    the file is not found there, the package's own loader is called.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        raise ModuleNotFoundError(
            f"the example HR data sets come from the optional package {PACKAGE!r}, which is not installed; "
            f"install it with: {INSTALL_HINT}",
            name=PACKAGE,
        )
    folders = list(spec.submodule_search_locations or [])
    for folder in folders:
        path = Path(folder) / "data" / f"{name}.csv"
        if path.is_file():
            return pd.read_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = importlib.import_module(PACKAGE)
        return getattr(module, name)()


def load_job_retention() -> pd.DataFrame:
    """Fictional data on whether employees left within a year, with survey scores (3,770 rows).

    This is *fictional* data from the ``peopleanalyticsdata`` package (data sets by Keith McNulty,
    Python package by Akshay Kotha; MIT licence); it was not written by rmsim and describes no real
    organisation.

    Returns
    -------
    pandas.DataFrame
        The data set as published, one row per employee: ``gender`` (``M``/``F``), ``field`` (work
        area, text), ``level`` (``Low``/``Medium``/``High``), ``sentiment`` and ``intention`` (survey
        scores 1-10: sentiment about the job, and intention to leave), ``left`` (1 if the employee
        left during the year), ``month`` (1-12: the month in which the employee left, or for ``left`` =
        0 the last month in which they were observed, 12 for most: the time variable of a survival
        analysis with right-censoring).

    Raises
    ------
    ModuleNotFoundError
        If ``peopleanalyticsdata`` is not installed (``pip install 'rmsim[examples]'``).

    Examples
    --------
    >>> from rmsim.datasets import load_job_retention
    >>> retention = load_job_retention()  # doctest: +SKIP
    >>> retention.groupby("intention")["left"].mean()  # doctest: +SKIP
    """
    return _package_csv("job_retention")


def load_employee_survey() -> pd.DataFrame:
    """Fictional employee-survey answers on a 1-4 scale (2,833 respondents, 14 items).

    This is *fictional* data from the ``peopleanalyticsdata`` package (data sets by Keith McNulty,
    Python package by Akshay Kotha; MIT licence); it was not written by rmsim and describes no real
    organisation.

    Returns
    -------
    pandas.DataFrame
        The data set as published: ``Happiness`` (overall happiness, 1-4) and thirteen items answered
        on a 1-4 scale whose name prefixes group them (:data:`EMPLOYEE_SURVEY_SCALES`): ``Ben1``-``Ben3``
        benefits, ``Work1``-``Work3`` work environment, ``Man1``-``Man3`` management, ``Car1``-``Car4``
        career. All items are positively keyed. It has no respondent or wave columns, so it is not in
        rmsim's survey schema; use it with :func:`rmsim.survey.cronbach_alpha` and
        :func:`rmsim.survey.item_rest_correlations`.

    Raises
    ------
    ModuleNotFoundError
        If ``peopleanalyticsdata`` is not installed (``pip install 'rmsim[examples]'``).

    Examples
    --------
    >>> from rmsim.datasets import EMPLOYEE_SURVEY_SCALES, load_employee_survey
    >>> from rmsim.survey import cronbach_alpha
    >>> survey = load_employee_survey()  # doctest: +SKIP
    >>> cronbach_alpha(survey[list(EMPLOYEE_SURVEY_SCALES["career"])])  # doctest: +SKIP
    """
    return _package_csv("employee_survey")


def load_survey_example(
    instrument: InstrumentLike = DEFAULT_INSTRUMENT, path: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """rmsim's SYNTHETIC example survey: two waves of the ``reverse_mentoring`` questionnaire.

    **SYNTHETIC data.** Every row was invented by ``data/examples/make_survey_example.py`` with a
    seeded random number generator from a simple generative model (pre/post waves, a reverse-mentoring
    programme with small effects of the size reported in the mentoring literature, attrition, hires and
    non-response); it is not output of the rmsim simulation and describes no real person or
    organisation. See the data card in ``data/examples/README.md``.

    Parameters
    ----------
    instrument
        The questionnaire to validate against (the file follows ``reverse_mentoring``).
    path
        The file; by default :data:`SURVEY_EXAMPLE` in the repository.

    Returns
    -------
    pandas.DataFrame
        The table in rmsim's survey schema, read with :func:`rmsim.survey.read_survey`.
    """
    return read_survey(SURVEY_EXAMPLE if path is None else path, instrument)
