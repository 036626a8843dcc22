"""Human output: rich tables on a terminal, the same text without colour in a pipe."""

from __future__ import annotations

import functools
from decimal import Decimal
from functools import singledispatch
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from collectctl.app import Message
from collectctl.app.calls import Contacts, Logged, Paid, PromiseList, SkipList, Undone
from collectctl.app.learn import Rebuilt
from collectctl.core.accounts import AccountView, best_phone
from collectctl.core.models import ImportResult
from collectctl.i18n import _, ngettext
from collectctl.render import display
from collectctl.render.safe import terminal_text
from collectctl.render.width import columns, fill_parts, table_lines

if TYPE_CHECKING:
    from rich.text import Text

    from collectctl.app.accounts import AccountList, Dossier
    from collectctl.app.requests import AccountRequests
    from collectctl.app.team import Assignment, CopyResult, DbStatus, TeamList

#: A debtor's name in a table is cut (with …) to no fewer than this many cells.
NAME_MIN = 8

#: Width used when output is not a terminal, so piped tables don't wrap at 80 columns.
PIPE_WIDTH = 160


def pipe_width() -> int:
    """The width of output that is not a terminal: ``$COLUMNS`` when it is set (a script,
    ``watch`` or a test asking for a width), else :data:`PIPE_WIDTH`."""
    import os

    value = os.environ.get("COLUMNS", "")
    return int(value) if value.isdigit() and int(value) >= 20 else PIPE_WIDTH


format_money = display.money
#: Debtor text on one line of a screen (see :mod:`collectctl.render.safe`).
shown = terminal_text


@functools.cache
def _safe_console():
    """rich's Console, made unable to pass debtor text to the terminal: every string it
    prints (a table's cells included) goes through :func:`safe.terminal_text`, and it
    reads neither markup (``[red]``, ``[link=...]``) nor emoji codes (``:warning:``)."""
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text: str, **options: Any) -> Text:
            return super().render_str(terminal_text(text, multiline=True), **options)

    return SafeConsole


def _console(out, is_tty: bool):
    return _safe_console()(file=out, width=None if is_tty else pipe_width(), highlight=False,
                           soft_wrap=not is_tty, markup=False, emoji=False)


@singledispatch
def render_text(result: Any, console) -> None:
    console.print(str(result), markup=False)


@singledispatch
def plain_text(result: Any) -> str | None:
    """One-line results printed without rich: ``log`` runs all day and rich costs ~15 ms."""
    return None


#: Views of results whose modules ``log`` never needs (accounts, team): registered the
#: first time such a result is rendered, so their dataclasses stay off log's start-up.
_PENDING: dict[str, list[tuple[Any, str, Any]]] = {}


def _later(dispatcher, module: str, name: str):
    def keep(func):
        _PENDING.setdefault(module, []).append((dispatcher, name, func))
        return func

    return keep


def _register_pending(cls: type) -> None:
    views = _PENDING.pop(cls.__module__, None)
    if views:
        import importlib

        module = importlib.import_module(cls.__module__)
        for dispatcher, name, func in views:
            dispatcher.register(getattr(module, name), func)


@plain_text.register
def _message_plain(result: Message) -> str:
    return result.text


def _number_text(p) -> str:
    """The number as the collector dials it (``display.phone``), with its extension."""
    number = shown(display.phone(p.number))
    return (_("{number} ext {extension}").format(number=number, extension=shown(p.extension))
            if p.extension else number)


def _phone_text(p) -> str:
    text = _number_text(p)
    return text if p.valid else text + " " + _("(invalid)")


def _labelled(p) -> str:
    """``(mobile)``, ``(mobile, invalid)``, ``(relative; a third party's: …)``."""
    label = shown(display.phone_label(p.label))
    if not p.valid:
        label = _("{label}, invalid").format(label=label)
    if getattr(p, "role", "debtor") == "third_party":
        return _("({label}; a third party's: never dialled by the plan)").format(label=label)
    return _("({label})").format(label=label)


