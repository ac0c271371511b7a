"""Own It: the learner side of the course (command line, quizzes, progress, exercise data).

The grading core lives in the sibling package ``autograder``; this package calls it, never the
other way round.
"""

__version__ = "0.1.0"
