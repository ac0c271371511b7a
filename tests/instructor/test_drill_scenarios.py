"""Every scenario in course/drills/ follows the schema and refers only to what exists."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from conftest import ROOT
from ownit.instructor.drill import Drill, ScenarioError, problems, scenarios, score
from ownit.instructor.drill.scenario import load_scenario, schema

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


@pytest.mark.parametrize("scenario_id", sorted(REQUIRED_STORIES))
def test_model_play_investigates_after_mitigating_and_scores_the_maximum(scenario_id):
    drill = Drill(scenarios()[scenario_id])
    drill.play(drill.scenario["model_play"])
    result = score(drill)
    assert result.total == result.max_total, result.table().to_string()
    assert "dig_root_cause" in drill.scenario["model_play"]
    assert drill.root_cause_found
    hunts = [minute for minute, action, _ in drill.moves if action == "dig_root_cause"]
    assert min(hunts) >= drill.lasting_mitigation_at, "mitigate first, then investigate"
    assert drill.hunt_minutes_bleeding == 0


@pytest.mark.parametrize("scenario_id", sorted(REQUIRED_STORIES))
def test_the_briefing_states_the_update_cadence(scenario_id):
    scenario = scenarios()[scenario_id]
    assert f"then one every {scenario['update_every']} minutes" in scenario["briefing"]


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
    ({"update_every": None}, "'update_every' is a required property"),
    ({"update_every": 10}, "10 is less than the minimum of 15"),
    ({"effects.restart.says": "Errors stay at {rate}, nothing changed."},
     "unknown placeholder {rate}"),
    ({"facts.root_cause": None, "effects.dig_root_cause.learn": ["build_412"]},
     "needs a 'root_cause' fact"),
    ({"effects.dig_root_cause.learn": ["build_412"],
      "effects.dig_root_cause.otherwise.learn": ["build_412"]}, "no outcome learns 'root_cause'"),
], ids=["missing effect", "unknown fact learned", "unknown fact required", "unknown action",
        "starts healthy", "otherwise without requires", "bad severity", "no cadence",
        "cadence shorter than a hunting step", "unknown placeholder", "no root cause fact",
        "root cause cannot be found"])
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
