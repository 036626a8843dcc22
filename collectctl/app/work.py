"""``collectctl work``: the day's plan walked one call at a time, one key per outcome.

The session re-plans after every entry (a callback, a promise or an answered call
changes what comes next; time that has passed is not offered), so the store is the
only state that matters: every entry is committed before the next account appears,
and a session started again later resumes where the day stands. What lives only in
the session is what the collector has not confirmed: accounts set aside for now and a
note waiting for the outcome it belongs to.

Input and output go through a :class:`Terminal` (keys at a real terminal, lines from
a pipe), so the whole loop runs under test with piped input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from collectctl.config import Settings, outcome_book
from collectctl.core import work as W
from collectctl.errors import UsageError
from collectctl.i18n import _, ngettext
from collectctl.render import display  # work mode draws its own screen

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store


class Terminal(Protocol):
    def show(self, result) -> None:
        """Print a result object (rendered as text) or a line of text."""

    def key(self, line: Callable[[], str], wake: Callable[[], bool] | None = None) -> str | None:
        """Wait for one key (or one line); ``line()`` is the status and prompt to show,
        redrawn while waiting where the terminal allows. None at the end of input. With
        ``wake``, an empty line answers, and a terminal answers "" by itself once
        ``wake()`` is true."""

    def ask(self, prompt: str, default: str | None = None) -> str | None:
        """Ask for a value; an empty answer takes ``default``. None at the end of input."""


class _EndOfInput(Exception):
    """The input ended while a value was asked for."""


class _Cancelled(Exception):
    """The collector left a value that has no default empty twice: nothing is logged."""


@dataclass
class WorkSession:
    store: Store
    settings: Settings
    clock: Callable[[], datetime]
    collector: str
    term: Terminal
    set_aside: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)
    logged: int = 0
    #: Accept a promise or a payment larger than the balance (``work --allow-overpay``).
    allow_overpay: bool = False

    def run(self) -> int:
        """Walk the plan until it is empty or the collector quits; the entries logged."""
        from collectctl.app.plan import build_plan
        from collectctl.core.planning import may_call_now
        from collectctl.render.work import call_header, legend

        shown_keys = False
        try:
            while True:
                now = self.clock()
                plan = build_plan(self.store, self.settings, now, self.collector, now.date(),
                                  leave_out=frozenset(self.set_aside))
                if not plan.calls:
                    self.term.show(display.reason(plan.note) if plan.note
                                   else _("Nothing left to call today."))
                    break
                call = W.next_call(plan.calls, lambda c, p=plan, t=now: may_call_now(
                    p, self.settings, c.account_id, t))
                if call is None:
                    if not self._wait(plan.calls[0]):
                        break
                    continue
                if not shown_keys:
                    self.term.show(legend(self._book()))
                    shown_keys = True
                after = [c for c in plan.calls if c is not call][:1]
                self.term.show(call_header(call, after))
                self._show_file(call.account_id)
                if not self._work_on(call, plan, now):
                    break
        except KeyboardInterrupt:  # Ctrl-C: everything confirmed is already committed
            self.term.show("")
        self.term.show(ngettext(
            "{n} entry logged this session; 'collectctl work' carries on from where the day "
            "stands.",
            "{n} entries logged this session; 'collectctl work' carries on from where the "
            "day stands.", self.logged).format(n=self.logged))
        return self.logged

    def _wait(self, first) -> bool:
        """Nothing may be called yet: say what comes next and when; False to quit."""
        step = timedelta(minutes=self.settings.call.handle_minutes)
        self.term.show(_("Nothing to call now. Next: {time} {id} ({why}).").format(
            time=first.start.strftime("%H:%M"), id=first.account_id,
            why=display.plan_reasons(first.reasons, first.callback_at) or "-"))
        key = self.term.key(lambda: _("Enter looks again, q quits › "),
                            wake=lambda: self.clock() >= first.start - step)
        return W.action_for(key, lambda name: None).kind != "quit"

    # -- one account --------------------------------------------------------------------

    def _work_on(self, call, plan, shown_at: datetime) -> bool:
        """Keys for one account until something moves the day on; False to quit."""
        from collectctl.render.work import status_line

        status = self.day_status(len(plan.calls))
        book = self._book()
        while True:
            key = self.term.key(lambda: status_line(status, self.clock() - shown_at))
            action = W.action_for(key, lambda name: _code_of(book, name))
            if action.kind == "quit":
                return False
            if action.kind == "unknown":
                self.term.show(_("{key!r} is not a key here; ? lists them").format(key=key))
            elif action.kind == "help":
                from collectctl.render.work import legend

                self.term.show(legend(book))
            elif action.kind == "note":
                text = self.term.ask(_("Note"))
                if text is None:
                    return False
                if text.strip():
                    self.notes[call.account_id] = text.strip()
                    self.term.show(_("note kept; it is saved with this call's outcome"))
            elif action.kind == "phone":
                if self._add_phone(call.account_id) is None:
                    return False
            elif action.kind == "skip":
                self.set_aside.add(call.account_id)
                self.term.show(_("{id} set aside until you start work again").format(
                    id=call.account_id))
                return True
            elif action.kind == "undo":
                self._undo()
                return True
            else:
                code = action.code
                if action.kind == "hold":
                    code = self._choose_hold()
                elif action.kind == "other":
                    code = self._ask_code(book)
                if code is None:
                    continue
                done = self._log(call, plan, code, shown_at)
                if done is None:
                    return False
                if done:
                    return True

    def _log(self, call, plan, code: str, shown_at: datetime) -> bool | None:
        """Ask what the outcome needs and log it; True when logged, False when it was not
        (the collector is back at the key prompt), None at the end of input."""
        from collectctl.app.calls import log_call

        outcome = outcome_book(self.settings).get(code)
        state = plan.states[call.account_id]
        try:
            answers = self._ask_needs(outcome, state)
        except _Cancelled:
            self.term.show(_("nothing logged"))
            return False  # back at the key prompt
        if answers is None:
            return None
        amount, day, at = answers
        try:
            logged = log_call(
                self.store, self.settings, self.clock(), call.account_id, outcome.code,
                collector=self.collector, amount=amount, day=day, at=at, phone=call.phone,
                note=self.notes.get(call.account_id), allow_overpay=self.allow_overpay)
        except UsageError as error:
            self.term.show(_("not logged: {reason}").format(reason=display.error_text(error)))
            return False  # back at the key prompt: the same key asks again
        self.notes.pop(call.account_id, None)
        self.logged += 1
        from collectctl.render.text import logged_line, logged_warnings

        self.term.show(_("{line} ({spent} on the account)").format(
            line=logged_line(logged), spent=W.clock_text(self.clock() - shown_at)))
        for warning in logged_warnings(logged):
            self.term.show(warning)
        return True

    def _ask_needs(self, outcome, state):
        """(amount, date, time) as typed, with defaults, each read as it is given (a typo
        is asked again at once); None at the end of input. The amount's default is
        :func:`core.work.amount_offered`'s (a promise's minimum due, or none): without one
        an empty answer asks again, and a second cancels (:class:`_Cancelled`)."""
        from zoneinfo import ZoneInfo

        from collectctl.core.entries import LAST, NEXT, parse_day, parse_moment

        now = self.clock()
        today, order = now.date(), self.settings.import_.date_order
        amount = day = at = None
        account = state.account
        try:
            if outcome.effect in ("promise", "payment") or "amount" in outcome.needs:
                minimum = W.amount_offered(outcome.effect, account.minimum_due, state.balance)
                amount = self._answer(
                    _("Amount (minimum due)") if minimum is not None
                    else _("Amount (Enter twice cancels)"),
                    f"{minimum:.2f}" if minimum is not None else None,
                    lambda text: self._amount(text, outcome, state))
            if outcome.effect == "promise" or "date" in outcome.needs:
                offered = W.promise_date(account.paydays, today,
                                         self.settings.promise.max_days)
                # The default as dates are shown in the interface language (2026/12/25 in
                # zh_TW), which parse_day reads back in any date order.
                day = self._answer(_("Promise date"), display.plain_day(offered),
                                   lambda text: parse_day(text, today, order, NEXT))
            elif outcome.effect == "payment":
                day = self._answer(_("Paid on"), display.plain_day(today),
                                   lambda text: parse_day(text, today, order, LAST))
            if outcome.effect == "callback" or "time" in outcome.needs:
                local = now.astimezone(ZoneInfo(account.timezone))
                offered = W.callback_time(local)
                default = (offered.strftime("%H:%M") if offered.date() == local.date()
                           else offered.strftime("%Y-%m-%dT%H:%M"))
                at = self._answer(
                    _("Call back at (the debtor's time, {zone})").format(zone=account.timezone),
                    default, lambda text: parse_moment(text, local.date(), account.timezone))
        except _EndOfInput:
            return None
        return amount, day, at

    def _amount(self, text: str, outcome, state) -> None:
        """An amount as typed, refused (and so asked again) where a promise or a payment
        would be more than the balance, unless ``allow_overpay`` (as ``log`` does)."""
        from collectctl.core.entries import check_payment, check_promise
        from collectctl.core.models import Payment
        from collectctl.ingest.fields import parse_amount

        amount = parse_amount(text)[0]
        account, today = state.account, self.clock().date()
        if outcome.effect == "promise":
            check_promise(amount, state.balance, account.currency, self.allow_overpay)
        elif outcome.effect == "payment":
            check_payment(Payment(None, account.account_id, amount, today), today,
                          state.balance, account.currency, self.allow_overpay)

    def _answer(self, prompt: str, default: str | None, read) -> str:
        """An answer that ``read`` accepts (asked again until it does). Without a
        ``default`` an empty answer asks again, and a second one in a row cancels."""
        from collectctl.ingest.fields import FieldError
        empty = False
        while True:
            text = self.term.ask(prompt, default)
            if text is None:
                raise _EndOfInput
            if default is None and not text.strip():
                if empty:
                    raise _Cancelled
                empty = True
                self.term.show(_("nothing typed: type it, or press Enter again to log nothing"))
                continue
            empty = False
            try:
                read(text)
                return text
            except FieldError as error:
                self.term.show(_("{reason}; try again").format(
                    reason=display.problem(error.code, error.detail)))
            except UsageError as error:
                self.term.show(_("{reason}; try again").format(reason=display.error_text(error)))

    def _choose_hold(self) -> str | None:
        choices = ", ".join(f"{k} {code}" for k, code in W.HOLD_CHOICES)
        answer = self.term.ask(_("Which hold? ({choices})").format(choices=choices),
                               W.HOLD_CHOICES[0][0])
        for k, code in W.HOLD_CHOICES:
            if answer is not None and answer.strip().lower() in (k, code):
                return code
        if answer is not None:
            self.term.show(_("{answer!r} is neither; nothing logged").format(answer=answer))
        return None

    def _ask_code(self, book) -> str | None:
        answer = self.term.ask(_("Outcome code"))
        if not answer:
            return None
        code = _code_of(book, answer)
        if code is None:
            self.term.show(_("{answer!r} is not an outcome code ({codes})").format(
                answer=answer, codes=", ".join(o.code for o in book.outcomes)))
        return code

    def _add_phone(self, account_id: str) -> bool | None:
        from collectctl.app.calls import add_contact
        from collectctl.ingest.fields import parse_phones

        text = self.term.ask(_("Phone number"))
        if text is None:
            return None
        if not text.strip():
            return False
        parsed = parse_phones(text, self.settings.phone_region, "other")
        if not parsed or not parsed[0].valid:
            from collectctl.render.redact import mask_phone

            self.term.show(_("{phone!r} is not a valid phone number for region {region}")
                           .format(phone=mask_phone("".join(text.split())),
                                   region=self.settings.phone_region))
            return False
        added = add_contact(self.store, self.clock(), account_id, parsed[0])
        self.term.show((_("{id}: {phone} added") if added
                        else _("{id}: {phone} is already on file")).format(
            id=account_id, phone=parsed[0].number))
        return True

    def _undo(self) -> None:
        from collectctl.app.calls import undo
        from collectctl.render.text import plain_text

        try:
            undone = undo(self.store, self.settings, self.clock(), None, self.collector)
        except UsageError as error:
            self.term.show(_("nothing undone: {reason}").format(reason=display.error_text(error)))
            return
        self.set_aside.discard(undone.original.account_id)
        self.term.show(plain_text(undone))

    # -- what is on screen ----------------------------------------------------------------

    def _show_file(self, account_id: str) -> None:
        from collectctl.app.accounts import account_file

        self.term.show(account_file(self.store, self.settings, self.clock().date(), account_id))
        if account_id in self.notes:
            self.term.show(_("Note for this call: {note}").format(note=self.notes[account_id]))

    def day_status(self, remaining: int) -> W.DayStatus:
        """Today's numbers for the status line (the collector's own, as in ``progress``)."""
        from collectctl.app.reports import build_report
        from collectctl.core.targets import goal_for

        now = self.clock()
        today = now.date()
        mine = build_report(self.store, self.settings, now, today, today, self.collector,
                            charts=False).team
        targets = self.store.targets()

        def target(metric: str):
            return goal_for(targets, self.collector, metric, today, today, self.settings)

        def count(metric: str):
            goal = target(metric)
            return goal.value if goal is not None else None

        return W.DayStatus(
            calls=mine.calls, remaining=remaining,
            right_party_contacts=mine.right_party_contacts,
            promised=mine.promised_amount, collected=mine.collected,
            calls_target=count("calls"),
            right_party_target=count("right_party_contacts"),
            promised_target=target("promised_amount"),
            collected_target=target("collected"),
        )

    def _book(self):
        return outcome_book(self.settings)


def _code_of(book, name: str) -> str | None:
    outcome = book.find(name)
    return outcome.code if outcome else None
