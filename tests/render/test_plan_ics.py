"""The plan as a calendar file, rendered from hand-made plans and read back with icalendar:
a VTIMEZONE for every TZID, DTSTAMP the moment the plan was made, masked by default,
no control characters, and local times that exist (and say the planned instant) on the
days New York's clocks change."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from collectctl.core.planning import Plan, PlannedCall
from collectctl.render.plan import calendar_moment, masks, plan_ics
from collectctl.render.safe import one_line

NEW_YORK = ZoneInfo("America/New_York")
MADE = datetime(2026, 3, 7, 9, 0, tzinfo=NEW_YORK)


def call(account_id: str, start: datetime, name: str | None = "John Roe",
         phone: str | None = "+12127365000") -> PlannedCall:
    return PlannedCall(account_id=account_id, start=start, end=start + timedelta(minutes=5),
                       score=Decimal("1"), phone=phone, reasons=("amount",), window="normal",
                       name=name, balance=Decimal("900.00"), currency="USD",
                       days_past_due=30)


def ics(calls, day: date, made_at: datetime | None = MADE, redact: bool = True) -> str:
    out = io.StringIO()
    plan_ics(Plan(day, "alice", tuple(calls), (), len(calls), made_at=made_at), out, redact)
    return out.getvalue()


def lines_of(text: str, name: str) -> list[str]:
    """The content lines of property ``name`` in the file's events (not its VTIMEZONEs)."""
    found, inside = [], False
    for line in text.splitlines():
        inside = line == "BEGIN:VEVENT" or inside and line != "END:VEVENT"
        if inside and line.split(";")[0].split(":")[0] == name:
            found.append(line)
    return found


