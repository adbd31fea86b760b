"""Rule files: the shipped ones load; each broken one gives its message at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety.rules import RuleError, load_rule_file
from bot.safety.screen import RULES_DIR
from tests.support.safety import shipped_rules

BAD = Path(__file__).parent / "data" / "redflags" / "bad_rules"


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path} must start with '# expect: line:col: message'"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_rule_files_load(path: Path) -> None:
    rules = shipped_rules(path.stem)
    assert rules.language == path.stem
    assert rules.phrases
    assert all(p.rule.split(".")[0] in ("temperature", "sign", "distress") for p in rules.phrases)


def test_every_language_covers_every_english_sign() -> None:
    english = {p.rule for p in shipped_rules("en").phrases}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        rules = {p.rule for p in shipped_rules(path.stem).phrases}
        missing = {r for r in english if r.startswith("sign.")} - rules
        assert not missing, f"{path.name} has no phrases for {sorted(missing)}"


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_rule_file(path: Path) -> None:
    with pytest.raises(RuleError) as info:
        load_rule_file(path, "xx")
    want = f"{path}:{_expected(path)}"
    assert any(str(p).startswith(want) for p in info.value.problems), str(info.value)


def test_file_name_must_be_a_language(tmp_path: Path) -> None:
    path = tmp_path / "german.yaml"
    path.write_text("signs:\n  floppy: [schlaff]\n", encoding="utf-8")
    with pytest.raises(RuleError, match="name a rule file by its language"):
        load_rule_file(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "de.yaml"
    path.write_bytes("signs:\n  floppy: [schläfrig]\n".encode("latin-1"))
    with pytest.raises(RuleError, match="not UTF-8"):
        load_rule_file(path)


def test_tilde_marks_a_negated_phrase(tmp_path: Path) -> None:
    path = tmp_path / "de.yaml"
    path.write_text(
        "signs:\n  fast_breathing: ['~ atmet nicht schnell', 'atmet schnell']\n", encoding="utf-8"
    )
    phrases = load_rule_file(path).phrases
    assert [(p.source, p.negated) for p in phrases] == [
        ("~ atmet nicht schnell", True),
        ("atmet schnell", False),
    ]
