"""``--html``: one self-contained page (inline CSS, the plot embedded as a PNG, no script, no
outside resource). Every name and path is escaped by Jinja2's autoescaping, and plot labels are
drawn as plain text (no mathtext), since both come from whoever wrote the commits."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from ownit.instructor.team.bus_factor.analysis import BusFactorReport, utc_date
from ownit.instructor.team.bus_factor.render import as_json, clean

PLOT_AT_MOST = 25
MAP_DEPTH = 2
MAP_ROWS = 80  # beyond this many folders, one level only, then the largest
# Colour-blind-safe (Okabe-Ito); each colour is also named in text beside the bar.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SHARED, NOBODY, OTHERS = "#7f7f7f", "#d9d9d9", "#a0a0a0"


@dataclass(frozen=True)
class Segment:
    label: str
    files: int
    share: float  # of the folder's files, 0..100
    colour: str


@dataclass(frozen=True)
class FolderRow:
    folder: str
    depth: int
    files: int
    segments: tuple[Segment, ...]


def departures_plot(report: BusFactorReport) -> str:
    """Orphaned files as the greedy order takes people away, as a base64 PNG."""
    # A Figure without pyplot: no global backend is touched (a notebook keeps its own).
    from matplotlib.figure import Figure

    walk = report.walk
    steps = walk.departures[:PLOT_AT_MOST]
    shares = [walk.orphaned_at_start / walk.files * 100] + [s.orphaned_share * 100 for s in steps]
    labels = ["nobody"] + [clean(report.name(s.developer)) for s in steps]
    fig = Figure(figsize=(max(6.0, 0.45 * len(labels) + 2), 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(range(len(shares)), shares, "o-", color=PALETTE[0], linewidth=2)
    ax.axhline(50, color=PALETTE[5], linestyle="--", linewidth=1)
    ax.text(len(shares) - 1, 51, "half of the files", ha="right", va="bottom", color=PALETTE[5],
            parse_math=False)
    if walk.truck_factor:
        ax.axvline(walk.truck_factor, color=SHARED, linestyle=":", linewidth=1)
        ax.annotate(f"truck factor {walk.truck_factor}", (walk.truck_factor, shares[-1] / 2),
                    xytext=(6, 0), textcoords="offset points", color="#333333")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=45, ha="right")
    for tick in ax.get_xticklabels():
        tick.set_parse_math(False)
    ax.set_ylim(0, 100)
    ax.set_ylabel("files with no author left (%)")
    ax.set_xlabel("people gone, in the greedy order (cumulative)")
    ax.grid(axis="y", alpha=0.3)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def silo_map(report: BusFactorReport) -> tuple[list[FolderRow], list[tuple[str, str]]]:
    """Per folder (two levels deep): the share of its files held by each single author, shared
    by several authors, or held by nobody. Returns the rows and the colour legend."""
    silos = report.silos
    colours = {key: PALETTE[i] for i, key in enumerate(list(silos)[: len(PALETTE)])}
    folders: dict[str, list] = {}
    for item in report.files:
        parts = item.path.split("/")[:-1]
        for depth in range(min(len(parts), MAP_DEPTH) + 1):
            folders.setdefault("/".join(parts[:depth]), []).append(item)
    names = sorted(folders)
    if len(names) > MAP_ROWS:
        names = [f for f in names if f.count("/") == 0]
    if len(names) > MAP_ROWS:
        names = sorted(sorted(names, key=lambda f: -len(folders[f]))[:MAP_ROWS])
    rows = []
    for folder in names:
        items = folders[folder]
        counts: dict[str, int] = {}
        for item in items:
            if len(item.authors) == 1:
                key = item.authors[0] if item.authors[0] in colours else "\0others"
            else:
                key = "\0shared" if item.authors else "\0nobody"
            counts[key] = counts.get(key, 0) + 1
        segments = []
        for key, files in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if key == "\0shared":
                label, colour = "several authors", SHARED
            elif key == "\0nobody":
                label, colour = "no author", NOBODY
            elif key == "\0others":
                label, colour = "one author (someone else)", OTHERS
            else:
                label, colour = clean(report.name(key)), colours[key]
            segments.append(Segment(label, files, files / len(items) * 100, colour))
        depth = folder.count("/") + 1 if folder else 0
        rows.append(FolderRow(clean(folder) + "/" if folder else "(whole repository)", depth,
                              len(items), tuple(segments)))
    legend = [(clean(report.name(key)), colour) for key, colour in colours.items()]
    legend += [("one author (someone else)", OTHERS), ("several authors", SHARED),
               ("no author", NOBODY)]
    return rows, legend


def render_page(report: BusFactorReport) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("ownit.instructor.team", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    rows, legend = silo_map(report)
    data = as_json(report, files=False)
    return env.get_template("bus_factor.html.j2").render(
        report=data, snapshot=utc_date(report.committed), plot=departures_plot(report),
        rows=rows, legend=legend, at_risk_shown=data["at_risk"][:200],
        silos_shown=data["silos"][:50])


def write_page(report: BusFactorReport, path: Path) -> None:
    path.write_text(render_page(report), encoding="utf-8")
