"""``team add``: the password never on the command line; from a hidden prompt, asked
twice, or the first line of standard input (``--password-stdin``); sent to the server
as a SCRAM verifier made on the client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import pytest

from tests.conftest import _admin_sql


def scram_matches(verifier: str, password: str) -> bool:
    """Whether a PostgreSQL ``SCRAM-SHA-256$iter:salt$stored:server`` verifier is the
    password's (RFC 5802: the keys derived from the salted password)."""
    method, params, keys = verifier.split("$")
    iterations, salt = params.split(":")
    stored, server = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt),
                                 int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return (method == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == stored
            and hmac.new(salted, b"Server Key", hashlib.sha256).digest() == server)


def test_scram_check_itself():
    verifier = ("SCRAM-SHA-256$4096:c2FsdHNhbHQ=$"
                + base64.b64encode(hashlib.sha256(hmac.new(hashlib.pbkdf2_hmac(
                    "sha256", b"pw", b"saltsalt", 4096), b"Client Key",
                    hashlib.sha256).digest()).digest()).decode() + ":"
                + base64.b64encode(hmac.new(hashlib.pbkdf2_hmac(
                    "sha256", b"pw", b"saltsalt", 4096), b"Server Key",
                    hashlib.sha256).digest()).decode())
    assert scram_matches(verifier, "pw") and not scram_matches(verifier, "px")


@pytest.fixture
def server(cli, engine, request):
    """The CLI on PostgreSQL, and a fresh role name dropped afterwards."""
    if engine != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    name = f"pw_{os.getpid()}_{len(request.node.name)}"

    def drop():
        if cli.sql("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)):
            _admin_sql(str(cli.db), f"DROP OWNED BY {name}", f"DROP ROLE {name}")

    drop()
    request.addfinalizer(drop)
    return cli, name


def stored_password(cli, name: str) -> str | None:
    return cli.sql("SELECT rolpassword FROM pg_authid WHERE rolname = ?", (name,))[0][0]


@pytest.fixture
def at_a_terminal(monkeypatch):
    monkeypatch.setattr("collectctl.cli.team._interactive", lambda: True)


def test_password_stdin_reads_the_first_line(server):
    cli, name = server
    result = cli("team", "add", name, "--role", "collector", "--password-stdin",
                 input="correct horse battery\nnot this line\n")
    assert result.exit_code == 0, result.output
    verifier = stored_password(cli, name)
    assert verifier.startswith("SCRAM-SHA-256$")
    assert scram_matches(verifier, "correct horse battery")
    assert "correct horse" not in result.output


def test_password_stdin_without_a_line_is_refused(server):
    cli, name = server
    for given in ("", "\n"):
        result = cli("team", "add", name, "--role", "lead", "--password-stdin", input=given)
        assert result.exit_code == 2, result.output
        assert result.stderr == ("collectctl: error: --password-stdin: the first line of "
                                 "standard input is empty\n")
    assert not cli.sql("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,))


def test_at_a_terminal_the_password_is_asked_twice_hidden(server, at_a_terminal):
    cli, name = server
    result = cli("team", "add", name, "--role", "collector",
                 input="first try\nfirst typo\ns3cret\ns3cret\n")
    assert result.exit_code == 0, result.output
    assert scram_matches(stored_password(cli, name), "s3cret")
    assert result.stderr == (f"Password for {name} (Enter: none):Repeat it:"
                             "The two differ; once more.\n"
                             f"Password for {name} (Enter: none):Repeat it:")
    assert "s3cret" not in result.output and "first try" not in result.output  # hidden
    assert result.stdout.strip() == f"{name}: role created (collector)"  # the runner: blank lines


def test_three_different_repeats_add_nobody(server, at_a_terminal):
    cli, name = server
    result = cli("team", "add", name, "--role", "collector", input="a\nb\n" * 3)
    assert result.exit_code == 2
    assert result.stderr.endswith("collectctl: error: the password was typed differently "
                                  "three times; no role was added\n")
    assert not cli.sql("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,))


def test_at_a_terminal_enter_means_no_password(server, at_a_terminal):
    cli, name = server
    result = cli("team", "add", name, "--role", "collector", input="\n\n")
    assert result.exit_code == 0, result.output
    assert stored_password(cli, name) is None


def test_without_a_terminal_or_stdin_flag_no_password_is_set(server):
    cli, name = server
    result = cli("team", "add", name, "--role", "collector", input="not read\n")
    assert result.exit_code == 0, result.output
    assert stored_password(cli, name) is None and "Password" not in result.output


def test_the_password_option_is_gone(cli):
    result = cli("team", "add", "zed", "--role", "collector", "--password", "hunter2")
    assert result.exit_code == 2
    assert result.stderr.startswith("collectctl: error: --password is no longer taken")
    assert "hunter2" not in result.output and len(result.stderr.splitlines()) == 1
    assert "--password " not in cli("team", "add", "--help").stdout


def test_a_bad_role_is_refused_before_the_password_is_asked(cli, at_a_terminal):
    result = cli("team", "add", "zed", "--role", "boss", input="never\nnever\n")
    assert result.exit_code == 2
    assert "--role must be collector or lead, not 'boss'" in result.stderr
    assert "Password" not in result.output
