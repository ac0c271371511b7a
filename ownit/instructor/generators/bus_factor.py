"""Data for the ``bus_factor`` exercise: two years of git history of a checkout service.

The learner measures who really knows which file, so the history has to look like one a team
leaves behind: a few people own most areas, one "hero" touches everything, one developer left
(their knowledge stays in the files), a new hire joins late, files get renamed (once twice in a
row) or deleted, one path is re-created after its deletion, and three people commit under two
email addresses that a ``mailmap.txt`` merges. The log was exported with ``git log --all``, so the
hotfixes cherry-picked onto the release branch appear twice, under a second commit hash with the
same author, author date and files: counting them once is part of the exercise. Timestamps are
UTC (the export ran on a CI machine), so time zones are not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240611
START = datetime(2023, 3, 1, tzinfo=UTC)
DAYS = 731  # 2023-03-01 .. 2025-02-28 inclusive


@dataclass(frozen=True)
class Developer:
    name: str
    email: str
    utc_offset_hours: float
    joined: int  # first day (from START) with commits
    left: int  # first day without commits
    weight: float  # how much they commit
    areas: dict[str, float]
    alias: str | None = None  # second address they sometimes commit from
    alias_share: float = 0.0


TEAM = [
    Developer("Maya Chen", "maya.chen@tillwise.io", 1, 0, DAYS, 6.0,
              {"api": 2, "cart": 2, "payments": 3, "fraud": 2, "tax": 2, "infra": 1, "top": 1},
              alias="maya@chen.dev", alias_share=0.25),
    Developer("Dana Whitfield", "dana.whitfield@tillwise.io", -5, 0, 470, 2.2,
              {"payments": 3, "fraud": 3}),
    Developer("Tomás Ribeiro", "tomas.ribeiro@tillwise.io", 0, 0, DAYS, 1.6,
              {"cart": 4, "api": 1}, alias="TRibeiro@laptop.local", alias_share=0.3),
    Developer("Priya Raman", "priya.raman@tillwise.io", 5.5, 0, DAYS, 1.4,
              {"tax": 4, "api": 1}, alias="priya.raman@users.noreply.github.com",
              alias_share=0.35),
    Developer("Jonas Becker", "jonas.becker@tillwise.io", 1, 0, DAYS, 1.2,
              {"infra": 5, "top": 2}),
    Developer("Aisha Bello", "aisha.bello@tillwise.io", 1, 60, DAYS, 1.0,
              {"fraud": 3, "payments": 1}),
    Developer("Kenji Watanabe", "kenji.watanabe@tillwise.io", 9, 0, DAYS, 1.1,
              {"api": 4, "cart": 1}),
    Developer("Lena Fischer", "lena.fischer@tillwise.io", 1, 30, DAYS, 0.9,
              {"infra": 1, "cart": 2, "api": 1}),
    Developer("Omar Haddad", "omar.haddad@tillwise.io", 2, 200, DAYS, 1.1,
              {"payments": 4}),
    Developer("Sam Okafor", "sam.okafor@tillwise.io", 0, 560, DAYS, 0.8,
              {"cart": 1, "api": 1, "tax": 1}),
]

AREAS = {
    "api": ("src/checkout/api/", ["routes.py", "schemas.py", "auth.py", "errors.py",
                                  "middleware.py", "pagination.py", "webhooks.py",
                                  "rate_limit.py", "versioning.py", "health.py",
                                  "idempotency.py", "serializers.py", "openapi.py"]),
    "cart": ("src/checkout/cart/", ["cart.py", "totals.py", "discounts.py", "coupons.py",
                                    "inventory.py", "shipping.py", "session.py", "currency.py",
                                    "line_items.py", "gift_cards.py", "bundles.py",
                                    "abandoned.py"]),
    "payments": ("src/checkout/payments/", ["stripe_client.py", "adyen_client.py", "refunds.py",
                                            "capture.py", "retries.py", "ledger.py",
                                            "three_ds.py", "payouts.py", "disputes.py",
                                            "reconcile.py", "tokens.py", "fees.py",
                                            "wallets.py"]),
    "fraud": ("src/checkout/fraud/", ["score.py", "rules.py", "velocity.py", "blocklist.py",
                                      "device.py", "review_queue.py", "features.py",
                                      "thresholds.py", "chargeback_model.py", "geo.py"]),
    "tax": ("src/checkout/tax/", ["rates.py", "vat.py", "us_sales_tax.py", "invoices.py",
                                  "exemptions.py", "rounding.py", "jurisdictions.py",
                                  "reports.py", "oss_filing.py"]),
    "infra": ("", ["src/checkout/legacy/soap_gateway.py", "src/checkout/legacy/xml_orders.py",
                   "src/checkout/legacy/ftp_export.py", "deploy/Dockerfile",
                   "deploy/helm/values.yaml", "deploy/helm/Chart.yaml", "deploy/terraform/main.tf",
                   "deploy/terraform/rds.tf", ".github/workflows/ci.yml",
                   ".github/workflows/release.yml", "deploy/alerts.yaml", "deploy/dashboards.json",
                   "scripts/migrate.py", "scripts/backfill_ledger.py", "scripts/seed_dev_db.py"]),
    "top": ("", ["README.md", "pyproject.toml", "Makefile", "CHANGELOG.md", "docs/runbook.md",
                 "docs/architecture.md", "src/checkout/__init__.py", "src/checkout/settings.py",
                 "src/checkout/db.py", "src/checkout/logging.py"]),
}
# Files present from the first weeks; the rest of each area's names appear over time.
INITIAL_PER_AREA = {"api": 8, "cart": 7, "payments": 8, "fraud": 6, "tax": 5, "infra": 12,
                    "top": 7}
# Founders of each area write its first files.
FOUNDER = {"api": "Kenji Watanabe", "cart": "Tomás Ribeiro", "payments": "Dana Whitfield",
           "fraud": "Dana Whitfield", "tax": "Priya Raman", "infra": "Jonas Becker",
           "top": "Maya Chen"}

# (day, developer, kind, path, new path): renames (one file twice), deletions, and a path that
# is re-created after it was deleted, so file identity is more than a path.
EVENTS = [
    (250, "Tomás Ribeiro", "renamed", "src/checkout/cart/totals.py",
     "src/checkout/cart/pricing.py"),
    (300, "Omar Haddad", "renamed", "src/checkout/payments/stripe_client.py",
     "src/checkout/payments/gateways/stripe.py"),
    (350, "Priya Raman", "deleted", "src/checkout/tax/rates.py", None),
    (400, "Jonas Becker", "deleted", "src/checkout/legacy/soap_gateway.py", None),
    (400, "Jonas Becker", "deleted", "src/checkout/legacy/xml_orders.py", None),
    (400, "Jonas Becker", "deleted", "src/checkout/legacy/ftp_export.py", None),
    (455, "Kenji Watanabe", "renamed", "src/checkout/api/pagination.py",
     "src/checkout/api/paging.py"),
    (520, "Omar Haddad", "renamed", "src/checkout/payments/gateways/stripe.py",
     "src/checkout/payments/gateways/stripe_gateway.py"),
    (610, "Priya Raman", "added", "src/checkout/tax/rates.py", None),
]
NEW_FILE_CHANCE = 0.05
OWN_FILE_PREFERENCE = 8.0  # developers mostly return to files they wrote
COMMITS_PER_WEEKDAY = 2.1


def _area_of(path: str) -> str:
    for area, (prefix, names) in AREAS.items():
        if any(prefix + name == path for name in names):
            return area
    if path.startswith("src/checkout/payments/"):
        return "payments"
    if path.startswith("src/checkout/cart/"):
        return "cart"
    if path.startswith("src/checkout/api/"):
        return "api"
    return "tax"


class _Repo:
    """Files alive now, who created each, and the rows written so far."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.alive: dict[str, str] = {}  # path -> creator name
        self.pending = {area: [prefix + n for n in names] for area, (prefix, names)
                        in AREAS.items()}
        self.rows: list[dict] = []
        self.count = 0

    def commit(self, dev: Developer, moment: datetime, changes: list[tuple]) -> None:
        self.count += 1
        sha = hashlib.sha1(f"{SEED}-{self.count}".encode()).hexdigest()[:10]
        email = dev.email
        if dev.alias and self.rng.random() < dev.alias_share:
            email = dev.alias
        stamp = moment.astimezone(UTC).isoformat()
        for kind, path, old_path in changes:
            self.rows.append({"commit": sha, "author_name": dev.name, "author_email": email,
                              "timestamp": stamp, "change": kind, "path": path,
                              "old_path": old_path})
            if kind == "added":
                self.alive[path] = dev.name
                for pool in self.pending.values():
                    if path in pool:
                        pool.remove(path)
            elif kind == "deleted":
                del self.alive[path]
            elif kind == "renamed":
                self.alive[path] = self.alive.pop(old_path)


