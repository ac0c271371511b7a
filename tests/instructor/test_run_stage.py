"""The run stage's local pool: each worker starts with an event loop of its own, even when the
coordinator had one (a notebook calling grade(), a test session). An inherited loop shares its
epoll instance with the sibling workers, and a kernel start then waited forever."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from jupyter_core.utils import ensure_event_loop

from ownit.instructor.grade.run import _start_worker


def _loop_identity() -> tuple[int, int]:
    loop = ensure_event_loop()
    return id(loop), loop._selector.fileno()  # noqa: SLF001 - the epoll instance itself


def test_a_forked_worker_does_not_reuse_the_coordinators_event_loop():
    inherited = _loop_identity()
    context = get_context("fork")
    with ProcessPoolExecutor(2, mp_context=context, initializer=_start_worker) as pool:
        seen = [pool.submit(_loop_identity).result(timeout=60) for _ in range(4)]
    assert all(identity[0] != inherited[0] for identity in seen), "the parent's loop was reused"
    with ProcessPoolExecutor(2, mp_context=context) as pool:  # the failure it guards against
        bare = pool.submit(_loop_identity).result(timeout=60)
    assert bare == inherited, "without the initializer a forked worker inherits the loop"


def test_the_coordinator_forks_its_workers_before_the_exporters_libraries_load():
    """pandas and matplotlib (half a second, and memory every forked worker would carry) load
    once the workers are busy, not with ownit grade itself."""
    import subprocess
    import sys

    code = ("import sys\nimport ownit.cli, ownit.instructor.grade\n"
            "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout
