"""Pseudonyms for sharing grades with a teaching team without sharing who is who.

A pseudonym is an HMAC of the student id under a secret key: stable across runs and
assignments (the same student is the same pseudonym everywhere), not reversible without the key,
and not guessable from a list of likely ids (e-mail addresses) without it either. The key lives
apart from what is shared: ``.ownit-private/pseudonym.key`` in the course root (git-ignored,
readable by its owner only), or the file ``$OWNIT_PSEUDONYM_KEY`` names. Whoever holds the key
and the real ids can map a pseudonym back (``ownit grade`` without ``--pseudonymise`` writes the
same rows under real ids). See docs/privacy.md.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "OWNIT_PSEUDONYM_KEY"
PRIVATE_FOLDER = ".ownit-private"


def key_path(root: Path) -> Path:
    env = os.environ.get(KEY_ENV)
    return Path(env) if env else root / PRIVATE_FOLDER / "pseudonym.key"


def load_key(path: Path) -> bytes:
    """The key at ``path``, made (owner-only) the first time."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip().encode()


def pseudonym(key: bytes, student: str) -> str:
    return "student-" + hmac.new(key, student.encode("utf-8"), hashlib.sha256).hexdigest()[:12]


def pseudonymise_rows(rows: list[dict], key: bytes) -> list[dict]:
    """Rows with every student id replaced, in its own column and wherever ``detail`` names it
    (a folder or archive named after the student, say)."""
    out = []
    for row in rows:
        student = row["student_id"]
        alias = pseudonym(key, student)
        detail = str(row.get("detail", "")).replace(student, alias) if student else \
            row.get("detail", "")
        out.append({**row, "student_id": alias, "detail": detail})
    return out