def _moment(rng: np.random.Generator, day: int, dev: Developer) -> datetime:
    """A working-hours moment (09:00-19:00 local) on ``day``, as UTC."""
    local_minutes = int(rng.integers(9 * 60, 19 * 60))
    local_midnight = START + timedelta(days=day)
    return local_midnight + timedelta(minutes=local_minutes - dev.utc_offset_hours * 60,
                                      seconds=int(rng.integers(0, 60)))


def _by_name(name: str) -> Developer:
    return next(d for d in TEAM if d.name == name)


def _pick_developer(rng: np.random.Generator, day: int) -> Developer:
    active = [d for d in TEAM if d.joined <= day < d.left]
    weights = np.array([d.weight for d in active])
    return active[rng.choice(len(active), p=weights / weights.sum())]


def _random_commit(repo: _Repo, rng: np.random.Generator, dev: Developer,
                   moment: datetime) -> None:
    areas = list(dev.areas)
    area_w = np.array([dev.areas[a] for a in areas], dtype=float)
    area = areas[rng.choice(len(areas), p=area_w / area_w.sum())]
    if repo.pending[area] and rng.random() < NEW_FILE_CHANCE:
        path = repo.pending[area][int(rng.integers(len(repo.pending[area])))]
        repo.commit(dev, moment, [("added", path, None)])
        return
    files = sorted(p for p in repo.alive if _area_of(p) == area)
    if not files:
        return
    file_w = np.array([OWN_FILE_PREFERENCE if repo.alive[p] == dev.name else 1.0
                       for p in files])
    n = min(len(files), int(rng.choice([1, 1, 1, 2, 2, 3])))
    picked = rng.choice(len(files), size=n, replace=False, p=file_w / file_w.sum())
    repo.commit(dev, moment, [("modified", files[i], None) for i in sorted(picked)])


