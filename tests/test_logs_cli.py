"""`neutroguide logs` as operators run it: real subprocesses on a seeded SQLite database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.cli.logs import EXPORT_FIELDS, iso
from bot.engine.types import Session
from bot.store import LogRow, Person, open_store
from tests.support.cli import neutroguide
from tests.support.review import FLAGGED, ROOT, seed

ALICE = Person(pseudonym="a1" * 16, locale="de", status="active")
BOB = Person(pseudonym="b2" * 16, locale="en", status="stopped")
T0 = 1_763_766_000.0  # 2025-11-21T23:00:00Z

ALICE_ROWS = [
    LogRow("in", "command", node=None, message_id="10", text="/start", at=T0),
    LogRow("out", "reply", node="welcome/hello", message_id="11", at=T0 + 1),
    LogRow("in", "text", node="fever/ask", message_id="12", text="39,2\nsince noon", at=T0 + 60),
    LogRow("out", "flag", node="fever/high", flag="red", rule="fever-over-threshold", at=T0 + 61),
    LogRow("out", "reply", node="fever/high", message_id="13", at=T0 + 61),
    LogRow("out", "unanswered", node="fever/high", flag="unanswered", at=T0 + 62),
]
BOB_ROWS = [
    LogRow("in", "choice", node="menu/main", message_id="20", at=T0 + 3600),
    LogRow("out", "reply", node="menu/hygiene", message_id="21", at=T0 + 3601),
]


@pytest.fixture
async def database(tmp_path: Path) -> str:
    """A SQLite file with two conversations, written through the real store."""
    url = f"sqlite:///{tmp_path / 'logs.db'}"
    store = await open_store(url)
    try:
        assert await store.commit(ALICE, Session(node="fever/high"), ALICE_ROWS, "in-1")
        assert await store.commit(BOB, Session(node="menu/hygiene"), BOB_ROWS, "in-2")
    finally:
        await store.close()
    return url


@pytest.mark.slow
def test_list_shows_conversations_newest_first(database: str, tmp_path: Path) -> None:
    result = neutroguide(database, "logs", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert " ".join(lines[0].split()) == (
        "PSEUDONYM LAST ACTIVE (UTC) MSGS UNANSWERED FLAGS STATUS LANG"
    )
    bob, alice = lines[2], lines[3]
    assert bob.split() == [BOB.pseudonym, iso(T0 + 3601), "2", "0", "-", "stopped", "en"]
    # The unanswered row counts as unanswered (not again among the flags).
    assert alice.split() == [ALICE.pseudonym, iso(T0 + 62), "4", "1", "red=1", "active", "de"]
    assert max(map(len, lines)) <= 100
    assert "2 conversation(s)." in result.stdout


@pytest.mark.slow
def test_list_limit(database: str, tmp_path: Path) -> None:
    result = neutroguide(database, "logs", "list", "--limit", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert BOB.pseudonym in result.stdout and ALICE.pseudonym not in result.stdout
    assert "raise --limit" in result.stdout


@pytest.mark.slow
def test_show_wide_prints_every_column_in_order(database: str, tmp_path: Path) -> None:
    result = neutroguide(database, "logs", "show", ALICE.pseudonym, "--wide", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "Pseudonym",
        ALICE.pseudonym,
        "status",
        "active",
        "locale",
        "de",
        "now",
        "at",
        "fever/high",
    ]
    header = lines.index(next(line for line in lines if line.startswith("TIME (UTC)")))
    body = lines[header + 2 : header + 2 + len(ALICE_ROWS)]
    assert [line.split()[:3] for line in body] == [
        [iso(r.at), r.direction, r.kind] for r in ALICE_ROWS
    ]
    assert body[0].split()[3:] == ["-", "10", "-", "/start"]
    # newlines inside typed text are flattened so the table stays one row per entry
    assert body[2].split()[3:] == ["fever/ask", "12", "-", "39,2", "since", "noon"]
    assert body[3].split()[3:] == ["fever/high", "-", "red/fever-over-threshold", "-"]
    assert f"{len(ALICE_ROWS)} log row(s)." in result.stdout
    assert BOB.pseudonym not in result.stdout


@pytest.mark.slow
def test_show_unknown_pseudonym_fails(database: str, tmp_path: Path) -> None:
    result = neutroguide(database, "logs", "show", "0" * 32, cwd=tmp_path)
    assert result.returncode == 1
    assert "no conversation with pseudonym " + "0" * 32 in result.stderr


@pytest.fixture
async def readable(tmp_path: Path) -> str:
    """The review app's seeded German conversation (real content ids) and an English one."""
    url = f"sqlite:///{tmp_path / 'readable.db'}"
    store = await open_store(url)
    try:
        await seed(store)
    finally:
        await store.close()
    return url


