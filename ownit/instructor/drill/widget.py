"""The drill in a notebook or a Voila page: a thin ipywidgets layer over :class:`Drill`.

Every control is a native button, drop-down or checkbox, so the drill works from the keyboard
(Tab to a move, Enter or Space to make it). Outcomes are told in words with an icon (inline SVG,
which shows on any machine, unlike emoji), never by colour alone. The HTML comes from one Jinja2
template with autoescaping (``templates/widget.html.j2``). Widgets are written through their APIs
(``.value``), never ``print``, so nbval sees stable output; CSS classes (``ownit-drill-*``) let a
browser test find each part.
"""

from __future__ import annotations

import base64
import html
import io
import re
from functools import cache
from pathlib import Path

import ipywidgets as widgets
import jinja2
import matplotlib.pyplot as plt

from ownit.instructor.drill.actions import ACTIONS, ANYONE, ROLES
from ownit.instructor.drill.debrief import Debrief, debrief, plot
from ownit.instructor.drill.engine import Drill, Turn, clock_at, percent
from ownit.instructor.drill.scenario import scenarios

STYLE = """<style>
.ownit-drill .ownit-drill-action { width: auto; min-width: 12em; }
.ownit-drill .widget-html-content { white-space: normal; line-height: 1.4; }
.ownit-drill table { border-collapse: collapse; font-size: 0.9em; }
.ownit-drill td, .ownit-drill th { border-bottom: 1px solid #ccc; padding: 2px 6px;
  text-align: left; vertical-align: top; }
.ownit-drill-feedback { border-left: 4px solid #555; padding-left: 8px; min-height: 1.5em; }
.ownit-drill .ownit-icon { vertical-align: -0.18em; flex: none; }
.ownit-drill .ownit-drill-chart img { max-width: 100%; height: auto; }
</style>"""


