"""Feedback pages: the learner's own work shows as text and pictures, never as live HTML, and
what is the instructor's is decided from the source notebook, never from the submission."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.feedback import feedback_html
from autograder.submission import Part

ATTACK = "<script>alert('owned')</script>"


def _meta(grade_id, **flags):
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "solution": False,
                         "grade": False, "locked": False, "task": False, **flags}}


def _page(submitted, source=None, release=None, parts=()):
    source = source or new_notebook(cells=[
        new_markdown_cell("# Intro\n\nRead **this**.", metadata=_meta("intro", locked=True)),
        new_markdown_cell("Explain.\n### BEGIN SOLUTION\nIt is loud.\n### END SOLUTION",
                          metadata=_meta("essay", solution=True, grade=True, points=2)),
        new_code_cell("expect(f(1), 2, 'f adds one')\n### BEGIN HIDDEN TESTS\n"
                      "expect(f(-7), -6, 'negatives')\n### END HIDDEN TESTS",
                      metadata=_meta("test_f", grade=True, locked=True, points=3)),
    ])
    release = release or new_notebook(cells=[
        new_markdown_cell("# Intro\n\nRead **this**.", metadata=_meta("intro", locked=True)),
        new_code_cell("expect(f(1), 2, 'f adds one')",
                      metadata=_meta("test_f", grade=True, locked=True, points=3)),
    ])
    del source  # the page is built from the release alone (see the mark-scheme test)
    return feedback_html(assignment="toy", notebook="toy", submitted=submitted,
                         release=release, parts=list(parts))


def test_learner_html_and_markdown_never_render_as_html():
    submitted = new_notebook(cells=[
        new_code_cell("display(HTML(...))", outputs=[new_output(
            "display_data", data={"text/html": ATTACK, "text/plain": "<IPython.core.display>"})]),
        new_code_cell("svg", outputs=[new_output("display_data",
                                                 data={"image/svg+xml": f"<svg>{ATTACK}</svg>"})]),
        new_markdown_cell(f"My answer {ATTACK}", metadata=_meta("essay", solution=True,
                                                                grade=True, points=2)),
    ])
    page = _page(submitted, parts=[Part("essay", 0, 2, False, True, None, "toy")])
    assert "<script>alert" not in page and "<svg>" not in page
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page
    assert "output not shown" in page and "&lt;IPython.core.display&gt;" in page


def test_a_forged_locked_flag_does_not_make_learner_markdown_instructor_prose():
    forged = new_markdown_cell(f"<img src=x onerror=alert(1)> {ATTACK}",
                               metadata=_meta("essay", solution=False, locked=True, grade=True))
    added = new_markdown_cell(f"**bold** {ATTACK}", metadata=_meta("intro", locked=True))
    page = _page(new_notebook(cells=[added, forged]))
    assert "<img src=x" not in page and "<script>" not in page
    # The real intro cell (first copy of its grade id) shows the *source's* text, rendered.
    assert "<strong>this</strong>" in page and "<strong>bold</strong>" not in page


def test_hidden_tests_never_appear_and_the_test_shows_its_result_and_hint():
    submitted = new_notebook(cells=[new_code_cell(
        "tampered", metadata=_meta("test_f", grade=True, locked=True, points=3))])
    page = _page(submitted, parts=[Part("test_f", 0, 3, False, False, "f adds one", "toy")])
    assert "negatives" not in page and "-7" not in page and "HIDDEN" not in page
    assert "f adds one" in page and "failed" in page and "tampered" not in page


def test_escape_sequences_and_huge_cells_render_quickly():
    import time

    weird = "".join(f"\x1b[{n};5;m\x1b]8;;x\x07\x9b{n}" for n in range(2000))
    submitted = new_notebook(cells=[
        new_code_cell("x = 1\n" * 400_000, outputs=[new_output("stream", name="stdout",
                                                              text=weird * 20)]),
    ])
    started = time.monotonic()
    page = _page(submitted)
    assert time.monotonic() - started < 10
    assert "\x1b" not in page and "\x9b" not in page
    assert len(page) < 5 * 2**20
