"""``ownit grade``: a whole cohort's submissions graded, recorded and exported."""
