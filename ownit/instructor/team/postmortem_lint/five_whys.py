"""A 5 Whys chain that stops at a person instead of a process the team can change."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ownit.instructor.team.postmortem_lint.document import Block, Document, Section, plain
from ownit.instructor.team.postmortem_lint.findings import Finding
from ownit.instructor.team.postmortem_lint.people import blame_in_sentence, person_pattern
from ownit.instructor.team.postmortem_lint.sections import normal_heading

_FLAGS = re.IGNORECASE


def _why_chain(section: Section) -> list[Block]:
    """The steps of a 5 Whys in a section: every list item or table row of a section headed
    "5 Whys" (or "Whys"), or, in any section, a list of three or more items that ask "Why ...?"."""
    steps = [b for b in section.blocks if b.kind in ("item", "row")]
    if re.search(r"\b(?:5|five)\s+whys?\b|\bwhys\b", normal_heading(section.title)):
        return steps
    asking = [n for n, b in enumerate(steps) if re.match(r"\W*why\b", plain(b.text), _FLAGS)]
    return steps[asking[0]:] if len(asking) >= 3 else []


def check_five_whys(document: Document, people: set[str]) -> Iterator[Finding]:
    person = person_pattern(people)
    for section in document.sections:
        steps = _why_chain(section)
        if not steps:
            continue
        last = steps[-1]
        answer = _answer(last)
        who = re.search(rf"(?<![\w-]){person}(?![\w-])", answer, _FLAGS)
        blamed = blame_in_sentence(answer, person)
        if who or blamed:
            name = blamed[1] if blamed else who.group(0)
            yield Finding(last.line, "whys-stop-at-person",
                          f'the 5 Whys stop at a person ("{name}"): ask why once more, until '
                          "the answer is a process, a check or a tool the team can change")


def _answer(step: Block) -> str:
    if step.kind == "row":
        column = next((i for i, h in enumerate(step.header)
                       if plain(h).strip().lower() in ("because", "answer", "reason", "cause")),
                      len(step.cells) - 1)
        return plain(step.cells[column]) if step.cells else ""
    text = plain(step.text)
    return text.split("?", 1)[1] if "?" in text else text
