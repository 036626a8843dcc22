"""Views of a plan for each format (table, json, csv, ics), redaction included."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from collectctl.app.plan import Plan, PlannedCall, WhyNot
from collectctl.core.planning import schedule_weight
from collectctl.core.reasons import NO_SLOTS_ON_DAY, Reason
from collectctl.i18n import _, ngettext
from collectctl.render import display
from collectctl.render.redact import mask_name, mask_phone
from collectctl.render.safe import json_text, one_line, terminal_text
from collectctl.render.text import NAME_MIN
from collectctl.render.width import columns, pad, table_lines

if TYPE_CHECKING:
    from rich.console import JustifyMethod


def detail_json(reason: Reason) -> dict:
    """A reason's parameters as JSON values (dates and moments ISO, money a string)."""
    from collectctl.render.jsonfmt import to_jsonable

    return {key: to_jsonable(value) for key, value in reason.detail.items()}


def reason_json(reason: Reason) -> dict:
    """``{"code": "cap_7_days", "detail": {"calls": 7}}``."""
    return {"code": reason.code, "detail": detail_json(reason)}


def english(reason: Reason) -> str:
    """A reason in English words, whatever the interface language: JSON's ``text`` is the
    same in every language (scripts and logs), the codes being the contract."""
    return display.in_english(display.reason, reason)


def call_json(call: PlannedCall, redact: bool) -> dict:
    data = {
        "account_id": call.account_id,
        "start": call.start.isoformat(),
        "end": call.end.isoformat(),
        "score": float(call.score),
        "phone": mask_phone(call.phone) if redact else call.phone,
        "reasons": list(call.reasons),
        "window": call.window,
        "name": mask_name(call.name) if redact else call.name,
        "balance": f"{call.balance:.2f}",
        "currency": call.currency,
        "days_past_due": call.days_past_due,
        "expected": f"{call.expected:.2f}",
    }
    if call.callback_at is not None:
        data["callback_at"] = call.callback_at.isoformat()
    data["outside_shift"] = call.outside_shift
    if call.zones:
        data["debtor_local"] = debtor_local(call, call.zones[0]).isoformat()
        data["debtor_zones"] = [{"zone": zone, "local": debtor_local(call, zone).isoformat()}
                                for zone in call.zones]
    return data


def debtor_local(call: PlannedCall, zone: str) -> datetime:
    """The call's start on the debtor's clock in ``zone``."""
    from zoneinfo import ZoneInfo

    return call.start.astimezone(ZoneInfo(zone))


def call_why(call: PlannedCall) -> str:
    """A planned call's "why" in words, marked when it is a callback at its own time
    outside the shift's slots."""
    words = display.plan_reasons(call.reasons, call.callback_at)
    return _("outside the shift: {why}").format(why=words) if call.outside_shift else words


def why_not_json(answer: WhyNot) -> dict:
    return {"account_id": answer.account_id, "planned": answer.planned,
            "reason": answer.reason.code, "detail": detail_json(answer.reason),
            "text": english(answer.reason)}


def why_not_text(answer: WhyNot) -> str:
    return _("{id}: {why}").format(id=terminal_text(answer.account_id),
                                   why=display.reason(answer.reason))


def plan_json(plan: Plan, redact: bool = False) -> dict:
    return {
        "date": plan.date.isoformat(),
        "collector": plan.collector,
        "calls": [call_json(c, redact) for c in plan.calls],
        "overflow": [{"account_id": o.account_id, "score": float(o.score),
                      "reason": o.reason.code, "detail": detail_json(o.reason)}
                     for o in plan.overflow],
        "slots": plan.slots,
        "note": reason_json(plan.note) if plan.note else None,
        "expected": plan.expected().json(),
    }


def plan_json_text(plan: Plan, redact: bool = False) -> str:
    """One plan as compact JSON on one line (``plan --all`` writes one per collector)."""
    import json

    return json_text(json.dumps(plan_json(plan, redact), ensure_ascii=False,
                                separators=(",", ":")))


#: The Why column keeps at least this many cells before the debtor's name is cut, and
#: before the columns a narrow terminal goes without (:data:`NARROW_DROPS`) are left out.
WHY_MIN = 20
#: The least a Why column is cut to, before it is left out too.
WHY_LAST = 8
#: The columns a terminal too narrow for every one leaves out, in this order (the
#: window and the days past due are in ``--format json`` and ``--explain``).
NARROW_DROPS = ("window", "dpd")


