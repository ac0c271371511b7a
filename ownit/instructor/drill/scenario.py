"""Scenarios are data files in ``course/drills/*.json``; this module finds, loads and checks them.

A scenario that breaks the schema, or refers to a fact or an action that does not exist, is
rejected with every problem listed, so an author fixes them all in one pass.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pandas as pd

from ownit.instructor.drill.actions import ACTIONS
from ownit.instructor.drill.engine import PLACEHOLDER, PLACEHOLDERS
from ownit.paths import course_root

SCHEMA_PATH = Path(__file__).with_name("scenario.schema.json")


class ScenarioError(ValueError):
    """A scenario file that cannot be played; the message lists every problem found."""


def drills_dir(root: Path | None = None) -> Path:
    return (root or course_root()) / "course" / "drills"


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _outcomes(effect: dict):
    yield effect
    if "otherwise" in effect:
        yield effect["otherwise"]


def problems(scenario: dict) -> list[str]:
    """Every problem with a scenario, in words; empty when it can be played."""
    found = [
        f"{'/'.join(map(str, err.absolute_path)) or '(top)'}: {err.message}"
        for err in jsonschema.Draft202012Validator(schema()).iter_errors(scenario)
    ]
    if found:
        return found  # the checks below assume the shape the schema guarantees
    facts = set(scenario["facts"])
    for action_id, effect in scenario["effects"].items():
        for fact in effect.get("requires", []):
            if fact not in facts:
                found.append(f"effects/{action_id}/requires: no fact {fact!r} in facts")
        for outcome in _outcomes(effect):
            for fact in outcome.get("learn", []):
                if fact not in facts:
                    found.append(f"effects/{action_id}: learns {fact!r}, which is not in facts")
    for action_id, effect in scenario["effects"].items():
        for outcome in _outcomes(effect):
            for name in PLACEHOLDER.findall(outcome["says"]):
                if name not in PLACEHOLDERS:
                    found.append(f"effects/{action_id}/says: unknown placeholder {{{name}}}; "
                                 f"known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
    if "root_cause" not in facts:
        found.append("facts: needs a 'root_cause' fact, what the investigation finds")
    elif not any("root_cause" in outcome.get("learn", [])
                 for outcome in _outcomes(scenario["effects"]["dig_root_cause"])):
        found.append("effects/dig_root_cause: no outcome learns 'root_cause'; the hunt must be "
                     "able to find it")
    stuck = scenario["stuck_when_known"]
    if stuck is not None and stuck not in facts:
        found.append(f"stuck_when_known: no fact {stuck!r} in facts")
    unknown = [a for a in scenario["model_play"] if a not in ACTIONS]
    if unknown:
        found.append(f"model_play: unknown actions {unknown}; known: {sorted(ACTIONS)}")
    elif scenario["model_play"][-1] != "resolve":
        found.append("model_play: should end with 'resolve'")
    if not scenario["baseline_error_rate"] <= scenario["healthy_error_rate"]:
        found.append("healthy_error_rate: must be at least baseline_error_rate")
    if scenario["start"]["error_rate"] <= scenario["healthy_error_rate"]:
        found.append("start/error_rate: the incident must start above healthy_error_rate")
    return found


def validate(scenario: dict, source: str = "scenario") -> dict:
    found = problems(scenario)
    if found:
        raise ScenarioError(f"{source} cannot be played:\n  " + "\n  ".join(found))
    return scenario


def load_scenario(path: Path) -> dict:
    """One scenario file, checked; raises ScenarioError naming the file and each problem."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path} is not valid JSON: {exc}") from exc
    return validate(data, str(path))


def scenarios(root: Path | None = None) -> dict[str, dict]:
    """Every scenario in ``course/drills/``, by id, in file-name order."""
    found: dict[str, dict] = {}
    for path in sorted(drills_dir(root).glob("*.json")):
        scenario = load_scenario(path)
        if scenario["id"] in found:
            raise ScenarioError(f"{path}: the id {scenario['id']!r} is used by another scenario")
        found[scenario["id"]] = scenario
    return found


def get_scenario(scenario_id: str, root: Path | None = None) -> dict:
    known = scenarios(root)
    if scenario_id not in known:
        raise ScenarioError(f"No drill scenario {scenario_id!r}; choose one of {sorted(known)}.")
    return known[scenario_id]


def catalogue(root: Path | None = None) -> pd.DataFrame:
    """The scenarios as a table a facilitator can choose from."""
    rows = [(sid, s["title"], s["service"], s["severity"], s["other_team"])
            for sid, s in scenarios(root).items()]
    frame = pd.DataFrame(rows, columns=["id", "title", "service", "severity (in hindsight)",
                                        "other team involved"])
    return frame.astype("string").set_index("id")
