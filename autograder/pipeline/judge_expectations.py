"""JudgeExpectations: each test cell's verdict, decided outside the learner's kernel.

:func:`judge_cell` turns one executed test cell (the values its checks reported, the error it
raised) into nothing (passed) or one error output whose message holds only words of the test's
own source or of this module. The learner's kernel never sees an expected value, so no trick
inside it (stripped asserts, always-equal objects, patched comparisons, custom exception
handlers, printed partial credit) can earn a point.
"""

from __future__ import annotations

import json
import re
from contextlib import nullcontext

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Instance

from autograder.expect import same
from autograder.pipeline.cells import error_output, grader_meta, is_test
from autograder.pipeline.markers import ASSERT_MARK, HIDDEN_BEGIN, PRELUDE_ID, RECORD_MIME
from autograder.settings import Limits, limit_trait
from autograder.stage_clock import StageClock


def _records(cell) -> list[dict]:
    found = []
    for output in cell.get("outputs", []):
        text = output.get("data", {}).get(RECORD_MIME) if output.get("output_type") == \
            "display_data" else None
        if text is None:
            continue
        try:
            record = json.loads(text)
        except (TypeError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("site"), int):
            found.append(record)
    return found


# Names of exceptions a hint may repeat for a *visible* test. A class name is text learner code
# chooses, like a message, so only these few are named (about three bits a test, the price of a
# useful hint; pass or fail is one bit a part anyway); in a hidden test none is.
NAMED_ERRORS = frozenset({"NameError", "TypeError", "ValueError", "KeyError", "IndexError",
                          "AttributeError", "ZeroDivisionError", "AssertionError"})


def raised(name, hidden: bool = False) -> str:
    """How a hint names an exception the learner's code raised."""
    name = str(name)
    return name if name in NAMED_ERRORS and not hidden else "an exception"


def _topic(source: str) -> str | None:
    """What a test cell says it probes: its first comment, without a "Hidden tests:" prefix."""
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("#") and not line.startswith("###"):
            text = re.sub(r"^hidden tests?\s*[:,-]\s*", "", line.lstrip("# ").strip(),
                          flags=re.IGNORECASE).rstrip(". ")
            return text or None
    return None


def _from_error(error: dict, sites: list[dict], source: str) -> str:
    """The hint for an error the cell raised: only words of the test's own source, or of ours.

    Learner code runs in the same kernel as the tests and is handed their inputs, so any text it
    controls (an exception's message, even its class name) could carry a hidden input out. The
    kernel's error is therefore used only to pick one of these trusted sentences.
    """
    ename, evalue = str(error.get("ename", "")), str(error.get("evalue", ""))
    hidden = HIDDEN_BEGIN in source
    topic = _topic(source)
    if ename == "AssertionError" and evalue.startswith(ASSERT_MARK):
        number = evalue[len(ASSERT_MARK):]
        site = next((s for s in sites if s.get("kind") == "assert"
                     and str(s["site"]) == number), None)
        if site is not None:
            if site["message"]:
                return site["message"]
            if not site["hidden"] and site["line"]:
                return f"This check failed: {site['line']}"
            return "A hidden check failed." + (f" It checks: {topic}." if topic else "")
    if ename == "NotImplementedError":
        return "Not done yet: the answer cell still raises NotImplementedError."
    where = " on the hidden tests' input" if hidden else " while the tests ran"
    return f"Your code raised {raised(ename, hidden)}{where}." + (f" They check: {topic}."
                                                                   if topic else "")


def _raised_in_check(name, site: dict, source: str) -> str:
    """The hint when learner code raised while an ``expect`` evaluated its value."""
    if str(name) == "NotImplementedError":
        return "Not done yet: the answer cell still raises NotImplementedError."
    if site.get("hidden"):
        topic = _topic(source)
        return (f"Your code raised {raised(name, hidden=True)} on the hidden tests' input. "
                f"They check: {topic or site['hint']}.")
    return f"Your code raised {raised(name)} in this check. {site['hint']}"


