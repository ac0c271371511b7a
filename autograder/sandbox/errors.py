"""What goes wrong with the sandbox, as exceptions whose message says what to do."""

from __future__ import annotations


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up here; the message says what to install or enable."""


class SandboxStartFailed(RuntimeError):
    """One kernel's sandbox did not start; the message carries bubblewrap's own words."""
