"""The kernel manager whose kernels run in the sandbox (see the package's docstring)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from traitlets import Bool, List, Unicode

from autograder.kernel_manager import PromptKernelManager
from autograder.sandbox import cgroups
from autograder.sandbox.availability import mode
from autograder.sandbox.bubblewrap import sandbox_command
from autograder.sandbox.startup import StartWatch
from autograder.sandbox.uids import UidLease
from autograder.settings import Limits, limit_trait


class SandboxedKernelManager(PromptKernelManager):
    """A kernel manager whose kernels run in the sandbox: as root under a leased uid, as an
    ordinary user in a user namespace of their own."""

    # Defaults and help come from Limits, the one definition of every limit.
    memory_bytes = limit_trait("memory_bytes")
    cpu_seconds = limit_trait("cpu_seconds")
    file_bytes = limit_trait("file_bytes")
    open_files = limit_trait("open_files")
    processes = limit_trait("processes")
    work_bytes = limit_trait("work_bytes")
    tmp_bytes = limit_trait("tmp_bytes")
    uid_first = limit_trait("uid_first")
    uid_count = limit_trait("uid_count")
    start_seconds = limit_trait("kernel_startup_seconds")
    box_tag = Unicode("", help="Tag in the name of the sandbox's folder (sockets, data seed), "
                               "so its owner can remove what a crash left behind.").tag(config=True)
    copy_ignore = List(Unicode(), ["*.ipynb", ".ipynb_checkpoints"],
                       help="Files of the working folder the kernel does not get a copy of: the "
                            "notebook being graded holds the hidden tests.").tag(config=True)
    use_cgroups = Bool(True, help="Put each sandbox in its own control group where possible."
                       ).tag(config=True)

    def __init__(self, **kwargs):
        self._lease: UidLease | None = None
        self._group: cgroups.KernelGroup | None = None
        super().__init__(**kwargs)

    def _socket_folder(self) -> Path:
        # The sandbox's own folder, in the system's temporary folder, whose path is short (a
        # scratch folder deep in OUT would be too long for a socket): the sockets in conn/, the
        # seed of data files beside it.
        prefix = f"ownit-box-{self.box_tag}-" if self.box_tag else "ownit-box-"
        self._box = Path(tempfile.mkdtemp(prefix=prefix))
        os.chmod(self._box, 0o711)
        self._conn = self._box / "conn"
        self._conn.mkdir()
        return self._conn

    def _limits(self) -> Limits:
        return Limits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
                      file_bytes=self.file_bytes, open_files=self.open_files,
                      processes=self.processes, work_bytes=self.work_bytes,
                      tmp_bytes=self.tmp_bytes)

    def _seed(self, real_cwd: Path) -> Path:
        """A read-only copy of the working folder's data files (no notebook)."""
        seed = self._box / "seed"
        shutil.copytree(real_cwd, seed, ignore=shutil.ignore_patterns(*self.copy_ignore),
                        symlinks=False, dirs_exist_ok=True)
        os.chmod(seed, 0o755)
        for path in seed.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        return seed

    def _make_group(self) -> cgroups.KernelGroup | None:
        if not self.use_cgroups:
            return None
        group = cgroups.create(memory_bytes=self.memory_bytes, processes=self.processes,
                               name=self._box.name)
        if group is None and mode() == "user":
            group = cgroups.user_scope(memory_bytes=self.memory_bytes,
                                       processes=self.processes, name=self._box.name)
        return group

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        seed = self._seed(Path(kw.pop("cwd", None) or os.getcwd()))
        uid = None
        if mode() == "root":
            self._lease = UidLease(first=self.uid_first, count=self.uid_count)
            uid = self._lease.uid
            for path in [self._conn, *self._conn.iterdir()]:
                os.lchown(path, uid, uid)
        self.kernel_spec.interrupt_mode = "message"
        cmd = sandbox_command(kernel_cmd, seed=seed, conn_dir=self._conn, uid=uid,
                              limits=self._limits())
        self._group = self._make_group()
        if self._group is not None:
            cmd = self._group.wrap(cmd)
        env = {k: v for k, v in (kw.pop("env", None) or os.environ).items()
               if k in ("PATH", "LANG", "SYSTEMROOT", "XDG_RUNTIME_DIR",
                        "DBUS_SESSION_BUS_ADDRESS")}  # the last two: systemd-run --user
        watch = StartWatch()
        kw.update(watch.popen_kwargs())
        try:
            await super()._async_launch_kernel(cmd, cwd=str(self._box), env=env, **kw)
        except BaseException:
            watch.close()
            raise
        watch.launched()
        try:
            await asyncio.to_thread(watch.wait, self.start_seconds)
        except BaseException:
            await self._async_kill_kernel()
            self.release_sandbox()
            raise

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                self.release_sandbox()

    def release_sandbox(self) -> None:
        """Kill what is left of the sandbox, give its uid back and delete its folder."""
        if self._group is not None:
            self._group.remove()
            self._group = None
        if self._lease is not None:
            self._lease.release()
            self._lease = None
        shutil.rmtree(self._box, ignore_errors=True)
