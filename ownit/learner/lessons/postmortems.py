"""Blameless post-mortems: a 5 Whys checker, a seeded incident to write up, action-item checks.

The checks are plain functions on text so they can be tested and reused; the ipywidgets builder
in :class:`WhysBuilder` is a thin layer that calls them. They are heuristics on words, meant to
prompt a second look, not to pass judgement: a human reads the chain in the end.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ownit.learner.quiz.icons import icon

SEED = 303
START = pd.Timestamp("2025-03-11T13:30:00Z")

# The syllabus's example: the site crashed, and the chain ends at a process the team can change.
DB_OVERLOAD_PROBLEM = "The site crashed"
DB_OVERLOAD_CHAIN = [
    ("Why did the site crash?", "The DB was overloaded"),
    ("Why was the DB overloaded?", "Too many connections"),
    ("Why were there too many connections?", "The connection pool wasn't configured"),
    ("Why wasn't it configured?", "We used the default settings"),
    ("Why did we use defaults?", "We don't have a load testing checklist"),
]

# Words that point at a person rather than a process. "I" and "we" are fine in a conversation,
# but a chain that ends at someone's memory or care has not found a cause the team can change.
BLAME_WORDS = {"he", "she", "him", "her", "someone", "somebody", "intern", "careless",
               "carelessness", "lazy", "sloppy", "incompetent", "fault", "negligent", "stupid"}
BLAME_PHRASES = ["human error", "new hire", "new guy", "should have known", "didn't bother",
                 "did not bother", "not paying attention"]
# Verbs that, right after a name, usually make a sentence about a person's action.
BLAME_VERBS = {"forgot", "pushed", "broke", "ignored", "missed", "skipped", "deployed",
               "messed", "didn't", "typed", "ran", "deleted", "merged", "approved", "failed"}
NOT_NAMES = {"we", "the", "it", "this", "there", "our", "a", "an", "they", "nobody",
             "no", "too", "because", "why", "and", "but", "so", "then", "deploys", "tests"}
# Words that name something a team can change: a process, a tool, a check, a default.
PROCESS_WORDS = {"checklist", "process", "review", "test", "tests", "testing", "validation",
                 "validate", "validates", "runbook", "alert", "alerts", "alerting",
                 "monitoring", "automation", "automated", "script", "pipeline", "documentation",
                 "docs", "documented", "policy", "guideline", "guidelines", "linter", "lint",
                 "template", "training", "onboarding", "owner", "ownership", "limit", "limits",
                 "standard", "step", "gate", "canary", "rollout", "procedure", "playbook"}
STOP_WORDS = {"why", "did", "do", "does", "the", "a", "an", "was", "were", "is", "are", "we",
              "it", "its", "there", "too", "many", "to", "of", "and", "not", "wasn't",
              "weren't", "don't", "didn't", "doesn't", "isn't", "have", "has", "had", "our",
              "so", "that", "this", "in", "on", "for", "with", "be", "been", "no", "they",
              "their", "by", "at", "as", "or", "from", "because", "any", "all", "get", "got"}


@dataclass(frozen=True)
class Finding:
    """One thing to look at again in a 5 Whys chain; ``step`` counts from 1."""

    step: int
    kind: str  # "person", "unlinked" or "stopped_early"
    message: str


def words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z']*", text.lower())


def stem(word: str) -> str:
    """A crude stem, enough to match "overloaded" with "overload" and "defaults" with "default"."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def key_words(text: str) -> set[str]:
    """The stemmed content words of a text (no stop words)."""
    return {stem(w) for w in words(text) if w not in STOP_WORDS and len(w) > 1}


def names_a_person(text: str) -> str | None:
    """The word or phrase that makes ``text`` about a person, or None when it names none."""
    lowered = text.lower()
    for phrase in BLAME_PHRASES:
        if phrase in lowered:
            return phrase
    for word in words(text):
        if word in BLAME_WORDS:
            return word
    tokens = re.findall(r"[A-Za-z][A-Za-z']*", text)
    for name, verb in zip(tokens, tokens[1:], strict=False):
        looks_like_name = name[0].isupper() and not name.isupper() and len(name) > 1
        if looks_like_name and name.lower() not in NOT_NAMES and verb.lower() in BLAME_VERBS:
            return name
    return None


def reaches_a_process(text: str) -> bool:
    """True when the answer names something a team can change (a process, check or tool)."""
    return any(w in PROCESS_WORDS or stem(w) in PROCESS_WORDS for w in words(text))


