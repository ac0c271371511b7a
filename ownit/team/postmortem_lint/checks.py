"""The checks, one function each, from a parsed :class:`Document` to :class:`Finding` s. They are
heuristics on words: a finding asks the author to look again, it does not pass judgement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ownit.team.postmortem_lint import rules
from ownit.team.postmortem_lint.document import Block, Document, Section, plain

_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Finding:
    line: int
    rule: str
    message: str
    sentence: str | None = None
    suggestion: str | None = None


# --- sections ---------------------------------------------------------------------------------

def _normal_heading(title: str) -> str:
    title = re.sub(r"^\s*(?:\d+[.)]|[ivx]+\.)\s*", "", title.lower())
    title = title.replace("&", " and ").replace("’", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^\w';/+-]+", " ", title)).strip()


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", text) is not None


def find_section(document: Document, wanted: rules.Section) -> Section | None:
    for section in document.sections[1:]:
        heading = _normal_heading(section.title)
        if any(_has_phrase(heading, phrase) for phrase in wanted.headings):
            return section
    return None


def _labelled(document: Document, wanted: rules.Section) -> bool:
    """A paragraph that starts with the section's name and a colon ("Impact: ...")."""
    return any(_normal_heading(label) in wanted.headings for label, _ in document.labels)


def check_sections(document: Document) -> Iterator[Finding]:
    for wanted in rules.SECTIONS:
        if find_section(document, wanted) is None and not _labelled(document, wanted):
            others = ", ".join(f'"{h}"' for h in wanted.headings[1:4])
            yield Finding(1, "missing-section",
                          f'no "{wanted.name}" section: add a heading such as '
                          f'"## {wanted.name}" (also accepted: {others}, ...)')


# --- people and blame -------------------------------------------------------------------------

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
            column = _column(block.header, "owner")
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


def _person_pattern(people: set[str]) -> str:
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


def check_blame(document: Document, people: set[str]) -> Iterator[Finding]:
    person = _person_pattern(people)
    for block in document.blocks():
        for sentence, line in sentences(block):
            for rule in rules.BLAME_RULES:
                match = _first_match(rule.patterns, sentence)
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


def _first_match(patterns: tuple[str, ...], text: str) -> re.Match | None:
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


# --- action items -----------------------------------------------------------------------------

def _column(header: tuple[str, ...], role: str) -> int | None:
    names = rules.COLUMN_NAMES[role]
    for i, cell in enumerate(header):
        if plain(cell).strip().lower().rstrip(":") in names:
            return i
    return None


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
    match = _first_match(rules.VAGUE_ACTIONS, plain(block.text))
    if match:
        yield Finding(block.line, "action-vague",
                      f"action item {label} (\"{match.group(0)}\") cannot be finished or "
                      "measured: say what will change in the system, and when it is done")


def _item_label(text: str) -> str:
    words = re.sub(r"\s+", " ", plain(text)).strip()
    return f'"{words[:60]}{"..." if len(words) > 60 else ""}"'


# --- 5 Whys -----------------------------------------------------------------------------------

def _why_chain(section: Section) -> list[Block]:
    """The steps of a 5 Whys in a section: every list item or table row of a section headed
    "5 Whys" (or "Whys"), or, in any section, a list of three or more items that ask "Why ...?"."""
    steps = [b for b in section.blocks if b.kind in ("item", "row")]
    if re.search(r"\b(?:5|five)\s+whys?\b|\bwhys\b", _normal_heading(section.title)):
        return steps
    asking = [n for n, b in enumerate(steps) if re.match(r"\W*why\b", plain(b.text), _FLAGS)]
    return steps[asking[0]:] if len(asking) >= 3 else []


def check_five_whys(document: Document, people: set[str]) -> Iterator[Finding]:
    person = _person_pattern(people)
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


# --- timeline ---------------------------------------------------------------------------------

_MONTH = "|".join(rules.MONTHS)
_DATE = (rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})|(?P<dmy>\d{{1,2}})\s+(?P<mon1>{_MONTH})[a-z]*\.?,?"
         rf"(?:\s+(?P<y1>\d{{4}}))?|(?P<mon2>{_MONTH})[a-z]*\.?\s+(?P<mdy>\d{{1,2}})(?:st|nd|rd|"
         rf"th)?,?(?:\s+(?P<y2>\d{{4}}))?")
_ZONE_BODY = (r"(?:Z\b|UTC(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|GMT(?:\s*[+-]\s*\d{1,2})?|"
         r"[+-]\d{2}:?\d{2}\b|\b(?:" + "|".join(z for z in rules.ZONE_OFFSETS if z != "z")
         + "|" + "|".join(re.escape(z) for z in rules.ZONE_NAMES_WITHOUT_OFFSET) + r")\b)")
_ZONE = rf"(?P<zone>{_ZONE_BODY})"
_ENTRY = re.compile(
    rf"^\W{{0,3}}(?:(?:{_DATE})[\sT,]*)?(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?"
    rf"(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?\b)?\s*(?:\(?{_ZONE}\)?)?", _FLAGS)
