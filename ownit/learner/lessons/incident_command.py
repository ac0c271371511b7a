"""Running an incident, for ``course/02_incident_management.ipynb``: status updates on a cadence,
the living incident state document and handing over command, and the Cowboy's hand edit that
the next deploy quietly undoes.

One incident runs through the first three: on a Tuesday a config push points checkout at a
database replica that refuses writes (the syllabus's "bad DB config"). The Cowboy's story is a
separate one, three days of hourly metrics made by a seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

SEED = 214
DAY = "2024-06-11"
CADENCE_MINUTES = 20  # PagerDuty's rhythm for the first two hours of a customer-facing incident


def _at(hhmm: str) -> pd.Timestamp:
    return pd.Timestamp(f"{DAY} {hhmm}", tz="UTC")


# -- status updates on a fixed cadence ----------------------------------------------------------

# (time, state, message, next update promised). Every message says what is known, what is being
# done and when the next update comes; the third one is the syllabus's own.
UPDATES = [
    ("14:04", "investigating", "Checkout is failing for about 1 in 10 customers since 13:58. "
     "Sam is incident commander; we are looking into it.", "14:24"),
    ("14:24", "investigating", "Still failing at the same rate. The errors started with a config "
     "push at 13:57; we are checking whether it is the cause.", "14:44"),
    ("14:36", "identified", "Issue identified (Bad DB config). Fix deploying. ETA 5 mins.",
     "14:56"),
    ("14:43", "monitoring", "Fix deployed at 14:41; checkout errors back to normal (0.3%). We are "
     "watching for 20 minutes before calling it resolved.", "15:03"),
    ("15:03", "resolved", "Resolved: checkout normal since 14:41. Cause: a config push pointed "
     "checkout at a read-only replica. Post-mortem by Thursday.", None),
]


def status_updates(updates=UPDATES) -> pd.DataFrame:
    """The updates posted in #incidents: posted, state, message, next update (times HH:MM UTC,
    as people read them in the channel; the last update promises none)."""
    frame = pd.DataFrame(updates, columns=["posted", "state", "message", "next_update"])
    return frame.fillna({"next_update": "none"})


def check_cadence(updates: pd.DataFrame, every: int = CADENCE_MINUTES) -> pd.DataFrame:
    """For each update after the first: minutes since the previous one, whether it came by the
    time the previous one promised, and whether it came within ``every`` minutes."""
    if updates.empty:
        raise ValueError("No updates to check: the first one is due within 5 minutes of the "
                         "incident being declared.")
    posted = pd.to_datetime(DAY + " " + updates["posted"], utc=True)
    promised = pd.to_datetime(DAY + " " + updates["next_update"].replace("none", None),
                              utc=True).shift()
    gap = posted.diff().dt.total_seconds() / 60
    frame = pd.DataFrame({
        "posted": updates["posted"], "state": updates["state"], "minutes_since_last": gap,
        "promise_kept": posted <= promised, "on_cadence": gap <= every,
    })
    return frame.iloc[1:].reset_index(drop=True)


# -- the incident state document and handing over command ----------------------------------------

@dataclass
class IncidentDoc:
    """The living incident document: one place that says where the incident stands.

    The incident commander keeps it current (or has a scribe do it); everyone else reads it
    instead of interrupting the people fixing things.
    """

    title: str
    severity: str
    status: str
    commander: str
    roles: dict[str, str]
    impact: str
    current_theory: str
    next_update: str
    actions: list[tuple[str, str, str]] = field(default_factory=list)  # (owner, task, state)
    timeline: list[tuple[str, str]] = field(default_factory=list)  # (time, what happened)

    def to_markdown(self) -> str:
        roles = "; ".join(f"{role}: {who}" for role, who in self.roles.items())
        lines = [f"**{self.title}** ({self.severity}, {self.status})", "",
                 f"- **Commander:** {self.commander}. **Roles:** {roles}",
                 f"- **Impact:** {self.impact}",
                 f"- **Current theory:** {self.current_theory}",
                 f"- **Next update:** {self.next_update}", "", "| owner | action | state |",
                 "|:---|:---|:---|"]
        lines += [f"| {owner} | {task} | {state} |" for owner, task, state in self.actions]
        lines += ["", "**Timeline (UTC):** " + "; ".join(f"{t} {what}" for t, what in
                                                        self.timeline)]
        return "\n".join(lines)


def state_document() -> IncidentDoc:
    """The state document of the bad-DB-config incident at 14:30, six minutes before the fix."""
    return IncidentDoc(
        title="Checkout failing after config push",
        severity="SEV-2",
        status="investigating",
        commander="Sam",
        roles={"operations": "Lena", "communications": "Omar", "scribe": "Jonas"},
        impact="about 1 in 10 checkouts fail since 13:58; no data lost so far",
        current_theory="config push 13:57 changed the DB host; checking whether it points at a "
                       "read-only replica",
        next_update="14:44 in #incidents and on the status page",
        actions=[("Lena", "compare the pushed config with yesterday's", "in progress"),
                 ("Omar", "status page: checkout degraded", "done"),
                 ("Lena", "prepare a revert of the config push, via the pipeline", "ready")],
        timeline=[("13:57", "config push"), ("13:58", "errors start"),
                  ("14:02", "error alert pages Sam"), ("14:04", "incident declared, first "
                                                                "update")],
    )


def handover_note(doc: IncidentDoc, to: str, at: str) -> str:
    """What the outgoing commander says when handing over command, built from the document."""
    if not to.strip():
        raise ValueError("Name the person taking over command: a handover to nobody is how an "
                         "incident ends up with no commander.")
    if to == doc.commander:
        raise ValueError(f"{to} is already the commander; hand over to someone else.")
    open_actions = [f"{owner}: {task}" for owner, task, state in doc.actions if state != "done"]
    roles = ", ".join(f"{who} ({role})" for role, who in doc.roles.items())
    return "\n".join([
        f"{to}, at {at} you take over as incident commander from {doc.commander}.",
        f"Where we are: {doc.status}, {doc.severity}. Impact: {doc.impact}.",
        f"What we think: {doc.current_theory}.",
        f"In flight: {'; '.join(open_actions) or 'nothing'}.",
        f"Who is on it: {roles}.",
        f"You owe the next update at {doc.next_update}.",
        f"Please confirm with \u201cI have command\u201d; {doc.commander} stays on the call until "
        "you do and then announces the handover in #incidents.",
    ])


# -- the Cowboy: a hand edit, undone by the next deploy ------------------------------------------

COWBOY_START = pd.Timestamp("2024-06-10 00:00", tz="UTC")  # a Monday
HAND_EDIT = pd.Timestamp("2024-06-10 16:00", tz="UTC")
NEXT_DEPLOY = pd.Timestamp("2024-06-12 10:00", tz="UTC")
POOL_IN_GIT, POOL_BY_HAND = 20, 60


def cowboy_history(seed: int = SEED) -> pd.DataFrame:
    """Three days of one checkout service, per hour: traffic, the DB pool size in git and on the
    hosts, and the share of failed requests.

    Monday afternoon's peak exhausts a pool of 20; at 16:00 someone raises it to 60 by hand on
    every host, and nobody commits it. Wednesday's deploy of an unrelated change renders the
    config from git again, and the evening peak fails the same way Monday's did.
    """
    rng = np.random.default_rng(seed)
    hours = pd.date_range(COWBOY_START, periods=72, freq="h")
    hour_of_day = hours.hour.to_numpy()
    # Busy in the afternoon and evening: peaks of about 1,400 requests a minute.
    load = 500 + 900 * np.exp(-((hour_of_day - 16.5) / 3.2) ** 2)
    load = load * rng.normal(1.0, 0.04, len(hours))
    pool = np.where((hours >= HAND_EDIT) & (hours < NEXT_DEPLOY), POOL_BY_HAND, POOL_IN_GIT)
    # Each pooled connection serves about 45 requests a minute; the excess waits and times out.
    capacity = pool * 45.0
    overflow = np.clip((load - capacity) / load, 0, None)
    error_pct = 100 * (0.003 + 0.6 * overflow) + rng.normal(0, 0.05, len(hours))
    return pd.DataFrame({
        "hour": hours,
        "requests_per_min": load.round().astype(int),
        "pool_in_git": POOL_IN_GIT,
        "pool_on_hosts": pool,
        "error_pct": np.clip(error_pct, 0, None).round(2),
    })


def plot_cowboy(history: pd.DataFrame):
    """Failed requests per hour, and the pool size on the hosts against the one in git."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 4.6), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    times = history["hour"].dt.tz_convert(None)
    top.plot(times, history["error_pct"], color="tab:red", linewidth=1.4)
    top.set_ylabel("failed requests (%)")
    top.set_title("The Cowboy's fix: a hand edit on Monday, undone by Wednesday's deploy", pad=18)
    bottom.step(times, history["pool_on_hosts"], where="post", color="tab:blue",
                label="pool size on the hosts")
    bottom.step(times, history["pool_in_git"], where="post", color="black", linestyle="--",
                label="pool size in git")
    bottom.set(ylabel="DB pool", ylim=(0, 75), xlabel="time (UTC)")
    bottom.legend(loc="upper right", fontsize="small")
    for when, label in [(HAND_EDIT, "hand edit"), (NEXT_DEPLOY, "next deploy")]:
        for ax in (top, bottom):
            ax.axvline(when.tz_convert(None), color="grey", linestyle=":", linewidth=1.2)
        top.annotate(label, (when.tz_convert(None), 1.0), xycoords=("data", "axes fraction"),
                     xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%a %H:%M"))
    fig.tight_layout()
    return fig
