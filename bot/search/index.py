"""The search over the content: one BM25 index (``rank_bm25``) per language, of every page's
text as the person reads it (the translation, or English where a text has none).

A question goes: words → folded stems in its language (:mod:`bot.search.words`) → a word the
index does not know is replaced by the nearest word it does (one or two typos, through
``rapidfuzz``) → BM25 scores of every page → the best two or three pages. How well the best
page fits is the share of the question's weight (each stem's BM25 idf; an unknown word
counts as much as the rarest word, in Arabic 0.75 of it) that the page contains: below
:data:`GOOD_FIT`, or with a BM25 score below :data:`GOOD_SCORE`, the pages are offered with
"Ask your care team" and the question counts as unanswered.

Greetings and thanks are recognised from lists of words and phrases translated like any text
(``search_greeting_words`` and ``search_thanks_words`` in ``dialogs/system_search.yaml``): a
phrase counts only whole ("good night" is a greeting, "night" of "who to call at night" is
not).

Indexes are built once per language, the first time it is needed or by :meth:`warm` at
start-up; never per message. :meth:`SearchIndex.shared` gives the same (read-only) index to
every caller with the same loaded content, so a process that opens the service again (the
CLI, tests) builds each language once.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rank_bm25 import BM25Okapi
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.content.model import DialogSet, Text
from bot.engine.types import Found
from bot.i18n.render import SOURCE_LOCALE, Catalogs
from bot.search.pages import Page, find_pages, page_text
from bot.search.words import (
    Split,
    Stem,
    arabic_prefixes,
    arabic_variants,
    fold,
    has_reading,
    language,
    splitter,
    stemmer,
    stems,
    stop_words,
    words,
)

#: The best page fits well when it holds at least this share of the question's weight and
#: its BM25 score is at least :data:`GOOD_SCORE`. Both calibrated on all four tuning sets
#: together (bench/search_blind.py, docs/content.md; 2026-12-07, after the keywords grew): with
#: 0.3 and 5.5, 119 of 1,033 questions whose page was among the buttons were logged unanswered
#: and 67 of 84 that no page covers offered "Ask your care team"; with 0.25 and 6.0, 121 and 71
#: (0.3 and 6.0: 148 and 74).
GOOD_FIT = 0.25
#: A best page scoring less shares only a word or two of middling weight with the question
#: (6.5 before titles' common words became stop words, which lowered every score; 5.5 until
#: the keywords grew, 2026-12-07).
GOOD_SCORE = 6.0
#: A word no page has is mended from this many letters (four in other languages), in Arabic
#: counted without the article and clitics: Arabic words are short, and one letter changes
#: them more ("طياره" plane is one letter from "حراره" fever; from six letters, search_dev and
#: the former blind set lose nothing).
MEND_FROM = {"ar": 6}
#: The languages whose pages are indexed by their words' stems as typed without accents too
#: (:func:`bot.search.words.stems`): Snowball cuts "guardería" and "guarderia" apart. Not
#: Polish: Stempel's stems of words without their ogonki are often no Polish stem at all
#: ("goraczka" → "gorucc"), and they collide (three Polish page questions lost).
UNACCENTED = frozenset({"es", "fr", "de"})
#: How much a word no page has weighs against the rarest word a page has, where it is not 1:
#: spoken Arabic has many words the Modern Standard pages never use, so a good answer held too
#: small a share of the question (search_fresh5: 38.9% of good Arabic answers logged
#: unanswered; 0.75 loses none of the 30 Arabic "Ask your care team" answers, 0.5 loses 5).
UNKNOWN_WEIGHT: dict[str, float] = {"ar": 0.75}
#: A word is specific when no more than this share of the pages have it.
SPECIFIC = 0.25
#: Pages offered at most, and how close to the best one's score another must come.
MAX_PAGES = 3
RUNNER_UP = 0.3
#: When the best page is a dialog's first step, the dialog's best page inside comes second if it
#: scores more than this share of the best (search_dev 219 → 225 of 240, the former blind set
#: 289 unchanged, fresh 202 → 201, fresh2 330 unchanged; 0 and 0.1 measure the same).
#: Without it a sub-page ("Travel") falls off the buttons below its dialog's first step,
#: which has the keywords.
INNER_SHARE = 0.1
#: A word of a title or of the keywords is kept in a question though it is a stop word only
#: when at most this share of the pages have it: search_dev 88.8 → 90.8%, the former blind set
#: 88.5 → 89.5%, and all 30 questions no page covers get "Ask your care team" (27 before).
NAMED_SHARE = 0.4
#: How often a page's label and its dialog's keywords count against its text's words once.
LABEL_WEIGHT = 3
KEYWORD_WEIGHT = 3
#: A message this short with a greeting or thanks in it is small talk (unless the rest of it
#: is a question a page answers well).
SMALL_TALK_WORDS = 5
#: A message that starts with a greeting or thanks and has at most this many other words
#: ("hi there", "thank you so much") is small talk.
SMALL_TALK_REST = 2
#: The dialog on how to use the guide: after a thanks, its keywords are thanks too.
HELP_DIALOG = "help"
#: The dialog a question with a body temperature in it ("sie hat 38,4, was jetzt") is about:
#: its first step holds :data:`READING` as if it were a keyword.
FEVER_DIALOG = "fever"
#: The term a temperature reading adds to a question (no typed word has a "°").
READING = "°reading"
GREETING_KEY = "search_greeting_words"
THANKS_KEY = "search_thanks_words"
#: Words of what no page covers and the care team should answer (hair loss, fertility, sleep):
#: a question with one of them never fits well, so it gets "ask your care team" with the
#: pages (round 7: "will her hair grow back after chemo" fitted the chemo page well).
TEAM_KEY = "search_team_words"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True, slots=True)
class _Language:
    """One language's index."""

    stem: Stem
    #: ``None`` for a dialog set without pages (rank_bm25 cannot index nothing).
    bm25: BM25Okapi | None
    #: Folded written words of the pages → their stem, for mending a typo.
    surface: dict[str, str]
    #: Folded phrases (one word or more) people greet or thank with.
    greetings: frozenset[tuple[str, ...]]
    thanks: frozenset[tuple[str, ...]]
    #: The stems of every dialog's keywords ("ok fever" is about fever, not thanks).
    keywords: frozenset[str]
    #: Folded words that say nothing of what a question is about ("what", "does", "can").
    stop: frozenset[str] = frozenset()
    #: German compounds → their parts (:func:`bot.search.words.splitter`).
    split: Split | None = None
    lang: str = ""
    #: Every stop word of the language, title and keyword words too ("a", "is").
    idle: frozenset[str] = frozenset()
    #: The stems of the help dialog's keywords ("help", "aide", "pomoc").
    helping: frozenset[str] = frozenset()
    #: The keys of :attr:`surface` by their first letter: a typo is mended only to a word
    #: that starts as the typed one does ("hair" is not "air", nor "spitze" "Spritze").
    initials: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: A keyword's stem that one dialog's keywords have and no other's → that dialog's first
    #: page ("treatment" of the treatments).
    owners: dict[str, int] = field(default_factory=dict)
    #: The stems of :data:`TEAM_KEY`'s words.
    team: frozenset[str] = frozenset()

    def known(self, term: str) -> bool:
        return self.bm25 is not None and term in self.bm25.idf

    def stopped(self, word: str, words: frozenset[str] | None = None) -> bool:
        """Whether ``word`` (as typed) is one of ``words`` (default: :attr:`stop`), in
        Arabic also without a leading "و" or "ف" (and, so): "وأنا" is "أنا", "فهو" "هو"."""
        listed = self.stop if words is None else words
        folded = fold(word)
        if folded in listed:
            return True
        return self.lang == "ar" and len(folded) > 2 and folded[0] in "وف" and folded[1:] in listed


