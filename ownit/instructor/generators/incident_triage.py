"""Data for the ``incident_triage`` exercise: one afternoon of a checkout outage, in UTC.

The story: at a mid-size online shop, release 2.14.0 of ``checkout-api`` goes out at 14:41 and
breaks promo-code pricing; errors climb from 14:47 until the release is rolled back at 15:19.
Every file holds the traps a real triage meets, so the exercise cannot be solved by eyeballing:

- ``metrics.csv.gz``: per-minute requests and errors for three services, with a two-minute blip
  and a burst split by a missing minute (a scrape gap) before the real spike;
- ``app_logs.csv.gz``: application log lines, where the new error messages point at the cause;
- ``deploys.csv``: a week of deploys, with a failed attempt, a release that was rolled back, and
  deploys of other services close to the onset;
- ``incident_events.csv``: the pager and chat timeline, unsorted, with a repeated page and times
  in two UTC offsets (the chat tool exports local time);
- ``incidents_2024q1.csv``: a quarter of incident records, with one very long incident, a
  duplicate row and incidents still open.

The seed is fixed and every writer pins what could vary (gzip mtime, JSON key order), so the
files are byte-identical on every run and
``tests/course/test_reference_incident_triage.py`` can check
that the committed data matches a fresh generation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240312
DAY = pd.Timestamp("2024-03-12T12:00:00Z")
MINUTES = 360  # 12:00 to 17:59 UTC
GZIP = {"method": "gzip", "mtime": 0}

# Per service: mean requests per minute and the everyday error rate.
SERVICES = {
    "checkout-api": (880, 0.004),
    "payments-gateway": (610, 0.002),
    "image-resizer": (300, 0.010),
}

# Error rates forced on checkout-api, by minute offset from 12:00 (None: the minute is missing).
ONSET = 167  # 14:47
ROLLBACK_DONE = 201  # 15:21
CHECKOUT_OVERRIDES: dict[int, float | None] = {
    91: 0.05, 92: 0.06,                         # 13:31-13:32: a blip, too short to count
    118: 0.04, 119: 0.05, 120: None, 121: 0.04,  # 13:58-14:01: a burst cut by a scrape gap
}

EVERYDAY_ERRORS = {
    "checkout-api": ["card declined by issuer", "timeout calling payments-gateway",
                     "inventory reservation expired"],
    "payments-gateway": ["issuer returned 05 do-not-honour", "3ds challenge timed out"],
    "image-resizer": ["unsupported image format: heic", "source image larger than 40 MB"],
}
INCIDENT_ERRORS = [
    ("KeyError: 'promo_code' in pricing.apply_discounts", 0.7),
    ("db pool exhausted: 20 of 20 connections in use", 0.3),
]
INFO_LINES = ["order placed", "cart priced", "payment authorised", "thumbnail written"]


def _iso(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _checkout_rate(minute: int, base: float) -> float | None:
    if minute in CHECKOUT_OVERRIDES:
        return CHECKOUT_OVERRIDES[minute]
    if ONSET <= minute < ROLLBACK_DONE - 2:
        # Errors climb while connections pile up behind the failing requests.
        return 0.06 + 0.05 * (minute - ONSET) / (ROLLBACK_DONE - ONSET)
    return {ROLLBACK_DONE - 2: 0.08, ROLLBACK_DONE - 1: 0.05, ROLLBACK_DONE: 0.015}.get(
        minute, base)


def metrics_and_logs(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-minute metrics and the log lines behind them (every error is logged)."""
    metric_rows, log_rows = [], []
    for service, (mean_requests, base) in SERVICES.items():
        for minute in range(MINUTES):
            rate = _checkout_rate(minute, base) if service == "checkout-api" else base
            if rate is None:
                continue
            start = DAY + pd.Timedelta(minutes=minute)
            requests = int(rng.poisson(mean_requests))
            errors = int(rng.binomial(requests, rate))
            metric_rows.append((_iso(start), service, requests, errors))
            incident = service == "checkout-api" and ONSET <= minute < ROLLBACK_DONE
            seconds = np.sort(rng.integers(0, 60, size=errors + 3))
            for i, second in enumerate(seconds):
                at = _iso(start + pd.Timedelta(seconds=int(second)))
                if i >= errors:
                    log_rows.append((at, service, "INFO", str(rng.choice(INFO_LINES))))
                elif incident and rng.random() < 0.8:
                    texts, weights = zip(*INCIDENT_ERRORS, strict=True)
                    log_rows.append((at, service, "ERROR", str(rng.choice(texts, p=weights))))
                else:
                    log_rows.append(
                        (at, service, "ERROR", str(rng.choice(EVERYDAY_ERRORS[service]))))
    metrics = pd.DataFrame(metric_rows, columns=["minute", "service", "requests", "errors"])
    logs = pd.DataFrame(log_rows, columns=["ts", "service", "level", "message"])
    return metrics, logs.sort_values(["ts", "service"], kind="stable", ignore_index=True)


