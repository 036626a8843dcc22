"""Dates, amounts and code labels as a person reads them, in the interface language.

English keeps the ISO forms the tool always printed (``Fri 2026-12-04``, ``12,345.00
TWD``). Traditional Chinese writes ``2026/12/04 (五)``, or with Republic of China years
(``roc_years: true`` in the config) ``115/12/04 (五)``, and amounts with the currency's
symbol and grouping: ``NT$12,345``. A handful of currencies and one calendar rule are
all it takes, so this is a table here rather than a locale-data dependency (Babel's
zh_TW data writes TWD as ``$`` and has no ROC calendar).

Codes scripts rely on (outcome codes, window names, metric keys) stay English in JSON
and CSV; these functions give their labels for tables and messages.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal

from collectctl.i18n import N_, _, current_language, current_locale, ngettext, use_locale

#: Republic of China (Minguo) years: 1912 is year 1.
ROC_OFFSET = 1911

_WEEKDAYS_ZH = "一二三四五六日"
#: Symbols as Taiwanese banks write them; other currencies keep their ISO code.
_SYMBOLS = {"TWD": "NT$", "USD": "US$", "HKD": "HK$", "AUD": "A$", "CAD": "C$",
            "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "SGD": "S$", "KRW": "₩"}
#: Currencies written without cents when the amount is whole.
_WHOLE = {"TWD", "JPY", "KRW"}

WINDOW_LABELS = {"golden": N_("golden"), "normal": N_("normal"), "lunch": N_("lunch"),
                 "closed": N_("closed hours")}
PHONE_LABELS = {"mobile": N_("mobile"), "home": N_("home"), "work": N_("work"),
                "phone": N_("phone"), "relative": N_("relative"), "reference": N_("reference"),
                "emergency": N_("emergency contact"), "other": N_("other")}
METRIC_LABELS = {
    "calls": N_("calls"), "contacts": N_("contacts"),
    "right_party_contacts": N_("right-party contacts"), "promises": N_("promises"),
    "promised_amount": N_("promised"), "promises_kept": N_("kept"),
    "promises_broken": N_("broken"), "kept_rate": N_("kept rate"),
    "collected": N_("collected"), "recovery_rate": N_("recovery rate"),
    "complaints": N_("complaints"), "contact_rate": N_("contact rate"),
    "rpc_rate": N_("RPC rate"),
}
PERIOD_LABELS = {"day": N_("day"), "week": N_("week"), "month": N_("month")}
RISK_LABELS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}
#: The score's factors (``priority:`` keys; ``plan --explain``), as its lines name them.
FACTOR_LABELS = {
    "amount": N_("amount"), "days_past_due": N_("days past due"),
    "promise_due": N_("promise due today"), "broken_promise": N_("broken promise"),
    "callback_due": N_("callback due"), "payday": N_("before payday"),
    "weekday": N_("weekday weight"), "never_contacted": N_("never reached"),
    "attempts": N_("calls in 7 days"), "risk": N_("risk"),
}
STATUS_LABELS = {"open": N_("open"), "closed": N_("closed"), "kept": N_("kept"),
                 "broken": N_("broken"), "pending": N_("pending")}


def set_written_forms(roc_years: bool, phone_region: str | None = None) -> None:
    """How the settings have dates and numbers written, in the locale in force: years as
    Republic of China years in Traditional Chinese (``roc_years:``), numbers in
    ``phone_region`` as dialled there (``phone_region:``)."""
    from dataclasses import replace

    use_locale(replace(current_locale(), roc_years=bool(roc_years),
                       phone_region=phone_region))


def _chinese() -> bool:
    return current_language() == "zh_TW"


def _ymd(d: date) -> str:
    if current_locale().roc_years:
        year = d.year - ROC_OFFSET
        shown = f"{year:03d}" if year > 0 else "民前" + str(1 - year)
        return f"{shown}/{d.month:02d}/{d.day:02d}"
    return f"{d.year}/{d.month:02d}/{d.day:02d}"


def plain_day(d: date) -> str:
    """A date alone: ``2026-12-04`` / ``2026/12/04`` / ``115/12/04``."""
    return _ymd(d) if _chinese() else d.isoformat()


def month(text: str) -> str:
    """A month given as ``YYYY-MM`` (a reason's detail): ``2026-12`` / ``2026/12`` /
    ``115/12``."""
    if not _chinese():
        return text
    year, _sep, number = text.partition("-")
    return _ymd(date(int(year), int(number), 1))[:-3]


def span(first: date, last: date) -> str:
    """A period's days: ``2026-12-01 – 2026-12-31``; one day once: ``2026-12-04``."""
    if first == last:
        return plain_day(first)
    return f"{plain_day(first)} – {plain_day(last)}"


def month_day(d: date) -> str:
    """A date without its year, for a chart's axis: ``11-30`` / ``11/30``."""
    return f"{d.month}/{d.day}" if _chinese() else f"{d.month:02d}-{d.day:02d}"


def weekday(d: date) -> str:
    """``Fri`` / ``五``."""
    return _WEEKDAYS_ZH[d.weekday()] if _chinese() else d.strftime("%a")


def day(d: date) -> str:
    """A date with its weekday: ``Fri 2026-12-04`` / ``2026/12/04 (五)``."""
    if _chinese():
        return f"{_ymd(d)} ({weekday(d)})"
    return d.strftime("%a %Y-%m-%d")


def day_time(moment: datetime) -> str:
    """``Fri 2026-12-04 14:30`` / ``2026/12/04 (五) 14:30``."""
    return f"{day(moment.date())} {moment.strftime('%H:%M')}"


def money(amount, currency: str | None = None) -> str:
    """``12,345.00 TWD`` / ``NT$12,345``; with no currency, the grouped number."""
    value = Decimal(amount)
    if not _chinese():
        text = f"{value:,.2f}"
        return f"{text} {currency}" if currency else text
    whole = currency in _WHOLE and value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    if currency is None:
        return text
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{text} {currency}"
    return ("-" + symbol + text[1:]) if text.startswith("-") else symbol + text


def currency_symbol(currency: str) -> str | None:
    """The symbol an amount in ``currency`` is written with (``NT$``), as :func:`money`
    writes it: in Traditional Chinese, for the currencies that have one; None otherwise
    (the ISO code follows the number)."""
    return _SYMBOLS.get(currency) if _chinese() else None


def whole_currency(currency: str) -> bool:
    """Whether :func:`money` writes a whole amount in ``currency`` without cents."""
    return _chinese() and currency in _WHOLE


def money_totals(totals) -> str:
    """Amounts in several currencies (``{currency: amount}``), in the order of their codes,
    as one list the interface's way: ``15,893.18 GBP, 125,160.00 TWD`` /
    ``£15,893.18、NT$125,160``."""
    return _(", ").join(money(amount, currency) for currency, amount in sorted(totals.items()))


def axis_symbol(currency: str | None) -> str:
    """The symbol a money axis is labelled with: ``NT$``, ``A$``, ``£`` (in every
    language, the forms of :func:`money`); a currency without one keeps its code."""
    if not currency:
        return ""
    return _SYMBOLS.get(currency, currency)


def money_tick(amount, currency: str | None = None) -> str:
    """A round amount on a chart's axis, short: ``NT$150k``, ``£2.5k``, ``US$1.2M``; in
    Traditional Chinese by 萬 and 億 (``NT$15萬``). No currency: the number alone."""
    value = Decimal(amount)
    if _chinese():
        steps = ((Decimal(100_000_000), "億"), (Decimal(10_000), "萬"))
    else:
        steps = ((Decimal(1_000_000), "M"), (Decimal(1_000), "k"))
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    for size, word in steps:
        if abs(value) >= size:
            short = (value / size).quantize(Decimal("0.01")).normalize()
            text = f"{short:f}{word}"
            break
    symbol = axis_symbol(currency)
    if symbol and not symbol[-1].isalpha():
        return ("-" + symbol + text[1:]) if text.startswith("-") else symbol + text
    return f"{symbol} {text}" if symbol else text


def label(table: dict[str, str], code: str | None) -> str:
    """The translated label of a code from one of the tables above (the code itself
    when the table lacks it: a user's own outcome code, say)."""
    if code is None:
        return ""
    word = table.get(code)
    return _(word) if word else code


def window(code: str) -> str:
    return label(WINDOW_LABELS, code)


def metric(name: str) -> str:
    return label(METRIC_LABELS, name)


def period(code: str) -> str:
    """A target's period: ``day``, ``week``, ``month``."""
    return label(PERIOD_LABELS, code)


def html_lang() -> str:
    """The ``lang`` attribute of an html page in the interface language."""
    return "zh-Hant-TW" if _chinese() else "en"


def phone_label(text: str) -> str:
    """``mobile`` → ``手機``; ``relative: 王大明`` keeps the name."""
    kind, sep, rest = text.partition(":")
    return label(PHONE_LABELS, kind) + sep + rest


def outcome(o) -> str:
    """An outcome's label (a config's own label passes through untranslated)."""
    return _(o.label) if o.label else o.code


def risk(code: str | None) -> str:
    """An account's risk level (``low``, ``medium``, ``high``); ``-`` when the list gives
    none."""
    return label(RISK_LABELS, code) if code else "-"


def factor(name: str) -> str:
    """A factor of the score (``days_past_due``) in words (``days past due``)."""
    return label(FACTOR_LABELS, name)


def status(code: str) -> str:
    """An account's or a promise's status (``open``, ``kept``...)."""
    return label(STATUS_LABELS, code)


# -- reason codes (core.reasons) in words -------------------------------------------------

#: The plan's "why" column: the factors that raised an account's score.
REASON_LABELS = {
    "amount": N_("amount"), "days_past_due": N_("days past due"),
    "promise_due": N_("promise due today"), "broken_promise": N_("broken promise"),
    "payday": N_("before payday"), "weekday": N_("good weekday"),
    "never_reached": N_("never reached"), "risk": N_("risk"),
}


def ordinal(n: int) -> str:
    """``3rd`` in English; other languages say the number (their message words it)."""
    if current_language() is not None:
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _clock(moment: datetime) -> str:
    """``14:30``: an aware moment at its own zone's wall-clock time."""
    return moment.strftime("%H:%M")


def plan_reasons(codes, callback_at: datetime | None = None) -> str:
    """A planned call's "why": ``callback 14:30, amount, days past due``."""
    words = []
    for code in codes:
        if code == "callback":
            words.append(_("callback {time}").format(
                time=_clock(callback_at) if callback_at else "?"))
        else:
            words.append(label(REASON_LABELS, code))
    return _(", ").join(words)


def phone(number: str | None, region: str | None = None) -> str:
    """A number as a collector in ``region`` (default: the locale's ``phone_region``)
    dials it when it shares the region's country code: ``+886918566195`` → ``0918 566
    195``; ``+14165550123`` → ``1 (416) 555-0123`` in the US (Canada: a long-distance
    call, not a local one). E.164 as it is for another country code, and for a number
    phonenumbers does not hold valid (``+88612`` is not ``12``): it is shown, never
    dropped or made to look like something it is not."""
    region = region or current_locale().phone_region
    if not number or not region:
        return number or ""
    return _national(number, region)


@functools.lru_cache(maxsize=4096)
def _national(number: str, region: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if (parsed.country_code != phonenumbers.country_code_for_region(region)
            or not phonenumbers.is_valid_number(parsed)):
        return number
    if phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    # Another region of the same country code (Canada for a US collector): as dialled
    # from the collector's region (``1 (416) 555-0123``; Jersey from Britain: ``07797…``).
    return phonenumbers.format_out_of_country_calling_number(parsed, region)


def _short_day(d: date) -> str:
    """``Tue`` / ``週二``."""
    return ("週" + _WEEKDAYS_ZH[d.weekday()]) if _chinese() else _DAY_ABBR[d.weekday()]


def debtor_times(moment: datetime, zones) -> list[datetime]:
    """The debtor's wall clock at ``moment`` in each zone they may be in, earliest first,
    one per distinct time; empty when every one of them reads as ``moment``'s own."""
    from zoneinfo import ZoneInfo

    own = moment.replace(tzinfo=None)
    seen: dict[datetime, datetime] = {}
    for zone in zones:
        local = moment.astimezone(ZoneInfo(zone))
        seen.setdefault(local.replace(tzinfo=None), local)
    if all(wall == own for wall in seen):
        return []
    return [seen[wall] for wall in sorted(seen)]


def debtor_time(moment: datetime, zones) -> str:
    """The debtor's own time at ``moment`` (the collector's), where it differs: ``20:45``,
    ``Tue 20:45`` on another day than the collector's, ``14:45–20:45`` for a debtor who
    may be in several zones (the earliest and the latest clock); "" where it does not."""
    times = debtor_times(moment, zones)
    if not times:
        return ""

    def one(local: datetime, with_day: bool) -> str:
        clock = _clock(local)
        return f"{_short_day(local.date())} {clock}" if with_day else clock

    first, last = times[0], times[-1]
    if first.date() == last.date():
        text = one(first, first.date() != moment.date())
        return text if len(times) == 1 else f"{text}–{_clock(last)}"
    return f"{one(first, True)}–{one(last, True)}"


def debtor_places(zones) -> str:
    """``America/New_York``; ``6 zones`` for a debtor who may be in more than two."""
    zones = tuple(zones)
    if len(zones) > 2:
        return ngettext("{n} zone", "{n} zones", len(zones)).format(n=len(zones))
    return _(", ").join(zones)


def _weekday_key(key: str) -> str:
    """``sun`` (a config's weekday key) as the interface says it."""
    from collectctl.config import WEEKDAY_KEYS

    if not _chinese() or key not in WEEKDAY_KEYS:
        return key
    return "週" + _WEEKDAYS_ZH[WEEKDAY_KEYS.index(key)]


_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weekdays(keys) -> str:
    """Weekday keys as the interface says them: ``Mon-Fri`` / ``週一至週五`` for a run of
    three or more, ``Sat, Sun`` / ``週六、週日``, ``every day``."""
    from collectctl.core.requests import WEEKDAYS

    index = [WEEKDAYS.index(k) for k in WEEKDAYS if k in keys]
    if len(index) == len(WEEKDAYS):
        return _("every day")
    names = [("週" + _WEEKDAYS_ZH[i]) if _chinese() else _DAY_ABBR[i] for i in index]
    if len(index) >= 3 and index == list(range(index[0], index[0] + len(index))):
        return _("{first}-{last}").format(first=names[0], last=names[-1])
    return _(", ").join(names)


def avoid_window(detail) -> str:
    """A debtor's window (``core.requests.window_detail``): ``12:00-13:00 (Mon-Fri)``,
    ``21:00-08:00`` when it is every day."""
    from collectctl.core.requests import WEEKDAYS

    span = f"{detail['from']}-{detail['to']}"
    if tuple(detail["days"]) == WEEKDAYS:
        return span
    return _("{span} ({days})").format(span=span, days=weekdays(detail["days"]))


def debtor_requests(requests) -> list[str]:
    """The debtor's requests in force (``core.requests.Requests``), one phrase each:
    ``no calls 12:00-13:00 (Mon-Fri)``, ``not at work``."""
    from collectctl.core.requests import window_detail

    said = [_("no calls {window}").format(window=avoid_window(window_detail(w)))
            for w in requests.avoid]
    if requests.no_workplace:
        said.append(_("not at work"))
    return said


def _holiday(country: str, d: date) -> str:
    from collectctl.core.rules import holiday_name

    return holiday_name(country, d, current_language()) or plain_day(d)


def _day_off(p) -> str:
    """Why a day is not the collector's working day (``core.workdays``)."""
    if p.get("cause") == "public_holiday":
        return _("day off: public holiday ({name})").format(name=_holiday(p["country"], p["day"]))
    if p.get("cause") == "extra_day_off":
        return _("day off: {day} is one of targets.extra_days_off").format(
            day=plain_day(p["day"]))
    return _("day off: {weekday} is not one of shift.days").format(
        weekday=_weekday_key(p.get("weekday", "")))


_REASON_TEXT = {
    "account_closed": lambda p: _("closed"),
    "cease": lambda p: _("{hold} since {when}").format(hold=_("cease-contact"),
                                                       when=plain_day(p["since"])),
    "dispute": lambda p: _("{hold} since {when}").format(hold=_("disputed"),
                                                         when=plain_day(p["since"])),
    "promise_hold": lambda p: _("held: promise of {amount} due {due}").format(
        amount=money(p["amount"], p.get("currency")), due=plain_day(p["due"])),
    "no_valid_phone": lambda p: _("no valid phone"),
    "only_third_party": lambda p: _("only third-party numbers (relatives, references): "
                                    "never dialled by the plan"),
    "workplace_not_allowed": lambda p: (
        _("only a workplace number, and the debtor asked not to be called at work")
        if p.get("debtor_request") else
        _("only a workplace number, which the {pack} rules forbid calling").format(
            pack=p.get("pack"))),
    "cap_today": lambda p: _("cap: {n} calls today").format(n=p["calls"]),
    "cap_7_days": lambda p: _("cap: {n} calls in the last 7 days").format(n=p["calls"]),
    "cap_contacts_7_days": lambda p: _("cap: {n} contacts in the last 7 days").format(
        n=p["contacts"]),
    "cap_contacts_month": lambda p: _("cap: {n} contacts in {month}").format(
        n=p["contacts"], month=month(p["month"])),
    "reached_today": lambda p: _("reached today at {time}").format(time=_clock(p["at"])),
    "conversation_hold": lambda p: _(
        "hold: conversation on {day} ({n}-day hold after a conversation)").format(
        day=plain_day(p["on"]), n=p["days"]),
    "skip_tracing": lambda p: _("marked for skip tracing"),
    "set_aside": lambda p: _("set aside for now"),
    "retry_gap": lambda p: _("tried at {time}; not again before {again}").format(
        time=_clock(p["tried_at"]), again=_clock(p["not_before"])),
    "debtor_avoid": lambda p: _("the debtor asked for no calls {window}, their time").format(
        window=avoid_window(p)),
    "no_calls_on_weekday": lambda p: _("no calls on {weekday}").format(
        weekday=_weekday_key(p["weekday"])),
    "blackout_day": lambda p: _("blackout day {day}").format(day=plain_day(p["day"])),
    "public_holiday": lambda p: _("public holiday ({name})").format(
        name=_holiday(p["country"], p["day"])),
    "no_weekend_calls": lambda p: _("no weekend calls"),
    "outside_legal_hours": lambda p: _("outside legal hours for its whole window"),
    "no_slots_left": lambda p: _("no slots left in the shift"),
    "no_common_hours": lambda p: _("no minute of the shift is legal in every zone the "
                                   "debtor may be in ({zones})").format(
        zones=", ".join(p["zones"])),
    "callback_no_slot": lambda p: _("callback at {time}: no open slot at or after it "
                                    "today").format(time=_clock(p["at"])),
    "overflow": lambda p: _("overflow: {slots} slots, ranked {rank}").format(
        slots=p["slots"], rank=ordinal(p["rank"])),
    "planned": lambda p: _("planned at {time} ({window} window)").format(
        time=_clock(p["at"]), window=window(p["window"])),
    "no_open_accounts": lambda p: _("{who} has no open accounts").format(who=p["collector"]),
    "no_slots_on_day": lambda p: _("no slots left in the shift on {day}").format(
        day=plain_day(p["day"])),
    "day_off": _day_off,
}


def zone_source(source: str) -> str:
    """Where an account's candidate zones came from, in words."""
    return {"file": _("from the list"), "phone": _("from its phones"),
            "file+phone": _("from the list and its phones, which disagree"),
            "default": _("the config's zone: nothing else known")}.get(source, source)


def reason(item) -> str:
    """A :class:`~collectctl.core.reasons.Reason` in words, in the interface language (a
    code this table lacks, say a newer one, is shown as the code)."""
    words = _REASON_TEXT.get(item.code)
    return words(item.detail) if words else item.code


# -- a rule a call that was made broke (core.compliance.breaches: ``audit``) ---------------

#: Where a call that was made reads differently from a plan's reason with the same code.
_BREACH_TEXT = {
    "outside_legal_hours": lambda p: _(
        "outside legal hours in {zone} ({time} there; legal {hours})").format(
        zone=p["zone"], time=_clock(p["local"]), hours=p.get("hours", "?")),
    "debtor_avoid": lambda p: _("in a window the debtor asked to avoid ({start}-{end})").format(
        start=p["from"], end=p["to"]),
    "workplace_not_allowed": lambda p: (
        _("to a workplace number, which the debtor asked not to be called at")
        if p.get("debtor_request") else
        _("to a workplace number, which the {pack} rules forbid calling").format(
            pack=p.get("pack"))),
}


def breach(item) -> str:
    """A rule a logged call broke (a :class:`~collectctl.core.reasons.Reason` from
    ``breaches``) in words: the plan's words for the code, with the zone it was broken in
    where the reason names one (``public holiday (Christmas Day) in Europe/Dublin``)."""
    words = _BREACH_TEXT.get(item.code)
    if words is not None and (item.code != "outside_legal_hours" or "zone" in item.detail):
        return words(item.detail)
    text = reason(item)
    if "zone" in item.detail:
        return _("{rule} in {zone}").format(rule=text, zone=item.detail["zone"])
    return text


# -- why a value or a row is refused (core.reasons' row codes) -----------------------------

_PROBLEM_TEXT = {
    "empty": lambda p: _("empty"),
    "not_a_number": lambda p: _("not a number"),
    "too_large": lambda p: _("too large an amount (13 whole digits at most)"),
    "not_positive": lambda p: _("must be more than zero"),
    "negative": lambda p: _("a negative amount"),
    "too_many_decimals": lambda p: _("more than two decimal places"),
    "several_currencies": lambda p: _("names more than one currency ({codes})").format(
        codes=p["codes"]),
    "not_a_currency": lambda p: _("not a three-letter currency code"),
    "not_a_date": lambda p: _("not a date"),
    "no_such_date": lambda p: _("a date that does not exist"),
    "ambiguous_date": lambda p: _("ambiguous date (day or month first?); set "
                                  "import.date_order or --date-order"),
    "not_whole_days": lambda p: _("not a whole number of days"),
    "too_many_days": lambda p: _("more than 100 years"),
    "not_a_time": lambda p: _("not a time of day (e.g. 15:30)"),
    "not_a_time_range": lambda p: _("not a time range (from-to, e.g. 12:00-13:30)"),
    "empty_time_range": lambda p: _("from and to are the same time (the whole day is "
                                    "00:00-24:00)"),
    "not_a_weekday": lambda p: _("not days of the week (e.g. mon-fri or sat,sun)"),
    "not_a_payday": lambda p: _("not a day of the month (1-31 or last)"),
    "unknown_timezone": lambda p: _("unknown time zone (use IANA names like Asia/Taipei)"),
    "unknown_country": lambda p: _("not a two-letter country code (e.g. TW, US)"),
    "not_a_risk": lambda p: _("not low, medium or high (also l/m/h, 1-3, 低/中/高)"),
    "no_time_of_day": lambda p: _("no time of day"),
    "implausible_date": lambda p: _("not a plausible date"),
    "in_the_future": lambda p: _("{day} is in the future").format(day=plain_day(p["day"])),
    "in_the_past": lambda p: _("{day} is in the past").format(
        day=plain_day(p["day"]) if "day" in p else day_time(p["at"])),
    "too_far_ahead": lambda p: _("{day} is more than {n} days ahead (promise.max_days)").format(
        day=plain_day(p["day"]), n=p["days"]),
    "not_within_a_year": lambda p: (
        _("the next {day} is more than a year ahead; type the year") if p["ahead"] else
        _("the last {day} is more than a year ago; type the year")).format(
        day=plain_day(p["day"])),
    "duplicate_id": lambda p: _("duplicate account id: already on line {first}").format(
        first=p["first"]),
    "undecodable": lambda p: _("bytes that are not valid in the file's encoding"),
    "nul_byte": lambda p: _("a NUL character (\\0), which the database cannot store"),
    "line_too_long": lambda p: _("longer than {limit} characters (not kept)").format(
        limit=p["limit"]),
    "unclosed_quote": lambda p: _("a quote opened on this line is not closed within {lines} "
                                  "lines; the lines after it are read as rows").format(
        lines=p["lines"]),
    "too_many_cells": lambda p: _("more than {limit} cells").format(limit=p["limit"]),
    "parts_exceed_amount": lambda p: _(
        "principal, interest and fees add up to more than the amount due"),
    "unknown_account": lambda p: _("no such account"),
    "over_balance": lambda p: _("payment of {amount} is more than the balance of {balance} "
                                "(--allow-overpay to accept)").format(
        amount=money(p["amount"], p.get("currency")), balance=money(p["balance"],
                                                                    p.get("currency"))),
    "promise_over_balance": lambda p: _(
        "a promise of {amount} is more than the balance of {balance} (--allow-overpay to "
        "accept)").format(amount=money(p["amount"], p.get("currency")),
                          balance=money(p["balance"], p.get("currency"))),
    "unknown_outcome": lambda p: _("unknown outcome; codes: {codes}").format(codes=p["codes"]),
    "needs_amount": lambda p: _("{code} needs an amount").format(code=p["outcome"]),
    "needs_date": lambda p: _("{code} needs a date").format(code=p["outcome"]),
    "needs_time": lambda p: _("{code} needs a time (e.g. 15:30)").format(code=p["outcome"]),
    "not_a_phone": lambda p: _("not a phone number"),
    "no_phone_to_mark": lambda p: _("the account has no valid phone to mark; name one"),
    "not_its_phone": lambda p: _("not one of the account's phones"),
    "callback_not_legal": lambda p: (
        _("no call is legal then in {zone} (legal hours {hours})").format(
            zone=p["zone"], hours=p["hours"]) if p.get("hours") else
        _("no call is legal that day in {zone}").format(zone=p["zone"])),
}


def problem(code: str, detail=None) -> str:
    """A value's problem in words, without the value (``not a number``)."""
    words = _PROBLEM_TEXT.get(code)
    return words(detail or {}) if words else code


#: A row's problem in words that leave out the value read (a date, an amount), for the
#: codes whose words elsewhere say it (``log --date`` says the date typed).
_ROW_TEXT = {
    "in_the_future": lambda p: _("in the future"),
    "in_the_past": lambda p: _("in the past"),
    "too_far_ahead": lambda p: _("more than {n} days ahead (promise.max_days)").format(
        n=p["days"]),
    "over_balance": lambda p: _("more than the balance of {balance} (--allow-overpay to "
                                "accept)").format(balance=money(p["balance"],
                                                                p.get("currency"))),
}
#: How much of a refused cell ``--show-values`` quotes.
VALUE_CHARS = 40


def shown_value(text: str) -> str:
    """A cell as ``--show-values`` quotes it: at most :data:`VALUE_CHARS` characters, then
    ``…``, escaped as Python's ``repr`` escapes (no control character gets through)."""
    cut = text[:VALUE_CHARS] + ("\u2026" if len(text) > VALUE_CHARS else "")
    return repr(cut)


def row_reason(row, show_values: bool = False) -> str:
    """Why a row was refused: ``amount: not a number`` (the column as the file heads it),
    never the value read; with ``show_values`` the refused cell quoted after it
    (``amount: not a number (found 'Xavier Distinct')``)."""
    words = None if show_values else _ROW_TEXT.get(row.reason)
    text = words(row.detail or {}) if words else problem(row.reason, row.detail)
    column = row.column
    if not column and "position" in (row.detail or {}):
        column = _("cell {n}").format(n=row.detail["position"])
    if column:
        text = _("{column}: {problem}").format(column=column, problem=text)
    if show_values and row.cell is not None and row.cell < len(row.raw):
        text = _("{reason} (found {value})").format(reason=text,
                                                   value=shown_value(row.raw[row.cell]))
    return text


def in_english(words, *args) -> str:
    """``words(*args)`` said in English, whatever the interface language: the ``text`` of
    JSON documents, which are the same in every language (the codes are the contract)."""
    from collectctl.i18n import ENGLISH

    with ENGLISH.active():
        return words(*args)


def error_text(error: BaseException) -> str:
    """The one line an error prints: an :class:`~collectctl.errors.EntryError` worded here
    (``--date: 2026-12-01 is in the past``), any other its own message."""
    from collectctl.errors import EntryError, ImportRefused

    if isinstance(error, EntryError):
        return _("{option}: {problem}").format(option=error.option,
                                               problem=problem(error.code, error.detail))
    if isinstance(error, ImportRefused):
        return _("{file}: {problem}").format(file=error.file,
                                             problem=import_refusal(error.code, error.detail))
    return str(error)


def import_refusal(code: str, detail) -> str:
    """Why an import was refused as a whole (``errors.ImportRefused``), in words."""
    who = detail.get("collector")
    if code == "no_data_rows":
        return (_("no data rows under the header; --close-missing would close every open "
                  "account of {who}, so nothing was imported").format(who=who) if who else
                _("no data rows under the header; --close-missing would close every open "
                  "account, so nothing was imported"))
    if code == "no_rows_accepted":
        return (_("every row was rejected; --close-missing would close every open account "
                  "of {who}, so nothing was imported (fix the rows and import again)").format(
                    who=who) if who else
                _("every row was rejected; --close-missing would close every open account, "
                  "so nothing was imported (fix the rows and import again)"))
    if code == "close_needs_yes":
        closing, open_ = detail["closing"], detail["open"]
        counted = (ngettext("would close {closing} of {who}'s {open} open account",
                            "would close {closing} of {who}'s {open} open accounts", open_)
                   if who else
                   ngettext("would close {closing} of {open} open account",
                            "would close {closing} of {open} open accounts", open_))
        return _("--close-missing {counted}; run again with --yes to close them (nothing "
                 "was imported)").format(counted=counted.format(closing=closing, open=open_,
                                                                who=who))
    return code


def chain_problem(check) -> str:
    """What a :class:`~collectctl.core.chain.ChainCheck`'s problem code means."""
    kinds = {"call": _("call log entry"), "promise": _("promise"), "payment": _("payment")}
    where = kinds.get(check.kind or "", "")
    words = {
        "link_broken": _("{what} {n} does not hold its link in the chain: it, or the entry "
                         "before it, was changed, removed or added outside collectctl"),
        "unlinked": _("{what} {n} carries no link, though the chain began before it"),
        "missing": _("ledger entry number {seq} is missing: an entry was removed"),
        "truncated": _("the ledger ends before entry number {seq}, which its head "
                       "records: entries were removed from the end"),
        "head_differs": _("the ledger's last link is not the one its head records: the "
                          "log was rewritten"),
        "legacy_changed": _("the entries from before the ledger are not the ones it "
                            "started after: rows were added, removed or unlinked"),
        "needs_key": _("the ledger is keyed: set COLLECTCTL_CHAIN_KEY to check it"),
    }
    text = words.get(check.problem or "", check.problem or "")
    if check.problem == "link_broken" and check.keyed:
        text += _(" (or COLLECTCTL_CHAIN_KEY is not the ledger's key)")
    return text.format(what=where, n=check.entry_id, seq=check.seq)


def db_check_problems(result) -> str:
    """``db check``'s problems in one line: the chain's first, then the engine's (up to
    five in all)."""
    problems = list(result.problems)
    if result.chain.problem is not None:
        problems.insert(0, chain_problem(result.chain))
    more = len(problems) - 5
    return "; ".join(problems[:5]) + (_(" and {n} more").format(n=more) if more > 0 else "")


def database_error(error: BaseException) -> str:
    """An engine's error in one line: the ones a user can act on in their words (by
    PostgreSQL's SQLSTATE), the rest as the engine said them."""
    state = getattr(error, "sqlstate", None)
    if state == "55P03":  # lock_not_available: lock_timeout passed
        return _("the call log is busy: another session is writing to it or holding it; "
                 "nothing was recorded, try again (if it stays busy, ask a lead who is "
                 "connected)")
    diag = getattr(error, "diag", None)
    if state == "P0001" and getattr(diag, "message_hint", None) == "collectctl_chain_key":
        return _("the server's ledger is keyed but the server has no key: the owner runs "
                 "'collectctl db migrate' with COLLECTCTL_CHAIN_KEY set")
    text = str(error).strip()
    return _("database: {reason}").format(reason=text.splitlines()[0] if text else
                                          type(error).__name__)
