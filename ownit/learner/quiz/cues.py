"""Answer cues a test-wise learner could use instead of knowledge: how often the right option of a
single-choice item is the longest, far the longest, or the shortest.

Run ``python -m ownit.learner.quiz.cues [FOLDER]`` to print the figures for the course's banks (or
for the
``*.json`` banks in FOLDER, e.g. an older version); the bank tests hold them below :data:`LIMITS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ownit.learner.quiz.bank import all_banks, load_bank

FAR = 1.3  # "far the longest": right option more than this many times the longest wrong one
LIMITS = {"longest": 0.40, "far_longest": 0.25, "shortest": 0.40}


@dataclass(frozen=True)
class Cue:
    """Lengths of one single-choice item's options, in characters."""

    item_id: str
    right: int
    wrong: tuple[int, ...]

    @property
    def longest(self) -> bool:  # ties count against the bank: a tie is still a cue
        return self.right >= max(self.wrong)

    @property
    def far_longest(self) -> bool:
        return self.right > FAR * max(self.wrong)

    @property
    def shortest(self) -> bool:
        return self.right <= min(self.wrong)


def single_items(banks: dict[str, dict]) -> list[dict]:
    return [item for bank in banks.values() for item in bank["items"] if item["type"] == "single"]


def cues(banks: dict[str, dict]) -> list[Cue]:
    found = []
    for item in single_items(banks):
        right = [len(o["text"]) for o in item["options"] if o.get("correct")]
        wrong = tuple(len(o["text"]) for o in item["options"] if not o.get("correct"))
        found.append(Cue(item["id"], right[0], wrong))
    return found


def shares(found: list[Cue]) -> dict[str, float]:
    """The share of items showing each cue (0..1)."""
    n = len(found) or 1
    return {name: sum(getattr(c, name) for c in found) / n for name in LIMITS}


def report(folder: Path | None = None) -> str:
    banks = ({p.stem: load_bank(p) for p in sorted(folder.glob("*.json"))} if folder
             else all_banks())
    found = cues(banks)
    lines = [f"{len(found)} single-choice items"]
    for name, share in shares(found).items():
        items = [c.item_id for c in found if getattr(c, name)]
        lines.append(f"right option {name.replace('_', ' ')}: {share:.0%} "
                     f"(limit {LIMITS[name]:.0%}): {', '.join(items) or '-'}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
