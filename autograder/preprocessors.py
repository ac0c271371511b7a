"""nbgrader preprocessors that make autograding safe against the code it runs.

They slot into nbgrader's own autograde pipeline (see :func:`autograder.settings.harden`):

- :class:`SanitizeGradedCells` (before nbgrader's ``OverwriteCells``) drops nbgrader metadata that
  a submission forged: unknown grade ids, and a second copy of a graded cell.
- :class:`RestoreMissingCells` (nbgrader's ``OverwriteCells``) puts deleted grade cells back
  wherever the student deleted them (nbgrader's own version fails on some deletions).
- :class:`SplitExpectations` (before execution) rewrites each ``expect(ACTUAL, EXPECTED, hint)``
  of a test cell so the kernel evaluates only ACTUAL and reports it as plain data; EXPECTED and
  the hint stay in this process. A small prelude cell gives the kernel the reporting function.
- :class:`ExecuteBounded` (nbgrader's ``Execute``) caps each cell's output in bytes, bounds the
  whole notebook's wall-clock time, gives up on a kernel that stops answering, and survives a
  kernel that dies, so the parts already run keep their result.
- :class:`JudgeExpectations` (after execution) compares the reported values with EXPECTED here,
  in the trusted process, and leaves each test cell with nothing (passed) or one error
  (failed, with the hint) for nbgrader's ``SaveAutoGrades`` to score. The learner's kernel never
  sees an expected value, so no trick inside it (stripped asserts, always-equal objects, patched
  comparisons, custom exception handlers, printed partial credit) can earn a point.
"""

from __future__ import annotations

import ast
import json
import re
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer

from autograder import safe
from autograder.expect import ABS_TOL, REL_TOL, same
from autograder.settings import Limits
from autograder.warm_kernel import early_kernel

RECORD_MIME = "text/x-ownit-check"
PRELUDE_ID = "ownit-prelude"
CHDIR_ID = "ownit-chdir"
TIME_LIMIT = "NotebookTimeLimit"
KERNEL_DIED = "KernelDied"
KERNEL_STUCK = "KernelStuck"

