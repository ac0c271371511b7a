"""``python -m ownit.instructor.generators [ID ...]``: rewrite the named exercises' data (default:
all)."""

import sys

from autograder.assignment import assignment_ids
from ownit.instructor.generators import generator, write
from ownit.paths import full_course_root


def main(argv: list[str]) -> int:
    root = full_course_root()
    ids = argv or [i for i in assignment_ids(root) if generator(i) is not None]
    for assignment_id in ids:
        if generator(assignment_id) is None:
            print(f"no generator ownit/instructor/generators/{assignment_id}.py", file=sys.stderr)
            return 2
        for path in write(assignment_id, root / "solutions" / assignment_id / "data"):
            print(path.relative_to(root))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
