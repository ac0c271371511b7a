"""The tables notebook 04 shows, computed by the instructor's copy of the model and written to
the learner side's data file: ``python -m ownit.instructor.lessons.bus_factor_tables [--check]``.

Everything here is seeded (:func:`ownit.learner.lessons.bus_factor.commit_history`), so the file
is rebuilt bit for bit; ``--check`` changes nothing and exits 1 when the committed file differs
from a fresh computation (a test runs it).
"""

from __future__ import annotations

import json
import sys

import pandas as pd

from ownit.instructor.lessons.bus_factor_model import authorship, file_authors, truck_factor_steps
from ownit.learner.lessons.bus_factor import TABLES, commit_history, pairing_commits, toy_history

# Who drives in each row of the notebook's "one pair at a time" table.
DRIVERS_IN_TURN = [[], ["Chen"], ["Chen", "Freya"], ["Chen", "Freya", "Hiro"]]


def compute() -> dict:
    """``{"frames": {name: DataFrame}, "authors": {name: {file: set of authors}}}``."""
    toy_table = authorship(toy_history())
    toy = file_authors(toy_table)
    history = commit_history()
    table = authorship(history)
    authors = file_authors(table)
    commits = pairing_commits()
    paired = file_authors(authorship(pd.concat([history, commits], ignore_index=True)))
    rows = []
    for drivers in DRIVERS_IN_TURN:
        extra = commits[commits["author"].isin(drivers)]
        now = file_authors(authorship(pd.concat([history, extra], ignore_index=True)))
        rows.append({"pairs driving": " + ".join(drivers) or "no pairing",
                     "truck_factor": len(truck_factor_steps(now)),
                     "single_author_files": sum(len(names) == 1 for names in now.values())})
    frames = {
        "toy_authorship": toy_table,
        "toy_steps": truck_factor_steps(toy),
        "authorship": table,
        "steps": truck_factor_steps(authors),
        "paired_steps": truck_factor_steps(paired),
        "pairing_by_pair": pd.DataFrame(rows),
    }
    return {"frames": frames, "authors": {"toy": toy, "history": authors, "paired": paired}}


def render(tables: dict) -> str:
    """The data file's text: plain JSON, floats written exactly (Python's shortest repr)."""
    payload = {
        "about": "Tables of course/04_bus_factor.ipynb, computed by "
                 "ownit/instructor/lessons/bus_factor_tables.py; do not edit by hand.",
        "frames": {name: {"columns": [str(c) for c in frame.columns],
                          "data": frame.to_dict(orient="split", index=False)["data"]}
                   for name, frame in tables["frames"].items()},
        "authors": {name: {file: sorted(names) for file, names in authors.items()}
                    for name, authors in tables["authors"].items()},
    }
    return json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render(compute())
    if argv == ["--check"]:
        if TABLES.is_file() and TABLES.read_text(encoding="utf-8") == text:
            print(f"{TABLES.name} is up to date.")
            return 0
        print(f"{TABLES.name} differs from a fresh computation: run "
              "python -m ownit.instructor.lessons.bus_factor_tables", file=sys.stderr)
        return 1
    if argv:
        print("usage: python -m ownit.instructor.lessons.bus_factor_tables [--check]",
              file=sys.stderr)
        return 2
    TABLES.parent.mkdir(exist_ok=True)
    TABLES.write_text(text, encoding="utf-8")
    print(f"wrote {TABLES.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
