"""The root command: global options, sub-commands, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from contextlib import suppress

import typer

from collectctl import __version__
from collectctl.cli.clickfmt import HELP_OPTION, CollectContext, install, localized
from collectctl.cli.context import AppContext
from collectctl.cli.framework import (
    SHELLS,
    NoArgsIsHelpError,
    TyperGroup,
    UsageError,
    plain,
    plain_help,
)
from collectctl.errors import EXIT_INTERNAL, EXIT_USAGE, CollectError
from collectctl.i18n import _

install()


def _fail(message: str, code: int) -> None:
    from collectctl.render.safe import terminal_text

    # One line, whatever file name, header or id the message quotes.
    typer.echo(_("collectctl: error: {message}").format(message=terminal_text(message)),
               err=True)
    sys.exit(code)


def _usage_error(error: UsageError) -> UsageError:
    """A usage error to show in the interface language, except a group called without a
    command (``collectctl``, ``collectctl db``): that is a request for its help, printed
    on stdout with exit 0."""
    if isinstance(error, NoArgsIsHelpError):
        typer.echo(error.ctx.get_help())
        raise typer.Exit(0)
    return localized(error)


def _is_cli_control(error: Exception) -> bool:
    """Typer's (vendored click's) own exit, abort and usage exceptions pass through."""
    return type(error).__module__.split(".")[0] in ("typer", "click")


def _prepare(param) -> None:
    """A parameter as collectctl shows and coerces it (see :mod:`collectctl.cli.framework`)."""
    plain(param)
    plain_help(param)


def _plain_command(command, ctx) -> None:
    for param in getattr(command, "params", ()):
        _prepare(param)
    command.context_class = CollectContext  # click's own words, translated
    with suppress(Exception):  # the help option is made (and cached) on demand
        _help_option(command.get_help_option(ctx))
    _translate_help(command)
    # A group's commands (db migrate, team add) are resolved by Typer's group, not this
    # one's resolve_command: prepared here, as their group is.
    for sub in getattr(command, "commands", {}).values():
        _plain_command(sub, ctx)


def _help_option(option) -> None:
    if option is not None:
        _prepare(option)
        option.help = _(HELP_OPTION)


def _translate_help(command) -> None:
    """Help texts in the interface language. They are English when the modules are
    imported (before the language is known); here, when a command is about to run or
    show its help, each is looked up again from its English text, kept aside."""
    subcommands = getattr(command, "commands", {}).values()  # a group lists theirs
    for target, attrs in ((command, ("help", "short_help", "epilog")),
                          *((param, ("help",)) for param in getattr(command, "params", ())),
                          *((sub, ("help", "short_help")) for sub in subcommands)):
        for attr in attrs:
            english = target.__dict__.setdefault(f"_english_{attr}", getattr(target, attr, None))
            if english:
                setattr(target, attr, _filled(_(english)))


def _filled(text: str) -> str:
    """A help text with its placeholders (``{outcomes}``) filled in."""
    if "{" in text:
        from collectctl.cli.options import HELP_FIELDS

        for field, value in HELP_FIELDS.items():
            if field in text:
                text = text.replace(field, value())
    return text


def _early_language(args: list[str]) -> None:
    """Decide the language before the arguments are parsed, so ``--help`` (answered while
    parsing) is in it: ``--lang`` in ``args``, $COLLECTCTL_LANG, ``lang:`` in the config
    (``--config`` or $COLLECTCTL_CONFIG), then the locale. A config that cannot be read
    is left for the command to report."""
    from collectctl.i18n import ENV_LANG, resolve_language, set_language

    explicit = config = None
    for n, arg in enumerate(args):
        for name in ("--lang", "--config"):
            if arg == name and n + 1 < len(args):
                value = args[n + 1]
            elif arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
            else:
                continue
            if name == "--lang":
                explicit = value
            else:
                config = value
    global _preloaded
    _preloaded = None
    configured = None
    if not explicit and not os.environ.get(ENV_LANG):
        with suppress(Exception):
            from collectctl.config import load_settings

            settings = load_settings(config)
            configured = settings.lang
            # The command reuses it (read once); Typer gives --config or $COLLECTCTL_CONFIG.
            _preloaded = (config or os.environ.get("COLLECTCTL_CONFIG"), settings)
    set_language(resolve_language(explicit, configured))
    from collectctl import holiday_cache

    holiday_cache.install()


#: ``(--config, settings)`` as read to decide the language, for the command to reuse.
_preloaded = None


class CollectGroup(TyperGroup):
    """Catches every domain error once: one line on stderr, the documented exit code."""

    context_class = CollectContext

    def make_context(self, info_name, args, parent=None, **extra):
        if parent is None:
            args = _completion_args(list(args))
            _early_language(args)
        for param in self.params:
            _prepare(param)
        _translate_help(self)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as error:
            raise _usage_error(error) from None

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        _help_option(option)
        return option

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            _plain_command(command, ctx)
        return name, command, rest

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CollectError as error:
            if getattr(ctx.obj, "debug", False):
                raise
            from collectctl.render.display import error_text

            _fail(error_text(error), error.exit_code)
        except KeyboardInterrupt:
            _fail(_("interrupted; nothing half-written was kept"), 130)
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except UnicodeEncodeError as error:
            if getattr(ctx.obj, "debug", False) or error.reason != "surrogates not allowed":
                raise
            # An argument with bytes that are not text in the locale's encoding (Python
            # keeps them as surrogates, which neither engine nor terminal can take).
            _fail(_("an argument is not valid text (bytes that are not {encoding}); "
                    "nothing was recorded").format(encoding=sys.getfilesystemencoding()),
                  EXIT_USAGE)
        except Exception as error:
            if isinstance(error, UsageError):
                raise _usage_error(error) from None
            if _is_cli_control(error) or getattr(ctx.obj, "debug", False):
                raise
            if type(error).__module__.split(".")[0] in ("sqlite3", "psycopg"):
                from collectctl.render.display import database_error

                _fail(database_error(error), EXIT_USAGE)
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


_COMPLETION_OPTIONS = ("--install-completion", "--show-completion")


def _completion_args(args: list[str]) -> list[str]:
    """``--install-completion`` without a shell means the shell collectctl runs under
    (click's options take a value or none, not an optional one)."""
    for n, arg in enumerate(args):
        if arg in _COMPLETION_OPTIONS and (n + 1 == len(args) or args[n + 1][:1] == "-"):
            from collectctl.cli.framework import detect_shell

            shell = detect_shell()
            if shell is None:
                raise CollectError(_("cannot tell which shell this is; name it: {option} "
                                     "bash, zsh or fish").format(option=arg))
            return [*args[:n + 1], shell, *args[n + 1:]]
    return args


def _shell(value: str) -> str:
    if value not in SHELLS:
        raise typer.BadParameter(_("{shell!r} is not one of bash, zsh, fish").format(
            shell=value))
    return value


def _install_completion(ctx: typer.Context, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from collectctl.cli.framework import install_completion

    path = install_completion(_shell(value), ctx.find_root().info_name or "collectctl")
    typer.echo(_("{shell} completion installed in {path}; it works in the shell's next "
                 "window.").format(shell=value, path=path))
    raise typer.Exit()


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from collectctl.cli.framework import completion_script

    typer.echo(completion_script(_shell(value), ctx.find_root().info_name or "collectctl"))
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
    lang: str = typer.Option(None, "--lang", envvar="COLLECTCTL_LANG", show_envvar=True,
                             help=_("Interface language: zh_TW (Traditional Chinese) or en "
                                    "(default: lang: in the config, then LC_ALL, "
                                    "LC_MESSAGES, LANG).")),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=_("Print the version and exit.")),
    install_completion: str = typer.Option(
        None, "--install-completion", metavar="[bash|zsh|fish]", callback=_install_completion,
        is_eager=True, expose_value=False,
        help=_("Set up Tab completion of commands and options in your shell (default: the "
               "shell you are using), then exit; it works in the shell's next window.")),
    show_completion: str = typer.Option(
        None, "--show-completion", metavar="[bash|zsh|fish]", callback=_show_completion,
        is_eager=True, expose_value=False,
        help=_("Print the Tab completion script for your shell (default: the shell you are "
               "using), to install it yourself, then exit.")),
) -> None:
    """Plan, log and report a debt collector's calls.

    Exit codes: 0 done; 1 some input rows were rejected; 2 usage, file or
    config error; 70 internal error.
    """
    state = AppContext(db=db, config=config, now=now, debug=debug)
    if _preloaded is not None and _preloaded[0] == config:
        state.preload(_preloaded[1])
    ctx.obj = state
    ctx.call_on_close(state.close)
    # ``lang`` (--lang, $COLLECTCTL_LANG) was read with the rest of the language settings
    # before the arguments were parsed (_early_language), so --help is in it too.


