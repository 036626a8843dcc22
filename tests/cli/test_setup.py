"""``init``, ``demo``, global options, help and error handling."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from collectctl.cli import app
from collectctl.config import app_dir

runner = CliRunner()


def test_init_writes_a_starter_config_and_creates_the_database(isolated):
    result = runner.invoke(app, ["init", "--me", "alice", "--timezone", "Asia/Taipei"])
    assert result.exit_code == 0, result.output
    config = app_dir() / "collectctl.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert data["me"] == "alice"
    db = app_dir() / "collectctl.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    again = runner.invoke(app, ["init"])
    assert "already exists" in again.stdout
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["me"] == "alice"


def test_init_rejects_a_bad_timezone_without_writing(isolated):
    result = runner.invoke(app, ["init", "--timezone", "Moon/Base"])
    assert result.exit_code == 2
    assert "Moon/Base" in result.stderr
    assert not (app_dir() / "collectctl.yaml").exists()


def test_demo_uses_its_own_database(isolated, tmp_path):
    own = tmp_path / "own.db"
    result = runner.invoke(app, ["--db", str(own), "--now", "2026-12-04T09:00+08:00", "demo"])
    assert result.exit_code == 0, result.output
    assert not own.exists()
    assert (app_dir() / "demo.db").exists()
    assert "inserted" in result.stdout and "alice · Fri 2026-12-04" in result.stdout
    assert "golden" in result.stdout
    # The bank's workbook adds its itemised debts to six accounts; the example payments
    # and call history come after the accounts, every row taken.
    lines = result.stdout.splitlines()
    assert lines[4] == ("sheet '逾期明細' of accounts.xlsx: 0 inserted, 6 updated, "
                        "0 unchanged, 0 rejected")
    assert lines[6:8] == ["payments.csv (utf-8): 7 inserted, 0 updated, 0 unchanged, 0 rejected",
                          "calls.csv (utf-8): 16 inserted, 0 updated, 0 unchanged, 0 rejected"]
    assert "broke a calling rule" not in result.stdout
    assert "broken promise" in result.stdout  # TW-500001 paid a third of what it promised


def test_bad_config_is_one_line_exit_2(isolated, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("colour: red\n")
    result = runner.invoke(app, ["--config", str(config), "accounts"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        f"collectctl: error: {config}: unknown key 'colour' (known: call, country, currency, ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("me: 2026-13-45\n", "key 'me' must be text, not a date (put it in quotes)"),
    ("me: 2026-12-04\n", "key 'me' must be text, not a date (put it in quotes)"),
    ("payday_lead_days: 1" + "0" * 5000 + "\n", "key 'payday_lead_days' must be at most 100,000"),
    ("me: 1" + "0" * 5000 + "\n", "key 'me' must be text, not a number (put it in quotes)"),
    ("rules: {packs: {tw: {blackout_dates: [2026-02-30]}}}\n",
     "key 'rules.packs.tw.blackout_dates' must be a date like 2026-02-16"),
    ("shift: {start: 2026-13-45}\n", "key 'shift.start' must be a time like"),
])
def test_a_scalar_yaml_cannot_build_is_a_config_error(isolated, tmp_path, text, expected):
    """Before, YAML's own date and integer conversion failed inside the loader: exit 70."""
    config = tmp_path / "c.yaml"
    config.write_text(text)
    result = runner.invoke(app, ["--config", str(config), "accounts"])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"collectctl: error: {config}: {expected}\n" or (
        result.stderr.startswith(f"collectctl: error: {config}: {expected}")
        and len(result.stderr.splitlines()) == 1)
    assert "Traceback" not in result.output


def test_init_refuses_a_timezone_yaml_reads_as_a_date(isolated):
    result = runner.invoke(app, ["init", "--timezone", "2026-13-45"])
    assert result.exit_code == 2, result.output
    assert "key 'timezone' must be text, not a date" in result.stderr
    assert not (app_dir() / "collectctl.yaml").exists()


def test_bad_now_is_a_usage_error(isolated):
    assert runner.invoke(app, ["init"]).exit_code == 0  # a database to read: the --now is wrong
    result = runner.invoke(app, ["--now", "noon", "accounts"])
    assert result.exit_code == 2 and "--now" in result.stderr


def test_now_from_the_environment(isolated, make_csv):
    path = make_csv("a.csv", "account,amount,dpd\nA,100,10\n")
    env = {"COLLECTCTL_NOW": "2026-12-14T09:00+08:00", "COLLECTCTL_DB": "x.db"}
    runner.invoke(app, ["import", "accounts", str(path)], env=env)
    out = runner.invoke(app, ["show", "A", "--format", "json"],
                        env={**env, "COLLECTCTL_NOW": "2026-12-24T09:00+08:00"})
    assert '"days_past_due": 20' in out.stdout


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.stdout.startswith("collectctl ")


def test_python_dash_m_works(isolated):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTCTL_")}
    out = subprocess.run([sys.executable, "-m", "collectctl", "--help"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert out.returncode == 0 and "import" in out.stdout


def test_demo_after_hours_shows_the_next_working_days_plan(isolated):
    # Friday evening: the weekend is not in shift.days, so Monday's plan.
    result = runner.invoke(app, ["--now", "2026-12-04T22:00+08:00", "demo"])
    assert result.exit_code == 0, result.output
    assert "alice · Mon 2026-12-07" in result.stdout and "day off" not in result.stdout
    result = runner.invoke(app, ["--now", "2026-12-03T22:00+08:00", "demo"])
    assert "alice · Fri 2026-12-04" in result.stdout
    # The command it suggests explains a call of the plan shown, on that plan's day.
    tried = result.stdout.rsplit("Try: collectctl ", 1)[1].split()
    assert tried[-2:] == ["--date", "2026-12-04"]
    explained = runner.invoke(app, ["--now", "2026-12-03T22:00+08:00", *tried, "--format",
                                    "json"])
    assert explained.exit_code == 0, explained.output
    assert json.loads(explained.stdout)["window"]["planned"] is True
    during = runner.invoke(app, ["--now", "2026-12-03T09:00+08:00", "demo"])
    assert "--date" not in during.stdout.rsplit("Try: ", 1)[1]


@pytest.mark.parametrize("value", ["", "relative/dir"])
def test_an_empty_or_relative_xdg_config_home_is_ignored(monkeypatch, tmp_path, value):
    """The XDG spec: such a value is as if unset. Personal data never lands in the
    directory the collector happens to be in."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", value)
    assert app_dir() == tmp_path / "home" / ".config" / "collectctl"
    assert app_dir().is_absolute()
