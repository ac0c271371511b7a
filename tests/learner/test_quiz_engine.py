"""The quiz engine, driven through the widgets' own Python API (no browser)."""

from __future__ import annotations

import json
import re

import pytest

from ownit.learner import progress
from ownit.learner.quiz import Quiz, all_banks, problems
from ownit.learner.quiz.widget import REVEAL_AFTER_WRONG, shuffled


def _option(oid, correct=False, **extra):
    return {"id": oid, "text": f"text of {oid}", "feedback": f"feedback on {oid}",
            "correct": correct, **extra}


SINGLE = {"id": "probe_single", "type": "single", "scenario": "The Probe", "prompt": "Which?",
          "options": [_option("a"), _option("b", True), _option("c"), _option("d")],
          "explanation": "because b"}
MULTIPLE = {"id": "probe_multiple", "type": "multiple", "scenario": "The Probe",
            "prompt": "Which ones?",
            "options": [_option("a", True), _option("b", True), _option("c")],
            "explanation": "a and b"}
ORDER = {"id": "probe_order", "type": "order", "scenario": "The Probe", "prompt": "Order them",
         "options": [{"id": s, "text": s, "feedback": f"{s} goes at its place"}
                     for s in ("first", "second", "third", "fourth")],
         "explanation": "in order"}
CLASSIFY = {"id": "probe_classify", "type": "classify", "scenario": "The Probe",
            "prompt": "Sort them",
            "categories": [{"id": "good", "label": "Blameless"},
                           {"id": "bad", "label": "Blameful"}],
            "options": [{"id": f"s{n}", "text": f"sentence {n}", "feedback": f"why {n}",
                         "category": "good" if n % 2 else "bad"} for n in range(4)],
            "explanation": "sorted"}


def test_probe_items_follow_the_schema():
    bank = {"section": "00_start_here", "title": "probe", "items": [SINGLE, MULTIPLE, ORDER,
                                                                      CLASSIFY]}
    assert problems(bank) == []


@pytest.mark.parametrize("item", [SINGLE, MULTIPLE, ORDER, CLASSIFY], ids=lambda i: i["type"])
def test_widgets_carry_the_css_classes_a_browser_test_finds(item, progress_file):
    quiz = Quiz(item, "00_start_here")
    assert "ownit-quiz" in quiz._dom_classes
    assert "ownit-check" in quiz.check_button._dom_classes
    assert "ownit-feedback" in quiz.feedback._dom_classes
    assert quiz.choices and all("ownit-choice" in c._dom_classes for c in quiz.choices)


def test_single_wrong_then_right_gives_feedback_in_words_and_records_progress(progress_file):
    quiz = Quiz(SINGLE, "00_start_here")
    quiz.choices[0].value = "a"
    quiz.check_button.click()
    assert quiz.feedback_text.startswith("Not quite.")
    assert "feedback on a" in quiz.feedback_text and "Try again" in quiz.feedback_text
    assert "ownit-wrong" in quiz.feedback._dom_classes
    assert 'data-icon="wrong"' in quiz.feedback.value
    assert quiz.explanation.value == ""
    quiz.choices[0].value = "b"
    quiz.check_button.click()
    assert quiz.feedback_text.startswith("Correct.") and "feedback on b" in quiz.feedback_text
    assert 'data-icon="correct"' in quiz.feedback.value
    assert "because b" in quiz.explanation.value
    record = json.loads(progress_file.read_text())["quizzes"]["probe_single"]
    assert record["attempts"] == 2 and record["correct"] and not record["first_try_correct"]
    assert record["answers"] == ["a", "b"] and record["section"] == "00_start_here"


def test_checking_with_no_answer_asks_for_one_and_records_nothing(progress_file):
    quiz = Quiz(SINGLE, "00_start_here")
    assert quiz.check() is None
    assert "Answer first" in quiz.feedback_text and 'data-icon="info"' in quiz.feedback.value
    assert not progress_file.exists()


def test_explanation_appears_after_repeated_wrong_answers(progress_file):
    quiz = Quiz(SINGLE, "00_start_here")
    for n in range(REVEAL_AFTER_WRONG):
        assert quiz.explanation.value == "", f"revealed after {n} wrong answers"
        quiz.choose("c")
        quiz.check()
    assert "because b" in quiz.explanation.value


def test_multiple_needs_every_right_option_and_no_wrong_one(progress_file):
    quiz = Quiz(MULTIPLE, "00_start_here")
    quiz.choose(["a"])
    assert not quiz.check().correct
    quiz.choose(["a", "b", "c"])
    assert not quiz.check().correct
    quiz.choose(["a", "b"])
    assert quiz.check().correct


def test_order_counts_places_and_rejects_a_step_used_twice(progress_file):
    quiz = Quiz(ORDER, "00_start_here")
    quiz.choose(["first", "first", "third", "fourth"])
    assert "once" in quiz.check().text
    quiz.choose(["second", "first", "third", "fourth"])
    result = quiz.check()
    assert not result.correct and "2 of 4" in result.text and "step 1" in result.text
    quiz.choose(["first", "second", "third", "fourth"])
    assert quiz.check().correct


