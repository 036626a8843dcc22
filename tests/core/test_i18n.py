"""The translation function's plumbing: which language, reading a catalog, and the
shipped zh_TW catalog kept honest (placeholders kept, no entry the code no longer says)."""

from __future__ import annotations

import gettext
import io
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

PO_SAMPLE = (
    '# a comment\nmsgid ""\nmsgstr "Language: zh_TW\\n"\n\n'
    'msgid "two "\n"lines"\nmsgstr "兩"\n"行 \\"引號\\"\\n"\n\n'
    '#, fuzzy\nmsgid "unsure"\nmsgstr "不確定"\n\n'
    'msgid "untranslated"\nmsgstr ""\n\n'
    'msgid "{n} call"\nmsgid_plural "{n} calls"\nmsgstr[0] "{n} 通電話"\n')


def test_a_po_file_is_compiled_with_its_quoting_plurals_and_fuzzy_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(PO_SAMPLE, encoding="utf-8")
    catalog = i18n.load_catalog(po, tmp_path / "cache")
    assert isinstance(catalog, gettext.GNUTranslations)  # stdlib gettext reads it
    assert catalog.gettext("two lines") == '兩行 "引號"\n'
    assert catalog.gettext("unsure") == "unsure"  # fuzzy: not trusted
    assert catalog.gettext("untranslated") == "untranslated"
    assert catalog.ngettext("{n} call", "{n} calls", 3) == "{n} 通電話"  # one form: Chinese
    assert catalog.ngettext("{n} call", "{n} calls", 1) == "{n} 通電話"
    assert catalog.ngettext("{x}", "{xs}", 1) == "{x}"
    assert catalog.ngettext("{x}", "{xs}", 2) == "{xs}"


def test_the_shipped_catalog_compiles_to_what_the_po_says(tmp_path):
    catalog = i18n.load_catalog(CATALOG, tmp_path)
    entries = [e for e in i18n.parse_po(CATALOG.read_text(encoding="utf-8")) if e["msgid"]]
    assert len(entries) > 500
    for e in entries:
        if "msgid_plural" in e:
            for n in (1, 2, 5):
                got = catalog.ngettext(e["msgid"], e["msgid_plural"], n)
                assert got == e["msgstr_plural"][0], e["msgid"]
        else:
            assert catalog.gettext(e["msgid"]) == e["msgstr"], e["msgid"]


def test_a_catalog_is_compiled_once_into_the_cache_by_its_content(tmp_path, monkeypatch):
    po = tmp_path / "zh_TW.po"
    po.write_text(PO_SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    i18n.load_catalog(po, cache)
    [mo] = cache.iterdir()
    assert mo.name.startswith("zh_TW-") and mo.suffix == ".mo"
    assert gettext.GNUTranslations(mo.open("rb")).gettext("two lines") == '兩行 "引號"\n'

    def no_parsing(*_args):
        raise AssertionError("the .po was parsed again")

    monkeypatch.setattr(i18n, "parse_po", no_parsing)
    assert i18n.load_catalog(po, cache).gettext("untranslated") == "untranslated"
    monkeypatch.undo()

    po.write_text(PO_SAMPLE.replace("兩", "二"), encoding="utf-8")  # an edited catalog
    assert i18n.load_catalog(po, cache).gettext("two lines").startswith("二行")
    [newer] = cache.iterdir()  # the old compilation removed, no temporary file left
    assert newer != mo and newer.suffix == ".mo"


def test_a_damaged_cache_file_is_compiled_again(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(PO_SAMPLE, encoding="utf-8")
    i18n.load_catalog(po, tmp_path / "cache")
    [mo] = (tmp_path / "cache").iterdir()
    mo.write_bytes(mo.read_bytes()[:40])
    assert i18n.load_catalog(po, tmp_path / "cache").gettext("two lines").startswith("兩行")
    assert gettext.GNUTranslations(mo.open("rb")).gettext("two lines").startswith("兩行")


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(PO_SAMPLE, encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    catalog = i18n.load_catalog(po, blocked / "collectctl")  # under a file: no directory
    assert catalog.gettext("two lines").startswith("兩行")
    assert blocked.read_text() == ""


def test_the_cache_directory(tmp_path):
    assert i18n.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "collectctl"
    home_cache = Path.home() / ".cache" / "collectctl"
    assert i18n.cache_dir({}) == home_cache
    assert i18n.cache_dir({"XDG_CACHE_HOME": "relative/dir"}) == home_cache  # XDG: ignored


def test_a_run_in_chinese_uses_the_compiled_catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    i18n.translations.cache_clear()  # read once per process: read it again here
    i18n.set_language("zh_TW")
    assert i18n._("Nothing left to call today.") == "今天沒有要撥的電話了。"
    assert [p.suffix for p in (tmp_path / "collectctl").iterdir()] == [".mo"]


def test_no_compiled_catalog_is_kept_in_git():
    import subprocess

    if not (PACKAGE.parent / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=PACKAGE.parent,
                             capture_output=True, text=True, check=True).stdout
    assert tracked == ""


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


def test_the_compiled_catalog_is_what_gnu_msgfmt_makes(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext's msgfmt is not installed")
    theirs = tmp_path / "theirs.mo"
    subprocess.run(["msgfmt", "-o", str(theirs), str(CATALOG)], check=True)
    ours = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(CATALOG.read_text("utf-8"))))
    with theirs.open("rb") as fp:
        reference = gettext.GNUTranslations(fp)
    assert ours._catalog == reference._catalog  # type: ignore[attr-defined]
    assert ours.plural(5) == reference.plural(5) == 0


def test_english_pays_nothing_for_the_catalog_machinery():
    import subprocess
    import sys

    code = ("import sys; from collectctl import i18n; i18n.set_language('en');"
            "print([m for m in ('hashlib', 'tempfile', 'struct') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
