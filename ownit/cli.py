"""The ``ownit`` command line. Each subcommand is a thin wrapper over a Python function."""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import os
import sys
from pathlib import Path

from ownit import __version__
from ownit.paths import CourseNotFound, course_root, full_course_root

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# The commands of the instructor side (``ownit.instructor``), which the learner package
# ``ownit-learner`` leaves out (docs/learner-package.md). Its ``ownit`` says so instead.
INSTRUCTOR_COMMANDS = ("release", "grade", "workshop", "bus-factor", "postmortem-lint")


def instructor_side_installed() -> bool:
    return importlib.util.find_spec("ownit.instructor") is not None


def _needs_full_install(command: str) -> str:
    return (f"ownit {command}: this is the learner package (ownit-learner), which has only the "
            f"learner commands (ownit start, ownit check). `ownit {command}` needs the full "
            "course install: clone the Own It repository and run `make start`, or "
            "`python -m pip install -e .` in the clone (see README.md).")


def _cmd_start(args: argparse.Namespace) -> int:
    from ownit.learner.start import PortInUse, start

    try:
        start(course_root(), port=args.port, host=args.ip, browser=not args.no_browser,
              all_files=args.all_files)
    except PortInUse as exc:
        print(f"ownit start: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK  # not reached: start() replaces the process


def _cmd_workshop(args: argparse.Namespace) -> int:
    from ownit.instructor.workshop import start
    from ownit.learner.start import PortInUse

    try:
        start(full_course_root(), port=args.port, browser=not args.no_browser)
    except PortInUse as exc:
        print(f"ownit workshop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK  # not reached: start() replaces the process


def _cmd_release(args: argparse.Namespace) -> int:
    from autograder.assignment import PreparationFailed
    from ownit.instructor.release import release

    root = full_course_root()
    try:
        report = release(root, check=args.check)
    except PreparationFailed as exc:
        print(f"ownit release: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.check:
        if report.out_of_date:
            print("exercises/ is out of date with solutions/; run `ownit release`. Differences:")
            for name in report.out_of_date:
                print(f"  {name}")
            return EXIT_FAILED
        print("exercises/ is up to date with solutions/.")
        return EXIT_OK
    if not report.released and not report.removed:
        print("No assignments in solutions/ yet: nothing to release.")
    for name in report.released:
        print(f"released exercises/{name}")
    for name in report.removed:
        print(f"removed exercises/{name} (its source in solutions/ is gone)")
    return EXIT_OK


def _skip_iri_grammar() -> None:
    """jsonschema imports rfc3987_syntax, when installed, only to check the "iri" string format,
    which no notebook schema uses; importing it builds a Lark grammar, about 0.6 s of every
    ``ownit check``. Marked absent here, jsonschema leaves that one format unchecked, as it
    does wherever the package is not installed. Only for the commands that grade (they run no
    Jupyter server, whose event schemas might use the format)."""
    sys.modules.setdefault("rfc3987_syntax", None)


def _cmd_check(args: argparse.Namespace) -> int:
    _skip_iri_grammar()
    early = None
    if not args.sandbox and args.notebook.is_file():
        from autograder.warm_kernel import imported_libraries, start_kernel_early

        # Boot the kernel while nbgrader imports (the learner's folder holds the data files).
        early = start_kernel_early(str(args.notebook.resolve().parent),
                                   imported_libraries(str(args.notebook)))
    from autograder.sandbox import SandboxUnavailable, ensure_available
    from ownit.learner.check import BadInput, as_contract, check_notebook, dumps
    from ownit.learner.check_cell import VISIBLE_ONLY_NOTE, format_table, not_checked_here

    try:
        if args.sandbox:
            ensure_available()
        result, hidden = check_notebook(_root_of(args.notebook), args.notebook,
                                        sandbox=args.sandbox, early_kernel=early)
    except (BadInput, SandboxUnavailable) as exc:
        print(f"ownit check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if early is not None:
            early.close()  # the check stopped before the notebook ran: the kernel is not needed
    report = as_contract(result, args.notebook)
    if args.for_check_cell:  # the check cell's own call: the report and whether hidden tests ran
        print(dumps({"report": report, "hidden_tests": hidden}))
    elif args.json:
        print(dumps(report))
        if not hidden:
            print(VISIBLE_ONLY_NOTE, file=sys.stderr)
    else:
        print(format_table(report, hidden))
    every_part_passes = all(p["passed"] for p in report["parts"]
                            if not p["manual"] and not not_checked_here(p))
    return EXIT_OK if every_part_passes else EXIT_FAILED


def _root_of(notebook: Path) -> Path:
    """The course the notebook is checked against: found from the current folder, else from
    the notebook's own folder (a learner's copy elsewhere on the disk)."""
    try:
        return course_root()
    except CourseNotFound:
        if not notebook.is_file():
            raise
        return course_root(notebook.resolve().parent)


def _cmd_grade(args: argparse.Namespace) -> int:
    _skip_iri_grammar()
    from autograder.assignment import UnknownAssignment
    from autograder.sandbox import SandboxUnavailable
    from ownit.instructor.grade import BrokenConfig, grade
    from ownit.instructor.grade.cluster import ClusterUnavailable
    from ownit.instructor.grade.lms import LmsError

    if not (args.submitted.is_dir() or (args.submitted.is_file()
                                        and args.submitted.suffix.lower() == ".zip")):
        print(f"ownit grade: {args.submitted} is not a folder or a .zip. Give the folder that "
              "holds <student_id>/<assignment_id>/<notebook>.ipynb or <student_id>.zip files, "
              "or a Canvas or Moodle download (its folder or its .zip).", file=sys.stderr)
        return EXIT_USAGE
    if args.roster is not None and not args.roster.is_file():
        print(f"ownit grade: the roster {args.roster} does not exist. Give a CSV with the "
              "columns lms_id,student_id.", file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("ownit grade: --workers must be 1 or more.", file=sys.stderr)
        return EXIT_USAGE
    try:
        executor = None
        if args.scheduler:
            from ownit.instructor.grade.cluster import DaskCluster

            executor = DaskCluster(args.scheduler)
        run = grade(full_course_root(), args.submitted, args.out, workers=args.workers,
                    assignment=args.assignment, force=args.force, sandbox=not args.no_sandbox,
                    roster=args.roster, pseudonymise=args.pseudonymise, executor=executor)
    except UnknownAssignment as exc:
        print(f"ownit grade: no assignment {exc.args[0]!r} in solutions/.", file=sys.stderr)
        return EXIT_USAGE
    except (SandboxUnavailable, BrokenConfig, LmsError, ClusterUnavailable) as exc:
        print(f"ownit grade: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{len(run.rows)} submissions: {run.graded} graded now, {run.reused} unchanged since "
          f"the last run, {run.errors} not graded (status error) in {run.seconds:.1f} s.")
    print(f"Wrote {args.out / 'grades.csv'}, {args.out / 'gradebook.csv'}, "
          f"{args.out / 'report.html'} and {args.out / 'feedback'}/.")
    if args.profile:
        print(run.profile(), file=sys.stderr)
    return EXIT_OK


def _cmd_bus_factor(args: argparse.Namespace) -> int:
    from ownit.instructor.team.bus_factor import main

    return main(repo=args.repo, until=args.until, as_json=args.json, html=args.html,
                alias_file=args.alias_file, include=args.include, exclude=args.exclude)


def _cmd_postmortem_lint(args: argparse.Namespace) -> int:
    from ownit.instructor.team.postmortem_lint import main

    return main(path=args.file, as_json=args.json)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ownit",
        description="Own It: a course on ownership and accountability for software engineers.",
    )
    parser.add_argument("--version", action="version", version=f"ownit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    start = sub.add_parser("start", help="open the course in JupyterLab",
                           description="Open JupyterLab on course/00_start_here.ipynb.")
    start.add_argument("--port", type=int, default=8888, help="port to serve on (default 8888)")
    start.add_argument("--ip", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1: this machine only)")
    start.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    start.add_argument("--all-files", action="store_true",
                       help="show every file, solutions/ included (instructors)")
    start.set_defaults(run=_cmd_start)

    check = sub.add_parser("check", help="grade your own exercise notebook, with hints",
                           description="Grade one exercise notebook and show a hint per failure.")
    check.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    # Not part of the command contract: what ownit.check.check_my_work reads (DESIGN.md's JSON
    # object, and whether the hidden tests were part of the check), so that it never has to
    # guess the latter from words on stderr.
    check.add_argument("--for-check-cell", action="store_true", help=argparse.SUPPRESS)
    check.add_argument("--sandbox", action="store_true",
                       help="run the notebook in the grading sandbox (needs bubblewrap and root)")
    check.set_defaults(run=_cmd_check)

    release = sub.add_parser("release", help="regenerate exercises/ from solutions/ (nbgrader)",
                             description="Regenerate exercises/ from solutions/ with nbgrader.")
    release.add_argument("--check", action="store_true",
                         help="change nothing; exit 1 naming the files if exercises/ is stale")
    release.set_defaults(run=_cmd_release)

    grade = sub.add_parser("grade", help="grade a folder of submissions (instructors)",
                           description="Grade SUBMITTED/<student>/<assignment>/<notebook>.ipynb, "
                                       "<student>.zip archives, or a Canvas or Moodle download.")
    grade.add_argument("submitted", type=Path, metavar="SUBMITTED")
    grade.add_argument("--out", type=Path, required=True, metavar="OUT")
    grade.add_argument("--profile", action="store_true",
                       help="print where the time went, stage by stage (on stderr)")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="grade on the workers of a running dask.distributed cluster "
                            "(e.g. tcp://10.0.0.5:8786; needs ownit[cluster])")
    grade.add_argument("--workers", type=int, default=None, metavar="N",
                       help="submissions graded at once (default: the number of CPUs)")
    grade.add_argument("--assignment", default=None, metavar="ID",
                       help="grade only this assignment")
    grade.add_argument("--force", action="store_true",
                       help="grade every submission again, even unchanged ones")
    grade.add_argument("--roster", type=Path, default=None, metavar="CSV",
                       help="map an LMS download's user ids to course ids (columns "
                            "lms_id,student_id)")
    grade.add_argument("--pseudonymise", action="store_true",
                       help="grades.csv, gradebook.csv and report.html name students by stable "
                            "pseudonyms (the key stays in .ownit-private/; see docs/privacy.md)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code without isolation (only for code you trust)")
    grade.set_defaults(run=_cmd_grade)

    workshop = sub.add_parser(
        "workshop", help="serve the incident drill and quizzes with Voila (no code shown)",
        description="Serve course/incident_drill.ipynb and course/workshop_quizzes.ipynb with "
                    "Voila on 127.0.0.1, for a projector or for teams. See "
                    "docs/facilitator-guide.md.")
    workshop.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    workshop.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    workshop.set_defaults(run=_cmd_workshop)

    bus = sub.add_parser(
        "bus-factor", help="the truck factor of a git repository (take it to your team)",
        description="The truck factor of a git repository (a clone or a bare repository) by "
                    "the degree-of-authorship model of Avelino et al. (ICPC 2016): the people "
                    "whose loss orphans most files, knowledge silos, files at risk.")
    bus.add_argument("repo", type=Path, metavar="REPO")
    bus.add_argument("--until", metavar="DATE",
                     help="the repository as it was at DATE (YYYY-MM-DD or ISO 8601 time; "
                          "default: HEAD)")
    bus.add_argument("--json", action="store_true", help="print one JSON object")
    bus.add_argument("--html", type=Path, metavar="OUT.html",
                     help="also write a self-contained page with a plot and a silo map")
    bus.add_argument("--alias-file", type=Path, metavar="F",
                     help="extra aliases in git's mailmap format, on top of .mailmap")
    bus.add_argument("--include", action="append", default=[], metavar="GLOB",
                     help="count files matching GLOB even if a rule leaves them out (repeatable)")
    bus.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                     help="leave files matching GLOB out too (repeatable)")
    bus.set_defaults(run=_cmd_bus_factor)

    lint = sub.add_parser(
        "postmortem-lint", help="check a Markdown post-mortem (sections, blame, action items)",
        description="Check a post-mortem written in Markdown: required sections, blameful "
                    "language, action items, the 5 Whys and the timeline. One finding per line "
                    "(FILE:LINE: rule: message); exit 1 when there are findings.")
    lint.add_argument("file", type=Path, metavar="FILE.md")
    lint.add_argument("--json", action="store_true", help="print one JSON object")
    lint.set_defaults(run=_cmd_postmortem_lint)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in INSTRUCTOR_COMMANDS and not instructor_side_installed():
        print(_needs_full_install(args.command), file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except CourseNotFound as exc:
        print(f"ownit {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `ownit bus-factor REPO | head`: the reader has gone; stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


# Commands that end without Python's teardown of their modules (see run).
QUICK_END_COMMANDS = ("check",)


def run() -> None:
    """The ``ownit`` command's entry point (the script, ``python -m ownit``): main(), then the
    end of the process.

    A learner waits for ``ownit check`` (and its check cell for it): Python's own teardown of
    the ~1,300 modules a check imports takes 0.3-0.4 s more, a fifth of the check, after
    everything is done. By then everything the check opened is closed (scratch folders
    removed, the kernel shut down), so the exit handlers run, the standard streams are
    flushed, and the process ends without the teardown. Other commands end as usual; code that
    calls ``main`` in a process of its own gets its exit code back either way.
    """
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] and argv[0] in QUICK_END_COMMANDS:
        atexit._run_exitfuncs()  # logging's shutdown and weakref finalizers among them
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe or stream: nothing left to say
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
