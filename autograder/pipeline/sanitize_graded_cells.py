"""SanitizeGradedCells: forget the nbgrader metadata a submission forged."""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.pipeline.cells import grader_meta


class SanitizeGradedCells(NbGraderPreprocessor):
    """Forget nbgrader metadata the source does not have, and all but the first copy of a cell.

    A submission can claim any cell is graded (an unknown grade id) or hold a second copy of a
    graded cell; nbgrader would grade what the submission says. Only the source's cells count.
    """

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            source = gb.find_notebook(info["notebook"], info["assignment"])
            known = {cell.name for cell in source.source_cells}
        seen = set()
        for cell in nb.cells:
            grade_id = grader_meta(cell).get("grade_id")
            if "nbgrader" in cell.metadata and (grade_id not in known or grade_id in seen):
                del cell.metadata["nbgrader"]
            elif grade_id is not None:
                seen.add(grade_id)
        return nb, resources
