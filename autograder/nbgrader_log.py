"""What went wrong, in words, from the log nbgrader's API returns when a step fails.

nbgrader logs its errors as ``[ERROR]`` lines followed by a traceback and a line that points at
it ("see the above traceback"). The reason kept for a person is the ``[ERROR]`` lines without
the pointers and, when the grader's own sandbox failed, the last line of its exception: those
messages are Own It's (and bubblewrap's), never text a student's code chose. Other exceptions'
messages are left out: they may quote a student's notebook.
"""

from __future__ import annotations

import re

OWN_EXCEPTIONS = re.compile(r"^\s*(?:[\w.]+\.)?(SandboxStartFailed|SandboxUnavailable): (.+)$")


def reason(log: str, *, most: int = 3) -> str:
    lines = log.splitlines()
    errors = [line[len("[ERROR]"):].strip() for line in lines
              if line.startswith("[ERROR]") and "Traceback" not in line
              and "above traceback" not in line]
    own = [m.group(2).strip() for line in lines if (m := OWN_EXCEPTIONS.match(line))]
    return " ".join(own[-1:] + errors[-most:])
