"""Data for the exercise ``deploy_safely``: one quarter in the life of a mid-size shop's checkout.

The story: ``checkout-api`` (payments and checkout) ships several times a week, ``image-resizer``
about once a week. Learners validate the config a colleague is about to ship, judge an hour of
canary metrics against a fresh baseline, and compute the DORA four keys from the deploy, change
and incident tables. Every number comes from one seeded generator, so the files can be rebuilt
byte for byte (``python -m ownit.instructor.generators deploy_safely``) and the notebook's checks
stay true.

Files written:
- ``deploy_config.json``: the checkout-api config about to ship, with six problems planted.
- ``canary_config.json``: tolerance, confidence, and per metric its direction and criticality.
- ``canary_metrics.csv.gz``: one value per minute for an hour, per metric, baseline and canary.
- ``deploys.csv``, ``changes.csv.gz``, ``incidents.csv``: the quarter's events, times in UTC.
  As in fourkeys, an incident names the commit that caused it (``root_cause_commit``), not the
  deploy: which deploy failed takes a join through ``changes``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240506
GZIP = {"method": "gzip", "mtime": 0}
QUARTER_START = pd.Timestamp("2024-04-01T00:00:00Z")  # a Monday
QUARTER_DAYS = 91
ISO = "%Y-%m-%dT%H:%M:%SZ"

# The config Kevin was about to ship: wrong type, out of range, a typo, a missing key, and a
# pool that looks fine per pod but exhausts the database during a rolling deploy.
DEPLOY_CONFIG = {
    "service": "checkout-api",
    "image": "registry.internal/checkout-api:2024.06.27-3f9c2e1",
    "replicas": 12,
    "max_surge": 3,
    "db_pool_size": 40,
    "request_timeout_ms": "3000",
    "db_timeout_ms": 45000,
    "canary_pecent": 10,
}

# name: (baseline median, spread, canary shift as a fraction of the median, direction, critical)
CANARY_METRICS = {
    "http_p50_latency_ms": (42.0, 3.0, 0.01, "increase", False),
    "http_p99_latency_ms": (310.0, 25.0, 0.02, "increase", False),
    "error_rate_5xx_percent": (0.12, 0.03, 0.0, "increase", True),
    "checkout_success_percent": (97.8, 0.4, 0.0, "decrease", True),
    "payment_auth_latency_ms": (185.0, 14.0, -0.01, "increase", False),
    "db_pool_wait_ms": (4.0, 0.6, 0.45, "increase", False),
    "cpu_percent": (38.0, 4.0, 0.03, "either", False),
    "memory_mb": (612.0, 18.0, 0.01, "either", False),
    "gc_pause_ms": (11.0, 1.5, -0.02, "increase", False),
    "queue_depth": (7.0, 1.2, 0.0, "either", False),
}
CANARY_MINUTES = 60
CANARY_START = pd.Timestamp("2024-06-27T13:00:00Z")

# service: (chance of deploying on a weekday, largest number of deploys on one day)
SERVICES = {"checkout-api": (0.72, 3), "image-resizer": (0.22, 1)}


def write(folder: Path) -> list[Path]:
    """Write every data file of the exercise into ``folder`` and return their paths."""
    rng = np.random.default_rng(SEED)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [
        _write_json(folder / "deploy_config.json", DEPLOY_CONFIG),
        _write_json(folder / "canary_config.json", _canary_config()),
    ]
    canary = _canary_metrics(rng)
    paths.append(_write_csv(canary, folder / "canary_metrics.csv.gz"))
    deploys = _deploys(rng)
    changes = _changes(rng, deploys)
    incidents = _incidents(rng, deploys, changes)
    paths.append(_write_csv(_as_text(deploys), folder / "deploys.csv"))
    paths.append(_write_csv(_as_text(changes), folder / "changes.csv.gz"))
    paths.append(_write_csv(_as_text(incidents), folder / "incidents.csv"))
    return paths


def _canary_config() -> dict:
    return {
        "service": "checkout-api",
        "tolerance": 0.1,
        "confidence": 0.95,
        "metrics": {name: {"direction": spec[3], "critical": spec[4]}
                    for name, spec in CANARY_METRICS.items()},
    }


def _canary_metrics(rng: np.random.Generator) -> pd.DataFrame:
    """Baseline and canary side by side; a few spikes that IQR filtering should drop."""
    minutes = pd.date_range(CANARY_START, periods=CANARY_MINUTES, freq="min")
    rows = []
    for name, (median, spread, shift, _direction, _critical) in CANARY_METRICS.items():
        for group, factor in (("baseline", 1.0), ("canary", 1.0 + shift)):
            values = rng.normal(median * factor, spread, CANARY_MINUTES)
            spikes = rng.choice(CANARY_MINUTES, size=2, replace=False)
            values[spikes] = values[spikes] + 8 * spread  # a GC pause, a noisy neighbour
            values = np.clip(values, 0.0, None).round(3)
            rows.extend(
                {"metric": name, "group": group, "minute": m.strftime(ISO), "value": v}
                for m, v in zip(minutes, values, strict=True)
            )
    return pd.DataFrame(rows)


def _deploys(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for day in pd.date_range(QUARTER_START, periods=QUARTER_DAYS, freq="D"):
        if day.day_of_week >= 5:
            continue
        for service, (chance, most) in SERVICES.items():
            if rng.random() >= chance:
                continue
            count = int(rng.integers(1, most + 1))
            hours = np.sort(rng.uniform(9.0, 17.5, count))
            for hour in hours:
                rows.append({"service": service,
                             "deployed_at": day + pd.Timedelta(hours=float(hour)).round("min")})
    deploys = pd.DataFrame(rows).sort_values("deployed_at", kind="stable")
    deploys.insert(0, "deploy_id", [f"dep-{i:04d}" for i in range(1, len(deploys) + 1)])
    return deploys.reset_index(drop=True)


def _changes(rng: np.random.Generator, deploys: pd.DataFrame) -> pd.DataFrame:
    """Commits shipped by each deploy; a few have clocks that run ahead of the deployer's."""
    rows = []
    for deploy in deploys.itertuples(index=False):
        for _ in range(int(rng.integers(1, 6))):
            hours = float(rng.lognormal(mean=np.log(20.0), sigma=1.0))
            if rng.random() < 0.03:
                hours = -float(rng.uniform(0.1, 2.0))  # a laptop clock set in the future
            committed = (deploy.deployed_at - pd.Timedelta(hours=hours)).round("min")
            rows.append({"commit_sha": f"{int(rng.integers(16**11, 16**12)):012x}",
                         "deploy_id": deploy.deploy_id, "committed_at": committed})
    return pd.DataFrame(rows)