@cache
def _macros():
    """The template's macros; each returns escaped HTML (``markupsafe.Markup``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("widget.html.j2").module


def _html(macro: str, *args) -> str:
    return str(getattr(_macros(), macro)(*args))


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


class DrillApp(widgets.VBox):
    """Pick a scenario, play it move by move, read the debrief; then play again."""

    def __init__(self, scenario_id: str | None = None, *, team: bool = False):
        self.catalogue = scenarios()
        self.drill: Drill | None = None
        self.result: Debrief | None = None
        self.scenario_menu = widgets.Dropdown(
            options=[(s["title"], sid) for sid, s in self.catalogue.items()],
            description="Scenario", layout=widgets.Layout(width="auto"),
            style={"description_width": "initial"})
        self.scenario_menu.add_class("ownit-drill-scenario")
        self.team_box = widgets.Checkbox(value=team, description="Team play: each move only "
                                         "from the role that owns it", indent=False)
        self.team_box.add_class("ownit-drill-team")
        self.start_button = widgets.Button(description="Start the drill", icon="play",
                                           tooltip="Start the chosen scenario (Enter or Space)")
        self.start_button.add_class("ownit-drill-start")
        self.start_button.on_click(lambda _: self.start())
        picker = widgets.VBox([self.scenario_menu, self.team_box, self.start_button])

        self.briefing = widgets.HTML()
        self.status = widgets.HTML()
        self.status.add_class("ownit-drill-status")
        self.role_menu = widgets.Dropdown(
            options=[(label, rid) for rid, label in ROLES.items()], description="Acting as",
            style={"description_width": "initial"})
        self.role_menu.add_class("ownit-drill-role")
        self.buttons: dict[str, widgets.Button] = {}
        groups = []
        for owner, label in [*ROLES.items(), (ANYONE, "Anyone")]:
            row = []
            for action in ACTIONS.values():
                if action.owner != owner:
                    continue
                button = widgets.Button(description=action.label,
                                        tooltip=f"{label}'s move; takes about {action.minutes} "
                                                "min")
                button.add_class("ownit-drill-action")
                button.on_click(lambda _, a=action.id: self.act(a))
                self.buttons[action.id] = button
                row.append(button)
            groups.append(widgets.HTML(f"<b>{html.escape(label)}</b>"))  # a fixed role name
            groups.append(widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap")))
        self.feedback = widgets.HTML()
        self.feedback.add_class("ownit-feedback")
        self.feedback.add_class("ownit-drill-feedback")
        self.end_button = widgets.Button(description="End the drill now", icon="stop",
                                         tooltip="Stop here and go to the debrief")
        self.end_button.add_class("ownit-drill-end")
        self.end_button.on_click(lambda _: self.end())
        self.game = widgets.VBox([self.briefing, self.status, self.role_menu, *groups,
                                  self.feedback, self.end_button],
                                 layout=widgets.Layout(display="none"))

        self.score_box = widgets.HTML()
        self.score_box.add_class("ownit-drill-score")
        self.lessons = widgets.HTML()
        # An <img> with alt text in an HTML widget: widgets.Image has no alt attribute.
        self.chart = widgets.HTML()
        self.chart.add_class("ownit-drill-chart")
        self.chart_caption = widgets.HTML()
        self.timeline_box = widgets.HTML()
        # A label of its own: without one, a screen reader names the box by its placeholder.
        self.postmortem_box = widgets.Textarea(
            description="Draft", style={"description_width": "initial"},
            layout=widgets.Layout(width="100%", height="18em"))
        self.postmortem_box.add_class("ownit-drill-postmortem")
        self.again_button = widgets.Button(description="Play again", icon="refresh")
        self.again_button.add_class("ownit-drill-again")
        self.again_button.on_click(lambda _: self.reset())
        self.debrief_box = widgets.VBox(
            [widgets.HTML("<h3>Debrief</h3>"), self.score_box, self.lessons, self.chart,
             self.chart_caption, widgets.HTML("<h4>Timeline</h4>"), self.timeline_box,
             widgets.HTML("<h4>Post-mortem draft (blameless; select all and copy)</h4>"),
             self.postmortem_box, self.again_button],
            layout=widgets.Layout(display="none"))
        self.debrief_box.add_class("ownit-drill-debrief")
        self.picker = picker
        super().__init__([widgets.HTML(STYLE), picker, self.game, self.debrief_box])
        self.add_class("ownit-drill")
        if scenario_id is not None:
            self.scenario_menu.value = scenario_id
            self.start()

    # -- the Python API that the buttons (and the tests) use -------------------------------------
    def start(self, scenario_id: str | None = None, *, team: bool | None = None) -> Drill:
        if scenario_id is not None:
            self.scenario_menu.value = scenario_id
        if team is not None:
            self.team_box.value = team
        scenario = self.catalogue[self.scenario_menu.value]
        self.drill = Drill(scenario, team=self.team_box.value)
        self.result = None
        mode = ("Team play: the incident commander holds every role until roles are assigned; "
                "after that, choose who is acting before each move."
                if self.drill.team else "Solo play: you hold every role.")
        self.briefing.value = _html("briefing", scenario["title"], scenario["briefing"], mode)
        self.role_menu.layout.display = None if self.drill.team else "none"
        self.role_menu.value = next(iter(ROLES))
        self.picker.layout.display = "none"
        self.game.layout.display = None
        self.debrief_box.layout.display = "none"
        self._say("info", "You have been paged. What do you do first?")
        self._show_status()
        # The picker that held the focus is hidden: give the focus to the drill's first control.
        (self.role_menu if self.drill.team else next(iter(self.buttons.values()))).focus()
        return self.drill

    def act(self, action_id: str, role: str | None = None) -> Turn:
        if self.drill is None:
            raise RuntimeError("Start a scenario first: DrillApp.start(scenario_id).")
        if role is not None:
            self.role_menu.value = role
        acting = self.role_menu.value if self.drill.team else None
        turn = self.drill.act(action_id, acting)
        news = [e.what for e in turn.events
                if e.action is None and e.who in ("pager", "stakeholders", "monitoring")]
        self._say(turn.tone, turn.message, news)
        self._show_status()
        if self.drill.finished:
            self._show_debrief()
        return turn

    def end(self) -> None:
        if self.drill is not None and not self.drill.finished:
            self.drill.stop()
            self._say("stop", self.drill.ending)
            self._show_debrief()

    def reset(self) -> None:
        self.drill, self.result = None, None
        self.picker.layout.display = None
        self.game.layout.display = "none"
        self.debrief_box.layout.display = "none"
        self.scenario_menu.focus()  # "Play again" is hidden with the debrief

    # -- showing --------------------------------------------------------------------------------
    def _say(self, tone: str, text: str, news: list[str] = ()) -> None:
        self.feedback.value = _html("feedback", tone, text, list(news))

    @property
    def feedback_text(self) -> str:
        """The latest feedback as plain text (what a screen reader reads: icons are hidden)."""
        text = re.sub(r"<svg.*?</svg>", "", self.feedback.value, flags=re.S)
        text = re.sub(r"</p>", " ", text)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())

    def _show_status(self) -> None:
        d = self.drill
        health = ({"tone": "good", "words": "healthy"} if d.mitigated else
                  {"tone": "bad", "words": f"failing, about {d.customers_affected:,} customers "
                                           "affected"})
        due = d.next_update_due()
        rows = [
            ("Clock", f"{d.clock} UTC, minute {d.minute} since the page"),
            ("Error rate", percent(d.error_rate)),
            ("Severity", d.severity or "not declared"),
            ("On the call", ", ".join(d.paged)),
            ("Roles", "assigned" if d.roles_assigned_at is not None else "not assigned"),
            ("Next update due", f"by {clock_at(d.scenario, due)} UTC (every "
                                f"{d.update_every} min)"),
        ]
        self.status.value = _html("status", rows, health, d.minute > due, d.known_facts)
        for button in self.buttons.values():
            button.disabled = d.finished
        self.end_button.disabled = d.finished

    def _show_debrief(self) -> None:
        d = self.drill
        self.result = debrief(d)
        # The maximum is read from the score, never assumed to be 100.
        self.score_box.value = _html("score", self.result.score, d.ending)
        self.lessons.value = _html("lessons", self.result.went_well, self.result.to_change)
        self.chart.value = _html("chart", base64.b64encode(_png(plot(d))).decode("ascii"))
        peak = max(rate for _, rate in d.series)
        if d.lasting_mitigation_at is None:
            mitigated = "not healthy at the end"
        elif d.first_mitigated_at is not None and d.first_mitigated_at < d.lasting_mitigation_at:
            mitigated = (f"first healthy at minute {d.first_mitigated_at}, healthy for good from "
                         f"minute {d.lasting_mitigation_at}")
        else:
            mitigated = f"healthy from minute {d.lasting_mitigation_at}"
        self.chart_caption.value = _html("caption", percent(d.series[0][1]), percent(peak),
                                         mitigated)
        columns = ["time (UTC)", "who", "what", "error rate %"]
        frame = self.result.timeline
        self.timeline_box.value = _html("table", frame[columns].astype(str).values.tolist(),
                                        columns)
        self.postmortem_box.value = self.result.postmortem
        self.debrief_box.layout.display = None
