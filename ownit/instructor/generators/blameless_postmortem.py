"""Data for the ``blameless_postmortem`` exercise: the raw material of one incident's post-mortem.

The story: at Brightcart, a mid-size online shop, release v2.42.0 of ``checkout-api`` upgraded
the database driver, whose pool setting had been renamed. The old key was silently ignored, every
pod opened connections without limit, the payments database ran out of connections during the
afternoon peak, and checkouts failed until the release was rolled back (INC-2291).

Each tool exports in its own way, as real tools do, so the learner meets the chores of a real
post-mortem: the chat export is in New York time and was pasted twice where two exports overlap,
the pager webhook retried one delivery, and the deploy log has two writers (the CI runner in
Berlin time and the deploy bot in UTC) that both record the rollback. The draft, the 5 Whys and
the action items carry the mistakes the exercise asks the learner to find.

The story is written by hand; the seeded generator adds the background: unrelated chat, other
services' deploys, and per-minute checkout traffic with its errors.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240314
DAY = datetime(2024, 3, 14, tzinfo=UTC)
NEW_YORK = timezone(timedelta(hours=-4), "EDT")  # US daylight saving time began on 10 March 2024
BERLIN = timezone(timedelta(hours=1), "CET")  # Europe switches on 31 March
WINDOW_START = DAY.replace(hour=13)
WINDOW_MINUTES = 210  # 13:00 to 16:30 UTC

PEOPLE = ["Kevin", "Priya", "Marcus", "Ann", "Tomás", "Lena"]


def at(hhmmss: str) -> datetime:
    """A UTC instant on the incident day."""
    h, m, s = (int(part) for part in hhmmss.split(":"))
    return DAY.replace(hour=h, minute=m, second=s)


# (UTC time, user, channel, message): the incident as the chat saw it.
CHAT_STORY = [
    ("14:41:30", "Kevin", "#checkout", "v2.42.0 is rolling out: driver upgrade plus the new retry "
     "settings."),
    ("14:56:10", "Ann", "#support", "Customers report 'payment could not be processed' at "
     "checkout."),
    ("14:58:02", "Priya", "#incidents", "Looking into the checkout 5xx alert. Declaring INC-2291, "
     "I am incident commander."),
    ("15:01:45", "Priya", "#incidents", "Errors began around 14:52, shortly after checkout-api "
     "v2.42.0. Can someone from the DB team join?"),
    ("15:02:30", "Marcus", "#incidents", "Joining. payments-db is at 1990 of 2000 connections, "
     "almost all from checkout-api."),
    ("15:04:05", "Priya", "#incidents", "Rolling back checkout-api to v2.41.3 to restore service."),
    ("15:12:20", "Marcus", "#incidents", "Connections back to about 400, errors under 1%."),
    ("15:15:00", "Priya", "#incidents", "Update: checkout restored at 15:11 after a rollback. "
     "Cause under investigation. Next update 15:45."),
    ("15:38:40", "Kevin", "#incidents", "Found it: the new driver renamed pool.max_size to "
     "pool.maxSize, so our limit was ignored and the pool was unbounded."),
    ("15:45:00", "Priya", "#incidents", "Closing INC-2291. Post-mortem draft owner: Kevin, review "
     "on Monday."),
]
CHAT_NOISE = [
    ("#checkout", "Anyone else seeing the flaky cart test on main?"),
    ("#checkout", "Lunch order closes in ten minutes."),
    ("#image-service", "Thumbnail cache hit rate is back to 97%."),
    ("#checkout", "PR for the coupon rounding fix is up, reviews welcome."),
    ("#search", "Reindex finished, no errors."),
    ("#image-service", "Rolling the resizer to the new base image tomorrow."),
]

# (UTC time, action, alert, service, user): the pager's view.
PAGER_STORY = [
    ("14:55:03", "trigger", "checkout-api 5xx ratio above 5% for 3 min", "checkout-api", ""),
    ("14:57:40", "acknowledge", "checkout-api 5xx ratio above 5% for 3 min", "checkout-api",
     "Priya"),
    ("14:59:12", "trigger", "payments-db connections above 95%", "payments-db", ""),
    ("15:03:00", "acknowledge", "payments-db connections above 95%", "payments-db", "Marcus"),
    ("15:14:03", "resolve", "checkout-api 5xx ratio above 5% for 3 min", "checkout-api", ""),
    ("15:16:30", "resolve", "payments-db connections above 95%", "payments-db", ""),
]
PAGER_NOISE = [
    ("trigger", "image-resizer disk above 80%", "image-resizer"),
    ("resolve", "image-resizer disk above 80%", "image-resizer"),
]

# (UTC time, service, version, action, actor): the deploy log's view.
DEPLOY_STORY = [
    ("14:41:07", "checkout-api", "v2.42.0", "deploy", "Kevin"),
    ("15:06:12", "checkout-api", "v2.41.3", "rollback", "Priya"),
]
DEPLOY_NOISE = [
    ("image-resizer", "v5.3.1"),
    ("search-api", "v1.19.0"),
    ("image-resizer", "v5.3.2"),
]

FIVE_WHYS = [
    {"why": "Why did checkouts fail?",
     "because": "The payments database refused new connections."},
    {"why": "Why did the payments database refuse new connections?",
     "because": "checkout-api pods opened connections without any limit."},
    {"why": "Why was there no limit on the connections?",
     "because": "The pool size setting was ignored after the driver upgrade."},
    {"why": "Why did nobody catch it in review?",
     "because": "Kevin did not read the driver's release notes."},
    {"why": "Why did Kevin skip the release notes?",
     "because": "He was rushing to finish before the code freeze."},
]

ACTION_ITEMS = [
    # id, title, owner, type, priority, ticket, due
    ("AI-1", "Reject unknown config keys in the deploy script", "Kevin", "prevent", "P1",
     "CHK-1412", "2024-03-28"),
    ("AI-2", "Alert when payments-db connections pass 80%", "Marcus", "detect", "P1", "DBA-311",
     "2024-04-30"),
    ("AI-3", "Set an explicit pool size in every service's config", "", "prevent", "P2",
     "CHK-1413", "2024-04-15"),
    ("AI-4", "Be more careful with driver upgrades", "Kevin", "fix", "High", "", ""),
    ("AI-5", "Add a load-test step to the release checklist", "Priya", "process", "P2",
     "ops 1501", "2024-03-10"),
    ("AI-6", "Cap connections per pod at the database proxy", "Marcus", "mitigate", "P0",
     "DBA-312", "2024-03-20"),
    ("AI-7", "Write a rollback runbook for checkout-api", "Priya", "Process", "P2", "CHK-1415",
     "2024-04-12"),
]

DRAFT = """\
# INC-2291: checkout failures on 14 March 2024 (draft)