_DATE_ONLY = re.compile(rf"^\W{{0,3}}(?:{_DATE})\W*$", _FLAGS)
_SECTION_ZONE = re.compile(rf"(?:\b(?:times?|timestamps?|clock)\b[^.]*?|\(\s*){_ZONE}", _FLAGS)


@dataclass(frozen=True)
class Entry:
    line: int
    shown: str
    when: datetime  # naive; in UTC when the zone's offset is known
    zone: str | None
    dated: bool


def _date(match: re.Match, fallback: date | None) -> date | None:
    if match.group("iso"):
        try:
            return date.fromisoformat(match.group("iso"))
        except ValueError:
            return fallback
    month = match.group("mon1") or match.group("mon2")
    if not month:
        return fallback
    day = int(match.group("dmy") or match.group("mdy"))
    year = match.group("y1") or match.group("y2")
    year = int(year) if year else (fallback.year if fallback else 2000)
    try:
        return date(year, rules.MONTHS.index(month.lower()[:3]) + 1, day)
    except ValueError:
        return fallback


def _offset(zone: str) -> int | None:
    compact = zone.replace(" ", "").lower()
    if compact in rules.ZONE_OFFSETS:
        return rules.ZONE_OFFSETS[compact]
    numeric = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", compact)
    if numeric:
        sign = 1 if numeric.group(1) == "+" else -1
        return sign * (int(numeric.group(2)) * 60 + int(numeric.group(3) or 0))
    return None


def _timeline_texts(blocks: list[Block]) -> Iterator[tuple[str, int]]:
    for block in blocks:
        if block.kind == "row":
            header = [plain(h).strip().lower() for h in block.header]
            cells = [plain(c).strip() for c in block.cells]
            time_columns = [i for i, h in enumerate(header)
                            if h in ("time", "when", "timestamp", "date", "time (utc)")]
            if len(time_columns) == 2 and header[time_columns[0]] == "date":
                yield " ".join(cells[i] for i in time_columns), block.line
            elif time_columns:
                yield cells[time_columns[0]], block.line
            elif cells:
                yield cells[0], block.line
        else:
            for n, text in enumerate(plain(block.text).split("\n")):
                yield text.strip(), block.line + n


def timeline_entries(section: Section, blocks: list[Block]) -> tuple[list[Entry], str | None]:
    """The timestamped entries of a timeline, and the zone the section declares for all."""
    declared = _SECTION_ZONE.search(section.title)
    current: date | None = None
    entries = []
    for text, line in _timeline_texts(blocks):
        if _DATE_ONLY.match(text):
            current = _date(_DATE_ONLY.match(text), current)
            continue
        match = _ENTRY.match(text)
        if not match:
            if declared is None and entries == []:
                declared = _SECTION_ZONE.search(text)
            continue
        day = _date(match, current)
        current = day
        hour = int(match.group("h")) % 24
        ampm = (match.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or int(match.group("m")) > 59:
            continue
        when = datetime.combine(day or date(2000, 1, 1), datetime.min.time()) + timedelta(
            hours=hour, minutes=int(match.group("m")), seconds=int(match.group("s") or 0))
        zone = match.group("zone")
        entries.append(Entry(line, match.group(0).strip(" -–—:|*"), when, zone, day is not None))
    return entries, declared.group("zone") if declared else None


def check_timeline(document: Document) -> Iterator[Finding]:
    wanted = next(s for s in rules.SECTIONS if s.name == "Timeline")
    section = find_section(document, wanted)
    if section is None:
        return
    entries, declared = timeline_entries(section, document.scope(section))
    if not entries:
        yield Finding(section.line, "timeline-no-times",
                      "the timeline has no entry that starts with a time (such as "
                      "\"14:05 UTC\"): give each event its time")
        return
    without = [e for e in entries if not e.zone]
    if without and not declared:
        lines = ", ".join(str(e.line) for e in without[1:6])
        more = f" (also lines {lines}{', ...' if len(without) > 6 else ''})" if lines else ""
        yield Finding(without[0].line, "timeline-timezone",
                      f"{len(without)} of {len(entries)} timeline entries have no time zone"
                      f"{more}: add one to each (\"14:05 UTC\") or say \"all times UTC\" under "
                      "the heading")
    previous = None
    for entry in entries:
        zone = entry.zone or declared
        offset = _offset(zone) if zone else None
        moment = entry.when - timedelta(minutes=offset) if offset is not None else entry.when
        if previous is not None and moment < previous[0]:
            crossed_midnight = previous[0] - moment > timedelta(hours=12)
            hint = "; if the day changed, give the date" if crossed_midnight and not entry.dated \
                else ""
            yield Finding(entry.line, "timeline-order",
                          f"{entry.shown} is earlier than the entry before it ({previous[1]}, "
                          f"line {previous[2]}): put the timeline in time order{hint}")
        previous = (moment, entry.shown, entry.line)
