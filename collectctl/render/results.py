"""Result objects that exist only to be rendered (lists and wrappers of core views)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from collectctl.core.accounts import AccountView
from collectctl.core.activity import Hold
from collectctl.core.models import Call, Payment
from collectctl.core.promises import PromiseView


@dataclass(frozen=True)
class AccountList:
    """The accounts a listing selected, in order."""

    accounts: tuple[AccountView, ...]


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


@dataclass(frozen=True)
class PromiseList:
    promises: tuple[PromiseView, ...]


@dataclass(frozen=True)
class SkipList:
    """Accounts that need skip tracing (no valid phone, or logged as skip)."""

    accounts: tuple[AccountView, ...]


@dataclass(frozen=True)
class Contacts:
    account: AccountView


@dataclass(frozen=True)
class Message:
    """A plain confirmation line (``init``, ``demo``, ``pay``)."""

    text: str


@dataclass(frozen=True)
class DbStatus:
    """``db status``: which engine and schema, and how much is in it."""

    engine: str
    database: str
    schema: int
    latest: int
    counts: dict[str, int]
    user: str | None = None


@dataclass(frozen=True)
class CopyResult:
    """``db copy``: rows and money totals (minor units) per table, checked on both sides."""

    source: str
    target: str
    tables: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class TeamList:
    members: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Assignment:
    """``assign``: which collector each account went to, and every portfolio after."""

    chosen: dict[str, str]
    loads: tuple  # of core.assign.Load
    dry_run: bool
