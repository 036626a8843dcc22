"""Deterministic, realistic test data: accounts (with phones), call-result files.

Sizes are arguments and the same seed gives the same data, so runs compare.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from collectctl.core.models import Account, Phone

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = "志明美玲淑芬俊宏家豪雅婷怡君冠宇欣怡宗翰佩君建宏文雄惠玲柏維"
OUTCOMES = ("na", "na", "na", "busy", "vm", "vm", "rpc", "tp", "ptp", "refused", "cb")


def collector_names(count: int) -> list[str]:
    return [f"c{n:04d}" for n in range(count)]


def accounts(count: int, collectors: int, seed: int = 7,
             as_of: date = date(2026, 12, 1)) -> Iterator[Account]:
    """``count`` accounts spread evenly over ``collectors`` collectors (Taiwan-shaped)."""
    rng = random.Random(seed)
    names = collector_names(collectors)
    for n in range(count):
        mobile = f"+8869{rng.randint(10_000_000, 99_999_999)}"
        phones = [Phone(mobile, "mobile")]
        if rng.random() < 0.4:
            phones.append(Phone(f"+8862{rng.randint(20_000_000, 29_999_999)}", "home"))
        dpd = rng.randint(1, 360)
        yield Account(
            account_id=f"TW-{n:08d}",
            name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            amount_due=Decimal(rng.randint(100_000, 50_000_000)) / 100,
            currency="TWD",
            timezone="Asia/Taipei",
            as_of=as_of,
            past_due_since=as_of - timedelta(days=dpd),
            due_date=as_of - timedelta(days=dpd),
            phones=tuple(phones),
            work_start=time(rng.choice((7, 8, 8, 9, 9, 10)), rng.choice((0, 0, 30))),
            paydays=(rng.choice((5, 10, 15, 25)),),
            assigned_to=names[n % collectors],
            risk=rng.choice(("low", "medium", "high")),
        )


ACCOUNT_HEADER = ["account_id", "name", "amount_due", "days_past_due", "due_date", "mobile",
                  "home_phone", "payday", "work_start", "timezone", "assigned_to", "risk",
                  "notes"]


def _account_rows(count: int, collectors: int, seed: int = 7) -> Iterator[list]:
    """The rows of :func:`accounts_csv`'s list with typed values (an amount a Decimal, days
    past due an int, the due date a date, a blank home phone None), as a workbook
    holds them."""
    rng = random.Random(seed)
    names = collector_names(collectors)
    as_of = date(2026, 12, 1)
    for n in range(count):
        dpd = rng.randint(1, 360)
        due = as_of - timedelta(days=dpd)
        mobile = f"09{rng.randint(10, 99)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}"
        home = (f"(02) {rng.randint(2000, 2999)}-{rng.randint(1000, 9999)}"
                if rng.random() < 0.4 else None)
        amount = Decimal(rng.randint(100_000, 50_000_000)) / 100
        yield [
            f"TW-{n:08d}", rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            amount, dpd, due, mobile, home, rng.choice(("5", "10", "25")),
            f"{rng.choice((7, 8, 9, 10)):02d}:{rng.choice((0, 30)):02d}", "Asia/Taipei",
            names[n % collectors], rng.choice(("low", "medium", "high")),
            "要求分期" if rng.random() < 0.1 else None,
        ]


def accounts_csv(path: Path, count: int, collectors: int, seed: int = 7) -> None:
    """A bank's account list of ``count`` rows, in the shapes real exports have: amounts
    with thousands separators, ROC and ISO dates, local phone numbers with dashes and
    brackets, a second phone on some rows, Chinese names and notes."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ACCOUNT_HEADER)
        for n, row in enumerate(_account_rows(count, collectors, seed)):
            due = row[4]
            row[2] = f"{row[2]:,.2f}"
            row[4] = (f"{due.year - 1911}/{due.month:02d}/{due.day:02d}" if n % 2
                      else due.isoformat())
            writer.writerow(["" if cell is None else cell for cell in row])


