"""Running a learner's kernel in a sandbox: bubblewrap, an unprivileged user, resource limits.

What the kernel sees (see docs/trust-boundary.md): read-only system folders (/usr, /etc), the
Python installation and virtual environment it runs from, of the course's own code only what
graded notebooks import (``autograder.expect`` and the check cell's ``ownit.check``), a working
folder seeded with a copy of the exercise's data files, a fresh /tmp, and the folder of its own
connection sockets. The working folder and /tmp are size-limited tmpfs mounts: what the kernel
writes never reaches the host's disk, and (with a control group) counts against its memory.
No network (not even loopback), its own PID namespace (every process it starts, detached or not,
dies with it), an unprivileged uid of its own (as root, leased so no two live kernels share one;
as an ordinary user, in a user namespace of its own), and limits on memory, CPU time, file size,
open files and processes, per process (``prlimit``) and, where the machine allows it, for the
whole sandbox (a control group, :mod:`autograder.sandbox.cgroups`).

The kernel speaks to the grader over IPC sockets in a folder bound into the sandbox, since a
network namespace leaves no TCP route; it is interrupted by message, since ``--new-session``
keeps signals from reaching it.

The parts: :mod:`.availability` (which mode, or what to install), :mod:`.bubblewrap` (the command
line), :mod:`.view` (what of the course is importable), :mod:`.uids` (the uid lease),
:mod:`.cgroups`, :mod:`.startup` (bubblewrap's own errors), :mod:`.boxes` (the host folder and
its leftovers), :mod:`.kernel` (the kernel manager).
"""

from autograder.sandbox import cgroups
from autograder.sandbox.availability import INSTALL_HINT, ensure_available, mode
from autograder.sandbox.boxes import box_tag, remove_leftovers
from autograder.sandbox.bubblewrap import bwrap_path, sandbox_command
from autograder.sandbox.errors import SandboxStartFailed, SandboxUnavailable
from autograder.sandbox.kernel import SandboxedKernelManager
from autograder.sandbox.uids import UidLease
from autograder.sandbox.view import KERNEL_VISIBLE

__all__ = ["INSTALL_HINT", "KERNEL_VISIBLE", "SandboxStartFailed", "SandboxUnavailable",
           "SandboxedKernelManager", "UidLease", "box_tag", "bwrap_path", "cgroups",
           "ensure_available", "mode", "remove_leftovers", "sandbox_command"]
