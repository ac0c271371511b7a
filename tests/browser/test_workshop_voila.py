"""``ownit workshop`` in a real browser: Voila lists only the workshop pages, shows no code, and
a drill scenario plays to the end and shows its debrief with the score."""

from __future__ import annotations

import json
import sys
import time

from browser.conftest import free_port, running, server_env
from conftest import ROOT

SCENARIO = "bad_deploy"


def _labels() -> list[str]:
    from ownit.drill import ACTIONS

    scenario = json.loads((ROOT / "course" / "drills" / f"{SCENARIO}.json").read_text())
    return scenario["title"], [ACTIONS[a].label for a in scenario["model_play"]]


def test_workshop_plays_a_drill_to_its_debrief(page, course_copy, tmp_path):
    began = time.monotonic()
    port = free_port()
    args = [sys.executable, "-m", "ownit.cli", "workshop", "--port", str(port), "--no-browser"]
    base = f"http://127.0.0.1:{port}"
    title, moves = _labels()
    with running(args, env=server_env(course_copy, tmp_path / "home"), cwd=course_copy,
                 ready_url=f"{base}/voila/static/voila.js", log=tmp_path / "voila.log"):
        page.goto(base + "/")
        listing = page.locator("body")
        listing.get_by_text("incident_drill.ipynb").wait_for()
        assert "workshop_quizzes.ipynb" in listing.inner_text()
        assert "00_start_here" not in listing.inner_text()

        page.goto(f"{base}/voila/render/incident_drill.ipynb")
        page.locator(".ownit-drill-scenario select").first.select_option(label=title)
        page.locator(".ownit-drill-start").first.click()
        drill = page.locator(".ownit-drill").first
        feedback = drill.locator(".ownit-drill-feedback")
        feedback.get_by_text("You have been paged").wait_for()
        for label in moves:
            before = feedback.inner_text()
            drill.locator(".ownit-drill-action", has_text=label).click()
            page.wait_for_function("([el, old]) => el.innerText !== old",
                                   arg=[feedback.element_handle(), before])
        score = drill.locator(".ownit-drill-score")
        score.get_by_text("Score: 100 / 100").wait_for()
        debrief = drill.locator(".ownit-drill-debrief")
        assert debrief.is_visible()
        assert "Post-mortem draft" in debrief.inner_text()
        assert "Time to mitigate" in score.inner_text()
        assert "from ownit.drill import" not in page.content(), "Voila must not show code"
    assert time.monotonic() - began < 60
