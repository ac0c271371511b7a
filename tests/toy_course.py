"""A tiny course with one assignment, built in a temporary folder: tests of the grading commands
use it so they do not depend on the real exercises' content."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ownit.instructor.release import release

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
SECRET = "SECRET-EXPECTED-7f3a"
MARK_SCHEME = "MARKSCHEME-SECRET-91"


def _meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked,
            "schema_version": 3, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def hand_graded_cells() -> list:
    """A code answer graded by hand and a task cell whose mark scheme only the source holds."""
    task = new_markdown_cell("Task: name one risk of shouting in an incident channel.\n\n"
                             "=== BEGIN MARK SCHEME ===\n"
                             f"Full marks for panic or noise ({MARK_SCHEME}).\n"
                             "=== END MARK SCHEME ===", metadata=_meta("risk_task", points=1))
    task.metadata["nbgrader"]["task"] = True
    task.metadata["nbgrader"]["locked"] = True
    return [
        new_code_cell("def whisper(word):\n    ### BEGIN SOLUTION\n    return word.lower()\n"
                      "    ### END SOLUTION",
                      metadata=_meta("whisper", solution=True, grade=True, points=2)),
        task,
    ]


def toy_notebook(*, hand_graded: bool = False) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Toy\nCheck with `ownit check`; hidden tests exist.",
                          metadata=_meta("header", locked=True)),
        new_code_cell("from autograder.expect import expect\n"
                      "WORDS = open('data/words.txt').read().split()",
                      metadata=_meta("setup", locked=True)),
        new_code_cell("def shout(word):\n    ### BEGIN SOLUTION\n    return word.upper() + '!'\n"
                      "    ### END SOLUTION", metadata=_meta("shout", solution=True)),
        new_code_cell("expect(shout('hi'), 'HI!', 'Upper-case the word and add one !')",
                      metadata=_meta("test_shout", grade=True, locked=True, points=1)),
        new_code_cell("# Hidden tests: empty words and the data file\n### BEGIN HIDDEN TESTS\n"
                      f"expect(shout(''), '!', 'An empty word still gets its !')  # {SECRET}\n"
                      "expect([shout(w) for w in WORDS], ['OWN!', 'IT!'], 'Every word of data/')\n"
                      "### END HIDDEN TESTS",
                      metadata=_meta("test_shout_hidden", grade=True, locked=True, points=2)),
        new_code_cell("def count(words):\n    ### BEGIN SOLUTION\n    return len(words)\n"
                      "    ### END SOLUTION", metadata=_meta("count", solution=True)),
        new_code_cell("# Hidden tests: an empty list\n### BEGIN HIDDEN TESTS\n"
                      "expect(count([]), 0, 'Count an empty list too')\n"
                      "expect(count(['a', 'b']), 2, 'Count the words')\n### END HIDDEN TESTS",
                      metadata=_meta("test_count_hidden", grade=True, locked=True, points=2)),
        new_markdown_cell("Explain why shouting is bad manners.\n\n### BEGIN SOLUTION\n"
                          "It is loud.\n### END SOLUTION",
                          metadata=_meta("essay", solution=True, grade=True, points=3)),
    ]
    if hand_graded:
        cells += hand_graded_cells()
    return new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})


def build(root: Path, *, hand_graded: bool = False) -> Path:
    """A course root at ``root`` with solutions/toy and its release in exercises/toy (with
    ``hand_graded``, also a code answer graded by hand and a task with a mark scheme)."""
    (root / "course").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        "from pathlib import Path\nfrom autograder.settings import configure\n"
        "configure(get_config(), Path(__file__).resolve().parent)\n")
    source = root / "solutions" / "toy"
    (source / "data").mkdir(parents=True)
    (source / "data" / "words.txt").write_text("own it\n")
    nbformat.write(toy_notebook(hand_graded=hand_graded), source / "toy.ipynb")
    release(root, gradebook=root / "ignored-gradebook.db")
    return root


def with_answers(nb: nbformat.NotebookNode, **answers: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the given answer cells (by grade id) replaced."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return copy
