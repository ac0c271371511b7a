"""The grading container (Containerfile, docs/grading-in-a-container.md). No container engine
runs here or in CI, so this checks what can be checked without one: every file and command the
Containerfile names exists, the command lines the page gives parse as `ownit` arguments and use
the mounts the page describes, and the build context keeps the hidden tests and leaves students'
work out."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex

import pytest

from conftest import ROOT
from ownit.cli import build_parser

CONTAINERFILE = ROOT / "docs" / "container" / "Containerfile"
PAGE = ROOT / "docs" / "grading-in-a-container.md"
SANDBOX_FLAGS = {"docker": ["--cap-add", "SYS_ADMIN", "seccomp=unconfined", "apparmor=unconfined",
                            "systempaths=unconfined"],
                 "podman": ["--cap-add", "SYS_ADMIN", "seccomp=unconfined", "unmask=ALL"]}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Containerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", CONTAINERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def test_a_debian_base_with_bubblewrap_and_what_the_sandbox_runs():
    steps = instructions()
    assert steps[0][0] == "FROM" and steps[0][1].startswith("debian:")
    installs = " ".join(args for kind, args in steps if kind == "RUN" and "apt-get" in args)
    for package in ("python3", "python3-venv", "bubblewrap", "util-linux"):
        assert re.search(rf"(^|\s){re.escape(package)}(\s|$)", installs), package


def test_what_the_containerfile_copies_and_runs_exists():
    steps = instructions()
    workdir = next(args for kind, args in steps if kind == "WORKDIR")
    copies = [args.split() for kind, args in steps if kind == "COPY"]
    assert copies == [[".", workdir]], "the whole clone (solutions/ included) goes to /course"
    runs = " && ".join(args for kind, args in steps if kind == "RUN")
    venv = re.search(r"python3 -m venv (\S+)", runs).group(1)
    assert f"{venv}/bin/python -m pip install" in runs and f"-e {workdir}" in runs
    assert (ROOT / "pyproject.toml").is_file() and (ROOT / "README.md").is_file()
    entrypoint = json.loads(next(args for kind, args in steps if kind == "ENTRYPOINT"))
    assert entrypoint == [f"{venv}/bin/python", "-m", "ownit"]
    assert (ROOT / "ownit" / "__main__.py").is_file()
    cmd = json.loads(next(args for kind, args in steps if kind == "CMD"))
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(cmd)
    assert done.value.code == 0  # --help


def commands(engine: str) -> list[list[str]]:
    blocks = re.findall(r"```\n(.*?)```", PAGE.read_text(), flags=re.S)
    found = []
    for block in blocks:
        joined = re.sub(r"\\\n", " ", block)
        found += [shlex.split(line) for line in joined.splitlines()
                  if line.startswith(f"{engine} run ")]
    return found


@pytest.mark.parametrize("engine", ["docker", "podman"])
def test_the_pages_grade_command_parses_and_mounts_what_it_grades(engine):
    grading = [c for c in commands(engine) if "ownit-grader" in c and "--entrypoint" not in c]
    assert grading, f"no `{engine} run ... ownit-grader` on the page"
    for command in grading:
        for flag in SANDBOX_FLAGS[engine]:
            assert flag in command, (engine, flag)
        image = command.index("ownit-grader")
        args = build_parser().parse_args(command[image + 1:])
        assert args.command == "grade"
        mounts = [command[i + 1].rsplit(":", 2) for i, a in enumerate(command) if a == "-v"]
        targets = {m[1]: m[2:] for m in mounts}
        assert str(args.submitted) in targets and targets[str(args.submitted)] == ["ro"]
        assert str(args.out) in targets and targets[str(args.out)] == []
        assert "/course" in targets, "the clone, for its gradebook and pseudonym key"


def test_the_build_context_keeps_the_hidden_tests_and_leaves_students_work_out():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path.split("/")[0], p)
                   for p in patterns)

    for kept in ("solutions/deploy_safely/deploy_safely.ipynb", "exercises", "autograder",
                 "ownit", "nbgrader_config.py", "pyproject.toml", "README.md"):
        assert not ignored(kept), kept
    for left_out in ("submitted", "autograded", "feedback", "gradebook.db", ".ownit-private",
                     ".venv", ".git"):
        assert ignored(left_out), left_out
