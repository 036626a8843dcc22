"""The translation function's plumbing: which language, reading a catalog, and the
shipped zh_TW catalog kept honest (placeholders kept, no entry the code no longer says)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from collectctl import i18n
from collectctl.render.width import columns, pad
from tests import catalog

PACKAGE = Path(i18n.__file__).parent
CATALOG = PACKAGE / "locale" / "zh_TW.po"


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language(None)


# -- which language ------------------------------------------------------------------------

@pytest.mark.parametrize("setting,catalog", [
    ("zh_TW", "zh_TW"), ("zh-TW", "zh_TW"), ("zh_TW.UTF-8", "zh_TW"), ("ZH_tw", "zh_TW"),
    ("zh_Hant_TW", "zh_TW"), ("zh_HK.UTF-8", "zh_TW"), ("en_US.UTF-8", None), ("C", None),
    ("POSIX", None), ("fr_FR", None), ("", None), (None, None), ("zh_CN", None),
])
def test_language_settings_name_a_catalog_or_english(setting, catalog):
    assert i18n.catalog_for(setting) == catalog


def test_the_first_setting_present_decides():
    env = {"COLLECTCTL_LANG": "zh_TW", "LC_ALL": "C", "LC_MESSAGES": "en", "LANG": "zh_TW"}
    assert i18n.resolve_language("en", "zh_TW", env) is None  # --lang first, even English
    assert i18n.resolve_language(None, "en", env) == "zh_TW"  # then $COLLECTCTL_LANG
    del env["COLLECTCTL_LANG"]
    assert i18n.resolve_language(None, "zh_TW", env) == "zh_TW"  # then the config
    assert i18n.resolve_language(None, None, env) is None  # then LC_ALL (C)
    del env["LC_ALL"]
    assert i18n.resolve_language(None, None, env) is None  # LC_MESSAGES (en)
    del env["LC_MESSAGES"]
    assert i18n.resolve_language(None, None, env) == "zh_TW"  # LANG
    assert i18n.resolve_language(None, None, {}) is None


def test_switching_language_and_back():
    i18n.set_language("zh_TW")
    assert i18n._("Nothing left to call today.") == "今天沒有要撥的電話了。"
    assert i18n._("a message with no translation") == "a message with no translation"
    i18n.set_language("klingon")
    assert i18n._("Nothing left to call today.") == "Nothing left to call today."
    assert i18n.current_language() is None


# -- reading a catalog ---------------------------------------------------------------------

def test_a_po_file_is_read_with_its_quoting_plurals_and_fuzzy_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        '# a comment\nmsgid ""\nmsgstr "Language: zh_TW\\n"\n\n'
        'msgid "two "\n"lines"\nmsgstr "兩"\n"行 \\"引號\\"\\n"\n\n'
        '#, fuzzy\nmsgid "unsure"\nmsgstr "不確定"\n\n'
        'msgid "untranslated"\nmsgstr ""\n\n'
        'msgid "{n} call"\nmsgid_plural "{n} calls"\nmsgstr[0] "{n} 通電話"\n',
        encoding="utf-8")
    catalog = i18n.PoTranslations(po)
    assert catalog.gettext("two lines") == '兩行 "引號"\n'
    assert catalog.gettext("unsure") == "unsure"  # fuzzy: not trusted
    assert catalog.gettext("untranslated") == "untranslated"
    assert catalog.ngettext("{n} call", "{n} calls", 3) == "{n} 通電話"
    assert catalog.ngettext("{x}", "{xs}", 1) == "{x}"


def test_a_broken_po_file_names_the_line(tmp_path):
    with pytest.raises(ValueError, match="line 2"):
        i18n.parse_po('msgid "a"\nmsgstr oops\n')
    with pytest.raises(ValueError, match="line 1: a string outside"):
        i18n.parse_po('"stray"\n')


# -- the shipped catalog -------------------------------------------------------------------

def _fields(text: str) -> list[str]:
    return sorted(f"{name}!{conv}:{spec}" for _lit, name, spec, conv
                  in string.Formatter().parse(text) if name is not None)


def test_every_translation_keeps_its_placeholders():
    for entry in i18n.parse_po(CATALOG.read_text(encoding="utf-8")):
        if entry["msgid"] and entry.get("msgstr"):
            assert _fields(entry["msgstr"]) == _fields(entry["msgid"]), entry["msgid"]


def test_every_entry_is_a_message_the_code_says():
    said = catalog.all_messages()
    stale = [e["msgid"] for e in catalog.catalog_entries() if e["msgid"] not in said]
    assert stale == []


def test_every_message_has_a_zh_tw_translation():
    """``python -m tests.catalog`` lists what is missing, ready to append and translate."""
    translated = set()
    for e in catalog.catalog_entries():
        if e.get("msgstr") or all(e.get("msgstr_plural") or [""]):
            translated |= {e["msgid"], e.get("msgid_plural")}
    assert sorted(catalog.all_messages() - translated) == []


def test_the_catalog_finds_messages_labels_and_help(tmp_path):
    said = catalog.all_messages()
    assert "Nothing left to call today." in said  # _()
    assert "{n} account closed (not in the file)." in said  # ngettext
    assert "promise to pay" in said  # N_() in a table of labels
    assert any(text.startswith("Today's calls in time order") for text in said)  # docstring
    assert "Show tracebacks for errors." in said  # option help


def test_the_catalog_has_no_entry_twice():
    ids = [e["msgid"] for e in catalog.catalog_entries()]
    assert len(ids) == len(set(ids))


# -- width ---------------------------------------------------------------------------------

def test_padding_counts_a_cjk_character_as_two_columns():
    assert columns("規則") == 4 and columns("rules") == 5 and columns("NT$１") == 5
    assert pad("規則", 6) == "規則  " and pad("rules", 6) == "rules "
    assert pad("很長的標題", 4) == "很長的標題"


def test_public_holidays_are_named_in_the_interface_language(monkeypatch):
    from datetime import date

    from collectctl.core import rules as R

    monkeypatch.setenv("LANG", "zh_TW.UTF-8")  # the machine's locale does not decide
    lunar_new_year = date(2027, 2, 6)
    assert "New Year" in R.holiday_name("TW", lunar_new_year)
    assert R.holiday_name("TW", lunar_new_year, "zh_TW") == "春節"
    from collectctl.core.reasons import Reason
    from collectctl.render import display

    i18n.set_language("zh_TW")
    assert display.reason(Reason("public_holiday", country="TW", day=lunar_new_year)) == (
        "國定假日（春節）")
