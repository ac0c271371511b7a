"""One small ipywidgets renderer for every kind of quiz item.

Feedback is given in words and an inline SVG icon (a tick, a cross or an i: shapes, never colour
alone, and no emoji, which a browser without an emoji font paints as an empty box), in a live
region a screen reader announces. Every control is a native widget that works from the keyboard:
Tab to a control; Space ticks a checkbox or chooses a radio button (ipywidgets gives radio buttons
no shared name, so each option is its own Tab stop and arrows do not move between them); arrows
choose in a drop-down; Enter or Space on Check. Every control has a label of its own: the option's
text, or for drop-downs "Step n" and the statement to classify.
Output goes into widgets through their APIs, never ``print``, so nbval sees stable cell output.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

import ipywidgets as widgets

from ownit.learner import progress
from ownit.learner.quiz.icons import icon

CHOOSE = "— choose —"
# Long option texts must wrap inside radio buttons and checkboxes instead of being cut off.
STYLE = """<style>
.ownit-quiz .widget-radio-box label, .ownit-quiz .widget-checkbox label,
.ownit-quiz .widget-label { white-space: normal; height: auto; line-height: 1.4; }
.ownit-quiz .widget-radio-box label { margin-bottom: 0.35em; }
.ownit-quiz .ownit-classify > .widget-label { text-align: left; padding-right: 1em; }
.ownit-feedback.ownit-correct { border-left: 4px solid #2e7d32; padding-left: 8px; }
.ownit-feedback.ownit-wrong { border-left: 4px dashed #c62828; padding-left: 8px; }
</style>"""
REVEAL_AFTER_WRONG = 3  # a stuck learner sees the explanation after this many wrong tries


@dataclass
class Result:
    correct: bool
    headline: str
    details: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join([self.headline, *self.details])


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def shuffled(item: dict) -> list[dict]:
    """The item's options in a fixed order per item id (the same for every learner and run)."""
    options = list(item["options"])
    random.Random(f"ownit:{item['id']}").shuffle(options)
    if item["type"] == "order" and [o["id"] for o in options] == [o["id"] for o in item["options"]]:
        options.reverse()  # never show an ordering item already solved
    return options


class Quiz(widgets.VBox):
    """A quiz item as a widget: choose, press Check, read the feedback, try again."""

    def __init__(self, item: dict, section: str, *, record: bool = True):
        self.item, self.section, self.record = item, section, record
        self.options = shuffled(item)
        self.wrong_attempts = 0
        self.last_result: Result | None = None
        self.choices = self._build_choices()
        self.check_button = widgets.Button(description="Check", icon="check",
                                           tooltip="Check your answer (Enter or Space)")
        self.check_button.add_class("ownit-check")
        self.check_button.on_click(lambda _: self.check())
        self.feedback = widgets.HTML(value="")
        self.feedback.add_class("ownit-feedback")
        self.explanation = widgets.HTML(value="")
        header = widgets.HTML(
            f"{STYLE}<p><b>{html.escape(item['scenario'])}</b></p>"
            f"<p>{html.escape(item['prompt'])}</p><p><i>{self._instructions()}</i></p>"
        )
        super().__init__(children=[header, *self.choices, self.check_button,
                                   self.feedback, self.explanation])
        self.add_class("ownit-quiz")

    # -- building -----------------------------------------------------------------------------
    def _instructions(self) -> str:
        return {
            "single": "Pick one answer, then press Check.",
            "multiple": "Tick every answer that applies, then press Check.",
            "order": "Choose the step that comes at each position, then press Check.",
            "classify": "Put each statement in a category, then press Check.",
        }[self.item["type"]]

    def _build_choices(self) -> list[widgets.Widget]:
        kind = self.item["type"]
        wide = widgets.Layout(width="auto", max_width="100%")
        if kind == "single":
            choice = widgets.RadioButtons(
                options=[(o["text"], o["id"]) for o in self.options], value=None, layout=wide)
            found = [choice]
        elif kind == "multiple":
            found = [widgets.Checkbox(value=False, description=o["text"], indent=False,
                                      layout=wide) for o in self.options]
        elif kind == "order":
            menu = [(CHOOSE, None)] + [(o["text"], o["id"]) for o in self.options]
            found = [widgets.Dropdown(options=menu, value=None, description=f"Step {n}",
                                      layout=widgets.Layout(width="95%"))
                     for n in range(1, len(self.options) + 1)]
        else:  # classify: a drop-down per statement, labelled by the statement itself
            # (radio buttons beside it would be read as a bare "Blameless" or "Blameful": an
            # ipywidgets label cannot name a group of radio buttons).
            menu = [(CHOOSE, None)] + [(c["label"], c["id"]) for c in self.item["categories"]]
            found = [widgets.Dropdown(options=menu, value=None,
                                      description=f"{n}. {o['text']}",
                                      style={"description_width": "60%"},
                                      layout=widgets.Layout(width="95%"))
                     for n, o in enumerate(self.options, 1)]
            for menu in found:
                menu.add_class("ownit-classify")
        for widget in found:
            widget.add_class("ownit-choice")
        return found

    # -- answering (also the Python API the tests drive) ----------------------------------------
    def answer(self):
        """The current answer: an option id, a list of ids, or a {option id: category} map."""
        kind = self.item["type"]
        if kind == "single":
            return self.choices[0].value
        if kind == "multiple":
            return sorted(o["id"] for o, box in zip(self.options, self.choices, strict=True)
                          if box.value)
        if kind == "order":
            return [menu.value for menu in self.choices]
        return {o["id"]: menu.value for o, menu in zip(self.options, self.choices, strict=True)}

    def choose(self, answer) -> None:
        """Set the answer as a learner would by clicking (same shapes as :meth:`answer`)."""
        kind = self.item["type"]
        if kind == "single":
            self.choices[0].value = answer
        elif kind == "multiple":
            for option, box in zip(self.options, self.choices, strict=True):
                box.value = option["id"] in answer
        elif kind == "order":
            for menu, value in zip(self.choices, answer, strict=True):
                menu.value = value
        else:
            for option, menu in zip(self.options, self.choices, strict=True):
                menu.value = answer.get(option["id"])

    def judge(self, answer) -> Result | None:
        """Judge an answer without recording it; None when nothing is answered yet."""
        by_id = {o["id"]: o for o in self.item["options"]}
        kind = self.item["type"]
        if kind == "single":
            if answer is None:
                return None
            chosen = by_id[answer]
            if chosen.get("correct"):
                return Result(True, "Correct.", [chosen["feedback"]])
            return Result(False, "Not quite.", [chosen["feedback"], "Try again."])
        if kind == "multiple":
            if not answer:
                return None
            wrong = [o for o in self.item["options"]
                     if bool(o.get("correct")) != (o["id"] in answer)]
            if not wrong:
                return Result(True, "Correct: you found every right answer.",
                              [by_id[i]["feedback"] for i in answer])
            return Result(False, f"Not quite: {_count(len(wrong), 'option is', 'options are')}"
                          " set wrongly.",
                          [f"“{o['text']}”: {o['feedback']}" for o in wrong[:2]] + ["Try again."])
        if kind == "order":
            if any(v is None for v in answer):
                return None
            if len(set(answer)) != len(answer):
                return Result(False, "Each step can be used once: one is chosen twice.",
                              ["Try again."])
            want = [o["id"] for o in self.item["options"]]
            misplaced = [n for n, (a, w) in enumerate(zip(answer, want, strict=True), 1) if a != w]
            if not misplaced:
                return Result(True, "Correct: that is the order.", [])
            first = misplaced[0]
            return Result(False, f"Not quite: {len(want) - len(misplaced)} of {len(want)} "
                          f"steps are in the right place.",
                          [f"Look again at step {first}: {by_id[answer[first - 1]]['feedback']}",
                           "Try again."])
        if any(v is None for v in answer.values()):
            return None
        wrong = [by_id[i] for i, cat in answer.items() if by_id[i]["category"] != cat]
        if not wrong:
            return Result(True, "Correct: every statement is in the right category.", [])
        verb = "is" if len(wrong) == 1 else "are"
        return Result(False, f"Not quite: {len(wrong)} of {len(answer)} statements {verb} in "
                      "the wrong category.",
                      [f"“{o['text']}”: {o['feedback']}" for o in wrong[:2]] + ["Try again."])

    def check(self) -> Result | None:
        answer = self.answer()
        result = self.judge(answer)
        if result is None:
            self._show("Answer first: " + self._instructions().lower(), None)
            return None
        self.last_result = result
        if not result.correct:
            self.wrong_attempts += 1
        note = ""
        if self.record:
            try:
                progress.record_attempt(self.section, self.item["id"], result.correct, answer)
            except OSError as exc:
                note = f" (Your progress could not be saved: {exc.strerror}.)"
        self._show(result.text + note, result.correct)
        if result.correct or self.wrong_attempts >= REVEAL_AFTER_WRONG:
            self.explanation.value = (f"<p><b>Why:</b> {html.escape(self.item['explanation'])}"
                                      "</p>")
        return result

    def _show(self, text: str, correct: bool | None) -> None:
        self.feedback.remove_class("ownit-correct")
        self.feedback.remove_class("ownit-wrong")
        if correct is not None:
            self.feedback.add_class("ownit-correct" if correct else "ownit-wrong")
        mark = icon("info" if correct is None else "correct" if correct else "wrong")
        self.feedback.value = (f'<div role="status" aria-live="polite">{mark}'
                               f'<span>{html.escape(text)}</span></div>')

    @property
    def feedback_text(self) -> str:
        """The feedback as plain text (what a screen reader reads)."""
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self.feedback.value))