@pytest.mark.slow
def test_show_reads_labels_and_bot_text_by_prefix_in_100_columns(
    readable: str, tmp_path: Path
) -> None:
    # From the project folder, where dialogs/ and locales/ are (the defaults).
    result = neutroguide(readable, "logs", "show", FLAGGED.pseudonym[:4], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 100
    assert lines[2].split() == ["TIME", "(UTC)", "WHO", "STEP", "WHAT"]
    text = result.stdout
    assert "person  menu/main  [So wird gemessen]" in text
    assert "en: [How to measure]" in text
    assert "bot     fever/ask  Die meisten Ratschläge zu Fieber" in text
    assert "en: Most fever advice was written" in text
    assert "URGENT: Bitte rufen Sie jetzt" in text
    assert "!! escalation urgent/fever.high" in text
    assert "Was ist ANC?" in text


@pytest.mark.slow
def test_show_wide_keeps_whole_texts(readable: str, tmp_path: Path) -> None:
    wide = neutroguide(readable, "logs", "show", FLAGGED.pseudonym, "--wide", cwd=tmp_path)
    assert wide.returncode == 0, wide.stderr
    assert "fever/ask#" in wide.stdout  # message ids, as stored


@pytest.mark.parametrize(
    ("given", "message"),
    [("e", "no conversation with pseudonym e"), ("zz!", "is not a pseudonym")],
)
@pytest.mark.slow
def test_show_refuses_unknown_or_malformed_prefixes(
    readable: str, tmp_path: Path, given: str, message: str
) -> None:
    result = neutroguide(readable, "logs", "show", given, cwd=tmp_path)
    assert result.returncode == 1 and message in result.stderr


@pytest.mark.slow
async def test_show_refuses_an_ambiguous_prefix(readable: str, tmp_path: Path) -> None:
    store = await open_store(readable)
    try:
        twin = Person("abff" + "0" * 28, locale="en")
        assert await store.commit(twin, Session(), [LogRow("in", "command", None, "start")], "t")
    finally:
        await store.close()
    result = neutroguide(readable, "logs", "show", "ab", cwd=tmp_path)
    assert result.returncode == 1 and "several pseudonyms start with ab" in result.stderr


def expected_records() -> list[dict[str, str | None]]:
    """Every seeded row as an export record, oldest first."""
    seeded = [(ALICE.pseudonym, r) for r in ALICE_ROWS] + [(BOB.pseudonym, r) for r in BOB_ROWS]
    return [
        {
            "pseudonym": p,
            "at": iso(r.at),
            "direction": r.direction,
            "kind": r.kind,
            "node": r.node,
            "message_id": r.message_id,
            "text": r.text,
            "flag": r.flag,
            "rule": r.rule,
        }
        for p, r in sorted(seeded, key=lambda item: item[1].at)
    ]


@pytest.mark.slow
def test_export_csv_to_stdout(database: str, tmp_path: Path) -> None:
    result = neutroguide(database, "logs", "export", "--format", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert tuple(reader.fieldnames or ()) == EXPORT_FIELDS
    expected = [{k: "" if v is None else v for k, v in r.items()} for r in expected_records()]
    assert list(reader) == expected


@pytest.mark.slow
def test_export_jsonl_to_file(database: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "log.jsonl"
    target.parent.mkdir()
    result = neutroguide(
        database, "logs", "export", "--format", "jsonl", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert records == expected_records()
    assert f"Exported {len(records)} log row(s)" in result.stderr


@pytest.mark.slow
def test_stats(database: str, tmp_path: Path) -> None:
    result = neutroguide(database, "logs", "stats", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    counts = {
        " ".join(line.split()[:-1]): line.split()[-1] for line in result.stdout.splitlines()[2:]
    }
    assert counts["people"] == "2"
    assert counts["stopped"] == "1"
    assert counts["messages in"] == "3"
    assert counts["messages out"] == "3"
    assert counts["unanswered"] == "1"
    assert counts["flags red=1,"] == "unanswered=1"


@pytest.mark.slow
def test_missing_database_is_reported_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = neutroguide(f"sqlite:///{missing}", "logs", "list", cwd=tmp_path)
    assert result.returncode == 1
    assert "no database file" in result.stderr and "DATABASE_URL" in result.stderr
    assert not missing.exists()


@pytest.mark.slow
def test_bad_database_url_is_reported(tmp_path: Path) -> None:
    result = neutroguide("mysql://u@h/db", "logs", "list", cwd=tmp_path)
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
