"""Read a repository's history with git itself, streamed: one ``git log`` process, one commit at
a time, so memory stays flat however long the history is.

git does the identity work: ``%aN``/``%aE`` apply the repository's ``.mailmap`` (in a bare
repository git reads ``HEAD:.mailmap``), and an alias file is handed to git as an extra mailmap
(``mailmap.file``). Paths travel NUL-separated (``-z``), so no name needs unquoting.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

# Settings a user's git config could change and that would change what we read: a root commit
# must show its files as added, and no signature check output may land in the stream.
_GIT_CONFIG = ("-c", "log.showRoot=true", "-c", "log.showSignature=false",
               "-c", "core.quotePath=false", "-c", "diff.relative=false")
# Variables a calling git hook may set; they would point git at another repository.
_GIT_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR")
_HEADER = b"\x01"
_LOG_FORMAT = "--format=%x01%H%x00%aN%x00%aE%x00%at"
_MAILMAP_LINE = re.compile(r"^\s*[^<>#]*<[^<>]*>\s*(?:[^<>#]*<[^<>]*>\s*)?(?:#.*)?$")


class RepositoryError(Exception):
    """The repository (or an option about it) cannot be read; the message says what to do."""


@dataclass(frozen=True)
class Change:
    """One path in one commit, as ``git log --name-status`` reports it."""

    status: str  # A, M, D, T or R (renames carry old_path)
    path: str
    old_path: str | None = None


@dataclass
class Commit:
    sha: str
    author_name: str
    author_email: str
    timestamp: int
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Snapshot:
    """The commit whose tree says which files exist, and when it was made."""

    commit: str
    committed: datetime
    first_commit: datetime


def parse_until(text: str | datetime | None) -> datetime | None:
    """``--until`` as an aware datetime: a date alone means the end of that day, a time without
    zone is UTC."""
    if text is None or isinstance(text, datetime):
        moment = text
    else:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise RepositoryError(
                f"--until {text!r} is not a date: write it as YYYY-MM-DD (the end of that day, "
                "UTC) or YYYY-MM-DDTHH:MM with an optional zone such as +02:00.") from None
        if re.fullmatch(r"\d{4}-?\d{2}-?\d{2}", text.strip()):
            moment = datetime.combine(moment.date(), time(23, 59, 59))
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def check_alias_file(path: Path) -> Path:
    """The alias file, checked: git's mailmap format, one ``Name <email> <other email>`` a line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RepositoryError(f"--alias-file {path}: no such file.") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise RepositoryError(f"--alias-file {path}: cannot read it as UTF-8 text ({exc}).") \
            from None
    bad = [n for n, line in enumerate(text.splitlines(), 1)
           if line.strip() and not line.lstrip().startswith("#") and not _MAILMAP_LINE.match(line)]
    if bad:
        raise RepositoryError(
            f"--alias-file {path}: line {', '.join(map(str, bad[:5]))} is not in git's mailmap "
            "format. Write one alias a line: 'Proper Name <proper@email> <other@email>' "
            "(see `git help mailmap`).")
    return path.resolve()


