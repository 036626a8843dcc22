"""Whether a call that was made broke a calling rule: the check behind ``log``'s warnings
and ``audit``.

Pure: the caller passes the account (located: its candidate zones and countries), the
rules it is called under, the log entries before the call and the call. Every rule the
planner keeps is checked as it stood when the call was made (the log before it; the
config in force now): hours in every zone the debtor may be in, closed days, each cap,
the hold after a conversation, a cease or dispute hold, a workplace number the rules or
the debtor forbid, and the debtor's avoid windows. Each breach is a reason code
(``core.reasons``) with its parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from collectctl.core import activity
from collectctl.core import reasons as r
from collectctl.core.models import Account, Call
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.reasons import Reason
from collectctl.core.requests import Requests
from collectctl.core.rules import AccountRules, closed_at
from collectctl.core.zones import WORKPLACE

ONE_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)


def is_call(call: Call, book: OutcomeBook) -> bool:
    """Whether a log entry stands for a dialled call (an attempt), not an undo or a note."""
    if call.outcome in activity.RESERVED_CODES or call.reverses is not None:
        return False
    outcome = book.find(call.outcome)
    return outcome is not None and outcome.attempt


def breaches(account: Account, rules: AccountRules, before: Sequence[Call], call: Call,
             book: OutcomeBook, requests: Requests | None = None) -> list[Reason]:
    """The rules ``call`` broke, given the standing entries ``before`` it (any order; undone
    ones are left out here). Empty for a call that broke none, or an entry that is no call.
    ``requests`` is the debtor's own requests in force then (``core.requests.fold`` of the
    requests log up to the call), if any. The avoid windows are the debtor's local time,
    so a call in one in any zone they may be in broke it."""
    if not is_call(call, book):
        return []
    found: list[Reason] = []
    when = call.called_at
    where = closed_at(rules, account.zones, when, when + ONE_MINUTE)
    if where is not None:
        zone_name, why = where
        found.append(Reason(why.code, {**why.detail, "zone": zone_name,
                                       "local": when.astimezone(ZoneInfo(zone_name))}))
    standing = [c for c in activity.effective(before) if c.called_at < when and c.id != call.id]
    earlier = [c for c in standing if c.outcome not in activity.RESERVED_CODES]
    zone = ZoneInfo(account.timezone)
    day = when.astimezone(zone).date()
    # Resume entries count here: a resumed account is no longer on hold.
    hold = activity.hold_of(standing, book)
    if hold is not None:
        found.append(Reason(r.CEASE if hold.outcome == "cease" else r.DISPUTE,
                            since=hold.since.astimezone(zone).date()))
    found += _caps(rules, earlier, book, zone, day)
    found += _conversation_hold(rules, earlier, book, zone, day, call)
    if call.phone:
        phone = next((p for p in account.phones if p.number == call.phone), None)
        if phone is not None and phone.role == WORKPLACE:
            if requests is not None and requests.no_workplace:
                found.append(Reason(r.WORKPLACE_NOT_ALLOWED, debtor_request=True))
            elif not rules.workplace_allowed:
                found.append(Reason(r.WORKPLACE_NOT_ALLOWED, pack=rules.forbids_workplace))
    if requests is not None and requests.avoid:
        from collectctl.core.requests import avoided

        window = next((w for z in account.zones
                       if (w := avoided(requests, when.astimezone(ZoneInfo(z)),
                                        when.astimezone(ZoneInfo(z)) + ONE_MINUTE))), None)
        if window is not None:
            found.append(Reason(r.DEBTOR_AVOID, {"from": f"{window.start:%H:%M}",
                                                 "to": f"{window.end:%H:%M}"}))
    return found


def _caps(rules: AccountRules, earlier: list[Call], book: OutcomeBook, zone: ZoneInfo,
          day: date) -> list[Reason]:
    max_day, max_week, max_contacts, max_month = rules.caps
    counts_voicemail = rules.voicemail_counts
    today = week = contacts = month = 0
    week_start = day - timedelta(days=6)
    for c in earlier:
        outcome = book.find(c.outcome)
        if outcome is None:
            continue
        local_day = c.called_at.astimezone(zone).date()
        if outcome.attempt and (counts_voicemail or outcome.code != "voicemail"):
            today += local_day == day
            week += week_start <= local_day <= day
        if outcome.contact:
            contacts += week_start <= local_day <= day
            month += (local_day.year, local_day.month) == (day.year, day.month)
    found = []
    if max_day is not None and today >= max_day:
        found.append(Reason(r.CAP_TODAY, calls=today + 1))
    if max_week is not None and week >= max_week:
        found.append(Reason(r.CAP_7_DAYS, calls=week + 1))
    if max_contacts is not None and contacts >= max_contacts:
        found.append(Reason(r.CAP_CONTACTS_7_DAYS, contacts=contacts))
    if max_month is not None and month >= max_month:
        found.append(Reason(r.CAP_CONTACTS_MONTH, contacts=month, month=f"{day:%Y-%m}"))
    return found


def _conversation_hold(rules: AccountRules, earlier: list[Call], book: OutcomeBook,
                       zone: ZoneInfo, day: date, call: Call) -> list[Reason]:
    """A call within the hold after a conversation (the conversation's day is day 1),
    unless it is the callback the debtor asked for in it."""
    days = rules.hold_days
    if not days:
        return []
    talked = None
    for c in earlier:
        outcome = book.find(c.outcome)
        if outcome is not None and outcome.right_party:
            talked = c
    if talked is None:
        return []
    talked_on = talked.called_at.astimezone(zone).date()
    if (day - talked_on).days >= days:
        return []
    asked = activity.pending_callback(earlier, book)
    if asked is not None and abs(asked - call.called_at) <= timedelta(minutes=30):
        return []
    return [Reason(r.CONVERSATION_HOLD, on=talked_on, days=days)]


# -- the audit's narrowing: where breaches() can possibly find something (pure) -----------
#
# ``audit`` runs :func:`breaches` exactly, but only on the calls that might break a rule:
# a call inside the legal intervals below (every zone, every pack) cannot be outside legal
# hours, and an account can be over a cap only if enough entries lie close enough
# together. These helpers compute those bounds, erring always on the side of checking.

_STEP = timedelta(hours=1)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


@lru_cache(maxsize=256)
def offset_changes(zone_name: str, start: datetime, end: datetime
                   ) -> tuple[tuple[datetime, timedelta], ...]:
    """The instants in [``start``, ``end``) (aware) at which ``zone_name``'s UTC offset
    changes, to the second, each with the offset from then on."""
    zone = ZoneInfo(zone_name)
    found = []
    moment, offset = start, _offset(zone, start)
    while moment < end:
        following = min(moment + _STEP, end)
        new = _offset(zone, following)
        if new != offset:
            low, high = moment, following  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    middle = low + timedelta(seconds=1)
                if _offset(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            found.append((high, _offset(zone, high)))
            offset = new
        moment = following
    return tuple(found)


def _segments(zone_name: str, start: datetime, end: datetime):
    """``(from, to, offset, to_is_a_change)`` spans of one UTC offset covering [start, end)."""
    zone = ZoneInfo(zone_name)
    changes = offset_changes(zone_name, start, end)
    edges = [start, *(at for at, _o in changes), end]
    offsets = [_offset(zone, start), *(o for _at, o in changes)]
    return [(edges[n], edges[n + 1], offsets[n], n < len(changes))
            for n in range(len(offsets))]


def _pack_intervals(pack, zone_name: str, start: datetime, end: datetime
                    ) -> list[tuple[datetime, datetime]]:
    """UTC intervals in which a call of a minute from any instant is legal under ``pack``
    in ``zone_name``, within [start, end). The minute before each offset change is left
    out: a call then ends at a local time of the other offset."""
    from collectctl.core.rules import legal_hours

    out: list[tuple[datetime, datetime]] = []
    for seg_start, seg_end, offset, changes in _segments(zone_name, start - _DAY,
                                                         end + _DAY):
        last = seg_end - ONE_MINUTE if changes else seg_end
        day = (seg_start + offset).date()
        while datetime.combine(day, time(0), UTC) - offset < last:
            hours = legal_hours(pack, day)
            if hours is not None:
                midnight = datetime.combine(day, time(0), UTC) - offset
                a = max(midnight + timedelta(hours=hours[0].hour, minutes=hours[0].minute),
                        seg_start, start)
                b = min(midnight + timedelta(hours=hours[1].hour, minutes=hours[1].minute),
                        last, end)
                if a < b:
                    out.append((a, b))
            day += _DAY
    return out


def _intersect(a: list[tuple[datetime, datetime]], b: list[tuple[datetime, datetime]]
               ) -> list[tuple[datetime, datetime]]:
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if low < high:
            out.append((low, high))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def legal_intervals(rules: AccountRules, zones: Sequence[str], start: datetime,
                    end: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC intervals within [``start``, ``end``) (aware instants) in which a call made
    at any instant is legal in every one of ``zones`` under every pack of ``rules``: a call
    there cannot be outside legal hours or on a closed day (:func:`breaches`' first check).
    Exact but for the minute before each change of a zone's UTC offset, left out."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    found = [(start, end)]
    for zone_name in dict.fromkeys(zones):
        for pack in rules.packs:
            found = _intersect(found, _pack_intervals(pack, zone_name, start, end))
    return found


def gaps(intervals: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime
         ) -> list[tuple[datetime, datetime]]:
    """[start, end) less ``intervals`` (sorted, disjoint)."""
    out = []
    moment = start
    for a, b in intervals:
        if a > moment:
            out.append((moment, a))
        moment = max(moment, b)
    if moment < end:
        out.append((moment, end))
    return out


@dataclass(frozen=True)
class Spans:
    """The longest a debtor's local day, 7 days and calendar month last (UTC seconds) in the
    zones an audit looks at: entries further apart cannot count towards one cap."""

    day: int
    week: int
    month: int


def cap_spans(zones: Sequence[str], start: datetime, end: datetime) -> Spans:
    """:class:`Spans` for ``zones`` between ``start`` and ``end``: 24 hours, 7 and 31 days,
    each lengthened by every change of a zone's UTC offset in that time (a day when the
    clocks go back lasts 25 hours), counted whole, plus a second."""
    drift = timedelta(0)
    for zone_name in dict.fromkeys(zones):
        zone = ZoneInfo(zone_name)
        before = _offset(zone, start)
        moved = timedelta(0)
        for _at, offset in offset_changes(zone_name, start, end):
            moved += abs(offset - before)
            before = offset
        drift = max(drift, moved)
    extra = int(drift.total_seconds()) + 1
    return Spans(86_400 + extra, 7 * 86_400 + extra, 31 * 86_400 + extra)


class DayClock:
    """The debtor's local day number of an instant in one zone (consecutive days,
    consecutive numbers), from the zone's UTC offsets between ``start`` and ``end``."""

    def __init__(self, zone_name: str, start: datetime, end: datetime) -> None:
        zone = ZoneInfo(zone_name)
        changes = offset_changes(zone_name, start, end)
        self._at = [a for a, _o in changes]
        self._offsets = [int(_offset(zone, start).total_seconds()),
                         *(int(o.total_seconds()) for _a, o in changes)]
        #: Whether the zone keeps one UTC offset all that time.
        self.fixed = len(self._offsets) == 1

    def days(self, times: Sequence[datetime]) -> list[int]:
        if self.fixed:
            offset = self._offsets[0]
            return [(int(t.timestamp()) + offset) // 86_400 for t in times]
        from bisect import bisect_right

        return [(int(t.timestamp()) + self._offsets[bisect_right(self._at, t)]) // 86_400
                for t in times]


def over_a_cap(times: Sequence[datetime], clocks: Sequence[DayClock], start: datetime,
               spans: Spans, day_min: int | None, week_min: int | None) -> set[datetime]:
    """The moments among ``times`` (an account's log entries, sorted, aware, every one from
    7 days before ``start`` on) at which a call from ``start`` on could be over an attempts
    cap by :func:`breaches`: the last of ``day_min`` entries on one local day, or of
    ``week_min`` within 7 local days, by one of ``clocks`` (one for each zone the account's
    dates may be in; with none, entries within ``spans`` of each other stand for one day
    or one week). A call at any other moment is over no attempts cap."""
    found: set[datetime] = set()
    if not clocks:
        for cap, span in ((day_min, spans.day), (week_min, spans.week)):
            if cap is not None:
                found.update(_closing(times, cap, span, start))
        return found
    for clock in clocks:
        numbers = clock.days(times)
        if clock.fixed:  # one offset: the days are in the order of the times
            ordered = times
        else:  # by local day, then time (a day when clocks go back at midnight repeats)
            pairs = sorted(zip(numbers, times, strict=True))
            numbers, ordered = [d for d, _t in pairs], [t for _d, t in pairs]
        for cap, width in ((day_min, 0), (week_min, 6)):
            if cap is None or len(numbers) < cap:
                continue
            first = 0
            for last, day in enumerate(numbers):
                while day - numbers[first] > width:
                    first += 1
                if last - first + 1 >= cap and ordered[last] >= start:
                    found.add(ordered[last])
    return found


def _closing(times: Sequence[datetime], count: int, span: int, start: datetime
             ) -> list[datetime]:
    """The moments from ``start`` on that close a run of ``count`` of ``times`` (sorted)
    less than ``span`` seconds long."""
    width = timedelta(seconds=span)
    back = max(count - 1, 0)
    return [times[n] for n in range(back, len(times))
            if times[n] >= start and times[n] - times[n - back] < width]


def clustered(times: Sequence[datetime], count: int, span: int) -> bool:
    """Whether ``count`` of ``times`` (sorted) lie less than ``span`` seconds apart."""
    if count <= 1:
        return bool(times)
    width = timedelta(seconds=span)
    return any(times[last] - times[last - count + 1] < width
               for last in range(count - 1, len(times)))
