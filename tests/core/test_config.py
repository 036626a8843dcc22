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
