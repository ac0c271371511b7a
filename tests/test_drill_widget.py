"""The drill widget, driven through its Python API and its buttons' click(): no browser."""

from __future__ import annotations

import pytest

from ownit.drill import ACTIONS, play
from ownit.drill.widget import DrillApp


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
    assert "Score: 100 / 100" in app.score_box.value
    assert app.chart.value[:4] == b"\x89PNG"
    assert "error rate minute by minute" in app.chart_caption.value
    assert app.postmortem_box.value.startswith("# Post-mortem (draft)")
    assert all(b.disabled for b in app.buttons.values())


def test_feedback_is_in_words_with_an_icon(app):
    app.start("bad_deploy")
    app.buttons["hotfix_by_hand"].click()
    assert app.feedback_text.startswith("⚠️") and "typo" in app.feedback_text
    assert 'role="status"' in app.feedback.value


def test_stakeholder_news_reaches_the_feedback(app):
    app.start("bad_deploy")
    app.buttons["dig_root_cause"].click()
    assert "🔔" in app.feedback_text and "engineering manager" in app.feedback_text


def test_team_play_uses_the_role_menu(app):
    app.start("db_pool_exhausted", team=True)
    assert app.role_menu.layout.display is None
    app.act("acknowledge", "incident_commander")
    app.act("assign_roles", "incident_commander")
    app.role_menu.value = "incident_commander"
    app.buttons["restart"].click()
    assert app.feedback_text.startswith("⛔ Not your move")
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
