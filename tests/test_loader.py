"""The dialog loader and validator: good content loads, every bad file gives its message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.loader import ContentError, load_dialogs
from bot.content.yamlpos import MAX_NODES, YamlRefused, load_with_positions
from tests.support.content import BAD, ROOT, expectation, good_dialogs

BAD_FILES = sorted(BAD.glob("*.yaml"))


def test_good_set_loads(tmp_path: Path) -> None:
    dialogs = load_dialogs(good_dialogs(tmp_path))
    assert dialogs.menu == "menu/main"
    assert dialogs.welcome == "welcome/hello"
    urgent = dialogs.nodes["menu/urgent"]
    assert urgent.flag == "red" and urgent.end
    assert urgent.say[0].text.safety
    assert urgent.say[0].text.context == "menu/urgent"
    assert dialogs.fields["last_temperature"] == "temperature"
    assert dialogs.fields["age_group"] == "text"
    # a bare dialog id as goto leads to that dialog's start
    assert dialogs.nodes["welcome/child"].branches[0].goto == "menu/main"


def test_text_keeps_line_numbers(tmp_path: Path) -> None:
    dialogs = load_dialogs(good_dialogs(tmp_path))
    text = dialogs.nodes["menu/check"].say[0].text
    source = (tmp_path / "menu.yaml").read_text().splitlines()
    assert "Type a temperature." in source[text.line - 1]


@pytest.mark.parametrize("bad", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_bad_file_reports_file_line_and_fix(tmp_path: Path, bad: Path) -> None:
    directory = good_dialogs(tmp_path)
    shutil.copy(bad, directory / bad.name)
    expect, line = expectation(bad)
    with pytest.raises(ContentError) as caught:
        load_dialogs(directory)
    matching = [p for p in caught.value.problems if expect in p.message]
    assert matching, f"no problem says {expect!r}: {caught.value}"
    assert matching[0].file.endswith(bad.name)
    assert matching[0].line == line, str(matching[0])


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    directory = good_dialogs(tmp_path)
    for bad in BAD_FILES:
        shutil.copy(bad, directory / bad.name)
    with pytest.raises(ContentError) as caught:
        load_dialogs(directory)
    files = {Path(p.file).name for p in caught.value.problems}
    assert files >= {b.name for b in BAD_FILES}


def test_missing_system_message_is_named(tmp_path: Path) -> None:
    directory = good_dialogs(tmp_path)
    system = directory / "system.yaml"
    system.write_text(system.read_text().replace("  back_nothing:", "  back_nothing_x:"))
    with pytest.raises(ContentError, match="system message 'back_nothing' is missing"):
        load_dialogs(directory)


def test_missing_menu_dialog(tmp_path: Path) -> None:
    directory = good_dialogs(tmp_path)
    (directory / "menu.yaml").unlink()
    with pytest.raises(ContentError, match="no dialog with id 'menu'"):
        load_dialogs(directory)


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no dialog files"):
        load_dialogs(tmp_path)


def _cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_validate_cli_clean_exit_zero() -> None:
    result = _cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")


@pytest.mark.slow
def test_validate_cli_lists_problems_and_exits_one(tmp_path: Path) -> None:
    directory = good_dialogs(tmp_path / "d")
    shutil.copy(BAD / "goto_missing.yaml", directory)
    shutil.copy(BAD / "dead_end.yaml", directory)
    result = _cli("validate", str(directory))
    assert result.returncode == 1
    assert "goto_missing.yaml:18:15: goto 'nowhere' leads nowhere" in result.stdout
    assert "dead_end.yaml:14:3: node 'a' is a dead end" in result.stdout
    assert "2 problem(s) found" in result.stderr


def _with_bad_file(tmp_path: Path, name: str, text: str | None = None) -> Path:
    """The small good set plus one hostile file (copied from the bad data, or ``text``)."""
    directory = good_dialogs(tmp_path / "d")
    target = directory / name
    if text is None:
        shutil.copy(BAD / name, target)
    else:
        target.write_text(text, encoding="utf-8")
    return directory


def _oversized() -> str:
    """A valid dialog file of just over 1 MB (one huge message)."""
    return f'id: big\ntitle: Big\nstart: a\nnodes:\n  a:\n    say: "{"x" * 1_000_100}"\n'


HOSTILE = {
    # name: (text or None to copy from the bad data, the message, its line)
    "yaml_bomb.yaml": (None, "yaml_bomb.yaml:4:4: YAML anchor '&a' is not allowed"),
    "deep_nesting.yaml": (None, "deep_nesting.yaml:4:57: nested more than 50 levels deep"),
    "big.yaml": (_oversized(), "big.yaml:1:1: file is 1,000,152 bytes; a dialog file may"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validate_cli_refuses_hostile_file_fast(tmp_path: Path, name: str) -> None:
    text, expect = HOSTILE[name]
    directory = _with_bad_file(tmp_path, name, text)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(directory)],
        capture_output=True,
        text=True,
        timeout=20,  # the bomb alone took 60 s to a MemoryError before
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert expect in result.stdout
    assert "1 problem(s) found" in result.stderr
    assert "Traceback" not in result.stderr


def test_many_nodes_refused(tmp_path: Path) -> None:
    items = "\n".join(f"  - {i}" for i in range(MAX_NODES + 10))
    directory = _with_bad_file(tmp_path, "wide.yaml", f"id: wide\nkeywords:\n{items}\n")
    with pytest.raises(ContentError) as caught:
        load_dialogs(directory)
    [problem] = caught.value.problems
    assert problem.file.endswith("wide.yaml")
    assert f"more than {MAX_NODES} YAML entries" in problem.message
    assert problem.line == MAX_NODES - 2  # 5 entries before the list, one item a line


def test_alias_refused_with_line() -> None:
    with pytest.raises(YamlRefused) as caught:
        load_with_positions("a: &x [1]\nb: 2\n")
    assert caught.value.pos.line == 1 and "'&x'" in caught.value.message
    with pytest.raises(YamlRefused) as caught:
        load_with_positions("a: 1\nb: *x\n")
    assert caught.value.pos.line == 2 and "'*x'" in caught.value.message


@pytest.mark.slow
@pytest.mark.parametrize("command", ["chat", "run"])
def test_chat_and_run_refuse_to_start_with_a_bomb(tmp_path: Path, command: str) -> None:
    directory = _with_bad_file(tmp_path, "yaml_bomb.yaml")
    env = {k: v for k, v in os.environ.items() if k not in {"PSEUDONYM_KEY", "DEPLOYMENT_FILE"}}
    env |= {
        "DIALOGS_DIR": str(directory),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "TELEGRAM_TOKEN": "123:abc",
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # never reached: content is checked first
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", command],
        input="/quit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=20,
        check=False,
    )
    assert result.returncode != 0
    assert "yaml_bomb.yaml:4:4: YAML anchor '&a' is not allowed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bot.db").exists() or command == "run"


def test_system_files_carry_their_sources(tmp_path: Path) -> None:
    dialogs = load_dialogs(ROOT / "dialogs")
    assert set(dialogs.system_reviews) == {
        "system.yaml",
        "system_i18n.yaml",
        "system_safety.yaml",
        "system_search.yaml",
    }
    safety = dialogs.system_reviews["system_safety.yaml"]
    assert safety.status == "not-reviewed"
    assert any("NG51" in s.title for s in safety.sources)
    directory = good_dialogs(tmp_path)
    text = (directory / "system_i18n.yaml").read_text(encoding="utf-8")
    start, end = text.index("review:"), text.index("\nsystem:")
    (directory / "system_i18n.yaml").write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_dialogs(directory)
    missing = [p for p in caught.value.problems if "missing 'review:'" in p.message]
    assert missing and missing[0].file.endswith("system_i18n.yaml"), str(caught.value)


def test_a_signed_off_dialog_carries_who_and_when(tmp_path: Path) -> None:
    directory = good_dialogs(tmp_path)
    signed = (BAD / "reviewed_without_date.yaml").read_text(encoding="utf-8")
    signed = signed.replace("  next_review:", "  reviewed_on: 2026-12-01\n  next_review:", 1)
    (directory / "signed.yaml").write_text(signed, encoding="utf-8")
    review = load_dialogs(directory).dialogs["nosignoffdate"].review
    assert review.status == "reviewed"
    assert review.reviewed_by == "Dr A. Example, consultant haematologist"
    assert review.reviewed_on == "2026-12-01"
