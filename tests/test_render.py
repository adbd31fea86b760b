"""Rendering at lookup time: translations, per-message fallback, safety notes, formats."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from bot.content.model import DialogSet, Text
from bot.engine.types import Reply, ReplyChoice
from bot.i18n.render import Catalogs, Renderer, format_temperature, uses_fahrenheit

HELLO = Text("Hello.", "demo/hello")
URGENT = Text("Call {emergency_number} now.", "demo/urgent", safety=True)
BUTTON = Text("Back to the menu", "demo/hello")
NOTE = Text("This urgent message is in English.", "system/safety_english_note")
COUNT = Text("{count} message is in English.", "system/left")
COUNT_PLURAL = Text("{count} messages are in English.", "system/left_plural")
TEMP = Text("You typed {last_temperature}.", "demo/temp")

HEADER = """\
msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: {plural}\\n"
"Content-Type: text/plain; charset=utf-8\\n"
{extra}
"""
PLURALS = {
    "de": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);",
}


def write_po(root: Path, lang: str, body: str, extra: str = "") -> Path:
    path = root / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(lang=lang, plural=PLURALS.get(lang, PLURALS["de"]), extra=extra)
    path.write_text(header + "\n" + body, encoding="utf-8")
    return path


def entry(text: Text, translated: str, fuzzy: bool = False) -> str:
    flag = "#, fuzzy\n" if fuzzy else ""
    return f'{flag}msgctxt "{text.context}"\nmsgid "{text.source}"\nmsgstr "{translated}"\n\n'


def dialog_set() -> DialogSet:
    system = {"safety_english_note": NOTE, "left": COUNT, "left_plural": COUNT_PLURAL}
    return DialogSet({}, {}, system, "", "", {"last_temperature": "temperature"})


def renderer(tmp_path: Path) -> Renderer:
    return Renderer(Catalogs.load(tmp_path), dialog_set())


def test_translation_is_served(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(HELLO, "Hallo."))
    r = renderer(tmp_path)
    assert r.text(HELLO, "de") == "Hallo."
    assert r.catalogs.fallbacks["de"] == 0


def test_missing_translation_falls_back_to_english_and_is_counted(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(BUTTON, "Zurück zum Menü"))
    r = renderer(tmp_path)
    assert r.text(HELLO, "de") == "Hello."
    assert r.text(HELLO, "de") == "Hello."
    assert r.catalogs.fallbacks["de"] == 2
    assert r.catalogs.fallback_contexts[("de", "demo/hello")] == 2
    assert r.catalogs.status()["de"]["missing"] == ["demo/hello"]


def test_empty_translation_falls_back(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(HELLO, ""))
    r = renderer(tmp_path)
    assert r.text(HELLO, "de") == "Hello."
    assert r.catalogs.fallbacks["de"] == 1


@pytest.mark.parametrize(
    "broken",
    [
        "Rufen Sie jetzt an.",
        "Rufen Sie {notruf} an.",
        "Rufen Sie {emergency_number an.",
        # A format spec could erase the number or inflate the message: never applied.
        "Rufen Sie {emergency_number:.0} an.",
        "Rufen Sie {emergency_number:>30000000} an.",
        "Rufen Sie {emergency_number!r} an.",
    ],
)
def test_translation_with_other_placeholders_is_treated_as_missing(
    tmp_path: Path, broken: str
) -> None:
    write_po(tmp_path, "de", entry(URGENT, broken))
    r = renderer(tmp_path)
    shown = r.text(URGENT, "de", {"emergency_number": "112"})
    assert shown == "Call 112 now."
    assert "{" not in shown
    assert r.catalogs.status()["de"]["rejected"] == ["demo/urgent"]


def test_fuzzy_safety_message_is_english_with_a_note_in_the_language(tmp_path: Path) -> None:
    body = entry(URGENT, "Rufen Sie sofort {emergency_number} an.", fuzzy=True)
    body += entry(NOTE, "Diese dringende Nachricht ist auf Englisch.")
    write_po(tmp_path, "de", body)
    r = renderer(tmp_path)
    shown = r.render(Reply(URGENT, {"emergency_number": "112"}), "de")
    assert shown.text == "Call 112 now.\nDiese dringende Nachricht ist auf Englisch."
    assert shown.fallback


def test_fuzzy_ordinary_message_is_english_without_note(tmp_path: Path) -> None:
    body = entry(HELLO, "Hallo.", fuzzy=True) + entry(NOTE, "Auf Englisch.")
    write_po(tmp_path, "de", body)
    assert renderer(tmp_path).text(HELLO, "de") == "Hello."


def test_safety_message_without_translated_note_is_plain_english(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(HELLO, "Hallo."))
    shown = renderer(tmp_path).text(URGENT, "de", {"emergency_number": "112"})
    assert shown == "Call 112 now."


def test_translated_safety_message_is_served(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(URGENT, "Rufen Sie sofort {emergency_number} an."))
    shown = renderer(tmp_path).text(URGENT, "de", {"emergency_number": "112"})
    assert shown == "Rufen Sie sofort 112 an."


def test_broken_po_is_logged_with_file_and_line_and_locale_falls_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_po(tmp_path, "de", 'msgctxt "demo/hello"\nmsgid "Hello."\nmsgstr "Hallo.\n')
    write_po(tmp_path, "fr", entry(HELLO, "Bonjour."))
    with caplog.at_level(logging.ERROR):
        catalogs = Catalogs.load(tmp_path)
    errors = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.ERROR]
    assert len(errors) == 1
    assert f"{path}:" in errors[0]
    assert catalogs.available() == ["en", "fr"]
    assert catalogs.negotiate("de") == "en"
    assert catalogs.broken["de"].startswith(f"{path}:")
    r = Renderer(catalogs, dialog_set())
    assert r.text(HELLO, "de") == "Hello."
    assert r.text(HELLO, "fr") == "Bonjour."


def test_po_that_is_not_utf8_is_broken_with_its_line(tmp_path: Path) -> None:
    path = write_po(tmp_path, "de", "")
    path.write_bytes(path.read_bytes() + b'\nmsgid "x"\nmsgstr "\xe4"\n')
    catalogs = Catalogs.load(tmp_path)
    assert "de" not in catalogs.available()
    assert "not UTF-8" in catalogs.broken["de"]
    line = path.read_bytes().splitlines().index(b'msgstr "\xe4"') + 1
    assert catalogs.broken["de"].startswith(f"{path}:{line}:")


PLURAL_ENTRY = """\
msgctxt "system/left"
msgid "{{count}} message is in English."
msgid_plural "{{count}} messages are in English."
{forms}
"""


def plural_entry(*forms: str) -> str:
    lines = "\n".join(f'msgstr[{i}] "{f}"' for i, f in enumerate(forms))
    return PLURAL_ENTRY.format(forms=lines) + "\n"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Jedna wiadomość jest po angielsku."),
        (3, "3 wiadomości są po angielsku."),
        (5, "5 wiadomości jest po angielsku."),
        (22, "22 wiadomości są po angielsku."),
        (25, "25 wiadomości jest po angielsku."),
        (112, "112 wiadomości jest po angielsku."),
    ],
)
def test_polish_uses_three_plural_forms(tmp_path: Path, count: int, expected: str) -> None:
    forms = (
        "Jedna wiadomość jest po angielsku.",
        "{count} wiadomości są po angielsku.",
        "{count} wiadomości jest po angielsku.",
    )
    write_po(tmp_path, "pl", plural_entry(*forms))
    assert renderer(tmp_path).text(COUNT, "pl", {"count": count}) == expected


def test_arabic_plural_forms_follow_the_gnu_rule(tmp_path: Path) -> None:
    forms = [f"form{i} {{count}}" for i in range(6)]
    write_po(tmp_path, "ar", plural_entry(*forms))
    r = renderer(tmp_path)
    picked = {n: r.text(COUNT, "ar", {"count": n}).split()[0] for n in (0, 1, 2, 5, 11, 100)}
    assert picked == {
        0: "form0",
        1: "form1",
        2: "form2",
        5: "form3",
        11: "form4",
        100: "form5",
    }


def test_english_picks_the_plural_partner_by_count(tmp_path: Path) -> None:
    r = renderer(tmp_path)
    assert r.text(COUNT, "en", {"count": 1}) == "1 message is in English."
    assert r.text(COUNT, "en", {"count": 1200}) == "1,200 messages are in English."
    assert r.text(COUNT, "de", {"count": 1200}) == "1.200 messages are in English."


def test_incomplete_plural_falls_back(tmp_path: Path) -> None:
    write_po(tmp_path, "pl", plural_entry("Jedna.", "", ""))
    r = renderer(tmp_path)
    assert r.text(COUNT, "pl", {"count": 5}) == "5 messages are in English."
    assert r.catalogs.fallbacks["pl"] == 1


@pytest.fixture
def five(tmp_path: Path) -> Catalogs:
    for lang in ("es", "fr", "de", "ar", "pl"):
        write_po(tmp_path, lang, entry(HELLO, "x"))
    return Catalogs.load(tmp_path)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("pt-BR", "en"),
        ("es-419", "es"),
        ("de-AT", "de"),
        ("de", "de"),
        ("fr-CA", "fr"),
        ("ar-EG", "ar"),
        ("pl", "pl"),
        ("EN-us", "en"),
        ("zz", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_negotiation_from_telegram_language_codes(
    five: Catalogs, code: str | None, expected: str
) -> None:
    assert five.negotiate(code) == expected


def test_negotiation_uses_the_deployment_default_when_nothing_matches(five: Catalogs) -> None:
    assert five.negotiate("pt-BR", default="es") == "es"
    assert five.negotiate("pt-BR", default="it") == "en"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en-US", "en_US"), ("de-AT", "de_AT"), ("es-419", "es_419"), ("fr", "fr"), ("pt-BR", "en")],
)
def test_negotiation_can_keep_the_territory_for_formats(
    five: Catalogs, code: str, expected: str
) -> None:
    assert five.negotiate(code, keep_territory=True) == expected


def test_a_locale_with_territory_uses_its_language_catalog(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(HELLO, "Hallo."))
    assert renderer(tmp_path).text(HELLO, "de_AT") == "Hallo."


def test_display_names_are_each_language_in_itself(five: Catalogs) -> None:
    assert five.display_names() == [
        ("ar", "العربية"),
        ("de", "Deutsch"),
        ("en", "English"),
        ("es", "Español"),
        ("fr", "Français"),
        ("pl", "Polski"),
    ]


def test_review_header_marks_catalogs_unchecked(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(HELLO, "Hallo."), '"X-Medical-Review: not checked\\n"')
    write_po(tmp_path, "fr", entry(HELLO, "Bonjour."), '"X-Medical-Review: checked by Dr A\\n"')
    write_po(tmp_path, "es", entry(HELLO, "Hola."))
    catalogs = Catalogs.load(tmp_path)
    assert catalogs.unchecked("de")
    assert not catalogs.unchecked("fr")
    assert catalogs.unchecked("es"), "a catalog without the header is unchecked"
    assert not catalogs.unchecked("en")
    assert catalogs.review_status("fr") == "checked by Dr A"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_US", "100.4 °F (38.0 °C)"),
        ("en-US", "100.4 °F (38.0 °C)"),
        ("en", "38.0 °C"),
        ("en_GB", "38.0 °C"),
        ("de", "38,0 °C"),
        ("fr", "38,0 °C"),
        ("pl", "38,0 °C"),
        ("ar", "38.0 °C"),
        ("es_419", "38.0 °C"),
    ],
)
def test_temperatures_in_each_locale(locale: str, expected: str) -> None:
    assert format_temperature(38.0, locale) == expected


def test_fahrenheit_territories() -> None:
    assert uses_fahrenheit("en_US")
    assert uses_fahrenheit("es_US")
    assert not uses_fahrenheit("en_CA")
    assert not uses_fahrenheit("de")


def test_temperature_fields_come_from_the_dialog_set(tmp_path: Path) -> None:
    r = renderer(tmp_path)
    assert r.text(TEMP, "de", {"last_temperature": 38.5}) == "You typed 38,5 °C."
    assert r.text(TEMP, "en_US", {"last_temperature": 38.5}) == "You typed 101.3 °F (38.5 °C)."
    plain = Renderer(Catalogs({}), None, temperature_fields=())
    assert plain.text(TEMP, "de", {"last_temperature": 38.5}) == "You typed 38,5."


def test_numbers_and_dates_use_the_locale(tmp_path: Path) -> None:
    text = Text("{n} on {day}", "demo/x")
    r = renderer(tmp_path)
    params = {"n": 1200, "day": dt.date(2026, 11, 21)}
    assert r.text(text, "de", params) == "1.200 on 21. November 2026"
    assert r.text(text, "en", params) == "1,200 on November 21, 2026"


def test_missing_parameter_never_shows_a_brace(tmp_path: Path) -> None:
    assert renderer(tmp_path).text(URGENT, "en") == "Call  now."


def test_render_translates_buttons_and_flags_fallback(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(HELLO, "Hallo."))
    r = renderer(tmp_path)
    shown = r.render(Reply(HELLO, {}, (ReplyChoice(BUTTON, "t1"),)), "de")
    assert shown.text == "Hallo."
    assert shown.buttons == (("Back to the menu", "t1"),)
    assert shown.fallback
    write_po(tmp_path, "de", entry(HELLO, "Hallo.") + entry(BUTTON, "Zurück zum Menü"))
    r = renderer(tmp_path)
    shown = r.render(Reply(HELLO, {}, (ReplyChoice(BUTTON, "t1"),)), "de")
    assert shown.buttons == (("Zurück zum Menü", "t1"),)
    assert not shown.fallback


def test_untranslated_counts_texts_without_translation(tmp_path: Path) -> None:
    write_po(tmp_path, "de", entry(HELLO, "Hallo."))
    catalogs = Catalogs.load(tmp_path)
    assert catalogs.untranslated("de", [HELLO, URGENT, BUTTON]) == 2
    assert catalogs.untranslated("en", [HELLO, URGENT]) == 0