def _plan_columns(plan: Plan, redact: bool) -> list[tuple[str, str, JustifyMethod, list[str]]]:
    """The plan table's columns: key, heading, alignment, cells (each one line)."""
    calls = plan.calls
    theirs = [display.debtor_time(c.start, c.zones) for c in calls]
    columns: list[tuple[str, str, JustifyMethod, list[str]]] = [
        ("time", _("Time"), "left",
         [c.start.strftime("%H:%M") + ("*" if c.pinned else "") for c in calls])]
    if any(theirs):
        columns.append(("theirs", _("Their time"), "left", theirs))
    columns += [
        ("account", _("Account"), "left", [c.account_id for c in calls]),
        ("name", _("Debtor"), "left",
         [mask_name(c.name) if redact else (c.name or "") for c in calls]),
        ("balance", _("Balance"), "right",
         [display.money(c.balance, c.currency) for c in calls]),
        ("dpd", _("DPD"), "right",
         ["" if c.days_past_due is None else str(c.days_past_due) for c in calls]),
        ("phone", _("Phone"), "left",
         [(mask_phone(c.phone) if redact else display.phone(c.phone)) or _("no phone")
          for c in calls]),
        ("window", _("Window"), "left", [display.window(c.window) for c in calls]),
        ("why", _("Why"), "left", [call_why(c) for c in calls]),
    ]
    return [(key, head, justify, [terminal_text(cell) for cell in cells])
            for key, head, justify, cells in columns]


#: How a plan table gives way, stage by stage, until it fits: the columns left out, and
#: the columns cut (each to its minimum, in order). The time, the account, the balance,
#: the phone and the debtor's own time are never cut: a table that does not fit even
#: without the rest is shown whole, wider than the screen, rather than with a number cut.
FIT_STAGES: tuple[tuple[tuple[str, ...], tuple[tuple[str, int], ...]], ...] = (
    ((), (("why", WHY_MIN), ("name", NAME_MIN))),
    (NARROW_DROPS[:1], (("why", WHY_MIN), ("name", NAME_MIN))),
    (NARROW_DROPS, (("why", WHY_MIN), ("name", NAME_MIN))),
    (NARROW_DROPS, (("why", WHY_LAST), ("name", NAME_MIN))),
    ((*NARROW_DROPS, "why"), (("name", NAME_MIN),)),
)


def fit_columns(columns, total: int) -> list[tuple[tuple, int]]:
    """The columns a table ``total`` cells wide shows, each with its width, by the first
    of :data:`FIT_STAGES` that fits (the last one when none does)."""
    from collectctl.render.width import columns as cells_of
    from collectctl.render.width import fit

    for dropped, cuts in FIT_STAGES:
        shown = [c for c in columns if c[0] not in dropped]
        widths = [max(cells_of(text) for text in [head, *cells])
                  for _key, head, _justify, cells in shown]
        keys = [column[0] for column in shown]
        fitted, over = fit(widths, total, [(keys.index(key), least) for key, least in cuts
                                           if key in keys])
        if not over:
            break
    return list(zip(shown, fitted, strict=True))


def plan_table(plan: Plan, redact: bool, console) -> None:
    """The day's calls in a table that fits the terminal (:func:`fit_columns`): every
    cell on one line, the Why and the debtor's name ending in an ellipsis when the room
    runs out (``--explain ID`` has every reason). The debtor's own time is a column when
    any debtor's clock reads other than yours; a pinned callback's time is marked ``*``."""

    title = f"{plan.collector} · {display.day(plan.date)}"
    console.print(title, style="bold", markup=False)
    if plan.note:
        console.print(display.reason(plan.note), markup=False)
    if not plan.calls:
        console.print(_("No calls planned."), markup=False)
        if plan.note is not None and plan.note.code == NO_SLOTS_ON_DAY:
            console.print(_("Tomorrow's plan: collectctl plan --date tomorrow"), markup=False)
        return
    from collectctl.render.width import fitted_lines

    shown = fit_columns(_plan_columns(plan, redact), console.width)
    lines = fitted_lines([head for (_k, head, _j, _c), _w in shown],
                         [list(row) for row in zip(*(cells for (_k, _h, _j, cells), _w in shown),
                                                   strict=True)],
                         [width for _column, width in shown],
                         frozenset(i for i, ((_k, _h, justify, _c), _w) in enumerate(shown)
                                   if justify == "right"))
    console.print(lines[0], style="bold", markup=False, crop=False, soft_wrap=True)
    for line in lines[1:]:
        console.print(line, markup=False, crop=False, soft_wrap=True)
    if any(c.pinned for c in plan.calls):
        console.print(_("* a callback the debtor asked for, pinned to its time"), markup=False)
    summary = _("{calls} in {slots}; {over} in the overflow; {out} not callable "
                "today (--why-not ID)").format(
        calls=ngettext("{n} call", "{n} calls", len(plan.calls)).format(n=len(plan.calls)),
        slots=ngettext("{n} slot", "{n} slots", plan.slots).format(n=plan.slots),
        over=len(plan.overflow), out=len(plan.excluded))
    console.print(summary, markup=False)
    console.print(_("Expected collections: {amounts}").format(
        amounts=display.money_totals(plan.expected())), markup=False)


def plan_csv(plan: Plan, redact: bool, out, raw: bool = False) -> None:
    """The plan as CSV; ``raw``: every cell as it is, no formula guard (for a dialer)."""
    import csv

    from collectctl.render.safe import csv_cell, number_cell, raw_cell

    text, number = (raw_cell, raw_cell) if raw else (csv_cell, number_cell)

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["start", "end", "account_id", "name", "balance", "currency",
                     "days_past_due", "phone", "window", "score", "reasons"])
    for c in plan.calls:
        writer.writerow([
            text(c.start.isoformat()), text(c.end.isoformat()), text(c.account_id),
            text(mask_name(c.name) if redact else c.name), number(f"{c.balance:.2f}"),
            text(c.currency), number(c.days_past_due),
            text(mask_phone(c.phone) if redact else c.phone), text(c.window),
            number(f"{c.score}"),
            text("; ".join(c.reasons))])  # codes: a spreadsheet filters on them


