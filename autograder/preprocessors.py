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
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer

from autograder.early import early_kernel
from autograder.expect import ABS_TOL, REL_TOL, same

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
    def __init__(self, sites: list[dict]):
        self.sites = sites

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == "expect"
                and len(node.args) >= 2):
            return node
        site = {"site": len(self.sites), "hint": "This check did not pass.",
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
    tree = _Split(sites).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree)), sites


class SplitExpectations(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        kept = resources.setdefault("ownit", {"sites": {}, "sources": {}})
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


def judge_cell(cell, sites: list[dict]) -> NotebookNode | None:
    """None when the test cell passed, else the one error output that explains why."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    stderr = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream"
              and o.get("name") == "stderr"]
    by_site: dict[int, list[dict]] = {}
    for record in _records(cell):
        by_site.setdefault(record["site"], []).append(record)
    for site in sites:
        found = by_site.get(site["site"], [])
        if not site["literal"]:
            return _error("AssertionError", "This check cannot be judged safely (its expected "
                          "value is not a literal): tell your instructor.")
        if not found:
            break  # the cell stopped before this check: the error below says why
        for record in found:
            if "error" in record:
                return _error(str(record["error"]), str(record.get("message", "")))
            if not same(record["value"], site["expected"], rel_tol=site["rel_tol"],
                        abs_tol=site["abs_tol"]):
                return _error("AssertionError", site["hint"])
    else:
        if errors:
            return _error(errors[-1].get("ename", "Error"), errors[-1].get("evalue", ""))
        if stderr:
            # nbgrader scores a test cell that wrote to stderr as failed; so do we, and say so.
            return _error("AssertionError", "Your code wrote to stderr while the tests ran (a "
                          "warning?): that counts as a failure. Run the tests and read it.")
        return None
    if errors:
        return _error(errors[-1].get("ename", "Error"), errors[-1].get("evalue", ""))
    return _error("AssertionError", "The tests stopped before every check ran.")


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
        kept = resources.get("ownit", {"sites": {}, "sources": {}})
        nb.cells = [c for c in nb.cells if c.get("id") != PRELUDE_ID]
        for cell in nb.cells:
            if not _is_test(cell):
                continue
            grade_id = _meta(cell)["grade_id"]
            sites = kept["sites"].get(grade_id, [])
            verdict = judge_cell(cell, sites)
            cell.outputs = _partial_credit(cell) if verdict is None else [verdict]
            cell.source = kept["sources"].get(grade_id, cell.source)
        return nb, resources


class ExecuteBounded(Execute):
    """nbgrader's Execute with byte caps on output and a time limit for the whole notebook."""

    notebook_timeout = Integer(300, help="Wall-clock seconds for all cells of one notebook.") \
        .tag(config=True)
    max_output_bytes = Integer(256 * 1024, help="Output kept per cell, in bytes.") \
        .tag(config=True)
    max_records = Integer(10_000, help="Checks reported per cell.").tag(config=True)

    def preprocess(self, nb, resources, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._cell_timeout = self.timeout
        self._timeouts_in_a_row = 0
        self._dead = False
        self._bytes: dict[int, int] = {}
        self._records: dict[int, int] = {}
        self._capped: set[int] = set()
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
            cell.outputs = [_error(*stop)]
            return cell, resources
        self.timeout = max(1, int(min(self._cell_timeout, remaining)))
        try:
            cell, resources = super().preprocess_cell(cell, resources, cell_index)
        except CellTimeoutError:
            # The kernel neither finished nor sent output in time (an endless loop that ignores
            # interrupts, a wedged kernel): one strike, like a timed-out reply.
            self._timeouts_in_a_row += 1
            cell.outputs.append(_error("CellTimeoutError", "The cell did not finish in time."))
            return cell, resources
        except DeadKernelError:
            self._dead = True
            cell.outputs.append(_error(KERNEL_DIED, "The kernel died while this cell ran "
                                                    "(os._exit, a crash, or a resource limit)."))
            return cell, resources
        timed_out = any(o.get("ename") == "CellTimeoutError" for o in cell.outputs
                        if o.get("output_type") == "error")
        self._timeouts_in_a_row = self._timeouts_in_a_row + 1 if timed_out else 0
        if cell_index in self._capped:
            cell.outputs.append(new_output(
                "stream", name="stdout",
                text=f"[output cut at {self.max_output_bytes // 1024} KB]\n"))
        return cell, resources

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        data = content.get("data") or {}
        if msg.get("msg_type") == "display_data" and RECORD_MIME in data:
            count = self._records.get(cell_index, 0) + 1
            self._records[cell_index] = count
            if count > self.max_records:
                return None
            return super().output(outs, msg, display_id, cell_index)
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in data.values()) + \
            len(str(content.get("traceback", "")))
        used = self._bytes.get(cell_index, 0) + size
        self._bytes[cell_index] = used
        if used > self.max_output_bytes:
            self._capped.add(cell_index)
            return None
        return super().output(outs, msg, display_id, cell_index)
