"""The pages added for issue 14: reachable from the menu, translated, found by typed words.

Each page is opened the way a parent would: by pressing the menu buttons, or by typing a
question in their own language (the real catalogs give the translated keywords). Every
message of the page must be translated in every shipped locale, and the page must list
the public sources its facts come from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

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
    assert review.reviewed == "2026-12-03"
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
