"""Imported fields -> YAML text that gaepod's strict loader reads back unchanged.

Every string is quoted (double quotes, or a `|` block for multi-line text),
so nothing is left to YAML's type guessing; booleans and whole numbers are
plain; no anchors, aliases or tags are ever written. Pure: returns text.
"""

from __future__ import annotations

from typing import Any

import yaml

_WIDTH = 1_000_000  # never fold long lines: a title stays on one line


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        style = "|"  # PyYAML falls back to double quotes when a block cannot hold it
    elif any(ord(c) > 0xFFFF for c in value) and "'" not in value:
        style = "'"  # double quotes would spell emoji as \U0001F399
    else:
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    """Keys are field names: written plain (`title:`); values by their own type."""
    pairs = [
        (yaml.ScalarNode("tag:yaml.org,2002:str", key), dumper.represent_data(item))
        for key, item in value.items()
    ]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)


def dump(fields: dict[str, Any], comment: str = "") -> str:
    """One YAML document; `comment` (may hold several lines) goes on top as `#` lines."""
    body = yaml.dump(
        fields,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_WIDTH,
        indent=2,
    )
    header = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return header + body
