"""``ownit postmortem-lint``: check a post-mortem written in Markdown against what notebook 03
teaches and the SRE book's template.

Rules (ids in :data:`rules.RULE_IDS`): the required sections; blameful language (a person named
as the cause, "should have", judgements such as "careless", "human error" as a cause,
hindsight); action items without owner, type, priority or ticket, or that cannot be finished; a
5 Whys that stops at a person; a timeline out of order or without a time zone. A finding the
team has judged wrong is switched off in the document itself with an HTML comment (see
:func:`ignored`), so the reason sits next to the sentence.

One module a check (:mod:`.sections`, :mod:`.blame`, :mod:`.action_items`, :mod:`.five_whys`,
:mod:`.timeline`), all on the document :mod:`.document` parses, with the words they look for
kept as data in :mod:`.rules`. They are heuristics on words: a finding asks the author to look
again, it does not pass judgement.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TextIO

from ownit.instructor.team.postmortem_lint.action_items import check_action_items
from ownit.instructor.team.postmortem_lint.blame import check_blame
from ownit.instructor.team.postmortem_lint.document import parse
from ownit.instructor.team.postmortem_lint.findings import Finding
from ownit.instructor.team.postmortem_lint.five_whys import check_five_whys
from ownit.instructor.team.postmortem_lint.people import people_named
from ownit.instructor.team.postmortem_lint.rules import RULE_IDS
from ownit.instructor.team.postmortem_lint.sections import check_sections
from ownit.instructor.team.postmortem_lint.timeline import check_timeline

__all__ = ["BadInput", "Finding", "RULE_IDS", "lint_file", "lint_text", "main"]


class BadInput(Exception):
    """The file cannot be linted; the message says why and what to give instead."""


_IGNORE = re.compile(r"<!--\s*postmortem-lint:\s*(ignore|ignore-file)\s+([\w\s,-]+?)\s*-->")


def ignored(lines: list[str]) -> tuple[dict[int, set[str]], set[str]]:
    """Rules switched off by comments: ``<!-- postmortem-lint: ignore RULE[, RULE] -->`` at the
    end of a line (that line) or alone on a line (the next line with text), and
    ``<!-- postmortem-lint: ignore-file RULE -->`` anywhere; ``all`` stands for every rule."""
    per_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    for number, line in enumerate(lines, 1):
        for match in _IGNORE.finditer(line):
            names = {r.strip() for r in match.group(2).split(",") if r.strip()}
            if match.group(1) == "ignore-file":
                whole |= names
                continue
            target = number
            if not _IGNORE.sub("", line).strip():
                target = next((n for n in range(number + 1, len(lines) + 1)
                               if lines[n - 1].strip()), number)
            per_line.setdefault(target, set()).update(names)
    return per_line, whole


def lint_text(text: str) -> list[Finding]:
    """Every finding on a post-mortem's Markdown, in line order, less those switched off by
    ``postmortem-lint: ignore`` comments."""
    document = parse(text)
    people = people_named(document)
    found = [*check_sections(document), *check_blame(document, people),
             *check_action_items(document, people), *check_five_whys(document, people),
             *check_timeline(document)]
    per_line, whole = ignored(document.lines)

    def kept(f: Finding) -> bool:
        off = whole | per_line.get(f.line, set())
        return f.rule not in off and "all" not in off

    return sorted(filter(kept, found), key=lambda f: (f.line, f.rule))


def read_text(path: Path) -> str:
    if not path.exists():
        raise BadInput(f"{path}: no such file. Give the Markdown file of a post-mortem.")
    if path.is_dir():
        raise BadInput(f"{path} is a folder. Give the Markdown file of a post-mortem.")
    raw = path.read_bytes()
    if b"\0" in raw:
        raise BadInput(f"{path} is not a text file (it holds NUL bytes). Give the post-mortem "
                       "as Markdown; export it from your editor as .md first.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path} is not UTF-8 text (byte {exc.start} cannot be read). Save it "
                       "as UTF-8 Markdown and try again.") from None


def lint_file(path: Path | str) -> list[Finding]:
    return lint_text(read_text(Path(path)))


def _one_line(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


def main(*, path: Path | str, as_json: bool = False, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run ``ownit postmortem-lint``: one finding per line (``FILE:LINE: rule: message``) or one
    JSON object. Returns 1 when there are findings, 0 when clean, 2 on bad input."""
    out = out or sys.stdout
    err = err or sys.stderr
    path = Path(path)
    try:
        findings = lint_file(path)
    except BadInput as exc:
        print(f"ownit postmortem-lint: {exc}", file=err)
        return 2
    if as_json:
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        json.dump({"file": str(path), "clean": not findings, "counts": counts,
                   "findings": [{"line": f.line, "rule": f.rule, "message": f.message,
                                 "sentence": f.sentence, "suggestion": f.suggestion}
                                for f in findings]},
                  out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for f in findings:
            out.write(_one_line(f"{path}:{f.line}: {f.rule}: {f.message}") + "\n")
        if not findings:
            print(f"{path}: clean (no finding).", file=err)
    return 1 if findings else 0
