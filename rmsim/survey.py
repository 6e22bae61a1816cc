"""Employee surveys: questionnaires as data, a virtual survey of the simulated organisation, and real survey files.

Three pieces share one table format (the *survey schema*, below):

- **Instruments.** A questionnaire is a YAML file validated by :class:`Instrument`;
  :func:`load_instrument` reads one by name from the repository folder ``data/instruments/`` or
  from any path. The default, ``reverse_mentoring``, has seven scales: three mentoring functions
  answered by programme participants, then work engagement, turnover intention, sense of inclusion
  and digital confidence answered by everyone.
- **Virtual survey.** :func:`simulate_survey` runs the model week by week and, at each wave,
  administers the instrument to every current employee: each scale reads one latent state of the
  employee (:data:`LATENT_STATES`) and an ordinal measurement model turns it into Likert answers.
  :func:`administer_survey` surveys a model at its current week; :func:`measure` applies the
  measurement model to any table of latent states.
- **Observed surveys.** :func:`read_survey` reads and validates a CSV, Excel (``.xlsx``) or Parquet
  file, or a DataFrame, against the schema and an instrument. :func:`reverse_key`,
  :func:`score_scales`, :func:`cronbach_alpha`, :func:`item_rest_correlations` and
  :func:`reliability` score and check any table in the schema, simulated or observed.

Instrument files
----------------
::

    name: reverse_mentoring          # lower-case letters, digits and _
    version: "1.0"                   # text: quote it
    description: ...
    response_scale:                  # one scale for every item
      min: 1                         # whole numbers; at most 11 points
      max: 5
      labels: {1: Strongly disagree, ..., 5: Strongly agree}   # optional, some or all points
    measurement:                     # used only by the virtual survey
      noise_sd: 0.8                  # SD of the item noise, in latent units (> 0)
      thresholds: null               # max - min increasing cut points; null = one unit apart, centred on 0
    scales:
      - name: engagement             # unique; becomes the column of score_scales
        concept: ...                 # the construct the scale measures
        modelled_on: ...             # the published instrument it follows, with its citation
        measures: engagement         # the latent state it reads: a key of LATENT_STATES
        respondents: all             # all | participants (ever in a mentoring pair by the wave)
        anchor: 0.60                 # state that maps to the middle of the response scale
        spread: 0.15                 # state difference that moves the latent response by one unit
        min_items: 5                 # optional; default: half the items, rounded up
        items:
          - id: eng1                 # unique over the instrument; the column name in survey tables
            text: ...                # the wording shown to respondents
            reverse: false           # optional; true when agreeing means *less* of the construct
            loading: 1.0             # optional (> 0)
            intercept: 0.0           # optional

``load_instrument("reverse_mentoring")`` finds ``<repository>/data/instruments/reverse_mentoring.yaml``,
where ``<repository>`` is the folder above the ``rmsim`` package (:data:`INSTRUMENTS_FOLDER`); this
works in a clone of the repository and with ``pip install -e .``. Elsewhere pass the path of the YAML
file. Invalid files raise :class:`~rmsim.errors.ConfigError` naming the file and the field
(``reverse_mentoring.yaml: scales.3.items.0.id = 'Eng 1': ...``).

Survey schema
-------------
One row per respondent and wave. Column names are case-insensitive on reading and lower-case in
every table rmsim returns, in this order (:data:`SURVEY_SCHEMA`):

=================  ======================  ===================================================================
column             dtype                   content
=================  ======================  ===================================================================
``respondent_id``  int64 or string         required. Employee id (simulated) or any identifier; whole numbers
                                           written without leading zeros become int64, anything else stays text
``wave``           int64                   required. Survey wave, 0, 1, 2 ... in the order of the waves
``week``           Int64                   model week (simulated) or any week number of the wave; >= 0
``role``           category                ``none``, ``mentor``, ``mentee``: role in the respondent's most
                                           recent mentoring pair formed by the wave (``none``: never paired)
``participant``    boolean                 true when ``role`` is mentor or mentee, i.e. the respondent has
                                           taken part in the programme by this wave. Who takes part at *any*
                                           wave: ``table.groupby("respondent_id")["participant"].transform("any")``
``generation``     ordered category        ``silent``, ``boomer``, ``gen_x``, ``millennial``, ``gen_z``, ``gen_alpha``
``age_band``       ordered category        ``under_25``, ``25_34``, ``35_44``, ``45_54``, ``55_plus``
``level``          ordered category        ``junior``, ``professional``, ``manager``, ``senior``, ``executive``
``gender``         category                ``male``, ``female``, ``other``
``minority``       boolean                 member of a minority group
``department``     string                  department label
``responded``      boolean                 only with ``keep_nonrespondents=True``: false for invited employees
                                           who did not answer (all their items are missing)
item ids           Int64                   one column per item of the instrument, in instrument order; the raw
                                           answer (reverse-keyed items *not* yet reversed), or missing: no
                                           answer, or not applicable (participant items for non-participants)
``true_<state>``   float64                 only with ``include_latent=True``: the latent state (0-1) each scale
                                           measured, for studies of measurement error
=================  ======================  ===================================================================

Only ``respondent_id``, ``wave`` and the item columns are required (:data:`REQUIRED_COLUMNS`); an
empty cell in an optional column is missing data. Other columns are kept after the schema columns,
except columns that look like items the instrument does not have (see :func:`read_survey`).

Latent states
-------------
What each scale can measure, per employee, on [0, 1] (:data:`LATENT_STATES`): the workforce states
``engagement``, ``felt_value``, ``inclusion``, ``visibility``, ``sponsorship``, the traits
``willingness`` and ``openness``, the skills ``skill_digital``, ``skill_business``,
``skill_leadership``, ``skill_inclusion``, and two derived states:

- ``turnover_intention`` = ``1 - (b_E * E + b_I * I) / (b_E + b_I)``, with ``b_E`` and ``b_I`` the
  model's ``retention.engagement_effect`` and ``retention.inclusion_effect`` (both <= 0), *E* the
  engagement and *I* the sense of inclusion. It is the state-dependent part of the log exit hazard,
  ``b_E * E + b_I * I``, rescaled linearly to 0 (*E* = *I* = 1, the lowest hazard) ... 1 (*E* = *I* =
  0): within an age band, the log of the weekly quit probability rises linearly with it, by
  ``|b_E + b_I|`` per unit (unless the probability is capped at 1). With both effects 0 it is
  ``1 - E``. With the defaults (-2, -1) it is ``1 - (2E + I) / 3``.
- ``pair_quality``: the relationship quality *q* of the employee's pair in their most recent cohort
  (the mean over the pairs of a mentor with several mentees), as it is now or was when the pair
  ended; missing for employees never paired.

Measurement model
-----------------
For respondent *i* and item *j* of a scale measuring state *s* with anchor *a* and spread *d*:

    z_i = (s_i - a) / d
    y*_ij = loading_j * z_i + intercept_j + noise_sd * e_ij,    e_ij ~ N(0, 1) independent
    answer_ij = min + (number of thresholds <= y*_ij)

and for reverse-keyed items ``answer_ij = min + max - answer_ij``, so agreeing with a reverse-keyed
item signals a low state. With the default thresholds (one unit apart, centred on 0), a respondent
at the anchor answers the middle category most often and a state one spread above it the next
category up. All answers lie in ``[min, max]``. Items of ``participants`` scales are missing for
employees never paired, as is any item whose state is missing.

Non-response. Each employee responds with probability ``expit(logit(response_rate) + b * z_E)``,
where ``z_E`` is engagement standardised within the wave and ``b`` is ``nonresponse_engagement``
(0: missing completely at random; > 0: engaged employees answer more often; the mean rate then
differs slightly from ``response_rate``). A respondent leaves each item blank with probability
``item_nonresponse``.

Random numbers. Each wave draws, in this order and always in full, one uniform per employee (unit
response), one normal and one uniform per employee and item (noise, item non-response), from a
generator seeded by ``SeedSequence(seed, spawn_key=(SURVEY_STREAM, week))``. The model's own
generators are never touched, so a run with a survey gives exactly the results of the same run
without one, and changing the response rate keeps everyone's answers the same.

Row numbers in error messages
-----------------------------
:class:`~rmsim.errors.DataError` messages number rows as a spreadsheet shows them, and say "row".
For a CSV file that is the line number in the file (the header is line 1 unless blank lines come
first; blank lines count), for an Excel sheet the sheet's row number, for a Parquet file or a
DataFrame the position of the row plus 2 (the header counts as row 1, the first data row is row 2).
Problems with the header (missing or unknown columns) point at the header row.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
import pandas as pd
import yaml
from pydantic import Field, field_validator, model_validator
from scipy import special, stats

from rmsim._base import REPOSITORY, Params
from rmsim._files import csv_records
from rmsim.config import Scenario
from rmsim.errors import ConfigError, DataError
from rmsim.model import ReverseMentoringModel
from rmsim.programme import ROLE_MENTEE, ROLE_MENTOR, ROLE_NAMES, ROLE_NONE
from rmsim.retention import EXIT_AGE_BANDS, RetentionParams, age_band
from rmsim.workforce import DOMAINS, GENDERS, GENERATION_NAMES, LEVELS

INSTRUMENTS_FOLDER = REPOSITORY / "data" / "instruments"
"""Where :func:`load_instrument` looks up instruments by name."""

DEFAULT_INSTRUMENT = "reverse_mentoring"

SURVEY_STREAM = 0x5355_5256
"""First spawn key of the survey's random streams; the model's streams use small keys (0-6)."""

ROLES: tuple[str, ...] = tuple(ROLE_NAMES[code] for code in sorted(ROLE_NAMES))
"""Programme roles in code order: ``none``, ``mentor``, ``mentee``."""

AGE_BANDS: tuple[str, ...] = tuple(band[0] for band in EXIT_AGE_BANDS)
"""Age bands of the survey, those of the model's exit rates: under_25, 25_34, 35_44, 45_54, 55_plus."""

