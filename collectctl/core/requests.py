"""The debtor's own requests: times not to be called, and not at work (pure).

FDCPA §1692c(a)(1), FCA CONC 7.9.4R and the ACCC/ASIC debt collection guideline all
require a collector to honour a debtor's reasonable request about when and where to be
contacted. A request is kept in the log, never edited: each entry (``avoid`` a window,
``no_workplace``, or ``clear``, which lifts them all) says who set it and when, and the
requests in force are :func:`fold` of an account's entries in log order.

Times are the debtor's wall-clock time. A window ``from``-``to`` opens at ``from`` on
each of its days and closes at ``to``; one whose ``to`` is not after its ``from``
(``21:00-08:00``) crosses midnight and closes the next morning, so its early hours
belong to the day before (``21:00-08:00 mon-fri`` covers Saturday 02:00 and not
Monday 02:00). ``00:00-24:00`` is the whole day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from collectctl.core import reasons as r
from collectctl.errors import EntryError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: The kinds of entry in the requests log.
AVOID = "avoid"
NO_WORKPLACE = "no_workplace"
CLEAR = "clear"
KINDS = (AVOID, NO_WORKPLACE, CLEAR)

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Avoid:
    """A window the debtor asked not to be called in: from ``start`` to ``end`` (their
    wall-clock time) on each of ``days`` (``mon`` ... ``sun``). ``end`` at or before
    ``start`` crosses midnight; ``start == end`` (only ever 00:00) is the whole day."""

    start: time
    end: time
    days: tuple[str, ...] = WEEKDAYS

    def __post_init__(self) -> None:
        # (opens, length) in seconds and the days as a set, for :func:`avoided`, which
        # the plan asks about every slot of every account with a window.
        begin = self.start.hour * 60 + self.start.minute
        length = ((self.end.hour * 60 + self.end.minute - begin) % 1440) or 1440
        object.__setattr__(self, "_span", (begin * 60, length * 60, frozenset(self.days)))

    @property
    def from_minute(self) -> int:
        """Minutes after midnight the window opens at (0-1439)."""
        return self.start.hour * 60 + self.start.minute

    @property
    def to_minute(self) -> int:
        """Minutes after midnight it closes at (1-1440; 1440 is the next midnight of a
        whole-day window; not after :attr:`from_minute`: the next day)."""
        minute = self.end.hour * 60 + self.end.minute
        return 1440 if minute == self.from_minute == 0 else minute

    @property
    def crosses_midnight(self) -> bool:
        return self.to_minute <= self.from_minute

    def occurrence(self, day: date) -> tuple[datetime, datetime]:
        """The window opened on ``day``, as naive wall-clock moments."""
        opens = datetime.combine(day, time()) + timedelta(minutes=self.from_minute)
        closes = datetime.combine(day, time()) + timedelta(minutes=self.to_minute)
        if self.crosses_midnight:
            closes += _DAY
        return opens, closes


def hhmm(minute: int) -> str:
    """``750`` → ``"12:30"``; ``1440`` → ``"24:00"``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def window_detail(window: Avoid) -> dict:
    """A window as a reason's parameters and JSON: ``{"from": "12:00", "to": "13:00",
    "days": ("mon", ...)}``."""
    return {"from": hhmm(window.from_minute), "to": hhmm(window.to_minute),
            "days": window.days}


@dataclass(frozen=True)
class RequestEntry:
    """One entry of the requests log: ``kind`` (:data:`KINDS`), the window of an
    ``avoid``, who set it (a collector's name) and when (an aware moment)."""

    account_id: str
    kind: str
    set_by: str
    set_at: datetime
    window: Avoid | None = None
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Requests:
    """The requests in force on one account: the windows not to call in, whether the
    debtor asked not to be called at work, and who made the latest change and when
    (None: never any)."""

    avoid: tuple[Avoid, ...] = ()
    no_workplace: bool = False
    set_by: str | None = None
    set_at: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.avoid) or self.no_workplace


#: An account the debtor asked nothing of.
NO_REQUESTS = Requests()


def fold(entries: Iterable[RequestEntry]) -> Requests:
    """The requests in force after ``entries`` (one account's, in log order): each
    ``avoid`` adds its window (once), ``no_workplace`` sets the flag, ``clear`` lifts
    everything before it."""
    windows: list[Avoid] = []
    no_workplace = False
    set_by: str | None = None
    set_at: datetime | None = None
    for entry in entries:
        if entry.kind == CLEAR:
            windows, no_workplace = [], False
        elif entry.kind == AVOID and entry.window is not None:
            if entry.window not in windows:
                windows.append(entry.window)
        elif entry.kind == NO_WORKPLACE:
            no_workplace = True
        else:
            continue
        set_by, set_at = entry.set_by, entry.set_at
    return Requests(tuple(windows), no_workplace, set_by, set_at)


def in_force(entries: Iterable[RequestEntry], moment: datetime) -> Requests:
    """The requests in force at ``moment``: :func:`fold` of the entries set by then (a
    request made after a call does not bar that call)."""
    return fold(e for e in entries if e.set_at <= moment)


