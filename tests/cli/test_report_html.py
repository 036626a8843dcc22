"""The html report: self-contained, escaped, and rendered by a real browser."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def html(cli, make_csv, tmp_path):
    cli.now = "2026-12-04T10:00:00+08:00"
    rows = f"A-1,王小明,10000,0912-345-678,{EVIL}\nB-1,林美玲,5000,0922-333-444,bob\n"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + rows)).exit_code == 0
    for args in (["A-1", "na"], ["A-1", "ptp", "-a", "100", "-d", "2026-12-04"],
                 ["B-1", "rpc"]):
        assert cli("log", *args, "-c", EVIL).exit_code == 0
    cli("pay", "A-1", "100")
    path = tmp_path / "report.html"
    cli.now = "2026-12-07T10:00:00+08:00"
    result = cli("report", "--from", "2026-12-01", "--to", "2026-12-07", "-f", "html",
                 "-o", path)
    assert result.exit_code == 0, result.output
    return path


def test_html_is_self_contained_and_escaped(html):
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    assert text.count("<svg") == 3
    assert 'class="collected"' in text and 'class="calls"' in text
    assert 'class="promises-0"' in text


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_renders_in_a_real_browser(html, tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium (.ci/run installs it)")
        pytest.skip("no chromium on this machine (apt-get install chromium); CI runs this")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", html.as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    assert dom.count("<svg") == 3 and dom.count("<rect") >= 3
    assert "<script" not in dom and "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    shot = tmp_path / "report.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,800",
                    html.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 5_000