def judge_cell(cell, sites: list[dict], source: str = "",
               stop: tuple[str, str] | None = None, *,
               failures_shown: int = Limits().failures_shown) -> NotebookNode | None:
    """None when the test cell passed, else the one error output that explains why.

    ``stop`` is the grader's own reason when it cut the cell short (a time limit, a dead kernel).
    Every message in the verdict comes from the test's source or from this module.
    """
    if stop is not None:
        return error_output(*stop)
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    stderr = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream"
              and o.get("name") == "stderr"]
    by_site: dict[int, list[dict]] = {}
    for record in _records(cell):
        by_site.setdefault(record["site"], []).append(record)
    # Every check of the cell reports (the kernel only reports, it never raises on a wrong
    # value), so every failed check can be named, not only the first: a learner fixing a part
    # sees all that is wrong with it at once. The score is the same as nbgrader's (any failure
    # fails the cell).
    failed: list[str] = []
    stopped = False
    for site in sites:
        if site.get("kind") == "assert":
            continue  # asserts are judged by the error they raise, below
        found = by_site.get(site["site"], [])
        if not site["literal"]:
            return error_output("AssertionError", "This check cannot be judged safely (its "
                                "expected value is not a literal): tell your instructor.")
        if not found:
            stopped = True  # the cell stopped before this check: the error below says why
            break
        for record in found:
            if "error" in record:
                failed.append(_raised_in_check(record["error"], site, source))
            elif not same(record["value"], site["expected"], rel_tol=site["rel_tol"],
                          abs_tol=site["abs_tol"]):
                failed.append(site["hint"])
    if errors:
        failed.append(_from_error(errors[-1], sites, source))
    elif stopped:
        failed.append("The tests stopped before every check ran.")
    elif stderr and not failed:
        # nbgrader scores a test cell that wrote to stderr as failed; so do we, and say so.
        failed.append("Your code wrote to stderr while the tests ran (a warning?): that counts "
                      "as a failure. Run the tests and read it.")
    if not failed:
        return None
    unique = list(dict.fromkeys(failed))
    if len(unique) == 1:
        return error_output("AssertionError", unique[0])
    shown = unique[:failures_shown]
    more = len(unique) - len(shown)
    return error_output("AssertionError", f"{len(unique)} checks failed: " + " | ".join(shown)
                        + (f" | and {more} more" if more else ""))


def partial_credit(cell) -> list:
    """What nbgrader scores of a passed test cell: the number it shows last, as partial credit
    (``nbgrader.utils.get_partial_grade``). Kept only when it is a number between 0 and the
    cell's points; anything else nbgrader scores as full credit (or, above the points, fails to
    grade the notebook at all), so it is dropped and the cell earns its points."""
    results = [o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
    if not results:
        return []
    text = results[-1].get("data", {}).get("text/plain", "")
    try:
        value = float("".join(text) if isinstance(text, list) else text)
    except (TypeError, ValueError):
        return []
    points = float(grader_meta(cell).get("points", 0) or 0)
    return results[-1:] if 0 <= value <= points else []


class JudgeExpectations(NbGraderPreprocessor):
    """Compare the values the kernel reported with what each check expects, here in the trusted
    process, and leave each test cell with nothing (passed, or partial credit) or one error
    (failed, with the hint) for nbgrader's ``SaveAutoGrades`` to score. The prelude goes."""

    max_failures_shown = limit_trait("failures_shown")
    clock = Instance(StageClock, allow_none=True,
                     help="Times the judging (ownit grade --profile).").tag(config=True)

    def preprocess(self, nb, resources):
        with self.clock.stage("judge") if self.clock else nullcontext():
            return self._judge(nb, resources)

    def _judge(self, nb, resources):
        kept = resources.get("ownit", {})
        nb.cells = [c for c in nb.cells if c.get("id") != PRELUDE_ID]
        for cell in nb.cells:
            if not is_test(cell):
                continue
            grade_id = grader_meta(cell)["grade_id"]
            source = kept.get("sources", {}).get(grade_id, cell.source)
            verdict = judge_cell(cell, kept.get("sites", {}).get(grade_id, []), source,
                                 kept.get("stops", {}).get(grade_id),
                                 failures_shown=self.max_failures_shown)
            cell.outputs = partial_credit(cell) if verdict is None else [verdict]
            cell.source = source
        return nb, resources