def fold_by_account(entries: Iterable[RequestEntry]) -> dict[str, Requests]:
    """:func:`fold` for each account of ``entries`` (in log order), by account id; an
    account whose requests were all cleared is left out."""
    grouped: dict[str, list[RequestEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.account_id, []).append(entry)
    folded = {aid: fold(group) for aid, group in grouped.items()}
    return {aid: requests for aid, requests in folded.items() if requests}


def _wall_seconds(moment: datetime) -> float:
    """Seconds from 0001-01-01 to ``moment``'s wall-clock time (its zone ignored)."""
    return (moment.toordinal() * 86400 + moment.hour * 3600 + moment.minute * 60
            + moment.second + moment.microsecond / 1_000_000)


#: A call as :func:`_first_window` reads it: its weekday, and when it starts and ends in
#: seconds from that day's midnight (wall clock).
Span = tuple[int, float, float]


def span_of(local_start: datetime, local_end: datetime) -> Span:
    midnight = local_start.toordinal() * 86400
    return (local_start.weekday(), _wall_seconds(local_start) - midnight,
            _wall_seconds(local_end) - midnight)


def _first_window(windows: tuple[Avoid, ...], span: Span) -> Avoid | None:
    weekday, opens_at, closes_at = span
    for window in windows:
        begin, length, days = window._span  # type: ignore[attr-defined]
        # The occurrences that open before the call ends, from the day before its start
        # (a window that crosses midnight reaches into the next day).
        day = -1
        while day * 86400 + begin < closes_at:
            if WEEKDAYS[(weekday + day) % 7] in days:
                first = day * 86400 + begin
                if opens_at < first + length and first < closes_at:
                    return window
            day += 1
    return None


def avoided(requests: Requests, local_start: datetime, local_end: datetime) -> Avoid | None:
    """The first of the debtor's windows that a call from ``local_start`` to ``local_end``
    (the debtor's local time) would overlap, or None. The moments are compared as wall
    clock times; a call that ends as a window opens, or starts as it closes, is outside
    it."""
    if not requests.avoid:
        return None
    return _first_window(requests.avoid, span_of(local_start, local_end))


def avoided_slots(requests: Requests, spans: Sequence[Span]) -> dict[int, Avoid]:
    """``{index: window}`` for each of the calls ``spans`` (:func:`span_of`, the debtor's
    local time) that overlaps one of the debtor's windows (the first it overlaps)."""
    if not requests.avoid:
        return {}
    found = {}
    for index, span in enumerate(spans):
        window = _first_window(requests.avoid, span)
        if window is not None:
            found[index] = window
    return found


# -- what a collector types ----------------------------------------------------------------

_RANGE = re.compile(r"\s*(?:-|–|—|~|〜|～|to|至|到)\s*")
_MIDNIGHT = ("24", "24:00", "2400", "24.00")


def parse_window(text: str, days: tuple[str, ...] = WEEKDAYS,
                 option: str = "--avoid") -> Avoid:
    """``12:00-13:30`` (also ``9-17``, ``21:00-08:00``, ``00:00-24:00``) as a window on
    ``days``. A bad range raises :class:`EntryError` naming ``option``, not the text."""
    from collectctl.ingest.fields import FieldError, normalize_text, parse_work_start

    parts = _RANGE.split(normalize_text(text).lower())
    if len(parts) != 2 or not all(parts):
        raise EntryError(r.NOT_A_TIME_RANGE, "avoid", option)
    try:
        start = parse_work_start(parts[0])
        whole = parts[1] in _MIDNIGHT
        end = time(0) if whole else parse_work_start(parts[1])
    except FieldError:
        raise EntryError(r.NOT_A_TIME, "avoid", option) from None
    if start == end and not (whole and start == time(0)):
        raise EntryError(r.EMPTY_TIME_RANGE, "avoid", option)
    return Avoid(start, end, days)


_DAY_NAMES = {
    **{key: key for key in WEEKDAYS},
    "monday": "mon", "tuesday": "tue", "tues": "tue", "wednesday": "wed",
    "thursday": "thu", "thur": "thu", "thurs": "thu", "friday": "fri", "saturday": "sat",
    "sunday": "sun",
    **{prefix + digit: WEEKDAYS[n] for n, digit in enumerate("一二三四五六日")
       for prefix in ("", "週", "周", "星期", "禮拜", "礼拜")},
    "週天": "sun", "周天": "sun", "星期天": "sun", "禮拜天": "sun", "礼拜天": "sun",
}
_DAY_GROUPS = {"weekdays": WEEKDAYS[:5], "weekday": WEEKDAYS[:5], "weekends": WEEKDAYS[5:],
               "weekend": WEEKDAYS[5:], "daily": WEEKDAYS, "all": WEEKDAYS,
               "平日": WEEKDAYS[:5], "週末": WEEKDAYS[5:], "周末": WEEKDAYS[5:]}


def parse_days(text: str, option: str = "--days") -> tuple[str, ...]:
    """``mon-fri``, ``sat,sun``, ``mon,wed-fri``, ``fri-mon`` (a range may wrap round the
    week), ``weekdays``, ``weekends``, ``週一-週五``: the weekday keys, in week order."""
    from collectctl.ingest.fields import normalize_text

    bad = EntryError(r.NOT_A_WEEKDAY, "days", option)
    chosen: set[str] = set()
    joined = _RANGE.sub("-", normalize_text(text).lower())
    for item in re.split(r"[,、，;/ ]+", joined):
        if not item:
            continue
        if item in _DAY_GROUPS:
            chosen.update(_DAY_GROUPS[item])
            continue
        ends = item.split("-")
        if len(ends) > 2 or not all(e in _DAY_NAMES for e in ends):
            raise bad
        first, last = (WEEKDAYS.index(_DAY_NAMES[e]) for e in (ends[0], ends[-1]))
        chosen.update(WEEKDAYS[(first + n) % 7] for n in range((last - first) % 7 + 1))
    if not chosen:
        raise bad
    return tuple(day for day in WEEKDAYS if day in chosen)
