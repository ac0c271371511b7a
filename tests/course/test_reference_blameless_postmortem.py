"""The reference solution of ``blameless_postmortem`` on the syllabus's own examples, and its data.

No published numbers exist for this exercise, so the module's syllabus is the reference: its bad
and good post-mortem sentences and its 5 Whys chain must be judged the way the syllabus judges
them. The data tests keep ``solutions/blameless_postmortem/data`` reproducible from the seed.
"""

from __future__ import annotations

import pytest

from conftest import solution_namespace

ID = "blameless_postmortem"

SYLLABUS_CHAIN = [
    {"why": "Why did the site crash?", "because": "DB overload."},
    {"why": "Why was the DB overloaded?", "because": "Too many connections."},
    {"why": "Why were there too many connections?",
     "because": "Connection pool wasn't configured."},
    {"why": "Why wasn't it configured?", "because": "We used the default settings."},
    {"why": "Why did we use defaults?", "because": "We don't have a load testing checklist."},
]


@pytest.fixture(scope="module")
def solution() -> dict:
    return solution_namespace(ID)


@pytest.mark.parametrize(("sentence", "flagged"), [
    ("Kevin pushed a bad config.", [(0, ["person_at_fault"])]),
    ("The deployment script didn't validate the config before pushing.", []),
])
def test_syllabus_sentences(solution, sentence, flagged):
    assert solution["blameful_sentences"]([sentence], ["Kevin"]) == flagged


def test_syllabus_five_whys_passes(solution):
    assert solution["five_whys_problems"](SYLLABUS_CHAIN, ["Kevin"]) == []


def test_five_whys_ending_at_a_person_fails(solution):
    chain = [*SYLLABUS_CHAIN[:-1],
             {"why": "Why did we use defaults?", "because": "Because Kevin forgot."}]
    assert solution["five_whys_problems"](chain, ["Kevin"]) == [(5, "names_person")]
