"""Knowing that a sandbox started, and why not when it did not.

The kernel's command is started with its stdout and stderr on two pipes. The shell that starts
the kernel inside the sandbox (``bubblewrap.START``) writes one byte on stdout once the sandbox
is set up; before that, everything on stderr is bubblewrap's own (or ``setpriv``'s, ``prlimit``'s,
the control-group wrapper's): a bounded amount of it is kept, and goes into the error when the
sandbox ends before the byte arrives. After the byte, both pipes are closed on this side: the
kernel runs with /dev/null for both, and nothing it writes is read by anyone.
"""

from __future__ import annotations

import os
import select
import time

from autograder.sandbox.bubblewrap import READY
from autograder.sandbox.errors import SandboxStartFailed

KEPT_BYTES = 4096  # of bubblewrap's stderr, for the error message


class StartWatch:
    def __init__(self) -> None:
        self._ready_r, self._ready_w = os.pipe()
        self._err_r, self._err_w = os.pipe()

    def popen_kwargs(self) -> dict:
        return {"stdout": self._ready_w, "stderr": self._err_w}

    def launched(self) -> None:
        """The process holds its copies of the write ends; close ours, so its exit is seen."""
        for fd in (self._ready_w, self._err_w):
            os.close(fd)
        self._ready_w = self._err_w = -1

    def wait(self, timeout: float) -> None:
        """Return once the sandbox is up; raise :class:`SandboxStartFailed` if it ends first
        or takes longer than ``timeout`` seconds."""
        kept, deadline = bytearray(), time.monotonic() + timeout
        open_fds = [self._ready_r, self._err_r]
        try:
            while self._ready_r in open_fds:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SandboxStartFailed(_message(
                        f"the sandbox was not up after {timeout:.0f} s", kept))
                readable, _, _ = select.select(open_fds, [], [], left)
                if self._err_r in readable:
                    chunk = os.read(self._err_r, 65536)
                    if chunk:
                        kept += chunk[:max(0, KEPT_BYTES - len(kept))]
                    else:
                        open_fds.remove(self._err_r)
                if self._ready_r in readable:
                    if os.read(self._ready_r, 1) == READY:
                        return
                    open_fds.remove(self._ready_r)
            # It ended: what it said may still be in the pipe.
            while self._err_r in open_fds and select.select([self._err_r], [], [], 1)[0]:
                chunk = os.read(self._err_r, 65536)
                if not chunk:
                    break
                kept += chunk[:max(0, KEPT_BYTES - len(kept))]
            raise SandboxStartFailed(_message("the sandbox ended before the kernel started",
                                              kept))
        finally:
            self.close()

    def close(self) -> None:
        for name in ("_ready_r", "_err_r", "_ready_w", "_err_w"):
            fd = getattr(self, name)
            if fd >= 0:
                os.close(fd)
                setattr(self, name, -1)


def _message(what: str, stderr: bytes) -> str:
    said = " / ".join(line.strip() for line in stderr.decode(errors="replace").splitlines()
                      if line.strip())
    return f"{what}: {said}" if said else f"{what} (bubblewrap said nothing)"
