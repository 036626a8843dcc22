"""An account's file as of a day: what ``show``, ``next`` and work mode put on screen."""

from __future__ import annotations

from datetime import date

from collectctl.config import Settings


def account_file(store, settings: Settings, today: date, account_id: str):
    """The :class:`~collectctl.render.results.Dossier` of one account."""
    from collectctl.config import outcome_book
    from collectctl.core import activity
    from collectctl.core.accounts import account_view
    from collectctl.core.promises import select_promises
    from collectctl.logbook import require_account
    from collectctl.render.results import Dossier

    account = require_account(store, account_id)
    calls = store.calls_of(account_id)
    payments = store.payments_of(account_id)
    promises = select_promises(store.promises_of(account_id), payments, today,
                               settings.promise.grace_days)
    return Dossier(
        account=account_view(account, today),
        balance=activity.balance(account, payments),
        calls=tuple(calls),
        promises=tuple(promises),
        payments=tuple(payments),
        hold=activity.hold_of(calls, outcome_book(settings)),
        zone=settings.timezone,
    )
