"""``neutroguide i18n`` run as a real process: check on bad fixtures, extract/update/init."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.support.content import DATA, REVIEW_BLOCK, ROOT

BAD_PO = DATA / "po"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "i18n", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def fixture_meta(path: Path) -> dict[str, str]:
    meta = {}
    for raw in path.read_bytes().decode("utf-8", "replace").splitlines()[:4]:
        if raw.startswith("# ") and ":" in raw:
            key, _, value = raw[2:].partition(":")
            meta[key.strip()] = value.strip()
    return meta


def install(po: Path, root: Path, lang: str = "de") -> Path:
    target = root / lang / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(po, target)
    return target


@pytest.mark.slow
@pytest.mark.parametrize("po", sorted(BAD_PO.glob("*.po")), ids=lambda p: p.stem)
def test_check_reports_each_kind_of_error(po: Path, tmp_path: Path) -> None:
    meta = fixture_meta(po)
    target = install(po, tmp_path)
    args = ["check", "--locales-dir", str(tmp_path), "--details"]
    if meta["expect"].startswith('"'):
        args.append("--json")
    done = run(*args)
    assert done.returncode == int(meta["exit"]), done.stdout + done.stderr
    assert meta["expect"] in done.stdout
    if "line" in meta:
        assert f"{target}:{meta['line']}:" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_check_json_has_the_figures_per_locale(tmp_path: Path) -> None:
    install(BAD_PO / "placeholder_lost.po", tmp_path, "de")
    install(BAD_PO / "safety_untranslated.po", tmp_path, "fr")
    done = run("check", "--locales-dir", str(tmp_path), "--json")
    assert done.returncode == 1
    reports = {r["locale"]: r for r in json.loads(done.stdout)}
    assert reports["de"]["percent"] == 0.0, "a broken translation is not done"
    assert reports["de"]["broken_entries"] == 1
    assert [f["context"] for f in reports["de"]["placeholder_mismatches"]] == ["fever/urgent"]
    assert reports["fr"]["percent"] == 0.0
    assert len(reports["fr"]["safety_untranslated"]) == 1
    assert reports["fr"]["review"] == "not checked by a professional medical translator"
    assert not reports["fr"]["complete"]


@pytest.mark.slow
def test_check_strict_fails_on_incomplete_catalogs(tmp_path: Path) -> None:
    install(BAD_PO / "fuzzy_ordinary.po", tmp_path)
    assert run("check", "--locales-dir", str(tmp_path)).returncode == 0
    assert run("check", "--locales-dir", str(tmp_path), "--strict").returncode == 1


@pytest.mark.slow
def test_check_without_catalogs_fails(tmp_path: Path) -> None:
    done = run("check", "--locales-dir", str(tmp_path))
    assert done.returncode == 1
    assert "no catalogs" in done.stderr


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
"""
)


def project(root: Path, say: str) -> Path:
    (root / "dialogs").mkdir(parents=True, exist_ok=True)
    (root / "dialogs" / "demo.yaml").write_text(DIALOG.format(text=say), encoding="utf-8")
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    return root


