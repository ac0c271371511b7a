"""Feedback a learner may see: their own code and outputs, and per part the points and the hint.

nbgrader's own feedback shows hidden tests and their tracebacks (nbgrader issues #917, #1363).
Here every test cell is rebuilt from the *student release* (so hidden tests are not there to
show) and its outputs are replaced by one line: passed or failed, points, and the hint.
"""

from __future__ import annotations

import html
from functools import cache
from typing import TYPE_CHECKING

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.strings import clean_html
from nbformat.v4 import new_markdown_cell, new_output

if TYPE_CHECKING:
    from autograder.grading import SubmissionResult


# Outputs of a submission are shown as text and pictures only: its HTML, SVG or JavaScript could
# run in the browser of whoever opens the feedback (the instructor included).
SAFE_MIMETYPES = ("text/plain", "image/png", "image/jpeg")


def _verbatim(text: str) -> str:
    """Markdown the learner wrote, shown as written: a fenced block renders no HTML in it."""
    fence = "~" * max(3, 1 + max((len(run) for run in text.split() if set(run) == {"~"}),
                                 default=0))
    return f"{fence}text\n{text}\n{fence}"


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _safe_outputs(outputs: list) -> list:
    kept = []
    for output in outputs:
        if "data" in output:
            data = {k: v for k, v in output["data"].items() if k in SAFE_MIMETYPES}
            output["data"] = data or {"text/plain": "[output not shown: not text or an image]"}
            output["metadata"] = {}
        kept.append(output)
    return kept


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
        elif cell.cell_type == "code":
            cell.outputs = _safe_outputs(cell.outputs)
        elif cell.cell_type == "markdown" and not _meta(cell).get("locked"):
            cell.source = _verbatim(cell.source)
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


class _Remembered:
    """A template filter that remembers its results: most cells of a cohort's notebooks are the
    instructor's and the same for every student, so each is highlighted and cleaned once."""

    def __init__(self, function, size: int = 4096):
        self.function, self.size, self.seen = function, size, {}

    def __call__(self, source, *args, **kwargs):
        key = (str(source), args, repr(sorted(kwargs.items())))
        if key not in self.seen:
            if len(self.seen) >= self.size:
                self.seen.clear()
            self.seen[key] = self.function(source, *args, **kwargs)
        return self.seen[key]


@cache
def _exporter() -> HTMLExporter:
    # Building one loads templates and CSS: do it once. (Learner-written markdown is fenced and
    # learner outputs are reduced to text and pictures above, so nothing of theirs renders HTML.)
    exporter = HTMLExporter(template_name="lab")
    exporter.register_filter("clean_html", _Remembered(clean_html))
    exporter.filters = {**exporter.filters, "highlight_code": _Remembered(
        Highlight2HTML(pygments_lexer="ipython3", parent=exporter))}
    return exporter


def feedback_html(autograded: nbformat.NotebookNode, release: nbformat.NotebookNode,
                  result: SubmissionResult) -> str:
    body, _ = _exporter().from_notebook_node(feedback_notebook(autograded, release, result))
    return body
