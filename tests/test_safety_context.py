"""Context around a sign: someone else's sign, one that has stopped, advice quoted, an "if"
sentence, an old reading now resolved, an idiom. Written here for each family in every
language (not copied from the blind sets). A sign happening now to the person still gets the
urgent answer at once; the rest get "Is this happening now?" (``confirm``) or nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety import Screener
from bot.safety.rules import RuleError, load_rule_file
from tests.support.safety import screen_kind

# A symptom named, but not happening now to the person: the screen asks.
ASKED = [
    # someone else, or a pet
    ("his little brother has been vomiting all night, he's ok though", "en"),
    ("my other son has a temperature of 38.5, the patient is fine", "en"),
    ("my dog keeps being sick everywhere", "en"),
    ("su hermana tuvo fiebre la semana pasada pero él está bien", "es"),
    ("mi perro no para de vomitar", "es"),
    ("son petit frère a vomi toute la nuit, elle va bien", "fr"),
    ("mon chien vomit tout depuis ce matin", "fr"),
    ("sein kleiner Bruder hat die ganze Nacht erbrochen, ihr geht es gut", "de"),
    ("unsere Katze hatte einen Krampfanfall", "de"),
    ("jej młodszy brat wymiotował całą noc, ona jest ok", "pl"),
    ("nasz pies ciągle wymiotuje", "pl"),
    ("اخوه الصغير استفرغ طول الليل، هو منيح", "ar"),
    ("كلبي بيتنفس بسرعة، هل هذا خطير؟", "ar"),
    # stopped
    ("the shivering stopped an hour ago", "en"),
    ("los escalofríos se le pasaron hace una hora", "es"),
    ("les frissons se sont arrêtés il y a une heure", "fr"),
    ("der Schüttelfrost hat vor einer Stunde aufgehört", "de"),
    ("dreszcze przeszły godzinę temu", "pl"),
    # advice quoted from a professional or a leaflet
    ("the nurse told us to ring straight away if her lips go blue", "en"),
    ("la enfermera dijo que si tiene los labios morados llamemos al 112", "es"),
    ("l'infirmière a dit d'appeler le 15 si ses lèvres deviennent bleues", "fr"),
    ("im Merkblatt steht, wir sollen anrufen, wenn er einen Krampfanfall hat", "de"),
    ("pielęgniarka mówiła, żeby dzwonić na 112, jeśli usta zrobią się sine", "pl"),
    ("الممرضة قالت نتصل بالإسعاف لو شفايفه صارت زرقا", "ar"),
    ("der Kinderarzt sagte, falls er schlapp wird, 112 anrufen", "de"),
    ("pediatra powiedział, że jeśli zrobi się wiotki, dzwonić na 112", "pl"),
    ("the nurse said if he is floppy, call 999", "en"),
    ("I read online that blue lips mean low oxygen", "en"),
    ("leí que las manchas que no desaparecen con el vaso son graves", "es"),
    ("j'ai lu que les lèvres bleues sont graves", "fr"),
    # a sentence that is an "if" all through
    ("if her temp goes above 38 do we go straight to A&E?", "en"),
    ("si le sale un sarpullido que no desaparece con el vaso, ¿qué hacemos?", "es"),
    ("the card says: call if temp 38 or above", "en"),
    # an old reading, on a day or date, now resolved
    ("her temp was 38.4 on sunday but she's been fine since", "en"),
    ("he had 38.6 on 3 March, nothing since", "en"),
    ("el domingo tuvo 38,4 pero desde entonces está bien", "es"),
    ("le 3 mars il avait 38,6, rien depuis", "fr"),
    ("am 3. März hatte er 38,6, seitdem nichts", "de"),
    ("3 marca miał 38,6, od tego czasu nic", "pl"),
    ("يوم ٣ مارس كان ٣٨.٦ وما في شي من وقتها", "ar"),
    # dates in digits, and ordinals
    ("38.6 on 03/11, nothing since", "en"),
    ("on the 3rd he had 38.9, fine since", "en"),
    ("el 3/11 tuvo 38,6, nada desde entonces", "es"),
    ("am 03.11. hatte er 38,6, seitdem nichts", "de"),
    ("3.11 miał 38,6, od tego czasu nic", "pl"),
    # a parent or a relative's child, not the person
    ("my sister's baby has a fever of 39", "en"),
    ("his dad has a fever and a cough", "en"),
    ("su papá tiene fiebre", "es"),
    ("son papa a de la fièvre", "fr"),
    ("das Baby meiner Schwester hat 39 Fieber", "de"),
    ("dziecko mojej siostry ma 39 gorączki", "pl"),
    ("ابن اختي عنده حرارة ٣٩", "ar"),
    # a leaflet listing signs
    ("The booklet lists floppy, mottled skin and blue lips as emergencies", "en"),
    ("el folleto habla de labios morados y piel moteada", "es"),
    ("la brochure parle de lèvres bleues et de marbrures", "fr"),
    ("in der Broschüre stehen blaue Lippen und marmorierte Haut", "de"),
    ("w ulotce są sine usta i marmurkowa skóra", "pl"),
]


@pytest.mark.parametrize(("text", "lang"), ASKED)
def test_a_sign_not_happening_now_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "confirm"


# Everyday sayings: no urgent answer (nothing, or at most the question).
IDIOMS = [
    ("we were shaking with laughter at the panto", "en"),
    ("this car is bleeding money", "en"),
    ("he's been fit as a fiddle all week", "en"),
    ("lol a snapchat filter on that made his lips blue, he's fine", "en"),
    ("nos moríamos de risa con la obra", "es"),
    ("on tremblait de rire devant le spectacle", "fr"),
    ("die Parkgebühren, da blutet man richtig aus", "de"),
    ("Lampenfieber vor dem Konzert", "de"),
    ("pękaliśmy ze śmiechu na przedstawieniu", "pl"),
    ("mota3eb keteer mn el d7ek", "ar"),
    ("I nearly fainted when I saw the price", "en"),
    ("casi me desmayo con la factura", "es"),
]


# A worry about the future, or what might happen: no urgent answer.
FUTURE = [
    ("he might get a fever after the jab", "en"),
    ("worried he will get mouth sores on the new chemo", "en"),
    ("me preocupa que le dé fiebre en el viaje", "es"),
    ("j'ai peur qu'il fasse de la fièvre pendant les vacances", "fr"),
    ("boję się, że dostanie gorączki na wakacjach", "pl"),
    ("خايفة يجيه حرارة بالسفر", "ar"),
]


@pytest.mark.parametrize(("text", "lang"), FUTURE)
def test_a_worry_about_later_gets_no_urgent_answer(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), IDIOMS)
def test_an_idiom_gets_no_urgent_answer(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


# A sign happening now, next to the words above: still the urgent answer at once.
URGENT = [
    ("she's shivering and it won't stop", "en"),
    ("bleeding hasn't stopped for an hour", "en"),
    ("he's vomiting everything and stopped drinking", "en"),
    ("he's 38.9 but seems fine now", "en"),
    ("he stopped breathing for a few seconds", "en"),
    ("my brother has a temperature of 39", "en"),
    ("his temperature was 37 this morning and now it's 38.9", "en"),
    ("the dog woke me up and he is having a fit", "en"),
    ("if you can help, he's not breathing properly", "en"),
    ("she has a fever of 38.7 and her sister is ill too", "en"),
    ("he is hard to wake, the nurse said to call if that happens", "en"),
    ("sí, tiene 39 de fiebre", "es"),
    ("está temblando y no se le pasa", "es"),
    ("el domingo tenía 37, ahora tiene 38,9", "es"),
    ("il saigne du nez et ça ne s'arrête pas", "fr"),
    ("elle a 38,7 de fièvre et sa soeur aussi est malade", "fr"),
    ("am Sonntag 37, jetzt 38,9", "de"),
    ("sie hat 38,7 Fieber und ihre Schwester ist auch krank", "de"),
    ("przestał oddychać", "pl"),
    ("ma 38,7 gorączki i jej siostra też choruje", "pl"),
    ("حرارتها ٣٨.٧ واختها كمان مريضة", "ar"),
    ("يوم الأحد ٣٧ وهلق ٣٨.٩", "ar"),
    # someone else tells the person's own sign
    ("her mum says she's burning up", "en"),
    ("his sister said he is vomiting everything", "en"),
    ("su mamá dice que tiene 39", "es"),
    ("sa soeur dit qu'il vomit tout", "fr"),
    ("ihre Mama sagt, sie hat 39 Fieber", "de"),
    ("jej mama mówi, że ma 39 stopni", "pl"),
    ("اخته بتقول انه عم يستفرغ كل شي", "ar"),
    ("her lips have gone blue", "en"),
    ("I saw that his lips are blue", "en"),
    # the plan quoted, then a reading now
    ("the plan says call if over 38, he has 39.2", "en"),
    ("the leaflet says call if over 38 and he has 39.2", "en"),
    ("the nurse said if he is floppy, he is floppy now", "en"),
    # a scan, and pet names for a child, are not pets
    ("after the CAT scan he is breathing really fast", "en"),
    ("mein Hase hat 39 Fieber", "de"),
    ("mon lapin a 39 de fièvre", "fr"),
    ("mój kotek ma 39 stopni gorączki", "pl"),
    ("my son and his sister both have a fever", "en"),
    ("er und seine Schwester haben beide Fieber", "de"),
    ("the nurse says his lips are blue", "en"),
    ("la enfermera dice que tiene los labios morados", "es"),
    # "if I ..." is what happens when the person tries: a report
    ("If I press a glass on the spots, they don't fade", "en"),
    ("If I wake him, he doesn't respond", "en"),
    ("si je presse le verre, les taches ne s'effacent pas", "fr"),
    # a fit or a blue spell that has stopped still needs seeing now
    ("he had a fit, it stopped after 5 minutes", "en"),
    ("he went blue but it passed", "en"),
    # a worry about now is a report
    ("I am worried he has a fever of 39", "en"),
    ("tengo miedo, tiene 39 de fiebre", "es"),
    ("ich habe Angst, er atmet so schnell", "de"),
    ("خايفة، حرارته ٣٩", "ar"),
    ("boję się, że nie oddycha", "pl"),
    ("me preocupa que respira muy rápido", "es"),
    ("j'ai peur qu'il respire très vite", "fr"),
]


@pytest.mark.parametrize(("text", "lang"), URGENT)
def test_a_sign_happening_now_is_still_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


def test_typo_fixing_keeps_the_first_letter(screener: Screener) -> None:
    # "wróciła" (came back) is one letter off "zwróciła" (vomited): not a misspelling of it
    assert screen_kind(screener, "teraz wszystko ok, wróciła do szkoły", "pl") is None
    # a first-letter slip is still forgiven when the first two letters are swapped
    assert screen_kind(screener, "he is nuresponsive", "en") == "urgent"


def test_context_keys_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text("language: xx\ncontext:\n  others: ['his sister']\n  sibling: [x]\n")
    with pytest.raises(RuleError, match="unknown key 'sibling' in 'context'"):
        load_rule_file(path)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("which temperature counts for a neutropenic boy? 37.8 or 38?", "en"),
        ("¿qué temperatura se considera fiebre? ¿37,8 o 38?", "es"),
        ("à partir de quelle température on appelle ? 37,8 ou 38 ?", "fr"),
    ],
)
def test_readings_offered_as_choices_after_a_threshold_question_ask(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "confirm"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("is she ok? 38.6 or 38.9, the thermometer keeps changing", "en"),
        ("is she ok? 38.6 or 38.9", "en"),
        ("¿está bien? 38,6 o 38,9", "es"),
        ("elle a quoi ? 38,6 ou 38,9", "fr"),
    ],
)
def test_readings_as_choices_without_a_threshold_question_stay_urgent(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("back in 2021 he had a fit, they said it was febrile, never happened again", "en"),
        ("in may she had 38.9 at nursery, she was admitted, nothing since", "en"),
        (
            "en marzo convulsionó, en urgencias dijeron que era febril, nada desde entonces",
            "es",
        ),
        ("en 2021 il a convulsé, c'était une crise fébrile, jamais refait depuis", "fr"),
    ],
)
def test_a_past_sign_with_nothing_since_later_in_the_sentence_asks(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "confirm"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("in 2021 he had a fit and he is fitting now, nothing since the last dose", "en"),
        ("last year he had sepsis, nothing since, today he has a fever of 39", "en"),
        ("ayer vomitó todo y no ha vuelto a comer", "es"),
        ("hier il avait 39 et depuis il n'a rien mangé", "fr"),
    ],
)
def test_nothing_since_does_not_settle_a_sign_now(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("she hit 38.4 at teatime, we've already rung the day unit, it's now 37.1", "en"),
        ("tuvo 38,3 a mediodía, ya llamamos a hematología y ahora 36,8", "es"),
        ("38,4 cet après-midi, j'ai déjà appelé l'hémato, maintenant 37,2", "fr"),
    ],
)
def test_a_high_reading_already_with_the_team_and_normal_now_asks(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "confirm"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("she hit 38.4 at teatime, it's now 37.1", "en"),  # the team does not know yet
        ("we've already rung the day unit, she was 37.1, now 38.6", "en"),  # rising
        ("ya llamamos a hematología, tenía 37,5 y ahora 38,7", "es"),
        ("j'ai déjà appelé l'hémato, 38,4 et maintenant 37, puis 39 à l'autre oreille", "fr"),
    ],
)
def test_without_the_team_or_a_normal_reading_last_it_stays_urgent(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


def test_french_plus_is_not_the_english_clause_break() -> None:
    """English "plus" (also) ends a clause; French "plus" (more, no longer) does not, so an
    "if" before "plus de 38" still reaches the reading."""
    s = Screener.load()
    asked = s.screen("le médecin a dit d'appeler s'il a plus de 38,5, c'est juste ?", "fr")
    assert asked is not None and asked.kind == "confirm"
    for text in ("il a plus de 39 depuis ce matin", "il ne boit plus, plus de 39,4"):
        found = s.screen(text, "fr")
        assert found is not None and found.kind == "urgent", text
    # in English it still ends a clause: "no rash plus a temp of 39" is a fever now
    found = s.screen("no rash plus a temp of 39", "en")
    assert found is not None and found.kind == "urgent"


def test_an_if_whose_last_word_starts_the_sign_still_makes_it_a_question() -> None:
    """French "s'il" folds to "s il", and a sign phrase may start with that "il" ("il
    tremble"): the "if" is still before it."""
    s = Screener.load()
    asked = s.screen("est-ce grave s'il tremble un peu après le bain ?", "fr")
    assert asked is not None and asked.kind == "confirm"
    for text in ("il tremble de partout depuis une heure", "là il tremble très fort"):
        found = s.screen(text, "fr")
        assert found is not None and found.kind == "urgent", text


def test_a_past_time_is_read_before_the_over_words_are_taken_out() -> None:
    """French "passée" is an "over" word ("c'est passé") and part of "la semaine passée": the
    past time still counts when the sentence also says it is over."""
    s = Screener.load()
    asked = s.screen(
        "la semaine passée elle a eu des frissons au rinçage du PAC, c'est passé depuis", "fr"
    )
    assert asked is not None and asked.kind == "confirm"
    found = s.screen("elle a des frissons depuis la fin de la semaine, ça ne passe pas", "fr")
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("el 2 de octubre tuvo 38,8, la ingresaron y ya va a la guarde contenta", "es"),
        ("le 5 octobre il avait 38,8, hospitalisé, il a repris la crèche depuis", "fr"),
    ],
)
def test_a_dated_reading_and_back_at_school_asks(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "confirm"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("tiene 38,8 y ya está en el cole, me llaman de allí", "es"),
        ("il a 38,8, il a repris la crèche ce matin", "fr"),
    ],
)
def test_back_at_school_without_a_past_time_stays_urgent(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("¿cómo se ven las manchas que no desaparecen con el vaso?", "es"),
        ("¿qué aspecto tiene la piel moteada? para estar atentos", "es"),
        ("à quoi ressemblent des lèvres bleues chez un bébé ?", "fr"),
        ("comment reconnaître une respiration trop rapide ?", "fr"),
    ],
)
def test_asking_what_a_sign_looks_or_sounds_like_asks(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is None or found.kind == "confirm"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("¿cómo es posible que tenga los labios morados?", "es"),
        ("hace como un gruñido cada vez que respira", "es"),
        ("ses lèvres sont bleues, ça ressemble à quoi ce truc ?", "fr"),
    ],
)
def test_a_sign_said_with_how_or_like_stays_urgent(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("on the cartoon the puppy had a fit and she cried", "en"),
        ("the girl in her story book has a temperature of 40", "en"),
        ("en la peli el niño tenía convulsiones, ¿eso le puede pasar?", "es"),
        ("le personnage du dessin animé a 40 de fièvre, elle demande si c'est grave", "fr"),
        ("is it true that mottled skin means sepsis?", "en"),
        ("¿es verdad que los labios azules son falta de oxígeno?", "es"),
        ("est-ce vrai que la peau marbrée c'est grave ?", "fr"),
        ("can you remind me when the seizure clinic appointment is?", "en"),
        ("¿a qué hora es la consulta de epilepsia?", "es"),
        ("la consultation d'épilepsie de jeudi est décalée", "fr"),
    ],
)
def test_stories_questions_about_signs_and_clinic_names_are_not_urgent(
    text: str, lang: str
) -> None:
    found = Screener.load().screen(text, lang)
    assert found is None or found.kind != "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my little hero has a temperature of 39.1", "en"),
        ("he is having a seizure at the clinic right now", "en"),
        ("during the match he collapsed and had a fit", "en"),
        ("in this video he is fitting, look", "en"),
        ("mi muñeca tiene 39 de fiebre", "es"),
        ("ma puce a les lèvres bleues", "fr"),
        ("c'est vrai, ses lèvres sont bleues", "fr"),
    ],
)
def test_the_person_s_own_sign_near_those_words_stays_urgent(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("breathless after the race but recovered within a minute", "en"),
        ("le faltaba el aire tras correr, pero recuperó el aliento enseguida", "es"),
        ("il était essoufflé mais a retrouvé son souffle", "fr"),
        ("si algún día tiene 39, ¿vamos a urgencias o llamamos?", "es"),
    ],
)
def test_breath_got_back_and_if_one_day_ask(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is None or found.kind != "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("breathless after football and he hasn't caught his breath in 20 minutes", "en"),
        ("she recovered from the cold but now she's breathing really fast", "en"),
        ("le falta el aire y no lo recupera", "es"),
        ("ses lèvres sont devenues bleues puis c'est passé", "fr"),  # a blue spell: urgent
    ],
)
def test_breath_not_back_or_a_blue_spell_stays_urgent(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("is it normal that her hands are mottled right now?", "en"),
        ("¿es normal que ahora mismo respire tan rápido?", "es"),
        ("c'est normal qu'il soit tout marbré en ce moment ?", "fr"),
        ("su hermana se ha dado cuenta de que tiene manchas que no se van con el vaso", "es"),
        ("sa soeur a vu qu'il a les lèvres bleues", "fr"),
    ],
)
def test_a_question_about_a_sign_happening_right_now_is_urgent(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("is it normal to get a fever now and then during chemo?", "en"),
        ("¿es normal que se le pongan los labios morados con el frío?", "es"),
        ("c'est normal qu'il ait des frissons après le rinçage en général ?", "fr"),
    ],
)
def test_a_general_question_about_a_sign_still_asks(text: str, lang: str) -> None:
    found = Screener.load().screen(text, lang)
    assert found is None or found.kind != "urgent"
