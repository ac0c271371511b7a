"""The steps Own It adds to nbgrader's autograde pipeline, and the order they all run in.

nbgrader autogrades a notebook in two passes: the sanitize steps (on the submission as it came)
and the autograde steps (on the sanitized notebook). :data:`SANITIZE` and :data:`AUTOGRADE` are
those two lists, nbgrader's own steps included; :func:`autograder.settings.harden` puts them
into the configuration and nothing else writes them. One class per module:

- :class:`SanitizeGradedCells` drops nbgrader metadata a submission forged.
- :class:`RestoreMissingCells` (nbgrader's ``OverwriteCells``) puts deleted grade cells back.
- :class:`SplitExpectations` leaves only each check's actual value for the kernel to compute.
- :class:`ExecuteBounded` (nbgrader's ``Execute``) runs it within caps of time and output.
- :class:`JudgeExpectations` compares the reported values here, in the trusted process.
- :class:`ReduceToSafeContent` keeps nothing of the graded notebook a browser would run.
"""

from __future__ import annotations

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader import preprocessors as nbgrader

from autograder.pipeline.execute_bounded import ExecuteBounded
from autograder.pipeline.judge_expectations import JudgeExpectations
from autograder.pipeline.reduce_to_safe_content import ReduceToSafeContent
from autograder.pipeline.restore_missing_cells import RestoreMissingCells
from autograder.pipeline.sanitize_graded_cells import SanitizeGradedCells
from autograder.pipeline.split_expectations import SplitExpectations

SANITIZE = (
    # Outputs a submission brings are never evidence: every later step sees code and text only.
    nbgrader.ClearOutput,
    # Forged grade ids and second copies of a graded cell go before anything trusts the
    # metadata: nbgrader's DeduplicateIds and OverwriteCells decide by it which cells are graded.
    SanitizeGradedCells,
    nbgrader.DeduplicateIds,
    # The kernel is the source's, whatever the submission names.
    nbgrader.OverwriteKernelspec,
    # In place of nbgrader's OverwriteCells: the instructor's tests and locked cells replace the
    # submission's, deleted ones come back; on clean metadata, so no forged cell is restored.
    RestoreMissingCells,
    # nbgrader's consistency check, last, on the notebook as the autograde pass will see it.
    nbgrader.CheckCellMetadata,
)

AUTOGRADE = (
    # First: the sanitize pass has restored the instructor's real tests, and the kernel has not
    # run yet, so expected values can still be kept out of it.
    SplitExpectations,
    # In place of nbgrader's Execute.
    ExecuteBounded,
    # Right after execution, before anything that drops or cuts outputs (IgnorePattern,
    # LimitOutput) could lose a check's report, and before SaveAutoGrades scores the cell by the
    # error (or its absence) the judge leaves.
    JudgeExpectations,
    nbgrader.IgnorePattern,
    ClearMetadataPreprocessor,
    nbgrader.LimitOutput,
    nbgrader.SaveAutoGrades,
    nbgrader.AssignLatePenalties,
    nbgrader.CheckCellMetadata,
    # Last: it rewrites outputs and metadata for formgrader's page, after every score is saved.
    ReduceToSafeContent,
)

__all__ = ["AUTOGRADE", "SANITIZE", "ExecuteBounded", "JudgeExpectations", "ReduceToSafeContent",
           "RestoreMissingCells", "SanitizeGradedCells", "SplitExpectations"]
