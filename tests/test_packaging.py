"""pyproject.toml and environment.yml install the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names, and extras that conda spells as packages.
CONDA_NAMES = {"mesa[network]": ["mesa", "networkx"], "dask[distributed]": ["dask", "distributed"]}


def _split(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*(.*)", requirement.strip())
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    wanted: dict[str, str] = {}
    for requirement in requirements:
        name, spec = _split(requirement)
        for conda_name in CONDA_NAMES.get(name, [name]):
            wanted[conda_name] = spec if conda_name == name.split("[")[0] or name.startswith("dask[") else ""
    return wanted


def _environment() -> tuple[dict[str, str], list]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    packages = {}
    pip = []
    for entry in spec["dependencies"]:
        if isinstance(entry, dict):
            pip = entry["pip"]
            for requirement in pip:  # packages conda-forge lacks come from PyPI
                if not requirement.startswith("-"):
                    name, version = _split(requirement)
                    packages[name] = version
            continue
        name, version = _split(entry)
        packages[name] = version
    return packages, pip


def test_environment_installs_what_pyproject_requires() -> None:
    conda, _ = _environment()
    wanted = _pyproject()
    missing = sorted(set(wanted) - set(conda))
    assert not missing, f"environment.yml lacks {missing}"
    extra = sorted(set(conda) - set(wanted) - {"python", "pip"})
    assert not extra, f"environment.yml has packages pyproject.toml does not require: {extra}"
    differing = {name: (wanted[name], conda[name]) for name in wanted if wanted[name] and wanted[name] != conda[name]}
    assert not differing, f"version constraints differ (pyproject, environment.yml): {differing}"


def test_environment_installs_rmsim_itself_without_pulling_pypi_dependencies() -> None:
    _, pip = _environment()
    assert "--no-deps -e ." in pip


def test_python_requirement_agrees() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    conda, _ = _environment()
    assert project["requires-python"] == conda["python"]
