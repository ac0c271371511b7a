"""The bus factor of a small service, from its commit history.

Notebook ``course/04_bus_factor.ipynb`` teaches the degree-of-authorship model of Avelino et al.
(ICPC 2016) on a toy history and then looks at a realistic one made here by a seeded generator.
The full greedy truck-factor algorithm lives in this module, not in the notebook, because the
``bus_factor`` exercise asks learners to write it themselves.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

SEED = 604
START = pd.Timestamp("2025-01-06T09:00:00Z")

# Avelino et al.'s fitted coefficients and thresholds.
DOA_BASE, DOA_FA, DOA_DL, DOA_AC = 3.293, 1.098, 0.164, 0.321
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


def doa(fa: int, dl: int, ac: int) -> float:
    """Degree of authorship of one developer on one file (Avelino et al., 2016)."""
    return DOA_BASE + DOA_FA * fa + DOA_DL * dl - DOA_AC * math.log(1 + ac)


def authorship(history: pd.DataFrame) -> pd.DataFrame:
    """Per (file, author): FA, DL, AC, DOA, normalised DOA and whether they author the file.

    The creating commit counts for FA only, not as a change (the convention of the authors'
    tool), so DL and AC count ``modify`` rows.
    """
    changes = history[history["action"] == "modify"]
    dl = changes.groupby(["file", "author"]).size().rename("dl")
    creators = history[history["action"] == "add"].drop_duplicates("file")
    pairs = history[["file", "author"]].drop_duplicates()
    table = pairs.merge(dl.reset_index(), on=["file", "author"], how="left")
    table = table.assign(dl=table["dl"].fillna(0).astype(int))
    created_by = dict(zip(creators["file"], creators["author"], strict=True))
    total = changes.groupby("file").size()
    table = table.assign(
        fa=[int(created_by.get(f) == a) for f, a in zip(table["file"], table["author"],
                                                        strict=True)],
        ac=[int(total.get(f, 0)) - d for f, d in zip(table["file"], table["dl"], strict=True)],
    )
    table = table.assign(doa=[doa(fa, dl_, ac) for fa, dl_, ac in
                              zip(table["fa"], table["dl"], table["ac"], strict=True)])
    table = table.assign(doa_norm=table["doa"] / table.groupby("file")["doa"].transform("max"))
    table = table.assign(is_author=(table["doa_norm"] > AUTHOR_SHARE)
                         & (table["doa"] >= AUTHOR_MIN_DOA))
    return (table[["file", "author", "fa", "dl", "ac", "doa", "doa_norm", "is_author"]]
            .sort_values(["file", "doa"], ascending=[True, False], ignore_index=True))


def file_authors(table: pd.DataFrame) -> dict[str, set[str]]:
    """The authors of every file in an :func:`authorship` table (a file may have none)."""
    authors: dict[str, set[str]] = {f: set() for f in table["file"].unique()}
    for file, author in table.loc[table["is_author"], ["file", "author"]].itertuples(
            index=False):
        authors[file].add(author)
    return authors


def truck_factor_steps(authors: dict[str, set[str]]) -> pd.DataFrame:
    """The greedy truck-factor algorithm, one row per developer removed.

    Each step removes the developer who still authors the most files (ties broken by name, so
    the result is reproducible) and records the share of files left with no author. No step is
    taken when more than half of the files have no author to begin with.
    """
    left = {f: set(a) for f, a in authors.items()}
    steps = []
    orphaned = sum(not names for names in left.values())
    while left and orphaned / len(left) <= ORPHAN_LIMIT:
        counts: dict[str, int] = {}
        for names in left.values():
            for name in names:
                counts[name] = counts.get(name, 0) + 1
        if not counts:
            break
        top = min(counts, key=lambda name: (-counts[name], name))
        for names in left.values():
            names.discard(top)
        orphaned = sum(not names for names in left.values())
        steps.append({"removed": top, "files_authored": counts[top],
                      "orphaned_files": orphaned, "orphaned_share": orphaned / len(left)})
    return pd.DataFrame(steps, columns=["removed", "files_authored", "orphaned_files",
                                        "orphaned_share"])


def truck_factor(authors: dict[str, set[str]]) -> int:
    """How many developers must leave before more than half of the files have no author."""
    return len(truck_factor_steps(authors))


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
