"""Every message collectctl shows, for the catalog tests and for translators.

``python -m tests.catalog`` prints, as ``.po`` entries with an empty ``msgstr``, the
messages the zh_TW catalog lacks (append them to ``collectctl/locale/zh_TW.po`` and
translate); ``--stale`` prints the catalog's entries the code no longer says.

The messages are the string literals given to ``_()`` and ``ngettext()`` in the package,
and the help texts of the command tree (command docstrings, option help), which the CLI
looks up again in the interface language when a command runs or shows its help.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from collectctl import i18n

PACKAGE = Path(i18n.__file__).parent
CATALOG = PACKAGE / "locale" / "zh_TW.po"


def code_messages() -> set[str]:
    """Literal strings passed to ``_()`` (and both forms passed to ``ngettext()``)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            count = {"_": 1, "N_": 1, "ngettext": 2}.get(node.func.id, 0)
            for arg in node.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def plural_messages() -> set[tuple[str, str]]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "ngettext" and len(node.args) >= 2
                    and all(isinstance(a, ast.Constant) for a in node.args[:2])):
                found.add((node.args[0].value, node.args[1].value))
    return found


def help_messages() -> set[str]:
    """The English help texts of every command, group and option."""
    import typer

    from collectctl.cli import root

    i18n.set_language(None)
    root.register_all()
    found: set[str] = set()

    def walk(command) -> None:
        for attr in ("help", "short_help", "epilog"):
            text = command.__dict__.get(f"_english_{attr}", getattr(command, attr, None))
            if text:
                found.add(text)
        for param in command.params:
            text = param.__dict__.get("_english_help", getattr(param, "help", None))
            if text:
                found.add(text)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(root.app))
    return found


def all_messages() -> set[str]:
    return code_messages() | help_messages()


def catalog_entries(path: Path = CATALOG) -> list[dict]:
    return [e for e in i18n.parse_po(path.read_text(encoding="utf-8")) if e["msgid"]]


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def main(argv: list[str]) -> int:
    entries = catalog_entries()
    known = {e["msgid"] for e in entries} | {e["msgid_plural"] for e in entries
                                             if "msgid_plural" in e}
    said = all_messages()
    if "--stale" in argv:
        for msgid in sorted(known - said):
            print(msgid)
        return 0
    plurals = dict(plural_messages())
    for msgid in sorted(said - known - set(plurals.values())):
        print(f"msgid {_quote(msgid)}")
        if msgid in plurals:
            print(f"msgid_plural {_quote(plurals[msgid])}")
            print('msgstr[0] ""')
        else:
            print('msgstr ""')
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
