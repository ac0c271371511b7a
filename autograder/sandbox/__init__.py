"""Running a learner's kernel in a sandbox: bubblewrap, an unprivileged user, resource limits.

What the kernel sees (see docs/trust-boundary.md): read-only system folders (/usr, /etc), the
Python installation and virtual environment it runs from, of the course's own code only what
graded notebooks import (``autograder.expect`` and the check cell's ``ownit.check``), a working
folder seeded with a copy of the exercise's data files, a fresh /tmp, and the folder of its own
connection sockets. The working folder and /tmp are size-limited tmpfs mounts: what the kernel
writes never reaches the host's disk, and (with a control group) counts against its memory.
No network (not even loopback), its own PID namespace (every process it starts, detached or not,
dies with it), its own user id (leased, so no two live kernels share one), and limits on memory,
CPU time, file size, open files and processes, per process (``prlimit``) and, where the machine
allows it, for the whole sandbox (a control group, :mod:`autograder.sandbox.cgroups`).

The kernel speaks to the grader over IPC sockets in a folder bound into the sandbox, since a
network namespace leaves no TCP route; it is interrupted by message, since ``--new-session``
keeps signals from reaching it.
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, List, Unicode

from autograder.sandbox import cgroups
from autograder.settings import Limits

BWRAP = "bwrap"
INSTALL_HINT = ("bubblewrap is not installed: the sandbox that keeps student code away from "
                "solutions, the gradebook and other students needs it. Install it with "
                "`apt-get install bubblewrap` (Debian/Ubuntu), or pass --no-sandbox to grade "
                "without isolation (only for code you trust).")
FIRST_UID = 61000
UID_COUNT = 4000
UID_LOCKS = Path("/run/ownit-uids") if Path("/run").is_dir() else Path("/tmp/ownit-uids")
INSIDE_WORKDIR = "/submission"  # the kernel's working folder, as the kernel sees it
INSIDE_SEED = "/ownit-seed"  # read-only copy of the data files, copied into the working folder
# Of the course's own packages, graded code may import only these files: the reporting helper
# the tests use and the check cell's entry point (which does nothing while grading). Everything
# else (examples, generators, the team tools, the grader itself) stays out of reach.
KERNEL_VISIBLE = {
    "autograder": ("__init__.py", "expect.py"),
    "ownit": ("__init__.py", "check.py", "paths.py"),
    "ownit.learner": ("__init__.py", "check_cell.py"),
}
_DEFAULTS = Limits()


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


class UidLease:
    """An unprivileged uid no other live kernel on this machine holds (an ``flock`` per uid, so
    concurrent workers and concurrent ``ownit grade`` runs never share one, and a lease dies
    with its process)."""

    def __init__(self, folder: Path | None = None):
        # One folder for the whole machine (never $TMPDIR, which differs between processes).
        folder = folder or UID_LOCKS
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = random.randrange(UID_COUNT)
        for step in range(UID_COUNT):
            uid = FIRST_UID + (start + step) % UID_COUNT
            fd = os.open(folder / str(uid), os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise SandboxUnavailable(f"all {UID_COUNT} sandbox uids are in use")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _python_paths() -> list[Path]:
    """The interpreter, its standard library and the environment's packages."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(sys.executable).resolve().parent}
    system = (Path("/usr"), Path("/etc"))
    return sorted(p for p in paths if not any(p.is_relative_to(s) for s in system))


def _package_dir(name: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(name)
    return Path(spec.origin).resolve().parent


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


def _course_view() -> list[str]:
    """Each course package as an empty read-only folder holding only its visible files."""
    args = []
    for package, files in KERNEL_VISIBLE.items():
        folder = _package_dir(package)
        args += _dirs_for([folder]) + ["--perms", "0755", "--tmpfs", str(folder)]
        for name in files:
            args += ["--ro-bind", str(folder / name), str(folder / name)]
    return args


def sandbox_command(inner: list[str], *, seed: Path, conn_dir: Path, uid: int,
                    limits: Limits) -> list[str]:
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
    # /tmp first: folders made after it (for the sockets) must not be hidden by it. Both
    # writable folders are tmpfs of a fixed size: nothing the kernel writes lands on the disk.
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    args += _dirs_for([*ro, conn_dir])
    for path in ro:
        args += ["--ro-bind", str(path), str(path)]
    args += _course_view()
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
             "--",
             "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
             "prlimit", f"--as={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}",
             f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}",
             f"--nproc={limits.processes}", "--",
             # The data files are copied into the tmpfs as the kernel's own user, then the
             # kernel starts there.
             "/bin/sh", "-c", f"cp -R {INSIDE_SEED}/. {INSIDE_WORKDIR}/ && exec \"$@\"",
             "ownit-kernel", *inner]
    return args


def box_tag(owner: Path) -> str:
    """A short tag naming the sandboxes made for ``owner`` (a worker's scratch folder)."""
    import hashlib

    return hashlib.sha256(str(owner).encode()).hexdigest()[:8]


