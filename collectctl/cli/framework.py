"""Everything collectctl takes from Typer's (and its vendored click's) private modules.

Typer's public API does not offer what the CLI needs here: click's exceptions and help
formatter (to word them in the interface language), a light coercion of values instead
of Typer's pydantic adapters (start-up time on every ``log``), help without Python
types, and the shell-completion scripts. Those internals move between Typer releases,
so they are used only in this module, and only with a Typer release in the tested
range: outside it collectctl stops at start-up with one line saying what to install.
The range is the one ``pyproject.toml`` pins; ``.ci/run`` runs a smoke test on its floor.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import typer

#: The Typer releases collectctl is tested with: ``FLOOR <= version < CEILING``.
FLOOR = (0, 26, 0)  # the first Typer with click vendored as typer._click
CEILING = (0, 30)
PIN = "typer>={}.{}.{},<{}.{}".format(*FLOOR, *CEILING)


def _release(version: str) -> tuple[int, ...]:
    """``0.29.2`` -> ``(0, 29, 2)``; a suffix (``0.30.0rc1``) ends the number."""
    parts = []
    for piece in version.split("."):
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) < len(piece):
            break
    return tuple(parts)


def check_typer(version: str | None = None) -> None:
    """Stop with one line on stderr (exit 70) when the installed Typer is outside the
    tested range: its internals, used below, may have moved."""
    version = typer.__version__ if version is None else version
    if not FLOOR <= _release(version) < CEILING:
        sys.stderr.write(f"collectctl: error: Typer {version} is installed; collectctl "
                         f"works with {PIN}: pip install '{PIN}'\n")
        raise SystemExit(70)


check_typer()

# Below this line, nothing is imported from Typer before its version was checked.
from typer import _completion_shared  # noqa: E402
from typer._click import Context, HelpFormatter  # noqa: E402
from typer._click.exceptions import (  # noqa: E402
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.utils import echo  # noqa: E402
from typer.core import TyperArgument, TyperGroup  # noqa: E402

__all__ = ["SHELLS", "BadParameter", "Context", "HelpFormatter", "MissingParameter",
           "NoArgsIsHelpError", "NoSuchOption", "TyperGroup", "UsageError", "check_typer",
           "completion_script", "echo", "install_completion", "install_gettext", "plain",
           "plain_help"]


def install_gettext(translate) -> None:
    """Point Typer's gettext (its headings, "required", "default: ...") at ``translate``;
    Typer looks its ``_`` up at call time."""
    import typer.core

    typer.core._ = translate


# -- help without Python types -------------------------------------------------------------


def plain_help(param) -> None:
    """Show a parameter in help by its name, not its Python type: ``--limit LIMIT``, not
    ``--limit <int>``; ``ID``, not ``ID <str>``; a choice keeps its choices
    (``--format [table|json]``). A metavar the command gave is kept."""
    if getattr(param, "param_type_name", None) == "argument":
        if isinstance(param, TyperArgument) and hasattr(param, "display_type_rich"):
            param.display_type_rich = _no_type  # Typer 0.29: "ID <str>"
        return
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return
    if param.metavar is None:
        choices = _choices(param)
        if choices:
            param.metavar = "[" + "|".join(choices) + "]"
        else:
            longest = max(param.opts, key=len).lstrip("-")
            param.metavar = longest.replace("-", "_").upper()


def _no_type(ctx=None) -> None:
    return None


def _choices(param) -> list[str]:
    desc = getattr(param, "type_descriptor", None)  # Typer 0.29
    if desc is not None:
        return [getattr(c, "value", c) for c in (desc.choices or ())] if desc.is_choice else []
    return list(getattr(param.type, "choices", ()) or ())  # click's Choice


# -- values coerced without pydantic -------------------------------------------------------


def plain(param) -> None:
    """Give a parameter a light coercion up front, instead of Typer's pydantic one.

    Typer (0.29) coerces each value through a pydantic TypeAdapter built on first use;
    building the first one imports pydantic's validation machinery, about 80 ms, on every
    run of a command. The values here need none of it: argv gives ``str``, a flag without
    an environment variable gives ``bool``, a choice is looked up with Typer's own helper,
    an unbounded ``int`` is ``int(value)`` and a ``Path`` gets Typer's own checks (a
    directory where a file is wanted...) on the string. Other types (bounded numbers,
    parsers, open files) keep Typer's adapters. Earlier Typers coerce with click's types
    and need nothing: this does nothing there.
    """
    desc = getattr(param, "type_descriptor", None)
    if desc is None or getattr(param, "_runtime_param", False) is not None:
        return
    info = desc.parameter_info
    if desc.file_annotation is not None or info.parser is not None:
        return
    annotation = desc.annotation
    from typer._coercion import PassThroughRuntimeParam

    if annotation is str or (annotation is bool and getattr(param, "is_flag", False)
                             and not getattr(param, "envvar", None)):
        param._runtime_param = PassThroughRuntimeParam(annotation=annotation,
                                                       parameter_info=info)
    elif ((isinstance(annotation, type) and issubclass(annotation, Enum))
          or annotation is Path
          or (annotation is int and info.min is None and info.max is None and not info.clamp)):
        param._runtime_param = _light(PassThroughRuntimeParam)(annotation=annotation,
                                                               parameter_info=info)


@lru_cache(maxsize=1)
def _light(base):
    """A runtime parameter that turns a choice into its Enum member, an integer into an
    ``int`` and a path into a ``Path``, with Typer's checks and messages for bad values."""
    from typer._param_types import coerce_cli_choice, coerce_cli_path

    @dataclass(frozen=True)
    class LightParam(base):
        def _coerce_value(self, value, param, ctx):
            annotation = self.annotation
            if isinstance(value, annotation):
                return value
            if annotation is Path:  # Typer's own checks (a directory...), as a str
                return Path(coerce_cli_path(os.fspath(value), self.parameter_info,
                                            path_type=str, param=param, ctx=ctx))
            try:
                if annotation is int:
                    return int(value)
                return coerce_cli_choice(value, choices=list(annotation),
                                         case_sensitive=self.parameter_info.case_sensitive,
                                         ctx=ctx)
            except ValueError as error:
                message = (f"{value!r} is not a valid integer." if annotation is int
                           else str(error))
                raise BadParameter(message, ctx=ctx, param=param) from None

    return LightParam


# -- shell completion ----------------------------------------------------------------------

#: The shells collectctl installs completion for.
SHELLS = ("bash", "zsh", "fish")


def _complete_var(prog_name: str) -> str:
    return "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())


def detect_shell() -> str | None:
    """The shell collectctl runs under (its parent processes, then $SHELL), if known."""
    from contextlib import suppress

    with suppress(Exception):
        name = _completion_shared._get_shell_name()
        if name in SHELLS:
            return name
    name = os.path.basename(os.environ.get("SHELL", ""))
    return name if name in SHELLS else None


def enable_completion() -> None:
    """Register Typer's completion classes (the scripts below call them back)."""
    from typer._completion_classes import completion_init

    completion_init()


def completion_script(shell: str, prog_name: str = "collectctl") -> str:
    """The script that makes ``shell`` complete collectctl's commands and options."""
    return _completion_shared.get_completion_script(
        prog_name=prog_name, complete_var=_complete_var(prog_name), shell=shell)


def install_completion(shell: str, prog_name: str = "collectctl") -> Path:
    """Write the completion script where ``shell`` reads it (and source it from the
    shell's rc file where needed); returns the script's path."""
    _shell, path = _completion_shared.install(shell=shell, prog_name=prog_name,
                                              complete_var=_complete_var(prog_name))
    return path
