"""Feedback a learner may see: their own code and outputs, and per part the points and the hint.

nbgrader's own feedback shows hidden tests and their tracebacks (nbgrader issues #917, #1363).
Here every test cell is rebuilt from the *student release* (so hidden tests are not there to
show) and its outputs are replaced by one line: passed or failed, points, and the hint.
"""

from __future__ import annotations

import html
from functools import cache

import nbformat
from nbconvert import HTMLExporter
from nbformat.v4 import new_markdown_cell, new_output

from autograder.grading import SubmissionResult


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def feedback_notebook(autograded: nbformat.NotebookNode, release: nbformat.NotebookNode,
                      result: SubmissionResult) -> nbformat.NotebookNode:
    release_cells = {_meta(c).get("grade_id"): c for c in release.cells if _meta(c)}
    parts = {p.id: p for p in result.parts}
    nb = nbformat.from_dict(autograded)
    cells = []
    for cell in nb.cells:
        grade_id = _meta(cell).get("grade_id")
        part = parts.get(grade_id)
        if cell.cell_type == "code" and _meta(cell).get("grade") and part is not None:
            public = release_cells.get(grade_id)
            cell.source = public.source if public is not None else "# (tests)"
            if part.passed:
                line = f"✅ Passed: {part.score:g} / {part.max_score:g} points.\n"
            else:
                line = f"❌ Failed: {part.score:g} / {part.max_score:g} points."
                line += f" Hint: {part.hint}\n" if part.hint else "\n"
            cell.outputs = [new_output("stream", name="stdout", text=line)]
        cells.append(cell)
    rows = "".join(
        f"<tr><td>{html.escape(p.id)}</td><td>"
        + ("to be graded by hand" if p.manual else ("passed" if p.passed else "failed"))
        + f"</td><td>{'-' if p.manual else f'{p.score:g}'} / {p.max_score:g}</td></tr>"
        for p in result.parts)
    summary = new_markdown_cell(
        f"# Feedback: {html.escape(result.assignment)}\n\n"
        f"**Auto-graded score: {result.score:g} / {result.max_score:g}**"
        + (f" (plus {result.manual_max_score:g} points graded by hand)"
           if result.manual_max_score else "")
        + "\n\n<table><tr><th>part</th><th>result</th><th>points</th></tr>" + rows + "</table>")
    nb.cells = [summary, *cells]
    return nb


@cache
def _exporter() -> HTMLExporter:
    return HTMLExporter(template_name="lab")  # building one loads templates and CSS: do it once


def feedback_html(autograded: nbformat.NotebookNode, release: nbformat.NotebookNode,
                  result: SubmissionResult) -> str:
    body, _ = _exporter().from_notebook_node(feedback_notebook(autograded, release, result))
    return body
