"""Examples for ``course/02_incident_management.ipynb``: a real incident timeline, the reference
tables (roles, severities) and a short decision drill.

The drill's logic is a plain class (:class:`Drill`) so it can be tested and replayed without a
browser; :class:`DrillWidget` is only the ipywidgets face of it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

STEPS = [
    ("acknowledge", "\u201cI am looking into it.\u201d"),
    ("mitigate", "\u201cRolling back the last deploy to restore service.\u201d"),
    ("investigate", "\u201cThe site is up again; now let\u2019s find the root cause.\u201d"),
    ("communicate", "Stakeholder updates on a fixed rhythm (about every 30 min)."),
]

# The Shakespeare search incident, from the appendix of Google's "Site Reliability Engineering"
# (2016), all times UTC on 2015-10-21. The stage names are the event kinds the exercise
# incident_triage uses, so the notebook and the exercise read the same timeline the same way.
SHAKESPEARE = [
    ("onset", "outage begins", "2015-10-21 14:54"),
    ("paged", "monitoring pages on-call", "2015-10-21 14:55"),
    ("declared", "incident declared", "2015-10-21 15:01"),
    ("mitigated", "outage mitigated", "2015-10-21 15:36"),
    ("recovered", "outage ends", "2015-10-21 16:00"),
    ("closed", "incident closed", "2015-10-21 16:30"),
]


def timeline(events: list[tuple[str, str, str]] = SHAKESPEARE) -> pd.DataFrame:
    """The events as a table: ``stage``, ``what``, ``time`` (UTC), and minutes since onset."""
    frame = pd.DataFrame(events, columns=["stage", "what", "time"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame["minutes_since_onset"] = (frame["time"] - frame["time"].iloc[0]).dt.total_seconds() / 60
    return frame.astype({"stage": "string", "what": "string"})


def gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Minutes between each event and the next: where the time of an incident goes."""
    return pd.DataFrame({
        "from": frame["stage"].iloc[:-1].to_numpy(),
        "to": frame["stage"].iloc[1:].to_numpy(),
        "minutes": frame["time"].diff().dt.total_seconds().iloc[1:].to_numpy() / 60,
    }).astype({"from": "string", "to": "string"})


def plot_timeline(frame: pd.DataFrame):
    """Events on one time axis, with the minutes between neighbours written on the gaps."""
    fig, ax = plt.subplots(figsize=(10, 3.4))
    minutes = frame["minutes_since_onset"].to_numpy()
    ax.hlines(0, minutes[0], minutes[-1], color="0.6", linewidth=2)
    ax.axvspan(minutes[0], frame.set_index("stage").loc["recovered", "minutes_since_onset"],
               color="tab:red", alpha=0.12, label="users affected")
    markers = "ovs^DP"
    for n, row in enumerate(frame.itertuples()):
        ax.plot(row.minutes_since_onset, 0, marker=markers[n % len(markers)], markersize=10,
                color="black", linestyle="none")
        # Alternate labels above and below, and push the first and third apart sideways: the
        # onset, detection and declaration are one and six minutes apart.
        dx, ha = {0: (-8, "right"), 2: (8, "left")}.get(n, (0, "center"))
        ax.annotate(f"{row.time:%H:%M} {row.stage}\n({row.what})",
                    (row.minutes_since_onset, 0), xytext=(dx, 34 if n % 2 == 0 else -46),
                    textcoords="offset points", ha=ha, fontsize=8,
                    arrowprops={"arrowstyle": "-", "color": "0.5"})
    for start, end in zip(minutes[:-1], minutes[1:], strict=True):
        if end - start >= 5:  # a one-minute gap has no room for a label; the table has it
            ax.annotate(f"{end - start:.0f} min", ((start + end) / 2, 0), xytext=(0, -16),
                        textcoords="offset points", ha="center", fontsize=9, fontweight="bold")
    ax.set(title="Shakespeare search incident, 21 Oct 2015: where the 96 minutes went",
           xlabel="minutes since onset", ylim=(-1, 1), yticks=[])
    ax.set_xlim(minutes[0] - 6, minutes[-1] + 6)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    fig.tight_layout()
    return fig


