"""split_source and SplitExpectations on hand-written test cells (no kernel): the kernel gets
each check's actual value to compute, never what it is compared with nor the words shown."""

from __future__ import annotations

import ast

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.expect import ABS_TOL, REL_TOL
from autograder.pipeline.markers import ASSERT_MARK, PRELUDE_ID, RECORD_MIME, hidden_lines
from autograder.pipeline.split_expectations import SplitExpectations, split_source


def run_split(code: str, namespace: dict) -> list[tuple[int, object]]:
    """Run split code with a stand-in for the prelude's reporter; what each site reported."""
    reported = []
    namespace["__ownit_check__"] = lambda site, thunk: reported.append((site, thunk()))
    exec(compile(code, "<test>", "exec"), namespace)  # noqa: S102 - our own test code
    return reported


def test_expect_reports_its_actual_value_and_keeps_expected_and_hint_here():
    code, sites = split_source("expect(total(pages), 42, 'Count the weekend pages too')\n")
    assert "42" not in code and "weekend" not in code
    assert sites == [{"site": 0, "kind": "expect", "hint": "Count the weekend pages too",
                      "hidden": False, "rel_tol": REL_TOL, "abs_tol": ABS_TOL,
                      "literal": True, "expected": 42}]
    assert run_split(code, {"total": len, "pages": [1, 2, 3]}) == [(0, 3)]


def test_keyword_hint_and_tolerances_are_read_from_the_source():
    _, sites = split_source("expect(f(), [1.5, {'a': None}], hint='Mind the rounding', "
                            "rel_tol=1e-2, abs_tol=0.5)\n")
    site = sites[0]
    assert site["expected"] == [1.5, {"a": None}] and site["hint"] == "Mind the rounding"
    assert (site["rel_tol"], site["abs_tol"]) == (0.01, 0.5) and site["literal"]


def test_without_a_hint_the_check_has_the_graders_own_words():
    _, sites = split_source("expect(f(), 1)\n")
    assert sites[0]["hint"] == "This check did not pass."


@pytest.mark.parametrize("source", [
    "expect(f(), g(), 'expected is code')\n",
    "expect(f(), 1, HINT)\n",
    "expect(f(), 1, 'h', rel_tol=TOL)\n",
])
def test_a_check_that_is_not_all_literals_is_marked_so(source):
    _, sites = split_source(source)
    assert sites[0]["literal"] is False


def test_only_calls_of_expect_with_two_arguments_are_rewritten():
    source = "expect(1)\nthing.expect(f(), 2, 'h')\nexpectation(f(), 2, 'h')\n"
    code, sites = split_source(source)
    assert sites == [] and "__ownit_check__" not in code
    assert ast.dump(ast.parse(code)) == ast.dump(ast.parse(source))


def test_checks_in_loops_and_functions_keep_their_order_and_report_each_time():
    source = ("def both(x):\n    expect(x + 1, 2, 'first')\n    expect(x * 2, 2, 'second')\n"
              "for x in [1, 2]:\n    both(x)\n")
    code, sites = split_source(source)
    assert [(s["site"], s["hint"]) for s in sites] == [(0, "first"), (1, "second")]
    assert run_split(code, {}) == [(0, 2), (1, 2), (0, 3), (1, 4)]


def test_an_assert_raises_only_its_site_marker_and_its_words_stay_here():
    source = ("assert shout('x') == 'X!'\n"
              "assert shout('y'), 'shout returns something'\n"
              "assert shout('z'), f'got {shout(\"z\")}'\n")
    code, sites = split_source(source)
    assert "shout returns something" not in code
    assert [(s["kind"], s["message"], s["line"]) for s in sites] == [
        ("assert", None, "assert shout('x') == 'X!'"),
        ("assert", "shout returns something", "assert shout('y'), 'shout returns something'"),
        ("assert", None, "assert shout('z'), f'got {shout(\"z\")}'"),  # not a literal
    ]
    with pytest.raises(AssertionError) as caught:
        exec(compile(code, "<test>", "exec"), {"shout": lambda w: ""})  # noqa: S102
    assert str(caught.value) == f"{ASSERT_MARK}0"


def test_sites_count_expects_and_asserts_together():
    _, sites = split_source("expect(a, 1, 'h')\nassert b\nexpect(c, 2, 'i')\n")
    assert [(s["site"], s["kind"]) for s in sites] == [(0, "expect"), (1, "assert"),
                                                       (2, "expect")]


