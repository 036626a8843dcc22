"""The one translation function every user-facing string goes through.

English is the source language. A translation is a gettext catalog kept as text in the
package, ``collectctl/locale/<lang>.po`` (reviewable in a diff; read when the language
is chosen, a few milliseconds), with English msgids. Placeholders use ``str.format``
names: ``_("promise of {amount} due {date}").format(...)``; a translation keeps them.

The language comes from ``--lang``, ``$COLLECTCTL_LANG``, ``lang:`` in the config, then
the usual ``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``; one without a catalog is English,
silently.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

_LOCALE_DIR = Path(__file__).parent / "locale"
ENV_LANG = "COLLECTCTL_LANG"
#: The catalogs shipped, by the language code they answer to.
_ALIASES = {"zh_tw": "zh_TW", "zh_hant": "zh_TW", "zh_hant_tw": "zh_TW", "zh_hk": "zh_TW",
            "zh_mo": "zh_TW"}

def catalog_for(lang: str | None) -> str | None:
    """The shipped catalog a language setting means (``zh-TW.UTF-8`` -> ``zh_TW``), or
    None for English (``C``, ``POSIX``, ``en_US``, anything without a catalog)."""
    if not lang:
        return None
    code = lang.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    return _ALIASES.get(code)


def resolve_language(explicit: str | None = None, configured: str | None = None,
                     env: Mapping[str, str] | None = None) -> str | None:
    """The catalog to use: the first setting present of ``--lang`` (``explicit``),
    $COLLECTCTL_LANG, ``lang:`` in the config (``configured``), $LC_ALL, $LC_MESSAGES,
    $LANG. The first one set decides, even if it is English."""
    env = os.environ if env is None else env
    for value in (explicit, env.get(ENV_LANG), configured, env.get("LC_ALL"),
                  env.get("LC_MESSAGES"), env.get("LANG")):
        if value:
            return catalog_for(value)
    return None


class PoTranslations(_gettext.NullTranslations):
    """A gettext catalog read from a ``.po`` file (fuzzy and empty entries left out)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.messages: dict[str, str] = {}
        self.plurals: dict[str, list[str]] = {}
        for entry in parse_po(path.read_text(encoding="utf-8")):
            if entry.get("fuzzy") or not entry.get("msgid"):
                continue
            if "msgid_plural" in entry:
                forms = entry["msgstr_plural"]
                if forms and all(forms):
                    self.plurals[entry["msgid"]] = forms
            elif entry.get("msgstr"):
                self.messages[entry["msgid"]] = entry["msgstr"]

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get(singular)
        if not forms:
            return singular if n == 1 else plural
        return forms[0] if len(forms) == 1 else forms[0 if n == 1 else 1]


def parse_po(text: str) -> list[dict]:
    """The entries of a ``.po`` file: ``msgid``, ``msgstr`` (or ``msgid_plural`` and
    ``msgstr_plural``), and ``fuzzy``. Strings are C-quoted and may span lines."""
    entries: list[dict] = []
    entry: dict = {}
    key: str | None = None

    def finish() -> None:
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {}, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    finish()
                entry["fuzzy"] = True
            continue
        if line.startswith('"'):
            if key is None:
                raise ValueError(f"line {number}: a string outside an entry")
            _append(entry, key, _unquote(line, number))
            continue
        word, _sep, rest = line.partition(" ")
        if word == "msgid" and "msgid" in entry:
            finish()
        if word.startswith("msgstr["):
            key = "msgstr_plural"
            entry.setdefault(key, []).append("")
        elif word in ("msgid", "msgid_plural", "msgstr", "msgctxt"):
            key = word
            entry[key] = ""
        else:
            raise ValueError(f"line {number}: unknown keyword {word!r}")
        _append(entry, key, _unquote(rest.strip(), number))
    finish()
    return entries


def _append(entry: dict, key: str, text: str) -> None:
    if key == "msgstr_plural":
        entry[key][-1] += text
    else:
        entry[key] += text


def _unquote(text: str, number: int) -> str:
    import ast

    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"line {number}: expected a quoted string")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(f"line {number}: a bad string {text}") from None


@dataclass(frozen=True)
class Locale:
    """Everything a renderer needs to know of the person reading: the interface language
    (a shipped catalog's code, None for English) and whether years are Republic of China
    years. One frozen value, decided once per run and handed on explicitly (renderers,
    worker processes); :meth:`active` makes it the one ``_()`` and ``render.display``
    use for a block of code, in this thread or task only."""

    language: str | None = None
    roc_years: bool = False

    @contextmanager
    def active(self) -> Iterator[Locale]:
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)


ENGLISH = Locale()
#: The locale in force: a context variable, not a module global, so a value set for one
#: block (``Locale.active``) is undone after it, and a new process starts English until
#: it is handed its locale.
_active: ContextVar[Locale] = ContextVar("collectctl_locale", default=ENGLISH)


def current_locale() -> Locale:
    return _active.get()


def use_locale(locale: Locale) -> None:
    """Make ``locale`` the one in force for the rest of this context (the CLI's run, once
    the language is decided)."""
    _active.set(locale)


def set_language(lang: str | None) -> None:
    """Use the catalog for ``lang`` (``zh_TW``; any spelling :func:`catalog_for` knows) in
    the locale in force; None or a language without a catalog is English."""
    use_locale(replace(_active.get(), language=catalog_for(lang)))


def current_language() -> str | None:
    return _active.get().language


@cache
def translations(code: str | None) -> _gettext.NullTranslations:
    """The catalog of a language code (read once per process)."""
    path = _LOCALE_DIR / f"{code}.po" if code else None
    if path is None or not path.exists():
        return _gettext.NullTranslations()
    return PoTranslations(path)


def _(message: str) -> str:
    """Translate ``message`` into the language of the locale in force."""
    return translations(_active.get().language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return translations(_active.get().language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet: for tables of labels
    made at import time, before the language is known; ``_()`` translates on use."""
    return message
