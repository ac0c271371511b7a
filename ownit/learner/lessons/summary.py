"""The course summary: the learner's progress per section, and a review deck that puts the
scenarios they missed first.

Everything here reads the progress file through :mod:`ownit.learner.progress` and the quiz banks
through
:mod:`ownit.learner.quiz`, and copes with an empty or missing progress file, which is what a new
learner
(and every test) has.
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ownit.learner import progress
from ownit.learner.quiz import Quiz, all_banks

REVIEW_SECTION = "05_summary"
# The twelve scenarios of the syllabus, in its order; quiz items name them in "scenario".
SCENARIOS = ["QA will catch it", "The Deployment", "The Monitoring", "The Cowboy",
             "The Communicator", "The Freeze", "The Witch Hunt", "The Root Cause",
             "The Follow-up", "The Gatekeeper", "The Mentor", "The Hero"]

PRINCIPLES = pd.DataFrame([
    {"principle": "Own the outcome", "looks like": "you watch the deploy, the canary and the "
     "alerts; merged is not done", "notebook": "01 End-to-end ownership"},
    {"principle": "Stay calm", "looks like": "acknowledge, mitigate, investigate, communicate; "
     "ask for help early", "notebook": "02 Incident management"},
    {"principle": "Fix the system", "looks like": "ask why until you reach a process; "
     "owned, ticketed action items", "notebook": "03 Blameless post-mortems"},
    {"principle": "Share the load", "looks like": "pair, document, script the third "
     "repetition; raise the truck factor", "notebook": "04 The bus factor"},
])


def scenario_of(item: dict) -> str | None:
    """The syllabus scenario a quiz item is about, or None for items that are about no one
    scenario (ordering the incident steps, sorting sentences...)."""
    text = item["scenario"].lower()
    return next((name for name in SCENARIOS if name.lower() in text), None)


def progress_table(path: Path | None = None, banks: dict | None = None) -> pd.DataFrame:
    """One row per section: items in its bank, items tried, answered right, right first time."""
    banks = all_banks() if banks is None else banks
    done = progress.summary(path)
    rows = []
    for section, bank in banks.items():
        seen = done.get(section, {})
        rows.append({"section": section, "title": bank["title"], "items": len(bank["items"]),
                     "tried": seen.get("tried", 0), "correct": seen.get("correct", 0),
                     "first_try": seen.get("first_try", 0)})
    return pd.DataFrame(rows, columns=["section", "title", "items", "tried", "correct",
                                       "first_try"])


def progress_message(table: pd.DataFrame) -> str:
    """One kind sentence about the table, for the line under the chart."""
    tried, items = int(table["tried"].sum()), int(table["items"].sum())
    if tried == 0:
        return ("Nothing recorded yet, and that is fine: answer a few quizzes in the earlier "
                "notebooks (or the review below) and run this cell again to see your bars.")
    first = int(table["first_try"].sum())
    return (f"You have tried {tried} of {items} quiz items and got {first} right at the first "
            f"try. Items you missed come first in the review below.")


def plot_progress(table: pd.DataFrame):
    """Bars per section: items in the bank (outline), answered right, right at the first try.

    With nothing tried yet there is nothing to show: no figure is drawn and None is returned, so
    a new learner sees the sentence of :func:`progress_message` instead of a chart of empty bars.
    """
    if int(table["tried"].sum()) == 0:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ys = range(len(table))
    ax.barh(ys, table["items"], color="none", edgecolor="grey", label="items in the section")
    ax.barh(ys, table["correct"], color="lightsteelblue", label="answered right")
    ax.barh(ys, table["first_try"], height=0.4, color="navy", label="right at the first try")
    ax.set_yticks(list(ys), table["title"])
    ax.invert_yaxis()
    ax.set_xlabel("quiz items")
    # Below the axis label, never on the bars.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=8,
              frameon=False)
    ax.set_title("Your quiz progress per section")
    fig.tight_layout()
    return fig


def missed_earlier(path: Path | None = None, banks: dict | None = None) -> list[str]:
    """Ids of items from sections 00-04 the learner did not get right at the first try."""
    banks = all_banks() if banks is None else banks
    earlier = {i["id"] for s, b in banks.items() if s != REVIEW_SECTION for i in b["items"]}
    return [i for i in progress.missed_items(path) if i in earlier]


def review_order(missed: list[str], review: list[str] | None = None,
                 banks: dict | None = None) -> list[str]:
    """The review items (default: the whole review bank), those about a scenario the learner
    missed first; the order is kept otherwise."""
    banks = all_banks() if banks is None else banks
    by_id = {i["id"]: i for b in banks.values() for i in b["items"]}
    weak = {scenario_of(by_id[i]) for i in missed if i in by_id} - {None}
    if review is None:
        review = [i["id"] for i in banks[REVIEW_SECTION]["items"]]
    return sorted(review, key=lambda i: scenario_of(by_id[i]) not in weak)


def _find(item_id: str, banks: dict) -> tuple[str, dict]:
    for section, bank in banks.items():
        for item in bank["items"]:
            if item["id"] == item_id:
                return section, item
    raise KeyError(item_id)


class ReviewDeck:
    """Quiz items one at a time with Previous and Next; thin layer over :class:`Quiz`."""

    def __init__(self, item_ids: list[str], *, banks: dict | None = None, record: bool = True,
                 empty: str = "Nothing to show."):
        import ipywidgets as widgets

        banks = all_banks() if banks is None else banks
        self.quizzes = [Quiz(item, section, record=record)
                        for section, item in (_find(i, banks) for i in item_ids)]
        self.position = 0
        self.label = widgets.HTML()
        self.back = widgets.Button(description="Previous", icon="arrow-left")
        self.forward = widgets.Button(description="Next", icon="arrow-right")
        self.back.on_click(lambda _: self.show(self.position - 1))
        self.forward.on_click(lambda _: self.show(self.position + 1))
        self.holder = widgets.Box()
        self.empty = empty
        self.widget = widgets.VBox([self.label, self.holder,
                                    widgets.HBox([self.back, self.forward])])
        self.show(0)

    def show(self, position: int) -> None:
        if not self.quizzes:
            self.label.value = f"<p>{html.escape(self.empty)}</p>"
            self.back.disabled = self.forward.disabled = True
            return
        self.position = max(0, min(position, len(self.quizzes) - 1))
        self.holder.children = [self.quizzes[self.position]]
        self.label.value = f"<p>Card {self.position + 1} of {len(self.quizzes)}</p>"
        self.back.disabled = self.position == 0
        self.forward.disabled = self.position == len(self.quizzes) - 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
