"""Read ``dialogs/*.yaml`` into a :class:`DialogSet`, reporting every problem at once.

Errors::

    ContentError            the dialogs cannot be used; .problems lists each one
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot import placeholders as _placeholders
from bot.config import PLACEHOLDER_SETTINGS
from bot.content.conditions import ConditionError, compile_condition
from bot.content.model import (
    CONTENT_FACTS,
    INPUT_KINDS,
    Branch,
    Choice,
    Condition,
    Dialog,
    DialogSet,
    InputSpec,
    Node,
    Review,
    Say,
    Source,
    Text,
)
from bot.content.problems import Problem
from bot.content.system import (
    CODE_PROFILE_FIELDS,
    REQUIRED_SYSTEM_MESSAGES,
    SYSTEM_PLACEHOLDERS,
)
from bot.content.yamlpos import Pos, YamlRefused, YList, YMap, load_with_positions
from bot.placeholders import PlaceholderError

MAX_LABEL = 40
#: Largest dialog file read, in bytes (the largest real one is under 10 kB).
MAX_FILE_BYTES = 1_000_000
MAX_MESSAGE = 4096
MENU_DIALOG = "menu"
WELCOME_DIALOG = "welcome"
SYSTEM_FILE = "system.yaml"
REVIEW_STATUSES = ("draft", "not-reviewed", "reviewed")
FLAGS = ("red", "amber")
KEYWORDS_NOTE = (
    "Words people may type to open this topic, separated by commas. Give the words people "
    "would type in your language (common spellings and misspellings welcome); they need not "
    "match the English one for one."
)
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

DIALOG_KEYS = {"id", "title", "keywords", "review", "start", "nodes"}
REVIEW_KEYS = {
    "status",
    "reviewed",
    "next_review",
    "sources",
    "reviewer",
    "reviewed_by",
    "reviewed_on",
}
NODE_KEYS = {
    "say",
    "choices",
    "input",
    "branches",
    "goto",
    "set",
    "copy",
    "flag",
    "end",
    "safety",
    "note",
    "ask_team",
}
SAY_KEYS = {"text", "note", "when", "safety"}
CHOICE_KEYS = {"label", "goto", "when", "note"}
INPUT_KEYS = {"kind", "save", "invalid", "min", "max", "diary"}
BRANCH_KEYS = {"when", "goto"}
#: Names a branch after typed input may read besides profile and settings.
INPUT_NAMES = frozenset({"value"})


class ContentError(Exception):
    """The dialogs have problems; the bot refuses to start with them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders in ``text``; ``{{`` and ``}}`` are literal braces.

    Raises:
        PlaceholderError: a broken brace or a placeholder with a format (``{n:.0}``).
    """
    return _placeholders.names(text)


@dataclass
class _Pending:
    """Checks that need every file loaded first."""

    gotos: list[tuple[str, str, Pos, str]] = field(default_factory=list)  # file, target, pos, src
    placeholders: list[tuple[str, str, Pos, frozenset[str]]] = field(default_factory=list)  # used
    conditions: list[tuple[str, frozenset[str], Pos, frozenset[str]]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # profile field -> kind


class _FileReader:
    """Turns one parsed file into model objects, recording problems instead of raising."""

    def __init__(self, file: str, problems: list[Problem], pending: _Pending) -> None:
        self.file = file
        self.problems = problems
        self.pending = pending

    def error(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.file, pos.line, pos.col, message))

    def check_keys(self, data: YMap, allowed: set[str], what: str) -> None:
        for key, pos in data.duplicates:
            self.error(pos, f"'{key}' appears twice in this {what}; keep one (ids must be unique)")
        for key in data:
            if key not in allowed:
                self.error(
                    data.key_pos[key],
                    f"unknown key '{key}' in {what}{_suggest(key, allowed)}; "
                    f"allowed: {', '.join(sorted(allowed))}",
                )

    def require(self, data: YMap, key: str, what: str) -> bool:
        if key not in data or data[key] is None:
            self.error(data.pos, f"{what} is missing '{key}'; add '{key}:'")
            return False
        return True

    def text(self, value: Any, pos: Pos, context: str, safety: bool, names: frozenset[str]) -> Text:
        note = ""
        if isinstance(value, YMap):
            self.check_keys(value, SAY_KEYS, "message")
            note = str(value.get("note") or "")
            safety = safety or bool(value.get("safety"))
            pos = value.value_pos.get("text", value.pos)
            value = value.get("text")
        if not isinstance(value, str) or not value.strip():
            self.error(pos, "expected some text here; write the message in quotes")
            return Text("", context, line=pos.line)
        if len(value) > MAX_MESSAGE:
            self.error(
                pos, f"message is {len(value)} characters; Telegram allows {MAX_MESSAGE}: split it"
            )
        try:
            found = frozenset(placeholders(value))
        except PlaceholderError as exc:
            self.error(pos, f"placeholder problem: {exc}; write {{name}}, or {{{{ for a brace")
            found = frozenset()
        if found - names:
            self.pending.placeholders.append((self.file, context, pos, found - names))
        return Text(value.strip(), context, note.strip(), pos.line, safety)

    def condition(self, value: Any, pos: Pos, extra: frozenset[str]) -> Condition | None:
        if value is None:
            return None
        if not isinstance(value, str | bool):
            self.error(pos, "a condition is written as text, e.g. when: 'age_group == \"baby\"'")
            return None
        expr = str(value).lower() if isinstance(value, bool) else value
        try:
            test, names = compile_condition(expr)
        except ConditionError as exc:
            self.error(pos, str(exc))
            return None
        self.pending.conditions.append((self.file, names, pos, extra))
        return Condition(expr, test)

    def goto(self, dialog: str, target: Any, pos: Pos, source: str) -> str:
        if not isinstance(target, str) or not target:
            self.error(pos, "goto needs a node name, 'dialog' or 'dialog/node'")
            return ""
        qualified = target if "/" in target else f"{dialog}/{target}"
        self.pending.gotos.append((self.file, qualified, pos, source))
        return qualified


def _date(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _read_review(r: _FileReader, data: YMap) -> Review:
    review = data.get("review")
    if not isinstance(review, YMap):
        r.error(data.pos, "dialog is missing 'review:' (status, reviewed, next_review, sources)")
        return Review("draft", "", "", ())
    r.check_keys(review, REVIEW_KEYS, "review")
    status = str(review.get("status", ""))
    if status not in REVIEW_STATUSES:
        r.error(
            review.value_pos.get("status", review.pos),
            f"review status must be one of {', '.join(REVIEW_STATUSES)}",
        )
    dates = {}
    for key in ("reviewed", "next_review"):
        dates[key] = _date(review.get(key)) or ""
        if not dates[key]:
            r.error(review.value_pos.get(key, review.pos), f"'{key}' must be a date: YYYY-MM-DD")
    sources: list[Source] = []
    raw = review.get("sources")
    if not isinstance(raw, YList) or not raw:
        r.error(review.pos, "list at least one source (title and url) for the facts in this dialog")
    else:
        for item, pos in zip(raw, raw.item_pos, strict=True):
            if not isinstance(item, YMap) or not item.get("title") or not item.get("url"):
                r.error(pos, "each source needs 'title:' and 'url:'")
                continue
            r.check_keys(item, {"title", "url", "note"}, "source")
            url = str(item["url"])
            if not url.startswith(("https://", "http://")):
                r.error(item.value_pos["url"], "a source url starts with https://")
            sources.append(Source(str(item["title"]), url))
    return Review(
        status,
        dates["reviewed"],
        dates["next_review"],
        tuple(sources),
        *_sign_off(r, review, status),
    )


def _sign_off(r: _FileReader, review: YMap, status: str) -> tuple[str, str]:
    """``reviewed_by`` and ``reviewed_on``: a ``reviewed`` status needs both (who signed, when)."""
    by = str(review.get("reviewed_by") or review.get("reviewer") or "").strip()
    on = ""
    if review.get("reviewed_on") is not None:
        on = _date(review.get("reviewed_on")) or ""
        if not on:
            r.error(review.value_pos["reviewed_on"], "'reviewed_on' must be a date: YYYY-MM-DD")
    if status == "reviewed":
        if not by:
            r.error(
                review.value_pos.get("status", review.pos),
                "status 'reviewed' needs 'reviewed_by:' (the clinician who signed it off, with "
                "their role); without one write status: not-reviewed",
            )
        if not on and review.get("reviewed_on") is None:
            r.error(
                review.value_pos.get("status", review.pos),
                "status 'reviewed' needs 'reviewed_on:' (the sign-off date, YYYY-MM-DD)",
            )
    elif by or on:
        r.error(
            review.value_pos.get("reviewed_by", review.value_pos.get("reviewed_on", review.pos)),
            f"'reviewed_by'/'reviewed_on' are a sign-off: set status: reviewed, not {status}",
        )
    return by, on


def _read_node(r: _FileReader, dialog: str, name: str, data: Any, pos: Pos) -> Node | None:
    node_id = f"{dialog}/{name}"
    if not ID_RE.match(name):
        r.error(pos, f"node name '{name}' must be lower-case letters, digits and _")
    if not isinstance(data, YMap):
        r.error(pos, f"node '{name}' must be a mapping with say:, choices:, input: ...")
        return None
    r.check_keys(data, NODE_KEYS, f"node '{name}'")
    node_safety = bool(data.get("safety"))
    input_spec = _read_input(r, node_id, data)
    value_names = INPUT_NAMES if input_spec else frozenset()
    says: list[Say] = []
    raw_say = data.get("say")
    if isinstance(raw_say, str | YMap):
        raw_say = YList([raw_say])
        raw_say.item_pos = [data.value_pos["say"]]
    if raw_say is not None:
        if not isinstance(raw_say, YList):
            r.error(data.value_pos["say"], "say: takes a message or a list of messages")
        else:
            for item, ipos in zip(raw_say, raw_say.item_pos, strict=True):
                when = None
                if isinstance(item, YMap) and "when" in item:
                    when = r.condition(item["when"], item.value_pos["when"], frozenset())
                says.append(Say(r.text(item, ipos, node_id, node_safety, frozenset()), when))
    choices = _read_choices(r, dialog, node_id, data)
    branches = _read_branches(r, dialog, node_id, data, value_names)
    flag = data.get("flag")
    if flag is not None and flag not in FLAGS:
        r.error(data.value_pos["flag"], f"flag must be one of {', '.join(FLAGS)}")
    sets = data.get("set")
    if sets is None:
        sets = {}
    elif not isinstance(sets, YMap):
        r.error(data.value_pos["set"], "set: takes 'field: value' pairs")
        sets = {}
    for key, value in sets.items():
        if not ID_RE.match(key):
            r.error(
                data.value_pos["set"], f"profile field '{key}' must be lower-case letters and _"
            )
        kind = (
            "number" if isinstance(value, int | float) and not isinstance(value, bool) else "text"
        )
        r.pending.fields.setdefault(key, kind)
    copies = _read_copy(r, data)
    end = bool(data.get("end"))
    ask_team = data.get("ask_team", False)
    if not isinstance(ask_team, bool):
        r.error(data.value_pos["ask_team"], "ask_team: takes true or false")
        ask_team = False
    if input_spec and not branches:
        r.error(
            pos,
            f"node '{name}' waits for typed input but says nowhere to go next: add "
            "goto: or branches:",
        )
    if (choices or input_spec) and not says:
        r.error(pos, f"node '{name}' waits for an answer but says nothing: add say:")
    if not (choices or input_spec or branches or end):
        r.error(
            pos,
            f"node '{name}' is a dead end: add choices:, input:, goto:, or 'end: true' to "
            "return to the menu",
        )
    return Node(
        id=node_id,
        dialog=dialog,
        say=tuple(says),
        choices=tuple(choices),
        input=input_spec,
        branches=tuple(branches),
        set=dict(sets),
        copy=copies,
        flag=flag if flag in FLAGS else None,
        end=end,
        ask_team=ask_team,
        file=r.file,
        line=pos.line,
    )


def _read_copy(r: _FileReader, data: YMap) -> dict[str, str]:
    """``copy: {field: other_field}``: keep a saved answer only once it is confirmed."""
    raw = data.get("copy")
    if raw is None:
        return {}
    if not isinstance(raw, YMap) or not all(isinstance(v, str) for v in raw.values()):
        r.error(data.value_pos["copy"], "copy: takes 'field: other_field' pairs")
        return {}
    for key, source in raw.items():
        for name in (key, source):
            if not ID_RE.match(name):
                r.error(
                    data.value_pos["copy"],
                    f"profile field '{name}' must be lower-case letters and _",
                )
        r.pending.fields.setdefault(key, r.pending.fields.get(source, "text"))
    return {str(k): str(v) for k, v in raw.items()}


def _read_input(r: _FileReader, node_id: str, data: YMap) -> InputSpec | None:
    spec = data.get("input")
    if spec is None:
        return None
    if isinstance(spec, str):
        spec_map = YMap({"kind": spec})
        spec_map.pos, spec_map.duplicates = data.value_pos["input"], []
        spec_map.key_pos = spec_map.value_pos = {"kind": spec_map.pos}
        spec = spec_map
    if not isinstance(spec, YMap):
        r.error(data.value_pos["input"], f"input: takes a kind ({', '.join(INPUT_KINDS)})")
        return None
    r.check_keys(spec, INPUT_KEYS, "input")
    kind = spec.get("kind")
    if kind not in INPUT_KINDS:
        r.error(
            spec.value_pos.get("kind", spec.pos),
            f"input kind must be one of {', '.join(INPUT_KINDS)}",
        )
        return None
    save = spec.get("save")
    if save is not None:
        if not isinstance(save, str) or not ID_RE.match(save):
            r.error(
                spec.value_pos["save"], "save: takes a profile field name like last_temperature"
            )
            save = None
        else:
            r.pending.fields[save] = kind
    invalid = None
    if spec.get("invalid") is not None:
        invalid = r.text(spec["invalid"], spec.value_pos["invalid"], node_id, False, frozenset())
    bounds: dict[str, float | None] = {}
    for key in ("min", "max"):
        value = spec.get(key)
        if value is not None and not isinstance(value, int | float):
            r.error(spec.value_pos[key], f"{key}: takes a number")
            value = None
        bounds[key] = float(value) if value is not None else None
    diary = spec.get("diary", False)
    if not isinstance(diary, bool) or (diary and kind != "temperature"):
        r.error(spec.value_pos["diary"], "diary: takes true or false, on a temperature input")
        diary = False
    return InputSpec(kind, save, invalid, bounds["min"], bounds["max"], diary)


def _read_choices(r: _FileReader, dialog: str, node_id: str, data: YMap) -> list[Choice]:
    raw = data.get("choices")
    if raw is None:
        return []
    if not isinstance(raw, YList):
        r.error(data.value_pos["choices"], "choices: takes a list of '- label: ... goto: ...'")
        return []
    choices = []
    for item, pos in zip(raw, raw.item_pos, strict=True):
        if not isinstance(item, YMap):
            r.error(pos, "each choice needs 'label:' and 'goto:'")
            continue
        r.check_keys(item, CHOICE_KEYS, "choice")
        if not (r.require(item, "label", "choice") and r.require(item, "goto", "choice")):
            continue
        label_map = YMap({"text": item["label"], "note": item.get("note") or ""})
        label_map.pos, label_map.duplicates = item.value_pos["label"], []
        label_map.key_pos = label_map.value_pos = {"text": label_map.pos}
        label = r.text(label_map, label_map.pos, node_id, False, frozenset())
        if len(label.source) > MAX_LABEL:
            r.error(
                item.value_pos["label"],
                f"button label is {len(label.source)} characters; keep it to {MAX_LABEL} or "
                "fewer so it fits on a phone",
            )
        when = r.condition(item.get("when"), item.value_pos.get("when", pos), frozenset())
        target = r.goto(dialog, item["goto"], item.value_pos["goto"], node_id)
        choices.append(Choice(label, target, when, pos.line))
    return choices


def _read_branches(
    r: _FileReader, dialog: str, node_id: str, data: YMap, names: frozenset[str]
) -> list[Branch]:
    branches: list[Branch] = []
    if "goto" in data:
        if "branches" in data:
            r.error(data.key_pos["goto"], "use either goto: or branches:, not both")
        target = r.goto(dialog, data["goto"], data.value_pos["goto"], node_id)
        return [Branch(target, None, data.value_pos["goto"].line)]
    raw = data.get("branches")
    if raw is None:
        return branches
    if not isinstance(raw, YList):
        r.error(data.value_pos["branches"], "branches: takes a list of '- when: ... goto: ...'")
        return branches
    for item, pos in zip(raw, raw.item_pos, strict=True):
        if not isinstance(item, YMap) or "goto" not in item:
            r.error(pos, "each branch needs 'goto:' (and 'when:' unless it is the last one)")
            continue
        r.check_keys(item, BRANCH_KEYS, "branch")
        when = r.condition(item.get("when"), item.value_pos.get("when", pos), names)
        branches.append(
            Branch(r.goto(dialog, item["goto"], item.value_pos["goto"], node_id), when, pos.line)
        )
    if branches and branches[-1].when is not None:
        r.error(raw.pos, "the last branch must have no 'when:' so there is always a way on")
    return branches


def _read_dialog(r: _FileReader, data: YMap) -> Dialog | None:
    r.check_keys(data, DIALOG_KEYS, "dialog")
    ok = all([r.require(data, key, "dialog") for key in ("id", "title", "start", "nodes")])
    review = _read_review(r, data)
    if not ok:
        return None
    dialog_id = str(data["id"])
    if not ID_RE.match(dialog_id):
        r.error(data.value_pos["id"], "dialog id must be lower-case letters, digits and _")
    title = r.text(
        data["title"], data.value_pos["title"], f"{dialog_id}/_title", False, frozenset()
    )
    raw_nodes = data["nodes"]
    if not isinstance(raw_nodes, YMap) or not raw_nodes:
        r.error(data.value_pos["nodes"], "nodes: takes 'name:' entries, one per step")
        return None
    for key, pos in raw_nodes.duplicates:
        r.error(pos, f"node '{key}' is defined twice; node names must be unique in a dialog")
    nodes: dict[str, Node] = {}
    for name, value in raw_nodes.items():
        node = _read_node(r, dialog_id, name, value, raw_nodes.key_pos[name])
        if node is not None:
            nodes[node.id] = node
    start = f"{dialog_id}/{data['start']}"
    if start not in nodes:
        r.error(
            data.value_pos["start"],
            f"start node '{data['start']}' is not in nodes:"
            f"{_suggest(str(data['start']), raw_nodes)}",
        )
    raw_keywords = data.get("keywords") or []
    if not isinstance(raw_keywords, list):
        r.error(data.value_pos["keywords"], "keywords: takes a list of words, e.g. [fever, hot]")
        raw_keywords = []
    keywords = tuple(str(k).strip().lower() for k in raw_keywords if str(k).strip())
    keywords_text = None
    if keywords:
        keywords_text = Text(
            ", ".join(keywords),
            f"{dialog_id}/_keywords",
            KEYWORDS_NOTE,
            data.value_pos["keywords"].line,
        )
    return Dialog(
        dialog_id, title, review, start, nodes, keywords, r.file, keywords_text=keywords_text
    )


def _read_system(r: _FileReader, data: YMap) -> dict[str, Text]:
    r.check_keys(data, {"system", "review"}, "system file")
    raw = data.get("system")
    if not isinstance(raw, YMap):
        r.error(data.pos, "system: takes 'key: message' entries")
        return {}
    out = {}
    for key, value in raw.items():
        allowed = SYSTEM_PLACEHOLDERS.get(key, frozenset())
        # other placeholders must be profile fields or settings, checked with the dialogs'
        out[key] = r.text(value, raw.value_pos[key], f"system/{key}", False, allowed)
    for key, pos in raw.duplicates:
        r.error(pos, f"system message '{key}' is defined twice")
    return out


def _reachable(start: str, nodes: dict[str, Node]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        node = nodes.get(todo.pop())
        if node is None:
            continue
        for target in [c.goto for c in node.choices] + [b.goto for b in node.branches]:
            if target in nodes and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def iter_files(directory: Path) -> Iterator[Path]:
    """The dialog files in ``directory``, in a stable order."""
    yield from sorted(p for p in directory.glob("*.yaml") if p.is_file())


#: Dialog sets already loaded in this process, by folder and the digest of every file in it.
_LOADED: dict[tuple[str, tuple[tuple[str, bytes], ...]], DialogSet] = {}


def load_dialogs(directory: Path | str) -> DialogSet:
    """Load and validate every dialog file in ``directory``.

    Loading takes most of a second; a process that opens the service again (tests, the CLI)
    gets the same read-only set back while no file in the folder changed (compared by
    content, so an edit within one clock tick is still seen).

    Raises:
        ContentError: with every problem found, each naming file, line and what to do.
    """
    directory = Path(directory)
    key = (str(directory.resolve()), _digests(directory))
    if (cached := _LOADED.get(key)) is not None:
        return cached
    loaded = _LOADED[key] = _load_dialogs(directory)
    return loaded


def _digests(directory: Path) -> tuple[tuple[str, bytes], ...]:
    found = []
    for path in iter_files(directory):
        try:
            if path.stat().st_size > MAX_FILE_BYTES:  # refused unread by the real load
                found.append((path.name, b"too big"))
                continue
            found.append((path.name, hashlib.blake2b(path.read_bytes()).digest()))
        except OSError:
            found.append((path.name, b""))  # the real load reports it
    return tuple(found)


def _load_dialogs(directory: Path) -> DialogSet:
    problems: list[Problem] = []
    pending = _Pending()
    dialogs: dict[str, Dialog] = {}
    system: dict[str, Text] = {}
    system_reviews: dict[str, Review] = {}
    id_pos: dict[str, tuple[str, Pos]] = {}
    files = list(iter_files(directory))
    if not files:
        raise ContentError([Problem(str(directory), 0, 0, "no dialog files (*.yaml) found")])
    for path in files:
        name = str(path)
        r = _FileReader(name, problems, pending)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            r.error(
                Pos(1, 1),
                f"file is {size:,} bytes; a dialog file may have at most {MAX_FILE_BYTES:,}: "
                "split it into several dialog files",
            )
            continue
        try:
            data = load_with_positions(path.read_text(encoding="utf-8"))
        except YamlRefused as exc:
            r.error(exc.pos, exc.message)
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = getattr(exc, "problem", None) or str(exc)
            r.error(
                Pos(line, col),
                f"YAML syntax: {problem}; check indentation, colons and "
                "quotes (quote text that contains ': ' or starts with '{')",
            )
            continue
        except UnicodeDecodeError:
            r.error(Pos(1, 1), "file is not UTF-8 text; save it as UTF-8")
            continue
        if not isinstance(data, YMap):
            r.error(Pos(1, 1), "a dialog file is a mapping starting with 'id:'")
            continue
        if "system" in data:
            # system files state facts too (the urgent answers): the same review block
            system_reviews[Path(name).name] = _read_review(r, data)
            for key, text in _read_system(r, data).items():
                if key in system:
                    r.error(Pos(text.line, 1), f"system message '{key}' is already defined")
                system[key] = text
            continue
        dialog = _read_dialog(r, data)
        if dialog is None:
            continue
        if dialog.id in dialogs:
            first_file, first_pos = id_pos[dialog.id]
            r.error(
                data.value_pos["id"],
                f"dialog id '{dialog.id}' is already used by {first_file}; ids must be unique",
            )
            problems.append(
                Problem(
                    first_file,
                    first_pos.line,
                    first_pos.col,
                    f"dialog id '{dialog.id}' is used again by {name}",
                )
            )
            continue
        dialogs[dialog.id] = dialog
        id_pos[dialog.id] = (name, data.value_pos["id"])
    raw_nodes = {nid: node for d in dialogs.values() for nid, node in d.nodes.items()}
    starts = {d.id: d.start for d in dialogs.values()}
    _check_links(problems, pending, raw_nodes, starts)
    nodes = _relink(raw_nodes, starts)
    dialogs = {k: replace(d, nodes={n: nodes[n] for n in d.nodes}) for k, d in dialogs.items()}
    for d in dialogs.values():
        reach = _reachable(d.start, nodes)
        for nid, node in d.nodes.items():
            if nid not in reach:
                problems.append(
                    Problem(
                        node.file,
                        node.line,
                        1,
                        f"node '{nid.split('/')[1]}' cannot be reached from the "
                        f"start '{d.start.split('/')[1]}'; link to it or remove it",
                    )
                )
    for required in (MENU_DIALOG, WELCOME_DIALOG):
        if required not in dialogs:
            problems.append(
                Problem(str(directory), 0, 0, f"no dialog with id '{required}'; the bot needs one")
            )
    for key in REQUIRED_SYSTEM_MESSAGES:
        if key not in system:
            problems.append(
                Problem(
                    str(directory / SYSTEM_FILE),
                    1,
                    1,
                    f"system message '{key}' is missing; the bot needs it",
                )
            )
    if problems:
        raise ContentError(problems)
    return DialogSet(
        dialogs=dialogs,
        nodes=nodes,
        system=system,
        menu=dialogs[MENU_DIALOG].start,
        welcome=dialogs[WELCOME_DIALOG].start,
        fields={**CODE_PROFILE_FIELDS, **pending.fields},
        system_reviews=system_reviews,
    )


def _resolve(target: str, nodes: dict[str, Node], starts: dict[str, str]) -> str:
    """``d/x``: node x of dialog d; else, when x names a dialog, that dialog's start."""
    if target in nodes:
        return target
    dialog, _, rest = target.partition("/")
    if rest in starts:
        return starts[rest]
    if rest == "" and dialog in starts:
        return starts[dialog]
    return target