ROLES = [
    ("incident commander", "Runs the response: assigns roles, decides, holds every role not handed "
     "out. Does not debug."),
    ("operations", "The only people who change the system during the incident."),
    ("communications", "Sends the periodic updates to stakeholders and, via liaisons, customers."),
    ("planning", "Handles the longer-running work: bugs filed, handoffs, dinner, the next shift."),
    ("scribe (PagerDuty)", "Writes down what happens and when; the post-mortem is built from it."),
    ("subject matter expert (PagerDuty)", "Knows the affected system; investigates and fixes."),
    ("customer / internal liaison (PagerDuty)", "Talks to customers or to the rest of the "
     "company so the responders are not interrupted."),
]

SEVERITIES = [
    ("SEV-1", "major", "Critical: many customers cannot use the product, data at risk; "
     "executives and public status page involved."),
    ("SEV-2", "major", "Critical system degraded for a large share of customers."),
    ("SEV-3", "minor", "Partial or intermittent problem that customers can notice; needs "
     "attention now."),
    ("SEV-4", "minor", "Needs action soon, but customers can still do what they came for."),
    ("SEV-5", "minor", "Cosmetic or a bug with a workaround; goes to the normal backlog."),
]


def roles_table() -> pd.DataFrame:
    """Incident roles (Google SRE book ch. 14, PagerDuty incident response docs)."""
    return pd.DataFrame(ROLES, columns=["role", "what they do"]).set_index("role")


def severity_table() -> pd.DataFrame:
    """PagerDuty-style severity levels, summarised in our words."""
    return pd.DataFrame(SEVERITIES, columns=["level", "class", "looks like"]).set_index("level")


# -- the decision drill ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    consequence: str
    minutes: int  # minutes this choice adds to the time customers are affected
    good: bool


@dataclass(frozen=True)
class Decision:
    id: str
    situation: str
    choices: tuple[Choice, ...]
    lesson: str  # what the good choice teaches, shown in the debrief when it was missed


BRIEFING = ("Tuesday, 14:02 UTC. You are on call for checkout. Build 412 went out at 13:58; "
            "since then 9% of checkouts fail. The CEO has already asked about it in #general.")
MINUTES_BEFORE_PAGE = 4  # 13:58 to 14:02: customers were affected before anyone was paged

