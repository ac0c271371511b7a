"""The timeline: entries in time order (offsets converted, dates carried down), each with a
time zone or one declared for the whole section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ownit.instructor.team.postmortem_lint import rules
from ownit.instructor.team.postmortem_lint.document import Block, Document, Section, plain
from ownit.instructor.team.postmortem_lint.findings import Finding
from ownit.instructor.team.postmortem_lint.sections import find_section

_FLAGS = re.IGNORECASE

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
