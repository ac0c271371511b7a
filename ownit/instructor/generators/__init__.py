"""Seeded data generators for the exercises: one module per assignment, named after its id.

Each module ``ownit.instructor.generators.<assignment_id>`` has ``write(folder: Path) ->
list[Path]``, which
writes that exercise's data files into ``folder`` with a fixed seed, byte for byte the same on
every run. ``python -m ownit.instructor.generators [ID ...]`` rewrites ``solutions/<id>/data/``;
afterwards
run ``ownit release`` so ``exercises/`` gets the same files.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType


def generator(assignment_id: str) -> ModuleType | None:
    """The generator module of an assignment, or None when it has no generated data."""
    try:
        return importlib.import_module(f"{__name__}.{assignment_id}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{assignment_id}":
            return None
        raise


def write(assignment_id: str, folder: Path) -> list[Path]:
    module = generator(assignment_id)
    if module is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    return module.write(folder)
