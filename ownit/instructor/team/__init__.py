"""Take the course to your team: tools that run on a real repository and a real post-mortem.

- :mod:`ownit.instructor.team.bus_factor`: ``ownit bus-factor REPO``, the truck factor of a git
repository
  by the degree-of-authorship model of Avelino, Passos, Hora and Valente (ICPC 2016).
- :mod:`ownit.instructor.team.postmortem_lint`: ``ownit postmortem-lint FILE.md``, findings on a
Markdown
  post-mortem (sections, blameful language, action items, 5 Whys, timeline).

Both read their input as untrusted (names, paths and prose are escaped in every output) and
share nothing with the graded exercises: they work on git's own output and on Markdown text.
"""