@_later(render_text, "collectctl.app.accounts", "AccountList")
def _accountlist(result: AccountList, console) -> None:
    from collectctl.render.width import fit, fitted_lines

    if not result.accounts:
        console.print(_("No accounts match."), markup=False)
        return
    head = [_("Account"), _("Debtor"), _("Balance"), _("DPD"), _("Phone"), _("Collector"),
            _("Status")]
    rows = []
    total: dict[str, Decimal] = {}
    for a in result.accounts:
        phone = best_phone(a)
        owed = result.balances[a.account_id]
        rows.append([
            shown(a.account_id), shown(a.name), shown(format_money(owed, a.currency)),
            "" if a.days_past_due is None else str(a.days_past_due),
            _phone_text(phone) if phone else _("no valid phone"),
            shown(a.assigned_to), shown(display.status(a.status)),
        ])
        total[a.currency] = total.get(a.currency, 0) + owed
    # Only the debtor's name gives way (the account id says who it is), down to
    # NAME_MIN; a screen narrower still gets the table whole, never a cut number.
    widths, _over = fit([max(columns(r[i]) for r in [head, *rows]) for i in range(len(head))],
                        console.width, [(1, NAME_MIN)])
    lines = fitted_lines(head, rows, widths, frozenset({2, 3}))
    console.print(lines[0], style="bold", markup=False, crop=False, soft_wrap=True)
    for line in lines[1:]:
        console.print(line, markup=False, crop=False, soft_wrap=True)
    sums = shown(display.money_totals(total))
    console.print(
        ngettext("{n} account, {total}", "{n} accounts, {total}", len(result.accounts)).format(
            n=len(result.accounts), total=sums),
        markup=False,
    )


def _dossier_lines(a: AccountView, balance: Decimal | None = None) -> list[tuple[str, str]]:
    """The dossier's label/value lines: the money first (amount due, balance, minimum due,
    the debt itemised, the last payment), so the collector confirms the amount before
    dialling; then the dates, the debtor's background and the account's settings. Lines
    of what the list does not give are left out."""
    paydays = ", ".join(str(d) for d in a.paydays)
    money = lambda v: format_money(v, a.currency)  # noqa: E731
    lines: list[tuple[str, str | None]] = [
        (_("Debtor"), a.name or "-"),
        (_("Amount due"), money(a.amount_due)),
    ]
    if balance is not None and balance != a.amount_due:
        lines.append((_("Balance"), money(balance)))
    if a.minimum_due is not None:
        lines.append((_("Minimum due"), money(a.minimum_due)))
    if a.arrears:
        lines.append((_("Itemised"), arrears_text(a)))
    if a.last_payment:
        lines.append((_("Last payment"), _last_payment_text(a)))
    if a.credit_limit is not None:
        lines.append((_("Credit limit"), money(a.credit_limit)))
    lines += [
        (_("Days past due"), "-" if a.days_past_due is None else str(a.days_past_due)),
        (_("Due date"), display.plain_day(a.due_date) if a.due_date else "-"),
        (_("Work starts"), a.work_start or "-"),
        (_("Paydays"), paydays or "-"),
        (_("Employer"), a.employer),
        (_("Occupation"), a.occupation),
        (_("Address"), a.mailing_address),
        (_("Registered address"), a.registered_address),
        (_("Time zone"), _("{zones} ({source})").format(
            zones=", ".join(a.timezones or (a.timezone,)),
            source=display.zone_source(a.timezone_source))),
        (_("Collector"), _collector_text(a)),
        (_("Risk"), display.risk(a.risk)),
        (_("Status"), display.status(a.status)),
        (_("Notes"), a.notes or "-"),
    ]
    return [(label, shown(value)) for label, value in lines if value is not None]


def arrears_text(a: AccountView) -> str:
    """``principal NT$8,000 · interest NT$1,500 · fees NT$500`` (the parts the list gives)."""
    parts = [(_("principal {amount}"), a.arrears.principal),
             (_("interest {amount}"), a.arrears.interest),
             (_("fees {amount}"), a.arrears.fees)]
    return " · ".join(text.format(amount=format_money(v, a.currency))
                      for text, v in parts if v is not None)


def _last_payment_text(a: AccountView) -> str:
    paid = a.last_payment
    if paid.amount is not None and paid.date is not None:
        return _("{amount} on {day}").format(amount=format_money(paid.amount, a.currency),
                                             day=display.plain_day(paid.date))
    if paid.amount is not None:
        return format_money(paid.amount, a.currency)
    assert paid.date is not None
    return display.plain_day(paid.date)


