"""The collector's screens at 80 and at 160 columns, in English and zh_TW, whole (golden
files ``tests/golden/<language>/<screen>-<width>.txt``), and held to the width they are
given: at 80 columns no line is wider than 80 terminal cells (a Chinese character takes
two), a table gives up the room of its least needed text (the debtor's name, cut with
``…``) rather than wrap or cut the money, and at 160 nothing is cut.

In a pipe the screens take their width from $COLUMNS (``render.text.pipe_width``), as a
terminal of that width shows them; a terminal's own view of ``progress`` (its bars) is
tested here on a rich console of that width. To accept a change, run with
COLLECTCTL_UPDATE_GOLDEN=1 and review ``git diff tests/golden`` (tests/golden_files.py).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from rich.cells import cell_len

from tests import golden_files

SCREENS = {
    "plan": ["plan", "--collector", "alice"],
    "next": ["next", "--collector", "alice"],
    "show": ["show", "TW-500003"],
    "progress": ["progress", "--collector", "alice", "--period", "month"],
    "accounts": ["accounts", "--collector", "alice"],
    # TW-500025 paid 1,000 this morning; 500 more.
    "pay": ["pay", "TW-500025", "500"],
}
WIDTHS = (80, 160)
LANGUAGES = ("en", "zh_TW")


@pytest.fixture
def morning(cli, example_csv, example_big5):
    """The golden screens' data (the bundled examples and one morning's calls)."""
    return golden_files.a_morning(cli, example_csv, example_big5)


def screen(cli, monkeypatch, name: str, width: int, language: str) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    if language != "en":
        monkeypatch.setenv("COLLECTCTL_LANG", language)
    result = cli(*SCREENS[name])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SCREENS)
def test_screen(morning, monkeypatch, name, width, language):
    golden_files.check(language, f"{name}-{width}", screen(morning, monkeypatch, name, width,
                                                           language))


def too_wide(text: str, width: int) -> list[str]:
    return [line for line in text.splitlines() if cell_len(line) > width]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_line_is_wider_than_80_cells(morning, monkeypatch, language):
    """Every screen of the list at 80 columns (``pay`` last: it adds a payment)."""
    wide = {name: too_wide(screen(morning, monkeypatch, name, 80, language), 80)
            for name in SCREENS}
    assert not any(wide.values()), wide


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dossier_fits_80_columns(morning, monkeypatch, language):
    """``show`` of every account of the examples: their notes, requests, phones and log
    entries within 80 cells."""
    monkeypatch.setenv("COLUMNS", "80")
    ids = [a["account_id"] for a in morning.json("accounts")[1]]
    assert len(ids) > 30
    if language != "en":
        monkeypatch.setenv("COLLECTCTL_LANG", language)
    for account_id in ids:
        result = morning("show", account_id)
        assert result.exit_code == 0, result.stderr
        assert not too_wide(result.stdout, 80), (account_id, result.stdout)


@pytest.mark.parametrize("language", LANGUAGES)
def test_accounts_cut_the_name_not_the_money_or_the_phone(morning, monkeypatch, language):
    """At 80 columns every balance and phone is whole (a long name ends in …); at 160
    every name is whole too."""
    _result, listed = morning.json("accounts", "--collector", "alice")
    narrow = screen(morning, monkeypatch, "accounts", 80, language)
    rows = narrow.splitlines()[1:-1]
    assert len(rows) == len(listed)
    for row, account in zip(rows, listed, strict=True):
        assert row.startswith(account["account_id"] + "  ")
        assert money(account, language) in row
        number = next(p["number"] for p in account["phones"] if p["valid"])
        assert dialled(number) in row
    assert "…" in narrow  # Polly Placeholder, Jane Smithers-Example...
    wide = screen(morning, monkeypatch, "accounts", 160, language)
    assert "…" not in wide
    for account in listed:
        assert account["name"] in wide


def dialled(number: str) -> str:
    """The number as a collector in Taiwan (the tests' phone_region) sees it."""
    from collectctl.i18n import Locale
    from collectctl.render import display

    with Locale(phone_region="TW").active():
        return display.phone(number)


def money(account, language: str) -> str:
    """The account's balance as ``language`` writes it."""
    from collectctl.i18n import Locale
    from collectctl.render import display

    with Locale(None if language == "en" else language).active():
        return display.money(Decimal(account["balance"]), account["currency"])


# -- progress on a terminal: its bars ---------------------------------------------------


def progress(*metrics):
    from collectctl.app.reports import MetricProgress, Progress

    return Progress("month", date(2026, 12, 1), date(2026, 12, 31), "alice",
                    tuple(MetricProgress(*m) for m in metrics), plan_remaining=20)


#: Behind (4 calls of 600, 82 by now), no target, and ahead (collected 90,000 of 500,000
#: where 68,200 were due by now).
CALLS = ("calls", Decimal(4), Decimal(600), Decimal("0.0067"), Decimal(82))
MONTH = progress(CALLS, ("right_party_contacts", Decimal(3), None, None, None),
                 ("collected", Decimal("90000.00"), Decimal("500000.00"), Decimal("0.18"),
                  Decimal("68200.00")))


def on_terminal(result, width: int, language: str | None = None) -> str:
    """``progress`` as a terminal ``width`` columns wide shows it (with its colours)."""
    from rich.console import Console

    from collectctl.i18n import Locale
    from collectctl.render.report import progress_text

    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system="standard",
                      highlight=False)
    with Locale(language).active():
        progress_text(result, console)
    return out.getvalue()


def plain(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize("language", [None, "zh_TW"])
@pytest.mark.parametrize("width", [60, 80, 160])
def test_progress_keeps_one_row_a_metric_on_a_terminal(width, language):
    lines = plain(on_terminal(MONTH, width, language)).splitlines()
    assert len(lines) == 1 + 3 + 1, lines  # the title, a row a metric, the plan's calls
    assert all(cell_len(line) <= width for line in lines), lines
    assert not any("…" in line for line in lines)  # no figure cut to fit
    if width >= 80:
        bars = [line for line in lines[1:4] if "━" in line]
        assert len(bars) == 2  # the two metrics with a target


def test_progress_bars_take_the_room_the_screen_has():
    def bar(width):
        row = plain(on_terminal(MONTH, width)).splitlines()[1]
        return row.count("━")

    assert bar(160) == 20
    assert 6 <= bar(80) < 20
    # "calls  4 / 600  pace 82  behind" takes 33 columns: 38 leave no room for a bar of
    # six, and the percentage stands in for it.
    calls = progress(CALLS)
    assert plain(on_terminal(calls, 38)).splitlines()[1] == (
        "calls  4 / 600  1%  pace 82  behind")
    assert plain(on_terminal(calls, 45)).splitlines()[1].count("━") == 45 - 33
