"""The cohort report: one self-contained HTML page with the plots an instructor needs."""

from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

ATTENTION_BELOW = 0.5  # share of the auto-graded points under which a student needs a look


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _figure(title: str, alt: str, fig) -> str:
    return (f"<figure><img alt=\"{html.escape(alt)}\" src=\"data:image/png;base64,{_png(fig)}\">"
            f"<figcaption>{html.escape(title)}</figcaption></figure>")


def _table(name: str, caption: str, header: list[str], rows: list[list]) -> str:
    """A table in a region that scrolls sideways when it is wider than the window (the page
    itself then reflows): the region takes focus so that arrow keys can scroll it, and is named
    by the table's caption (whose id is ``name``)."""
    head = "".join(f'<th scope="col">{html.escape(str(h))}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (f'<div class="scroll" role="region" tabindex="0" aria-labelledby="{name}">'
            f'<table><caption id="{name}">{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def render(rows: list[dict], parts: dict[tuple[str, str], list[dict]]) -> str:
    """``rows``: grades.csv rows; ``parts``: per (student, assignment) the parts of the result."""
    assignments = sorted({r["assignment_id"] for r in rows})
    sections = []
    for aid in assignments:
        graded = [r for r in rows if r["assignment_id"] == aid and r["status"] == "graded"]
        shares = [float(r["score"]) / float(r["max_score"]) * 100
                  for r in graded if float(r["max_score"] or 0) > 0]
        fig, ax = plt.subplots(figsize=(6, 2.6))
        ax.hist(shares, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#4c72b0",
                edgecolor="white")
        ax.set_xlabel("score (% of points)")
        ax.set_ylabel("students")
        ax.set_title(f"{aid}: score distribution")
        hist = _figure(f"{aid}: how many students scored in each 10% band "
                       f"({len(graded)} graded).",
                       f"Histogram of {aid} scores for {len(graded)} students", fig)
        totals: dict[str, list[int]] = {}
        for (_, a), found in parts.items():
            if a != aid:
                continue
            for part in found:
                if not part["manual"]:
                    passed, seen = totals.setdefault(part["id"], [0, 0])
                    totals[part["id"]] = [passed + bool(part["passed"]), seen + 1]
        task_rows = sorted(((pid, p / n * 100, n) for pid, (p, n) in totals.items()),
                           key=lambda t: t[1])
        bars = ""
        if task_rows:
            fig, ax = plt.subplots(figsize=(6, 0.35 * len(task_rows) + 1))
            ax.barh([t[0] for t in task_rows], [t[1] for t in task_rows], color="#dd8452")
            ax.set_xlim(0, 100)
            ax.set_xlabel("students who passed (%)")
            ax.set_title(f"{aid}: pass rate per part (hardest at the top)")
            ax.invert_yaxis()
            hardest = ", ".join(f"{t[0]} ({t[1]:.0f}%)" for t in task_rows[:3])
            bars = _figure(f"{aid}: share of students passing each part; hardest: {hardest}.",
                           f"Bar chart of pass rate per part for {aid}", fig)
        sections.append(f"<section><h2>{html.escape(aid)}</h2>{hist}{bars}</section>")

    attention = []
    for r in rows:
        if r["status"] == "error":
            attention.append([r["student_id"], r["assignment_id"], "not graded: " + r["detail"]])
        elif float(r["max_score"] or 0) and float(r["score"]) / float(r["max_score"]) < \
                ATTENTION_BELOW:
            attention.append([r["student_id"], r["assignment_id"],
                              f"{float(r['score']):g} / {float(r['max_score']):g}"])
    attention_html = (_table("attention", f"Submissions not graded or under "
                             f"{ATTENTION_BELOW:.0%} of the points",
                             ["student", "assignment", "why"], attention) if attention
                      else "<p>Nobody: every submission was graded and scored at least "
                           f"{ATTENTION_BELOW:.0%}.</p>")
    all_rows = _table("submissions", "Score, maximum, status and detail of each submission",
                      ["student", "assignment", "score", "max", "status", "detail"],
                      [[r["student_id"], r["assignment_id"], r["score"], r["max_score"],
                        r["status"], r["detail"]] for r in rows])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Own It: grading report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}}
caption{{text-align:left;font-weight:600;padding:.25rem 0}}
.scroll{{overflow-x:auto;max-width:100%}}img{{max-width:100%;height:auto}}
:focus-visible{{outline:3px solid #0550ae;outline-offset:2px}}
figure{{margin:1rem 0}}figcaption{{font-size:.9rem;color:#333}}</style></head><body><main>
<h1>Own It: grading report</h1>
<p>{len(rows)} submissions, {sum(r['status'] == 'graded' for r in rows)} graded,
{sum(r['status'] == 'error' for r in rows)} not graded.</p>
<h2>Students who need attention</h2>{attention_html}
{''.join(sections)}
<h2>Every submission</h2>{all_rows}
</main></body></html>"""
