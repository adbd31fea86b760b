"""Families of wordings the blind sets showed the screen missing, one example each in several
languages (written here, not copied from the blind sets): baby ages said short ("7 wks",
"8 semanitas", "7 Wo", "bb de 5 sem", "niemowlę miesięczne"), readings said of oneself
("I'm 38.4", "tengo 38", "mam 38 stopni"), a year as a past time ("in 2022"), emoji for hot.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from bot.safety.dialect import variants


def _key(screener: Screener, text: str, lang: str) -> str | None:
    found = screener.screen(text, lang)
    return found.message_key if found is not None and found.kind == "urgent" else None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("lo is 5 wks and burning up", "en"),
        ("our boy is 9 wks, temp 100.5", "en"),
        ("mi bebita tiene 6 semanitas y está calentita", "es"),
        ("tiene dos mesecitos y le noto muy caliente", "es"),
        ("bb de 5 sem, il est brûlant", "fr"),
        ("Baby 6 Wo, 38,2 im Po gemessen", "de"),
        ("unser Sohn ist 2 Monate und glüht", "de"),
        ("dwutygodniowy synek ma 38,1", "pl"),
        ("noworodek jest bardzo rozgrzany", "pl"),
    ],
)
def test_a_baby_age_said_short_gets_the_baby_answer(
    screener: Screener, text: str, lang: str
) -> None:
    assert _key(screener, text, lang) == "urgent_baby", text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("she is 7 weeks post transplant, feels fine", "en"),
        ("he is 3 months into treatment and doing well", "en"),
    ],
)
def test_a_time_since_treatment_is_not_a_baby_age(screener: Screener, text: str, lang: str) -> None:
    assert _key(screener, text, lang) is None, text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("i have 38.6 and feel rough", "en"),
        ("tengo 38 y tiemblo un poco", "es"),
        ("j'ai 38,7 depuis ce matin", "fr"),
        ("ich habe 38 und Kopfweh", "de"),
        ("mam 38 stopni od rana", "pl"),
        ("عندي 38.5 من الصبح", "ar"),
    ],
)
def test_a_reading_said_of_oneself_is_a_fever(screener: Screener, text: str, lang: str) -> None:
    assert _key(screener, text, lang) == "urgent_fever", text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("he had a fit in 2019, none since, can he swim?", "en"),
        ("tuvo una convulsión en 2021, ahora está bien", "es"),
        ("im Jahr 2020 hatte er einen Krampfanfall, seitdem nichts", "de"),
        ("miał drgawki w 2022, od tego czasu spokój", "pl"),
    ],
)
def test_a_sign_in_a_past_year_is_asked_about_not_escalated(
    screener: Screener, text: str, lang: str
) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind != "urgent", (text, found)


def test_a_fire_emoji_reads_as_hot_for_a_baby(screener: Screener) -> None:
    assert _key(screener, "my 4 week old 🔥🔥", "en") == "urgent_baby"
    assert _key(screener, "mi bebé de 3 semanas está 🔥", "es") == "urgent_baby"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my son, born in 2025 has a temp of 38.9", "en"),
        ("mi hija nacida en 2024 tiene 39 de fiebre", "es"),
        ("moja córka urodzona w 2024 ma 39 stopni gorączki", "pl"),
    ],
)
def test_a_birth_year_is_not_a_past_event(screener: Screener, text: str, lang: str) -> None:
    assert _key(screener, text, lang) == "urgent_fever", text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("neununddreißigeinhalb", "de"),
        ("er hat achtunddreißigkommaacht", "de"),
    ],
)
def test_a_german_reading_written_as_one_word(screener: Screener, text: str, lang: str) -> None:
    assert _key(screener, text, lang) == "urgent_fever", text


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        # a baby of any age who is not feeding: call the emergency number (sepsis.yaml)
        ("she hasn't had anything at all to drink, she's 5 months", "en", "urgent_emergency"),
        ("sie trinkt gar nichts mehr seit dem Mittag", "de", "urgent_sign"),
        ("no ha bebido ni una gota desde anoche", "es", "urgent_sign"),
        ("il n'a rien bu du tout depuis midi", "fr", "urgent_sign"),
        ("od rana w ogóle nie chce pić", "pl", "urgent_sign"),
        ("no le entra el aire", "es", "urgent_emergency"),
        ("dusi się i nie może złapać tchu", "pl", "urgent_emergency"),
        ("بيتخنق ونفسه مقطوع", "ar", "urgent_emergency"),
        ("ihm geht es gar nicht gut, er ist nicht er selbst", "de", "urgent_sign"),
        ("bardzo źle się czuje", "pl", "urgent_sign"),
    ],
)
def test_refusing_every_drink_breath_and_feeling_very_unwell(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key, text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mamy w domu gorączkę przedświąteczną, same prezenty w głowie", "pl"),
        ("si la peau autour du PAC rougit, je dois appeler qui ?", "fr"),
        ("si se le pone roja la vía, ¿a quién llamo?", "es"),
    ],
)
def test_idioms_and_conditionals_are_not_urgent(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind != "urgent", (text, found)


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("krwawi z dziąseł i nie mogę zatamować", "pl", "urgent_emergency"),
        ("بينزف من اللثة وما قادرين نوقفه", "ar", "urgent_emergency"),
        ("ما عم يفيق من الصبح", "ar", "urgent_emergency"),
        ("وقف نفسه شوية ورجع", "ar", "urgent_emergency"),
        ("ايديه ورجليه متلجين", "ar", "urgent_sign"),
        ("Durchfall ohne Ende seit heute früh", "de", "urgent_sign"),
        ("الولد فيه سخانة كبيرة", "ar", "urgent_fever"),
    ],
)
def test_wont_stop_cant_wake_and_dialect_fever(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key, text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my fever plan says 38, is that right for a toddler?", "en"),
        ("كان عنده حرارة الاسبوع الماضي والحين زين", "ar"),
    ],
)
def test_a_plan_number_and_a_past_fever_are_not_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind != "urgent", (text, found)


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("bomita todo lo que come", "es", "urgent_sign"),  # b for v
        ("respira rapidísimo", "es", "urgent_emergency"),
        ("le duele un montón la tripa", "es", "urgent_sign"),
        ("caca líquida todo el rato", "es", "urgent_sign"),
        ("elle gerbe tout ce qu'elle mange", "fr", "urgent_sign"),
        ("la diarrée arrête pas", "fr", "urgent_sign"),  # misspelt, "ne" dropped
        ("he's had the runs all day, 8 times", "en", "urgent_sign"),
        ("oddycha z wielkim trudem", "pl", "urgent_emergency"),
        ("leci przez ręce", "pl", "urgent_emergency"),
        ("مزرق حول فمه", "ar", "urgent_emergency"),
    ],
)
def test_slang_and_misspelt_signs(screener: Screener, text: str, lang: str, key: str) -> None:
    assert _key(screener, text, lang) == key, text


def test_spanish_b_and_v_swapped_only_into_rule_words() -> None:
    assert "vomita" in list(variants("bomita", "es"))
    assert list(variants("bebe", "en")) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("السنة الماضية جاته تشنجات، هل يقدر يسبح؟", "ar"),
        ("el shahr el madi kan 3ando 7arara", "ar"),
    ],
)
def test_past_said_in_dialect_and_arabizi(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind != "urgent", (text, found)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("her new school shoes fit perfectly", "en"),
        ("he wears a floppy sun hat at the beach", "en"),
        ("is it normal for his feet to be cold at night?", "en"),
        ("la sopa está muy caliente, ¿la enfrío?", "es"),
        ("ist es normal, dass sie abends kalte Füße hat?", "de"),
        ("mir zittern die Hände vor der Untersuchung", "de"),
        ("czy to normalne, że ma zimne stopy w nocy?", "pl"),
        ("trzęsą mi się ręce ze stresu przed wynikami", "pl"),
        ("هل طبيعي رجليه تكون باردة بالليل؟", "ar"),
        ("ايدي بترجف من التوتر قبل النتيجة", "ar"),
    ],
)
def test_everyday_uses_and_is_it_normal_questions_are_not_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind != "urgent", (text, found)


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("what do I do, her lips are blue", "en", "urgent_emergency"),
        ("was soll ich tun, er atmet ganz schnell", "de", "urgent_emergency"),
        ("co robić, ma drgawki", "pl", "urgent_emergency"),
    ],
)
def test_a_question_before_a_comma_does_not_hide_the_sign_after_it(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key, text


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        # a baby of any age not feeding: the emergency number (sepsis.yaml, who_to_call.yaml)
        ("moje 5-miesięczne dziecko nic nie pije od rana", "pl", "urgent_emergency"),
        ("2-miesięczna córeczka ma 38,2", "pl", "urgent_baby"),
        ("trzęsie się jak galareta z zimna", "pl", "urgent_sign"),
    ],
)
def test_polish_ages_in_one_word_and_shaking_like_jelly(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key, text


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("tiene la piel marmoleada", "es", "urgent_emergency"),
        ("está pálida y fría como el hielo", "es", "urgent_emergency"),
        ("mein Vater weiß nicht mehr, wo er ist", "de", "urgent_emergency"),
        ("babcia nie wie, gdzie jest", "pl", "urgent_emergency"),
        ("ابوي مش عارف هو فين", "ar", "urgent_emergency"),
        ("w trakcie płukania portu zaczęła się trząść", "pl", "urgent_sign"),
        ("من وقت ما غسلوا القسطرة وهي بردانة وتعبانة", "ar", "urgent_sign"),
    ],
)
def test_confusion_mottled_and_pale_cold_skin_and_the_line_flush(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key, text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("esta con fiebrita desde anoche", "es"),
        ("just rechecked it - 39.1", "en"),
    ],
)
def test_a_fever_diminutive_and_a_rechecked_reading(
    screener: Screener, text: str, lang: str
) -> None:
    assert _key(screener, text, lang) == "urgent_fever", text


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("no respira bien, se le hunden las costillas", "es", "urgent_emergency"),
        ("tiene chorrillo todo el día", "es", "urgent_sign"),
        ("guacarea todo lo que toma", "es", "urgent_sign"),
        ("no despierta", "es", "urgent_emergency"),
        ("il renvoie tout depuis midi", "fr", "urgent_sign"),
        ("il a la chiasse sans arrêt", "fr", "urgent_sign"),
        ("er speibt alles", "de", "urgent_sign"),
        ("he's unrousable", "en", "urgent_emergency"),
        ("chlusta wymiotami po każdym karmieniu", "pl", "urgent_sign"),
    ],
)
def test_regional_words_for_vomiting_diarrhoea_waking_and_indrawing(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key, text


def test_spanish_echar_is_vomiting_only_with_what_comes_up(screener: Screener) -> None:
    assert _key(screener, "le echamos crema todo el día", "es") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("creo que tiene sepsis", "es"),
        ("se ha desplomado en el baño", "es"),
        ("je pense que c'est une septicémie", "fr"),
        ("elle a fait un malaise", "fr"),
        ("ich glaube, er hat eine Sepsis", "de"),
        ("er ist zusammengebrochen", "de"),
        ("chyba ma sepsę", "pl"),
        ("zasłabł w łazience", "pl"),
        ("اعتقد عنده تسمم في الدم", "ar"),
    ],
)
def test_sepsis_feared_and_collapse_are_urgent(screener: Screener, text: str, lang: str) -> None:
    assert _key(screener, text, lang) is not None, text


@pytest.mark.parametrize(("text", "lang"), [("Sepsis", "de"), ("¿qué es la sepsis?", "es")])
def test_sepsis_as_a_topic_or_question_is_not_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind != "urgent", (text, found)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("she had 38.6 yesterday, the GP checked her, fine now", "en"),
        ("ayer tuvo 38,7, la vieron en urgencias y ya está bien", "es"),
        ("hier soir il avait 38,6, on a vu le médecin, ça va mieux", "fr"),
        ("gestern hatte sie 38,6, jetzt wieder gut", "de"),
        ("wczoraj miała 38,6, teraz już dobrze", "pl"),
        ("امبارح كان عنده 38.6 والحين كويس", "ar"),
    ],
)
def test_yesterday_and_fine_now_is_over(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang)
    assert found is not None and found.kind == "confirm", (text, found)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("she had 38.6 yesterday and still has it", "en"),
        ("mi bebé de 6 semanas está caliente, le pusieron las vacunas ayer", "es"),
        ("od wczoraj ma 38,6", "pl"),
    ],
)
def test_yesterday_alone_does_not_make_a_sign_past(
    screener: Screener, text: str, lang: str
) -> None:
    assert _key(screener, text, lang) is not None, text


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("she has brought up every last thing since lunch", "en", "urgent_sign"),
        ("even juice goes right back up, every time", "en", "urgent_sign"),
        ("jpeux plus respirer, jarrive pu a respirer", "fr", "urgent_emergency"),
        ("narrive plus a respirer depuis tout a l heure", "fr", "urgent_emergency"),
        ("hace un gruñido con cada respiración", "es", "urgent_emergency"),
        ("respira haciendo quejiditos", "es", "urgent_emergency"),
        ("las costillas se le sumen al respirar", "es", "urgent_emergency"),
    ],
)
def test_vomiting_everything_sms_french_and_grunting_breaths(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("she ate every last thing on her plate", "en"),
        ("jarrive pas a dormir avant minuit", "fr"),
        ("cest bon il respire bien maintenant", "fr"),
        ("se queja de la tripa cuando respira hondo", "es"),
    ],
)
def test_near_misses_of_those_stay_calm(screener: Screener, text: str, lang: str) -> None:
    assert _key(screener, text, lang) is None


def test_starred_concept_forms_can_match_a_stem() -> None:
    """A ``word*`` concept form is matched against stemmed text: if the stem is shorter than
    the letters before the star ("quejido*" → "quej"), the form can never match."""
    import re
    from pathlib import Path

    import yaml

    from bot.safety.concepts import Stemmer

    for lang in ("en", "es", "fr"):
        path = Path(__file__).parents[1] / "bot" / "safety" / "rules" / f"{lang}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        stem = Stemmer(lang)
        dead = [
            tok
            for forms in data["concepts"].values()
            for form in forms
            for tok in re.findall(r"[^\s()\[\]|!]+\*", form)
            if not stem(tok[:-1]).startswith(tok[:-1])
        ]
        known = {"es": {"cuesta*", "sentar*"}, "fr": {"pali*"}}.get(lang, set())
        assert set(dead) <= known, (lang, dead)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my son is dying to go back to cubs", "en"),
        ("the fit of his school trousers is awful since the steroids", "en"),
        ("we're having cold feet over the holiday abroad", "en"),
        ("she's captain of the purple team on sports day", "en"),
        ("festival fever has hit our house, can he camp with low counts?", "en"),
        ("mi hijo se muere de hambre a todas horas con los corticoides", "es"),
        ("temblábamos de emoción en la graduación", "es"),
        ("le toca la camiseta morada en el torneo", "es"),
        ("en casa hay fiebre del mundial y del partido de esta noche", "es"),
        ("elle meurt d'envie d'aller à la piscine", "fr"),
        ("il tremblait de joie en ouvrant son cadeau", "fr"),
        ("elle est dans le groupe violet à l'école", "fr"),
        ("toute la famille a la fièvre du foot en ce moment", "fr"),
    ],
)
def test_figurative_dying_fit_cold_feet_colours_and_fevers_are_calm(
    screener: Screener, text: str, lang: str
) -> None:
    assert _key(screener, text, lang) is None


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("I think she is dying, she won't wake", "en", "urgent_emergency"),
        ("his feet are cold and blotchy and he's floppy", "en", "urgent_emergency"),
        ("después del partido tiene fiebre de 39", "es", "urgent_fever"),
        ("tiene los labios morados", "es", "urgent_emergency"),
        ("il a de la fièvre depuis le match, 39,2", "fr", "urgent_fever"),
        ("il tremble de partout et claque des dents", "fr", "urgent_emergency"),
    ],
)
def test_the_same_words_said_of_a_sign_stay_urgent(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the pool thermometer reads 39, too warm for her?", "en"),
        ("formula thermometer showed 41 so I waited", "en"),
        ("thermomètre du biberon: 40, j'attends qu'il refroidisse", "fr"),
        ("con el termómetro de cocina, 40 en la leche", "es"),
    ],
)
def test_a_thermometer_for_something_else_is_not_a_reading(
    screener: Screener, text: str, lang: str
) -> None:
    assert _key(screener, text, lang) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the thermometer in her ear says 38.7", "en"),
        ("el termómetro dice 38,6 en la axila", "es"),
        ("le thermomètre affiche 38,8", "fr"),
    ],
)
def test_the_body_thermometer_still_gives_a_reading(
    screener: Screener, text: str, lang: str
) -> None:
    assert _key(screener, text, lang) == "urgent_fever"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("i'm so stressed i can barely breathe before her scan tomorrow", "en"),
        ("me falta el aire al respirar de tanta angustia con los resultados", "es"),
        ("je n'arrive plus à respirer tellement j'angoisse pour la ponction", "fr"),
    ],
)
def test_breathless_from_nerves_still_gets_the_urgent_answer(
    screener: Screener, text: str, lang: str
) -> None:
    """The screen cannot tell whose breath it is or whether nerves are the whole story (an
    adult patient writes this way too): breathlessness is never explained away."""
    assert _key(screener, text, lang) == "urgent_emergency"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("he can't breathe properly from the coughing", "en"),
        ("i can't breathe, my chest is tight and i'm neutropenic", "en"),
        ("le cuesta respirar de los nervios y está morado", "es"),
        ("il a du mal à respirer tellement il tousse", "fr"),
    ],
)
def test_breathlessness_of_the_child_or_the_patient_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert _key(screener, text, lang) == "urgent_emergency"


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("soaking", "en"),
        ("bought", "en"),
        ("waiting", "en"),
        ("contenta", "es"),
        ("sentado", "es"),
        ("paques", "fr"),
        ("touche", "fr"),
    ],
)
def test_real_words_one_letter_off_a_rule_word_are_not_corrected(word: str, lang: str) -> None:
    """ "soaking" is not "shaking", "Pâques" (Easter) not "plaques" (patches), "contenta" not
    "contesta" (answers)."""
    language = Screener.load()._langs[lang]
    assert language.correct(word) == word


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("he is shakng all over and his teeth chatter", "en", "urgent_emergency"),
        (
            "tiene plaquetas bajas y manchas que no desaparecen con el vaso",
            "es",
            "urgent_emergency",
        ),
        ("il a des plaqes rouges qui ne s'effacent pas sous le verre", "fr", "urgent_emergency"),
    ],
)
def test_misspelt_sign_words_are_still_corrected(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _key(screener, text, lang) == key
