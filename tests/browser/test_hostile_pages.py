"""Every page of the hostile cohort's run, opened in Chromium: no script of a student runs.

The feedback pages and the report as written, and each autograded notebook rendered the way
formgrader renders it (nbconvert's HTML exporter, which would run any script left in it)."""

from __future__ import annotations

import nbformat
from nbconvert import HTMLExporter


def _owned(page) -> bool:
    return bool(page.evaluate("() => window.__owned || document.title === 'owned'"))


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
    ran = []
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_timeout(50)
        if _owned(page):
            ran.append(path.name)
    assert ran == [], f"student script ran in {ran}"
    # The check can fail: a page with a script does set the marker.
    probe = tmp_path / "probe.html"
    probe.write_text("<script>window.__owned = 1</script>")
    page.goto(probe.as_uri())
    assert _owned(page)
