"""The bus factor of a small service, from its commit history.

Notebook ``course/04_bus_factor.ipynb`` teaches the degree-of-authorship model of Avelino et al.
(ICPC 2016) on a toy history and then looks at a realistic one made here by a seeded generator.

The model and the greedy truck-factor algorithm are not here: the ``bus_factor`` exercise asks
learners to write them, and this module ships in the learner package. The instructor side
(``ownit/instructor/lessons/``) runs them and writes every table the notebook shows into
``data/bus_factor_tables.json`` beside this file; :func:`lesson_table` and
:func:`lesson_authors` read it (docs/learner-package.md).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

SEED = 604
START = pd.Timestamp("2025-01-06T09:00:00Z")
TABLES = Path(__file__).with_name("data") / "bus_factor_tables.json"

# Avelino et al.'s thresholds (the notebook states them; the plots draw them).
AUTHOR_SHARE = 0.75  # normalised DOA above this ...
AUTHOR_MIN_DOA = 3.293  # ... and absolute DOA at least this makes an author
ORPHAN_LIMIT = 0.5  # the truck factor is reached when more than half the files are orphaned

DEVELOPERS = ["Amara", "Bruno", "Chen", "Dalia", "Emeka", "Freya", "Gopal", "Hiro"]

# The files of the service, by area. Billing is the area one person carries alone.
AREAS = {
    "api": ["api/routes.py", "api/auth.py", "api/schemas.py", "api/errors.py",
            "api/pagination.py", "api/rate_limit.py", "api/health.py"],
    "billing": ["billing/invoice.py", "billing/tax.py", "billing/proration.py",
                "billing/dunning.py", "billing/currency.py", "billing/plans.py",
                "billing/credit_notes.py", "billing/ledger.py"],
    "payments": ["payments/gateway.py", "payments/webhooks.py", "payments/refunds.py",
                 "payments/retry.py", "payments/cards.py"],
    "notify": ["notify/email.py", "notify/templates.py", "notify/sms.py", "notify/queue.py"],
    "db": ["db/models.py", "db/session.py", "db/migrations/0001_init.py",
           "db/migrations/0002_plans.py", "db/migrations/0003_ledger.py", "db/pool.py"],
    "infra": ["infra/Dockerfile", "infra/deploy.yaml", "infra/terraform/main.tf",
              "infra/alerts.yaml", "infra/backup.sh", "infra/nginx.conf"],
    "docs": ["README.md", "docs/runbook.md", "docs/architecture.md", "docs/onboarding.md",
             "Makefile"],
}

# How much of each developer's work lands in each area (rows need not sum to one).
AFFINITY = {
    "Amara": {"api": 6, "notify": 2, "db": 1, "docs": 1},
    "Bruno": {"api": 2, "payments": 4, "db": 1},
    "Chen": {"payments": 5, "api": 2, "db": 2},
    "Dalia": {"billing": 12, "db": 1},
    "Emeka": {"notify": 5, "api": 2, "docs": 1},
    "Freya": {"api": 1, "db": 4, "payments": 1, "docs": 1},
    "Gopal": {"infra": 8, "docs": 2},
    "Hiro": {"api": 2, "notify": 1, "docs": 2},
}
# Commits per developer over the year, roughly; Hiro joined late and is still ramping up.
ACTIVITY = {"Amara": 70, "Bruno": 55, "Chen": 50, "Dalia": 75, "Emeka": 35, "Freya": 45,
            "Gopal": 40, "Hiro": 15}


def commit_history(seed: int = SEED) -> pd.DataFrame:
    """A year of commits to a small billing service: one row per (commit, file).

    Columns: ``commit`` (short hash), ``when`` (UTC), ``author``, ``file``, ``action``
    (``"add"`` for the commit that creates the file, ``"modify"`` afterwards). Sorted by time.
    """
    rng = np.random.default_rng(seed)
    rows = []
    created: dict[str, pd.Timestamp] = {}
    for area, files in AREAS.items():
        weights = np.array([AFFINITY[d].get(area, 0) for d in DEVELOPERS], dtype=float)
        for n, path in enumerate(files):
            # The first two files of an area exist from the first weeks; the rest arrive later.
            day = rng.integers(0, 20) if n < 2 else rng.integers(20, 270)
            when = START + pd.Timedelta(days=int(day), minutes=int(rng.integers(0, 480)))
            author = DEVELOPERS[rng.choice(len(DEVELOPERS), p=weights / weights.sum())]
            created[path] = when
            rows.append((when, author, [path], "add"))
    for dev in DEVELOPERS:
        areas = list(AFFINITY[dev])
        weights = np.array([AFFINITY[dev][a] for a in areas], dtype=float)
        first_day = 200 if dev == "Hiro" else 0
        for _ in range(ACTIVITY[dev]):
            day = int(rng.integers(first_day, 365))
            when = START + pd.Timedelta(days=day, minutes=int(rng.integers(0, 540)))
            area = areas[rng.choice(len(areas), p=weights / weights.sum())]
            existing = [f for f in AREAS[area] if created[f] < when]
            if not existing:
                continue
            count = min(len(existing), int(rng.choice([1, 1, 1, 2, 2, 3])))
            touched = [str(f) for f in rng.choice(existing, size=count, replace=False)]
            rows.append((when, dev, touched, "modify"))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    records = []
    for when, author, files, action in rows:
        sha = "".join(rng.choice(list("0123456789abcdef"), size=7))
        records += [{"commit": sha, "when": when, "author": author, "file": f, "action": action}
                    for f in files]
    return pd.DataFrame.from_records(records)


def toy_history() -> pd.DataFrame:
    """Three developers, four files: small enough to follow every number by hand.

    ``tax.py`` is the example of REFERENCES.md: Ana creates it and changes it twice, Ben changes
    it five times. In ``plans.py`` Cleo's one change faces six by others.
    """
    script = [
        ("tax.py", "Ana", "add"), *[("tax.py", "Ana", "modify")] * 2,
        *[("tax.py", "Ben", "modify")] * 5,
        ("plans.py", "Ana", "add"), *[("plans.py", "Ana", "modify")] * 2,
        *[("plans.py", "Ben", "modify")] * 4, ("plans.py", "Cleo", "modify"),
        ("invoice.py", "Ben", "add"), *[("invoice.py", "Ben", "modify")] * 3,
        ("invoice.py", "Ana", "modify"),
        ("README.md", "Cleo", "add"), *[("README.md", "Ana", "modify")] * 3,
    ]
    when = [START + pd.Timedelta(hours=6 * n) for n in range(len(script))]
    return pd.DataFrame({
        "commit": [f"c{n:03d}" for n in range(len(script))],
        "when": when,
        "author": [s[1] for s in script],
        "file": [s[0] for s in script],
        "action": [s[2] for s in script],
    })


def knowledge_map(table: pd.DataFrame) -> pd.DataFrame:
    """Authors x files, normalised DOA (0 where someone never touched the file)."""
    grid = table.pivot(index="author", columns="file", values="doa_norm").fillna(0.0)
    order = sorted(grid.columns, key=lambda f: (f.split("/")[0] if "/" in f else "~", f))
    return grid[order]


def plot_knowledge_map(grid: pd.DataFrame, authors: dict[str, set[str]] | None = None):
    """Heat map of who knows which file; a dot marks an author under the DOA model."""
    fig, ax = plt.subplots(figsize=(13, 4.2))
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=90, fontsize=8)
    ax.set_yticks(range(grid.shape[0]), grid.index)
    if authors:
        for x, file in enumerate(grid.columns):
            for y, dev in enumerate(grid.index):
                if dev in authors.get(file, set()):
                    ax.plot(x, y, marker="o", color="darkorange", markersize=4)
    fig.colorbar(image, ax=ax, label="normalised degree of authorship", pad=0.01)
    ax.set_title("Knowledge map: who knows which file (dots: authors under the DOA model)")
    fig.tight_layout()
    return fig


def plot_truck_factor(steps: pd.DataFrame):
    """Share of orphaned files as the top authors leave one by one."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    xs = range(1, len(steps) + 1)
    ax.bar(xs, steps["orphaned_share"] * 100, color="steelblue")
    ax.axhline(ORPHAN_LIMIT * 100, color="black", linestyle="--", linewidth=1)
    ax.text(0.6, ORPHAN_LIMIT * 100 + 2, "half the files orphaned", fontsize=9)
    ax.set_xticks(list(xs), [f"{n}: {name}" for n, name in zip(xs, steps["removed"],
                                                               strict=True)])
    ax.set_ylabel("files with no author left (%)")
    ax.set_ylim(0, 100)
    ax.set_title("Truck factor: orphaned files as top authors leave")
    fig.tight_layout()
    return fig


