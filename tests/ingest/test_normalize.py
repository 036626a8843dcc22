"""One record → an Account or a RowError (pure, no database)."""

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.models import LAST_DAY, RowError
from collectctl.ingest.accounts import RowContext, fingerprint, normalize_account
from collectctl.ingest.headers import HeaderMatcher

CTX = RowContext(phone_region="TW", timezone="Asia/Taipei", currency="TWD", date_order="YMD",
                 today=date(2026, 12, 4))
HEADER = ["帳號", "客戶姓名", "逾期金額", "逾期天數", "應繳日", "手機", "住家電話", "上班時間",
          "發薪日", "timezone", "催收員", "風險等級", "備註", "currency"]
COLUMNS = HeaderMatcher().resolve(HEADER, "f.csv")


def row(**values) -> list[str]:
    base = dict(zip(HEADER, ["TW-1", "王小明", "NT$12,345", "", "", "0912-345-678", "", "", "",
                             "", "", "", "", ""], strict=True))
    base.update({k.replace("_", " "): v for k, v in values.items()})
    return [base[h] for h in HEADER]


def normalize(cells, ctx=CTX):
    return normalize_account(7, cells, COLUMNS, ctx)


def test_a_full_row():
    cells = row(逾期天數="", 應繳日="115/11/04", 住家電話="(02)2345-6789 分機 12",
                上班時間="8:30am", 發薪日="5、月底", 催收員="alice", 風險等級="高", 備註="週五再撥")
    account, digest = normalize(cells)
    assert account.account_id == "TW-1" and account.name == "王小明"
    assert account.amount_due == Decimal("12345.00") and account.currency == "TWD"
    assert account.due_date == date(2026, 11, 4) and account.past_due_since == date(2026, 11, 4)
    assert [(p.number, p.label, p.extension) for p in account.phones] == [
        ("+886912345678", "mobile", None), ("+886223456789", "home", "12")]
    assert account.work_start == time(8, 30) and account.paydays == (5, LAST_DAY)
    assert account.assigned_to == "alice" and account.risk == "high"
    assert account.as_of == date(2026, 12, 4) and len(digest) == 40


def test_days_past_due_derives_the_due_date():
    account, _ = normalize(row(逾期天數="10"))
    assert account.due_date == account.past_due_since == date(2026, 11, 24)


def test_days_past_due_wins_over_the_due_date():
    account, _ = normalize(row(逾期天數="10", 應繳日="2026-11-30"))
    assert account.past_due_since == date(2026, 11, 24)
    assert account.due_date == date(2026, 11, 30)


def test_next_days_list_with_one_more_day_past_due_has_the_same_fingerprint():
    _, d1 = normalize(row(逾期天數="10"))
    later = RowContext(**{**CTX.__dict__, "today": date(2026, 12, 5)})
    _, d2 = normalize(row(逾期天數="11"), later)
    _, d3 = normalize(row(逾期天數="11"))
    assert d1 == d2 != d3


def test_fingerprint_covers_only_the_groups_the_file_carries():
    account, _ = normalize(row(備註="a"))
    other, _ = normalize(row(備註="b"))
    assert fingerprint(account, frozenset({"amount"})) == fingerprint(other, frozenset({"amount"}))
    assert fingerprint(account, frozenset({"notes"})) != fingerprint(other, frozenset({"notes"}))


def test_same_number_in_two_columns_is_kept_once():
    account, _ = normalize(row(住家電話="+886 912 345 678"))
    assert [p.number for p in account.phones] == ["+886912345678"]


def test_currency_from_column_then_symbol_then_default():
    assert normalize(row(currency="usd"))[0].currency == "USD"
    assert normalize(row(逾期金額="£980"))[0].currency == "GBP"
    assert normalize(row(逾期金額="980"))[0].currency == "TWD"


def test_assign_to_overrides_the_file():
    ctx = RowContext(**{**CTX.__dict__, "assign_to": "dave"})
    assert normalize(row(催收員="alice"), ctx)[0].assigned_to == "dave"


@pytest.mark.parametrize(("values", "column"), [
    ({"逾期金額": "0"}, "逾期金額"),
    ({"逾期金額": "-5"}, "逾期金額"),
    ({"逾期金額": "abc"}, "逾期金額"),
    ({"逾期金額": ""}, "逾期金額"),
    ({"帳號": ""}, "帳號"),
    ({"應繳日": "113/13/45"}, "應繳日"),
    ({"逾期天數": "-3"}, "逾期天數"),
    ({"上班時間": "25:00"}, "上班時間"),
    ({"發薪日": "32"}, "發薪日"),
    ({"timezone": "Mars/Base"}, "timezone"),
    ({"風險等級": "extreme"}, "風險等級"),
    ({"currency": "dollars"}, "currency"),
])
def test_rejections_name_the_column_never_the_value(values, column):
    from collectctl.core import reasons
    from collectctl.render import display

    outcome = normalize(row(**values))
    assert isinstance(outcome, RowError)
    assert outcome.line == 7
    assert outcome.column == column
    assert outcome.reason in vars(reasons).values()  # a code, the same in every language
    words = display.row_reason(outcome)
    assert words.startswith(column + ":")
    value = next(iter(values.values()))
    assert not value or value not in words.removeprefix(column + ":")


# -- the debt itemised (issue 20) ----------------------------------------------------------

_ITEMISED = ["account_id", "amount_due", "principal", "利息", "違約金", "手續費"]


def _itemised_row(amount, principal, interest, penalty, fee):
    from collectctl.ingest.accounts import listed_groups

    columns = HeaderMatcher().resolve(_ITEMISED, "x.csv")
    ctx = RowContext("TW", "Asia/Taipei", "TWD", "ymd", date(2026, 12, 1),
                     listed=listed_groups(columns, None))
    cells = ["A-1", *(str(v) for v in (amount, principal, interest, penalty, fee))]
    return normalize_account(2, cells, columns, ctx)


_cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


@given(amount=_cents.filter(bool), parts=st.lists(_cents, min_size=4, max_size=4))
def test_parts_are_refused_exactly_when_they_add_up_to_more(amount, parts):
    outcome = _itemised_row(amount, *parts)
    if sum(parts) > amount:
        assert isinstance(outcome, RowError) and outcome.reason == "parts_exceed_amount"
    else:
        account, _digest = outcome
        assert account.fees == parts[2] + parts[3]
        assert (account.principal, account.interest) == (parts[0], parts[1])
