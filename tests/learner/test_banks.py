"""Every quiz bank follows the schema, the syllabus's scenarios are all quizzed, and no answer can
be picked by its length alone."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from conftest import ROOT
from ownit.learner.quiz import Quiz, problems
from ownit.learner.quiz.cues import LIMITS, cues, shares

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


# -- answer cues: knowledge, not test-wiseness, should pick the answer --------------------------

def _banks():
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in BANKS}


def test_the_right_option_is_not_given_away_by_its_length():
    found = cues(_banks())
    assert len(found) >= 30, "fewer single-choice items than the course has: is a bank missing?"
    too_many = {}
    for name, share in shares(found).items():
        if share > LIMITS[name]:
            too_many[name] = (f"{share:.0%} > {LIMITS[name]:.0%}: "
                              + ", ".join(c.item_id for c in found if getattr(c, name)))
    assert too_many == {}, (
        "the right option's length is a cue (tighten the right answer or strengthen a "
        "distractor with a real misconception; never pad): " + str(too_many))


def _pick(options: list[dict], strategy: str) -> str:
    """The option a test-wise learner picks, from the options in the order the widget shows them
    (on a tie, the first one shown)."""
    lengths = [len(o["text"]) for o in options]
    target = max(lengths) if strategy == "longest" else min(lengths)
    return options[lengths.index(target)]["id"]


# A learner guessing at random scores the mean of 1/len(options), 25% on four options. Over the
# course's 35-45 single-choice items a random guesser's score has a standard deviation of about
# 7 points (sqrt(0.25 * 0.75 / 40)), so chance + 15 points is about two standard deviations: a
# rule that beats it is exploiting a cue, not getting lucky. On four options it is the same 40%
# as the length limit above.
MARGIN = 0.15


def _score(pick) -> tuple[float, float, int]:
    """(score, chance, items) of a learner who answers every single-choice item with
    ``pick(options as the widget shows them)``, judged by the widget itself."""
    items = [(section, item) for section, item in _items() if item["type"] == "single"]
    right = 0
    for section, item in items:
        quiz = Quiz(item, section, record=False)
        right += quiz.judge(pick(quiz.options)).correct
    chance = sum(1 / len(item["options"]) for _, item in items) / len(items)
    return right / len(items), chance, len(items)


@pytest.mark.parametrize("strategy", ["longest", "shortest"])
def test_a_learner_who_always_picks_by_length_scores_near_chance(strategy):
    score, chance, n = _score(lambda options: _pick(options, strategy))
    assert score <= chance + MARGIN, (
        f"always picking the {strategy} option scores {score:.0%} on {n} items; "
        f"chance is {chance:.0%}")


@pytest.mark.parametrize("place", [1, 2, 3, 4])
def test_a_learner_who_always_picks_the_same_place_scores_near_chance(place):
    # The widget shuffles options with a seed per item id; a bank whose seeds happen to put most
    # right answers in one place would reward "always B".
    score, chance, n = _score(lambda options: options[min(place, len(options)) - 1]["id"])
    assert score <= chance + MARGIN, (
        f"always picking option {place} scores {score:.0%} on {n} items; chance is {chance:.0%}")


def test_multiple_choice_items_do_not_reward_ticking_every_diligent_box():
    for _, item in _items():
        if item["type"] != "multiple":
            continue
        right = sum(bool(o.get("correct")) for o in item["options"])
        assert 1 / 3 <= right / len(item["options"]) <= 0.6, (
            f"{item['id']}: {right} of {len(item['options'])} options are right; about half "
            "should be, with each wrong one tempting")


def _words(item: dict) -> set[str]:
    text = " ".join([item["prompt"], *(o["text"] for o in item["options"])]).lower()
    return {w for w in re.findall(r"[a-z]+", text) if len(w) > 3}


def test_review_items_are_new_situations_not_copies_of_section_items():
    # Word overlap (Jaccard, words of 4+ letters in prompt and options). The near-copies this
    # replaced reached 0.33 (review_the_freeze against the_freeze); transfer items stay below 0.2.
    section_items = [item for section, item in _items() if section != "05_summary"]
    for section, review in _items():
        if section != "05_summary":
            continue
        mine = _words(review)
        for other in section_items:
            theirs = _words(other)
            overlap = len(mine & theirs) / len(mine | theirs)
            assert overlap < 0.25, (
                f"{review['id']} shares {overlap:.0%} of its words with {other['id']}: a review "
                "item should put the lesson in a new situation (another service, role or trade)")
