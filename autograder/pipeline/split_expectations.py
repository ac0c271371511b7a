"""SplitExpectations: the kernel gets each check's actual value to compute, never its expected one.

:func:`split_source` does it for one test cell's code: each ``expect(ACTUAL, EXPECTED, hint)``
becomes a call that reports ACTUAL, and each ``assert`` raises only a marker naming its site;
what each site expects, and the words its failure shows, are returned beside the code.
"""

from __future__ import annotations

import ast

from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.expect import ABS_TOL, REL_TOL
from autograder.pipeline.cells import grader_meta, is_test
from autograder.pipeline.markers import ASSERT_MARK, PRELUDE_ID, hidden_lines, prelude
from autograder.settings import limit_trait


class _Split(ast.NodeTransformer):
    def __init__(self, sites: list[dict], source: str = ""):
        self.sites = sites
        self.lines = source.splitlines()
        self.hidden = hidden_lines(source)

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
    """Rewrite each ``expect(ACTUAL, EXPECTED, hint)`` of a test cell so the kernel evaluates
    only ACTUAL and reports it as plain data; EXPECTED and the hint stay in this process (kept
    in ``resources["ownit"]`` for :class:`JudgeExpectations`). A prelude cell, first, gives the
    kernel the reporting function."""

    max_value_bytes = limit_trait("check_bytes_per_value")

    def preprocess(self, nb, resources):
        kept = resources.setdefault("ownit", {})
        kept.setdefault("sites", {})
        kept.setdefault("sources", {})
        for cell in nb.cells:
            if not is_test(cell):
                continue
            grade_id = grader_meta(cell)["grade_id"]
            try:
                code, sites = split_source(cell.source)
            except SyntaxError:
                continue  # judged as it runs: a syntax error fails the cell
            kept["sources"][grade_id] = cell.source
            kept["sites"][grade_id] = sites
            cell.source = code
        nb.cells.insert(0, new_code_cell(prelude(self.max_value_bytes), id=PRELUDE_ID))
        return nb, resources
