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
#: Valid numbers, but each someone else's (a relative's, a reference's): never dialled.
ONLY_THIRD_PARTY = "only_third_party"
#: Only workplace numbers, which the pack forbids calling (pack) or the debtor asked not to
#: be called at (debtor_request).
WORKPLACE_NOT_ALLOWED = "workplace_not_allowed"  # pack | debtor_request: True
CAP_TODAY = "cap_today"  # calls
CAP_7_DAYS = "cap_7_days"  # calls
CAP_CONTACTS_7_DAYS = "cap_contacts_7_days"  # contacts
CAP_CONTACTS_MONTH = "cap_contacts_month"  # contacts, month (YYYY-MM)
REACHED_TODAY = "reached_today"  # at
CONVERSATION_HOLD = "conversation_hold"  # on, days
SKIP_TRACING = "skip_tracing"
SET_ASIDE = "set_aside"
RETRY_GAP = "retry_gap"  # tried_at, not_before
#: In a window the debtor asked not to be called in (``account ID --avoid``).
DEBTOR_AVOID = "debtor_avoid"  # from, to, days (the debtor's window, their local time)
NO_CALLS_ON_WEEKDAY = "no_calls_on_weekday"  # weekday
BLACKOUT_DAY = "blackout_day"  # day
PUBLIC_HOLIDAY = "public_holiday"  # country, day
NO_WEEKEND_CALLS = "no_weekend_calls"
OUTSIDE_LEGAL_HOURS = "outside_legal_hours"
#: The candidate zones leave no minute of the shift legal in all of them.
NO_COMMON_HOURS = "no_common_hours"  # zones
NO_SLOTS_LEFT = "no_slots_left"
CALLBACK_NO_SLOT = "callback_no_slot"  # at (the debtor's time)
OVERFLOW = "overflow"  # slots, rank
PLANNED = "planned"  # at, window

# -- a plan's note -------------------------------------------------------------------------
NO_OPEN_ACCOUNTS = "no_open_accounts"  # collector
NO_SLOTS_ON_DAY = "no_slots_on_day"  # day
#: Not the collector's working day (also why each account is not planned that day).
DAY_OFF = "day_off"  # day, cause (weekday + weekday | public_holiday + country | extra_day_off)

# -- why a row of a file, or a value typed, is refused (``RowError.reason``) --------------
EMPTY = "empty"
NOT_A_NUMBER = "not_a_number"
TOO_LARGE = "too_large"
NOT_POSITIVE = "not_positive"
NEGATIVE = "negative"
TOO_MANY_DECIMALS = "too_many_decimals"
SEVERAL_CURRENCIES = "several_currencies"  # codes
NOT_A_CURRENCY = "not_a_currency"
NOT_A_DATE = "not_a_date"
NO_SUCH_DATE = "no_such_date"
AMBIGUOUS_DATE = "ambiguous_date"
NOT_WHOLE_DAYS = "not_whole_days"
TOO_MANY_DAYS = "too_many_days"
NOT_A_TIME = "not_a_time"
NOT_A_TIME_RANGE = "not_a_time_range"
EMPTY_TIME_RANGE = "empty_time_range"
NOT_A_WEEKDAY = "not_a_weekday"
NOT_A_PAYDAY = "not_a_payday"
UNKNOWN_TIMEZONE = "unknown_timezone"
UNKNOWN_COUNTRY = "unknown_country"
NOT_A_RISK = "not_a_risk"
NO_TIME_OF_DAY = "no_time_of_day"
IMPLAUSIBLE_DATE = "implausible_date"
IN_THE_FUTURE = "in_the_future"  # day
IN_THE_PAST = "in_the_past"  # day (or at)
TOO_FAR_AHEAD = "too_far_ahead"  # day, days
#: A date typed without a year whose month and day come round only after more than a
#: year (29 February): the year must be typed.
NOT_WITHIN_A_YEAR = "not_within_a_year"  # day (the nearest such date), ahead (bool)
DUPLICATE_ID = "duplicate_id"  # first (line)
UNDECODABLE = "undecodable"
#: A NUL byte in a cell (PostgreSQL cannot store one; the row is refused on both engines).
NUL_BYTE = "nul_byte"  # position (1-based cell number)
#: A record longer than the reader reads (its text is not kept).
LINE_TOO_LONG = "line_too_long"  # limit (characters)
#: A quote opened on this line and still open after ``lines`` lines: only this line is
#: refused, the lines after it are read again as rows of their own.
UNCLOSED_QUOTE = "unclosed_quote"  # lines
TOO_MANY_CELLS = "too_many_cells"  # limit
#: A list's principal, interest and fees adding up to more than its amount due.
PARTS_EXCEED_AMOUNT = "parts_exceed_amount"
UNKNOWN_ACCOUNT = "unknown_account"
OVER_BALANCE = "over_balance"  # amount, balance
#: A promise of more than the account's balance (``--allow-overpay`` accepts it).
PROMISE_OVER_BALANCE = "promise_over_balance"  # amount, balance, currency
UNKNOWN_OUTCOME = "unknown_outcome"  # codes
NEEDS_AMOUNT = "needs_amount"  # outcome
NEEDS_DATE = "needs_date"  # outcome
NEEDS_TIME = "needs_time"  # outcome
NOT_A_PHONE = "not_a_phone"
NO_PHONE_TO_MARK = "no_phone_to_mark"
NOT_ITS_PHONE = "not_its_phone"
#: A callback asked for at a time no call is legal where the debtor may be.
CALLBACK_NOT_LEGAL = "callback_not_legal"  # zone, rule (a reason code), hours

# -- why an import is refused as a whole (``errors.ImportRefused``) ------------------------
#: ``--close-missing`` with a file that has no data rows: it would close every open account.
NO_DATA_ROWS = "no_data_rows"  # collector (or None)
#: ``--close-missing`` with a file whose every row was rejected.
NO_ROWS_ACCEPTED = "no_rows_accepted"  # collector (or None)
#: ``--close-missing`` would close more than half of the open accounts in its scope.
CLOSE_NEEDS_YES = "close_needs_yes"  # closing, open, collector (or None)

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