#: Which module defines each top-level command, in the order ``--help`` lists them.
COMMAND_MODULES = {
    "import": "imports", "accounts": "accounts", "show": "accounts", "log": "calls",
    "undo": "calls", "account": "calls", "pay": "calls", "promises": "calls", "skip": "calls",
    "contact": "calls", "plan": "plan", "next": "plan", "rules": "plan", "report": "reports",
    "progress": "reports", "target": "reports", "audit": "audit", "init": "setup", "demo": "setup",
    "work": "work", "assign": "team", "db": "team", "team": "team", "learn": "learn",
}
_registered: set[str] = set()
#: Set by the completion script when the shell asks for completions.
COMPLETE_VAR = "_COLLECTCTL_COMPLETE"
#: Global options that take a value (``--db X``), to find the command after them.
_VALUED = ("--db", "--config", "--now", "--lang")


def register(module: str) -> None:
    """Add one cli module's commands to the app (once)."""
    if module in _registered:
        return
    import importlib

    _registered.add(module)
    importlib.import_module(f"collectctl.cli.{module}").register(app)


def register_all() -> None:
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        register(module)


def command_name(args: list[str]) -> str | None:
    """The sub-command in a command line (``collectctl --db x.db log ...`` → ``log``)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUED:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main() -> None:
    """Console-script entry point. Only the invoked command's module is imported (the
    others cost a collector's every ``log`` a few milliseconds each); ``--help`` and an
    unknown command get them all."""
    if os.environ.get(COMPLETE_VAR):  # the shell asks for completions (Tab)
        from collectctl.cli.framework import enable_completion

        enable_completion()
    module = COMMAND_MODULES.get(command_name(sys.argv[1:]) or "")
    if module and "--help" not in sys.argv[1:2]:
        register(module)
    else:
        register_all()
    app(prog_name="collectctl")
