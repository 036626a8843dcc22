"""Result objects that exist only to be rendered (lists and wrappers of core views)."""

from __future__ import annotations

from dataclasses import dataclass

from collectctl.core.accounts import AccountView


@dataclass(frozen=True)
class AccountList:
    """The accounts a listing selected, in order."""

    accounts: tuple[AccountView, ...]


@dataclass(frozen=True)
class Dossier:
    """One account, everything a collector reads before dialling."""

    account: AccountView


@dataclass(frozen=True)
class Message:
    """A plain confirmation line (``init``, ``demo``)."""

    text: str
