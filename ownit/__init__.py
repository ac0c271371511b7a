"""Own It: the course's command line and its two sides.

- :mod:`ownit.learner`: start the course, check an exercise, quizzes, progress, lesson data.
- :mod:`ownit.instructor`: release exercises, grade a cohort, workshops, the drill, team tools.
- :mod:`ownit.cli`: the ``ownit`` command, thin wrappers over both sides' Python functions.

Both sides call the grading core, the sibling package ``autograder``, which imports neither.
``ownit.check`` stays as the name exercise notebooks import (``check_my_work``).
"""

__version__ = "0.1.0"
