"""The cohort report: one self-contained HTML page with the plots an instructor needs.

The figures are drawn here with matplotlib; the page is ``templates/report.html.j2``, rendered
by Jinja2 with autoescaping (ids, names and details are text a student chose).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cache

import jinja2
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

ATTENTION_BELOW = 0.5  # share of the auto-graded points under which a student needs a look


@dataclass
class Figure:
    title: str
    alt: str
    png: str  # base64


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("ownit.instructor.grade", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("report.html.j2")


def _figure(title: str, alt: str, fig) -> Figure:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return Figure(title, alt, base64.b64encode(buffer.getvalue()).decode())


def _histogram(aid: str, graded: list[dict]) -> Figure:
    shares = [float(r["score"]) / float(r["max_score"]) * 100
              for r in graded if float(r["max_score"] or 0) > 0]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.hist(shares, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#4c72b0",
            edgecolor="white")
    ax.set_xlabel("score (% of points)")
    ax.set_ylabel("students")
    ax.set_title(f"{aid}: score distribution")
    return _figure(f"{aid}: how many students scored in each 10% band ({len(graded)} graded).",
                   f"Histogram of {aid} scores for {len(graded)} students", fig)


def _pass_rates(aid: str, parts: dict[tuple[str, str], list[dict]]) -> Figure | None:
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
    if not task_rows:
        return None
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(task_rows) + 1))
    ax.barh([t[0] for t in task_rows], [t[1] for t in task_rows], color="#dd8452")
    ax.set_xlim(0, 100)
    ax.set_xlabel("students who passed (%)")
    ax.set_title(f"{aid}: pass rate per part (hardest at the top)")
    ax.invert_yaxis()
    hardest = ", ".join(f"{t[0]} ({t[1]:.0f}%)" for t in task_rows[:3])
    return _figure(f"{aid}: share of students passing each part; hardest: {hardest}.",
                   f"Bar chart of pass rate per part for {aid}", fig)


def _attention(rows: list[dict]) -> list[list[str]]:
    found = []
    for r in rows:
        if r["status"] == "error":
            found.append([r["student_id"], r["assignment_id"], "not graded: " + r["detail"]])
        elif float(r["max_score"] or 0) and \
                float(r["score"]) / float(r["max_score"]) < ATTENTION_BELOW:
            found.append([r["student_id"], r["assignment_id"],
                          f"{float(r['score']):g} / {float(r['max_score']):g}"])
    return found


def render(rows: list[dict], parts: dict[tuple[str, str], list[dict]]) -> str:
    """``rows``: grades.csv rows; ``parts``: per (student, assignment) the parts of the result."""
    sections = []
    for aid in sorted({r["assignment_id"] for r in rows}):
        graded = [r for r in rows if r["assignment_id"] == aid and r["status"] == "graded"]
        sections.append({"aid": aid, "hist": _histogram(aid, graded),
                         "bars": _pass_rates(aid, parts)})
    every = [[r["student_id"], r["assignment_id"], r["score"], r["max_score"], r["status"],
              r["detail"]] for r in rows]
    return _template().render(
        total=len(rows), graded=sum(r["status"] == "graded" for r in rows),
        errors=sum(r["status"] == "error" for r in rows), attention=_attention(rows),
        threshold=f"{ATTENTION_BELOW:.0%}", sections=sections, every=every)
