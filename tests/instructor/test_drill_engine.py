"""The drill engine: clock, state, consequences and role ownership, without any widget."""

from __future__ import annotations

import pytest

from ownit.instructor.drill import Drill, DrillOver, get_scenario
from ownit.instructor.drill.engine import INTERRUPTION, INVESTIGATION_STEP, STUCK_AFTER


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
    assert turn.tone == "warn"
    assert "hand edit on production" in turn.events[-1].what


def test_restart_does_not_fix_a_bad_build(deploy):
    turn = deploy.act("restart")
    assert deploy.error_rate == pytest.approx(0.09)
    assert "No effect" in deploy.timeline[-1].what
    assert "Errors stay at 9.0%" in turn.message


def test_messages_read_the_live_error_rate(deploy):
    deploy.act("hotfix_by_hand")  # the typo on host 2 raises errors to 14%
    turn = deploy.act("restart")
    assert "Errors stay at 14.0%" in turn.message and "9%" not in turn.message
    assert "{" not in turn.message


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
    drill.play(["restart", "ask_for_help", "dig_root_cause", "dig_root_cause", "ship_fix",
                "resolve"])
    assert drill.finished and drill.relapse is None and drill.relapses == []


def test_errors_creep_up_while_the_leak_runs():
    drill = Drill(get_scenario("image_leak"))
    drill.act("check_logs")
    assert drill.error_rate == pytest.approx(0.08 + 4 * 0.003)


def test_config_hand_fix_is_pushed_back_by_the_config_service():
    drill = Drill(get_scenario("config_push"))
    drill.act("hotfix_by_hand")
    assert drill.mitigated and drill.lasting_mitigation_at == 6
    drill.act("check_logs")  # 4 minutes; the re-sync comes after 5
    drill.act("check_dashboards")
    assert not drill.mitigated and drill.relapses
    assert drill.lasting_mitigation_at is None, "a relapse is not a mitigation"


def test_the_lasting_mitigation_is_the_one_that_held():
    drill = Drill(get_scenario("config_push"))
    drill.play(["hotfix_by_hand", "check_logs", "check_deploys", "roll_back"])
    assert drill.first_mitigated_at == 6
    assert drill.lasting_mitigation_at == drill.minute and drill.minute > 11
    assert drill.mitigated_by == "roll_back"


def test_the_root_cause_hunt_goes_in_short_steps(deploy):
    deploy.play(["acknowledge", "post_update", "roll_back", "check_logs"])
    assert deploy.escalations == []  # so no interruption stretches the steps below
    # the stack trace (from the logs) makes it a 20-minute hunt
    start = deploy.minute
    first = deploy.act("dig_root_cause")
    assert deploy.minute - start == INVESTIGATION_STEP and not deploy.root_cause_found
    assert "Still digging" in first.message
    deploy.act("post_update")  # Communications posts between steps
    deploy.act("dig_root_cause")
    assert deploy.root_cause_found
    assert deploy.minute - start == 20 + 2
    assert deploy.hunt_minutes_bleeding == 0, "the hunt came after the rollback"
    deploy.act("post_update")
    assert "Root cause identified: Build 412 turned an expired coupon" in deploy.update_texts[-1]


def test_a_fact_learned_mid_hunt_shortens_the_rest(deploy):
    deploy.act("roll_back")
    deploy.act("dig_root_cause")  # blind: the whole diff, 35 minutes; 10 done
    deploy.act("check_logs")  # now the stack trace points at the coupon code: 20 in all
    before = deploy.minute
    deploy.act("dig_root_cause")
    assert deploy.root_cause_found and deploy.minute - before == 10


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
    deploy.play(["dig_root_cause"] * 3)  # the stack trace unknown: 35 minutes, in steps of 10
    assert deploy.stuck_at == STUCK_AFTER
    assert len(deploy.hunts_while_bleeding) == 3 and deploy.hunts_while_bleeding[0] == 0
    assert deploy.hunt_minutes_bleeding == 30


def test_resolving_while_customers_fail_is_refused_by_reality(deploy):
    turn = deploy.act("resolve")
    assert not deploy.finished and turn.message.startswith("Not yet") and turn.tone == "warn"


def test_the_drill_ends_at_the_time_limit():
    drill = Drill(get_scenario("bad_deploy"), time_limit=30)
    drill.play(["dig_root_cause"] * 4)
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
