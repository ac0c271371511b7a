"""judge_cell, partial_credit and JudgeExpectations on hand-built cells and outputs (no kernel):
each verdict, and that its words come from the test's source or the grader, never the kernel."""

from __future__ import annotations

import json

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.pipeline.judge_expectations import (
    JudgeExpectations,
    judge_cell,
    partial_credit,
    raised,
)
from autograder.pipeline.markers import ASSERT_MARK, PRELUDE_ID, RECORD_MIME
from autograder.pipeline.split_expectations import split_source

VISIBLE = ("# The shout helper\n"
           "expect(shout('hi'), 'HI!', 'Upper-case it and add one !')\n"
           "expect(count(['a', 'b']), 2, 'Count every word')\n"
           "expect(ratio(), 0.5, 'Divide by the total', rel_tol=0.01)\n"
           "assert shout('x') == 'X!'\n"
           "assert shout('y'), 'shout returns something'\n")
HIDDEN = ("# Hidden tests: empty words\n"
          "### BEGIN HIDDEN TESTS\n"
          "expect(shout(''), '!', 'An empty word still gets its !')\n"
          "assert shout('zz') == 'ZZ!'\n"
          "### END HIDDEN TESTS\n")


def cell(*outputs):
    return new_code_cell("", outputs=list(outputs))


def record(site, value=None, error=None):
    payload = {"site": site, "value": value} if error is None else \
        {"site": site, "error": error, "message": "SECRET-FROM-THE-KERNEL"}
    return new_output("display_data", data={RECORD_MIME: json.dumps(payload)})


def error(ename, evalue="SECRET-FROM-THE-KERNEL"):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def right_visible():
    return [record(0, "HI!"), record(1, 2), record(2, 0.5)]


def judge(source, *outputs, **options):
    _, sites = split_source(source)
    return judge_cell(cell(*outputs), sites, source, **options)


def test_every_check_reporting_its_value_passes():
    assert judge(VISIBLE, *right_visible()) is None
    assert judge(HIDDEN, record(0, "!")) is None


def test_a_check_passes_within_its_own_tolerance_only():
    assert judge(VISIBLE, record(0, "HI!"), record(1, 2), record(2, 0.504)) is None
    verdict = judge(VISIBLE, record(0, "HI!"), record(1, 2), record(2, 0.52))
    assert (verdict.ename, verdict.evalue) == ("AssertionError", "Divide by the total")


def test_a_failed_check_says_its_hint_and_nothing_of_the_value():
    verdict = judge(VISIBLE, record(0, "HI"), record(1, 2), record(2, 0.5))
    assert verdict.output_type == "error" and verdict.ename == "AssertionError"
    assert verdict.evalue == "Upper-case it and add one !"
    assert "HI" not in verdict.evalue.replace("HI!", "")


def test_a_value_of_the_wrong_type_fails_like_a_wrong_value():
    assert judge(VISIBLE, record(0, ["HI!"]), record(1, 2.0), record(2, 0.5)).evalue == \
        "Upper-case it and add one !"
    assert judge(VISIBLE, record(0, "HI!"), record(1, True), record(2, 0.5)).evalue == \
        "Count every word"


def test_several_failures_are_listed_up_to_the_limit_and_counted_beyond():
    wrong = [record(0, "no"), record(1, 0), record(2, 9.0)]
    both = judge(VISIBLE, *wrong[:2], record(2, 0.5))
    assert both.evalue == "2 checks failed: Upper-case it and add one ! | Count every word"
    three = judge(VISIBLE, *wrong)
    assert three.evalue == ("3 checks failed: Upper-case it and add one ! | Count every word | "
                            "Divide by the total")
    two_shown = judge(VISIBLE, *wrong, failures_shown=2)
    assert two_shown.evalue == ("3 checks failed: Upper-case it and add one ! | Count every word"
                                " | and 1 more")


def test_a_check_failing_each_time_round_a_loop_is_named_once():
    source = "for w in ['a', 'b', 'c']:\n    expect(shout(w), 'A!', 'Shout it')\n"
    assert judge(source, record(0, "a"), record(0, "b"), record(0, "c")).evalue == "Shout it"
    assert judge(source, record(0, "A!"), record(0, "A!")) is None


@pytest.mark.parametrize("name, shown", [
    ("KeyError", "Your code raised KeyError in this check. Upper-case it and add one !"),
    ("ZeroDivisionError", "Your code raised ZeroDivisionError in this check."),
    ("InputWasSecretWord", "Your code raised an exception in this check."),
    ("NotImplementedError", "Not done yet: the answer cell still raises NotImplementedError."),
])
def test_an_error_inside_a_visible_check_is_named_only_if_well_known(name, shown):
    verdict = judge(VISIBLE, record(0, error=name), record(1, 2), record(2, 0.5))
    assert verdict.evalue.startswith(shown)
    assert "SECRET" not in verdict.evalue and ("InputWas" not in verdict.evalue)


