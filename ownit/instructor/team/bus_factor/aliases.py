"""People git did not merge but who are probably one person: the same name spelled a little
differently, or the same user name at two mail domains. Suggested, never merged: the fix is a
line in ``.mailmap`` (or ``--alias-file``), which the team can review."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ownit.instructor.team.bus_factor.authorship import Developer

NAME_SIMILARITY = 0.85
# Compare at most this many people (the most active): pairs grow with the square.
MOST_ACTIVE = 1500
_GENERIC_USERS = {"admin", "build", "bot", "ci", "contact", "dev", "git", "github", "hello",
                  "info", "mail", "me", "noreply", "no-reply", "root", "support", "team", "user"}


@dataclass(frozen=True)
class AliasSuggestion:
    first: str  # developer keys
    second: str
    reason: str


def _normal_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z]+", plain.lower())
    return " ".join(sorted(words))


def _mail_user(email: str) -> str:
    user = email.lower().partition("@")[0].partition("+")[0].replace(".", "")
    return "" if user in _GENERIC_USERS or len(user) < 4 else user


def suggest_aliases(developers: Iterable[Developer]) -> list[AliasSuggestion]:
    people = sorted(developers, key=lambda d: (-d.commits, d.key))[:MOST_ACTIVE]
    names = [_normal_name(d.name) for d in people]
    users = [_mail_user(d.email) for d in people]
    found = []
    for i, one in enumerate(people):
        matcher = difflib.SequenceMatcher(b=names[i], autojunk=False)
        for j in range(i + 1, len(people)):
            other, reason = people[j], None
            if names[i] and names[i] == names[j]:
                reason = "same name"
            elif users[i] and users[i] == users[j]:
                reason = "same user name in the e-mail address"
            elif len(names[i]) >= 5 and len(names[j]) >= 5:
                matcher.set_seq1(names[j])
                if (matcher.real_quick_ratio() >= NAME_SIMILARITY
                        and matcher.quick_ratio() >= NAME_SIMILARITY
                        and (ratio := matcher.ratio()) >= NAME_SIMILARITY):
                    reason = f"names {ratio:.0%} alike"
            if reason:
                first, second = sorted((one.key, other.key))
                found.append(AliasSuggestion(first, second, reason))
    return sorted(found, key=lambda s: (s.first, s.second))