def calendar_moment(moment: datetime) -> datetime:
    """``moment`` as a calendar file states it: the wall time in its own zone (written with
    that zone's ``TZID``), read through UTC so that it is one that exists that day (a shift
    stepped in local time holds 02:30 on a spring-forward day: the instant is 03:30); and in
    UTC when that wall time comes twice and this is its second occurrence (RFC 5545 §3.3.5:
    a reader takes a repeated local time as the first one)."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    instant = moment.astimezone(UTC)
    zone = moment.tzinfo
    if not isinstance(zone, ZoneInfo):
        return instant
    local = instant.astimezone(zone)
    if local.replace(fold=0).timestamp() != instant.timestamp():
        return instant
    return local


def masks(fmt: str, redact: bool | None) -> bool:
    """Whether a plan's view in ``fmt`` masks debtors' names and phones: as ``--redact`` /
    ``--no-redact`` say, and when neither is given only in a calendar file (calendars sync
    to phones and to clouds)."""
    return fmt == "ics" if redact is None else redact


def plan_ics(plan: Plan, out, redact: bool = True) -> None:
    """One VEVENT per call (icalendar package), for calendar apps, with a VTIMEZONE for each
    zone the events name. ``DTSTAMP`` is the moment the plan was made (``plan.made_at``, in
    UTC); ``UID`` is the day and the account, so a plan made again later that day and
    imported again moves the same events instead of adding new ones."""
    from datetime import UTC, timedelta

    from icalendar import Calendar, Event

    if plan.made_at is None:
        raise ValueError("a calendar file needs the moment its plan was made (Plan.made_at)")
    stamp = plan.made_at.astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//collectctl//plan//EN")
    calendar.add("version", "2.0")
    days = {plan.date}
    for c in plan.calls:
        days.update((c.start.date(), c.end.date()))
        event = Event()
        name = mask_name(c.name) if redact else (c.name or "")
        phone = (mask_phone(c.phone) if redact else c.phone) or ""
        # Debtor text on one line, its control and bidi characters shown as escapes
        # (safe.one_line): ESC starts a terminal sequence, CR and LF would end the
        # property line in a reader that does not escape them.
        event.add("uid", one_line(f"{plan.date.isoformat()}-{c.account_id}@collectctl"))
        event.add("dtstamp", stamp)
        event.add("dtstart", calendar_moment(c.start))
        event.add("dtend", calendar_moment(c.end))
        event.add("summary", " ".join(filter(None, (one_line(c.account_id),
                                                    one_line(name), one_line(phone)))))
        event.add("description", one_line(f"{display.money(c.balance, c.currency)}; "
                                            + display.plan_reasons(c.reasons, c.callback_at)))
        calendar.add_component(event)
    # Each zone's offsets over the events' days, with a day's margin either side: what
    # these events need, a few lines a zone instead of every transition since 1970.
    calendar.add_missing_timezones(min(days) - timedelta(days=1),
                                   max(days) + timedelta(days=2))
    # Zones first, before the events that name them (icalendar < 7 appends them).
    calendar.subcomponents.sort(key=lambda component: component.name != "VTIMEZONE")
    out.write(calendar.to_ical().decode("utf-8"))


def curve_json(curve) -> dict | None:
    if curve is None:
        return None
    return {
        "local_date": curve.local_date.isoformat(),
        "weekend": curve.weekend,
        "segment": curve.segment,
        "calls": curve.calls,
        "contacts": curve.contacts,
        "hours": [{"hour": h, "prior": round(e.prior, 4), "learned": round(e.posterior, 4),
                   "calls": e.tries, "contacts": e.contacts}
                  for h, e in sorted(curve.hours.items())],
    }


_BLOCKS = " ▏▎▍▌▋▊▉█"


def _bar(value: float, top: float, width: int = 10) -> str:
    eighths = round(value / top * width * 8) if top > 0 else 0
    full, part = divmod(eighths, 8)
    return ("█" * full + (_BLOCKS[part] if part else "")).ljust(width)


def curve_text(data: dict | None) -> list[str]:
    """The learned curve beside the rules' prior, one line an hour of the debtor's day."""
    if data is None:
        return [_("contact by hour: learning is off (learning.enabled: false)")]
    kind = _("weekend") if data["weekend"] else _("weekday")
    lines = [_("contact by hour ({kind} {day}), from its own calls ({calls}, {contacts} "
               "reached) and its segment {segment}").format(
        kind=kind, day=display.plain_day(date.fromisoformat(data["local_date"])),
        calls=data["calls"], contacts=data["contacts"], segment=data["segment"])]
    hours = {h["hour"]: h for h in data["hours"]}
    top = max([h["prior"] for h in data["hours"]] + [h["learned"] for h in data["hours"]]
              + [0.0])
    lines.append("  " + pad(_("hour"), 6) + pad(_("rules"), 16) + pad(_("learned"), 16)
                 + _("calls (reached)"))
    closed: list[int] = []

    def close_run() -> None:
        if closed:
            span = (f"{closed[0]:02d}" if len(closed) == 1
                    else f"{closed[0]:02d}-{closed[-1]:02d}")
            lines.append(f"  {span:<5} " + _("no calls allowed"))
            closed.clear()

    for hour in range(24):
        h = hours.get(hour)
        if h is None:
            closed.append(hour)
            continue
        close_run()
        tried = f"{h['calls']} ({h['contacts']})" if h["calls"] else "-"
        lines.append(f"  {hour:02d}    {_bar(h['prior'], top)} {h['prior']:.2f} "
                     f"{_bar(h['learned'], top)} {h['learned']:.2f} {tried}")
    close_run()
    return lines


def explain_json(plan: Plan, account_id: str, settings, curve=None) -> dict:
    """Every factor of an account's score (they sum exactly to it) and its window."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from collectctl.core import rules as R

    account_score = plan.scores[account_id]
    state = plan.states[account_id]
    account = state.account
    zone = ZoneInfo(account.timezone)
    planned = next((c for c in plan.calls if c.account_id == account_id), None)
    pack_name = plan.packs[account_id]
    pack = settings.rules.packs[pack_name]
    local_day = (planned.start if planned else
                 datetime.combine(plan.date, settings.shift.start,
                                  ZoneInfo(settings.timezone))).astimezone(zone).date()
    hours = R.legal_hours(pack, local_day)
    golden = None
    if account.work_start:
        start = datetime.combine(local_day, account.work_start)
        golden = [start.strftime("%H:%M"),
                  (start + timedelta(minutes=settings.call.golden_minutes)).strftime("%H:%M")]
    from collectctl.app.plan import why_not_planned

    why = why_not_planned(plan, account_id).reason
    return {
        "account_id": account_id,
        "score": float(account_score.total),
        "factors": [{"name": f.name, "measure": float(f.measure),
                     "coefficient": float(f.coefficient),
                     "contribution": float(f.contribution)} for f in account_score.factors],
        "window": {
            "planned": planned is not None,
            "start": planned.start.isoformat() if planned else None,
            "quality": planned.window if planned else None,
            "timezone": account.timezone,
            "local_date": local_day.isoformat(),
            "golden": golden,
            "lunch": [t.strftime("%H:%M") for t in settings.call.lunch],
            "legal_hours": [t.strftime("%H:%M") for t in hours] if hours else None,
            "rule_pack": pack_name,
            "rule_packs": list(R.rules_for(settings.rules, account.countries).names),
            "timezones": list(account.zones),
            "timezone_source": account.timezone_source,
            "legal_window": _legal_window(plan, account, settings),
            "debtor_local": planned.start.astimezone(zone).isoformat() if planned else None,
            "why": {**reason_json(why), "text": english(why)},
        },
        "contact": curve_json(curve),
        "pay": pay_json(plan, account_id, planned),
    }


