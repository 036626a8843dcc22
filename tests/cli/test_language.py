"""Choosing the interface language from the command line, the environment and the config."""

from __future__ import annotations

ZH_ERROR = "collectctl：錯誤：查無帳號 'NOPE'"
EN_ERROR = "collectctl: error: no account 'NOPE'"


def _error(cli, *extra: str) -> str:
    result = cli(*extra, "log", "NOPE", "na", "--collector", "bob")
    assert result.exit_code == 2
    return result.stderr.strip()


def test_lang_option(cli):
    assert _error(cli, "--lang", "zh_TW") == ZH_ERROR
    assert _error(cli) == EN_ERROR  # the next command in the same process: English again
    assert _error(cli, "--lang", "xx") == EN_ERROR  # no catalog: English, silently


def test_environment_then_config_then_locale(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert _error(cli) == ZH_ERROR
    config = tmp_path / "c.yaml"
    config.write_text("lang: en\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    assert _error(cli) == EN_ERROR  # the config before the locale
    monkeypatch.setenv("COLLECTCTL_LANG", "zh-TW")
    assert _error(cli) == ZH_ERROR  # $COLLECTCTL_LANG before the config
    assert _error(cli, "--lang", "en") == EN_ERROR  # --lang before everything


def test_help_lists_the_option(cli):
    assert "--lang" in cli("--help").stdout


def test_help_is_in_the_chosen_language(cli, monkeypatch):
    zh = cli("--lang", "zh_TW", "--help").stdout
    assert "催收員的每日撥打計畫" in zh and "介面語言" in zh
    assert "Plan, log and report" in cli("--help").stdout  # and English again after
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    assert "承諾或已付的金額。" in cli("log", "--help").stdout
    assert "寫進帳戶檔案的備註。" in cli("log", "--help").stdout


def test_the_config_language_applies_to_help(cli, monkeypatch, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("lang: zh_TW\n", encoding="utf-8")
    assert "介面語言" in cli("--config", str(config), "--help").stdout
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    assert "介面語言" in cli("--help").stdout
    assert "Interface language" in cli("--lang", "en", "--help").stdout
