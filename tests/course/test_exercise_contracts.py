"""Every contract clause an exercise states has a test that one plausible mistake fails.

``tests/course/wrong_answers/<id>.contracts.json`` lists, per clause, a wrong answer that breaks exactly
that clause (it changes its input DataFrame, breaks a tie the other way, returns seconds instead of
a ``pd.Timedelta``, reads a duration without its unit...): the answer cell it replaces, the test
cell that must catch it, and the start of the hint that cell must fail with. The notebook's cells
run in order in one namespace, as in a kernel: the solution's test cell passes, and with the wrong
answer in place the named test cell fails on that very hint, so the clause is what loses the
points, not some earlier check. (``tests/test_exercises.py`` grades one wrong answer per answer
cell through nbgrader; these are the extra ones, one per contract clause.)
"""

from __future__ import annotations

import contextlib
import json

import nbformat
import pytest

from conftest import ROOT

CASES = [
    (path.name.removesuffix(".contracts.json"), n, case)
    for path in sorted((ROOT / "tests" / "course" / "wrong_answers").glob("*.contracts.json"))
    for n, case in enumerate(json.loads(path.read_text(encoding="utf-8")))
]


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _run_until(assignment_id: str, test_cell: str, replace: dict[str, str]) -> str | None:
    """Run the notebook's code cells in order up to ``test_cell``; other test cells may fail, as
    they would in a kernel, and so may any cell once an answer is replaced (the solution's own
    run must not). Returns the AssertionError message of ``test_cell``, or None."""
    folder = ROOT / "solutions" / assignment_id
    nb = nbformat.read(folder / f"{assignment_id}.ipynb", as_version=4)
    ids = [_meta(c).get("grade_id") for c in nb.cells]
    assert test_cell in ids, f"{assignment_id} has no cell {test_cell!r}"
    assert set(replace) <= set(ids), f"{assignment_id} has no cell {sorted(replace)}"
    namespace: dict = {"__name__": f"contract_{assignment_id}"}
    with contextlib.chdir(folder):
        for cell in nb.cells:
            meta = _meta(cell)
            if cell.cell_type != "code" or "check_my_work" in cell.source:
                continue
            grade_id = meta.get("grade_id")
            source = replace.get(grade_id, cell.source)
            code = compile(source, f"{assignment_id}:{grade_id}", "exec")
            if grade_id == test_cell:
                try:
                    exec(code, namespace)
                except AssertionError as failure:
                    return str(failure)
                return None
            if meta.get("grade") or replace:
                with contextlib.suppress(Exception):
                    exec(code, namespace)
            else:
                exec(code, namespace)
    raise AssertionError("unreachable")


@pytest.mark.parametrize(("assignment_id", "number", "case"), CASES,
                         ids=[f"{a}-{c['answer']}-{n}" for a, n, c in CASES])
def test_a_wrong_answer_breaking_one_clause_fails_that_clause(assignment_id, number, case):
    assert set(case) == {"answer", "test", "hint", "clause", "source"}, case.keys()
    assert _run_until(assignment_id, case["test"], {}) is None, \
        f"the solution fails {case['test']}"
    failure = _run_until(assignment_id, case["test"], {case["answer"]: case["source"]})
    assert failure is not None, f"{case['clause']}: the wrong answer passes {case['test']}"
    assert failure.startswith(case["hint"]), \
        f"{case['clause']}: {case['test']} failed on another check: {failure!r}"


def test_every_exercise_lists_its_contract_clauses():
    listed = {assignment_id for assignment_id, _, _ in CASES}
    assert listed == {"deploy_safely", "latency_alerting", "incident_triage",
                      "blameless_postmortem", "bus_factor"}
