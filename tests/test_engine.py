"""The engine: steps over the small test dialog set, with no I/O."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.content.loader import load_dialogs
from bot.engine import Engine, Event, Session, StepResult
from bot.engine.engine import choice_token
from tests.support.content import SETTINGS, good_dialogs

NOW = 1_000_000.0


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    directory = good_dialogs(tmp_path_factory.mktemp("dialogs"))
    return Engine(load_dialogs(directory), SETTINGS, idle_seconds=3600)


def press(engine: Engine, session: Session, label: str, now: float = NOW) -> StepResult:
    for reply in engine.current(session):
        for choice in reply.choices:
            if choice.label.source == label:
                return engine.step(session, Event("choice", choice.token), now)
    raise AssertionError(f"no button {label!r} at {session.node}")


def sources(result: StepResult) -> list[str]:
    return [r.text.source for r in result.replies]


def test_first_input_welcomes(engine: Engine) -> None:
    result = engine.step(Session(), Event("text", "hi"), NOW)
    assert result.session.node == "welcome/hello"
    assert sources(result) == ["Hello. Who is this for?"]
    assert [c.label.source for c in result.replies[0].choices] == ["A child", "Skip"]
    assert result.session.updated_at == NOW


def test_choice_sets_profile_and_routes_to_menu(engine: Engine) -> None:
    start = engine.step(Session(), Event("command", "start"), NOW).session
    result = press(engine, start, "A child")
    assert result.session.profile["age_group"] == "child"
    assert result.session.node == "menu/main"
    # the profile condition shows the extra choice
    labels = [c.label.source for c in result.replies[-1].choices]
    assert labels == ["Check", "Child topics"]


def test_hidden_choice_is_refused(engine: Engine) -> None:
    session = Session(node="menu/main", updated_at=NOW)
    result = engine.step(session, Event("choice", choice_token("menu/main", 1)), NOW)
    assert result.session.node == "menu/main"
    assert not result.changed
    assert sources(result)[0].startswith("That menu has moved on")


@pytest.mark.parametrize("token", ["zzz.0", "garbage", "", "abc.def", f"{'x' * 200}"])
def test_forged_or_stale_token_changes_nothing(engine: Engine, token: str) -> None:
    session = Session(node="menu/main", updated_at=NOW)
    result = engine.step(session, Event("choice", token), NOW)
    assert result.session == session
    assert not result.changed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("38", "menu/urgent"),
        ("37.9", "menu/calm"),
        ("35,9", "menu/urgent"),
        ("100.4F", "menu/urgent"),
    ],
)
def test_temperature_branches(engine: Engine, typed: str, expected: str) -> None:
    session = Session(node="menu/check", updated_at=NOW)
    result = engine.step(session, Event("text", typed), NOW)
    assert result.session.node == "menu/main"  # both branches end, back to the menu
    assert result.replies[0].text.context == expected
    assert ("red", "menu/urgent") in result.flags or expected != "menu/urgent"


def test_threshold_from_profile(engine: Engine) -> None:
    session = Session(node="menu/check", profile={"fever_threshold": 37.5}, updated_at=NOW)
    result = engine.step(session, Event("text", "37.6"), NOW)
    assert result.replies[0].text.context == "menu/urgent"


def test_unreadable_input_asks_again(engine: Engine) -> None:
    session = Session(node="menu/check", updated_at=NOW)
    for typed in ("hot", "38 or 39", "250"):
        result = engine.step(session, Event("text", typed), NOW)
        assert result.session.node == "menu/check"
        assert not result.changed
        assert result.replies[0].text.context == "system/input_invalid"


def test_saved_value_is_a_placeholder(engine: Engine) -> None:
    result = engine.step(Session(node="menu/check", updated_at=NOW), Event("text", "37.2"), NOW)
    assert result.replies[0].params == {"last_temperature": 37.2}
    assert result.session.profile["last_temperature"] == 37.2


def test_back_returns_to_previous_step(engine: Engine) -> None:
    session = engine.step(Session(), Event("command", "start"), NOW).session
    at_menu = press(engine, session, "Skip").session
    at_check = press(engine, at_menu, "Check").session
    back = engine.step(at_check, Event("command", "back"), NOW)
    assert back.session.node == "menu/main"
    again = engine.step(back.session, Event("command", "back"), NOW)
    assert again.session.node == "welcome/hello"
    nothing = engine.step(again.session, Event("command", "back"), NOW)
    assert sources(nothing)[0] == "There is no earlier step to go back to."


def test_idle_session_is_offered_resume(engine: Engine) -> None:
    session = Session(node="menu/check", updated_at=NOW)
    later = NOW + 3601
    prompt = engine.step(session, Event("text", "37"), later)
    assert prompt.session.waiting == "resume"
    assert prompt.session.node == "menu/check"
    tokens = [c.token for c in prompt.replies[0].choices]
    carry_on = engine.step(prompt.session, Event("choice", tokens[0]), later)
    assert carry_on.session.node == "menu/check" and carry_on.session.waiting is None
    restart = engine.step(prompt.session, Event("choice", tokens[1]), later)
    assert restart.session.node == "menu/main"


def test_node_removed_from_content_returns_to_menu(engine: Engine) -> None:
    session = Session(node="old/gone", history=("old/before",), updated_at=NOW)
    result = engine.step(session, Event("choice", "abc.0"), NOW)
    assert result.session.node == "menu/main"
    assert result.session.history == ()
    assert sources(result)[0].startswith("This guide was updated")


def test_back_through_removed_node_goes_to_menu(engine: Engine) -> None:
    session = Session(node="menu/check", history=("old/gone",), updated_at=NOW)
    result = engine.step(session, Event("command", "back"), NOW)
    assert result.session.node == "menu/main"


def test_forget_asks_then_acts(engine: Engine) -> None:
    session = Session(node="menu/main", profile={"age_group": "child"}, updated_at=NOW)
    ask = engine.step(session, Event("command", "forget"), NOW)
    assert ask.session.waiting == "forget" and not ask.actions
    no = engine.step(ask.session, Event("choice", ask.replies[0].choices[1].token), NOW)
    assert no.session.profile == {"age_group": "child"} and not no.actions
    yes = engine.step(ask.session, Event("choice", ask.replies[0].choices[0].token), NOW)
    assert yes.actions == ("forget",)
    assert yes.session.profile == {}


def test_stop_and_language_are_actions(engine: Engine) -> None:
    session = Session(node="menu/main", updated_at=NOW)
    assert engine.step(session, Event("command", "stop"), NOW).actions == ("stop",)
    assert engine.step(session, Event("command", "language"), NOW).actions == ("choose_language",)


def test_unknown_text_is_logged_as_unanswered(engine: Engine) -> None:
    session = Session(node="menu/main", updated_at=NOW)
    result = engine.step(session, Event("text", "what about ice cream?"), NOW)
    assert result.actions == ("unanswered",)
    assert result.session.node == "menu/main"


def test_deep_link_opens_dialog_and_unknown_falls_back(engine: Engine) -> None:
    link = engine.step(Session(), Event("command", "start", argument="welcome"), NOW)
    assert link.session.node == "welcome/hello"
    unknown = engine.step(Session(), Event("command", "start", argument="nope"), NOW)
    assert unknown.session.node == "welcome/hello"
    known_user = replace(unknown.session, node="menu/check")
    assert engine.step(known_user, Event("command", "start"), NOW).session.node == "menu/main"


def test_steps_are_pure(engine: Engine) -> None:
    session = Session(node="menu/check", updated_at=NOW)
    first = engine.step(session, Event("text", "38.5"), NOW)
    second = engine.step(session, Event("text", "38.5"), NOW)
    assert first == second
    assert session == Session(node="menu/check", updated_at=NOW)


def test_shared_machine_has_one_model(engine: Engine) -> None:
    for i in range(50):
        engine.step(Session(node="menu/check", updated_at=NOW), Event("text", f"3{i % 10}"), NOW)
    assert len(engine.machine.machine.models) == 1


def test_real_dialogs_load_into_engine() -> None:
    root = Path(__file__).resolve().parents[1]
    try:
        dialogs = load_dialogs(root / "dialogs")
    except Exception as exc:  # pragma: no cover - the content tests report details
        pytest.fail(f"dialogs/ does not load: {exc}")
    engine = Engine(dialogs, SETTINGS)
    assert engine.step(Session(), Event("command", "start"), NOW).session.node == dialogs.welcome


@pytest.mark.parametrize(
    ("typed", "opens"),
    [
        ("37.2", True),
        ("fever 37,6", True),
        ("temperature: 99.1F", True),
        ("37,4 °C", True),
        ("38 weeks pregnant", False),
        ("my child is 3", False),
        ("cats 37", False),
    ],
)
def test_typed_reading_outside_a_question_opens_the_fever_check(typed: str, opens: bool) -> None:
    dialogs = load_dialogs(Path(__file__).resolve().parents[1] / "dialogs")
    engine = Engine(dialogs, SETTINGS)
    result = engine.step(Session(node=dialogs.menu, updated_at=NOW), Event("text", typed), NOW)
    assert (result.session.node or "").startswith("fever/") is opens
    if opens:
        assert isinstance(result.session.profile.get("last_temperature"), float)


def test_translated_keywords_open_dialogs_and_english_still_works() -> None:
    dialogs = load_dialogs(Path(__file__).resolve().parents[1] / "dialogs")
    keywords = {"de": {"fever": ("fieber", "temperatur"), "food": ("essen",)}}
    engine = Engine(dialogs, SETTINGS, keywords=keywords)
    at_menu = Session(node=dialogs.menu, updated_at=NOW)

    def opened(typed: str, locale: str) -> str | None:
        return engine.step(at_menu, Event("text", typed, locale), NOW).session.node

    assert opened("Mein Kind hat Fieber!", "de") == "fever/ask"
    assert opened("essen", "de_AT") == dialogs.dialogs["food"].start
    assert opened("fever", "de") == "fever/ask"  # English works in every language
    assert opened("Fieber", "fr") == dialogs.menu  # German words only for German
    reading = engine.step(at_menu, Event("text", "Fieber 37,4", "de"), NOW)
    assert reading.session.profile.get("last_temperature") == 37.4


def test_keywords_ignore_case_accents_and_arabic_vowel_marks() -> None:
    dialogs = load_dialogs(Path(__file__).resolve().parents[1] / "dialogs")
    keywords = {"ar": {"fever": ("حمى",)}, "pl": {"fever": ("gorączka",)}}
    engine = Engine(dialogs, SETTINGS, keywords=keywords)
    at_menu = Session(node=dialogs.menu, updated_at=NOW)
    for typed, locale in [("ابني عنده حمّى", "ar"), ("GORACZKA", "pl"), ("Gorączka!", "pl")]:
        result = engine.step(at_menu, Event("text", typed, locale), NOW)
        assert result.session.node == "fever/ask", typed
