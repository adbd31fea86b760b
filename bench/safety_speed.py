"""Time the safety screen per message: µs for a first screen of a message and for a repeat.

Run by hand: ``python bench/safety_speed.py [--root CHECKOUT]``. It screens every message of
``tests/data/redflags/*.yaml`` and ``tests/data/safety_blind/dev/*.yaml`` (warnings and
ordinary ones) with the :class:`~bot.safety.Screener` of ``CHECKOUT`` (this one by default, so
another checkout gives the "before" figure). "First" is each message's first screen in a
fresh screener (nothing remembered of its words); "repeat" is the median of 5 more.
Prints the median, 95th percentile and slowest, in µs, and the load time. Figures go in
docs/safety.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _messages() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / "tests/data/redflags").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("urgent", "confirm", "calm"):
            out += [(path.stem, str(t)) for t in data.get(key) or []]
    for path in sorted((ROOT / "tests/data/safety_blind/dev").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("warning", "ordinary"):
            out += [(path.stem, str(i["text"])) for i in data.get(key) or []]
    return out


def _summary(name: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(0.95 * (len(values) - 1))]
    return (
        f"{name:7} median {statistics.median(values):6.1f} µs   p95 {p95:6.1f} µs   "
        f"slowest {values[-1]:7.1f} µs"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to time")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    from bot.safety import Screener

    started = time.perf_counter()
    screener = Screener.load()
    loaded = time.perf_counter() - started
    messages = _messages()
    first, repeat = [], []
    for lang, text in messages:
        t0 = time.perf_counter()
        screener.screen(text, lang)
        first.append((time.perf_counter() - t0) * 1e6)
    for lang, text in messages:
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            screener.screen(text, lang)
            runs.append((time.perf_counter() - t0) * 1e6)
        repeat.append(statistics.median(runs))
    print(f"{len(messages)} messages, Screener.load() {loaded:.2f} s ({args.root})")
    print(_summary("first", first))
    print(_summary("repeat", repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
