"""Our catalogs next to the tools translators use: pybabel, polib; file layout and review header.

Each test works on a copy (of the real catalogs, or of a small project), never on the shipped
files, and does not depend on the shipped files having been rewritten in the new layout.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from bot.i18n import check as checker
from bot.i18n import workflow
from bot.i18n.check import LocaleReport
from tests.support.content import REVIEW_BLOCK, ROOT
from tests.test_i18n_cli import run, translate_all

LOCALES = ("ar", "de", "es", "fr", "pl")
REVIEW = "X-Medical-Review"
UNCHECKED = "not checked by a professional medical translator"
PYBABEL = Path(sys.executable).parent / "pybabel"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)


def real_copy(root: Path, commit: bool = False) -> Path:
    """The repository's dialogs, catalogs and Babel mapping under ``root`` (a git repo)."""
    shutil.copytree(ROOT / "dialogs", root / "dialogs")
    shutil.copytree(ROOT / "locales", root / "locales")
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    if commit:
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.email", "t@example.org")
        git(root, "config", "user.name", "t")
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", "copy")
    return root


def po(root: Path, lang: str) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / "messages.po"


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


@pytest.mark.slow
def test_pybabel_update_drops_the_review_header_check_fails_and_update_restores_it(
    tmp_path: Path,
) -> None:
    root = real_copy(tmp_path)
    de = po(root, "de")
    # A reviewed catalog: the value must come back as it was, not as a default.
    reviewed = de.read_text(encoding="utf-8").replace(
        f"{REVIEW}: {UNCHECKED}", f"{REVIEW}: checked by Dr A Example, 2026-11-30"
    )
    de.write_text(reviewed, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.org")
    git(root, "config", "user.name", "t")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "copy")

    babel = subprocess.run(
        [str(PYBABEL), "update", "-i", "locales/messages.pot", "-d", "locales"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert babel.returncode == 0, babel.stderr
    for lang in LOCALES:
        assert REVIEW not in po(root, lang).read_text(encoding="utf-8"), "pybabel kept it now?"

    check = run("check", cwd=root)
    assert check.returncode == 1
    for lang in LOCALES:
        assert f"{po(root, lang).relative_to(root)}: no {REVIEW} header" in check.stdout
    assert "run `neutroguide i18n update` to restore it" in check.stdout

    update = run("update", cwd=root)
    assert update.returncode == 0, update.stderr
    assert f"restored {REVIEW}: checked by Dr A Example, 2026-11-30" in update.stdout
    assert f"{REVIEW}: checked by Dr A Example, 2026-11-30\\n" in de.read_text(encoding="utf-8")
    assert f"{REVIEW}: {UNCHECKED}\\n" in po(root, "fr").read_text(encoding="utf-8")
    assert run("check", cwd=root).returncode == 0


@pytest.mark.slow
def test_a_missing_review_header_without_git_history_fails_check_with_the_fix(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, "Hello")
    de = po(root, "de")
    de.write_text(
        "\n".join(x for x in de.read_text("utf-8").splitlines() if REVIEW not in x) + "\n",
        encoding="utf-8",
    )
    [updated, _] = workflow.update(root / "locales")
    assert updated.restored_review is None
    assert REVIEW not in de.read_text("utf-8"), "nothing to restore from: nothing invented"
    check = run("check", "--json", cwd=root)
    assert check.returncode == 1
    assert "add the line" in check.stdout and UNCHECKED in check.stdout


@pytest.mark.slow
def test_a_polib_edit_of_one_translation_is_a_one_line_diff(tmp_path: Path) -> None:
    """Write the real catalogs in our layout, then edit one msgstr with polib as a script
    would (default settings) and save: exactly that line changes."""
    root = real_copy(tmp_path)
    assert run("update", cwd=root).returncode == 0
    for lang in LOCALES:
        path = po(root, lang)
        before = path.read_text(encoding="utf-8")
        catalog = polib.pofile(str(path))
        entry = next(e for e in catalog if e.msgctxt == "about/_title")
        entry.msgstr += " (2)"
        catalog.save()
        lines = changed_lines(before, path.read_text(encoding="utf-8"))
        assert len(lines) == 2, (lang, lines)
        assert lines[0].startswith("-msgstr") and lines[1].endswith(' (2)"')


@pytest.mark.slow
def test_real_catalogs_written_by_update_are_what_polib_writes(tmp_path: Path) -> None:
    """The layout is polib's own, including long paragraphs and multi-line texts."""
    root = real_copy(tmp_path)
    assert run("update", cwd=root).returncode == 0
    for path in [*(po(root, lang) for lang in LOCALES), root / "locales" / "messages.pot"]:
        text = path.read_text(encoding="utf-8")
        assert str(polib.pofile(text)) == text, path
        assert "\n#~ " not in text, "shipped catalogs carry no obsolete entries"


DIALOG = (
    """\
id: demo
title: Demo
"""
    + REVIEW_BLOCK
    + """\
start: ask
nodes:
  ask:
    say: "{text}"
    choices:
      - label: "Again"
        goto: ask
      - label: "More"
        goto: more
  more:
    say: "{long}"
"""
)
LONG = (
    "A second step with a long paragraph that needs wrapping in every catalog format, "
    "because it is much longer than seventy-nine characters.\\nAnd a second line."
)


def project(root: Path, say: str, with_more: bool = True) -> Path:
    (root / "dialogs").mkdir(parents=True, exist_ok=True)
    text = DIALOG.format(text=say, long=LONG)
    if not with_more:
        text = text.split('      - label: "More"')[0]
    (root / "dialogs" / "demo.yaml").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    locales = root / "locales"
    if not (locales / "messages.pot").exists():  # set up in-process: the CLI runs are slow
        workflow.write_template(workflow.extract(root), locales / "messages.pot")
        for lang in ("de", "pl"):
            workflow.init(locales, lang)
            translate_all(po(root, lang), lang.upper())
        workflow.update(locales)
    return root


def test_update_leaves_unchanged_catalogs_untouched(tmp_path: Path) -> None:
    """What ``neutroguide i18n update`` does (extract, write the template, update), in-process."""
    root = project(tmp_path, "How are you?")
    locales = root / "locales"
    files = [po(root, "de"), po(root, "pl"), locales / "messages.pot"]
    old = 1_000_000_000
    for path in files:
        os.utime(path, ns=(old, old))
    before = {path: path.read_bytes() for path in files}
    assert not workflow.write_template(workflow.extract(root), locales / "messages.pot")
    assert [u.written for u in workflow.update(locales)] == [False, False]
    for path in files:
        assert path.stat().st_mtime_ns == old, path
        assert path.read_bytes() == before[path]

    project(root, "How are you today?")
    assert workflow.write_template(workflow.extract(root), locales / "messages.pot")
    assert [u.written for u in workflow.update(locales)] == [True, True]
    assert all(path.stat().st_mtime_ns != old for path in files)


@pytest.mark.slow
def test_update_drops_obsolete_entries(tmp_path: Path) -> None:
    root = project(tmp_path, "How are you?")
    assert "A second step" in po(root, "de").read_text("utf-8")
    project(root, "How are you?", with_more=False)
    done = run("update", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "2 obsolete dropped" in done.stdout, done.stdout
    for lang in ("de", "pl"):
        text = po(root, lang).read_text("utf-8")
        assert "#~" not in text and "A second step" not in text


def test_written_catalogs_are_a_fixed_point_of_polib(tmp_path: Path) -> None:
    root = project(tmp_path, "How are you?")
    for path in (po(root, "de"), po(root, "pl"), root / "locales" / "messages.pot"):
        text = path.read_text("utf-8")
        assert str(polib.pofile(text)) == text


def test_done_never_says_100_percent_with_a_broken_entry(tmp_path: Path) -> None:
    report = LocaleReport("de", "x.po", total=2000, translated=1999)
    assert report.percent_shown == "99.9%", "rounded down, not up to 100.0%"
    assert LocaleReport("de", "x.po", total=5, translated=5).percent_shown == "100.0%"

    root = project(tmp_path, "Call {emergency_number}.")
    de = po(root, "de")
    de.write_text(de.read_text("utf-8").replace("DE Call {emergency_number}.", "DE Call."), "utf-8")
    [found] = checker.check_all(root / "locales", ["de"])
    assert found.errors and found.broken_entries == 1
    row = next(line for line in checker.table([found]).splitlines() if line.startswith("de "))
    assert "100.0%" not in row, row
    # 5 texts: 3 translated, the placeholder-broken one and the untranslated multi-line one not.
    assert row.split()[1:5] == ["60.0%", "0", "1", "1"], row


def poedit_width(text: str) -> int:
    """The wrap width Poedit detects in a file ("preserve formatting", its default): the
    longest soft-wrapped line (not a comment, not ending in \\n, with a space)."""
    lines = [
        line
        for line in text.splitlines()
        if not line.startswith(("#. ", "# "))
        and not line.endswith('\\n"')
        and line not in ('msgid ""', 'msgstr ""')
    ]
    return max(len(line) for line in lines if line.rfind(" ") > 2)


@pytest.mark.slow
def test_a_poedit_save_then_update_is_a_one_line_diff(tmp_path: Path) -> None:
    """Poedit saves by running GNU ``msgcat --width=<detected>`` over the file, which rewraps
    it in gettext's layout; ``neutroguide i18n update`` puts it back, leaving the edit."""
    msgcat = shutil.which("msgcat")
    assert msgcat, "GNU gettext's msgcat (Debian package gettext) is needed for this test"
    root = real_copy(tmp_path)
    assert run("update", cwd=root).returncode == 0
    de = po(root, "de")
    before = de.read_text(encoding="utf-8")
    edited = before.replace('msgstr "Über diesen Ratgeber"', 'msgstr "Über diesen Ratgeber (2)"', 1)
    assert edited != before
    saved = subprocess.run(
        [msgcat, "--force-po", f"--width={poedit_width(before)}", "-"],
        input=edited,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    de.write_text(saved, encoding="utf-8")
    assert len(changed_lines(before, saved)) > 100, "msgcat rewrapped the file"
    done = run("update", "--no-extract", "--locale", "de", cwd=root)
    assert done.returncode == 0, done.stderr
    lines = changed_lines(before, de.read_text(encoding="utf-8"))
    assert lines == ['-msgstr "Über diesen Ratgeber"', '+msgstr "Über diesen Ratgeber (2)"']


@pytest.mark.slow
def test_update_after_a_long_text_changes_runs_again_cleanly(tmp_path: Path) -> None:
    """Real `neutroguide i18n update` processes: a changed English paragraph longer than a line
    left unquoted `#|` lines behind, and the next update crashed reading them back."""
    root = real_copy(tmp_path)
    water = root / "dialogs" / "water.yaml"
    old = "Water can carry germs. One germ, Cryptosporidium"
    assert old in water.read_text(encoding="utf-8")
    water.write_text(
        water.read_text(encoding="utf-8").replace(
            old, "Water can carry germs. One of them, Cryptosporidium"
        ),
        encoding="utf-8",
    )
    first = run("update", cwd=root)
    assert first.returncode == 0, first.stderr
    second = run("update", cwd=root)
    assert second.returncode == 0, second.stderr
    assert "de/LC_MESSAGES/messages.po: 0 untranslated, 1 fuzzy (unchanged)" in second.stdout
    [entry] = [e for e in polib.pofile(str(po(root, "de"))) if "fuzzy" in e.flags]
    assert entry.previous_msgid.startswith(old)
    assert entry.msgid.startswith("Water can carry germs. One of them")