DECISIONS = (
    Decision(
        id="acknowledge",
        situation="Your phone buzzes: \u201cCheckout error rate 9% (threshold 2%).\u201d "
                  "What do you do first?",
        choices=(
            Choice("ack_and_say", "Acknowledge the page and post in #incidents: \u201cI'm on "
                   "the checkout errors, looking now.\u201d",
                   "The pager stops escalating and the support lead stops hunting for whoever "
                   "is on call. Two minutes, and everyone knows who owns this.", 2, True),
            Choice("dig_silently", "Open the logs straight away; say something once you know "
                   "what is going on.",
                   "The unacknowledged page escalates to your manager after 5 minutes. Two "
                   "colleagues start reading the same logs, and the CEO asks again whether "
                   "anyone is on it.", 5, False),
            Choice("wait", "Give it five minutes: error spikes after a deploy often settle as "
                   "caches warm up.",
                   "It does not settle. Five more minutes of failed checkouts, and you start "
                   "from the same place with less time.", 5, False),
        ),
        lesson="Acknowledge first: one sentence tells everyone that someone owns it.",
    ),
    Decision(
        id="mitigate",
        situation="The error graph jumps at 13:58, the minute build 412 went out. Build 411 ran "
                  "clean all morning. What next?",
        choices=(
            Choice("roll_back", "Roll back to build 411 through the normal deploy pipeline.",
                   "The pipeline takes 7 minutes. The rollback is logged, reviewed and "
                   "repeatable; the error rate falls to 2%. Better, but not back to normal.",
                   7, True),
            Choice("ssh_and_edit", "SSH into the checkout hosts and edit the config by hand to "
                   "undo what looks wrong.",
                   "You fix two of the three hosts; the third you forget. Errors linger for 20 "
                   "more minutes, nobody can say what changed, and the next deploy will quietly "
                   "undo your edits.", 24, False),
            Choice("root_cause_first", "Leave build 412 in place and find the root cause, so "
                   "the fix is a proper one.",
                   "You find the bad line after 40 minutes. For every one of them, about one "
                   "checkout in eleven failed.", 40, False),
        ),
        lesson="Mitigate before you investigate, and mitigate through the normal, audited path.",
    ),
    Decision(
        id="get_help",
        situation="Errors are down to 2%, not the usual 0.3%. The logs are full of "
                  "\u201ctoo many connections\u201d from the database, which you know little "
                  "about. What do you do?",
        choices=(
            Choice("ask_db_team", "Post: \u201cI'm looking at DB connection errors and I'm "
                   "not sure what they mean. Can someone from the DB team jump on?\u201d",
                   "A database engineer joins within minutes: build 412 opened five times the "
                   "usual connections and the database is still shedding them. She resets "
                   "them; errors fall to 0.3%.", 6, True),
            Choice("keep_reading", "Keep reading the logs alone until you understand them; "
                   "asking now would look bad.",
                   "Forty-five minutes later you are still not sure. A database engineer who "
                   "happens to open the channel spots it in two minutes.", 45, False),
            Choice("restart_db", "Restart the database: whatever is stuck, a restart clears it.",
                   "Every connection drops at once: checkout fails for everyone for three "
                   "minutes while it comes back, and the connection state that showed the "
                   "cause is gone.", 15, False),
        ),
        lesson="Call for help early: a second team is one of the signs this is an incident.",
    ),
    Decision(
        id="communicate",
        situation="Checkout is back to normal. Support, the CEO and two teams waiting to "
                  "release are watching #incidents. What do you post?",
        choices=(
            Choice("status_update", "\u201cMitigated: rolled back build 412 and reset DB "
                   "connections; checkout normal since 14:17. Investigating the pool change. "
                   "Next update 14:50.\u201d",
                   "Support tells customers it is over, the waiting teams know the state of "
                   "play, and everyone knows when to look again.", 0, True),
            Choice("say_nothing", "Nothing: it is fixed, and the post-mortem will explain.",
                   "Support keeps telling customers there is an outage for another 40 "
                   "minutes, and the CEO learns it was fixed from a customer.", 0, False),
            Choice("all_good", "\u201cFixed, all good.\u201d and close the incident.",
                   "Nobody knows what broke, whether it can come back, or who follows up. Two "
                   "teams keep their releases frozen \u2018just in case\u2019.", 0, False),
        ),
        lesson="Say what broke, what you did, what happens next and when you will update.",
    ),
)


@dataclass
class Outcome:
    """How a finished drill went: minutes of customer impact and the calls worth revisiting."""

    impact_minutes: int
    good_calls: int
    decisions: int
    missed_lessons: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        head = (f"Customers were affected for {self.impact_minutes} minutes; "
                f"you made the calm, senior call at {self.good_calls} of {self.decisions} "
                "decisions.")
        if not self.missed_lessons:
            return "\u2705 " + head + " Textbook: nothing to add."
        return "\u26a0\ufe0f " + head + " Worth revisiting: " + " ".join(self.missed_lessons)


class Drill:
    """A short incident in a few decisions, each with three choices and a consequence.

    Use :meth:`choose` with a choice id until :attr:`finished`, then read :meth:`outcome`.
    """

    def __init__(self, decisions: tuple[Decision, ...] = DECISIONS):
        self.decisions = decisions
        self.made: list[Choice] = []

    @property
    def finished(self) -> bool:
        return len(self.made) == len(self.decisions)

    @property
    def current(self) -> Decision | None:
        return None if self.finished else self.decisions[len(self.made)]

    def choose(self, choice_id: str) -> Choice:
        """Make the current decision; return the choice, whose consequence says what happened."""
        decision = self.current
        if decision is None:
            raise ValueError("The drill is over: read outcome(), or call reset() to play again.")
        by_id = {c.id: c for c in decision.choices}
        if choice_id not in by_id:
            raise ValueError(f"No choice {choice_id!r} at decision {decision.id!r}; "
                             f"the choices are {sorted(by_id)}.")
        self.made.append(by_id[choice_id])
        return by_id[choice_id]

    def reset(self) -> None:
        self.made = []

    def outcome(self) -> Outcome:
        if not self.finished:
            raise ValueError(f"The drill is not over: {len(self.decisions) - len(self.made)} "
                             "decision(s) left.")
        missed = [d.lesson for d, c in zip(self.decisions, self.made, strict=True) if not c.good]
        return Outcome(
            impact_minutes=MINUTES_BEFORE_PAGE + sum(c.minutes for c in self.made),
            good_calls=sum(c.good for c in self.made),
            decisions=len(self.decisions),
            missed_lessons=missed,
        )