def pay_json(plan: Plan, account_id: str, planned) -> dict | None:
    """What the plan expects of the account: its pay estimate with the counts behind it,
    the weight the schedule gave it (score x lift x balance factor) and the slot's expected amount
    (balance x P(contact) x P(pay) x share)."""
    est = plan.pay.get(account_id)
    if est is None:
        return None
    score = plan.scores[account_id].total
    currency = plan.states[account_id].account.currency
    return {
        "source": plan.pay_source,
        "p_pay": est.p_pay, "share": est.share, "lift": est.lift,
        "segment_p_pay": round(est.segment_p, 4), "segment_share": round(est.segment_share, 4),
        "own": {"decided": est.own.decided, "paid": est.own.paid},
        "segment": {"decided": est.segment.decided, "paid": est.segment.paid},
        "strength": est.strength,
        "score": f"{score:.4f}",
        "balance_factor": plan.factor_of(account_id),
        "typical_balance": (f"{plan.balance_scales[currency]:.2f}"
                            if currency in plan.balance_scales else None),
        "weight": round(schedule_weight(score, est, plan.factor_of(account_id)), 4),
        "balance": f"{plan.states[account_id].balance:.2f}",
        "currency": currency,
        "p_contact": planned.p_contact if planned else None,
        "expected": f"{planned.expected:.2f}" if planned else None,
    }


def _legal_window(plan: Plan, account, settings) -> list[list[str]]:
    """The spans of the plan's day (the collector's, midnight to midnight) legal in every
    zone the debtor may be in, under every pack that applies: [from, to] in the
    collector's time (ISO)."""
    from zoneinfo import ZoneInfo

    here = ZoneInfo(settings.timezone)
    start = datetime.combine(plan.date, time(0, 0), here)
    end = datetime.combine(plan.date + timedelta(days=1), time(0, 0), here)
    from collectctl.core import rules as R

    spans = R.legal_spans(R.rules_for(settings.rules, account.countries), account.zones,
                          start, end)
    return [[a.astimezone(here).isoformat(), b.astimezone(here).isoformat()]
            for a, b in spans]