def _relink(nodes: dict[str, Node], starts: dict[str, str]) -> dict[str, Node]:
    out = {}
    for nid, node in nodes.items():
        choices = tuple(replace(c, goto=_resolve(c.goto, nodes, starts)) for c in node.choices)
        branches = tuple(replace(b, goto=_resolve(b.goto, nodes, starts)) for b in node.branches)
        out[nid] = replace(node, choices=choices, branches=branches)
    return out


def _check_links(
    problems: list[Problem], pending: _Pending, nodes: dict[str, Node], starts: dict[str, str]
) -> None:
    for file, target, pos, _source in pending.gotos:
        if _resolve(target, nodes, starts) in nodes:
            continue
        dialog, _, node = target.partition("/")
        known = [n.split("/")[1] for n in nodes if n.startswith(dialog + "/")] + list(starts)
        problems.append(
            Problem(
                file,
                pos.line,
                pos.col,
                f"goto '{node or dialog}' leads nowhere{_suggest(node, known)}; "
                "name a node of this dialog, a dialog id, or 'dialog/node'",
            )
        )
    known_names = (
        set(pending.fields)
        | set(PLACEHOLDER_SETTINGS)
        | set(CODE_PROFILE_FIELDS)
        | set(CONTENT_FACTS)
    )
    for file, used_names, pos, extra in pending.conditions:
        for name in sorted(used_names - known_names - extra):
            problems.append(
                Problem(
                    file,
                    pos.line,
                    pos.col,
                    f"condition reads '{name}', which no node sets or saves"
                    f"{_suggest(name, known_names | extra)}",
                )
            )
    for file, _context, pos, found in pending.placeholders:
        for name in sorted(found - known_names):
            problems.append(
                Problem(
                    file,
                    pos.line,
                    pos.col,
                    f"unknown placeholder {{{name}}}{_suggest(name, known_names)}; "
                    "use a profile field or a deployment setting",
                )
            )
