"""The team server's commands: ``db migrate|status|copy``, ``team add|list``, ``assign``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from collectctl.cli.context import app_context, say_created
from collectctl.cli.options import TextJson, format_option
from collectctl.errors import NoDatabase, UsageError
from collectctl.i18n import _

db_app = typer.Typer(help=_("The database: schema, status, copying between engines."),
                     no_args_is_help=True)
team_app = typer.Typer(help=_("Team members on a PostgreSQL server (roles and what each "
                              "may see)."), no_args_is_help=True)


def _shown(target: str) -> str:
    from collectctl.storage.postgres import redact_url

    return redact_url(target)


@db_app.command("migrate")
def db_migrate(ctx: typer.Context) -> None:
    """Create or upgrade the schema (on PostgreSQL, as the database's owner)."""
    from collectctl.storage import open_store

    state = app_context(ctx)
    target = state.db_target()
    new = not state.db_exists()
    store = open_store(target, migrate=True)
    if new:
        say_created(target)
    try:
        from collectctl.app.learn import after_upgrade
        from collectctl.app.team import set_chain_key

        after_upgrade(store, state.settings)
        typer.echo(_("{db}: schema {n} (up to date)").format(db=_shown(target),
                                                              n=store.schema_version()))
        keyed = set_chain_key(store, state.chain_key())
        if keyed is not None:
            typer.echo(_("the server holds the ledger's key; its links are keyed") if keyed
                       else _("the server holds the key, but its ledger began unkeyed: "
                              "entries stay plain SHA-256"))
    finally:
        store.close()


@db_app.command("status")
def db_status(ctx: typer.Context, fmt: TextJson = format_option(TextJson.text)) -> None:
    """Which engine and schema version, and how many accounts and calls."""
    from collectctl.app.team import DbStatus
    from collectctl.render import emit
    from collectctl.storage.protocol import team_store
    from collectctl.storage.schema import LATEST_VERSION

    state = app_context(ctx)
    store = state.store
    counts = {t: store.count(t) for t in ("accounts", "calls", "promises", "payments")}
    team = team_store(store)
    user = team.whoami() if team is not None else None
    emit(DbStatus(store.engine, _shown(state.db_target()), store.schema_version(),
                  LATEST_VERSION, counts, user), fmt.value)


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE", help=_("Where to write the copy.")),
    force: bool = typer.Option(False, "--force", help=_("Replace FILE if it exists.")),
) -> None:
    """A consistent copy of the database while others go on working (SQLite's online
    backup), readable by you only. On PostgreSQL: says how to use pg_dump."""
    from collectctl.private_files import check_target, refuse_live_sqlite

    state = app_context(ctx)
    target = check_target(file, force, state.db_target())
    refuse_live_sqlite(target)
    store = state.store
    store.backup_to(target)
    typer.echo(_("{file}: backup of {accounts} accounts and {calls} log entries").format(
        file=file, accounts=store.count("accounts"), calls=store.count("calls")))


@db_app.command("check")
def db_check(ctx: typer.Context, fmt: TextJson = format_option(TextJson.text)) -> None:
    """Check the database's integrity (SQLite: integrity and foreign keys; PostgreSQL:
    that no other role can plant objects in its schema) and walk the log's hash chain.
    Exit 2 and the first problems when either fails. On a team server, a lead's or the
    owner's command. The JSON's chain head and count are worth keeping outside the
    database: a later check that shows fewer entries, or another head, means the log was
    cut or rewritten."""
    from collectctl.app.team import check_database
    from collectctl.errors import StoreError
    from collectctl.render import emit
    from collectctl.render.display import db_check_problems

    state = app_context(ctx)
    result = check_database(state.store, _shown(state.db_target()), state.chain_key())
    if result.ok or fmt.value == "json":
        emit(result, fmt.value)
    if not result.ok:
        if fmt.value == "json":
            raise typer.Exit(2)
        raise StoreError(_("{db}: damaged: {problems}").format(
            db=result.database, problems=db_check_problems(result)))


