"""The drill itself, in plain Python: a clock, the incident's state, and the moves that change it.

Widgets, tests and the facilitator's notebook all drive :class:`Drill` through :meth:`Drill.act`.
Time only moves when someone acts: each move takes its minutes, and whatever the incident does
meanwhile (errors creeping up, a band-aid wearing off, stakeholders losing patience) happens
minute by minute inside those minutes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ownit.instructor.drill.actions import (
    ACTIONS,
    ANYONE,
    INCIDENT_COMMANDER,
    OPERATIONS,
    ROLES,
    severity_of,
    urgency,
)
from ownit.instructor.drill.words import proper

FIRST_UPDATE_DUE = 5  # minutes after the page (PagerDuty: first external update within 5 min)
# Minutes between updates afterwards: each scenario states its own (``update_every``), from
# PagerDuty's guide: about every 30 min for executives, every 20 when customers are watching.
PATIENCE = 5  # minutes past a due update before stakeholders come asking
ACK_ESCALATES_AFTER = 5  # an unacknowledged page goes to the secondary and the manager
STUCK_AFTER = 20  # unmitigated this long after the page, a responder alone counts as stuck
TIME_LIMIT = 150  # minutes: the shift ends, and so does the drill
INTERRUPTION = 3  # minutes lost answering stakeholders who had to come and ask
# Why the root-cause hunt goes in steps: in a real incident Operations digs while Communications
# keeps posting, side by side. The drill's clock is turn by turn, so one 25-40 minute move would
# leave nobody a turn to post and break the update rhythm, punishing the investigation the
# syllabus asks for. Cut into steps of at most 10 minutes (a check-in with the commander, as an
# incident commander would hold anyway), the hunt leaves room for an update between steps; ten
# minutes is shorter than any cadence a scenario may state (the schema's minimum is 15).
INVESTIGATION_STEP = 10
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")  # ``{error_rate}`` in a scenario's words: the live rate
PLACEHOLDERS = ("error_rate",)


class DrillOver(RuntimeError):
    """Raised when a move is made after the incident was resolved or the time ran out."""


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    minute: int  # minutes since the page (the onset is negative)
    clock: str  # HH:MM, UTC
    who: str
    what: str
    error_rate: float
    customers_affected: int
    action: str | None = None  # the move, when a person made one


@dataclass
class Turn:
    """What one move did: accepted or refused, the words to show, and the timeline it added."""

    action: str
    accepted: bool
    message: str
    events: list[Event] = field(default_factory=list)
    # How the outcome feels, for an icon beside the words: "good", "bad", "warn", "info",
    # "refused". The words carry the meaning on their own (no icon is needed to read them).
    tone: str = "info"


def _clock(start: str, minute: int) -> str:
    hours, minutes = map(int, start.split(":"))
    total = (hours * 60 + minutes + minute) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def clock_at(scenario: dict, minute: int) -> str:
    """The wall-clock time (UTC) ``minute`` minutes after the scenario's page."""
    return _clock(scenario["paged_at"], minute)


def percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


