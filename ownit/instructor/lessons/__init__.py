"""What the teaching notebooks show but learners must not be given as code.

Notebook ``course/04_bus_factor.ipynb`` walks through the degree-of-authorship model and the
greedy truck factor, which the ``bus_factor`` exercise asks learners to write. The model lives
here (:mod:`.bus_factor_model`); :mod:`.bus_factor_tables` computes every table the notebook
shows into ``ownit/learner/lessons/data/bus_factor_tables.json``, which the learner side reads
(docs/learner-package.md).
"""
