"""scripts/merge_po.py merges catalogs entry by entry in a real git merge."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
HEADER = """msgid ""
msgstr ""
"Project-Id-Version: t\\n"
"Language: de\\n"
"X-Medical-Review: none\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

"""


def entry(msgid: str, msgstr: str) -> str:
    return f'#: dialogs/a.yaml:1\nmsgctxt "a/{msgid}"\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n\n'


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.org")
    git(tmp_path, "config", "user.name", "t")
    git(
        tmp_path,
        "config",
        "merge.po.driver",
        f"{sys.executable} {ROOT / 'scripts/merge_po.py'} %O %A %B %P",
    )
    (tmp_path / ".gitattributes").write_text("*.po merge=po\n")
    (tmp_path / "m.po").write_text(HEADER + entry("Hello", "Hallo") + entry("Yes", "Ja"))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def catalog(repo: Path) -> dict[str, str]:
    with (repo / "m.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def commit_on(repo: Path, branch: str, text: str) -> None:
    git(repo, "checkout", "-q", "-B", branch, "main")
    (repo / "m.po").write_text(text)
    git(repo, "commit", "-q", "-am", branch)


def test_entries_added_on_both_sides_next_to_each_other_merge_cleanly(repo: Path) -> None:
    base = HEADER + entry("Hello", "Hallo")
    commit_on(repo, "one", base + entry("No", "Nein") + entry("Yes", "Ja"))
    commit_on(repo, "two", base + entry("Maybe", "Vielleicht") + entry("Yes", "Jawohl"))
    git(repo, "checkout", "-q", "one")
    result = git(repo, "merge", "-q", "--no-edit", "two")
    assert result.returncode == 0, result.stdout + result.stderr
    assert catalog(repo) == {"Hello": "Hallo", "No": "Nein", "Maybe": "Vielleicht", "Yes": "Jawohl"}
    assert "X-Medical-Review: none" in (repo / "m.po").read_text()


def test_the_same_entry_translated_differently_is_a_conflict(repo: Path) -> None:
    commit_on(repo, "one", HEADER + entry("Hello", "Servus") + entry("Yes", "Ja"))
    commit_on(repo, "two", HEADER + entry("Hello", "Moin") + entry("Yes", "Ja"))
    git(repo, "checkout", "-q", "one")
    result = git(repo, "merge", "-q", "--no-edit", "two")
    assert result.returncode != 0
    assert "'Hello'" in result.stdout + result.stderr
    assert catalog(repo)["Hello"] == "Servus"
