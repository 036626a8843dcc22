"""Reasons as codes: what the core says about a plan, an account or a row, before words.

The core returns a :class:`Reason` (a code and its parameters); ``render/display.py``
words it in the interface language, and JSON carries the code and parameters as they
are, so a script never depends on the language. The codes are listed in the README
("Reason codes") and are the same in every language.

Parameters are plain values: ``str``, ``int``, ``Decimal`` (money, with a ``currency``
beside it), ``date``, or ``datetime`` (aware).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# -- why an account scores high (the plan's "why" column): the score's factors -----------
AMOUNT = "amount"
DAYS_PAST_DUE = "days_past_due"
PROMISE_DUE = "promise_due"
BROKEN_PROMISE = "broken_promise"
CALLBACK = "callback"
PAYDAY = "payday"
WEEKDAY = "weekday"
NEVER_REACHED = "never_reached"
RISK = "risk"

# -- why an account is not in the plan (``--why-not``) -------------------------------------
ACCOUNT_CLOSED = "account_closed"
CEASE = "cease"  # since
DISPUTE = "dispute"  # since
PROMISE_HOLD = "promise_hold"  # amount, currency, due
NO_VALID_PHONE = "no_valid_phone"
CAP_TODAY = "cap_today"  # calls
CAP_7_DAYS = "cap_7_days"  # calls
CAP_CONTACTS_7_DAYS = "cap_contacts_7_days"  # contacts
REACHED_TODAY = "reached_today"  # at
CONVERSATION_HOLD = "conversation_hold"  # on, days
SKIP_TRACING = "skip_tracing"
SET_ASIDE = "set_aside"
RETRY_GAP = "retry_gap"  # tried_at, not_before
NO_CALLS_ON_WEEKDAY = "no_calls_on_weekday"  # weekday
BLACKOUT_DAY = "blackout_day"  # day
PUBLIC_HOLIDAY = "public_holiday"  # country, day
NO_WEEKEND_CALLS = "no_weekend_calls"
OUTSIDE_LEGAL_HOURS = "outside_legal_hours"
NO_SLOTS_LEFT = "no_slots_left"
OVERFLOW = "overflow"  # slots, rank
PLANNED = "planned"  # at, window

# -- a plan's note -------------------------------------------------------------------------
NO_OPEN_ACCOUNTS = "no_open_accounts"  # collector
NO_SLOTS_ON_DAY = "no_slots_on_day"  # day

#: The factors of the score and the reason code each one gives the plan's "why" column.
FACTOR_CODES = {
    "amount": AMOUNT, "days_past_due": DAYS_PAST_DUE, "promise_due": PROMISE_DUE,
    "broken_promise": BROKEN_PROMISE, "callback_due": CALLBACK, "payday": PAYDAY,
    "weekday": WEEKDAY, "never_contacted": NEVER_REACHED, "risk": RISK,
}


@dataclass(frozen=True)
class Reason:
    """A code and its parameters (``Reason("cap_7_days", {"calls": 7})``)."""

    code: str
    detail: Mapping[str, Any]

    def __init__(self, code: str, detail: Mapping[str, Any] | None = None, **params: Any):
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "detail", {**(detail or {}), **params})

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.detail.items()))))
