"""Seeded example data and plots for the teaching notebooks in ``course/``, one module per
notebook, so the notebooks stay short and every figure can be rebuilt exactly."""
