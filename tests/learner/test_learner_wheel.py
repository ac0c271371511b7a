"""The learner wheel, ownit-learner: built from the repository, it holds the learner side and the
grading core and no answer; installed in a fresh venv, it checks an exercise in a folder that
holds only exercises/ (docs/learner-package.md).

The venv: a full install of the wheel's dependencies needs PyPI (about 300 MB, minutes), and
``--system-site-packages`` would show the base interpreter's packages, not this project's venv.
So the fresh venv gets the wheel alone (``pip install --no-deps --no-index``) and a ``.pth``
file naming this venv's site-packages for the dependencies. A ``.pth`` line only adds the folder
to ``sys.path``; the ``.pth`` files inside it, among them the editable install of this
repository, are not run, so ``ownit`` and ``autograder`` come from the wheel (a test checks).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from ownit.instructor import learner_wheel

pytestmark = pytest.mark.slow

NOTEBOOK = "exercises/deploy_safely/deploy_safely.ipynb"
# The code of an exercise's answer, by the names it has in the course (the bus_factor
# exercise's model and greedy truck factor, as notebook 04's model and the team tool name them).
ANSWER_NAMES = re.compile(r"\b(truck_factor_steps|greedy_walk|authors_among|file_authors|"
                          r"lint_file)\b|def (doa|authorship|truck_factor)\(")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    return learner_wheel.build(ROOT, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def venv(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv") / "learner"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", "--disable-pip-version-check", str(wheel)],
                   check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def env_of(python: Path, cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "OWNIT_ROOT", "VIRTUAL_ENV")}
    # The fresh venv's scripts first; this venv's after them for nbgrader's `alembic` (which
    # the wheel's own dependencies would put beside `ownit` in a real install).
    env["PATH"] = os.pathsep.join([str(python.parent), str(Path(sys.executable).parent),
                                   env.get("PATH", "")])
    env["PYTHONNOUSERSITE"] = "1"
    env["OWNIT_CACHE"] = str(cache)
    return env


@pytest.fixture(scope="session")
def learner(venv, tmp_path_factory):
    """Run a command of the installed wheel in a folder holding a copy of exercises/ only."""
    cache = tmp_path_factory.mktemp("cache")

    def run(args, folder: Path, cwd: Path | None = None):
        if not (folder / "exercises").is_dir():
            shutil.copytree(ROOT / "exercises", folder / "exercises")
        return subprocess.run([str(venv), *args], cwd=cwd or folder, capture_output=True,
                              text=True, env=env_of(venv, cache), timeout=300, check=False)
    return run


@pytest.fixture(scope="session")
def blank_check(learner, tmp_path_factory):
    return learner(["-m", "ownit", "check", "--json", NOTEBOOK], tmp_path_factory.mktemp("a"))


def test_the_wheel_holds_the_learner_side_and_no_answer(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        texts = {n: archive.read(n).decode("utf-8", "replace") for n in names}
    for needed in ("ownit/__init__.py", "ownit/__main__.py", "ownit/check.py", "ownit/paths.py",
                   "ownit/cli.py", "ownit/learner/check_cell.py", "ownit/learner/progress.py",
                   "ownit/learner/quiz/widget.py", "ownit/learner/lessons/bus_factor.py",
                   "ownit/learner/lessons/data/bus_factor_tables.json", "autograder/expect.py",
                   "autograder/submission.py", "autograder/templates/feedback.html.j2"):
        assert needed in names, needed
    for bank in (ROOT / "course" / "quizzes").glob("*.json"):
        assert texts[f"ownit/learner/quiz/banks/{bank.name}"] == bank.read_text(encoding="utf-8")
    assert not [n for n in names if re.search(r"(^|/)(instructor|solutions)(/|$)", n)]
    assert not [n for n in names if n.endswith(".ipynb")], "no notebook, no hidden test"
    assert not {n: m.group(0) for n, t in texts.items() if (m := ANSWER_NAMES.search(t))}
    metadata = texts[next(n for n in names if n.endswith(".dist-info/METADATA"))]
    assert "Name: ownit-learner" in metadata
    requires = re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)", metadata, flags=re.M)
    assert "nbgrader" in requires and not {"voila", "tqdm", "markdown-it-py"} & set(requires)
    entry_points = texts[next(n for n in names if n.endswith(".dist-info/entry_points.txt"))]
    assert "ownit = ownit.cli:run" in entry_points


def test_the_check_finds_an_answer_that_would_ship(tmp_path):
    found = learner_wheel.problems([("ownit/learner/extra.py", "def truck_factor(a):\n"),
                                    ("ownit/instructor/team/x.py", "")])
    assert len(found) == 2 and "exercise's answer" in found[0] and "instructor" in found[1]


def test_only_the_learner_commands_run_from_the_wheel(learner, venv, tmp_path):
    where = learner(["-c", "import importlib.util, autograder, ownit; "
                           "print(ownit.__file__, autograder.__file__, "
                           "importlib.util.find_spec('ownit.instructor'))"], tmp_path)
    own, core, instructor = where.stdout.split()
    home = venv.parent.parent
    assert Path(own).is_relative_to(home) and Path(core).is_relative_to(home), (own, core)
    assert instructor == "None"
    helped = learner(["-m", "ownit", "--help"], tmp_path)
    assert helped.returncode == 0 and "check" in helped.stdout
    refused = learner(["-m", "ownit", "release"], tmp_path)
    assert refused.returncode == 2
    assert "full course install" in refused.stderr and "Traceback" not in refused.stderr


def test_a_blank_exercise_checks_with_its_visible_tests_only(blank_check):
    assert blank_check.returncode == 1, blank_check.stderr
    report = json.loads(blank_check.stdout)
    assert set(report) == {"assignment", "notebook", "score", "max_score", "parts"}
    assert report["assignment"] == "deploy_safely" and report["notebook"] == NOTEBOOK
    assert 0 <= report["score"] < report["max_score"]
    for part in report["parts"]:
        assert set(part) == {"id", "score", "max_score", "passed", "manual", "hint"}
    visible = [p for p in report["parts"] if not p["id"].endswith("_hidden")]
    assert visible and all(not p["passed"] and "NotImplementedError" in p["hint"]
                           for p in visible)
    assert "Only the visible tests ran" in blank_check.stderr


def test_without_solutions_the_hidden_parts_give_no_points(blank_check):
    report = json.loads(blank_check.stdout)
    assert report["score"] == 0


def test_a_failing_visible_test_says_its_hint_in_the_check_cell(learner, tmp_path):
    """The check cell runs ``ownit check --json`` in a subprocess: its report is that JSON."""
    learner(["-c", "pass"], tmp_path)  # copies exercises/
    path = tmp_path / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "dora_bucket")
    cell.source = 'def dora_bucket(minutes):\n    return "one day"\n'
    nbformat.write(nb, path)
    # What the notebook's last cell runs, in the kernel's folder (the notebook's own).
    result = learner(["-c", "import json\nfrom pathlib import Path\n"
                            "from ownit.check import check_my_work\n"
                            "r = check_my_work('deploy_safely', "
                            "notebook=str(Path('deploy_safely.ipynb').resolve()))\n"
                            "print('REPORT', json.dumps(r))"], tmp_path, cwd=path.parent)
    assert result.returncode == 0 and "REPORT" in result.stdout, result.stdout + result.stderr
    report = json.loads(result.stdout.split("REPORT", 1)[1])
    parts = {p["id"]: p for p in report["parts"]}
    assert not parts["test_dora_bucket"]["passed"]
    assert "strict 'less than'" in parts["test_dora_bucket"]["hint"]
    assert "NotImplementedError" in parts["test_canary_score"]["hint"]
    assert report["score"] < report["max_score"]


def test_notebook_04_runs_from_the_wheel(learner, tmp_path):
    """It reads its precomputed tables, the quizzes come from the packaged banks (no
    course/quizzes/ here), and the cell of the instructor's tool says what it needs."""
    name = "04_bus_factor"
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "course" / f"{name}.ipynb", course)
    result = learner(["-c", "import sys, nbformat\nfrom nbclient import NotebookClient\n"
                            f"nb = nbformat.read('{name}.ipynb', as_version=4)\n"
                            "NotebookClient(nb, timeout=120, kernel_name='python3').execute()\n"
                            "out = [o.get('text', '') for c in nb.cells if c.cell_type == 'code'"
                            " for o in c.outputs]\n"
                            "print(any('needs the full course install' in t for t in out))"],
                     tmp_path, cwd=course)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-1] == "True"
