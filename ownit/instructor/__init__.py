"""The instructor side: what a person teaching the course runs.

``release`` (exercises/ from solutions/), ``grade`` (a whole cohort: discover, plan, run, record,
export), ``trial`` (an assignment graded in a throw-away course, for authors and tests),
``generators`` (the exercises' seeded data), ``workshop`` and ``drill`` (a facilitated session),
``team`` (the bus-factor and post-mortem tools a facilitator takes to a team). It calls the grading
core (``autograder``); the learner side never imports it.
"""
