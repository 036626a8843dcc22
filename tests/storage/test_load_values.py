"""A first load binds each account and phone as a tuple (``codec.account_values``,
``codec.phone_values``) where every other write binds a dictionary
(``codec.account_params``, ``codec.phone_params``). The tuple must hold the dictionary's
values in the order the positional statement names them, for every shape of account:
one column out of place would load a million accounts wrong without an error."""

from __future__ import annotations

from datetime import date, time

from hypothesis import given, settings
from hypothesis import strategies as st

from collectctl.core.models import LAST_DAY, Account, ContactPerson, Phone
from collectctl.storage import codec, sql

text = st.none() | st.text(max_size=8)
money = st.none() | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                                allow_infinity=False)
day = st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
phone = st.builds(
    Phone, number=st.from_regex(r"\+8869[0-9]{8}", fullmatch=True),
    label=st.sampled_from(["mobile", "home", "work", "relative", "phone"]),
    valid=st.booleans(), extension=st.none() | st.from_regex(r"[0-9]{1,4}", fullmatch=True))
accounts = st.builds(
    Account,
    account_id=st.text(min_size=1, max_size=8),
    amount_due=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                           allow_infinity=False),
    currency=st.sampled_from(["TWD", "USD", "JPY"]),
    timezone=st.sampled_from(["Asia/Taipei", "America/New_York"]),
    as_of=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    name=text, past_due_since=day, due_date=day,
    phones=st.lists(phone, max_size=3).map(tuple),
    work_start=st.none() | st.times().map(lambda t: time(t.hour, t.minute)),
    paydays=st.lists(st.sampled_from([1, 5, 15, 28, LAST_DAY]), max_size=3, unique=True)
    .map(tuple),
    assigned_to=text, risk=st.none() | st.sampled_from(["low", "high"]), notes=text,
    listed_timezone=st.none() | st.just("Asia/Tokyo"),
    listed_country=st.none() | st.just("JP"),
    principal=money, interest=money, fees=money, minimum_due=money, last_payment_on=day,
    last_payment_amount=money, credit_limit=money, employer=text, mailing_address=text,
    registered_address=text, occupation=text,
    contacts=st.lists(st.builds(ContactPerson, name=text, relation=text, phone=text),
                      max_size=2).map(tuple),
    assigned_by=st.sampled_from(["list", "lead"]), listed_collector=text,
)


@settings(max_examples=150, deadline=None)
@given(accounts, st.none() | st.integers(1, 10**6), st.none() | st.text(max_size=40))
def test_account_values_are_the_params_in_the_statements_order(account, batch_id, raw):
    params = codec.account_params(account, "fp", batch_id, "2026-12-04T01:00:00+00:00", raw)
    values = codec.account_values(account, "fp", batch_id, "2026-12-04T01:00:00+00:00", raw)
    assert values == tuple(params[name] for name in sql.INSERT_ACCOUNT_ORDER)
    assert sql.INSERT_ACCOUNT_ROW.count("?") == len(values)


@settings(max_examples=100, deadline=None)
@given(phone, st.integers(0, 5))
def test_phone_values_are_the_params_in_the_statements_order(number, position):
    params = codec.phone_params("A1", number, position, "import", "now")
    values = codec.phone_values("A1", number, position, "import", "now")
    assert values == tuple(params[name] for name in sql.INSERT_NEW_PHONE_ORDER)
    assert sql.INSERT_NEW_PHONE_ROW.count("?") == len(values)


def test_a_name_bound_twice_is_given_twice():
    query, names = sql.positional("INSERT INTO t VALUES (:a, :now, :now, 'open')")
    assert query == "INSERT INTO t VALUES (?, ?, ?, 'open')"
    assert names == ("a", "now", "now")
    assert sql.INSERT_ACCOUNT_ORDER.count("now") == 2
