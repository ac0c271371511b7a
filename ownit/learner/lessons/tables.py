"""How the teaching notebooks show tables of sentences: left-aligned, as one reads text.

pandas right-aligns every cell, which suits numbers and makes a column of sentences hard to read.
"""

from __future__ import annotations

import pandas as pd

LEFT = [{"selector": "th, td", "props": [("text-align", "left"), ("vertical-align", "top")]}]


def readable(frame: pd.DataFrame):
    """A table of sentences, left-aligned, its index shown as the first column instead of as
    row labels."""
    shown = frame.reset_index() if frame.index.name is not None else frame
    return shown.style.hide(axis="index").set_table_styles(LEFT)
