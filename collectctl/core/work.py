"""Work mode's pure parts: which key does what, and the defaults offered at a prompt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from collectctl.core.money import Amounts
from collectctl.core.planning import days_to_payday
from collectctl.core.targets import Goal

#: Outcome keys: one keystroke logs the outcome (codes of the default outcome set).
OUTCOME_KEYS: tuple[tuple[str, str], ...] = (
    ("1", "no-answer"), ("2", "busy"), ("3", "voicemail"), ("4", "rpc"), ("5", "ptp"),
    ("6", "paid"), ("7", "callback"), ("8", "wrong-number"),
)
#: ``9`` asks which of these two holds applies.
HOLD_KEY = "9"
HOLD_CHOICES: tuple[tuple[str, str], ...] = (("d", "dispute"), ("c", "cease"))
#: Keys that do something other than log an outcome.
SKIP, NOTE, PHONE, UNDO, OTHER, HELP, QUIT = "s", "n", "p", "u", "o", "?", "q"
#: Typed at a terminal: Ctrl-D and Escape quit too.
QUIT_KEYS = (QUIT, "\x04", "\x1b")


@dataclass(frozen=True)
class Action:
    """What a key (or a typed outcome code) asks for: ``kind`` is ``outcome`` (with its
    ``code``), ``hold`` (dispute or cease to choose), ``skip``, ``note``, ``phone``,
    ``undo``, ``other`` (type any outcome code), ``help``, ``quit`` or ``unknown``."""

    kind: str
    code: str | None = None


def action_for(key: str | None, known_codes) -> Action:
    """The action of a key; ``known_codes(name)`` returns the outcome code a typed name
    stands for (code or alias), or None. End of input (None) quits."""
    if key is None:
        return Action("quit")
    text = key.strip()
    lowered = text.lower()
    if lowered in QUIT_KEYS or text in QUIT_KEYS:
        return Action("quit")
    for k, code in OUTCOME_KEYS:
        if lowered == k:
            return Action("outcome", code)
    simple = {HOLD_KEY: "hold", SKIP: "skip", NOTE: "note", PHONE: "phone", UNDO: "undo",
              OTHER: "other", HELP: "help"}
    if lowered in simple:
        return Action(simple[lowered])
    if len(text) > 1:  # line input may name any outcome: "refused", "tp", "承諾"
        code = known_codes(text)
        if code is not None:
            return Action("outcome", code)
    return Action("unknown")


def next_call(calls, may_call):
    """The call to make now: the first of the plan (in time order) that ``may_call``
    allows now; None when every call must wait for its time."""
    return next((call for call in calls if may_call(call)), None)


def promise_date(paydays: tuple[int, ...], today: date, max_days: int) -> date:
    """The promise date offered: the debtor's next payday (today counts), else a week
    ahead; never later than the longest promise allowed."""
    days = days_to_payday(paydays, today) if paydays else None
    offset = 7 if days is None else days
    return today + timedelta(days=min(offset, max_days))


def amount_offered(effect: str, minimum_due: Decimal | None,
                   balance: Decimal) -> Decimal | None:
    """The amount an empty answer takes at work mode's amount prompt, if any.

    A promise (``effect`` ``promise``) is offered the account's minimum due when the list
    gave one that is more than zero and within the ``balance``; a payment, and any other
    outcome that asks for an amount, is offered none. Never the whole balance: a stray
    Enter must not record a payoff.
    """
    if effect == "promise" and minimum_due is not None and 0 < minimum_due <= balance:
        return minimum_due
    return None


def callback_time(now_local: datetime, minutes: int = 60) -> datetime:
    """The callback time offered: ``minutes`` from now, rounded up to the quarter hour."""
    moment = (now_local + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    late = moment.minute % 15
    return moment + timedelta(minutes=(15 - late) % 15)


def clock_text(elapsed: timedelta) -> str:
    """``2:05`` for two minutes five seconds; ``1:02:05`` past the hour."""
    seconds = max(int(elapsed.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@dataclass(frozen=True)
class DayStatus:
    """The status line's numbers: today's work so far against the day's targets."""

    calls: int
    remaining: int
    right_party_contacts: int
    #: Money per currency (never added across currencies).
    promised: Amounts
    collected: Amounts
    calls_target: Decimal | None = None
    right_party_target: Decimal | None = None
    #: A money target is in one currency (``Goal.currency``).
    promised_target: Goal | None = None
    collected_target: Goal | None = None

    @property
    def planned(self) -> int:
        """Calls made plus calls still in the plan: the day's call count as it stands."""
        return self.calls + self.remaining
