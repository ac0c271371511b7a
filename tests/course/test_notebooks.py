"""Every notebook in the repository is clean, valid nbformat 4, with the python3 kernel."""

from __future__ import annotations

import subprocess

import nbformat
import pytest

from conftest import ROOT


def _tracked_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.split()
    on_disk = {str(p.relative_to(ROOT)) for top in ("course", "exercises", "solutions", "tests")
               for p in (ROOT / top).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    return sorted(set(listed) | on_disk)


NOTEBOOKS = _tracked_notebooks()


def test_there_are_notebooks():
    assert "course/00_start_here.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_clean_and_valid(name):
    nb = nbformat.read(ROOT / name, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    dirty = [n for n, cell in enumerate(nb.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert dirty == [], f"cells stored with outputs or execution counts: {dirty}"