def commit_log() -> pd.DataFrame:
    """The raw log: one row per file changed in a commit, newest last, local UTC offsets."""
    rng = np.random.default_rng(SEED)
    repo = _Repo(rng)
    for area, count in INITIAL_PER_AREA.items():
        founder = _by_name(FOUNDER[area])
        first = list(repo.pending[area][:count])
        for i in range(0, len(first), 3):
            day = int(rng.integers(0, 21))
            repo.commit(founder, _moment(rng, day, founder),
                        [("added", p, None) for p in first[i:i + 3]])
    for day in range(21, DAYS):
        # Draw the day's commits first and replay them in time order, so that a file is
        # never changed (by the clock) before the commit that renamed or created it.
        todo = []
        for when, name, kind, path, new_path in EVENTS:
            if when == day:
                dev = _by_name(name)
                change = (kind, new_path, path) if kind == "renamed" else (kind, path, None)
                todo.append((_moment(rng, day, dev), dev, change))
        weekday = (START + timedelta(days=day)).weekday()
        rate = COMMITS_PER_WEEKDAY if weekday < 5 else 0.15
        for _ in range(int(rng.poisson(rate))):
            dev = _pick_developer(rng, day)
            todo.append((_moment(rng, day, dev), dev, None))
        for moment, dev, change in sorted(todo, key=lambda item: item[0]):
            if change is None:
                _random_commit(repo, rng, dev, moment)
            else:
                repo.commit(dev, moment, [change])
    log = pd.DataFrame(repo.rows)
    # Bursts of initial commits were drawn out of order; a log is in time order (by UTC).
    order = pd.to_datetime(log["timestamp"], utc=True).argsort(kind="stable")
    return log.iloc[order].reset_index(drop=True)


# Hotfixes cherry-picked onto the release branch: this many commits of the main log, drawn from
# the modifications of its last year with a generator of their own (the main log stays as it is).
CHERRY_PICKS = 14


def cherry_picks(log: pd.DataFrame) -> pd.DataFrame:
    """Copies of some commits under new hashes, as ``git cherry-pick`` leaves them: same author,
    author date and files. ``git log --all`` lists them after main's history."""
    rng = np.random.default_rng(SEED + 1)
    stamps = pd.to_datetime(log["timestamp"], utc=True)
    late = log[(stamps >= pd.Timestamp(START) + pd.Timedelta(days=365))]
    modifying = late.groupby("commit", sort=False)["change"].agg(lambda c: set(c) == {"modified"})
    candidates = modifying.index[modifying].tolist()
    picked = sorted(rng.choice(len(candidates), size=CHERRY_PICKS, replace=False))
    copies = []
    for number, index in enumerate(picked):
        sha = hashlib.sha1(f"{SEED}-pick-{number}".encode()).hexdigest()[:10]
        copies.append(log[log["commit"] == candidates[index]].assign(commit=sha))
    return pd.concat(copies, ignore_index=True)


def exported_log() -> pd.DataFrame:
    """What ``git log --all --name-status`` gave: main's history, then the release branch's."""
    log = commit_log()
    return pd.concat([log, cherry_picks(log)], ignore_index=True)


MAILMAP = """\
# checkout-service .mailmap: one person, one identity.
# Format (as git's): Proper Name <proper@email> <email in commits>

Maya Chen <maya.chen@tillwise.io> <maya@chen.dev>
Tomás Ribeiro <tomas.ribeiro@tillwise.io> <tribeiro@laptop.local>
Priya Raman <priya.raman@tillwise.io> <priya.raman@users.noreply.github.com>
"""


def write(folder: Path) -> list[Path]:
    """Write ``commits.csv.gz`` and ``mailmap.txt`` into ``folder``; same bytes every run."""
    folder.mkdir(parents=True, exist_ok=True)
    commits = folder / "commits.csv.gz"
    exported_log().to_csv(commits, index=False, compression={"method": "gzip", "mtime": 0})
    mailmap = folder / "mailmap.txt"
    mailmap.write_text(MAILMAP, encoding="utf-8")
    return [commits, mailmap]