def remove_leftovers(tag: str) -> None:
    """Remove every sandbox tagged ``tag`` whose kernel manager did not (a crash of the grading
    process, a path of jupyter_client that skipped cleanup): folder and control group share a
    name, so both are found."""
    for box in Path(tempfile.gettempdir()).glob(f"ownit-box-{tag}-*"):
        cgroups.named(box.name).remove()
        shutil.rmtree(box, ignore_errors=True)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox described above."""

    memory_bytes = Integer(_DEFAULTS.memory_bytes,
                           help="Memory of the whole sandbox (with a control group: every "
                                "process and its tmpfs; else each process's address space)."
                           ).tag(config=True)
    cpu_seconds = Integer(_DEFAULTS.cpu_seconds, help="CPU time limit of each kernel process."
                          ).tag(config=True)
    file_bytes = Integer(_DEFAULTS.file_bytes, help="Largest file the kernel may write."
                         ).tag(config=True)
    open_files = Integer(_DEFAULTS.open_files, help="Open file descriptors.").tag(config=True)
    processes = Integer(_DEFAULTS.processes, help="Processes and threads of the sandbox."
                        ).tag(config=True)
    work_bytes = Integer(_DEFAULTS.work_bytes, help="Size of the kernel's working folder."
                         ).tag(config=True)
    tmp_bytes = Integer(_DEFAULTS.tmp_bytes, help="Size of the kernel's /tmp.").tag(config=True)
    box_tag = Unicode("", help="Tag in the name of the sandbox's folder (sockets, data seed), "
                               "so its owner can remove what a crash left behind.").tag(config=True)
    copy_ignore = List(Unicode(), ["*.ipynb", ".ipynb_checkpoints"],
                       help="Files of the working folder the kernel does not get a copy of: the "
                            "notebook being graded holds the hidden tests.").tag(config=True)
    use_cgroups = Bool(True, help="Put each sandbox in its own control group where possible."
                       ).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # In the system's temporary folder, whose path is short: a socket's path has a limit of
        # about 100 bytes, which a scratch folder deep in OUT would exceed.
        prefix = f"ownit-box-{self.box_tag}-" if self.box_tag else "ownit-box-"
        self._box = Path(tempfile.mkdtemp(prefix=prefix))
        os.chmod(self._box, 0o711)
        self._conn = self._box / "conn"
        self._conn.mkdir()
        self._lease: UidLease | None = None
        self._group: cgroups.KernelGroup | None = None
        self.transport = "ipc"
        self.ip = str(self._conn / "kernel")
        self.connection_file = str(self._conn / "kernel.json")

    def _limits(self) -> Limits:
        return Limits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
                      file_bytes=self.file_bytes, open_files=self.open_files,
                      processes=self.processes, work_bytes=self.work_bytes,
                      tmp_bytes=self.tmp_bytes)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        real_cwd = Path(kw.pop("cwd", None) or os.getcwd())
        seed = self._box / "seed"
        shutil.copytree(real_cwd, seed, ignore=shutil.ignore_patterns(*self.copy_ignore),
                        symlinks=False, dirs_exist_ok=True)
        os.chmod(seed, 0o755)
        for path in seed.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        self._lease = UidLease()
        uid = self._lease.uid
        for path in [self._conn, *self._conn.iterdir()]:
            os.lchown(path, uid, uid)
        self.kernel_spec.interrupt_mode = "message"
        cmd = sandbox_command(kernel_cmd, seed=seed, conn_dir=self._conn, uid=uid,
                              limits=self._limits())
        if self.use_cgroups:
            self._group = cgroups.create(memory_bytes=self.memory_bytes,
                                         processes=self.processes, name=self._box.name)
            if self._group is not None:
                cmd = self._group.wrap(cmd)
        env = {k: v for k, v in (kw.pop("env", None) or os.environ).items()
               if k in ("PATH", "LANG", "SYSTEMROOT")}
        # The kernel's own chatter (it has no parent to watch in the sandbox) is not for anyone.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(cmd, cwd=str(self._box), env=env, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        # jupyter_client's shutdown_kernel calls this through self (an override of
        # _async_shutdown_kernel would never run: see STACK-NOTES in docs/trust-boundary.md).
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                self.release_sandbox()

    async def cleanup_resources(self, restart: bool = False) -> None:
        # nbclient calls this directly when the kernel is already dead; AsyncKernelManager binds
        # it to the base class's coroutine, which would skip the override above.
        await self._async_cleanup_resources(restart=restart)

    def release_sandbox(self) -> None:
        """Kill what is left of the sandbox, give its uid back and delete its folder."""
        if self._group is not None:
            self._group.remove()
            self._group = None
        if self._lease is not None:
            self._lease.release()
            self._lease = None
        shutil.rmtree(self._box, ignore_errors=True)
