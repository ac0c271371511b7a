"""The moves a responder can make, and which incident role owns each one.

The catalogue is fixed in code so that every scenario offers the same choices (the lesson is in
choosing, not in spotting which buttons a scenario happens to show). What each move *does* is
scenario data: see ``effects`` in ``scenario.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

INCIDENT_COMMANDER = "incident_commander"
OPERATIONS = "operations"
COMMUNICATIONS = "communications"
SCRIBE = "scribe"
ANYONE = "anyone"

ROLES = {
    INCIDENT_COMMANDER: "Incident commander",
    OPERATIONS: "Operations",
    COMMUNICATIONS: "Communications",
    SCRIBE: "Scribe",
}

SEVERITIES = ("SEV-1", "SEV-2", "SEV-3")


@dataclass(frozen=True)
class Action:
    id: str
    label: str
    owner: str  # a key of ROLES, or ANYONE
    minutes: int  # default duration; a scenario's effect may override it
    kind: str  # "command", "look", "change", "talk", "update", "record", "close"


ACTIONS: dict[str, Action] = {a.id: a for a in (
    Action("acknowledge", "Acknowledge the page", INCIDENT_COMMANDER, 1, "command"),
    Action("declare_sev1", "Declare SEV-1", INCIDENT_COMMANDER, 1, "command"),
    Action("declare_sev2", "Declare SEV-2", INCIDENT_COMMANDER, 1, "command"),
    Action("declare_sev3", "Declare SEV-3", INCIDENT_COMMANDER, 1, "command"),
    Action("assign_roles", "Assign roles", INCIDENT_COMMANDER, 2, "command"),
    Action("page_team", "Page another team", INCIDENT_COMMANDER, 5, "talk"),
    Action("resolve", "Declare it resolved", INCIDENT_COMMANDER, 1, "close"),
    Action("check_dashboards", "Look at the dashboards", OPERATIONS, 3, "look"),
    Action("check_logs", "Read the logs", OPERATIONS, 4, "look"),
    Action("check_deploys", "Check recent deploys and config changes", OPERATIONS, 2, "look"),
    Action("roll_back", "Roll back the last change (pipeline)", OPERATIONS, 7, "change"),
    Action("restart", "Restart the service", OPERATIONS, 4, "change"),
    Action("hotfix_by_hand", "Hot-fix production by hand (SSH)", OPERATIONS, 8, "change"),
    # The hunt goes in steps of at most INVESTIGATION_STEP minutes (see engine.py for why).
    Action("dig_root_cause", "Hunt for the root cause", OPERATIONS, 10, "look"),
    Action("ship_fix", "Ship a fix (review + pipeline)", OPERATIONS, 15, "change"),
    Action("post_update", "Post a status update", COMMUNICATIONS, 2, "update"),
    Action("ask_for_help", "Ask for help in #incidents", ANYONE, 3, "talk"),
    Action("keep_timeline", "Write up the timeline so far", SCRIBE, 2, "record"),
)}

# Moves whose outcome depends on the scenario; the others behave the same in every incident.
SCENARIO_ACTIONS = ("check_dashboards", "check_logs", "check_deploys", "roll_back", "restart",
                    "page_team", "ask_for_help", "hotfix_by_hand", "dig_root_cause", "ship_fix")


def urgency(level: str) -> int:
    """How urgent a severity level is, as a number that orders: SEV-1 is 3, SEV-3 is 1.

    Levels are compared through this, never as strings (which happens to sort the wrong way).
    """
    if level not in SEVERITIES:
        raise ValueError(f"No severity {level!r}; choose one of {', '.join(SEVERITIES)}.")
    return len(SEVERITIES) - SEVERITIES.index(level)


def severity_of(action_id: str) -> str | None:
    """``declare_sev2`` -> ``SEV-2``; None for every other action."""
    if action_id.startswith("declare_sev"):
        return "SEV-" + action_id.removeprefix("declare_sev")
    return None