def explain_why(explanation) -> str:
    """Where the account's call falls in the debtor's day, or why it is not planned."""
    from zoneinfo import ZoneInfo

    from collectctl.app.plan import why_not_planned

    plan, account_id = explanation.plan, explanation.account_id
    planned = next((c for c in plan.calls if c.account_id == account_id), None)
    if planned is None:
        return display.reason(why_not_planned(plan, account_id).reason)
    zone = ZoneInfo(plan.states[account_id].account.timezone)
    return _("{window} window at {local} the debtor's time").format(
        window=display.window(planned.window),
        local=planned.start.astimezone(zone).strftime("%H:%M"))


def explain_text(data: dict, why: str) -> str:
    lines = [_("{id}: score {score}").format(id=terminal_text(data["account_id"]),
                                             score=f"{data['score']:g}")]
    names = [display.factor(f["name"]) for f in data["factors"]]
    width = max(map(columns, names))
    for name, f in zip(names, data["factors"], strict=True):
        lines.append(f"  {pad(name, width)}  {f['measure']:>10.4f} x {f['coefficient']:>6g}"
                     f" = {f['contribution']:>9.4f}")
    w = data["window"]
    lines.append(_("window: {why}").format(why=why))
    legal = "-".join(w["legal_hours"]) if w["legal_hours"] else _("none")
    golden = "-".join(w["golden"]) if w["golden"] else _("unknown work start")
    lines.append(_("  debtor's day {day} ({zone}, rules {pack}): legal {legal}, golden {golden}, "
                   "lunch {lunch}").format(day=display.plain_day(date.fromisoformat(
                                               w["local_date"])), zone=w["timezone"],
                                           pack=w["rule_pack"], legal=legal, golden=golden,
                                           lunch="-".join(w["lunch"])))
    window = ", ".join(f"{a[11:16]}-{b[11:16] if b[11:16] != '00:00' else '24:00'}"
                       for a, b in w["legal_window"]) or _("none")
    lines.append(_("  may be in {zones} ({source}); legal in all of them, rules {packs}: "
                   "{window} your time").format(
        zones=", ".join(w["timezones"]), source=display.zone_source(w["timezone_source"]),
        packs="+".join(w["rule_packs"]), window=window))
    lines.extend(curve_text(data.get("contact")))
    lines.extend(pay_text(data.get("pay")))
    return "\n".join(lines)


def _learned_line(pay: dict) -> str:
    return _("  learned: {paid} paid of {decided} decided contacts; its segment's others "
             "{segment_paid} of {segment}; the prior worth {strength} contacts").format(
        paid=pay["own"]["paid"], decided=pay["own"]["decided"],
        segment_paid=pay["segment"]["paid"], segment=pay["segment"]["decided"],
        strength=f"{pay['strength']:g}")


def pay_text(pay: dict | None) -> list[str]:
    if pay is None:
        return []
    lines = [_("pay when reached: P(pay) {p} x share {share} = lift {lift}, weight "
               "{weight}").format(p=f"{pay['p_pay']:.4f}", share=f"{pay['share']:.4f}",
                                  lift=f"{pay['lift']:.4f}", weight=f"{pay['weight']:g}")]
    if pay["typical_balance"] is not None:
        lines.append(_("  weight = score {score} x lift {lift} x balance factor {factor} "
                       "(its balance against the typical {typical})").format(
            score=pay["score"], lift=f"{pay['lift']:.4f}", factor=f"{pay['balance_factor']:.4f}",
            typical=display.money(pay["typical_balance"], pay["currency"])))
    if pay["source"] == "learned":
        lines.append(_learned_line(pay))
    elif pay["source"] == "no_payments":
        lines.append(_("  the rules' estimate: no payment has been credited to a contact yet"))
    else:
        lines.append(_("  the rules' estimate: learning who pays is off"))
    if pay["expected"] is not None:
        lines.append(_("  expected {amount}: balance {balance} x P(contact) {contact} x "
                       "P(pay) {p} x share {share}").format(
            amount=display.money(pay["expected"], pay["currency"]),
            balance=display.money(pay["balance"], pay["currency"]),
            contact=f"{pay['p_contact']:.4f}", p=f"{pay['p_pay']:.4f}",
            share=f"{pay['share']:.4f}"))
    return lines


def learned_json(show) -> dict:
    """``learn show ID``: the account's learned hours, its pay estimate with the counts
    behind it and its pay trials (each contact, its window and what it was paid)."""
    plan, est = show.plan, show.pay
    currency = plan.states[show.account_id].account.currency
    pay = None if est is None else {
        "source": show.pay_source, "p_pay": est.p_pay, "share": est.share, "lift": est.lift,
        "segment_p_pay": round(est.segment_p, 4), "segment_share": round(est.segment_share, 4),
        "own": {"decided": est.own.decided, "paid": est.own.paid},
        "segment": {"decided": est.segment.decided, "paid": est.segment.paid},
        "strength": est.strength,
    }
    return {
        "account_id": show.account_id,
        "collector": plan.collector,
        "date": plan.date.isoformat(),
        "contact": curve_json(show.curve),
        "pay": pay,
        "trials": [{"call_id": t.call_id, "day": t.day.isoformat(),
                    "window_end": t.window_end.isoformat(), "balance": f"{t.balance:.2f}",
                    "paid": f"{t.paid:.2f}", "currency": currency,
                    "decided": t.paid > 0 or t.window_end < plan.date,
                    "counted": t.counted} for t in show.trials],
    }


