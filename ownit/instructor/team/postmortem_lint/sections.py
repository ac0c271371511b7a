"""Required sections: a heading (or a labelled paragraph, "Impact: ...") for each of the
template's sections, under the usual heading variants."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ownit.instructor.team.postmortem_lint import rules
from ownit.instructor.team.postmortem_lint.document import Document, Section
from ownit.instructor.team.postmortem_lint.findings import Finding


def normal_heading(title: str) -> str:
    title = re.sub(r"^\s*(?:\d+[.)]|[ivx]+\.)\s*", "", title.lower())
    title = title.replace("&", " and ").replace("’", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^\w';/+-]+", " ", title)).strip()


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", text) is not None


def find_section(document: Document, wanted: rules.Section) -> Section | None:
    for section in document.sections[1:]:
        heading = normal_heading(section.title)
        if any(_has_phrase(heading, phrase) for phrase in wanted.headings):
            return section
    return None


def _labelled(document: Document, wanted: rules.Section) -> bool:
    """A paragraph that starts with the section's name and a colon ("Impact: ...")."""
    return any(normal_heading(label) in wanted.headings for label, _ in document.labels)


def check_sections(document: Document) -> Iterator[Finding]:
    for wanted in rules.SECTIONS:
        if find_section(document, wanted) is None and not _labelled(document, wanted):
            others = ", ".join(f'"{h}"' for h in wanted.headings[1:4])
            yield Finding(1, "missing-section",
                          f'no "{wanted.name}" section: add a heading such as '
                          f'"## {wanted.name}" (also accepted: {others}, ...)')
