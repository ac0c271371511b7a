"""ExecuteBounded's weighing of output messages (no kernel): what its byte caps count."""

from __future__ import annotations

import json

from autograder.pipeline.execute_bounded import ExecuteBounded, message_bytes
from autograder.settings import Limits


def test_a_message_weighs_its_bytes_of_utf8_not_its_characters():
    ascii_text = message_bytes({"name": "stdout", "text": "e" * 1000})
    accented = message_bytes({"name": "stdout", "text": "é" * 1000})  # 2 bytes each
    emoji = message_bytes({"name": "stdout", "text": "\U0001F600" * 1000})  # 4 bytes each
    assert accented - ascii_text == 1000 and emoji - ascii_text == 3000


def test_everything_in_a_message_counts_metadata_included():
    data = {"data": {"text/plain": "x"}, "metadata": {}}
    heavy = {"data": {"text/plain": "x"}, "metadata": {"pad": "m" * 5000}}
    assert message_bytes(heavy) - message_bytes(data) >= 5000
    assert message_bytes(data) == len(json.dumps(data).encode())


def test_a_message_that_is_not_json_still_has_a_weight():
    assert message_bytes({"data": {"text/plain": object()}}) > 0
    assert message_bytes({"text": "\ud800"}) > 0  # a lone surrogate cannot be UTF-8


def test_the_caps_default_to_limits():
    step, limits = ExecuteBounded(), Limits()
    assert (step.max_output_bytes, step.max_notebook_output_bytes, step.max_check_bytes,
            step.max_notebook_check_bytes, step.max_records, step.notebook_timeout) == \
        (limits.output_bytes_per_cell, limits.output_bytes_per_notebook,
         limits.check_bytes_per_cell, limits.check_bytes_per_notebook, limits.checks_per_cell,
         limits.notebook_seconds)
    assert step.early_kernel is None
