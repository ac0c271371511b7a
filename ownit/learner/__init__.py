"""The learner side: what a person studying the course runs.

``start`` (JupyterLab on the course), ``check`` (``ownit check`` and the exercise notebooks' check
cell), ``quiz`` (the scenario quizzes), ``progress`` (what the learner has done) and ``lessons``
(seeded data and plots for the teaching notebooks). It calls the grading core (``autograder``),
never the instructor side. This file stays import-free: the grading sandbox shows graded code only
this package's ``check_cell`` (see ``autograder.import_view``).
"""
