"""ReduceToSafeContent: the graded notebook keeps nothing a browser would run."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import safe


class ReduceToSafeContent(NbGraderPreprocessor):
    """Last step of autograding: the notebook formgrader will render (in the instructor's Jupyter
    session) keeps the learner's code and text, never anything a browser would run.

    Outputs become text and images without metadata; Markdown cells are shown verbatim unless
    their text is the source notebook's own; raw cells and attachments go; cell metadata keeps
    only nbgrader's; notebook metadata keeps only the kernel's name and language.
    """

    def preprocess(self, nb, resources):
        trusted = self._instructor_texts(resources)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            cell.metadata = nbformat.from_dict({"nbgrader": meta} if meta else {})
            cell.pop("attachments", None)
            if cell.cell_type == "code":
                cell.outputs = safe.safe_outputs(cell.outputs)
            elif cell.source not in trusted:
                cell.cell_type = "markdown"
                cell.source = safe.verbatim_markdown(cell.source)
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        keep = {}
        for key in ("kernelspec", "language_info"):
            value = nb.metadata.get(key)
            if isinstance(value, dict):
                keep[key] = {k: safe.clean_text(v, 200) for k, v in value.items()
                             if isinstance(v, str) and k in ("name", "display_name", "language",
                                                              "file_extension", "mimetype",
                                                              "version")}
        nb.metadata = nbformat.from_dict(keep)
        return nb, resources

    def _instructor_texts(self, resources) -> set[str]:
        from nbgrader.coursedir import CourseDirectory

        info = resources.get("nbgrader", {})
        course = CourseDirectory(config=self.config)
        folder = Path(course.format_path(course.source_directory, ".", info.get("assignment")))
        try:
            source = nbformat.read(folder / f"{info.get('notebook')}.ipynb", as_version=4)
        except (OSError, ValueError):
            return set()
        return safe.instructor_markdown(source)
