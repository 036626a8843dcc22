"""What the log says now: holds, callbacks, skip, balance; undone entries never count."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from collectctl.core import activity
from collectctl.core.models import Account, Call, Payment
from collectctl.core.outcomes import OutcomeBook

BOOK = OutcomeBook()
T0 = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)


def calls(*specs):
    """specs: (outcome, extra kwargs) in time order; ids from 1."""
    out = []
    for n, (outcome, kw) in enumerate(specs, start=1):
        out.append(Call(n, "A", "alice", T0 + timedelta(minutes=n), outcome, **kw))
    return out


def test_dispute_holds_until_resumed():
    log = calls(("na", {}), ("dispute", {}))
    assert activity.hold_of(log, BOOK).outcome == "dispute"
    log += calls(("na", {}), ("na", {}), ("resume", {}))[2:]
    assert activity.hold_of(log, BOOK) is None


def test_undone_hold_does_not_hold():
    log = [Call(1, "A", "a", T0, "cease", reversed_by=2),
           Call(2, "A", "a", T0, activity.UNDO, reverses=1)]
    assert activity.hold_of(log, BOOK) is None


def test_callback_stands_until_the_next_attempt():
    at = T0 + timedelta(hours=5)
    log = calls(("cb", {"callback_at": at}))
    assert activity.pending_callback(log, BOOK) == at
    log = calls(("cb", {"callback_at": at}), ("na", {}))
    assert activity.pending_callback(log, BOOK) is None


def test_skip_when_the_last_entry_says_so():
    assert activity.marked_for_skip(calls(("na", {}), ("skip", {})), BOOK)
    assert not activity.marked_for_skip(calls(("skip", {}), ("rpc", {})), BOOK)


def test_balance_counts_payments_from_the_list_day():
    account = Account("A", Decimal("1000.00"), "TWD", "Asia/Taipei", as_of=date(2026, 12, 1))
    payments = [Payment(1, "A", Decimal("100.00"), date(2026, 11, 30)),
                Payment(2, "A", Decimal("250.50"), date(2026, 12, 1)),
                Payment(3, "A", Decimal("49.50"), date(2026, 12, 3))]
    assert activity.balance(account, payments) == Decimal("700.00")


def test_outcome_aliases_and_unknown_codes():
    import pytest

    from collectctl.errors import UsageError

    assert BOOK.get("NA").code == "no-answer"
    assert BOOK.get("未接").code == "no-answer"
    assert BOOK.get("cb").effect == "callback"
    with pytest.raises(UsageError, match="codes: no-answer, busy"):
        BOOK.get("maybe")


def test_undone_callback_is_not_pending():
    at = T0 + timedelta(hours=5)
    log = [Call(1, "A", "a", T0, "callback", callback_at=at, reversed_by=2),
           Call(2, "A", "a", T0, activity.UNDO, reverses=1)]
    assert activity.pending_callback(log, BOOK) is None


def test_entries_with_codes_removed_from_the_config_count_as_nothing():
    log = calls(("dispute", {}), ("left-message", {}))
    assert activity.hold_of(log, BOOK).outcome == "dispute"
    assert not activity.marked_for_skip(log, BOOK)