def deploys() -> pd.DataFrame:
    """A week of deploys; ``rolled_back`` reached production and was later undone."""
    rows = [
        ("d-3101", "checkout-api", "2.12.0", "2024-03-06T09:14:05Z", "succeeded"),
        ("d-3102", "image-resizer", "5.3.0", "2024-03-06T13:40:11Z", "succeeded"),
        ("d-3107", "payments-gateway", "7.8.2", "2024-03-07T10:02:47Z", "succeeded"),
        ("d-3110", "checkout-api", "2.13.0", "2024-03-08T10:31:22Z", "succeeded"),
        ("d-3114", "image-resizer", "5.3.1", "2024-03-08T15:55:09Z", "failed"),
        ("d-3115", "image-resizer", "5.3.1", "2024-03-08T16:20:37Z", "succeeded"),
        ("d-3121", "payments-gateway", "7.9.0", "2024-03-11T09:48:30Z", "succeeded"),
        ("d-3126", "checkout-api", "2.13.1", "2024-03-12T11:05:12Z", "rolled_back"),
        ("d-3128", "image-resizer", "5.4.0", "2024-03-12T13:02:44Z", "succeeded"),
        ("d-3130", "checkout-api", "2.14.0", "2024-03-12T14:30:18Z", "failed"),
        ("d-3131", "checkout-api", "2.14.0", "2024-03-12T14:41:27Z", "rolled_back"),
        ("d-3132", "payments-gateway", "7.9.1", "2024-03-12T14:44:03Z", "succeeded"),
        ("d-3135", "image-resizer", "5.4.1", "2024-03-12T16:12:50Z", "succeeded"),
        ("d-3137", "checkout-api", "2.14.1", "2024-03-12T17:36:41Z", "succeeded"),
    ]
    return pd.DataFrame(rows, columns=["deploy_id", "service", "version", "deployed_at", "status"])


def incident_events() -> pd.DataFrame:
    """The incident's timeline as exported: pager rows in UTC, chat rows in CET (+01:00)."""
    rows = [
        ("2024-03-12T14:50:30Z", "paged", "pager", "checkout-api 5xx ratio above 4% for 3 min"),
        ("2024-03-12T14:53:10Z", "acknowledged", "pager", "acknowledged by on-call"),
        ("2024-03-12T14:55:30Z", "paged", "pager", "escalation: secondary on-call"),
        ("2024-03-12T15:58:00+01:00", "declared", "chat", "SEV-2 declared, commander assigned"),
        ("2024-03-12T16:19:05+01:00", "note", "chat", "rolling back checkout-api to 2.13.0"),
        ("2024-03-12T16:21:00+01:00", "mitigated", "chat", "rollback complete, errors falling"),
        ("2024-03-12T16:24:00+01:00", "recovered", "chat", "5xx ratio back at baseline"),
        ("2024-03-12T17:05:00+01:00", "closed", "chat", "closed; post-mortem due Friday"),
        ("2024-03-12T14:47:00Z", "onset", "postmortem", "first minute of the error spike"),
    ]
    return pd.DataFrame(rows, columns=["at", "kind", "source", "note"])


def quarter_incidents(rng: np.random.Generator) -> pd.DataFrame:
    """Q1 2024 incidents: durations are skewed, as real ones are; a few rows are messy."""
    count = 38
    days = np.sort(rng.integers(0, 90, size=count))
    minutes = rng.integers(0, 24 * 60, size=count)
    durations = np.round(rng.lognormal(mean=3.6, sigma=0.8, size=count)).astype(int) + 4
    durations[17] = 1930  # a replication lag incident that dragged over a weekend
    severities = rng.choice(["SEV-1", "SEV-2", "SEV-3", "SEV-4"], size=count,
                            p=[0.05, 0.25, 0.45, 0.25])
    services = rng.choice(list(SERVICES), size=count)
    rows = []
    for i in range(count):
        start = pd.Timestamp("2024-01-01T00:00:00Z") + pd.Timedelta(
            days=int(days[i]), minutes=int(minutes[i]))
        end = "" if i in (count - 2, count - 1) else _iso(
            start + pd.Timedelta(minutes=int(durations[i])))
        rows.append((f"INC-{1040 + i}", str(services[i]), str(severities[i]), _iso(start), end))
    rows.insert(9, rows[8])  # exported twice by the incident tool's sync job
    return pd.DataFrame(rows, columns=["incident_id", "service", "severity", "started_at",
                                       "recovered_at"])


def write(folder: Path) -> list[Path]:
    """Write the exercise's data files into ``folder`` and return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    metrics, logs = metrics_and_logs(rng)
    tables = {
        "metrics.csv.gz": metrics,
        "app_logs.csv.gz": logs,
        "deploys.csv": deploys(),
        "incident_events.csv": incident_events(),
        "incidents_2024q1.csv": quarter_incidents(rng),
    }
    paths = []
    for name, table in tables.items():
        path = folder / name
        compression = GZIP if name.endswith(".gz") else None
        table.to_csv(path, index=False, lineterminator="\n", compression=compression)
        paths.append(path)
    return paths
