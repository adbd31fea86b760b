"""YAML reading that keeps line and column of every key and value, and catches duplicate keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Pos:
    """A 1-based line and column in a file."""

    line: int
    col: int


class YMap(dict[str, Any]):
    """A mapping that remembers where it and each of its keys and values stand."""

    pos: Pos
    key_pos: dict[str, Pos]
    value_pos: dict[str, Pos]
    duplicates: list[tuple[str, Pos]]


class YList(list[Any]):
    """A sequence that remembers where it and each of its items stand."""

    pos: Pos
    item_pos: list[Pos]


def _pos(node: yaml.Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = YMap()
        out.pos, out.key_pos, out.value_pos, out.duplicates = _pos(node), {}, {}, []
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = str(key)
            if key in out:
                out.duplicates.append((key, _pos(key_node)))
            out[key] = _convert(value_node, loader)
            out.key_pos[key] = _pos(key_node)
            out.value_pos[key] = _pos(value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = YList(_convert(item, loader) for item in node.value)
        seq.pos = _pos(node)
        seq.item_pos = [_pos(item) for item in node.value]
        return seq
    return loader.construct_object(node, deep=True)


def load_with_positions(text: str) -> Any:
    """Parse one YAML document, returning :class:`YMap`/:class:`YList`/scalars.

    Raises:
        yaml.YAMLError: the text is not valid YAML (the error carries a problem mark).
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(node, loader)
    finally:
        loader.dispose()