def check_chain(problem: str, steps: list[tuple[str, str]]) -> list[Finding]:
    """Findings for a 5 Whys chain: (question, answer) steps that start from ``problem``.

    Three checks, in words a facilitator would use:

    - *person*: an answer names a person, not a process ("Kevin pushed a bad config");
    - *unlinked*: a step shares no key word with the answer before it, so it may not explain it;
    - *stopped_early*: the last answer is not yet something a team can change (a person is not:
      the chain has to go on to what let them do it).
    """
    found: list[Finding] = []
    previous = problem
    for n, (question, answer) in enumerate(steps, 1):
        who = names_a_person(answer)
        if who:
            found.append(Finding(n, "person", f"Step {n} points at a person ({who!r}). Ask what "
                                 "in the system let that happen, and answer that instead."))
        if not key_words(previous) & key_words(f"{question} {answer}"):
            found.append(Finding(n, "unlinked", f"Step {n} shares no key word with the answer "
                                 "before it. Does it really explain it?"))
        previous = answer
    if not steps:
        found.append(Finding(0, "stopped_early", "No whys yet: start with why the problem "
                             "happened."))
    elif not reaches_a_process(steps[-1][1]) or names_a_person(steps[-1][1]):
        found.append(Finding(len(steps), "stopped_early", "The last answer is not yet something "
                             "the team can change (a process, a check, a tool). Ask why once "
                             "more."))
    return found


def next_question(previous_answer: str) -> str:
    """A first draft of the next why, for the learner to rephrase."""
    return f"Why: {previous_answer.strip().rstrip('.')}?"


class WhysBuilder:
    """A 5 Whys builder: type each answer, press the Add button, read the checks. Thin layer over
    :func:`check_chain`; ``add`` and ``reset`` are also callable from Python."""

    def __init__(self, problem: str = DB_OVERLOAD_PROBLEM):
        import ipywidgets as widgets

        self.problem = widgets.Text(value=problem, description="Problem",
                                    layout=widgets.Layout(width="90%"))
        self.question = widgets.Text(value=f"Why did it happen? ({problem})",
                                     description="Why?", layout=widgets.Layout(width="90%"))
        self.answer = widgets.Text(placeholder="Because ...", description="Answer",
                                   layout=widgets.Layout(width="90%"))
        self.add_button = widgets.Button(description="Add this why", icon="plus")
        self.reset_button = widgets.Button(description="Start over", icon="undo")
        self.report = widgets.HTML()
        self.steps: list[tuple[str, str]] = []
        self.add_button.on_click(lambda _: self.add())
        self.reset_button.on_click(lambda _: self.reset())
        self.widget = widgets.VBox([self.problem, self.question, self.answer,
                                    widgets.HBox([self.add_button, self.reset_button]),
                                    self.report])
        self._render()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def add(self, question: str | None = None, answer: str | None = None) -> list[Finding]:
        question = self.question.value if question is None else question
        answer = self.answer.value if answer is None else answer
        if answer.strip():
            self.steps.append((question.strip(), answer.strip()))
            self.question.value = next_question(answer)
            self.answer.value = ""
        return self._render()

    def reset(self) -> None:
        self.steps = []
        self.question.value = f"Why did it happen? ({self.problem.value})"
        self._render()

    def _render(self) -> list[Finding]:
        findings = check_chain(self.problem.value, self.steps) if self.steps else []
        lines = [f"<li>{html.escape(q)} <b>{html.escape(a)}</b></li>" for q, a in self.steps]
        notes = [f"<li>{icon('wrong')}Check: {html.escape(f.message)}</li>" for f in findings]
        if self.steps and not findings:
            notes = [f"<li>{icon('correct')}Linked, blameless, and it ends at something the "
                     "team can change.</li>"]
        self.report.value = (f"<ol>{''.join(lines)}</ol><ul>{''.join(notes)}</ul>"
                             if self.steps else "<p><i>No whys yet.</i></p>")
        return findings


def incident_metrics(seed: int = SEED) -> pd.DataFrame:
    """Per-minute metrics of the DB-overload incident: open connections and the share of failed
    requests, from 30 minutes before the trigger until well after the fix."""
    rng = np.random.default_rng(seed)
    minutes = pd.date_range(START, periods=150, freq="min")
    t = np.arange(len(minutes))
    # Traffic grows after a marketing email at minute 30; the default pool lets every worker open
    # its own connections until the database hits its limit.
    surge = 200 * (1 - np.exp(-np.clip(t - 30, 0, None) / 25))
    demand = 60 + surge + rng.normal(0, 4, len(t))
    connections = np.minimum(demand, 200)
    connections = np.where(t >= 118, 55 + rng.normal(0, 3, len(t)), connections)
    errors = np.clip((demand - 190) / 140, 0, 0.6) + rng.normal(0.002, 0.001, len(t))
    errors = np.where(t >= 118, rng.normal(0.002, 0.001, len(t)), errors)
    return pd.DataFrame({"minute": minutes, "db_connections": connections.round().astype(int),
                         "error_ratio": np.clip(errors, 0, 1).round(4)})


