"""The README's examples run as written.

Every ```python block of README.md is executed in order in one namespace, in a
scratch folder; a ```yaml block whose first line is ``# NAME`` is written to
NAME there first, so the examples that load it find it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```(python|yaml)\n(.*?)```", re.DOTALL)


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_examples() -> None:
    kinds = [kind for kind, _ in _blocks()]
    assert kinds.count("python") >= 4


@pytest.mark.slow
def test_readme_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rmsim.pairing

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(ROOT / "data")
    namespace: dict[str, object] = {}
    registered = set(rmsim.available_policies())
    try:
        for kind, code in _blocks():
            if kind == "yaml":
                first = code.splitlines()[0]
                if first.startswith("# "):
                    (tmp_path / first[2:].strip()).write_text(code, encoding="utf-8")
                continue
            exec(compile(code, "README.md", "exec"), namespace)
    finally:
        for name in set(rmsim.available_policies()) - registered:
            rmsim.pairing._REGISTRY.pop(name)
    assert (tmp_path / "results" / "my-run" / "manifest.json").exists()
    assert namespace["result"].pairs["mentor_id"].notna().all()
