"""The tests' clock.

`NOW` is the moment tests freeze the clock at (the `clock` fixture of tests/conftest.py):
10:00 in Shanghai on `REFERENCE_DAY`. A test that freezes the clock is about that moment and
the fixed dates around it, and stays so on any day.

Every other test runs at the real time, or on `TEST_TODAY` when that is set: the session's
clock is moved there (`TEST_TODAY=2030-06-01 make test` runs the suite after every preset has
ended). Those tests must not depend on the day: what they make is dated from the clock.
`shifted(day)` moves a date written against `REFERENCE_DAY` by as much as the clock's today is
away from it, so programmes made by the tests stand where they stood on that day."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
REFERENCE_DAY = dt.date(2026, 3, 10)
TEST_TODAY = os.environ.get("TEST_TODAY") or None
NOW = dt.datetime.combine(REFERENCE_DAY, dt.time(10, 0), tzinfo=SHANGHAI)


def shifted(day: dt.date) -> dt.date:
    """`day` moved by as many days as the clock's today is from `REFERENCE_DAY`."""
    return day + (timezone.localdate() - REFERENCE_DAY)