def _incidents(rng: np.random.Generator, deploys: pd.DataFrame,
               changes: pd.DataFrame) -> pd.DataFrame:
    """Most incidents trace back to a commit of a deploy; one deploy caused two, through two of its
    commits when it shipped more than one; one incident is still open."""
    checkout = deploys[deploys["service"] == "checkout-api"].reset_index(drop=True)
    culprits = checkout.iloc[np.sort(rng.choice(len(checkout), size=7, replace=False))]
    rows = []
    for deploy in culprits.itertuples(index=False):
        opened = deploy.deployed_at + pd.Timedelta(minutes=float(rng.uniform(3, 240))).round("min")
        minutes = float(rng.lognormal(mean=np.log(75.0), sigma=0.8))
        rows.append({"opened_at": opened, "resolved_at": opened + pd.Timedelta(minutes=minutes),
                     "service": "checkout-api", "root_cause_deploy_id": deploy.deploy_id})
    again = rows[2]
    rows.append({"opened_at": again["resolved_at"] + pd.Timedelta(hours=5),
                 "resolved_at": again["resolved_at"] + pd.Timedelta(hours=6, minutes=20),
                 "service": "checkout-api",
                 "root_cause_deploy_id": again["root_cause_deploy_id"]})
    for day, minutes in ((23, 48.0), (58, 130.0)):  # a provider outage, a certificate expiry
        opened = QUARTER_START + pd.Timedelta(days=day, hours=3, minutes=17)
        rows.append({"opened_at": opened, "resolved_at": opened + pd.Timedelta(minutes=minutes),
                     "service": "checkout-api", "root_cause_deploy_id": None})
    incidents = pd.DataFrame(rows)
    for column in ("opened_at", "resolved_at"):
        incidents[column] = incidents[column].dt.round("min")
    incidents = incidents.sort_values("opened_at", kind="stable").reset_index(drop=True)
    last = len(incidents) - 1
    incidents.loc[last, "resolved_at"] = pd.NaT  # still being worked on
    incidents.insert(0, "incident_id", [f"INC-{i:03d}" for i in range(101, 101 + len(incidents))])
    return _blame_commits(incidents, changes)


def _blame_commits(incidents: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Name each incident's root cause by a commit of the deploy that shipped it: the first one,
    or the next one for a deploy's second incident (no random draw, so the rest of the data keeps
    its values)."""
    commits = changes.groupby("deploy_id", sort=False)["commit_sha"].agg(list)
    seen: dict[str, int] = {}
    blamed = []
    for deploy_id in incidents["root_cause_deploy_id"]:
        if not isinstance(deploy_id, str):
            blamed.append(None)
            continue
        shipped = commits[deploy_id]
        blamed.append(shipped[min(seen.get(deploy_id, 0), len(shipped) - 1)])
        seen[deploy_id] = seen.get(deploy_id, 0) + 1
    out = incidents.drop(columns="root_cause_deploy_id")
    return out.assign(root_cause_commit=pd.Series(blamed, index=out.index, dtype="str"))


def _as_text(table: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as UTC ISO 8601 text with a Z, so the CSV says its time zone."""
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.strftime(ISO)
    return out


def _write_csv(table: pd.DataFrame, path: Path) -> Path:
    compression = GZIP if path.suffix == ".gz" else None
    table.to_csv(path, index=False, compression=compression, lineterminator="\n")
    return path


def _write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    return path
