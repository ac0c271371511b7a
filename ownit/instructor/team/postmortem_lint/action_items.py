"""Action items, in a table or a list: each needs an owner, a type, a priority and a ticket,
and must be something a team can finish."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ownit.instructor.team.postmortem_lint import rules
from ownit.instructor.team.postmortem_lint.blame import first_match
from ownit.instructor.team.postmortem_lint.document import Block, Document, column_index, plain
from ownit.instructor.team.postmortem_lint.findings import Finding
from ownit.instructor.team.postmortem_lint.sections import find_section

_FLAGS = re.IGNORECASE


def _column(header: tuple[str, ...], role: str) -> int | None:
    return column_index(header, rules.COLUMN_NAMES[role])


def check_action_items(document: Document, people: set[str]) -> Iterator[Finding]:
    wanted = next(s for s in rules.SECTIONS if s.name == "Action items")
    section = find_section(document, wanted)
    if section is None:
        return
    blocks = document.scope(section)
    rows = [b for b in blocks if b.kind == "row"]
    items = [b for b in blocks if b.kind == "item" and b.depth == 1]
    if not rows and not items:
        yield Finding(section.line, "action-none",
                      "the action items section lists no item: give each one an owner, a type "
                      f"({', '.join(rules.ACTION_TYPES)}), a priority and a ticket")
        return
    missing_columns = set()
    for row in rows:
        yield from _check_row(row, missing_columns)
    for item in items:
        yield from _check_item(item, people)


def _check_row(row: Block, reported: set) -> Iterator[Finding]:
    label = _item_label(row.cells[0] if row.cells else row.text)
    for role in ("owner", "type", "priority", "ticket"):
        column = _column(row.header, role)
        if column is None:
            key = (row.header_line, role)
            if key not in reported:
                reported.add(key)
                yield Finding(row.header_line, f"action-{role}",
                              f"the action-item table has no {role} column: every item needs "
                              f"{_needs(role)}")
            continue
        value = plain(row.cells[column]).strip() if column < len(row.cells) else ""
        problem = _value_problem(role, value)
        if problem:
            yield Finding(row.line, f"action-{role}", f"action item {label} {problem}")
    yield from _vague(row, label)


def _check_item(item: Block, people: set[str]) -> Iterator[Finding]:
    text = plain(item.source)
    label = _item_label(item.text)
    owner = re.search(r"\b(?:owner|owners|assignee|assigned to|dri)\s*[:=]\s*(\S[^,;|\n]*)",
                      text, _FLAGS)
    has_owner = (owner is not None and owner.group(1).strip().lower().rstrip(".")
                 not in rules.OWNER_PLACEHOLDERS) or re.search(r"@[A-Za-z]", text) is not None
    if not has_owner and people:  # "Rotate the logs (Lena Fischer, P1, MAIL-88)"
        names = "|".join(re.escape(p) for p in sorted(people, key=len, reverse=True))
        has_owner = re.search(rf"(?<![\w-])(?:{names})(?![\w-])", text) is not None
    if not has_owner:
        yield Finding(item.line, "action-owner", f"action item {label} has no owner: "
                      "write \"owner: NAME\" (or @handle)")
    kind = re.search(r"\btype\s*[:=]\s*([\w-]+)", text, _FLAGS)
    if kind:
        problem = _value_problem("type", kind.group(1))
        if problem:
            yield Finding(item.line, "action-type", f"action item {label} {problem}")
    elif not re.search(r"\b(?:" + "|".join(rules.ACTION_TYPE_WORDS) + r")\b", text, _FLAGS):
        yield Finding(item.line, "action-type", f"action item {label} has no type: write "
                      f"\"type: {' | '.join(rules.ACTION_TYPES)}\"")
    if not re.search(rules.PRIORITY_PATTERN, text, _FLAGS):
        yield Finding(item.line, "action-priority", f"action item {label} has no priority: "
                      "write P0..P3 (or \"priority: high\")")
    if not re.search(rules.TICKET_PATTERN, text):
        yield Finding(item.line, "action-ticket", f"action item {label} has no ticket: link the "
                      "tracker issue (OPS-123, #123 or its URL), so it is followed up")
    yield from _vague(item, label)


def _needs(role: str) -> str:
    return {"owner": "an owner (a name, not a team)",
            "type": f"a type ({', '.join(rules.ACTION_TYPES)})",
            "priority": "a priority (P0..P3)",
            "ticket": "a ticket in the tracker"}[role]


def _value_problem(role: str, value: str) -> str | None:
    lowered = value.strip().lower()
    if role == "owner":
        return None if lowered not in rules.OWNER_PLACEHOLDERS else (
            "has no owner: name the person who will drive it" if lowered in ("", "-", "--")
            else f"has no real owner ({value!r}): name one person who will drive it")
    if role == "type":
        if not lowered:
            return f"has no type: use one of {', '.join(rules.ACTION_TYPES)}"
        if lowered not in rules.ACTION_TYPE_WORDS:
            return f"has type {value!r}, which is not one of {', '.join(rules.ACTION_TYPES)}"
        return None
    if role == "priority":
        if not re.fullmatch(rules.PRIORITY_VALUES, value.strip(), _FLAGS):
            return ("has no priority: give P0..P3 (or high, medium, low)" if not lowered
                    else f"has priority {value!r}: use P0..P3 (or high, medium, low)")
        return None
    if not re.search(rules.TICKET_PATTERN, value):
        return ("has no ticket: link the tracker issue (OPS-123, #123 or its URL)" if not lowered
                else f"has {value!r} as ticket, which is no ticket id or link")
    return None


def _vague(block: Block, label: str) -> Iterator[Finding]:
    match = first_match(rules.VAGUE_ACTIONS, plain(block.text))
    if match:
        yield Finding(block.line, "action-vague",
                      f"action item {label} (\"{match.group(0)}\") cannot be finished or "
                      "measured: say what will change in the system, and when it is done")


def _item_label(text: str) -> str:
    words = re.sub(r"\s+", " ", plain(text)).strip()
    return f'"{words[:60]}{"..." if len(words) > 60 else ""}"'
