"""Shared by the benchmark scripts: cProfile statistics as tables of the most expensive functions."""

from __future__ import annotations

import pstats
from pathlib import Path
from typing import Any

Key = tuple[str, int, str]


def _label(key: Key) -> str:
    file, line, function = key
    if file == "~":
        return function
    path = Path(file)
    return f"{path.parent.name}/{path.name}:{line}({function})"


def profile_rows(stats: dict[Key, Any], keys: list[Key]) -> list[dict[str, Any]]:
    """One dict per function: calls, own and cumulative seconds and their shares of the total."""
    total = sum(row[2] for row in stats.values())
    return [
        {
            "function": _label(key),
            "calls": stats[key][1],
            "own_s": stats[key][2],
            "own_share": stats[key][2] / total,
            "cumulative_s": stats[key][3],
            "cumulative_share": stats[key][3] / total,
        }
        for key in keys
    ]


def top(stats: dict[Key, Any], n: int, *, by: str, only_rmsim: bool = False) -> list[Key]:
    """The ``n`` most expensive functions by ``"own"`` or ``"cumulative"`` time."""
    column = {"own": 2, "cumulative": 3}[by]
    keys = [k for k in stats if not only_rmsim or ("/rmsim/" in k[0].replace("\\", "/") and k[2] != "<module>")]
    return sorted(keys, key=lambda key: stats[key][column], reverse=True)[:n]


def profile_statistics(profiler: Any) -> tuple[dict[Key, Any], float]:
    """The profiler's raw statistics and their total own time."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    return stats, sum(row[2] for row in stats.values())
