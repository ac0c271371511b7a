"""Data for the ``latency_alerting`` exercise: a payments API's request log and a checkout error
series, both with labelled trouble in them.

Two stories, because latency alerts and SLO burn-rate alerts answer different questions:

* ``requests.csv.gz``: one day (2024-03-14, UTC) of requests to the payments API, one row per
  request. It holds four labelled incidents (``incidents.csv``), harmless blips (garbage-collection
  pauses, a thin night-time tail), and a four-minute gap with no traffic at all, so a per-minute
  table has to decide what an empty minute means. The API is written in Go and logs how long a
  request took as Go prints a ``time.Duration`` (``142.3ms``, ``1.2045s``), so the learner parses
  durations with units before taking any percentile.
* ``checkout_minutes.csv.gz``: 30 days (March 2024) of per-minute request and error counts for the
  checkout service, with a fast burn, a slow burn, a very slow leak and a short blip that should
  not page, plus a 15-minute scrape gap where rows are simply missing.

The seed is fixed and gzip is written with ``mtime=0``, so every run gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240314
GZIP = {"method": "gzip", "mtime": 0}

DAY = pd.Timestamp("2024-03-14", tz="UTC")
ENDPOINTS = ["POST /v1/charges", "GET /v1/charges/{id}", "POST /v1/refunds", "GET /v1/balance"]
ENDPOINT_SHARE = [0.46, 0.34, 0.08, 0.12]
ENDPOINT_MEDIAN_MS = [140.0, 45.0, 160.0, 60.0]
# Minutes of the day (inclusive) during which the load balancer drained every node: no requests.
QUIET = (4 * 60 + 21, 4 * 60 + 24)

INCIDENTS = [
    # id, first minute, last minute (HH:MM, inclusive), title
    ("INC-101", "09:12", "09:39", "Database connection pool exhausted"),
    ("INC-102", "13:47", "14:06", "Refund provider responding slowly"),
    ("INC-103", "17:20", "17:26", "Cache node failover"),
    ("INC-104", "21:05", "21:44", "Card-network timeouts for one region"),
]

MONTH_START = pd.Timestamp("2024-03-01", tz="UTC")
MONTH_MINUTES = 30 * 24 * 60
BASE_ERROR_RATIO = 0.0003
# (first minute, last minute inclusive, error ratio): what went wrong in checkout in March.
BURNS = [
    ("2024-03-05 14:02", "2024-03-05 14:21", 0.25),   # bad config deploy: fast burn
    ("2024-03-12 01:30", "2024-03-12 08:29", 0.012),  # replica lag overnight: slow burn
    ("2024-03-20 06:00", "2024-03-22 17:59", 0.0025),  # connection leak: very slow burn
    ("2024-03-25 10:00", "2024-03-25 10:02", 0.10),   # three-minute blip: should not page
]
SCRAPE_GAP = ("2024-03-16 11:00", "2024-03-16 11:14")


def go_duration(milliseconds: float) -> str:
    """A duration as Go's ``time.Duration.String()`` writes it: ``873µs``, ``142.3ms``, ``5s``.

    Values are whole tenths of a millisecond, so four decimals of a second lose nothing.
    """
    if milliseconds >= 1000:
        return f"{milliseconds / 1000:.4f}".rstrip("0").rstrip(".") + "s"
    if milliseconds >= 1:
        return f"{milliseconds:.1f}".rstrip("0").rstrip(".") + "ms"
    return f"{milliseconds * 1000:.0f}µs"


def _minute_of_day(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _diurnal(minute_of_day: np.ndarray, night: float, peak: float) -> np.ndarray:
    """Traffic that bottoms out around 03:00 UTC and peaks around 15:00 UTC."""
    phase = (minute_of_day - 15 * 60) / (24 * 60) * 2 * np.pi
    return night + (peak - night) * (1 + np.cos(phase)) / 2


def request_log(rng: np.random.Generator) -> pd.DataFrame:
    minutes = np.arange(24 * 60)
    counts = rng.poisson(_diurnal(minutes, night=11.0, peak=62.0))
    counts[QUIET[0]:QUIET[1] + 1] = 0
    minute = np.repeat(minutes, counts)
    n = len(minute)
    seconds = minute * 60.0 + rng.uniform(0, 60, n)
    endpoint = rng.choice(len(ENDPOINTS), size=n, p=ENDPOINT_SHARE)
    median = np.asarray(ENDPOINT_MEDIAN_MS)[endpoint]
    latency = median * np.exp(rng.normal(0.0, 0.55, n))
    status = rng.choice([200, 400, 402, 404, 500, 503], size=n,
                        p=[0.962, 0.015, 0.012, 0.008, 0.002, 0.001])

    # Garbage-collection pauses: a minute or two where a few requests stall; not incidents.
    for start in rng.choice(np.arange(60, 23 * 60), size=14, replace=False):
        length = int(rng.integers(1, 4))
        hit = (minute >= start) & (minute < start + length) & (rng.random(n) < 0.04)
        latency[hit] += rng.uniform(600, 1200, hit.sum())

    def window(first: str, last: str) -> np.ndarray:
        return (minute >= _minute_of_day(first)) & (minute <= _minute_of_day(last))

    pool = window("09:12", "09:39")
    latency[pool] *= rng.uniform(2.5, 4.5, pool.sum())
    errors = pool & (rng.random(n) < 0.03)
    status[errors] = 503
    latency[errors] = 5000.0 + rng.uniform(0, 30, errors.sum())

    refunds = window("13:47", "14:06") & (endpoint == ENDPOINTS.index("POST /v1/refunds"))
    latency[refunds] += rng.uniform(1200, 2600, refunds.sum())

    cache = window("17:20", "17:26")
    latency[cache] *= rng.uniform(2.0, 4.0, cache.sum())

    # Timeouts for a small share of card payments: too few requests to move a p99 for long.
    region = window("21:05", "21:44") & (endpoint == 0) & (rng.random(n) < 0.012)
    latency[region] = 3000.0 + rng.uniform(0, 50, region.sum())
    status[region] = 504

    stamps = DAY + pd.to_timedelta(np.round(seconds, 3), unit="s")
    log = pd.DataFrame({
        "timestamp": stamps.strftime("%Y-%m-%dT%H:%M:%S.%fZ").str.slice(0, 23) + "Z",
        "endpoint": np.asarray(ENDPOINTS)[endpoint],
        "status": status,
        "duration": [go_duration(ms) for ms in np.round(latency, 1)],
    })
    # Logs arrive from several hosts: ordered by host, not by time.
    host = rng.integers(0, 4, n)
    return log.iloc[np.lexsort((seconds, host))].reset_index(drop=True)


def incident_table() -> pd.DataFrame:
    day = DAY.strftime("%Y-%m-%d")
    return pd.DataFrame(
        [(i, f"{day}T{a}:00Z", f"{day}T{b}:00Z", title) for i, a, b, title in INCIDENTS],
        columns=["incident_id", "start", "end", "title"],
    )


def checkout_minutes(rng: np.random.Generator) -> pd.DataFrame:
    minute = MONTH_START + pd.to_timedelta(np.arange(MONTH_MINUTES), unit="min")
    of_day = np.arange(MONTH_MINUTES) % (24 * 60)
    weekend = np.isin(minute.day_of_week, [5, 6])
    rate = _diurnal(of_day, night=420.0, peak=2600.0) * np.where(weekend, 0.75, 1.0)
    requests = rng.poisson(rate)
    ratio = np.full(MONTH_MINUTES, BASE_ERROR_RATIO)
    for first, last, value in BURNS:
        inside = (minute >= pd.Timestamp(first, tz="UTC")) & (
            minute <= pd.Timestamp(last, tz="UTC"))
        ratio[inside] = value
    errors = rng.binomial(requests, ratio)
    series = pd.DataFrame({
        "minute": minute.strftime("%Y-%m-%dT%H:%MZ"),
        "requests": requests,
        "errors": errors,
    })
    gap = (minute >= pd.Timestamp(SCRAPE_GAP[0], tz="UTC")) & (
        minute <= pd.Timestamp(SCRAPE_GAP[1], tz="UTC"))
    return series[~gap].reset_index(drop=True)


def write(folder: Path) -> list[Path]:
    """Write the exercise's data files into ``folder`` and return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    paths = {
        "requests": folder / "requests.csv.gz",
        "incidents": folder / "incidents.csv",
        "checkout": folder / "checkout_minutes.csv.gz",
        "readme": folder / "README.json",
    }
    request_log(rng).to_csv(paths["requests"], index=False, compression=GZIP)
    incident_table().to_csv(paths["incidents"], index=False)
    checkout_minutes(rng).to_csv(paths["checkout"], index=False, compression=GZIP)
    about = {
        "requests.csv.gz": "payments API, one row per request on 2024-03-14 (UTC): timestamp, "
                           "endpoint, status, duration (as Go prints a time.Duration: 142.3ms, "
                           "1.2045s); rows ordered by host, not by time",
        "incidents.csv": "labelled latency incidents on that day: first and last affected "
                         "minute, inclusive",
        "checkout_minutes.csv.gz": "checkout service, 1-30 March 2024 (UTC): requests and 5xx "
                                   "errors per minute; a scrape gap leaves some minutes missing",
        "generator": "ownit/instructor/generators/latency_alerting.py",
    }
    paths["readme"].write_text(json.dumps(about, sort_keys=True, indent=1) + "\n")
    return list(paths.values())
