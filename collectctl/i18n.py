"""The one translation function every user-facing string goes through.

English is the source language. A translation is a gettext catalog kept as text in the
package, ``collectctl/locale/<lang>.po`` (reviewable in a diff), with English msgids.
Placeholders use ``str.format`` names: ``_("promise of {amount} due {date}").format(...)``;
a translation keeps them.

The catalog is read by the standard library's :mod:`gettext` from a compiled ``.mo``:
the first run in a language compiles the ``.po`` into the user's cache
(``$XDG_CACHE_HOME/collectctl``, else ``~/.cache/collectctl``), named by a hash of the
``.po``'s content, so an edited catalog (an editable install, a new release) is compiled
again and nothing binary is kept in git. Reading the compiled catalog is a fraction of a
millisecond where parsing the ``.po`` took 8-11 ms at every start; where the cache cannot
be written the compiled catalog is used from memory.

The language comes from ``--lang``, ``$COLLECTCTL_LANG``, ``lang:`` in the config, then
the usual ``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``; one without a catalog is English,
silently.
"""

from __future__ import annotations

import gettext as _gettext
import io
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


#: Part of a compiled catalog's name: a change to :func:`compile_po` retires the old files.
_COMPILER = b"collectctl-mo-1\0"


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where compiled catalogs are kept: ``$XDG_CACHE_HOME/collectctl`` (an absolute
    path, as the XDG spec asks), else ``~/.cache/collectctl``."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "collectctl"


def load_catalog(po: Path, cache: Path | None = None) -> _gettext.GNUTranslations:
    """The catalog ``po`` as stdlib gettext reads it, compiled once into ``cache``
    (:func:`cache_dir`) under a name made of its content hash."""
    import hashlib  # here, not at the top: 4 ms that English --help need not pay

    data = po.read_bytes()
    key = hashlib.sha256(_COMPILER + data).hexdigest()[:24]
    mo = (cache_dir() if cache is None else cache) / f"{po.stem}-{key}.mo"
    try:
        with open(mo, "rb") as fp:
            return _gettext.GNUTranslations(fp)
    except Exception:  # noqa: BLE001 - not compiled yet, or a damaged file: compile again
        pass
    compiled = compile_po(data.decode("utf-8"))
    _save(mo, compiled)
    return _gettext.GNUTranslations(io.BytesIO(compiled))


def write_cache_file(path: Path, data: bytes) -> bool:
    """Write ``path`` in the cache atomically (a temporary file renamed into place: a
    reader sees the whole file or none); False when it cannot be written, which is not an
    error for a cache."""
    import tempfile
    from contextlib import suppress

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:
        with suppress(OSError):
            os.unlink(tmp)
        return False
    return True


def _save(mo: Path, compiled: bytes) -> None:
    """Write ``mo`` into the cache and remove the same catalog's older compilations. A
    cache that cannot be written is not an error: the catalog is used from memory."""
    from contextlib import suppress

    if not write_cache_file(mo, compiled):
        return
    stem = mo.stem.rsplit("-", 1)[0]
    for old in mo.parent.glob(f"{stem}-*.mo"):
        if old != mo:
            with suppress(OSError):
                old.unlink()


def compile_po(text: str) -> bytes:
    """A ``.po`` file's text as a GNU ``.mo`` catalog (what ``msgfmt`` makes): fuzzy,
    empty and partly translated plural entries left out, as gettext's tools do. A header
    without ``Plural-Forms`` gets one form when every plural entry has one (a language
    without plurals, like Chinese), English's two otherwise."""
    import struct

    messages: dict[bytes, bytes] = {}
    header = ""
    forms_seen = set()
    for entry in parse_po(text):
        if entry.get("fuzzy"):
            continue
        msgid = entry.get("msgid", "")
        if "msgctxt" in entry:
            msgid = entry["msgctxt"] + "\x04" + msgid
        if not msgid:
            header = entry.get("msgstr", "")
            continue
        if "msgid_plural" in entry:
            forms = entry.get("msgstr_plural") or []
            if not forms or not all(forms):
                continue
            forms_seen.add(len(forms))
            messages[(msgid + "\0" + entry["msgid_plural"]).encode()] = \
                "\0".join(forms).encode()
        elif entry.get("msgstr"):
            messages[msgid.encode()] = entry["msgstr"].encode()
    if header and not header.endswith("\n"):
        header += "\n"
    if "charset=" not in header:
        header += "Content-Type: text/plain; charset=UTF-8\n"
    if "plural-forms:" not in header.lower():
        header += ("Plural-Forms: nplurals=1; plural=0;\n" if forms_seen <= {1}
                   else "Plural-Forms: nplurals=2; plural=(n != 1);\n")
    messages[b""] = header.encode()

    # The layout: a 7-word header (magic, revision, count, where the msgid table and the
    # msgstr table start, an empty hash table), the two tables of (length, offset), then
    # the NUL-terminated strings; msgids sorted, so gettext could search them.
    keys = sorted(messages)
    count = len(keys)
    ids_at = 7 * 4
    strs_at = ids_at + 8 * count
    data_at = strs_at + 8 * count
    tables: list[tuple[int, int]] = []
    blob = bytearray()
    for text_ in [*keys, *(messages[k] for k in keys)]:
        tables.append((len(text_), data_at + len(blob)))
        blob += text_ + b"\0"
    out = bytearray(struct.pack("<7I", 0x950412DE, 0, count, ids_at, strs_at, 0, data_at))
    for length, offset in tables:
        out += struct.pack("<2I", length, offset)
    return bytes(out + blob)


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
    (a shipped catalog's code, None for English), whether years are Republic of China
    years, and the collector's phone region (numbers in it shown as dialled there, in its
    national format; None: every number in E.164). One frozen value, decided once per
    run and handed on explicitly (renderers, worker processes); :meth:`active` makes it
    the one ``_()`` and ``render.display`` use for a block of code, in this thread or
    task only."""

    language: str | None = None
    roc_years: bool = False
    phone_region: str | None = None

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
    return load_catalog(path)


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
