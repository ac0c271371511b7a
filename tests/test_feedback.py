"""Feedback pages: the learner's own work shows as text and pictures, never as live HTML."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.feedback import feedback_html
from autograder.grading import Part, SubmissionResult

ATTACK = "<script>alert('owned')</script>"


def test_learner_html_and_markdown_never_render_as_html():
    graded = new_notebook(cells=[
        new_code_cell("display(HTML(...))", outputs=[new_output(
            "display_data", data={"text/html": ATTACK, "text/plain": "<IPython.core.display>"})]),
        new_code_cell("svg", outputs=[new_output("display_data",
                                                 data={"image/svg+xml": f"<svg>{ATTACK}</svg>"})]),
        new_markdown_cell(f"My answer {ATTACK}", metadata={"nbgrader": {
            "grade_id": "essay", "solution": True, "grade": True, "points": 2, "locked": False}}),
    ])
    result = SubmissionResult("toy", "eve", 0, 0, [Part("essay", 0, 2, False, True, None)])
    page = feedback_html(graded, new_notebook(), result)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page or \
        "&lt;script&gt;alert('owned')&lt;/script&gt;" in page, "the answer is shown as text"
    assert "output not shown" in page and "&lt;IPython.core.display&gt;" in page
