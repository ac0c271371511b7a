"""The split and the judge, on hand-built cells (no kernel): what each verdict says, and that
no text the learner's code produced ever becomes part of it."""

from __future__ import annotations

import json

from nbformat.v4 import new_code_cell, new_output

from autograder.pipeline.judge_expectations import judge_cell
from autograder.pipeline.markers import ASSERT_MARK, RECORD_MIME
from autograder.pipeline.split_expectations import split_source

SOURCE = ("# Hidden tests: empty words\n"
          "expect(shout('hi'), 'HI!', 'Upper-case it')\n"
          "expect(shout('a'), 'A!', 'One letter too')\n"
          "assert shout('x') == 'X!'\n"
          "assert shout('y'), 'shout returns something'\n"
          "### BEGIN HIDDEN TESTS\n"
          "expect(shout(''), '!', 'An empty word still gets its !')\n"
          "assert shout('zz') == 'ZZ!'\n"
          "### END HIDDEN TESTS\n")


def _cell(*outputs):
    return new_code_cell("", outputs=list(outputs))


def _record(site, value=None, error=None):
    payload = {"site": site, "value": value} if error is None else \
        {"site": site, "error": error, "message": "LEAK " * 10}
    return new_output("display_data", data={RECORD_MIME: json.dumps(payload)})


def _error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def test_split_keeps_expected_values_and_messages_out_of_the_kernel():
    code, sites = split_source(SOURCE)
    assert "'HI!'" not in code and "Upper-case it" not in code and "'!'" not in code
    assert "shout returns something" not in code and ASSERT_MARK in code
    kinds = [(s["kind"], s["hidden"]) for s in sites]
    assert kinds == [("expect", False), ("expect", False), ("assert", False), ("assert", False),
                     ("expect", True), ("assert", True)]


def test_all_checks_reporting_right_values_pass():
    _, sites = split_source(SOURCE)
    cell = _cell(_record(0, "HI!"), _record(1, "A!"), _record(4, "!"))
    assert judge_cell(cell, sites, SOURCE) is None


def test_every_failed_check_of_a_part_is_named_not_only_the_first():
    _, sites = split_source(SOURCE)
    verdict = judge_cell(_cell(_record(0, "hi"), _record(1, "a"), _record(4, "!")), sites,
                         SOURCE)
    assert verdict.evalue == "2 checks failed: Upper-case it | One letter too"


def test_a_raised_error_is_named_only_if_builtin_and_its_message_never_shown():
    _, sites = split_source(SOURCE)
    verdict = judge_cell(_cell(_record(0, error="ValueError"), _record(1, "A!"),
                               _record(4, error="SecretInputWasAB"), ), sites, SOURCE)
    assert "LEAK" not in verdict.evalue and "SecretInput" not in verdict.evalue
    assert "raised ValueError in this check. Upper-case it" in verdict.evalue
    assert "raised an exception on the hidden tests' input. They check: empty words" in \
        verdict.evalue


def test_assert_messages_come_from_the_test_source_whatever_the_kernel_says():
    _, sites = split_source(SOURCE)
    ok = [_record(0, "HI!"), _record(1, "A!"), _record(4, "!")]
    visible = judge_cell(_cell(*ok, _error("AssertionError", f"{ASSERT_MARK}2")), sites, SOURCE)
    assert visible.evalue == "This check failed: assert shout('x') == 'X!'"
    literal = judge_cell(_cell(*ok, _error("AssertionError", f"{ASSERT_MARK}3")), sites, SOURCE)
    assert literal.evalue == "shout returns something"
    hidden = judge_cell(_cell(*ok, _error("AssertionError", f"{ASSERT_MARK}5")), sites, SOURCE)
    assert hidden.evalue.startswith("A hidden check failed") and "zz" not in hidden.evalue
    forged = judge_cell(_cell(*ok, _error("AssertionError", "the input was ['a', 'b']")), sites,
                        SOURCE)
    assert "['a', 'b']" not in forged.evalue and "raised an exception" in forged.evalue


def test_the_graders_own_stop_reason_wins_over_anything_in_the_cell():
    _, sites = split_source(SOURCE)
    cell = _cell(_record(0, "HI!"), _error("KernelDied", "I am lying"))
    verdict = judge_cell(cell, sites, SOURCE, stop=("NotebookTimeLimit", "time is up"))
    assert verdict.ename == "NotebookTimeLimit" and verdict.evalue == "time is up"
    lie = judge_cell(cell, sites, SOURCE)
    assert "lying" not in lie.evalue


def test_stderr_alone_fails_the_cell_as_nbgrader_does():
    _, sites = split_source(SOURCE)
    cell = _cell(_record(0, "HI!"), _record(1, "A!"), _record(4, "!"),
                 new_output("stream", name="stderr", text="DeprecationWarning: LEAK"))
    verdict = judge_cell(cell, sites, SOURCE)
    assert "stderr" in verdict.evalue and "LEAK" not in verdict.evalue
