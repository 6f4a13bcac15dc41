"""The notebook in examples/ runs top to bottom on the project's own kernel (the Python API as users meet it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def python_kernel() -> str:
    """The python3 kernel, registered for this interpreter first if Jupyter cannot find one."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", sys.prefix], check=True,
                       capture_output=True)
    return "python3"


@pytest.mark.slow
def test_first_look_notebook_runs():
    pytest.importorskip("ipykernel", reason="the notebook's kernel comes with the calibrate extra")
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(EXAMPLES / "first_look.ipynb", as_version=4)
    NotebookClient(notebook, kernel_name=python_kernel(), timeout=120,
                   resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plotted metric
    assert "watermark_half" in str(outputs[-2])  # the comparison's summary, one row per scenario
