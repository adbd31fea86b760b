"""A scripted stand-in for Conversations: records every Inbound, answers what it is told."""

from __future__ import annotations

from collections.abc import Callable

from bot.service import Inbound, Outbound, Outcome


class ScriptedConversations:
    """Answers each input with ``script(inbound)``; records inputs and blocked users."""

    def __init__(self, script: Callable[[Inbound], Outcome] | None = None) -> None:
        self.script = script or (lambda inbound: Outcome((Outbound(f"echo {inbound.kind}"),)))
        self.inbound: list[Inbound] = []
        self.blocked: list[tuple[str, str]] = []
        self.confirmed: list[str] = []

    async def handle(self, inbound: Inbound) -> Outcome:
        self.inbound.append(inbound)
        return self.script(inbound)

    async def delivered(self, delivery: str) -> None:
        self.confirmed.append(delivery)

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        self.blocked.append((channel, user_id))

    def command_menu(self, locale: str) -> list[tuple[str, str]]:
        return [("start", f"start ({locale})")]

    def locales(self) -> list[str]:
        return ["en"]

    def system_text(self, key: str, language_code: str | None) -> str:
        return f"system:{key}"

    async def close(self) -> None:
        return None
