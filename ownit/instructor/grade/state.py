"""OUT/state.json: what was graded from which bytes, so a rerun grades only what changed.

One entry per ``student/assignment``: the fingerprint of what was graded and either the parts of
the result (the row is then read from the gradebook, so manual grades count) or the error row.
While a run goes on, each finished submission appends one line to ``state.journal`` (the cost of
a submission does not grow with the cohort); the run ends by writing state.json whole and
removing the journal. A run killed midway leaves the journal, which the next run replays: what
was graded before the kill is not graded again.
"""

from __future__ import annotations

import json
from pathlib import Path

from ownit.instructor.grade.files import write_atomic

STATE_FILE = "state.json"
JOURNAL_FILE = "state.journal"


class State(dict):
    """``{key: entry}``, loaded from OUT and kept there."""

    def __init__(self, out: Path):
        super().__init__()
        self._path, self._journal = out / STATE_FILE, out / JOURNAL_FILE
        if self._path.is_file():
            self.update(json.loads(self._path.read_text()))
        if self._journal.is_file():
            for line in self._journal.read_text().splitlines():
                try:
                    key, entry = json.loads(line)
                except ValueError:  # the last line of a killed run may be cut short
                    continue
                self._apply(key, entry)
        self._log = None

    def _apply(self, key: str, entry: dict | None) -> None:
        if entry is None:
            self.pop(key, None)
        else:
            self[key] = entry

    def record(self, key: str, entry: dict | None) -> None:
        """Keep ``entry`` for ``key`` (None forgets it), on disk at once."""
        self._apply(key, entry)
        if self._log is None:
            self._log = self._journal.open("a", encoding="utf-8")
        self._log.write(json.dumps([key, entry], sort_keys=True) + "\n")
        self._log.flush()

    def save(self) -> None:
        """The whole state in state.json; the journal is then no longer needed."""
        write_atomic(self._path, json.dumps(dict(self), indent=1, sort_keys=True))
        if self._log is not None:
            self._log.close()
            self._log = None
        self._journal.unlink(missing_ok=True)
