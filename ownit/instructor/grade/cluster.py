"""The run stage on an existing ``dask.distributed`` cluster (``ownit grade --scheduler``).

Workers may sit on other machines: nothing is passed by path. The coordinator packs each
prepared assignment once (a tar of its cache folder: the source with hidden tests, the release
and the generated gradebook) and broadcasts it; each task carries one submission's notebooks
and timestamp.txt as bytes. A worker unpacks an assignment once into its own temporary folder,
grades in a private scratch folder with :func:`autograder.submission.grade_submission`
(sandboxed as locally), and returns the result with the autograded notebooks as bytes. Only the
coordinator writes the gradebook, OUT and state.json, as with the local pool.

A worker that dies mid-task: the scheduler runs the task again on another worker (Dask's
``allowed-failures``, 3 by default); its result is recorded once, because the coordinator
records one outcome per job. Needs ``pip install 'ownit[cluster]'`` on the coordinator and on
every worker, with the course installed and bubblewrap (docs/grading-on-a-cluster.md).
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path

from autograder.assignment import Prepared
from autograder.lateness import TIMESTAMP_FILE
from autograder.settings import Limits
from autograder.submission import SubmissionResult, grade_submission
from ownit.instructor.grade.run import EngineFailed

CLUSTER_HINT = ("grading on a cluster needs dask.distributed: pip install 'ownit[cluster]' "
                "(on this machine and on every worker)")


class ClusterUnavailable(RuntimeError):
    """No cluster to grade on; the message says what to do."""


def pack(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buffer.getvalue()


def _unpacked(prepared: Prepared, packed: bytes) -> Prepared:
    """The prepared assignment in this worker's own folder, unpacked once per worker."""
    home = Path(tempfile.gettempdir()) / f"ownit-cluster-{os.getuid()}"
    target = home / prepared.folder.name
    if not target.is_dir():
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(dir=home, prefix=".unpack-"))
        with tarfile.open(fileobj=io.BytesIO(packed), mode="r:gz") as tar:
            tar.extractall(build, filter="data")  # our own archive; "data" refuses odd members
        try:
            (build / prepared.folder.name).rename(target)
        except OSError:  # another task of this worker unpacked it first
            pass
        shutil.rmtree(build, ignore_errors=True)
    return replace(prepared, folder=target)


def submission_files(folder: Path) -> dict[str, bytes]:
    """What a worker needs of a submission: its notebooks and its timestamp.txt."""
    files = {nb.name: nb.read_bytes() for nb in sorted(folder.glob("*.ipynb"))}
    if (folder / TIMESTAMP_FILE).is_file():
        files[TIMESTAMP_FILE] = (folder / TIMESTAMP_FILE).read_bytes()
    return files


def grade_shipped(prepared: Prepared, packed: bytes, files: dict[str, bytes], student: str,
                  sandbox: bool, limits: Limits) -> SubmissionResult:
    """The task a cluster worker runs: everything in, a result with notebook bytes out."""
    local = _unpacked(prepared, packed)
    with tempfile.TemporaryDirectory(prefix="ownit-cluster-job-") as tmp:
        folder, scratch = Path(tmp) / "submission", Path(tmp) / "scratch"
        folder.mkdir()
        for name, data in files.items():
            (folder / Path(name).name).write_bytes(data)
        result = grade_submission(local, folder, student, scratch, sandbox=sandbox,
                                  limits=limits, render=True)
        result.autograded = {name: Path(path).read_bytes()
                             for name, path in result.autograded.items() if Path(path).exists()}
    return result


class ClusterStalled(EngineFailed):
    """No result came back from the cluster for longer than any one submission may take."""


def _stalled(exc: Exception, stall: float, what: str) -> ClusterStalled:
    why = (f"the cluster did not answer in {stall:.0f} s" if isinstance(exc, TimeoutError)
           else f"the cluster failed ({type(exc).__name__}: {str(exc)[:200]})")
    return ClusterStalled(f"{why}: its scheduler or its workers {what}; grade again once it "
                          "works (what was recorded is kept)")


class DaskCluster:
    """The executor for a running ``dask.distributed`` scheduler at ``address``.

    If no result comes back for longer than one submission may take (``stall_seconds``; by
    default its kernel start and time limits and a minute more), the cluster has stopped
    working (the scheduler died, or every worker): each submission still out ends as an error
    row saying so, and the next run grades them (those recorded are kept)."""

    def __init__(self, address: str, *, connect_seconds: float = 30,
                 stall_seconds: float | None = None):
        self.stall_seconds = stall_seconds
        try:
            from distributed import Client
        except ImportError:
            raise ClusterUnavailable(CLUSTER_HINT) from None
        try:
            self.client = Client(address, timeout=connect_seconds)
        except OSError as exc:
            raise ClusterUnavailable(
                f"no Dask scheduler answered at {address} ({exc}). Start one with "
                "`dask scheduler`, and workers with `dask worker ADDRESS`") from None

    def _stall(self, prepared: dict[str, Prepared], limits: Limits) -> float:
        if self.stall_seconds is not None:
            return self.stall_seconds
        notebooks = max((len(p.notebook_names()) for p in prepared.values()), default=1)
        return limits.kernel_startup_seconds + notebooks * limits.notebook_seconds + 60

    def results(self, jobs, prepared: dict[str, Prepared], sandbox: bool, limits: Limits):
        from distributed import wait

        stall = self._stall(prepared, limits)
        futures: dict = {}
        try:
            try:
                # On every worker before any job (the scatter fails when there is none).
                packed = {aid: self.client.scatter(pack(p.folder), broadcast=True,
                                                   timeout=stall)
                          for aid, p in prepared.items()
                          if any(job.sub.assignment == aid for job in jobs)}
                for job in jobs:
                    aid = job.sub.assignment
                    future = self.client.submit(grade_shipped, prepared[aid], packed[aid],
                                                submission_files(job.folder), job.sub.student,
                                                sandbox, limits, pure=False)
                    futures[future] = job
            except Exception as exc:  # noqa: BLE001 - every job still ends as a row
                failed = _stalled(exc, stall, "could not take the jobs")
                for job in jobs:
                    yield job, failed
                return
            pending = set(futures)
            while pending:
                try:
                    done, pending = wait(pending, timeout=stall, return_when="FIRST_COMPLETED")
                except Exception as exc:  # noqa: BLE001 - a timeout, or the connection lost
                    stalled = _stalled(exc, stall, "stopped answering")
                    for future in pending:
                        yield futures[future], stalled
                    return
                for future in done:
                    try:
                        outcome = future.result()
                    except Exception as exc:  # noqa: BLE001 - handed to the record stage
                        outcome = exc
                    yield futures[future], outcome
        finally:
            self.client.close(timeout=10)
