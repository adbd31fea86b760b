"""Measure the question search on questions written by someone who never read the dialogs.

Run by hand: ``python bench/search_blind.py [tests/data/search_blind] [-v]``;
``tests/data/search_dev`` runs the same way. Both are tuning sets now; the figures that
count come from a blind set no helper reads, run the same way. Each ``<lang>.yaml`` has
``questions: [{text, page}]``: ``page`` is a dialog id (any page of it counts), a node id,
``none`` (no page covers it) or ``greeting``. Each question is typed at the main menu into
the real engine with the real search over the real dialogs and catalogs (the safety screen,
which reads every message first, is not part of this). Per language it prints how often the
right page is among the buttons (or is opened at once, for a question that is a topic's
keyword), how often a question no page covers gets "Ask your care team", how often a
greeting or thanks gets its short answer, and how many questions whose right page was shown
were still logged unanswered. ``-v`` lists the misses. A message that opens a dialog counts
the step it opened, even when that step ends and returns to the menu ("talk to a nurse" opens
the nurse's "there is no nurse to ask here", then the menu: round 7); ``--end-step`` scores
only the step a message ends on, as rounds 1-6 did. Figures go in docs/content.md. Not a
test.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_dialogs  # noqa: E402
from bot.engine import Engine, Event, Session, StepResult  # noqa: E402
from bot.engine.engine import ASK_TEAM_TOKEN, PAGE_TOKEN  # noqa: E402
from bot.i18n.keywords import translated_keywords  # noqa: E402
from bot.i18n.render import Catalogs  # noqa: E402
from bot.search import SearchIndex  # noqa: E402

NOW = 1_000_000.0
SETTINGS = {"emergency_number": "999", "urgent_advice_number": "111", "fever_threshold": 38.0}
#: The blind writer guessed sub-page ids from the titles alone (its README): the pages a
#: clinician would point to for each guess.
GUESSED = {
    "conditions/autoimmune": ("conditions/ain",),
    "conditions/chemo": ("neutropenia_chemo",),
    "treatments/gcsf": ("treatments/gcsf", "treatments/gcsf_report", "gcsf_effects"),
    "treatments/gene_therapy": ("treatments/gene",),
}


@dataclass
class Result:
    lang: str
    pages: int = 0
    found: int = 0
    first: int = 0
    nothing: int = 0
    asked_team: int = 0
    greetings: int = 0
    greeted: int = 0
    unanswered_pages: int = 0
    misses: list[str] = field(default_factory=list)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def _fits(node: str, expected: str) -> bool:
    for want in GUESSED.get(expected, (expected,)):
        if node == want or ("/" not in want and node.startswith(f"{want}/")):
            return True
    return False


def opened_node(result: StepResult, menu: str, end_step: bool = False) -> str | None:
    """The page a message opened at the menu: the step it ends on, or, when that is the menu
    again, the dialog step its first reply came from ("talk to a nurse" says the nurse's
    "there is no nurse to ask here" and returns to the menu). None for a search's answer.
    ``end_step`` counts only the step the message ends on (the scoring of rounds 1-6)."""
    if result.session.node != menu:
        return result.session.node
    if end_step or not result.replies:
        return None
    first = result.replies[0].text.context
    dialog = first.split("/")[0]
    if first == menu or dialog in ("system", menu.split("/")[0]):
        return None
    return first


def measure(engine: Engine, path: Path, end_step: bool = False) -> Result:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lang = path.stem
    r = Result(lang)
    menu = Session(node=engine.dialogs.menu, updated_at=NOW)
    tags = engine._page_tags  # the page behind each button's data
    for item in data.get("questions") or []:
        text, expected = str(item["text"]), str(item["page"])
        result = engine.step(menu, Event("text", text, lang), NOW)
        tokens = [c.token for reply in result.replies for c in reply.choices]
        offered = [tags[t[len(PAGE_TOKEN) :]] for t in tokens if t[len(PAGE_TOKEN) :] in tags]
        opened = opened_node(result, menu.node, end_step)
        shown = [opened] if opened else offered
        said = [reply.text.context for reply in result.replies]
        if expected == "greeting":
            r.greetings += 1
            ok = any(c in ("system/search_greeting", "system/search_thanks") for c in said)
            r.greeted += ok
        elif expected == "none":
            r.nothing += 1
            ok = ASK_TEAM_TOKEN in tokens
            r.asked_team += ok
        else:
            r.pages += 1
            ok = any(_fits(node, expected) for node in shown if node)
            r.found += ok
            r.first += bool(shown and shown[0] and _fits(shown[0], expected))
            # a good answer logged as a miss: the content team would look for nothing
            r.unanswered_pages += ok and "unanswered" in result.actions
        if not ok:
            r.misses.append(f"  {text!r}: want {expected}, got {shown or said}")
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "tests/data/search_blind"))
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    parser.add_argument(
        "--end-step",
        action="store_true",
        help="score only the step a message ends on (rounds 1-6), not the dialog it opened",
    )
    args = parser.parse_args()
    dialogs = load_dialogs(ROOT / "dialogs")
    catalogs = Catalogs.load(ROOT / "locales")
    finder = SearchIndex(dialogs, catalogs)
    started = time.perf_counter()
    finder.warm()
    built = time.perf_counter() - started
    engine = Engine(
        dialogs, SETTINGS, keywords=translated_keywords(catalogs, dialogs), finder=finder
    )
    print(f"indexes for {', '.join(finder.languages())} built in {built:.2f} s")
    print(
        "lang  right page among buttons  ...as the first  no page: care team  greetings"
        "  right page shown, yet logged unanswered"
    )
    total = Result("all")
    for path in sorted(Path(args.folder).glob("*.yaml")):
        r = measure(engine, path, args.end_step)
        print(
            f"{r.lang:4}  {r.found:3}/{r.pages:<3} {_pct(r.found, r.pages)}"
            f"          {_pct(r.first, r.pages)}"
            f"        {r.asked_team:2}/{r.nothing:<2} {_pct(r.asked_team, r.nothing)}"
            f"    {r.greeted:2}/{r.greetings:<2}"
            f"       {_pct(r.unanswered_pages, r.found)}"
        )
        for name in (
            "pages",
            "found",
            "first",
            "nothing",
            "asked_team",
            "greetings",
            "greeted",
            "unanswered_pages",
        ):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        if args.verbose:
            print("\n".join(r.misses))
    print(
        f"all   {total.found:3}/{total.pages:<3} {_pct(total.found, total.pages)}"
        f"          {_pct(total.first, total.pages)}"
        f"        {total.asked_team:2}/{total.nothing:<2} {_pct(total.asked_team, total.nothing)}"
        f"    {total.greeted:2}/{total.greetings:<2}"
        f"       {_pct(total.unanswered_pages, total.found)}"
    )
    started = time.perf_counter()
    n = 0
    for lang in finder.languages():
        for _ in range(50):
            finder.find("can my child go swimming in the sea", lang)
            n += 1
    print(f"one search: {1000 * (time.perf_counter() - started) / n:.2f} ms")


if __name__ == "__main__":
    main()
