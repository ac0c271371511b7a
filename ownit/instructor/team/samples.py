"""Samples for the "try it on your team" cells of the course: a made-up team's git history,
built with ``git fast-import`` from a seeded generator (scaled up, also the speed benchmark's),
and a draft post-mortem.

Each folder has a main owner who makes most of its commits, and a few others drop by; along the
way one file is renamed, one deleted, and one person commits from two addresses that the
repository's ``.mailmap`` merges. The same arguments always give the same history."""

from __future__ import annotations

import atexit
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PEOPLE = (("Dalia Haddad", "dalia@tillwise.example"), ("Amara Okafor", "amara@tillwise.example"),
          ("Gopal Rao", "gopal@tillwise.example"), ("Bruno Costa", "bruno@tillwise.example"),
          ("Emeka Eze", "emeka@tillwise.example"), ("Sofia Lind", "sofia@tillwise.example"))
FOLDERS = ("billing", "api", "payments", "infra", "notify")
START = 1_700_000_000  # 2023-11-14, UTC
# Amara also commits from her laptop; the sample's .mailmap says it is her.
LAPTOP = ("amara", "amara.okafor@laptop.example")
MAILMAP = "Amara Okafor <amara@tillwise.example> <amara.okafor@laptop.example>\n"


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def fast_import_stream(*, commits: int = 400, files_per_folder: int = 8, seed: int = 404,
                       people: tuple[tuple[str, str], ...] = PEOPLE,
                       folders: tuple[str, ...] = FOLDERS,
                       rename_every: int = 0, seconds_between: int = 7 * 3600
                       ) -> Iterator[bytes]:
    """The history as a ``git fast-import`` stream on ``refs/heads/main``, one chunk a commit.
    ``rename_every`` > 0 also renames a random file every that many commits."""
    rng = random.Random(seed)
    owners = {folder: people[i % len(people)] for i, folder in enumerate(folders)}
    live: list[str] = []
    made = {folder: 0 for folder in folders}
    for n in range(1, commits + 1):
        folder = rng.choice(folders)
        author = owners[folder] if rng.random() < 0.75 else rng.choice(people)
        name, email = author
        if author[0].lower().startswith(LAPTOP[0]) and rng.random() < 0.3:
            email = LAPTOP[1]
        when = START + n * seconds_between
        ops: list[bytes] = []
        if n == 1:
            ops.append(b"M 100644 inline .mailmap\n" + _data(MAILMAP.encode()))
            ops.append(b"M 100644 inline README.md\n" + _data(b"# checkout\n"))
        candidates = [p for p in live if p.startswith(f"{folder}/")]
        if made[folder] < files_per_folder and (not candidates or rng.random() < 0.3):
            made[folder] += 1
            path = f"{folder}/module_{made[folder]:03d}.py"
            live.append(path)
            targets = [path]
        else:
            targets = rng.sample(candidates, k=min(len(candidates), rng.choice((1, 1, 2, 3))))
        for path in targets:
            body = f"# {path}\nVERSION = {n}\n".encode() + b"x = 1\n" * rng.randint(1, 30)
            ops.append(b"M 100644 inline " + path.encode() + b"\n" + _data(body))
        renamed, deleted = f"{folders[1]}/module_001.py", f"{folders[-1]}/module_002.py"
        if n == commits // 2 and renamed in live:
            ops.append(f"R {renamed} {folders[1]}/routes.py\n".encode())
            live[live.index(renamed)] = f"{folders[1]}/routes.py"
        if n == commits * 3 // 4 and deleted in live:
            ops.append(f"D {deleted}\n".encode())
            live.remove(deleted)
        if rename_every and n % rename_every == 0 and live:
            old = rng.choice([p for p in live if p not in targets] or live)
            new = f"{old.rsplit('.', 1)[0]}_r{n}.py"
            if old not in targets:
                ops.append(f"R {old} {new}\n".encode())
                live[live.index(old)] = new
        who = f"{name} <{email}> {when} +0000".encode()
        head = [b"commit refs/heads/main\n", b"mark :%d\n" % n, b"author " + who + b"\n",
                b"committer " + who + b"\n", _data(f"change {n} in {folder}".encode())]
        if n > 1:
            head.append(b"from :%d\n" % (n - 1))
        yield b"".join(head + ops) + b"\n"


def build_repository(path: Path, *, bare: bool = False, **stream_args) -> Path:
    """Create a git repository at ``path`` holding :func:`fast_import_stream`'s history."""
    path.mkdir(parents=True, exist_ok=True)
    init = ["git", "init", "--quiet", "--initial-branch=main"] + (["--bare"] if bare else [])
    subprocess.run([*init, str(path)], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE)
    for chunk in fast_import_stream(**stream_args):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError("git fast-import failed")
    if not bare:
        subprocess.run(["git", "checkout", "--quiet", "main"], cwd=path, check=True)
        subprocess.run(["git", "reset", "--quiet", "--hard"], cwd=path, check=True)
    return path


def sample_postmortem() -> Path:
    """A first draft of the post-mortem of notebook 03's checkout incident, as a tired team
    might write it: a few things for ``ownit postmortem-lint`` to find."""
    from importlib.resources import files

    return Path(str(files("ownit.instructor.team") / "sample_postmortems" / "checkout-draft.md"))


_SAMPLE: Path | None = None


def sample_repository() -> Path:
    """The small sample team's repository, built once per process in a temporary folder that
    goes when the process ends."""
    global _SAMPLE
    if _SAMPLE is None or not _SAMPLE.exists():
        scratch = tempfile.mkdtemp(prefix="ownit-sample-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        _SAMPLE = build_repository(Path(scratch) / "checkout")
    return _SAMPLE
