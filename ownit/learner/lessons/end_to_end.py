"""Example data and plots for ``course/01_end_to_end_ownership.ipynb``.

Everything is made by seeded generators, so the numbers the notebook's prose quotes are the
numbers a learner sees. Two stories live here: a six-hour day of a checkout API with one slow
spell (monitoring), and a canary that is a little worse than its baseline (deployment).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

SEED = 611
THRESHOLD_MS = 500.0

LIFECYCLE = [
    ("design", "Is this the right thing to build?"),
    ("implementation", "Is the code good?"),
    ("testing", "Does it actually work?"),
    ("deployment", "Did it get to production safely?"),
    ("monitoring", "Is it throwing errors?"),
    ("maintenance", "Who fixes it in 6 months?"),
]


def lifecycle_table() -> pd.DataFrame:
    """The six stages an owner answers for, in order, with the question each one asks."""
    frame = pd.DataFrame(LIFECYCLE, columns=["stage", "question"])
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="step")
    return frame


# -- testing: the edge cases the author knows best ----------------------------------------------

def naive_p99(latencies_ms: list[float]) -> float:
    """A p99 written in a hurry: fine on the happy path, wrong at the edges on purpose.

    It indexes the sorted list at ``int(0.99 * n)``, which crashes on an empty minute and returns
    the maximum for any minute with fewer than 100 requests.
    """
    ordered = sorted(latencies_ms)
    return float(ordered[int(0.99 * len(ordered))])


def try_edge_cases(func, cases: dict[str, list[float]]) -> pd.DataFrame:
    """Run ``func`` on each named case and report the result or the exception, one row each."""
    rows = []
    for name, values in cases.items():
        try:
            rows.append({"case": name, "result": repr(func(values)), "error": ""})
        except Exception as exc:  # the point is to see every failure, whatever its type
            rows.append({"case": name, "result": "", "error": f"{type(exc).__name__}: {exc}"})
    return pd.DataFrame(rows).set_index("case")


# -- monitoring: a day of per-minute latency with one incident ----------------------------------

@dataclass(frozen=True)
class Incident:
    """When the slow spell in :func:`latency_by_minute` starts and ends, and when a user first
    writes to support about it (what a team without alerts finds out from)."""

    start: pd.Timestamp
    end: pd.Timestamp
    first_complaint: pd.Timestamp


DAY_START = pd.Timestamp("2024-06-11 08:00", tz="UTC")
INCIDENT = Incident(
    start=pd.Timestamp("2024-06-11 11:20", tz="UTC"),
    end=pd.Timestamp("2024-06-11 12:05", tz="UTC"),
    first_complaint=pd.Timestamp("2024-06-11 11:47", tz="UTC"),
)
# A second, quieter problem the same morning: a bad feature-flag value makes a share of
# checkouts fail with HTTP 500. The failures come back as fast as successes, so latency is calm.
ERROR_SPELL = Incident(
    start=pd.Timestamp("2024-06-11 09:40", tz="UTC"),
    end=pd.Timestamp("2024-06-11 10:02", tz="UTC"),
    first_complaint=pd.Timestamp("2024-06-11 09:58", tz="UTC"),
)
BASE_ERROR_RATE = 0.003
SPELL_ERROR_RATE = 0.06
ERROR_THRESHOLD_PCT = 2.0


def requests_log(seed: int = SEED, hours: int = 6) -> pd.DataFrame:
    """One row per request to a checkout API: ``minute`` (UTC), ``latency_ms`` and ``error``.

    Traffic follows a gentle daily curve (about 100 to 200 requests a minute); latencies are
    log-normal around 120 ms. During :data:`INCIDENT` a slow database replica makes a growing
    share of requests wait an extra half second or more. About 0.3% of requests fail at any
    time, and 6% during :data:`ERROR_SPELL`.
    """
    rng = np.random.default_rng(seed)
    minutes = pd.date_range(DAY_START, periods=hours * 60, freq="min")
    position = np.arange(len(minutes)) / len(minutes)
    rate = 150 + 50 * np.sin(np.pi * position)  # busier towards midday
    counts = rng.poisson(rate)
    minute = np.repeat(minutes, counts)
    latency = rng.lognormal(mean=np.log(120), sigma=0.4, size=counts.sum())

    in_incident = (minute >= INCIDENT.start) & (minute < INCIDENT.end)
    elapsed = (minute - INCIDENT.start) / (INCIDENT.end - INCIDENT.start)
    # The replica degrades, then someone fails it over near the end: a ramp up, a plateau.
    share_slow = np.where(in_incident, np.clip(elapsed * 4, 0.0, 1.0) * 0.12, 0.0)
    slow = rng.random(counts.sum()) < share_slow
    latency = latency + slow * rng.gamma(shape=6.0, scale=110.0, size=counts.sum())
    # Errors come from a generator of their own, so adding them left the latencies unchanged.
    in_spell = (minute >= ERROR_SPELL.start) & (minute < ERROR_SPELL.end)
    error_rate = np.where(in_spell, SPELL_ERROR_RATE, BASE_ERROR_RATE)
    error = np.random.default_rng(seed + 2).random(counts.sum()) < error_rate
    return pd.DataFrame({"minute": minute, "latency_ms": latency.round(1), "error": error})


def latency_by_minute(seed: int = SEED, hours: int = 6) -> pd.DataFrame:
    """Per minute: ``requests``, ``p50_ms`` and ``p99_ms``, indexed by minute (UTC)."""
    log = requests_log(seed, hours)
    grouped = log.groupby("minute")["latency_ms"]
    return pd.DataFrame({
        "requests": grouped.size(),
        "p50_ms": grouped.quantile(0.50).round(1),
        "p99_ms": grouped.quantile(0.99).round(1),
    })


def errors_by_minute(seed: int = SEED, hours: int = 6) -> pd.DataFrame:
    """Per minute: ``requests``, ``errors`` and ``error_pct`` (failed requests, %)."""
    grouped = requests_log(seed, hours).groupby("minute")["error"]
    return pd.DataFrame({"requests": grouped.size(), "errors": grouped.sum(),
                         "error_pct": (grouped.mean() * 100).round(2)})


def first_alert(per_minute: pd.DataFrame, threshold_ms: float = THRESHOLD_MS,
                for_minutes: int = 3, column: str = "p99_ms") -> pd.Timestamp | None:
    """The minute a rule "``column`` over the threshold for N minutes in a row" fires, or None.

    ``column`` is the p99 latency by default; ``"error_pct"`` makes it an error-rate alert (the
    threshold is then a percentage). Requiring a few minutes in a row keeps one unlucky minute
    from paging anyone at night.
    """
    if column not in per_minute:
        raise KeyError(f"No column {column!r} to alert on; the table has {list(per_minute)}.")
    over = per_minute[column] > threshold_ms
    run = over.astype(int).groupby((~over).cumsum()).cumsum()
    fired = run[run >= for_minutes]
    return None if fired.empty else fired.index[0]


def plot_latency(per_minute: pd.DataFrame, threshold_ms: float = THRESHOLD_MS,
                 alert_at: pd.Timestamp | None = None):
    """p50 and p99 per minute, the alert threshold, the incident window and the alert time."""
    fig, ax = plt.subplots(figsize=(10, 4))
    times = per_minute.index.tz_convert(None)  # matplotlib labels naive times as they are (UTC)
    ax.plot(times, per_minute["p99_ms"], color="tab:red", linewidth=1.2, label="p99 per minute")
    ax.plot(times, per_minute["p50_ms"], color="tab:blue", linewidth=1.2, linestyle=":",
            label="p50 per minute")
    ax.axhline(threshold_ms, color="black", linestyle="--", linewidth=1,
               label=f"alert threshold ({threshold_ms:.0f} ms)")
    ax.axvspan(INCIDENT.start.tz_convert(None), INCIDENT.end.tz_convert(None), color="0.85",
               label="incident (slow replica)")
    if alert_at is not None:
        ax.axvline(alert_at.tz_convert(None), color="tab:green", linewidth=1.5,
                   label=f"alert fires {alert_at:%H:%M}")
    ax.axvline(INCIDENT.first_complaint.tz_convert(None), color="tab:purple", linestyle="-.",
               linewidth=1.5, label=f"first user complaint {INCIDENT.first_complaint:%H:%M}")
    ax.set(title="Checkout API latency per minute, 11 June (UTC)", xlabel="time (UTC)",
           ylabel="latency (ms)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


def plot_errors(per_minute: pd.DataFrame, threshold_pct: float = ERROR_THRESHOLD_PCT,
                alert_at: pd.Timestamp | None = None):
    """Failed requests per minute (%), the error alert's threshold and the time it fires."""
    fig, ax = plt.subplots(figsize=(10, 3.4))
    times = per_minute.index.tz_convert(None)
    ax.plot(times, per_minute["error_pct"], color="tab:red", linewidth=1.2,
            label="failed requests per minute (%)")
    ax.axhline(threshold_pct, color="black", linestyle="--", linewidth=1,
               label=f"alert threshold ({threshold_pct:g}%)")
    ax.axvspan(ERROR_SPELL.start.tz_convert(None), ERROR_SPELL.end.tz_convert(None),
               color="0.85", label="bad flag value live")
    if alert_at is not None:
        ax.axvline(alert_at.tz_convert(None), color="tab:green", linewidth=1.5,
                   label=f"error alert fires {alert_at:%H:%M}")
    ax.set(title="Checkout API failed requests per minute, 11 June (UTC)", xlabel="time (UTC)",
           ylabel="failed requests (%)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    return fig


# -- deployment: a canary against its baseline --------------------------------------------------

def canary_requests(seed: int = SEED, per_group: int = 1200) -> pd.DataFrame:
    """Requests served by a fresh baseline and by the canary of a new build over the same 30 min.

    Columns: ``group`` ("baseline" or "canary"), ``latency_ms``, ``error`` (bool). The canary
    carries a small regression: about 15% slower and four times the error rate.
    """
    rng = np.random.default_rng(seed + 1)
    groups = {"baseline": (120.0, 0.004), "canary": (138.0, 0.016)}
    frames = [
        pd.DataFrame({
            "group": name,
            "latency_ms": rng.lognormal(np.log(median), 0.4, per_group).round(1),
            "error": rng.random(per_group) < error_rate,
        })
        for name, (median, error_rate) in groups.items()
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame["group"] = frame["group"].astype("string")
    return frame


def compare_canary(requests: pd.DataFrame) -> pd.DataFrame:
    """One row per group: requests, errors, error rate (%), p50 and p99 latency (ms)."""
    grouped = requests.groupby("group")
    return pd.DataFrame({
        "requests": grouped.size(),
        "errors": grouped["error"].sum(),
        "error_rate_pct": (grouped["error"].mean() * 100).round(2),
        "p50_ms": grouped["latency_ms"].median().round(1),
        "p99_ms": grouped["latency_ms"].quantile(0.99).round(1),
    })


def plot_canary(requests: pd.DataFrame):
    """Left: latency distributions of baseline and canary. Right: their error rates."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8),
                                      gridspec_kw={"width_ratios": [2, 1]})
    bins = np.linspace(0, 600, 61)
    styles = {"baseline": ("tab:blue", "-"), "canary": ("tab:orange", "--")}
    for name, (color, line) in styles.items():
        values = requests.loc[requests["group"] == name, "latency_ms"]
        left.hist(values, bins=bins, histtype="step", color=color, linestyle=line, linewidth=1.6,
                  label=f"{name} (median {values.median():.0f} ms)")
    left.set(title="Latency: canary vs baseline", xlabel="latency (ms)", ylabel="requests")
    left.legend(fontsize="small")

    rates = requests.groupby("group")["error"].mean() * 100
    bars = right.bar(rates.index, rates.values, color=["tab:blue", "tab:orange"],
                     edgecolor="black")
    bars[1].set_hatch("//")  # the canary is told apart by pattern as well as colour
    right.bar_label(bars, labels=[f"{v:.1f}%" for v in rates.values])
    right.set(title="Error rate", ylabel="requests failing (%)", ylim=(0, rates.max() * 1.4))
    fig.suptitle("Canary of build 2024.06.11-2 against a fresh baseline, 30 minutes")
    fig.tight_layout()
    return fig
