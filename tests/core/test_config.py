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
