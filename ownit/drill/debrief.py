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

from ownit.drill.actions import ACTIONS, ROLES
from ownit.drill.engine import Drill, percent
from ownit.drill.scoring import Score, score

# Extra action items when the play showed a gap in the process (not in the system under test).
PROCESS_ITEMS = {
    "cadence": ("Have the incident bot remind the communications lead: first update within 5 "
                "minutes, then every 30", "process", "incident response team", "P2"),
    "no_cowboy": ("Document a fast emergency path through the pipeline (rollback and config "
                  "revert) so nobody needs SSH under pressure", "process", "platform team", "P2"),
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


def lessons(drill: Drill, result: Score) -> tuple[list[str], list[str]]:
    """(went well, to change): the criteria, plus the habits the score does not count."""
    went_well = [c.reason for c in result.criteria if c.met]
    to_change = [c.reason for c in result.criteria if not c.met]
    if drill.acknowledged_at is not None and drill.acknowledged_at <= 2:
        went_well.append("The page was acknowledged at once, so nobody wondered who owned it.")
    elif drill.acknowledged_at is None:
        to_change.append("The page was never acknowledged: one “I'm on it” stops the pager "
                         "escalating and tells everyone who owns this.")
    wanted = drill.scenario["severity"]
    if drill.severity is None:
        to_change.append(f"No incident was declared; this one deserved {wanted}, which brings in "
                         "the right people at the right urgency.")
    elif drill.severity == wanted:
        went_well.append(f"Declared {wanted}, the right size for this incident.")
    elif drill.severity > wanted:  # "SEV-3" > "SEV-2": declared too low
        to_change.append(f"Declared {drill.severity} for a {wanted} incident; when unsure, "
                         "size it up.")
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
    healthy = drill.first_mitigated_at
    onset = s["onset_minutes_before_page"]
    peak = max(rate for _, rate in drill.series)
    if healthy is None:
        duration = f"not mitigated by the end of the drill ({drill.minute + onset} min after onset)"
    else:
        duration = f"{healthy + onset} min from onset to first mitigation"
    relapse = (f" The service degraded again {len(drill.relapses)} time(s) after it had "
               "recovered." if drill.relapses else "")
    went_well, to_change = lessons(drill, result)
    items = [tuple(i.values()) for i in pm["action_items"]]
    items += [PROCESS_ITEMS[c.id] for c in result.criteria
              if not c.met and c.id in PROCESS_ITEMS]
    moves = [ACTIONS[a].label[0].lower() + ACTIONS[a].label[1:] for _, a, _ in drill.moves
             if ACTIONS[a].kind == "change"]
    resolution = ("; then ".join(moves) if moves else "no change to production") + "."
    lines = [
        f"# Post-mortem (draft): {s['title']}",
        "",
        "*Blameless: this document describes what the system and the process allowed, not who "
        "made which mistake. Everyone acted on what they knew at the time.*",
        "",
        "## Summary",
        f"{s['service'].capitalize()} failed for up to {percent(peak)} of requests; "
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
        pm["root_cause"],
        "",
        "Five whys:",
        *[f"{n}. {why}" for n, why in enumerate(pm["five_whys"], 1)],
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
