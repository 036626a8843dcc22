"""``collectctl init`` and ``collectctl demo``: getting started."""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer

from collectctl.cli.context import app_context
from collectctl.config import ENV_CONFIG, app_dir, default_config_path, settings_from_mapping
from collectctl.errors import UsageError
from collectctl.i18n import _

DEMO_DB_NAME = "demo.db"
DEMO_FILES = ("examples/accounts.csv", "examples/accounts_zh_big5.csv", "examples/accounts.xlsx")
#: Imported after the accounts: the bank's payments feed and a call history.
DEMO_PAYMENTS, DEMO_CALLS = "examples/payments.csv", "examples/calls.csv"
DEMO_COLLECTOR = "alice"


def starter_config(me: str | None, timezone: str | None) -> str:
    """The example config with ``me`` and ``timezone`` filled in; validated before it is written."""
    import yaml

    from collectctl.resources import bundled
    from collectctl.yamlfile import parse_yaml

    text = bundled("config.example.yaml").read_text(encoding="utf-8")
    if me:
        text = re.sub(r"(?m)^me:.*$", "me: " + yaml.safe_dump(me).splitlines()[0], text)
    if timezone:
        text = re.sub(r"(?m)^timezone:.*$", "timezone: " + timezone, text)
    settings_from_mapping(parse_yaml(text, "--timezone/--me"), "--timezone/--me")
    return text


def init(
    ctx: typer.Context,
    me: str = typer.Option(None, "--me", help=_("Your name as a collector (as assigned in the "
                                                "account lists).")),
    timezone: str = typer.Option(None, "--timezone", help=_("Your IANA time zone, e.g. "
                                                            "Asia/Taipei.")),
    force: bool = typer.Option(False, "--force", help=_("Overwrite an existing config file.")),
) -> None:
    """Write a starter config and create the database."""
    from collectctl.app import Message
    from collectctl.render import emit

    state = app_context(ctx)
    explicit = ctx.find_root().params.get("config") or os.environ.get(ENV_CONFIG)
    path = Path(explicit) if explicit else default_config_path()
    lines = []
    if path.exists() and not force:
        lines.append(_("Config {path} already exists; left as it is (--force to overwrite).")
                     .format(path=path))
    else:
        from collectctl.private_files import private_output

        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with private_output(path, force=True) as out:  # 0600: it may hold a server's URL
            out.write(starter_config(me, timezone))
        lines.append(_("Wrote config {path}.").format(path=path))
    new = not state.db_exists()
    state.creating_store(say=False)  # said here, on stdout, once
    from collectctl.storage.postgres import redact_url

    target = redact_url(state.db_target())
    lines.append((_("Created a new database at {path}.") if new
                  else _("Database {path} is ready.")).format(path=target))
    emit(Message("\n".join(lines)), "text")


def demo(ctx: typer.Context) -> None:
    """Import the bundled example accounts, payments and call history into a separate
    demo database and show today's plan for one of its collectors.

    Your own database is never touched: the demo uses demo.db in the app directory,
    recreated each time.
    """
    from collectctl.app import Message
    from collectctl.app.imports import import_accounts, import_calls, import_payments
    from collectctl.render import emit
    from collectctl.resources import bundled

    state = app_context(ctx)
    target = app_dir() / DEMO_DB_NAME
    if str(target) == state.db_target():
        raise UsageError(_("the demo database is the one in use; pass another --db"))
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    store = state.use_store_at(target)
    for name in DEMO_FILES:
        emit(import_accounts(store, bundled(name), state.settings, state.now), "text")
    for name, importer in ((DEMO_PAYMENTS, import_payments), (DEMO_CALLS, import_calls)):
        emit(importer(store, bundled(name), state.settings, state.now), "text")
    from collectctl.app.plan import build_plan

    emit(Message(""), "text")
    result = build_plan(store, state.settings, state.now, DEMO_COLLECTOR, state.now.date(), 15)
    if not result.slots:  # after hours or a day off: the next working day's plan instead
        from datetime import timedelta

        from collectctl.core.workdays import next_working_day

        tomorrow = state.now.date() + timedelta(days=1)
        following = next_working_day(state.settings, tomorrow) or tomorrow
        result = build_plan(store, state.settings, state.now, DEMO_COLLECTOR, following, 15)
    emit(result, "table")
    first = result.calls[0].account_id if result.calls else "TW-500001"
    # The plan shown may be the next working day's: the command to try plans that day too.
    command = f"collectctl --db {target} plan --collector {DEMO_COLLECTOR} --explain {first}"
    if result.date != state.now.date():
        command += f" --date {result.date.isoformat()}"
    emit(Message("\n" + _("Try: {command}").format(command=command)), "text")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
