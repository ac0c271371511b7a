"""The two ends of a change's life, for ``course/01_end_to_end_ownership.ipynb``.

The start: what an owner decides in the design note before any code exists (an SLO, a rollback
path, a feature flag, a runbook), and what the SLO allows in failed requests. The end: retiring
an old endpoint, from finding its callers in the request logs to deleting the code, with seeded
daily traffic per client so every number the notebook quotes can be rebuilt.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

SEED = 612
DAYS_PER_PERIOD = 30

# -- design: the decisions an owner writes down before coding ----------------------------------

# What each decision is for, in the words a reviewer of the design note would use.
DESIGN_DECISIONS = {
    "slo": "the promise to users, and so how much failure the change may cost before work stops",
    "rollback": "how to undo it in minutes, including any data or schema change",
    "feature_flag": "how to switch it off, or on for 1% of users, without a deploy",
    "runbook": "what the person paged at 3 a.m. does first, for each new alert",
    "alerts": "which signals page someone: errors and latency users feel",
}

# The design note for "saved cards" at checkout, as its owner first wrote it.
SAVED_CARDS_NOTE = {
    "problem": "Returning customers retype their card; 18% of them abandon checkout there.",
    "slo": "99.9% of checkout requests succeed within 500 ms, over 30 days",
    "rollback": "flag off, then redeploy the previous build; the new card table is only added to",
    "feature_flag": "saved_cards: 1% of users, then 10%, 50%, 100%, a day apart",
    "runbook": "",
    "alerts": "checkout p99 above 500 ms for 3 minutes",
}


def design_review(note: dict[str, str]) -> pd.DataFrame:
    """One row per decision an owner makes in the design note: what the note says, or MISSING."""
    rows = [{"decision": key, "why it matters": why,
             "the note says": (note.get(key) or "").strip() or "MISSING"}
            for key, why in DESIGN_DECISIONS.items()]
    return pd.DataFrame(rows).set_index("decision")


def error_budget(slo: float, requests_per_day: float, days: int = DAYS_PER_PERIOD) -> pd.Series:
    """What an availability SLO allows over ``days``: failed requests, and minutes of outage.

    The budget is (1 - SLO) of all requests; spent in one go at 100% errors it lasts
    (1 - SLO) x the period (43.2 minutes for 99.9% over 30 days).
    """
    if not 0 < slo < 1:
        raise ValueError(f"slo is a fraction between 0 and 1 (0.999 for 99.9%), not {slo!r}.")
    total = requests_per_day * days
    return pd.Series({
        "requests in the period": round(total),
        "failed requests allowed": round(total * (1 - slo)),
        "minutes of full outage allowed": round((1 - slo) * days * 24 * 60, 1),
    }, dtype=object)  # object keeps the counts whole numbers next to the minutes


# -- deprecation: retiring GET /v1/checkout -----------------------------------------------------

ANNOUNCED = pd.Timestamp("2024-07-01")
BROWNOUTS = [  # (day, hours the old endpoint answers 410 Gone), each longer than the last
    (pd.Timestamp("2024-08-05"), 1),
    (pd.Timestamp("2024-08-12"), 4),
    (pd.Timestamp("2024-08-19"), 24),
]
SWITCH_OFF = pd.Timestamp("2024-09-02")
DELETE_CODE = pd.Timestamp("2024-09-16")
FIRST_DAY, LAST_DAY = pd.Timestamp("2024-06-03"), pd.Timestamp("2024-09-15")

# Calls a day to /v1/checkout per client before anyone migrates, and the day its owner moves
# to /v2. The mobile apps decay instead: old app versions stay installed for weeks.
CLIENTS = {
    "web-frontend": (52_000, pd.Timestamp("2024-06-17")),
    "ios-app": (31_000, pd.Timestamp("2024-07-08")),
    "android-app": (27_000, pd.Timestamp("2024-07-15")),
    "nightly-finance-report": (1_400, pd.Timestamp("2024-07-22")),
    "partner-acme-feed": (650, pd.Timestamp("2024-08-06")),  # only the brownout reached them
}
APP_HALF_LIFE_DAYS = 5.0


def deprecation_plan() -> pd.DataFrame:
    """The steps from announcement to deleting the code, with their dates."""
    rows = [(ANNOUNCED, "announce", "post the sunset date (2 Sep) to every caller found in the "
             "logs, in the API changelog and in a Deprecation header on each response")]
    rows += [(day, f"brownout {n}", f"/v1 answers 410 Gone for {hours} h, announced a week "
              "ahead; whoever still calls it finds out now, while it can still be switched back")
             for n, (day, hours) in enumerate(BROWNOUTS, 1)]
    rows += [(SWITCH_OFF, "switch off", "/v1 answers 410 Gone for good; the route stays for "
              "two weeks so it can come back in one deploy"),
             (DELETE_CODE, "delete", "remove the route, its tests, its docs and its dashboard")]
    return pd.DataFrame(rows, columns=["date", "step", "what happens"]).set_index("date")


def _brownout_hours(day: pd.Timestamp) -> int:
    if day >= SWITCH_OFF:
        return 24
    return next((hours for start, hours in BROWNOUTS if start == day), 0)


def legacy_calls(seed: int = SEED) -> pd.DataFrame:
    """Calls per day and client to the old endpoint, and how many of them failed (410 Gone).

    Columns: ``day``, ``client``, ``calls``, ``failed``. A client stops calling the day after it
    migrates, except the mobile apps, whose old versions fade out with a half-life of five days.
    """
    rng = np.random.default_rng(seed)
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    rows = []
    for client, (per_day, migrated) in CLIENTS.items():
        app = client.endswith("-app")
        for day in days:
            weekday = 0.75 if day.day_of_week >= 5 and client != "nightly-finance-report" else 1.0
            if day < migrated:
                share = 1.0
            elif app:
                share = 0.5 ** ((day - migrated).days / APP_HALF_LIFE_DAYS)
            else:
                share = 0.0
            calls = int(rng.poisson(per_day * weekday * share)) if share > 1e-4 else 0
            failed = round(calls * _brownout_hours(day) / 24)
            rows.append((day, client, calls, failed))
    frame = pd.DataFrame(rows, columns=["day", "client", "calls", "failed"])
    return frame.astype({"client": "string"})


def plot_legacy_calls(calls: pd.DataFrame):
    """Weekly calls per client to the old endpoint (log scale), with the plan's dates marked."""
    weekly = (calls.pivot_table(index="day", columns="client", values="calls", aggfunc="sum")
              .resample("W-SUN").sum())
    fig, ax = plt.subplots(figsize=(10, 4))
    styles = ["-", "--", "-.", ":", (0, (5, 1, 1, 1))]
    for (client, series), style in zip(weekly.items(), styles, strict=False):
        shown = series.where(series > 0)  # a log axis cannot show zero: the line simply ends
        ax.plot(shown.index, shown, linestyle=style, marker="o", markersize=3, label=client)
    marks = [(ANNOUNCED, "announced"), *((d, f"brownout {n}") for n, (d, _) in
                                          enumerate(BROWNOUTS, 1)), (SWITCH_OFF, "switch off")]
    for day, label in marks:
        ax.axvline(day, color="grey", linewidth=1, linestyle="--")
        ax.annotate(label, (day, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -4),
                    textcoords="offset points", rotation=90, va="top", fontsize=8)
    ax.set_yscale("log")
    ax.set(title="Calls per week to GET /v1/checkout, by client", xlabel="week ending",
           ylabel="calls per week (log scale)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    return fig
