"""Work mode's screen: the call header, the key legend and the status line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from collectctl.core import work as W
from collectctl.core.work import DayStatus
from collectctl.i18n import _
from collectctl.render import display


def call_header(call, after) -> str:
    """The rule above each account, then what ``next`` says about the call."""
    from collectctl.render.plan import next_header

    return "─" * 60 + "\n" + next_header(call, after)


def legend(book) -> str:
    """The keys, for the outcome codes in force (a code the config removed has no key)."""
    parts = []
    for key, code in W.OUTCOME_KEYS:
        outcome = book.find(code)
        if outcome is not None:
            parts.append(f"{key} {display.outcome(outcome)}")
    holds = [display.outcome(book.find(code)) for _k, code in W.HOLD_CHOICES
             if book.find(code) is not None]
    if holds:
        parts.append(f"{W.HOLD_KEY} " + "/".join(holds))
    parts += [f"{W.OTHER} " + _("other outcome"), f"{W.SKIP} " + _("set aside"),
              f"{W.NOTE} " + _("note"), f"{W.PHONE} " + _("add phone"),
              f"{W.UNDO} " + _("undo last"), f"{W.HELP} " + _("keys"), f"{W.QUIT} " + _("quit")]
    return _("Keys: {keys}").format(keys=" · ".join(parts))


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _against(actual, target) -> str:
    if target is None:
        return _amount(Decimal(actual))
    return f"{_amount(Decimal(actual))}/{_amount(target)}"


def _money_against(actual, goal) -> str:
    """Money per currency, with its symbol: the target's currency first, ``actual/target``
    (``NT$5,000/NT$20,000``), then the other currencies without one (``A$100``); ``0``
    with neither."""
    if goal is None:
        return display.money_totals(actual) if actual else "0"
    currency = goal.currency
    shown = (f"{display.money(actual.amount(currency), currency)}/"
             f"{display.money(goal.value, currency)}")
    others = {c: a for c, a in actual.items() if c != currency}
    return _(", ").join([shown, display.money_totals(others)]) if others else shown


def status_line(status: DayStatus, on_account: timedelta) -> str:
    """``calls 12/48 · right party 3 · promised 12,000.00 TWD/30,000.00 TWD · collected
    5,000.00 TWD, 100.00 AUD · 2:15 on this account ›`` (a target, where one is set, after
    the slash; money per currency, the target's first)."""
    calls = f"{status.calls}/{status.planned}"
    if status.calls_target is not None:
        calls += " " + _("(target {n})").format(n=_amount(status.calls_target))
    parts = [
        _("calls {made}").format(made=calls),
        _("right party {n}").format(n=_against(status.right_party_contacts,
                                               status.right_party_target)),
        _("promised {amount}").format(amount=_money_against(status.promised,
                                                            status.promised_target)),
        _("collected {amount}").format(amount=_money_against(status.collected,
                                                             status.collected_target)),
        _("{time} on this account").format(time=W.clock_text(on_account)),
    ]
    return " · ".join(parts) + " › "