HIDDEN = ("expect(f(1), 1, 'one')\n"
          "### BEGIN HIDDEN TESTS\n"
          "expect(f(2), 2, 'two')\n"
          "assert f(3) == 3\n"
          "### END HIDDEN TESTS\n"
          "expect(f(4), 4, 'four')\n")


def test_hidden_lines_are_those_between_the_markers_only():
    assert hidden_lines(HIDDEN) == {3, 4}
    assert hidden_lines("  ### BEGIN HIDDEN TESTS\nx\n") == {2}  # markers may be indented
    assert hidden_lines("expect(a, 1)\n") == set()


def test_checks_between_the_hidden_markers_are_hidden():
    _, sites = split_source(HIDDEN)
    assert [(s["hint"] if s["kind"] == "expect" else s["kind"], s["hidden"]) for s in sites] \
        == [("one", False), ("two", True), ("assert", True), ("four", False)]


def test_a_syntax_error_is_left_to_the_kernel():
    with pytest.raises(SyntaxError):
        split_source("expect(f(, 1, 'h')\n")


def _test_cell(source: str, grade_id: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id,
                                 "points": 1, "locked": True}
    return cell


def test_the_step_rewrites_test_cells_only_and_puts_the_prelude_first():
    answer = new_code_cell("expect(1, 2, 'an answer cell is learner code')")
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "answer"}
    broken = _test_cell("expect(f(, 1, 'h')", "broken")
    nb = new_notebook(cells=[new_markdown_cell("expect(a, 1, 'text')"), answer,
                             _test_cell("expect(f(), 7, 'seven')", "test_f"), broken])
    nb, resources = SplitExpectations().preprocess(nb, {})
    assert nb.cells[0].id == PRELUDE_ID and RECORD_MIME in nb.cells[0].source
    assert nb.cells[1].source == "expect(a, 1, 'text')"
    assert nb.cells[2].source == "expect(1, 2, 'an answer cell is learner code')"
    assert "7" not in nb.cells[3].source and "__ownit_check__" in nb.cells[3].source
    assert nb.cells[4].source == "expect(f(, 1, 'h')"  # judged as it runs: it fails
    kept = resources["ownit"]
    assert kept["sources"] == {"test_f": "expect(f(), 7, 'seven')"}
    assert kept["sites"]["test_f"][0]["expected"] == 7 and "broken" not in kept["sites"]


def test_the_prelude_caps_a_reported_value_at_the_configured_size():
    nb = new_notebook(cells=[_test_cell("expect(f(), 1, 'h')", "t")])
    nb, _ = SplitExpectations(max_value_bytes=5000).preprocess(nb, {})
    assert "len(text) > 5_000" in nb.cells[0].source and "over 5000 bytes" in nb.cells[0].source
    nb, _ = SplitExpectations().preprocess(new_notebook(cells=[]), {})
    assert "len(text) > 1_000_000" in nb.cells[0].source and "over 1 MB" in nb.cells[0].source


def test_the_prelude_reports_plain_values_and_refuses_large_or_odd_ones(monkeypatch):
    import builtins
    import json

    import IPython.display

    from autograder.pipeline.markers import prelude

    sent = []
    monkeypatch.setattr(IPython.display, "publish_display_data",
                        lambda data: sent.append(json.loads(data[RECORD_MIME])))
    monkeypatch.setattr(builtins, "__ownit_check__", None, raising=False)  # undone after
    exec(prelude(100), {})  # noqa: S102 - the grader's own prelude
    report = builtins.__ownit_check__
    report(0, lambda: {"a": (1, 2)})
    report(1, lambda: "é" * 20)  # 20 characters, 120 bytes of JSON as sent
    report(2, lambda: 1 / 0)
    report(3, lambda: object())
    assert sent[0] == {"site": 0, "value": {"a": [1, 2]}}
    assert sent[1] == {"site": 1, "error": "ValueTooLarge",
                       "message": "the value is over 100 bytes"}
    assert sent[2] == {"site": 2, "error": "ZeroDivisionError", "message": "division by zero"}
    assert sent[3]["error"] == "NotPlainData" and "got object" in sent[3]["message"]
