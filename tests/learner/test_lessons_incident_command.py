"""Status updates, the incident state document, the handover and the Cowboy's undone edit show
what notebook 02 says they show."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from ownit.learner.lessons import incident_command as ic
from ownit.learner.lessons import incidents
from ownit.learner.lessons.tables import readable

matplotlib.use("Agg")


def test_the_worked_updates_keep_every_promise_on_a_20_minute_cadence():
    checked = ic.check_cadence(ic.status_updates())
    assert checked["promise_kept"].all() and checked["on_cadence"].all()
    assert checked["minutes_since_last"].max() == 20


def test_the_syllabus_message_is_the_update_that_identifies_the_cause():
    updates = ic.status_updates().set_index("state")
    assert updates.loc["identified", "message"] == ("Issue identified (Bad DB config). "
                                                    "Fix deploying. ETA 5 mins.")
    assert ic.status_updates()["next_update"].iloc[-1] == "none"


def test_dropping_the_no_news_update_breaks_the_promise_and_the_cadence():
    checked = ic.check_cadence(ic.status_updates().drop(index=1))
    first = checked.iloc[0]
    assert first["posted"] == "14:36" and first["minutes_since_last"] == 32
    assert not first["promise_kept"] and not first["on_cadence"]
    assert checked.iloc[1:]["promise_kept"].all()


def test_checking_no_updates_says_when_the_first_is_due():
    with pytest.raises(ValueError, match="within 5 minutes"):
        ic.check_cadence(ic.status_updates().iloc[:0])


def test_the_state_document_holds_what_the_notebook_lists():
    text = ic.state_document().to_markdown()
    for part in ["SEV-2", "Commander:", "Roles:", "Impact:", "Current theory:", "Next update:",
                 "| owner | action | state |", "Timeline (UTC):"]:
        assert part in text


def test_the_handover_names_open_work_the_next_update_and_asks_for_confirmation():
    note = ic.handover_note(ic.state_document(), to="Priya", at="14:30")
    assert note.count("\n") == 6, "the notebook says seven lines"
    assert "status page: checkout degraded" not in note, "done actions are not handed over"
    assert "prepare a revert" in note and "14:44" in note and "I have command" in note


@pytest.mark.parametrize(("to", "message"), [("", "Name the person"),
                                              ("Sam", "already the commander")])
def test_a_handover_to_nobody_or_to_yourself_is_refused(to, message):
    with pytest.raises(ValueError, match=message):
        ic.handover_note(ic.state_document(), to=to, at="14:30")


@pytest.fixture(scope="module")
def cowboy() -> pd.DataFrame:
    return ic.cowboy_history()


def test_the_hand_edit_holds_until_the_next_deploy_and_git_never_changes(cowboy):
    changes = cowboy[cowboy["pool_on_hosts"].diff() != 0]
    assert changes["hour"].tolist()[1:] == [ic.HAND_EDIT, ic.NEXT_DEPLOY]
    assert (cowboy["pool_in_git"] == ic.POOL_IN_GIT).all()
    drift = (cowboy["hour"] >= ic.HAND_EDIT) & (cowboy["hour"] < ic.NEXT_DEPLOY)
    assert (cowboy.loc[drift, "pool_on_hosts"] == ic.POOL_BY_HAND).all()


def test_the_outage_returns_at_wednesdays_peak_and_not_before(cowboy):
    failing = cowboy.loc[cowboy["error_pct"] > 1, "hour"]
    monday = failing[failing < ic.HAND_EDIT]
    wednesday = failing[failing >= ic.NEXT_DEPLOY]
    assert len(monday) + len(wednesday) == len(failing), "nothing fails while the edit holds"
    assert monday.dt.hour.tolist() == [14, 15]
    assert wednesday.dt.hour.tolist() == [14, 15, 16, 17, 18, 19]
    assert cowboy.loc[cowboy["hour"] == ic.NEXT_DEPLOY, "error_pct"].item() < 1, \
        "the deploy hour itself looks fine: nobody connects it with the outage"
    assert 19 < cowboy["error_pct"].max() < 22


def test_the_cowboy_plot_has_a_title(cowboy):
    assert ic.plot_cowboy(cowboy).axes[0].get_title()


@pytest.mark.parametrize("table", [incidents.severity_table, incidents.roles_table])
def test_reference_tables_render_left_aligned_without_an_index(table):
    html = readable(table()).to_html()
    assert "text-align: left" in html
    assert 'class="row_heading' not in html, "the index is hidden"
    assert table().index.name in html, "the index becomes the first column"


def test_a_table_without_a_named_index_keeps_its_columns():
    html = readable(pd.DataFrame({"task": ["restore a backup"]})).to_html()
    assert "restore a backup" in html and ">index<" not in html