class Drill:
    """One incident, played move by move.

    ``team=True`` enforces ownership: once the incident commander has assigned roles, a move is
    accepted only from the role that owns it (until then the commander holds every role, as in
    Google's incident command model). Solo play (the default) lets one person do everything.
    """

    def __init__(self, scenario: dict, *, team: bool = False, time_limit: int = TIME_LIMIT):
        self.scenario = scenario
        self.team = team
        self.time_limit = time_limit
        self.minute = 0
        self.error_rate = float(scenario["start"]["error_rate"])
        self.drift = float(scenario["start"].get("drift_per_minute", 0.0))
        self.max_rate = float(scenario["start"].get("max_error_rate", 1.0))
        self.relapse: tuple[int, dict] | None = None  # (minute it strikes, what it does)
        self.known: list[str] = []
        self.paged: list[str] = ["on-call engineer"]
        self.severity: str | None = None
        self.declared: list[tuple[int, str]] = []  # (minute, level), every declaration in order
        self.acknowledged_at: int | None = None
        self.roles_assigned_at: int | None = None
        self.updates: list[int] = []
        self.update_texts: list[str] = []
        self.cowboy_moves: list[int] = []
        self.hunts_while_bleeding: list[int] = []  # the minute each hunting step began
        self.hunt_minutes_bleeding = 0  # minutes of root-cause hunting while customers failed
        self.hunt_spent = 0  # minutes into the current root-cause hunt
        self.help_asked: list[int] = []
        self.stuck_at: int | None = None
        self.first_mitigated_at: int | None = None
        # The healthy stretch the service is in now: when it began and which move began it. A
        # relapse ends it, so a band-aid that gave way is not the mitigation that counts.
        self.healthy_since: int | None = None
        self.mitigated_by: str | None = None
        self.relapses: list[int] = []
        self.escalations: list[int] = []
        self.timeline_kept: list[int] = []
        self.moves: list[tuple[int, str, str]] = []  # (minute, action id, role id)
        self.done: set[str] = set()
        self.interruption = 0
        self.finished = False
        self.resolved_at: int | None = None
        self.closed_since: int | None = None  # closed on a band-aid, waiting for it to give way
        self.closed_periods: list[tuple[int, int]] = []
        self.reopened: list[int] = []
        self.ending = ""
        onset = scenario["onset_minutes_before_page"]
        start_rate = self.error_rate
        # Customers were failing before anyone was paged: those minutes count too.
        self.customer_minutes = onset * self._affected(start_rate)
        self.series: list[tuple[int, float]] = [(-onset, start_rate), (0, start_rate)]
        self.timeline: list[Event] = []
        self._log(-onset, "monitoring", f"{proper(scenario['service'])} errors start rising "
                  f"(onset; {percent(start_rate)} of requests fail).")
        self._log(0, "monitoring", f"Page sent to the on-call engineer: {scenario['service']} "
                  f"error rate {percent(start_rate)}.")

    # -- state a player reads -----------------------------------------------------------------
    @property
    def clock(self) -> str:
        return _clock(self.scenario["paged_at"], self.minute)

    @property
    def mitigated(self) -> bool:
        return self.error_rate <= self.scenario["healthy_error_rate"]

    @property
    def customers_affected(self) -> int:
        return self._affected(self.error_rate)

    @property
    def known_facts(self) -> list[str]:
        return [self.scenario["facts"][f] for f in self.known]

    @property
    def update_every(self) -> int:
        """Minutes between status updates after the first, as the scenario states."""
        return self.scenario["update_every"]

    @property
    def lasting_mitigation_at(self) -> int | None:
        """When the healthy stretch the drill is in began (None while customers fail).

        A mitigation that relapsed does not count: on ``config_push`` a hand fix that the
        config service undoes five minutes later is followed by a real one, and this is the
        minute of the real one.
        """
        return self.healthy_since

    @property
    def root_cause_found(self) -> bool:
        return "root_cause" in self.known

    def next_update_due(self) -> int:
        return self.updates[-1] + self.update_every if self.updates else FIRST_UPDATE_DUE

    def owner_of(self, action_id: str) -> str:
        return ACTIONS[self._action(action_id).id].owner

    def allowed(self, action_id: str, role: str | None) -> tuple[bool, str]:
        """Whether ``role`` may make this move now, and if not, why (in words for the team)."""
        action = self._action(action_id)
        if not self.team or action.owner == ANYONE:
            return True, ""
        if role not in ROLES:
            return False, f"Say who is acting: one of {', '.join(ROLES.values())}."
        if self.roles_assigned_at is None:
            if role == INCIDENT_COMMANDER:
                return True, ""
            return False, ("Roles are not handed out yet, so the incident commander holds all of "
                           f"them. {ROLES[role]}: wait to be given your role, or ask the "
                           "incident commander to assign roles.")
        if role == action.owner:
            return True, ""
        if role == INCIDENT_COMMANDER and action.owner == OPERATIONS:
            return False, ("The incident commander coordinates and does not touch the system: "
                           f"ask Operations to “{action.label.lower()}”.")
        return False, (f"“{action.label}” belongs to {ROLES[action.owner]}. {ROLES[role]}: ask "
                       f"them for it, so one person owns each kind of move.")

    # -- playing ------------------------------------------------------------------------------
    def act(self, action_id: str, role: str | None = None) -> Turn:
        """Make one move. A refused move (wrong role) costs no time and changes nothing."""
        if self.finished:
            raise DrillOver("The drill is over: read the debrief, or start a new Drill.")
        action = self._action(action_id)
        ok, why = self.allowed(action_id, role)
        if not ok:
            return Turn(action.id, False, "Not your move. " + why, tone="refused")
        actor = role if self.team and role in ROLES else action.owner
        who = ROLES.get(actor, "Responder")
        before = len(self.timeline)
        self.moves.append((self.minute, action.id, actor))
        if action.id == "dig_root_cause":
            tone, message = self._hunt(who)
        elif action.id in self.scenario["effects"]:
            tone, message = self._scenario_move(action.id, who)
        else:
            tone, message = getattr(self, f"_do_{action.kind}")(action.id, who)
        if not self.finished and self.minute >= self.time_limit:
            self._finish(f"Time is up: {self.time_limit} minutes after the page, the shift ends "
                         "and the next on-call takes over"
                         + ("." if self.mitigated else " an incident that is still running."))
        return Turn(action.id, True, message, self.timeline[before:], tone)

    def stop(self, reason: str = "The facilitator ended the drill") -> None:
        """End the drill where it stands (a workshop running out of time, say)."""
        if not self.finished:
            state = "healthy" if self.mitigated else "still failing"
            self._log(self.minute, "facilitator", f"{reason}; the service is {state}.")
            self._finish(f"{reason} at {self.clock}, with the service {state}.")

    def play(self, actions: list[str]) -> list[Turn]:
        """Make several moves in a row, each by the role that owns it (handy in tests)."""
        turns = []
        for action_id in actions:
            if self.finished:
                break
            owner = self.owner_of(action_id)
            role = INCIDENT_COMMANDER if owner == ANYONE or (
                self.team and self.roles_assigned_at is None) else owner
            turns.append(self.act(action_id, role))
        return turns

    # -- moves that behave the same in every scenario -------------------------------------------
    def _do_command(self, action_id: str, who: str) -> tuple[str, str]:
        if action_id == "acknowledge":
            if self.acknowledged_at is not None:
                self._advance(1)
                return "info", ("Already acknowledged: the page stopped escalating at "
                                f"{_clock(self.scenario['paged_at'], self.acknowledged_at)}.")
            self._advance(1)
            self.acknowledged_at = self.minute
            self._log(self.minute, who, "Acknowledged the page: “I'm on it.”", action_id)
            return "good", ("Acknowledged. The pager stops escalating, and everyone watching "
                            "knows that someone owns this.")
        if action_id == "assign_roles":
            self._advance(2)
            first = self.roles_assigned_at is None
            self.roles_assigned_at = self.minute if first else self.roles_assigned_at
            self._log(self.minute, who, "Assigned roles: incident commander, operations, "
                      "communications, scribe.", action_id)
            if self.team:
                return "good", ("Roles assigned. From now on each move is accepted only from "
                                "the role that owns it: Operations changes the system, "
                                "Communications posts updates, the Scribe keeps the timeline, "
                                "the commander decides.")
            return "good", ("Roles assigned: a teammate takes communications and another keeps "
                            "the timeline, so you can think about the system.")
        level = severity_of(action_id)
        self._advance(1)
        previous, self.severity = self.severity, level
        self.declared.append((self.minute, level))
        self._log(self.minute, who, f"Declared an incident, {level}.", action_id)
        wanted = self.scenario["severity"]
        if urgency(level) == urgency(wanted):
            tone, verdict = "good", (f"{level} fits: the right people are told, at the right "
                                     "urgency.")
        elif urgency(level) > urgency(wanted):
            tone, verdict = "good", (f"{level} is higher than this turns out to need ({wanted}); "
                                     "when unsure, sizing up is the right way to be wrong.")
        else:
            tone, verdict = "warn", (f"{level} is lower than this deserves ({wanted}): other "
                                     "teams will treat your pages as something for later.")
        if previous:
            verdict += f" (Changed from {previous}.)"
        return tone, verdict

    def _do_close(self, action_id: str, who: str) -> tuple[str, str]:
        self._advance(1)
        if not self.mitigated:
            self._log(self.minute, who, "Tried to close the incident while customers were still "
                      "affected; support reopened it.", action_id)
            return "warn", (f"Not yet: {percent(self.error_rate)} of requests still fail. "
                            "Closing now tells support it is over while customers still see "
                            "errors; they reopen it within minutes.")
        self._log(self.minute, who, "Declared the incident resolved.", action_id)
        self.resolved_at = self.minute
        if self.relapse is None:
            self._finish(f"Resolved at {self.clock}: the service is healthy and the fix holds.")
            return "good", self.ending
        # A band-aid is still holding the service up. Closing does not stop the clock: skip
        # ahead to when it gives way, and reopen the incident (stakeholders are quiet meanwhile).
        closed_at, relapse = self.clock, self.relapse[1]["says"]
        self.closed_since = self.minute
        self.interruption = 0  # nobody interrupts a closed incident
        self._advance(self.relapse[0] - self.minute)
        self.closed_periods.append((self.closed_since, self.minute))
        self.closed_since = None
        if self.relapse is not None:  # the shift ended first
            self._finish(f"Resolved at {closed_at}, for now: nothing removed the cause, and it "
                         "will come back on the next on-call's shift.")
            return "warn", self.ending
        self.resolved_at = None
        self.reopened.append(self.minute)
        self._log(self.minute, "pager", "Incident reopened: the same alert fired again.")
        return "bad", (f"Closed at {closed_at}, and reopened at {self.clock}: "
                       f"{relapse} Nothing had removed the cause.")

    def _do_update(self, action_id: str, who: str) -> tuple[str, str]:
        self._advance(2)
        text = self._compose_update()
        self.updates.append(self.minute)
        self.update_texts.append(text)
        self._log(self.minute, who, f"Posted a status update: “{text}”", action_id)
        return "good", f"Update posted in #incidents: “{text}”"

    def _do_record(self, action_id: str, who: str) -> tuple[str, str]:  # keep_timeline
        self._advance(2)
        self.timeline_kept.append(self.minute)
        self._log(self.minute, who, "Wrote the timeline so far into the incident document.",
                  action_id)
        return "good", (f"The incident document now holds {len(self.timeline)} timeline entries "
                        "with times; the post-mortem will thank you.")

    def _compose_update(self) -> str:
        service = self.scenario["service"]
        due = _clock(self.scenario["paged_at"], self.minute + self.update_every)
        if self.mitigated:
            head = f"Mitigated: {service} is healthy again ({percent(self.error_rate)} errors)."
        else:
            head = (f"Investigating: {service} errors at {percent(self.error_rate)}, about "
                    f"{self.customers_affected:,} customers affected.")
        if self.root_cause_found:
            known = f" Root cause identified: {self.scenario['facts']['root_cause']}"
        else:
            known = f" Known so far: {self.known_facts[-1]}" if self.known else ""
        return f"{head}{known} Next update by {due} UTC."

    # -- moves whose outcome is scenario data ------------------------------------------------
    def _outcome(self, action_id: str) -> dict:
        """What a scenario move does now: its effect, or ``otherwise`` while a fact is missing."""
        effect = self.scenario["effects"][action_id]
        if any(fact not in self.known for fact in effect.get("requires", [])):
            return effect["otherwise"]
        return effect

    def _says(self, outcome: dict) -> str:
        """The outcome's words, with ``{error_rate}`` read from the live state."""
        return PLACEHOLDER.sub(lambda m: percent(self.error_rate), outcome["says"])

    def _hunt(self, who: str) -> tuple[str, str]:
        """One step of the root-cause hunt (at most INVESTIGATION_STEP minutes)."""
        action = ACTIONS["dig_root_cause"]
        outcome = self._outcome("dig_root_cause")
        if all(fact in self.known for fact in outcome.get("learn", [])):
            self._advance(1)
            self._log(self.minute, who, f"{action.label} again: nothing new to find.",
                      "dig_root_cause")
            return "info", ("Nothing new to find: the investigation has already turned up what "
                            "it can. Post an update, ship the fix, or close the incident.")
        # The effort left is read again at every step, so a fact learned meanwhile (a stack
        # trace, a colleague's hint) shortens the rest of the hunt.
        left = max(1, outcome.get("minutes", action.minutes) - self.hunt_spent)
        step = min(left, INVESTIGATION_STEP)
        if not self.mitigated:
            self.hunts_while_bleeding.append(self.minute)
            self.hunt_minutes_bleeding += step
        self.done.add("dig_root_cause")
        self._advance(step)
        self.hunt_spent += step
        if step < left:
            self._log(self.minute, who, f"Hunting for the root cause, {self.hunt_spent} min in: "
                      "not found yet.", "dig_root_cause")
            return "info", (f"Still digging: {self.hunt_spent} minutes in, not found yet. The "
                            f"hunt goes in steps of up to {INVESTIGATION_STEP} minutes; between "
                            "steps is the moment for a status update.")
        self.hunt_spent = 0
        what = [f"{action.label}."]
        for fact in outcome.get("learn", []):
            if fact not in self.known:
                what.append(f"Found: {self.scenario['facts'][fact]}")
            self._learn(fact)
        self._log(self.minute, who, " ".join(what), "dig_root_cause")
        return "good", self._says(outcome)

    def _scenario_move(self, action_id: str, who: str) -> tuple[str, str]:
        action = ACTIONS[action_id]
        if action_id in self.done and action.kind == "look":
            self._advance(action.minutes)
            self._log(self.minute, who, f"{action.label} again: nothing new.", action_id)
            return "info", "Nothing new since the last look."
        if action_id in ("page_team", "ask_for_help"):
            self.help_asked.append(self.minute)
        outcome = self._outcome(action_id)
        minutes = outcome.get("minutes", action.minutes)
        if action_id == "page_team" and self.severity and (
                urgency(self.severity) < urgency(self.scenario["severity"])):
            minutes += 5  # a low-severity page is answered when someone gets round to it
        if outcome.get("cowboy"):
            self.cowboy_moves.append(self.minute)
        self.done.add(action_id)
        self._advance(minutes)
        # The timeline states what was done and found, in neutral words; the story told to the
        # players (``says``) is theirs, and the post-mortem is built from the timeline.
        what = [f"{action.label}."]
        if outcome.get("cowboy"):
            what.append("(A hand edit on production, outside the pipeline.)")
        for fact in outcome.get("learn", []):
            if fact not in self.known:
                what.append(f"Found: {self.scenario['facts'][fact]}")
            self._learn(fact)
        if "joins" in outcome and outcome["joins"] not in self.paged:
            self.paged.append(outcome["joins"])
            what.append(f"A {outcome['joins']} joined.")
        before, was_healthy = self.error_rate, self.mitigated
        if "error_rate" in outcome:
            self._set_rate(outcome["error_rate"], outcome.get("drift_per_minute", 0.0),
                           by=action_id)
            relapse = outcome.get("relapse")
            self.relapse = (self.minute + relapse["after"], relapse) if relapse else None
            what.append(f"Error rate {percent(before)} -> {percent(self.error_rate)}.")
        elif action.kind == "change":
            what.append(f"No effect: error rate still {percent(self.error_rate)}.")
        self._log(self.minute, who, " ".join(what), action_id)
        if outcome.get("cowboy") or self.error_rate > before:
            tone = "warn"
        elif self.mitigated and ("error_rate" in outcome or not was_healthy):
            tone = "good"
        else:
            tone = "info"
        return tone, self._says(outcome)

    # -- the clock ------------------------------------------------------------------------------
    def _advance(self, minutes: int) -> None:
        minutes += self.interruption
        self.interruption = 0
        for _ in range(minutes):
            if self.minute >= self.time_limit:
                break
            self.customer_minutes += self._affected(self.error_rate)
            self.minute += 1
            if self.drift:
                self.error_rate = min(self.max_rate, self.error_rate + self.drift)
                self._note_health(None)
            if self.relapse is not None and self.minute >= self.relapse[0]:
                _, relapse = self.relapse
                self.relapse = None
                self.relapses.append(self.minute)
                self._set_rate(relapse["error_rate"], relapse.get("drift_per_minute", 0.0),
                               by=None)
                self._log(self.minute, "monitoring", relapse["says"])
            self._stakeholders_react()
            if (self.stuck_at is None and not self.mitigated
                    and self.first_mitigated_at is None and self.minute >= STUCK_AFTER):
                self.stuck_at = self.minute
            self.series.append((self.minute, self.error_rate))

    def open_minutes(self, start: int, end: int) -> int:
        """Minutes between two moments while the incident was open (not closed on a band-aid)."""
        closed = sum(max(0, min(end, b) - max(start, a)) for a, b in self.closed_periods)
        if self.closed_since is not None:
            closed += max(0, end - max(start, self.closed_since))
        return end - start - closed

    def _stakeholders_react(self) -> None:
        if self.closed_since is not None:
            return
        if self.acknowledged_at is None and self.minute == ACK_ESCALATES_AFTER:
            self.paged += ["secondary on-call", "engineering manager"]
            self.escalations.append(self.minute)
            self.interruption += INTERRUPTION
            self._log(self.minute, "pager", "Nobody acknowledged the page for 5 minutes: it "
                      "escalated to the secondary on-call and the engineering manager, who "
                      "calls to ask who is on it.")
        late = self.open_minutes(self.next_update_due(), self.minute) - PATIENCE
        if late >= 0 and late % self.update_every == 0:
            self.escalations.append(self.minute)
            self.interruption += INTERRUPTION
            since = (f"since {_clock(self.scenario['paged_at'], self.updates[-1])}"
                     if self.updates else "at all")
            self._log(self.minute, "stakeholders", f"No status update {since}: support and a "
                      "director ask in #incidents and by direct message what is going on. "
                      f"Answering them costs {INTERRUPTION} minutes.")

    # -- helpers --------------------------------------------------------------------------------
    def _action(self, action_id: str):
        if action_id not in ACTIONS:
            close = difflib.get_close_matches(action_id, list(ACTIONS), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"No move {action_id!r}.{hint} Moves: {', '.join(ACTIONS)}.")
        return ACTIONS[action_id]

    def _affected(self, rate: float) -> int:
        extra = max(0.0, rate - self.scenario["baseline_error_rate"])
        return round(self.scenario["active_customers"] * extra)

    def _learn(self, fact: str) -> None:
        if fact not in self.known:
            self.known.append(fact)
        if fact == self.scenario["stuck_when_known"] and self.stuck_at is None \
                and not self.mitigated:
            self.stuck_at = self.minute

    def _set_rate(self, rate: float, drift: float, *, by: str | None) -> None:
        self.error_rate, self.drift = float(rate), float(drift)
        self._note_health(by)
        self.series.append((self.minute, self.error_rate))

    def _note_health(self, by: str | None) -> None:
        """Start or end the healthy stretch; ``by`` is the move that made the service healthy."""
        if not self.mitigated:
            self.healthy_since = self.mitigated_by = None
        elif self.healthy_since is None:
            self.healthy_since, self.mitigated_by = self.minute, by
            if self.first_mitigated_at is None:
                self.first_mitigated_at = self.minute

    def _log(self, minute: int, who: str, what: str, action: str | None = None) -> None:
        rate = self.error_rate
        self.timeline.append(Event(minute, _clock(self.scenario["paged_at"], minute), who, what,
                                   rate, self._affected(rate), action))

    def _finish(self, ending: str) -> None:
        self.finished = True
        self.ending = ending
