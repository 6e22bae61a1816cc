"""Provenance of results: package versions, git revision, timestamps."""

from __future__ import annotations

import functools
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

_PACKAGES = ("rmsim", "numpy", "pandas", "scipy", "mesa", "pydantic", "pyarrow", "statsmodels", "networkx", "pyyaml")


@functools.lru_cache(maxsize=1)
def package_versions() -> dict[str, str | None]:
    """Versions of Python and of the packages a result depends on."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@functools.lru_cache(maxsize=1)
def git_revision() -> dict[str, Any]:
    """Commit of the rmsim checkout in use, and whether it had uncommitted changes.

    Both are None when rmsim is not running from a git checkout (for example
    when installed from a wheel).
    """
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return {"commit": None, "dirty": None}
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status.strip())}


def now() -> str:
    """Current UTC time in ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest(kind: str, **content: Any) -> dict[str, Any]:
    """A manifest dict: ``kind``, the given content, versions, git revision, time and command line."""
    return {
        "kind": kind,
        **content,
        "versions": package_versions(),
        "git": git_revision(),
        "created": now(),
        "command": " ".join(sys.argv),
    }