def learned_text(data: dict) -> str:
    lines = [_("{account} · {collector} · {day}").format(
        account=data["account_id"], collector=data["collector"],
        day=display.plain_day(date.fromisoformat(data["date"])))]
    lines.extend(curve_text(data["contact"]))
    pay = data["pay"]
    if pay is None:
        lines.append(_("pay when reached: learning who pays is off (learning.pay_enabled: "
                       "false, or learning.enabled: false)"))
        return "\n".join(lines)
    lines.append(_("pay when reached: P(pay) {p} x share {share} = lift {lift}").format(
        p=f"{pay['p_pay']:.4f}", share=f"{pay['share']:.4f}", lift=f"{pay['lift']:.4f}"))
    if pay["source"] == "learned":
        lines.append(_learned_line(pay))
    else:
        lines.append(_("  the rules' estimate: no payment has been credited to a contact yet"))
    if not data["trials"]:
        lines.append(_("  no right-party contact yet"))
    for t in data["trials"]:
        verdict = (_("paid {amount}").format(amount=display.money(t["paid"], t["currency"]))
                   if Decimal(t["paid"]) > 0 else _("unpaid") if t["decided"]
                   else _("window still open"))
        lines.append(_("  contact {day}: window to {end}, balance {balance}: {verdict}").format(
            day=display.plain_day(date.fromisoformat(t["day"])),
            end=display.plain_day(date.fromisoformat(t["window_end"])),
            balance=display.money(t["balance"], t["currency"]), verdict=verdict))
    return "\n".join(lines)


def pack_line(name: str, pack) -> str:
    def span(hours):
        return "-".join(t.strftime("%H:%M") for t in hours) if hours else _("no calls")

    caps = []
    if pack.max_attempts_per_day is not None:
        caps.append(_("{n}/day").format(n=pack.max_attempts_per_day))
    if pack.max_attempts_per_7_days is not None:
        caps.append(_("{n} calls/7 days").format(n=pack.max_attempts_per_7_days))
    if pack.max_contacts_per_7_days is not None:
        caps.append(_("{n} contacts/7 days").format(n=pack.max_contacts_per_7_days))
    if pack.max_contacts_per_month is not None:
        caps.append(_("{n} contacts/month").format(n=pack.max_contacts_per_month)
                    + (_(" (unverified)") if "max_contacts_per_month" in pack.unverified
                       else ""))
    if pack.hold_days_after_conversation:
        caps.append(_("{n}-day hold after a conversation").format(
            n=pack.hold_days_after_conversation))
    parts = [f"{name}: " + _("weekdays {a}, weekends {b}").format(
        a=span(pack.weekday_hours), b=span(pack.weekend_hours))]
    if pack.no_calls_on:
        parts.append(_("never on {days}").format(days=", ".join(pack.no_calls_on)))
    if pack.holidays:
        parts.append(_("{country} public holidays off").format(country=pack.holidays))
    if pack.blackout_dates:
        parts.append(_("{n} blackout days").format(n=len(pack.blackout_dates)))
    parts.append(", ".join(caps) or _("no caps"))
    if not pack.voicemail_counts:
        parts.append(_("voicemails not counted"))
    if pack.workplace_calls != "allowed":
        parts.append(_("no workplace calls"))
    if not pack.verified:
        parts.append(_("UNVERIFIED"))
    return "; ".join(parts) + (f"  [{pack.source}]" if pack.source else "")


def _day_off(plan: Plan) -> Reason | None:
    return plan.note if plan.note is not None and plan.note.code == "day_off" else None


def week_json(week) -> dict:
    return {
        "collector": week.collector,
        "days": [{"date": p.date.isoformat(), "weekday": p.date.strftime("%a"),
                  "calls": len(p.calls), "overflow": len(p.overflow),
                  "not_callable": len(p.excluded), "slots": p.slots,
                  "day_off": _day_off(p) is not None,
                  "note": reason_json(p.note) if p.note else None} for p in week.plans],
        "best_day": {aid: day.isoformat() for aid, day in week.best_day.items()},
    }


def week_text(week) -> str:
    data = week_json(week)
    days_off = {p.date.isoformat(): display.reason(off) for p in week.plans
                if (off := _day_off(p)) is not None}
    lines = [_("{who}: the next seven days").format(who=terminal_text(data["collector"]))]
    counts: dict[str, int] = {}
    for day in data["best_day"].values():
        counts[day] = counts.get(day, 0) + 1
    rows = [[display.day(date.fromisoformat(d["date"])), "-", "-", "-", "-"]
            if d["date"] in days_off
            else [display.day(date.fromisoformat(d["date"])), f"{d['calls']}",
                  f"{d['overflow']}", f"{d['not_callable']}", f"{counts.get(d['date'], 0)}"]
            for d in data["days"]]
    table = table_lines([_("day"), _("calls"), _("overflow"), _("not callable"),
                         _("best day for")], rows, indent="  ")
    lines.append(table[0])
    # A day off says why after its row.
    for line, d in zip(table[1:], data["days"], strict=True):
        lines.append(f"{line}  {days_off[d['date']]}" if d["date"] in days_off else line)
    return "\n".join(lines)


