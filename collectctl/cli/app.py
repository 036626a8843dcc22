"""The root command: global options, sub-commands, and the one place errors become exit codes."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from collectctl import __version__
from collectctl.cli.context import AppContext
from collectctl.errors import EXIT_INTERNAL, EXIT_USAGE, CollectError
from collectctl.i18n import _


def _fail(message: str, code: int) -> None:
    typer.echo(_("collectctl: error: {message}").format(message=message), err=True)
    sys.exit(code)


def _is_cli_control(error: Exception) -> bool:
    """Typer's (vendored click's) own exit, abort and usage exceptions pass through."""
    return type(error).__module__.split(".")[0] in ("typer", "click")


class CollectGroup(TyperGroup):
    """Catches every domain error once: one line on stderr, the documented exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CollectError as error:
            if getattr(ctx.obj, "debug", False):
                raise
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail(_("interrupted; nothing half-written was kept"), 130)
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as error:
            if _is_cli_control(error) or getattr(ctx.obj, "debug", False):
                raise
            if type(error).__module__.split(".")[0] in ("sqlite3", "psycopg"):
                reason = str(error).strip().splitlines()[0] if str(error).strip() else error
                _fail(_("database: {reason}").format(reason=reason), EXIT_USAGE)
            _fail(
                _("internal error ({kind}); run again with --debug for the details").format(
                    kind=type(error).__name__),
                EXIT_INTERNAL,
            )


app = typer.Typer(
    cls=CollectGroup,
    name="collectctl",
    help=_("Plan, log and report a debt collector's calls."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"collectctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", envvar="COLLECTCTL_DB", show_envvar=True,
                           help=_("Database file (default: collectctl.db in the app directory).")),
    config: str = typer.Option(None, "--config", envvar="COLLECTCTL_CONFIG", show_envvar=True,
                               help=_("Config file (default: collectctl.yaml in the app "
                                      "directory, if present).")),
    now: str = typer.Option(None, "--now", envvar="COLLECTCTL_NOW", show_envvar=True,
                            help=_("Pretend it is this ISO-8601 date-time (for scripts and "
                                   "tests).")),
    debug: bool = typer.Option(False, "--debug", help=_("Show tracebacks for errors.")),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=_("Print the version and exit.")),
) -> None:
    """Plan, log and report a debt collector's calls.

    Exit codes: 0 done; 1 some input rows were rejected; 2 usage, file or
    config error; 70 internal error.
    """
    state = AppContext(db=db, config=config, now=now, debug=debug)
    ctx.obj = state
    ctx.call_on_close(state.close)


def _register() -> None:
    from collectctl.cli import accounts, calls, imports, plan, reports, setup, team, work

    app.add_typer(imports.app, name="import")
    accounts.register(app)
    calls.register(app)
    plan.register(app)
    reports.register(app)
    setup.register(app)
    work.register(app)
    team.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="collectctl")
