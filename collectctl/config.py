"""Configuration: YAML → validated, frozen settings.

Each section of the file is one frozen dataclass; adding a section is adding a
dataclass and a field on :class:`Settings`. The loader walks the dataclasses,
converts each value to the field's type, runs the field's ``check`` and rejects
unknown keys, naming the key and the file. Defaults cover everything, so no
file is needed to start.
"""

from __future__ import annotations

import os
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectctl.errors import ConfigError
from collectctl.i18n import N_, _
from collectctl.yamlfile import Unreadable, read_yaml, yaml_text

if TYPE_CHECKING:
    from collectctl.core.outcomes import OutcomeBook

APP_NAME = "collectctl"
ENV_CONFIG = "COLLECTCTL_CONFIG"
ENV_COLLECTOR = "COLLECTCTL_COLLECTOR"
CONFIG_FILE_NAME = "collectctl.yaml"



def _short(value: Any, width: int = 40) -> Any:
    """A config value as an error quotes it: text past ``width`` characters cut, so one
    line stays one short line whatever the file holds."""
    text = str(value)
    return text if len(text) <= width else text[:width] + "..."


def _check_zone(value: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return _("unknown IANA time zone {value!r} (e.g. Asia/Taipei)").format(value=_short(value))
    return None


def _check_region(value: str) -> str | None:
    if len(value) != 2 or not value.isalpha() or not value.isupper():
        return _("{value!r} is not a two-letter region code (e.g. TW, US, GB)").format(
            value=_short(value))
    return None


def _check_currency(value: str) -> str | None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        return _("{value!r} is not a three-letter currency code (e.g. TWD)").format(
            value=_short(value))
    return None


def _one_of(*choices: str):
    def check(value: str) -> str | None:
        if value not in choices:
            return _("{value!r} is not one of {choices}").format(
                value=_short(value), choices=", ".join(choices)
            )
        return None

    return check


def _check_aliases(value: dict[str, tuple[str, ...]]) -> str | None:
    from collectctl.ingest.headers import ALL_FIELDS

    unknown = sorted(set(value) - set(ALL_FIELDS))
    if unknown:
        return _("unknown field {field!r} (fields: {known})").format(
            field=_short(unknown[0]), known=", ".join(ALL_FIELDS))
    return None


def _opt(default: Any, check=None, key: str | None = None, **kw: Any) -> Any:
    meta = {"check": check, "key": key}
    if callable(default):
        return field(default_factory=default, metadata=meta, **kw)
    return field(default=default, metadata=meta, **kw)


@dataclass(frozen=True)
class ImportSettings:
    """``import:`` how account files are read."""

    date_order: str = _opt("YMD", _one_of("YMD", "DMY", "MDY"))
    aliases: dict[str, tuple[str, ...]] = _opt(dict, _check_aliases)


def _check_needs(value: tuple[str, ...]) -> str | None:
    from collectctl.core.outcomes import NEEDS

    unknown = [v for v in value if v not in NEEDS]
    if unknown:
        return _("{value!r} is not one of {choices}").format(
            value=_short(unknown[0]), choices=", ".join(NEEDS))
    return None


def _check_effect(value: str) -> str | None:
    from collectctl.core.outcomes import EFFECTS

    return _one_of(*EFFECTS)(value)


@dataclass(frozen=True)
class OutcomeSettings:
    """``outcomes: {code: {...}}``: a code defined here replaces the built-in one of that name."""

    attempt: bool = _opt(True)
    contact: bool = _opt(False)
    right_party: bool = _opt(False)
    effect: str = _opt("none", _check_effect)
    needs: tuple[str, ...] = _opt(tuple, _check_needs)
    aliases: tuple[str, ...] = _opt(tuple)
    complaint: bool = _opt(False)
    label: str = _opt("")


def _check_positive(value: int) -> str | None:
    return None if value >= 0 else _("must not be negative")


@dataclass(frozen=True)
class PromiseSettings:
    """``promise:`` how promises to pay are judged."""

    max_days: int = _opt(30, _check_positive)
    grace_days: int = _opt(2, _check_positive)


def _check_span(value: tuple[time, time]) -> str | None:
    return None if value[0] < value[1] else _("the start must be before the end")


def _check_spans(value: tuple[tuple[time, time], ...]) -> str | None:
    return next((p for p in map(_check_span, value) if p), None)


def _positive_int(value: int) -> str | None:
    return None if value > 0 else _("must be more than zero")


def _check_shift_days(value: tuple[str, ...]) -> str | None:
    if not value:
        return _("must name at least one weekday")
    return _check_weekdays(dict.fromkeys(value))


@dataclass(frozen=True)
class ShiftSettings:
    """``shift:`` the collector's working day, in the collector's time zone."""

    start: time = _opt(time(9, 0))
    end: time = _opt(time(18, 0))
    breaks: tuple[tuple[time, time], ...] = _opt(((time(12, 0), time(13, 0)),), _check_spans)
    #: The weekdays the collector works (``WEEKDAY_KEYS``); the country's public holidays
    #: are off and its make-up working days on (``core.workdays``).
    days: tuple[str, ...] = _opt(("mon", "tue", "wed", "thu", "fri"), _check_shift_days)


@dataclass(frozen=True)
class CallSettings:
    """``call:`` how long a call takes and when debtors answer."""

    handle_minutes: int = _opt(5, _positive_int)
    golden_minutes: int = _opt(15, _check_positive)
    retry_minutes: int = _opt(120, _check_positive)
    lunch: tuple[time, time] = _opt((time(12, 0), time(13, 30)), _check_span)


def _fraction(value: Decimal) -> str | None:
    return None if 0 <= value <= 1 else _("must be between 0 and 1")


def _open_fraction(value: Decimal) -> str | None:
    return None if 0 < value < 1 else _("must be more than 0 and less than 1")


def _not_negative(value: Decimal) -> str | None:
    return None if value >= 0 else _("must not be negative")


@dataclass(frozen=True)
class LearningSettings:
    """``learning:`` when each debtor answers, learned from the call log."""

    enabled: bool = _opt(True)
    #: How many calls the rules' estimate is worth against an account's own.
    prior_strength: Decimal = _opt(Decimal("12"), _not_negative)
    #: The right-party rate the rules' golden window stands for (normal: 0.6 of it).
    prior_rate: Decimal = _opt(Decimal("0.35"), _open_fraction)
    #: The share of accounts whose hours are a Thompson sample in ``plan --explore``.
    explore_share: Decimal = _opt(Decimal("0.1"), _fraction)
    #: Whether the plan also learns who pays when reached (``core.paying``); off, it
    #: learns contact hours only (the trials are kept either way).
    pay_enabled: bool = _opt(True)
    #: P(a payment within ``pay_window_days`` | right-party contact) by the rules: the
    #: prior of who pays when reached (``core.paying``).
    pay_prior: Decimal = _opt(Decimal("0.2"), _open_fraction)
    #: The share of the balance a payment makes, by the rules.
    pay_share: Decimal = _opt(Decimal("0.3"), _open_fraction)
    #: How many right-party contacts the rules' pay estimate is worth.
    pay_strength: Decimal = _opt(Decimal("6"), _not_negative)
    #: Fit the pay strength to how far the collector's debtors' paying rates spread
    #: (``core.paying.fitted_strength``); ``pay_strength`` is then what is used until
    #: ten accounts have two or more decided contacts, and by the report.
    pay_strength_fit: bool = _opt(True)
    #: The days after a right-party contact a payment counts for it (a promise falling
    #: later: its due day plus ``promise.grace_days``).
    pay_window_days: int = _opt(7, _positive_int)


WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEEKDAY_WEIGHTS = {"mon": Decimal("0.8"), "tue": Decimal("1.0"), "wed": Decimal("0.8"),
                           "thu": Decimal("1.1"), "fri": Decimal("1.2"), "sat": Decimal("0.9"),
                           "sun": Decimal("0.7")}


def _check_weekdays(value: dict) -> str | None:
    unknown = sorted(set(value) - set(WEEKDAY_KEYS))
    if unknown:
        return _("{value!r} is not one of {choices}").format(
            value=_short(unknown[0]), choices=", ".join(WEEKDAY_KEYS))
    return None


@dataclass(frozen=True)
class PrioritySettings:
    """``priority:`` the coefficient of each factor of an account's score (see README)."""

    amount: Decimal = _opt(Decimal("1.0"))
    days_past_due: Decimal = _opt(Decimal("0.5"))
    promise_due: Decimal = _opt(Decimal("6.0"))
    broken_promise: Decimal = _opt(Decimal("4.0"))
    callback_due: Decimal = _opt(Decimal("8.0"))
    payday: Decimal = _opt(Decimal("2.0"))
    weekday: Decimal = _opt(Decimal("1.0"))
    never_contacted: Decimal = _opt(Decimal("1.5"))
    attempts: Decimal = _opt(Decimal("-0.5"))
    risk: Decimal = _opt(Decimal("1.0"))


@dataclass(frozen=True)
class RulePack:
    """One jurisdiction's calling rules, evaluated in the debtor's local time."""

    weekday_hours: tuple[time, time] | None = _opt((time(8, 0), time(21, 0)), _check_span)
    #: None: no calls at weekends.
    weekend_hours: tuple[time, time] | None = _opt((time(8, 0), time(21, 0)), _check_span)
    #: Weekdays with no calls at all (e.g. [sun]).
    no_calls_on: tuple[str, ...] = _opt(tuple, lambda v: _check_weekdays(dict.fromkeys(v)))
    blackout_dates: tuple[date, ...] = _opt(tuple)
    #: A country code for the ``holidays`` package: no calls on its public holidays.
    holidays: str | None = _opt(None)
    max_attempts_per_day: int | None = _opt(3)
    max_attempts_per_7_days: int | None = _opt(7)
    #: Contacts (someone answered) in 7 days, where a rule counts those (Australia: 3).
    max_contacts_per_7_days: int | None = _opt(None)
    #: Contacts in a calendar month of the debtor's (Australia: 10).
    max_contacts_per_month: int | None = _opt(None)
    #: Days a conversation holds the account, the conversation's day being day 1 (US: 7).
    hold_days_after_conversation: int = _opt(0, _check_positive)
    voicemail_counts: bool = _opt(True)
    #: Whether the plan may dial a debtor's workplace number (Ireland: never).
    workplace_calls: str = _opt("allowed", _one_of("allowed", "never"))
    #: False where the figures come from one secondary source (shown by ``rules check``).
    verified: bool = _opt(True)
    #: The keys of figures not yet checked against their source, in a pack otherwise checked.
    unverified: tuple[str, ...] = _opt(tuple)
    source: str = _opt("")


def _hours(a: str, b: str) -> tuple[time, time]:
    return time.fromisoformat(a), time.fromisoformat(b)


def _default_packs() -> dict[str, RulePack]:
    """The packs collectctl ships (see DOMAIN.md); ``verified: false`` marks thin sources."""
    return {
        "default": RulePack(),
        "us": RulePack(max_attempts_per_day=None, hold_days_after_conversation=7,
                       holidays="US", source="FDCPA 15 USC 1692c; Reg F 12 CFR 1006.6, 1006.14"),
        "uk": RulePack(verified=False, holidays="GB",
                       source="FCA CONC 7.9.4R: not at unreasonable times"),
        "ie": RulePack(weekday_hours=_hours("09:00", "21:00"),
                       weekend_hours=_hours("09:00", "21:00"), no_calls_on=("sun",),
                       holidays="IE", workplace_calls="never", max_contacts_per_month=3,
                       unverified=("max_contacts_per_month",),
                       source="Consumer Credit Act 1995 s46; Central Bank Consumer "
                              "Protection Code (3 unsolicited contacts a month)"),
        "au": RulePack(weekday_hours=_hours("07:30", "21:00"),
                       weekend_hours=_hours("09:00", "21:00"), max_attempts_per_7_days=None,
                       max_contacts_per_7_days=3, max_contacts_per_month=10, holidays="AU",
                       source="ACCC/ASIC debt collection guideline s5 (3 a week, 10 a month)"),
        "tw": RulePack(weekday_hours=_hours("07:00", "22:00"),
                       weekend_hours=_hours("07:00", "22:00"), holidays="TW", verified=False,
                       source="bank outsourced collection rules s14 (one secondary source)"),
        "hk": RulePack(verified=False, holidays="HK",
                       source="Code of Banking Practice 43.2: not at unreasonable hours"),
        "cn": RulePack(weekday_hours=_hours("08:00", "22:00"),
                       weekend_hours=_hours("08:00", "22:00"), max_attempts_per_day=6,
                       holidays="CN", verified=False,
                       source="banking association guideline 2026 (news reports)"),
    }


#: The country each shipped pack is for (what ``init`` writes).
DEFAULT_BY_COUNTRY = {"US": "us", "GB": "uk", "IE": "ie", "AU": "au", "TW": "tw", "HK": "hk",
                      "CN": "cn"}


@dataclass(frozen=True)
class RulesSettings:
    """``rules:`` named rule packs and which one applies to an account."""

    default: str = _opt("default")
    #: Pack per account country (the list's country column, else the debtor phone's).
    by_country: dict[str, str] = _opt(lambda: dict(DEFAULT_BY_COUNTRY))
    packs: dict[str, RulePack] = _opt(_default_packs)


@dataclass(frozen=True)
class TargetSettings:
    """``targets:`` how weekly and monthly targets become daily ones."""

    extra_days_off: tuple[date, ...] = _opt(tuple)


def _check_buckets(value: dict[str, int | None]) -> str | None:
    from collectctl.core.portfolio import buckets_problem

    problem = buckets_problem(value)
    if problem is None:
        return None
    code, detail = problem
    bucket = _short(detail.get("bucket", ""))
    return {
        "buckets_empty": _("needs at least one bucket"),
        "bucket_name": _("{bucket!r} cannot name a bucket").format(bucket=bucket),
        "bucket_open_before_last": _("only the last bucket may have no end (null), not "
                                     "{bucket!r}").format(bucket=bucket),
        "bucket_not_after_previous": _("{bucket!r} must be more than {previous} days past "
                                       "due (where the bucket before it ends)").format(
            bucket=bucket, previous=detail.get("previous")),
        "bucket_last_has_end": _("the last bucket, {bucket!r}, must be open-ended (null): "
                                 "it holds every account past the one before it").format(
            bucket=bucket),
    }[code]


def _default_buckets() -> dict[str, int | None]:
    from collectctl.core.portfolio import DEFAULT_BUCKETS

    return dict(DEFAULT_BUCKETS)


@dataclass(frozen=True)
class ReportSettings:
    """``report:`` the portfolio's days-past-due buckets: each name with its last day past
    due (the first is the day after the previous bucket's last); the last has none."""

    buckets: dict[str, int | None] = _opt(_default_buckets, _check_buckets)


def _check_rates(value: dict[str, Decimal]) -> str | tuple[str, str] | None:
    for currency, rate in value.items():
        problem = _check_currency(currency)
        if problem:
            return problem
        if rate <= 0:  # said of the rate's own key (fx.rates.USD)
            return currency, _("must be more than zero")
    return None


@dataclass(frozen=True)
class FxSettings:
    """``fx:`` exchange rates for one converted total beside the per-currency figures:
    one unit of each currency of ``rates`` is that many of ``base`` (None: ``currency:``),
    as of ``as_of`` (required: a converted figure is always labelled with its date)."""

    base: str | None = _opt(None, _check_currency)
    as_of: date | None = _opt(None)
    rates: dict[str, Decimal] = _opt(dict, _check_rates)


def _check_fx(value: FxSettings) -> str | None:
    if value.as_of is None:
        return _("as_of must be given: the date of the rates (e.g. 2026-11-30)")
    return None


@dataclass(frozen=True)
class Settings:
    """The whole configuration. Field names are the YAML keys (``import_`` is ``import``)."""

    me: str | None = _opt(None)
    timezone: str = _opt("Asia/Taipei", _check_zone)
    phone_region: str = _opt("TW", _check_region)
    currency: str = _opt("TWD", _check_currency)
    database: str | None = _opt(None)
    lang: str | None = _opt(None)
    #: Traditional Chinese dates with Republic of China years (115/12/04).
    roc_years: bool = _opt(False)
    import_: ImportSettings = _opt(ImportSettings, key="import")
    promise: PromiseSettings = _opt(PromiseSettings)
    outcomes: dict[str, OutcomeSettings] = _opt(dict)
    shift: ShiftSettings = _opt(ShiftSettings)
    call: CallSettings = _opt(CallSettings)
    learning: LearningSettings = _opt(LearningSettings)
    payday_lead_days: int = _opt(3, _check_positive)
    weekday_weights: dict[str, Decimal] = _opt(lambda: dict(DEFAULT_WEEKDAY_WEIGHTS),
                                               _check_weekdays)
    priority: PrioritySettings = _opt(PrioritySettings)
    rules: RulesSettings = _opt(RulesSettings)
    #: The country whose working-day calendar (public holidays off, make-up working days on)
    #: the plan and targets follow (default: phone_region); see ``core.workdays``.
    country: str | None = _opt(None, _check_region)
    targets: TargetSettings = _opt(TargetSettings)
    report: ReportSettings = _opt(ReportSettings)
    #: Exchange rates for a converted total (None: money is only ever per currency).
    fx: FxSettings | None = _opt(None, _check_fx)

    @property
    def holiday_country(self) -> str:
        return self.country or self.phone_region
    #: Where the settings came from (None: built-in defaults). Not a YAML key.
    source: str | None = field(default=None, metadata={"internal": True})


def outcome_book(settings: Settings) -> OutcomeBook:
    """The outcome codes in force: the built-in set, with the config's codes replacing or
    adding to it."""
    from collectctl.core.outcomes import DEFAULT_OUTCOMES, Outcome, OutcomeBook

    by_code = {o.code: o for o in DEFAULT_OUTCOMES}
    for code, o in settings.outcomes.items():
        by_code[code] = Outcome(code, o.attempt, o.contact, o.right_party, o.effect, o.needs,
                                o.aliases, o.complaint, o.label or code)
    return OutcomeBook(tuple(by_code.values()))


def app_dir() -> Path:
    """The per-user directory for the config and the database (``typer.get_app_dir``:
    ``~/.config/collectctl`` on Linux). An empty or relative ``$XDG_CONFIG_HOME`` is
    ignored, as the XDG spec says, rather than putting personal data in the current
    directory."""
    import os

    import typer

    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg is not None and not os.path.isabs(xdg):
        saved = os.environ.pop("XDG_CONFIG_HOME")
        try:
            return Path(typer.get_app_dir(APP_NAME))
        finally:
            os.environ["XDG_CONFIG_HOME"] = saved
    return Path(typer.get_app_dir(APP_NAME))


def default_config_path() -> Path:
    return app_dir() / CONFIG_FILE_NAME


def _yaml_key(f) -> str:
    return f.metadata.get("key") or f.name


#: The largest whole number a key takes, either way: days, minutes and counts far past
#: any real setting (more ends in dates past year 9999, or before year 1).
MAX_WHOLE = 100_000
#: The largest number (a coefficient, a weight), either way: beyond it scores overflow.
MAX_NUMBER = Decimal(1_000_000)

_WHAT_DATE = N_("a date")
_WHAT_DATETIME = N_("a date and time")
_WHAT_BOOL = N_("true or false")
_WHAT_NOTHING = N_("an empty value")
_WHAT_LIST = N_("a list")
_WHAT_MAPPING = N_("a mapping")
_WHAT_NUMBER = N_("a number")
_WHAT_TEXT = N_("text")
_WHAT_OTHER = N_("a value of another kind")


def _what(value: Any) -> str:
    """What YAML made of a value, in words for an error (``a date``, ``a list``)."""
    if isinstance(value, Unreadable):
        kind = _WHAT_DATE if value.kind == "date" else _WHAT_NUMBER
    elif isinstance(value, bool):
        kind = _WHAT_BOOL
    elif value is None:
        kind = _WHAT_NOTHING
    elif isinstance(value, datetime):
        kind = _WHAT_DATETIME
    elif isinstance(value, date):
        kind = _WHAT_DATE
    elif isinstance(value, int | float | Decimal):
        kind = _WHAT_NUMBER
    elif isinstance(value, str):
        kind = _WHAT_TEXT
    elif isinstance(value, list | tuple | set):
        kind = _WHAT_LIST
    elif isinstance(value, dict):
        kind = _WHAT_MAPPING
    else:
        kind = _WHAT_OTHER
    return _(kind)


def _not(expected: str, value: Any) -> ValueError:
    """``must be text, not a date`` (``expected`` a marked phrase, ``_WHAT_TEXT``...); a
    scalar YAML read as something else gets the hint to quote it (``me: 2026-12-04``,
    ``me: yes``)."""
    if isinstance(value, bool | date | Unreadable) and expected == _WHAT_TEXT:
        return ValueError(_("must be text, not {what} (put it in quotes)").format(
            what=_what(value)))
    return ValueError(_("must be {expected}, not {what}").format(expected=_(expected),
                                                                 what=_what(value)))


_WHAT_WHOLE = N_("a whole number")


def _out_of_range(negative: bool, limit: Any) -> ValueError:
    if negative:
        return ValueError(_("must be at least {n:,}").format(n=-limit))
    return ValueError(_("must be at most {n:,}").format(n=limit))


def _within(value: Any, limit: Any) -> Any:
    """``value`` if it is no further from zero than ``limit``; else a ValueError."""
    if -limit <= value <= limit:
        return value
    raise _out_of_range(value < 0, limit)


def _huge(value: Unreadable, limit: Any) -> ValueError:
    """A number with more digits than Python reads: out of range, on its sign's side."""
    return _out_of_range(value.text.lstrip().startswith("-"), limit)


def _leaf(value: Any, hint: Any) -> Any:
    """Convert a YAML scalar to ``hint`` (text, a number, a flag, a date or a time)."""
    if hint is str:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return yaml_text(value)  # as written: 0123 stays 0123, not 83
        raise _not(_WHAT_TEXT, value)
    if hint is bool:
        if not isinstance(value, bool):
            raise _not(_WHAT_BOOL, value)
        return value
    if hint is int:
        if isinstance(value, Unreadable) and value.kind == "number":
            raise _huge(value, MAX_WHOLE)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _not(_WHAT_WHOLE, value)
        return _within(value, MAX_WHOLE)
    if hint is Decimal:
        if isinstance(value, Unreadable) and value.kind == "number":
            raise _huge(value, MAX_NUMBER)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _not(_WHAT_NUMBER, value)
        try:
            number = Decimal(yaml_text(value) if isinstance(value, int) else str(value))
        except InvalidOperation:
            raise _not(_WHAT_NUMBER, value) from None
        if not number.is_finite():
            raise ValueError(_("must be a finite number"))
        return _within(number, MAX_NUMBER)
    if hint is time:
        return _clock(value)
    if hint is date:
        if isinstance(value, datetime):
            raise ValueError(_("must be a date like 2026-02-16, not a date and time"))
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(_("must be a date like 2026-02-16")) from None
    raise TypeError(f"unsupported config type {hint!r}")  # a programming error


class _BadValue(ValueError):
    """A value's problem with the full key path of the value (inside a list or mapping)."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key


def _convert(value: Any, hint: Any, where: str, key: str = "") -> Any:
    """Convert a YAML value to the type ``hint``; raise ValueError with a reason (a
    :class:`_BadValue` naming the key inside a mapping, ``key`` being this value's)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(value, inner, where, key)
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(value, dict):
            raise ValueError(_("must be a mapping of keys"))
        return _build(hint, value, where, prefix=f"{key}." if key else "")
    if origin is tuple and args[-1] is not Ellipsis:
        if not isinstance(value, list) or len(value) != len(args):
            raise ValueError(_("must be a list of {n} values").format(n=len(args)))
        return tuple(_convert(v, a, where, key) for v, a in zip(value, args, strict=True))
    if origin is tuple:
        items = value if isinstance(value, list) else [value]
        return tuple(_convert(v, args[0], where, key) for v in items)
    if origin is dict:
        if not isinstance(value, dict):
            raise _not(_WHAT_MAPPING, value)
        out = {}
        for k, v in value.items():
            name = _convert(k, args[0], where, key)
            inner = f"{key}.{yaml_text(k)}" if key else yaml_text(k)
            try:
                out[name] = _convert(v, args[1], where, inner)
            except _BadValue:
                raise
            except ValueError as error:
                raise _BadValue(inner, str(error)) from None
        return out
    return _leaf(value, hint)


def _clock(value: Any) -> time:
    """``"09:30"`` → 09:30. YAML 1.1 reads an unquoted ``9:30`` as 570 (base 60): accept it."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(_("must be a time like \"09:00\"")) from None


def _build(cls: type, data: dict, where: str, prefix: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    known = {_yaml_key(f): f for f in fields(cls) if not f.metadata.get("internal")}
    for key in data:
        if key not in known:
            raise ConfigError(
                _("{where}: unknown key {key!r} (known: {known})").format(
                    where=where, key=_short(f"{prefix}{yaml_text(key)}"),
                    known=", ".join(sorted(known))
                )
            )
    values = {}
    for key, f in known.items():
        if key not in data:
            continue
        full_key = f"{prefix}{key}"
        hint = hints[f.name]
        try:
            value = _convert(data[key], hint, where, full_key)
        except ValueError as error:
            raise ConfigError(
                _("{where}: key {key!r} {reason}").format(
                    where=where, key=getattr(error, "key", full_key), reason=error)
            ) from None
        check = f.metadata.get("check")
        # A check returns the problem, or (the key under this one it is of, the problem).
        problem = check(value) if check and value is not None else None
        if problem:
            sub, reason = problem if isinstance(problem, tuple) else (None, problem)
            raise ConfigError(
                _("{where}: key {key!r}: {reason}").format(
                    where=where, key=f"{full_key}.{sub}" if sub else full_key, reason=reason)
            )
        values[f.name] = value
    return cls(**values)


def settings_from_mapping(data: Any, where: str) -> Settings:
    """Validate a parsed YAML document (``where`` names it in errors)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(_("{where}: the configuration must be a mapping of keys").format(
            where=where))
    settings = _build(Settings, data, where)
    # The shipped packs stay available beside a config's own (which win by name), so the
    # default by_country always names packs that exist.
    rules = settings.rules
    if set(_default_packs()) - set(rules.packs):
        settings = replace(settings, rules=replace(
            rules, packs={**_default_packs(), **rules.packs}))
    _check_rule_names(settings.rules, where)
    return replace(settings, source=where)


def _check_rule_names(rules: RulesSettings, where: str) -> None:
    """``rules.default`` and ``rules.by_country`` must name packs that exist."""
    named = [("rules.default", rules.default)]
    named += [(f"rules.by_country.{c}", p) for c, p in rules.by_country.items()]
    for key, pack in named:
        if pack not in rules.packs:
            raise ConfigError(_("{where}: key {key!r}: no rule pack {pack!r} (packs: {packs})")
                              .format(where=where, key=key, pack=_short(pack),
                                      packs=", ".join(rules.packs)))


def load_settings(path: str | None = None) -> Settings:
    """Load ``path``, else $COLLECTCTL_CONFIG, else the app directory's file if it exists.

    $COLLECTCTL_COLLECTOR overrides ``me``.
    """
    explicit = path or os.environ.get(ENV_CONFIG)
    config_path = Path(explicit) if explicit else default_config_path()
    if config_path.exists():
        settings = settings_from_mapping(read_yaml(config_path), str(config_path))
    elif explicit:
        raise ConfigError(_("config file {path} does not exist").format(path=config_path))
    else:
        settings = Settings()
    collector = os.environ.get(ENV_COLLECTOR)
    if collector:
        settings = replace(settings, me=collector)
    return settings


def defaults_of(cls: type) -> dict[str, Any]:
    """The default value of every field of a settings dataclass (for docs and tests)."""
    out = {}
    for f in fields(cls):
        if f.default is not MISSING:
            out[f.name] = f.default
        elif f.default_factory is not MISSING:
            out[f.name] = f.default_factory()
    return out
