"""Quiz banks: one JSON file per section in ``course/quizzes/``, checked against a schema.

The learner package (``ownit-learner``) carries a copy of the banks in ``banks/`` beside this
file, made when the wheel is built (docs/learner-package.md): a learner's copy of the course
without ``course/quizzes/`` reads those."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

from ownit.paths import CourseNotFound, course_root

SCHEMA_PATH = Path(__file__).with_name("bank.schema.json")
PACKAGED_BANKS = Path(__file__).with_name("banks")  # only in the learner wheel


class BankError(ValueError):
    """A quiz bank that breaks the schema or the rules the schema cannot express."""


def banks_dir(root: Path | None = None) -> Path:
    if root is not None:
        return root / "course" / "quizzes"
    try:
        found = course_root() / "course" / "quizzes"
    except CourseNotFound:
        if PACKAGED_BANKS.is_dir():
            return PACKAGED_BANKS
        raise
    return found if found.is_dir() or not PACKAGED_BANKS.is_dir() else PACKAGED_BANKS


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def problems(bank: dict) -> list[str]:
    """Every problem with a bank, in words; empty when the bank is sound."""
    found = [
        f"{'/'.join(map(str, err.absolute_path)) or '(top)'}: {err.message}"
        for err in jsonschema.Draft202012Validator(schema()).iter_errors(bank)
    ]
    if found:
        return found
    seen: set[str] = set()
    for item in bank["items"]:
        where = f"item {item['id']}"
        if item["id"] in seen:
            found.append(f"{where}: the id is used twice in this bank")
        seen.add(item["id"])
        option_ids = [o["id"] for o in item["options"]]
        if len(set(option_ids)) != len(option_ids):
            found.append(f"{where}: two options share an id")
        right = sum(bool(o.get("correct")) for o in item["options"])
        if item["type"] == "single" and right != 1:
            found.append(
                f"{where}: a single-choice item needs exactly one correct option, has {right}")
        if item["type"] == "multiple" and right < 1:
            found.append(f"{where}: a multiple-choice item needs at least one correct option")
        if item["type"] == "classify":
            labels = {c["id"] for c in item["categories"]}
            for option in item["options"]:
                if option["category"] not in labels:
                    found.append(f"{where}: option {option['id']} has unknown category "
                                 f"{option['category']!r} (known: {sorted(labels)})")
    return found


def load_bank(path: Path) -> dict:
    try:
        bank = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BankError(f"{path.name} is not valid JSON: {exc}") from exc
    found = problems(bank)
    if found:
        raise BankError(f"{path.name} breaks the quiz bank rules:\n  " + "\n  ".join(found))
    return bank


def all_banks(root: Path | None = None) -> dict[str, dict]:
    """Every bank, keyed by section name."""
    return {p.stem: load_bank(p) for p in sorted(banks_dir(root).glob("*.json"))}


def find_item(item_id: str, root: Path | None = None) -> tuple[str, dict]:
    """(section, item) for a quiz item id; ids are unique across the whole course."""
    banks = all_banks(root)
    for section, bank in banks.items():
        for item in bank["items"]:
            if item["id"] == item_id:
                return section, item
    known = sorted(i["id"] for b in banks.values() for i in b["items"])
    import difflib

    close = difflib.get_close_matches(item_id, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise KeyError(f"No quiz item {item_id!r} in course/quizzes/.{hint}")
