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

from bot.i18n.numbers import plain_digits

Stem = Callable[[str], str]
#: A long word → the words it is made of ("Lebendimpfungen" → "lebend", "impfungen"), or none.
Split = Callable[[str], tuple[str, ...]]

#: Snowball's name for each language it stems for us.
_SNOWBALL = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "ar": "arabic"}
#: A word: letters (any script), then letters, digits or inner hyphens/apostrophes; or a
#: short name with digits like "g-csf", "rac2", "cd40l", "mmr".
_WORD = re.compile(r"[^\W\d_](?:[\w]|[-'’](?=\w))*|\d+[^\W\d_]\w*")
#: An ampersand between letters joins them: "A&E" (the emergency department) is one word,
#: "ae", not two one-letter words no page can be found by.
_AMPERSAND = re.compile(r"(?<=[^\W\d_])&(?=[^\W\d_])")
#: Letters NFKD does not take apart, and Arabic letter variants people type either way.
_LETTERS = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ة": "ه", "ى": "ي", "ـ": ""}
)
#: Arabic vowel marks and the tatweel, and the letter variants people type either way (alef
#: with hamza or madda, alef maqsura, ta marbuta): what the stemmer sees is normalised first.
_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_AR_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
#: The article and the clitics before it ("and the", "with the", "like the", "so the", "for
#: the"), longest first, as in Larkey's light10 (Lucene's ArabicStemmer).
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
#: One-letter proclitics (for, with, like, so, and) a question's word may carry where the
#: pages have the word without it: "لطفل" for a child, "لسرطان" for cancer, "بصدره" on his
#: chest. Tried only for a word no page has (:func:`arabic_proclitic`): "لبن" and "بيت" are
#: words of their own.
_AR_PROCLITICS = "لبكفو"
#: Spoken tense prefixes before a present-tense verb: "ب" (Egyptian, Levantine), "ه" and "ح"
#: (will), "ك" (Moroccan): "بيحب", "هياخد", "حيروح", "كيكبر".
_AR_TENSE = "بهحك"
#: The person prefixes of a present-tense verb (he, she/you, we, I): the pages write
#: "يزرع", a parent types "تزرع" or "نزرع".
_AR_PERSONS = "يتنا"
#: A French article or pronoun elided before a Latin-script word, as Maghrebi families type
#: Arabizi mixed with French ("l'analyse", "l'infection"): Arabic Snowball keeps it.
_ELIDED = re.compile(r"^(?:qu|[cdjlmnst])'(?=[a-z])")
#: Spoken "على ال" (on/to the) written as one word: "عالطوارئ" to the emergency department,
#: "عالبحر" to the sea; only where three letters or more stay ("عالية" high stays).
_AR_ON_THE = "عال"
#: Stop words each language adds to ``stopwordsiso``'s: spoken Arabic (Egyptian, Levantine,
#: Gulf) function words the Modern Standard list lacks ("ينفع" can, "بدي" I want, "ايه" what,
#: "مش" not), folded; in English "lot" ("thanks a lot thats really helpful" is a thanks).
EXTRA_STOP = {
    "ar": (
        "ينفع ممكن بدي بدنا بده بدها عايز عايزه عاوز عاوزه ايه شو شنو ليش ليه ازاي كيفاش"
        " وين فين امتى اللي هاد هادا هذي هاي ده دي دا كده كدا هيك مش مو مافي فيش عشان"
        " علشان لانو يعني طيب بس اوي كتير كثير يقدر نقدر تقدر اقدر لحاله لحالها عنده عندها"
        " عندو عندي صح لازم"
        # more spoken function words: "how many", "very", "can I", "will", "still", "or"
        " كام قديش قدي شلون انهي امتى وايد مرره حيل فيني فيك فينا فيه فيها رح راح عم لسه لسا"
        " برضه برضو هيك هيج كذا شي حدا حد انا اني احنا نحنا انت انتي انتو هما همه عادي يصير"
        " يصلح يجوز ينفعش مينفعش بيصير بينفع خلاص كمان زي متل مثل ولا والا"
        # Arabizi (Latin letters and digits): the same words as families type them
        " wach wesh ach chno chnou shno shnu sho shu esh eh eih leh lesh lech kif kifach"
        " kifash keef izay ezay ezzay imta emta fin fen wein wen mnin chi shi f fi fe fel fil"
        " el l al b bel bil ma ma3 m3a mn men min ila ida iza kan kant ana enta inta enti"
        " howa hiya huwa hia hadi hada hadha hatha hadak dyal dial diel ta3 bta3 3and 3ando"
        " 3andi 3ndo 3ndi momkin mumkin mmkn yimkin ynf3 yenfa3 yinfa3 lazem lazim khass"
        " bghit baddi bidi 3ayez 3ayz 3awz 3awez ya3ni y3ni walla wala aw ou w wa la mesh"
        " mish mech msh machi bas kaman kamen kteer ktir bezaf barcha 3la 3ala 3al ela li"
        " lli elli illi yalli hal had hek keda kida kda t9der y9der n9der tqdar yqdar ykdar"
        " bch bech bash rah ra7 3am"
    ),
    # a quantity said in passing: "thanks a lot", "lots of questions"
    "en": "lot lots",
}
#: Words ``stopwordsiso`` lists that name what a question is about here: Arabic "عدد"
#: (count), "حار" (hot), "الذاتي" (auto-, of autoimmune), "صفر" (zero), "اليوم" (today).
NOT_STOP = {
    "ar": "عدد حار الذاتي ذاتي صفر اليوم الوقت صباح مساء سنه سنوات عام عاما ايام زياره قوه",
}
_polish_lock = threading.Lock()
#: Words whose stems each language keeps (the pages have about 2,000 different words).
STEM_CACHE = 20_000
#: German compounds are split from this many letters, when the splitter is at least this sure
#: (its score runs from about -1 to 1; a wrong split, "Leben|dimpfungen", scores below 0).
SPLIT_FROM = 8
SPLIT_SURE = 0.5


