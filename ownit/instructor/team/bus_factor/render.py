"""The report as a terminal table and as JSON. Names and paths come from the repository, so
they are untrusted: control characters (a terminal escape sequence in an author name) are shown
escaped, never sent to the terminal."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime

from ownit.instructor.team.bus_factor.analysis import BusFactorReport, utc_date

SHOW_AT_MOST = 15


def clean(text: str) -> str:
    """``text`` safe to print: non-printable characters (and undecodable path bytes) escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _person(report: BusFactorReport, key: str) -> dict:
    person = report.developers.get(key)
    return {"id": clean(key), "name": clean(person.name if person else key),
            "email": clean(person.email if person else "")}


def as_json(report: BusFactorReport, *, files: bool = True) -> dict:
    """Everything the terminal shows, and (unless ``files`` is false) each file's authorship,
    for scripts."""
    authored: dict[str, int] = {}
    for item in report.files:
        for key in item.authors:
            authored[key] = authored.get(key, 0) + 1
    silos = report.silos
    walk = report.walk

    def departure(step) -> dict:
        return {**_person(report, step.developer), "files_authored": step.files_authored,
                "orphaned_after": step.orphaned, "orphaned_share": round(step.orphaned_share, 4)}

    data = {
        "repository": clean(report.repository),
        "bare": report.bare,
        "commit": report.commit,
        "committed": report.committed.isoformat(),
        "until": report.until.isoformat() if report.until else None,
        "commits_read": report.commits_read,
        "truck_factor": report.truck_factor,
        "truck_factor_people": [departure(s) for s in walk.truck_factor_people],
        "departures": [departure(s) for s in walk.departures],
        "files_considered": walk.files,
        "orphaned_at_start": walk.orphaned_at_start,
        "files_left_out": report.left_out,
        "rules": [{"kind": r.kind, "patterns": list(r.patterns)} for r in report.rules],
        "include": list(report.include),
        "developers": [
            {**_person(report, key), "commits": d.commits, "files_authored": authored.get(key, 0),
             "silo_files": len(silos.get(key, ())), "first_commit": _iso(d.first),
             "last_commit": _iso(d.last)}
            for key, d in sorted(report.developers.items(),
                                 key=lambda kv: (-authored.get(kv[0], 0), kv[0]))],
        "silos": [{**_person(report, key), "files": [clean(p) for p in paths]}
                  for key, paths in silos.items()],
        "folder_silos": [{"folder": clean(s.folder), **_person(report, s.developer),
                          "files": s.files} for s in report.folder_silos],
        "at_risk": [clean(p) for p in report.at_risk],
        "orphaned": [clean(p) for p in report.orphaned],
        "alias_suggestions": [{"first": _person(report, s.first),
                               "second": _person(report, s.second), "reason": s.reason}
                              for s in report.alias_suggestions],
    }
    if files:
        data["files"] = [_file(item) for item in report.files]
    return data


def _file(item) -> dict:
    """One file's authorship; people are named by their id (see "developers")."""
    return {"path": clean(item.path), "authors": [clean(a) for a in item.authors],
            "people": [{"id": clean(row.developer), "fa": row.fa, "dl": row.dl, "ac": row.ac,
                        "doa": round(row.doa, 4)} for row in item.people]}


def write_json(report: BusFactorReport, out) -> None:
    """:func:`as_json` written to ``out`` a file at a time, so a large repository's per-file
    detail is never held in memory twice."""
    head = json.dumps(as_json(report, files=False), indent=2, ensure_ascii=False)
    out.write(head[:-2] + ',\n  "files": [')
    for n, item in enumerate(report.files):
        out.write(("\n    " if n == 0 else ",\n    ")
                  + json.dumps(_file(item), ensure_ascii=False))
    out.write("\n  ]\n}\n")


def _iso(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).isoformat()


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _more(count: int, shown: int) -> list[str]:
    return [f"  ... and {count - shown} more (--json lists them all)"] if count > shown else []


