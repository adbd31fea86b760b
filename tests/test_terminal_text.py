"""Laying out messages for a terminal: width, whole words, bullets, right-to-left text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.terminal_text import columns, is_rtl, layout, wrap

ARABIC = "قد تساعدك هذه الصفحات: هل يمكن لابنتي السباحة في المسبح"


def test_lines_fit_the_width_and_words_stay_whole() -> None:
    text = "Brush teeth twice a day with a soft toothbrush. A soft brush is gentle on the gums."
    lines = layout(text, 30)
    assert all(columns(line) <= 30 for line in lines)
    assert " ".join(lines).split() == text.split()


def test_a_word_longer_than_the_line_gets_a_line_of_its_own_whole() -> None:
    lines = layout("see Wiskott-Aldrich-syndrome-information-pages now", 20)
    assert lines == ["see", "Wiskott-Aldrich-syndrome-information-pages", "now"]


def test_bullets_and_button_numbers_hang_under_their_text() -> None:
    bullet = layout("• do not share cups, cutlery, towels or toothbrushes", 24)
    assert bullet[0].startswith("• ") and all(line.startswith("  ") for line in bullet[1:])
    button = layout("12. Appointments and support groups near you", 24, indent="  ")
    assert button[0].startswith("  12. ")
    assert all(line.startswith(" " * 6) for line in button[1:])


def test_widths_are_display_columns() -> None:
    assert columns("e\u0301") == 1  # a combining accent takes no column
    assert columns("会") == 2
    assert all(columns(line) <= 10 for line in wrap("会会会 会会会 会会会", 10))


def test_arabic_is_shaped_reordered_and_flush_right() -> None:
    lines = layout(ARABIC, 40)
    assert len(lines) >= 2
    assert all(columns(line) == 40 for line in lines)  # flush right
    assert all("\ufe70" <= ch <= "\ufeff" for ch in lines[0].strip().replace(" ", "")[:3])
    # the first word read is the rightmost one shown
    assert lines[0].rstrip().endswith(layout("قد", 40)[0].strip())
    assert layout(ARABIC, 40, rtl=False)[0].startswith("قد")


def test_direction_is_that_of_the_first_letter() -> None:
    assert is_rtl("مرحبا NeutroGuide")
    assert is_rtl("38.5 درجة")  # digits have no strong direction
    assert not is_rtl("NeutroGuide مرحبا")


@given(st.text(max_size=200), st.integers(min_value=1, max_value=120))
def test_layout_never_loses_a_word(text: str, width: int) -> None:
    lines = layout(text, width, rtl=False)
    assert " ".join(lines).split() == text.split()
