"""The debrief: timeline table and chart, lessons, and a blameless post-mortem draft that says
only what the drill found."""

from __future__ import annotations

import re

import matplotlib
import pytest

from ownit.instructor.drill import Drill, debrief, get_scenario, plot, scenarios

matplotlib.use("Agg")

# No acknowledgement, a hand edit, then the rollback; nobody looks for the root cause.
BAD_PLAY = ["check_logs", "hotfix_by_hand", "roll_back", "resolve"]


def _debriefed(scenario_id: str, moves: list[str] | None = None):
    drill = Drill(get_scenario(scenario_id))
    drill.play(drill.scenario["model_play"] if moves is None else moves)
    return drill, debrief(drill)


@pytest.fixture
def bad():
    return _debriefed("bad_deploy", BAD_PLAY)


def test_timeline_table_has_typed_columns_in_time_order(bad):
    drill, result = bad
    frame = result.timeline
    assert list(frame.columns) == ["time (UTC)", "minute", "who", "what", "error rate %",
                                   "customers affected"]
    assert str(frame["what"].dtype) == "string"
    assert frame["minute"].is_monotonic_increasing
    assert frame["time (UTC)"].iloc[0] == "13:58" and frame["minute"].iloc[0] == -4


def test_chart_has_a_title_and_the_error_rate(bad):
    drill, _ = bad
    fig = plot(drill)
    ax = fig.axes[0]
    assert "Checkout errors after build 412" in ax.get_title()
    labels = ax.get_legend_handles_labels()[1]
    assert "error rate" in labels and "hand edit on production" in labels


def test_lessons_split_into_went_well_and_to_change(bad):
    _, result = bad
    assert any("by hand" in x for x in result.to_change)
    assert any("never acknowledged" in x for x in result.to_change)
    assert any("root cause was not found" in x for x in result.to_change)
    assert any("fix that holds" in x for x in result.went_well)


@pytest.mark.parametrize("scenario_id", sorted(scenarios()))
def test_what_went_well_does_not_repeat_the_score(scenario_id):
    _, result = _debriefed(scenario_id)
    reasons = {c.reason for c in result.score.criteria}
    assert result.went_well and not reasons & set(result.went_well)
    section = result.postmortem.split("**What went well**")[1].split("**What went wrong**")[0]
    assert not any(reason in section for reason in reasons)


def test_postmortem_has_the_template_sections_and_action_items():
    _, result = _debriefed("bad_deploy", ["acknowledge", "hotfix_by_hand", "roll_back",
                                          "check_logs", "dig_root_cause", "dig_root_cause",
                                          "resolve"])
    text = result.postmortem
    for section in ("## Summary", "## Impact", "## Trigger", "## Root cause", "## Detection",
                    "## Resolution", "## Action items", "## Lessons learned",
                    "**Where we got lucky**", "## Timeline (UTC)"):
        assert section in text, section
    rows = [line for line in text.splitlines() if re.match(r"\| P[123] \|", line)]
    assert len(rows) >= 3 and all("| to file |" in r for r in rows)
    assert any("SSH" in r for r in rows), "a cowboy move adds a process action item"


@pytest.mark.parametrize("scenario_id", sorted(scenarios()))
def test_a_found_root_cause_is_in_the_postmortem_with_its_five_whys(scenario_id):
    drill, result = _debriefed(scenario_id)
    pm = drill.scenario["postmortem"]
    assert drill.root_cause_found
    assert pm["root_cause"] in result.postmortem and "Five whys:" in result.postmortem
    assert f"{len(pm['five_whys'])}. {pm['five_whys'][-1]}" in result.postmortem
    assert "not found in the drill" not in result.postmortem


@pytest.mark.parametrize("scenario_id", sorted(scenarios()))
def test_a_root_cause_nobody_found_is_not_in_the_postmortem(scenario_id):
    drill, result = _debriefed(scenario_id, [m for m in get_scenario(scenario_id)["model_play"]
                                             if m != "dig_root_cause"])
    pm, text = drill.scenario["postmortem"], result.postmortem
    assert not drill.root_cause_found
    assert "Root cause not found in the drill" in text
    assert pm["root_cause"] not in text and "Five whys:" not in text
    assert not any(why in text for why in pm["five_whys"])
    assert not any(item["what"] in text for item in pm["action_items"]
                   if item["type"] == "prevent"), "prevent items rest on the root cause"
    assert "Finish the root-cause investigation" in text


def test_the_summary_names_the_service_properly():
    _, result = _debriefed("db_pool_exhausted")
    summary = result.postmortem.split("## Summary\n")[1]
    assert summary.startswith("Orders API failed") and "Orders api" not in result.postmortem


@pytest.mark.parametrize("restarts, words", [(1, "A band-aid gave way once,"),
                                             (2, "A band-aid gave way twice,")])
def test_relapses_are_counted_in_english(restarts, words):
    # Each restart on the leak buys 45 minutes; the play waits for it to give way.
    moves = ["acknowledge", "restart", "resolve"] * restarts + ["restart", "ask_for_help",
                                                               "dig_root_cause",
                                                               "dig_root_cause", "ship_fix",
                                                               "resolve"]
    drill, result = _debriefed("image_leak", moves)
    assert len(drill.relapses) == restarts
    assert words in result.postmortem and "time(s)" not in result.postmortem


def test_a_lower_severity_is_a_lesson():
    _, result = _debriefed("bad_deploy", ["acknowledge", "declare_sev3", "roll_back", "resolve"])
    assert any("declared SEV-3, below the SEV-2" in x for x in result.to_change)


@pytest.mark.parametrize("scenario_id", sorted(scenarios()))
def test_postmortem_is_blameless(scenario_id):
    drill = Drill(get_scenario(scenario_id))
    drill.play(["check_logs", "hotfix_by_hand", "restart", "roll_back", "page_team", "resolve"])
    text = debrief(drill).postmortem
    timeline = text.split("## Timeline (UTC)")[1]
    assert not re.search(r"\b(you|your|kevin|fault|blame[sd]?)\b", timeline, re.IGNORECASE)
    assert not re.search(r"\b(careless|stupid|should have known)\b", text, re.IGNORECASE)
    lessons = text.split("## Lessons learned")[1].split("## Timeline")[0]
    assert not re.search(r"\b(you|your)\b", lessons, re.IGNORECASE)