class GitRepository:
    """A work tree or a bare repository, checked on opening."""

    def __init__(self, path: Path | str, *, alias_file: Path | None = None):
        self.path = Path(path)
        if not self.path.exists():
            raise RepositoryError(f"{self.path} does not exist. Give the folder of a git "
                                  "repository (a clone, or a bare repository).")
        if not self.path.is_dir():
            raise RepositoryError(f"{self.path} is not a folder. Give the folder of a git "
                                  "repository (a clone, or a bare repository).")
        self._env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
        # REPO itself must be the repository: a folder inside someone else's clone is not.
        self._env["GIT_CEILING_DIRECTORIES"] = str(self.path.resolve().parent)
        self._config = list(_GIT_CONFIG)
        if alias_file is not None:
            self._config += ["-c", f"mailmap.file={alias_file}"]
        probe = self._run("rev-parse", "--is-bare-repository", "--is-shallow-repository",
                          check=False)
        if probe.returncode != 0:
            raise RepositoryError(
                f"{self.path} is not a git repository: git says "
                f"{_first_line(probe.stderr)!r}. Give the folder that holds .git (or a bare "
                "repository); `git clone URL` first if you only have the address.")
        bare, shallow = probe.stdout.split()[:2]
        self.bare = bare == "true"
        if shallow == "true":
            raise RepositoryError(
                f"{self.path} is a shallow clone: its history stops at the depth it was cloned "
                "with, so files created before that point look as if nobody created them and "
                "the people who built them are missing. The truck factor would be wrong. Fetch "
                "the full history first: `git fetch --unshallow`.")
        if self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}",
                     check=False).returncode != 0:
            raise RepositoryError(f"{self.path} has an empty history: HEAD points to no commit "
                                  "yet. Commit something first, or check out a branch that has "
                                  "commits.")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        try:
            result = subprocess.run(["git", *self._config, *args], cwd=self.path, env=self._env,
                                    capture_output=True, text=True, errors="surrogateescape",
                                    check=False)
        except FileNotFoundError:
            raise RepositoryError("git is not installed (no `git` command on the PATH): install "
                                  "it, for example `apt-get install git`.") from None
        if check and result.returncode != 0:
            raise RepositoryError(f"git {args[0]} failed in {self.path}: "
                                  f"{_first_line(result.stderr)}")
        return result

    def snapshot(self, until: datetime | None = None) -> Snapshot:
        """The newest commit on HEAD's first-parent line (the main branch as it stood) made at or
        before ``until`` (default: HEAD itself); a side branch merged later is not yet in."""
        roots = self._run("log", "--max-parents=0", "--format=%ct", "HEAD").stdout.split()
        first = datetime.fromtimestamp(min(int(t) for t in roots), UTC)
        args = ["rev-list", "-1", "--first-parent"]
        if until is not None:
            args.append(f"--before=@{int(until.timestamp())}")
        commit = self._run(*args, "HEAD").stdout.strip()
        if not commit:
            raise RepositoryError(
                f"--until {until.isoformat()} is before the first commit of {self.path} "
                f"({first.isoformat()}): there was nothing yet. Give a later date.")
        stamp = self._run("show", "-s", "--format=%ct", commit).stdout.strip()
        return Snapshot(commit, datetime.fromtimestamp(int(stamp), UTC), first)

    def files_at(self, commit: str) -> list[str]:
        """Regular files in the commit's tree (no submodules, no symbolic links)."""
        out = self._run("ls-tree", "-r", "-z", "--full-tree", commit).stdout
        files = []
        for entry in out.split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            mode, kind = meta.split()[:2]
            if kind == "blob" and mode in ("100644", "100755"):
                files.append(path)
        return files

    def count_commits(self, commit: str) -> int:
        return int(self._run("rev-list", "--count", "--no-merges", commit).stdout.strip())

    def commits(self, commit: str) -> Iterator[Commit]:
        """Every non-merge commit that leads to ``commit``, oldest first (parents before
        children), with its changed paths and renames found by git (``-M``)."""
        cmd = ["git", *self._config, "log", "--no-merges", "--date-order", "--reverse", "-M",
               "--name-status", "-z", _LOG_FORMAT, commit, "--"]
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(cmd, cwd=self.path, env=self._env, stdout=subprocess.PIPE,
                                    stderr=errors)
            try:
                yield from _parse_log(_tokens(proc.stdout))
            finally:
                proc.stdout.close()
                code = proc.wait()
            if code != 0:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace")
                raise RepositoryError(f"git log failed in {self.path}: {_first_line(message)}")


def _tokens(stream) -> Iterator[bytes]:
    """The NUL-separated fields of git's ``-z`` output, read in chunks."""
    rest = b""
    while chunk := stream.read(1 << 16):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _parse_log(tokens: Iterator[bytes]) -> Iterator[Commit]:
    """Commits from the token stream: a header (``\\x01sha``, name, email, time) then, per
    changed path, a status followed by one path (two for a rename or copy)."""
    current: Commit | None = None
    for token in tokens:
        if token.startswith(_HEADER):
            if current is not None:
                yield current
            name, email, stamp = next(tokens), next(tokens), next(tokens)
            current = Commit(token[1:].decode("ascii"), name.decode("utf-8", "replace"),
                             email.decode("utf-8", "replace"), int(stamp))
            continue
        status = token.lstrip(b"\n")[:1].decode("ascii", "replace")
        if not status or current is None:
            continue
        if status in ("R", "C"):
            old, new = _text(next(tokens)), _text(next(tokens))
            current.changes.append(Change(status, new, old))
        else:
            current.changes.append(Change(status, _text(next(tokens))))
    if current is not None:
        yield current


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0].removeprefix("fatal: ") if lines else "no message"
