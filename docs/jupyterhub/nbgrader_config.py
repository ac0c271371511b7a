"""nbgrader's exchange for the Own It course, for everyone on the server.

Install as /etc/jupyter/nbgrader_config.py (docs/deploy-jupyterhub.md): learners' `nbgrader
fetch_assignment`, `submit` and `fetch_feedback` (and the Assignments tab of JupyterLab) and the
instructor's `release_assignment`, `collect` and `release_feedback` then meet in one folder. The
course root's own nbgrader_config.py adds the rest for the instructor (where the course is, the
gradebook, Own It's guarded pipeline).
"""

import os

from autograder.settings import COURSE_ID

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = COURSE_ID  # "ownit-module-6"
# Made by root once, mode 0777 (nbgrader's release_assignment insists on it); the course's own
# folder in it (inbound 2733, outbound 0755, feedback 0711) is made by the instructor's release.
c.Exchange.root = os.environ.get("OWNIT_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.timezone = "UTC"
# Learners fetch into ~/exercises/<assignment>/ (the hub's start-up makes the folder), so their
# home holds exercises/ as a copy of the course does, and `ownit check` finds it.
c.Exchange.assignment_dir = os.path.join(os.path.expanduser("~"), "exercises")
