"""Scores explain themselves and teach the four steps: acknowledge, mitigate, investigate,
communicate. Each rule has a play that breaks it and costs points."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ROOT
from ownit.instructor.drill import Drill, get_scenario, scenarios, score
from ownit.instructor.drill.actions import urgency
from ownit.instructor.drill.scoring import STEPS, reference


def _played(scenario_id: str, moves: list[str]):
    drill = Drill(get_scenario(scenario_id))
    drill.play(moves)
    result = score(drill)
    return {c.id: c for c in result.criteria}, result


def _model(scenario_id: str) -> list[str]:
    return list(get_scenario(scenario_id)["model_play"])


def _swap(moves: list[str], old: str, new: str | None) -> list[str]:
    assert old in moves
    return [m for m in (new if m == old else m for m in moves) if m is not None]


@pytest.mark.parametrize("scenario_id", sorted(scenarios()))
def test_the_model_play_scores_full_marks(scenario_id):
    by_id, result = _played(scenario_id, _model(scenario_id))
    assert result.total == result.max_total, result.table().to_string()
    assert all(c.met for c in result.criteria)
    assert result.verdict.startswith("Calm and senior")


def test_every_criterion_has_a_step_points_and_a_reason():
    by_id, result = _played("bad_deploy", ["roll_back", "resolve"])
    assert list(by_id) == ["acknowledge", "severity", "time_to_mitigate", "customer_minutes",
                           "through_pipeline", "mitigate_first", "root_cause", "cadence",
                           "help_when_stuck", "fix_holds"]
    assert [c.step for c in result.criteria] == sorted(
        (c.step for c in result.criteria), key=STEPS.index), "criteria in the syllabus's order"
    assert {c.step for c in result.criteria} == set(STEPS)
    assert all(c.reason.endswith(".") and len(c.reason) > 30 for c in result.criteria)
    assert list(result.table().columns) == ["step", "criterion", "points", "out of", "why"]


# -- acknowledge ----------------------------------------------------------------------------------

def test_a_play_that_never_acknowledges_cannot_score_full_marks():
    by_id, result = _played("bad_deploy", _swap(_model("bad_deploy"), "acknowledge", None))
    assert by_id["acknowledge"].points == 0 and "never acknowledged" in by_id["acknowledge"].reason
    assert result.total < result.max_total


def test_a_late_acknowledgement_costs_points():
    moves = ["check_deploys", "check_dashboards", *_model("bad_deploy")]  # ack at minute 9
    by_id, _ = _played("bad_deploy", moves)
    assert 0 < by_id["acknowledge"].points < by_id["acknowledge"].max_points
    assert "escalated" in by_id["acknowledge"].reason


# -- severity -------------------------------------------------------------------------------------

def test_declaring_a_lower_severity_costs_points():
    by_id, result = _played("bad_deploy", _swap(_model("bad_deploy"), "declare_sev2",
                                                "declare_sev3"))
    assert by_id["severity"].points == 0 and "SEV-3 for a SEV-2" in by_id["severity"].reason
    assert result.total < result.max_total


def test_declaring_a_higher_severity_when_unsure_keeps_full_marks():
    by_id, result = _played("bad_deploy", _swap(_model("bad_deploy"), "declare_sev2",
                                                "declare_sev1"))
    assert by_id["severity"].met and "sizing up" in by_id["severity"].reason
    assert result.total == result.max_total


def test_raising_a_too_low_severity_earns_part_of_the_points():
    moves = _swap(_model("db_pool_exhausted"), "declare_sev1", "declare_sev2")
    moves.insert(moves.index("post_update") + 1, "declare_sev1")
    by_id, _ = _played("db_pool_exhausted", moves)
    assert by_id["severity"].points == 5 and "raised it to SEV-1" in by_id["severity"].reason


def test_severities_compare_as_levels_not_strings():
    assert urgency("SEV-1") > urgency("SEV-2") > urgency("SEV-3")
    with pytest.raises(ValueError, match="No severity 'SEV-9'"):
        urgency("SEV-9")
    by_id, _ = _played("config_push", _swap(_model("config_push"), "declare_sev1",
                                            "declare_sev2"))
    assert by_id["severity"].points == 0 and "SEV-2 for a SEV-1" in by_id["severity"].reason


def test_no_declaration_scores_nothing_for_severity():
    by_id, _ = _played("bad_deploy", _swap(_model("bad_deploy"), "declare_sev2", None))
    assert by_id["severity"].points == 0 and "No incident was declared" in by_id["severity"].reason


# -- mitigate -------------------------------------------------------------------------------------

def test_mitigating_through_the_pipeline_is_rewarded():
    by_id, _ = _played("bad_deploy", ["roll_back", "resolve"])
    assert by_id["through_pipeline"].met and "roll back" in by_id["through_pipeline"].reason


def test_a_cowboy_fix_is_penalised():
    moves = _model("bad_deploy")
    moves.insert(moves.index("roll_back"), "hotfix_by_hand")
    by_id, result = _played("bad_deploy", moves)
    assert by_id["through_pipeline"].points == 0 and "by hand" in by_id["through_pipeline"].reason
    assert result.total < result.max_total


def test_a_relapse_is_not_a_mitigation():
    # The hand fix on config_push works for five minutes, then the config service undoes it.
    moves = ["acknowledge", "declare_sev1", "post_update", "hotfix_by_hand", "check_logs",
             "check_deploys", "roll_back", "post_update", "resolve"]
    drill = Drill(get_scenario("config_push"))
    drill.play(moves)
    by_id = {c.id: c for c in score(drill).criteria}
    ref_minutes, _ = reference(get_scenario("config_push"))
    assert drill.first_mitigated_at <= ref_minutes, "the hand fix alone would have been fast"
    assert drill.lasting_mitigation_at > ref_minutes + 5
    assert by_id["time_to_mitigate"].points < by_id["time_to_mitigate"].max_points
    assert f"for good from minute {drill.lasting_mitigation_at}" in by_id["time_to_mitigate"].reason
    assert "gave way" in by_id["time_to_mitigate"].reason


def test_slow_mitigation_scores_less_than_fast():
    fast, _ = _played("bad_deploy", ["roll_back", "resolve"])
    slow, _ = _played("bad_deploy", ["dig_root_cause"] * 4 + ["ship_fix", "resolve"])
    assert fast["time_to_mitigate"].met
    assert slow["time_to_mitigate"].points < fast["time_to_mitigate"].points / 2
    assert slow["customer_minutes"].points < fast["customer_minutes"].points


def test_never_mitigating_scores_zero_on_time():
    drill = Drill(get_scenario("bad_deploy"))
    drill.act("check_logs")
    drill.stop()
    by_id = {c.id: c for c in score(drill).criteria}
    assert by_id["time_to_mitigate"].points == 0
    assert by_id["fix_holds"].points == 0


def test_reference_comes_from_the_model_play():
    minutes, cost = reference(get_scenario("bad_deploy"))
    assert minutes == 13  # ack 1 + declare 1 + update 2 + deploys 2 + rollback 7
    assert cost > 0


# -- investigate ----------------------------------------------------------------------------------

def test_investigating_after_mitigation_with_updates_on_cadence_loses_nothing():
    moves = _model("config_push")
    assert moves.count("dig_root_cause") >= 1
    by_id, result = _played("config_push", moves)
    assert by_id["mitigate_first"].met and by_id["cadence"].met and by_id["root_cause"].met
    assert result.total == result.max_total


def test_not_finding_the_root_cause_costs_points():
    moves = [m for m in _model("bad_deploy") if m != "dig_root_cause"]
    by_id, result = _played("bad_deploy", moves)
    assert by_id["root_cause"].points == 0 and "not found" in by_id["root_cause"].reason
    assert result.total < result.max_total


def test_hunting_before_mitigating_costs_points_and_says_so():
    one, _ = _played("bad_deploy", ["check_logs", "dig_root_cause", "roll_back", "resolve"])
    assert one["mitigate_first"].points == 5
    assert "while customers were" in one["mitigate_first"].reason
    two, _ = _played("bad_deploy", ["check_logs", "dig_root_cause", "dig_root_cause",
                                    "roll_back", "resolve"])
    assert two["mitigate_first"].points == 0 and two["root_cause"].met


# -- communicate ----------------------------------------------------------------------------------

def test_no_update_at_all_scores_nothing_for_cadence():
    by_id, _ = _played("bad_deploy", ["acknowledge", "roll_back", "resolve"])
    assert by_id["cadence"].points == 0 and "No status update" in by_id["cadence"].reason


def test_a_missed_update_during_the_investigation_costs_points():
    # config_push states a 20-minute cadence: skipping the update between the hunt's steps
    # leaves 21 minutes of silence.
    moves = _model("config_push")
    first_dig = moves.index("dig_root_cause")
    assert moves[first_dig + 1] == "post_update"
    del moves[first_dig + 1]
    by_id, result = _played("config_push", moves)
    assert by_id["cadence"].points == 12 and "1 gap of more than 20 min" in by_id["cadence"].reason
    assert result.total < result.max_total


def test_a_late_first_update_and_long_silences_cost_points():
    moves = ["acknowledge", "check_dashboards", "check_deploys", "restart",
             "post_update",  # first update at minute 15, with stakeholders asking at 10
             *["dig_root_cause"] * 4, "roll_back", "resolve"]  # then 46 min of silence
    by_id, _ = _played("bad_deploy", moves)
    assert by_id["cadence"].points == 2  # late first update, 1 gap, nobody told of the fix
    assert "late" in by_id["cadence"].reason and "gap" in by_id["cadence"].reason


def test_fixing_silently_loses_the_all_clear():
    # The Communicator: the rollback works, and nobody hears about it.
    moves = ["acknowledge", "declare_sev2", "post_update", "check_deploys", "roll_back",
             "resolve"]
    by_id, _ = _played("bad_deploy", moves)
    assert by_id["cadence"].points == 10
    assert "nobody was told it was mitigated" in by_id["cadence"].reason


@pytest.mark.parametrize("moves, points", [
    (["check_logs", "page_team", "resolve"], 5),  # asked at once
    (["check_logs", "dig_root_cause", "dig_root_cause", "page_team", "resolve"], 2),  # late
    (["check_logs", *["dig_root_cause"] * 5, "ship_fix", "resolve"], 0),  # never asked
], ids=["asked at once", "asked late", "never asked"])
def test_help_when_stuck(moves, points):
    by_id, _ = _played("db_pool_exhausted", moves)
    assert by_id["help_when_stuck"].points == points


# -- close ----------------------------------------------------------------------------------------

def test_closing_on_a_band_aid_scores_zero_for_the_fix():
    by_id, _ = _played("image_leak", ["restart", "resolve", "restart", "resolve"])
    assert by_id["fix_holds"].points == 0 and "band-aid" in by_id["fix_holds"].reason


def _score_table(text: str) -> list[tuple[str, str, int]]:
    rows = re.findall(r"^\| (\w+) \| ([^|]+?) \| (\d+) \|", text, re.MULTILINE)
    return [(step, title, int(points)) for step, title, points in rows if step in STEPS]


@pytest.mark.parametrize("document", ["course/incident_drill.ipynb", "docs/facilitator-guide.md"])
def test_the_score_tables_learners_read_match_the_scoring(document):
    path = ROOT / document
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in nbformat.read(path, as_version=4).cells)
    else:
        text = path.read_text(encoding="utf-8")
    _, result = _played("bad_deploy", ["roll_back", "resolve"])
    assert _score_table(text) == [(c.step, c.title.lower(), c.max_points)
                                  for c in result.criteria]
