"""The layout docs/architecture.md draws is the layout on disk, and the parts import one way:
the grading core imports neither side, the learner side never imports the instructor side."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

TREE = re.search(r"```\n(autograder/.*?)```", (ROOT / "docs" / "architecture.md").read_text(),
                 re.S).group(1)


def _drawn_paths() -> list[Path]:
    """Every file and folder the tree names, with its parents from the indentation."""
    stack: list[str] = []
    paths = []
    for line in TREE.splitlines():
        indent = (len(line) - len(line.lstrip())) // 2
        names = re.match(r"\s*([\w./, ]+?)(?:\s{2,}|$)", line).group(1)
        del stack[indent:]
        for name in (n.strip() for n in names.split(",")):
            paths.append(ROOT.joinpath(*stack, name))
        if names.endswith("/"):
            stack.append(names.rstrip("/"))
    return paths


def test_the_drawn_tree_exists():
    paths = _drawn_paths()
    assert len(paths) > 30, "the tree was not read"
    missing = [str(p.relative_to(ROOT)) for p in paths if not p.exists()]
    assert missing == [], f"docs/architecture.md names what is not there: {missing}"


def _imports(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(("package", "forbidden"), [
    ("autograder", ("ownit",)),
    ("ownit.learner", ("ownit.instructor",)),
])
def test_imports_go_one_way(package, forbidden):
    wrong = {path: sorted(n for n in names if n.split(".")[0] in forbidden
                          or n.startswith(forbidden))
             for path, names in _imports(package).items()}
    wrong = {path: names for path, names in wrong.items() if names}
    assert wrong == {}, f"{package} imports {forbidden}: {wrong}"
