"""An account's file as of a day: what ``show``, ``next`` and work mode put on screen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from collectctl.config import Settings
from collectctl.core.accounts import AccountView, AssignmentChange
from collectctl.core.activity import Hold
from collectctl.core.models import Call, Payment
from collectctl.core.promises import PromiseView
from collectctl.core.requests import NO_REQUESTS, Requests, fold

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store


def account_file(store: Store, settings: Settings, today: date, account_id: str):
    """The :class:`~collectctl.app.accounts.Dossier` of one account."""
    from collectctl.app.calls import require_account
    from collectctl.config import outcome_book
    from collectctl.core import activity
    from collectctl.core.accounts import account_view, assignment_changes
    from collectctl.core.promises import select_promises

    account = require_account(store, account_id)
    calls = store.calls_of(account_id)
    payments = store.payments_of(account_id)
    promises = select_promises(store.promises_of(account_id), payments, today,
                               settings.promise.grace_days,
                               currencies={account_id: account.currency})
    return Dossier(
        account=account_view(account, today),
        balance=activity.balance(account, payments),
        calls=tuple(calls),
        promises=tuple(promises),
        payments=tuple(payments),
        hold=activity.hold_of(calls, outcome_book(settings)),
        zone=settings.timezone,
        requests=fold(store.requests_of(account_id)),
        assignments=assignment_changes(store.assignments_of(account_id)),
    )


def list_accounts(store: Store, today: date, collector: str | None = None,
                  status: str | None = None, min_balance: Decimal | None = None
                  ) -> AccountList:
    """The accounts matching every filter, by account id, each with its balance (the
    list's amount less the payments since); ``min_balance``: only those owing at least
    that much. Two reads of the store (accounts, then their payments), whatever the count."""
    from collectctl.core import activity
    from collectctl.core.accounts import account_view
    from collectctl.storage.codec import to_minor

    # A balance is never above the list's amount (payments are positive), so the store
    # narrows by the amount and the balance is checked here.
    minimum = to_minor(min_balance) if min_balance is not None else None
    accounts = store.list_accounts(collector, status, minimum)
    owed = activity.balances(accounts, store.payments_for([a.account_id for a in accounts]))
    if min_balance is not None:
        accounts = [a for a in accounts if owed[a.account_id] >= min_balance]
    return AccountList(tuple(account_view(a, today) for a in accounts),
                       {a.account_id: owed[a.account_id] for a in accounts})


@dataclass(frozen=True)
class AccountList:
    """The accounts a listing selected, in order, and their balances by account id (the
    list's amount less the payments since: what the debtor owes today)."""

    accounts: tuple[AccountView, ...]
    balances: Mapping[str, Decimal]


@dataclass(frozen=True)
class Dossier:
    """One account, everything a collector reads before dialling."""

    account: AccountView
    balance: Decimal
    calls: tuple[Call, ...] = ()
    promises: tuple[PromiseView, ...] = ()
    payments: tuple[Payment, ...] = ()
    hold: Hold | None = None
    #: The collector's time zone, for showing when calls were made.
    zone: str = "UTC"
    #: What the debtor asked: windows not to call in (their time), not at work.
    requests: Requests = NO_REQUESTS
    #: The changes of collector, oldest first (what a list did, what a team lead did).
    assignments: tuple[AssignmentChange, ...] = ()