def test_every_tzid_has_its_vtimezone_before_the_events():
    text = ics([call("NY", datetime(2026, 3, 9, 10, tzinfo=NEW_YORK)),
                call("TW", datetime(2026, 3, 9, 22, tzinfo=ZoneInfo("Asia/Taipei")))],
               date(2026, 3, 9))
    calendar = Calendar.from_ical(text)
    used = {str(e["dtstart"].params["TZID"]) for e in calendar.walk("VEVENT")}
    assert used == {"America/New_York", "Asia/Taipei"}
    assert {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")} == used
    names = [c.name for c in calendar.subcomponents]
    assert names == ["VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT"]


def test_dtstamp_is_when_the_plan_was_made_in_utc():
    text = ics([call("A", datetime(2026, 3, 9, 10, tzinfo=NEW_YORK)),
                call("B", datetime(2026, 3, 9, 11, tzinfo=NEW_YORK))], date(2026, 3, 9))
    assert lines_of(text, "DTSTAMP") == ["DTSTAMP:20260307T140000Z"] * 2
    for event in Calendar.from_ical(text).walk("VEVENT"):
        assert event.decoded("dtstamp") == MADE


def test_a_plan_without_its_moment_is_refused():
    with pytest.raises(ValueError, match="made_at"):
        ics([call("A", datetime(2026, 3, 9, 10, tzinfo=NEW_YORK))], date(2026, 3, 9),
            made_at=None)


def test_uid_is_the_day_and_the_account():
    text = ics([call("A", datetime(2026, 3, 9, 10, tzinfo=NEW_YORK))], date(2026, 3, 9))
    again = ics([call("A", datetime(2026, 3, 9, 15, tzinfo=NEW_YORK))], date(2026, 3, 9),
                made_at=MADE + timedelta(hours=5))
    assert lines_of(text, "UID") == lines_of(again, "UID") == ["UID:2026-03-09-A@collectctl"]


def test_masked_unless_asked_not_to():
    start = datetime(2026, 3, 9, 10, tzinfo=NEW_YORK)
    masked = ics([call("A", start)], date(2026, 3, 9))
    assert "John" not in masked and "2127365000" not in masked
    (event,) = Calendar.from_ical(masked).walk("VEVENT")
    assert str(event["summary"]) == "A *** ***00"
    shown = ics([call("A", start)], date(2026, 3, 9), redact=False)
    (event,) = Calendar.from_ical(shown).walk("VEVENT")
    assert str(event["summary"]) == "A John Roe +12127365000"


def test_the_format_decides_only_when_not_told():
    assert masks("ics", None) is True
    assert not any(masks(fmt, None) for fmt in ("table", "json", "csv"))
    assert masks("ics", False) is False and masks("json", True) is True


@pytest.mark.parametrize(("raw", "clean"), [
    ("\x1b[31mJohn\r\nRoe\x1b[0m", "\\x1b[31mJohn\\r\\nRoe\\x1b[0m"),
    ("a\tb\x00c\x7fd\x85e\x9bf", "a b\\x00c\\x7fd\\x85e\\x9bf"),
    ("abc\u202edcba\u2066x\u2069\u200f", "abc\\u202edcba\\u2066x\\u2069\\u200f"),
    ("line\u2028next\u2029end", "line\\u2028next\\u2029end"),
    ("王小明\u3000先生", "王小明\u3000先生"),
    ("bad\udcffbyte", "bad\\udcffbyte"),
    (None, ""),
])
def test_calendar_text_shows_control_characters_as_escapes(raw, clean):
    assert one_line(raw) == clean


def test_control_characters_never_reach_the_file():
    hostile = "\x1b[31mEvil\r\nDTSTART:19700101T000000Z\x1b]0;owned\x07 \u202eRoe"
    text = ics([call("A\x1b\r\nX", datetime(2026, 3, 9, 10, tzinfo=NEW_YORK), name=hostile,
                     phone="+1212\x1b7365000")], date(2026, 3, 9), redact=False)
    assert not any(ch in text for ch in "\x1b\x07\u202e")
    assert text.count("\r\n") == len(text.splitlines())  # CRLF only ends content lines
    assert len(lines_of(text, "DTSTART")) == 1
    shown = ("A\\x1b\\r\\nX \\x1b[31mEvil\\r\\nDTSTART:19700101T000000Z\\x1b]0;owned\\x07"
             " \\u202eRoe +1212\\x1b7365000")
    # As written (RFC 5545 escapes each backslash and ";"; read from the file itself, as
    # icalendar 6.1, the floor, reads "\\\\n" back as a backslash and a line break).
    unfolded = text.replace("\r\n ", "")
    written = shown.replace("\\", "\\\\").replace(";", "\\;")
    assert "\r\nSUMMARY:" + written + "\r\n" in unfolded
    assert "\r\nUID:2026-03-09-A\\\\x1b\\\\r\\\\nX@collectctl\r\n" in unfolded
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    from importlib.metadata import version

    if tuple(int(p) for p in version("icalendar").split(".")[:2]) >= (6, 2):
        assert str(event["summary"]) == shown


@pytest.mark.parametrize(("planned", "written", "instant"), [
    # 02:30 does not exist on 2026-03-08 in New York; a shift stepped in local time holds
    # it, meaning 07:30Z, which New York calls 03:30 (EDT).
    (datetime(2026, 3, 8, 2, 30, tzinfo=NEW_YORK),
     "DTSTART;TZID=America/New_York:20260308T033000", datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
    (datetime(2026, 3, 8, 1, 55, tzinfo=NEW_YORK),
     "DTSTART;TZID=America/New_York:20260308T015500", datetime(2026, 3, 8, 6, 55, tzinfo=UTC)),
    # 01:30 comes twice on 2026-11-01: the first (EDT) as local time, the second in UTC.
    (datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),
     "DTSTART;TZID=America/New_York:20261101T013000", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    (datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
     "DTSTART:20261101T063000Z", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    (datetime(2026, 11, 1, 2, 0, tzinfo=NEW_YORK),
     "DTSTART;TZID=America/New_York:20261101T020000", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
])
def test_dst_days(planned, written, instant):
    text = ics([call("A", planned)], planned.date(), made_at=planned - timedelta(days=1))
    assert lines_of(text, "DTSTART") == [written]
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    # In UTC: Python never finds an ambiguous local time equal to another zone's (PEP 495).
    assert event.decoded("dtstart").astimezone(UTC) == instant
    ends = event.decoded("dtend").astimezone(UTC)
    assert ends == (planned + timedelta(minutes=5)).astimezone(UTC)  # the plan's own end


def test_calendar_moment_keeps_the_instant_and_a_fixed_offset_goes_utc():
    from datetime import timezone

    moment = datetime(2026, 3, 8, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    assert calendar_moment(moment) == moment and calendar_moment(moment).tzinfo is UTC
    gap = datetime(2026, 3, 8, 2, 30, tzinfo=NEW_YORK)
    assert calendar_moment(gap).timestamp() == gap.timestamp()
    assert calendar_moment(gap).hour == 3
