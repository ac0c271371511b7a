"""Every exercise's header states its point total, as the sum of its graded cells' points, and a
time estimate: a learner plans an hour from them, so they must not drift from the notebook."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder.assignment import assignment_ids
from conftest import ROOT

PRESENT = assignment_ids(ROOT)


@pytest.mark.parametrize("assignment_id", PRESENT)
def test_header_states_the_points_its_graded_cells_carry(assignment_id):
    nb = nbformat.read(ROOT / "solutions" / assignment_id / f"{assignment_id}.ipynb", 4)
    graded = [c.metadata["nbgrader"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    total = sum(meta.get("points", 0) for meta in graded)
    header = nb.cells[0].source
    stated = re.findall(r"\*\*Points:\*\* (\d+)", header)
    assert stated == [str(total)], f"{assignment_id}: header says {stated}, the cells hold {total}"
    tasks = len(re.findall(r"^## Task \d+", "\n".join(c.source for c in nb.cells), re.M))
    assert f"in {tasks} tasks" in header, f"{assignment_id}: the header miscounts its {tasks} tasks"
    estimate = re.search(r"\*\*Time:\*\* about [^;(]+\((\d+)-(\d+) minutes", header)
    assert estimate, f"{assignment_id}: the header gives no time estimate with its range"
    low, high = map(int, estimate.groups())
    assert 30 <= low < high <= 240, f"{assignment_id}: {low}-{high} minutes is not a range"
    assert "About the time:" in header, f"{assignment_id}: the header says not how it was measured"
