"""A kernel started before nbgrader is even imported, for ``ownit check`` (unsandboxed).

Importing nbgrader and preparing the notebook take about a second and a half; a kernel takes
half a second to boot and the notebook's pandas import as much again. Starting the kernel first,
and letting it import the well-known libraries the notebook imports anyway, overlaps the two.
This module imports only jupyter_client (and :mod:`autograder.kernel_manager`, which imports
nothing else), so that the kernel really starts first.

The caller holds the :class:`EarlyKernel` and hands it to the grading call
(``grade_submission(..., early_kernel=...)``), which gives it to ``ExecuteBounded`` through its
configuration: nothing is parked in a module.
"""

from __future__ import annotations

import ast
import json
import os

# Only these are imported ahead of the notebook: libraries whose import has no visible effect.
WARMABLE = {"numpy", "pandas", "matplotlib", "matplotlib.pyplot"}


def imported_libraries(notebook: str) -> list[str]:
    """The well-known libraries a notebook imports (read with ``json``: nbformat is slow)."""
    found = set()
    try:
        cells = json.loads(open(notebook, encoding="utf-8").read()).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(cells, list):  # not a notebook: the check says so once nbformat reads it
        return []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        try:
            tree = ast.parse("".join(source) if isinstance(source, list) else str(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return sorted(found & WARMABLE)


class EarlyKernel:
    """A started kernel, handed to the execution of one notebook, once."""

    def __init__(self, manager) -> None:
        self._manager = manager

    def __deepcopy__(self, memo) -> EarlyKernel:
        # traitlets deep-copies every configured value into the trait; a handle on one running
        # kernel stays one handle (its copy would hand the same kernel out twice).
        return self

    def take(self):
        """The kernel manager, the first time; None after (it is then the taker's to shut)."""
        manager, self._manager = self._manager, None
        return manager

    def close(self) -> None:
        """Shut the kernel down if nobody took it (the check stopped before grading)."""
        manager = self.take()
        if manager is not None:
            from jupyter_core.utils import run_sync

            run_sync(manager.shutdown_kernel)(now=True)


def start_kernel_early(cwd: str, warm: list[str] = ()) -> EarlyKernel:
    """Start a kernel in ``cwd`` (the learner's folder) that has imported ``warm`` already."""
    from jupyter_core.utils import run_sync

    from autograder.kernel_manager import PromptKernelManager

    km = PromptKernelManager(kernel_name="python3")
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
    from autograder.import_view import import_view_argument

    # What the notebook may import of the course, as in grading; then the warm imports.
    extra = ["--HistoryManager.hist_file=:memory:", import_view_argument()]
    if warm:
        extra.append(f"--IPKernelApp.exec_lines=import {', '.join(warm)}")
    run_sync(km.start_kernel)(cwd=cwd, env=env, extra_arguments=extra)
    return EarlyKernel(km)