# The choices are whole sentences: let radio labels wrap instead of being cut off.
WRAP_LABELS = """<style>
.ownit-drill .widget-radio-box label { white-space: normal; height: auto; line-height: 1.4;
  margin-bottom: 0.35em; }
</style>"""


class DrillWidget(widgets.VBox):
    """The drill with radio buttons and a Decide button: keyboard-usable, feedback in words."""

    def __init__(self, drill: Drill | None = None):
        self.drill = drill or Drill()
        self.situation = widgets.HTML()
        self.choices = widgets.RadioButtons(options=[], value=None,
                                            layout=widgets.Layout(width="auto"))
        self.choices.add_class("ownit-choice")
        self.decide_button = widgets.Button(description="Decide", icon="check",
                                            tooltip="Make this decision (Enter or Space)")
        self.decide_button.add_class("ownit-check")
        self.decide_button.on_click(lambda _: self.decide())
        self.again_button = widgets.Button(description="Play again", icon="refresh",
                                           layout=widgets.Layout(display="none"))
        self.again_button.on_click(lambda _: self.restart())
        self.feedback = widgets.HTML()
        self.feedback.add_class("ownit-feedback")
        self.debrief = widgets.HTML()
        header = widgets.HTML(f"{WRAP_LABELS}<p><b>Incident drill.</b> "
                              f"{html.escape(BRIEFING)}</p>")
        super().__init__(children=[header, self.situation, self.choices,
                                   widgets.HBox([self.decide_button, self.again_button]),
                                   self.feedback, self.debrief])
        self.add_class("ownit-drill")
        self._show_decision()

    def _show_decision(self) -> None:
        decision = self.drill.current
        step = len(self.drill.made) + 1
        self.situation.value = (f"<p><b>Decision {step} of {len(self.drill.decisions)}:</b> "
                                f"{html.escape(decision.situation)}</p>")
        self.choices.options = [(c.text, c.id) for c in decision.choices]
        self.choices.value = None

    def _say(self, text: str) -> None:
        self.feedback.value = f'<div role="status" aria-live="polite">{html.escape(text)}</div>'

    def decide(self) -> Choice | None:
        if self.choices.value is None:
            self._say("\u2139\ufe0f Pick one of the three choices first.")
            return None
        choice = self.drill.choose(self.choices.value)
        verdict = "\u2705 Good call." if choice.good else "\u26a0\ufe0f Costly."
        if self.drill.finished:
            self.debrief.value = (f"<p><b>Debrief:</b> "
                                  f"{html.escape(self.drill.outcome().summary)}</p>")
            self.situation.value = "<p><b>The incident is over.</b></p>"
            self.choices.options = []
            self.decide_button.disabled = True
            self.again_button.layout.display = None
        else:
            self._show_decision()
        self._say(f"{verdict} {choice.consequence}")
        return choice

    def restart(self) -> None:
        self.drill.reset()
        self.decide_button.disabled = False
        self.again_button.layout.display = "none"
        self._say("")
        self.debrief.value = ""
        self._show_decision()

    @property
    def feedback_text(self) -> str:
        """The feedback as plain text (what a screen reader reads)."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.feedback.value))


def play_drill() -> DrillWidget:
    """A fresh drill, ready to play in a notebook cell."""
    return DrillWidget(Drill())
