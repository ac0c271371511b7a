"""Who counts as a person in a post-mortem, and whether a sentence names one as the cause."""

from __future__ import annotations

import re

from ownit.instructor.team.postmortem_lint import rules
from ownit.instructor.team.postmortem_lint.document import Document, column_index, plain

_FLAGS = re.IGNORECASE


def people_named(document: Document) -> set[str]:
    """Names the document gives for the people of the incident: from lines such as
    "Authors: ...", "Incident commander: ...", action-item owners, and @handles."""
    names: set[str] = set()
    fields = "|".join(re.escape(f) for f in rules.PEOPLE_FIELDS)
    for block in document.blocks():
        text = plain(block.text)
        for match in re.finditer(rf"(?im)^\s*(?:{fields})\s*[:=-]\s*(.+)$", text):
            names |= _split_names(match.group(1))
        names |= set(re.findall(r"@([A-Za-z][\w.-]*\w)", text))
        if block.kind == "row":
            column = column_index(block.header, rules.COLUMN_NAMES["owner"])
            if column is not None and column < len(block.cells):
                names |= _split_names(plain(block.cells[column]))
    return {n for n in names if n.lower() not in rules.OWNER_PLACEHOLDERS and len(n) > 1}


def _split_names(text: str) -> set[str]:
    text = re.sub(r"\([^)]*\)", " ", text)
    found = set()
    for part in re.split(r",|;|/|&|\band\b|\+", text):
        name = part.strip(" .@")
        if not name or not re.match(r"^[^\W\d_][\w.'’ -]*$", name) or len(name.split()) > 4:
            continue
        found.add(name)
        first = name.split()[0]
        if len(name.split()) > 1 and first[:1].isupper():
            found.add(first)
    return found


def person_pattern(people: set[str]) -> str:
    names = sorted({re.escape(p) for p in people}, key=len, reverse=True)
    words = sorted((re.escape(w) for w in rules.PERSON_WORDS), key=len, reverse=True)
    named = rf"(?-i:{'|'.join(names)})" if names else None
    return "(?:" + "|".join([*([named] if named else []), *words]) + ")"


_CLAUSE_WORDS = ("that|which|who|whom|because|when|after|before|while|since|but|and|so|until|"
                 "once|as|although|though|if")


def blame_in_sentence(sentence: str, person: str) -> tuple[str, str] | None:
    """(the words that put the blame on a person, the person) when a sentence names a person
    as the cause, else None."""
    faults = "|".join(rules.FAULT_WORDS)
    causes = "|".join(rules.CAUSE_PHRASES)
    possessive = "|".join(rules.POSSESSIVE_FAULTS)
    direct = "|".join(rules.DIRECT_FAULT_WORDS)
    who = rf"(?<![\w-])(?P<who>{person})(?![\w-])"
    # between the person and the fault: words of the same clause ("Kevin noticed that the job
    # had failed to start" is about the job)
    gap = rf"(?:(?!\b(?:{_CLAUSE_WORDS})\b)[^.;:!?,]){{0,60}}?"
    for pattern in (rf"{who}(?:['’]s)?\b{gap}\b(?:{faults})\b",
                    rf"{who}\s+(?:\w+ly\s+)?(?:{direct})\b",
                    rf"\b(?:{causes})\s+(?:the\s+)?{who}(?!['’]s\s+(?:alert|dashboard|team))",
                    rf"{who}['’]s\s+(?:\w+\s+)?(?:{possessive})\b"):
        match = re.search(pattern, sentence, _FLAGS)
        if match:
            return match.group(0), match.group("who")
    human = "|".join(rules.HUMAN_ONLY_FAULTS)
    for match in re.finditer(rf"(?<![\w-])(?P<who>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s+(?:\w+ly\s+)?"
                             rf"(?i:{human})\b", sentence):
        if match.group("who").split()[0].lower() not in rules.NOT_NAMES:
            return match.group(0), match.group("who")
    return None