# Runs first in the learner's kernel. It only reports; it never compares (it knows no expected
# value), so replacing it can only lose points.
PRELUDE = '''\
def __ownit_check__(site, thunk):
    import json
    from IPython.display import publish_display_data
    try:
        from autograder.expect import to_plain
        payload = {"site": site, "value": to_plain(thunk())}
        text = json.dumps(payload, allow_nan=True)
        if len(text) > 1_000_000:
            payload, text = None, json.dumps({"site": site, "error": "ValueTooLarge",
                                              "message": "the value is over 1 MB"})
    except Exception as exc:
        text = json.dumps({"site": site, "error": type(exc).__name__,
                           "message": str(exc)[:300]})
    publish_display_data({"text/x-ownit-check": text})
import builtins
builtins.__ownit_check__ = __ownit_check__
del builtins, __ownit_check__
'''


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _is_test(cell) -> bool:
    meta = _meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class SanitizeGradedCells(NbGraderPreprocessor):
    """Forget nbgrader metadata the source does not have, and all but the first copy of a cell."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            source = gb.find_notebook(info["notebook"], info["assignment"])
            known = {cell.name for cell in source.source_cells}
        seen = set()
        for cell in nb.cells:
            grade_id = _meta(cell).get("grade_id")
            if "nbgrader" in cell.metadata and (grade_id not in known or grade_id in seen):
                del cell.metadata["nbgrader"]
            elif grade_id is not None:
                seen.add(grade_id)
        return nb, resources


ASSERT_MARK = "ownit-assert-site-"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _hidden_lines(source: str) -> set[int]:
    """Line numbers (1-based) inside a hidden-tests block of a test cell."""
    hidden, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == HIDDEN_BEGIN:
            inside = True
        elif line.strip() == HIDDEN_END:
            inside = False
        elif inside:
            hidden.add(number)
    return hidden


class RestoreMissingCells(OverwriteCells):
    """nbgrader's OverwriteCells, whose ``add_missing_cells`` puts a deleted grade cell back
    after the nearest earlier cell of the source that the submission still has (or first).

    nbgrader 0.9.6 assumes the source cell just before a deleted grade cell is a solution or
    grade cell still in the submission, and fails the whole notebook (``KeyError``) otherwise:
    after a locked cell, or when the student deleted that cell too.
    """

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source_nb.source_cells]
        by_name = dict(zip(order, source_nb.source_cells, strict=True))
        solutions = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in sorted(source_nb.grade_cells, key=lambda c: order.index(c.name)):
            present = {_meta(c).get("grade_id"): i for i, c in enumerate(nb.cells)
                       if _meta(c).get("grade_id")}
            if grade_cell.name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook",
                             grade_cell.name)
            cell = self.missing_cell_transform(by_name[grade_cell.name], grade_cell.max_score,
                                               is_solution=grade_cell.name in solutions)
            before = order[:order.index(grade_cell.name)]
            at = next((present[name] + 1 for name in reversed(before) if name in present), 0)
            nb.cells.insert(at, cell)
        return nb, resources


class _Split(ast.NodeTransformer):
    def __init__(self, sites: list[dict], source: str = ""):
        self.sites = sites
        self.lines = source.splitlines()
        self.hidden = _hidden_lines(source)

    def visit_Assert(self, node: ast.Assert):
        # The kernel may raise AssertionError with any text (learner code can too), so the
        # message a learner sees is chosen here from the test's own source: the assert carries
        # only a marker naming its site.
        self.generic_visit(node)
        message = None
        if node.msg is not None:
            try:
                message = str(ast.literal_eval(node.msg))
            except ValueError:
                message = None
        line = self.lines[node.lineno - 1].strip() if 0 < node.lineno <= len(self.lines) else ""
        site = {"site": len(self.sites), "kind": "assert", "message": message,
                "line": line, "hidden": node.lineno in self.hidden}
        self.sites.append(site)
        node.msg = ast.Constant(f"{ASSERT_MARK}{site['site']}")
        return node

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == "expect"
                and len(node.args) >= 2):
            return node
        site = {"site": len(self.sites), "kind": "expect", "hint": "This check did not pass.",
                "hidden": node.lineno in self.hidden,
                "rel_tol": REL_TOL, "abs_tol": ABS_TOL, "literal": True}
        try:
            site["expected"] = ast.literal_eval(node.args[1])
        except ValueError:
            site["literal"] = False
        hint_node = node.args[2] if len(node.args) > 2 else next(
            (k.value for k in node.keywords if k.arg == "hint"), None)
        try:
            if hint_node is not None:
                site["hint"] = str(ast.literal_eval(hint_node))
            for keyword in node.keywords:
                if keyword.arg in ("rel_tol", "abs_tol"):
                    site[keyword.arg] = float(ast.literal_eval(keyword.value))
        except ValueError:
            site["literal"] = False
        self.sites.append(site)
        thunk = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                              kw_defaults=[], defaults=[]), body=node.args[0])
        return ast.copy_location(ast.Call(func=ast.Name("__ownit_check__", ast.Load()),
                                          args=[ast.Constant(site["site"]), thunk],
                                          keywords=[]), node)


def split_source(source: str) -> tuple[str, list[dict]]:
    """The test cell's code with each expect() reporting ACTUAL, and what each site expects."""
    sites: list[dict] = []
    tree = _Split(sites, source).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree)), sites


