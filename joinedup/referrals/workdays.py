"""Working days in England and Wales: weekends and bank holidays off.

Bank holidays come from govuk-bank-holidays' own copy of GOV.UK's list
(`use_cached_holidays=True`: nothing is fetched at run time); it is as current as the
installed package — keep the package up to date (docs/dependencies.md).
"""

import datetime as dt
from functools import cache

from govuk_bank_holidays.bank_holidays import BankHolidays


@cache
def bank_holidays() -> frozenset[dt.date]:
    calendar = BankHolidays(use_cached_holidays=True)
    return frozenset(
        holiday["date"]
        for holiday in calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (counting from the next day)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
