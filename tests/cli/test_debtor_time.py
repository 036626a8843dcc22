"""The debtor's own time beside the collector's, numbers as a collector dials them, and
a plan that fits 80 columns (issue 24)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len

from collectctl.core.planning import PlannedCall
from collectctl.i18n import Locale
from collectctl.render.work import call_header

pytestmark = pytest.mark.sqlite_only("how screens are laid out; the engine plays no part")

LIST = ("account_id,name,amount_due,currency,mobile,assigned_to\n"
        "TW-1,王小明,120000,TWD,0912000001,alice\n"
        "US-1,John Q. Public,7380.57,USD,+17185550149,alice\n")


@pytest.fixture
def loaded(cli, make_csv):
    assert cli("import", "accounts", make_csv("a.csv", LIST)).exit_code == 0
    return cli


def _lines(out: str) -> dict[str, str]:
    """The plan table's rows by account id."""
    return {word: line for line in out.splitlines() for word in line.split()
            if word in ("TW-1", "US-1")}


def test_the_plan_shows_the_debtors_time_where_it_is_not_yours(loaded):
    out = loaded("plan", "-c", "alice").stdout
    head = out.splitlines()[1]
    assert "Their time" in head
    rows = _lines(out)
    # In the morning in Taipei it is the evening before in New York; Taipei's own
    # debtor's cell is blank.
    assert rows["US-1"].split()[1] == "Thu"
    assert rows["TW-1"].split()[1] == "TW-1"  # nothing between the time and the account


def test_the_debtors_time_is_exact(loaded):
    data = json.loads(loaded("plan", "-c", "alice", "-f", "json").stdout)
    us = next(c for c in data["calls"] if c["account_id"] == "US-1")
    start = datetime.fromisoformat(us["start"])
    local = datetime.fromisoformat(us["debtor_local"])
    assert local == start and local.utcoffset() != start.utcoffset()
    assert local.tzinfo is not None
    wall = start.astimezone(ZoneInfo("America/New_York"))
    assert local.isoformat() == wall.isoformat()
    assert us["debtor_zones"] == [{"zone": "America/New_York", "local": wall.isoformat()}]
    row = _lines(loaded("plan", "-c", "alice").stdout)["US-1"]
    assert f"{wall:%a} {wall:%H:%M}" in row


def test_a_plan_of_debtors_in_your_zone_has_no_their_time_column(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", LIST.splitlines()[0] + "\n"
                                       + LIST.splitlines()[1] + "\n"))
    out = cli("plan", "-c", "alice").stdout
    assert "Their time" not in out and "TW-1" in out


def test_phones_in_your_region_are_shown_as_you_dial_them(loaded):
    rows = _lines(loaded("plan", "-c", "alice").stdout)
    assert "0912 000 001" in rows["TW-1"]
    assert "+17185550149" in rows["US-1"]  # abroad: E.164


def test_the_account_file_shows_phones_as_dialled_too(loaded):
    out = loaded("show", "TW-1").stdout
    assert "0912 000 001" in out and "+886912000001" not in out


def test_a_collector_in_another_region_sees_e164(loaded, tmp_path):
    config = tmp_path / "us.yaml"
    config.write_text("phone_region: US\n", encoding="utf-8")
    rows = _lines(loaded("--config", config, "plan", "-c", "alice").stdout)
    assert "+886912000001" in rows["TW-1"]
    assert "(718) 555-0149" in rows["US-1"]


def test_json_and_csv_keep_e164(loaded):
    data = json.loads(loaded("plan", "-c", "alice", "-f", "json").stdout)
    assert {c["phone"] for c in data["calls"]} == {"+886912000001", "+17185550149"}
    csv = loaded("plan", "-c", "alice", "-f", "csv", "--raw").stdout
    assert "+886912000001" in csv and "0912 000 001" not in csv


def test_json_is_the_same_in_every_language(loaded, monkeypatch):
    english = loaded("plan", "-c", "alice", "-f", "json").stdout
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    assert loaded("plan", "-c", "alice", "-f", "json").stdout == english


def test_the_debtors_time_in_chinese(loaded, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    out = loaded("plan", "-c", "alice").stdout
    assert "對方時間" in out.splitlines()[1]
    assert "週四 " in _lines(out)["US-1"]


@pytest.mark.parametrize("lang", ["en", "zh_TW"])
def test_next_for_a_debtor_abroad(loaded, monkeypatch, lang):
    # The Taiwanese account called first: US-1 is next.
    assert loaded("log", "TW-1", "no-answer", "-c", "alice").exit_code == 0
    if lang == "zh_TW":
        monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    out = loaded("next", "-c", "alice").stdout
    assert "US-1" in out.splitlines()[0]
    second = out.splitlines()[1]
    wanted = ("Their time: Thu " if lang == "en" else "對方時間：週四 ")
    assert second.startswith(wanted) and "America/New_York" in second


def _call(zones, phone="+886912000001") -> PlannedCall:
    start = datetime(2026, 12, 4, 9, 15, tzinfo=ZoneInfo("Asia/Taipei"))
    return PlannedCall("A-1", start, start, Decimal(1), phone, ("amount",), "golden", "Ann",
                       Decimal(100), "TWD", 3, zones=zones)


def test_work_mode_shows_the_debtors_time_and_the_number_as_dialled():
    with Locale(phone_region="TW").active():
        header = call_header(_call(("America/Chicago",)), [])
        assert "Their time" not in call_header(_call(("Asia/Taipei",)), [])
    assert "Their time: Thu 19:15 (America/Chicago)" in header
    assert "Dial 0912 000 001" in header
    with Locale(phone_region="US").active():
        assert "Dial +886912000001" in call_header(_call(("Asia/Taipei",)), [])


def test_several_candidate_zones_show_the_range_and_how_many():
    zones = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
    header = call_header(_call(zones, "+18005550100"), [])
    assert "Their time: Thu 17:15–20:15 (4 zones)" in header


ABROAD = ("account_id,name,amount_due,currency,mobile,assigned_to,notes\n"
          + "".join(f"US-{n},Someone With A Long Name {n},{n}7380.57,USD,+1718555{n:04d},alice,\n"
                    for n in range(1, 6))
          + "".join(f"TW-{n},王小明{n},1{n}0000,TWD,09120000{n:02d},alice,\n"
                    for n in range(1, 6)))


@pytest.mark.parametrize("lang", ["en", "zh_TW"])
def test_at_80_columns_no_line_is_wider_and_the_why_ends_in_an_ellipsis(
        cli, make_csv, monkeypatch, lang):
    assert cli("import", "accounts", make_csv("a.csv", ABROAD)).exit_code == 0
    if lang == "zh_TW":
        monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("plan", "-c", "alice").stdout
    table = out.splitlines()[1:-2]  # the summary and the expected collections after it
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert all(line.endswith("…") for line in table[1:])
    assert len(table) == 11  # a header and ten calls, one line each
    monkeypatch.setenv("COLUMNS", "160")
    wide = cli("plan", "-c", "alice").stdout.splitlines()[1:-2]
    assert not any(line.endswith("…") for line in wide)
    assert len(wide) == 11
