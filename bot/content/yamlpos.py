"""YAML reading that keeps line and column of every key and value, and catches duplicate keys.

A dialog file is written by hand and read at start-up, so it must not be able to hurt the
process: anchors and aliases (the "billion laughs" bomb), very deep nesting and very many
nodes are refused with a :class:`YamlRefused` naming the line, before they cost memory or time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

#: Deepest nesting of mappings and lists in one file (real dialog files use 5).
MAX_DEPTH = 50
#: Most YAML nodes (keys, values, list items) in one file (the largest dialog file has ~500).
MAX_NODES = 20_000


class YamlRefused(Exception):
    """The file is valid YAML but uses something dialog files may not; ``pos`` says where."""

    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(f"{pos.line}:{pos.col}: {message}")
        self.pos = pos
        self.message = message


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


def _event_pos(event: yaml.Event) -> Pos:
    mark = event.start_mark
    return Pos(mark.line + 1, mark.column + 1) if mark is not None else Pos(1, 1)


class _GuardedLoader(yaml.SafeLoader):
    """A safe loader that refuses anchors and aliases and limits depth and node count."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(
                _event_pos(event),
                f"YAML alias '*{event.anchor}' is not allowed in dialog files; "
                "write the text out in full where it is needed",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlRefused(
                _event_pos(event),
                f"YAML anchor '&{anchor}' is not allowed in dialog files; "
                f"remove '&{anchor}' and write the text out in full where it is needed",
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise YamlRefused(
                _event_pos(event),
                f"file has more than {MAX_NODES} YAML entries; split it into several dialog files",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlRefused(
                    _event_pos(event),
                    f"nested more than {MAX_DEPTH} levels deep; a dialog file needs about 5: "
                    "check the indentation and the brackets",
                )
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


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
        YamlRefused: an anchor or alias, nesting deeper than :data:`MAX_DEPTH`, or more than
            :data:`MAX_NODES` nodes.
    """
    loader = _GuardedLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(node, loader)
    except RecursionError:
        # a second line of defence: MAX_DEPTH keeps the composer far from the limit
        raise YamlRefused(
            Pos(1, 1), "nested too deep to read; check the indentation and the brackets"
        ) from None
    finally:
        loader.dispose()
