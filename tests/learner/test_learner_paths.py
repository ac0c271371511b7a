"""A learner's copy of the course (only exercises/, perhaps course/) serves the learner commands;
the instructor commands still need the clone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT
from ownit import paths
from ownit.learner.quiz import bank


@pytest.fixture
def installed_elsewhere(monkeypatch):
    """ownit as a wheel installs it: its own folder is no clone of the course."""
    monkeypatch.delenv("OWNIT_ROOT", raising=False)
    monkeypatch.setattr(paths, "__file__", "/nonexistent/site-packages/ownit/paths.py")


def test_the_folder_holding_exercises_is_the_course_of_a_learner(tmp_path, installed_elsewhere):
    (tmp_path / "exercises" / "deploy_safely").mkdir(parents=True)
    inside = tmp_path / "exercises" / "deploy_safely"
    assert paths.course_root(inside) == tmp_path
    with pytest.raises(paths.CourseNotFound, match="clone of the Own It repository"):
        paths.full_course_root(inside)


def test_a_clone_wins_over_a_learner_copy(tmp_path, installed_elsewhere):
    (tmp_path / "course").mkdir()
    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "mine" / "exercises").mkdir(parents=True)
    # Inside a clone, its solutions/ (the hidden tests) are there to check against.
    assert paths.course_root(tmp_path / "mine") == tmp_path
    assert paths.full_course_root(tmp_path / "mine") == tmp_path


def test_nothing_found_says_where_to_run(tmp_path, installed_elsewhere):
    with pytest.raises(paths.CourseNotFound, match="holds exercises/"):
        paths.course_root(tmp_path)


def test_quizzes_fall_back_to_the_packaged_banks(tmp_path, installed_elsewhere, monkeypatch):
    packaged = tmp_path / "banks"
    packaged.mkdir()
    (packaged / "00_start_here.json").write_bytes(
        (ROOT / "course" / "quizzes" / "00_start_here.json").read_bytes())
    monkeypatch.setattr(bank, "PACKAGED_BANKS", packaged)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exercises").mkdir()  # a learner's copy without course/quizzes/
    assert bank.banks_dir() == packaged
    assert "00_start_here" in bank.all_banks()
    (tmp_path / "course" / "quizzes").mkdir(parents=True)  # the copy's own banks win
    assert bank.banks_dir() == tmp_path / "course" / "quizzes"


def test_python_dash_m_ownit_runs_the_command():
    result = subprocess.run([sys.executable, "-m", "ownit", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "usage: ownit" in result.stdout and "check" in result.stdout


def test_instructor_commands_name_the_full_install_when_it_is_missing(monkeypatch, capsys):
    from ownit import cli

    monkeypatch.setattr(cli, "instructor_side_installed", lambda: False)
    assert cli.main(["release", "--check"]) == 2
    err = capsys.readouterr().err
    assert "learner package" in err and "full course install" in err


def _imports_without_posix_only_modules(*modules: str) -> subprocess.CompletedProcess:
    """Import ``modules`` as on Windows, where fcntl, resource, pwd and grp do not exist."""
    code = ("import sys\nfor name in ('fcntl', 'resource', 'pwd', 'grp'):\n"
            "    sys.modules[name] = None\n" + "".join(f"import {m}\n" for m in modules))
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_what_the_notebooks_import_needs_no_posix_only_module():
    result = _imports_without_posix_only_modules(
        "ownit.check", "ownit.cli", "autograder.expect", "ownit.learner.quiz",
        "ownit.learner.progress", "ownit.learner.start", "ownit.learner.lessons.bus_factor")
    assert result.returncode == 0, result.stderr


def test_ownit_check_needs_no_posix_only_module():
    """fcntl and resource are blocked as on Windows; pwd and grp too for the course's own
    modules, but nbgrader imports pwd whenever sys.platform is not win32 (and skips it there),
    so for the check's import chain they are looked for in the course's code instead."""
    code = ("import sys\nfor name in ('fcntl', 'resource'):\n    sys.modules[name] = None\n"
            "import ownit.learner.check\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    posix_only = ("import pwd", "import grp", "import fcntl", "import resource")
    top_level = [f"{path.relative_to(ROOT)}: {line.strip()}"
                 for folder in ("autograder", "ownit/learner")
                 for path in (ROOT / folder).rglob("*.py")
                 for line in path.read_text().splitlines() if line.startswith(posix_only)]
    assert top_level == [], top_level


def test_start_opens_the_exercises_of_a_copy_without_course(tmp_path):
    from ownit.learner.start import lab_command

    (tmp_path / "exercises").mkdir()
    assert "--LabApp.default_url=/lab/tree/exercises" in lab_command(tmp_path, port=1)
    assert "--LabApp.default_url=/lab/tree/course/00_start_here.ipynb" in lab_command(ROOT,
                                                                                      port=1)
