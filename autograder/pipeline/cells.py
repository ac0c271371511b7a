"""What the pipeline's steps read of a notebook cell, and the one output they write.

A cell's nbgrader metadata, whether it is a test cell (graded, not a solution), and the error
output the grader puts in a cell it judged failed or cut short.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbformat.v4 import new_output


def grader_meta(cell) -> dict:
    """The cell's nbgrader metadata ({} for a cell nbgrader does not know)."""
    return cell.metadata.get("nbgrader", {})


def is_test(cell) -> bool:
    """A test cell: a graded code cell that is not also a solution (nbgrader's rule)."""
    meta = grader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def error_output(ename: str, evalue: str) -> NotebookNode:
    """An error output written by the grader (nbgrader scores a test cell with one as failed)."""
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
