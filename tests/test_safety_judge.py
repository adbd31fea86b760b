"""The learned judge (bot/safety/judge.py): what it may and may not do to the rules' answer.

Its limits are tested here with a judge built here (a made-up word scores "not now"), after the
real rules alone, so each limit is checked whatever a trained weights file learned; the end of
the file checks the Screener's own guards and the shipped judge (docs/safety.md, "Learned
judge"), through the Screener and through the conversation service.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import shutil
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import Deployment
from bot.engine import Session
from bot.safety import Screener, Screening
from bot.safety.judge import NEVER_VETOED_KEYS, Judge, bucket, feature_counts, tokens
from bot.safety.screen import JUDGE_FILE, RULES_DIR
from bot.service import CONFIRM_YES, Inbound
from bot.store.protocol import Person
from bot.store.pseudonym import Pseudonymizer
from tests.support.service import TEST_KEY, Clock, make_service

DIM = 1 << 12
#: A word no writer uses: the built judge scores any message with it as "not now".
MARK = "zqxjv"


@dataclass
class Judged:
    """The rule screen with the judge's review after it (as bench/safety_blind.py --judge)."""

    rules: Screener
    judge: Judge

    def screen(self, text: str, lang: str, sentences: bool = False) -> Screening | None:
        return self.judge.review(text, self.rules.screen(text, lang), sentences=sentences)


@pytest.fixture(scope="module")
def rules() -> Screener:
    return Screener.load(judge=False)


@pytest.fixture(scope="module")
def marked(rules: Screener) -> Judged:
    """The rules with a judge that is sure a message with MARK is not about now."""
    weights = array("d", [0.0] * DIM)
    weights[bucket("\x02" + MARK, DIM)] = -400.0
    return Judged(rules, Judge(weights, 4.0, (), (1,), 0.3, frozenset({"sign.very_wrong"})))


def test_the_built_judge_scores_the_mark_low_and_other_text_high(marked: Judged) -> None:
    assert marked.judge.score(f"she has 38.9 {MARK}") < 0.01
    assert marked.judge.score("she has 38.9") > 0.95


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        (f"she has 38.9 {MARK}", "en", "urgent_fever"),
        (f"er hat seit einer Stunde Schüttelfrost {MARK}", "de", "urgent_sign"),
        (f"tiene fiebre desde anoche {MARK}", "es", "urgent_fever"),
    ],
)
def test_a_sure_not_now_turns_an_urgent_answer_into_the_question(
    rules: Screener, marked: Judged, text: str, lang: str, key: str
) -> None:
    before = rules.screen(text, lang)
    assert before is not None and before.kind == "urgent" and before.message_key == key
    after = marked.screen(text, lang)
    assert after is not None
    assert (after.kind, after.message_key, after.rule) == ("confirm", "confirm_sign", before.rule)
    # "Yes, it is happening now" still sends the same urgent answer
    assert after.confirmed() == before


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (f"her lips have gone blue {MARK}", "en"),
        (f"he is having a seizure {MARK}", "en"),
        (f"il ne se réveille pas, tout mou {MARK}", "fr"),
    ],
)
def test_the_emergency_answer_is_never_touched(
    rules: Screener, marked: Judged, text: str, lang: str
) -> None:
    before = rules.screen(text, lang)
    assert before is not None and before.message_key in NEVER_VETOED_KEYS
    assert marked.screen(text, lang) == before


def test_a_kept_rule_is_never_touched(rules: Screener, marked: Judged) -> None:
    text = f"should we call an ambulance {MARK}"
    before = rules.screen(text, "en")
    assert before is not None and before.kind == "urgent" and before.rule == "sign.very_wrong"
    assert marked.screen(text, "en") == before


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (f"hello, thanks for yesterday {MARK}", "en"),  # nothing: stays nothing
        (f"no fever today {MARK}", "en"),  # the rules already ask
        (f"I can't cope any more {MARK}", "en"),  # distress
        ("she has 38.9 now", "en"),  # urgent, and the judge is not sure it is not now
    ],
)
def test_other_answers_stay_as_the_rules_gave_them(
    rules: Screener, marked: Judged, text: str, lang: str
) -> None:
    assert marked.screen(text, lang) == rules.screen(text, lang)


def test_words_are_folded_and_numbers_left_to_the_rules() -> None:
    assert tokens("Fièvre 38,5 ?") == ["fievre", "0", "0", "?"]
    assert tokens("ABC 39.1") == tokens("abc 37.2")


def test_the_score_is_the_logistic_of_the_scaled_feature_sum() -> None:
    weights = array("d", [0.01 * (i % 7 - 3) for i in range(DIM)])
    judge = Judge(weights, 0.25, (3, 4), (1, 2), 0.3)
    text = "sie hat Fieber, seit gestern Abend, sie hat Fieber"
    counts, emitted = feature_counts(text, (3, 4), (1, 2), DIM)
    z = 0.25 + sum(weights[i] * c for i, c in counts.items()) / math.sqrt(emitted)
    assert judge.score(text) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
    # the second time the words come from memory: the same score
    assert judge.score(text) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)


def test_one_sentence_that_reads_as_now_keeps_the_urgent_answer(marked: Judged) -> None:
    text = f"what does the {MARK} leaflet say? she has 38.9 now"
    whole, by_sentence = marked.screen(text, "en"), marked.screen(text, "en", sentences=True)
    # the whole message scores "not now" (MARK), its second sentence on its own does not
    assert whole is not None and whole.kind == "confirm"
    assert by_sentence is not None and by_sentence.kind == "urgent"
    # every sentence "not now": the question, sentence by sentence too
    both = f"what does the {MARK} leaflet say? she had 38.9 {MARK}"
    assert marked.screen(both, "en", sentences=True).kind == "confirm"


