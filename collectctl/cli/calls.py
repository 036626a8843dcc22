"""Commands a collector runs all day: ``log``, ``undo``, ``pay``, ``promises``, ``contact``,
``skip``, ``account`` (--resume, the debtor's requests). Heavy modules are imported inside
the commands."""

from __future__ import annotations

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import PromiseDue, PromiseStatus, TextJson, format_option
from collectctl.errors import UsageError
from collectctl.i18n import _

contact_app = typer.Typer(help=_("Phone numbers of an account: add, mark invalid, list."),
                          no_args_is_help=True)


def log(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_("The account called.")),
    # {outcomes}: every code with its aliases, in the interface language (cli.options).
    outcome: str = typer.Argument(..., metavar="OUTCOME", help=_(
        "What happened, a code or one of its aliases: {outcomes}.")),
    amount: str = typer.Option(None, "--amount", "-a", help=_("Amount promised or paid.")),
    day: str = typer.Option(None, "--date", "-d", help=_(
        "Promise date (or payment date): 2026-12-10, 115/12/10, 12/10 (the next one; a "
        "payment's: the last), +7, fri.")),
    at: str = typer.Option(None, "--at", help=_("Callback time in the debtor's time zone: "
                                                "15:30 (today or --date) or 2026-12-10T15:30.")),
    phone: str = typer.Option(None, "--phone", "-p", help=_("The number dialled (default: "
                                                            "the first valid one).")),
    note: str = typer.Option(None, "--note", "-n", help=_("A note for the file.")),
    collector: str = typer.Option(None, "--collector", "-c", help=_("Who called (default: "
                                                                    "me from the config).")),
    allow_overpay: bool = typer.Option(False, "--allow-overpay", help=_(
        "Accept a payment or a promise larger than the balance.")),
) -> None:
    """Log a call's outcome in one line; its effects (promise, payment, hold...) follow."""
    from collectctl.app.calls import log_call
    from collectctl.render import emit

    state = app_context(ctx)
    logged = log_call(state.store, state.settings, state.now, account_id, outcome,
                      collector=collector, amount=amount, day=day, at=at, phone=phone,
                      note=note, allow_overpay=allow_overpay)
    emit(logged, "text")
    from collectctl.render.text import logged_warnings

    for line in logged_warnings(logged):
        typer.echo(line, err=True)


def undo(
    ctx: typer.Context,
    call_id: int = typer.Argument(None, metavar="[CALL_ID]", help=_(
        "The entry to reverse (default: your last one).")),
    collector: str = typer.Option(None, "--collector", "-c", help=_("Whose last entry.")),
) -> None:
    """Reverse your last log entry (or the one named) and every effect it had.

    Nothing is deleted: a reversal is appended to the log.
    """
    from collectctl.app.calls import undo as undo_entry
    from collectctl.render import emit

    state = app_context(ctx)
    emit(undo_entry(state.store, state.settings, state.now, call_id, collector), "text")