#: A body temperature written in a question ("sie hat 38,4", "39.2 °C", "102 F"): a number with
#: a decimal or a degree sign in these ranges (a bare "37" may be weeks or a weight).
READING_CELSIUS = (35.0, 43.0)
READING_FAHRENHEIT = (95.0, 110.0)
_READING = re.compile(
    r"(?<![\d.,])(\d{2,3})([.,]\d)?(?![\d]|[.,]\d)\s*(°|º|degrees?\b|grad\b|grados?\b"
    r"|degr[ée]s?\b|stopni|درجه|درجة)?",
    re.IGNORECASE,
)


def has_reading(text: str) -> bool:
    """Whether ``text`` has a body temperature in it (:data:`_READING`), in any digits."""
    for m in _READING.finditer(plain_digits(text)):
        if not (m.group(2) or m.group(3)):
            continue
        value = float(m.group(1) + (m.group(2) or "").replace(",", "."))
        low, high = READING_CELSIUS
        f_low, f_high = READING_FAHRENHEIT
        if low <= value <= high or f_low <= value <= f_high:
            return True
    return False


def fold(text: str) -> str:
    """Case, accents, letter variants and Arabic vowel marks folded away."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of ``text`` in lower case, as written (accents kept for the stemmer).

    A hyphenated word counts as its parts and as one word without the hyphens, so
    ``Wiskott-Aldrich`` meets "wiskott aldrich" and ``G-CSF`` meets "gcsf"; "A&E" is "ae".
    """
    out: list[str] = []
    for word in _WORD.findall(_AMPERSAND.sub("", text.casefold())):
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
    """The folded stop words of ``lang``: ``stopwordsiso``'s (none for a language it lacks)
    with :data:`EXTRA_STOP`, less :data:`NOT_STOP`."""
    import stopwordsiso

    listed = set(stopwordsiso.stopwords(lang)) if stopwordsiso.has_lang(lang) else set()
    listed |= set(EXTRA_STOP.get(lang, "").split())
    return frozenset(fold(w) for w in listed) - {fold(w) for w in NOT_STOP.get(lang, "").split()}


