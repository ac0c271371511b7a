"""Scenario quizzes: banks of items as data, and one ipywidgets renderer.

In a notebook::

    from ownit.learner.quiz import ask
    ask("qa_will_catch_it")
"""

from ownit.learner.quiz.bank import BankError, all_banks, find_item, load_bank, problems
from ownit.learner.quiz.widget import Quiz, Result


def ask(item_id: str, *, record: bool = True) -> Quiz:
    """The quiz widget for one item, found by its id in course/quizzes/."""
    section, item = find_item(item_id)
    return Quiz(item, section, record=record)


__all__ = ["BankError", "Quiz", "Result", "all_banks", "ask", "find_item", "load_bank", "problems"]