def as_text(report: BusFactorReport) -> str:
    walk = report.walk
    total = walk.files
    kind = "bare repository" if report.bare else "repository"
    lines = [
        f"Truck factor of {clean(report.repository)}: {report.truck_factor}",
        f"  {kind} at {report.commit[:10]} ({utc_date(report.committed)}"
        + (f", the last commit up to --until {report.until.isoformat()})" if report.until
           else ", HEAD)"),
        f"  {_count(report.commits_read, 'commit')} read (merges skipped), "
        f"{_count(len(report.developers), 'person', 'people')}, {total} files counted, "
        f"{sum(report.left_out.values())} left out by the rules below.",
        "",
    ]
    if walk.orphaned_at_start * 2 > total:
        lines += [f"More than half of the files ({walk.orphaned_at_start} of {total}) have no "
                  "author even now: nobody has to leave.", ""]
    if not walk.departures:
        lines.append("Nobody authors any of these files (everyone who touched them did so a "
                     "little).")
    else:
        lines.append("People whose loss orphans the most files (the greedy order of Avelino et "
                     "al. 2016):")
    rows = [("#", "person", "authors", "orphaned once gone")]
    shown = walk.departures[: max(report.truck_factor, 1) + 2]
    for n, step in enumerate(shown, 1):
        mark = (f"  <- more than half ({step.orphaned} of {total}): the truck factor"
                if n == report.truck_factor else "")
        rows.append((str(n), clean(report.label(step.developer)),
                     f"{step.files_authored} files",
                     f"{step.orphaned} ({step.orphaned_share:.0%}){mark}"))
    lines += _table(rows) if len(rows) > 1 else []
    lines.append("")

    silos = report.silos
    silo_files = sum(len(v) for v in silos.values())
    lines.append(f"Knowledge silos: {silo_files} of {total} files have a single author.")
    rows = [("person", "files only they author")]
    rows += [(clean(report.label(key)), str(len(paths)))
             for key, paths in list(silos.items())[:SHOW_AT_MOST]]
    lines += _table(rows) + _more(len(silos), SHOW_AT_MOST)
    folders = report.folder_silos
    if folders:
        lines.append("  Folders whose every authored file has the same single author:")
        for silo in folders[:SHOW_AT_MOST]:
            where = f"{clean(silo.folder)}/" if silo.folder else "(the whole repository)"
            lines.append(f"    {where}  {clean(report.name(silo.developer))}, "
                         f"{silo.files} files")
        lines += _more(len(folders), SHOW_AT_MOST)
    lines.append("")

    at_risk = report.at_risk
    leavers = ("the person above leaves" if report.truck_factor == 1
               else f"the {report.truck_factor} people above leave")
    if report.truck_factor:
        lines.append(f"Files at risk: {len(at_risk)} lose every author if {leavers}.")
    authors = {item.path: item.authors for item in report.files}
    for path in at_risk[:SHOW_AT_MOST]:
        names = ", ".join(clean(report.name(a)) for a in authors[path])
        lines.append(f"  {clean(path)}  ({names})")
    lines += _more(len(at_risk), SHOW_AT_MOST)
    orphaned = report.orphaned
    if orphaned:
        lines.append(f"No author at all (many hands, nobody deep): {len(orphaned)} files.")
    lines.append("")

    if report.alias_suggestions:
        lines.append("Possibly one person under two identities (not merged; add a line to "
                     ".mailmap or --alias-file if so):")
        for s in report.alias_suggestions[:SHOW_AT_MOST]:
            lines.append(f"  {clean(report.label(s.first))}  and  "
                         f"{clean(report.label(s.second))}  ({s.reason})")
        lines += _more(len(report.alias_suggestions), SHOW_AT_MOST)
        lines.append("")

    lines.append("Files left out as not knowledge (bring some back with --include GLOB, leave "
                 "more out with --exclude GLOB):")
    for rule in report.rules:
        count = report.left_out.get(rule.kind, 0)
        lines.append(f"  {rule.kind} ({_count(count, 'file')}):")
        lines += _wrap(rule.patterns)
    if report.include:
        lines.append("  --include, kept whatever the rules say:")
        lines += _wrap(report.include)
    return "\n".join(lines) + "\n"


def _wrap(patterns: tuple[str, ...]) -> list[str]:
    return textwrap.wrap(" ".join(clean(p) for p in patterns), width=96, initial_indent="    ",
                         subsequent_indent="    ", break_on_hyphens=False)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    out = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.append("  " + "  ".join([*cells, row[-1]]).rstrip())
    return out
