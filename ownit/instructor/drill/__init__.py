"""A scored incident drill: scenarios as data, a pure-Python engine, a debrief, and a widget.

In a notebook::

    from ownit.instructor.drill import play
    play()                 # pick a scenario, then play it alone
    play(team=True)        # the same, with each move accepted only from the role that owns it

Without widgets (tests, a facilitator replaying a team's moves)::

    from ownit.instructor.drill import Drill, debrief, get_scenario
    drill = Drill(get_scenario("bad_deploy"))
    drill.act("acknowledge")
"""

from ownit.instructor.drill.actions import ACTIONS, ROLES
from ownit.instructor.drill.debrief import Debrief, debrief, plot, postmortem, timeline_table
from ownit.instructor.drill.engine import Drill, DrillOver, Turn
from ownit.instructor.drill.scenario import (
    ScenarioError,
    catalogue,
    get_scenario,
    load_scenario,
    problems,
    scenarios,
)
from ownit.instructor.drill.scoring import Score, score


def play(scenario_id: str | None = None, *, team: bool = False):
    """The drill widget: a scenario picker, or straight into ``scenario_id`` when given."""
    from ownit.instructor.drill.widget import DrillApp

    return DrillApp(scenario_id=scenario_id, team=team)


__all__ = ["ACTIONS", "ROLES", "Debrief", "Drill", "DrillOver", "Score", "ScenarioError", "Turn",
           "catalogue", "debrief", "get_scenario", "load_scenario", "play", "plot", "postmortem",
           "problems", "scenarios", "score", "timeline_table"]
