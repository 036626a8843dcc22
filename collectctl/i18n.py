"""The one translation function every user-facing string goes through.

English is the source language. Catalogs (gettext .mo files) live in
``collectctl/locale/<lang>/LC_MESSAGES/collectctl.mo``; until a language is
installed with :func:`set_language`, strings pass through unchanged.
Placeholders use ``str.format`` names: ``_("promise of {amount} due {date}").format(...)``.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

_LOCALE_DIR = Path(__file__).parent / "locale"
_translation: _gettext.NullTranslations = _gettext.NullTranslations()


def set_language(lang: str | None) -> None:
    """Use the catalog for ``lang`` (e.g. ``zh_TW``); unknown languages fall back to English."""
    global _translation
    if not lang:
        _translation = _gettext.NullTranslations()
        return
    _translation = _gettext.translation(
        "collectctl", localedir=_LOCALE_DIR, languages=[lang], fallback=True
    )


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _translation.ngettext(singular, plural, n)
