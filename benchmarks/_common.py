"""Shared by the benchmark scripts: provenance of the measured code and the printing of figures."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def source_digest() -> str:
    """Short SHA-256 digest of the rmsim package's Python source on disk.

    Runs of one benchmark are comparable only if they ran the same code; rmsim
    may be edited while a long benchmark runs, and worker processes import it
    afresh, so the scripts take the digest at the start and at the end.
    """
    import rmsim

    root = Path(rmsim.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fmt(value: float | None, spec: str = ",.2f", suffix: str = "") -> str:
    """Format a figure, or a dash when it was not measured."""
    return "-" if value is None else f"{value:{spec}}{suffix}"


def verdict(met: bool) -> str:
    """``MET`` or ``NOT MET``."""
    return "MET" if met else "NOT MET"


def progress(message: str) -> None:
    """Report progress on standard error (standard output carries only the figures)."""
    print(message, file=sys.stderr, flush=True)