def stemmer(lang: str) -> Stem:
    """The stemmer for ``lang`` (a language code); words pass unchanged for other languages.

    Each word is stemmed once (a page's words repeat, and Snowball in pure Python costs
    about 0.3 ms a word).
    """
    if lang == "pl":
        with _polish_lock:  # two first searches at once read the table once
            stem = _polish()
    elif lang == "ar":
        snowball = snowballstemmer.stemmer("arabic")

        def stem(word: str) -> str:
            return str(snowball.stemWord(arabic_prefixes(word)))
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


def stems(
    text: str,
    stem: Stem,
    split: Split | None = None,
    *,
    unaccented: bool = False,
    foreign: frozenset[str] = frozenset(),
) -> list[str]:
    """The folded stems of the words of ``text`` (and of a compound's parts, with ``split``,
    except a part whose stem is in ``foreign``: a word another topic has whole, "Schwester"
    of "Krankenschwester" where the sisters are inheritance's).

    With ``unaccented`` (a page's text), a word's stem as typed without its accents comes too
    where the stemmer cuts it otherwise: "guardería" stems to "guard", "guarderia" to
    "guarderi"; Polish "szkoła" to "szkola", "szkola" to "szkolo". A question is stemmed as
    typed, so it meets the page either way.
    """
    out: list[str] = []
    for word in words(text):
        out.append(fold(stem(word)))
        if unaccented:
            plain = fold(stem(fold(word)))
            if plain != out[-1]:
                out.append(plain)
        if split is not None:
            out += [t for t in (fold(stem(part)) for part in split(word)) if t not in foreign]
    return out


def arabic_prefixes(word: str) -> str:
    """An Arabic word normalised (:data:`_AR_MARKS`, :data:`_AR_LETTERS`) without a leading
    "و" (and) and the article with its clitic (:data:`_AR_PREFIXES`), each only where two
    letters or more stay ("والبيك" → "بيك", "بالطيارة" → "طياره", "العدلات" and "عدلات"
    meet), and spoken "عال" (on the) where three or more stay. Snowball's Arabic stemmer
    strips them only sometimes."""
    w = _ELIDED.sub("", _AR_MARKS.sub("", word).translate(_AR_LETTERS))
    if len(w) > 3 and w.startswith("و"):
        w = w[1:]
    for prefix in _AR_PREFIXES:
        if w.startswith(prefix) and len(w) - len(prefix) >= 2:
            return w[len(prefix) :]
    if w.startswith(_AR_ON_THE) and len(w) - len(_AR_ON_THE) >= 3:
        return w[len(_AR_ON_THE) :]
    return w


def arabic_variants(word: str) -> list[str]:
    """What an Arabic word no page has may be, most likely first (normalised): without a
    leading one-letter proclitic (:data:`_AR_PROCLITICS`: "لطفل" → "طفل"), without a spoken
    verb's tense prefix (:data:`_AR_TENSE`: Egyptian "هياخد", Moroccan "كيكبر" → "ياخد",
    "يكبر"), and a present-tense verb in another person (:data:`_AR_PERSONS`: "تزرع" → "يزرع",
    "نزرع"), each where three letters or more stay; last, a verb of four letters with "ت" or
    "ن" without it ("تخرم" → "خرم")."""
    w = _AR_MARKS.sub("", word).translate(_AR_LETTERS)
    out: list[str] = []
    if len(w) >= 4 and w[0] in _AR_PROCLITICS:
        out.append(w[1:])
    if len(w) >= 4 and w[0] in _AR_TENSE and w[1] in _AR_PERSONS:
        out.append(w[1:])
    for verb in [w, *out]:
        if len(verb) >= 4 and verb[0] in _AR_PERSONS:
            out += [p + verb[1:] for p in _AR_PERSONS if p != verb[0]]
    if len(w) == 4 and w[0] in "تن":
        # a spoken verb of three root letters the keywords name bare: "تخرم" (she pierces),
        # "تخزق" -> "خرم", "خزق" (round 8); tried last, after the verb in another person
        out.append(w[1:])
    return list(dict.fromkeys(v for v in out if v != w))
