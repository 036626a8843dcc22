"""A phone number typed on the command line is never echoed whole by an error: ``contact``
masks it as ``--redact`` masks (``render.plan.mask_phone``), ``log -p`` names only the
option and the problem."""

from __future__ import annotations

import pytest

from collectctl.render.plan import mask_phone


@pytest.fixture
def cli(cli, make_csv):
    accounts = make_csv("a.csv", "account_id,name,amount_due,mobile\nA-1,Ann,1000,"
                        "0912345678\n")
    assert cli("import", "accounts", accounts).exit_code == 0
    return cli


@pytest.mark.parametrize(("args", "typed", "shown"), [
    (["contact", "add", "A-1", "0933 444 55"], "093344455", mask_phone("093344455")),
    (["contact", "invalid", "A-1", "0933-444-555"], "933444555", mask_phone("+886933444555")),
    (["contact", "invalid", "A-1", "no number 0933444"], "0933444",
     mask_phone("0933444")),
])
def test_contact_errors_mask_the_number(cli, args, typed, shown):
    result = cli(*args)
    assert result.exit_code == 2
    assert typed not in result.stderr and shown in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("phone", ["0933-444-555x", "0933444555", "+886933444555"])
def test_log_phone_errors_name_the_option_not_the_number(cli, phone):
    result = cli("log", "A-1", "wn", "-p", phone, "--collector", "alice")
    if result.exit_code == 0:  # the number was accepted as dialled: nothing to say
        pytest.skip("accepted")
    assert result.exit_code == 2
    digits = "".join(ch for ch in phone if ch.isdigit())
    assert digits[-6:] not in result.stderr
    assert result.stderr.startswith("collectctl: error: --phone: ")
