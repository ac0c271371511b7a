"""The drill widget, driven through its Python API and its buttons' click(): no browser."""

from __future__ import annotations

import re

import pytest

from ownit.instructor.drill import ACTIONS, play, score
from ownit.instructor.drill.scoring import Criterion, Score
from ownit.instructor.drill.widget import DrillApp, _html

# Pictographs and the emoji variation selector: they draw as empty boxes without an emoji font.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")


@pytest.fixture
def app():
    return play()


def test_widgets_carry_the_css_classes_a_browser_test_finds(app):
    assert "ownit-drill" in app._dom_classes
    assert "ownit-drill-scenario" in app.scenario_menu._dom_classes
    assert "ownit-drill-start" in app.start_button._dom_classes
    assert set(app.buttons) == set(ACTIONS)
    assert all("ownit-drill-action" in b._dom_classes for b in app.buttons.values())
    assert "ownit-drill-debrief" in app.debrief_box._dom_classes
    assert "ownit-drill-score" in app.score_box._dom_classes
    assert "ownit-feedback" in app.feedback._dom_classes


def test_start_shows_the_game_and_hides_the_picker(app):
    assert app.game.layout.display == "none"
    app.scenario_menu.value = "image_leak"
    app.start_button.click()
    assert app.drill.scenario["id"] == "image_leak"
    assert app.game.layout.display is None and app.picker.layout.display == "none"
    assert "09:40 UTC" in app.status.value
    assert app.role_menu.layout.display == "none", "solo play needs no role menu"


def test_playing_by_clicking_reaches_the_debrief_with_a_score(app):
    app.start("bad_deploy")
    for action in app.drill.scenario["model_play"]:
        app.buttons[action].click()
    assert app.drill.finished
    assert app.debrief_box.layout.display is None
    result = score(app.drill)
    assert f"Score: {result.max_total} / {result.max_total}." in app.score_box.value
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in app.chart.value  # a PNG
    assert 'alt="Line chart of the error rate' in app.chart.value
    assert "error rate minute by minute" in app.chart_caption.value
    assert app.postmortem_box.value.startswith("# Post-mortem (draft)")
    assert all(b.disabled for b in app.buttons.values())


def test_feedback_is_in_words_with_an_icon(app):
    app.start("bad_deploy")
    app.buttons["hotfix_by_hand"].click()
    assert app.feedback_text.startswith("You SSH") and "typo" in app.feedback_text
    assert 'class="ownit-icon ownit-icon-warn"' in app.feedback.value
    assert 'aria-hidden="true"' in app.feedback.value, "the words carry the meaning"
    assert 'role="status"' in app.feedback.value


def test_stakeholder_news_reaches_the_feedback(app):
    app.start("bad_deploy")
    app.buttons["check_logs"].click()
    app.buttons["check_dashboards"].click()  # nobody acknowledged: the page escalates
    assert "Meanwhile:" in app.feedback_text and "engineering manager" in app.feedback_text
    assert "ownit-icon-news" in app.feedback.value


def _everything_shown(app) -> str:
    parts = [app.briefing, app.status, app.feedback, app.score_box, app.lessons,
             app.chart_caption, app.timeline_box]
    return "".join(w.value for w in parts)


@pytest.mark.parametrize("moves", [
    ["check_logs", "hotfix_by_hand", "restart", "roll_back", "resolve"],
    None,  # the model play
], ids=["bad play", "model play"])
def test_no_emoji_anywhere_in_the_widget(app, moves):
    app.start("bad_deploy")
    for action in moves or app.drill.scenario["model_play"]:
        app.act(action)
        assert not EMOJI.search(_everything_shown(app)), app.feedback.value
    assert app.drill.finished and "<svg" in app.score_box.value and "<svg" in app.lessons.value
    assert not EMOJI.findall(_everything_shown(app) + app.postmortem_box.value)


def test_the_score_box_reads_the_real_maximum():
    small = Score((Criterion("a", "acknowledge", "A", 9, 10, "Why a."),
                   Criterion("b", "mitigate", "B", 9, 10, "Why b.")))
    shown = _html("score", small, "The end.")
    assert "Score: 18 / 20." in shown and "/ 100" not in shown
    assert "ownit-icon-good" in shown, "90% is a good score whatever the maximum"
    low = Score((Criterion("a", "acknowledge", "A", 85, 200, "Why a."),))
    assert "ownit-icon-good" not in _html("score", low, "The end."), "85 of 200 is not"


def test_the_templates_escape_every_value():
    shown = _html("briefing", "<script>alert(1)</script>", "Tom & Jerry's <b>", "Solo.")
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "&amp;" in shown
    assert "&lt;b&gt;" in _html("feedback", "info", "x", ["<b>news</b>"])


def test_team_play_uses_the_role_menu(app):
    app.start("db_pool_exhausted", team=True)
    assert app.role_menu.layout.display is None
    app.act("acknowledge", "incident_commander")
    app.act("assign_roles", "incident_commander")
    app.role_menu.value = "incident_commander"
    app.buttons["restart"].click()
    assert app.feedback_text.startswith("Not your move")
    assert "ownit-icon-refused" in app.feedback.value
    app.role_menu.value = "operations"
    app.buttons["restart"].click()
    assert app.drill.moves[-1][1:] == ("restart", "operations")


def test_end_now_and_play_again(app):
    app.start("config_push")
    app.end_button.click()
    assert app.drill.finished and "facilitator ended" in app.score_box.value
    app.again_button.click()
    assert app.drill is None and app.picker.layout.display is None


def test_a_scenario_id_starts_at_once():
    app = DrillApp(scenario_id="image_leak")
    assert app.drill is not None and app.game.layout.display is None