class SplitExpectations(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        kept = resources.setdefault("ownit", {})
        kept.setdefault("sites", {})
        kept.setdefault("sources", {})
        for cell in nb.cells:
            if not _is_test(cell):
                continue
            grade_id = _meta(cell)["grade_id"]
            try:
                code, sites = split_source(cell.source)
            except SyntaxError:
                continue  # judged as it runs: a syntax error fails the cell
            kept["sources"][grade_id] = cell.source
            kept["sites"][grade_id] = sites
            cell.source = code
        nb.cells.insert(0, new_code_cell(PRELUDE, id=PRELUDE_ID))
        return nb, resources


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


def _error(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


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
               stop: tuple[str, str] | None = None) -> NotebookNode | None:
    """None when the test cell passed, else the one error output that explains why.

    ``stop`` is the grader's own reason when it cut the cell short (a time limit, a dead kernel).
    Every message in the verdict comes from the test's source or from this module.
    """
    if stop is not None:
        return _error(*stop)
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
            return _error("AssertionError", "This check cannot be judged safely (its expected "
                          "value is not a literal): tell your instructor.")
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
        return _error("AssertionError", unique[0])
    shown = unique[:MAX_FAILURES_SHOWN]
    more = len(unique) - len(shown)
    return _error("AssertionError", f"{len(unique)} checks failed: " + " | ".join(shown)
                  + (f" | and {more} more" if more else ""))


def _partial_credit(cell) -> list:
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
    points = float(_meta(cell).get("points", 0) or 0)
    return results[-1:] if 0 <= value <= points else []


class JudgeExpectations(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        kept = resources.get("ownit", {})
        nb.cells = [c for c in nb.cells if c.get("id") != PRELUDE_ID]
        for cell in nb.cells:
            if not _is_test(cell):
                continue
            grade_id = _meta(cell)["grade_id"]
            source = kept.get("sources", {}).get(grade_id, cell.source)
            verdict = judge_cell(cell, kept.get("sites", {}).get(grade_id, []), source,
                                 kept.get("stops", {}).get(grade_id))
            cell.outputs = _partial_credit(cell) if verdict is None else [verdict]
            cell.source = source
        return nb, resources


MAX_FAILURES_SHOWN = 3
OUTPUT_MESSAGES = {"stream", "display_data", "update_display_data", "execute_result", "error"}
_DEFAULT_LIMITS = Limits()


def message_bytes(content: dict) -> int:
    """What an output message weighs: all of it (data, metadata, text, traceback), in bytes."""
    return len(json.dumps(content, default=str, ensure_ascii=False).encode("utf-8", "replace"))


class ExecuteBounded(Execute):
    """nbgrader's Execute with byte caps on output and a time limit for the whole notebook.

    Every output message is weighed before nbclient sees it (so ``update_display_data`` and
    outputs of any MIME type, metadata included, count), per cell and per notebook; the values
    ``expect`` reports have a budget of their own. Over a cap, messages are dropped, except that
    an error still arrives (shortened) and a cell's first stderr write leaves a trace: a test
    cell must fail exactly as it would have, however much it printed first.
    """

    notebook_timeout = Integer(_DEFAULT_LIMITS.notebook_seconds,
                               help="Wall-clock seconds for all cells of one notebook.") \
        .tag(config=True)
    max_output_bytes = Integer(_DEFAULT_LIMITS.output_bytes_per_cell,
                               help="Output kept per cell, in bytes.").tag(config=True)
    max_notebook_output_bytes = Integer(_DEFAULT_LIMITS.output_bytes_per_notebook,
                                        help="Output kept per notebook, in bytes.") \
        .tag(config=True)
    max_check_bytes = Integer(_DEFAULT_LIMITS.check_bytes_per_cell,
                              help="Bytes of reported check values per cell.").tag(config=True)
    max_records = Integer(10_000, help="Checks reported per cell.").tag(config=True)

    def preprocess(self, nb, resources, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._cell_timeout = self.timeout
        self._timeouts_in_a_row = 0
        self._dead = False
        self._bytes: dict[int, int] = {}
        self._notebook_bytes = 0
        self._check_used: dict[int, int] = {}
        self._notebook_check_bytes = 0
        self._overflow_error: dict[int, int] = {}
        self._records: dict[int, int] = {}
        self._capped: set[int] = set()
        self._stderr_seen: set[int] = set()
        self._stops = resources.setdefault("ownit", {}).setdefault("stops", {})
        early = early_kernel() if km is None else None
        path = (resources or {}).get("metadata", {}).get("path")
        if early is not None and path:
            # The early kernel booted elsewhere; run where nbgrader put the notebook and data.
            nb.cells.insert(0, new_code_cell(f"__import__('os').chdir({str(path)!r})",
                                             id=CHDIR_ID))
        try:
            nb, resources = super().preprocess(nb, resources, km=km or early)
        finally:
            if early is not None:
                self._cleanup_kernel()
        nb.cells = [c for c in nb.cells if c.get("id") != CHDIR_ID]
        return nb, resources

    def _stop(self, cell, kind: str, message: str) -> None:
        """The grader's own verdict on a cell it cut short, kept where the kernel cannot write."""
        cell.outputs.append(_error(kind, message))
        grade_id = _meta(cell).get("grade_id")
        if grade_id is not None and _is_test(cell):
            self._stops.setdefault(grade_id, (kind, message))

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        remaining = self._deadline - time.monotonic()
        stop = None
        if self._dead:
            stop = (KERNEL_DIED, "The kernel had died earlier (os._exit, a crash, or a limit), "
                                 "so this cell did not run.")
        elif self._timeouts_in_a_row >= 2:
            stop = (KERNEL_STUCK, "The kernel stopped answering (an endless loop that ignores "
                                  "interrupts?), so this cell did not run.")
        elif remaining <= 1:
            stop = (TIME_LIMIT, f"The notebook's time limit ({self.notebook_timeout} s) was "
                                "reached, so this cell did not run.")
        if stop:
            cell.outputs = []
            self._stop(cell, *stop)
            return cell, resources
        self.timeout = max(1, int(min(self._cell_timeout, remaining)))
        self._started = time.monotonic()
        try:
            cell, resources = super().preprocess_cell(cell, resources, cell_index)
        except CellTimeoutError:
            # The kernel neither finished nor sent output in time (an endless loop that ignores
            # interrupts, a wedged kernel): one strike, like a timed-out reply.
            self._timeouts_in_a_row += 1
            self._stop(cell, "CellTimeoutError", "The cell did not finish in time.")
            return cell, resources
        except DeadKernelError:
            self._dead = True
            self._stop(cell, KERNEL_DIED, "The kernel died while this cell ran (os._exit, a "
                                          "crash, or a resource limit).")
            return cell, resources
        timed_out = time.monotonic() - self._started >= self.timeout
        if timed_out:
            self._stop(cell, "CellTimeoutError", "The cell did not finish in time.")
        self._timeouts_in_a_row = self._timeouts_in_a_row + 1 if timed_out else 0
        if cell_index in self._capped:
            cell.outputs.append(new_output(
                "stream", name="stdout",
                text=f"[output cut at {self.max_output_bytes // 1024} KB per cell, "
                     f"{self.max_notebook_output_bytes // 1024} KB per notebook]\n"))
        return cell, resources

    def process_message(self, msg, cell, cell_index):
        msg_type = msg.get("msg_type")
        if msg_type not in OUTPUT_MESSAGES:
            return super().process_message(msg, cell, cell_index)
        content = msg.get("content") or {}
        size = message_bytes(content)
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        if msg_type == "display_data" and set(data) == {RECORD_MIME} and _is_test(cell):
            # Reports of checks count only in test cells (elsewhere they are ordinary output),
            # per cell and per notebook; over either budget a check reports nothing, and fails.
            count = self._records.get(cell_index, 0) + 1
            used = self._check_used.get(cell_index, 0) + size
            self._records[cell_index], self._check_used[cell_index] = count, used
            self._notebook_check_bytes += size
            if count > self.max_records or used > self.max_check_bytes or \
                    self._notebook_check_bytes > 4 * self.max_check_bytes:
                return None
            return super().process_message(msg, cell, cell_index)
        used = self._bytes.get(cell_index, 0) + size
        self._bytes[cell_index] = used
        self._notebook_bytes += size
        if used <= self.max_output_bytes and \
                self._notebook_bytes <= self.max_notebook_output_bytes:
            return super().process_message(msg, cell, cell_index)
        self._capped.add(cell_index)
        if msg_type == "error":
            # Over the cap a cell keeps one error, the latest (the one that ends a cell is
            # what the judge reads), shortened: however many a loop raises.
            short = new_output("error", ename=str(content.get("ename", ""))[:200],
                               evalue=str(content.get("evalue", ""))[:1000], traceback=[])
            kept = self._overflow_error.get(cell_index)
            if kept is not None and kept < len(cell.outputs):
                cell.outputs[kept] = short
            else:
                self._overflow_error[cell_index] = len(cell.outputs)
                cell.outputs.append(short)
            return short
        if msg_type == "stream" and content.get("name") == "stderr" and \
                cell_index not in self._stderr_seen:
            self._stderr_seen.add(cell_index)
            trace = new_output("stream", name="stderr", text=str(content.get("text", ""))[:200])
            cell.outputs.append(trace)
            return trace
        return None


class ReduceToSafeContent(NbGraderPreprocessor):
    """Last step of autograding: the notebook formgrader will render (in the instructor's Jupyter
    session) keeps the learner's code and text, never anything a browser would run.

    Outputs become text and images without metadata; Markdown cells are shown verbatim unless
    their text is the source notebook's own; raw cells and attachments go; cell metadata keeps
    only nbgrader's; notebook metadata keeps only the kernel's name and language.
    """

    def preprocess(self, nb, resources):
        trusted = self._instructor_texts(resources)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            cell.metadata = nbformat.from_dict({"nbgrader": meta} if meta else {})
            cell.pop("attachments", None)
            if cell.cell_type == "code":
                cell.outputs = safe.safe_outputs(cell.outputs)
            elif cell.source not in trusted:
                cell.cell_type = "markdown"
                cell.source = safe.verbatim_markdown(cell.source)
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        keep = {}
        for key in ("kernelspec", "language_info"):
            value = nb.metadata.get(key)
            if isinstance(value, dict):
                keep[key] = {k: safe.clean_text(v, 200) for k, v in value.items()
                             if isinstance(v, str) and k in ("name", "display_name", "language",
                                                              "file_extension", "mimetype",
                                                              "version")}
        nb.metadata = nbformat.from_dict(keep)
        return nb, resources

    def _instructor_texts(self, resources) -> set[str]:
        from nbgrader.coursedir import CourseDirectory

        info = resources.get("nbgrader", {})
        course = CourseDirectory(config=self.config)
        folder = Path(course.format_path(course.source_directory, ".", info.get("assignment")))
        try:
            source = nbformat.read(folder / f"{info.get('notebook')}.ipynb", as_version=4)
        except (OSError, ValueError):
            return set()
        return safe.instructor_markdown(source)
