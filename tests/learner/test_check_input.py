"""ownit check on files that are not notebooks: a clear message (exit 2), never a traceback,
whatever shape the JSON has (one class of input, several of its members)."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from ownit.learner.check import BadInput, check_notebook

SHAPES = {
    "cells-a-number": {"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
    "cells-of-numbers": {"cells": [1, 2], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
    "metadata-a-string": {"cells": [], "metadata": "x", "nbformat": 4, "nbformat_minor": 5},
    "a-list": [1, 2, 3],
    "source-a-number": {"cells": [{"cell_type": "code", "source": 7, "metadata": {},
                                   "outputs": [], "execution_count": None}],
                        "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_notebook_of_the_wrong_shape_is_refused_in_words(tmp_path, shape):
    folder = tmp_path / "exercises" / "deploy_safely"
    folder.mkdir(parents=True)
    path = folder / "deploy_safely.ipynb"
    path.write_text(json.dumps(SHAPES[shape]))
    with pytest.raises(BadInput, match="is not a valid notebook"):
        check_notebook(ROOT, path)


def test_text_that_is_not_json_is_refused_in_words(tmp_path):
    path = tmp_path / "deploy_safely.ipynb"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(BadInput, match="is not a valid notebook"):
        check_notebook(ROOT, path)
