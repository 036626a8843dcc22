"""Human output: rich tables on a terminal, the same text without colour in a pipe."""

from __future__ import annotations

from functools import singledispatch
from pathlib import PurePath
from typing import Any

from collectctl.core.accounts import AccountView, best_phone
from collectctl.core.models import ImportResult
from collectctl.i18n import _, ngettext
from collectctl.render.results import AccountList, Dossier, Message

#: Width used when output is not a terminal, so piped tables don't wrap at 80 columns.
PIPE_WIDTH = 160


def format_money(amount, currency: str | None = None) -> str:
    text = f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


def _console(out, is_tty: bool):
    from rich.console import Console

    return Console(file=out, width=None if is_tty else PIPE_WIDTH, highlight=False,
                   soft_wrap=not is_tty)


@singledispatch
def render_text(result: Any, console) -> None:
    console.print(str(result), markup=False)


@render_text.register
def _message(result: Message, console) -> None:
    console.print(result.text, markup=False)


def _phone_text(p) -> str:
    text = p.number + (f" ext {p.extension}" if p.extension else "")
    return text if p.valid else text + " " + _("(invalid)")


@render_text.register
def _accountlist(result: AccountList, console) -> None:
    from rich.table import Table

    if not result.accounts:
        console.print(_("No accounts match."), markup=False)
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for title, justify in (
        (_("Account"), "left"), (_("Debtor"), "left"), (_("Amount due"), "right"),
        (_("DPD"), "right"), (_("Phone"), "left"), (_("Collector"), "left"),
        (_("Status"), "left"),
    ):
        table.add_column(title, justify=justify, no_wrap=True)
    total = {}
    for a in result.accounts:
        phone = best_phone(a)
        table.add_row(
            a.account_id, a.name or "", format_money(a.amount_due, a.currency),
            "" if a.days_past_due is None else str(a.days_past_due),
            _phone_text(phone) if phone else _("no valid phone"),
            a.assigned_to or "", a.status,
        )
        total[a.currency] = total.get(a.currency, 0) + a.amount_due
    console.print(table)
    sums = ", ".join(format_money(v, k) for k, v in sorted(total.items()))
    console.print(
        ngettext("{n} account, {total}", "{n} accounts, {total}", len(result.accounts)).format(
            n=len(result.accounts), total=sums),
        markup=False,
    )


def _dossier_lines(a: AccountView) -> list[tuple[str, str]]:
    paydays = ", ".join(str(d) for d in a.paydays)
    return [
        (_("Debtor"), a.name or "-"),
        (_("Amount due"), format_money(a.amount_due, a.currency)),
        (_("Days past due"), "-" if a.days_past_due is None else str(a.days_past_due)),
        (_("Due date"), a.due_date.isoformat() if a.due_date else "-"),
        (_("Work starts"), a.work_start or "-"),
        (_("Paydays"), paydays or "-"),
        (_("Time zone"), a.timezone),
        (_("Collector"), a.assigned_to or "-"),
        (_("Risk"), a.risk or "-"),
        (_("Status"), a.status),
        (_("Notes"), a.notes or "-"),
    ]


@render_text.register
def _dossier(result: Dossier, console) -> None:
    from rich.table import Table

    a = result.account
    console.print(_("Account {id}").format(id=a.account_id), style="bold", markup=False)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    for label, value in _dossier_lines(a):
        grid.add_row(label, value)
    console.print(grid)
    console.print(_("Phones"), style="bold", markup=False)
    if not a.phones:
        console.print("  " + _("none: needs skip tracing"), markup=False)
    for p in a.phones:
        console.print(f"  {_phone_text(p)}  ({p.label})", markup=False)


@render_text.register
def _importresult(result: ImportResult, console) -> None:
    say = console.print
    counts = _(
        "{inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected"
    ).format(inserted=result.inserted, updated=result.updated, unchanged=result.unchanged,
             rejected=len(result.rejected))
    say(_("{file} ({encoding}): {counts}").format(
        file=PurePath(result.file).name, encoding=result.encoding, counts=counts), markup=False)
    if result.closed:
        say(ngettext("{n} account closed (not in the file).",
                     "{n} accounts closed (not in the file).", result.closed).format(
            n=result.closed), markup=False)
    for reject in result.rejected:
        say(_("  line {line}: {id}: {reason}").format(
            line=reject.line, id=reject.account_id or "-", reason=reject.reason), markup=False)
    if result.no_valid_phone:
        say(_("No valid phone (needs skip tracing): {ids}").format(
            ids=", ".join(result.no_valid_phone)), markup=False)
    if result.strict_aborted:
        say(_("--strict: nothing was imported because rows were rejected."), markup=False)
    elif result.dry_run:
        say(_("Dry run: nothing was written."), markup=False)
    elif result.inserted == result.updated == result.closed == 0 and not result.rejected:
        previous = result.previous_batch
        if previous is not None:
            say(_("Nothing changed: this file was already imported on {when} (batch {batch})."
                  ).format(when=previous.imported_at.strftime("%Y-%m-%d %H:%M UTC"),
                           batch=previous.id), markup=False)
        else:
            say(_("Nothing changed."), markup=False)


def render(result: Any, out) -> None:
    """Rich output on a terminal; in a pipe, plain text without trailing spaces (for diff,
    e-mail and golden files)."""
    if hasattr(out, "isatty") and out.isatty():
        render_text(result, _console(out, True))
        return
    import io

    buffer = io.StringIO()
    render_text(result, _console(buffer, False))
    out.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))