def _collector_text(a: AccountView) -> str:
    if not a.assigned_to:
        return "-"
    if a.assigned_by == "lead" and a.listed_collector and a.listed_collector != a.assigned_to:
        return _("{collector} (assigned in collectctl; the list names {listed})").format(
            collector=a.assigned_to, listed=a.listed_collector)
    if a.assigned_by == "lead":
        return _("{collector} (assigned in collectctl)").format(collector=a.assigned_to)
    return a.assigned_to


def assignment_line(change, zone: str) -> str:
    """``2026-12-03 09:00  frank  by the bank's list (l3.csv)`` (in the collector's zone)."""
    from datetime import datetime

    when = _when(datetime.fromisoformat(change.at), zone) if change.at else "-"
    who = shown(change.collector) if change.collector else _("nobody")
    if change.by == "lead":
        how = _("assigned in collectctl")
    elif change.file:
        how = _("by the bank's list ({file})").format(file=shown(change.file))
    else:
        how = _("by the bank's list")
    return f"{when}  {who}  {how}"


def _contact_line(c) -> str:
    """``陳大同 (父)  +886912345678``: a contact person (``emergency contact`` after an
    emergency contact's)."""
    who = shown(c.name) if c.name else _("(no name)")
    if c.relation:
        who = _("{name} ({relation})").format(name=who, relation=shown(c.relation))
    parts = [who]
    if c.phone:
        parts.append(shown(display.phone(c.phone)))
    if c.kind == "emergency":
        parts.append(_("emergency contact"))
    return "  ".join(parts)


_day = display.day


