"""rmsim: agent-based simulation of reverse-mentoring programmes.

The public API:

- :class:`Scenario`, :class:`Organisation`, :class:`Programme`: what to simulate;
- :func:`run` and :class:`ReverseMentoringModel`: simulate it;
- :class:`RunResult`: tidy result frames, written with ``to_parquet``;
- :func:`register_policy`, :func:`available_policies`, :class:`Matching`,
  :class:`CandidatePool`: pairing policies;
- :class:`Experiment`, :func:`run_experiment`, :func:`load_results`:
  replications, sweeps and policy comparisons on any backend.
"""

from importlib import metadata

from rmsim.config import Scenario
from rmsim.errors import ConfigError, DataError, RmsimError
from rmsim.experiment import Experiment, run_experiment
from rmsim.model import Employee, ReverseMentoringModel, run
from rmsim.pairing import CandidatePool, Matching, available_policies, get_policy, register_policy
from rmsim.programme import Programme
from rmsim.results import RunResult
from rmsim.store import ExperimentResults, load_results
from rmsim.workforce import DOMAINS, GENERATION_NAMES, LEVELS, Organisation

try:
    __version__ = metadata.version("rmsim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DOMAINS",
    "GENERATION_NAMES",
    "LEVELS",
    "CandidatePool",
    "ConfigError",
    "DataError",
    "Employee",
    "Experiment",
    "ExperimentResults",
    "Matching",
    "Organisation",
    "Programme",
    "ReverseMentoringModel",
    "RmsimError",
    "RunResult",
    "Scenario",
    "__version__",
    "available_policies",
    "get_policy",
    "load_results",
    "register_policy",
    "run",
    "run_experiment",
]
