"""The pages added for issue 14: reachable from the menu, translated, found by typed words.

Each page is opened the way a parent would: by pressing the menu buttons, or by typing a
question in their own language (the real catalogs give the translated keywords). Every
message of the page must be translated in every shipped locale, and the page must list
the public sources its facts come from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.config import Deployment
from bot.content.loader import load_dialogs
from bot.content.model import DialogSet
from bot.engine import Engine, Event, Session
from bot.i18n.keywords import translated_keywords
from bot.i18n.render import Catalogs, Renderer
from tests.support.content import ROOT

NOW = 1_000_000.0
SETTINGS = {"emergency_number": "999", "urgent_advice_number": "111", "fever_threshold": 38.0}
LOCALES = ("es", "fr", "de", "pl", "ar")


@dataclass(frozen=True)
class Page:
    dialog: str
    #: Button labels pressed from the main menu to open the page.
    menu_path: tuple[str, ...]
    #: Questions a parent might type, per language, that must open the page.
    questions: dict[str, tuple[str, ...]]
    #: Source pages the facts were checked against (a part of each URL).
    sources: tuple[str, ...]
    #: The date the page was last checked against those sources.
    reviewed: str = "2026-12-03"


PAGES = (
    Page(
        dialog="water",
        menu_path=("Everyday care", "Water and swimming"),
        questions={
            "en": (
                "Is tap water safe for my son?",
                "can she go swimming",
                "do we need a water filter",
                "swimming pool",
            ),
            "es": ("¿Puede ir a la piscina?", "agua del grifo"),
            "fr": ("Peut-il aller à la piscine ?", "eau du robinet"),
            "de": ("Darf sie ins Schwimmbad?", "Ist Leitungswasser sicher?"),
            "pl": ("Czy może iść na basen?", "woda z kranu"),
            "ar": ("هل يمكنه السباحة؟", "ماء الصنبور"),
        },
        sources=("cdc.gov/crypto/drinkingwater", "healthyswimming", "complexcareathomeforchildren"),
    ),
    Page(
        dialog="gcsf_effects",
        menu_path=("Treatments", "G-CSF injections", "Common side effects"),
        questions={
            "en": (
                "He has bone pain since starting G-CSF",
                "g-csf side effects",
                "her back pain after filgrastim",
            ),
            "es": ("Tiene dolor de huesos", "efectos secundarios del G-CSF"),
            "fr": ("Il a des douleurs osseuses", "effets secondaires du G-CSF"),
            "de": ("Sie hat Knochenschmerzen", "G-CSF Nebenwirkungen"),
            "pl": ("Ma ból kości po zastrzyku", "skutki uboczne G-CSF"),
            "ar": ("عنده ألم في العظام", "الآثار الجانبية لـ G-CSF"),
        },
        sources=("bccancer.bc.ca", "amgencare.ie/neulasta", "amgencare.ie/neupogen"),
    ),
    Page(
        dialog="neutropenia_chemo",
        menu_path=("The conditions", "After chemotherapy"),
        questions={
            "en": (
                "is neutropenia normal after chemo",
                "neutropenia after chemotherapy",
                "when is the nadir",
            ),
            "es": ("Neutropenia por la quimio", "después de la quimioterapia"),
            "fr": ("neutropénie après la chimio", "après une chimiothérapie"),
            "de": ("Neutropenie nach der Chemo", "Chemotherapie"),
            "pl": ("neutropenia po chemii", "chemioterapia"),
            "ar": ("ماذا يحدث بعد الكيماوي", "العلاج الكيميائي"),
        },
        sources=("cdc.gov/cancer/preventinfections", "cclg.org.uk", "nice.org.uk/guidance/cg151"),
    ),
    Page(
        dialog="garden",
        menu_path=("Everyday care", "Gardening and plants"),
        questions={
            "en": ("Can my son help in the garden?", "is compost safe", "can she touch soil"),
            "es": ("¿Puede ayudar en el jardín?", "¿Puede tocar la tierra?"),
            "fr": ("Peut-il jardiner ?", "Le terreau est-il dangereux ?"),
            "de": ("Darf er im Garten helfen?", "Ist Blumenerde gefährlich?"),
            "pl": ("Czy może pracować w ogrodzie?", "Czy kompost jest groźny?"),
            "ar": ("هل يمكنه العمل في الحديقة؟", "هل التربة خطيرة؟"),
        },
        sources=("preventcancerinfections.org",),
        reviewed="2026-12-04",
    ),
    Page(
        dialog="eating_out",
        menu_path=("Everyday care", "Eating out and takeaways"),
        questions={
            "en": (
                "Can we eat out at a restaurant?",
                "is takeaway food ok",
                "can he have fast food",
            ),
            "es": ("¿Podemos comer en un restaurante?", "comida para llevar"),
            "fr": ("Peut-on aller au restaurant ?", "des plats à emporter"),
            "de": ("Dürfen wir essen gehen?", "Essen vom Imbiss"),
            "pl": ("Czy możemy iść do restauracji?", "jedzenie na wynos"),
            "ar": ("هل يمكننا الأكل في مطعم؟", "الطعام الجاهز"),
        },
        sources=("cdc.gov/foodsafety", "macmillan.org.uk"),
        reviewed="2026-12-04",
    ),
    Page(
        dialog="fever_medicines",
        menu_path=("Treatments", "Fever and pain medicines"),
        questions={
            "en": (
                "Can I give ibuprofen?",
                "can I give him paracetamol",
                "what painkillers can she have",
            ),
            "es": ("¿Puedo darle ibuprofeno?", "¿Le doy un antitérmico?"),
            "fr": ("Puis-je lui donner du Doliprane ?", "de l'ibuprofène"),
            "de": ("Darf ich Ibuprofen geben?", "Fiebersaft"),
            "pl": ("Czy mogę podać paracetamol?", "lek przeciwbólowy"),
            "ar": ("هل أعطيه باراسيتامول؟", "هل أعطيه مسكن؟"),
        },
        sources=("stjude.org", "chop.edu", "uwhealth.org", "medlineplus.gov"),
        reviewed="2026-12-04",
    ),
    Page(
        dialog="rapid_sepsis",
        menu_path=("Emergency signs", "How fast sepsis can develop"),
        questions={
            "en": (
                "how fast can sepsis develop",
                "what is septic shock",
                "how quickly does sepsis happen",
            ),
            "es": ("¿Qué es el choque séptico?", "shock séptico"),
            "fr": ("Qu'est-ce que le choc septique ?",),
            "de": ("Was ist ein septischer Schock?",),
            "pl": ("Co to jest wstrząs septyczny?",),
            "ar": ("ما هي الصدمة الإنتانية؟",),
        },
        sources=("cdc.gov/sepsis", "paho.org", "cancer.gov"),
        reviewed="2026-12-04",
    ),
    Page(
        dialog="inherited",
        menu_path=("The conditions", "Is it inherited?"),
        questions={
            "en": (
                "Is it inherited?",
                "will our next baby have it too",
                "should we get genetic counselling",
            ),
            "es": ("¿Es hereditario?", "¿Lo tendrá nuestro próximo bebé?"),
            "fr": ("Est-ce héréditaire ?", "un conseil génétique"),
            "de": ("Ist das erblich?", "Brauchen wir eine genetische Beratung?"),
            "pl": ("Czy to jest dziedziczne?", "poradnia genetyczna"),
            "ar": ("هل هو وراثي؟", "الاستشارة الوراثية"),
        },
        sources=("scnir-neutropenia.uw.edu/congenital", "merckmanuals.com", "books/NBK1402"),
        reviewed="2026-12-04",
    ),
    Page(
        dialog="monitoring",
        menu_path=("Blood count", "How often it is checked"),
        questions={
            "en": (
                "Does he need a bone marrow test every year?",
                "how many blood tests will she need",
                "what is a bone marrow biopsy",
            ),
            "es": ("¿Cuántos análisis de sangre necesita?",),
            "fr": ("Faut-il une ponction de moelle ?", "une prise de sang"),
            "de": ("Wie oft braucht er einen Bluttest?",),
            "pl": ("Jak często badanie krwi?",),
            "ar": ("كم مرة يحتاج فحص الدم؟",),
        },
        sources=("neutropenia.ca", "annual-bone-marrow", "bloodadvances"),
        reviewed="2026-12-04",
    ),
    Page(
        dialog="tattoos",
        menu_path=("Everyday care", "Mouth, teeth and skin", "Piercings and tattoos"),
        questions={
            "en": ("Can she get her ears pierced?", "is a tattoo safe", "can he get a piercing"),
            "es": ("¿Puede hacerse un tatuaje?", "perforar las orejas"),
            "fr": ("Peut-elle se faire percer les oreilles ?", "un tatouage"),
            "de": ("Darf sie Ohrlöcher stechen lassen?", "ein Tattoo"),
            "pl": ("Czy może przekłuć uszy?", "tatuaż"),
            "ar": ("هل يمكنها ثقب الأذن؟", "الوشم"),
        },
        sources=("nhs.uk", "hse.gov.uk"),
        reviewed="2026-12-04",
    ),
)


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    return load_dialogs(ROOT / "dialogs")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(ROOT / "locales")


@pytest.fixture(scope="module")
def engine(dialogs: DialogSet, catalogs: Catalogs) -> Engine:
    return Engine(dialogs, SETTINGS, keywords=translated_keywords(catalogs, dialogs))


def ids(pages: tuple[Page, ...]) -> list[str]:
    return [p.dialog for p in pages]


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_page_is_reachable_from_the_menu(engine: Engine, page: Page) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    for label in page.menu_path:
        buttons = engine.current(session)[-1].choices
        token = next((c.token for c in buttons if c.label.source == label), None)
        assert token is not None, f"no button {label!r} at {session.node}"
        session = engine.step(session, Event("choice", token), NOW).session
    assert session.node == engine.dialogs.dialogs[page.dialog].start


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
@pytest.mark.parametrize("lang", ["en", *LOCALES])
def test_typed_questions_open_the_page(engine: Engine, page: Page, lang: str) -> None:
    start = engine.dialogs.dialogs[page.dialog].start
    for question in page.questions[lang]:
        session = Session(node=engine.dialogs.menu, updated_at=NOW)
        result = engine.step(session, Event("text", question, locale=lang), NOW)
        assert result.session.node == start, f"{question!r} ({lang}) opened {result.session.node}"


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
@pytest.mark.parametrize("lang", LOCALES)
def test_every_text_of_the_page_is_translated(
    dialogs: DialogSet, catalogs: Catalogs, page: Page, lang: str
) -> None:
    renderer = Renderer(catalogs, dialogs)
    dialog = dialogs.dialogs[page.dialog]
    texts = [dialog.title]
    for node in dialog.nodes.values():
        texts += [say.text for say in node.say]
        texts += [choice.label for choice in node.choices]
    assert len(texts) > 5
    params = {"emergency_number": "999", "urgent_advice_number": "111"}
    untranslated = [
        t.source
        for t in texts
        if not catalogs.lookup(lang, t)
        or renderer.text(t, lang, params) == renderer.text(t, "en", params)
    ]
    assert not untranslated, untranslated[:3]


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_page_lists_its_sources(dialogs: DialogSet, page: Page) -> None:
    review = dialogs.dialogs[page.dialog].review
    assert review.status == "not-reviewed"
    assert review.reviewed == page.reviewed
    assert review.next_review == "2027-05-21"
    urls = [s.url for s in review.sources]
    assert all(u.startswith(("https://", "http://")) for u in urls)
    for part in page.sources:
        assert any(part in u for u in urls), f"{page.dialog}: no source matching {part!r}"


def test_gcsf_side_effects_never_wait_out_a_fever(dialogs: DialogSet) -> None:
    helps = dialogs.nodes["gcsf_effects/helps"]
    gotos = {c.goto for c in helps.choices}
    assert dialogs.dialogs["fever"].start in gotos
    assert "treatments/gcsf_report" in gotos
    text = " ".join(
        s.text.source for n in dialogs.dialogs["gcsf_effects"].nodes.values() for s in n.say
    )
    assert not any(ch.isdigit() for ch in text), "no doses or amounts on the side-effects page"


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "my son has a fever after chemo"),
        ("de", "Fieber nach der Chemo"),
        ("fr", "fièvre après la chimio"),
    ],
)
def test_a_fever_after_chemo_still_opens_the_fever_check(
    engine: Engine, lang: str, question: str
) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    result = engine.step(session, Event("text", question, locale=lang), NOW)
    assert result.session.node == engine.dialogs.dialogs["fever"].start


def test_cd40l_families_get_the_extra_water_line(engine: Engine) -> None:
    def drinking(profile: dict[str, str]) -> str:
        session = Session(node="water/drinking", profile=profile, updated_at=NOW)
        return " ".join(r.text.source for r in engine.current(session))

    assert "CD40 ligand" in drinking({"condition": "cd40l"})
    assert "CD40 ligand" not in drinking({"condition": "ain"})


def test_platelet_advice_names_wiskott_aldrich(dialogs: DialogSet) -> None:
    texts = " ".join(s.text.source for s in dialogs.nodes["fever_medicines/platelets"].say)
    assert "Wiskott-Aldrich" in texts
    assert "ibuprofen" in texts
    page = " ".join(
        s.text.source for n in dialogs.dialogs["fever_medicines"].nodes.values() for s in n.say
    )
    assert not any(ch.isdigit() for ch in page), "no doses or amounts on the medicines page"


def test_how_fast_sepsis_page_ends_in_numbers_to_call(engine: Engine) -> None:
    for profile in ({}, {"care_team_phone": "0123"}):
        session = Session(node="rapid_sepsis/speed", profile=profile, updated_at=NOW)
        text = " ".join(r.text.source for r in engine.current(session))
        assert "{emergency_number}" in text
        assert "{urgent_advice_number}" in text


@pytest.mark.parametrize(
    ("question", "dialog"),
    [
        ("what treatments are there", "treatments"),
        ("is scn inherited", "conditions"),
        ("my son has a fever, can I give ibuprofen", "fever"),
        ("he has a fever and had a blood test today", "fever"),
    ],
)
def test_new_keywords_leave_older_pages_their_questions(
    engine: Engine, question: str, dialog: str
) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    result = engine.step(session, Event("text", question, locale="en"), NOW)
    assert result.session.node == engine.dialogs.dialogs[dialog].start


def test_gene_therapy_is_not_read_as_a_question_about_inheritance(engine: Engine) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    result = engine.step(session, Event("text", "what is gene therapy", locale="en"), NOW)
    assert result.session.node != engine.dialogs.dialogs["inherited"].start


def test_yearly_marrow_check_is_given_as_the_registry_says_for_congenital_neutropenia(
    dialogs: DialogSet,
) -> None:
    scn = " ".join(s.text.source for s in dialogs.nodes["monitoring/scn"].say)
    assert "SCNIR" in scn and "once a year" in scn
    assert "monitoring/scn" in {c.goto for c in dialogs.nodes["conditions/scn"].choices}


def test_about_says_who_made_the_guide_and_how_to_reach_them(
    dialogs: DialogSet, catalogs: Catalogs
) -> None:
    def who(settings: dict[str, object]) -> str:
        engine = Engine(dialogs, settings)
        replies = engine.current(Session(node="about/who", updated_at=NOW))
        return " ".join(r.text.source for r in replies)

    unset = who({**SETTINGS, **Deployment().placeholders()})
    assert "gave you the link" in unset and "{guide_contact}" not in unset
    contact = Deployment(guide_contact="guide@example.org").placeholders()
    assert contact["guide_contact"] == "guide@example.org"
    shown = who({**SETTINGS, **contact})
    assert "{guide_contact}" in shown and "gave you the link" not in shown
    assert "care team" in shown

    engine = Engine(dialogs, SETTINGS, keywords=translated_keywords(catalogs, dialogs))
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    for lang, question in [("en", "who made this guide?"), ("de", "Wer hat das gemacht?")]:
        opened = engine.step(session, Event("text", question, locale=lang), NOW)
        assert opened.session.node == engine.dialogs.dialogs["about"].start, question


@pytest.mark.parametrize(
    ("lang", "question"), [("de", "Fieber und Ibuprofen"), ("pl", "gorączka i paracetamol")]
)
def test_a_fever_with_a_medicine_name_is_sent_to_the_fever_check_first(
    engine: Engine, lang: str, question: str
) -> None:
    # English keywords are matched first in every language, so the medicine's name wins: the
    # page it opens must put the fever check first, in words and as a button.
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    result = engine.step(session, Event("text", question, locale=lang), NOW)
    assert result.session.node == "fever_medicines/medicines"
    first = result.replies[0]
    assert "Fever check first" in first.text.source
    assert engine.dialogs.dialogs["fever"].start in {
        c.goto for c in engine.dialogs.nodes["fever_medicines/medicines"].choices
    }


def test_taking_pain_away_is_not_read_as_a_takeaway(engine: Engine) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    result = engine.step(session, Event("text", "can I take away his pain", locale="en"), NOW)
    assert result.session.node != engine.dialogs.dialogs["eating_out"].start
