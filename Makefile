# Two commands on a fresh machine: `make start` opens the course, `make test` runs every test.
# Both create .venv and install the project into it; a second run skips the install unless
# pyproject.toml changed (the stamp file records the last install).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888

.PHONY: start test test-fast lint release learner-wheel clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

start: $(STAMP)
	$(BIN)/ownit start --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# While you work: everything that drives no kernel, server or browser, in under a minute.
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

release: $(STAMP)
	$(BIN)/ownit release

# The learner package (ownit-learner) for students who get exercises/ only: dist/*.whl.
# What it holds and why: docs/learner-package.md.
learner-wheel: $(STAMP)
	$(BIN)/python -m ownit.instructor.learner_wheel --out dist

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info dist
