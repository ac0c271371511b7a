"""The hostile cohort's static pages under an accessibility audit, and from the keyboard.

axe-core (WCAG 2 A and AA, serious and critical violations) audits one feedback page of an
honest full, a blank and a hostile submission, and ``report.html``. Then, in a window 400 px
wide, the page must not scroll sideways, Tab walks it (every element that takes focus is reached
in document order and shows a focus outline), and a table wider than the window scrolls with the
arrow keys.
"""

from __future__ import annotations

import re

import pytest

from browser.conftest import audit, describe

# The feedback template's Content-Security-Policy (autograder/templates/feedback.html.j2).
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?')
FEEDBACK = {
    "honest-full": "a full, honest submission",
    "honest-blank": "a blank submission",
    "rich-output-script": "a hostile one: scripts in its outputs, Markdown and attachments",
}
# What takes focus on a static page, in the order Tab should reach it.
FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"
NARROW = 400


def _without_csp(html: str) -> str:
    """The page minus its CSP meta. The CSP (default-src 'none') blocks the inline <script> that
    Playwright's add_script_tag inserts, so axe-core cannot run in the page as written; the audit
    reads a copy without the meta, which is otherwise the same page (test_csp_blocks_...)."""
    stripped, found = CSP_META.subn("", html, count=1)
    assert found == 1, "the feedback page lost its Content-Security-Policy meta"
    return stripped


def _feedback_page(out, student: str):
    found = sorted((out / "feedback" / student).rglob("*.html"))
    assert found, f"no feedback page for {student}"
    return found[0]


def _keyboard(page) -> tuple[int, int]:
    """In a narrow window (400 px, a phone or a zoomed page): the page does not scroll sideways,
    Tab reaches every focusable element in document order, each shows a focus outline, and a
    table region wider than the window scrolls with the arrow keys. Returns how many elements
    took focus and how many of them were scrolled."""
    page.set_viewport_size({"width": NARROW, "height": 900})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW, f"the page scrolls sideways at {NARROW} px: {width} px wide"
    expected = page.eval_on_selector_all(
        FOCUSABLE, "els => els.filter(e => !e.disabled && e.offsetParent !== null)"
                   ".map(e => [...document.querySelectorAll('*')].indexOf(e))")
    page.locator("body").focus()
    seen = []
    for _ in expected:
        page.keyboard.press("Tab")
        seen.append(page.evaluate("""() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return {index: [...document.querySelectorAll('*')].indexOf(el), tag: el.tagName,
                    name: el.getAttribute('aria-labelledby') || el.textContent.slice(0, 30),
                    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
                    wide: el.scrollWidth > el.clientWidth};
        }"""))
    assert [stop["index"] for stop in seen] == expected, f"focus order: {seen}"
    faint = [stop for stop in seen if stop["outline"] < 2]
    assert faint == [], f"no visible focus outline on {faint}"
    for stop in seen:
        if stop["wide"]:
            region = page.locator("*").nth(stop["index"])
            region.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    return len(seen), sum(stop["wide"] for stop in seen)


@pytest.mark.parametrize("student", list(FEEDBACK))
def test_feedback_pages_pass_the_audit_and_work_from_the_keyboard(hostile_run, page, axe_source,
                                                                 student):
    html = _feedback_page(hostile_run["out"], student).read_text(encoding="utf-8")
    page.set_content(_without_csp(html), wait_until="load")
    violations = audit(page)
    assert violations == [], f"{FEEDBACK[student]}:\n{describe(violations)}"
    focused, _ = _keyboard(page)
    assert focused >= 1, "the table of parts takes focus"


def test_csp_blocks_the_injected_audit_so_the_copy_without_it_is_audited(hostile_run, page,
                                                                        axe_source):
    """Why the audit reads a copy: in the page as written, the CSP stops axe-core loading."""
    html = _feedback_page(hostile_run["out"], "honest-full").read_text(encoding="utf-8")
    page.set_content(html, wait_until="load")
    with pytest.raises(RuntimeError, match="could not be injected.*Content Security Policy"):
        audit(page)


def test_the_audit_can_fail(page, axe_source):
    """A page with an image without alt text and grey-on-grey text fails; ``context`` keeps the
    audit to one subtree."""
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><div id="ok">'
                     '<p>Fine.</p></div><div id="bad"><img src="data:image/png;base64,iVBORw0KG'
                     'go="><p style="color:#aaa;background:#bbb">faint</p></div></main></html>')
    found = {v["id"] for v in audit(page)}
    assert {"image-alt", "color-contrast"} <= found, found
    assert audit(page, "#ok") == []


def test_report_passes_the_audit_and_works_from_the_keyboard(hostile_run, page, axe_source):
    page.set_content((hostile_run["out"] / "report.html").read_text(encoding="utf-8"),
                     wait_until="load")
    violations = audit(page)
    assert violations == [], describe(violations)
    focused, scrolled = _keyboard(page)
    assert focused == 2, "both tables (who needs attention, every submission) take focus"
    assert scrolled >= 1, "the table of every submission is wider than 400 px and scrolls"
