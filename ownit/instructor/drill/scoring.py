"""The score of a played drill, criterion by criterion, each with its points and a sentence why.

The criteria follow the syllabus's four steps of a response, in order: **acknowledge** (the page,
and the right severity), **mitigate** (fast, through the pipeline, before any hunting),
**investigate** (find the root cause once customers are safe), **communicate** (updates on the
scenario's cadence), and then **close** on a fix that holds. Speed is judged against the
scenario's own ``model_play`` (a calm, senior way through it), so a slow-burning incident is not
scored like a fast one.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from functools import cache

import pandas as pd

from ownit.instructor.drill.actions import ACTIONS, urgency
from ownit.instructor.drill.engine import (
    ACK_ESCALATES_AFTER,
    FIRST_UPDATE_DUE,
    INVESTIGATION_STEP,
    Drill,
)
from ownit.instructor.drill.words import count, times

STEPS = ("acknowledge", "mitigate", "investigate", "communicate", "close")
ACK_AT_ONCE = 2  # minutes: the first move, or the second after a one-minute look


@dataclass(frozen=True)
class Criterion:
    id: str
    step: str  # one of STEPS
    title: str
    points: float
    max_points: int
    reason: str

    @property
    def met(self) -> bool:
        return self.points >= self.max_points


@dataclass(frozen=True)
class Score:
    criteria: tuple[Criterion, ...]

    @property
    def total(self) -> int:
        return round(sum(c.points for c in self.criteria))

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.criteria)

    @property
    def share(self) -> float:
        return self.total / self.max_total

    @property
    def verdict(self) -> str:
        zeros = [c.title.lower() for c in self.criteria if c.points == 0]
        if self.share >= 0.85 and not zeros:
            return "Calm and senior: this is how an incident should go."
        if self.share >= 0.65:
            if zeros:
                return f"Solid in places, but nothing earned for: {', '.join(zeros)}."
            return "Solid, with a few habits to sharpen."
        if self.share >= 0.40:
            return "A rough night: customers paid for some of the choices."
        return "The incident ran you, rather than the other way round."

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(c.step, c.title, round(c.points, 1), c.max_points, c.reason)
             for c in self.criteria],
            columns=["step", "criterion", "points", "out of", "why"],
        ).astype({"step": "string", "criterion": "string", "why": "string"})


@cache
def _reference(scenario_json: str) -> tuple[int, float]:
    scenario = json.loads(scenario_json)
    model = Drill(scenario)
    model.play(scenario["model_play"])
    if model.lasting_mitigation_at is None:
        raise ValueError(f"the model play of {scenario['id']!r} never mitigates the incident")
    return model.lasting_mitigation_at, model.customer_minutes


def reference(scenario: dict) -> tuple[int, float]:
    """Minutes to a lasting mitigation and customer-minutes lost when played well."""
    return _reference(json.dumps(scenario, sort_keys=True))


def _scaled(value: float, good: float, bad: float, points: int) -> float:
    """Full points at or below ``good``, none at or above ``bad``, a straight line between."""
    if value <= good:
        return float(points)
    if value >= bad:
        return 0.0
    return points * (bad - value) / (bad - good)


# -- acknowledge ----------------------------------------------------------------------------------
def _acknowledge(drill: Drill) -> Criterion:
    title, most = "Page acknowledged early", 10
    at = drill.acknowledged_at

    def made(points: float, reason: str) -> Criterion:
        return Criterion("acknowledge", "acknowledge", title, points, most, reason)

    if at is None:
        return made(0, "The page was never acknowledged: it escalated to the secondary and the "
                       "manager, and nobody could tell who owned the incident.")
    if at <= ACK_AT_ONCE:
        return made(most, f"Acknowledged at minute {at}: “I'm on it” before anything else, so "
                          "everyone knew who owned it.")
    if at < ACK_ESCALATES_AFTER:
        return made(5, f"Acknowledged at minute {at}, after other moves: the pager kept "
                       "ringing meanwhile. Acknowledge first, then look.")
    return made(2, f"Acknowledged only at minute {at}, after the page had escalated to the "
                   f"manager at minute {ACK_ESCALATES_AFTER}.")


def _severity(drill: Drill) -> Criterion:
    title, most = "Severity declared", 10
    wanted = drill.scenario["severity"]

    def made(points: float, reason: str) -> Criterion:
        return Criterion("severity", "acknowledge", title, points, most, reason)

    if not drill.declared:
        return made(0, f"No incident was declared; this one deserved {wanted}, which brings "
                       "in the right people at the right urgency.")
    too_low = [(m, level) for m, level in drill.declared if urgency(level) < urgency(wanted)]
    final = drill.declared[-1][1]
    if not too_low:
        if urgency(final) == urgency(wanted):
            return made(most, f"Declared {final}, the right size for this incident.")
        return made(most, f"Declared {final} for what turned out to be a {wanted}: when unsure, "
                          "sizing up is the right way to be wrong.")
    minute, low = too_low[0]
    if urgency(final) >= urgency(wanted):
        return made(5, f"Declared {low} at minute {minute}, lower than this {wanted} "
                       f"deserved, and raised it to {final} later: the first pages went out "
                       "at the wrong urgency.")
    return made(0, f"Declared {final} for a {wanted} incident: other teams treated its pages "
                   "as something for later. When unsure, take the higher severity.")


# -- mitigate -------------------------------------------------------------------------------------
def _time_to_mitigate(drill: Drill, ref_minutes: int) -> Criterion:
    title, most = "Time to a lasting mitigation", 15
    minutes = drill.lasting_mitigation_at

    def made(points: float, reason: str) -> Criterion:
        return Criterion("time_to_mitigate", "mitigate", title, points, most, reason)

    if minutes is None:
        return made(0, "Customers were still failing when the drill ended: nothing stopped the "
                       "bleeding for good.")
    points = _scaled(minutes, ref_minutes + 5, max(60, 3 * ref_minutes), most)
    gave_way = ""
    if drill.first_mitigated_at is not None and drill.first_mitigated_at < minutes:
        gave_way = (f" An earlier mitigation at minute {drill.first_mitigated_at} gave way, "
                    "and a relapse is not a mitigation: the clock ran on.")
    return made(points, f"Healthy for good from minute {minutes} after the page; a calm "
                        f"response to this incident gets there in about {ref_minutes}."
                        f"{gave_way}")


def _customer_minutes(drill: Drill, ref: float) -> Criterion:
    title, most = "Customer-minutes lost", 5
    lost = drill.customer_minutes
    points = _scaled(lost, 1.25 * ref, 5 * ref, most)
    return Criterion("customer_minutes", "mitigate", title, points, most,
                     f"{lost:,.0f} customer-minutes lost (customers affected × minutes, from the "
                     f"onset); played well, this incident costs about {ref:,.0f}.")


def _through_pipeline(drill: Drill) -> Criterion:
    title, most = "Mitigated through the pipeline", 15

    def made(points: float, reason: str) -> Criterion:
        return Criterion("through_pipeline", "mitigate", title, points, most, reason)

    if drill.cowboy_moves:
        return made(0, f"Production was edited by hand ({times(len(drill.cowboy_moves))}): "
                       "unreviewed, unrecorded, and undone or made worse by the next deploy. "
                       "The Cowboy's fix is never the fast one.")
    if drill.mitigated_by is None:
        return made(most // 2, "No hand edits, but no change through the pipeline stopped the "
                               "bleeding either.")
    move = ACTIONS[drill.mitigated_by].label.lower()
    return made(most, f"The lasting mitigation came through an audited path (the move: "
                      f"“{move}”) that anyone can see and repeat; no hand edits on production.")


# -- investigate ----------------------------------------------------------------------------------
def _mitigate_first(drill: Drill) -> Criterion:
    title, most = "Mitigation before root-cause hunting", 10
    minutes = drill.hunt_minutes_bleeding
    if minutes == 0:
        return Criterion("mitigate_first", "investigate", title, most, most,
                         "No root-cause hunting while customers were failing: stop the "
                         "bleeding, then investigate.")
    points = 5 if minutes <= INVESTIGATION_STEP else 0
    return Criterion("mitigate_first", "investigate", title, points, most,
                     f"Spent {minutes} min hunting for the root cause while customers were "
                     "still failing; a rollback, restart or other mitigation first would have "
                     "bought the time to hunt calmly.")


def _root_cause(drill: Drill) -> Criterion:
    title, most = "Root cause found", 10
    if drill.root_cause_found:
        return Criterion("root_cause", "investigate", title, most, most,
                         "The investigation found the root cause, so the post-mortem can fix "
                         "the system and not only the symptom.")
    return Criterion("root_cause", "investigate", title, 0, most,
                     "The root cause was not found in the drill: once customers are safe, "
                     "“now that the site is up, let's find the root cause”.")


# -- communicate ----------------------------------------------------------------------------------
def _cadence(drill: Drill) -> Criterion:
    title, most = "Updates on cadence", 15
    every = drill.update_every

    def made(points: float, reason: str) -> Criterion:
        return Criterion("cadence", "communicate", title, points, most, reason)

    if not drill.updates:
        return made(0, "No status update at all: support, leadership and waiting teams learned "
                       "nothing from the people who knew most.")
    first = drill.updates[0]
    first_points = 5 if first <= FIRST_UPDATE_DUE else 2 if first <= 2 * FIRST_UPDATE_DUE else 0
    marks = [0, *drill.updates, drill.minute]  # silence before the first update counts too
    late = sum(1 for a, b in itertools.pairwise(marks) if drill.open_minutes(a, b) > every)
    rhythm_points = {0: 5, 1: 2}.get(late, 0)
    healthy = drill.lasting_mitigation_at
    told = healthy is not None and any(m > healthy for m in drill.updates)
    when = "on time" if first <= FIRST_UPDATE_DUE else "late"
    gaps = (f"never more than {every} min of silence after it" if not late
            else f"then {count(late, 'gap')} of more than {every} min "
                 "without news")
    close = ("an update told everyone when it was mitigated" if told
             else "nobody was told it was mitigated" if healthy is not None
             else "it was never mitigated, so there was no all-clear to post")
    return made(first_points + rhythm_points + (5 if told else 0),
                f"First update at minute {first} ({when}: due within {FIRST_UPDATE_DUE}), "
                f"{gaps} (this scenario's cadence), and {close}.")


def _help(drill: Drill) -> Criterion:
    title, most = "Help asked when stuck", 5

    def made(points: float, reason: str) -> Criterion:
        return Criterion("help_when_stuck", "communicate", title, points, most, reason)

    if drill.stuck_at is None:
        return made(most, "Never stuck long enough to need another pair of hands.")
    if any(m <= drill.stuck_at + 10 for m in drill.help_asked):
        return made(most, f"Stuck from minute {drill.stuck_at}, and help was asked within ten "
                          "minutes: the Freeze avoided.")
    if drill.help_asked:
        return made(2, f"Stuck from minute {drill.stuck_at}, but help came only at minute "
                       f"{drill.help_asked[0]}; asking early costs nothing.")
    return made(0, f"Stuck from minute {drill.stuck_at} and never asked for help: someone who "
                   "knows that system could have shortened this.")


# -- close ----------------------------------------------------------------------------------------
def _fix_holds(drill: Drill) -> Criterion:
    title, most = "The fix holds", 5
    pending = drill.relapse is not None

    def made(points: float, reason: str) -> Criterion:
        return Criterion("fix_holds", "close", title, points, most, reason)

    if drill.reopened:
        return made(0, f"Closed on a band-aid and reopened {times(len(drill.reopened))} when it "
                       "gave way: the cause was still there.")
    if drill.resolved_at is not None and drill.mitigated and not pending:
        return made(most, "Closed on a healthy service with nothing waiting to break again.")
    if pending and drill.mitigated:
        return made(0, "The service is up only because of a band-aid: the cause is still there "
                       "and it will break again.")
    if drill.mitigated:
        return made(2, "The service is healthy, but nobody declared the incident resolved.")
    return made(0, "The incident was still running at the end.")


def score(drill: Drill) -> Score:
    """The score of a drill so far (normally called once it is finished)."""
    ref_minutes, ref_cost = reference(drill.scenario)
    return Score((
        _acknowledge(drill),
        _severity(drill),
        _time_to_mitigate(drill, ref_minutes),
        _customer_minutes(drill, ref_cost),
        _through_pipeline(drill),
        _mitigate_first(drill),
        _root_cause(drill),
        _cadence(drill),
        _help(drill),
        _fix_holds(drill),
    ))
