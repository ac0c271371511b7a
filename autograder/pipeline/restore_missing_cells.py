"""RestoreMissingCells: nbgrader's OverwriteCells, putting deleted grade cells back anywhere."""

from __future__ import annotations

from nbgrader.preprocessors import OverwriteCells

from autograder.pipeline.cells import grader_meta


class RestoreMissingCells(OverwriteCells):
    """nbgrader's OverwriteCells, whose ``add_missing_cells`` puts a deleted grade cell back
    after the nearest earlier cell of the source that the submission still has (or first).

    nbgrader 0.9.6 assumes the source cell just before a deleted grade cell is a solution or
    grade cell still in the submission, and fails the whole notebook (``KeyError``) otherwise:
    after a locked cell, or when the student deleted that cell too.
    """

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source_nb.source_cells]
        by_name = dict(zip(order, source_nb.source_cells, strict=True))
        solutions = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in sorted(source_nb.grade_cells, key=lambda c: order.index(c.name)):
            present = {grader_meta(c).get("grade_id"): i for i, c in enumerate(nb.cells)
                       if grader_meta(c).get("grade_id")}
            if grade_cell.name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook",
                             grade_cell.name)
            cell = self.missing_cell_transform(by_name[grade_cell.name], grade_cell.max_score,
                                               is_solution=grade_cell.name in solutions)
            before = order[:order.index(grade_cell.name)]
            at = next((present[name] + 1 for name in reversed(before) if name in present), 0)
            nb.cells.insert(at, cell)
        return nb, resources
