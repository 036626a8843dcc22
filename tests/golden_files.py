"""Whole screens compared with golden files (tests/golden/<language>/<name>.txt).

To accept a change of a screen, run the tests with COLLECTCTL_UPDATE_GOLDEN=1: the files
are written from what the commands print; then review ``git diff tests/golden``.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Read when the tests are collected, before each test's clean environment clears it.
UPDATE = bool(os.environ.get("COLLECTCTL_UPDATE_GOLDEN"))


def check(language: str, name: str, text: str) -> None:
    """``text`` is the golden file ``name`` of ``language`` (or becomes it, when updating)."""
    path = GOLDEN / language / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with COLLECTCTL_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def a_morning(cli, *account_files: Path):
    """The screens' data: the bundled example accounts, a morning's calls (a promise, no
    answer, a payment, a talk), alice's target for the month and a debtor's requests."""
    for path in account_files:
        assert cli("import", "accounts", path).exit_code in (0, 1)
    for args in (["TW-500003", "ptp", "-a", "50000", "-d", "+7"],
                 ["TW-500009", "no-answer"], ["TW-500025", "paid", "-a", "1000"],
                 ["TW-500023", "rpc", "-n", "下週再談"]):
        result = cli("log", *args, "--collector", "alice")
        assert result.exit_code == 0, result.stderr
    result = cli("target", "set", "collected=500000", "calls=600", "--period", "month",
                 "--collector", "alice")
    assert result.exit_code == 0, result.stderr
    # The debtor of the file shown asked for no calls in the evening, nor at work.
    result = cli("account", "TW-500003", "--avoid", "18:00-21:00", "--days", "mon-fri",
                 "--no-workplace", "--collector", "alice")
    assert result.exit_code == 0, result.stderr
    return cli
