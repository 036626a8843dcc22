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
    assert "記入帳戶紀錄的備註。" in cli("log", "--help").stdout


def test_the_config_language_applies_to_help(cli, monkeypatch, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("lang: zh_TW\n", encoding="utf-8")
    assert "介面語言" in cli("--config", str(config), "--help").stdout
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    assert "介面語言" in cli("--help").stdout
    assert "Interface language" in cli("--lang", "en", "--help").stdout


def _account(cli, make_csv):
    path = make_csv("a.csv", "account_id,name,amount_due,phone,assigned_to\n"
                             "A-1,王小明,12345,0912345678,alice\n")
    assert cli("import", "accounts", path).exit_code == 0


def test_roc_years_from_the_config(cli, make_csv, tmp_path):
    _account(cli, make_csv)
    config = tmp_path / "c.yaml"
    config.write_text("lang: zh_TW\nroc_years: true\n", encoding="utf-8")
    result = cli("--config", str(config), "log", "A-1", "ptp", "-a", "5000", "-d",
                 "2026-12-10", "--collector", "alice")
    assert result.exit_code == 0, result.stderr
    assert "NT$5,000，期限 115/12/10 (四)" in result.stdout
    config.write_text("lang: zh_TW\n", encoding="utf-8")
    shown = cli("--config", str(config), "show", "A-1").stdout
    assert "2026/12/10 (四)" in shown and "NT$12,345" in shown


def test_the_html_report_in_chinese(cli, make_csv):
    _account(cli, make_csv)
    cli("log", "A-1", "rpc", "--collector", "alice")
    page = cli("--lang", "zh_TW", "report", "--format", "html").stdout
    assert '<html lang="zh-Hant-TW">' in page
    assert "<th scope=\"col\">回收率</th>" in page and "催收報表" in page
    english = cli("report", "--format", "html").stdout
    assert '<html lang="en">' in english and '<th scope="col">recovery rate</th>' in english


def test_click_words_in_chinese_and_unchanged_in_english(cli):
    zh = cli("--lang", "zh_TW", "plan", "--help").stdout
    assert zh.startswith("用法：collectctl plan") and "選項：" in zh
    assert "顯示這份說明後結束。" in zh
    error = cli("--lang", "zh_TW", "plan", "--limit", "x")
    assert error.exit_code == 2
    assert "錯誤：'--limit' / '-l' 的值無效：" in error.stderr
    english = cli("plan", "--limit", "x")
    assert english.exit_code == 2
    assert "Error: Invalid value for '--limit' / '-l': 'x' is not a valid integer." \
        in english.stderr
    assert "Show this message and exit." in cli("plan", "--help").stdout


def test_json_keys_and_outcome_codes_stay_english(cli, make_csv):
    _account(cli, make_csv)
    result = cli("--lang", "zh_TW", "plan", "--collector", "alice", "--format", "json")
    import json

    call = json.loads(result.stdout)["calls"][0]
    assert set(call) >= {"account_id", "window", "reasons"} and call["window"] in (
        "golden", "normal", "lunch")


def test_the_commands_of_a_group_are_in_chinese_too(cli):
    """db, team and target are groups: Typer resolves their commands, not the root."""
    migrate = cli("--lang", "zh_TW", "db", "migrate", "--help").stdout
    assert migrate.startswith("用法：collectctl db migrate") and "顯示這份說明後結束。" in migrate
    add = cli("--lang", "zh_TW", "team", "add", "--help").stdout
    assert "參數：" in add and "催收員名字" in add
    missing = cli("--lang", "zh_TW", "target", "set")
    assert missing.exit_code == 2 and "錯誤：缺少" in missing.stderr


def test_phone_extensions_and_labels_in_chinese(cli, make_csv):
    path = make_csv("e.csv", "account_id,amount_due,home_phone\nE-1,100,(02) 2345-6789 分機 123\n")
    assert cli("import", "accounts", path).exit_code == 0
    assert "02 2345 6789 ext 123  (home)" in cli("show", "E-1").stdout
    assert "02 2345 6789 分機 123  （住家）" in cli("--lang", "zh_TW", "show", "E-1").stdout


def test_a_mistyped_command_is_wholly_in_traditional_chinese():
    """Typer appends "Did you mean ...?" in English to the translated message."""
    from typer.testing import CliRunner

    from collectctl.cli.root import app

    result = CliRunner().invoke(app, ["--lang", "zh_TW", "plna"])
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last == "錯誤：沒有 'plna' 這個指令 （您是指 'plan' 嗎？）"
    assert "Did you mean" not in result.output
