"""Every scenario in course/drills/ follows the schema and refers only to what exists."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from conftest import ROOT
from ownit.drill import Drill, ScenarioError, problems, scenarios
from ownit.drill.scenario import load_scenario, schema

FILES = sorted((ROOT / "course" / "drills").glob("*.json"))
REQUIRED_STORIES = {"bad_deploy", "db_pool_exhausted", "image_leak", "config_push"}


def test_the_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_the_issue_s_four_stories_are_there():
    assert len(FILES) >= 3
    assert REQUIRED_STORIES <= set(scenarios())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_file_is_playable(path):
    scenario = json.loads(path.read_text(encoding="utf-8"))
    assert problems(scenario) == []
    assert scenario["id"] == path.stem, "name the file after the scenario id"


@pytest.mark.parametrize("scenario_id", sorted(REQUIRED_STORIES))
def test_model_play_mitigates_and_resolves(scenario_id):
    drill = Drill(scenarios()[scenario_id])
    drill.play(drill.scenario["model_play"])
    assert drill.finished and drill.resolved_at is not None and drill.mitigated


def _broken(**changes):
    scenario = copy.deepcopy(scenarios()["bad_deploy"])
    for dotted, value in changes.items():
        *path, last = dotted.split(".")
        target = scenario
        for key in path:
            target = target[key]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return scenario


@pytest.mark.parametrize("changes, expected", [
    ({"effects.restart": None}, "'restart' is a required property"),
    ({"effects.roll_back.learn": ["no_such_fact"]}, "learns 'no_such_fact'"),
    ({"effects.ship_fix.requires": ["ghost"]}, "no fact 'ghost'"),
    ({"model_play": ["acknowledge", "teleport", "resolve"]}, "unknown actions ['teleport']"),
    ({"start.error_rate": 0.005}, "must start above healthy_error_rate"),
    ({"effects.roll_back.otherwise": {"says": "a consequence without a condition"}},
     "'requires' is a dependency of 'otherwise'"),
    ({"severity": "SEV-9"}, "SEV-9"),
], ids=["missing effect", "unknown fact learned", "unknown fact required", "unknown action",
        "starts healthy", "otherwise without requires", "bad severity"])
def test_broken_scenarios_are_rejected_with_a_reason(changes, expected):
    found = problems(_broken(**changes))
    assert any(expected in p for p in found), found


def test_loading_a_broken_file_names_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(_broken(**{"effects.restart": None})), encoding="utf-8")
    with pytest.raises(ScenarioError, match="broken.json"):
        load_scenario(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        load_scenario(path)