def translate_all(po: Path, prefix: str) -> None:
    """Fill every empty msgstr (what a translator does in Poedit)."""
    lines = po.read_text(encoding="utf-8").splitlines()
    out, msgid = [], ""
    for line in lines:
        if line.startswith("msgid "):
            msgid = line[6:]
        if line == 'msgstr ""' and msgid != '""':
            line = f'msgstr "{prefix} ' + msgid.strip('"') + '"'
        out.append(line)
    po.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_round_trip_extract_init_translate_change_update(tmp_path: Path) -> None:
    root = project(tmp_path, "How are you?")
    locales = root / "locales"
    assert run("extract", "--locales-dir", str(locales), cwd=root).returncode == 0
    for lang in ("de", "pl", "ar"):
        assert run("init", lang, "--locales-dir", str(locales), cwd=root).returncode == 0
        translate_all(locales / lang / "LC_MESSAGES" / "messages.po", lang.upper())
    done = run("check", "--locales-dir", str(locales), "--strict", "--json", cwd=root)
    assert done.returncode == 0, done.stdout
    assert all(r["complete"] for r in json.loads(done.stdout))

    project(root, "How are you today?")
    done = run("update", "--locales-dir", str(locales), cwd=root)
    assert done.returncode == 0, done.stderr
    for lang in ("de", "pl", "ar"):
        po = locales / lang / "LC_MESSAGES" / "messages.po"
        text = po.read_text(encoding="utf-8")
        assert "X-Medical-Review: not checked by a professional medical translator" in text
        with po.open("rb") as fh:
            catalog = read_po(fh)
        changed = catalog.get("How are you today?", context="demo/ask")
        assert changed is not None and changed.fuzzy
        assert '#| msgid "How are you?"' in text, "the old English is shown to the translator"
        kept = catalog.get("Again", context="demo/ask")
        assert kept is not None and kept.string == f"{lang.upper()} Again"
    plurals = {}
    for lang in ("de", "pl", "ar"):
        with (locales / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            plurals[lang] = read_po(fh).num_plurals
    assert plurals == {"de": 2, "pl": 3, "ar": 6}
    done = run("check", "--locales-dir", str(locales), "--strict", cwd=root)
    assert done.returncode == 1


@pytest.mark.slow
def test_init_refuses_an_existing_or_unknown_language(tmp_path: Path) -> None:
    root = project(tmp_path, "Hi")
    locales = root / "locales"
    run("extract", "--locales-dir", str(locales), cwd=root)
    assert run("init", "de", "--locales-dir", str(locales), cwd=root).returncode == 0
    again = run("init", "de", "--locales-dir", str(locales), cwd=root)
    assert again.returncode == 1
    assert "update" in again.stderr
    unknown = run("init", "xx_nope", "--locales-dir", str(locales), cwd=root)
    assert unknown.returncode == 1
    assert "unknown language code" in unknown.stderr


@pytest.mark.slow
def test_real_catalogs_update_cleanly_and_keep_every_translation(tmp_path: Path) -> None:
    """Extract → update on a copy of the repository: nothing translated is lost."""
    shutil.copytree(ROOT / "dialogs", tmp_path / "dialogs")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    before = json.loads(run("check", "--json", cwd=tmp_path).stdout)
    done = run("update", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = json.loads(run("check", "--json", cwd=tmp_path).stdout)
    assert [r["locale"] for r in after] == ["ar", "de", "es", "fr", "pl"]
    for old, new in zip(before, after, strict=True):
        assert new["broken"] is None
        assert new["placeholder_mismatches"] == []
        assert new["not_in_catalog"] == 0
        assert new["translated"] + new["fuzzy"] >= old["translated"] - old["obsolete"]


SAFE_DIALOG = (
    """\
id: demo
title: Demo
"""
    + REVIEW_BLOCK
    + """\
start: ask
nodes:
  ask:
    safety: true
    say: "Call {emergency_number} now."
    choices:
      - label: "Again"
        goto: ask
"""
)


@pytest.mark.slow
def test_todo_then_fill_is_the_translator_helper_workflow(tmp_path: Path) -> None:
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "demo.yaml").write_text(SAFE_DIALOG, encoding="utf-8")
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    locales = str(tmp_path / "locales")
    assert run("extract", "--locales-dir", locales, cwd=tmp_path).returncode == 0
    assert run("init", "de", "--locales-dir", locales, cwd=tmp_path).returncode == 0
    listed = run("todo", "--locale", "de", "--locales-dir", locales, cwd=tmp_path)
    items = {i["msgid"]: i for i in json.loads(listed.stdout)}
    assert set(items) == {"Demo", "Call {emergency_number} now.", "Again"}
    assert items["Call {emergency_number} now."]["tags"] == ["safety"]
    assert items["Call {emergency_number} now."]["placeholders"] == ["emergency_number"]
    assert items["Again"]["tags"] == ["button"]

    answers = tmp_path / "de.json"
    bad = [
        {"context": "demo/ask", "msgid": "Call {emergency_number} now.", "translation": "Ruf an."},
        {"context": "demo/ask", "msgid": "Again", "translation": "Noch einmal " * 5},
        {"context": "demo/nope", "msgid": "Again", "translation": "Nochmal"},
    ]
    answers.write_text(json.dumps(bad), encoding="utf-8")
    done = run("fill", "--locale", "de", "--locales-dir", locales, str(answers), cwd=tmp_path)
    assert done.returncode == 1
    assert "placeholders must be exactly {emergency_number}" in done.stderr
    assert "at most 40 characters" in done.stderr
    assert "not in the catalog" in done.stderr

    good = [
        {"context": "demo/_title", "msgid": "Demo", "translation": "Demo"},
        {
            "context": "demo/ask",
            "msgid": "Call {emergency_number} now.",
            "translation": "Rufen Sie jetzt {emergency_number} an.",
        },
        {"context": "demo/ask", "msgid": "Again", "translation": "Noch einmal"},
    ]
    answers.write_text(json.dumps(good), encoding="utf-8")
    done = run("fill", "--locale", "de", "--locales-dir", locales, str(answers), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3 applied, 0 refused" in done.stdout
    listed = run("todo", "--locale", "de", "--locales-dir", locales, cwd=tmp_path)
    assert json.loads(listed.stdout) == []
    check = run("check", "--locales-dir", locales, "--strict", cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    po = (tmp_path / "locales" / "de" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    assert "X-Medical-Review: not checked by a professional medical translator" in po


@pytest.mark.slow
def test_extract_does_not_rewrite_an_unchanged_template(tmp_path: Path) -> None:
    root = project(tmp_path, "Hi")
    locales = str(root / "locales")
    first = run("extract", "--locales-dir", locales, cwd=root)
    second = run("extract", "--locales-dir", locales, cwd=root)
    assert "(written)" in first.stdout
    assert "(unchanged)" in second.stdout
