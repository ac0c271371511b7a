"""ExecuteBounded: nbgrader's Execute with byte caps on output and a time limit per notebook."""

from __future__ import annotations

import json
import time
from contextlib import nullcontext

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute
from traitlets import Instance

from autograder.pipeline.cells import error_output, grader_meta, is_test
from autograder.pipeline.markers import (
    CHDIR_ID,
    KERNEL_DIED,
    KERNEL_STUCK,
    RECORD_MIME,
    TIME_LIMIT,
)
from autograder.settings import limit_trait
from autograder.stage_clock import StageClock
from autograder.warm_kernel import EarlyKernel

OUTPUT_MESSAGES = {"stream", "display_data", "update_display_data", "execute_result", "error"}


def message_bytes(content: dict) -> int:
    """What an output message weighs: all of it (data, metadata, text, traceback), in bytes of
    UTF-8 (the caps count bytes, so text outside ASCII weighs what it costs to carry)."""
    return len(json.dumps(content, default=str, ensure_ascii=False).encode("utf-8", "replace"))


class ExecuteBounded(Execute):
    """nbgrader's Execute with byte caps on output and a time limit for the whole notebook.

    Every output message is weighed before nbclient sees it (so ``update_display_data`` and
    outputs of any MIME type, metadata included, count), per cell and per notebook; the values
    ``expect`` reports have a budget of their own. Over a cap, messages are dropped, except that
    an error still arrives (shortened) and a cell's first stderr write leaves a trace: a test
    cell must fail exactly as it would have, however much it printed first.
    """

    notebook_timeout = limit_trait("notebook_seconds")
    max_output_bytes = limit_trait("output_bytes_per_cell")
    max_notebook_output_bytes = limit_trait("output_bytes_per_notebook")
    max_check_bytes = limit_trait("check_bytes_per_cell")
    max_notebook_check_bytes = limit_trait("check_bytes_per_notebook")
    max_records = limit_trait("checks_per_cell")
    early_kernel = Instance(EarlyKernel, allow_none=True,
                            help="A kernel started before grading (ownit check, unsandboxed): "
                                 "the first notebook runs in it instead of a new one.") \
        .tag(config=True)

    clock = Instance(StageClock, allow_none=True,
                     help="Times kernel start and execution (ownit grade --profile).") \
        .tag(config=True)

    # nbconvert's preprocess starts the kernel through these synchronous wrappers (nbclient
    # binds them to its own async methods, so overriding those would not be seen).
    def start_new_kernel(self, **kwargs):
        with self.clock.stage("kernel_start") if self.clock else nullcontext():
            return super().start_new_kernel(**kwargs)

    def start_new_kernel_client(self):
        with self.clock.stage("kernel_start") if self.clock else nullcontext():
            return super().start_new_kernel_client()

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
        early = self.early_kernel.take() if km is None and self.early_kernel is not None else None
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
        cell.outputs.append(error_output(kind, message))
        grade_id = grader_meta(cell).get("grade_id")
        if grade_id is not None and is_test(cell):
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
            with self.clock.stage("execute") if self.clock else nullcontext():
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
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        record = msg_type == "display_data" and set(data) == {RECORD_MIME} and is_test(cell)
        if cell_index in self._capped and not record and msg_type != "error" and not (
                msg_type == "stream" and content.get("name") == "stderr"
                and cell_index not in self._stderr_seen):
            # Already over its cap, this output would be dropped after weighing: drop it now, so
            # a flood costs the grader little and it keeps up with the kernel (the cell's time
            # limit counts the grader's reading too). Errors, a first stderr write and check
            # reports go on as before.
            return None
        size = message_bytes(content)
        if record:
            # Reports of checks count only in test cells (elsewhere they are ordinary output),
            # per cell and per notebook; over either budget a check reports nothing, and fails.
            count = self._records.get(cell_index, 0) + 1
            used = self._check_used.get(cell_index, 0) + size
            self._records[cell_index], self._check_used[cell_index] = count, used
            self._notebook_check_bytes += size
            if count > self.max_records or used > self.max_check_bytes or \
                    self._notebook_check_bytes > self.max_notebook_check_bytes:
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
