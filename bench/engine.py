"""Benchmark the engine: cost of one step on 1,000 nodes, and memory across 10,000 sessions.

Run by hand: ``python bench/engine.py`` (``--quick`` for a short run). Figures go in
docs/performance.md. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_dialogs  # noqa: E402
from bot.engine import Engine, Event, Session  # noqa: E402
from bot.engine.engine import choice_token  # noqa: E402

SETTINGS = {"emergency_number": "999", "urgent_advice_number": "111", "fever_threshold": 38.0}
REVIEW = """review:
  status: not-reviewed
  reviewed: 2026-11-21
  next_review: 2027-05-21
  sources:
    - title: "Generated for the benchmark"
      url: https://example.org/bench
"""


def generate(directory: Path, dialogs: int = 10, per_dialog: int = 100) -> int:
    """Write a dialog set of ``dialogs * per_dialog`` nodes (plus menu and welcome)."""
    for path in (ROOT / "dialogs").glob("system*.yaml"):
        shutil.copy(path, directory / path.name)
    menu = [
        "id: menu",
        "title: Menu",
        REVIEW,
        "start: main",
        "nodes:",
        "  main:",
        '    say: "Pick a topic."',
        "    choices:",
    ]
    menu += [f'      - label: "Topic {d}"\n        goto: d{d}' for d in range(dialogs)]
    (directory / "menu.yaml").write_text("\n".join(menu) + "\n")
    (directory / "welcome.yaml").write_text(
        "id: welcome\ntitle: Welcome\n" + REVIEW + "start: hi\nnodes:\n  hi:\n"
        '    say: "Hello {emergency_number}"\n    set: {age_group: child}\n    goto: menu\n'
    )
    for d in range(dialogs):
        lines = [f"id: d{d}", f"title: Dialog {d}", REVIEW, "start: n0", "nodes:"]
        for n in range(per_dialog):
            nxt, other = (n + 1) % per_dialog, (n * 7 + 3) % per_dialog
            lines.append(f"  n{n}:")
            if n % 10 == 5:
                lines += [
                    '    say: "Type a temperature, {age_group}."',
                    "    input: {kind: temperature, save: last_temperature}",
                    "    branches:",
                    '      - when: "value >= fever_threshold or value < 36"',
                    f"        goto: n{other}",
                    f"      - goto: n{nxt}",
                ]
            else:
                lines += [
                    f'    say:\n      - "Step {n} of dialog {d}."\n'
                    '      - text: "Only for children."\n        when: "age_group == \'child\'"',
                    "    choices:",
                    f'      - label: "Next"\n        goto: n{nxt}',
                    f'      - label: "Jump"\n        goto: n{other}\n        when: "age_group"',
                    '      - label: "Menu"\n        goto: menu',
                ]
        (directory / f"d{d}.yaml").write_text("\n".join(lines) + "\n")
    return dialogs * per_dialog


def walk(engine: Engine, steps: int, seed: int = 7) -> list[int]:
    """Step a random walk; returns the nanoseconds each ``engine.step`` took."""
    rng = random.Random(seed)
    session = engine.step(Session(), Event("command", "start"), 0.0).session
    timings = []
    for i in range(steps):
        node = engine.dialogs.nodes[session.node or engine.dialogs.menu]
        if node.input is not None:
            event = Event("text", rng.choice(["37.2", "38,4", "101.3 F", "36.6"]))
        else:
            options = [
                j
                for j, c in enumerate(node.choices)
                if c.when is None or c.when.test({**SETTINGS, **session.profile})
            ]
            weights = [5 if node.choices[j].label.source != "Menu" else 1 for j in options]
            event = Event("choice", choice_token(node.id, rng.choices(options, weights)[0]))
        start = time.perf_counter_ns()
        result = engine.step(session, event, float(i))
        timings.append(time.perf_counter_ns() - start)
        session = result.session
    return timings


def session_to_json(session: Session) -> str:
    return json.dumps(asdict(session))


def session_from_json(raw: str) -> Session:
    data = json.loads(raw)
    data["history"] = tuple(data["history"])
    return Session(**data)


def memory_over_sessions(engine: Engine, count: int) -> list[tuple[int, int]]:
    """Load ``count`` distinct stored sessions one after another and step each once.

    Returns (sessions so far, traced bytes still allocated) every tenth of the way.
    """
    rng = random.Random(3)
    node_ids = [n for n, node in engine.dialogs.nodes.items() if not node.input]
    stored = [
        session_to_json(
            Session(
                node=rng.choice(node_ids),
                history=("menu/main",),
                profile={"age_group": "child"},
                updated_at=float(i),
            )
        )
        for i in range(count)
    ]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    points = []
    for i, raw in enumerate(stored, 1):
        session = session_from_json(raw)
        result = engine.step(
            session, Event("choice", choice_token(session.node or "", 0)), float(i)
        )
        session_to_json(result.session)  # serialised, as the store would (stored list unchanged)
        if i % (count // 10) == 0:
            gc.collect()
            points.append((i, tracemalloc.get_traced_memory()[0] - base))
    tracemalloc.stop()
    return points


def add_model_cost(engine: Engine, models: int) -> tuple[float, float]:
    """What one-model-per-user would cost: ms per add_model and KiB per model (for docs)."""
    from transitions import Machine

    class Model:
        pass

    states = list(engine.dialogs.nodes)
    machine = Machine(model=None, states=states, initial=states[0], auto_transitions=False)
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    for _ in range(models):
        machine.add_model(Model())
    elapsed = time.perf_counter() - start
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return elapsed / models * 1000, size / models / 1024


async def store_memory(engine: Engine, count: int, url: str) -> list[tuple[int, int]] | None:
    """The same walk, with sessions loaded from and committed to the real SQLite store."""
    try:
        from bot.store import open_store
        from bot.store.protocol import Person
    except ImportError:
        return None
    store = await open_store(url)
    rng = random.Random(5)
    node_ids = [n for n, node in engine.dialogs.nodes.items() if not node.input]
    for i in range(count):
        await store.commit(
            Person(f"p{i}"), Session(node=rng.choice(node_ids), updated_at=float(i)), (), None
        )
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    points = []
    for i in range(count):
        loaded = await store.load(f"p{i}")
        assert loaded is not None
        person, session = loaded
        result = engine.step(
            session, Event("choice", choice_token(session.node or "", 0)), float(i)
        )
        await store.commit(person, result.session, (), None)
        if (i + 1) % (count // 10) == 0:
            gc.collect()
            points.append((i + 1, tracemalloc.get_traced_memory()[0] - base))
    tracemalloc.stop()
    await store.close()
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer steps, for a smoke run")
    args = parser.parse_args()
    steps = 5_000 if args.quick else 50_000
    sessions = 2_000 if args.quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        nodes = generate(Path(tmp))
        t0 = time.perf_counter()
        dialogs = load_dialogs(tmp)
        t1 = time.perf_counter()
        engine = Engine(dialogs, SETTINGS)
        t2 = time.perf_counter()
        print(
            f"dialog set: {len(dialogs.nodes)} nodes ({nodes} generated); "
            f"load+validate {1000 * (t1 - t0):.0f} ms, build machine {1000 * (t2 - t1):.0f} ms"
        )
        walk(engine, 2_000)  # warm up
        timings = walk(engine, steps)
        q = statistics.quantiles(timings, n=100)
        print(
            f"engine.step over {steps} steps: median {statistics.median(timings) / 1000:.1f} µs, "
            f"p90 {q[89] / 1000:.1f} µs, p99 {q[98] / 1000:.1f} µs (target: median ≤ 50 µs)"
        )
        points = memory_over_sessions(engine, sessions)
        print(
            f"memory while loading {sessions} sessions one after another (traced bytes "
            "retained, after gc):"
        )
        print("  " + ", ".join(f"{n}: {b / 1024:.1f} KiB" for n, b in points))
        growth = (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0])
        print(f"  growth per session after the first tenth: {growth:.2f} bytes (target: ~0)")
        print(f"  machine models registered: {len(engine.machine.machine.models)}")
        ms, kib = add_model_cost(engine, 200)
        print(
            f"for comparison, one model per user: add_model {ms:.2f} ms and {kib:.1f} KiB per "
            f"model on this {len(dialogs.nodes)}-node machine"
        )
        url = f"sqlite:///{tmp}/bench.db"
        store_points = asyncio.run(store_memory(engine, sessions, url))
        if store_points:
            print(f"with the SQLite store, {sessions} sessions loaded, stepped and committed:")
            print("  " + ", ".join(f"{n}: {b / 1024:.1f} KiB" for n, b in store_points))


if __name__ == "__main__":
    main()