LATENT_STATES: dict[str, str] = {
    "engagement": "Work engagement E.",
    "felt_value": "Feeling of being valued.",
    "inclusion": "Sense of inclusion I.",
    "visibility": "Visibility to senior leaders.",
    "sponsorship": "Sponsorship by senior leaders.",
    "willingness": "Willingness to learn (a stable trait).",
    "openness": "Openness to new ideas (a stable trait).",
    **{f"skill_{domain}": f"Skill in the {domain} domain." for domain in DOMAINS},
    "turnover_intention": "1 - (b_E * E + b_I * I) / (b_E + b_I): the state-dependent log exit hazard rescaled to 0-1 "
    "(1 - E when both effects are 0).",
    "pair_quality": "Relationship quality of the employee's pair(s) in their most recent cohort; missing if never paired.",
}
"""Latent states (0-1) a scale can measure, with their meaning; see the module docstring."""


class SchemaColumn(NamedTuple):
    """One column of the survey schema."""

    name: str
    dtype: str
    required: bool
    description: str


SURVEY_SCHEMA: tuple[SchemaColumn, ...] = (
    SchemaColumn("respondent_id", "int64 or string", True, "Employee id or any identifier; unique within a wave."),
    SchemaColumn("wave", "int64", True, "Survey wave: 0, 1, 2 ... in the order of the waves."),
    SchemaColumn("week", "Int64", False, "Model week (or any week number) of the wave; >= 0."),
    SchemaColumn("role", "category", False, "Role in the most recent pair formed by the wave: none, mentor, mentee."),
    SchemaColumn("participant", "boolean", False, "Has taken part in the programme by this wave (role is not none)."),
    SchemaColumn("generation", "ordered category", False, "Generation: " + ", ".join(GENERATION_NAMES) + "."),
    SchemaColumn("age_band", "ordered category", False, "Age band: " + ", ".join(AGE_BANDS) + "."),
    SchemaColumn("level", "ordered category", False, "Hierarchy level: " + ", ".join(LEVELS) + "."),
    SchemaColumn("gender", "category", False, "Gender: " + ", ".join(GENDERS) + "."),
    SchemaColumn("minority", "boolean", False, "Member of a minority group."),
    SchemaColumn("department", "string", False, "Department label."),
    SchemaColumn("responded", "boolean", False, "False for invited employees who did not respond (keep_nonrespondents)."),
)
"""The survey schema without the item columns (one Int64 column per item id) and ``true_<state>`` columns."""

REQUIRED_COLUMNS: tuple[str, ...] = tuple(column.name for column in SURVEY_SCHEMA if column.required)
"""Columns every survey table needs, besides one column per item of its instrument."""

OPTIONAL_COLUMNS: tuple[str, ...] = tuple(column.name for column in SURVEY_SCHEMA if not column.required)
"""Schema columns that may be absent; empty cells in them are missing data."""

LATENT_PREFIX = "true_"
"""Prefix of the optional latent-state columns (``true_engagement``...)."""

_CATEGORIES: dict[str, pd.CategoricalDtype] = {
    "role": pd.CategoricalDtype(list(ROLES)),
    "generation": pd.CategoricalDtype(list(GENERATION_NAMES), ordered=True),
    "age_band": pd.CategoricalDtype(list(AGE_BANDS), ordered=True),
    "level": pd.CategoricalDtype(list(LEVELS), ordered=True),
    "gender": pd.CategoricalDtype(list(GENDERS)),
}
_BOOLEAN_COLUMNS = ("participant", "minority", "responded")
_DEMOGRAPHICS = ("role", "participant", "generation", "age_band", "level", "gender", "minority", "department")

InstrumentLike: TypeAlias = "Instrument | str | os.PathLike[str]"

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_NAME_RULE = "lower-case letters, digits and _, starting with a letter (at most 40 characters)"


def _check_name(value: str) -> str:
    if not _NAME.fullmatch(value) or len(value) > 40:
        raise ValueError(f"must be {_NAME_RULE}")
    return value


# --------------------------------------------------------------------------- instruments


