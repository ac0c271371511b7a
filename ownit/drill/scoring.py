"""The score of a played drill, criterion by criterion, each with its points and a sentence why.

Speed is judged against the scenario's own ``model_play`` (a calm, senior way through it), so a
slow-burning incident is not scored like a fast one. The other criteria are habits: mitigate
before hunting, keep stakeholders informed, ask for help when stuck, change production only
through the audited path, and leave a fix that holds.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from functools import cache

import pandas as pd

from ownit.drill.engine import FIRST_UPDATE_DUE, UPDATE_EVERY, Drill


@dataclass(frozen=True)
class Criterion:
    id: str
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
    def verdict(self) -> str:
        share = self.total / self.max_total
        zeros = [c.title.lower() for c in self.criteria if c.points == 0]
        if share >= 0.85 and not zeros:
            return "Calm and senior: this is how an incident should go."
        if share >= 0.65:
            if zeros:
                return f"Solid in places, but nothing earned for: {', '.join(zeros)}."
            return "Solid, with a few habits to sharpen."
        if share >= 0.40:
            return "A rough night: customers paid for some of the choices."
        return "The incident ran you, rather than the other way round."

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(c.title, round(c.points, 1), c.max_points, c.reason) for c in self.criteria],
            columns=["criterion", "points", "out of", "why"],
        ).astype({"criterion": "string", "why": "string"})


@cache
def _reference(scenario_json: str) -> tuple[int, float]:
    scenario = json.loads(scenario_json)
    model = Drill(scenario)
    model.play(scenario["model_play"])
    if model.first_mitigated_at is None:
        raise ValueError(f"the model play of {scenario['id']!r} never mitigates the incident")
    return model.first_mitigated_at, model.customer_minutes


def reference(scenario: dict) -> tuple[int, float]:
    """Minutes to mitigate and customer-minutes lost when the scenario is played well."""
    return _reference(json.dumps(scenario, sort_keys=True))


def _scaled(value: float, good: float, bad: float, points: int) -> float:
    """Full points at or below ``good``, none at or above ``bad``, a straight line between."""
    if value <= good:
        return float(points)
    if value >= bad:
        return 0.0
    return points * (bad - value) / (bad - good)


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _time_to_mitigate(drill: Drill, ref_minutes: int) -> Criterion:
    title, most = "Time to mitigate", 20
    minutes = drill.first_mitigated_at
    if minutes is None:
        return Criterion("time_to_mitigate", title, 0, most,
                         "Customers were still failing when the drill ended: nothing stopped "
                         "the bleeding.")
    points = _scaled(minutes, ref_minutes + 5, max(60, 3 * ref_minutes), most)
    return Criterion("time_to_mitigate", title, points, most,
                     f"Mitigated {minutes} min after the page; a calm response to this incident "
                     f"gets there in about {ref_minutes}. Every minute saved is a minute "
                     "customers can use the service.")


def _customer_minutes(drill: Drill, ref: float) -> Criterion:
    title, most = "Customer-minutes lost", 15
    lost = drill.customer_minutes
    points = _scaled(lost, 1.25 * ref, 5 * ref, most)
    return Criterion("customer_minutes", title, points, most,
                     f"{lost:,.0f} customer-minutes lost (customers affected × minutes, from the "
                     f"onset); played well, this incident costs about {ref:,.0f}.")


def _mitigate_first(drill: Drill) -> Criterion:
    title, most = "Mitigation before root-cause hunting", 15
    hunts = len(drill.hunts_while_bleeding)
    if hunts == 0:
        return Criterion("mitigate_first", title, most, most,
                         "No root-cause hunting while customers were failing: stop the "
                         "bleeding, then investigate.")
    points = 5 if hunts == 1 else 0
    return Criterion("mitigate_first", title, points, most,
                     f"Went hunting for the root cause {_times(hunts)} while customers were "
                     "still failing; a rollback, restart or other mitigation first would have "
                     "bought the time to hunt calmly.")


def _cadence(drill: Drill) -> Criterion:
    title, most = "Updates on cadence", 15
    if not drill.updates:
        return Criterion("cadence", title, 0, most,
                         "No status update at all: support, leadership and waiting teams "
                         "learned nothing from the people who knew most.")
    first = drill.updates[0]
    first_points = 5 if first <= FIRST_UPDATE_DUE else 2 if first <= 2 * FIRST_UPDATE_DUE else 0
    marks = [0, *drill.updates, drill.minute]  # silence before the first update counts too
    late = sum(1 for a, b in itertools.pairwise(marks)
               if drill.open_minutes(a, b) > UPDATE_EVERY)
    points = first_points + max(0, 10 - 5 * late)
    when = "on time" if first <= FIRST_UPDATE_DUE else "late"
    gaps = ("and never more than 30 min of silence after it" if not late
            else f"then {late} gap(s) of more than {UPDATE_EVERY} min without news")
    return Criterion("cadence", title, points, most,
                     f"First update at minute {first} ({when}: due within "
                     f"{FIRST_UPDATE_DUE}), {gaps}. Silence makes stakeholders come and ask, "
                     "which costs the responders time.")


def _help(drill: Drill) -> Criterion:
    title, most = "Help asked when stuck", 10
    if drill.stuck_at is None:
        return Criterion("help_when_stuck", title, most, most,
                         "Never stuck long enough to need another pair of hands.")
    prompt = [m for m in drill.help_asked if m <= drill.stuck_at + 10]
    if prompt:
        return Criterion("help_when_stuck", title, most, most,
                         f"Stuck from minute {drill.stuck_at}, and help was asked within ten "
                         "minutes: the Freeze avoided.")
    if drill.help_asked:
        return Criterion("help_when_stuck", title, 5, most,
                         f"Stuck from minute {drill.stuck_at}, but help came only at minute "
                         f"{drill.help_asked[0]}; asking early costs nothing.")
    return Criterion("help_when_stuck", title, 0, most,
                     f"Stuck from minute {drill.stuck_at} and never asked for help: someone "
                     "who knows that system could have shortened this.")


def _no_cowboy(drill: Drill) -> Criterion:
    title, most = "No cowboy actions", 10
    moves = len(drill.cowboy_moves)
    if not moves:
        return Criterion("no_cowboy", title, most, most,
                         "Every change went through the audited path, so anyone can see and "
                         "repeat what was done.")
    return Criterion("no_cowboy", title, 0, most,
                     f"Production was edited by hand ({_times(moves)}): unreviewed, "
                     "unrecorded, and undone or made worse by the next deploy.")


def _fix_holds(drill: Drill) -> Criterion:
    title, most = "The fix holds", 15
    pending = drill.relapse is not None
    if drill.reopened:
        return Criterion("fix_holds", title, 0, most,
                         f"Closed on a band-aid and reopened {_times(len(drill.reopened))} when "
                         "it gave way: the cause was still there.")
    if drill.resolved_at is not None and drill.mitigated and not pending:
        return Criterion("fix_holds", title, most, most,
                         "Closed on a healthy service with nothing waiting to break again.")
    if pending and drill.mitigated:
        return Criterion("fix_holds", title, 0, most,
                         "The service is up only because of a band-aid: the cause is still "
                         "there and it will break again.")
    if drill.mitigated:
        return Criterion("fix_holds", title, most // 2, most,
                         "The service is healthy, but nobody declared the incident resolved.")
    return Criterion("fix_holds", title, 0, most, "The incident was still running at the end.")


def score(drill: Drill) -> Score:
    """The score of a drill so far (normally called once it is finished)."""
    ref_minutes, ref_cost = reference(drill.scenario)
    return Score((
        _time_to_mitigate(drill, ref_minutes),
        _customer_minutes(drill, ref_cost),
        _mitigate_first(drill),
        _cadence(drill),
        _help(drill),
        _no_cowboy(drill),
        _fix_holds(drill),
    ))
