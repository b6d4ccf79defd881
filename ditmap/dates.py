"""Dates as people type them: ISO `YYYY-MM-DD` only, so no date is ever read in the wrong order.

`2026/11/08`, `08/11/2026` or `11/08/2026` mean different days in different countries; rather than
guess (and turn 8 November into 2 August, or worse), anything but `YYYY-MM-DD` is refused with a
message saying how to write it.
"""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
HOW = "write the date as year-month-day, e.g. 2026-11-08"


class DateError(ValueError):
    """A typed date that is not a real date in `YYYY-MM-DD` form; the message says how to write it."""


def parse_date(text: str | None) -> dt.date | None:
    """The date typed, or None for an empty field; raises `DateError` for anything else.

    >>> parse_date("2026-11-08")
    datetime.date(2026, 11, 8)
    >>> parse_date("  ") is None
    True
    >>> try:
    ...     parse_date("2026/11/08")
    ... except DateError as err:
    ...     print(err)
    “2026/11/08” is not a date ditmap can read without guessing: write the date as year-month-day, e.g. 2026-11-08
    """
    if text is None or not str(text).strip():
        return None
    match = _ISO.match(str(text))
    if match is None:
        raise DateError(f"“{str(text).strip()[:40]}” is not a date ditmap can read without guessing: {HOW}")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise DateError(f"{str(text).strip()} is not a day in the calendar: {HOW}") from None
