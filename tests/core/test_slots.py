"""The collector's slots are instants: a day the clocks change has no slot twice, none at
a time that does not exist, and none in a break (pure; property tests over zones)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from collectctl.config import CallSettings, Settings, ShiftSettings
from collectctl.core.planning import after, day_slots

NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EARLY = datetime(2026, 1, 1, tzinfo=UTC)  # "now": long before every day planned here


def collector(zone: str = "America/New_York", start: str = "01:00", end: str = "03:00",
              breaks=(), minutes: int = 5) -> Settings:
    # ZZ: a country without public holidays, so that every day is a working day.
    return Settings(timezone=zone, country="ZZ", call=CallSettings(handle_minutes=minutes),
                    shift=ShiftSettings(start=time.fromisoformat(start),
                                        end=time.fromisoformat(end), breaks=tuple(breaks),
                                        days=EVERY_DAY))


def test_spring_forward_has_no_slot_twice_and_none_that_does_not_exist():
    # 2026-03-08: 02:00-02:59 does not exist in New York; 01:00-03:00 lasts one hour.
    slots = day_slots(collector(), date(2026, 3, 8), EARLY)
    assert len(slots) == 12 and len({s.astimezone(UTC) for s in slots}) == 12
    assert slots[0].isoformat() == "2026-03-08T01:00:00-05:00"
    assert slots[-1].isoformat() == "2026-03-08T01:55:00-05:00"
    assert not any(s.hour == 2 for s in slots)
    assert after(slots[-1], timedelta(minutes=5)).isoformat() == "2026-03-08T03:00:00-04:00"


def test_fall_back_plans_the_repeated_hour_once_each_time():
    # 2026-11-01: 01:00-01:59 happens twice; 01:00 (the first) to 03:00 lasts three hours.
    slots = day_slots(collector(), date(2026, 11, 1), EARLY)
    assert len(slots) == 36 and len({s.astimezone(UTC) for s in slots}) == 36
    offsets = [s.isoformat()[-6:] for s in slots]
    assert offsets[:12] == ["-04:00"] * 12 and offsets[12:] == ["-05:00"] * 24
    assert [s.strftime("%H:%M") for s in slots[:12]] == [s.strftime("%H:%M")
                                                         for s in slots[12:24]]
    assert after(slots[11], timedelta(minutes=5)).isoformat() == "2026-11-01T01:00:00-05:00"


def test_a_day_shift_on_the_days_the_clocks_change():
    for day, hours in ((date(2026, 3, 8), 9), (date(2026, 11, 1), 9)):
        slots = day_slots(collector(start="09:00", end="18:00"), day, EARLY)
        assert len(slots) == hours * 12
        assert (slots[-1] - slots[0]) == timedelta(hours=hours) - timedelta(minutes=5)


def test_slots_already_started_are_not_offered_on_the_repeated_hour():
    # Now is 01:30 the second time (EST): the first 01:30-01:55 (EDT) are long past.
    now = datetime(2026, 11, 1, 6, 30, tzinfo=UTC).astimezone(NEW_YORK)
    slots = day_slots(collector(), date(2026, 11, 1), now)
    assert slots[0].isoformat() == "2026-11-01T01:30:00-05:00" and len(slots) == 18


def test_no_slots_on_a_day_off():
    assert day_slots(Settings(), date(2026, 12, 5), EARLY) == []          # a Saturday
    assert len(day_slots(Settings(), date(2026, 12, 4), EARLY)) == 96     # a Friday


ZONES = ("America/New_York", "Europe/London", "Europe/Dublin", "Australia/Sydney",
         "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham", "America/Santiago",
         "Asia/Tehran", "Asia/Taipei", "UTC")


def _transitions(zone: ZoneInfo, year: int) -> list[date]:
    """The local days whose UTC offset changes in ``zone`` in ``year``."""
    out = []
    day = date(year, 1, 1)
    while day.year == year:
        noon = datetime.combine(day, time(12), zone)
        if (noon - timedelta(days=1)).utcoffset() != (noon + timedelta(days=1)).utcoffset():
            out.append(day)
        day += timedelta(days=1)
    return out


@st.composite
def shifts(draw):
    zone = draw(st.sampled_from(ZONES))
    around = _transitions(ZoneInfo(zone), 2026) or [date(2026, 6, 1)]
    day = draw(st.sampled_from(around)) + timedelta(days=draw(st.integers(-1, 1)))
    minutes = draw(st.integers(0, 24 * 60 - 2))
    start = time(minutes // 60, minutes % 60)
    end_minutes = draw(st.integers(minutes + 1, 24 * 60 - 1))
    end = time(end_minutes // 60, end_minutes % 60)
    breaks = []
    for _ in range(draw(st.integers(0, 2))):
        a = draw(st.integers(minutes, end_minutes - 1))
        b = draw(st.integers(a + 1, end_minutes))
        breaks.append((time(a // 60, a % 60), time(b // 60, b % 60)))
    handle = draw(st.sampled_from((1, 5, 7, 10, 15, 30, 45, 60)))
    return collector(zone, start.isoformat("minutes"), end.isoformat("minutes"), breaks,
                     handle), day


def _utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, zone).astimezone(UTC)


@settings(max_examples=400, deadline=None)
@given(shifts())
def test_slots_are_increasing_instants_a_slot_apart_and_never_in_a_break(case):
    config, day = case
    zone = ZoneInfo(config.timezone)
    step = timedelta(minutes=config.call.handle_minutes)
    slots = day_slots(config, day, EARLY)
    instants = [s.astimezone(UTC) for s in slots]
    start, end = _utc(day, config.shift.start, zone), _utc(day, config.shift.end, zone)
    breaks = [(_utc(day, a, zone), _utc(day, b, zone)) for a, b in config.shift.breaks]
    assert all(a < b for a, b in itertools.pairwise(instants))           # strictly increasing
    for moment in instants:
        assert start <= moment and moment + step <= end
        assert (moment - start) % step == timedelta(0)                  # on the slot grid
        assert not any(a < moment + step and moment < b for a, b in breaks)
    for a, b in itertools.pairwise(instants):
        # Exactly a slot apart, unless what lies between is a break's.
        skipped = a + step
        while skipped < b:
            assert any(x < skipped + step and skipped < y for x, y in breaks)
            skipped += step
    for local in slots:
        # A real instant: in the collector's zone, at a wall time that exists that day.
        assert local.tzinfo is zone
        again = datetime.combine(local.date(), local.time(), zone).replace(fold=local.fold)
        assert again.astimezone(UTC) == local.astimezone(UTC)
        assert after(local, step).astimezone(UTC) == local.astimezone(UTC) + step
