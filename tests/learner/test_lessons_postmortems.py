"""The post-mortem examples: the 5 Whys checker must accept the syllabus chain and catch the
three ways a chain goes wrong; the incident data must be the same on every run."""

from __future__ import annotations

import pandas as pd
import pytest

from ownit.learner.lessons import postmortems as pm


def kinds(findings):
    return {f.kind for f in findings}


def test_incident_data_is_deterministic():
    pd.testing.assert_frame_equal(pm.incident_metrics(), pm.incident_metrics())
    assert not pm.incident_metrics().equals(pm.incident_metrics(seed=pm.SEED + 1))


def test_incident_metrics_tell_the_story_of_the_events():
    metrics, events = pm.incident_metrics(), pm.incident_events()
    onset = metrics.loc[metrics["error_ratio"] > 0.05, "minute"].min()
    crossed = events.loc[events["event"].str.contains("crosses 5%"), "when"].iloc[0]
    assert onset == crossed
    assert metrics["db_connections"].max() == 200
    recovered = events.loc[events["event"].str.contains("back under"), "when"].iloc[0]
    assert metrics.loc[metrics["minute"] >= recovered, "error_ratio"].max() < 0.005


def test_syllabus_chain_passes():
    assert pm.check_chain(pm.DB_OVERLOAD_PROBLEM, pm.DB_OVERLOAD_CHAIN) == []


@pytest.mark.parametrize("answer", [
    "Kevin pushed a bad config",
    "Priya forgot to run the linter",
    "Human error during the deploy",
    "The new hire ran the migration twice",
    "He skipped the review",
])
def test_person_blaming_answer_is_flagged(answer):
    chain = [("Why did the site crash?", "The site config was broken"),
             ("Why was the config broken?", answer)]
    found = pm.check_chain("The site crashed", chain)
    assert "person" in kinds(found)
    assert any(f.step == 2 for f in found if f.kind == "person")


@pytest.mark.parametrize("answer", [
    "Deploys failed twice", "Postgres rejected new connections", "The DB was overloaded",
    "We don't have a load testing checklist",
])
def test_process_answers_name_no_person(answer):
    assert pm.names_a_person(answer) is None


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_stopping_before_the_checklist_is_flagged(length):
    found = pm.check_chain(pm.DB_OVERLOAD_PROBLEM, pm.DB_OVERLOAD_CHAIN[:length])
    assert kinds(found) == {"stopped_early"}


def test_chain_ending_at_a_person_has_stopped_early():
    chain = [("Why did the site crash?", "Priya deployed the pool change without testing it")]
    assert kinds(pm.check_chain("The site crashed", chain)) == {"person", "stopped_early"}


def test_step_that_explains_nothing_before_it_is_unlinked():
    chain = [*pm.DB_OVERLOAD_CHAIN[:2],
             ("Why is the sky blue?", "Rayleigh scattering"),
             *pm.DB_OVERLOAD_CHAIN[3:]]
    found = pm.check_chain(pm.DB_OVERLOAD_PROBLEM, chain)
    assert [(f.step, f.kind) for f in found] == [(3, "unlinked"), (4, "unlinked")]


def test_empty_chain_has_not_started():
    assert kinds(pm.check_chain("The site crashed", [])) == {"stopped_early"}


def test_builder_is_a_thin_layer_over_the_checker():
    builder = pm.WhysBuilder(pm.DB_OVERLOAD_PROBLEM)
    for question, answer in pm.DB_OVERLOAD_CHAIN[:2]:
        found = builder.add(question, answer)
    assert kinds(found) == {"stopped_early"}
    assert "Ask why once more" in builder.report.value
    for question, answer in pm.DB_OVERLOAD_CHAIN[2:]:
        found = builder.add(question, answer)
    assert found == [] and 'data-icon="correct"' in builder.report.value
    assert builder.question.value == "Why: We don't have a load testing checklist?"
    builder.reset()
    assert builder.steps == [] and "No whys yet" in builder.report.value


def test_action_items_draft_has_good_and_bad_items():
    problems = [pm.action_item_problems(i) for i in pm.draft_action_items().to_dict("records")]
    assert problems[0] == [] and problems[1] == []
    assert any("owner" in p for p in problems[2]) and any("measurable" in p for p in problems[2])
    assert any("type" in p for p in problems[3])


def test_the_chain_reaches_two_of_six_contributing_factors():
    factors = pm.contributing_factors()
    assert len(factors) == 6
    assert set(factors["kind"]) == {"trigger", "latent", "detection", "response"}
    reached = factors[factors["chain_step"] > 0]
    assert reached["chain_step"].tolist() == [4, 5]
    for step, factor in zip(reached["chain_step"], reached["factor"], strict=True):
        answer = pm.DB_OVERLOAD_CHAIN[step - 1][1]
        assert pm.key_words(answer) & pm.key_words(factor), f"step {step} is not about {factor}"
    unknown = factors.loc[~factors["known_at_the_time"], "kind"].tolist()
    assert unknown == ["trigger"], "only the email was unknown to the responders"


def test_the_db_team_delay_matches_the_scribes_events():
    minutes = {e.split(";")[0].split(":")[0]: (w - pm.START) // pd.Timedelta(minutes=1)
               for w, e in pm.incident_events().itertuples(index=False)}
    joined = minutes["DB team joins"]
    declared = next(m for e, m in minutes.items() if e.startswith("Incident declared"))
    paged = next(m for e, m in minutes.items() if e.startswith("On-call paged"))
    factor = pm.contributing_factors()["factor"].iloc[5]
    assert f"{joined - declared} minutes after" in factor and f"{joined - paged} after" in factor


def test_hindsight_table_checkout_was_not_the_odd_one_out():
    pools = pm.pool_settings()
    assert (pools["pool setting"] == "default").sum() == 7 and len(pools) == 8
    assert (pools["peak connections last month"] < pools["db limit"]).all()
    assert pools["peak connections last month"].max() == 118


def test_the_review_agenda_fills_an_hour_timeline_first_actions_late():
    agenda = pm.review_agenda()
    assert agenda["minutes"].sum() == 60
    assert agenda["starts at"].tolist() == [0, 5, 20, 35, 50]
    parts = agenda["part"].tolist()
    assert parts.index("timeline first") < parts.index("contributing factors") \
        < parts.index("action items")


@pytest.mark.parametrize(("question", "problem"), [
    ("Why did Priya deploy the pool change without a load test?", "Priya"),
    ("Why was Kevin on call alone?", "Kevin"),
    ("Who approved the marketing email?", "culprit"),
    ("Why didn't you run the load test?", "culprit"),
    ("The on-call should have paged the DB team sooner, right?", "hindsight"),
    ("Shouldn't we have seen it coming?", "hindsight"),
])
def test_questions_that_blame_are_caught(question, problem):
    assert problem in (pm.question_problems(question) or "")


@pytest.mark.parametrize("question", [
    "What did the dashboards show at 14:28?",
    "How did keeping the defaults make sense at the time?",
    "What would have told us sooner that connections were running out?",
    "Why did the pool open 200 connections?",
    "Why did we keep the defaults?",
])
def test_questions_about_the_system_pass(question):
    assert pm.question_problems(question) is None
