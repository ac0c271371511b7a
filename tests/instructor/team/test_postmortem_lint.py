"""``ownit postmortem-lint`` on post-mortems written for the tests in the style of public ones,
and on single sentences, headings, action items and timelines for each rule."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from conftest import ROOT
from ownit.cli import main as ownit
from ownit.instructor.team.postmortem_lint import lint_file, lint_text

FIXTURES = ROOT / "tests" / "instructor" / "team" / "fixtures"
REQUIRED = """
## Summary

## Impact

## Timeline

All times UTC.

- 10:00 Something starts.

## Root causes

## Detection

## Resolution

## Lessons learned
"""


def found(findings) -> list[tuple[int, str]]:
    return [(f.line, f.rule) for f in findings]


def test_a_good_post_mortem_is_clean(capsys):
    assert lint_file(FIXTURES / "good_postmortem.md") == []
    assert ownit(["postmortem-lint", str(FIXTURES / "good_postmortem.md")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "clean" in captured.err


def test_a_blameful_post_mortem():
    assert found(lint_file(FIXTURES / "blameful_postmortem.md")) == [
        (9, "blame-person"),  # "Kevin pushed a bad config to production"
        (26, "blame-human-error"),  # "The root cause was human error."
        (26, "blame-judgement"),  # "a careless mistake"
        (26, "blame-should-have"),  # "Kevin should have tested the change"
        (27, "blame-hindsight"),  # "Obviously a config change of this size ..."
        (35, "blame-person"),  # "Kevin forgot to run the linter"
        (35, "whys-stop-at-person"),  # ... and that is where the 5 Whys end
        (43, "blame-person"),  # "The on-call engineer failed to notice the alert"
        (50, "action-vague"),  # "Kevin to be more careful with config changes"
    ]


def test_a_post_mortem_missing_sections():
    findings = lint_file(FIXTURES / "missing_sections_postmortem.md")
    assert found(findings) == [(1, "missing-section")] * 5
    assert [re.search(r'no "([^"]+)" section', f.message).group(1) for f in findings] == [
        "Timeline", "Root causes and contributing factors", "Detection", "Resolution",
        "Lessons learned"]


def test_a_bad_timeline_and_bad_action_items():
    assert found(lint_file(FIXTURES / "bad_timeline_and_actions_postmortem.md")) == [
        (16, "timeline-timezone"),  # three entries without a zone, the first on line 16
        (18, "timeline-order"),  # 16:12 after 16:20
        (21, "timeline-order"),  # 17:40 UTC after 17:55 UTC
        (41, "action-owner"),  # owner "TBD"
        (41, "action-priority"),  # empty priority cell
        (42, "action-ticket"),  # empty ticket cell
        (42, "action-type"),  # type "fix"
        (42, "action-vague"),  # "Investigate ..."
        (46, "action-owner"), (46, "action-priority"), (46, "action-ticket"),
        (46, "action-type"),  # a bare list item
        (47, "action-priority"), (47, "action-ticket"), (47, "action-type"),
        (47, "action-vague"),  # "Be more careful", though it has an owner
    ]


def test_the_fixtures_flag_every_rule_of_the_issue_and_only_known_rules():
    from ownit.instructor.team.postmortem_lint import RULE_IDS

    seen = {f.rule for path in FIXTURES.glob("*.md") for f in lint_file(path)}
    assert seen <= set(RULE_IDS)
    assert seen >= {"missing-section", "blame-person", "blame-should-have", "blame-judgement",
                    "blame-human-error", "blame-hindsight", "action-owner", "action-type",
                    "action-priority", "action-ticket", "action-vague", "whys-stop-at-person",
                    "timeline-order", "timeline-timezone"}


def lint_sentence(sentence: str, people: str = "Kevin Marsh, Priya Shah") -> list[str]:
    text = f"Authors: {people}\n{REQUIRED}\n## Action items\n\n- none yet\n\n{sentence}\n"
    return sorted({f.rule for f in lint_text(text) if f.rule.startswith("blame-")})


@pytest.mark.parametrize("sentence, rules", [
    ("Kevin pushed a bad config.", ["blame-person"]),
    ("The outage was caused by Kevin.", ["blame-person"]),
    ("It was Kevin's mistake.", ["blame-person"]),
    ("He forgot to rotate the keys.", ["blame-person"]),
    ("The intern deleted the table without checking the backups.", ["blame-person"]),
    ("Someone should've caught this in review.", ["blame-should-have"]),
    ("We shouldn't have deployed on a Friday.", ["blame-should-have"]),
    ("A sloppy rollout plan made it worse.", ["blame-judgement"]),
    ("Root cause: operator error.", ["blame-human-error"]),
    ("It was obvious that the disk would fill.", ["blame-hindsight"]),
    # blameless ones
    ("Kevin rolled back the deploy at 14:20.", []),
    ("The health check failed to respond within 5 seconds.", []),
    ("The default settings were used.", []),  # "default" does not hold "fault"
    ("Human error is never a root cause: we ask what made the slip easy.", []),
    ("The deploy script pushed the config without validating it.", []),
    ("Kevin's alert fired at 14:05.", []),
    ("Kevin rolled back the deploy, which caused the errors to stop.", []),
    ("Kevin noticed that the nightly job had failed to start.", []),
    ("Priya deployed the pool change without testing it.", ["blame-person"]),
    # a name the document never introduced, before a fault only a person makes
    ("After lunch Alice Wong forgot to renew the certificate.", ["blame-person"]),
    ("We forgot to renew the certificate, and we own that.", []),
    ("The Redis failover neglected nothing.", []),
    ("The lazy-loaded module timed out.", []),  # technical words that look like judgement
    ("The API returned a user error response (400).", []),
    ("Kevin accidentally caused the outage.", ["blame-person"]),
])
def test_blame_rules_on_one_sentence(sentence, rules):
    assert lint_sentence(sentence) == rules


def test_a_blame_finding_gives_the_sentence_its_line_and_a_rewording():
    text = (REQUIRED + "\n## Action items\n\n- none\n\n"
            "The rollout was done\ncarelessly by the team.\n")
    finding = next(f for f in lint_text(text) if f.rule == "blame-judgement")
    assert finding.line == text.splitlines().index("The rollout was done") + 1
    assert finding.sentence == "The rollout was done carelessly by the team."
    assert finding.suggestion.startswith('"The rollout was done by the team."')


def test_should_have_is_reworded_without_hindsight():
    finding = next(f for f in lint_text("Ops should have paged the database team.")
                   if f.rule == "blame-should-have")
    assert finding.suggestion.startswith('"Nothing in our process asked for paging the database '
                                         'team."')


@pytest.mark.parametrize("heading", [
    "## Root Cause & Contributing Factors", "## 4. Root causes", "### Why it happened",
    "Root causes\n-----------", "**Root causes:**",
    # a labelled paragraph, as in the SRE book's example post-mortem
    "Root Causes: a resource leak when searches failed.", "**Root causes:** the pool's defaults.",
])
def test_heading_variants_count(heading):
    text = REQUIRED.replace("## Root causes", heading)
    assert "Root causes" not in " ".join(f.message for f in lint_text(text)
                                         if f.rule == "missing-section")


def test_the_word_in_the_body_is_not_a_heading():
    text = REQUIRED.replace("## Detection", "We discuss detection below.")
    assert [f.message[:17] for f in lint_text(text) if f.rule == "missing-section"] == [
        'no "Detection" se', 'no "Action items"']


def timeline(entries: str, heading: str = "## Timeline") -> list[tuple[str, str]]:
    """(the line each timeline finding points at, its rule)."""
    text = REQUIRED.replace("## Timeline\n\nAll times UTC.\n\n- 10:00 Something starts.\n",
                            f"{heading}\n\n{textwrap.dedent(entries)}")
    text += "\n## Action items\n\n- a (owner: Ana, type: prevent, P1, OPS-1)\n"
    lines = text.splitlines()
    return [(lines[f.line - 1], f.rule) for f in lint_text(text) if f.rule.startswith("timeline")]


def test_timeline_zones_can_be_declared_once():
    assert timeline("- 10:00 a\n- 10:05 b\n", heading="## Timeline (all times UTC)") == []
    assert timeline("Times are in UTC.\n\n- 10:00 a\n- 10:05 b\n") == []
    assert timeline("- 10:00 a\n- 10:05 b\n") == [("- 10:00 a", "timeline-timezone")]


def test_timeline_order_converts_offsets_and_follows_dates():
    # 10:30 -04:00 is 14:30 UTC: in order after 14:00 UTC, before 14:45 UTC
    assert timeline("- 14:00 UTC a\n- 10:30 -04:00 b\n- 14:45 UTC c\n") == []
    # 11:30 -04:00 is 15:30 UTC: 14:45 UTC comes after it in the list but earlier in time
    assert timeline("- 14:00 UTC a\n- 11:30 -04:00 b\n- 14:45 UTC c\n") == [
        ("- 14:45 UTC c", "timeline-order")]
    # past midnight with dates is in order; without them it is not
    assert timeline("- 2025-03-01 23:50 UTC a\n- 2025-03-02 00:10 UTC b\n") == []
    assert timeline("- 23:50 UTC a\n- 00:10 UTC b\n") == [("- 00:10 UTC b", "timeline-order")]


def test_timeline_table_with_a_time_column():
    assert timeline("| when | what |\n|---|---|\n| 09:00 UTC | a |\n| 08:59 UTC | b |\n") == [
        ("| 08:59 UTC | b |", "timeline-order")]


def test_action_items_in_a_list():
    text = REQUIRED + textwrap.dedent("""
        ## Action items

        - Validate configs in CI (owner: @mei, type: prevent, P1, OPS-12)
        - Alert on pool saturation
          - Owner: Jonas Berg
          - type: detect, priority: high, https://tracker.example/PAY-9
        - Write the runbook (owner: TBD, type: docs, P2, #41)
        """)
    line = text.splitlines().index("- Write the runbook (owner: TBD, type: docs, P2, #41)") + 1
    assert [(f.line, f.rule) for f in lint_text(text) if f.rule.startswith("action")] == [
        (line, "action-owner"), (line, "action-type")]


def test_an_empty_action_items_section():
    text = REQUIRED + "\n## Action items\n\nWe will discuss them next week.\n"
    assert [f.rule for f in lint_text(text) if f.rule.startswith("action")] == ["action-none"]


def test_a_table_without_an_owner_column_is_reported_once():
    text = REQUIRED + ("\n## Action items\n\n| action | type | priority | ticket |\n|---|---|---|"
                       "---|\n| a | prevent | P1 | OPS-1 |\n| b | detect | P2 | OPS-2 |\n")
    header = text.splitlines().index("| action | type | priority | ticket |") + 1
    assert [(f.line, f.rule) for f in lint_text(text) if f.rule.startswith("action")] == [
        (header, "action-owner")]


def test_five_whys_in_a_table_that_end_at_a_role():
    text = REQUIRED + "\n## Action items\n\n- a (owner: Ana, type: prevent, P1, OPS-1)\n" + (
        "\n## Five whys\n\n| why | because |\n|---|---|\n| Why did it fail? | The DB was full. |\n"
        "| Why was it full? | The new hire ran the import twice. |\n")
    line = len(text.splitlines())
    assert [(f.line, f.rule) for f in lint_text(text) if f.rule.startswith("whys")] == [
        (line, "whys-stop-at-person")]


def test_findings_can_be_switched_off_in_the_document():
    text = REQUIRED.replace("## Lessons learned", "## Lessons learned\n\n"
                            "<!-- postmortem-lint: ignore blame-hindsight -->\n"
                            "Obviously nobody expected the e-mail to go to everyone.\n\n"
                            "It was a careless mistake. <!-- postmortem-lint: ignore all -->\n\n"
                            "A sloppy plan.\n")
    text += "\n<!-- postmortem-lint: ignore-file missing-section -->\n"
    assert [f.rule for f in lint_text(text)] == ["blame-judgement"]  # only "A sloppy plan."


def test_five_whys_as_a_list_under_root_causes():
    chain = ("## Root causes\n\n1. Why did checkout fail? The pool was exhausted.\n"
             "2. Why was it exhausted? It kept the defaults.\n"
             "3. Why the defaults? She never configured it.\n")
    text = REQUIRED.replace("## Root causes\n", chain)
    line = text.splitlines().index("3. Why the defaults? She never configured it.") + 1
    assert [(f.line, f.rule) for f in lint_text(text) if f.rule.startswith("whys")] == [
        (line, "whys-stop-at-person")]
    fixed = text.replace("She never configured it.", "Our service template has no pool step.")
    assert [f for f in lint_text(fixed) if f.rule.startswith("whys")] == []


def test_one_line_per_finding_and_exit_1(capsys):
    path = FIXTURES / "blameful_postmortem.md"
    assert ownit(["postmortem-lint", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 9
    assert all(re.fullmatch(rf"{re.escape(str(path))}:\d+: [a-z-]+: .+", line) for line in lines)


def test_json_output(capsys):
    path = FIXTURES / "missing_sections_postmortem.md"
    assert ownit(["postmortem-lint", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["clean"] is False and data["counts"] == {"missing-section": 5}
    assert data["findings"][0] == {"line": 1, "rule": "missing-section",
                                   "message": data["findings"][0]["message"],
                                   "sentence": None, "suggestion": None}


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
    (b"caf\xe9 latency\n", "not UTF-8 text"),
])
def test_bad_input_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "postmortem.md"
    if content is not None:
        path.write_bytes(content)
    assert ownit(["postmortem-lint", str(path)]) == 2
    assert message in capsys.readouterr().err