def _when(moment, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return display.day_time(moment.astimezone(ZoneInfo(zone)))


#: How many of the latest log entries the dossier shows.
DOSSIER_CALLS = 10


@_later(render_text, "collectctl.app.accounts", "Dossier")
def _dossier(result: Dossier, console) -> None:
    from rich.table import Table

    a = result.account
    console.print(_("Account {id}").format(id=shown(a.account_id)), style="bold", markup=False)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    for label, value in _dossier_lines(a, result.balance):
        grid.add_row(label, value)
    if result.hold:
        grid.add_row(_("On hold"), _("{outcome} since {when}").format(
            outcome=shown(result.hold.outcome), when=_when(result.hold.since, result.zone)))
    for n, said in enumerate(display.debtor_requests(result.requests)):
        grid.add_row(_("Debtor asks") if n == 0 else "", said)
    console.print(grid)
    console.print(_("Phones"), style="bold", markup=False)
    if not any(p.valid for p in a.phones):
        console.print("  " + _("no valid phone: needs skip tracing"), markup=False)
    for p in a.phones:
        console.print(f"  {_number_text(p)}  {_labelled(p)}", markup=False)
    if a.contacts:
        console.print(_("Contact persons (third parties: never dialled by the plan)"),
                      style="bold", markup=False)
        for person in a.contacts:
            console.print("  " + _contact_line(person), markup=False)
    if result.assignments:
        console.print(_("Collector changes"), style="bold", markup=False)
        for change in result.assignments:
            console.print("  " + assignment_line(change, result.zone), markup=False)
    if result.promises:
        console.print(_("Promises"), style="bold", markup=False)
        for promise in result.promises:
            console.print("  " + _promise_line(promise, a.currency), markup=False)
    if result.payments:
        console.print(_("Payments"), style="bold", markup=False)
        for y in result.payments:
            ref = f"  {shown(y.reference)}" if y.reference else ""
            money = shown(format_money(y.amount, a.currency))
            console.print(f"  {display.plain_day(y.paid_on)}  {money}{ref}", markup=False)
    if result.calls:
        console.print(_("Calls (latest {n})").format(n=min(DOSSIER_CALLS, len(result.calls))),
                      style="bold", markup=False)
        _print_calls(console, [_call_parts(c, result.zone, a.currency)
                               for c in result.calls[-DOSSIER_CALLS:]])


def _print_calls(console, calls: list[list[str]]) -> None:
    """The dossier's log entries, a line each where the screen has room; where it has not,
    an entry goes on under itself, after its number (its parts whole, a long note
    wrapped in that column): ``#12  Fri 2026-12-04 09:00  ptp  50,000.00 TWD`` /
    ``     due Fri 2026-12-11  +886918566195  alice``."""
    from rich.padding import Padding
    from rich.table import Table

    number = max(columns(parts[0]) for parts in calls)
    room = console.width - 2 - number - 2
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for first, *rest in calls:
        grid.add_row(first, "\n".join(fill_parts(rest, room)))
    console.print(Padding(grid, (0, 0, 0, 2), expand=False))


def _promise_line(p, currency: str) -> str:
    return shown(_("{amount} due {due}: {status} (paid {paid})").format(
        amount=format_money(p.amount, currency), due=_day(p.due), status=display.status(p.status),
        paid=format_money(p.paid, currency)))


def _call_parts(c, zone: str, currency: str | None = None) -> list[str]:
    """A log entry's parts as the dossier shows them: ``#12``, when, the outcome, then
    what it recorded, the phone, the collector and the note."""
    parts = [f"#{c.id}", _when(c.called_at, zone), shown(c.outcome)]
    if c.reverses:
        parts.append(_("(undoes #{id})").format(id=c.reverses))
    if c.amount is not None:
        parts.append(shown(format_money(c.amount, currency)))
    if c.promise_date:
        parts.append(_("due {day}").format(day=_day(c.promise_date)))
    if c.callback_at:
        parts.append(_("call back {when}").format(when=_when(c.callback_at, zone)))
    if c.phone:
        parts.append(shown(display.phone(c.phone)))
    if c.collector:
        parts.append(shown(c.collector))
    if c.note:
        parts.append(f"“{shown(c.note)}”")
    if c.reversed_by:
        parts.append(_("[undone by #{id}]").format(id=c.reversed_by))
    return parts


@_later(plain_text, "collectctl.app.requests", "AccountRequests")
def _requests_plain(result: AccountRequests) -> str:
    lines = []
    if result.added:
        lines.append(_("{id}: recorded by {who}").format(id=shown(result.account_id),
                                                         who=shown(result.added[-1].set_by)))
    said = display.debtor_requests(result.requests)
    if said:
        lines.append(_("{id}: the debtor asks (their time, {zone}):").format(
            id=shown(result.account_id), zone=shown(result.timezone)))
        lines.extend("  " + line for line in said)
    else:
        lines.append(_("{id}: no requests from the debtor").format(id=shown(result.account_id)))
    if result.log:
        lines.append(_("Requests log:"))
        lines.extend("  " + _request_line(entry, result.zone) for entry in result.log)
    return "\n".join(lines)


def _request_line(entry, zone: str) -> str:
    from collectctl.core.requests import AVOID, CLEAR, window_detail

    if entry.kind == AVOID and entry.window is not None:
        what = _("no calls {window}").format(
            window=display.avoid_window(window_detail(entry.window)))
    elif entry.kind == CLEAR:
        what = _("all requests lifted")
    else:
        what = _("not at work")
    parts = [f"#{entry.id}", _when(entry.set_at, zone), shown(entry.set_by), what]
    if entry.note:
        parts.append(f"“{shown(entry.note)}”")
    return "  ".join(parts)


@render_text.register
def _promiselist(result: PromiseList, console) -> None:
    from collectctl.render.width import fitted_lines

    if not result.promises:
        console.print(_("No promises match."), markup=False)
        return
    head = [_("Account"), _("Amount"), _("Due"), _("Status"), _("Paid")]
    rows = [[shown(p.account_id), format_money(p.amount, p.currency), _day(p.due),
             shown(display.status(p.status)), format_money(p.paid, p.currency)]
            for p in result.promises]
    # Nothing here is cut: a narrow screen gets the table whole, wider than itself.
    widths = [max(columns(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = fitted_lines(head, rows, widths, frozenset({1, 4}))
    console.print(lines[0], style="bold", markup=False, crop=False, soft_wrap=True)
    for line in lines[1:]:
        console.print(line, markup=False, crop=False, soft_wrap=True)


@render_text.register
def _skiplist(result: SkipList, console) -> None:
    if not result.accounts:
        console.print(_("No account needs skip tracing."), markup=False)
        return
    from collectctl.app.accounts import AccountList

    _accountlist(AccountList(result.accounts, result.balances), console)


@render_text.register
def _contacts(result: Contacts, console) -> None:
    if not result.account.phones:
        console.print(_("{id} has no phone numbers.").format(
            id=shown(result.account.account_id)), markup=False)
    for p in result.account.phones:
        console.print(f"{_number_text(p)}  {_labelled(p)}", markup=False)


def payment_words(payment, currency: str, balance, list_day=None) -> str:
    """``1,000.00 TWD paid on 2026-12-04; balance now 9,000.00 TWD``: the same words for
    ``log paid`` and ``pay``; with ``list_day`` (the payment is dated before the account's
    list: :func:`~collectctl.core.activity.in_list_amount`) a second line says why the
    balance did not move."""
    words = _("{amount} paid on {day}; balance now {balance}").format(
        amount=format_money(payment.amount, currency), day=display.plain_day(payment.paid_on),
        balance=format_money(balance, currency))
    if list_day is not None:
        words += "\n  " + _("not subtracted: dated before the list of {day}, whose amount "
                             "counts it").format(day=display.plain_day(list_day))
    return words


@plain_text.register
def _paid_plain(result: Paid) -> str:
    if not result.recorded:
        return _("{id}: payment {ref} was already recorded; nothing changed (balance "
                 "{balance})").format(id=shown(result.payment.account_id),
                                      ref=shown(result.payment.reference),
                                      balance=format_money(result.balance, result.currency))
    return _("{id}: {what}").format(id=shown(result.payment.account_id),
                                    what=payment_words(result.payment, result.currency,
                                                       result.balance, result.list_day))


@plain_text.register
def _rebuilt_plain(result: Rebuilt) -> str:
    return _("contact statistics rebuilt from {calls:,} log entries: {accounts:,} "
             "accounts, {segments:,} segments").format(
        calls=result.calls, accounts=result.accounts, segments=result.segments)


def logged_warnings(result: Logged) -> list[str]:
    """The lines ``log`` writes to stderr: each calling rule the call broke (it is recorded
    all the same), and a callback outside the shift."""
    head = _("{id} (entry {n})").format(id=shown(result.call.account_id), n=result.call.id)
    lines = [_("warning: {head}: broke a calling rule: {rule}").format(
        head=head, rule=display.breach(b)) for b in result.breaches]
    if result.callback_outside_shift:
        lines.append(_("warning: {head}: the callback is outside your shift; the plan shows "
                       "it at its own time").format(head=head))
    return [shown(line) for line in lines]


@plain_text.register
def logged_line(result: Logged) -> str:
    """The one line ``log`` answers with: what was recorded and what changed because of it."""
    call, outcome, planned = result.call, result.outcome, result.planned
    currency = result.account.currency
    head = _("{id} (entry {n})").format(id=shown(call.account_id), n=call.id)
    logged = _("{label} logged").format(label=display.outcome(outcome))
    if planned.promise:
        tail = _("promise of {amount} due {due} recorded; no calls until then").format(
            amount=format_money(planned.promise.amount, currency), due=_day(planned.promise.due))
    elif planned.payment:
        tail = payment_words(planned.payment, currency, result.balance, result.list_day)
    elif call.callback_at:
        tail = _("callback at {when} ({zone}, the debtor's time) pinned in that day's plan").format(
            when=display.day_time(call.callback_at), zone=result.account.timezone)
    elif outcome.effect == "hold":
        tail = _("{label}: calls stop until 'collectctl account {id} --resume'").format(
            label=display.outcome(outcome), id=shown(call.account_id))
    elif planned.invalidate_phone:
        tail = _("{label}: {phone} marked invalid").format(
            label=display.outcome(outcome), phone=shown(display.phone(planned.invalidate_phone)))
        if result.valid_phones:
            tail += _("; next call goes to {phone}").format(
                phone=shown(display.phone(result.valid_phones[0])))
        else:
            tail += _("; no valid phone left: the account is on the skip-trace list")
    elif outcome.effect == "skip":
        tail = _("the account is on the skip-trace list")
    elif outcome.complaint:
        tail = _("complaint logged; it counts in the supervisor's report")
    else:
        tail = logged
    return _("{head}: {tail}").format(head=head, tail=tail)


@plain_text.register
def _undone_plain(result: Undone) -> str:
    original = result.original
    outcome = display.outcome(result.outcome) if result.outcome else original.outcome
    line = _("entry {n} ({outcome} on {id}) undone by entry {m}").format(
        n=original.id, outcome=shown(outcome), id=shown(original.account_id),
        m=result.reversal.id)
    if original.promise_date:
        line += _("; its promise is withdrawn")
    if original.amount is not None and original.promise_date is None:
        line += _("; its payment is withdrawn")
    if result.phone_restored:
        line += _("; {phone} is valid again").format(
            phone=shown(display.phone(original.invalidated_phone)))
    return line


#: Rejections an import's summary lists, the first ones in the file (the JSON document and
#: the rejects file have every one).
SHOWN_REJECTIONS = 1000


def _import_source(result: ImportResult, counts: str) -> str:
    """The summary's first line: the file and how it was read (a CSV's encoding, a
    workbook's sheet), then the counts."""
    name = shown(PurePath(result.file).name)
    if result.sheet is not None:
        return _("sheet '{sheet}' of {file}: {counts}").format(
            sheet=shown(result.sheet), file=name, counts=counts)
    return _("{file} ({encoding}): {counts}").format(file=name, encoding=result.encoding,
                                                    counts=counts)


@plain_text.register
def _importresult(result: ImportResult) -> str:
    """Plain lines (no rich: an import's summary comes when its memory is at its peak)."""
    lines: list[str] = []
    say = lines.append
    counts = _(
        "{inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected"
    ).format(inserted=f"{result.inserted:,}", updated=f"{result.updated:,}",
             unchanged=f"{result.unchanged:,}", rejected=f"{len(result.rejected):,}")
    say(_import_source(result, counts))
    if result.closed:
        say(ngettext("{n} account closed (not in the file).",
                     "{n} accounts closed (not in the file).", result.closed).format(
            n=result.closed))
    for listed, reject in enumerate(result.rejected):
        if listed == SHOWN_REJECTIONS:
            more = len(result.rejected) - listed
            say(ngettext("  ... and {n} more rejected row (--format json or --rejects FILE "
                         "lists every one)",
                         "  ... and {n} more rejected rows (--format json or --rejects FILE "
                         "lists every one)", more).format(n=more))
            break
        say((_("  row {line}: {id}: {reason}") if result.sheet is not None
             else _("  line {line}: {id}: {reason}")).format(
            line=reject.line, id=shown(reject.account_id or "-"),
            reason=shown(display.row_reason(reject, result.show_values))))
    if result.no_valid_phone:
        say(_("No valid phone (needs skip tracing): {ids}").format(
            ids=", ".join(map(shown, result.no_valid_phone))))
    for broke in result.broke_rules:
        say(_("  line {line}: {id} (entry {n}): broke a calling rule: {rule}").format(
            line=broke.line, id=shown(broke.account_id), n=broke.call_id,
            rule=display.breach(broke.reason)))
    if result.timezone_from_phone:
        say(ngettext("{n} account's time zone comes from its phone (the list names none, or "
                     "one its phone contradicts).",
                     "{n} accounts' time zones come from their phones (the list names none, "
                     "or one their phones contradict).", result.timezone_from_phone).format(
            n=result.timezone_from_phone))
    if result.kept_assignment:
        say(ngettext("{n} account kept the team lead's assignment (the list names another "
                     "collector; it applies when a later list changes it).",
                     "{n} accounts kept the team lead's assignment (the list names another "
                     "collector; it applies when a later list changes it).",
                     result.kept_assignment).format(n=result.kept_assignment))
    if result.no_common_hours:
        say(_("No legal minute in your shift this week in every zone the debtor may be in "
              "(see 'collectctl plan --explain ID'): {ids}").format(
            ids=", ".join(map(shown, result.no_common_hours))))
    if result.needs_yes:
        say(ngettext("A real run would close {closed} of the {open} open account: it needs "
                     "--yes.",
                     "A real run would close {closed} of the {open} open accounts: it needs "
                     "--yes.", result.open_in_scope or 0).format(
            closed=result.closed, open=result.open_in_scope))
    if result.strict_aborted:
        say(_("--strict: nothing was imported because rows were rejected."))
    elif result.dry_run:
        say(_("Dry run: nothing was written."))
    elif result.rows == 0:
        say(_("No data rows under the header: nothing was imported."))
    elif result.inserted == result.updated == result.closed == 0 and not result.rejected:
        previous = result.previous_batch
        if previous is not None:
            say(_("Nothing changed: this file was already imported on {when} (batch {batch})."
                  ).format(when=_when(previous.imported_at, result.zone), batch=previous.id))
        else:
            say(_("Nothing changed."))
    return "\n".join(lines)


class console_for:
    """A console for ``out`` that, in a pipe, strips trailing spaces when it closes."""

    def __init__(self, out) -> None:
        import io

        self.out = out
        self.tty = hasattr(out, "isatty") and out.isatty()
        self.buffer = None if self.tty else io.StringIO()

    def __enter__(self):
        return _console(self.out if self.tty else self.buffer, self.tty)

    def __exit__(self, *exc) -> None:
        if self.buffer is not None:
            self.out.write("".join(line.rstrip() + "\n"
                                   for line in self.buffer.getvalue().splitlines()))


def render(result: Any, out) -> None:
    """Rich output on a terminal; in a pipe, plain text without trailing spaces (for diff,
    e-mail and golden files)."""
    _register_pending(type(result))
    line = plain_text(result)
    if line is not None:
        # Each view makes a debtor's value one line; this catches whatever one forgot.
        out.write(terminal_text(line, multiline=True) + "\n")
        return
    if hasattr(out, "isatty") and out.isatty():
        render_text(result, _console(out, True))
        return
    import io

    buffer = io.StringIO()
    render_text(result, _console(buffer, False))
    out.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


@_later(plain_text, "collectctl.app.team", "DbStatus")
def _dbstatus_plain(result: DbStatus) -> str:
    lines = [_("engine: {engine}").format(engine=result.engine),
             _("database: {db}").format(db=result.database)]
    if result.user:
        lines.append(_("connected as: {user}").format(user=result.user))
    state = (_("up to date") if result.schema == result.latest
             else _("needs 'collectctl db migrate' (this version: {latest})").format(
                 latest=result.latest))
    lines.append(_("schema: {n} ({state})").format(n=result.schema, state=state))
    lines.append(", ".join(f"{table} {n:,}" for table, n in result.counts.items()))
    return "\n".join(lines)


@_later(plain_text, "collectctl.app.team", "DbCheck")
def _dbcheck_plain(result) -> str:
    chain = result.chain
    line = _("{db}: ok; the log's chain holds over {n} entries").format(
        db=result.database, n=chain.entries - chain.unchained)
    if chain.unchained:
        line += _(" ({n} earlier entries carry no link)").format(n=chain.unchained)
    if chain.head is not None:
        line += "\n" + _("ledger head after {n} entries: {head}{keyed}").format(
            n=chain.ledger, head=chain.head, keyed=_(" (keyed)") if chain.keyed else "")
    return line


@_later(plain_text, "collectctl.app.team", "CopyResult")
def _copy_plain(result: CopyResult) -> str:
    lines = [_("copied {source} -> {target}; checked on both sides:").format(
        source=result.source, target=result.target)]
    for table, (rows, total) in result.tables.items():
        money = "" if not total else "  " + _("total {amount}").format(
            amount=format_money(Decimal(total) / 100))
        lines.append(f"  {table:<16} {rows:>10,}{money}")
    return "\n".join(lines)


@_later(plain_text, "collectctl.app.team", "TeamList")
def _team_plain(result: TeamList) -> str:
    if not result.members:
        return _("No team members yet: collectctl team add NAME --role collector|lead")
    return "\n".join(f"{shown(name):<20} {role}" for name, role in result.members)


@_later(plain_text, "collectctl.app.team", "Assignment")
def _assignment_plain(result: Assignment) -> str:
    head = (_("Dry run: {n} accounts would be assigned") if result.dry_run
            else _("{n} accounts assigned")).format(n=len(result.chosen))
    rows = [[shown(load.collector), f"{load.accounts}", f"(+{load.added})",
             display.money_totals(load.balance) if load.balance else "0"]
            for load in result.loads]
    lines = [head, *table_lines([_("collector"), _("accounts"), _("(added)"), _("balance")],
                                rows)]
    return "\n".join(lines)
