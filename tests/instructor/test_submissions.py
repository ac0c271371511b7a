"""Finding submissions without running anything: every entry ends as one submission or one
problem, ids are any folder name, staging never uses an id, CSV and text are made safe."""

from __future__ import annotations

import random
import zipfile

import pytest

from autograder.safe import clean_text, spreadsheet_safe, verbatim_markdown
from ownit.instructor.grade.submissions import discover, id_problem


def _nb(path, text='{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("name", ["josé", "_ta", "John Smith", "a.b+c@d.e", "李雷", "O.Brien-2"])
def test_any_folder_name_is_an_id(name):
    assert id_problem(name) is None


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\\b", "tab\tid", "zero\u200bwidth",
                                  " padded", "x" * 300, "=1+1", "<img src=x>", "[ab]", "x\";y",
                                  ".hidden", "it's"])
def test_names_that_cannot_be_one_folder_are_refused_with_a_reason(name):
    assert id_problem(name)


def test_every_entry_ends_as_a_submission_or_a_problem(tmp_path):
    subs = tmp_path / "subs"
    _nb(subs / "josé" / "toy" / "toy.ipynb")
    _nb(subs / "flat" / "toy.ipynb")  # notebooks but no assignment folder
    (subs / "notes.txt").write_text("hello")
    (subs / ".DS_Store").write_text("junk")
    with zipfile.ZipFile(subs / "John Smith.zip", "w") as archive:
        archive.writestr("toy.ipynb", '{"cells": []}')
    with zipfile.ZipFile(subs / "renamed.zip", "w") as archive:
        archive.writestr("toy/toy.ipynb", '{"cells": []}')
    found = {s.student: s for s in discover(subs, ["toy"], tmp_path / "staging")}
    assert set(found) == {"josé", "flat", "notes.txt", "John Smith", "renamed"}
    assert found["josé"].folder is not None and found["John Smith"].folder is not None
    assert "no folder named after an assignment" in found["flat"].problem
    assert "not a submission" in found["notes.txt"].problem
    staged = [s.folder for s in found.values() if s.folder and "staging" in s.folder.parts]
    assert staged and all("renamed" not in f.parts and "John Smith" not in f.parts
                          for f in staged), "staging folders are numbered, never ids"


def test_a_zip_with_a_path_outside_its_folder_is_refused(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    with zipfile.ZipFile(subs / "eve.zip", "w") as archive:
        archive.writestr("../../escape.ipynb", "{}")
    (found,) = discover(subs, ["toy"], tmp_path / "staging")
    assert found.folder is None and "unsafe path" in found.problem
    assert not (tmp_path / "escape.ipynb").exists()


def test_no_byte_sequence_breaks_the_text_cleaner():
    rng = random.Random(6)
    for _ in range(300):
        text = "".join(chr(rng.choice([0x1b, 0x9b, 0x07, 0x5b, 0x3b, 0x6d, 0x5d, 0x00,
                                       rng.randrange(0x110000)])) for _ in range(200))
        cleaned = clean_text(text)
        assert "\x1b" not in cleaned and "\x9b" not in cleaned and "\x00" not in cleaned
    assert clean_text("\x1b[38;5mred\x1b[0m ok") == "red ok"


@pytest.mark.parametrize("value,shown", [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1+1", "'+1+1"),
                                         ("@SUM(A1)", "'@SUM(A1)"), ("-2", "-2"), ("3.5", "3.5"),
                                         ("\tx", "'\tx"), ("plain", "plain"), ("-x", "'-x")])
def test_spreadsheet_fields_never_start_a_formula(value, shown):
    assert spreadsheet_safe(value) == shown


def test_learner_markdown_cannot_close_its_fence():
    text = "```\n<script>x</script>\n````"
    fenced = verbatim_markdown(text)
    fence = fenced.split("text", 1)[0]
    assert len(fence) > 4 and fenced.endswith(fence)


def test_the_archive_limits_are_the_ones_grading_was_given(tmp_path):
    """grade(..., limits=...) reaches the archive checks as it reaches the notebook checks."""
    from autograder.settings import Limits
    from ownit.instructor.grade.discover import submissions

    subs = tmp_path / "subs"
    subs.mkdir()
    with zipfile.ZipFile(subs / "ada.zip", "w") as archive:
        for name in ("toy/toy.ipynb", "toy/data.csv", "toy/notes.txt"):
            archive.writestr(name, '{"cells": []}')
    (usual,), _ = submissions(subs, ["toy"], ["toy"], tmp_path / "w1")
    (strict,), _ = submissions(subs, ["toy"], ["toy"], tmp_path / "w2",
                               limits=Limits(archive_entries=2))
    (shallow,), _ = submissions(subs, ["toy"], ["toy"], tmp_path / "w3",
                                limits=Limits(archive_depth=0))
    assert usual.problem is None and usual.folder is not None
    assert "over the 2 limit" in strict.problem and strict.folder is None
    assert "too long or too deep" in shallow.problem
