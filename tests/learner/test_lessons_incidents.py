"""The incident timeline matches the SRE book, and the drill's logic plays as notebook 02 says:
a good path and a bad path, with consequences after each choice and an outcome at the end."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from ownit.learner.lessons import incidents
from ownit.learner.lessons.incidents import DECISIONS, Drill, DrillWidget

GOOD_PATH = ["ack_and_say", "roll_back", "ask_db_team", "status_update"]
BAD_PATH = ["wait", "ssh_and_edit", "keep_reading", "say_nothing"]


def test_the_shakespeare_timeline_gives_the_books_durations():
    frame = incidents.timeline()
    since_onset = dict(zip(frame["stage"], frame["minutes_since_onset"], strict=True))
    assert since_onset["paged"] == 1
    assert since_onset["declared"] == 7
    assert since_onset["mitigated"] == 42
    assert since_onset["recovered"] == 66
    assert since_onset["closed"] == 96
    assert list(incidents.gaps(frame)["minutes"]) == [1, 6, 35, 24, 30]


def test_the_timeline_plot_has_a_title():
    fig = incidents.plot_timeline(incidents.timeline())
    assert fig.axes[0].get_title()


def test_the_steps_match_the_order_quiz():
    bank = json.loads((ROOT / "course/quizzes/02_incident_management.json").read_text())
    item = next(i for i in bank["items"] if i["id"] == "incident_steps_order")
    assert [o["id"] for o in item["options"]] == [step for step, _ in incidents.STEPS]


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.id)
def test_each_decision_has_three_choices_and_one_good_one(decision):
    assert len(decision.choices) == 3
    assert sum(c.good for c in decision.choices) == 1
    assert all(c.consequence and c.text for c in decision.choices)


def play(path: list[str]) -> Drill:
    drill = Drill()
    for choice_id in path:
        drill.choose(choice_id)
    return drill


def test_the_good_path_ends_in_19_minutes_with_nothing_to_revisit():
    outcome = play(GOOD_PATH).outcome()
    assert (outcome.impact_minutes, outcome.good_calls, outcome.missed_lessons) == (19, 4, [])
    assert outcome.summary.startswith("\u2705")


def test_the_bad_path_costs_over_an_hour_and_names_every_lesson():
    outcome = play(BAD_PATH).outcome()
    assert outcome.impact_minutes > 60
    assert outcome.good_calls == 0
    assert outcome.missed_lessons == [d.lesson for d in DECISIONS]
    assert outcome.summary.startswith("\u26a0")


def test_the_worst_path_costs_more_than_an_hour():
    worst = [max(d.choices, key=lambda c: c.minutes).id for d in DECISIONS]
    assert play(worst).outcome().impact_minutes > 60


def test_each_choice_returns_its_consequence_and_moves_on():
    drill = Drill()
    choice = drill.choose("wait")
    assert "five more minutes" in choice.consequence.lower()
    assert drill.current.id == "mitigate"


@pytest.mark.parametrize(("path", "message"), [
    (["no_such_choice"], "No choice"),
    (GOOD_PATH + ["ack_and_say"], "The drill is over"),
])
def test_bad_moves_raise_errors_that_say_what_to_do(path, message):
    drill = Drill()
    with pytest.raises(ValueError, match=message):
        for choice_id in path:
            drill.choose(choice_id)


def test_the_outcome_waits_for_the_last_decision():
    with pytest.raises(ValueError, match="not over"):
        play(GOOD_PATH[:2]).outcome()


def test_the_widget_plays_the_drill_in_words():
    widget = DrillWidget()
    assert widget.decide() is None
    assert "Pick one" in widget.feedback_text
    for choice_id in GOOD_PATH:
        widget.choices.value = choice_id
        widget.decide()
        assert widget.feedback_text.startswith("\u2705 Good call.")
    assert "19 minutes" in widget.debrief.value
    assert widget.decide_button.disabled

    widget.restart()
    assert widget.drill.made == [] and widget.debrief.value == ""
    widget.choices.value = BAD_PATH[0]
    widget.decide()
    assert widget.feedback_text.startswith("\u26a0\ufe0f Costly.")
    assert "Decision 2 of 4" in widget.situation.value
