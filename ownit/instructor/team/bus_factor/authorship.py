"""Degree of authorship (Avelino, Passos, Hora and Valente, ICPC 2016), kept per file while the
history streams past.

For a developer d and a file f:

    DOA = 3.293 + 1.098 FA + 0.164 DL - 0.321 ln(1 + AC)

FA is 1 when d created f, DL counts d's later changes to f, AC the later changes by everyone
else. As in the authors' tool, the commit that creates a file counts for FA only (it is not a
change), a rename is a change by whoever renamed it, and when two developers added the same path
on parallel branches both count as creators. d is an *author* of f when DOA / max DOA on f is
above 0.75 and DOA is at least 3.293.

Only files alive at the current point of the walk are kept: a deleted file's history goes with
it, and a file created again later at the same path starts afresh.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ownit.instructor.team.bus_factor.git_history import Commit

BASELINE = 3.293
FIRST_AUTHORSHIP_WEIGHT = 1.098
DELIVERY_WEIGHT = 0.164
ACCEPTANCE_WEIGHT = 0.321
NORMALISED_THRESHOLD = 0.75


@dataclass(frozen=True, slots=True)
class Authorship:
    """What one developer did to one file, and the degree of authorship it gives."""

    developer: str  # the identity key (see Developer.key)
    fa: int
    dl: int
    ac: int

    @property
    def doa(self) -> float:
        return (BASELINE + FIRST_AUTHORSHIP_WEIGHT * self.fa + DELIVERY_WEIGHT * self.dl
                - ACCEPTANCE_WEIGHT * math.log1p(self.ac))


@dataclass
class Developer:
    """One person after git's mailmap: identified by e-mail (lower case), named as in their
    latest commit."""

    key: str
    name: str
    email: str
    commits: int = 0
    first: int = 0  # unix time of the first and the latest commit
    last: int = 0


class FileHistory:
    """The per-file state of the walk: who created it and how many changes each person made."""

    __slots__ = ("creators", "changes", "total")

    def __init__(self, creator: str | None = None):
        self.creators: list[str] = [] if creator is None else [creator]
        self.changes: dict[str, int] = {}
        self.total = 0

    def change(self, developer: str) -> None:
        self.changes[developer] = self.changes.get(developer, 0) + 1
        self.total += 1

    def authorships(self) -> list[Authorship]:
        people = dict.fromkeys([*self.creators, *sorted(self.changes)])
        return [Authorship(d, int(d in self.creators), self.changes.get(d, 0),
                           self.total - self.changes.get(d, 0)) for d in people]


def authors_among(authorships: Iterable[Authorship]) -> list[Authorship]:
    """The authors of one file among everyone who touched it, highest degree first."""
    rows = list(authorships)
    if not rows:
        return []
    best = max(row.doa for row in rows)
    if best < BASELINE:  # nobody reaches the baseline (and a ratio of negatives means nothing)
        return []
    authors = [row for row in rows
               if row.doa / best > NORMALISED_THRESHOLD and row.doa >= BASELINE]
    return sorted(authors, key=lambda row: (-row.doa, row.developer))


class AuthorshipLedger:
    """Feed it commits oldest first; it follows files through renames and deletions."""

    def __init__(self) -> None:
        self.alive: dict[str, FileHistory] = {}
        self.developers: dict[str, Developer] = {}
        self.commits = 0

    def identify(self, commit: Commit) -> str:
        email = commit.author_email.strip()
        key = email.lower() if email else f"name:{commit.author_name.strip().lower()}"
        person = self.developers.get(key)
        if person is None:
            person = self.developers[key] = Developer(key, commit.author_name, email,
                                                      first=commit.timestamp)
        person.name = commit.author_name or person.name
        person.commits += 1
        person.last = max(person.last, commit.timestamp)
        person.first = min(person.first, commit.timestamp)
        return person.key  # one string object per person, however many files it keys

    def apply(self, commit: Commit) -> None:
        self.commits += 1
        who = self.identify(commit)
        alive = self.alive
        for change in commit.changes:
            status, path = change.status, change.path
            if status == "A" or status == "C":
                history = alive.get(path)
                if history is None:
                    alive[path] = FileHistory(who)
                elif who not in history.creators:
                    history.creators.append(who)  # added on a parallel branch too
            elif status == "D":
                alive.pop(path, None)
            elif status == "R":
                history = alive.pop(change.old_path, None) or FileHistory()
                alive[path] = history
                history.change(who)
            else:  # M, T (type change), or anything else git may report as a change
                history = alive.get(path)
                if history is None:  # e.g. created in a merge commit, which we skip
                    history = alive[path] = FileHistory()
                history.change(who)
