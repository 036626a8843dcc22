"""``collectctl work``: the screen a collector keeps open all day.

Two terminals: at a real terminal one key answers (no Enter) and the status line's
clock runs; from a pipe each answer is a line, so the loop is scriptable and testable.
"""

from __future__ import annotations

import os
import sys

import typer

from collectctl.cli.context import app_context
from collectctl.i18n import _


class LineTerminal:
    """Lines in, lines out; answers are echoed so a piped session reads as a transcript."""

    def __init__(self, stdin=None, out=None) -> None:
        self.stdin = stdin or sys.stdin
        self.out = out or sys.stdout

    def show(self, result) -> None:
        if isinstance(result, str):
            from collectctl.render.safe import terminal_text

            self.out.write(terminal_text(result, multiline=True) + "\n")
        else:
            from collectctl.render import emit

            emit(result, "text", self.out)
        self.out.flush()

    def _line(self) -> str | None:
        raw = self.stdin.readline()
        if raw == "":
            self.out.write("\n")
            return None
        text = raw.strip()
        self.out.write(text + "\n")
        return text

    def key(self, line, wake=None) -> str | None:
        while True:
            self.out.write(line())
            self.out.flush()
            text = self._line()
            if text is None or text or wake is not None:
                return text

    def ask(self, prompt: str, default: str | None = None) -> str | None:
        self.out.write(f"{prompt} [{default}]: " if default else f"{prompt}: ")
        self.out.flush()
        text = self._line()
        if text is None:
            return None
        return text or default or ""


class KeyTerminal(LineTerminal):
    """One key, no Enter; the status line is redrawn every second while waiting.

    The terminal stays in cbreak mode for the whole session (keys typed ahead while the
    next account loads are kept, not flushed); prompts switch back to line editing.
    """

    #: Keys read but not yet answered: one read may bring several keys typed ahead.
    _ahead = ""

    def __enter__(self) -> KeyTerminal:
        self._saved = None
        if os.name == "posix":
            import termios
            import tty

            self._fd = self.stdin.fileno()
            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd, termios.TCSANOW)
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)

    def key(self, line, wake=None) -> str | None:
        key: str | None
        if self._saved is None:
            self.out.write(line())
            self.out.flush()
            key = typer.getchar()
            self.out.write(key + "\n")
            return key
        import select

        key, drawn = None, False
        try:
            while not self._ahead:
                self._draw(line())
                drawn = True
                if not select.select([self._fd], [], [], 1.0)[0]:
                    if wake is not None and wake():
                        return ""
                    continue
                data = os.read(self._fd, 64)
                if not data:
                    return None
                text = data.decode("utf-8", errors="ignore")
                if text.startswith("\x1b") and len(text) > 1:
                    continue  # an arrow or function key
                self._ahead += text  # every key of the read, not just its first
            if not drawn:  # a key typed ahead: answered at once, its prompt still shown
                self._draw(line())
            key, self._ahead = self._ahead[0], self._ahead[1:]
            if key in "\r\n" and wake is not None:
                return ""
            return key
        finally:
            self.out.write((key if key and key.isprintable() else "") + "\n")
            self.out.flush()

    def _draw(self, text: str) -> None:
        import shutil

        from rich.cells import set_cell_size

        width = shutil.get_terminal_size().columns - 1
        self.out.write("\r\x1b[2K" + set_cell_size(text, width).rstrip() + " ")
        self.out.flush()

    def ask(self, prompt: str, default: str | None = None) -> str | None:
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        ahead = self._ahead.replace("\r\n", "\n").replace("\r", "\n")
        self._ahead = ""
        if "\n" in ahead:  # the whole answer was typed ahead
            text, self._ahead = ahead.split("\n", 1)
            self.out.write(shown + text + "\n")
            self.out.flush()
            return text.strip() or default or ""
        if self._saved is not None:
            import termios
            import tty

            termios.tcsetattr(self._fd, termios.TCSANOW, self._saved)
        try:
            # Keys typed ahead of the prompt begin the answer.
            text = ahead + input(shown + ahead)
        except EOFError:
            return None
        finally:
            if self._saved is not None:
                tty.setcbreak(self._fd, termios.TCSANOW)
        return text.strip() or default or ""


def work(
    ctx: typer.Context,
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Whose plan (default: me from the config).")),
    allow_overpay: bool = typer.Option(False, "--allow-overpay", help=_(
        "Accept a payment or a promise larger than the balance.")),
) -> None:
    """Work today's plan call by call: the brief, then one key logs the outcome.

    Keys: 1 no answer, 2 busy, 3 voicemail, 4 right party, 5 promise, 6 paid,
    7 callback, 8 wrong number, 9 dispute or cease, o any other outcome; s set the
    account aside, n note, p add a phone, u undo the last entry, ? keys, q quit.
    A promise's amount defaults to the minimum due when the list gives one; otherwise,
    and for a payment, there is no default: Enter twice logs nothing.
    The plan is rebuilt after every entry, and every entry is saved before the next
    account appears. From a pipe, each answer is a line (an outcome code works too):
    printf '1\\n5\\n3000\\n\\nq\\n' | collectctl work
    """
    import functools

    from collectctl.app.work import WorkSession
    from collectctl.cli.plan import collector_for

    state = app_context(ctx)
    who = collector_for(state, collector)
    session = functools.partial(WorkSession, state.store, state.settings, state.clock(), who,
                                allow_overpay=allow_overpay)
    if sys.stdin.isatty() and sys.stdout.isatty():
        with KeyTerminal() as term:
            session(term).run()
    else:
        session(LineTerminal()).run()


def register(app: typer.Typer) -> None:
    app.command("work")(work)