## Summary

Between 14:52 and 15:11 UTC many checkouts failed with "payment could not be processed".
Kevin's driver upgrade broke checkout for about twenty minutes.
The deploy script did not validate the renamed pool key.

## Impact

Checkout errors peaked above half of all requests, and support received 41 tickets.
We used the default settings for the pool, so nothing capped the connections.

## Root causes

The new database driver renamed the pool setting, and the old key was silently ignored.
Kevin pushed v2.42.0 without reading the release notes, which was careless.
Nothing in our release process checks configuration against the driver's schema.

## Resolution

Priya rolled back checkout-api to v2.41.3 at 15:06 UTC.
Priya should have rolled back sooner instead of waiting for the DB team.
Errors fell below 1% at 15:11 UTC.

## Action items

See the table of action items.

## Timeline

- 14:41 checkout-api v2.42.0 deployed.
- 14:52 checkout errors start.
- 14:55 page to the on-call engineer, who failed to notice the connection graph at first.
- 15:06 rollback to v2.41.3.
"""


def _iso(moment: datetime, tz: timezone, sep: str = "T") -> str:
    """Text as the tool writes it: local time with its offset, ``Z`` for UTC writers."""
    text = moment.astimezone(tz).isoformat(sep=sep, timespec="seconds")
    return text.replace("+00:00", "Z")


def _noise_times(rng: np.random.Generator, count: int) -> list[datetime]:
    seconds = np.sort(rng.choice(WINDOW_MINUTES * 60, size=count, replace=False))
    return [WINDOW_START + timedelta(seconds=int(s)) for s in seconds]


def chat_table(rng: np.random.Generator) -> pd.DataFrame:
    noise_at = _noise_times(rng, len(CHAT_NOISE))
    rows = [(at(t), user, channel, text) for t, user, channel, text in CHAT_STORY]
    rows += [(when, str(rng.choice(PEOPLE[3:])), channel, text)
             for when, (channel, text) in zip(noise_at, CHAT_NOISE, strict=True)]
    rows.sort(key=lambda row: row[0])
    # Two exports (up to 15:03 and from 14:55) were pasted one after the other: the overlap
    # appears twice.
    first = [r for r in rows if r[0] <= at("15:03:00")]
    second = [r for r in rows if r[0] >= at("14:55:00")]
    return pd.DataFrame([(_iso(when, NEW_YORK), user, channel, text)
                         for when, user, channel, text in first + second],
                        columns=["posted_at", "user", "channel", "message"])


def pager_table(rng: np.random.Generator) -> pd.DataFrame:
    rows = [(at(t), action, alert, service, user)
            for t, action, alert, service, user in PAGER_STORY]
    start, end = _noise_times(rng, 2)
    rows += [(when, action, alert, service, "")
             for when, (action, alert, service) in zip((start, end), PAGER_NOISE, strict=True)]
    # The webhook timed out on the first trigger and delivered it again.
    rows.append(rows[0])
    rows.sort(key=lambda row: row[0])
    return pd.DataFrame([(_iso(when, UTC), action, alert, service, user)
                         for when, action, alert, service, user in rows],
                        columns=["created_at", "action", "alert", "service", "user"])


def deploy_table(rng: np.random.Generator) -> pd.DataFrame:
    rows = [(at(t), service, version, action, actor, "ci-runner")
            for t, service, version, action, actor in DEPLOY_STORY]
    noise_at = _noise_times(rng, len(DEPLOY_NOISE))
    rows += [(when, service, version, "deploy", str(rng.choice(PEOPLE[3:])), "ci-runner")
             for when, (service, version) in zip(noise_at, DEPLOY_NOISE, strict=True)]
    # The deploy bot also records rollbacks, in UTC.
    rows.append((at("15:06:12"), "checkout-api", "v2.41.3", "rollback", "Priya", "deploy-bot"))
    rows.sort(key=lambda row: (row[0], row[5]))
    return pd.DataFrame(
        [(_iso(when, UTC if writer == "deploy-bot" else BERLIN, sep=" "), service, version, action,
          actor, writer) for when, service, version, action, actor, writer in rows],
        columns=["logged_at", "service", "version", "action", "actor", "writer"])


def traffic_table(rng: np.random.Generator) -> pd.DataFrame:
    """Per-minute checkout requests and errors; two minutes are missing because the metrics
    scraper itself timed out during the incident."""
    minutes = pd.date_range(WINDOW_START, periods=WINDOW_MINUTES, freq="min")
    ramp = np.linspace(700, 1100, WINDOW_MINUTES)
    requests = rng.poisson(ramp)
    ratio = np.full(WINDOW_MINUTES, 0.003)
    onset = (at("14:52:00") - WINDOW_START).seconds // 60
    recovered = (at("15:11:00") - WINDOW_START).seconds // 60
    ratio[onset:recovered] = np.clip(rng.normal(0.45, 0.12, recovered - onset), 0.08, 0.9)
    ratio[onset] = 0.07  # the pool fills up over a minute
    ratio[recovered:recovered + 3] = [0.04, 0.012, 0.006]  # pods drain after the rollback
    errors = rng.binomial(requests, ratio)
    table = pd.DataFrame({"minute": [m.strftime("%Y-%m-%dT%H:%M:%SZ") for m in minutes],
                          "requests": requests, "errors": errors})
    missing = {"2024-03-14T15:00:00Z", "2024-03-14T15:01:00Z"}
    return table[~table["minute"].isin(missing)].reset_index(drop=True)


def write(folder: Path) -> list[Path]:
    """Write the incident's raw material into ``folder``; same bytes on every run."""
    rng = np.random.default_rng(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in [("chat.csv", chat_table(rng)), ("pager.csv", pager_table(rng)),
                        ("deploys.csv", deploy_table(rng)),
                        ("action_items.csv", pd.DataFrame(ACTION_ITEMS, columns=[
                            "id", "title", "owner", "type", "priority", "ticket", "due"]))]:
        path = folder / name
        table.to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    path = folder / "checkout_minutes.csv.gz"
    traffic_table(rng).to_csv(path, index=False, lineterminator="\n",
                              compression={"method": "gzip", "mtime": 0})
    paths.append(path)
    path = folder / "five_whys.json"
    path.write_text(json.dumps({"incident": "INC-2291", "people": PEOPLE, "chain": FIVE_WHYS},
                               sort_keys=True, indent=1) + "\n", encoding="utf-8")
    paths.append(path)
    path = folder / "postmortem_draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    paths.append(path)
    return paths
