"""What of the course's own code graded code may import: one definition, shown by the sandbox
(:mod:`autograder.sandbox.view` mounts exactly these files) and by an unsandboxed kernel (an
import hook with the same list), so that ``ownit check`` never passes what grading fails.

This module imports nothing of the course: the early kernel of ``ownit check`` reads it
before nbgrader is imported (:mod:`autograder.warm_kernel`).
"""

from __future__ import annotations

# Of the course's own packages, graded code may import only these files: the reporting helper
# the tests use and the check cell's entry point (which does nothing while grading). Everything
# else (examples, generators, the team tools, the grader itself) stays out of reach.
KERNEL_VISIBLE = {
    "autograder": ("__init__.py", "expect.py"),
    "ownit": ("__init__.py", "check.py", "paths.py"),
    "ownit.learner": ("__init__.py", "check_cell.py"),
}


def visible_modules() -> set[str]:
    """The dotted names of the course's modules graded code may import."""
    return {package if name == "__init__.py" else f"{package}.{name[:-3]}"
            for package, files in KERNEL_VISIBLE.items() for name in files}


_GUARD = """
import sys
class OwnItImportView:
    '''The course's own modules graded code may import, as in the grading sandbox.'''
    allowed = {allowed!r}
    def find_spec(self, name, path=None, target=None):
        if name.partition('.')[0] in ('ownit', 'autograder') and name not in self.allowed:
            raise ModuleNotFoundError(
                f"No module named {{name!r}}: graded code may import only "
                f"{{', '.join(sorted(self.allowed))}} of the course", name=name)
        return None
sys.meta_path.insert(0, OwnItImportView())
"""


def import_view_argument() -> str:
    """The kernel argument that gives an unsandboxed kernel (``ownit check``, grading with
    --no-sandbox) the import view of a sandboxed one, so a check never passes what grading
    fails. Not a defence (the learner's code could undo it); the sandbox is the defence."""
    code = _GUARD.format(allowed=sorted(visible_modules()))
    return f"--IPKernelApp.exec_lines=exec({code!r}, {{}})"
