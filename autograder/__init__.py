"""The grading core: nbgrader configuration and the code that composes nbgrader's steps.

Both sides of the course use it: ``ownit check`` (learners) and ``ownit release``/``ownit grade``
(instructors). It never imports from the learner-side package ``ownit``.
"""
