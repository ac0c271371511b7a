"""The sandbox's parts without a kernel: which mode builds which command line, one definition of
every limit, bubblewrap's own words kept when a sandbox does not start, and the message that says
what to enable when no sandbox is possible."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
from sandbox_required import need_sandbox

from autograder.sandbox import SandboxedKernelManager, availability, bubblewrap
from autograder.sandbox.errors import SandboxStartFailed, SandboxUnavailable
from autograder.sandbox.startup import KEPT_BYTES, StartWatch
from autograder.settings import Limits


def test_every_limit_of_the_kernel_manager_defaults_to_the_one_in_limits():
    manager = SandboxedKernelManager()
    try:
        for field in dataclasses.fields(Limits):
            if manager.has_trait(field.name):
                assert getattr(manager, field.name) == field.default, field.name
        assert manager.cpu_seconds == Limits().cpu_seconds == 600
    finally:
        manager.release_sandbox()


def _command(tmp_path, uid):
    return bubblewrap.sandbox_command(["python", "-m", "ipykernel"], seed=tmp_path,
                                      conn_dir=tmp_path, limits=Limits(processes=77), uid=uid)


def test_root_switches_to_the_leased_uid_and_a_user_gets_a_namespace(tmp_path):
    as_root = _command(tmp_path, 61234)
    assert "--unshare-user" not in as_root
    assert as_root[as_root.index("setpriv") + 1] == "--reuid=61234"
    as_user = _command(tmp_path, None)
    assert "setpriv" not in as_user
    assert as_user[1:4] == ["--unshare-user", "--uid", str(bubblewrap.INSIDE_UID)]
    for command in (as_root, as_user):
        # The process limit is set inside the sandbox, so in a user namespace it counts that
        # namespace's processes, not all of the instructor's.
        assert command.index("--nproc=77") > command.index("--")
        assert "--unshare-net" in command and "--unshare-pid" in command


def _watch(script: str, timeout: float = 10) -> None:
    watch = StartWatch()
    process = subprocess.Popen(["/bin/sh", "-c", script], **watch.popen_kwargs())
    watch.launched()
    try:
        watch.wait(timeout)
    finally:
        process.kill()
        process.wait()


def test_a_sandbox_that_says_it_is_up_starts():
    _watch("printf x; sleep 5")


def test_a_sandbox_that_ends_first_fails_with_what_it_said_bounded():
    with pytest.raises(SandboxStartFailed, match="bwrap: Can't mount proc"):
        _watch("echo \"bwrap: Can't mount proc on /newroot/proc\" >&2; exit 1")
    with pytest.raises(SandboxStartFailed) as caught:
        _watch("head -c 1000000 /dev/zero | tr '\\0' a >&2; exit 1")
    assert len(str(caught.value)) < KEPT_BYTES + 200
    with pytest.raises(SandboxStartFailed, match="not up after 1 s"):
        _watch("sleep 5", timeout=1)


def test_a_kernel_whose_sandbox_cannot_start_says_bubblewraps_words(tmp_path, monkeypatch):
    need_sandbox()
    from jupyter_core.utils import run_sync

    from autograder.sandbox import kernel

    real = kernel.sandbox_command
    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(kernel, "sandbox_command", lambda *a, **k: (lambda c: [
        c[0], "--ro-bind", str(missing), "/x", *c[1:]])(real(*a, **k)))
    manager = SandboxedKernelManager(kernel_name="python3")
    with pytest.raises(SandboxStartFailed, match=f"Can't find source path {missing}"):
        run_sync(manager.start_kernel)(cwd=str(tmp_path))
    assert not manager._box.exists()


def test_without_user_namespaces_the_message_says_what_to_enable(monkeypatch):
    monkeypatch.setattr(availability, "mode", lambda: "user")
    monkeypatch.setattr(bubblewrap, "bwrap_path", lambda: sys.executable)
    monkeypatch.setattr(availability, "_userns_sandbox_error",
                        lambda bwrap: "bwrap: setting up uid map: Permission denied")
    settings = {"kernel.unprivileged_userns_clone": "0",
                "kernel.apparmor_restrict_unprivileged_userns": "1"}
    monkeypatch.setattr(availability, "_sysctl", settings.get)
    with pytest.raises(SandboxUnavailable) as caught:
        availability.ensure_available()
    message = str(caught.value)
    for needed in ("kernel.unprivileged_userns_clone=1",
                   "kernel.apparmor_restrict_unprivileged_userns=0",
                   "setting up uid map: Permission denied", "docs/grading-in-a-container.md",
                   "--no-sandbox"):
        assert needed in message


@pytest.mark.parametrize("prints, works", [("67108864\n16\n", True), ("max\nmax\n", False)])
def test_a_systemd_user_scope_is_used_only_where_its_limits_apply(tmp_path, monkeypatch,
                                                                   prints, works):
    """No systemd here: a stand-in ``systemd-run`` prints what the probe's shell would read
    from its own group (the limits asked for, or "max" where a user manager ignores them)."""
    from autograder.sandbox import cgroups

    fake = tmp_path / "systemd-run"
    fake.write_text(f"#!/bin/sh\nprintf '{prints}'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setattr(cgroups.os, "geteuid", lambda: 1000)
    cgroups.user_scope_works.cache_clear()
    try:
        group = cgroups.user_scope(memory_bytes=2**30, processes=128, name="ownit-box-x")
    finally:
        cgroups.user_scope_works.cache_clear()
    if not works:
        assert group is None
        return
    command = group.wrap(["bwrap", "--", "true"])
    assert command[:5] == ["systemd-run", "--user", "--scope", "--quiet", "--unit=ownit-box-x"]
    assert {"MemoryMax=1073741824", "MemorySwapMax=0", "TasksMax=128"} <= set(command)
    assert command[-3:] == ["bwrap", "--", "true"]


def test_uid_leases_of_two_processes_never_overlap(tmp_path):
    """Uniqueness rests on the locks alone, not on process ids (issue 12: it once needed worker
    pids to differ mod 16): a small pool, two processes, 30 leases each, all different."""
    from autograder.sandbox import UidLease

    held = [UidLease(tmp_path, first=70000, count=64) for _ in range(30)]
    other = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom pathlib import Path\n"
         "from autograder.sandbox import UidLease\n"
         "leases = [UidLease(Path(sys.argv[1]), first=70000, count=64) for _ in range(30)]\n"
         "print(' '.join(str(lease.uid) for lease in leases))", str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=60)
    theirs = {int(uid) for uid in other.stdout.split()}
    ours = {lease.uid for lease in held}
    assert len(ours) == len(theirs) == 30 and not ours & theirs
    for lease in held:
        lease.release()
