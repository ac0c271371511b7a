"""A kernel started before nbgrader is even imported, for ``ownit check`` (unsandboxed).

Importing nbgrader and preparing the notebook take about a second and a half; a kernel takes
half a second to boot and the notebook's pandas import as much again. Starting the kernel first,
and letting it import the well-known libraries the notebook imports anyway, overlaps the two.
This module imports only jupyter_client, so that the kernel really starts first.
"""

from __future__ import annotations

import ast
import json
import os

_waiting: list = []
# Only these are imported ahead of the notebook: libraries whose import has no visible effect.
WARMABLE = {"numpy", "pandas", "matplotlib", "matplotlib.pyplot"}


def imported_libraries(notebook: str) -> list[str]:
    """The well-known libraries a notebook imports (read with ``json``: nbformat is slow)."""
    found = set()
    try:
        cells = json.loads(open(notebook, encoding="utf-8").read()).get("cells", [])
    except (OSError, ValueError, AttributeError):
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


def start_kernel_early(cwd: str, warm: list[str] = ()) -> None:
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name="python3")
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
    extra = ["--HistoryManager.hist_file=:memory:"]
    if warm:
        extra.append(f"--IPKernelApp.exec_lines=import {', '.join(warm)}")
    run_sync(km.start_kernel)(cwd=cwd, env=env, extra_arguments=extra)
    _waiting.append(km)


def early_kernel():
    """The kernel started early, if any (each is used once)."""
    return _waiting.pop() if _waiting else None