def test_an_error_inside_a_hidden_check_is_never_named():
    verdict = judge(HIDDEN, record(0, error="KeyError"))
    assert verdict.evalue == ("Your code raised an exception on the hidden tests' input. "
                              "They check: empty words.")
    assert raised("KeyError") == "KeyError" and raised("KeyError", hidden=True) == "an exception"


def test_an_error_the_cell_raised_is_named_by_where_it_was_raised():
    visible = judge(VISIBLE, record(0, "HI!"), error("TypeError"))
    assert visible.evalue == ("Your code raised TypeError while the tests ran. They check: "
                              "The shout helper.")
    hidden = judge(HIDDEN, error("TypeError"))
    assert hidden.evalue == ("Your code raised an exception on the hidden tests' input. They "
                             "check: empty words.")
    assert "SECRET" not in visible.evalue + hidden.evalue


def test_assert_failures_use_the_tests_own_words():
    ok = right_visible()
    assert judge(VISIBLE, *ok, error("AssertionError", f"{ASSERT_MARK}3")).evalue == \
        "This check failed: assert shout('x') == 'X!'"
    assert judge(VISIBLE, *ok, error("AssertionError", f"{ASSERT_MARK}4")).evalue == \
        "shout returns something"
    hidden = judge(HIDDEN, record(0, "!"), error("AssertionError", f"{ASSERT_MARK}1"))
    assert hidden.evalue == "A hidden check failed. It checks: empty words."
    forged = judge(VISIBLE, *ok, error("AssertionError", f"{ASSERT_MARK}99"))
    assert "99" not in forged.evalue and "raised AssertionError" in forged.evalue


def test_a_cell_that_stopped_before_its_checks_ran_fails_and_says_so():
    assert judge(VISIBLE, record(0, "HI!")).evalue == "The tests stopped before every check ran."
    stopped = judge(VISIBLE, record(0, "HI!"), stop=("NotebookTimeLimit", "Out of time."))
    assert (stopped.ename, stopped.evalue) == ("NotebookTimeLimit", "Out of time.")


def test_stderr_fails_an_otherwise_passing_cell():
    verdict = judge(VISIBLE, *right_visible(), new_output("stream", name="stderr",
                                                          text="UserWarning: SECRET"))
    assert "wrote to stderr" in verdict.evalue and "SECRET" not in verdict.evalue
    assert judge(VISIBLE, *right_visible(), new_output("stream", name="stdout", text="hi")) \
        is None


def test_a_check_whose_expected_value_is_code_is_never_judged():
    source = "expect(shout('a'), compute(), 'h')\n"
    verdict = judge(source, record(0, "A!"))
    assert "cannot be judged safely" in verdict.evalue


def test_reports_outside_display_data_or_malformed_are_ignored():
    fake = new_output("execute_result", data={RECORD_MIME: json.dumps({"site": 0,
                                                                       "value": "HI!"})})
    garbage = new_output("display_data", data={RECORD_MIME: "{not json"})
    no_site = new_output("display_data", data={RECORD_MIME: json.dumps({"value": "HI!"})})
    source = "expect(shout('hi'), 'HI!', 'h')\n"
    assert judge(source, fake, garbage, no_site).evalue == \
        "The tests stopped before every check ran."


@pytest.mark.parametrize("shown, kept", [("1.5", True), ("0", True), ("2", True),
                                         ("2.5", False), ("-1", False), ("half", False)])
def test_partial_credit_is_a_number_between_0_and_the_points(shown, kept):
    graded = new_code_cell("", outputs=[new_output("execute_result",
                                                   data={"text/plain": shown})])
    graded.metadata["nbgrader"] = {"grade": True, "points": 2}
    assert bool(partial_credit(graded)) is kept
    assert partial_credit(new_code_cell("", outputs=[])) == []


def _graded(source, grade_id, outputs, points=2):
    graded = new_code_cell(source, outputs=outputs)
    graded.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id,
                                   "points": points}
    return graded


def test_the_step_judges_test_cells_restores_their_source_and_drops_the_prelude():
    code, sites = split_source(VISIBLE)
    prelude = new_code_cell("# prelude", id=PRELUDE_ID)
    passing = _graded(code, "passing", [*right_visible(), new_output(
        "execute_result", data={"text/plain": "1.5"})])
    failing = _graded(code, "failing", [record(0, "no"), record(1, 2), record(2, 0.5)])
    answer = new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="1")])
    nb = new_notebook(cells=[prelude, answer, passing, failing])
    resources = {"ownit": {"sites": {"passing": sites, "failing": sites},
                           "sources": {"passing": VISIBLE, "failing": VISIBLE}}}
    nb, _ = JudgeExpectations(max_failures_shown=1).preprocess(nb, resources)
    assert [c.get("id") for c in nb.cells].count(PRELUDE_ID) == 0 and len(nb.cells) == 3
    assert nb.cells[0].outputs[0].text == "1"  # not a test cell: untouched
    assert nb.cells[1].source == VISIBLE and nb.cells[2].source == VISIBLE
    assert [o.output_type for o in nb.cells[1].outputs] == ["execute_result"]  # 1.5 of 2
    assert [o.evalue for o in nb.cells[2].outputs] == ["Upper-case it and add one !"]
