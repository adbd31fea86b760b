"""The safety layer's system messages in dialogs/system_safety.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import load_dialogs, placeholders
from bot.content.model import DialogSet
from bot.safety import SAFETY_MESSAGES, SAFETY_PLACEHOLDERS, Screener

DIALOGS = Path(__file__).parent.parent / "dialogs"


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    return load_dialogs(DIALOGS)


def test_every_safety_message_exists_with_its_placeholders(dialogs: DialogSet) -> None:
    for key in SAFETY_MESSAGES:
        assert key in dialogs.system, key
        assert placeholders(dialogs.system[key].source) == SAFETY_PLACEHOLDERS[key], key
    assert "stopped" in dialogs.system  # the stop confirmation is the bot's own message


@pytest.mark.parametrize(
    "key",
    [
        "urgent_fever",
        "urgent_fever_no_team",
        "urgent_sign",
        "urgent_sign_no_team",
        "confirm_sign",
        "distress",
    ],
)
def test_safety_critical_messages_are_marked(dialogs: DialogSet, key: str) -> None:
    assert dialogs.system[key].safety


@pytest.mark.parametrize("key", ["urgent_fever", "urgent_fever_no_team"])
def test_fever_answers_warn_about_fever_medicine(dialogs: DialogSet, key: str) -> None:
    assert "do not give fever medicine before calling unless your plan says so" in (
        dialogs.system[key].source.lower()
    )


@pytest.mark.parametrize(
    "key",
    ["urgent_fever", "urgent_fever_no_team", "urgent_sign", "urgent_sign_no_team", "distress"],
)
def test_urgent_answers_never_grade_or_reassure(dialogs: DialogSet, key: str) -> None:
    text = dialogs.system[key].source.lower()
    for phrase in (
        "this is fine",
        "nothing to worry",
        "not serious",
        "mild",
        "severe",
        "don't worry",
    ):
        assert phrase not in text, (key, phrase)


def test_every_message_key_the_screen_returns_exists(dialogs: DialogSet) -> None:
    screener = Screener.load()
    samples = ["38.5", "very floppy", "rigors", "no fever", "I can't cope", "stop"]
    samples.append("my 5 week old feels hot")
    keys = {found.message_key for t in samples if (found := screener.screen(t, "en"))}
    assert keys == {
        "urgent_fever",
        "urgent_emergency",
        "urgent_baby",
        "urgent_sign",
        "confirm_sign",
        "distress",
        "stopped",
    }
    for key in keys | {f"{k}_no_team" for k in keys if k.startswith("urgent")}:
        assert key in dialogs.system, key
