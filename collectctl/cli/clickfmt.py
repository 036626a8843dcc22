"""Click's own words (``Usage:``, ``Options``, usage errors) in the interface language,
and help text wrapped by terminal columns so Chinese lines fit and break between
characters.

Typer's click is vendored: its headings and a few messages go through ``gettext``, which
:func:`install` points at collectctl's catalog; the rest (the usage prefix, the help
option, usage errors) are said here, in English first, through ``_()``. Click's classes
come from :mod:`collectctl.cli.framework`, the one module that touches Typer's internals.
"""

from __future__ import annotations

import re

from collectctl.cli.framework import (
    BadParameter,
    Context,
    HelpFormatter,
    MissingParameter,
    NoSuchOption,
    UsageError,
    echo,
    install_gettext,
)
from collectctl.i18n import N_, _, current_language
from collectctl.render.width import columns, wide

#: Typer's messages through gettext (typer/core.py), for the catalog.
TYPER_MESSAGES = (N_("Options"), N_("Arguments"), N_("Commands"), N_("default: {default}"),
                  N_("env var: {var}"), N_("required"), N_("Missing command."),
                  N_("No such command {name!r}."), N_("Aborted!"), N_("(dynamic)"))
HELP_OPTION = N_("Show this message and exit.")


def install() -> None:
    """Point Typer's gettext at the catalog."""
    install_gettext(_)


def _tokens(text: str) -> list[str]:
    """Words to wrap: a run of non-space, non-wide characters is one; each wide
    character (and the closing punctuation after it) is one; spaces are their own."""
    tokens: list[str] = []
    for char in text:
        if char == " ":
            tokens.append(char)
        elif wide(char):
            if char in "，。、；：）」』！？" and tokens and tokens[-1] != " ":
                tokens[-1] += char  # closing punctuation does not start a line
            else:
                tokens.append(char)
        elif tokens and tokens[-1] != " " and not wide(tokens[-1][-1]):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def wrap_columns(text: str, width: int, indent: str = "", rest: str | None = None) -> list[str]:
    """One paragraph in lines at most ``width`` terminal columns (a word longer than the
    width gets a line of its own)."""
    rest = indent if rest is None else rest
    lines: list[str] = []
    line, used = indent, columns(indent)
    for token in _tokens(text):
        size = columns(token)
        if token == " ":
            if used > columns(line[:len(indent)]) and line.strip():
                line, used = line + " ", used + 1
            continue
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = rest, columns(rest)
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _join(lines: list[str]) -> str:
    """A paragraph's lines as one: no space where a line break fell between two Chinese
    characters (they are written without spaces); a space anywhere else."""
    text = ""
    for line in (line.strip() for line in lines):
        if text and not (wide(text[-1]) and wide(line[:1] or " ")):
            text += " "
        text += line
    return text


def wrap_paragraphs(text: str, width: int, indent: str = "") -> str:
    """Click's paragraph rules (blank lines separate, ``\\b`` keeps a block as written),
    wrapped by :func:`wrap_columns`."""
    out: list[str] = []
    for block in text.expandtabs().split("\n\n"):
        lines = block.splitlines()
        if not lines:
            continue
        if lines[0].strip() == "\b":
            out.append("\n".join(indent + line for line in lines[1:]))
            continue
        extra = " " * (len(lines[0]) - len(lines[0].lstrip()))
        out.append("\n".join(wrap_columns(_join(lines), width, indent + extra)))
    return "\n\n".join(out)


class Formatter(HelpFormatter):
    """Click's help formatter, in the interface language; Chinese text wrapped by
    columns (English keeps click's wrapping exactly)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}" + _("{heading}:").format(heading=heading)
                   + "\n")

    def write_text(self, text: str) -> None:
        if current_language() is None:
            return super().write_text(text)
        self.write(wrap_paragraphs(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        if current_language() is None:
            return super().write_dl(rows, col_max, col_spacing)
        rows = list(rows)
        first_col = min(max((columns(a) for a, _b in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if columns(first) <= first_col - col_spacing:
                self.write(" " * (first_col - columns(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - self.current_indent, 10)
            lines = wrap_paragraphs(second, text_width).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class CollectContext(Context):
    formatter_class = Formatter


#: What Typer appends to "No such command" when a command is close: ". Did you mean 'plan'?"
_SUGGESTION = re.compile(r"\.? Did you mean (?P<names>.+)\?$")


def _message(error: UsageError) -> str:
    """The error's message, its frame in the interface language (the value's own
    complaint, from click or Typer, stays as they word it)."""
    if current_language() is None:
        return error.format_message()  # click's own words

    def hint(param) -> str:
        try:
            return param.get_error_hint()  # Typer's parameters
        except TypeError:
            return param.get_error_hint(error.ctx)  # click's

    if isinstance(error, NoSuchOption):
        text = _("no such option: {name}").format(name=error.option_name)
        if error.possibilities:
            text += " " + _("(did you mean {names}?)").format(
                names=", ".join(sorted(error.possibilities)))
        return text
    if isinstance(error, MissingParameter):
        if error.param is None:
            return error.format_message()
        return _("missing {hint}").format(hint=hint(error.param))
    if isinstance(error, BadParameter) and error.param is not None:
        return _("invalid value for {hint}: {message}").format(hint=hint(error.param),
                                                               message=error.message)
    message = error.format_message()
    suggested = _SUGGESTION.search(message)
    if suggested:  # Typer adds its suggestion in English to the (translated) message
        return message[:suggested.start()].rstrip("。.") + " " + _(
            "(did you mean {names}?)").format(
            names=suggested["names"])
    return message


class LocalUsageError(UsageError):
    """A usage error shown in the interface language."""

    def __init__(self, error: UsageError) -> None:
        super().__init__(error.message, error.ctx)
        self.original = error
        self.exit_code = error.exit_code

    def format_message(self) -> str:
        return _message(self.original)

    def show(self, file=None) -> None:
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = _("Try '{command} {option}' for help.").format(
                    command=self.ctx.command_path, option=self.ctx.help_option_names[0]) + "\n"
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=file is None)
        echo(_("Error: {message}").format(message=self.format_message()), file=file,
             err=file is None)


def localized(error: UsageError) -> UsageError:
    return error if isinstance(error, LocalUsageError) else LocalUsageError(error)
