"""Build the learner package, ownit-learner: ``python -m ownit.instructor.learner_wheel
[--out DIR]`` (``make learner-wheel``).

One pyproject builds one distribution, so the learner wheel has its own build configuration in
``ownit/instructor/learner_package/``. This assembles it in a temporary folder: that
configuration, the learner
files of the repository (:data:`FILES`, :data:`TREES`), the quiz banks as package data, and a
``requirements.txt`` holding the repository's own version ranges for the learner's dependencies
(:data:`LEARNER_DEPENDENCIES`), so nothing is committed twice. Then pip builds the wheel there and
the result is checked: a file of the instructor side, a solution or the bus-factor model in the
wheel stops the build (docs/learner-package.md).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ownit.paths import full_course_root

CONFIG = "ownit/instructor/learner_package"  # the wheel's pyproject.toml and README
FILES = ["ownit/__init__.py", "ownit/__main__.py", "ownit/check.py", "ownit/paths.py",
         "ownit/cli.py"]
TREES = ["ownit/learner", "autograder"]
BANKS = ("course/quizzes", "ownit/learner/quiz/banks")  # from, to
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")

# What the learner side imports, directly or through nbgrader's pipeline (ownit check runs it on
# the visible tests). Left out: notebook, voila (the workshop), tqdm and markdown-it-py (grading a
# cohort, the team tools).
LEARNER_DEPENDENCIES = ["jupyterlab", "nbgrader", "ipywidgets", "ipykernel", "pandas", "numpy",
                        "matplotlib", "nbformat", "nbclient", "nbconvert", "jsonschema",
                        "platformdirs", "jinja2"]

# Never in the wheel: paths of the instructor side or of solutions, and the code of an answer:
# the degree-of-authorship model and the greedy truck factor (the bus_factor exercise), the
# post-mortem linter (the blameless_postmortem exercise).
FORBIDDEN_PATHS = re.compile(r"(^|/)(instructor|solutions|postmortem_lint)(/|$)")
FORBIDDEN_CODE = re.compile(r"def (doa|authorship|file_authors|truck_factor|truck_factor_steps|"
                            r"greedy_walk|authors_among)\(")


class BuildFailed(RuntimeError):
    pass


def requirements(root: Path) -> list[str]:
    """The repository's dependency lines for :data:`LEARNER_DEPENDENCIES`, in that order."""
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    by_name = {re.split(r"[<>=!~\[ ;]", line, maxsplit=1)[0].lower(): line
               for line in declared["project"]["dependencies"]}
    missing = [name for name in LEARNER_DEPENDENCIES if name not in by_name]
    if missing:
        raise BuildFailed(f"pyproject.toml no longer lists {', '.join(missing)}: update "
                          "LEARNER_DEPENDENCIES in ownit/instructor/learner_wheel.py")
    return [by_name[name] for name in LEARNER_DEPENDENCIES]


def assemble(root: Path, folder: Path) -> None:
    """The learner package's source tree, in ``folder``."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / CONFIG / name, folder / name)
    for name in FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, folder / name)
    for name in TREES:
        shutil.copytree(root / name, folder / name, ignore=SKIP)
    source, target = BANKS
    (folder / target).mkdir()
    for bank in sorted((root / source).glob("*.json")):
        shutil.copy(bank, folder / target / bank.name)
    (folder / "requirements.txt").write_text("\n".join(requirements(root)) + "\n")


def problems(names_and_texts) -> list[str]:
    """What must not ship, among (path, text) pairs."""
    found = []
    for name, text in names_and_texts:
        if FORBIDDEN_PATHS.search(name):
            found.append(f"{name}: a file of the instructor side or of a solution")
        for match in FORBIDDEN_CODE.finditer(text):
            found.append(f"{name}: {match.group(0)} is the code of an exercise's answer")
    return found


def wheel_problems(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return problems((n, archive.read(n).decode("utf-8", "replace"))
                        for n in archive.namelist())


def _setuptools_is_recent() -> bool:
    try:
        major, minor = (int(p) for p in version("setuptools").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (70, 1)


def build(root: Path, out: Path) -> Path:
    """Build the wheel into ``out`` and return its path."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ownit-learner-") as tmp:
        folder = Path(tmp) / "src"
        folder.mkdir()
        assemble(root, folder)
        found = problems((str(p.relative_to(folder)), p.read_text("utf-8", "replace"))
                         for p in folder.rglob("*") if p.is_file())
        if found:
            raise BuildFailed("the learner package would ship answers:\n  " + "\n  ".join(found))
        # setuptools>=70.1 in this venv (the test extra) builds offline; else pip fetches it.
        isolation = ["--no-build-isolation"] if _setuptools_is_recent() else []
        with tempfile.TemporaryDirectory(prefix="ownit-wheel-") as wheels:
            run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                                  "--disable-pip-version-check", *isolation,
                                  "--wheel-dir", wheels, str(folder)],
                                 capture_output=True, text=True, check=False)
            built = sorted(Path(wheels).glob("ownit_learner-*.whl"))
            if run.returncode != 0 or len(built) != 1:
                raise BuildFailed(f"pip could not build the wheel:\n{run.stderr.strip()}")
            found = wheel_problems(built[0])
            if found:
                raise BuildFailed("the wheel holds answers:\n  " + "\n  ".join(found))
            target = out / built[0].name
            shutil.copy(built[0], target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ownit.instructor.learner_wheel",
                                     description="Build the learner wheel, ownit-learner.")
    parser.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                        help="where to write the wheel (default: dist/)")
    args = parser.parse_args(argv)
    try:
        wheel = build(full_course_root(), args.out)
    except BuildFailed as exc:
        print(f"learner wheel: {exc}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(wheel) as archive:
        count = len(archive.namelist())
    print(f"wrote {wheel} ({wheel.stat().st_size / 1024:.0f} KiB, {count} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
