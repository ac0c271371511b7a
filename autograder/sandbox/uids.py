"""Unprivileged uids leased one per kernel (root mode): no two live kernels share one, so one
fork bomb cannot use up another kernel's per-uid process limit."""

from __future__ import annotations

import os
import random
from pathlib import Path

from autograder.sandbox.errors import SandboxUnavailable
from autograder.settings import Limits

FIRST_UID = Limits().uid_first
UID_COUNT = Limits().uid_count
UID_LOCKS = Path("/run/ownit-uids") if Path("/run").is_dir() else Path("/tmp/ownit-uids")


class UidLease:
    """An unprivileged uid no other live kernel on this machine holds (an ``flock`` per uid, so
    concurrent workers and concurrent ``ownit grade`` runs never share one, and a lease dies
    with its process). The start of the search is random, so which uid a kernel gets depends on
    no process id."""

    def __init__(self, folder: Path | None = None, *, first: int = FIRST_UID,
                 count: int = UID_COUNT):
        import fcntl  # POSIX only: imported where it locks, so the core imports on Windows

        # One folder for the whole machine (never $TMPDIR, which differs between processes).
        folder = folder or UID_LOCKS
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = random.randrange(count)
        for step in range(count):
            uid = first + (start + step) % count
            fd = os.open(folder / str(uid), os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise SandboxUnavailable(f"all {count} sandbox uids are in use")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
