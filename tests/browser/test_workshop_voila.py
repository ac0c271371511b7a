"""``ownit workshop`` in a real browser: Voila lists only the workshop pages, shows no code, and
a drill scenario plays to the end (its model play, investigation included) and shows its debrief
with the full score and icons that render without an emoji font. The drill starts and makes its
first move from the keyboard alone, and axe-core audits the drill's region while playing and at
the debrief (only the drill's subtree: Voila's page around it is not ours)."""

from __future__ import annotations

import json
import re
import sys
import time

from browser.conftest import audit, describe, free_port, running, server_env
from conftest import ROOT

SCENARIO = "bad_deploy"
QUIZZES = 17  # the ask(...) cells of course/workshop_quizzes.ipynb
# Pictographs and the emoji variation selector: empty boxes in a Chromium without an emoji font.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")


def _labels() -> tuple[str, list[str], int]:
    from ownit.instructor.drill import ACTIONS, Drill, score

    scenario = json.loads((ROOT / "course" / "drills" / f"{SCENARIO}.json").read_text())
    model = Drill(scenario)
    model.play(scenario["model_play"])
    return (scenario["title"], [ACTIONS[a].label for a in scenario["model_play"]],
            score(model).max_total)


def _icons_are_drawn(locator) -> None:
    icons = locator.locator("svg.ownit-icon")
    assert icons.count() > 0
    box = icons.first.bounding_box()
    assert box is not None and box["width"] > 4 and box["height"] > 4, box


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.innerText.trim()")


def _tab_to(page, label: str, most: int = 40) -> None:
    """Press Tab until the focused element is the button reading ``label`` (if it is not
    already)."""
    for _ in range(most):
        if _focused(page) == label:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{most} presses of Tab never reached {label!r}")


def test_workshop_plays_a_drill_to_its_debrief(page, course_copy, tmp_path, axe_source):
    began = time.monotonic()
    port = free_port()
    args = [sys.executable, "-m", "ownit.cli", "workshop", "--port", str(port), "--no-browser"]
    base = f"http://127.0.0.1:{port}"
    title, moves, most = _labels()
    with running(args, env=server_env(course_copy, tmp_path / "home"), cwd=course_copy,
                 ready_url=f"{base}/voila/static/voila.js", log=tmp_path / "voila.log"):
        page.goto(base + "/")
        listing = page.locator("body")
        listing.get_by_text("incident_drill.ipynb").wait_for()
        assert "workshop_quizzes.ipynb" in listing.inner_text()
        assert "00_start_here" not in listing.inner_text()

        page.goto(f"{base}/voila/render/incident_drill.ipynb")
        page.locator(".ownit-drill-scenario select").first.select_option(label=title)
        # From the keyboard: Tab from the scenario menu to Start, Enter; Tab to the first move of
        # the model play, Space. The rest is played with the mouse.
        page.locator(".ownit-drill-scenario select").first.focus()
        _tab_to(page, "Start the drill")
        page.keyboard.press("Enter")
        drill = page.locator(".ownit-drill").first
        feedback = drill.locator(".ownit-drill-feedback")
        feedback.get_by_text("You have been paged").wait_for()
        _icons_are_drawn(feedback)
        page.wait_for_function("() => document.activeElement.matches('.ownit-drill-action')")
        first = drill.locator(".ownit-drill-action").first.inner_text().strip()
        assert _focused(page) == first, "the focus moves from the hidden picker to the first move"
        violations = audit(page, ".ownit-drill")
        assert violations == [], "while playing:\n" + describe(violations)
        for n, label in enumerate(moves):
            before = feedback.inner_text()
            if n == 0:
                _tab_to(page, label)
                page.keyboard.press("Space")
            else:
                drill.locator(".ownit-drill-action", has_text=label).click()
            page.wait_for_function("([el, old]) => el.innerText !== old",
                                   arg=[feedback.element_handle(), before])
        score = drill.locator(".ownit-drill-score")
        score.get_by_text(f"Score: {most} / {most}.").wait_for()
        page.screenshot(path=tmp_path / "debrief.png", full_page=True)  # to look at on a failure
        debrief = drill.locator(".ownit-drill-debrief")
        assert debrief.is_visible()
        assert "Post-mortem draft" in debrief.inner_text()
        assert "Time to a lasting mitigation" in score.inner_text()
        assert "Root cause found" in score.inner_text()
        _icons_are_drawn(score)
        _icons_are_drawn(debrief)
        assert not EMOJI.search(drill.inner_text()), EMOJI.findall(drill.inner_text())
        assert "from ownit.instructor.drill import" not in page.content(), \
            "Voila must not show code"
        assert debrief.get_by_role("textbox", name="Draft").input_value().startswith(
            "# Post-mortem"), "the post-mortem box has a label of its own"
        violations = audit(page, ".ownit-drill")
        assert violations == [], "at the debrief:\n" + describe(violations)
        drill.locator(".ownit-drill-again").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.matches('.ownit-drill-scenario *')")

        # The workshop's quiz page: every kind of item it holds (an order and a classify item
        # among single choices), audited after Check on each.
        page.goto(f"{base}/voila/render/workshop_quizzes.ipynb")
        quizzes = page.locator(".ownit-quiz")
        quizzes.nth(QUIZZES - 1).wait_for()
        assert quizzes.count() == QUIZZES
        for n in range(QUIZZES):
            quizzes.nth(n).locator(".ownit-check").click()
        page.locator(".ownit-feedback", has_text="Answer first").nth(QUIZZES - 1).wait_for()
        classify = quizzes.filter(has_text="Blameless or blameful?")
        menus = classify.locator("select")
        assert menus.count() > 2 and classify.get_by_label(re.compile(r"^\d+\. \w")).count() \
            == menus.count(), "each statement's drop-down is labelled by the statement"
        classify.screenshot(path=tmp_path / "classify.png")  # to look at on a failure
        violations = audit(page, ".ownit-quiz")
        assert violations == [], "workshop quizzes:\n" + describe(violations)
    assert time.monotonic() - began < 60
