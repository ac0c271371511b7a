"""The degree-of-authorship model and the greedy truck factor of Avelino et al. (ICPC 2016), on
the lesson's commit tables (:mod:`ownit.learner.lessons.bus_factor`).

Instructor side only: the ``bus_factor`` exercise asks learners to write this themselves, so the
learner package carries the tables it produced, never this code.
"""

from __future__ import annotations

import math

import pandas as pd

from ownit.learner.lessons.bus_factor import AUTHOR_MIN_DOA, AUTHOR_SHARE, ORPHAN_LIMIT

# Avelino et al.'s fitted coefficients.
DOA_BASE, DOA_FA, DOA_DL, DOA_AC = 3.293, 1.098, 0.164, 0.321


def doa(fa: int, dl: int, ac: int) -> float:
    """Degree of authorship of one developer on one file (Avelino et al., 2016)."""
    return DOA_BASE + DOA_FA * fa + DOA_DL * dl - DOA_AC * math.log(1 + ac)


def authorship(history: pd.DataFrame) -> pd.DataFrame:
    """Per (file, author): FA, DL, AC, DOA, normalised DOA and whether they author the file.

    The creating commit counts for FA only, not as a change (the convention of the authors'
    tool), so DL and AC count ``modify`` rows.
    """
    changes = history[history["action"] == "modify"]
    dl = changes.groupby(["file", "author"]).size().rename("dl")
    creators = history[history["action"] == "add"].drop_duplicates("file")
    pairs = history[["file", "author"]].drop_duplicates()
    table = pairs.merge(dl.reset_index(), on=["file", "author"], how="left")
    table = table.assign(dl=table["dl"].fillna(0).astype(int))
    created_by = dict(zip(creators["file"], creators["author"], strict=True))
    total = changes.groupby("file").size()
    table = table.assign(
        fa=[int(created_by.get(f) == a) for f, a in zip(table["file"], table["author"],
                                                        strict=True)],
        ac=[int(total.get(f, 0)) - d for f, d in zip(table["file"], table["dl"], strict=True)],
    )
    table = table.assign(doa=[doa(fa, dl_, ac) for fa, dl_, ac in
                              zip(table["fa"], table["dl"], table["ac"], strict=True)])
    table = table.assign(doa_norm=table["doa"] / table.groupby("file")["doa"].transform("max"))
    table = table.assign(is_author=(table["doa_norm"] > AUTHOR_SHARE)
                         & (table["doa"] >= AUTHOR_MIN_DOA))
    return (table[["file", "author", "fa", "dl", "ac", "doa", "doa_norm", "is_author"]]
            .sort_values(["file", "doa"], ascending=[True, False], ignore_index=True))


def file_authors(table: pd.DataFrame) -> dict[str, set[str]]:
    """The authors of every file in an :func:`authorship` table (a file may have none)."""
    authors: dict[str, set[str]] = {f: set() for f in table["file"].unique()}
    for file, author in table.loc[table["is_author"], ["file", "author"]].itertuples(
            index=False):
        authors[file].add(author)
    return authors


def truck_factor_steps(authors: dict[str, set[str]]) -> pd.DataFrame:
    """The greedy truck-factor algorithm, one row per developer removed.

    Each step removes the developer who still authors the most files (ties broken by name, so
    the result is reproducible) and records the share of files left with no author. No step is
    taken when more than half of the files have no author to begin with.
    """
    left = {f: set(a) for f, a in authors.items()}
    steps = []
    orphaned = sum(not names for names in left.values())
    while left and orphaned / len(left) <= ORPHAN_LIMIT:
        counts: dict[str, int] = {}
        for names in left.values():
            for name in names:
                counts[name] = counts.get(name, 0) + 1
        if not counts:
            break
        top = min(counts, key=lambda name: (-counts[name], name))
        for names in left.values():
            names.discard(top)
        orphaned = sum(not names for names in left.values())
        steps.append({"removed": top, "files_authored": counts[top],
                      "orphaned_files": orphaned, "orphaned_share": orphaned / len(left)})
    return pd.DataFrame(steps, columns=["removed", "files_authored", "orphaned_files",
                                        "orphaned_share"])


def truck_factor(authors: dict[str, set[str]]) -> int:
    """How many developers must leave before more than half of the files have no author."""
    return len(truck_factor_steps(authors))
