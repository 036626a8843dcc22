"""``collectctl account ID --avoid/--no-workplace/--avoid-clear``: the debtor's own
requests about when and where to be called, appended to the requests log (who set each,
and when) and read back as the requests in force (``core.requests.fold``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from collectctl.config import Settings
from collectctl.core.requests import (
    AVOID,
    CLEAR,
    NO_WORKPLACE,
    WEEKDAYS,
    RequestEntry,
    Requests,
    fold,
    parse_days,
    parse_window,
)
from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store


@dataclass(frozen=True)
class AccountRequests:
    """An account's requests in force, the whole log they come from, and the entries
    this command added (none when it only read)."""

    account_id: str
    #: The debtor's zone, which the windows' times are in.
    timezone: str
    requests: Requests
    log: tuple[RequestEntry, ...]
    added: tuple[RequestEntry, ...] = ()
    #: The collector's zone, for showing when each entry was made.
    zone: str = "UTC"


def account_requests(store: Store, settings: Settings, account_id: str) -> AccountRequests:
    """What the debtor of ``account_id`` has asked, as the log stands."""
    from collectctl.app.calls import require_account

    with store.snapshot():
        account = require_account(store, account_id)
        log = tuple(store.requests_of(account_id))
    return AccountRequests(account_id, account.timezone, fold(log), log,
                           zone=settings.timezone)


def set_requests(store: Store, settings: Settings, now: datetime, account_id: str, *,
                 avoid: Sequence[str] = (), days: str | None = None,
                 no_workplace: bool = False, clear: bool = False,
                 collector: str | None = None, note: str | None = None) -> AccountRequests:
    """Append the debtor's requests to the log, in one transaction: ``clear`` first (it
    lifts every earlier request), then each window of ``avoid`` (``12:00-13:00``, the
    debtor's time) on ``days`` (every day when None), then ``no_workplace``. Every
    value is checked before anything is written."""
    from collectctl.app.calls import collector_name, require_account

    if days is not None and not avoid:
        raise UsageError(_("--days goes with --avoid: the days its window applies on"))
    on = parse_days(days) if days is not None else WEEKDAYS
    windows = [parse_window(text, on) for text in avoid]
    text = note.strip() if note and note.strip() else None

    def work(_tx):
        account = require_account(store, account_id)
        # Who is asking only once the account is known: an unknown one is said as such.
        who = collector_name(settings, collector)
        wanted = ([RequestEntry(account_id, CLEAR, who, now, note=text)] if clear else [])
        wanted += [RequestEntry(account_id, AVOID, who, now, w, text) for w in windows]
        if no_workplace:
            wanted.append(RequestEntry(account_id, NO_WORKPLACE, who, now, note=text))
        added = tuple(replace(entry, id=store.add_request(entry)) for entry in wanted)
        return account, tuple(store.requests_of(account_id)), added

    account, log, added = store.atomically(work)
    return AccountRequests(account_id, account.timezone, fold(log), log, added,
                           settings.timezone)
