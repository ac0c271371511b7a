"""The bubblewrap command line that starts one kernel in its sandbox.

Two ways in, one sandbox: as root, bubblewrap switches the kernel to a uid leased for it alone
(``setpriv``); as an ordinary user, it makes a user namespace (``--unshare-user``) in which the
kernel runs as an unprivileged uid mapped to the caller's. Either way the kernel gets the same
mounts, namespaces and ``prlimit`` limits; the limits are applied inside the sandbox, so in a
user namespace the process limit counts that namespace's processes only (see
docs/trust-boundary.md, "Sandbox modes").
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.sandbox.view import course_view, parent_dirs
from autograder.settings import Limits

BWRAP = "bwrap"
INSIDE_WORKDIR = "/submission"  # the kernel's working folder, as the kernel sees it
INSIDE_SEED = "/ownit-seed"  # read-only copy of the data files, copied into the working folder
INSIDE_UID = 1000  # the kernel's uid inside a user namespace (mapped to the caller's own)
# The shell that starts the kernel inside the sandbox: copy the data files into the tmpfs as the
# kernel's own user, say on stdout that the sandbox is up (the manager waits for that byte, and
# reads bubblewrap's stderr until then), then run the kernel with neither stream: what the kernel
# writes there is not for anyone.
START = f"cp -R {INSIDE_SEED}/. {INSIDE_WORKDIR}/ || exit 1; printf x; exec \"$@\" >/dev/null 2>&1"
READY = b"x"


def bwrap_path() -> str | None:
    return shutil.which(BWRAP)


@functools.cache
def can_disable_userns(bwrap: str) -> bool:
    """bubblewrap 0.8 and later can forbid the sandbox to make user namespaces of its own."""
    try:
        out = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--disable-userns" in out.stdout


def _python_paths() -> list[tuple[Path, Path]]:
    """The interpreter, its standard library and the environment's packages, as (folder, where
    the kernel sees it): each at its real path, and also where this process found it when a
    symbolic link led there (a venv reached through a link: the kernel's command names the
    interpreter by that path, and would not start without it)."""
    system = (Path("/usr"), Path("/etc"))
    found = (Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).parent)
    binds = {}
    for path in found:
        real = path.resolve()
        for where in (real, Path(os.path.abspath(path))):
            if not any(where.is_relative_to(s) for s in system):
                binds[where] = real
    return sorted((real, where) for where, real in binds.items())


def _user_args(bwrap: str, uid: int | None) -> list[str]:
    """Root: nothing here (``setpriv`` switches uid later). Ordinary user: a user namespace."""
    if uid is not None:
        return []
    args = ["--unshare-user", "--uid", str(INSIDE_UID), "--gid", str(INSIDE_UID)]
    if can_disable_userns(bwrap):
        args.append("--disable-userns")
    return args


def _limits_args(limits: Limits) -> list[str]:
    return ["prlimit", f"--as={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}",
            f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}",
            f"--nproc={limits.processes}", "--"]


def sandbox_command(inner: list[str], *, seed: Path, conn_dir: Path, limits: Limits,
                    uid: int | None = None) -> list[str]:
    """``inner`` (a kernel's command) in bubblewrap: with ``uid`` (root only) switched to that
    uid, without it in a user namespace of its own."""
    bwrap = bwrap_path() or BWRAP
    ro = _python_paths()
    args = [bwrap, *_user_args(bwrap, uid),
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("lib", "lib64", "bin", "sbin"):
        if Path(f"/{name}").is_symlink():
            args += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif Path(f"/{name}").is_dir():
            args += ["--ro-bind", f"/{name}", f"/{name}"]
    # /tmp first: folders made after it (for the sockets) must not be hidden by it. Both
    # writable folders are tmpfs of a fixed size: nothing the kernel writes lands on the disk.
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    args += parent_dirs([*(where for _, where in ro), conn_dir])
    for real, where in ro:
        args += ["--ro-bind", str(real), str(where)]
    args += course_view()
    args += ["--perms", "1777", "--size", str(limits.work_bytes), "--tmpfs", INSIDE_WORKDIR,
             "--ro-bind", str(seed), INSIDE_SEED,
             "--bind", str(conn_dir), str(conn_dir), "--chdir", INSIDE_WORKDIR,
             "--clearenv",
             "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin",
             "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp",
             "--setenv", "MPLBACKEND", "module://matplotlib_inline.backend_inline",
             "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
             "--setenv", "NBGRADER_EXECUTION", "autograde",
             "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
             "--"]
    if uid is not None:
        args += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    return args + _limits_args(limits) + ["/bin/sh", "-c", START, "ownit-kernel", *inner]


def userns_probe_command(bwrap: str) -> list[str]:
    """The smallest sandbox an ordinary user's grading needs: whether it starts says whether
    user namespaces work here."""
    return [bwrap, *_user_args(bwrap, None), "--unshare-pid", "--unshare-net",
            "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
            "--size", str(2**20), "--tmpfs", "/tmp", "--", "/bin/true"]
