"""Counts in proper English, for the drill's messages and its post-mortem draft."""

from __future__ import annotations


def times(n: int) -> str:
    """1 -> "once", 2 -> "twice", 3 -> "3 times"."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def count(n: int, noun: str, plural: str | None = None) -> str:
    """1 -> "1 gap", 2 -> "2 gaps"; ``plural`` for nouns that do not just take an s."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def proper(name: str) -> str:
    """A name at the start of a sentence: "orders API" -> "Orders API" (not "Orders api")."""
    return name[:1].upper() + name[1:]
