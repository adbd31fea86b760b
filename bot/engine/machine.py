"""Build the one shared ``transitions`` machine for a dialog set.

States are qualified node ids. Triggers: ``c<i>`` for the i-th choice of a node, ``route`` for
a node's branches and ``answer`` for branches after typed input; conditions are the compiled
``when:`` expressions, fed the person's namespace through the event's keyword arguments.
The machine holds one cursor model; a step sets the cursor's state from the session, fires one
trigger and reads the state back (the maintainers' advice for many users: never one model per
user registered on a machine).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from transitions import EventData, Machine

from bot.content.model import Condition, DialogSet


class Cursor:
    """The single model registered on the machine; ``state`` is set before every trigger."""

    state: str


def _condition(cond: Condition) -> Callable[[EventData], bool]:
    test = cond.test

    def check(event: EventData) -> bool:
        ns: Mapping[str, Any] = event.kwargs["ns"]
        return test(ns)

    return check


class DialogMachine:
    """The machine and its cursor; :meth:`fire` is the only way the engine moves."""

    def __init__(self, dialogs: DialogSet) -> None:
        self.cursor = Cursor()
        transitions: list[dict[str, Any]] = []
        for node in dialogs.nodes.values():
            for i, choice in enumerate(node.choices):
                t: dict[str, Any] = {"trigger": f"c{i}", "source": node.id, "dest": choice.goto}
                if choice.when is not None:
                    t["conditions"] = [_condition(choice.when)]
                transitions.append(t)
            trigger = "answer" if node.input else "route"
            for branch in node.branches:
                t = {"trigger": trigger, "source": node.id, "dest": branch.goto}
                if branch.when is not None:
                    t["conditions"] = [_condition(branch.when)]
                transitions.append(t)
        self.machine = Machine(
            model=self.cursor,
            states=list(dialogs.nodes),
            transitions=transitions,
            initial=dialogs.menu,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
            model_override=False,
        )
        self._events = self.machine.events

    def fire(self, state: str, trigger: str, ns: Mapping[str, Any]) -> str | None:
        """From ``state``, fire ``trigger`` with namespace ``ns``; the new state, or ``None``.

        ``None`` means no transition applied (no such trigger, or every condition failed).
        """
        event = self._events.get(trigger)
        if event is None:
            return None
        self.cursor.state = state
        moved = event.trigger(self.cursor, ns=ns)
        return self.cursor.state if moved else None
