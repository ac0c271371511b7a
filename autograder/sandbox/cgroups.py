"""One control group per sandboxed kernel: memory (tmpfs pages included) and process count.

``prlimit`` bounds each *process*; a kernel may start many processes, and what it writes to its
tmpfs folders is memory no process owns. A control group bounds them together: every process of
the sandbox, and every tmpfs page they write, is charged to it, and the kernel is killed when the
group runs out. Both cgroup layouts are handled: v1 (a ``memory`` and a ``pids`` hierarchy, as on
these CI machines, which have no systemd) and v2 (one unified hierarchy). The groups are made
under the grader's own group, so an enclosing container's limits still apply.

Making groups needs write access to the hierarchy (root, or a delegated subtree). An ordinary
user on a machine with systemd gets one through the user manager instead: ``systemd-run --user
--scope`` with ``MemoryMax`` and ``TasksMax`` (:func:`user_scope`), used only where a probe shows
the limits really apply (a user manager without the memory controller delegated ignores them).
Without either the sandbox still runs, bounded per process only; ``docs/trust-boundary.md`` says
what that means.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own_group(controller: str | None) -> str | None:
    """This process's group path in the hierarchy of ``controller`` (None: the v2 hierarchy)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller is None and names == "":
            return path
        if controller is not None and controller in names.split(","):
            return path
    return None


def _v1_base(controller: str) -> Path | None:
    own = _own_group(controller)
    base = ROOT / controller
    if own is None or not (base / "cgroup.procs").exists():
        return None
    return base / own.lstrip("/")


def _v2_base() -> Path | None:
    if not (ROOT / "cgroup.controllers").exists():
        return None
    own = _own_group(None)
    if own is None:
        return None
    base = ROOT / own.lstrip("/")
    controllers = (base / "cgroup.subtree_control")
    try:
        enabled = controllers.read_text().split()
    except OSError:
        return None
    if not {"memory", "pids"} <= set(enabled):
        return None
    return base


@dataclass
class KernelGroup:
    """The groups one kernel runs in; ``paths`` receive its processes."""

    paths: list[Path]
    kind: str  # "v1", "v2" or "systemd" (a scope of the user's systemd manager)
    unit: str | None = None  # the scope's name, for "systemd"
    memory_bytes: int = 0
    processes: int = 0

    def wrap(self, command: list[str]) -> list[str]:
        """``command`` started inside the groups (a shell moves itself in, then execs)."""
        if self.kind == "systemd":
            return ["systemd-run", "--user", "--scope", "--quiet", f"--unit={self.unit}",
                    *_scope_properties(self.memory_bytes, self.processes), "--", *command]
        moves = " && ".join(f"echo $$ > {shlex.quote(str(p / 'cgroup.procs'))}"
                            for p in self.paths)
        return ["/bin/sh", "-c", f"{moves} && exec \"$@\"", "ownit-sandbox", *command]

    def peak_memory(self) -> int | None:
        for path in self.paths:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                try:
                    return int((path / name).read_text())
                except (OSError, ValueError):
                    continue
        return None

    def remove(self) -> None:
        """Kill what is left in the groups and remove them."""
        if self.kind == "systemd":
            # A scope goes away by itself when its last process ends; this ends them.
            for verb in (["kill", "--signal=SIGKILL"], ["stop"]):
                subprocess.run(["systemctl", "--user", "--quiet", *verb, f"{self.unit}.scope"],
                               capture_output=True, timeout=30, check=False)
            return
        for path in self.paths:
            for _ in range(50):
                try:
                    pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.02)
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _write(path: Path, value: str) -> bool:
    try:
        path.write_text(value)
        return True
    except OSError:
        return False


def available() -> str | None:
    """"v1" or "v2" when this process can make groups with memory and process limits."""
    probe = create(memory_bytes=2**30, processes=64)
    if probe is None:
        return None
    probe.remove()
    return probe.kind


def _scope_properties(memory_bytes: int, processes: int) -> list[str]:
    return ["-p", f"MemoryMax={memory_bytes}", "-p", "MemorySwapMax=0",
            "-p", f"TasksMax={processes}"]


# Run inside the probe's scope: print the limits of the group the shell itself is in.
_SHOW_OWN_LIMITS = ('g=$(sed -n "s/^0:://p" /proc/self/cgroup); '
                    'cat "/sys/fs/cgroup$g/memory.max" "/sys/fs/cgroup$g/pids.max"')


@functools.cache
def user_scope_works() -> bool:
    """Whether ``systemd-run --user --scope`` gives this (non-root) process a group whose memory
    and process limits really apply."""
    if os.geteuid() == 0 or shutil.which("systemd-run") is None:
        return False
    memory, processes = 64 * 2**20, 16
    try:
        out = subprocess.run(["systemd-run", "--user", "--scope", "--quiet",
                              *_scope_properties(memory, processes), "--",
                              "/bin/sh", "-c", _SHOW_OWN_LIMITS],
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.split() == [str(memory), str(processes)]


def user_scope(*, memory_bytes: int, processes: int, name: str) -> KernelGroup | None:
    """A scope of the user's systemd manager for one kernel, or None where there is none that
    applies its limits."""
    if not user_scope_works():
        return None
    return KernelGroup([], "systemd", unit=name, memory_bytes=memory_bytes,
                       processes=processes)


def named(name: str) -> KernelGroup:
    """The groups called ``name`` (existing or not), e.g. to remove what a crash left."""
    if os.geteuid() != 0 and user_scope_works():
        return KernelGroup([], "systemd", unit=name)
    v2 = _v2_base()
    if v2 is not None:
        return KernelGroup([v2 / name], "v2")
    return KernelGroup([base / name for base in (_v1_base("memory"), _v1_base("pids"))
                        if base is not None], "v1")


def create(*, memory_bytes: int, processes: int, name: str | None = None) -> KernelGroup | None:
    """New groups limiting memory (swap included) and processes, or None where that is not
    possible here."""
    name = name or f"ownit-{uuid.uuid4().hex[:12]}"
    v2 = _v2_base()
    if v2 is not None:
        path = v2 / name
        try:
            path.mkdir()
        except OSError:
            return None
        group = KernelGroup([path], "v2")
        if not (_write(path / "memory.max", str(memory_bytes))
                and _write(path / "pids.max", str(processes))):
            group.remove()
            return None
        _write(path / "memory.swap.max", "0")
        return group
    memory, pids = _v1_base("memory"), _v1_base("pids")
    if memory is None or pids is None:
        return None
    made = []
    try:
        for base in (memory, pids):
            (base / name).mkdir()
            made.append(base / name)
    except OSError:
        KernelGroup(made, "v1").remove()
        return None
    group = KernelGroup(made, "v1")
    ok = _write(made[0] / "memory.limit_in_bytes", str(memory_bytes)) and \
        _write(made[1] / "pids.max", str(processes))
    # Swap counted too where the kernel accounts it (memsw), so memory cannot spill there.
    _write(made[0] / "memory.memsw.limit_in_bytes", str(memory_bytes))
    if not ok:
        group.remove()
        return None
    return group
