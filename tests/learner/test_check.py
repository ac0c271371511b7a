"""``ownit check``: the JSON contract, exit codes, hints without leaks, and the cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
import toy_course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return toy_course.build(tmp_path_factory.mktemp("toy"))


def check(course, notebook, *args):
    env = {**os.environ, "OWNIT_ROOT": str(course)}
    return subprocess.run([sys.executable, "-m", "ownit.cli", "check", *args, str(notebook)],
                          cwd=course, env=env, capture_output=True, text=True, timeout=300,
                          check=False)


def learner_copy(course, tmp_path, **answers):
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    path = tmp_path / "exercises" / "toy" / "toy.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(toy_course.with_answers(release, **answers), path)
    return path


def test_json_contract_for_a_full_solution(course, tmp_path):
    path = learner_copy(course, tmp_path,
                        shout="def shout(word):\n    return word.upper() + '!'",
                        count="def count(words):\n    return len(words)")
    result = check(course, path, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"assignment", "notebook", "score", "max_score", "parts"}
    assert report["assignment"] == "toy" and report["notebook"] == str(path)
    assert (report["score"], report["max_score"]) == (5, 5)
    parts = {p["id"]: p for p in report["parts"]}
    assert list(parts) == ["test_shout", "test_shout_hidden", "test_count_hidden", "essay"]
    for part in report["parts"]:
        assert set(part) == {"id", "score", "max_score", "passed", "manual", "hint"}
    assert parts["essay"]["manual"] and parts["essay"]["max_score"] == 3
    assert all(p["passed"] and p["hint"] is None for p in report["parts"] if not p["manual"])


def test_a_partly_wrong_answer_fails_with_the_hint_and_no_secret(course, tmp_path):
    path = learner_copy(course, tmp_path,
                        shout="def shout(word):\n    return word.upper() + '!' if word else ''",
                        count="def count(words):\n    return len(words)")
    result = check(course, path, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    parts = {p["id"]: p for p in report["parts"]}
    assert parts["test_shout"]["passed"] and not parts["test_shout_hidden"]["passed"]
    assert parts["test_shout_hidden"]["hint"] == "An empty word still gets its !"
    assert report["score"] == 3
    table = check(course, path)
    assert table.returncode == 1
    assert "hint: An empty word still gets its !" in table.stdout
    for output in (result.stdout, table.stdout):
        assert toy_course.SECRET not in output and "BEGIN HIDDEN" not in output
        assert "OWN!" not in output and "expect(" not in output


def test_hidden_error_says_it_raised_never_what_nor_the_input(course, tmp_path):
    path = learner_copy(course, tmp_path,
                        shout="def shout(word):\n    return word[0].upper() + word[1:] + '!'",
                        count="def count(words):\n    return len(words)")
    report = json.loads(check(course, path, "--json").stdout)
    hint = {p["id"]: p["hint"] for p in report["parts"]}["test_shout_hidden"]
    # Not even the exception's name: a class name is text learner code chooses (issue 10).
    assert "Your code raised an exception on the hidden tests' input" in hint
    assert hint.startswith("2 checks failed"), "the wrong value of the data check is named too"
    assert "empty words" in hint


def test_the_blank_release_scores_zero_and_says_not_done(course):
    result = check(course, course / "exercises" / "toy" / "toy.ipynb", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["score"] == 0 and report["max_score"] == 5
    assert all("NotImplementedError" in p["hint"] for p in report["parts"] if not p["manual"])


def test_without_solutions_only_visible_tests_run_and_it_says_so(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("solutions", ".ownit-cache"))
    result = check(copy, copy / "exercises" / "toy" / "toy.ipynb")
    assert "Only the visible tests ran" in result.stdout
    assert "test_shout_hidden" in result.stdout  # the part exists, its hidden checks do not


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.ipynb", "no such file"),
    (lambda d: (d / "notes.txt").write_text("x") and d / "notes.txt", "not a notebook"),
    (lambda d: (d / "toy.ipynb").write_text("{oops") and d / "toy.ipynb", "not a valid notebook"),
    (lambda d: (d / "other.ipynb").write_text(nbformat.writes(toy_course.toy_notebook()))
     and d / "other.ipynb", "is not an exercise of this course"),
], ids=["missing", "not-ipynb", "invalid-json", "unknown-assignment"])
def test_bad_input_exits_2_and_says_what_to_do(course, tmp_path, make, message):
    result = check(course, make(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""


def test_the_generated_assignment_is_cached_and_rebuilt_when_the_source_changes(course, tmp_path):
    release = course / "exercises" / "toy" / "toy.ipynb"
    check(course, release)
    entries = sorted((course / ".ownit-cache").iterdir())
    check(course, release)
    assert sorted((course / ".ownit-cache").iterdir()) == entries, "cache entry rebuilt"
    words = course / "solutions" / "toy" / "data" / "words.txt"
    original = words.read_text()
    try:
        words.write_text("own it now\n")
        check(course, release)
        after = sorted((course / ".ownit-cache").iterdir())
        assert after != entries and len(after) == 1, "stale entry kept or source change missed"
    finally:
        words.write_text(original)


def test_the_check_cell_function_reports_from_inside_a_notebook(course, tmp_path, monkeypatch,
                                                                 capsys):
    from ownit.check import check_my_work

    path = learner_copy(course, tmp_path, shout="def shout(word):\n    return word.upper() + '!'")
    monkeypatch.setenv("OWNIT_ROOT", str(course))
    report = check_my_work("toy", notebook=str(path))
    assert report["score"] == 3 and report["max_score"] == 5
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert check_my_work("toy", notebook=str(path)) is None, "no checking while nbgrader grades"


def test_the_check_cell_says_whether_the_hidden_tests_ran(course, tmp_path, monkeypatch):
    """The answer comes from the check itself (a field of its JSON), not from words on stderr:
    a copy of the course without solutions/ says only the visible tests ran, a full one not."""
    import IPython.display

    from ownit.check import check_my_work
    from ownit.learner.check_cell import VISIBLE_ONLY_NOTE

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda page: shown.append(page.data))

    path = learner_copy(course, tmp_path, shout="def shout(word):\n    return word.upper() + '!'")
    monkeypatch.setenv("OWNIT_ROOT", str(course))
    check_my_work("toy", notebook=str(path))
    assert shown and VISIBLE_ONLY_NOTE not in shown.pop()
    learner = tmp_path / "learner-course"
    shutil.copytree(course / "exercises", learner / "exercises")
    shutil.copy(course / "nbgrader_config.py", learner / "nbgrader_config.py")
    (learner / "course").mkdir()
    monkeypatch.setenv("OWNIT_ROOT", str(learner))
    report = check_my_work("toy", notebook=str(path))
    assert VISIBLE_ONLY_NOTE in shown.pop()
    parts = {p["id"]: p for p in report["parts"]}
    for hidden in ("test_shout_hidden", "test_count_hidden"):  # listed, nothing at stake
        assert (parts[hidden]["max_score"], parts[hidden]["passed"]) == (0, False), parts[hidden]
        assert "Not checked here" in parts[hidden]["hint"]
    assert report["score"] == report["max_score"] == parts["test_shout"]["max_score"]


def test_an_early_kernel_handed_to_the_check_is_the_one_that_runs_the_notebook(
        course, tmp_path, monkeypatch):
    from autograder.warm_kernel import start_kernel_early
    from ownit.learner.check import check_notebook

    # Only the early kernel has this variable: a kernel started later would answer '?'.
    path = learner_copy(course, tmp_path,
                        shout="import os\ndef shout(word):\n"
                              "    return word.upper() + os.environ.get('OWNIT_TEST_BANG', '?')",
                        count="def count(words):\n    return len(words)")
    monkeypatch.setenv("OWNIT_TEST_BANG", "!")
    early = start_kernel_early(str(path.parent))
    monkeypatch.delenv("OWNIT_TEST_BANG")
    result, _ = check_notebook(course, path, early_kernel=early)
    assert early.take() is None  # taken once, by the notebook's execution
    assert (result.score, result.max_score) == (5, 5), [p.hint for p in result.parts]


def test_the_check_gives_the_import_view_grading_gives(course, tmp_path, monkeypatch):
    """Unsandboxed, the learner's kernel could import the whole course (lesson code, generators,
    the grader); graded, it sees only expect and the check cell. The check shows the same view,
    so an answer leaning on lesson code fails in both, and one using expect passes in both."""
    from sandbox_required import need_sandbox

    from autograder.warm_kernel import start_kernel_early
    from ownit.learner.check import check_notebook

    need_sandbox()
    leaning = ("from ownit.learner.lessons import summary\n"
               "def shout(word):\n    return word.upper() + '!'")
    fine = ("from autograder.expect import to_plain\nfrom ownit.check import check_my_work\n"
            "def shout(word):\n    return word.upper() + '!'")
    scores = {}
    for name, shout in (("leaning", leaning), ("fine", fine)):
        path = learner_copy(course, tmp_path / name, shout=shout,
                            count="def count(words):\n    return len(words)")
        early = start_kernel_early(str(path.parent), ["pandas"])
        checked, _ = check_notebook(course, path, early_kernel=early)
        plain, _ = check_notebook(course, path)  # the kernel nbgrader starts, not the early one
        graded, _ = check_notebook(course, path, sandbox=True)
        scores[name] = (checked.score, plain.score, graded.score)
    assert scores["fine"] == (5, 5, 5), scores
    assert len(set(scores["leaning"])) == 1 and scores["leaning"][0] < 5, scores
