"""Feedback a learner may see: their own submitted cells, and per part the points and the hint.

One specification for every feedback page (``docs/grading.md``, "Feedback"):
- the learner's own cells and outputs *as they submitted them*, never what ran while grading:
  learner code runs in the same kernel as the hidden tests and could print what it saw of them;
- test cells from the student release (the visible part only), each with passed or failed, the
  points and a hint written by the grader from the test's own words (:mod:`autograder.submission`);
- the instructor's Markdown rendered from the student release (with the images beside it
  embedded; never from the source, which holds solutions and mark schemes), the learner's
  Markdown verbatim; what is the instructor's is decided from the release, never from a
  submission's metadata;
- outputs reduced to text and images (:mod:`autograder.safe`), sizes bounded, so one page costs
  milliseconds whatever the submission holds; rendered by the worker that graded it.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import nbformat
from markupsafe import Markup

from autograder import safe
from autograder.settings import Limits

if TYPE_CHECKING:
    from autograder.submission import Part

TEMPLATES = Path(__file__).with_name("templates")
BLOCK_COST = 64  # what any cell or output costs at least, so empty ones cannot be countless
FULL = "[the rest of this notebook is not shown: the page is full]"
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml"}


@dataclass
class Block:
    kind: str  # "prose" (instructor Markdown, rendered), "text" (learner Markdown), "code", "test"
    html: Markup | None = None
    code: Markup | None = None
    outputs: list[dict] = field(default_factory=list)
    part: Part | None = None
    label: str = ""


def _meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=jinja2.select_autoescape(["html", "j2"]),
                              undefined=jinja2.StrictUndefined)


@cache
def _highlighter():
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return PythonLexer(), HtmlFormatter(nowrap=True)


def _highlight(source: str) -> Markup:
    """Python code as highlighted HTML (``source`` is already cleaned and short enough)."""
    from pygments import highlight

    lexer, formatter = _highlighter()
    return Markup(highlight(source, lexer, formatter))


def _embed_images(html: str, folder: Path | None) -> str:
    """Relative image links of the instructor's Markdown, embedded: the page stands alone."""
    if folder is None:
        return html

    def embed(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("/"):
            return match.group(0)
        path = (folder / target).resolve()
        mime = IMAGE_TYPES.get(path.suffix.lower())
        if mime is None or not path.is_file() or not path.is_relative_to(folder.resolve()):
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode()
        return f'{match.group(1)}"data:{mime};base64,{data}"'

    return re.sub(r'(<img[^>]*?\ssrc=)"([^"]*)"', embed, html)


def _prose(source: str, folder: Path | None) -> Markup:
    """The instructor's Markdown (trusted: it comes from the student release), as HTML."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    html = markdown2html_mistune(source)
    # The pilcrow after each heading is a link: name it for a screen reader (it reads "¶").
    html = html.replace('<a class="anchor-link" href=',
                        '<a class="anchor-link" aria-label="link to this heading" href=')
    return Markup(_embed_images(html, folder))


class _Budget:
    """What one page may still hold: every rendered character counts, code included (the sizes
    are ``Limits``' page fields)."""

    def __init__(self, limits: Limits):
        self.left = limits.page_chars
        self.highlight_left = limits.page_highlight_chars
        self.highlight_cell = limits.highlight_chars_per_cell
        self.source_cell = limits.source_chars_per_cell
        self.output_text = limits.output_chars_per_text

    @property
    def full(self) -> bool:
        return self.left <= 0

    def code(self, source: str) -> Markup:
        source = safe.clean_text(source, self.source_cell)
        if len(source) <= min(self.highlight_cell, self.highlight_left):
            self.highlight_left -= len(source)
            rendered = _highlight(source)
        else:
            rendered = Markup.escape(source)
        self.left -= len(rendered) + BLOCK_COST
        return rendered

    def text(self, source: str) -> Markup:
        rendered = Markup.escape(safe.clean_text(source, self.source_cell))
        self.left -= len(rendered) + BLOCK_COST
        return rendered

    def outputs(self, outputs) -> list[dict]:
        shown = []
        for output in safe.safe_outputs(outputs):
            if self.full:
                shown.append({"text": "[more output not shown: this page is full]",
                              "stream": "stdout"})
                break
            self.left -= BLOCK_COST
            shown.append(self._one(output))
        return shown

    def _one(self, output) -> dict:
        if output["output_type"] == "stream":
            text = safe.clean_text(output["text"], self.output_text)
            self.left -= len(text)
            return {"text": text, "stream": output["name"]}
        if output["output_type"] == "error":
            text = safe.clean_text("\n".join(output.get("traceback") or
                                             [f"{output['ename']}: {output['evalue']}"]),
                                   self.output_text)
            self.left -= len(text)
            return {"text": text, "stream": "stderr"}
        data = output["data"]
        for mime in safe.SAFE_IMAGES:
            if mime in data and len(data[mime]) <= self.left:
                self.left -= len(data[mime])
                return {"image": f"data:{mime};base64,{''.join(data[mime].split())}"}
        text = safe.clean_text(data.get("text/plain", ""), self.output_text)
        self.left -= len(text)
        return {"text": text, "stream": "stdout"}


def blocks(submitted, release, parts: dict[str, Part],
           folder: Path | None = None, limits: Limits | None = None) -> list[Block]:
    """The page's cells, in the learner's order (see the module docstring for the rules).

    Every instructor cell comes from the *student release*, never the source: the source holds
    solutions, hidden tests and mark schemes that nbgrader strips from the release."""
    release_cells = {m["grade_id"]: c for c in release.cells
                     if isinstance((m := _meta(c)).get("grade_id"), str)}
    instructor_texts = safe.instructor_markdown(release)
    budget, seen, out = _Budget(limits or Limits()), set(), []
    for cell in submitted.cells:
        if budget.full:
            out.append(Block("text", code=Markup.escape(FULL)))
            break
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), (str, list)):
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else text
        grade_id = _meta(cell).get("grade_id")
        trusted = release_cells.get(grade_id) if isinstance(grade_id, str) and \
            grade_id not in seen else None
        if trusted is not None:
            seen.add(grade_id)
            out.append(_known_cell(cell, text, trusted, release_cells.get(grade_id),
                                   parts.get(grade_id), budget, folder))
        elif cell.get("cell_type") == "markdown" and text in instructor_texts:
            out.append(Block("prose", html=_prose(text, folder)))
            budget.left -= BLOCK_COST
        elif cell.get("cell_type") == "code":
            out.append(Block("code", code=budget.code(text),
                             outputs=budget.outputs(cell.get("outputs"))))
        else:
            out.append(Block("text", code=budget.text(text)))
    return out


