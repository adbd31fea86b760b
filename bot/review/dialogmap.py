"""Dialog maps: one dialog's steps and buttons as a Graphviz graph, with how many people
reached each step and how many are still there (where they left). Drawn by ``dot`` as SVG.
"""

from __future__ import annotations

from collections.abc import Mapping

import graphviz

from bot.content.model import Dialog, DialogSet


class MapError(RuntimeError):
    """Graphviz's ``dot`` program is missing or failed (install the graphviz package)."""


def _label(text: str, width: int = 28) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines[:3]) + ("…" if len(lines) > 3 else "")


def dialog_graph(
    dialogs: DialogSet,
    dialog: Dialog,
    reached: Mapping[str, int] | None = None,
    left: Mapping[str, int] | None = None,
) -> graphviz.Digraph:
    """The graph of ``dialog``: a box per step, an arrow per button or branch; steps of other
    dialogs it leads to drawn as plain ellipses. ``reached``/``left`` add counts per step."""
    graph = graphviz.Digraph(
        name=dialog.id,
        graph_attr={"rankdir": "TB", "fontname": "Helvetica", "label": dialog.title.source},
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    outside: set[str] = set()
    for node_id, node in dialog.nodes.items():
        name = node_id.split("/", 1)[1]
        lines = [name]
        if node.say:
            lines.append(_label(node.say[0].text.source))
        if reached is not None:
            counts = f"reached {reached.get(node_id, 0)}"
            if left is not None and left.get(node_id):
                counts += f" · still here {left[node_id]}"
            lines.append(counts)
        fill = "#fde8e8" if node.flag == "red" else "#eef3fb"
        if node_id == dialog.start:
            fill = "#e8f4ea"
        graph.node(
            node_id,
            "\n".join(lines),
            fillcolor=fill,
            color="#8a0000" if node.flag == "red" else "#12355b",
        )
        for choice in node.choices:
            graph.edge(node_id, choice.goto, label=_label(choice.label.source, 18))
            outside.add(choice.goto)
        for branch in node.branches:
            graph.edge(
                node_id,
                branch.goto,
                label=_label(branch.when.expr, 18) if branch.when else "",
                style="dashed",
            )
            outside.add(branch.goto)
    for target in sorted(outside - set(dialog.nodes)):
        graph.node(target, target, shape="ellipse", style="dashed", fillcolor="white")
    return graph


def dialog_svg(
    dialogs: DialogSet,
    dialog_id: str,
    reached: Mapping[str, int] | None = None,
    left: Mapping[str, int] | None = None,
) -> bytes:
    """The dialog map as SVG.

    Raises:
        KeyError: no such dialog.
        MapError: ``dot`` is not installed or failed.
    """
    graph = dialog_graph(dialogs, dialogs.dialogs[dialog_id], reached, left)
    try:
        return bytes(graph.pipe(format="svg"))
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as exc:
        raise MapError(
            f"Graphviz could not draw the map ({type(exc).__name__}): install it, e.g. "
            "`apt-get install graphviz`"
        ) from exc
