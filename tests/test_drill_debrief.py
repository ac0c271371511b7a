"""The debrief: timeline table and chart, lessons, and a blameless post-mortem draft."""

from __future__ import annotations

import re

import matplotlib
import pytest

from ownit.drill import Drill, debrief, get_scenario, plot, scenarios

matplotlib.use("Agg")

BAD_PLAY = ["check_logs", "dig_root_cause", "hotfix_by_hand", "ship_fix", "resolve"]


@pytest.fixture
def bad():
    drill = Drill(get_scenario("bad_deploy"))
    drill.play(BAD_PLAY)
    return drill, debrief(drill)


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
    assert any("healthy service" in x for x in result.went_well)


def test_postmortem_has_the_template_sections_and_action_items(bad):
    _, result = bad
    text = result.postmortem
    for section in ("## Summary", "## Impact", "## Trigger", "## Root cause", "## Detection",
                    "## Resolution", "## Action items", "## Lessons learned",
                    "**Where we got lucky**", "## Timeline (UTC)"):
        assert section in text, section
    rows = [line for line in text.splitlines() if re.match(r"\| P[123] \|", line)]
    assert len(rows) >= 3 and all("| to file |" in r for r in rows)
    assert any("SSH" in r for r in rows), "a cowboy move adds a process action item"
    assert "Five whys:" in text and "5. Why" in text


@pytest.mark.parametrize("scenario_id", sorted(scenarios()))
def test_postmortem_is_blameless(scenario_id):
    drill = Drill(get_scenario(scenario_id))
    drill.play(["check_logs", "hotfix_by_hand", "restart", "roll_back", "page_team", "resolve"])
    text = debrief(drill).postmortem
    timeline = text.split("## Timeline (UTC)")[1]
    assert not re.search(r"\b(you|your|kevin|fault|blame[sd]?)\b", timeline, re.IGNORECASE)
    assert not re.search(r"\b(careless|stupid|should have known)\b", text, re.IGNORECASE)
