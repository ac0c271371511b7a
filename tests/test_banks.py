"""Every quiz bank follows the schema, and the syllabus's scenarios are all quizzed."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from conftest import ROOT
from ownit.quiz import problems

BANKS = sorted((ROOT / "course" / "quizzes").glob("*.json"))

# The twelve junior-vs-senior scenarios of the syllabus, and how a scenario title names each.
SCENARIOS = {
    "QA will catch it": r"qa will catch it",
    "The Deployment": r"\bdeployment\b",
    "The Monitoring": r"\bmonitoring\b",
    "The Cowboy": r"\bcowboy\b",
    "The Communicator": r"\bcommunicator\b",
    "The Freeze": r"\bfreeze\b",
    "The Witch Hunt": r"\bwitch hunt\b",
    "The Root Cause": r"\broot cause\b",
    "The Follow-up": r"\bfollow-up\b",
    "The Gatekeeper": r"\bgatekeeper\b",
    "The Mentor": r"\bmentor\b",
    "The Hero": r"\bhero\b",
}


def _items():
    return [(path.stem, item) for path in BANKS
            for item in json.loads(path.read_text(encoding="utf-8"))["items"]]


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_bank_is_sound(path):
    bank = json.loads(path.read_text(encoding="utf-8"))
    assert problems(bank) == []
    assert bank["section"] == path.stem, "a bank is named after its notebook"
    assert (ROOT / "course" / f"{path.stem}.ipynb").is_file(), "every bank belongs to a notebook"


def test_item_ids_are_unique_across_the_course():
    twice = [i for i, n in Counter(item["id"] for _, item in _items()).items() if n > 1]
    assert twice == []


def test_every_bank_is_used_by_its_notebook():
    for path in BANKS:
        notebook = (ROOT / "course" / f"{path.stem}.ipynb").read_text(encoding="utf-8")
        unused = [item["id"] for item in json.loads(path.read_text())["items"]
                  if f'\\"{item["id"]}\\"' not in notebook and item["id"] not in notebook]
        assert unused == [], f"{path.name}: items no notebook cell asks"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_syllabus_scenario_has_a_quiz_item(scenario):
    pattern = re.compile(SCENARIOS[scenario], re.IGNORECASE)
    items = [item for section, item in _items()
             if section != "05_summary" and pattern.search(item["scenario"])]
    assert items, f"no quiz item in sections 01-04 has {scenario!r} in its scenario title"
    for item in items:
        assert len(item["options"]) >= 3
        assert all(o["feedback"].strip() for o in item["options"])
        if item["type"] == "single":
            assert sum(bool(o.get("correct")) for o in item["options"]) == 1
