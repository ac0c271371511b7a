"""Due dates, timestamps and late penalties, the nbgrader way.

nbgrader keeps an assignment's due date in the course gradebook (``nbgrader db assignment add ID
--duedate=...`` or formgrader), reads each submission's ``timestamp.txt`` while autograding, and
lets ``AssignLatePenalties`` call a ``LateSubmissionPlugin`` (``penalty_method``, or a subclass
named in ``c.AssignLatePenalties.plugin_class``) configured in the course's
``nbgrader_config.py``. Own It grades in private scratch courses, so these rules are read here
once, from the course, and carried to every worker as plain data.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from pathlib import Path

TIMESTAMP_FILE = "timestamp.txt"
# The config sections that decide a late penalty; nothing else of the course's file is used.
PLUGIN_SECTION = "AssignLatePenalties"
BASE_PLUGIN = "LateSubmissionPlugin"


class BadLateRules(ValueError):
    """The course's late-penalty settings cannot be used (the message says what to change)."""


def due_date(root: Path, assignment_id: str) -> str | None:
    """The assignment's due date in the course gradebook (ISO, UTC, naive as nbgrader stores it),
    or None. A course without a gradebook has no due dates (and none is created here)."""
    db = root / "gradebook.db"
    if not db.is_file():
        return None
    from nbgrader.api import Gradebook, MissingEntry

    warnings.filterwarnings("ignore", message=".*not in session.*")
    with Gradebook(f"sqlite:///{db}") as gb:
        try:
            assignment = gb.find_assignment(assignment_id)
        except MissingEntry:
            return None
        return assignment.duedate.isoformat() if assignment.duedate else None


def _plugin_path(value) -> str:
    if isinstance(value, str):
        return value
    module = getattr(value, "__module__", "")
    if module in ("__main__", "nbgrader_config", "builtins") or "<" in value.__qualname__:
        raise BadLateRules(
            f"the late-penalty plugin {value.__qualname__} is defined inside nbgrader_config.py; "
            "Own It grades in separate processes and cannot import it from there. Put the class "
            "in a module beside nbgrader_config.py (e.g. late.py) and set "
            "c.AssignLatePenalties.plugin_class = 'late.ClassName'.")
    return f"{module}.{value.__qualname__}"


def late_rules(root: Path) -> dict:
    """The late-penalty settings of the course's ``nbgrader_config.py``, as JSON-able data:
    ``{"plugin_class": "module.Name" or None, "sections": {section: {trait: value}}}``."""
    path = root / "nbgrader_config.py"
    if not path.is_file():
        return {"plugin_class": None, "sections": {}}
    from traitlets.config.loader import PyFileConfigLoader

    _on_path(root)
    try:
        config = PyFileConfigLoader(path.name, path=str(root)).load_config()
    except Exception as exc:  # noqa: BLE001 - any failure of the course's file reads the same
        raise BadLateRules(f"{path.name} is broken ({type(exc).__name__}: {exc}); fix it, then "
                           "grade again") from None
    plugin = config[PLUGIN_SECTION].get("plugin_class") if PLUGIN_SECTION in config else None
    plugin_path = _plugin_path(plugin) if plugin is not None else None
    names = {BASE_PLUGIN}
    if plugin_path:  # every class of the plugin's lineage may hold its settings
        names |= {k.__name__ for k in _import(plugin_path, root).__mro__}
    sections = {}
    for name in sorted(names):
        if name in config and config[name]:
            sections[name] = {k: _plain(v, k) for k, v in config[name].items()}
    rules = {"plugin_class": plugin_path, "sections": sections}
    if plugin_path:  # where the workers import it from
        rules["root"] = str(root)
    return rules


def extensions(root: Path, assignment_id: str) -> str:
    """Extensions of the due date granted in the course gradebook (``gb.grant_extension`` or
    formgrader), as JSON ``{student: seconds}``; empty when there are none."""
    db = root / "gradebook.db"
    if not db.is_file():
        return ""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{db}") as gb:
        try:
            subs = gb.find_assignment(assignment_id).submissions
        except MissingEntry:
            return ""
        found = {s.student.id: s.extension.total_seconds() for s in subs if s.extension}
    return json.dumps(found, sort_keys=True) if found else ""


def grant_in_worker(db: Path, assignment_id: str, student_id: str, granted: str) -> None:
    """Give the student's extension (``granted``: JSON of :func:`extensions`) to the worker's
    copy of the gradebook, before nbgrader reads the timestamp."""
    seconds = json.loads(granted).get(student_id) if granted else None
    if not seconds:
        return
    from datetime import timedelta

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        gb.update_or_create_student(student_id)
        gb.update_or_create_submission(assignment_id, student_id,
                                       extension=timedelta(seconds=seconds))


def _plain(value, key: str):
    try:
        json.dumps(value)
    except TypeError:
        raise BadLateRules(f"late-penalty setting {key} = {value!r} is not plain data "
                           "(a number, text, a list or a dict)") from None
    return value


def _on_path(root: Path) -> None:
    """nbgrader puts the folder it runs in on sys.path, so a plugin module beside
    nbgrader_config.py imports; the course root plays that part here."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))


def _import(dotted: str, root: Path):
    _on_path(root)
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise BadLateRules(f"cannot import the late-penalty plugin {dotted!r} ({exc}); "
                           "put its module beside nbgrader_config.py") from None


def apply_late_rules(config, rules: str | None) -> None:
    """Put the course's late-penalty settings (``rules``: JSON of :func:`late_rules`) into a
    worker's nbgrader config."""
    if not rules:
        return
    data = json.loads(rules)
    if data.get("plugin_class"):
        config[PLUGIN_SECTION].plugin_class = _import(data["plugin_class"], Path(data["root"]))
    for section, traits in data.get("sections", {}).items():
        for key, value in traits.items():
            setattr(config[section], key, value)


def set_due_date(db: Path, assignment_id: str, duedate: str | None) -> None:
    """Write the course's due date into a generated assignment's gradebook."""
    if duedate is None:
        return
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        gb.update_or_create_assignment(assignment_id, duedate=duedate)


def late_detail(penalty: float, seconds_late: float) -> str:
    """``grades.csv`` words for a late submission."""
    hours, rest = divmod(int(seconds_late), 3600)
    late = f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min {rest % 60} s"
    if penalty:
        return f"submitted {late} late: late penalty {penalty:g} points taken off"
    return f"submitted {late} late: no late penalty"
