"""The summary notebook's helpers must work with an empty progress file (a new learner, and every
test) and with a filled one; the quiz items of sections 03-05 must judge right and wrong."""

from __future__ import annotations

import matplotlib
import pytest

from ownit.learner import progress
from ownit.learner.lessons import summary
from ownit.learner.quiz import Quiz, all_banks

matplotlib.use("Agg")

MY_SECTIONS = ["03_blameless_postmortems", "04_bus_factor", "05_summary"]


def test_empty_progress_file_is_handled_kindly(progress_file):
    assert not progress_file.exists()
    table = summary.progress_table()
    assert table["tried"].sum() == 0 and table["items"].sum() > 0
    assert "Nothing recorded yet" in summary.progress_message(table)
    assert summary.plot_progress(table) is None, "no chart of empty bars for a new learner"
    assert summary.missed_earlier() == []
    review = [i["id"] for i in all_banks()["05_summary"]["items"]]
    assert summary.review_order([]) == review
    deck = summary.ReviewDeck([], empty="nothing")
    assert deck.back.disabled and deck.forward.disabled and "nothing" in deck.label.value


def test_filled_progress_file_puts_missed_scenarios_first(progress_file):
    progress.record_attempt("03_blameless_postmortems", "the_witch_hunt", False, "blame_library")
    progress.record_attempt("03_blameless_postmortems", "the_witch_hunt", True, "own_fix_prevent")
    progress.record_attempt("04_bus_factor", "the_hero", True, "share_and_automate")
    progress.record_attempt("05_summary", "review_the_mentor", False, "fix_myself")
    table = summary.progress_table().set_index("section")
    assert table.loc["03_blameless_postmortems", ["tried", "correct", "first_try"]].tolist() \
        == [1, 1, 0]
    assert table.loc["04_bus_factor", "first_try"] == 1
    assert "tried 3 of" in summary.progress_message(table.reset_index())
    missed = summary.missed_earlier()
    assert missed == ["the_witch_hunt"]  # review items never count as earlier misses
    order = summary.review_order(missed)
    assert order[0] == "review_the_witch_hunt" and len(order) == 12
    assert summary.review_order(missed, ["review_the_hero", "review_the_witch_hunt"]) == [
        "review_the_witch_hunt", "review_the_hero"]
    fig = summary.plot_progress(table.reset_index())
    ax = fig.axes[0]
    assert ax.get_title() == "Your quiz progress per section"
    assert len(ax.texts) == 0, "no label drawn over the bars"
    legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend.y1 < ax.get_window_extent(fig.canvas.get_renderer()).y0, "legend below the axes"


def test_review_covers_every_scenario_once():
    items = all_banks()["05_summary"]["items"]
    assert sorted(summary.scenario_of(i) for i in items) == sorted(summary.SCENARIOS)
    assert all(i["id"].startswith("review_") for i in items)


@pytest.mark.parametrize(("item_id", "name"), [
    ("the_witch_hunt", "The Witch Hunt"), ("the_root_cause", "The Root Cause"),
    ("the_follow_up", "The Follow-up"), ("the_gatekeeper", "The Gatekeeper"),
    ("the_mentor", "The Mentor"), ("the_hero", "The Hero"),
])
def test_scenario_items_name_their_scenario(item_id, name):
    items = {i["id"]: i for s in MY_SECTIONS for i in all_banks()[s]["items"]}
    assert name in items[item_id]["scenario"]


def test_deck_moves_and_clamps(progress_file):
    deck = summary.ReviewDeck(["review_the_cowboy", "review_the_hero"], record=False)
    assert deck.back.disabled and not deck.forward.disabled
    deck.show(5)
    assert deck.position == 1 and deck.forward.disabled and "2 of 2" in deck.label.value


def right_and_wrong(item):
    """A right answer and a plausible wrong one, in the shapes Quiz.choose takes."""
    options = item["options"]
    kind = item["type"]
    if kind == "single":
        right = next(o["id"] for o in options if o.get("correct"))
        return right, next(o["id"] for o in options if not o.get("correct"))
    if kind == "multiple":
        right = sorted(o["id"] for o in options if o.get("correct"))
        return right, right[:-1]
    if kind == "order":
        right = [o["id"] for o in options]
        return right, right[1:] + right[:1]
    right = {o["id"]: o["category"] for o in options}
    first = options[0]["id"]
    other = next(c["id"] for c in item["categories"] if c["id"] != right[first])
    return right, {**right, first: other}


@pytest.mark.parametrize("item", [i for s in MY_SECTIONS for i in all_banks()[s]["items"]],
                         ids=lambda i: i["id"])
def test_quiz_items_judge_right_and_wrong(item, progress_file):
    right, wrong = right_and_wrong(item)
    quiz = Quiz(item, "test", record=False)
    quiz.choose(wrong)
    result = quiz.check()
    assert result is not None and not result.correct
    assert "Not quite" in quiz.feedback_text and len(quiz.feedback_text) > 40
    quiz.choose(right)
    assert quiz.check().correct and "Correct" in quiz.feedback_text
    assert item["explanation"] in quiz.explanation.value.replace("&#x27;", "'")
