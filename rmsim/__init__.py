"""rmsim: agent-based simulation of reverse-mentoring programmes.

The public API:

- :class:`Scenario`, :class:`Organisation`, :class:`Programme`: what to simulate;
- :func:`run` and :class:`ReverseMentoringModel`: simulate it;
- :class:`RunResult`: tidy result frames, written with ``to_parquet``;
- :func:`register_policy`, :func:`available_policies`, :class:`Matching`,
  :class:`CandidatePool`: pairing policies;
- :class:`Experiment`, :func:`run_experiment`, :func:`load_results`:
  replications, sweeps and policy comparisons on any backend;
- :func:`build_report`: a standalone HTML report of an experiment, for a client;
- :func:`simulate_survey`, :func:`read_survey`, :func:`score_scales`,
  :func:`reliability`, :func:`cronbach_alpha`, :func:`load_instrument`:
  simulated and observed surveys in one schema; statistics in
  :mod:`rmsim.analysis`, example and fictional data in :mod:`rmsim.datasets`;
- :func:`load_case`, :func:`reproduce`, :func:`calibrate`: the case-study
  presets, their published figures and the parameters that reproduce them.
"""

from importlib import metadata

from rmsim import analysis, datasets
from rmsim.calibration import Calibration, calibrate
from rmsim.case_studies import CaseStudy, Reproduction, available_cases, load_case, reproduce
from rmsim.config import Scenario
from rmsim.errors import ConfigError, DataError, ParamsError, RmsimError
from rmsim.experiment import Experiment, run_experiment
from rmsim.model import Employee, ReverseMentoringModel, run
from rmsim.pairing import CandidatePool, Matching, available_policies, get_policy, register_policy
from rmsim.programme import Programme
from rmsim.report import build_report
from rmsim.results import RunResult
from rmsim.store import ExperimentResults, load_results
from rmsim.survey import Instrument, cronbach_alpha, load_instrument, read_survey, reliability, score_scales, simulate_survey
from rmsim.workforce import DOMAINS, GENERATION_NAMES, LEVELS, Organisation

try:
    __version__ = metadata.version("rmsim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DOMAINS",
    "GENERATION_NAMES",
    "LEVELS",
    "Calibration",
    "CandidatePool",
    "CaseStudy",
    "ConfigError",
    "DataError",
    "Employee",
    "Experiment",
    "ExperimentResults",
    "Instrument",
    "Matching",
    "Organisation",
    "ParamsError",
    "Programme",
    "Reproduction",
    "ReverseMentoringModel",
    "RmsimError",
    "RunResult",
    "Scenario",
    "__version__",
    "analysis",
    "available_cases",
    "available_policies",
    "build_report",
    "calibrate",
    "cronbach_alpha",
    "datasets",
    "get_policy",
    "load_case",
    "load_instrument",
    "load_results",
    "read_survey",
    "register_policy",
    "reliability",
    "reproduce",
    "run",
    "run_experiment",
    "score_scales",
    "simulate_survey",
]
