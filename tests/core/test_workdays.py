"""The collector's working days: shift.days, public holidays, make-up working days (the
holidays package's working-day calendar) and extra days off; the same for targets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest

from collectctl.config import Settings, ShiftSettings, TargetSettings, settings_from_mapping
from collectctl.core.targets import Target, daily_share, elapsed_share, target_for, working_days
from collectctl.core.workdays import day_off, is_working_day, next_working_day
from collectctl.errors import ConfigError


def month(year: int, number: int) -> tuple[date, date]:
    first = date(year, number, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def test_china_february_2026_has_16_working_days_with_two_make_up_saturdays():
    days = working_days(*month(2026, 2), "CN")
    assert len(days) == 16
    assert date(2026, 2, 14) in days and date(2026, 2, 28) in days  # Saturdays, 调休
    assert date(2026, 2, 17) not in days                            # Spring Festival
    assert date(2026, 2, 21) not in days                            # an ordinary Saturday


def test_taiwan_february_2024_has_16_working_days_with_its_make_up_saturday():
    days = working_days(*month(2024, 2), "TW")
    assert len(days) == 16 and date(2024, 2, 17) in days
    assert len(working_days(*month(2027, 2), "TW")) == 15  # no make-up days since 2025


@pytest.mark.parametrize(("country", "year"), [("CN", 2026), ("TW", 2024), ("TW", 2026),
                                               ("US", 2026), ("GB", 2026)])
def test_mon_to_fri_follows_the_holidays_packages_working_day_calendar(country, year):
    calendar = holidays.country_holidays(country, years=year)
    day = date(year, 1, 1)
    while day.year == year:
        assert is_working_day(day, country=country) == calendar.is_working_day(day), day
        day += timedelta(days=1)


def test_the_reason_says_why_a_day_is_off():
    saturday, new_year = date(2026, 12, 5), date(2027, 1, 1)
    assert day_off(saturday, country="TW").detail == {"day": saturday, "cause": "weekday",
                                                      "weekday": "sat"}
    assert day_off(new_year, country="TW").detail == {"day": new_year,
                                                      "cause": "public_holiday",
                                                      "country": "TW"}
    assert day_off(date(2026, 12, 4), country="TW", extra_days_off=[date(2026, 12, 4)]
                   ).detail["cause"] == "extra_day_off"
    assert day_off(date(2026, 12, 4), country="TW") is None
    # A collector working Saturdays works this one; Sundays stay off.
    six_days = ("mon", "tue", "wed", "thu", "fri", "sat")
    assert day_off(saturday, six_days, "TW") is None
    assert day_off(saturday + timedelta(days=1), six_days, "TW").code == "day_off"
    # An extra day off wins over a make-up working day.
    assert day_off(date(2026, 2, 14), country="CN", extra_days_off=[date(2026, 2, 14)])


def test_a_country_the_holidays_package_does_not_know_has_no_holidays():
    assert is_working_day(date(2027, 1, 1), country="ZZ")


def test_shift_days_count_for_targets_too():
    target = Target("alice", "month", date(2026, 2, 1), "calls", Decimal(160))
    china = Settings(country="CN")
    assert daily_share(target, date(2026, 2, 14), "CN") == 10           # a make-up Saturday
    assert target_for([target], "alice", "calls", *month(2026, 2), china) == 160
    tue_to_sat = Settings(country="CN", shift=ShiftSettings(
        days=("tue", "wed", "thu", "fri", "sat")))
    days = working_days(*month(2026, 2), "CN", (), tue_to_sat.shift.days)
    assert date(2026, 2, 2) not in days and date(2026, 2, 7) in days
    assert target_for([target], "alice", "calls", date(2026, 2, 7), date(2026, 2, 7),
                      tue_to_sat) == Decimal(160) / len(days)
    off = Settings(country="CN", targets=TargetSettings(extra_days_off=(date(2026, 2, 14),)))
    assert target_for([target], "alice", "calls", date(2026, 2, 14), date(2026, 2, 14),
                      off) == 0


def test_elapsed_share_counts_real_time_on_a_day_the_clocks_change():
    # 01:00-04:00 on 2026-03-08 in New York lasts two hours (02:00 does not exist).
    settings = Settings(timezone="America/New_York", phone_region="US", shift=ShiftSettings(
        start=datetime.strptime("01:00", "%H:%M").time(),
        end=datetime.strptime("04:00", "%H:%M").time(), breaks=(), days=("sun",)))
    now = datetime(2026, 3, 8, 3, 0, tzinfo=ZoneInfo("America/New_York"))  # one hour in
    day = date(2026, 3, 8)
    assert elapsed_share(day, day, now, settings) == Decimal("0.5000")


def test_next_working_day():
    settings = Settings()
    assert next_working_day(settings, date(2026, 12, 5)) == date(2026, 12, 7)
    assert next_working_day(settings, date(2026, 12, 4)) == date(2026, 12, 4)


@pytest.mark.parametrize(("days", "words"), [([], "at least one weekday"),
                                             (["mon", "fri", "sab"], "'sab' is not one of")])
def test_shift_days_are_checked(days, words):
    with pytest.raises(ConfigError, match=words) as error:
        settings_from_mapping({"shift": {"days": days}}, "c.yaml")
    assert "shift.days" in str(error.value)


def test_shift_days_from_the_config():
    settings = settings_from_mapping({"shift": {"days": ["mon", "sat"]}}, "c.yaml")
    assert settings.shift.days == ("mon", "sat")
    assert Settings().shift.days == ("mon", "tue", "wed", "thu", "fri")
