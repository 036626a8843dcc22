"""Reading the settings files a person writes (the config, a ``--mapping`` file): YAML
with the safe loader, size-capped, aliases refused, errors naming the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from collectctl.errors import ConfigError
from collectctl.i18n import _

#: A config or --mapping file is a page or two; anything this big is a mistake or an attack.
MAX_YAML_CHARS = 1_000_000


def _loader():
    """PyYAML's safe loader, refusing aliases (``*name``): settings never need them, and
    nested aliases expand exponentially (the "billion laughs")."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in collectctl's files",
                    event.start_mark)
            return super().compose_node(parent, index)

    return NoAliasLoader


def read_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader; errors name the file and line."""
    import yaml

    try:
        with path.open(encoding="utf-8-sig") as stream:
            text = stream.read(MAX_YAML_CHARS + 1)  # never more than the cap, whatever the file
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(_("{path}: cannot read: {reason}").format(
            path=path, reason=getattr(error, "strerror", None) or error)) from None
    if len(text) > MAX_YAML_CHARS:
        raise ConfigError(_("{path}: more than {n:,} characters is too big for a settings "
                            "file").format(path=path, n=MAX_YAML_CHARS))
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
