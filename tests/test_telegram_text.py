"""Long texts are split at paragraph boundaries below Telegram's limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.text import MESSAGE_LIMIT, Part, compose, split_text, utf16_len
from bot.service import Outbound


def test_short_text_is_one_message() -> None:
    assert split_text("Hello.\n\nBye.") == ["Hello.\n\nBye."]


def test_blank_text_sends_nothing() -> None:
    assert split_text("  \n ") == []


def test_paragraphs_are_kept_whole_when_they_fit() -> None:
    paragraphs = [f"{i} " + "word " * 150 for i in range(20)]
    chunks = split_text("\n\n".join(paragraphs), limit=2000)
    assert all(utf16_len(c) <= 2000 for c in chunks)
    rejoined = [p for c in chunks for p in c.split("\n\n")]
    assert rejoined == paragraphs


def test_a_paragraph_longer_than_the_limit_is_split_between_words() -> None:
    words = [f"w{i}" for i in range(3000)]
    chunks = split_text(" ".join(words), limit=1000)
    assert len(chunks) > 1
    assert [w for c in chunks for w in c.split(" ")] == words


def test_emoji_count_as_two_units() -> None:
    text = "🙂" * MESSAGE_LIMIT  # 8192 UTF-16 units, no spaces: cut between characters
    chunks = split_text(text)
    assert [utf16_len(c) for c in chunks] == [MESSAGE_LIMIT, MESSAGE_LIMIT]
    assert "".join(chunks) == text


PIECES = st.sampled_from(["a", "é", "🙂", " ", "\n", "\n\n", "مرحبا", "x" * 60])


@given(st.lists(PIECES, max_size=200).map("".join))
def test_chunks_fit_and_lose_no_words(text: str) -> None:
    chunks = split_text(text, limit=50)
    assert all(0 < utf16_len(c) <= 50 for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_a_step_becomes_one_message_with_its_keyboard_at_the_bottom() -> None:
    parts = compose([Outbound("One."), Outbound("Two."), Outbound("Pick:", (("A", "a.0"),))])
    assert parts == [Part("One.\n\nTwo.\n\nPick:", (("A", "a.0"),))]


def test_urgent_messages_stand_alone() -> None:
    parts = compose([Outbound("Intro."), Outbound("Call 999 now.", urgent=True), Outbound("Then.")])
    assert [p.text for p in parts] == ["Intro.", "Call 999 now.", "Then."]
    assert [p.urgent for p in parts] == [False, True, False]


def test_a_keyboard_ends_a_message() -> None:
    parts = compose([Outbound("Pick:", (("A", "a.0"),)), Outbound("Also this.")])
    assert [(p.text, p.buttons) for p in parts] == [("Pick:", (("A", "a.0"),)), ("Also this.", ())]


def test_messages_that_do_not_fit_together_stay_apart_and_long_ones_split() -> None:
    big = "word " * 700
    parts = compose([Outbound(big), Outbound(big), Outbound(big * 2, (("A", "a.0"),))])
    assert all(utf16_len(p.text) <= MESSAGE_LIMIT for p in parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    assert " ".join(p.text for p in parts).split() == (big * 4).split()


def test_a_message_with_a_file_stands_alone_with_its_text_as_the_caption() -> None:
    from bot.channels.telegram.text import CAPTION_LIMIT
    from bot.service import Attachment

    photo = Attachment("photo", "chart.png", {"type": "diary"}, b"\x89PNG")
    parts = compose(
        [
            Outbound("Before."),
            Outbound("x " * 700, attachment=photo),
            Outbound("After.", (("Back", "s.back"),)),
        ]
    )
    assert [p.attachment for p in parts] == [None, photo, None]
    assert parts[0].text == "Before." and parts[2].text == "After."
    assert utf16_len(parts[1].text) <= CAPTION_LIMIT and parts[1].text.endswith("…")
