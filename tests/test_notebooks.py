"""The notebooks: each runs top to bottom in fast mode, and each is stored without outputs.

The kernel is ``ipykernel`` started with the interpreter that runs the tests, so
a notebook is executed against the same environment (and the same ``rmsim``)
as the rest of the suite, whatever kernel specs are installed elsewhere.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import rmsim

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL_NAME = "python3"
CELL_TIMEOUT = 180
"""Seconds any one cell may run in fast mode before the test fails."""

PROBE = """\
import json, os, sys
import rmsim
print(json.dumps({"executable": sys.executable, "prefix": sys.prefix, "rmsim": rmsim.__file__,
                  "cwd": os.getcwd(), "fast": os.environ.get("RMSIM_FAST")}))
"""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ThisInterpreter(KernelSpecManager):
    """Resolve every kernel name to ipykernel run by this test process's interpreter."""

    def get_kernel_spec(self, kernel_name: str, *args: object, **kwargs: object) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name=f"Python {sys.version_info.major} (tests)",
            language="python",
            name=kernel_name,
        )


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment the kernel inherits: fast mode, and the notebook's own plotting backend."""
    monkeypatch.setenv("RMSIM_FAST", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)


def execute(nb: nbformat.NotebookNode, cwd: Path, name: str) -> nbformat.NotebookNode:
    """Run ``nb`` in place in a fresh kernel with working directory ``cwd``; fail with the first cell error."""
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ThisInterpreter())
    client = NotebookClient(nb, km=km, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{name}: a cell failed\n{_ANSI.sub('', str(error))}", pytrace=False)
    return nb


def probe_output(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The JSON printed by the probe cell, the notebook's last cell."""
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream" and o.name == "stdout")
    return json.loads(text.strip().splitlines()[-1])


def check_probe(seen: dict[str, str], cwd: Path) -> None:
    assert Path(seen["executable"]).resolve() == Path(sys.executable).resolve()
    assert Path(seen["prefix"]).resolve() == Path(sys.prefix).resolve()
    assert Path(seen["rmsim"]).resolve() == Path(rmsim.__file__).resolve()
    assert Path(seen["cwd"]).resolve() == cwd.resolve()
    assert seen["fast"] == "1"


def test_kernel_runs_in_this_environment(kernel_env: None, tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    check_probe(probe_output(execute(nb, tmp_path, "probe")), tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, kernel_env: None, tmp_path: Path) -> None:
    before = sorted(NOTEBOOK_DIR.iterdir())
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    check_probe(probe_output(execute(nb, tmp_path, path.name)), tmp_path)
    assert sorted(NOTEBOOK_DIR.iterdir()) == before, "running the notebook wrote into the repository"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None or "execution" in cell.metadata)
    ]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs or execution counts; clear them before committing"


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR.name}/"
