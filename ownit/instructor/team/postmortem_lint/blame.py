"""Blameful language, sentence by sentence, each finding with a blameless rewording."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ownit.instructor.team.postmortem_lint import rules
from ownit.instructor.team.postmortem_lint.document import Block, Document, plain
from ownit.instructor.team.postmortem_lint.findings import Finding
from ownit.instructor.team.postmortem_lint.people import blame_in_sentence, person_pattern

_FLAGS = re.IGNORECASE


def sentences(block: Block) -> Iterator[tuple[str, int]]:
    """The sentences of a block's prose with the line each starts on."""
    text = plain(block.text)
    start = 0
    for match in re.finditer(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[])|\n\s*\n", text):
        yield from _sentence(text, start, match.start() + 1, block.line)
        start = match.end()
    yield from _sentence(text, start, len(text), block.line)


def _sentence(text: str, start: int, end: int, first_line: int) -> Iterator[tuple[str, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        line = first_line + text.count("\n", 0, start + lead)
        yield re.sub(r"\s+", " ", stripped), line


def check_blame(document: Document, people: set[str]) -> Iterator[Finding]:
    person = person_pattern(people)
    for block in document.blocks():
        for sentence, line in sentences(block):
            for rule in rules.BLAME_RULES:
                match = first_match(rule.patterns, sentence)
                if match is None or _negated(sentence, match):
                    continue
                words = match.group(0)
                suggestion = rule.advice.format(match=words)
                rewrite = (_without(sentence, match) if rule.drop_match
                           else _should_have_rewrite(sentence, match)
                           if rule.id == "blame-should-have" else None)
                if rewrite:
                    suggestion = f'"{rewrite}" ({suggestion})'
                yield Finding(line, rule.id, f'"{sentence}" {rule.why}; try: {suggestion}',
                              sentence, suggestion)
            blamed = blame_in_sentence(sentence, person)
            if blamed:
                words, who = blamed
                suggestion = rules.PERSON_RULE_ADVICE.format(match=f'"{who}"')
                yield Finding(line, rules.PERSON_RULE_ID,
                              f'"{sentence}" names a person ("{words}") as the cause; '
                              f"try: {suggestion}", sentence, suggestion)


def first_match(patterns: tuple[str, ...], text: str) -> re.Match | None:
    found = [m for p in patterns if (m := re.search(p, text, _FLAGS))]
    return min(found, key=lambda m: m.start()) if found else None


def _negated(sentence: str, match: re.Match) -> bool:
    """"Human error is never a root cause" teaches the rule rather than breaking it."""
    before = sentence[: match.start()].lower()
    after = sentence[match.end():].lower()
    return (re.search(r"\b(?:not|never|no|isn['’]t|without|rather than|instead of)\b[^,;]*$",
                      before) is not None
            or re.match(r"\s+(?:is|was)\s+(?:not|never)\b", after) is not None)


def _without(sentence: str, match: re.Match) -> str:
    """The sentence with a judgement word taken out."""
    before, after = sentence[: match.start()].rstrip(), sentence[match.end():].lstrip()
    if re.search(r"\b[Aa]$", before) and re.match(r"[aeioAEIO]", after):
        before += "n"  # "a careless error" -> "an error"
    out = f"{before} {after}".strip()
    out = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", out))
    return out[:1].upper() + out[1:]


_IRREGULAR = {"known": "knowing", "run": "running", "done": "doing", "seen": "seeing",
              "caught": "catching", "written": "writing", "taken": "taking", "made": "making",
              "gone": "going", "set": "setting", "put": "putting", "read": "reading",
              "sent": "sending", "built": "building", "told": "telling", "kept": "keeping",
              "given": "giving", "chosen": "choosing", "paid": "paying", "been": "being"}


def _should_have_rewrite(sentence: str, match: re.Match) -> str | None:
    """"X should have tested the change" -> "Nothing in our process asked for testing the
    change." (None when the verb after "should have" is not a plain past participle)."""
    rest = re.split(r"[,;.!?]| and | but ", sentence[match.end():].strip(), maxsplit=1)[0]
    words = rest.split()
    if not words or words[0].lower() in ("been", "known"):
        return None
    verb = words[0].lower()
    if verb in _IRREGULAR:
        gerund = _IRREGULAR[verb]
    elif verb.endswith("ied"):
        gerund = verb[:-3] + "ying"
    elif verb.endswith("ed") and len(verb) > 4:
        gerund = verb[:-2] + "ing"
    else:
        return None
    negative = re.search(r"n['’]t|\bnot\b", match.group(0), _FLAGS)
    lead = "Nothing in our process stopped" if negative else "Nothing in our process asked for"
    return f"{lead} {' '.join([gerund, *words[1:]])}."