def next_header(call: PlannedCall, after, redact: bool = False) -> str:
    """``next``'s and work mode's lines above the brief: the call, the debtor's own time
    where it is not yours, the number as you dial it (the locale's phone region)."""
    line = _("Next: {time} {id} ({window} window; {why})").format(
        time=call.start.strftime("%H:%M"), id=terminal_text(call.account_id),
        window=display.window(call.window), why=call_why(call) or "-")
    their = display.debtor_time(call.start, call.zones)
    if their:
        line += "\n" + _("Their time: {time} ({where})").format(
            time=their, where=display.debtor_places(call.zones))
    if call.phone:
        line += "\n" + _("Dial {phone}").format(
            phone=terminal_text(mask_phone(call.phone) if redact
                                else display.phone(call.phone)))
    if after:
        line += "\n" + _("Then: {time} {id}").format(time=after[0].start.strftime("%H:%M"),
                                                    id=terminal_text(after[0].account_id))
    return line


def rules_json(check) -> dict:
    def span(hours):
        return [t.strftime("%H:%M") for t in hours] if hours else None

    return {
        "default": check.default,
        "by_country": check.by_country,
        "packs": {name: {
            "weekday_hours": span(pack.weekday_hours),
            "weekend_hours": span(pack.weekend_hours),
            "no_calls_on": list(pack.no_calls_on),
            "blackout_dates": [d.isoformat() for d in pack.blackout_dates],
            "holidays": pack.holidays,
            "max_attempts_per_day": pack.max_attempts_per_day,
            "max_attempts_per_7_days": pack.max_attempts_per_7_days,
            "max_contacts_per_7_days": pack.max_contacts_per_7_days,
            "max_contacts_per_month": pack.max_contacts_per_month,
            "hold_days_after_conversation": pack.hold_days_after_conversation,
            "voicemail_counts": pack.voicemail_counts,
            "workplace_calls": pack.workplace_calls,
            "verified": pack.verified,
            "unverified": list(pack.unverified),
            "source": pack.source,
        } for name, pack in check.packs.items()},
        "accounts_by_pack": check.accounts_by_pack,
        "without_pack": {country: {"accounts": n, "examples": list(ids)}
                         for country, (n, ids) in check.without_pack.items()},
        "no_common_hours": list(check.no_common_hours),
    }


def rules_text(check) -> str:
    counts = check.accounts_by_pack
    lines = [_("default pack: {name}").format(name=check.default)]
    if check.by_country:
        lines.append(_("by country: {pairs}").format(
            pairs=", ".join(f"{c}→{p}" for c, p in check.by_country.items())))
    else:
        lines.append(_("by country: none (every account gets the default pack)"))
    for name, pack in check.packs.items():
        line = pack_line(name, pack)
        if counts is not None:
            line += "  " + ngettext("({n} open account)", "({n} open accounts)",
                                    counts.get(name, 0)).format(n=counts.get(name, 0))
        lines.append(line)
    for country, (n, ids) in check.without_pack.items():
        shown = ", ".join(map(terminal_text, ids)) + (", ..." if n > len(ids) else "")
        if country:
            lines.append(ngettext(
                "warning: {n} open account in {country}, which has no pack in "
                "rules.by_country: the {pack} pack applies ({ids})",
                "warning: {n} open accounts in {country}, which has no pack in "
                "rules.by_country: the {pack} pack applies ({ids})", n).format(
                n=n, country=country, pack=check.default, ids=shown))
        else:
            lines.append(ngettext(
                "warning: {n} open account with no country known (no valid phone, no "
                "country column): the {pack} pack applies ({ids})",
                "warning: {n} open accounts with no country known (no valid phone, no "
                "country column): the {pack} pack applies ({ids})", n).format(
                n=n, pack=check.default, ids=shown))
    if check.no_common_hours:
        ids = check.no_common_hours
        lines.append(ngettext(
            "warning: {n} open account has no minute of your shift in the next 7 days that "
            "is legal in every zone the debtor may be in ({ids})",
            "warning: {n} open accounts have no minute of your shift in the next 7 days "
            "that are legal in every zone the debtor may be in ({ids})", len(ids)).format(
            n=len(ids), ids=", ".join(map(terminal_text, ids[:5]))
                                         + (", ..." if len(ids) > 5 else "")))
    return "\n".join(lines)


