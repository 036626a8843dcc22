"""Legal calling hours and the contact quality of each minute, in the debtor's local time.

A rule pack is data (``rules:`` in the config). Everything here is a pure function of
the pack, the account and the moment; public holidays come from the ``holidays``
package, computed (no I/O) and cached per country and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache

from collectctl.config import WEEKDAY_KEYS, CallSettings, RulePack, RulesSettings
from collectctl.core import reasons as r
from collectctl.core.reasons import Reason

#: Contact quality of a minute: how likely the debtor answers, relative to a normal minute.
GOLDEN = Decimal("1.0")
NORMAL = Decimal("0.6")
LUNCH = Decimal("0.3")
CLOSED = Decimal("0")


def holiday_name(country: str | None, day: date, language: str | None = None) -> str | None:
    """The public holiday on ``day`` in ``country``, if any, named in ``language`` (the
    interface's catalog code, ``zh_TW``; English otherwise). The ``holidays`` package
    would otherwise follow the machine's locale."""
    if not country:
        return None
    from collectctl.core.calendars import calendar

    return calendar(country, day.year, "zh_TW" if language == "zh_TW" else "en_US"
                    ).holidays.get(day)


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


@dataclass(frozen=True)
class AccountRules:
    """The rules an account is called under: the packs of every country its list and its
    debtor phones name (the first is the one its contact quality follows), combined by
    taking the strictest of each: the lowest cap, the longest hold, every pack's hours in
    every zone the debtor may be in."""

    names: tuple[str, ...]
    packs: tuple[RulePack, ...]

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def pack(self) -> RulePack:
        return self.packs[0]

    def _least(self, key: str) -> int | None:
        values = [getattr(p, key) for p in self.packs if getattr(p, key) is not None]
        return min(values) if values else None

    @cached_property
    def caps(self) -> tuple[int | None, int | None, int | None, int | None]:
        """Attempts a day, attempts in 7 days, contacts in 7 days, contacts in a month."""
        return (self._least("max_attempts_per_day"), self._least("max_attempts_per_7_days"),
                self._least("max_contacts_per_7_days"), self._least("max_contacts_per_month"))

    @cached_property
    def hold_days(self) -> int:
        return max(p.hold_days_after_conversation for p in self.packs)

    @cached_property
    def voicemail_counts(self) -> bool:
        return any(p.voicemail_counts for p in self.packs)

    @cached_property
    def workplace_allowed(self) -> bool:
        return all(p.workplace_calls == "allowed" for p in self.packs)

    @cached_property
    def forbids_workplace(self) -> str | None:
        """The name of a pack that forbids workplace calls, if any."""
        return next((n for n, p in zip(self.names, self.packs, strict=True)
                     if p.workplace_calls != "allowed"), None)


def rules_for(rules: RulesSettings, countries: tuple[str, ...]) -> AccountRules:
    """The :class:`AccountRules` of an account naming ``countries`` (none: the default)."""
    names = tuple(dict.fromkeys(rules.by_country.get(c, rules.default) for c in countries)
                  ) or (rules.default,)
    return AccountRules(names, tuple(rules.packs[n] for n in names))


def within(hours: tuple[time, time] | None, local: datetime, end: datetime) -> bool:
    """Whether a call from ``local`` to ``end`` (local times) lies within ``hours``."""
    if hours is None or local.date() != end.date() and _minutes(end.time()) > 0:
        return False
    end_m = _minutes(end.time()) or 24 * 60
    return _minutes(hours[0]) <= _minutes(local.time()) and end_m <= _minutes(hours[1])


def closed_at(account_rules: AccountRules, zones: tuple[str, ...], start: datetime,
              end: datetime) -> tuple[str, Reason] | None:
    """Why a call from ``start`` to ``end`` (aware instants) is not legal in some zone the
    debtor may be in: that zone and the reason code (closed day, or outside the hours);
    None when it is legal in every zone under every pack."""
    from zoneinfo import ZoneInfo

    for zone_name in zones:
        zone = ZoneInfo(zone_name)
        local, local_end = start.astimezone(zone), end.astimezone(zone)
        for pack in account_rules.packs:
            hours = legal_hours(pack, local.date())
            if hours is None:
                return zone_name, closed_reason(pack, local.date()) or Reason(
                    r.OUTSIDE_LEGAL_HOURS)
            if not within(hours, local, local_end):
                return zone_name, Reason(r.OUTSIDE_LEGAL_HOURS, zone=zone_name, local=local,
                                         hours=f"{hours[0]:%H:%M}-{hours[1]:%H:%M}")
    return None


def legal_spans(account_rules: AccountRules, zones: tuple[str, ...], start: datetime,
                end: datetime, step: timedelta = timedelta(minutes=15)
                ) -> list[tuple[datetime, datetime]]:
    """The spans from ``start`` to ``end`` (aware instants, in steps of ``step``) legal in
    every zone of ``zones`` under every pack: what remains of the day for a debtor who may
    be in any of them."""
    spans: list[tuple[datetime, datetime]] = []
    moment = start
    while moment + step <= end:
        if closed_at(account_rules, zones, moment, moment + step) is None:
            if spans and spans[-1][1] == moment:
                spans[-1] = (spans[-1][0], moment + step)
            else:
                spans.append((moment, moment + step))
        moment += step
    return spans