#: How many contents' indexes :meth:`SearchIndex.shared` keeps (a test run loads a few copies).
SHARED_KEEP = 8
_SHARED: OrderedDict[tuple[object, ...], tuple[DialogSet, tuple[object, ...], SearchIndex]] = (
    OrderedDict()
)
_SHARED_LOCK = threading.Lock()


class SearchIndex:
    """Ranked search over the pages of ``dialogs`` in every language of ``catalogs``.

    Args:
        dialogs: the loaded content.
        catalogs: the translations; a page is indexed in each language as it is shown.
    """

    def __init__(self, dialogs: DialogSet, catalogs: Catalogs) -> None:
        self.dialogs = dialogs
        self.catalogs = catalogs
        self._pages: tuple[Page, ...] = find_pages(dialogs)
        self._ids = frozenset(p.node for p in self._pages)
        self._labels = {p.node: p.label for p in self._pages}
        self._details = _details(dialogs, self._pages)
        #: A dialog's first step (its index) → the indexes of the dialog's other pages.
        self._inner: dict[int, tuple[int, ...]] = _inner(dialogs, self._pages)
        self._built: dict[str, _Language] = {}
        self._lock = threading.Lock()

    @classmethod
    def shared(cls, dialogs: DialogSet, catalogs: Catalogs) -> SearchIndex:
        """The index of ``dialogs`` and ``catalogs``, made once per process for the same content.

        ``load_dialogs`` and ``Catalogs.load`` give the same objects while the files stay the
        same, and an index only reads them, so the service opened again (the CLI, tests) reuses
        the languages already built; an edited dialog or catalog is new content and gets a new
        index. The last :data:`SHARED_KEEP` contents are kept.
        """
        tables = tuple((code, catalogs.catalog(code)) for code in catalogs.available())
        key = (id(dialogs), *(id(table) for _, table in tables), *(c for c, _ in tables))
        with _SHARED_LOCK:
            found = _SHARED.get(key)
            # the objects are kept with the index, so their ids cannot be reused meanwhile
            if found is not None and found[0] is dialogs:
                _SHARED.move_to_end(key)
                return found[2]
            index = cls(dialogs, catalogs)
            _SHARED[key] = (dialogs, tables, index)
            while len(_SHARED) > SHARED_KEEP:
                _SHARED.popitem(last=False)
            return index

    @property
    def pages(self) -> frozenset[str]:
        """Every node a search may offer."""
        return self._ids

    def label(self, node: str) -> Text:
        """The button label of page ``node``."""
        return self._labels[node]

    def detail(self, node: str) -> Text | None:
        """What tells page ``node``'s button from another page's of the same name (its
        dialog's title), or ``None`` when its label is its own."""
        return self._details.get(node)

    def languages(self) -> list[str]:
        """The languages there is an index for (one per catalog, English included)."""
        return sorted({language(code) for code in self.catalogs.available()} | {SOURCE_LOCALE})

    def warm(self, langs: Iterable[str] | None = None) -> None:
        """Build the indexes of ``langs`` (default: every language) now, not at first use."""
        for lang in langs if langs is not None else self.languages():
            self._index(lang)

    def find(self, text: str, locale: str) -> Found:
        """The best pages for ``text`` in ``locale``'s language (English if it has none)."""
        lang = language(locale)
        if lang not in self.languages():
            lang = SOURCE_LOCALE
        index = self._index(lang)
        typed = words(text)  # as written: the stemmer reads the letters it was made for
        folded = [fold(w) for w in typed]
        greeted = _courtesies(folded, index.greetings)
        thanks = _courtesies(folded, index.thanks)
        polite = [g or t for g, t in zip(greeted, thanks, strict=True)]
        rest = _unjoined(index, [w for w, p in zip(typed, polite, strict=True) if not p])
        found = self._search(index, rest, reading=has_reading(text))
        polite_start = bool(polite) and polite[0]
        thanked = any(thanks)
        # what the message is about besides its courtesies: "a" of "thanks a lot" is a stop
        # word even though "port a cath" is a keyword, and after a thanks, help is what
        # was given ("thanks for your help", "cheers that helped"), not the help page
        content = [
            w
            for w in rest
            if not index.stopped(w, index.idle)
            and not (thanked and fold(index.stem(w)) in index.helping)
        ]
        topics = {fold(index.stem(w)) for w in content} & index.keywords
        if not topics and (
            (polite_start and len(rest) <= SMALL_TALK_REST)
            or (thanked and not content)
            or (len(rest) < len(folded) <= SMALL_TALK_WORDS and found.kind != "pages")
        ):
            # "hi there", "thank you so much": a greeting or thanks; a longer message with one
            # in it is one only when the rest is not a question a page answers well
            return Found("thanks" if thanked else "greeting")
        return found

    def _search(self, index: _Language, typed: list[str], *, reading: bool = False) -> Found:
        query = self._query(index, typed) + ([READING] if reading else [])
        # how well the best page fits is judged on what the question is about: a title's stop
        # word ("my", "when", "after") helps rank the pages but names no topic
        idle = {fold(index.stem(w)) for w in typed if index.stopped(w, index.idle)}
        judged = [t for t in query if t not in idle] or query
        if not any(index.known(t) for t in query):
            return Found("none")
        assert index.bm25 is not None  # a known term means there are pages
        scores = index.bm25.get_scores(query)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        best = float(scores[order[0]])
        if best <= 0:
            return Found("none")
        chosen = [i for i in order[:MAX_PAGES] if scores[i] >= RUNNER_UP * best]
        inner = self._inner.get(order[0], ())
        if inner:
            # the best page is a dialog's first step, which names the whole topic (its
            # keywords): its best page inside comes next ("Pets and travel", then "Travel")
            closest = max(inner, key=lambda i: scores[i])
            if scores[closest] > INNER_SHARE * best and closest not in chosen:
                chosen = [order[0], closest, *chosen[1:]][:MAX_PAGES]
        chosen = self._owned(index, judged, chosen, scores)
        pages = tuple(self._pages[i].node for i in chosen)
        good = (
            best >= GOOD_SCORE
            and self._fit(index, judged, order[0]) >= GOOD_FIT
            and self._specific(index, judged, order[0])
            and not self._for_team(index, typed)
        )
        return Found("pages" if good else "weak", pages)

    def _owned(
        self, index: _Language, query: list[str], chosen: list[int], scores: Sequence[float]
    ) -> list[int]:
        """``chosen`` with, last, the best page of a dialog the question names by a keyword
        that no other dialog has ("what treatment is there for severe congenital
        neutropenia": the condition's three words outrank "treatment"), when none of its
        pages is there yet."""
        for term in query:
            first = index.owners.get(term)
            if first is None:
                continue
            dialog = (first, *self._inner.get(first, ()))
            if any(i in dialog for i in chosen):
                continue
            best = max(dialog, key=lambda i: scores[i])
            return [*chosen[: MAX_PAGES - 1], best]
        return chosen

    # -- building and querying -------------------------------------------------------------

    def _index(self, lang: str) -> _Language:
        built = self._built.get(lang)
        if built is not None:
            return built
        with self._lock:
            built = self._built.get(lang)
            if built is None:
                built = self._build(lang)
                self._built[lang] = built
        return built

    def _translate(self, lang: str) -> _Translate:
        return _Translate(self.catalogs, lang)

    def _build(self, lang: str) -> _Language:
        stem = stemmer(lang)
        translate = self._translate(lang)
        corpus: list[list[str]] = []
        surface: dict[str, str] = {}
        topics: set[str] = set()
        named: set[str] = set()  # folded words of the titles and keywords
        split = _unnamed(splitter(lang), self._english_words())
        helping: set[str] = set()
        owners: dict[str, set[int]] = {}
        plain = lang in UNACCENTED
        whole = self._whole(translate, stem, plain) if split is not None else {}
        for n, page in enumerate(self._pages):
            title, body = page_text(page, self.dialogs, translate)
            dialog = self.dialogs.nodes[page.node].dialog
            # a keyword compound's part that another dialog's keywords have whole means that
            # topic ("Schwester" of "Krankenschwester" is inheritance's sister, not the nurse)
            foreign = frozenset(
                t for d, terms in whole.items() if d != dialog for t in terms
            ) - whole.get(dialog, frozenset())
            doc = stems(body, stem, split, unaccented=plain)
            doc += stems(title, stem, split, unaccented=plain) * LABEL_WEIGHT
            if page.start:
                keywords = self._keywords(page, translate)
                topic = stems(keywords, stem, split, unaccented=plain, foreign=foreign)
                topics.update(topic)
                # a keyword of one word names its dialog; "neutropenic" of "neutropenic
                # diet" does not name the food
                for keyword in self._single(page, translate):
                    # whole: "Schwester" of "Krankenschwester" (nurse) is a sister
                    for term in stems(keyword, stem, None, unaccented=plain):
                        owners.setdefault(term, set()).add(n)
                if self.dialogs.nodes[page.node].dialog == HELP_DIALOG:
                    helping.update(topic)
                if self.dialogs.nodes[page.node].dialog == FEVER_DIALOG:
                    topic = [*topic, READING]
                doc += topic * KEYWORD_WEIGHT
            else:
                keywords = ""
            corpus.append(doc)
            named.update(fold(w) for w in words(f"{title} {keywords}"))
            for word in words(f"{title} {body} {keywords}"):
                surface.setdefault(_bare(word, lang), fold(stem(word)))
        # a title's or keyword's word is no stop word ("Who made this guide") unless many
        # pages have it ("what" of "What helps", "and" of "Fever and pain medicines")
        frequency: dict[str, int] = {}
        for doc in corpus:
            for term in set(doc):
                frequency[term] = frequency.get(term, 0) + 1
        named = {w for w in named if frequency.get(fold(stem(w)), 0) <= NAMED_SHARE * len(corpus)}
        system = self.dialogs.system
        return _Language(
            stem,
            BM25Okapi(corpus) if corpus else None,
            surface,
            _phrases(translate, system.get(GREETING_KEY)),
            _phrases(translate, system.get(THANKS_KEY)),
            frozenset(topics),
            stop_words(lang) - named,
            split,
            lang,
            stop_words(lang),
            frozenset(helping),
            _initials(surface),
            {
                t: next(iter(o))
                for t, o in owners.items()
                if len(o) == 1 and frequency.get(t, 0) <= NAMED_SHARE * len(corpus)
            },
            _team(translate, stem, system.get(TEAM_KEY), stop_words(lang)),
        )

    def _english_words(self) -> frozenset[str]:
        """The folded words of every dialog's English keywords: in another language a name
        ("Kostmann", "Tiramisu", "Salami"), not a compound to split ("Kost|mann")."""
        listed = (k for dialog in self.dialogs.dialogs.values() for k in dialog.keywords)
        return frozenset(fold(w) for k in listed for w in words(k))

    def _whole(self, translate: _Translate, stem: Stem, plain: bool) -> dict[str, frozenset[str]]:
        """Each dialog → the stems of its keywords' words, whole (compounds not split)."""
        out: dict[str, frozenset[str]] = {}
        for page in self._pages:
            if page.start:
                dialog = self.dialogs.nodes[page.node].dialog
                terms = stems(self._keywords(page, translate), stem, None, unaccented=plain)
                out[dialog] = out.get(dialog, frozenset()) | frozenset(terms)
        return out

    def _single(self, page: Page, translate: _Translate) -> list[str]:
        """The dialog's keywords of one word, in this language and in English."""
        dialog = self.dialogs.dialogs[self.dialogs.nodes[page.node].dialog]
        listed = list(dialog.keywords)
        if dialog.keywords_text is not None:
            listed += translate(dialog.keywords_text).split(",")
        return [k for k in listed if len(words(k)) == 1]

    def _keywords(self, page: Page, translate: _Translate) -> str:
        """The dialog's keywords in this language and in English (people type both)."""
        dialog = self.dialogs.dialogs[self.dialogs.nodes[page.node].dialog]
        english = " ".join(dialog.keywords)
        if dialog.keywords_text is None:
            return english
        return f"{translate(dialog.keywords_text)} {english}".replace(",", " ")

    def _query(self, index: _Language, typed: list[str]) -> list[str]:
        """The question's stems, each once; a word the pages do not have is mended to the
        nearest one they do (distance 1, or 2 for words of eight letters or more). ``typed``:
        the words as written (lower case, accents kept), stemmed before they are folded, as
        the pages' words are."""
        query: list[str] = []
        content = [w for w in typed if not index.stopped(w)]
        if index.split is not None:
            content += [p for w in content for p in index.split(w) if not index.stopped(p)]
        for word in content or typed:
            term = fold(index.stem(word))
            if not index.known(term) and index.lang == "ar":
                # "لطفل" (for a child) where the pages have "طفل", "تزرع" where they have
                # "يزرع": a clitic or a verb's person, not a typo
                known = [t for t in map(index.stem, arabic_variants(word)) if index.known(fold(t))]
                term = fold(known[0]) if known else term
            folded = _bare(word, index.lang)
            if not index.known(term) and len(folded) >= MEND_FROM.get(index.lang, 4):
                near = process.extractOne(
                    folded,
                    index.initials.get(folded[0], ()),
                    scorer=Levenshtein.distance,
                    score_cutoff=2 if len(folded) >= 8 else 1,
                )
                if near is not None:
                    term = index.surface[near[0]]
            if term not in query:
                query.append(term)
        return query

    def _for_team(self, index: _Language, typed: list[str]) -> bool:
        """Whether the question names, as typed (before a typo is mended: "sleep" is not
        "sheep"), a topic no page covers that the care team should answer: a word of
        :data:`TEAM_KEY`, or in German a compound's part ("Haarausfall")."""
        if not index.team:
            return False
        terms = {fold(index.stem(w)) for w in typed}
        if index.split is not None:
            terms |= {fold(index.stem(p)) for w in typed for p in index.split(w)}
        return not terms.isdisjoint(index.team)

    def _specific(self, index: _Language, query: list[str], page: int) -> bool:
        """Whether page ``page`` holds a word of the question that few pages have (a page
        that only shares "there" or "what" with it does not fit, however short it is)."""
        assert index.bm25 is not None
        docs = index.bm25.doc_freqs
        held = [t for t in query if t in docs[page]]
        return any(sum(1 for d in docs if t in d) <= SPECIFIC * len(docs) for t in held)

    def _fit(self, index: _Language, query: list[str], page: int) -> float:
        """The share of the question's weight that page ``page`` holds: each stem weighs
        its BM25 idf; a word no page has weighs :data:`UNKNOWN_WEIGHT` of the rarest word's
        (it is what the question is about, and no page has it)."""
        assert index.bm25 is not None
        unknown = UNKNOWN_WEIGHT.get(index.lang, 1.0) * max(index.bm25.idf.values())
        weights = {t: max(float(index.bm25.idf.get(t, unknown)), 0.0) for t in query}
        total = sum(weights.values())
        held = sum(w for t, w in weights.items() if t in index.bm25.doc_freqs[page])
        return held / total if total else 0.0


