"""JupyterLab in a real browser: open a course notebook, run every cell, answer the quiz wrongly
(with the mouse) and then rightly (with the keyboard alone), and read the feedback."""

from __future__ import annotations

import sys
import time

from browser.conftest import free_port, running, server_env, write_lab_settings
from ownit.lab import lab_command

WRONG = "It is QA's turn now"
RIGHT = "The part of the job that matters to users is starting"


def test_lab_runs_the_start_notebook_and_the_quiz_answers(page, course_copy, tmp_path):
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
        assert "❌" in feedback.inner_text() and "Try again" in feedback.inner_text()

        # Now with keys: Space chooses the focused option, Enter on the focused Check checks.
        assert RIGHT in quiz.locator("label").filter(has=page.locator("input")).nth(1) \
            .inner_text(), "the seeded shuffle puts the right answer second"
        quiz.locator("input[type=radio]").nth(1).focus()
        page.keyboard.press("Space")
        quiz.locator(".ownit-check").focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "el => el.innerText.includes('Correct')", arg=feedback.element_handle())
        assert "✅" in feedback.inner_text()
        assert "Why:" in quiz.inner_text(), "the explanation follows a right answer"
    assert (home / "progress.json").exists(), "the kernel recorded both attempts"
    assert time.monotonic() - began < 60
