"""Scores explain themselves: each criterion has points and a sentence why, and bad habits cost."""

from __future__ import annotations

import pytest

from ownit.drill import Drill, get_scenario, scenarios, score
from ownit.drill.scoring import reference


def _played(scenario_id: str, moves: list[str]):
    drill = Drill(get_scenario(scenario_id))
    drill.play(moves)
    return {c.id: c for c in score(drill).criteria}, score(drill)


@pytest.mark.parametrize("scenario_id", sorted(scenarios()))
def test_the_model_play_scores_full_marks(scenario_id):
    drill = Drill(get_scenario(scenario_id))
    drill.play(drill.scenario["model_play"])
    result = score(drill)
    assert (result.total, result.max_total) == (100, 100)
    assert result.verdict.startswith("Calm and senior")


def test_every_criterion_has_points_and_a_reason():
    by_id, result = _played("bad_deploy", ["roll_back", "resolve"])
    assert list(by_id) == ["time_to_mitigate", "customer_minutes", "mitigate_first", "cadence",
                           "help_when_stuck", "no_cowboy", "fix_holds"]
    assert all(c.reason.endswith(".") and len(c.reason) > 30 for c in result.criteria)
    assert list(result.table().columns) == ["criterion", "points", "out of", "why"]


def test_no_update_at_all_scores_nothing_for_cadence():
    by_id, _ = _played("bad_deploy", ["acknowledge", "roll_back", "resolve"])
    assert by_id["cadence"].points == 0 and "No status update" in by_id["cadence"].reason


def test_a_late_first_update_and_a_long_silence_cost_points():
    moves = ["acknowledge", "check_logs", "check_dashboards", "check_deploys",
             "post_update",  # first update at minute 15, with stakeholders asking at 10
             "dig_root_cause", "dig_root_cause", "roll_back", "resolve"]  # then > 30 min quiet
    by_id, _ = _played("bad_deploy", moves)
    assert by_id["cadence"].points == 5  # 0 for the late first update, 5 of 10 for one gap
    assert "late" in by_id["cadence"].reason and "gap" in by_id["cadence"].reason


def test_hunting_before_mitigating_costs_points_and_says_so():
    by_id, _ = _played("bad_deploy", ["check_logs", "dig_root_cause", "roll_back", "resolve"])
    assert by_id["mitigate_first"].points == 5
    assert "while customers were still failing" in by_id["mitigate_first"].reason


def test_a_cowboy_move_scores_zero_for_cowboys():
    by_id, result = _played("bad_deploy", ["hotfix_by_hand", "roll_back", "resolve"])
    assert by_id["no_cowboy"].points == 0 and "by hand" in by_id["no_cowboy"].reason
    assert "no cowboy actions" in result.verdict or result.total < 65


@pytest.mark.parametrize("moves, points", [
    (["check_logs", "page_team", "resolve"], 10),  # asked at once
    (["check_logs", "dig_root_cause", "page_team", "resolve"], 5),  # asked late
    (["check_logs", "dig_root_cause", "ship_fix", "resolve"], 0),  # never asked
], ids=["asked at once", "asked late", "never asked"])
def test_help_when_stuck(moves, points):
    by_id, _ = _played("db_pool_exhausted", moves)
    assert by_id["help_when_stuck"].points == points


def test_closing_on_a_band_aid_scores_zero_for_the_fix():
    by_id, _ = _played("image_leak", ["restart", "resolve", "restart", "resolve"])
    assert by_id["fix_holds"].points == 0 and "band-aid" in by_id["fix_holds"].reason


def test_slow_mitigation_scores_less_than_fast():
    fast, _ = _played("bad_deploy", ["roll_back", "resolve"])
    slow, _ = _played("bad_deploy", ["dig_root_cause", "ship_fix", "resolve"])
    assert fast["time_to_mitigate"].points == 20
    assert slow["time_to_mitigate"].points < 10
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
