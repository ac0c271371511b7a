"""What a check reports: one finding, with its line, rule id and message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    line: int
    rule: str
    message: str
    sentence: str | None = None
    suggestion: str | None = None
