"""Words for the search: typed or written text → folded stems, one stemmer per language.

Snowball (``snowballstemmer``) stems English, Spanish, French, German and Arabic; it has no
Polish, so Polish uses Stempel (``pystempel``, the stemmer Lucene and Elasticsearch ship) with
its Polimorf table. Stems are folded after stemming (no case, no accents, no Arabic vowel
marks), so ``gorączki`` and ``goraczki`` meet in one stem and the stemmer still sees the
letters it was written for.
"""

from __future__ import annotations

import gzip
import io
import re
import threading
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from importlib.resources import files

import snowballstemmer  # type: ignore[import-untyped]

Stem = Callable[[str], str]
#: A long word → the words it is made of ("Lebendimpfungen" → "lebend", "impfungen"), or none.
Split = Callable[[str], tuple[str, ...]]

#: Snowball's name for each language it stems for us.
_SNOWBALL = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "ar": "arabic"}
#: A word: letters (any script), then letters, digits or inner hyphens/apostrophes; or a
#: short name with digits like "g-csf", "rac2", "cd40l", "mmr".
_WORD = re.compile(r"[^\W\d_](?:[\w]|[-'’](?=\w))*|\d+[^\W\d_]\w*")
#: Letters NFKD does not take apart, and Arabic letter variants people type either way.
_LETTERS = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ة": "ه", "ى": "ي", "ـ": ""}
)
_polish_lock = threading.Lock()
#: Words whose stems each language keeps (the pages have about 2,000 different words).
STEM_CACHE = 20_000
#: German compounds are split from this many letters, when the splitter is at least this sure
#: (its score runs from about -1 to 1; a wrong split, "Leben|dimpfungen", scores below 0).
SPLIT_FROM = 8
SPLIT_SURE = 0.5


def fold(text: str) -> str:
    """Case, accents, letter variants and Arabic vowel marks folded away."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of ``text`` in lower case, as written (accents kept for the stemmer).

    A hyphenated word counts as its parts and as one word without the hyphens, so
    ``Wiskott-Aldrich`` meets "wiskott aldrich" and ``G-CSF`` meets "gcsf".
    """
    out: list[str] = []
    for word in _WORD.findall(text.casefold()):
        word = word.replace("’", "'").strip("'-")
        if "-" in word:
            parts = [p for p in word.split("-") if len(p) > 1]
            out += [*parts, word.replace("-", "")]
        elif word:
            out.append(word)
    return out


def language(locale: str) -> str:
    """``de_AT`` → ``de``."""
    return locale.replace("-", "_").split("_")[0].lower()


@cache
def _polish() -> Stem:
    """Stempel with the Polimorf table, read once per process (about 2 s).

    The table is read straight from the package without pystempel's own loader, which draws
    a progress bar on standard error and reads byte by byte through it (three times slower).
    """
    from pystempel import Stemmer
    from pystempel.streams import DataInputStream

    table = files("pystempel.data.polimorf") / "stemmer_polimorf.tbl.gz"
    stemmer = Stemmer.from_stream(DataInputStream(io.BytesIO(gzip.decompress(table.read_bytes()))))

    def stem(word: str) -> str:
        return stemmer(word) or word

    return stem


@cache
def stop_words(lang: str) -> frozenset[str]:
    """The folded stop words of ``lang`` (``stopwordsiso``); none for a language it lacks."""
    import stopwordsiso

    if not stopwordsiso.has_lang(lang):
        return frozenset()
    return frozenset(fold(w) for w in stopwordsiso.stopwords(lang))


def stemmer(lang: str) -> Stem:
    """The stemmer for ``lang`` (a language code); words pass unchanged for other languages.

    Each word is stemmed once (a page's words repeat, and Snowball in pure Python costs
    about 0.3 ms a word).
    """
    if lang == "pl":
        with _polish_lock:  # two first searches at once read the table once
            stem = _polish()
    elif lang in _SNOWBALL:
        snowball = snowballstemmer.stemmer(_SNOWBALL[lang])

        def stem(word: str) -> str:
            return str(snowball.stemWord(word))
    else:
        return lambda word: word
    return lru_cache(maxsize=STEM_CACHE)(stem)


def splitter(lang: str) -> Split | None:
    """German compounds split into their words (``compound-split``, when installed: the
    ``german`` extra), so "Lebendimpfungen" meets a page's "Impfung"; ``None`` otherwise."""
    if lang != "de":
        return None
    try:
        from compound_split import char_split  # type: ignore[import-untyped]
    except ImportError:
        return None

    @lru_cache(maxsize=STEM_CACHE)
    def split(word: str) -> tuple[str, ...]:
        if len(word) < SPLIT_FROM:
            return ()
        found = char_split.split_compound(word)
        if not found or found[0][0] < SPLIT_SURE:
            return ()
        return (found[0][1].casefold(), found[0][2].casefold())

    return split


def stems(text: str, stem: Stem, split: Split | None = None) -> list[str]:
    """The folded stems of the words of ``text`` (and of a compound's parts, with ``split``)."""
    out: list[str] = []
    for word in words(text):
        out.append(fold(stem(word)))
        if split is not None:
            out += [fold(stem(part)) for part in split(word)]
    return out
