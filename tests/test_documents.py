"""bot/documents: what is drawn, and that Arabic is really shaped (joined, right to left)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.documents import (
    Card,
    CardSection,
    DiaryChart,
    DocumentError,
    Poster,
    card_pdf,
    poster_pdf,
    render,
)
from bot.documents.text import FONT, is_rtl, wrap

pytestmark = pytest.mark.slow  # each drawing takes a few tenths of a second

ZWNJ = "\u200c"  # stops Arabic letters from joining; invisible when nothing shapes the text


def _pixels(text: str) -> bytes:
    fig = Figure(figsize=(3, 1), dpi=80)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.1, 0.4, text, fontsize=20, fontfamily=FONT)
    canvas.draw()
    return bytes(canvas.buffer_rgba())


def test_arabic_letters_are_joined_by_the_text_layout() -> None:
    word = "بطاقة"
    assert _pixels(word) != _pixels(ZWNJ.join(word)), "Arabic is drawn unjoined"


def test_arabic_runs_right_to_left() -> None:
    # "ا" then "ب" in logical order: right to left, the tall alef is drawn on the RIGHT and
    # the low beh on the left (drawn left to right, it would be the other way round).
    fig = Figure(figsize=(3, 1.5), dpi=100)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.2, 0.3, "ا ب", fontsize=40, fontfamily=FONT)
    canvas.draw()
    ink = np.asarray(canvas.buffer_rgba())[:, :, 0] < 128
    columns = np.flatnonzero(ink.any(axis=0))
    middle = (columns[0] + columns[-1]) / 2

    def height(cols: np.ndarray) -> int:
        rows = np.flatnonzero(ink[:, cols].any(axis=1))
        return int(rows[-1] - rows[0])

    left, right = columns[columns < middle], columns[columns > middle]
    assert height(right) > height(left), "the alef should stand on the right"


def test_render_draws_each_spec_and_refuses_an_unknown_one() -> None:
    chart = DiaryChart(((1000.0, 37.2), (90_000.0, 38.4)), 38.0, "C", "de", "T", "L", 0, 100_000)
    assert render(chart.spec()).startswith(b"\x89PNG")
    assert DiaryChart.from_spec(chart.spec()) == chart
    section = CardSection("Emergency card", ("One.", "Two."), "Care team: 1", "Allergies:")
    card = Card((section,), "Sources: NICE CG151")
    assert Card.from_spec(card.spec("pdf")) == card
    assert render(card.spec("png")).startswith(b"\x89PNG")
    assert render(card.spec("pdf")) == card_pdf(card)  # the same file each time (replays)
    with pytest.raises(DocumentError):
        render({"type": "nope"})
    with pytest.raises(DocumentError):
        render({"type": "card", "sections": [{"title": "no more"}]})


def test_poster_is_one_a4_page() -> None:
    data = poster_pdf(Poster("Fever check", "Scan me.", "https://t.me/b?start=fever_en"))
    assert (
        data.startswith(b"%PDF-")
        and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1
    )
    assert b"/MediaBox [ 0 0 595.44 841.68 ]" in data


def test_wrap_and_direction() -> None:
    assert wrap("a b c d", 3) == ["a b", "c d"]
    assert wrap("one\n\ntwo", 10) == ["one", "", "two"]
    assert is_rtl("ar") and is_rtl("ar-EG") and not is_rtl("de")
