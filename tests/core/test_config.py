from decimal import Decimal

import pytest
import yaml

from collectctl.config import (
    ImportSettings,
    Settings,
    defaults_of,
    load_settings,
    settings_from_mapping,
)
from collectctl.errors import ConfigError
from collectctl.resources import bundled


def test_no_file_gives_defaults():
    settings = load_settings()
    assert settings == Settings()
    assert (settings.timezone, settings.phone_region, settings.currency) == (
        "Asia/Taipei", "TW", "TWD")
    assert settings.import_.date_order == "YMD"


def test_example_config_documents_every_key_with_its_default():
    text = bundled("config.example.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert settings_from_mapping(data, "example") == Settings(source="example")
    top = {("import" if k == "import_" else k) for k in defaults_of(Settings)} - {"source"}
    assert top == set(data)
    assert set(defaults_of(ImportSettings)) == set(data["import"])


def test_file_values_are_read(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "me: alice\ntimezone: America/New_York\nphone_region: US\ncurrency: USD\n"
        "import:\n  date_order: MDY\n  aliases:\n    account_id: [Cust Ref]\n",
        encoding="utf-8",
    )
    s = load_settings(str(path))
    assert (s.me, s.timezone, s.phone_region, s.currency) == (
        "alice", "America/New_York", "US", "USD")
    assert s.import_.date_order == "MDY"
    assert s.import_.aliases == {"account_id": ("Cust Ref",)}


def test_collector_env_overrides_me(tmp_path, monkeypatch):
    path = tmp_path / "c.yaml"
    path.write_text("me: alice\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "bob")
    assert load_settings(str(path)).me == "bob"


def test_config_env_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "c.yaml"
    path.write_text("me: carol\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(path))
    assert load_settings().me == "carol"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("colour: red\n", "unknown key 'colour'"),
        ("import:\n  date_ordr: DMY\n", "unknown key 'import.date_ordr'"),
        ("timezone: Mars/Olympus\n", "key 'timezone': unknown IANA time zone 'Mars/Olympus'"),
        ("import:\n  date_order: YDM\n", "key 'import.date_order': 'YDM' is not one of"),
        ("phone_region: taiwan\n", "key 'phone_region'"),
        ("currency: 12\n", "key 'currency'"),
        ("import: 5\n", "key 'import' must be a mapping"),
        ("import:\n  aliases:\n    colour: [x]\n", "unknown field 'colour'"),
        ("- a\n- b\n", "must be a mapping of keys"),
        ("me: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_config_names_key_and_file(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(str(path))
    assert expected in str(error.value)
    assert str(path) in str(error.value)


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(str(tmp_path / "nope.yaml"))


def test_yaml_is_read_with_the_safe_loader(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("me: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(str(path))


def test_decimal_values_convert_exactly():
    from collectctl.config import _convert

    assert _convert(0.1, Decimal, "x") == Decimal("0.1")
    with pytest.raises(ValueError):
        _convert("abc", Decimal, "x")


def test_plan_sections_read_times_spans_and_packs(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "shift: {start: 8:30, end: '17:00', breaks: [['12:00', '12:30']]}\n"
        "rules:\n  default: tw\n  by_country: {US: us}\n"
        "  packs:\n    tw: {weekday_hours: ['07:00', '22:00'], weekend_hours: null}\n"
        "    us: {blackout_dates: [2026-12-25]}\n", encoding="utf-8")
    s = load_settings(str(path))
    from datetime import date, time

    assert s.shift.start == time(8, 30)            # YAML 1.1 reads 8:30 as 510
    assert s.shift.breaks == ((time(12, 0), time(12, 30)),)
    assert s.rules.packs["tw"].weekend_hours is None
    assert s.rules.packs["us"].blackout_dates == (date(2026, 12, 25),)


@pytest.mark.parametrize(("text", "expected"), [
    ("shift: {start: '25:00'}\n", "key 'shift.start' must be a time"),
    ("call: {lunch: ['13:30', '12:00']}\n", "key 'call.lunch': the start must be before"),
    ("call: {handle_minutes: 0}\n", "key 'call.handle_minutes': must be more than zero"),
    ("priority: {amount: lots}\n", "key 'priority.amount' must be a number"),
    ("weekday_weights: {funday: 2}\n", "key 'weekday_weights': 'funday'"),
    ("rules: {default: mars}\n", "key 'rules.default': no rule pack 'mars'"),
    ("rules: {by_country: {US: usa}}\n", "key 'rules.by_country.US': no rule pack 'usa'"),
    ("rules: {packs: {default: {weekday_hours: ['9am', '5pm']}}}\n", "must be a time"),
    ("learning: {prior_rate: 0}\n", "key 'learning.prior_rate': must be more than 0 and"),
    ("learning: {prior_rate: 1}\n", "key 'learning.prior_rate': must be more than 0 and"),
    ("learning: {prior_strength: -1}\n", "key 'learning.prior_strength': must not be neg"),
    ("learning: {explore_share: 1.5}\n", "key 'learning.explore_share': must be between"),
    ("learning: {enabled: maybe}\n", "key 'learning.enabled' must be true or false"),
])
def test_bad_plan_settings(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(str(path))
    assert expected in str(error.value)


def test_a_yaml_bomb_is_refused_at_once(tmp_path):
    import time

    from collectctl.config import load_settings
    from collectctl.errors import ConfigError

    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev = chr(ord("a") + n - 1)
        lines.append(f"{chr(ord('a') + n)}: &{chr(ord('a') + n)} [" + ",".join(
            [f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ConfigError, match=r"bomb.yaml:2: not valid YAML: aliases"):
        load_settings(str(path))
    assert time.perf_counter() - started < 2


def test_a_huge_settings_file_is_refused(tmp_path):
    from collectctl.config import load_settings
    from collectctl.errors import ConfigError

    path = tmp_path / "big.yaml"
    path.write_text("me: " + "x" * 2_000_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="too big for a settings file"):
        load_settings(str(path))


# --- Scalars YAML reads as something else: every text and number key -------------------

#: A key each mapping of the settings may have, to reach the values inside it.
MAP_KEYS = {"weekday_weights": "mon", "rules.by_country": "TW", "import.aliases": "amount",
            "rules.packs": "x", "outcomes": "x", "report.buckets": "M1",
            "fx.rates": "USD"}


def _leaf_keys(cls=None, prefix=""):
    """(key path, leaf type, list?) of every text, whole-number and number value of the
    settings, reaching into a rule pack, an outcome code, a mapping's values and a list's
    items as a config names them."""
    import typing
    from dataclasses import fields, is_dataclass

    from collectctl.config import _yaml_key

    def leaves(hint, key, listed=False):
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        inner = [a for a in args if a is not type(None)]
        if origin is not None and type(None) in args and len(inner) == 1:
            yield from leaves(inner[0], key, listed)
        elif isinstance(hint, type) and is_dataclass(hint):
            yield from _leaf_keys(hint, key + ".")
        elif origin is dict:
            yield from leaves(args[1], f"{key}.{MAP_KEYS[key]}")
        elif origin is tuple and args[-1] is Ellipsis:
            yield from leaves(args[0], key, True)
        elif hint in (str, int, Decimal):
            yield key, hint, listed

    cls = cls or Settings
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        if not f.metadata.get("internal"):
            yield from leaves(hints[f.name], prefix + _yaml_key(f))


LEAF_KEYS = sorted(_leaf_keys())
TEXT_KEYS = [(k, listed) for k, t, listed in LEAF_KEYS if t is str]
NUMBER_KEYS = [k for k, t, _listed in LEAF_KEYS if t is not str]
KIND = {k: t for k, t, _listed in LEAF_KEYS}


def _document(key: str, value: str, listed: bool = False) -> str:
    """A YAML document setting the dotted ``key`` to the YAML text ``value`` (the one
    item of a list where ``listed``)."""
    *outer, last = key.split(".")
    text = f"{last}: [{value}]" if listed else f"{last}: {value}"
    for name in reversed(outer):
        text = f"{name}: {{{text}}}"
    if key.startswith("fx.") and key != "fx.as_of":
        # fx: needs the rates' date (else that is the error, naming fx): given here.
        text = text.replace("fx: {", "fx: {as_of: 2026-11-30, ", 1)
    return text + "\n"


def _load(text: str):
    from collectctl.yamlfile import parse_yaml

    return settings_from_mapping(parse_yaml(text, "c.yaml"), "c.yaml")


def test_the_key_table_covers_every_section():
    assert {"me", "timezone", "rules.packs.x.source", "outcomes.x.label", "rules.by_country.TW",
            "import.aliases.amount", "shift.days"} <= {k for k, _listed in TEXT_KEYS}
    assert {"payday_lead_days", "priority.amount", "rules.packs.x.max_attempts_per_day",
            "learning.prior_strength", "weekday_weights.mon"} <= set(NUMBER_KEYS)
    assert len(LEAF_KEYS) > 45


NOT_TEXT = {
    "2026-13-45": "a date", "2026-02-30": "a date", "2026-12-04": "a date",
    "2026-12-04 10:00:00": "a date and time", "2026-12-04T10:00:00+99:00": "a date",
    "[a, b]": "a list", "{a: 1}": "a mapping", "true": "true or false", "no": "true or false",
    "!!timestamp nonsense": "a date",
}


@pytest.mark.parametrize(("key", "listed"), TEXT_KEYS)
@pytest.mark.parametrize("value", sorted(NOT_TEXT))
def test_a_text_key_refuses_what_is_not_text(key, listed, value):
    with pytest.raises(ConfigError) as error:
        _load(_document(key, value, listed))
    assert str(error.value) == (f"c.yaml: key {key!r} must be text, not {NOT_TEXT[value]}"
                                + (" (put it in quotes)" if NOT_TEXT[value] not in (
                                    "a list", "a mapping") else ""))


@pytest.mark.parametrize(("key", "listed"), TEXT_KEYS)
def test_a_text_key_keeps_a_number_as_written(key, listed):
    from collectctl.yamlfile import parse_yaml

    for written in ("0123", "0x1F", "9:30", "1_000", "1.50"):
        try:
            settings = _load(_document(key, written, listed))
        except ConfigError as error:  # a key's own check (a zone, a code): the text shown
            assert f"c.yaml: key {key!r}" in str(error) and written in str(error)
            continue
        assert written in repr(settings), key
    assert parse_yaml("me: 0123\n", "c.yaml")["me"] == 83  # YAML's reading, kept as text


HUGE = "1" + "0" * 5000


@pytest.mark.parametrize("key", NUMBER_KEYS)
@pytest.mark.parametrize(("value", "reason"), [
    (HUGE, "must be at most {n}"), ("-" + HUGE, "must be at least -{n}"),
    ("2026-13-45", "not a date"), ("2026-12-04", "not a date"), ("[1]", "not a list"),
    ("{a: 1}", "not a mapping"), ("true", "not true or false"), ("'lots'", "not text"),
    ("1e99", "must be at most {n}"),
])
def test_a_number_key_refuses_what_is_not_a_number_in_range(key, value, reason):
    from collectctl.config import MAX_NUMBER, MAX_WHOLE

    whole = KIND[key] is int
    limit = f"{MAX_WHOLE if whole else MAX_NUMBER:,}"
    if value == "'lots'" and not whole:
        reason = "must be a number, not text"
    if value == "1e99" and whole:
        reason = "must be a whole number, not text"  # YAML 1.1 reads 1e99 as text
    with pytest.raises(ConfigError) as error:
        _load(_document(key, value))
    message = str(error.value)
    assert message.startswith(f"c.yaml: key {key!r} ")
    assert reason.format(n=limit) in message
    assert len(message) < 200 and "\n" not in message


@pytest.mark.parametrize("key", NUMBER_KEYS)
def test_the_largest_number_a_key_takes_is_read(key):
    from collectctl.config import MAX_NUMBER, MAX_WHOLE

    limit = MAX_WHOLE if KIND[key] is int else MAX_NUMBER
    try:
        _load(_document(key, str(limit)))
    except ConfigError as error:  # only the key's own range check may refuse it
        assert "must be" in str(error) and "at most" not in str(error)


def test_a_time_zone_too_long_for_a_file_name_is_unknown():
    """Found by the property test below: ZoneInfo opens a file of that name (OSError)."""
    with pytest.raises(ConfigError, match="key 'timezone': unknown IANA time zone"):
        _load("timezone: " + "F" * 300 + "\n")


def test_hostile_scalars_anywhere_are_config_errors_naming_the_key():
    """Any key, any scalar: settings, or one ConfigError line naming the file and key."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    scalars = st.one_of(
        st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999),
                  st.integers(0, 99), st.integers(0, 99)),
        st.builds(lambda d, h: f"2026-01-{d:02d} {h:02d}:00:00", st.integers(0, 99),
                  st.integers(0, 99)),
        st.builds(lambda n, sign: sign + "9" * n, st.integers(1, 6000), st.sampled_from("-+")),
        st.builds(lambda n: f"0x{'F' * n}", st.integers(1, 5000)),
        st.sampled_from(["~", "yes", "off", "[]", "{}", "[1, [2]]", "{a: {b: c}}", ".inf",
                         "-.inf", ".nan", "1e400", "!!int x", "!!float y", "!!binary aGk=",
                         "''", "12:30:45", "!!timestamp 2026", "!!set {a}"]),
        st.text(max_size=20).map(lambda t: repr(t).replace("\\", "")),
    )

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(LEAF_KEYS), scalars)
    def check(leaf, value):
        key, _kind, listed = leaf
        try:
            _load(_document(key, value, listed))
        except ConfigError as error:
            message = str(error)
            assert message.startswith("c.yaml"), message
            assert "\n" not in message and len(message) < 400
            # The buckets are checked as a whole (their order, the last open-ended): such
            # an error names the map and the bucket.
            whole = key.startswith("report.buckets.") and "key 'report.buckets'" in message \
                and "'M1'" in message
            assert key in message or whole or "not valid YAML" in message

    check()
