"""Every page of the hostile cohort's run, opened in Chromium: no script of a student runs.

The feedback pages and the report as written, and each autograded notebook rendered the way
formgrader renders it (nbconvert's HTML exporter, which would run any script left in it)."""

from __future__ import annotations

import nbformat
from nbconvert import HTMLExporter


def _owned(context, html: str) -> bool:
    """Whether a script in ``html`` ran, in a fresh page (a page keeps the CSP it once read)."""
    page = context.new_page()
    try:
        page.set_content(html, wait_until="load")
        page.wait_for_timeout(50)
        return bool(page.evaluate("() => window.__owned || document.title === 'owned'"))
    finally:
        page.close()


def test_no_student_script_runs_in_any_page_an_instructor_or_learner_opens(hostile_run, page,
                                                                          tmp_path):
    out, course = hostile_run["out"], hostile_run["course"]
    pages = [out / "report.html", *sorted((out / "feedback").rglob("*.html"))]
    exporter = HTMLExporter(template_name="lab")
    for notebook in sorted((course / "autograded").rglob("*.ipynb")):
        if notebook.stat().st_size > 2 * 2**20:
            continue  # the huge-source case: its size is checked elsewhere
        body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
        rendered = tmp_path / f"{notebook.parent.parent.name}-{notebook.stem}.html"
        rendered.write_text(body)
        pages.append(rendered)
    assert len(pages) > 40
    ran = [path.name for path in pages if _owned(page.context, path.read_text(encoding="utf-8"))]
    assert ran == [], f"student script ran in {ran}"
    # The check can fail: the same student script, left in a page, does run.
    assert _owned(page.context, "<img src=x onerror=\"window.__owned = 1\">")
