"""Round 2 (2026-12-07): context found from the shape of a sentence, not from a phrase list.
Hand-written here for each family (none copied from a blind set), both ways: the near-miss
that asks, and the report now that stays urgent. The shared Python is run in every language.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind

# A past time that opens the sentence sets its scene, however far the sign is from it, and
# across commas when the time stands alone before them and only short phrases follow.
OPENS_PAST = [
    ("3 months ago my husband spent a week on the ward with a neutropenic fever", "en"),
    ("Last winter, during cycle four, she had 39.4 and shook for an hour", "en"),
    ("In March, at the old hospital, he had a seizure on the bus home", "en"),
    ("El verano pasado, en el pueblo, tuvo 39,3 con una tiritona enorme", "es"),
    ("Hace tres meses mi marido pasó una semana ingresado en la planta con fiebre", "es"),
    ("En mars, pendant la deuxième cure, il a eu 39,5 avec des frissons", "fr"),
    ("Il y a trois mois mon mari a passé une semaine à l'hôpital pour de la fièvre", "fr"),
    ("Letztes Jahr, nach dem zweiten Zyklus, hatte sie 39,4", "de"),
    ("W zeszłym roku, po drugim cyklu, miała 39,4", "pl"),
]

# A past time first, but a "now", an "and" or a clause with its own verb before the sign.
STILL_NOW = [
    ("Last month he finished chemo and now he has 39.3", "en"),
    ("Last month he finished chemo, today he has 39.3", "en"),
    ("3 weeks ago he finished chemo, he has 39.3 now", "en"),
    ("El mes pasado terminó la quimio y ahora tiene 39,3", "es"),
    ("Le mois dernier il a fini la chimio, aujourd'hui il a 39,3", "fr"),
    ("Letzte Woche war die Chemo zu Ende und jetzt hat er 39,3", "de"),
    ("W zeszłym tygodniu skończył chemię, a dziś ma 39,3", "pl"),
]


@pytest.mark.parametrize(("text", "lang"), OPENS_PAST)
def test_a_past_time_opening_the_sentence_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "confirm"


@pytest.mark.parametrize(("text", "lang"), STILL_NOW)
def test_a_sign_after_now_or_its_own_clause_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


# A question about a sign in general: the sentence names no one before the sign ("is a",
# "est-ce qu'une", or a bare article with "always"), ends with "?" and has no "now" after.
GENERIC = [
    ("can a fit be a side effect of the injections?", "en"),
    ("does a rash that doesn't fade always mean meningitis?", "en"),
    ("a seizure always means an ambulance?", "en"),
    ("¿puede una convulsión venir de la fiebre?", "es"),
    ("una convulsión normalmente deja secuelas?", "es"),
    ("est-ce qu'une convulsion peut venir de la fièvre ?", "fr"),
    ("une convulsion c'est forcément grave ?", "fr"),
]

# Someone named, a comma before "what do I do", no question mark, or "now" later on.
GENERIC_BUT_NOW = [
    ("is he having a fit? his arm won't stop jerking", "en"),
    ("a rash that won't fade, what do i do?", "en"),
    ("is a fit always an emergency? she is fitting right now", "en"),
    ("A fit started ten minutes ago and has not stopped", "en"),
    ("una mancha que no se va, qué hago?", "es"),
    ("una convulsión ahora mismo, qué hago?", "es"),
    ("une tache qui ne s'efface pas, on fait quoi ?", "fr"),
    ("une convulsion maintenant !", "fr"),
    # German has its own `generic` list since round 3 (tests/test_safety_context_r3.py), so
    # its general question asks now; a German one about now stays urgent
    ("ist das ein Krampfanfall? er zuckt jetzt am ganzen Körper", "de"),
    ("a drgawki?", "pl"),
]


@pytest.mark.parametrize(("text", "lang"), GENERIC)
def test_a_question_about_a_sign_in_general_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "confirm"


@pytest.mark.parametrize(("text", "lang"), GENERIC_BUT_NOW)
def test_a_sign_of_someone_or_now_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


def test_question_flags_follow_the_sentences_fold_makes() -> None:
    from bot.safety.normalize import fold, question_flags

    text = "38,5 ok. is a fit bad?! 😱 what now? fine"
    assert question_flags(text) == [False, True, True, False]
    assert fold(text).count("|") == 3


def test_a_real_word_one_letter_from_a_rule_word_is_not_corrected(screener: Screener) -> None:
    """ "anotado" (noted) is not "agotado" (worn out)."""
    lang = screener._langs["es"]
    assert " anotado " in lang.prepare("ok, anotado, gracias")
    assert " agotado " in lang.prepare("estoy agotdo")
