"""Feedback staged for nbgrader's release_feedback carries a submission's exchange files back
out to the learner: only the short lines nbgrader wrote, never other content under their names."""

from __future__ import annotations

import pytest

from ownit.instructor.exchange_feedback import stage


def _graded_course(tmp_path):
    """OUT with ada's feedback page, and the course folder her submission was collected into."""
    out, root = tmp_path / "out", tmp_path / "course"
    page = out / "feedback" / "ada" / "toy" / "toy.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>feedback</p>")
    submitted = root / "submitted" / "ada" / "toy"
    submitted.mkdir(parents=True)
    return out, root, submitted


@pytest.mark.parametrize(("timestamp", "secret", "copied"), [
    ("2026-12-01 10:00:00.000000 UTC", "a1b2c3", True),
    ("def secret_solution():\n    return 42\n", "a1b2c3", False),  # not a time
    ("2026-12-01 10:00:00.000000 UTC", "x" * 300, False),  # too long
    ("2026-12-01 10:00:00.000000 UTC", "not a token!", False),
])
def test_only_exchange_files_as_nbgrader_writes_them_are_staged(tmp_path, timestamp, secret,
                                                                copied):
    out, root, submitted = _graded_course(tmp_path)
    (submitted / "timestamp.txt").write_text(timestamp)
    (submitted / "submission_secret.txt").write_text(secret)
    staged = stage(out, root)
    assert bool(staged.copied) is copied, staged.skipped
    assert (root / "feedback" / "ada" / "toy" / "timestamp.txt").exists() is copied


def test_a_linked_exchange_file_is_not_followed(tmp_path):
    out, root, submitted = _graded_course(tmp_path)
    (tmp_path / "elsewhere").write_text("2026-12-01 10:00:00.000000 UTC")
    (submitted / "timestamp.txt").symlink_to(tmp_path / "elsewhere")
    (submitted / "submission_secret.txt").write_text("a1b2c3")
    assert stage(out, root).copied == []
