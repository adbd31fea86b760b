"""Which steps of the dialogs are pages a search may offer, and the texts they are found by.

A page is a step with something to read that a button leads to: each dialog's first step
and the steps behind its buttons. Not pages: the welcome and the main menu (every search
would find them); other than a dialog's first step (which its menu button opens anyway),
steps that save something (``set``/``copy``: a consent answer must be pressed where it is
asked, never reached from a search) or raise a flag; and the steps a branch routes to that
ask nothing (they show the result of an answer, "this count is in the severe band", which
means nothing without it). A question is a page: "save my care team's number" opens the
step that asks for it. A dialog's first step that only routes ("Ask a nurse": to the consent,
or to "there is no nurse here") is a page too, read by what the steps it routes to say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.content.model import DialogSet, Node, Text

#: A text in the language being indexed (the translation, or the English source).
Translate = Callable[[Text], str]


@dataclass(frozen=True, slots=True)
class Page:
    """A step a search can offer: its node, its button label (the label of a button that
    leads to it, or its dialog's title) and what it is found by."""

    node: str
    label: Text
    #: The dialog's keywords count for its first step only (they name the whole topic).
    start: bool


def find_pages(dialogs: DialogSet) -> tuple[Page, ...]:
    """Every page of ``dialogs``, in file order."""
    labels: dict[str, Text] = {}
    inside: set[str] = set()  # pages whose label came from their own dialog
    for node in dialogs.nodes.values():
        for choice in node.choices:
            # The label from inside the page's own dialog names it best ("Swimming" rather
            # than a "Back" from elsewhere); else the first one seen (the menu's).
            target = dialogs.nodes.get(choice.goto)
            if target is None or choice.goto in inside:
                continue
            if node.dialog == target.dialog:
                inside.add(choice.goto)
                labels[choice.goto] = choice.label
            else:
                labels.setdefault(choice.goto, choice.label)
    skip = {dialogs.nodes[dialogs.welcome].dialog, dialogs.nodes[dialogs.menu].dialog}
    # A step a branch routes to shows the result of an answer ("this count is in the severe
    # band"): without the answer it means nothing.
    routed = {b.goto for node in dialogs.nodes.values() for b in node.branches}
    chosen: list[tuple[Node, bool]] = []
    for node in dialogs.nodes.values():
        start = dialogs.dialogs[node.dialog].start == node.id
        result = node.id in routed and not start and node.input is None
        if node.dialog in skip or result or node.id not in labels:
            continue
        if _readable(node, start, dialogs):
            chosen.append((node, start))
    # A label that also leads to a dialog's first step ("Other conditions", "Back to my
    # details", "Check again") is a way back, not a page's name: such a page, and a dialog's
    # first step itself, go by the dialog's title.
    starts = {d.start for d in dialogs.dialogs.values()}
    backwards = {
        choice.label.source
        for node in dialogs.nodes.values()
        for choice in node.choices
        if choice.goto in starts
    }
    pages = []
    for node, start in chosen:
        label = labels[node.id]
        if start or label.source in backwards:
            label = dialogs.dialogs[node.dialog].title
        pages.append(Page(node.id, label, start))
    return tuple(pages)


def _readable(node: Node, start: bool, dialogs: DialogSet) -> bool:
    # A dialog's first step is what its menu button opens anyway ("My details" notes which
    # flow the person is in): a search may open it too, and one that only routes is read by
    # the steps it routes to.
    if start:
        return bool(node.say or _routed_say(node, dialogs))
    return bool(node.say) and not (node.set or node.copy or node.flag)


def _routed_say(node: Node, dialogs: DialogSet) -> list[Text]:
    """What the steps a first step without text of its own routes to say, in order."""
    if node.say:
        return []
    targets = dict.fromkeys(b.goto for b in node.branches)
    return [
        s.text
        for goto in targets
        if goto in dialogs.nodes and dialogs.nodes[goto].dialog == node.dialog
        for s in dialogs.nodes[goto].say
    ]


def page_text(page: Page, dialogs: DialogSet, translate: Translate) -> tuple[str, str]:
    """(title, body) of ``page`` in one language: the button label, and what the page says
    (its messages, and the labels of its buttons further into its own dialog, which name
    what it leads on to)."""
    node = dialogs.nodes[page.node]
    body = [translate(s.text) for s in node.say]
    body += [translate(text) for text in _routed_say(node, dialogs)]
    start = dialogs.dialogs[node.dialog].start
    body += [
        translate(c.label)
        for c in node.choices
        if c.goto != start
        and c.goto in dialogs.nodes
        and dialogs.nodes[c.goto].dialog == node.dialog
    ]
    return translate(page.label), "\n".join(body)
