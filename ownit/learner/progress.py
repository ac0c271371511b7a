"""The learner's progress file: which quiz items they tried, and how it went.

One JSON file per user, outside the repository (the platform's user data folder), so a fresh
clone or ``git pull`` never loses it. ``$OWNIT_PROGRESS`` points it elsewhere (tests do).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

VERSION = 1


def progress_path() -> Path:
    env = os.environ.get("OWNIT_PROGRESS")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("ownit", appauthor=False) / "progress.json"


def _empty() -> dict:
    return {"version": VERSION, "quizzes": {}}


def load(path: Path | None = None) -> dict:
    """The progress so far. A damaged file is set aside (never deleted) and a new one begun."""
    path = path or progress_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _empty()
    except (OSError, ValueError):
        _set_aside(path)
        return _empty()
    if not isinstance(data, dict) or not isinstance(data.get("quizzes"), dict):
        _set_aside(path)
        return _empty()
    return data


def _set_aside(path: Path) -> None:
    try:
        path.replace(path.with_name(f"{path.name}.damaged-{int(time.time())}"))
    except OSError:
        pass


def _save(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write a sibling file, then rename: a crash mid-write never leaves half a file behind.
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.replace(tmp, path)


def record_attempt(section: str, item_id: str, correct: bool, answer, *,
                   path: Path | None = None) -> dict:
    """Add one attempt at a quiz item; return that item's record."""
    path = path or progress_path()
    data = load(path)
    record = data["quizzes"].setdefault(
        item_id, {"section": section, "attempts": 0, "correct": False,
                  "first_try_correct": None, "answers": []}
    )
    record["section"] = section
    if record["attempts"] == 0:
        record["first_try_correct"] = bool(correct)
    record["attempts"] += 1
    record["correct"] = record["correct"] or bool(correct)
    record["last_answer_correct"] = bool(correct)
    record["answers"] = (record.get("answers", []) + [answer])[-10:]
    record["last_attempt"] = datetime.now(UTC).isoformat(timespec="seconds")
    _save(data, path)
    return record


def summary(path: Path | None = None) -> dict[str, dict[str, int]]:
    """Per section: items tried, items answered right, items right at the first try."""
    out: dict[str, dict[str, int]] = {}
    for record in load(path)["quizzes"].values():
        row = out.setdefault(record["section"], {"tried": 0, "correct": 0, "first_try": 0})
        row["tried"] += 1
        row["correct"] += bool(record.get("correct"))
        row["first_try"] += bool(record.get("first_try_correct"))
    return out


def missed_items(path: Path | None = None) -> list[str]:
    """Ids of the items not answered right at the first try, most recently tried last."""
    quizzes = load(path)["quizzes"]
    missed = [(r.get("last_attempt", ""), i) for i, r in quizzes.items()
              if not r.get("first_try_correct")]
    return [item_id for _, item_id in sorted(missed)]