def account(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_("The account to change.")),
    resume: bool = typer.Option(False, "--resume", help=_(
        "Lift a dispute or cease-contact hold: calls may start again.")),
    avoid: list[str] = typer.Option(None, "--avoid", metavar="HH:MM-HH:MM", help=_(
        "The debtor asked not to be called then, their local time: 12:00-13:30; "
        "21:00-08:00 crosses midnight; 00:00-24:00 is the whole day. Repeat for several.")),
    days: str = typer.Option(None, "--days", help=_(
        "The days those --avoid windows open on: mon-fri, sat,sun (default every day).")),
    no_workplace: bool = typer.Option(False, "--no-workplace", help=_(
        "The debtor asked not to be called at work.")),
    avoid_clear: bool = typer.Option(False, "--avoid-clear", help=_(
        "Lift every --avoid window and --no-workplace (with --avoid: replace them).")),
    note: str = typer.Option(None, "--note", "-n", help=_("Why (kept in the log).")),
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Who makes the change (default: me from the config).")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Change an account's state: --resume after a dispute or cease-contact is cleared;
    the debtor's own requests (--avoid, --no-workplace, --avoid-clear), kept in the log
    with who set them. Without options, print the debtor's requests."""
    from collectctl.render import emit

    state = app_context(ctx)
    asks = bool(avoid) or days is not None or no_workplace or avoid_clear
    if resume:
        from collectctl.app import Message
        from collectctl.app.calls import resume as resume_account

        if asks:
            raise UsageError(_("--resume is a change of its own: record --avoid, "
                               "--no-workplace or --avoid-clear in another command"))
        entry = resume_account(state.store, state.settings, state.now, account_id, collector,
                               note)
        emit(Message(_("{id}: resumed (entry {n}); calls may start again").format(
            id=account_id, n=entry.id)), "text")
        return
    from collectctl.app import requests

    if not asks:
        emit(requests.account_requests(state.store, state.settings, account_id), fmt.value)
        return
    emit(requests.set_requests(state.store, state.settings, state.now, account_id,
                               avoid=avoid or (), days=days, no_workplace=no_workplace,
                               clear=avoid_clear, collector=collector, note=note), fmt.value)


def pay(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_(
        "The account the payment is for.")),
    amount: str = typer.Argument(..., metavar="AMOUNT", help=_("The amount paid.")),
    day: str = typer.Option(None, "--date", "-d", help=_(
        "When it was paid (default today): 2026-12-03, 12/03 (the last one), yesterday.")),
    reference: str = typer.Option(None, "--reference", "-r", help=_(
        "The bank's reference; the same reference is recorded once.")),
    allow_overpay: bool = typer.Option(False, "--allow-overpay", help=_(
        "Accept a payment larger than the balance.")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Record a payment on an account."""
    from collectctl.app.calls import record_payment
    from collectctl.core.entries import LAST, parse_day
    from collectctl.core.models import Payment
    from collectctl.ingest.fields import FieldError, parse_amount
    from collectctl.render import display, emit

    state = app_context(ctx)
    try:
        value = parse_amount(amount)[0]
    except FieldError as error:
        raise UsageError(_("AMOUNT: {reason}").format(
            reason=display.problem(error.code, error.detail))) from None
    today = state.now.date()
    paid_on = parse_day(day, today, state.settings.import_.date_order, LAST) if day else today
    payment = Payment(None, account_id, value, paid_on, reference, "pay")
    emit(record_payment(state.store, state.settings, state.now, payment, allow_overpay),
         fmt.value)


def promises(
    ctx: typer.Context,
    due: PromiseDue = typer.Option(PromiseDue.all.value, "--due", help=_(
        "today: due today; overdue: past due and not kept; all.")),
    status: PromiseStatus = typer.Option(None, "--status", help=_("pending, kept or broken.")),
    collector: str = typer.Option(None, "--collector", "-c", help=_("Only this collector's "
                                                                    "accounts.")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """List promises to pay and whether each was kept (derived from payments)."""
    from collectctl.app.calls import PromiseList
    from collectctl.core.promises import select_promises
    from collectctl.render import emit

    state = app_context(ctx)
    found = state.store.promises(collector)
    ids = sorted({p.account_id for p in found})
    payments = state.store.payments_for(ids)
    views = select_promises(found, payments, state.now.date(),
                            state.settings.promise.grace_days, due.value,
                            status.value if status else None, state.store.currencies_of(ids))
    emit(PromiseList(tuple(views)), fmt.value)


def skip(
    ctx: typer.Context,
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Accounts that need skip tracing: no valid phone, or logged as skip."""
    from collectctl.app.calls import SkipList
    from collectctl.config import outcome_book
    from collectctl.core.accounts import account_view
    from collectctl.core.activity import balances
    from collectctl.render import emit

    state = app_context(ctx)
    codes = outcome_book(state.settings).codes(lambda o: o.effect == "skip")
    ids = state.store.skip_list(codes)
    accounts = state.store.get_accounts(ids)
    today = state.now.date()
    owed = balances(accounts.values(), state.store.payments_for(ids))
    emit(SkipList(tuple(account_view(accounts[i], today) for i in ids), owed), fmt.value)


@contact_app.command("add")
def contact_add(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_(
        "The account the number belongs to.")),
    phone: str = typer.Argument(..., metavar="PHONE", help=_(
        "The number as you heard it: 0919 000 002, (02) 2345-6789, +886919000002.")),
    label: str = typer.Option("other", "--label", help=_(
        "Whose number: the debtor's (mobile, home, phone), their workplace's (work), or a "
        "third party's, which the plan never dials (relative, reference, emergency, "
        "other: the default).")),
    name: str = typer.Option(None, "--name", help=_("Whose number (a relative, the office).")),
) -> None:
    """Add a number gathered on a call (0919 000 002 and +886919000002 are one number)."""
    from collectctl.app import Message
    from collectctl.app.calls import add_contact
    from collectctl.core.models import PHONE_LABELS
    from collectctl.ingest.fields import parse_phones
    from collectctl.render import emit
    from collectctl.render.redact import mask_phone

    if label not in PHONE_LABELS:
        raise UsageError(_("--label {label!r} is not one of {labels}").format(
            label=label, labels=", ".join(PHONE_LABELS)))
    state = app_context(ctx)
    parsed = parse_phones(phone, state.settings.phone_region, label)
    if not parsed or not parsed[0].valid:
        # Masked as --redact masks: an error line may end up in a log or a screenshot.
        raise UsageError(_("{phone!r} is not a valid phone number for region {region}").format(
            phone=mask_phone("".join(phone.split())), region=state.settings.phone_region))
    number = parsed[0]
    if name:
        from dataclasses import replace

        number = replace(number, label=f"{label}: {name}")
    added = add_contact(state.store, state.now, account_id, number)
    text = (_("{id}: {phone} added ({label})") if added
            else _("{id}: {phone} is already on file")).format(
        id=account_id, phone=number.number, label=number.label)
    emit(Message(text), "text")