# -- the model's results, computed on the instructor side -------------------------------------

@cache
def _tables() -> dict:
    return json.loads(TABLES.read_text(encoding="utf-8"))


def lesson_table(name: str) -> pd.DataFrame:
    """A table the notebook shows, as the instructor's copy of the model computed it:
    ``toy_authorship``, ``toy_steps``, ``authorship``, ``steps``, ``paired_steps``,
    ``pairing_by_pair``."""
    frames = _tables()["frames"]
    if name not in frames:
        raise KeyError(f"No lesson table {name!r}; the tables are {', '.join(sorted(frames))}.")
    return pd.DataFrame(frames[name]["data"], columns=frames[name]["columns"])


def lesson_authors(name: str) -> dict[str, set[str]]:
    """The authors of every file (a file may have none) under the model: ``toy`` (the toy
    history), ``history`` (the service), ``paired`` (the service after the pairing plan)."""
    authors = _tables()["authors"]
    if name not in authors:
        raise KeyError(f"No lesson authors {name!r}; there are {', '.join(sorted(authors))}.")
    return {file: set(names) for file, names in authors[name].items()}


# -- sharing the knowledge: a six-week plan ---------------------------------------------------

PLAN_START = pd.Timestamp("2026-01-12T10:00:00Z")  # a Monday, a week after the last commit
# (navigator who knows the files, driver who learns them, files): the driver types, so the
# changes are theirs; four sessions per file, two sessions a week per pair.
PAIRINGS = [
    ("Dalia", "Chen", ["billing/credit_notes.py", "billing/dunning.py", "billing/plans.py"]),
    ("Gopal", "Freya", ["infra/terraform/main.tf", "infra/nginx.conf", "infra/alerts.yaml"]),
    ("Amara", "Hiro", ["api/schemas.py", "api/rate_limit.py", "api/auth.py"]),
]
SESSIONS_PER_FILE = 4