def _known_cell(cell, text, trusted, public, part, budget, folder) -> Block:
    """A submitted cell the release knows by its grade id: its kind comes from the release,
    its text from the release (instructor cells) or the submission (answers)."""
    meta = _meta(trusted)
    if trusted.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
        visible = public.source if public is not None else "# (tests)"
        return Block("test", code=budget.code(visible), part=part, label=meta["grade_id"])
    if meta.get("solution"):
        label = meta["grade_id"]
        if trusted.cell_type == "code":
            return Block("code", code=budget.code(text),
                         outputs=budget.outputs(cell.get("outputs")),
                         part=part if meta.get("grade") else None, label=label)
        return Block("text", code=budget.text(text),
                     part=part if meta.get("grade") else None, label=label)
    budget.left -= BLOCK_COST
    if trusted.cell_type == "markdown":
        return Block("prose", html=_prose(trusted.source, folder),
                     part=part if meta.get("task") or meta.get("grade") else None,
                     label=meta["grade_id"])
    return Block("code", code=budget.code(trusted.source),
                 outputs=budget.outputs(cell.get("outputs")))


def feedback_html(*, assignment: str, notebook: str, submitted, release,
                  parts: list[Part], folder: Path | None = None,
                  limits: Limits | None = None) -> str:
    """The feedback page of one notebook of one submission."""
    by_id = {p.id: p for p in parts if p.notebook in (None, notebook)}
    mine = list(by_id.values())
    others: dict[str, list[float]] = {}
    for part in parts:
        if part.notebook not in (None, notebook) and not part.manual:
            total = others.setdefault(part.notebook, [0.0, 0.0])
            total[0] += part.score
            total[1] += part.max_score
    auto = [p for p in parts if not p.manual]
    page = _environment().get_template("feedback.html.j2").render(
        assignment=assignment, notebook=notebook, parts=mine,
        notebook_score=sum(p.score for p in mine if not p.manual),
        notebook_max=sum(p.max_score for p in mine if not p.manual),
        manual_max=sum(p.max_score for p in mine if p.manual),
        total_score=sum(p.score for p in auto), total_max=sum(p.max_score for p in auto),
        others=sorted(others.items()),
        blocks=blocks(submitted, release, by_id, folder, limits))
    return page


def read_notebook(path: Path):
    """A submitted notebook for display; never fails (an unreadable one shows as empty)."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - the precheck already refused invalid notebooks
        return nbformat.v4.new_notebook()
