"""Where the time of grading one submission goes: ``ownit grade --profile``.

One clock per submission, handed to the pipeline steps that time themselves (kernel start,
executing the cells, judging the checks) as a configured object, and filled by
:func:`autograder.submission.grade_submission` for the rest (setting up the scratch course,
nbgrader's own work around the steps, reading the verdicts, rendering the feedback page). It
holds only seconds: nothing of one submission reaches another through it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# The stages of one submission, in the order they happen.
STAGES = ("setup", "kernel_start", "execute", "judge", "nbgrader", "verdicts", "render")


class StageClock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __deepcopy__(self, memo) -> StageClock:
        # traitlets deep-copies configured values; the steps must fill this clock, not a copy.
        return self

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)