@db_app.command("copy")
def db_copy(
    ctx: typer.Context,
    to: str = typer.Option(None, "--to", metavar="URL|FILE", help=_(
        "Copy this database into a new, empty one (a file or postgresql:// URL).")),
    source: str = typer.Option(None, "--from", metavar="URL|FILE", help=_(
        "Copy that database into this one (which must be empty).")),
    force: bool = typer.Option(False, "--force", help=_(
        "Replace the --to file if it exists (a new database file in its place).")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Copy a whole database between SQLite and PostgreSQL, in one transaction on the
    target, then check rows and money totals per table on both sides."""
    from collectctl.app.team import copy_database
    from collectctl.render import emit
    from collectctl.storage import is_postgres

    state = app_context(ctx)
    if (to is None) == (source is None):
        raise UsageError(_("say --to URL (copy this database there) or --from URL (copy "
                           "that one here)"))
    here = state.db_target()
    if to and not state.db_exists():  # --db names the source: a typo's hint, not a copy
        raise NoDatabase(here)
    src_target, dst_target = (here, to) if to else (source, here)
    new_file = to is not None and not is_postgres(to)
    if new_file:
        from collectctl.private_files import check_target, refuse_live_sqlite

        refuse_live_sqlite(check_target(to, force, here))
    created = not is_postgres(dst_target) and not Path(dst_target).exists()
    result = copy_database(src_target, dst_target, new_file, state.settings)
    if created:
        say_created(dst_target)
    emit(replace(result, source=_shown(src_target), target=_shown(dst_target)), fmt.value)


@team_app.command("add")
def team_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help=_(
        "The collector's name, as in the account lists' collector column.")),
    role: str = typer.Option(..., "--role", help=_("collector or lead.")),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=_(
        "Read a password for the new role from the first line of standard input (for "
        "scripts). At a terminal you are asked for it instead, hidden (Enter: none, your "
        "server's other authentication).")),
    password_given: str = typer.Option(None, "--password", hidden=True),
) -> None:
    """Create NAME's database role on the team server: a collector reads and logs on their
    own accounts only; a lead reads everything, imports, assigns and sets targets."""
    from collectctl.storage.protocol import team_store

    if password_given is not None:
        raise UsageError(_("--password is no longer taken (other users see a command line, "
                           "and the shell keeps it): type the password when asked, or pipe "
                           "it with --password-stdin"))
    if role not in ("collector", "lead"):
        raise UsageError(_("--role must be collector or lead, not {role!r}").format(role=role))
    state = app_context(ctx)
    store = team_store(state.store)
    if store is None:
        raise UsageError(_("SQLite has no roles: everyone who can open the file sees all of "
                           "it (the file's permissions are the boundary); use a PostgreSQL "
                           "team server for per-collector access"))
    created = store.add_member(name, role, _new_password(name, password_stdin))
    typer.echo((_("{name}: role created ({role})") if created
                else _("{name}: existing role, now a {role}")).format(name=name, role=role))


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


def _new_password(name: str, from_stdin: bool) -> str | None:
    """The new role's password: the first line of stdin (``--password-stdin``), else asked
    for, hidden and twice, at a terminal; None (no password) when neither."""
    import sys

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError(_("--password-stdin: the first line of standard input is empty"))
        return password
    if not _interactive():
        return None

    def ask(text: str) -> str:
        return typer.prompt(text, default="", show_default=False, hide_input=True, err=True)

    for _attempt in range(3):
        first = ask(_("Password for {name} (Enter: none)").format(name=name))
        if not first:
            return None
        if ask(_("Repeat it")) == first:
            return first
        typer.echo(_("The two differ; once more."), err=True)
    raise UsageError(_("the password was typed differently three times; no role was added"))


@team_app.command("list")
def team_list(ctx: typer.Context, fmt: TextJson = format_option(TextJson.text)) -> None:
    """Team members and their roles."""
    from collectctl.app.team import TeamList
    from collectctl.render import emit
    from collectctl.storage.protocol import team_store

    store = team_store(app_context(ctx).store)
    if store is None:
        raise UsageError(_("SQLite has no roles (the file's permissions are the boundary)"))
    emit(TeamList(tuple(store.members())), fmt.value)


def assign(
    ctx: typer.Context,
    to: str = typer.Option(..., "--to", metavar="NAMES", help=_(
        "The collectors to share the accounts among: alice,bob,carol.")),
    by: str = typer.Option("balance", "--by", help=_(
        "balance: even total balances (default); count: even numbers of accounts.")),
    unassigned: bool = typer.Option(False, "--unassigned", help=_(
        "Share the accounts nobody has (the default).")),
    source: str = typer.Option(None, "--from", metavar="NAME", help=_(
        "Share NAME's accounts instead (a collector leaving).")),
    min_dpd: int = typer.Option(None, "--min-dpd", help=_("Only accounts at least this many "
                                                          "days past due.")),
    max_dpd: int = typer.Option(None, "--max-dpd", help=_("Only accounts at most this many "
                                                          "days past due.")),
    dry_run: bool = typer.Option(False, "--dry-run", help=_("Show the result; change nothing.")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Distribute open accounts among collectors: largest balance first, each to the
    lightest portfolio (existing accounts count), then print each collector's count and
    balance."""
    from collectctl.app.team import assign as share
    from collectctl.render import emit

    if unassigned and source:
        raise UsageError(_("say --unassigned or --from NAME, not both"))
    if by not in ("balance", "count"):
        raise UsageError(_("--by must be balance or count, not {by!r}").format(by=by))
    state = app_context(ctx)
    result = share(state.store, state.now, to.split(","), by, source, min_dpd, max_dpd,
                   dry_run)
    emit(result, fmt.value)


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)
    app.add_typer(db_app, name="db")
    app.add_typer(team_app, name="team")
