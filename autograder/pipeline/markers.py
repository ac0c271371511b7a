"""The marks the pipeline's steps leave in a notebook, and the prelude the kernel runs first.

Split (before execution) writes them, ExecuteBounded (execution) counts and stops on them, and
Judge (after execution) reads them back:

- the MIME type a check reports its value under, and the prelude that reports it;
- the marker an ``assert`` of a test cell raises with instead of its own message;
- the lines that fence hidden tests;
- the ids of the cells the grader adds (and removes again);
- the names of the grader's own verdicts on a cell it cut short.
"""

from __future__ import annotations

RECORD_MIME = "text/x-ownit-check"
ASSERT_MARK = "ownit-assert-site-"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
PRELUDE_ID = "ownit-prelude"
CHDIR_ID = "ownit-chdir"

TIME_LIMIT = "NotebookTimeLimit"
KERNEL_DIED = "KernelDied"
KERNEL_STUCK = "KernelStuck"

# Runs first in the learner's kernel. It only reports; it never compares (it knows no expected
# value), so replacing it can only lose points. ``json.dumps`` escapes every character outside
# ASCII, so the length of its text is its size in bytes.
_PRELUDE = '''\
def __ownit_check__(site, thunk):
    import json
    from IPython.display import publish_display_data
    try:
        from autograder.expect import to_plain
        payload = {{"site": site, "value": to_plain(thunk())}}
        text = json.dumps(payload, allow_nan=True)
        if len(text) > {value_bytes}:
            payload, text = None, json.dumps({{"site": site, "error": "ValueTooLarge",
                                              "message": "the value is over {value_words}"}})
    except Exception as exc:
        text = json.dumps({{"site": site, "error": type(exc).__name__,
                           "message": str(exc)[:300]}})
    publish_display_data({{"{mime}": text}})
import builtins
builtins.__ownit_check__ = __ownit_check__
del builtins, __ownit_check__
'''


def prelude(value_bytes: int) -> str:
    """The prelude cell's code, for values of at most ``value_bytes`` (as JSON)."""
    words = f"{value_bytes / 1_000_000:g} MB" if value_bytes >= 1_000_000 else \
        f"{value_bytes} bytes"
    return _PRELUDE.format(value_bytes=f"{value_bytes:_}", value_words=words, mime=RECORD_MIME)


def hidden_lines(source: str) -> set[int]:
    """Line numbers (1-based) inside a hidden-tests block of a test cell."""
    hidden, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == HIDDEN_BEGIN:
            inside = True
        elif line.strip() == HIDDEN_END:
            inside = False
        elif inside:
            hidden.add(number)
    return hidden
