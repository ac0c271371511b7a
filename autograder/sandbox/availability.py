"""Which sandbox this machine gives a kernel, and what to install or enable when none.

- **root** (CI, grading containers): each kernel switched to a uid leased for it alone, and a
  control group (cgroup v1 or v2) per kernel.
- **user** (an instructor on a laptop): each kernel in a user namespace of its own, in a control
  group where one can be had without root (a delegated cgroup v2 subtree, or a scope of the
  user's systemd manager), else bounded per process and per namespace.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from autograder.sandbox import bubblewrap
from autograder.sandbox.errors import SandboxUnavailable

INSTALL_HINT = ("bubblewrap is not installed: the sandbox that keeps student code away from "
                "solutions, the gradebook and other students needs it. Install it with "
                "`apt-get install bubblewrap` (Debian/Ubuntu), or pass --no-sandbox to grade "
                "without isolation (only for code you trust).")
CONTAINER_DOC = "docs/grading-in-a-container.md"


def mode() -> str:
    """"root" or "user": how kernels are sandboxed by this process."""
    return "root" if os.geteuid() == 0 else "user"


def _sysctl(name: str) -> str | None:
    try:
        return Path("/proc/sys", *name.split(".")).read_text().strip()
    except OSError:
        return None


def userns_hint(said: str) -> str:
    """What to enable so that an ordinary user's bubblewrap can make a user namespace."""
    steps = []
    if _sysctl("kernel.unprivileged_userns_clone") == "0":
        steps.append("`sysctl -w kernel.unprivileged_userns_clone=1` (Debian's kernels before "
                     "11 and some others switch user namespaces off for ordinary users)")
    if _sysctl("kernel.apparmor_restrict_unprivileged_userns") == "1":
        steps.append("`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`, or an AppArmor "
                     "profile allowing `userns` for bwrap (Ubuntu 24.04 restricts user "
                     "namespaces to programs with such a profile)")
    if _sysctl("user.max_user_namespaces") == "0":
        steps.append("`sysctl -w user.max_user_namespaces=15000` (it is 0 here)")
    if not steps:
        steps.append("user namespaces for ordinary users (`kernel.unprivileged_userns_clone=1`; "
                     "on Ubuntu 24.04 `kernel.apparmor_restrict_unprivileged_userns=0`; inside a "
                     "container, a seccomp profile that allows `clone` with CLONE_NEWUSER)")
    return ("The sandbox needs root or user namespaces, and an ordinary user's bubblewrap could "
            f"not make one here (bwrap said: {said or 'nothing'}). Enable "
            + "; ".join(steps)
            + f", or run `ownit grade` as root or in a container (see {CONTAINER_DOC}); "
              "--no-sandbox grades without isolation, only for code you trust.")


@functools.cache
def _userns_sandbox_error(bwrap: str) -> str | None:
    """None when an ordinary user's sandbox starts here, else what bubblewrap said."""
    try:
        done = subprocess.run(bubblewrap.userns_probe_command(bwrap), capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    return " / ".join(line for line in done.stderr.splitlines() if line.strip())[:500] or \
        f"exit status {done.returncode}"


def ensure_available() -> None:
    """Raise :class:`SandboxUnavailable` unless a kernel can be sandboxed on this machine."""
    bwrap = bubblewrap.bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(INSTALL_HINT)
    tools = ("setpriv", "prlimit") if mode() == "root" else ("prlimit",)
    for tool in tools:
        if shutil.which(tool) is None:
            raise SandboxUnavailable(f"{tool} is missing: install util-linux.")
    if mode() == "user":
        said = _userns_sandbox_error(bwrap)
        if said is not None:
            raise SandboxUnavailable(userns_hint(said))
