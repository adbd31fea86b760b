"""The real content in dialogs/: it validates, and every path through it is safe.

The walk explores every state (node plus the profile fields conditions read) reachable
from the first message, for every profile, pressing every button and typing representative
values (each number in a node's conditions, just below and just above it) into every input.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import load_dialogs
from bot.content.model import DialogSet, Node
from bot.engine import Engine, Event, Reply, Session, StepResult

ROOT = Path(__file__).resolve().parents[1]
NOW = 1_000_000.0
SETTINGS = {
    "emergency_number": "999",
    "urgent_advice_number": "111",
    "fever_threshold": 38.0,
    "nurse_desk": True,  # "Ask a nurse" on, so the walk reaches its nodes
}
PHONE = "0161 555 0100"
#: Placeholders that name a number to call.
NUMBERS = ("emergency_number", "urgent_advice_number", "care_team_phone")
#: Fields saved for display only (the diary's pending reading and the question for the nurses
#: too); leaving them out of the state keeps the walk finite. ``nurse_consent`` only skips the
#: nurses' consent step once given: the walk passes through that step with it unset, and
#: keeping it in the state would walk every other page twice.
DISPLAY_ONLY = frozenset(
    {
        "anc",
        "last_temperature",
        "fever_threshold_typed",
        "diary_pending",
        "nurse_question",
        "nurse_consent",
    }
)

AGE_GROUPS = (None, "baby", "child", "adult")
CONDITIONS = (None, "ain", "scn", "lad", "rac2", "cd40l", "was", "unsure")
PHONES = (None, PHONE)


def profiles() -> list[dict[str, Any]]:
    """Every combination of age group, condition and care-team phone (None = not set)."""
    out = []
    for age, condition, phone in itertools.product(AGE_GROUPS, CONDITIONS, PHONES):
        profile = {"age_group": age, "condition": condition, "care_team_phone": phone}
        out.append({k: v for k, v in profile.items() if v is not None})
    return out


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    return load_dialogs(ROOT / "dialogs")


@pytest.fixture(scope="module")
def engine(dialogs: DialogSet) -> Engine:
    return Engine(dialogs, SETTINGS)


# -- helpers -----------------------------------------------------------------------------


def rendered(reply: Reply) -> str:
    """The English text as a person would see it (placeholders filled with plain str)."""
    return reply.text.source.format_map({k: str(v) for k, v in reply.params.items()})


def names_a_number(reply: Reply) -> bool:
    """The reply shows a number to call: a number placeholder with a value, in the text."""
    for name in NUMBERS:
        value = reply.params.get(name)
        if name in reply.params and value and str(value) in rendered(reply):
            return True
    return False


def _constants(expr: str) -> set[float]:
    return {float(m) for m in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", expr)}


def typed_inputs(node: Node) -> list[str]:
    """Representative text to type at an input node: each boundary, just below and above."""
    spec = node.input
    assert spec is not None
    if spec.kind == "text":
        return [PHONE]
    if spec.kind == "yes_no":
        return ["yes", "no", "maybe"]
    points: set[float] = set()
    for branch in node.branches:
        if branch.when is not None:
            points |= _constants(branch.when.expr)
    if spec.kind == "temperature":
        points |= {37.5, 38.0, 38.3}  # thresholds families may have in their plans
        for bound in (spec.minimum, spec.maximum):
            if bound is not None:
                points.add(bound)
        values = {round(p + d, 1) for p in points for d in (-0.1, 0.0, 0.1)}
        if spec.minimum is not None or spec.maximum is not None:  # a plan's threshold
            values = {v for v in values if v in (36.9, 38.3, 38.6)}
        return [f"{v:g}" for v in sorted(values)] + ["100.4F", "not a number"]
    values = set()
    for p in points:
        delta = 1.0 if p >= 10 else 0.01
        values |= {p - delta, p, p + delta}
    return [f"{v:g}" for v in sorted(v for v in values if v >= 0)] + ["0", "lots"]


def state_key(session: Session) -> tuple[str | None, tuple[tuple[str, Any], ...]]:
    profile = tuple(sorted((k, v) for k, v in session.profile.items() if k not in DISPLAY_ONLY))
    return session.node, profile


@dataclass
class Walk:
    """What the exploration saw."""

    states: dict[tuple[Any, ...], Session] = field(default_factory=dict)
    edges: dict[tuple[Any, ...], set[tuple[Any, ...]]] = field(default_factory=dict)
    steps: int = 0
    nodes_seen: set[str] = field(default_factory=set)
    flagged_steps: int = 0
    problems: list[str] = field(default_factory=list)


def check_step(
    dialogs: DialogSet, before: Session, how: str, result: StepResult, walk: Walk
) -> None:
    """A warning sign (a red/amber flag, or a safety message) must come with a number."""
    where = f"{before.node} --{how}--> {result.session.node} (profile {dict(before.profile)})"
    if not result.replies:
        walk.problems.append(f"no reply: {where}")
    warning = bool(result.flags) or any(r.text.safety for r in result.replies)
    if warning:
        walk.flagged_steps += 1
        if not any(names_a_number(r) for r in result.replies):
            walk.problems.append(f"warning without a number to call: {where}")
    for reply in result.replies:
        for name, value in reply.params.items():
            if value is None and name != "care_team_phone":
                walk.problems.append(f"placeholder {{{name}}} has no value: {where}")
            if name == "care_team_phone" and not value:
                walk.problems.append(f"shows an empty care-team number: {where}")


def explore(engine: Engine, starts: Iterable[Session]) -> Walk:
    """Breadth-first over every reachable state, pressing every button and typing inputs."""
    dialogs = engine.dialogs
    walk = Walk()
    todo: deque[tuple[Any, ...]] = deque()

    def visit(before: Session, how: str, result: StepResult) -> tuple[Any, ...]:
        walk.steps += 1
        check_step(dialogs, before, how, result, walk)
        session = result.session
        key = state_key(session)
        if key not in walk.states:
            walk.states[key] = session
            todo.append(key)
        return key

    for start in starts:
        result = engine.step(start, Event("command", "start"), NOW)
        visit(start, "/start", result)
    while todo:
        key = todo.popleft()
        session = walk.states[key]
        node = dialogs.nodes[session.node or dialogs.menu]
        walk.nodes_seen.add(node.id)
        nexts = walk.edges.setdefault(key, set())
        for reply in engine.current(session):
            for choice in reply.choices:
                how = f"[{choice.label.source}]"
                result = engine.step(session, Event("choice", choice.token), NOW)
                nexts.add(visit(session, how, result))
        if node.input is not None:
            for text in typed_inputs(node):
                result = engine.step(session, Event("text", text), NOW)
                nexts.add(visit(session, repr(text), result))
    return walk


def cannot_reach_menu(walk: Walk, menu: str) -> list[tuple[Any, ...]]:
    """States from which no sequence of answers leads back to the menu."""
    back: dict[tuple[Any, ...], set[tuple[Any, ...]]] = {}
    for src, dsts in walk.edges.items():
        for dst in dsts:
            back.setdefault(dst, set()).add(src)
    good = {k for k in walk.states if k[0] == menu}
    todo = list(good)
    while todo:
        for src in back.get(todo.pop(), ()):
            if src not in good:
                good.add(src)
                todo.append(src)
    return [k for k in walk.states if k not in good]


# -- the content as a whole -------------------------------------------------------------


def test_content_validates(dialogs: DialogSet) -> None:
    for required in ("menu", "welcome", "help", "about", "settings", "fever"):
        assert required in dialogs.dialogs
    assert all(d.review.status == "not-reviewed" for d in dialogs.dialogs.values())
    assert all(d.review.sources for d in dialogs.dialogs.values())


def test_profile_fields_other_helpers_rely_on(dialogs: DialogSet) -> None:
    assert dialogs.fields["fever_threshold"] == "temperature"
    assert dialogs.fields["care_team_phone"] == "text"
    for field_name in ("age_group", "condition", "consent"):
        assert field_name in dialogs.fields
    set_values: dict[str, set[Any]] = {}
    for node in dialogs.nodes.values():
        for key, value in node.set.items():
            set_values.setdefault(key, set()).add(value)
    assert set_values["age_group"] == {"baby", "child", "adult"}
    assert set_values["condition"] == {"ain", "scn", "lad", "rac2", "cd40l", "was", "unsure"}
    assert set_values["consent"] == {True, False}


@pytest.mark.slow
def test_every_path_is_safe_and_leads_back_to_the_menu(engine: Engine) -> None:
    starts = [Session(profile=p) for p in profiles()]
    walk = explore(engine, starts)
    dialogs = engine.dialogs
    assert not walk.problems, "\n".join(walk.problems[:20])
    assert set(dialogs.nodes) - walk.nodes_seen <= {
        n.id for n in dialogs.nodes.values() if not (n.choices or n.input)
    }, "some waiting nodes were never reached"
    stuck = cannot_reach_menu(walk, dialogs.menu)
    assert not stuck, f"{len(stuck)} states cannot reach the menu, e.g. {stuck[:3]}"
    assert walk.flagged_steps > 0
    print(f"\nwalked {walk.steps} steps over {len(walk.states)} states")


def test_every_flagged_node_is_reached_and_shows_a_number(engine: Engine) -> None:
    dialogs = engine.dialogs
    flagged = {n.id for n in dialogs.nodes.values() if n.flag}
    assert {"fever/call_now", "fever/too_cold", "fever/baby_fever", "sepsis/call_now"} <= flagged
    for node_id in sorted(flagged):
        for profile in profiles():
            replies = engine.current(Session(node=node_id, profile=profile, updated_at=NOW))
            assert any(names_a_number(r) for r in replies), (node_id, profile)


# -- fever check ----------------------------------------------------------------------------


def fever_reading(
    engine: Engine, text: str, profile: Mapping[str, Any] | None = None
) -> StepResult:
    """Open the fever check from the menu (one tap) and type ``text`` (the second step)."""
    session = Session(node=engine.dialogs.menu, profile=dict(profile or {}), updated_at=NOW)
    menu = engine.current(session)[-1]
    token = next(c.token for c in menu.choices if c.label.source == "Fever check")
    opened = engine.step(session, Event("choice", token), NOW)
    assert opened.session.node == "fever/ask"
    return engine.step(opened.session, Event("text", text), NOW)


def flagged_red(result: StepResult) -> bool:
    return any(flag == "red" for flag, _ in result.flags)


@pytest.mark.parametrize(
    ("text", "profile", "red", "node"),
    [
        ("38", {}, True, "fever/call_now"),  # the default threshold itself
        ("38.0 °C", {}, True, "fever/call_now"),
        ("37.9", {}, False, "fever/close"),  # 0.1 below
        ("37.4", {}, False, "fever/watch"),
        ("36", {}, False, "fever/watch"),
        ("35.9", {}, True, "fever/too_cold"),  # below 36 °C
        ("100.4F", {}, True, "fever/call_now"),  # °F input
        ("100.2 F", {}, False, "fever/close"),  # 37.9 °C
        ("38", {"age_group": "baby"}, True, "fever/baby_fever"),
        ("37.9", {"age_group": "baby"}, False, "fever/close"),
        ("38.1", {"age_group": "baby", "fever_threshold": 38.3}, True, "fever/baby_fever"),
        ("37.5", {"fever_threshold": 37.5}, True, "fever/call_now"),  # plan's own threshold
        ("37.4", {"fever_threshold": 37.5}, False, "fever/watch"),
        ("38.2", {"fever_threshold": 38.3}, False, "fever/close"),
    ],
)
def test_fever_boundaries(
    engine: Engine, text: str, profile: dict[str, Any], red: bool, node: str
) -> None:
    result = fever_reading(engine, text, profile)
    assert result.session.node == node
    assert flagged_red(result) is red
    if red:
        assert any(names_a_number(r) for r in result.replies)
    assert not any("fine" in rendered(r).lower() for r in result.replies)


def test_fever_call_now_shows_care_team_number_when_set(engine: Engine) -> None:
    with_phone = fever_reading(engine, "38.5", {"care_team_phone": PHONE})
    texts = [rendered(r) for r in with_phone.replies]
    assert any(PHONE in t for t in texts)
    assert any("999" in t for t in texts)
    without = fever_reading(engine, "38.5")
    texts = [rendered(r) for r in without.replies]
    assert not any(PHONE in t for t in texts)
    assert any("24-hour line" in t for t in texts) and any("999" in t for t in texts)


def test_typing_fever_opens_the_check(engine: Engine) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    assert engine.step(session, Event("text", "fever"), NOW).session.node == "fever/ask"
    assert engine.step(session, Event("text", "my baby has a fever"), NOW).session.node == (
        "fever/ask"
    )


def test_unreadable_temperature_asks_again(engine: Engine) -> None:
    result = fever_reading(engine, "hot")
    assert result.session.node == "fever/ask"
    assert not result.flags


def test_plan_threshold_saved_in_settings_is_used(engine: Engine) -> None:
    session = Session(node="settings/ask_threshold", updated_at=NOW)
    saved = engine.step(session, Event("text", "37.5"), NOW)
    assert saved.session.profile["fever_threshold"] == 37.5
    result = fever_reading(engine, "37.6", saved.session.profile)
    assert result.session.node == "fever/call_now"
    refused = engine.step(session, Event("text", "41"), NOW)
    assert "fever_threshold" not in refused.session.profile


@pytest.mark.parametrize("typed", ["38.4", "38,4", "101.1 F"])
def test_a_threshold_above_38_is_kept_only_after_a_check(engine: Engine, typed: str) -> None:
    session = Session(node="settings/ask_threshold", updated_at=NOW)
    asked = engine.step(session, Event("text", typed), NOW)
    assert asked.session.node == "settings/check_threshold"
    assert "fever_threshold" not in asked.session.profile  # not used before it is confirmed
    question = asked.replies[-1].text.source
    assert "{fever_threshold_typed}" in question and "38.0" in question
    again = press(engine, asked.session, "No, let me type it again")
    assert again.session.node == "settings/ask_threshold"
    assert "fever_threshold" not in again.session.profile
    kept = press(engine, asked.session, "Yes, my plan says that")
    assert kept.session.profile["fever_threshold"] == 38.4
    result = fever_reading(engine, "38.3", kept.session.profile)
    assert result.session.node != "fever/call_now"
    assert fever_reading(engine, "38.4", kept.session.profile).session.node == "fever/call_now"


@pytest.mark.parametrize("typed", ["38.6", "39", "102.2F"])
def test_a_threshold_above_38_5_is_refused(engine: Engine, typed: str) -> None:
    session = Session(node="settings/ask_threshold", updated_at=NOW)
    refused = engine.step(session, Event("text", typed), NOW)
    assert refused.session.node == "settings/ask_threshold"
    assert "fever_threshold" not in refused.session.profile
    assert "fever_threshold_typed" not in refused.session.profile


# -- blood count ----------------------------------------------------------------------------


def anc_band(
    engine: Engine, unit_label: str, text: str, profile: Mapping[str, Any] | None = None
) -> str:
    session = Session(node="blood_count/unit", profile=dict(profile or {}), updated_at=NOW)
    buttons = engine.current(session)[-1].choices
    token = next(c.token for c in buttons if c.label.source.startswith(unit_label))
    asked = engine.step(session, Event("choice", token), NOW)
    result = engine.step(asked.session, Event("text", text), NOW)
    return (result.session.node or "").split("/")[1]


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("0", "severe"),
        ("499", "severe"),
        ("500", "moderate"),
        ("999", "moderate"),
        ("1000", "mild"),
        ("1,000", "mild"),
        ("1499", "mild"),
        ("1500", "above"),
        ("4000", "above"),
        ("0.8", "check_ul"),  # typed in the other unit: ask which
    ],
)
def test_anc_bands_per_microlitre(engine: Engine, text: str, band: str) -> None:
    assert anc_band(engine, "Like 500", text) == band


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("0", "severe"),
        ("0.49", "severe"),
        ("0.5", "moderate"),
        ("0.99", "moderate"),
        ("1.0", "mild"),
        ("1.49", "mild"),
        ("1.5", "above"),
        ("4", "above"),
        ("800", "check_si"),  # typed per µL: ask which
    ],
)
def test_anc_bands_times_ten_to_the_nine(engine: Engine, text: str, band: str) -> None:
    assert anc_band(engine, "Like 0.5", text) == band


def test_severe_band_names_a_number(engine: Engine) -> None:
    session = Session(node="blood_count/ask_ul", updated_at=NOW)
    result = engine.step(session, Event("text", "200"), NOW)
    assert result.session.node == "blood_count/severe"
    assert any(names_a_number(r) for r in result.replies)


def test_baby_mild_band_says_the_infant_threshold(engine: Engine) -> None:
    session = Session(node="blood_count/ask_ul", profile={"age_group": "baby"}, updated_at=NOW)
    result = engine.step(session, Event("text", "1200"), NOW)
    assert any("below 1000" in r.text.source for r in result.replies)
    adult = engine.step(replace_profile(session, {}), Event("text", "1200"), NOW)
    assert not any("below 1000" in r.text.source for r in adult.replies)


def replace_profile(session: Session, profile: dict[str, Any]) -> Session:
    return Session(session.node, session.history, profile, session.updated_at, session.waiting)


# -- welcome, settings, about ----------------------------------------------------------------


def press(engine: Engine, session: Session, label: str) -> StepResult:
    """Press the current button labelled ``label``."""
    for reply in engine.current(session):
        for choice in reply.choices:
            if choice.label.source == label:
                return engine.step(session, Event("choice", choice.token), NOW)
    raise AssertionError(f"no button {label!r} at {session.node}")


def test_welcome_profile_in_order_then_menu(engine: Engine) -> None:
    result = engine.step(Session(), Event("command", "start"), NOW)
    assert result.session.node == "welcome/hello"
    assert any(names_a_number(r) for r in result.replies)  # the emergency number up front
    for label in ("Carry on", "Yes, keep a record", "Yes, ask me", "My baby (under 3 months)"):
        result = press(engine, result.session, label)
    result = press(engine, result.session, "Autoimmune neutropenia (AIN)")
    assert result.session.node == "settings/ask_threshold"
    result = engine.step(result.session, Event("text", "37.5"), NOW)
    assert result.session.node == "settings/ask_phone"
    result = engine.step(result.session, Event("text", PHONE), NOW)
    assert result.session.node == engine.dialogs.menu
    assert result.session.profile == {
        "consent": True,
        "profile_flow": "settings",
        "age_group": "baby",
        "condition": "ain",
        "fever_threshold": 37.5,
        "fever_threshold_typed": 37.5,
        "care_team_phone": PHONE,
    }


def test_welcome_everything_can_be_skipped(engine: Engine) -> None:
    result = engine.step(Session(), Event("command", "start"), NOW)
    for label in ("Carry on", "No, thank you", "Yes, ask me", "Skip", "Skip", "Skip", "Skip"):
        result = press(engine, result.session, label)
    assert result.session.node == engine.dialogs.menu
    assert result.session.profile == {"consent": False, "profile_flow": "settings"}
    skipped = engine.step(Session(), Event("command", "start"), NOW)
    for label in ("Carry on", "No, thank you", "Not now"):
        skipped = press(engine, skipped.session, label)
    assert skipped.session.node == engine.dialogs.menu
    assert "age_group" not in skipped.session.profile


def test_settings_changes_one_answer_and_returns(engine: Engine) -> None:
    opened = engine.step(
        Session(node=engine.dialogs.menu, updated_at=NOW), Event("command", "settings"), NOW
    )
    assert opened.session.node == "settings/main"
    result = press(engine, opened.session, "Who I am asking for")
    result = press(engine, result.session, "My child")
    assert result.session.node == "settings/main"
    assert result.session.profile["age_group"] == "child"
    assert any(r.text.source == "You are asking for a child." for r in result.replies)


@pytest.mark.parametrize("command", ["help", "about", "settings"])
def test_commands_open_their_dialogs(engine: Engine, command: str) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    result = engine.step(session, Event("command", command), NOW)
    assert result.session.node == engine.dialogs.dialogs[command].start


def test_about_says_plainly_that_no_clinician_has_checked_it(engine: Engine) -> None:
    session = Session(node=engine.dialogs.menu, updated_at=NOW)
    about = engine.step(session, Event("command", "about"), NOW)
    shown = " ".join(r.text.source for r in about.replies)
    assert "no doctor or nurse has checked this guide yet" in shown.lower()
    dates = press(engine, about.session, "Review dates")
    shown = " ".join(r.text.source for r in dates.replies)
    # The page names the earliest and latest check of any topic and the next review date.
    checked = sorted(d.review.reviewed for d in engine.dialogs.dialogs.values())
    assert (checked[0], checked[-1]) == ("2026-11-21", "2026-12-04")
    assert "21 November and 4 December 2026" in shown and "21 May 2027" in shown
    assert {d.review.next_review for d in engine.dialogs.dialogs.values()} == {"2027-05-21"}
    data = press(engine, about.session, "Your data")
    assert any("/forget" in r.text.source for r in data.replies)


def test_about_names_who_signed_off_what_and_when(dialogs: DialogSet) -> None:
    def dates(engine: Engine) -> list[str]:
        start = Session(node=engine.dialogs.menu, updated_at=NOW)
        about = engine.step(start, Event("command", "about"), NOW)
        return [r.text.source for r in press(engine, about.session, "Review dates").replies]

    unsigned = dates(Engine(dialogs, SETTINGS))
    assert any("No doctor or nurse has checked this guide yet" in t for t in unsigned)
    assert not any("signed off" in t for t in unsigned)

    fever = dialogs.dialogs["fever"]
    signed_review = replace(
        fever.review, status="reviewed", reviewed_by="Dr A. Example", reviewed_on="2027-01-10"
    )
    signed = replace(
        dialogs, dialogs={**dialogs.dialogs, "fever": replace(fever, review=signed_review)}
    )
    engine = Engine(signed, SETTINGS)
    assert engine.settings["signed_off"] == "Fever check (Dr A. Example, 2027-01-10)"
    about = engine.step(Session(node=signed.menu, updated_at=NOW), Event("command", "about"), NOW)
    replies = press(engine, about.session, "Review dates").replies
    sign_off = [r for r in replies if "signed off" in r.text.source]
    assert [r.params for r in sign_off] == [
        {"signed_off": "Fever check (Dr A. Example, 2027-01-10)"}
    ]
    assert not any("No doctor or nurse" in r.text.source for r in replies)


def test_no_text_gives_a_dose(dialogs: DialogSet) -> None:
    dose = re.compile(r"\d\s*(mg|µg|mcg|ml|micrograms?|milligrams?)\b|/kg|per kilo", re.I)
    for node in dialogs.nodes.values():
        for say in node.say:
            assert not dose.search(say.text.source), (node.id, say.text.source)