def _unjoined(index: _Language, typed: list[str]) -> list[str]:
    """``typed`` without the joined form of a hyphenated word whose parts are all stop words
    (:func:`bot.search.words.words` gives "est", "ce", then "estce" for "est-ce"): "est-ce
    que" asks, it names no topic."""
    out: list[str] = []
    for i, word in enumerate(typed):
        joined = any(
            "".join(typed[i - n : i]) == word
            and all(index.stopped(p, index.idle) for p in typed[i - n : i])
            for n in range(2, min(i, 4) + 1)
        )
        if not joined:
            out.append(word)
    return out


def _unnamed(split: Split | None, names: frozenset[str]) -> Split | None:
    """``split`` that leaves the words of ``names`` whole."""
    if split is None:
        return None
    inner = split

    def unnamed(word: str) -> tuple[str, ...]:
        return () if fold(word) in names else inner(word)

    return unnamed


def _initials(surface: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """The words of ``surface`` grouped by their first letter."""
    by_letter: dict[str, list[str]] = {}
    for word in surface:
        by_letter.setdefault(word[:1], []).append(word)
    return {letter: tuple(same) for letter, same in by_letter.items()}


def _bare(word: str, lang: str) -> str:
    """A written word folded as a typo is mended: in Arabic without its article and clitics
    (a typo is in the word, not in "بال")."""
    return fold(arabic_prefixes(word) if lang == "ar" else word)


def _inner(dialogs: DialogSet, pages: tuple[Page, ...]) -> dict[int, tuple[int, ...]]:
    """Each dialog's first page (by index) → the indexes of that dialog's other pages."""
    by_dialog: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        by_dialog.setdefault(dialogs.nodes[page.node].dialog, []).append(i)
    return {
        i: tuple(j for j in same if not pages[j].start)
        for same in by_dialog.values()
        for i in same
        if pages[i].start and len(same) > 1
    }


def _details(dialogs: DialogSet, pages: tuple[Page, ...]) -> dict[str, Text]:
    """The dialog title of each page whose label another page has too, when the title says
    more than the label ("Severe congenital neutropenia" in "The conditions" and in "Is it
    inherited?")."""
    named: dict[str, list[Page]] = {}
    for page in pages:
        named.setdefault(page.label.source, []).append(page)
    details: dict[str, Text] = {}
    for same in named.values():
        if len(same) < 2:
            continue
        for page in same:
            title = dialogs.dialogs[dialogs.nodes[page.node].dialog].title
            if title.source != page.label.source:
                details[page.node] = title
    return details


class _Translate:
    """A text as the people of one language read it: its translation, or the English."""

    def __init__(self, catalogs: Catalogs, lang: str) -> None:
        self.catalogs = catalogs
        self.lang = lang

    def __call__(self, text: Text) -> str:
        translated = None if self.lang == SOURCE_LOCALE else self.catalogs.lookup(self.lang, text)
        return _PLACEHOLDER.sub(" ", translated or text.source)


def _phrases(translate: _Translate, text: Text | None) -> frozenset[tuple[str, ...]]:
    """The folded phrases of a translated comma-separated list (its English ones too)."""
    if text is None:
        return frozenset()
    both = f"{translate(text)},{text.source}".split(",")
    return frozenset(p for p in (tuple(fold(w) for w in words(e)) for e in both) if p)


def _team(
    translate: _Translate, stem: Stem, text: Text | None, stop: frozenset[str]
) -> frozenset[str]:
    """The folded stems of the words of :data:`TEAM_KEY`'s list (its English ones too),
    stemmed as written, as the question's words are; never a stop word ("del" of "caída del
    pelo" names nothing)."""
    if text is None:
        return frozenset()
    typed = words(f"{translate(text)} {text.source}")
    return frozenset(fold(stem(w)) for w in typed if fold(w) not in stop)


def _courtesies(folded: list[str], phrases: frozenset[tuple[str, ...]]) -> list[bool]:
    """Which of the words ``folded`` belong to one of ``phrases`` written out whole."""
    marked = [False] * len(folded)
    longest = max((len(p) for p in phrases), default=0)
    for i in range(len(folded)):
        for n in range(min(longest, len(folded) - i), 0, -1):
            if tuple(folded[i : i + n]) in phrases:
                marked[i : i + n] = [True] * n
                break
    return marked