def test_classify_reports_the_misplaced_statements(progress_file):
    quiz = Quiz(CLASSIFY, "00_start_here")
    right = {f"s{n}": "good" if n % 2 else "bad" for n in range(4)}
    quiz.choose({**right, "s0": "good"})
    result = quiz.check()
    assert not result.correct and "1 of 4" in result.text and "why 0" in result.text
    quiz.choose(right)
    assert quiz.check().correct


def test_shuffle_is_fixed_per_item_and_never_shows_an_order_item_solved():
    first = [o["id"] for o in shuffled(SINGLE)]
    assert first == [o["id"] for o in shuffled(SINGLE)]
    assert [o["id"] for o in Quiz(SINGLE, "x", record=False).options] == first
    renamed = {**SINGLE, "id": "another_item"}
    orders = {tuple(o["id"] for o in shuffled({**renamed, "id": f"item_{n}"})) for n in range(8)}
    assert len(orders) > 1, "the shuffle does not depend on the item id"
    assert [o["id"] for o in shuffled(ORDER)] != [o["id"] for o in ORDER["options"]]


def test_a_damaged_progress_file_is_set_aside_not_lost(progress_file):
    progress_file.write_text("{not json")
    quiz = Quiz(SINGLE, "00_start_here")
    quiz.choose("b")
    assert quiz.check().correct
    aside = list(progress_file.parent.glob("progress.json.damaged-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert progress.load()["quizzes"]["probe_single"]["correct"]


def test_summary_and_missed_items(progress_file):
    progress.record_attempt("01_x", "one", False, "a")
    progress.record_attempt("01_x", "one", True, "b")
    progress.record_attempt("01_x", "two", True, "b")
    progress.record_attempt("02_y", "three", False, "c")
    assert progress.summary() == {"01_x": {"tried": 2, "correct": 2, "first_try": 1},
                                  "02_y": {"tried": 1, "correct": 0, "first_try": 0}}
    assert set(progress.missed_items()) == {"one", "three"}


def test_unwritable_progress_does_not_break_the_quiz(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("OWNIT_PROGRESS", str(blocker / "progress.json"))
    quiz = Quiz(SINGLE, "00_start_here")
    quiz.choose("b")
    assert quiz.check().correct
    assert "could not be saved" in quiz.feedback_text


# Pictographs that may need an emoji font (the U+2600-27BF symbol blocks, the U+1F000 planes, and
# the variation selector that turns a symbol into emoji); a browser without one paints a box. This
# also refuses the few dingbats common fonts do have (U+2713 in DejaVu Sans): the widget draws SVG.
EMOJI = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")


def _answers(item: dict):
    """A wrong and a right answer to any item, in the shapes Quiz.choose takes."""
    options, kind = item["options"], item["type"]
    if kind == "single":
        return (next(o["id"] for o in options if not o.get("correct")),
                next(o["id"] for o in options if o.get("correct")))
    if kind == "multiple":
        return [o["id"] for o in options], [o["id"] for o in options if o.get("correct")]
    if kind == "order":
        return [o["id"] for o in reversed(options)], [o["id"] for o in options]
    other = {c["id"]: next(d["id"] for d in item["categories"] if d["id"] != c["id"])
             for c in item["categories"]}
    return ({o["id"]: other[o["category"]] for o in options},
            {o["id"]: o["category"] for o in options})


def _every_feedback(item: dict) -> list[str]:
    """The feedback HTML of one item with no answer, a wrong answer and a right answer."""
    quiz = Quiz(item, "any", record=False)
    wrong, right = _answers(item)
    shown = []
    for answer in (None, wrong, right):
        if answer is not None:
            quiz.choose(answer)
        quiz.check()
        shown.append(quiz.feedback.value + quiz.explanation.value)
    return shown


def test_no_quiz_shows_an_emoji_a_browser_may_lack_a_font_for():
    found = []
    for section, bank in all_banks().items():
        for item in bank["items"]:
            for shown in _every_feedback(item):
                found += [f"{section}/{item['id']}: {ch!r}" for ch in EMOJI.findall(shown)]
    assert found == []


@pytest.mark.parametrize("item", [SINGLE, MULTIPLE, ORDER, CLASSIFY], ids=lambda i: i["type"])
def test_feedback_carries_an_svg_icon_and_the_words(item):
    no_answer, wrong, right = _every_feedback(item)
    assert 'data-icon="info"' in no_answer and "Answer first" in no_answer
    assert 'data-icon="wrong"' in wrong and "Not quite" in wrong
    assert 'data-icon="correct"' in right and "Correct" in right
    assert all("<svg" in shown and 'aria-hidden="true"' in shown for shown in (wrong, right))
