"""Build real git histories for the bus-factor tests: every commit made by ``git`` itself, with
fixed authors and dates, so the expected numbers can be worked out by hand."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)

ANA = ("Ana Lima", "ana@example.org")
BEN = ("Ben Osei", "ben@example.org")
CLEO = ("Cleo Marsh", "cleo@example.org")
DEV = ("Dev Patel", "dev@example.org")


def git(cwd: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


class History:
    """A work tree whose every commit is one call: who, and what happens to which files."""

    def __init__(self, path: Path):
        self.path = path
        self.hour = 0
        path.mkdir(parents=True)
        git(path, "init", "--quiet", "--initial-branch=main")
        git(path, "config", "commit.gpgsign", "false")

    def env(self, who: tuple[str, str], when: datetime) -> dict:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
        name, email = who
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                "GIT_COMMITTER_DATE": stamp}

    def next_time(self) -> datetime:
        self.hour += 1
        return START + timedelta(hours=self.hour)

    def commit(self, who: tuple[str, str], *, write: dict[str, str] | None = None,
               delete: tuple[str, ...] = (), rename: dict[str, str] | None = None,
               when: datetime | None = None) -> datetime:
        """One commit by ``who``: rename (git mv), delete (git rm), then write files."""
        when = when or self.next_time()
        for old, new in (rename or {}).items():
            (self.path / new).parent.mkdir(parents=True, exist_ok=True)
            git(self.path, "mv", old, new)
        for path in delete:
            git(self.path, "rm", "--quiet", path)
        for path, text in (write or {}).items():
            target = self.path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            git(self.path, "add", path)
        git(self.path, "commit", "--quiet", "--allow-empty", "-m", f"change at {when}",
            env=self.env(who, when))
        return when

    def edit(self, who: tuple[str, str], path: str, times: int = 1) -> None:
        """``times`` commits by ``who``, each appending a line to ``path``."""
        for _ in range(times):
            old = (self.path / path).read_text(encoding="utf-8")
            self.commit(who, write={path: old + f"line {self.hour}\n"})


def body(name: str, lines: int = 12) -> str:
    """A file body distinct enough for git's rename detection to follow it."""
    return "".join(f"{name} line {n}: some code that stays the same\n" for n in range(lines))