class Item(Params):
    """One question of a scale.

    ``loading`` and ``intercept`` enter only the virtual survey's measurement model.
    """

    id: str = Field(description="Item id: the column name in survey tables.")
    text: str = Field(min_length=1, description="Wording shown to respondents.")
    reverse: bool = Field(False, description="True when agreeing signals less of the construct.")
    loading: float = Field(1.0, gt=0, le=10, description="Slope of the latent response on the standardised state.")
    intercept: float = Field(0.0, ge=-10, le=10, description="Shift of the latent response (positive: easier to agree).")

    @field_validator("id")
    @classmethod
    def _id_rule(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class Scale(Params):
    """A set of items measuring one construct, answered by everyone or by programme participants."""

    name: str = Field(description="Scale name: the column of score_scales.")
    concept: str = Field(min_length=1, description="The construct the scale measures.")
    modelled_on: str = Field(min_length=1, description="The published instrument the scale follows, with its citation.")
    measures: str = Field(description="The latent state read by the virtual survey: a key of LATENT_STATES.")
    respondents: Literal["all", "participants"] = Field("all", description="Who answers the scale.")
    anchor: float = Field(0.5, ge=0, le=1, description="State mapped to the middle of the response scale.")
    spread: float = Field(0.15, gt=0, le=1, description="State difference that moves the latent response by one unit.")
    min_items: int | None = Field(None, ge=1, description="Answered items needed for a scale score (default: half, rounded up).")
    items: list[Item] = Field(min_length=1, description="The items.")

    @field_validator("name")
    @classmethod
    def _name_rule(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("measures")
    @classmethod
    def _known_state(cls, value: str) -> str:
        if value not in LATENT_STATES:
            raise ValueError(f"unknown latent state; allowed: {', '.join(LATENT_STATES)}")
        return value

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Ids of the scale's items, in order."""
        return tuple(item.id for item in self.items)

    @property
    def required_items(self) -> int:
        """Answered items needed for a scale score: ``min_items``, or half the items rounded up."""
        return self.min_items if self.min_items is not None else math.ceil(len(self.items) / 2)


class ResponseScale(Params):
    """The answer format shared by every item: whole numbers from ``min`` to ``max``."""

    min: int = Field(1, ge=-10, le=10, description="Lowest answer.")
    max: int = Field(5, ge=-10, le=20, description="Highest answer.")
    labels: dict[int, str] = Field(default_factory=dict, description="Optional label of each answer.")

    @field_validator("max")
    @classmethod
    def _above_min(cls, value: int, info: Any) -> int:
        low = info.data.get("min")
        if low is not None and not low < value <= low + 10:
            raise ValueError(f"must be greater than min ({low}) and at most min + 10 (2 to 11 answer points)")
        return value

    @field_validator("labels")
    @classmethod
    def _labels_in_range(cls, value: dict[int, str], info: Any) -> dict[int, str]:
        low, high = info.data.get("min"), info.data.get("max")
        if low is not None and high is not None:
            outside = sorted(point for point in value if not low <= point <= high)
            if outside:
                raise ValueError(f"labels given for answers outside {low}-{high}: {outside}")
        return dict(sorted(value.items()))

    @property
    def points(self) -> int:
        """Number of answer points."""
        return self.max - self.min + 1

    def describe(self) -> str:
        """``1-5`` followed by the labels, for messages."""
        if not self.labels:
            return f"{self.min}-{self.max}"
        return f"{self.min}-{self.max} (" + ", ".join(f"{k} = {v}" for k, v in self.labels.items()) + ")"


class Measurement(Params):
    """Parameters of the virtual survey's ordinal measurement model shared by all items."""

    noise_sd: float = Field(0.8, gt=0, le=10, description="Standard deviation of the item noise, in latent units.")
    thresholds: list[float] | None = Field(
        None, description="Increasing cut points of the latent response (max - min of them); None: one unit apart around 0."
    )

    @field_validator("thresholds")
    @classmethod
    def _increasing(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and any(not b > a for a, b in itertools.pairwise(value)):
            raise ValueError("must be strictly increasing")
        if value is not None and not all(math.isfinite(v) for v in value):
            raise ValueError("must be finite numbers")
        return value


class Instrument(Params):
    """A questionnaire: its response scale, its scales and their items, and its measurement model.

    Made from a YAML file by :func:`load_instrument`; see the module docstring for the format.
    Invalid values raise :class:`~rmsim.errors.ConfigError` naming the field, e.g.
    ``scales.2.items.0.id``.
    """

    name: str = Field(description="Instrument name (the file name without .yaml).")
    version: str = Field(min_length=1, description="Version of the questionnaire (text).")
    description: str = Field("", description="What the questionnaire is for.")
    response_scale: ResponseScale = Field(default_factory=ResponseScale, description="The answer format.")
    measurement: Measurement = Field(default_factory=Measurement, description="The virtual survey's measurement model.")
    scales: list[Scale] = Field(min_length=1, description="The scales.")

    @field_validator("name")
    @classmethod
    def _name_rule(cls, value: str) -> str:
        return _check_name(value)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        reserved = {column.name for column in SURVEY_SCHEMA}
        names: set[str] = set()
        ids: dict[str, str] = {}
        for i, scale in enumerate(self.scales):
            if scale.name in names:
                raise ConfigError(f"scales.{i}.name", scale.name, "another scale has this name; scale names must be unique")
            names.add(scale.name)
            for j, item in enumerate(scale.items):
                where = f"scales.{i}.items.{j}.id"
                if item.id in ids:
                    raise ConfigError(where, item.id, f"already an item of scale {ids[item.id]!r}; item ids must be unique")
                if item.id in reserved or item.id.startswith(LATENT_PREFIX):
                    raise ConfigError(
                        where, item.id, f"a survey-schema column name; item ids must differ from {sorted(reserved)}"
                    )
                ids[item.id] = scale.name
            if scale.min_items is not None and scale.min_items > len(scale.items):
                raise ConfigError(f"scales.{i}.min_items", scale.min_items, f"more than the scale's {len(scale.items)} items")
        thresholds = self.measurement.thresholds
        if thresholds is not None and len(thresholds) != self.response_scale.points - 1:
            raise ConfigError(
                "measurement.thresholds",
                thresholds,
                f"give {self.response_scale.points - 1} cut points for the {self.response_scale.points} answers "
                f"{self.response_scale.min}-{self.response_scale.max} (or null)",
            )
        return self

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Every item id, scale by scale, in order: the item columns of a survey table."""
        return tuple(item.id for scale in self.scales for item in scale.items)

    @property
    def reverse_items(self) -> tuple[str, ...]:
        """Ids of the reverse-keyed items."""
        return tuple(item.id for scale in self.scales for item in scale.items if item.reverse)

    @property
    def states(self) -> tuple[str, ...]:
        """Latent states measured by some scale, in order of first use."""
        return tuple(dict.fromkeys(scale.measures for scale in self.scales))

    def scale(self, name: str) -> Scale:
        """The scale called ``name``."""
        for scale in self.scales:
            if scale.name == name:
                return scale
        raise ConfigError(
            "scale", name, f"not a scale of instrument {self.name!r}; scales: {', '.join(s.name for s in self.scales)}"
        )

    def cut_points(self) -> np.ndarray:
        """Thresholds of the latent response: the given ones, or one unit apart and centred on 0."""
        if self.measurement.thresholds is not None:
            return np.asarray(self.measurement.thresholds, dtype=float)
        gaps = self.response_scale.points - 1
        return np.arange(gaps, dtype=float) - (gaps - 1) / 2.0

    def codebook(self) -> pd.DataFrame:
        """One row per item: ``scale, item, text, reverse, measures, respondents, loading, intercept``."""
        rows = [
            {
                "scale": scale.name,
                "item": item.id,
                "text": item.text,
                "reverse": item.reverse,
                "measures": scale.measures,
                "respondents": scale.respondents,
                "loading": item.loading,
                "intercept": item.intercept,
            }
            for scale in self.scales
            for item in scale.items
        ]
        return pd.DataFrame(rows)


def available_instruments() -> list[str]:
    """Names of the instruments in :data:`INSTRUMENTS_FOLDER` (empty when the folder is not there)."""
    if not INSTRUMENTS_FOLDER.is_dir():
        return []
    return sorted(path.stem for path in INSTRUMENTS_FOLDER.glob("*.yaml"))


def load_instrument(instrument: InstrumentLike = DEFAULT_INSTRUMENT) -> Instrument:
    """Read and validate a questionnaire.

    Parameters
    ----------
    instrument
        An :class:`Instrument` (returned unchanged); the name of a file in
        :data:`INSTRUMENTS_FOLDER` (``<repository>/data/instruments/<name>.yaml``), such as
        ``"reverse_mentoring"``; or the path of a YAML file.

    Returns
    -------
    Instrument

    Raises
    ------
    rmsim.errors.ConfigError
        If the instrument is not found, is not valid YAML, or has an invalid field; the message
        names the file and the field, e.g. ``reverse_mentoring.yaml: scales.0.items.1.id``.

    Examples
    --------
    >>> from rmsim.survey import load_instrument
    >>> instrument = load_instrument("reverse_mentoring")
    >>> [scale.name for scale in instrument.scales][:3]
    ['mentoring_career', 'mentoring_psychosocial', 'mentoring_role_model']
    """
    if isinstance(instrument, Instrument):
        return instrument
    if not isinstance(instrument, (str, os.PathLike)):
        raise ConfigError("instrument", instrument, "give an Instrument, an instrument name or the path of a YAML file")
    text = os.fspath(instrument)
    is_path = isinstance(instrument, os.PathLike) or text.lower().endswith((".yaml", ".yml")) or "/" in text or "\\" in text
    if is_path:
        path = Path(text)
        if not path.is_file():
            raise ConfigError("instrument", text, "no such file; give the path of an instrument YAML file")
    else:
        if not _NAME.fullmatch(text):
            raise ConfigError("instrument", text, f"an instrument name is {_NAME_RULE}; or give the path of a YAML file")
        if not INSTRUMENTS_FOLDER.is_dir():
            raise ConfigError(
                "instrument",
                text,
                "instruments are looked up by name in the repository's data/instruments folder, which is not next to "
                "this rmsim installation (install rmsim from a clone with pip install -e .); give the path of the YAML file",
            )
        path = INSTRUMENTS_FOLDER / f"{text}.yaml"
        if not path.is_file():
            known = ", ".join(available_instruments()) or "none"
            raise ConfigError("instrument", text, f"no such instrument in data/instruments (available: {known}); or give a path")
    return _instrument_from_file(path)


def _instrument_from_file(path: Path) -> Instrument:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError("instrument", str(path), f"not valid YAML ({where}{problem})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError("instrument", str(path), f"cannot read the file ({error})") from None
    if not isinstance(data, dict):
        raise ConfigError("instrument", str(path), "the file must hold a mapping with name, version, scales ...")
    try:
        return Instrument.model_validate(data)
    except ConfigError as error:
        located = ConfigError(f"{path.name}: {error.field}", error.value, error.allowed)
        located.args = (f"{path.name}: {error.args[0]}",)
        raise located from None


def item_columns(instrument: InstrumentLike = DEFAULT_INSTRUMENT) -> tuple[str, ...]:
    """The item columns of a survey table for ``instrument`` (its item ids, in order)."""
    return load_instrument(instrument).item_ids


# --------------------------------------------------------------------------- latent states of a model


def survey_rng(seed: int, week: int) -> np.random.Generator:
    """The survey's random generator for a wave at ``week`` of a run with ``seed``.

    Independent of every generator of the model, which uses other spawn keys.
    """
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(SURVEY_STREAM, int(week))))


def turnover_intention(engagement: np.ndarray, inclusion: np.ndarray, params: RetentionParams) -> np.ndarray:
    """The ``turnover_intention`` state: the state part of the log exit hazard rescaled to [0, 1].

    ``1 - (b_E * E + b_I * I) / (b_E + b_I)`` with the retention effects ``b_E``, ``b_I`` (<= 0);
    ``1 - E`` when both are 0.
    """
    b_e, b_i = params.engagement_effect, params.inclusion_effect
    total = b_e + b_i
    if total == 0:
        return 1.0 - np.asarray(engagement, dtype=float)
    return np.clip(1.0 - (b_e * np.asarray(engagement, dtype=float) + b_i * np.asarray(inclusion, dtype=float)) / total, 0, 1)


def _pair_history(model: ReverseMentoringModel, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Role code and mean pair quality of each employee in ``ids`` in their most recent cohort."""
    role = np.full(len(ids), ROLE_NONE, dtype=np.int8)
    quality = np.full(len(ids), np.nan)
    pairs = model.pairs
    n = pairs.size
    if n == 0 or len(ids) == 0:
        return role, quality
    member = np.concatenate([pairs.mentor[:n], pairs.mentee[:n]])
    start = np.tile(pairs.start_week[:n], 2)
    kind = np.repeat(np.array([ROLE_MENTOR, ROLE_MENTEE], dtype=np.int8), n)
    q = np.tile(pairs.quality[:n], 2)
    order = np.lexsort((start, member))
    member, start, kind, q = member[order], start[order], kind[order], q[order]
    first = np.r_[True, member[1:] != member[:-1]]
    group = np.cumsum(first) - 1
    last = np.r_[first[1:], True]
    members, latest = member[last], start[last]
    keep = start == latest[group]
    mean_quality = np.bincount(group[keep], weights=q[keep], minlength=len(members)) / np.bincount(
        group[keep], minlength=len(members)
    )
    at = np.minimum(np.searchsorted(members, ids), len(members) - 1)
    found = members[at] == ids
    role[found] = kind[last][at[found]]
    quality[found] = mean_quality[at[found]]
    return role, quality


def latent_states(model: ReverseMentoringModel) -> pd.DataFrame:
    """The current employees of a model with their demographics and every latent state.

    Parameters
    ----------
    model
        A model at any week.

    Returns
    -------
    pandas.DataFrame
        One row per current employee, sorted by employee id: ``respondent_id``, ``week`` and the
        demographic schema columns (``role`` ... ``department``, see the module docstring), then
        one float column per key of :data:`LATENT_STATES`. Reading the model changes nothing in it.
    """
    wf = model.workforce
    positions = np.flatnonzero(wf.employee >= 0)
    positions = positions[np.argsort(wf.employee[positions], kind="stable")]
    ids = wf.employee[positions].astype(np.int64)
    n = len(ids)
    age = model.year - wf.birth_year[positions]
    role, quality = _pair_history(model, ids)
    departments = np.asarray(model.department_names, dtype=object)
    engagement, inclusion = wf.engagement[positions], wf.inclusion[positions]
    frame = pd.DataFrame(
        {
            "respondent_id": ids,
            "week": pd.array(np.full(n, model.week), dtype="Int64"),
            "role": pd.Categorical.from_codes(role, dtype=_CATEGORIES["role"]),
            "participant": pd.array(role != ROLE_NONE, dtype="boolean"),
            "generation": pd.Categorical.from_codes(wf.generation[positions], dtype=_CATEGORIES["generation"]),
            "age_band": pd.Categorical.from_codes(age_band(age), dtype=_CATEGORIES["age_band"]),
            "level": pd.Categorical.from_codes(wf.level[positions], dtype=_CATEGORIES["level"]),
            "gender": pd.Categorical.from_codes(wf.gender[positions], dtype=_CATEGORIES["gender"]),
            "minority": pd.array(wf.minority[positions], dtype="boolean"),
            "department": pd.array(departments[wf.department[positions]], dtype="string"),
            "engagement": engagement,
            "felt_value": wf.felt_value[positions],
            "inclusion": inclusion,
            "visibility": wf.visibility[positions],
            "sponsorship": wf.sponsorship[positions],
            "willingness": wf.willingness[positions],
            "openness": wf.openness[positions],
            **{f"skill_{domain}": wf.skills[d, positions] for d, domain in enumerate(DOMAINS)},
            "turnover_intention": turnover_intention(engagement, inclusion, model.config.retention),
            "pair_quality": quality,
        }
    )
    return frame


# --------------------------------------------------------------------------- measurement


def _probability(name: str, value: Any, *, zero: bool, one: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(value):
        raise ConfigError(name, value, "must be a number")
    low_ok = value >= 0 if zero else value > 0
    high_ok = value <= 1 if one else value < 1
    if not (low_ok and high_ok):
        interval = ("[" if zero else "(") + "0, 1" + ("]" if one else ")")
        raise ConfigError(name, value, f"must be a probability in {interval}")
    return float(value)


def measure(
    states: pd.DataFrame,
    instrument: InstrumentLike = DEFAULT_INSTRUMENT,
    *,
    rng: np.random.Generator,
    response_rate: float = 1.0,
    nonresponse_engagement: float = 0.0,
    item_nonresponse: float = 0.0,
) -> pd.DataFrame:
    """Answers to ``instrument`` of people with the given latent states (the measurement model).

    Parameters
    ----------
    states
        One row per person: a column per state the instrument measures (values in [0, 1], NaN
        where undefined); ``participant`` (bool) if a scale is for participants only;
        ``engagement`` if ``nonresponse_engagement`` is not 0. :func:`latent_states` makes one.
    instrument
        An instrument or its name or path (see :func:`load_instrument`).
    rng
        Generator of every draw; always ``len(states)`` uniforms, then ``(len(states), items)``
        normals, then as many uniforms (see the module docstring).
    response_rate
        Probability of responding, in (0, 1].
    nonresponse_engagement
        Change in the log-odds of responding per standard deviation of engagement above the mean.
    item_nonresponse
        Probability that a respondent leaves an item blank, in [0, 1).

    Returns
    -------
    pandas.DataFrame
        Same index as ``states``: ``responded`` (boolean), then one Int64 column per item
        (raw answers; missing for non-respondents, blank items and items not applicable).
    """
    inst = load_instrument(instrument)
    response_rate = _probability("response_rate", response_rate, zero=False, one=True)
    item_nonresponse = _probability("item_nonresponse", item_nonresponse, zero=True, one=False)
    if (
        isinstance(nonresponse_engagement, bool)
        or not isinstance(nonresponse_engagement, (int, float, np.integer, np.floating))
        or not math.isfinite(nonresponse_engagement)
    ):
        raise ConfigError("nonresponse_engagement", nonresponse_engagement, "must be a finite number")
    if not isinstance(states, pd.DataFrame):
        raise ConfigError("states", type(states).__name__, "give a DataFrame with one column per latent state")
    needed = list(inst.states)
    if any(scale.respondents == "participants" for scale in inst.scales):
        needed.append("participant")
    if nonresponse_engagement != 0:
        needed.append("engagement")
    missing = [column for column in dict.fromkeys(needed) if column not in states.columns]
    if missing:
        raise ConfigError("states", missing, f"columns needed by instrument {inst.name!r} are missing")
    n = len(states)
    scales = [scale for scale in inst.scales for _ in scale.items]
    items = [item for scale in inst.scales for item in scale.items]
    values = {name: states[name].to_numpy(dtype=float, na_value=np.nan) for name in inst.states}
    for name, column in values.items():
        outside = ~np.isnan(column) & ((column < 0) | (column > 1))
        if outside.any():
            raise ConfigError(f"states.{name}", float(column[outside][0]), "latent states lie in [0, 1] (NaN where undefined)")
    state = np.column_stack([values[scale.measures] for scale in scales])
    anchor = np.array([scale.anchor for scale in scales])
    spread = np.array([scale.spread for scale in scales])
    loading = np.array([item.loading for item in items])
    intercept = np.array([item.intercept for item in items])
    reverse = np.array([item.reverse for item in items])
    for_participants = np.array([scale.respondents == "participants" for scale in scales])

    u_response = rng.random(n)
    noise = rng.standard_normal((n, len(items)))
    u_item = rng.random((n, len(items)))

    latent = loading * (state - anchor) / spread + intercept + inst.measurement.noise_sd * noise
    low, high = inst.response_scale.min, inst.response_scale.max
    answer = low + np.searchsorted(inst.cut_points(), latent, side="right")
    answer = np.where(reverse, low + high - answer, answer).astype(np.int64)

    if nonresponse_engagement != 0 and n:
        engagement = states["engagement"].to_numpy(dtype=float, na_value=np.nan)
        sd = np.nanstd(engagement)
        z = np.nan_to_num((engagement - np.nanmean(engagement)) / sd) if sd > 0 else np.zeros(n)
    else:
        z = np.zeros(n)
    with np.errstate(over="ignore"):
        responded = u_response < special.expit(special.logit(response_rate) + nonresponse_engagement * z)
    applicable = ~np.isnan(state)
    if for_participants.any():
        participant = states["participant"].to_numpy(dtype=bool, na_value=False)
        applicable &= ~for_participants | participant[:, None]
    blank = ~applicable | ~responded[:, None] | (u_item < item_nonresponse)
    answer[blank] = low  # hidden by the mask; keeps every stored value in range
    columns: dict[str, Any] = {"responded": pd.array(responded, dtype="boolean")}
    for j, item in enumerate(items):
        columns[item.id] = pd.arrays.IntegerArray(np.ascontiguousarray(answer[:, j]), np.ascontiguousarray(blank[:, j]))
    return pd.DataFrame(columns, index=states.index)


def administer_survey(
    model: ReverseMentoringModel,
    instrument: InstrumentLike = DEFAULT_INSTRUMENT,
    *,
    wave: int = 0,
    rng: np.random.Generator | None = None,
    response_rate: float = 1.0,
    nonresponse_engagement: float = 0.0,
    item_nonresponse: float = 0.0,
    keep_nonrespondents: bool = False,
    include_latent: bool = False,
) -> pd.DataFrame:
    """Survey the current employees of a model at its current week.

    Parameters
    ----------
    model
        The model, at the week of the wave. It is only read.
    instrument
        An instrument or its name or path.
    wave
        Wave number written in the ``wave`` column.
    rng
        Generator of the survey's draws; by default :func:`survey_rng` of the model's seed and week.
    response_rate, nonresponse_engagement, item_nonresponse
        Non-response, see :func:`measure`.
    keep_nonrespondents
        Keep a row for every employee, with a ``responded`` column; otherwise only respondents.
    include_latent
        Add a ``true_<state>`` column for each state the instrument measures.

    Returns
    -------
    pandas.DataFrame
        A table in the survey schema (see the module docstring), sorted by respondent id.
    """
    inst = load_instrument(instrument)
    if isinstance(wave, bool) or not isinstance(wave, (int, np.integer)) or wave < 0:
        raise ConfigError("wave", wave, "must be a whole number >= 0")
    generator = rng if rng is not None else survey_rng(model.seed, model.week)
    states = latent_states(model)
    answers = measure(
        states,
        inst,
        rng=generator,
        response_rate=response_rate,
        nonresponse_engagement=nonresponse_engagement,
        item_nonresponse=item_nonresponse,
    )
    table = states[["respondent_id", "week", *_DEMOGRAPHICS]].copy()
    table.insert(1, "wave", np.full(len(table), int(wave), dtype=np.int64))
    if keep_nonrespondents:
        table["responded"] = answers["responded"]
    table = pd.concat([table, answers[list(inst.item_ids)]], axis=1)
    if include_latent:
        for name in inst.states:
            table[LATENT_PREFIX + name] = states[name]
    if not keep_nonrespondents:
        table = table[answers["responded"].to_numpy(dtype=bool)]
    return table.reset_index(drop=True)


def simulate_survey(
    scenario: Scenario | dict | str | os.PathLike[str] | ReverseMentoringModel | None = None,
    *,
    seed: int | None = None,
    instrument: InstrumentLike = DEFAULT_INSTRUMENT,
    waves: Sequence[int] = (0, 52),
    response_rate: float = 1.0,
    nonresponse_engagement: float = 0.0,
    item_nonresponse: float = 0.0,
    keep_nonrespondents: bool = False,
    include_latent: bool = False,
    survey_seed: int | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Run the model and survey its employees at the given weeks.

    Parameters
    ----------
    scenario
        What to simulate, as for :func:`rmsim.run` (a :class:`~rmsim.Scenario`, a dict, a YAML path
        or None for the defaults), or a :class:`~rmsim.ReverseMentoringModel` already made (then
        ``seed`` and ``overrides`` must not be given). The model is stepped to the last wave and left
        there: to get the run's results as well, make the model, pass it here, then call
        ``model.run_model()`` and ``model.result()``; the survey does not change them.
    seed
        Seed of the simulation.
    instrument
        An instrument or its name or path (see :func:`load_instrument`).
    waves
        Weeks at which to survey, strictly increasing, from the model's current week (0 for a new
        model) to the scenario's ``weeks``. The ``wave`` column numbers them 0, 1, ...
    response_rate, nonresponse_engagement, item_nonresponse
        Non-response, see :func:`measure`.
    keep_nonrespondents, include_latent
        See :func:`administer_survey`.
    survey_seed
        Seed of the survey's draws; by default the model's seed. The survey's generators
        (:func:`survey_rng`) never share draws with the model's.
    **overrides
        Scenario overrides, as for :func:`rmsim.run` (``employees=500``, ``policy="random"`` ...).

    Returns
    -------
    pandas.DataFrame
        All waves in the survey schema (see the module docstring), by wave then respondent id.

    Examples
    --------
    >>> from rmsim.survey import simulate_survey
    >>> table = simulate_survey(seed=1, employees=200, weeks=26, waves=[0, 26], response_rate=0.8)
    >>> sorted(table["wave"].unique().tolist())
    [0, 1]
    """
    inst = load_instrument(instrument)
    if isinstance(scenario, ReverseMentoringModel):
        if seed is not None or overrides:
            given = "seed" if seed is not None else next(iter(overrides))
            raise ConfigError(
                given,
                seed if seed is not None else overrides[given],
                "not allowed with a model passed as scenario, which already has its seed and scenario",
            )
        model = scenario
    else:
        model = ReverseMentoringModel(scenario, seed=seed, **overrides)
    weeks = _wave_weeks(waves, model)
    if survey_seed is None:
        survey_seed = model.seed
    elif isinstance(survey_seed, bool) or not isinstance(survey_seed, (int, np.integer)) or survey_seed < 0:
        raise ConfigError("survey_seed", survey_seed, "must be an integer >= 0")
    tables = []
    for wave, week in enumerate(weeks):
        while model.week < week:
            model.step()
        tables.append(
            administer_survey(
                model,
                inst,
                wave=wave,
                rng=survey_rng(survey_seed, week),
                response_rate=response_rate,
                nonresponse_engagement=nonresponse_engagement,
                item_nonresponse=item_nonresponse,
                keep_nonrespondents=keep_nonrespondents,
                include_latent=include_latent,
            )
        )
    return pd.concat(tables, ignore_index=True)


def _wave_weeks(waves: Sequence[int], model: ReverseMentoringModel) -> list[int]:
    horizon = model.config.weeks
    allowed = f"strictly increasing whole weeks from {model.week} (the model's week) to {horizon} (the scenario's weeks)"
    if isinstance(waves, (str, bytes)) or not isinstance(waves, Sequence) or len(waves) == 0:
        raise ConfigError("waves", waves, f"give a list of {allowed}")
    for week in waves:
        if isinstance(week, bool) or not isinstance(week, (int, np.integer)):
            raise ConfigError("waves", waves, f"{week!r} is not a whole week; give {allowed}")
    weeks = [int(week) for week in waves]
    if any(b <= a for a, b in itertools.pairwise(weeks)) or weeks[0] < model.week or weeks[-1] > horizon:
        raise ConfigError("waves", waves, f"give {allowed}")
    return weeks


# --------------------------------------------------------------------------- observed surveys


def read_survey(
    source: str | os.PathLike[str] | pd.DataFrame,
    instrument: InstrumentLike = DEFAULT_INSTRUMENT,
    *,
    sheet: str | int = 0,
) -> pd.DataFrame:
    """Read and validate a survey table.

    Parameters
    ----------
    source
        A ``.csv`` file (UTF-8, comma-separated, header row), an ``.xlsx`` workbook (the first
        non-empty row of the sheet is the header), a ``.parquet`` file, or a DataFrame (its index
        is ignored: reset it first if it holds a column).
    instrument
        The questionnaire the answers belong to (see :func:`load_instrument`).
    sheet
        Sheet of an ``.xlsx`` workbook: its name or its position (0 = first).

    Returns
    -------
    pandas.DataFrame
        The table in the survey schema: schema columns in canonical order and dtypes, the item
        columns in instrument order (Int64), ``true_<state>`` columns if present, then any other
        columns unchanged (text from CSV and Excel files). Header names are matched without
        regard to case or surrounding spaces. Rows keep their order; the index is 0, 1, ...

    Raises
    ------
    rmsim.errors.DataError
        On the first problem found, naming the column, the offending values, the rows (numbered as
        a spreadsheet shows them, see the module docstring) and what is allowed. Checked: the file
        can be read and has data rows; no column name repeats; no unnamed column holds values;
        ``respondent_id``, ``wave`` and every item column are present; no column looks like an item
        the instrument does not have (the letters of one of its item ids, or ``q``, ``item`` or
        ``question``, then a number: ``eng10``, ``Q7``); each value is allowed in its column (answers:
        whole numbers within the response scale or empty; text, decimals and numbers out of range
        are refused); no respondent appears twice in a wave; ``participant`` agrees with ``role``;
        non-participants did not answer items for participants.
    rmsim.errors.ConfigError
        If the instrument is invalid.
    """
    inst = load_instrument(instrument)
    if isinstance(source, pd.DataFrame):
        name = "survey table"
        raw = _from_frame(source, name)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".xlsx", ".xlsm", ".parquet", ".pq"):
            raise DataError(name, None, f"unknown file type {suffix or '(none)'!r}; allowed: .csv, .xlsx, .parquet")
        if not path.is_file():
            raise DataError(name, None, "no such file")
        if suffix == ".csv":
            raw = _read_csv(path, name)
        elif suffix in (".xlsx", ".xlsm"):
            raw = _read_excel(path, name, sheet)
        else:
            raw = _read_parquet(path, name)
    else:
        raise ConfigError("source", source, "give the path of a .csv, .xlsx or .parquet file, or a DataFrame")
    return _validate(raw, inst, name)


_HEADER_ROW = 1


def _rows(count: int) -> pd.RangeIndex:
    """Spreadsheet row numbers of ``count`` data rows under a header in row 1."""
    return pd.RangeIndex(_HEADER_ROW + 1, _HEADER_ROW + 1 + count)


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    return _table(*csv_records(path, name), name)


def _read_excel(path: Path, name: str, sheet: str | int) -> pd.DataFrame:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataError(
            name, None, f"not a readable .xlsx workbook ({str(error).splitlines()[0] if str(error) else type(error).__name__})"
        ) from None
    try:
        names = workbook.sheetnames
        if isinstance(sheet, bool) or not isinstance(sheet, (str, int)):
            raise ConfigError("sheet", sheet, "give a sheet name or a position (0 = first sheet)")
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataError(name, None, f"no sheet at position {sheet}; the workbook has {len(names)}: {', '.join(names)}")
            worksheet = workbook[names[sheet]]
        else:
            if sheet not in names:
                raise DataError(name, None, f"no sheet named {sheet!r}; sheets: {', '.join(names)}")
            worksheet = workbook[sheet]
        rows: list[list[Any]] = []
        numbers: list[int] = []
        for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [value.strip() if isinstance(value, str) else value for value in values]
            if any(cell is not None and cell != "" for cell in cells):
                rows.append(cells)
                numbers.append(number)
    finally:
        workbook.close()
    return _table(rows, numbers, name)


def _table(rows: list[list[Any]], numbers: list[int], name: str) -> pd.DataFrame:
    """Cells under the first row (the header) as an object table indexed by row number."""
    if not rows:
        raise DataError(name, None, "the file is empty; it needs a header row and one row per respondent and wave")
    if len(rows) == 1:
        raise DataError(name, None, "the file has a header but no data rows", [numbers[0]], unit="row")
    width = len(rows[0])
    too_long = [n for n, row in zip(numbers[1:], rows[1:], strict=True) if any(c not in (None, "") for c in row[width:])]
    if too_long:
        raise DataError(name, None, f"more cells than the {width} columns of the header", too_long, unit="row")
    cells = pd.DataFrame([(list(row) + [None] * width)[:width] for row in rows[1:]], index=pd.Index(numbers[1:]), dtype=object)
    return _named(cells, list(rows[0]), name, numbers[0], typed=False)


def _named(cells: pd.DataFrame, names: list[Any], name: str, header_row: int, *, typed: bool) -> pd.DataFrame:
    """``cells`` (indexed by row number) with normalised column names; unnamed empty columns dropped.

    Refuses repeated names and unnamed columns that hold values.
    """
    header = [
        "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip().lower() for value in names
    ]
    named = [column for column in header if column]
    repeated = sorted({column for column in named if named.count(column) > 1})
    if repeated:
        raise DataError(
            name, repeated[0], "the column appears more than once in the header (names ignore case)", [header_row], unit="row"
        )
    for position, column in enumerate(header):
        if not column:
            values = _text(cells.iloc[:, position])
            if values.notna().any():
                raise DataError(
                    name,
                    None,
                    f"column {position + 1} has no name in the header but holds values (was an index written with the "
                    "data? write files with index=False, or name the column)",
                    [int(row) for row in values.index[values.notna().to_numpy()]],
                    unit="row",
                )
    keep = [position for position, column in enumerate(header) if column]
    table = cells.iloc[:, keep].copy()
    table.columns = [header[position] for position in keep]
    table.attrs["header_row"] = header_row
    table.attrs["typed"] = typed
    return table


def _read_parquet(path: Path, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many types for unreadable files
        raise DataError(
            name, None, f"not a readable Parquet file ({str(error).splitlines()[0] if str(error) else type(error).__name__})"
        ) from None
    return _from_frame(frame, name)


def _from_frame(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if len(frame) == 0:
        raise DataError(name, None, "the table has no rows")
    return _named(frame.set_axis(_rows(len(frame)), axis=0), list(frame.columns), name, _HEADER_ROW, typed=True)


def _text(column: pd.Series) -> pd.Series:
    """Cells as stripped text, missing (NA) where empty."""
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def _show(values: pd.Series) -> str:
    shown = []
    for value in values.head(3):
        if isinstance(value, str):
            shown.append(repr(value))
        elif isinstance(value, (float, np.floating)):
            shown.append(f"{value:g}")
        else:
            shown.append(str(value))
    return ", ".join(shown)


def _fail(name: str, column: str, bad: pd.Series, problem: str, values: pd.Series | None = None) -> None:
    """Raise a DataError for the rows where ``bad`` holds (``bad`` is indexed by row number)."""
    mask = bad.fillna(False).to_numpy(dtype=bool) if bad.dtype != bool else bad.to_numpy()
    if not mask.any():
        return
    rows = [int(r) for r in bad.index[mask]]
    if values is not None:
        problem = f"{problem} (got {_show(values[mask])})"
    raise DataError(name, column, problem, rows, unit="row")


def _whole(raw: pd.DataFrame, column: str, name: str, *, required: bool) -> pd.Series:
    text = _text(raw[column])
    empty = text.isna()
    if required:
        _fail(name, column, empty, f"empty cell; every row needs a {column} (a whole number >= 0)")
    number = pd.to_numeric(text, errors="coerce").astype("Float64")
    values = number.to_numpy(dtype=float, na_value=np.nan)
    _fail(
        name,
        column,
        pd.Series(~empty.to_numpy() & np.isnan(values), index=raw.index),
        "not a number; allowed: whole numbers >= 0",
        text,
    )
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values != np.round(values)) | (values < 0))
    _fail(name, column, pd.Series(bad, index=raw.index), "not a whole number >= 0", pd.Series(values, index=raw.index))
    return pd.Series(pd.array(values, dtype="Float64").astype("Int64"), index=raw.index)


def _normalise(text: pd.Series) -> pd.Series:
    lowered = text.str.lower().str.replace("+", "_plus", regex=False)
    return lowered.str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")


_GENDER = {
    "female": "female", "f": "female", "woman": "female", "w": "female",
    "male": "male", "m": "male", "man": "male",
    "other": "other", "x": "other", "non_binary": "other", "nonbinary": "other", "diverse": "other", "d": "other",
}  # fmt: skip
_ALIASES: dict[str, dict[str, str]] = {
    "role": {role: role for role in ROLES} | {"mentors": "mentor", "mentees": "mentee", "no": "none", "neither": "none"},
    "generation": {g: g for g in GENERATION_NAMES}
    | {
        "silent_generation": "silent",
        "baby_boomer": "boomer",
        "baby_boomers": "boomer",
        "boomers": "boomer",
        "genx": "gen_x",
        "generation_x": "gen_x",
        "millennials": "millennial",
        "gen_y": "millennial",
        "geny": "millennial",
        "genz": "gen_z",
        "generation_z": "gen_z",
        "genalpha": "gen_alpha",
        "generation_alpha": "gen_alpha",
    },
    "age_band": {band: band for band in AGE_BANDS} | {"lt_25": "under_25", "below_25": "under_25", "55": "55_plus"},
    "level": {level: level for level in LEVELS} | {str(code): level for code, level in enumerate(LEVELS)},
    "gender": _GENDER,
}
_ALLOWED_TEXT = {
    "role": "none, mentor, mentee",
    "generation": ", ".join(GENERATION_NAMES) + " (any case; spaces or hyphens for _)",
    "age_band": ", ".join(AGE_BANDS) + " (any case; '25-34' and '55+' also work)",
    "level": ", ".join(LEVELS) + f" or 0-{len(LEVELS) - 1}",
    "gender": "female/f/woman, male/m/man, other/x/non-binary/diverse",
}
_BOOL = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "y": True, "n": False}


def _category(raw: pd.DataFrame, column: str, name: str) -> pd.Series:
    text = _text(raw[column])
    mapped = _normalise(text).map(_ALIASES[column])
    _fail(name, column, text.notna() & mapped.isna(), f"unknown value; allowed: {_ALLOWED_TEXT[column]} or an empty cell", text)
    return pd.Series(pd.Categorical(mapped, dtype=_CATEGORIES[column]), index=raw.index)


def _boolean(raw: pd.DataFrame, column: str, name: str) -> pd.Series:
    text = _text(raw[column])
    lowered = text.str.lower()
    lowered = lowered.mask(lowered == "1.0", "1").mask(lowered == "0.0", "0")
    mapped = lowered.map(_BOOL)
    _fail(
        name,
        column,
        text.notna() & mapped.isna(),
        "not a yes/no value; allowed: 1/0, true/false, yes/no, y/n or an empty cell",
        text,
    )
    return pd.Series(pd.array(mapped.astype(object).where(mapped.notna(), None).tolist(), dtype="boolean"), index=raw.index)


def _identifiers(raw: pd.DataFrame, name: str) -> pd.Series:
    text = _text(raw["respondent_id"])
    _fail(name, "respondent_id", text.isna(), "empty cell; every row needs a respondent_id")
    if text.str.fullmatch(r"0|-?[1-9][0-9]{0,17}").all():
        return pd.Series(pd.to_numeric(text).astype(np.int64).to_numpy(), index=raw.index)
    return text


def _answers(raw: pd.DataFrame, column: str, name: str, inst: Instrument) -> pd.Series:
    allowed = f"whole numbers {inst.response_scale.describe()} or an empty cell for no answer"
    text = _text(raw[column])
    empty = text.isna().to_numpy()
    values = pd.to_numeric(text, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    _fail(
        name, column, pd.Series(~empty & np.isnan(values), index=raw.index), f"text in an item column; allowed: {allowed}", text
    )
    number = pd.Series(values, index=raw.index)
    with np.errstate(invalid="ignore"):
        _fail(
            name,
            column,
            pd.Series(~empty & (values != np.round(values)), index=raw.index),
            f"not a whole number; allowed: {allowed}",
            number,
        )
        low, high = inst.response_scale.min, inst.response_scale.max
        _fail(
            name,
            column,
            pd.Series(~empty & ((values < low) | (values > high)), index=raw.index),
            f"answer out of range; allowed: {allowed}",
            number,
        )
    return pd.Series(pd.array(values, dtype="Float64").astype("Int64"), index=raw.index)


def _fraction(raw: pd.DataFrame, column: str, name: str) -> pd.Series:
    text = _text(raw[column])
    values = pd.to_numeric(text, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    empty = text.isna().to_numpy()
    with np.errstate(invalid="ignore"):
        bad = ~empty & (np.isnan(values) | (values < 0) | (values > 1))
    _fail(name, column, pd.Series(bad, index=raw.index), "not a latent state; allowed: numbers in [0, 1] or an empty cell", text)
    return pd.Series(values, index=raw.index)


def _item_like(column: str, inst: Instrument) -> bool:
    match = re.fullmatch(r"([a-z]+?)[_.\- ]?(\d+)[a-z]?", column)
    if match is None:
        return False
    stems = {re.sub(r"[_\d]+[a-z]?$", "", item) for item in inst.item_ids} | {"q", "item", "question"}
    return match.group(1) in stems


def _validate(raw: pd.DataFrame, inst: Instrument, name: str) -> pd.DataFrame:
    header_row = raw.attrs.get("header_row", _HEADER_ROW)
    present = list(raw.columns)
    items = list(inst.item_ids)
    missing = [c for c in REQUIRED_COLUMNS if c not in present] + [c for c in items if c not in present]
    if missing:
        listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise DataError(
            name,
            missing[0],
            f"required column missing from the header (missing: {listed}); a survey needs respondent_id, wave and one "
            f"column per item of instrument {inst.name!r} ({items[0]} ... {items[-1]}; empty columns are fine)",
            [header_row],
            unit="row",
        )
    latent = [c for c in present if c.startswith(LATENT_PREFIX) and c[len(LATENT_PREFIX) :] in LATENT_STATES]
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(items) | set(latent)
    unknown_items = [c for c in present if c not in known and _item_like(c, inst)]
    if unknown_items:
        raise DataError(
            name,
            unknown_items[0],
            f"looks like an item, but instrument {inst.name!r} has no such item (its items: {', '.join(items)}); "
            "rename or drop the column",
            [header_row],
            unit="row",
        )
    columns: dict[str, pd.Series] = {"respondent_id": _identifiers(raw, name), "wave": _whole(raw, "wave", name, required=True)}
    if "week" in present:
        columns["week"] = _whole(raw, "week", name, required=False)
    for column in (*_DEMOGRAPHICS, "responded"):
        if column not in present:
            continue
        if column in _CATEGORIES:
            columns[column] = _category(raw, column, name)
        elif column in _BOOLEAN_COLUMNS:
            columns[column] = _boolean(raw, column, name)
        else:
            columns[column] = _text(raw[column])
    for item in items:
        columns[item] = _answers(raw, item, name, inst)
    for column in latent:
        columns[column] = _fraction(raw, column, name)
    for column in present:
        if column not in columns:
            columns[column] = _text(raw[column]) if not raw.attrs.get("typed", False) else raw[column]
    table = pd.DataFrame(columns, index=raw.index)
    table["wave"] = table["wave"].astype(np.int64)

    duplicated = table.duplicated(["respondent_id", "wave"], keep=False)
    if duplicated.any():
        first = table.loc[duplicated].iloc[0]
        _fail(
            name,
            "respondent_id",
            duplicated,
            f"the same respondent appears more than once in a wave (respondent_id {first['respondent_id']!r} in wave "
            f"{first['wave']}); each respondent has one row per wave",
        )
    if "participant" in table and "role" in table:
        role, participant = table["role"], table["participant"]
        known_both = role.notna() & participant.notna()
        paired = (role != "none").fillna(False)
        _fail(
            name,
            "participant",
            known_both & (paired != participant.fillna(False)),
            "contradicts role: participant is true exactly for mentors and mentees (role none: false)",
            "participant " + participant.astype("string").str.lower() + " with role " + role.astype("string"),
        )
    if "participant" in table:
        outsider = table["participant"].eq(False).fillna(False)
        for scale in inst.scales:
            if scale.respondents != "participants":
                continue
            for item in scale.item_ids:
                _fail(
                    name,
                    item,
                    outsider & table[item].notna(),
                    f"answer to an item of scale {scale.name!r}, which only programme participants answer, from a "
                    "respondent with participant = false; leave it empty or correct participant",
                    table[item].astype("Float64"),
                )
    order = [c for c in ("respondent_id", "wave", "week", *_DEMOGRAPHICS, "responded") if c in table] + items + latent
    order += [c for c in table.columns if c not in order]
    return table[order].reset_index(drop=True)


# --------------------------------------------------------------------------- scoring and reliability


def _keyed(responses: pd.DataFrame, item_ids: Sequence[str], inst: Instrument) -> np.ndarray:
    """``(n, k)`` float answers of ``item_ids`` with reverse-keyed items reversed; NaN where missing."""
    if not isinstance(responses, pd.DataFrame):
        raise ConfigError("responses", type(responses).__name__, "give a DataFrame in the survey schema")
    missing = [item for item in item_ids if item not in responses.columns]
    if missing:
        raise DataError(
            "responses", missing[0], f"item column missing (missing: {', '.join(missing)}) for instrument {inst.name!r}"
        )
    low, high = inst.response_scale.min, inst.response_scale.max
    reverse = set(inst.reverse_items)
    matrix = np.empty((len(responses), len(item_ids)))
    for j, item in enumerate(item_ids):
        column = responses[item]
        try:
            values = pd.to_numeric(column, errors="raise").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise DataError(
                "responses", item, "not numeric; read the table with rmsim.survey.read_survey to find the bad cells"
            ) from None
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
        _fail(
            "responses",
            item,
            pd.Series(bad, index=_rows(len(responses))),
            f"answer out of range; allowed: whole numbers {low}-{high}",
            pd.Series(values, index=_rows(len(responses))),
        )
        matrix[:, j] = low + high - values if item in reverse else values
    return matrix


def reverse_key(responses: pd.DataFrame, instrument: InstrumentLike = DEFAULT_INSTRUMENT) -> pd.DataFrame:
    """A copy of ``responses`` with every reverse-keyed item recoded as ``min + max - answer``.

    After this, a high answer means more of the construct on every item. Other columns are unchanged.

    Raises
    ------
    rmsim.errors.DataError
        If an item column is missing or holds values outside the response scale.
    """
    inst = load_instrument(instrument)
    keyed = responses.copy()
    reverse = list(inst.reverse_items)
    if reverse:
        values = _keyed(responses, reverse, inst)
        for j, item in enumerate(reverse):
            keyed[item] = pd.array(values[:, j], dtype="Float64").astype("Int64")
    return keyed


def score_scales(
    responses: pd.DataFrame, instrument: InstrumentLike = DEFAULT_INSTRUMENT, *, min_items: int | None = None
) -> pd.DataFrame:
    """Scale scores: the mean of each scale's answered items after reverse-keying.

    Parameters
    ----------
    responses
        A table in the survey schema (from :func:`read_survey` or :func:`simulate_survey`).
    instrument
        Its questionnaire.
    min_items
        Answered items needed for a score, for every scale (capped at the scale's size). By default
        each scale's ``min_items``, or half its items rounded up: a respondent who skips a few items
        still gets a score (the mean of the items answered), one who skips most does not.

    Returns
    -------
    pandas.DataFrame
        Same index as ``responses``, one float column per scale (NaN without enough answers, e.g. the
        mentoring scales of non-participants). Join it back with ``responses.join(scores)``.
    """
    inst = load_instrument(instrument)
    if min_items is not None and (isinstance(min_items, bool) or not isinstance(min_items, (int, np.integer)) or min_items < 1):
        raise ConfigError("min_items", min_items, "must be a whole number >= 1 (or None for each scale's rule)")
    scores: dict[str, np.ndarray] = {}
    for scale in inst.scales:
        values = _keyed(responses, scale.item_ids, inst)
        answered = ~np.isnan(values)
        count = answered.sum(axis=1)
        total = np.where(answered, values, 0.0).sum(axis=1)
        need = min(int(min_items), len(scale.items)) if min_items is not None else scale.required_items
        with np.errstate(invalid="ignore", divide="ignore"):
            scores[scale.name] = np.where(count >= max(need, 1), total / count, np.nan)
    return pd.DataFrame(scores, index=responses.index)


class Alpha(NamedTuple):
    """Cronbach's alpha with its confidence interval (see :func:`cronbach_alpha`)."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int


def _matrix(items: Any, name: str = "items") -> tuple[np.ndarray, list[Any]]:
    """Numeric ``(n, k)`` matrix of complete rows and the column labels."""
    if isinstance(items, pd.DataFrame):
        labels = list(items.columns)
        try:
            values = items.apply(pd.to_numeric, errors="raise").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise ConfigError(name, list(items.columns), "item columns must hold numbers (or missing values)") from None
    else:
        try:
            values = np.asarray(items, dtype=float)
        except (TypeError, ValueError):
            raise ConfigError(name, type(items).__name__, "give a DataFrame or a 2-D array of numeric answers") from None
        if values.ndim != 2:
            raise ConfigError(
                name, f"array of shape {values.shape}", "give a 2-D array: one row per respondent, one column per item"
            )
        labels = list(range(values.shape[1]))
    return values[~np.isnan(values).any(axis=1)], labels


def cronbach_alpha(items: pd.DataFrame | np.ndarray, *, confidence: float = 0.95) -> Alpha:
    """Cronbach's alpha of a set of items, with Feldt's confidence interval.

    Parameters
    ----------
    items
        One row per respondent, one column per item (already reverse-keyed, see :func:`reverse_key`).
        Rows with any missing answer are left out (listwise deletion).
    confidence
        Level of the interval, in (0, 1).

    Returns
    -------
    Alpha
        ``alpha = k / (k - 1) * (1 - sum of item variances / variance of the sum)`` over the *n*
        complete rows and *k* items, and ``ci_low``, ``ci_high``. NaN when *n* < 2 or the sum
        does not vary.

    Notes
    -----
    Feldt's (1965) interval: under the model of essentially parallel items with normal errors,
    ``(1 - alpha) / (1 - alpha_hat)`` follows an F distribution with ``n - 1`` and
    ``(n - 1)(k - 1)`` degrees of freedom, so with ``F_p`` its quantiles and ``g = 1 - confidence``:
    ``ci_low = 1 - (1 - alpha_hat) * F_{1-g/2}`` and ``ci_high = 1 - (1 - alpha_hat) * F_{g/2}``.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
    coefficient twenty. Psychometrika, 30(3), 357-370; Feldt, L. S., Woodruff, D. J., & Salih, F. A.
    (1987). Statistical inference for coefficient alpha. Applied Psychological Measurement, 11(1), 93-103.

    Raises
    ------
    rmsim.errors.ConfigError
        With fewer than two items, non-numeric items or a confidence outside (0, 1).
    """
    values, _ = _matrix(items)
    n, k = values.shape
    if k < 2:
        raise ConfigError("items", f"{k} item column{'s' if k != 1 else ''}", "Cronbach's alpha needs at least 2 items")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise ConfigError("confidence", confidence, "must be strictly between 0 and 1")
    if n < 2:
        return Alpha(math.nan, math.nan, math.nan, n, k)
    total_variance = float(values.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        return Alpha(math.nan, math.nan, math.nan, n, k)
    alpha = k / (k - 1) * (1.0 - float(values.var(axis=0, ddof=1).sum()) / total_variance)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    gamma = 1.0 - confidence
    low = 1.0 - (1.0 - alpha) * float(stats.f.ppf(1.0 - gamma / 2.0, df1, df2))
    high = 1.0 - (1.0 - alpha) * float(stats.f.ppf(gamma / 2.0, df1, df2))
    return Alpha(alpha, low, high, n, k)


def item_rest_correlations(items: pd.DataFrame | np.ndarray) -> pd.Series:
    """Corrected item-total correlations: each item with the sum of the *other* items.

    Parameters
    ----------
    items
        One row per respondent, one column per item (reverse-keyed); rows with a missing answer are
        left out.

    Returns
    -------
    pandas.Series
        One value per item, indexed by the column names (0, 1, ... for an array); NaN for an item
        or a rest score that does not vary. Low or negative values flag items that do not fit the
        scale, or a reverse-keyed item left unreversed.
    """
    values, labels = _matrix(items)
    if values.shape[1] < 2:
        raise ConfigError("items", f"{values.shape[1]} item column", "item-rest correlations need at least 2 items")
    centred = values - values.mean(axis=0)
    rest = values.sum(axis=1, keepdims=True) - values
    rest = rest - rest.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (centred * rest).sum(axis=0) / np.sqrt((centred**2).sum(axis=0) * (rest**2).sum(axis=0))
    return pd.Series(r, index=labels, name="item_rest_correlation")


def reliability(
    responses: pd.DataFrame,
    instrument: InstrumentLike = DEFAULT_INSTRUMENT,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Reliability of every scale: Cronbach's alpha with Feldt's interval, and scale-score summaries.

    Parameters
    ----------
    responses
        A table in the survey schema.
    instrument
        Its questionnaire.
    by
        Column(s) to compute the table for each group of (``"wave"``, ``["wave", "role"]`` ...).
    confidence
        Level of the alpha intervals.

    Returns
    -------
    pandas.DataFrame
        One row per (group and) scale: the ``by`` columns, ``scale``, ``items`` (*k*), ``n`` (rows
        with every item of the scale answered, used for alpha), ``alpha``, ``ci_low``, ``ci_high``,
        ``min_item_rest`` (the lowest item-rest correlation), ``n_scored`` (rows with a score under
        the minimum-items rule), ``mean`` and ``sd`` of the scale score. Alpha needs at least two
        items and two complete rows; otherwise it is NaN.
    """
    inst = load_instrument(instrument)
    keys = [by] if isinstance(by, str) else list(by or [])
    absent = [key for key in keys if key not in responses.columns]
    if absent:
        raise ConfigError("by", absent[0], "not a column of responses")
    groups = responses.groupby(keys, observed=True, sort=True, dropna=False) if keys else [((), responses)]
    rows = []
    for key, part in groups:
        labels = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        scores = score_scales(part, inst)
        for scale in inst.scales:
            values = _keyed(part, scale.item_ids, inst)
            complete = values[~np.isnan(values).any(axis=1)]
            k, n = complete.shape[1], complete.shape[0]
            if k >= 2 and n >= 2:
                alpha = cronbach_alpha(complete, confidence=confidence)
                rest = item_rest_correlations(complete) if n >= 3 else pd.Series([np.nan])
            else:
                alpha, rest = Alpha(math.nan, math.nan, math.nan, n, k), pd.Series([np.nan])
            score = scores[scale.name].dropna()
            rows.append(
                {
                    **labels,
                    "scale": scale.name,
                    "items": k,
                    "n": n,
                    "alpha": alpha.alpha,
                    "ci_low": alpha.ci_low,
                    "ci_high": alpha.ci_high,
                    "min_item_rest": float(rest.min()) if rest.notna().any() else math.nan,
                    "n_scored": len(score),
                    "mean": float(score.mean()) if len(score) else math.nan,
                    "sd": float(score.std(ddof=1)) if len(score) > 1 else math.nan,
                }
            )
    return pd.DataFrame(rows)
