"""What a facilitator puts on the screen after a drill: the timeline as a table and a chart, what
went well and what to change, and a blameless post-mortem draft with action items.

The post-mortem names roles and systems, never people, and says what the system allowed rather
than who slipped: it follows the sections of the template in Google's SRE book (summary, impact,
trigger, root cause, resolution, detection, action items, lessons, timeline).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd

from ownit.instructor.drill.actions import ACTIONS, ROLES, urgency
from ownit.instructor.drill.engine import FIRST_UPDATE_DUE, Drill, clock_at, percent
from ownit.instructor.drill.scoring import Criterion, Score, reference, score
from ownit.instructor.drill.words import proper, times

# Extra action items when the play showed a gap in the process (not in the system under test),
# keyed by the criterion that was missed.
PROCESS_ITEMS = {
    "acknowledge": ("Make acknowledging the page the first step of the on-call runbook, and "
                    "re-page the primary after 3 unacknowledged minutes", "process",
                    "on-call rotation", "P3"),
    "severity": ("Put a severity table with examples in the runbook, with the rule: when unsure, "
                 "declare the higher one", "process", "incident response team", "P2"),
    "cadence": ("Have the incident bot remind the communications lead when an update is due "
                "(first within 5 minutes, then on the incident's cadence), the all-clear "
                "included", "process", "incident response team", "P2"),
    "through_pipeline": ("Document a fast emergency path through the pipeline (rollback and "
                         "config revert) so nobody needs SSH under pressure", "process",
                         "platform team", "P2"),
    "help_when_stuck": ("Publish who to page for each dependency (database, platform, config) "
                        "in the on-call runbook", "process", "on-call rotation", "P2"),
    "fix_holds": ("Keep a ticket open for every band-aid (restart, raised limit) until the "
                  "lasting fix ships", "process", "owning team", "P1"),
}


@dataclass(frozen=True)
class Debrief:
    score: Score
    timeline: pd.DataFrame
    went_well: list[str]
    to_change: list[str]
    postmortem: str


def timeline_table(drill: Drill) -> pd.DataFrame:
    """Every event of the drill, oldest first, with the error rate right after it."""
    frame = pd.DataFrame(
        [(e.clock, e.minute, e.who, e.what, round(e.error_rate * 100, 1), e.customers_affected)
         for e in drill.timeline],
        columns=["time (UTC)", "minute", "who", "what", "error rate %", "customers affected"],
    )
    return frame.astype({"time (UTC)": "string", "who": "string", "what": "string"})


def plot(drill: Drill):
    """Error rate over the drill, with each move marked: where the minutes (and customers) went."""
    scenario = drill.scenario
    minutes, rates = zip(*drill.series, strict=True)
    fig, ax = plt.subplots(figsize=(10, 3.8))
    ax.step(minutes, [r * 100 for r in rates], where="post", color="black", linewidth=1.8,
            label="error rate")
    ax.axhline(scenario["healthy_error_rate"] * 100, color="0.4", linestyle="--", linewidth=1,
               label="healthy below this")
    ax.axvline(0, color="0.6", linestyle=":", linewidth=1)
    ax.annotate("page", (0, 1), xycoords=("data", "axes fraction"), xytext=(3, -12),
                textcoords="offset points", fontsize=8)
    # Markers sit where each move took effect (its end), above the curve, one shape per kind.
    markers = {
        "change": ("v", "change through the pipeline"), "update": ("D", "status update"),
        "look": ("o", "investigation"), "talk": ("s", "help asked / team paged"),
        "close": ("*", "declared resolved"), "cowboy": ("X", "hand edit on production"),
        "escalation": ("x", "page or stakeholders escalated"),
    }
    found: dict[str, list[int]] = {kind: [] for kind in markers}
    for event in drill.timeline:
        if event.action == "hotfix_by_hand":
            found["cowboy"].append(event.minute)
        elif event.action is not None and ACTIONS[event.action].kind in found:
            found[ACTIONS[event.action].kind].append(event.minute)
        elif event.who in ("pager", "stakeholders") and "reopened" not in event.what:
            found["escalation"].append(event.minute)
    top = max(rates) * 100
    for kind, (marker, label) in markers.items():
        if found[kind]:
            ax.plot(found[kind], [top * 1.08] * len(found[kind]), marker=marker,
                    linestyle="none", color="0.2", markersize=11 if kind == "cowboy" else 7,
                    label=label)
    ax.set(title=f"{scenario['title']} (error rate during the drill)",
           xlabel="minutes since the page", ylabel="requests failing (%)",
           ylim=(0, top * 1.2))
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)
    fig.tight_layout()
    return fig


def _clocks(drill: Drill, minutes: list[int]) -> str:
    shown = [clock_at(drill.scenario, m) for m in minutes]
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


def _went_well(drill: Drill, c: Criterion) -> str | None:
    """What went well, told as the post-mortem tells it (never the score's own sentence)."""
    def at(minute: int) -> str:
        return clock_at(drill.scenario, minute)

    if c.id == "acknowledge":
        return (f"The page was acknowledged at {at(drill.acknowledged_at)}, so ownership was "
                "clear from the first minute.")
    if c.id == "severity":
        minute, level = drill.declared[0]
        return f"{level} was declared at {at(minute)}, which set the urgency for everyone paged."
    if c.id == "time_to_mitigate":
        return (f"Service was restored for good at {at(drill.lasting_mitigation_at)}, "
                f"{drill.lasting_mitigation_at} min after the page.")
    if c.id == "customer_minutes":
        return "Customer impact stayed close to the least this incident allowed."
    if c.id == "through_pipeline":
        move = ACTIONS[drill.mitigated_by].label.lower()
        return (f"The lasting mitigation (the move: “{move}”) went through an audited path and "
                "is in the change history for anyone to read and repeat.")
    if c.id == "mitigate_first" and drill.done & {"dig_root_cause"}:
        return "The root-cause hunt waited until customers were safe."
    if c.id == "root_cause":
        return "The investigation after mitigation found the root cause before the incident closed."
    if c.id == "cadence":
        return (f"Status updates went out at {_clocks(drill, drill.updates)} UTC, so "
                "stakeholders heard the news before they had to ask.")
    if c.id == "help_when_stuck" and drill.stuck_at is not None:
        joined = [p for p in drill.paged if p not in ("on-call engineer", "secondary on-call",
                                                      "engineering manager")]
        who = f" ({', '.join(joined)})" if joined else ""
        return f"Help was called in soon after the response got stuck{who}."
    if c.id == "fix_holds":
        return "The incident was closed on a fix that holds, with nothing left to break again."
    return None


def _went_wrong(drill: Drill, c: Criterion, ref_minutes: int) -> str:
    """What went wrong, about the response and the system, never about a person."""
    s = drill.scenario

    def at(minute: int) -> str:
        return clock_at(s, minute)

    wanted = s["severity"]
    if c.id == "acknowledge":
        if drill.acknowledged_at is None:
            return ("The page was never acknowledged, so it escalated and nobody could tell who "
                    "owned the incident.")
        return (f"The page was acknowledged only at {at(drill.acknowledged_at)}, "
                f"{drill.acknowledged_at} min after it was sent.")
    if c.id == "severity":
        if not drill.declared:
            return f"No incident was declared, although it deserved {wanted}."
        low = next(level for _, level in drill.declared if urgency(level) < urgency(wanted))
        return (f"The incident was declared {low}, below the {wanted} it deserved, so pages "
                "went out at the wrong urgency.")
    if c.id == "time_to_mitigate":
        if drill.lasting_mitigation_at is None:
            return f"{proper(s['service'])} was still failing when the drill ended."
        relapsed = (f" An earlier mitigation gave way {times(len(drill.relapses))}."
                    if drill.relapses else "")
        return (f"Service was restored for good only {drill.lasting_mitigation_at} min after the "
                f"page; about {ref_minutes} was possible.{relapsed}")
    if c.id == "customer_minutes":
        return f"{drill.customer_minutes:,.0f} customer-minutes were lost."
    if c.id == "through_pipeline":
        if drill.cowboy_moves:
            return ("Production was changed by hand, outside the pipeline: no review, no record, "
                    "and nothing stopped the next deploy from undoing it.")
        return "No change through the pipeline stopped the errors."
    if c.id == "mitigate_first":
        return (f"{drill.hunt_minutes_bleeding} min of root-cause hunting happened while "
                "customers were still failing.")
    if c.id == "root_cause":
        return "The root cause was not found in the drill."
    if c.id == "cadence":
        if not drill.updates:
            return "No status update was posted during the incident."
        return (f"Status updates (at {_clocks(drill, drill.updates)} UTC) missed the "
                f"incident's rhythm: first within {FIRST_UPDATE_DUE} min, then every "
                f"{drill.update_every}, and an all-clear once mitigated.")
    if c.id == "help_when_stuck":
        return (f"The response was stuck from {at(drill.stuck_at)}, and help was not asked for "
                "within ten minutes.")
    # fix_holds
    if drill.reopened:
        return f"The incident was closed on a band-aid and reopened {times(len(drill.reopened))}."
    if drill.mitigated and drill.relapse is not None:
        return "The service was left up on a band-aid that will give way."
    return "The incident was not declared resolved on a healthy service."


def lessons(drill: Drill, result: Score) -> tuple[list[str], list[str]]:
    """(went well, what went wrong), in the post-mortem's own words, plus habits not scored."""
    ref_minutes, _ = reference(drill.scenario)
    went_well = [x for c in result.criteria if c.met and (x := _went_well(drill, c))]
    to_change = [_went_wrong(drill, c, ref_minutes) for c in result.criteria if not c.met]
    if drill.roles_assigned_at is not None:
        went_well.append("Roles were handed out, so one person decided and others acted.")
    if drill.timeline_kept:
        went_well.append("The scribe kept the timeline during the incident, not from memory "
                         "afterwards.")
    return went_well, to_change


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def postmortem(drill: Drill, result: Score) -> str:
    """A blameless post-mortem draft in Markdown, ready to paste into the team's document."""
    s = drill.scenario
    pm = s["postmortem"]
    healthy, first = drill.lasting_mitigation_at, drill.first_mitigated_at
    onset = s["onset_minutes_before_page"]
    peak = max(rate for _, rate in drill.series)
    if healthy is None:
        duration = f"not mitigated by the end of the drill ({drill.minute + onset} min after onset)"
    elif first is not None and first < healthy:
        duration = (f"first mitigated {first + onset} min after the onset, and for good only "
                    f"after {healthy + onset} min")
    else:
        duration = f"{healthy + onset} min from onset to mitigation"
    relapse = (f" A band-aid gave way {times(len(drill.relapses))}, and the errors came back."
               if drill.relapses else "")
    went_well, to_change = lessons(drill, result)
    items = [(i["what"], i["type"], i["owner"], i["priority"]) for i in pm["action_items"]]
    if drill.root_cause_found:
        cause = [pm["root_cause"], "", "Five whys:",
                 *[f"{n}. {why}" for n, why in enumerate(pm["five_whys"], 1)]]
    else:
        # Nobody found it, so the draft must not say it: no root cause, no 5 Whys, and no
        # preventive items that only the root cause would justify.
        known = [f"- {fact}" for fact in drill.known_facts] or ["- Nothing beyond the page."]
        cause = ["Root cause not found in the drill. What the responders knew when it ended:",
                 *known, "", "The five whys start from the root cause: finish the investigation "
                 "first, then write them."]
        items = [i for i in items if i[1] != "prevent"]
        items.append(("Finish the root-cause investigation, then add the action items that "
                      "prevent a repeat", "prevent", f"team on call for {s['service']}", "P1"))
    missed = {c.id for c in result.criteria if not c.met}
    if not drill.cowboy_moves:
        missed.discard("through_pipeline")  # its item is about hand edits
    items += [PROCESS_ITEMS[c] for c in PROCESS_ITEMS if c in missed]
    moves = [f"{ACTIONS[e.action].label[0].lower()}{ACTIONS[e.action].label[1:]} at {e.clock}, "
             + (f"errors {e.what.rsplit('Error rate ', 1)[1].rstrip('.')}" if "Error rate "
                in e.what else "no effect")
             for e in drill.timeline
             if e.action and (ACTIONS[e.action].kind == "change" or "Error rate " in e.what)]
    resolution = ("; then ".join(moves) if moves else "no change to production") + "."
    lines = [
        f"# Post-mortem (draft): {s['title']}",
        "",
        "*Blameless: this document describes what the system and the process allowed, not who "
        "made which mistake. Everyone acted on what they knew at the time.*",
        "",
        "## Summary",
        f"{proper(s['service'])} failed for up to {percent(peak)} of requests; "
        f"{duration}.{relapse} Severity: {drill.severity or 'not declared'} "
        f"(in hindsight {s['severity']}).",
        "",
        "## Impact",
        f"- {drill.customer_minutes:,.0f} customer-minutes lost (customers affected × minutes).",
        f"- Peak error rate {percent(peak)}; about {s['active_customers']:,} customers use "
        f"{s['service']} at any minute.",
        "",
        "## Trigger",
        pm["trigger"],
        "",
        "## Root cause",
        *cause,
        "",
        "## Detection",
        f"Monitoring paged the on-call engineer {onset} min after the onset.",
        "",
        "## Resolution",
        f"Changes made during the response, in order: {resolution}",
        "",
        "## Action items",
        "| priority | type | action | owner | ticket |",
        "|---|---|---|---|---|",
        *[f"| {prio} | {kind} | {_cell(what)} | {owner} | to file |"
          for what, kind, owner, prio in sorted(items, key=lambda i: i[3])],
        "",
        "## Lessons learned",
        "**What went well**",
        *([f"- {x}" for x in went_well] or ["- Little, this time: see below."]),
        "",
        "**What went wrong**",
        *([f"- {x}" for x in to_change] or ["- Nothing in the response itself."]),
        "",
        "**Where we got lucky**",
        f"- {pm['lucky']}",
        "",
        "## Timeline (UTC)",
        "| time | who | what |",
        "|---|---|---|",
        *[f"| {e.clock} | {e.who} | {_cell(e.what)} |" for e in drill.timeline],
        "",
        f"*Drill score: {result.total}/{result.max_total}. Roles: "
        f"{', '.join(ROLES.values())}.*",
    ]
    return "\n".join(lines)


def debrief(drill: Drill) -> Debrief:
    """Everything the debrief shows, computed once."""
    result = score(drill)
    went_well, to_change = lessons(drill, result)
    return Debrief(result, timeline_table(drill), went_well, to_change,
                   postmortem(drill, result))
