"""JSON: the contract for scripts. Money as decimal strings with two places, dates ISO-8601."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time
from decimal import Decimal
from functools import singledispatch
from typing import Any

from collectctl.app.accounts import AccountList, Dossier
from collectctl.app.calls import Contacts, Paid, PromiseList, SkipList
from collectctl.app.requests import AccountRequests
from collectctl.app.team import Assignment, CopyResult, TeamList
from collectctl.core.models import Call, ImportResult, RowError
from collectctl.core.requests import window_detail


def money(amount: Decimal) -> str:
    """``Decimal('12345')`` → ``"12345.00"``."""
    return f"{amount:.2f}"


def to_jsonable(value: Any) -> Any:
    """Plain JSON values from dataclasses, Decimals, dates and tuples (recursively)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


@singledispatch
def json_view(result: Any) -> Any:
    """The JSON document for a result; by default its fields."""
    return to_jsonable(result)


def _listed(account, balance: Decimal) -> dict:
    """An account of a listing: ``show``'s keys, ``amount_due`` the list's, and
    ``balance`` what is owed today."""
    data = to_jsonable(account)
    data["balance"] = money(balance)
    return data


@json_view.register
def _accountlist(result: AccountList) -> Any:
    return [_listed(a, result.balances[a.account_id]) for a in result.accounts]


@json_view.register
def _skiplist(result: SkipList) -> Any:
    return [_listed(a, result.balances[a.account_id]) for a in result.accounts]


@json_view.register
def _promiselist(result: PromiseList) -> Any:
    return [
        {"account_id": p.account_id, "amount": money(p.amount), "currency": p.currency,
         "due": p.due.isoformat(), "status": p.status, "paid": money(p.paid),
         "made_on": p.made_on.isoformat()}
        for p in result.promises
    ]


@json_view.register
def _paid(result: Paid) -> Any:
    """``pay --format json``: the payment, whether it was new, and the balance after it."""
    p = result.payment
    return {"account_id": p.account_id, "amount": money(p.amount),
            "paid_on": p.paid_on.isoformat(), "reference": p.reference,
            "currency": result.currency, "recorded": result.recorded,
            "balance": money(result.balance)}


@json_view.register
def _contacts(result: Contacts) -> Any:
    return to_jsonable(result.account.phones)


def call_json(call: Call) -> dict:
    data = to_jsonable(call)
    data["amount"] = money(call.amount) if call.amount is not None else None
    return data


@json_view.register
def _dossier(result: Dossier) -> Any:
    data = to_jsonable(result.account)
    data["balance"] = money(result.balance)
    data["hold"] = result.hold.outcome if result.hold else None
    data["calls"] = [call_json(c) for c in result.calls]
    data["promises"] = _promiselist(PromiseList(result.promises))
    data["payments"] = [
        {"id": p.id, "amount": money(p.amount), "paid_on": p.paid_on.isoformat(),
         "reference": p.reference, "source": p.source, "call_id": p.call_id}
        for p in result.payments
    ]
    data.update(requests_json(result.requests))
    data["assignments"] = to_jsonable(result.assignments)
    return data


def requests_json(requests) -> dict:
    """``{"avoid": [{"from": "12:00", "to": "13:00", "days": ["mon", ...]}],
    "no_workplace": false}``: the debtor's requests in force (their local time)."""
    return {"avoid": [to_jsonable(window_detail(w)) for w in requests.avoid],
            "no_workplace": requests.no_workplace}


def _request_entry(entry) -> dict:
    window = to_jsonable(window_detail(entry.window)) if entry.window else {}
    return {"id": entry.id, "kind": entry.kind, "from": window.get("from"),
            "to": window.get("to"), "days": window.get("days"), "set_by": entry.set_by,
            "set_at": entry.set_at.isoformat(), "note": entry.note}


@json_view.register
def _requests(result: AccountRequests) -> Any:
    requests = result.requests
    return {"account_id": result.account_id, "timezone": result.timezone,
            **requests_json(requests), "set_by": requests.set_by,
            "set_at": requests.set_at.isoformat() if requests.set_at else None,
            "log": [_request_entry(e) for e in result.log],
            "added": [e.id for e in result.added]}


def _reject(r: RowError, show_values: bool = False) -> dict:
    from collectctl.render import display

    view = {"line": r.line, "account_id": r.account_id, "reason": r.reason,
            "column": r.column, "detail": to_jsonable(dict(r.detail)),
            "text": display.in_english(display.row_reason, r, show_values)}
    if show_values:  # the refused cell, cut as the words cut it
        value = r.raw[r.cell] if r.cell is not None and r.cell < len(r.raw) else None
        view["value"] = value if value is None or len(value) <= display.VALUE_CHARS \
            else value[: display.VALUE_CHARS] + "\u2026"
    return view


def _broke(b) -> dict:
    from collectctl.render import display

    return {"line": b.line, "account_id": b.account_id, "call_id": b.call_id,
            "rule": b.reason.code, "detail": to_jsonable(dict(b.reason.detail)),
            "text": display.in_english(display.breach, b.reason)}


class _Streamed(list):
    """A list made item by item as ``json.dump`` writes it (with an indent it iterates
    lists in Python), so a million rejections are never in memory at once as dicts."""

    def __init__(self, items, make) -> None:
        super().__init__()
        self._items, self._make = items, make

    def __iter__(self):
        return (self._make(item) for item in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


@json_view.register
def _importresult(result: ImportResult) -> Any:
    return {
        "rows": result.rows,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": _Streamed(result.rejected, lambda r: _reject(r, result.show_values)),
        "no_valid_phone": result.no_valid_phone,
        "timezone_from_phone": result.timezone_from_phone,
        "kept_assignment": result.kept_assignment,
        "no_common_hours": result.no_common_hours,
        "broke_rules": [_broke(b) for b in result.broke_rules],
        "encoding": result.encoding,
        "batch": result.batch,
        "closed": result.closed,
        "file": result.file,
        "delimiter": result.delimiter,
        "dry_run": result.dry_run,
        "strict_aborted": result.strict_aborted,
        "format": result.format,
        "sheet": result.sheet,
        "open_in_scope": result.open_in_scope,
        "needs_yes": result.needs_yes,
    }


def render(result: Any, out) -> None:
    from collectctl.render.safe import json_text

    # Chunk by chunk, as json.dump writes (a chunk never splits a string).
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(json_view(result)):
        out.write(json_text(chunk))
    out.write("\n")


@json_view.register
def _assignment(result: Assignment) -> Any:
    return {
        "dry_run": result.dry_run,
        "assigned": len(result.chosen),
        "collectors": [{"collector": lo.collector, "accounts": lo.accounts,
                        "added": lo.added, "balance": lo.balance.json()}
                       for lo in result.loads],
        "accounts": dict(sorted(result.chosen.items())),
    }


@json_view.register
def _copy(result: CopyResult) -> Any:
    return {"source": result.source, "target": result.target,
            "tables": {t: {"rows": n, "money_minor": m} for t, (n, m) in result.tables.items()}}


@json_view.register
def _team(result: TeamList) -> Any:
    return [{"name": n, "role": r} for n, r in result.members]
