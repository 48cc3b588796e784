"""Dates the demo is built around."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

YEARS = tuple(range(2016, 2023))  # "2016年以来", up to the article
HANDOVER = dt.date(2022, 12, 1)  # 交付2022年对口帮扶资金, the first day of the visit
VISIT_END = dt.date(2022, 12, 2)
# Everything but the visit's own records happened before the visit, so the article's
# figures hold for any as-of date from its publication on.
LAST_DAY = dt.date(2022, 11, 30)
TZ = ZoneInfo("Asia/Shanghai")


def day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day from start to end, both included (end wins if they cross)."""
    if end <= start:
        return end
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def known(day: dt.date | None) -> dt.date:
    """A date the demo's records always have (a started project's start, a finished one's
    end), where the model allows none."""
    if day is None:
        raise ValueError("a date the demo needs is missing")
    return day


def at_ten(day: dt.date) -> dt.datetime:
    """Office hours, in the offices' own time zone."""
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=TZ)
