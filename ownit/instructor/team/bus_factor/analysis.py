"""From a repository to a :class:`BusFactorReport`: read the history once, keep the files that
exist at the snapshot and count as knowledge, find their authors, walk the greedy truck factor,
and collect the silos and the files at risk."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ownit.instructor.team.bus_factor.aliases import AliasSuggestion, suggest_aliases
from ownit.instructor.team.bus_factor.authorship import (
    Authorship,
    AuthorshipLedger,
    Developer,
    authors_among,
)
from ownit.instructor.team.bus_factor.file_rules import FileRule, FileSelection
from ownit.instructor.team.bus_factor.git_history import (
    GitRepository,
    RepositoryError,
    check_alias_file,
    parse_until,
)
from ownit.instructor.team.bus_factor.truck_factor import GreedyWalk, greedy_walk

# Show a progress bar only when the history is long enough to wait for.
PROGRESS_FROM_COMMITS = 2000


@dataclass(frozen=True, slots=True)
class FileAuthorship:
    path: str
    authors: tuple[str, ...]  # developer keys, highest degree of authorship first
    people: tuple[Authorship, ...]  # everyone who created or changed it


@dataclass(frozen=True)
class FolderSilo:
    folder: str  # "" is the whole repository
    developer: str
    files: int


@dataclass
class BusFactorReport:
    repository: str
    bare: bool
    commit: str
    committed: datetime
    until: datetime | None
    commits_read: int
    developers: dict[str, Developer]
    files: list[FileAuthorship]
    left_out: dict[str, int]
    rules: tuple[FileRule, ...]
    include: tuple[str, ...]
    walk: GreedyWalk
    alias_suggestions: list[AliasSuggestion] = field(default_factory=list)

    @property
    def truck_factor(self) -> int:
        return self.walk.truck_factor

    def name(self, key: str) -> str:
        person = self.developers.get(key)
        return person.name if person else key

    def label(self, key: str) -> str:
        person = self.developers.get(key)
        return f"{person.name} <{person.email}>" if person and person.email else self.name(key)

    @property
    def silos(self) -> dict[str, list[str]]:
        """Files with exactly one author, by that author (most files first)."""
        by_person: dict[str, list[str]] = {}
        for item in self.files:
            if len(item.authors) == 1:
                by_person.setdefault(item.authors[0], []).append(item.path)
        return dict(sorted(by_person.items(), key=lambda kv: (-len(kv[1]), self.name(kv[0]))))

    @property
    def folder_silos(self) -> list[FolderSilo]:
        """The largest folders (two files or more) whose authored files all have one and the same
        single author."""
        authors: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        for item in self.files:
            parts = item.path.split("/")[:-1]
            for depth in range(len(parts) + 1):
                folder = "/".join(parts[:depth])
                counts[folder] = counts.get(folder, 0) + 1
                authors.setdefault(folder, set()).update(item.authors)
        single = {f for f, people in authors.items() if len(people) == 1 and counts[f] >= 2}
        found = []
        for folder in single:
            parts = folder.split("/") if folder else []
            ancestors = ["/".join(parts[:depth]) for depth in range(len(parts))]
            if not any(a in single for a in ancestors):
                found.append(FolderSilo(folder, next(iter(authors[folder])), counts[folder]))
        return sorted(found, key=lambda s: (-s.files, s.folder))

    @property
    def orphaned(self) -> list[str]:
        """Files nobody authors even now: everyone touched them a little."""
        return [item.path for item in self.files if not item.authors]

    @property
    def at_risk(self) -> list[str]:
        """Files that lose every author when the truck-factor people leave."""
        gone = {d.developer for d in self.walk.truck_factor_people}
        return [item.path for item in self.files
                if item.authors and set(item.authors) <= gone]


def analyse(*, repo: Path | str, until: str | datetime | None = None,
            alias_file: Path | str | None = None, include: Sequence[str] = (),
            exclude: Sequence[str] = (), progress: bool = True) -> BusFactorReport:
    """The truck factor of the git repository at ``repo`` as it was at ``until`` (default: its
    HEAD). Raises :class:`RepositoryError` with a message for the user on bad input."""
    moment = parse_until(until)
    aliases = check_alias_file(Path(alias_file)) if alias_file is not None else None
    repository = GitRepository(repo, alias_file=aliases)
    snapshot = repository.snapshot(moment)
    selection = FileSelection.build(include=include or (), exclude=exclude or ())
    kept, left_out = selection.split(repository.files_at(snapshot.commit))
    if not kept:
        raise RepositoryError(
            f"No file of {repo} at {snapshot.commit[:10]} counts as knowledge under the rules "
            f"({sum(left_out.values())} left out, none kept). Bring files back with "
            "--include GLOB, for example --include '*.md' for a documentation repository.")

    ledger = AuthorshipLedger()
    bar = _progress_bar(repository, snapshot.commit) if progress else None
    for commit in repository.commits(snapshot.commit):
        ledger.apply(commit)
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()

    files = []
    for path in sorted(kept):
        history = ledger.alive.get(path)
        people = tuple(history.authorships()) if history else ()
        authors = tuple(row.developer for row in authors_among(people))
        files.append(FileAuthorship(path, authors, people))
    walk = greedy_walk({item.path: item.authors for item in files},
                       tie_break=lambda key: (ledger.developers[key].name.lower(), key))
    return BusFactorReport(
        repository=str(Path(repo)), bare=repository.bare, commit=snapshot.commit,
        committed=snapshot.committed, until=moment, commits_read=ledger.commits,
        developers=ledger.developers, files=files, left_out=left_out, rules=selection.rules,
        include=selection.include, walk=walk,
        alias_suggestions=suggest_aliases(ledger.developers.values()))


def _progress_bar(repository: GitRepository, commit: str):
    total = repository.count_commits(commit)
    if total < PROGRESS_FROM_COMMITS:
        return None
    from tqdm import tqdm

    # tqdm stays silent when stderr is not a terminal (disable=None), so logs and CI stay clean.
    return tqdm(total=total, unit="commit", desc="reading history", file=sys.stderr,
                disable=None, mininterval=0.5, leave=False)


def utc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