@contact_app.command("invalid")
def contact_invalid(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_(
        "The account the number belongs to.")),
    phone: str = typer.Argument(..., metavar="PHONE", help=_(
        "The number to stop dialling, written any way (0919 000 002 or +886919000002).")),
) -> None:
    """Mark one of an account's numbers invalid (the plan stops dialling it)."""
    from collectctl.app import Message
    from collectctl.app.calls import mark_contact_invalid
    from collectctl.core import reasons as r
    from collectctl.errors import EntryError
    from collectctl.ingest.fields import parse_phones
    from collectctl.render import emit
    from collectctl.render.redact import mask_phone

    state = app_context(ctx)
    parsed = parse_phones(phone, state.settings.phone_region, "other")
    number = parsed[0].number if parsed else "".join(phone.split())
    try:
        changed = mark_contact_invalid(state.store, account_id, number)
    except EntryError as error:
        if error.code != r.NOT_ITS_PHONE:
            raise
        raise UsageError(_("{phone} is not one of {id}'s phones").format(
            phone=mask_phone(number), id=account_id)) from None
    text = (_("{id}: {phone} marked invalid") if changed
            else _("{id}: {phone} was already invalid")).format(id=account_id, phone=number)
    emit(Message(text), "text")


@contact_app.command("list")
def contact_list(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_(
        "The account whose numbers to list.")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """List an account's phone numbers, valid and invalid."""
    from collectctl.app.calls import Contacts, require_account
    from collectctl.core.accounts import account_view
    from collectctl.render import emit

    state = app_context(ctx)
    account = require_account(state.store, account_id)
    emit(Contacts(account_view(account, state.now.date())), fmt.value)


def register(app: typer.Typer) -> None:
    app.command("log")(log)
    app.command("undo")(undo)
    app.command("account")(account)
    app.command("pay")(pay)
    app.command("promises")(promises)
    app.command("skip")(skip)
    app.add_typer(contact_app, name="contact")
