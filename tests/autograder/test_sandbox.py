"""The sandbox itself: uids never shared, its folder and control group gone after every kernel,
memory bounded for the whole sandbox (fork-and-allocate, tmpfs), and only what graded code
needs of the course importable."""

from __future__ import annotations

import os

import pytest
from sandbox_required import need_sandbox
from traitlets.config import Config

from autograder.sandbox import SandboxedKernelManager, UidLease, cgroups


def test_uid_leases_are_unique_while_held_and_reusable_after(tmp_path):
    leases = [UidLease(tmp_path) for _ in range(50)]
    assert len({lease.uid for lease in leases}) == 50
    for lease in leases:
        lease.release()
    again = UidLease(tmp_path)
    assert again.uid in {lease.uid for lease in leases} or again.uid >= 61000
    again.release()


def _run(kc, code: str, timeout: float = 60) -> tuple[str, str]:
    out, err = [], []

    def hook(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream":
            (err if content["name"] == "stderr" else out).append(content["text"])
        elif msg["msg_type"] == "error":
            err.append(f"{content['ename']}: {content['evalue']}")

    kc.execute_interactive(code, output_hook=hook, timeout=timeout)
    return "".join(out), "".join(err)


@pytest.fixture
def sandboxed(tmp_path):
    need_sandbox()
    from jupyter_core.utils import run_sync  # works whether or not a loop is running already

    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "words.txt").write_text("own it\n")
    config = Config()
    config.SandboxedKernelManager.box_tag = "test"
    config.SandboxedKernelManager.memory_bytes = 768 * 2**20
    config.SandboxedKernelManager.work_bytes = 64 * 2**20
    config.SandboxedKernelManager.tmp_bytes = 64 * 2**20

    async def start():
        km = SandboxedKernelManager(config=config, kernel_name="python3")
        await km.start_kernel(cwd=str(work))
        kc = km.blocking_client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        return km, kc

    km, kc = run_sync(start)()
    yield km, kc, tmp_path
    kc.stop_channels()
    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)
    km.release_sandbox()


def test_the_kernel_sees_its_data_and_only_the_reporting_helper_of_the_course(sandboxed):
    _, kc, _ = sandboxed
    out, err = _run(kc, "print(open('data/words.txt').read().strip())\n"
                        "import autograder.expect, ownit.check\nprint('helpers ok')\n"
                        "for name in ('autograder.submission',\n"
                        "             'ownit.learner.lessons.bus_factor',\n"
                        "             'ownit.instructor.generators', 'autograder.sandbox'):\n"
                        "    try:\n        __import__(name)\n        print('IMPORTED', name)\n"
                        "    except ImportError:\n        pass\n")
    assert "own it" in out and "helpers ok" in out, err
    assert "IMPORTED" not in out


def test_writes_are_bounded_and_memory_counts_for_the_whole_sandbox(sandboxed):
    km, kc, _ = sandboxed
    out, _ = _run(kc, "import os\nn = 0\ntry:\n    while True:\n"
                      "        open(f'f{n}', 'wb').write(b'x' * 2**20); n += 1\n"
                      "except OSError as e:\n    print('stopped at', n, 'MiB')\n")
    assert "stopped at" in out and int(out.split()[2]) <= 64
    if cgroups.available() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs as root with cgroups: each sandbox must get a control group")
        pytest.skip("no control groups here: memory is bounded per process only")
    # Every process of the sandbox is in one group whose limits cover them together (the
    # fork-and-allocate case of the hostile cohort shows the effect on a whole run).
    group = km._group
    assert group is not None
    out, _ = _run(kc, "import os\nprint(os.getpid())")
    memory = next(p for p in group.paths if (p / "memory.limit_in_bytes").exists()
                  or (p / "memory.max").exists())
    limit_file = memory / ("memory.limit_in_bytes" if group.kind == "v1" else "memory.max")
    assert int(limit_file.read_text()) == 768 * 2**20
    procs = {int(x) for path in group.paths for x in (path / "cgroup.procs").read_text().split()}
    assert len(procs) >= 2, "bubblewrap and the kernel run inside the group"


def test_nothing_of_the_sandbox_outlives_its_kernel(sandboxed):
    from jupyter_core.utils import run_sync

    km, kc, tmp_path = sandboxed
    _run(kc, "open('left-behind.bin', 'wb').write(b'x' * 2**20)")
    box, group = km._box, km._group
    kc.stop_channels()
    run_sync(km.shutdown_kernel)(now=True)
    assert not box.exists()
    assert group is None or not any(p.exists() for p in group.paths)


def test_a_python_reached_through_a_symbolic_link_still_starts_its_kernels(tmp_path):
    """An environment found through a link (a venv under a linked folder) names its interpreter
    by the link's path: the sandbox shows it there too, or no kernel would start."""
    import subprocess
    import sys
    from pathlib import Path

    need_sandbox()
    linked = tmp_path / "linked-env"
    linked.symlink_to(Path(sys.prefix).resolve(), target_is_directory=True)
    python = linked / "bin" / Path(sys.executable).name
    code = ("import sys, tempfile\nfrom jupyter_core.utils import run_sync\n"
            "from autograder.sandbox import SandboxedKernelManager\n"
            "assert str(sys.executable).startswith(sys.argv[1]), sys.executable\n"
            "km = SandboxedKernelManager(kernel_name='python3')\n"
            "run_sync(km.start_kernel)(cwd=tempfile.mkdtemp())\n"
            "kc = km.client(); kc.start_channels()\n"
            "try:\n    run_sync(kc.wait_for_ready)(timeout=60); print('KERNEL READY')\n"
            "finally:\n    kc.stop_channels(); run_sync(km.shutdown_kernel)(now=True)\n")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([str(python), "-c", code, str(linked)], cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)},
                            capture_output=True, text=True, timeout=180, check=False)
    assert "KERNEL READY" in result.stdout, result.stdout + result.stderr[-2000:]
