"""`neutroguide operators` as an admin runs it: real subprocesses on a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.review.passwords import verify_password
from bot.store import open_store
from bot.store.operators import OperatorStore
from tests.support.cli import neutroguide

pytestmark = pytest.mark.slow  # real processes, argon2 hashing

PASSWORD = "a long enough secret"


def _with_stdin(url: str, stdin: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PSEUDONYM_KEY", "DEPLOYMENT_FILE"}}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ops.db'}"


async def _stored(url: str, name: str) -> tuple[str, str, bool] | None:
    store = await open_store(url)
    try:
        found = await OperatorStore(store).get(name)
    finally:
        await store.close()
    return None if found is None else (found.role, found.password_hash, found.disabled)


async def test_add_reads_the_password_from_stdin_and_stores_only_an_argon2_hash(
    url: str, tmp_path: Path
) -> None:
    result = _with_stdin(
        url, PASSWORD + "\n", "operators", "add", "nurse.kim", "--role", "admin", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Added nurse.kim (admin)" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    stored = await _stored(url, "nurse.kim")
    assert stored is not None
    role, hashed, disabled = stored
    assert role == "admin" and not disabled
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD) and not verify_password(hashed, "wrong password!")


async def test_list_and_disable(url: str, tmp_path: Path) -> None:
    for name in ("zed", "amy"):
        assert _with_stdin(url, PASSWORD, "operators", "add", name, cwd=tmp_path).returncode == 0
    listed = neutroguide(url, "operators", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "STATE", "ADDED", "(UTC)"]
    assert [line.split()[:3] for line in lines[2:]] == [
        ["amy", "reviewer", "active"],
        ["zed", "reviewer", "active"],
    ]
    disabled = neutroguide(url, "operators", "disable", "amy", cwd=tmp_path)
    assert disabled.returncode == 0 and "Disabled amy" in disabled.stdout
    assert (await _stored(url, "amy") or ("", "", False))[2] is True
    relisted = neutroguide(url, "operators", "list", cwd=tmp_path).stdout.splitlines()
    assert relisted[2].split()[:3] == ["amy", "reviewer", "disabled"]


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("kim", "short", "at least 12 characters"),
        ("bad name!", PASSWORD, "not a usable name"),
    ],
)
def test_bad_input_is_refused_calmly(
    url: str, tmp_path: Path, name: str, password: str, message: str
) -> None:
    result = _with_stdin(url, password, "operators", "add", name, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_taken_name_and_an_unknown_one(url: str, tmp_path: Path) -> None:
    assert _with_stdin(url, PASSWORD, "operators", "add", "kim", cwd=tmp_path).returncode == 0
    again = _with_stdin(url, PASSWORD, "operators", "add", "kim", cwd=tmp_path)
    assert again.returncode == 1 and "already an operator called 'kim'" in again.stderr
    missing = neutroguide(url, "operators", "disable", "nobody", cwd=tmp_path)
    assert missing.returncode == 1 and "no operator called 'nobody'" in missing.stderr
