"""Legal calling hours and the contact quality of each minute, in the debtor's local time.

A rule pack is data (``rules:`` in the config). Everything here is a pure function of
the pack, the account and the moment; public holidays come from the ``holidays``
package, computed (no I/O) and cached per country and year.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from collectctl.config import WEEKDAY_KEYS, CallSettings, RulePack, RulesSettings
from collectctl.core import reasons as r
from collectctl.core.reasons import Reason

#: Contact quality of a minute: how likely the debtor answers, relative to a normal minute.
GOLDEN = Decimal("1.0")
NORMAL = Decimal("0.6")
LUNCH = Decimal("0.3")
CLOSED = Decimal("0")


@lru_cache(maxsize=64)
def _holiday_calendar(country: str, year: int, language: str) -> dict[date, str]:
    import holidays

    try:
        return dict(holidays.country_holidays(country, years=year, language=language))
    except NotImplementedError:
        return {}


def holiday_name(country: str | None, day: date, language: str | None = None) -> str | None:
    """The public holiday on ``day`` in ``country``, if any, named in ``language`` (the
    interface's catalog code, ``zh_TW``; English otherwise). The ``holidays`` package
    would otherwise follow the machine's locale."""
    if not country:
        return None
    return _holiday_calendar(country, day.year, "zh_TW" if language == "zh_TW" else "en_US"
                             ).get(day)


def legal_hours(pack: RulePack, day: date) -> tuple[time, time] | None:
    """The hours calls are allowed on ``day`` (debtor's local date), or None for none."""
    weekday = WEEKDAY_KEYS[day.weekday()]
    if weekday in pack.no_calls_on or day in pack.blackout_dates:
        return None
    if holiday_name(pack.holidays, day):
        return None
    return pack.weekend_hours if day.weekday() >= 5 else pack.weekday_hours


def closed_reason(pack: RulePack, day: date) -> Reason | None:
    """Why no calls are allowed on ``day`` (a reason code), or None if some hours are open."""
    weekday = WEEKDAY_KEYS[day.weekday()]
    if weekday in pack.no_calls_on:
        return Reason(r.NO_CALLS_ON_WEEKDAY, weekday=weekday)
    if day in pack.blackout_dates:
        return Reason(r.BLACKOUT_DAY, day=day)
    if holiday_name(pack.holidays, day):
        return Reason(r.PUBLIC_HOLIDAY, country=pack.holidays, day=day)
    if legal_hours(pack, day) is None:
        return Reason(r.NO_WEEKEND_CALLS)
    return None


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def quality(
    local: datetime, end: datetime, work_start: time | None, call: CallSettings,
    hours: tuple[time, time] | None,
) -> Decimal:
    """The contact quality of a call from ``local`` to ``end`` (debtor's local time).

    0 outside legal hours; highest in the golden window (work start + golden minutes);
    low in the debtor's lunch; normal otherwise.
    """
    if hours is None or local.date() != end.date() and _minutes(end.time()) > 0:
        return CLOSED
    start_m = _minutes(local.time())
    end_m = _minutes(end.time()) or 24 * 60
    if start_m < _minutes(hours[0]) or end_m > _minutes(hours[1]):
        return CLOSED
    if work_start is not None:
        golden = _minutes(work_start)
        if golden <= start_m < golden + call.golden_minutes:
            return GOLDEN
    if _minutes(call.lunch[0]) <= start_m < _minutes(call.lunch[1]):
        return LUNCH
    return NORMAL


def hour_means(local_day: date, work_start: time | None, call: CallSettings,
               hours: tuple[time, time] | None) -> dict[int, float]:
    """The mean contact quality of each hour of ``local_day`` (a call every
    ``handle_minutes``); 0 for an hour calls are not allowed in."""
    return {hour: _hour_mean(local_day, hour, work_start, call, hours) for hour in range(24)}


@lru_cache(maxsize=8192)
def _hour_mean(local_day: date, hour: int, work_start: time | None, call: CallSettings,
               hours: tuple[time, time] | None) -> float:
    step = timedelta(minutes=call.handle_minutes)
    moment = datetime.combine(local_day, time(hour, 0))
    qualities = []
    while moment.hour == hour and moment.date() == local_day:
        qualities.append(float(quality(moment, moment + step, work_start, call, hours)))
        moment += step
    return sum(qualities) / len(qualities)


def hour_shape(local: datetime, work_start: time | None, call: CallSettings,
               hours: tuple[time, time] | None) -> float:
    """How much better a call at ``local`` is than its hour's average, by the rules
    (golden minutes above 1, lunch below): the weight of a try at that minute."""
    plain = local.replace(tzinfo=None)
    mean = _hour_mean(plain.date(), plain.hour, work_start, call, hours)
    if mean <= 0:
        return 1.0
    step = timedelta(minutes=call.handle_minutes)
    here = float(quality(plain, plain + step, work_start, call, hours))
    return here / mean if here > 0 else 1.0


def pack_for(rules: RulesSettings, country: str | None) -> tuple[str, RulePack]:
    """The rule pack that applies to an account of ``country`` (its phone's region)."""
    name = rules.by_country.get(country or "", rules.default)
    return name, rules.packs[name]
