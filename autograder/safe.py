"""Reducing what a submission controls to content that is safe to show anyone.

A submission's outputs, Markdown, metadata and attachments reach three readers: the learner's
feedback page, the autograded notebook formgrader renders in the instructor's Jupyter session
(where script could read ``solutions/`` through the contents API), and the instructor's
spreadsheet. Each of them gets only this: text with every terminal escape and control character
removed, PNG and JPEG images whose data is plain base64 and whose metadata is gone, and Markdown
written by the learner shown verbatim (a fenced block, in which Markdown renders no HTML). What
counts as the instructor's is decided from the source notebook, never from a submission's
metadata (nbgrader's ``OverwriteCells`` keeps a forged ``locked`` flag on solution cells).
"""

from __future__ import annotations

import re

import nbformat

SAFE_IMAGES = ("image/png", "image/jpeg")
# ESC-introduced sequences (CSI, OSC, and two-character ones), then any other control character
# but newline and tab. nbconvert's ANSI filter raises on some sequences a program can print;
# nothing here parses them, so no byte sequence can make this fail.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)|"
                      r"\x9b[0-?]*[ -/]*[@-~]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def clean_text(text, limit: int | None = None) -> str:
    """Text without terminal escapes or control characters (newlines and tabs kept)."""
    if isinstance(text, list):
        text = "".join(str(t) for t in text)
    text = _CONTROLS.sub("", _ESCAPES.sub("", str(text).replace("\r\n", "\n")))
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"\n[... cut: {len(text) - limit} more characters]"
    return text


def verbatim_markdown(text: str) -> str:
    """Markdown that shows ``text`` as written: a fenced block longer than any fence inside."""
    text = clean_text(text)
    longest = max((len(m.group()) for m in re.finditer(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _image(data) -> str | None:
    text = "".join(data) if isinstance(data, list) else data
    if isinstance(text, str) and _BASE64.match(text):
        return text
    return None


def safe_output(output: dict) -> dict | None:
    """One output reduced to text and images, or None when nothing of it is safe to keep."""
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return nbformat.v4.new_output("stream", name=name, text=clean_text(output.get("text", "")))
    if kind == "error":
        return nbformat.v4.new_output(
            "error", ename=clean_text(output.get("ename", ""), 200),
            evalue=clean_text(output.get("evalue", ""), 2000),
            traceback=[clean_text(line, 2000) for line in output.get("traceback", [])[:50]
                       if isinstance(line, str)])
    if kind in ("display_data", "execute_result"):
        data = output.get("data") if isinstance(output.get("data"), dict) else {}
        kept = {}
        for mime in SAFE_IMAGES:
            image = _image(data.get(mime))
            if image is not None:
                kept[mime] = image
        if "text/plain" in data:
            kept["text/plain"] = clean_text(data["text/plain"])
        if not kept:
            kept["text/plain"] = "[output not shown: not text or an image]"
        if kind == "execute_result":
            count = output.get("execution_count")
            return nbformat.v4.new_output("execute_result", data=kept,
                                          execution_count=count if isinstance(count, int)
                                          else None)
        return nbformat.v4.new_output("display_data", data=kept)
    return None


def safe_outputs(outputs) -> list:
    return [o for o in (safe_output(o) for o in outputs or [] if isinstance(o, dict))
            if o is not None]


def instructor_markdown(source_nb) -> set[str]:
    """Texts of the source notebook's Markdown cells that are not answers: a submitted cell with
    exactly one of these texts holds the instructor's words, whatever its metadata says."""
    texts = set()
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and not meta.get("solution"):
            texts.add(cell.source)
    return texts


def spreadsheet_safe(value) -> str:
    """A CSV field no spreadsheet evaluates (OWASP's CSV injection advice): text that could start
    a formula gets a leading apostrophe; plain numbers stay numbers."""
    text = clean_text("" if value is None else value).replace("\n", " ")
    if text.startswith(_SPREADSHEET_TRIGGERS):
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text
