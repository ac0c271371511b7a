"""Running a learner's kernel in a sandbox: bubblewrap, an unprivileged user, resource limits.

What the kernel sees (see docs/trust-boundary.md): read-only system folders (/usr, /etc), the
Python installation and virtual environment it runs from, the course's Python packages (not the
rest of the repository), a private copy of the exercise's data files as its working folder, a
fresh /tmp, and the folder of its own connection sockets. No network (not even loopback), its own
PID namespace (every process it starts, detached or not, dies with it), its own user id, and
limits on memory, CPU time, file size, open files and processes.

The kernel speaks to the grader over IPC sockets in a folder bound into the sandbox, since a
network namespace leaves no TCP route; it is interrupted by message, since ``--new-session``
keeps signals from reaching it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, List, Unicode

import autograder

BWRAP = "bwrap"
INSTALL_HINT = ("bubblewrap is not installed: the sandbox that keeps student code away from "
                "solutions, the gradebook and other students needs it. Install it with "
                "`apt-get install bubblewrap` (Debian/Ubuntu), or pass --no-sandbox to grade "
                "without isolation (only for code you trust).")
FIRST_UID = 61000
INSIDE_WORKDIR = "/submission"  # the kernel's working folder, as the kernel sees it
_next_uid = itertools.count()


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up here; the message says what to install."""


def bwrap_path() -> str | None:
    return shutil.which(BWRAP)


def ensure_available() -> None:
    """Raise :class:`SandboxUnavailable` unless a kernel can be sandboxed on this machine."""
    if bwrap_path() is None:
        raise SandboxUnavailable(INSTALL_HINT)
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "The sandbox switches each kernel to its own unprivileged user, which needs root "
            "(as in CI and grading containers). Run `ownit grade` as root, or pass --no-sandbox "
            "for code you trust.")
    for tool in ("setpriv", "prlimit"):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(f"{tool} is missing: install util-linux.")


def _python_paths() -> list[Path]:
    """The interpreter, its standard library and the environment's packages."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(sys.executable).resolve().parent}
    for package in (autograder,):
        paths.add(Path(package.__file__).resolve().parent)
    import ownit  # noqa: PLC0415 - the kernel imports ownit too (check cells)

    paths.add(Path(ownit.__file__).resolve().parent)
    system = (Path("/usr"), Path("/etc"))
    return sorted(p for p in paths if not any(p.is_relative_to(s) for s in system))


def _dirs_for(paths: list[Path]) -> list[str]:
    """bubblewrap makes missing parent folders mode 0700; make them 0755 first."""
    args, seen = [], set()
    for path in paths:
        for parent in reversed(path.parents):
            if str(parent) in ("/", "/usr", "/etc") or parent in seen:
                continue
            seen.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def sandbox_command(inner: list[str], *, workdir: Path, inside_workdir: str, conn_dir: Path,
                    uid: int, memory_bytes: int, cpu_seconds: int, file_bytes: int,
                    open_files: int, processes: int) -> list[str]:
    ro = _python_paths()
    args = [bwrap_path() or BWRAP,
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("lib", "lib64", "bin", "sbin"):
        if Path(f"/{name}").is_symlink():
            args += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif Path(f"/{name}").is_dir():
            args += ["--ro-bind", f"/{name}", f"/{name}"]
    # /tmp first: folders made after it (for the sockets) must not be hidden by it.
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    args += _dirs_for([*ro, conn_dir, Path(inside_workdir)])
    for path in ro:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(conn_dir), str(conn_dir),
             "--bind", str(workdir), inside_workdir, "--chdir", inside_workdir,
             "--clearenv",
             "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin",
             "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp",
             "--setenv", "MPLBACKEND", "module://matplotlib_inline.backend_inline",
             "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
             "--setenv", "NBGRADER_EXECUTION", "autograde",
             "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
             "--",
             "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
             "prlimit", f"--as={memory_bytes}", f"--cpu={cpu_seconds}",
             f"--fsize={file_bytes}", f"--nofile={open_files}", f"--nproc={processes}", "--",
             *inner]
    return args


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox described above."""

    memory_bytes = Integer(3 * 2**30, help="Address-space limit of the kernel.").tag(config=True)
    cpu_seconds = Integer(120, help="CPU time limit of the kernel.").tag(config=True)
    file_bytes = Integer(64 * 2**20, help="Largest file the kernel may write.").tag(config=True)
    open_files = Integer(256, help="Open file descriptors.").tag(config=True)
    processes = Integer(128, help="Processes and threads of the kernel's user.").tag(config=True)
    copy_ignore = List(Unicode(), ["*.ipynb", ".ipynb_checkpoints"],
                       help="Files of the working folder the kernel does not get a copy of: the "
                            "notebook being graded holds the hidden tests.").tag(config=True)
    enabled = Bool(True, help="Run kernels in the sandbox.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._box = Path(tempfile.mkdtemp(prefix="ownit-box-"))
        os.chmod(self._box, 0o711)
        self.uid = FIRST_UID + next(_next_uid) % 4000 + (os.getpid() % 16) * 4000
        self._conn = self._box / "conn"
        self._conn.mkdir()
        self.transport = "ipc"
        self.ip = str(self._conn / "kernel")
        self.connection_file = str(self._conn / "kernel.json")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        real_cwd = Path(kw.pop("cwd", None) or os.getcwd())
        work = self._box / "work"
        shutil.copytree(real_cwd, work, ignore=shutil.ignore_patterns(*self.copy_ignore),
                        symlinks=False, dirs_exist_ok=True)
        for path in [self._conn, work, *work.rglob("*"), *self._conn.iterdir()]:
            os.lchown(path, self.uid, self.uid)
        self.kernel_spec.interrupt_mode = "message"
        cmd = sandbox_command(
            kernel_cmd, workdir=work, inside_workdir=INSIDE_WORKDIR, conn_dir=self._conn,
            uid=self.uid, memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
            file_bytes=self.file_bytes, open_files=self.open_files, processes=self.processes)
        env = {k: v for k, v in (kw.pop("env", None) or os.environ).items()
               if k in ("PATH", "LANG", "SYSTEMROOT")}
        # The kernel's own chatter (it has no parent to watch in the sandbox) is not for anyone.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(cmd, cwd=str(self._box), env=env, **kw)

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super()._async_shutdown_kernel(now=now, restart=restart)
        finally:
            if not restart:
                shutil.rmtree(self._box, ignore_errors=True)