def test_a_weights_file_round_trips(tmp_path: Path) -> None:
    coef = [((i * 37) % 101 - 50) / 10 for i in range(DIM)]
    scale = max(abs(c) for c in coef) / 32767
    quantised = array("h", (round(c / scale) for c in coef))
    data = {
        "char_sizes": [3, 4],
        "word_orders": [1, 2],
        "dim": DIM,
        "bias": -0.5,
        "scale": scale,
        "veto_below": 0.2,
        "keep_rules": ["sign.very_wrong"],
        "weights": base64.b64encode(zlib.compress(quantised.tobytes())).decode("ascii"),
    }
    path = tmp_path / "judge.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    judge = Judge.load(path)
    assert (judge.dim, judge.sizes, judge.orders, judge.veto_below) == (DIM, (3, 4), (1, 2), 0.2)
    assert judge.keep_rules == {"sign.very_wrong"}
    assert max(abs(a - b) for a, b in zip(judge.weights, coef, strict=True)) <= scale


# --- The judge in the Screener (Screener.load(judge=True); off in the bot) -----------------

#: A sibling's fever and how to protect the patient, who is well: the rules alone alarm
#: (a fever word with someone the rules cannot tell apart), the shipped judge asks instead.
SIBLING = (
    "Starsza córka ma gorączkę, jak chronić młodszego syna z neutropenią? On sam ma się dobrze."
)


def _wired(rules: Screener, judge: Judge) -> Screener:
    screener = copy.copy(rules)
    screener.judge = judge
    return screener


def test_the_judge_is_off_unless_asked_for(tmp_path: Path) -> None:
    """Off in the bot: on the unseen fresh7 it asked about three real warnings."""
    assert Screener.load().judge is None
    assert Screener.load(judge=False).judge is None
    assert Screener.load(judge=True).judge is not None
    shutil.copy(RULES_DIR / "en.yaml", tmp_path / "en.yaml")
    assert Screener.load(tmp_path).judge is None
    assert Screener.load(tmp_path, judge=JUDGE_FILE).judge is not None


def test_a_wired_judge_asks_where_it_is_sure_and_yes_gives_the_same_answer(
    rules: Screener, marked: Judged
) -> None:
    screener = _wired(rules, marked.judge)
    alone = rules.screen(f"she has a fever {MARK}", "en")
    assert alone is not None and alone.kind == "urgent" and alone.message_key == "urgent_fever"
    asked = screener.screen(f"she has a fever {MARK}", "en")
    assert asked is not None and asked.kind == "confirm" and asked.message_key == "confirm_sign"
    assert asked.confirmed().message_key == "urgent_fever"
    found = screener.screen("she has a fever", "en")
    assert found is not None and found.kind == "urgent"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (f"she has 38.9 {MARK}", "a reading at or above the threshold"),
        (f"he is fitting and will not wake up {MARK}", "the emergency answer"),
        (f"my 5 week old feels hot {MARK}", "a baby under 3 months"),
        (f"she has had a fever since yesterday {MARK}", "the sign is still going on"),
        (f"elle a de la fièvre depuis hier soir {MARK}", "depuis: still going on"),
    ],
)
def test_the_screener_keeps_these_answers_from_the_judge(
    rules: Screener, marked: Judged, text: str, why: str
) -> None:
    lang = "fr" if "elle" in text else "en"
    alone = rules.screen(text, lang)
    assert alone is not None and alone.kind == "urgent", why
    assert _wired(rules, marked.judge).screen(text, lang) == alone, why


def test_a_reply_to_the_temperature_question_is_kept_from_the_judge(
    rules: Screener, marked: Judged
) -> None:
    screener = _wired(rules, marked.judge)
    found = screener.screen(f"a fever {MARK}", "en", expecting_temperature=True)
    assert found is not None and found.kind == "urgent"
    asked = screener.screen(f"a fever {MARK}", "en")
    assert asked is not None and asked.kind == "confirm"


def test_the_shipped_judge_asks_about_a_siblings_fever_the_rules_alarm_on() -> None:
    alone = Screener.load(judge=False).screen(SIBLING, "pl")
    assert alone is not None and alone.kind == "urgent"
    asked = Screener.load(judge=True).screen(SIBLING, "pl")
    assert asked is not None and asked.kind == "confirm"
    assert asked.rule == f"judge:{alone.rule}"  # the log shows the judge asked
    assert asked.confirmed().message_key == alone.message_key


async def test_through_the_service_the_judged_question_has_the_numbers_and_yes_is_urgent(
    tmp_path: Path,
) -> None:
    deployment = Deployment(emergency_number="112", urgent_advice_number="116117")
    svc = await make_service(
        tmp_path / "bot.db", screener=Screener.load(judge=True), deployment=deployment
    )
    try:
        person = Person(Pseudonymizer(TEST_KEY).of("test", "77"), locale="pl", consent=True)
        session = Session(node="prevention/hands", profile={}, updated_at=Clock().now)
        await svc.store.commit(person, session, (), None)
        question = await svc.handle(Inbound("test", "77", "text", SIBLING))
        asking = next(m for m in question.messages if m.buttons)
        assert not any(m.urgent for m in question.messages)
        assert "112" in asking.text  # the question shows the numbers too
        yes = next(data for _, data in asking.buttons if data.startswith(CONFIRM_YES))
        answer = await svc.handle(Inbound("test", "77", "choice", yes))
        assert answer.messages[0].urgent and "112" in answer.messages[0].text
        rows = await svc.store.transcript(person.pseudonym)
        asked = [r.rule for r in rows if r.kind == "escalation" and r.flag == "confirm"]
        assert asked and str(asked[0]).startswith("judge:")
    finally:
        await svc.close()
