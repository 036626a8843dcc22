"""Reading the settings files a person writes (the config, a ``--mapping`` file): YAML
with the safe loader, size-capped, aliases refused, errors naming the file and line.

Scalars YAML reads as numbers keep the text as written (:class:`YamlInt`,
:class:`YamlFloat`), so a key that wants text gets ``0123``, not 83; a scalar YAML
recognises but cannot build (``2026-13-45``, a 5,000-digit integer) becomes an
:class:`Unreadable`, which the config's validation names with its key, instead of an
error inside the loader that names no key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collectctl.errors import ConfigError
from collectctl.i18n import _

#: A config or --mapping file is a page or two; anything this big is a mistake or an attack.
MAX_YAML_CHARS = 1_000_000


class YamlInt(int):
    """An integer read from YAML, with its text as written (``0x1F``, ``0123``, ``9:30``)."""

    text: str

    def __new__(cls, value: int, text: str) -> YamlInt:
        number = super().__new__(cls, value)
        number.text = text
        return number


class YamlFloat(float):
    """A float read from YAML, with its text as written."""

    text: str

    def __new__(cls, value: float, text: str) -> YamlFloat:
        number = super().__new__(cls, value)
        number.text = text
        return number


@dataclass(frozen=True, repr=False)
class Unreadable:
    """A scalar YAML takes for a ``kind`` it cannot build: ``"date"`` (``2026-13-45``, a
    time zone offset of 99 hours) or ``"number"`` (more digits than Python converts)."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return repr(self.text)


def yaml_text(value: Any) -> str:
    """A scalar as the person wrote it: a number's own text, else ``str(value)``."""
    return getattr(value, "text", None) or str(value)


def _loader():
    """PyYAML's safe loader, refusing aliases (``*name``): settings never need them, and
    nested aliases expand exponentially (the "billion laughs"). Numbers keep their text
    and scalars it cannot build are :class:`Unreadable` (see the module's docstring)."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in collectctl's files",
                    event.start_mark)
            return super().compose_node(parent, index)

        def construct_number(self, node):
            text = self.construct_scalar(node)
            try:
                if node.tag.endswith(":int"):
                    return YamlInt(super().construct_yaml_int(node), text)
                return YamlFloat(super().construct_yaml_float(node), text)
            except (ValueError, OverflowError):  # int's 4,300-digit limit; !!int abc
                return Unreadable("number", text)

        def construct_timestamp(self, node):
            try:
                return super().construct_yaml_timestamp(node)
            except (ValueError, OverflowError, AttributeError):  # no such day; !!timestamp x
                return Unreadable("date", self.construct_scalar(node))

    for tag in ("int", "float"):
        NoAliasLoader.add_constructor(f"tag:yaml.org,2002:{tag}",
                                      NoAliasLoader.construct_number)
    NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                  NoAliasLoader.construct_timestamp)
    return NoAliasLoader


def read_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader; errors name the file and line."""
    try:
        with path.open(encoding="utf-8-sig") as stream:
            text = stream.read(MAX_YAML_CHARS + 1)  # never more than the cap, whatever the file
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(_("{path}: cannot read: {reason}").format(
            path=path, reason=getattr(error, "strerror", None) or error)) from None
    if len(text) > MAX_YAML_CHARS:
        raise ConfigError(_("{path}: more than {n:,} characters is too big for a settings "
                            "file").format(path=path, n=MAX_YAML_CHARS))
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path | str) -> Any:
    """Parse settings text as :func:`read_yaml` does; ``path`` names it in errors."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader, aliases refused
    except RecursionError:
        raise ConfigError(_("{path}: not valid YAML: nested too deeply").format(
            path=path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(_("{path}{line}: not valid YAML: {problem}").format(
            path=path, line=line, problem=problem)) from None
