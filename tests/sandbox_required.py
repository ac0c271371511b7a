"""Tests that need the grading sandbox skip on a laptop without it, with the reason, and fail in
CI (CI=true), where .ci/run installs bubblewrap: a missing sandbox must never pass silently."""

from __future__ import annotations

import os

import pytest

from autograder.sandbox import SandboxUnavailable, ensure_available


def need_sandbox() -> None:
    try:
        ensure_available()
    except SandboxUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must be able to sandbox student code: {exc}")
        pytest.skip(f"no grading sandbox on this machine: {exc}")


def sandbox_available() -> bool:
    """Whether this machine can sandbox (for tests that run either way)."""
    try:
        ensure_available()
    except SandboxUnavailable:
        return False
    return True