def incident_events() -> pd.DataFrame:
    """What happened and when, as a scribe would have noted it (UTC)."""
    rows = [
        (0, "Marketing email sent to 400k customers"),
        (58, "Checkout error ratio crosses 5%"),
        (63, "On-call paged by the checkout error alert"),
        (66, "Incident declared; on-call is incident commander"),
        (75, "DB team joins: connections pinned at the database limit of 200"),
        (96, "Root of the pile-up found: pool size left at the library default"),
        (112, "Pool capped at 20 per worker; config change deployed through the pipeline"),
        (118, "Error ratio back under 0.5%"),
        (140, "Incident closed"),
    ]
    return pd.DataFrame({"when": [START + pd.Timedelta(minutes=m) for m, _ in rows],
                         "event": [e for _, e in rows]})


def plot_incident(metrics: pd.DataFrame, events: pd.DataFrame):
    """Connections and errors over the incident, with the trigger, page and fix marked."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 4.6), sharex=True)
    top.plot(metrics["minute"], metrics["db_connections"], color="steelblue")
    top.axhline(200, color="black", linestyle=":", linewidth=1)
    # Label the limit where the line is free: after the fix, connections are far below it.
    top.annotate("database limit: 200", (metrics["minute"].iloc[-1], 200), xytext=(0, -12),
                 textcoords="offset points", ha="right", fontsize=8)
    top.set_ylabel("DB connections")
    bottom.plot(metrics["minute"], metrics["error_ratio"] * 100, color="firebrick")
    bottom.set_ylabel("failed requests (%)")
    marks = {"Marketing email": "trigger", "paged": "page", "deployed": "fix"}
    for when, event in events.itertuples(index=False):
        for key, label in marks.items():
            if key in event:
                for ax in (top, bottom):
                    ax.axvline(when, color="grey", linestyle="--", linewidth=1)
                # Above the plot area, so the labels never sit on the data or the limit line.
                top.annotate(label, (when, 1.0), xycoords=("data", "axes fraction"),
                             xytext=(0, 3), textcoords="offset points", ha="center",
                             va="bottom", fontsize=9)
    top.set_ylim(0, 230)
    top.set_title("DB overload incident: connections hit the limit, then requests fail", pad=18)
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    bottom.set_xlabel("time (UTC)")
    fig.tight_layout()
    return fig


ACTION_ITEM_TYPES = {"prevent", "mitigate", "detect", "repair", "process"}
VAGUE_WORDS = {"better", "more careful", "improve", "try to", "be aware", "investigate",
               "look into", "remember"}


def action_item_problems(item: dict) -> list[str]:
    """What keeps an action item from being owned, prioritised, measurable and preventive."""
    found = []
    if not str(item.get("owner") or "").strip():
        found.append("no owner: everyone's job is no one's job")
    if item.get("priority") not in {"P0", "P1", "P2", "P3"}:
        found.append("no priority: it will lose to every feature")
    if not str(item.get("bug") or "").strip():
        found.append("no ticket: it will be forgotten after the meeting")
    if item.get("type") not in ACTION_ITEM_TYPES:
        found.append(f"no type: say whether it is one of {sorted(ACTION_ITEM_TYPES)}")
    text = str(item.get("action", "")).lower()
    vague = sorted(w for w in VAGUE_WORDS if w in text)
    if vague:
        found.append(f"not measurable ({', '.join(vague)}): how will we know it is done?")
    return found


def draft_action_items() -> pd.DataFrame:
    """A first draft of action items for the DB-overload post-mortem: some good, some not."""
    return pd.DataFrame([
        {"action": "Add a load-testing checklist to the launch template, incl. pool sizes",
         "type": "prevent", "owner": "Freya", "priority": "P1", "bug": "OPS-412"},
        {"action": "Alert when DB connections exceed 80% of the limit for 5 minutes",
         "type": "detect", "owner": "Gopal", "priority": "P1", "bug": "OPS-413"},
        {"action": "Be more careful with default settings",
         "type": "prevent", "owner": "", "priority": "", "bug": ""},
        {"action": "Investigate connection usage",
         "type": "", "owner": "Chen", "priority": "P2", "bug": "OPS-415"},
    ])


# -- beyond one root cause: contributing factors, the limits of the 5 Whys, the review meeting -----

def contributing_factors() -> pd.DataFrame:
    """What had to line up for the DB-overload incident, as a review would list it.

    ``kind`` says what role a factor played (trigger, latent condition, detection, response);
    ``chain_step`` is the step of the syllabus's 5 Whys chain that reaches it (0 when the chain
    never does); ``known_at_the_time`` says whether the responders knew it during the incident.
    """
    rows = [
        ("Marketing email to 400k customers, sent without telling engineering", "trigger", 0,
         False, "big sends go on a shared launch calendar that on-call reads"),
        ("Connection pool left at the library default (no cap per worker)", "latent", 4, True,
         "pool size set explicitly in the service template"),
        ("No load-testing checklist for launches", "latent", 5, True,
         "load-testing checklist in the launch template"),
        ("Database connection limit of 200, sized for last year's fleet", "latent", 0, True,
         "review DB limits against fleet size each quarter"),
        ("No alert on connections near the limit; the first page came from errors", "detection",
         0, True, "alert at 80% of the connection limit for 5 minutes"),
        ("DB team joined 9 minutes after the incident was declared, 12 after the page",
         "response", 0, True, "page the DB team automatically on DB-limit alerts"),
    ]
    return pd.DataFrame(rows, columns=["factor", "kind", "chain_step", "known_at_the_time",
                                       "what would change it"])


def pool_settings() -> pd.DataFrame:
    """The team's services and their connection pools, on the day before the incident.

    Checkout was not the odd one out: most services ran the library default, and none of them had
    ever come near the database limit. Only hindsight makes "we used the defaults" look careless.
    """
    rows = [("checkout", "default", 118, 200), ("search", "default", 64, 200),
            ("accounts", "default", 41, 200), ("catalog", "default", 57, 200),
            ("notifications", "default", 22, 200), ("payments", "capped at 20", 38, 200),
            ("reviews", "default", 19, 200), ("wishlist", "default", 12, 200)]
    return pd.DataFrame(rows, columns=["service", "pool setting", "peak connections last month",
                                       "db limit"])


REVIEW_AGENDA = [
    (5, "ground rules", "facilitator", "why we are here (to learn how the system let this "
     "happen), and that nobody is in trouble"),
    (15, "timeline first", "scribe / incident commander", "walk the timeline; the room corrects "
     "it and adds what each person saw and knew at each point"),
    (15, "contributing factors", "facilitator, whole room", "what lined up: trigger, latent "
     "conditions, detection, response; more than one answer is expected"),
    (15, "action items", "facilitator, owners", "each one owned, prioritised, measurable, with a "
     "ticket; owners agree in the room, not by email later"),
    (10, "lessons and close", "facilitator", "what went well, what went wrong, where we got lucky; "
     "who publishes the document, and when the tickets are looked at again"),
]


def review_agenda() -> pd.DataFrame:
    """A one-hour post-mortem review meeting, part by part, with its running clock."""
    frame = pd.DataFrame(REVIEW_AGENDA, columns=["minutes", "part", "led by", "what happens"])
    frame.insert(0, "starts at", frame["minutes"].cumsum().shift(fill_value=0).astype(int))
    return frame


# Questions that put a person on the stand rather than the system.
BLAMING_OPENERS = ("why did you", "why didn't you", "who ", "whose ")
WHY_DID_NAME = re.compile(r"^(?i:why (?:did|didn't|did not|wasn't|was)) ([A-Z][a-z']+)\b")
HINDSIGHT = re.compile(r"\bshould(?:n't| not)?(?: have|'ve)\b|\bshouldn't\b", re.IGNORECASE)


def question_problems(question: str) -> str | None:
    """Why a question for the review meeting would make people defensive, or None when it keeps
    the focus on what the system showed and allowed."""
    lowered = question.lower().strip()
    if lowered.startswith(BLAMING_OPENERS):
        return "asks for a culprit; ask what happened or what made sense at the time instead"
    if HINDSIGHT.search(question):
        return "hindsight: it judges a past decision by what we know now"
    named = WHY_DID_NAME.match(question.strip())
    if named and named.group(1).lower() not in NOT_NAMES:
        return (f"puts a person ({named.group(1)!r}) on the stand; ask what made the choice "
                "reasonable at the time")
    who = names_a_person(question)
    if who:
        return f"puts a person ({who!r}) at the centre; ask about the system around them"
    return None
