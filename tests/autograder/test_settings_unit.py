"""autograder.settings: the course's nbgrader_config.py read with traitlets, and Limits."""

from __future__ import annotations

from dataclasses import fields

import pytest
from traitlets.config import Config

from autograder.settings import (
    COURSE_ID,
    BrokenConfig,
    Limits,
    harden,
    limit_help,
    load_course_config,
)
from conftest import ROOT


def test_the_course_config_is_read_as_nbgrader_reads_it(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.Execute.timeout = 7\nc.CourseDirectory.root = __file__\n")
    config = load_course_config(tmp_path)
    assert config.Execute.timeout == 7
    assert config.CourseDirectory.root == str(tmp_path / "nbgrader_config.py")


def test_the_repository_config_loads_with_the_course_settings_and_the_guard():
    config = load_course_config(ROOT)
    assert config.CourseDirectory.course_id == COURSE_ID
    assert config.CourseDirectory.root == str(ROOT.resolve())
    assert "RequireSandbox" in [s.__name__ for s in config.Autograde.sanitize_preprocessors]


def test_no_config_file_is_an_empty_config(tmp_path):
    assert load_course_config(tmp_path) == Config()


@pytest.mark.parametrize("text, error", [
    ("c = get_config()\nc.Execute.timeout = 7 +\n", "SyntaxError"),
    ("from autograder.no_such_module import x\n", "ModuleNotFoundError"),
    ("c = get_config()\nconfigure(c)\n", "NameError"),
])
def test_a_broken_config_is_an_error_that_says_what_and_what_to_do(tmp_path, text, error):
    (tmp_path / "nbgrader_config.py").write_text(text)
    with pytest.raises(BrokenConfig) as caught:
        load_course_config(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"nbgrader_config.py is broken ({error}: ")
    assert message.endswith("nbgrader would ignore it and grade with defaults. Fix it, then "
                            "grade again.")


def test_every_limit_has_help_text_and_is_positive():
    for one in fields(Limits):
        assert len(limit_help(one.name)) > 20, one.name
        assert getattr(Limits(), one.name) > 0, one.name
    with pytest.raises(KeyError, match="no_such_limit"):
        limit_help("no_such_limit")


def test_harden_passes_each_limit_to_the_step_that_enforces_it():
    limits = Limits(cell_seconds=3, kernel_startup_seconds=4, notebook_seconds=5,
                    output_bytes_per_cell=6, output_bytes_per_notebook=7,
                    check_bytes_per_cell=8, check_bytes_per_notebook=9,
                    check_bytes_per_value=10, checks_per_cell=11, failures_shown=12)
    c = harden(Config(), sandbox=False, limits=limits)
    assert (c.Execute.timeout, c.Execute.startup_timeout) == (3, 4)
    assert (c.ExecuteBounded.notebook_timeout, c.ExecuteBounded.max_output_bytes,
            c.ExecuteBounded.max_notebook_output_bytes, c.ExecuteBounded.max_check_bytes,
            c.ExecuteBounded.max_notebook_check_bytes, c.ExecuteBounded.max_records) == \
        (5, 6, 7, 8, 9, 11)
    assert c.SplitExpectations.max_value_bytes == 10
    assert c.JudgeExpectations.max_failures_shown == 12


def test_the_pipeline_traits_default_to_limits_and_carry_its_help():
    from autograder.pipeline import ExecuteBounded, JudgeExpectations, SplitExpectations

    defaults = Limits()
    step = ExecuteBounded()
    assert step.notebook_timeout == defaults.notebook_seconds
    assert step.max_output_bytes == defaults.output_bytes_per_cell
    assert ExecuteBounded.class_traits()["max_output_bytes"].help == \
        limit_help("output_bytes_per_cell")
    assert JudgeExpectations().max_failures_shown == defaults.failures_shown
    assert SplitExpectations().max_value_bytes == defaults.check_bytes_per_value


def test_nbgrader_log_reason_keeps_the_errors_and_our_sandbox_words_not_student_text():
    from autograder.nbgrader_log import reason

    log = ("[INFO] Converting notebook\n"
           "[ERROR] There was an error processing assignment: toy\n"
           "Traceback (most recent call last):\n"
           "  File \"x.py\", line 1, in <module>\n"
           "autograder.sandbox.errors.SandboxStartFailed: bwrap: Can't find source path /nope\n"
           "ValueError: STUDENT-CHOSEN-TEXT\n"
           "[ERROR] Please see the above traceback for more details.\n")
    said = reason(log)
    assert "bwrap: Can't find source path /nope" in said
    assert "There was an error processing assignment: toy" in said
    assert "STUDENT-CHOSEN-TEXT" not in said and "above traceback" not in said