def sharing_rota() -> pd.DataFrame:
    """The pairing rota of the plan: one row per session (``when``, ``navigator``, ``driver``,
    ``file``), two sessions a week per pair, the files in turn."""
    rows = []
    for navigator, driver, files in PAIRINGS:
        sessions = [f for f in files for _ in range(SESSIONS_PER_FILE)]
        for n, path in enumerate(sessions):
            when = PLAN_START + pd.Timedelta(weeks=n // 2, days=2 * (n % 2))
            rows.append({"when": when, "navigator": navigator, "driver": driver, "file": path})
    return pd.DataFrame(rows).sort_values(["when", "driver"], ignore_index=True)


def pairing_commits(rota: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each session of the rota as a change by its driver, in :func:`commit_history`'s columns
    (the driver types, so the change is theirs)."""
    rota = sharing_rota() if rota is None else rota
    commits = rota.rename(columns={"driver": "author"}).assign(commit="pairing", action="modify")
    return commits[["commit", "when", "author", "file", "action"]]


def holiday_test() -> pd.DataFrame:
    """The tasks only one person does, from the team's operations log, and who could do each one
    during that person's two-week holiday: before the plan, and after its docs and talk."""
    rows = [
        ("month-end invoice run", "Dalia", "nobody", "Chen, from the new billing runbook"),
        ("tax-rate update", "Dalia", "nobody", "Chen and Bruno, after Dalia's talk on tax.py"),
        ("failed-payment (dunning) retries", "Dalia", "nobody", "Chen (paired on dunning.py)"),
        ("TLS certificate renewal", "Gopal", "nobody", "Freya, from the infra runbook"),
        ("restore a database backup", "Gopal", "nobody", "Freya, rehearsed once on staging"),
        ("rotate API signing keys", "Amara", "Bruno", "Bruno and Hiro"),
    ]
    return pd.DataFrame(rows, columns=["task", "done by", "without them, before",
                                       "without them, after the plan"])
