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
from datetime import date, timedelta
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
    earlier = [c for c in activity.effective(before) if c.called_at < when
               and c.id != call.id and c.outcome not in activity.RESERVED_CODES]
    zone = ZoneInfo(account.timezone)
    day = when.astimezone(zone).date()
    hold = activity.hold_of(earlier, book)
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
