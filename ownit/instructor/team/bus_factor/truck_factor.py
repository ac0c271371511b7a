"""The greedy truck factor of Avelino et al. (ICPC 2016).

Take away the developer who authors the most files, then the next, and so on; a file is
orphaned once none of its authors is left (a file with no author is orphaned from the start).
The truck factor is the number of developers taken away when more than half of the files are
orphaned. Taking one developer away does not change how many files the others author, so the
order is fixed once: most files first, ties by name then e-mail (the authors' tool leaves ties
to hash order; a fixed rule keeps the result reproducible).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Departure:
    """One step of the greedy walk: who leaves, how many files they author, and how many files
    are orphaned once they and everyone before them are gone."""

    developer: str
    files_authored: int
    orphaned: int
    orphaned_share: float


@dataclass(frozen=True)
class GreedyWalk:
    truck_factor: int
    files: int
    orphaned_at_start: int
    departures: tuple[Departure, ...]  # every developer with a file, in the greedy order

    @property
    def truck_factor_people(self) -> tuple[Departure, ...]:
        return self.departures[: self.truck_factor]


def greedy_walk(authors_by_file: Mapping[str, Collection[str]],
                tie_break: Callable[[str], object] = str) -> GreedyWalk:
    """Walk the greedy removal over ``authors_by_file`` (every file considered, with the keys of
    its authors; an empty collection for a file with none)."""
    total = len(authors_by_file)
    authored: dict[str, list[str]] = {}
    remaining: dict[str, int] = {}
    for path, authors in authors_by_file.items():
        remaining[path] = len(authors)
        for developer in authors:
            authored.setdefault(developer, []).append(path)
    order = sorted(authored, key=lambda d: (-len(authored[d]), tie_break(d)))
    orphaned = sum(1 for count in remaining.values() if count == 0)
    at_start = orphaned
    departures = []
    truck_factor = None if total else 0
    if truck_factor is None and 2 * orphaned > total:
        truck_factor = 0
    for developer in order:
        for path in authored[developer]:
            remaining[path] -= 1
            if remaining[path] == 0:
                orphaned += 1
        departures.append(Departure(developer, len(authored[developer]), orphaned,
                                    orphaned / total))
        if truck_factor is None and 2 * orphaned > total:
            truck_factor = len(departures)
    return GreedyWalk(truck_factor or 0, total, at_start, tuple(departures))
