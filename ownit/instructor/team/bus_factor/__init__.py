"""``ownit bus-factor``: the truck factor of a real git repository, by the degree-of-authorship
model and greedy algorithm of Avelino, Passos, Hora and Valente (ICPC 2016).

The pipeline, one module a step: :mod:`.git_history` streams ``git log`` (mailmap, aliases,
renames), :mod:`.authorship` keeps each live file's FA/DL/AC and finds its authors,
:mod:`.file_rules` decides which files count, :mod:`.truck_factor` walks the greedy removal,
:mod:`.analysis` puts them together into a report, :mod:`.render` and :mod:`.html_page` print it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ownit.instructor.team.bus_factor.analysis import BusFactorReport, analyse
from ownit.instructor.team.bus_factor.git_history import RepositoryError

__all__ = ["BusFactorReport", "RepositoryError", "analyse", "main"]


def main(*, repo: Path | str, until: str | None = None, as_json: bool = False,
         html: Path | str | None = None, alias_file: Path | str | None = None,
         include: Sequence[str] = (), exclude: Sequence[str] = (), progress: bool = True,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``ownit bus-factor``: print the report (or its JSON), write the HTML page if asked.
    Returns the exit status: 0, or 2 on bad input (with the reason on ``err``)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        report = analyse(repo=repo, until=until, alias_file=alias_file, include=include,
                         exclude=exclude, progress=progress)
    except RepositoryError as exc:
        print(f"ownit bus-factor: {exc}", file=err)
        return 2
    from ownit.instructor.team.bus_factor.render import as_text, write_json

    if as_json:
        write_json(report, out)
    else:
        out.write(as_text(report))
    if html is not None:
        from ownit.instructor.team.bus_factor.html_page import write_page

        try:
            write_page(report, Path(html))
        except OSError as exc:
            print(f"ownit bus-factor: cannot write {html}: {exc.strerror or exc}", file=err)
            return 2
        print(f"Wrote {html}.", file=err if as_json else out)
    return 0