def _dump(data) -> str:
    import json

    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def render(result, fmt: str, out, redact: bool | None = None, raw: bool = False) -> None:
    """Write one of the plan's results (a plan, a week, every plan, why-not, explain,
    next, rules check) to ``out`` in ``fmt``; a format the result has no view in is a
    usage error. ``redact`` None: the format's default (:func:`masks`). ``raw``: CSV
    cells without the formula guard (``plan --raw``)."""
    from collectctl.app import plan as app

    if isinstance(result, Plan):
        redact = masks(fmt, redact)
        if fmt == "json":
            out.write(_dump(plan_json(result, redact)))
        elif fmt == "csv":
            plan_csv(result, redact, out, raw)
        elif fmt == "ics":
            plan_ics(result, out, redact)
        else:
            from collectctl.render.text import console_for

            with console_for(out) as console:
                plan_table(result, redact, console)
        return
    if fmt == "csv" and not isinstance(result, app.NextCall | app.RulesCheck):
        _mode_csv(result, out, raw)
        return
    if fmt not in ("json", "table", "text"):
        from collectctl.errors import UsageError

        raise UsageError(_("--format {fmt} is not available here (use table or json)")
                         .format(fmt=fmt))
    as_json = fmt == "json"
    if isinstance(result, app.AllPlans):
        if as_json:
            out.write(f'{{"date": "{result.date.isoformat()}", "plans": [\n')
            out.write(",\n".join(result.lines))
            out.write("\n]}\n")
        else:
            _say(out, all_text(result.plans))
    elif isinstance(result, app.Week):
        _write(out, _dump(week_json(result)) if as_json else week_text(result), as_json)
    elif isinstance(result, app.WhyNot):
        _write(out, _dump(why_not_json(result)) if as_json else why_not_text(result), as_json)
    elif isinstance(result, app.Explanation):
        data = explain_json(result.plan, result.account_id, result.settings, result.curve)
        _write(out, _dump(data) if as_json else explain_text(data, explain_why(result)),
               as_json)
    elif isinstance(result, app.LearnedShow):
        data = learned_json(result)
        _write(out, _dump(data) if as_json else learned_text(data), as_json)
    elif isinstance(result, app.NextCall):
        _next(result, as_json, out, bool(redact))
    elif isinstance(result, app.RulesCheck):
        _write(out, _dump(rules_json(result)) if as_json else rules_text(result), as_json)
    else:
        raise TypeError(f"no plan view for {type(result).__name__}")


def _say(out, text: str) -> None:
    """Write lines for a person: no control character but newline and tab, whatever a
    view forgot (the views make each debtor's value one line themselves)."""
    out.write(terminal_text(text, multiline=True) + "\n")


def _write(out, text: str, as_json: bool) -> None:
    """A JSON document as it is (:func:`_dump` made it safe), or lines for a person."""
    if as_json:
        out.write(text)
    else:
        _say(out, text)


def _mode_csv(result, out, raw: bool = False) -> None:
    """``plan --all``, ``--week``, ``--why-not`` and ``--explain`` as CSV rows (``raw``:
    without the formula guard)."""
    import csv

    from collectctl.app import plan as app
    from collectctl.render.csvfmt import safe_cell
    from collectctl.render.safe import raw_cell

    cell = raw_cell if raw else safe_cell

    writer = csv.writer(out, lineterminator="\n")
    rows: list[list[object]]
    if isinstance(result, app.AllPlans):
        rows = [["collector", "calls", "overflow", "not_callable", "slots"]]
        rows += [[p.collector, len(p.calls), len(p.overflow), len(p.excluded), p.slots]
                 for p in result.plans]
    elif isinstance(result, app.Week):
        data = week_json(result)
        rows = [["date", "calls", "overflow", "not_callable", "slots", "day_off"]]
        rows += [[d["date"], d["calls"], d["overflow"], d["not_callable"], d["slots"],
                  d["day_off"]] for d in data["days"]]
    elif isinstance(result, app.WhyNot):
        rows = [["account_id", "planned", "reason", "text"],
                [result.account_id, result.planned, result.reason.code,
                 english(result.reason)]]
    else:  # Explanation
        data = explain_json(result.plan, result.account_id, result.settings, result.curve)
        rows = [["account_id", "factor", "measure", "coefficient", "contribution"]]
        rows += [[data["account_id"], f["name"], f["measure"], f["coefficient"],
                  f["contribution"]] for f in data["factors"]]
    writer.writerows([[cell(v) for v in row] for row in rows])


def _next(result, as_json: bool, out, redact: bool = False) -> None:
    plan = result.plan
    if redact and result.brief is not None:
        from dataclasses import replace

        from collectctl.render.redact import redact_dossier

        result = replace(result, brief=redact_dossier(result.brief))
    if as_json:
        from collectctl.render.jsonfmt import json_view

        call = plan.calls[0] if plan.calls else None
        out.write(_dump({
            "call": call_json(call, redact) if call else None,
            "account": json_view(result.brief) if result.brief is not None else None,
            "note": reason_json(plan.note) if plan.note else None,
        }))
        return
    if not plan.calls:
        _say(out, display.reason(plan.note) if plan.note else _("Nothing left to call today."))
        return
    from collectctl.render.text import render as text_render

    _say(out, next_header(plan.calls[0], plan.calls[1:2], redact))
    out.flush()
    text_render(result.brief, out)


def all_text(plans) -> str:
    rows = [[terminal_text(p.collector), f"{len(p.calls)}", f"{len(p.overflow)}",
             f"{len(p.excluded)}"] for p in plans]
    lines = table_lines([_("collector"), _("calls"), _("overflow"), _("not callable")], rows)
    return "\n".join(lines)
