"""The check cell's import (a contract: every exercise notebook runs
``from ownit.check import check_my_work``). The code lives on the learner side,
:mod:`ownit.learner.check_cell`; this name stays so that released notebooks keep working."""

from ownit.learner.check_cell import check_my_work

__all__ = ["check_my_work"]
