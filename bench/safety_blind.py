"""Measure the safety screen on blind text: messages written by someone who never read the rules.

Run by hand: ``python bench/safety_blind.py tests/data/safety_blind/dev [-v]``. Each
``<lang>.yaml`` in the folder has ``warning: [{text, expect}]`` (expect: emergency, baby, fever
or sign) and ``ordinary: [{text}]``. The real :class:`~bot.safety.Screener` screens each message
with a fever threshold of 38.0 °C and no saved age group. Per language it prints: warnings that
got an urgent answer, of those the share with the expected answer, ordinary messages that got
an urgent answer (false alarms), and how many of each got the confirm question. ``-v`` lists
the misses. The screen is the bot's own (the rules; the learned judge is off in the bot);
``--judge`` adds the shipped judge (bot/safety/judge.py) after the rules as
``Screener.load(judge=True)`` does, ``--judge FILE`` another weights file
(``scripts/train_safety_judge.py --out FILE``), ``--judge-sentences`` the judge's
sentence-by-sentence check after the rules. Figures go in
docs/safety.md. Not a test: nothing here asserts a rate.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.safety import Screener, Screening  # noqa: E402
from bot.safety.judge import Judge  # noqa: E402
from bot.safety.screen import JUDGE_FILE  # noqa: E402

THRESHOLD_C = 38.0
KEYS = {
    "emergency": "urgent_emergency",
    "baby": "urgent_baby",
    "fever": "urgent_fever",
    "sign": "urgent_sign",
}


@dataclass
class Result:
    lang: str
    warnings: int = 0
    urgent: int = 0
    right_key: int = 0
    warning_confirms: int = 0
    ordinary: int = 0
    false_alarms: int = 0
    ordinary_confirms: int = 0
    misses: list[str] = field(default_factory=list)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


class Screen(Protocol):
    def screen(self, text: str, locale: str, threshold_c: float = 38.0) -> Screening | None: ...


@dataclass
class _Judged:
    """The screen with the judge's review after it."""

    rules: Screener
    judge: Judge
    sentences: bool

    def screen(self, text: str, locale: str, threshold_c: float = 38.0) -> Screening | None:
        found = self.rules.screen(text, locale, threshold_c)
        return self.judge.review(text, found, sentences=self.sentences)


def measure(screener: Screen, path: Path) -> Result:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lang = str(data.get("language") or path.stem)
    r = Result(lang)
    for item in data.get("warning") or []:
        text, expect = str(item["text"]), KEYS[str(item["expect"])]
        found = screener.screen(text, lang, THRESHOLD_C)
        r.warnings += 1
        if found is not None and found.kind == "urgent":
            r.urgent += 1
            if found.message_key == expect:
                r.right_key += 1
            else:
                r.misses.append(f"  key    {found.message_key} != {expect} ({found.rule}): {text}")
        else:
            if found is not None and found.kind == "confirm":
                r.warning_confirms += 1
            kind = found.kind if found is not None else "none"
            r.misses.append(f"  missed {kind:7} want {expect}: {text}")
    for item in data.get("ordinary") or []:
        text = str(item["text"])
        found = screener.screen(text, lang, THRESHOLD_C)
        r.ordinary += 1
        if found is not None and found.kind == "urgent":
            r.false_alarms += 1
            r.misses.append(f"  alarm  {found.message_key} ({found.rule}): {text}")
        elif found is not None and found.kind == "confirm":
            r.ordinary_confirms += 1
            r.misses.append(f"  asks   ({found.rule}): {text}")
    return r


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of <lang>.yaml blind sets")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    parser.add_argument(
        "--judge",
        nargs="?",
        const=JUDGE_FILE,
        type=Path,
        help="screen with the learned judge after the rules (the shipped weights, or FILE)",
    )
    parser.add_argument(
        "--judge-sentences", action="store_true", help="the rules, then the judge by sentence"
    )
    args = parser.parse_args(argv)
    screener: Screen = Screener.load(judge=args.judge or False)
    if args.judge_sentences:
        weights = Judge.load(args.judge or JUDGE_FILE)
        screener = _Judged(Screener.load(judge=False), weights, sentences=True)
    paths = sorted(args.folder.glob("*.yaml"))
    if not paths:
        parser.error(f"no <lang>.yaml files in {args.folder}")
    results = [measure(screener, p) for p in paths]
    total = Result("all")
    print("lang  warnings  urgent  right key  confirm | ordinary  false alarms  confirm")
    for r in [*results, total]:
        if r is total:
            for x in results:
                for name in ("warnings", "urgent", "right_key", "warning_confirms"):
                    setattr(total, name, getattr(total, name) + getattr(x, name))
                for name in ("ordinary", "false_alarms", "ordinary_confirms"):
                    setattr(total, name, getattr(total, name) + getattr(x, name))
        print(
            f"{r.lang:4}  {r.warnings:8}  {_pct(r.urgent, r.warnings)}"
            f"  {_pct(r.right_key, r.urgent)}"
            f"     {r.warning_confirms:4} | {r.ordinary:8}  {_pct(r.false_alarms, r.ordinary)}"
            f"        {r.ordinary_confirms:4}"
        )
        if args.verbose and r.misses:
            print("\n".join(r.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
