"""JupyterLab in a real browser: open a course notebook, run every cell, answer the quiz wrongly
(with the mouse) and then rightly (with the keyboard alone), read the feedback, and look at the
icon beside it: it must really paint in a browser that has no emoji font (as this one). Then
axe-core audits the quiz (only its own subtree: JupyterLab's page around it is not ours)."""

from __future__ import annotations

import io
import sys
import time

from PIL import Image

from browser.conftest import audit, describe, free_port, running, server_env, write_lab_settings
from ownit.learner.start import lab_command

WRONG = "It is QA's turn now"
RIGHT = "The part of the job that matters to users is starting"
# The icons' fill colours (ownit/learner/quiz/icons.py) and the white of the mark drawn on them.
FILL = {"wrong": (0xc6, 0x28, 0x28), "correct": (0x2e, 0x7d, 0x32)}
WHITE = (255, 255, 255)


def _share_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 40) -> float:
    counts = image.getcolors(image.width * image.height)  # [(count, (r, g, b)), ...]
    near = sum(n for n, rgb in counts
               if all(abs(a - b) <= tolerance for a, b in zip(rgb, colour, strict=True)))
    return near / (image.width * image.height)


def _assert_icon_painted(feedback, name: str, shot) -> None:
    """The feedback's icon is an SVG with a size, and its pixels show the fill and the white mark
    (an emoji without a font paints an empty box in the text colour instead)."""
    svg = feedback.locator(f"svg.ownit-icon[data-icon={name}]")
    box = svg.bounding_box()
    assert box and box["width"] >= 10 and box["height"] >= 10, f"{name} icon has no size: {box}"
    image = Image.open(io.BytesIO(svg.screenshot(path=shot))).convert("RGB")
    colours = image.getcolors(image.width * image.height)
    assert len(colours) > 2, f"{name} icon painted one flat colour"
    assert _share_near(image, FILL[name]) > 0.3, f"{name} icon's fill did not paint"
    assert _share_near(image, WHITE) > 0.05, f"{name} icon's mark did not paint"


def test_lab_runs_the_start_notebook_and_the_quiz_answers(page, course_copy, tmp_path,
                                                           axe_source):
    began = time.monotonic()
    home = tmp_path / "home"
    write_lab_settings(home / "lab-settings")
    port, token = free_port(), "ownit-browser-test"
    args = lab_command(course_copy, port=port, browser=False, token=token)
    args.append("--LabApp.expose_app_in_browser=True")
    assert args[0] == sys.executable
    base = f"http://127.0.0.1:{port}"
    with running(args, env=server_env(course_copy, home), cwd=course_copy,
                 ready_url=f"{base}/api/status?token={token}", log=tmp_path / "lab.log"):
        page.goto(f"{base}/lab/tree/course/00_start_here.ipynb?token={token}")
        # The execution indicator reads idle while the kernel is still starting; the status
        # bar's kernel text does not.
        page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=45_000)
        # Fire and forget: an awaited command promise has no timeout of its own.
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        quiz = page.locator(".ownit-quiz").first
        quiz.wait_for()
        feedback = quiz.locator(".ownit-feedback")

        quiz.get_by_text(WRONG).click()
        quiz.locator(".ownit-check").click()
        page.wait_for_function(
            "el => el.innerText.includes('Not quite')", arg=feedback.element_handle())
        text = feedback.inner_text()
        assert text.startswith("Not quite") and "Try again" in text
        _assert_icon_painted(feedback, "wrong", tmp_path / "icon-wrong.png")
        feedback.screenshot(path=tmp_path / "feedback-wrong.png")  # for a person to look at

        # Now with keys: Space chooses the focused option, Tab goes on to Check (through the
        # options after it: ipywidgets' radio buttons share no name, so each is a Tab stop and
        # arrows do not move between them), and Enter on Check checks.
        assert RIGHT in quiz.locator("label").filter(has=page.locator("input")).nth(1) \
            .inner_text(), "the seeded shuffle puts the right answer second"
        radios = quiz.locator("input[type=radio]")
        radios.nth(1).focus()
        page.keyboard.press("Space")
        for n in range(2, radios.count()):
            page.keyboard.press("Tab")
            assert radios.nth(n).evaluate("el => el === document.activeElement"), \
                f"Tab goes on to option {n + 1}"
        page.keyboard.press("Tab")
        assert quiz.locator(".ownit-check").evaluate("el => el === document.activeElement"), \
            "Tab after the last option reaches Check"
        assert radios.nth(1).is_checked(), "Tab leaves the chosen answer chosen"
        page.keyboard.press("Enter")
        page.wait_for_function(
            "el => el.innerText.includes('Correct')", arg=feedback.element_handle())
        assert feedback.inner_text().startswith("Correct")
        _assert_icon_painted(feedback, "correct", tmp_path / "icon-correct.png")
        feedback.screenshot(path=tmp_path / "feedback-correct.png")
        assert "Why:" in quiz.inner_text(), "the explanation follows a right answer"
        quiz.screenshot(path=tmp_path / "quiz.png")
        violations = audit(page, ".ownit-quiz")
        assert violations == [], describe(violations)
    assert (home / "progress.json").exists(), "the kernel recorded both attempts"
    assert time.monotonic() - began < 60
