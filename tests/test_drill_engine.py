"""The drill engine: clock, state, consequences and role ownership, without any widget."""

from __future__ import annotations

import pytest

from ownit.drill import Drill, DrillOver, get_scenario
from ownit.drill.engine import INTERRUPTION, STUCK_AFTER


@pytest.fixture
def deploy():
    return Drill(get_scenario("bad_deploy"))


def test_the_clock_moves_by_each_move_s_minutes(deploy):
    assert (deploy.minute, deploy.clock) == (0, "14:02")
    deploy.act("acknowledge")
    deploy.act("check_deploys")
    assert (deploy.minute, deploy.clock) == (3, "14:05")
    assert "Build 412" in deploy.known_facts[-1]


def test_customers_failed_before_the_page_count(deploy):
    # 4 minutes of onset at 9% against a 0.3% baseline, 20,000 active customers
    assert deploy.customer_minutes == 4 * round(20000 * (0.09 - 0.003))


def test_rollback_mitigates_the_bad_deploy(deploy):
    deploy.act("roll_back")
    assert deploy.mitigated and deploy.first_mitigated_at == 7
    assert deploy.customers_affected == 0


def test_a_hand_edit_makes_the_bad_deploy_worse_and_is_recorded(deploy):
    turn = deploy.act("hotfix_by_hand")
    assert deploy.error_rate == pytest.approx(0.14)
    assert deploy.cowboy_moves == [0]
    assert turn.message.startswith("⚠️")
    assert "hand edit on production" in turn.events[-1].what


def test_restart_does_not_fix_a_bad_build(deploy):
    deploy.act("restart")
    assert deploy.error_rate == pytest.approx(0.09)
    assert "No effect" in deploy.timeline[-1].what


def test_silence_makes_stakeholders_escalate_and_costs_time(deploy):
    deploy.act("acknowledge")
    deploy.act("check_logs")  # minute 5
    deploy.act("check_dashboards")  # minute 8
    deploy.act("check_deploys")  # crosses minute 10: first update was due at 5
    assert deploy.escalations == [10]
    assert any(e.who == "stakeholders" for e in deploy.timeline)
    before = deploy.minute
    deploy.act("acknowledge")  # 1 minute, plus the interruption
    assert deploy.minute == before + 1 + INTERRUPTION


def test_an_update_on_time_keeps_stakeholders_calm(deploy):
    deploy.play(["acknowledge", "post_update", "check_logs", "check_dashboards",
                 "check_deploys"])
    assert deploy.escalations == []
    assert deploy.update_texts[0].startswith("Investigating: checkout errors at 9.0%")


def test_an_unacknowledged_page_escalates(deploy):
    deploy.act("check_logs")
    deploy.act("check_dashboards")
    assert "engineering manager" in deploy.paged


def test_leak_restart_buys_time_and_the_leak_returns():
    drill = Drill(get_scenario("image_leak"))
    drill.act("restart")
    assert drill.mitigated and drill.relapse is not None
    turn = drill.act("resolve")  # closing on the band-aid: the clock runs on until it gives way
    assert not drill.finished and drill.reopened == [49]
    assert "reopened" in turn.message and not drill.mitigated


def test_leak_fix_removes_the_relapse():
    drill = Drill(get_scenario("image_leak"))
    drill.play(["restart", "ask_for_help", "dig_root_cause", "ship_fix", "resolve"])
    assert drill.finished and drill.relapse is None and drill.relapses == []


def test_errors_creep_up_while_the_leak_runs():
    drill = Drill(get_scenario("image_leak"))
    drill.act("check_logs")
    assert drill.error_rate == pytest.approx(0.08 + 4 * 0.003)


def test_config_hand_fix_is_pushed_back_by_the_config_service():
    drill = Drill(get_scenario("config_push"))
    drill.act("hotfix_by_hand")
    assert drill.mitigated
    drill.act("check_logs")  # 4 minutes; the re-sync comes after 5
    drill.act("check_dashboards")
    assert not drill.mitigated and drill.relapses


def test_a_fix_needs_a_found_cause_first():
    drill = Drill(get_scenario("config_push"))
    drill.act("ship_fix")
    assert not drill.mitigated
    drill.act("roll_back")  # the code rollback does nothing while nobody knows it is config
    assert not drill.mitigated
    drill.act("check_deploys")
    drill.act("roll_back")
    assert drill.mitigated


def test_pool_incident_gets_stuck_until_the_database_team_helps():
    drill = Drill(get_scenario("db_pool_exhausted"))
    drill.act("check_logs")
    assert drill.stuck_at == 4
    drill.act("page_team")
    assert drill.mitigated and "database engineer" in drill.paged


def test_alone_and_unmitigated_long_enough_counts_as_stuck(deploy):
    deploy.act("dig_root_cause")  # 20 minutes with the stack trace unknown -> 35
    assert deploy.stuck_at == STUCK_AFTER
    assert deploy.hunts_while_bleeding == [0]


def test_resolving_while_customers_fail_is_refused_by_reality(deploy):
    turn = deploy.act("resolve")
    assert not deploy.finished and turn.message.startswith("⚠️ Not yet")


def test_the_drill_ends_at_the_time_limit():
    drill = Drill(get_scenario("bad_deploy"), time_limit=30)
    drill.play(["dig_root_cause", "dig_root_cause"])
    assert drill.finished and drill.minute == 30 and "still running" in drill.ending
    with pytest.raises(DrillOver):
        drill.act("acknowledge")


def test_unknown_moves_are_rejected_with_a_suggestion(deploy):
    with pytest.raises(ValueError, match="Did you mean 'roll_back'"):
        deploy.act("rollback")


# -- team play: moves are accepted from the role that owns them -----------------------------------

@pytest.fixture
def team():
    return Drill(get_scenario("bad_deploy"), team=True)


def test_before_roles_are_assigned_the_commander_holds_them_all(team):
    refused = team.act("check_deploys", "operations")
    assert not refused.accepted and "assign roles" in refused.message
    assert team.minute == 0, "a refused move costs no time"
    assert team.act("check_deploys", "incident_commander").accepted


def test_after_assigning_roles_each_move_needs_its_owner(team):
    team.act("assign_roles", "incident_commander")
    commander_tries = team.act("roll_back", "incident_commander")
    assert not commander_tries.accepted and "does not touch the system" in commander_tries.message
    assert not team.act("post_update", "operations").accepted
    assert team.act("roll_back", "operations").accepted
    assert team.act("post_update", "communications").accepted
    assert team.act("keep_timeline", "scribe").accepted
    assert team.act("ask_for_help", "scribe").accepted, "anyone may ask for help"
    assert {e.who for e in team.timeline if e.action == "roll_back"} == {"Operations"}


def test_team_moves_need_a_role(team):
    turn = team.act("acknowledge", None)
    assert not turn.accepted and "Say who is acting" in turn.message


def test_solo_play_ignores_roles(deploy):
    assert deploy.act("roll_back", "scribe").accepted
