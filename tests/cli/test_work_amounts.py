"""Work mode's amount prompts never record a payoff on a stray Enter (issue 20): the payment
prompt has no default, the promise prompt offers the minimum due when the list gives one
and otherwise none; without a default an empty answer asks again and a second cancels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from collectctl.app.work import WorkSession, _Cancelled
from collectctl.config import Settings, outcome_book
from collectctl.core.models import Account

HEADER = "account_id,name,amount_due,mobile,assigned_to,payday\n"
ROWS = ("A,Debtor A,300000,0912000001,alice,25\n"
        "B,Debtor B,200000,0912000002,alice,10\n")


@pytest.fixture
def cli(cli, make_csv, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    cli.now = "2026-12-04T08:58:00+08:00"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def work(cli, keys: str) -> str:
    result = cli("work", input=keys)
    assert result.exit_code == 0, result.output
    return result.stdout


def written(cli):
    return (cli.sql("SELECT account_id, outcome, amount_minor FROM calls ORDER BY id"),
            cli.count("payments"), cli.count("promises"))


def test_enter_alone_at_the_payment_prompt_records_nothing(cli):
    out = work(cli, "6\n\n\nq\n")
    assert "Amount (Enter twice cancels): \n" in out
    assert "[300000.00]" not in out
    assert "nothing typed: type it, or press Enter again to log nothing" in out
    assert "nothing logged" in out
    assert written(cli) == ([], 0, 0)
    # Back at A's key prompt, not on to B.
    assert "Next: 09:00 B" not in out.split("nothing logged")[1]


def test_enter_alone_at_the_promise_prompt_without_a_minimum_due_records_nothing(cli):
    out = work(cli, "5\n\n\nq\n")
    assert "Amount (Enter twice cancels): " in out and "nothing logged" in out
    assert written(cli) == ([], 0, 0)


def test_after_cancelling_the_same_key_asks_again(cli):
    work(cli, "6\n\n\n6\n5000\n\nq\n")
    assert written(cli) == ([("A", "paid", 500000)], 1, 0)
    assert cli.json("show", "A")[1]["balance"] == "295000.00"


def test_one_enter_asks_again_and_a_typed_amount_still_works(cli):
    out = work(cli, "5\n\n2000\n\nq\n")
    assert out.count("Amount (Enter twice cancels): ") == 2
    assert written(cli) == ([("A", "ptp", 200000)], 0, 1)
    assert cli.json("promises")[1][0]["amount"] == "2000.00"


def test_a_typed_payment_is_recorded(cli):
    work(cli, "6\n5000\n\nq\n")
    assert written(cli) == ([("A", "paid", 500000)], 1, 0)


def test_a_typo_between_two_empty_answers_does_not_cancel(cli):
    """Only two empty answers in a row cancel: a bad amount in between starts again."""
    out = work(cli, "6\n\nlots\n\n700\n\nq\n")
    assert "not a number; try again" in out
    assert written(cli) == ([("A", "paid", 70000)], 1, 0)


def test_the_end_of_input_at_the_amount_prompt_ends_the_session(cli):
    out = work(cli, "6\n")
    assert written(cli) == ([], 0, 0)
    assert "0 entries logged this session" in out


def test_the_prompts_in_traditional_chinese(cli):
    result = cli("--lang", "zh_TW", "work", input="6\n\n\nq\n")
    assert result.exit_code == 0
    assert "Enter twice" not in result.stdout and "nothing logged" not in result.stdout
    assert written(cli) == ([], 0, 0)


# -- the minimum due as the promise's default (the session with a scripted terminal) -------

class Script:
    """A terminal that answers each prompt from a list and keeps what it was shown."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.shown: list[str] = []

    def show(self, result) -> None:
        self.shown.append(str(result))

    def key(self, line, wake=None):
        raise AssertionError("no key is read here")

    def ask(self, prompt: str, default: str | None = None) -> str | None:
        self.prompts.append(f"{prompt} [{default}]" if default else prompt)
        text = self.answers.pop(0)
        return text if text is None else (text or default or "")


NOW = datetime(2026, 12, 4, 9, 0, tzinfo=ZoneInfo("Asia/Taipei"))


def session(term: Script) -> WorkSession:
    return WorkSession(None, Settings(), lambda: NOW, "alice", term)  # type: ignore[arg-type]


def state(minimum_due: Decimal | None, balance: str = "300000"):
    account = Account("A", Decimal(balance), "TWD", "Asia/Taipei", date(2026, 12, 4),
                      paydays=(25,), minimum_due=minimum_due)
    return SimpleNamespace(account=account, balance=Decimal(balance))


def test_enter_at_the_promise_prompt_takes_the_minimum_due():
    term = Script("", "")
    answers = session(term)._ask_needs(outcome_book(Settings()).get("ptp"),
                                       state(Decimal("1500")))
    assert answers == ("1500.00", "2026-12-25", None)
    assert term.prompts == ["Amount (minimum due) [1500.00]", "Promise date [2026-12-25]"]


def test_a_typed_promise_overrides_the_minimum_due():
    term = Script("2500", "")
    answers = session(term)._ask_needs(outcome_book(Settings()).get("ptp"),
                                       state(Decimal("1500")))
    assert answers[0] == "2500"


def test_a_minimum_due_above_the_balance_is_not_offered():
    term = Script("", "")
    with pytest.raises(_Cancelled):
        session(term)._ask_needs(outcome_book(Settings()).get("ptp"),
                                 state(Decimal("1500"), balance="1000"))
    assert term.prompts == ["Amount (Enter twice cancels)"] * 2


def test_the_payment_prompt_never_offers_the_minimum_due():
    term = Script("", "")
    with pytest.raises(_Cancelled):
        session(term)._ask_needs(outcome_book(Settings()).get("paid"), state(Decimal("1500")))
    assert term.prompts == ["Amount (Enter twice cancels)"] * 2


def test_a_listed_minimum_due_is_the_promise_default_through_piped_keys(cli, make_csv):
    """End to end: the list's 最低應繳金額 is stored and offered; Enter takes it."""
    path = make_csv("min.csv", "account_id,name,amount_due,最低應繳金額,mobile,assigned_to,"
                               "payday\nA,Debtor A,300000,\"1,500\",0912000001,alice,25\n")
    assert cli("import", "accounts", path).exit_code == 0
    out = work(cli, "5\n\n\nq\n")
    assert "Amount (minimum due) [1500.00]: " in out
    assert "Minimum due" in out.split("Amount (minimum due)")[0]  # the brief showed it
    calls, payments, promises = written(cli)
    assert calls == [("A", "ptp", 150000)] and (payments, promises) == (0, 1)
    # The payment prompt still offers nothing.
    out = work(cli, "6\n\n\nq\n")
    assert "[1500.00]" not in out.split("Next:")[-1]