def accounts_xlsx(path: Path, count: int, collectors: int, seed: int = 7) -> None:
    """The list of :func:`accounts_csv` as an Excel workbook would hold it: amounts are
    number cells (floats), days past due and paydays numbers, due dates date cells, a
    title row above the header (needs openpyxl, in the test extra)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Accounts")
    sheet.append(["Overdue accounts, 2026-12-01"])
    sheet.append(ACCOUNT_HEADER)
    for row in _account_rows(count, collectors, seed):
        row[2] = float(row[2])
        row[7] = int(row[7])
        sheet.append(row)
    book.save(path)


def build_database(path: Path, count: int, collectors: int, seed: int = 7) -> None:
    """A store holding ``count`` accounts, written straight through the storage layer."""
    from collectctl.storage import open_store

    store = open_store(path, migrate=True)
    try:
        chunk: list[tuple[Account, str]] = []
        with store.transaction():
            for account in accounts(count, collectors, seed):
                chunk.append((account, "generated"))
                if len(chunk) == 5_000:
                    store.insert_accounts(chunk, None, "2026-12-01T00:00:00+00:00")
                    chunk = []
            store.insert_accounts(chunk, None, "2026-12-01T00:00:00+00:00")
    finally:
        store.close()


def calls_csv(path: Path, count: int, account_count: int, day: date, seed: int = 11) -> None:
    """A dialer export of ``count`` call results on ``day`` for accounts TW-00000000.."""
    rng = random.Random(seed)
    start = datetime.combine(day, time(9, 0))
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["account_id", "called_at", "outcome", "amount", "date", "collector"])
        for n in range(count):
            outcome = rng.choice(OUTCOMES)
            amount = promise = callback = ""
            if outcome == "ptp":
                amount, promise = str(rng.randint(1, 100) * 100), str(day + timedelta(days=7))
            if outcome == "cb":
                outcome, amount = "rpc", ""  # callbacks need a time column; keep the file simple
            at = start + timedelta(seconds=n % 30_000)
            writer.writerow([f"TW-{rng.randrange(account_count):08d}", at.isoformat(sep=" "),
                             outcome, amount, promise or callback, f"c{n % 500:04d}"])


def payments_csv(path: Path, count: int, account_count: int, day: date, seed: int = 17) -> None:
    """A bank's payment file of ``count`` small payments up to ``day``, each with its own
    reference, for accounts TW-00000000.."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["account_id", "amount", "paid_on", "reference"])
        for n in range(count):
            writer.writerow([f"TW-{rng.randrange(account_count):08d}",
                             f"{rng.randint(1, 50) * 10:,}",
                             str(day - timedelta(days=rng.randint(0, 20))), f"P{n:09d}"])


def add_calls(path: Path, count: int, accounts: int, collectors: int, last_day: date,
              days: int = 30, seed: int = 13) -> None:
    """``count`` call-log entries over the ``days`` up to ``last_day``, straight into the
    store (9:00-18:00 Taipei, realistic outcome mix), for the report benchmarks."""
    from collectctl.storage import open_store

    rng = random.Random(seed)
    codes = ("no-answer",) * 5 + ("busy", "voicemail", "voicemail", "rpc", "rpc",
                                   "third-party", "refused", "complaint")
    names = collector_names(collectors)
    first = datetime.combine(last_day - timedelta(days=days - 1), time(1, 0))  # 09:00 +08
    columns = ("account_id", "collector", "called_at", "outcome", "source", "logged_at")
    store = open_store(path, migrate=True)
    try:
        with store.transaction():
            batch = []
            for _n in range(count):
                when = first + timedelta(days=rng.randrange(days), seconds=rng.randrange(32400))
                account = rng.randrange(accounts)
                batch.append({
                    "account_id": f"TW-{account:08d}", "collector": names[account % collectors],
                    "called_at": when.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                    "outcome": rng.choice(codes), "source": "import",
                    "logged_at": "2026-12-04T00:00:00+00:00",
                })
                if len(batch) == 50_000:
                    store.load_rows("calls", columns, batch)
                    batch = []
            store.load_rows("calls", columns, batch)
    finally:
        store.close()


def add_payments(path: Path, count: int, accounts: int, last_day: date, days: int = 30,
                 seed: int = 19) -> None:
    """``count`` payments of 100-5,000 over the ``days`` up to ``last_day``, straight into
    the store, so that contacts have payments to be credited with (a payment feed)."""
    from collectctl.storage import open_store

    rng = random.Random(seed)
    columns = ("account_id", "amount_minor", "paid_on", "reference", "source",
               "recorded_at")
    rows = [{"account_id": f"TW-{rng.randrange(accounts):08d}",
             "amount_minor": rng.randint(1, 50) * 10_000,
             "paid_on": str(last_day - timedelta(days=rng.randrange(days))),
             "reference": f"B{n:09d}", "source": "import",
             "recorded_at": "2026-12-04T00:00:00+00:00"} for n in range(count)]
    store = open_store(path, migrate=True)
    try:
        with store.transaction():
            store.load_rows("payments", columns, rows)
    finally:
        store.close()
