"""The clinical fixes of issue 9 in the real dialogs: red flags on the red pages, lines and ports.

Each test walks the shipped content through the real engine (and, for the locales, the real
catalogs) and checks what a person would see: which signs a red page lists, which number it
names first, and that the "Lines and ports" topic is one press away from the menu in every
language.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.content.loader import load_dialogs
from bot.content.model import DialogSet
from bot.engine import Engine, Event, Reply, Session, StepResult
from bot.i18n.keywords import translated_keywords
from bot.i18n.render import Catalogs, Renderer
from tests.support.content import ROOT, SETTINGS

NOW = 1_000_000.0
PHONE = "0161 555 0100"
LOCALES = ("ar", "de", "es", "fr", "pl")
#: The signs issue 9 adds to the emergency lists, as the English text words them.
EMERGENCY_SIGNS = (
    "confused, or slurred speech",
    "extreme shivering",
    "no wee, or no wet nappy, for 12 hours",
)
PROFILES: tuple[dict[str, Any], ...] = (
    {},
    {"care_team_phone": PHONE},
    {"age_group": "baby"},
    {"age_group": "baby", "care_team_phone": PHONE},
    {"age_group": "adult", "condition": "scn", "care_team_phone": PHONE},
)


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    return load_dialogs(ROOT / "dialogs")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(ROOT / "locales")


@pytest.fixture(scope="module")
def engine(dialogs: DialogSet) -> Engine:
    return Engine(dialogs, SETTINGS)


def rendered(reply: Reply) -> str:
    return reply.text.source.format_map({k: str(v) for k, v in reply.params.items()})


def enter(engine: Engine, node: str, profile: dict[str, Any]) -> StepResult:
    """What a person sees at ``node`` with ``profile`` saved (as shown again by the engine)."""
    session = Session(node=node, profile=profile, updated_at=NOW)
    return StepResult(session=session, replies=tuple(engine.current(session)))


def flagged(result: StepResult, flag: str) -> bool:
    return any(raised == flag for raised, _ in result.flags)


def press(engine: Engine, session: Session, label: str) -> StepResult:
    for reply in engine.current(session):
        for choice in reply.choices:
            if choice.label.source == label:
                return engine.step(session, Event("choice", choice.token), NOW)
    raise AssertionError(f"no button {label!r} at {session.node}")


def texts(result: StepResult) -> list[str]:
    return [rendered(r) for r in result.replies]


def first_number(result: StepResult) -> str:
    """The placeholder of the first number to call the person reads on this step."""
    best: tuple[int, int, str] | None = None
    for i, reply in enumerate(result.replies):
        shown = rendered(reply)
        for name in ("emergency_number", "urgent_advice_number", "care_team_phone"):
            value = reply.params.get(name)
            if value and str(value) in shown:
                at = (i, reply.text.source.index("{" + name + "}"), name)
                best = at if best is None or at < best else best
    assert best is not None, "no number to call on this step"
    return best[2]


# -- red flags reach the red pages ---------------------------------------------------------


@pytest.mark.parametrize("node", ["sepsis/signs", "who_to_call/red"])
@pytest.mark.parametrize("profile", PROFILES)
def test_new_red_flags_are_on_the_emergency_lists(
    engine: Engine, node: str, profile: dict[str, Any]
) -> None:
    result = enter(engine, node, profile)
    assert result.session.node == node
    (emergency,) = [t for t in texts(result) if "blue or very pale" in t]
    for sign in EMERGENCY_SIGNS:
        assert sign in emergency, sign
    # The emergency number comes first, then the care team.
    head = emergency.split("•", 1)[0]
    assert head.index("Call 999 now") < head.index("tell your care team")
    assert first_number(result) == "emergency_number"


@pytest.mark.parametrize("profile", PROFILES)
def test_a_baby_who_is_not_feeding_calls_the_emergency_number(
    engine: Engine, profile: dict[str, Any]
) -> None:
    for node in ("sepsis/baby_signs", "who_to_call/red"):
        result = enter(engine, node, profile)
        (listing,) = [t for t in texts(result) if "a baby who is not feeding" in t]
        assert listing.split("•", 1)[0].count("999") == 1, node


@pytest.mark.parametrize("profile", PROFILES)
def test_shivering_and_cold_hands_are_red_with_the_care_team_first(
    engine: Engine, profile: dict[str, Any]
) -> None:
    red = enter(engine, "who_to_call/red", profile)
    assert engine.dialogs.nodes["who_to_call/red"].flag == "red"
    (team,) = [t for t in texts(red) if t.startswith("Call your care team now, even without")]
    for sign in ("shivering or shaking chills (rigors)", "cold hands and feet"):
        assert sign in team
    signs = enter(engine, "sepsis/signs", profile)
    chills = [t for t in texts(signs) if t.startswith("Shivering or shaking chills")]
    assert len(chills) == 1 and "cold hands and feet" in chills[0]
    assert ("care team now on " + PHONE in chills[0]) == ("care_team_phone" in profile)
    assert "111" in chills[0]


@pytest.mark.parametrize("profile", PROFILES)
def test_shivering_is_not_an_amber_sign(engine: Engine, profile: dict[str, Any]) -> None:
    amber = enter(engine, "who_to_call/amber", profile)
    assert engine.dialogs.nodes["who_to_call/amber"].flag == "amber"
    listing = texts(amber)[0]
    assert "Amber means call today" in listing
    assert "shiver" not in listing.lower() and "chills" not in listing.lower()
    assert any("are red, not amber: call now" in t for t in texts(amber))


@pytest.mark.parametrize("profile", [p for p in PROFILES if p.get("age_group") == "baby"])
def test_a_baby_fever_reading_calls_the_emergency_number_first(
    engine: Engine, profile: dict[str, Any]
) -> None:
    session = Session(node="fever/ask", profile=profile, updated_at=NOW)
    result = engine.step(session, Event("text", "38.2"), NOW)
    assert result.session.node == "fever/baby_fever"
    assert flagged(result, "red")
    assert first_number(result) == "emergency_number"


@pytest.mark.parametrize("node", ["fever/call_now", "fever/too_cold", "who_to_call/red"])
def test_cannot_get_through_names_the_urgent_advice_line_everywhere(
    engine: Engine, node: str
) -> None:
    for profile in PROFILES:
        if node == "fever/call_now":  # reached by typing a reading at the threshold
            ask = Session(
                node="fever/ask", profile={**profile, "age_group": "adult"}, updated_at=NOW
            )
            result = engine.step(ask, Event("text", "38.5"), NOW)
            assert result.session.node == node
        else:
            result = enter(engine, node, profile)
        said = " ".join(texts(result))
        assert "If you cannot get through, call 111." in said, (node, profile)


# -- lines and ports -----------------------------------------------------------------------


def test_lines_and_ports_is_one_press_from_the_menu(engine: Engine) -> None:
    menu = Session(node=engine.dialogs.menu, updated_at=NOW)
    result = press(engine, menu, "Lines and ports")
    assert result.session.node == "central_line/line"
    assert any("central line, port or PICC" in t for t in texts(result))


@pytest.mark.parametrize("profile", PROFILES)
def test_line_warning_signs_mean_call_the_team_now(engine: Engine, profile: dict[str, Any]) -> None:
    start = Session(node="central_line/line", profile=profile, updated_at=NOW)
    result = press(engine, start, "Warning signs")
    assert result.session.node == "central_line/signs"
    assert flagged(result, "red")
    said = texts(result)
    (listing,) = [
        t for t in said if t.startswith("Call your care team now, with or without a fever")
    ]
    for sign in ("during or after a line flush", "red, swollen or warm", "oozing"):
        assert sign in listing
    assert first_number(result) == (
        "care_team_phone" if "care_team_phone" in profile else "urgent_advice_number"
    )
    assert any("999" in t for t in said)


@pytest.mark.parametrize("typed", ["port", "PICC", "his hickman line", "central line"])
def test_typed_words_open_lines_and_ports(engine: Engine, typed: str) -> None:
    result = engine.step(
        Session(node=engine.dialogs.menu, updated_at=NOW), Event("text", typed), NOW
    )
    assert result.session.node == "central_line/line"


@pytest.mark.parametrize("locale", LOCALES)
def test_lines_and_ports_is_translated_and_reachable_in_every_locale(
    dialogs: DialogSet, catalogs: Catalogs, locale: str
) -> None:
    engine = Engine(dialogs, SETTINGS, keywords=translated_keywords(catalogs, dialogs))
    menu = Session(node=dialogs.menu, updated_at=NOW)
    labels = {}
    for reply in engine.current(menu):
        for label, token in Renderer(catalogs, dialogs).render(reply, locale).buttons:
            labels[label] = token
    title = catalogs.lookup(
        locale,
        next(
            c.label
            for r in engine.current(menu)
            for c in r.choices
            if c.label.source == "Lines and ports"
        ),
    )
    assert title and title in labels
    opened = engine.step(menu, Event("choice", labels[title], locale=locale), NOW)
    assert opened.session.node == "central_line/line"
    for node_id, node in dialogs.nodes.items():
        if node_id.startswith("central_line/"):
            for message in node.say:
                assert catalogs.lookup(locale, message.text) is not None, (
                    node_id,
                    message.text.source,
                )
    keyword = catalogs.lookup(locale, dialogs.dialogs["central_line"].keywords_text)  # type: ignore[arg-type]
    assert keyword
    word = keyword.split(",")[0].strip()
    typed = engine.step(menu, Event("text", word, locale=locale), NOW)
    assert typed.session.node == "central_line/line", word
