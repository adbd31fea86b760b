"""Train the safety judge (bot/safety/judge.py) and measure it, reproducibly.

Run by hand (scikit-learn and scipy are needed here only, ``pip install -e ".[train]"``)::

    python scripts/train_safety_judge.py --holdout fresh5 --cv   # choose; write nothing
    python scripts/train_safety_judge.py --holdout fresh5 --out /tmp/judge.json
    python scripts/train_safety_judge.py --all --out judge.json  # every set

Training text: ``tests/data/safety_blind/<set>/<lang>.yaml`` (warning → 1, ordinary → 0) and
``tests/data/redflags/<lang>.yaml`` (urgent → 1, confirm and calm → 0). A set named with
``--holdout`` is left out of everything (training, cross-validation, thresholds). Every
hyper-parameter and both thresholds are chosen by leave-one-set-out cross-validation on the
training sets: each set's scores come from a model that never saw it. Fixed seed; the same
inputs give the same weights file byte for byte.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import sys
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.safety import Screener, Screening  # noqa: E402
from bot.safety.judge import NEVER_VETOED_KEYS, Judge, feature_counts  # noqa: E402

BLIND = ROOT / "tests/data/safety_blind"
REDFLAGS = ROOT / "tests/data/redflags"
SEED = 20261207
THRESHOLD_C = 38.0
DIM = 1 << 18
#: Features tried (character n-gram sizes, word n-gram orders) and regularisation strengths;
#: the pair with the best cross-validated AUC on the messages the judge may act on is kept.
FEATURES = (
    ((2, 3, 4, 5), (2,)),
    ((3, 4, 5), (1, 2)),
    ((3, 4, 5), (1, 2, 3)),
    ((), (1, 2, 3)),
)
C_GRID = (10.0, 30.0, 100.0)
#: The share of the warnings the judge may act on that it may turn into a question, at most,
#: on the cross-validated scores (the gate allows 0.5 points on the held-out set).
VETO_BUDGET = 0.003
#: Rules whose urgent answer the judge never touches besides the emergency ones: asking
#: whether to call an ambulance is itself the sign, and is mostly said as a question.
KEEP_RULES = frozenset({"sign.very_wrong"})


@dataclass
class Item:
    group: str
    lang: str
    text: str
    label: int
    rule: Screening | None


def load_items(holdout: set[str], screener: Screener) -> tuple[list[Item], list[Item]]:
    """(training items, held-out items), each with the rule screen's verdict."""
    train: list[Item] = []
    held: list[Item] = []
    for folder in sorted(p for p in BLIND.iterdir() if p.is_dir()):
        out = held if folder.name in holdout else train
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            lang = str(data.get("language") or path.stem)
            for key, label in (("warning", 1), ("ordinary", 0)):
                for item in data.get(key) or []:
                    text = str(item["text"])
                    rule = screener.screen(text, lang, THRESHOLD_C)
                    out.append(Item(folder.name, lang, text, label, rule))
    for path in sorted(REDFLAGS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lang = str(data.get("language") or path.stem)
        for key, label in (("urgent", 1), ("confirm", 0), ("calm", 0)):
            for t in data.get(key) or []:
                text = str(t)
                train.append(Item("redflags", lang, text, label, screener.screen(text, lang)))
    return train, held


def fired(item: Item) -> bool:
    """The rules answered urgent or asked: a sign is named, so whether it is now matters.

    The judge learns only from these (it acts only on urgent answers); plain messages would
    teach it which words are signs, which the rules know, instead of when a sign is now.
    """
    return item.rule is not None and item.rule.kind in ("urgent", "confirm")


def matrix(items: list[Item], sizes: tuple[int, ...], orders: tuple[int, ...]) -> csr_matrix:
    rows, cols, vals = [], [], []
    for r, item in enumerate(items):
        counts, emitted = feature_counts(item.text, sizes, orders, DIM)
        scale = 1.0 / math.sqrt(emitted) if emitted else 0.0
        for c, v in sorted(counts.items()):
            rows.append(r)
            cols.append(c)
            vals.append(v * scale)
    return csr_matrix((vals, (rows, cols)), shape=(len(items), DIM), dtype=np.float64)


def fit(x: csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=5000, solver="liblinear", random_state=SEED)
    model.fit(x, y)
    return model


def cross_validated(items: list[Item], x: csr_matrix, c: float) -> np.ndarray:
    """Each item's score from the model trained on every other set (leave one set out)."""
    y = np.array([i.label for i in items])
    groups = np.array([i.group for i in items])
    learn = np.array([fired(i) for i in items])
    scores = np.zeros(len(items))
    for g in sorted(set(groups)):
        test = groups == g
        model = fit(x[~test & learn], y[~test & learn], c)
        scores[test] = model.predict_proba(x[test])[:, 1]
    return scores


def vetoable(item: Item) -> bool:
    """The rules gave an urgent answer the judge may turn into a question."""
    return (
        item.rule is not None
        and item.rule.kind == "urgent"
        and item.rule.message_key not in NEVER_VETOED_KEYS
        and item.rule.rule not in KEEP_RULES
    )


def choose_threshold(items: list[Item], scores: np.ndarray) -> float:
    """The veto threshold: at most VETO_BUDGET of the vetoable warnings score under it."""
    warn = sorted(s for i, s in zip(items, scores, strict=True) if i.label == 1 and vetoable(i))
    k = int(VETO_BUDGET * len(warn))
    # halfway between the k-th and (k+1)-th lowest: k warnings fall under it
    return float((warn[k - 1] + warn[k]) / 2) if k else float(warn[0] / 2)


def combined(item: Item, score: float, veto: float) -> str:
    """The screen's kind after the judge: urgent, confirm or none (others as they were)."""
    kind = item.rule.kind if item.rule is not None else "none"
    if kind == "urgent" and vetoable(item) and score < veto:
        return "confirm"
    return kind


def report(title: str, items: list[Item], scores: np.ndarray, veto: float) -> None:
    print(f"\n{title}  (veto below {veto:.4f})")
    print("lang  warnings  urgent rules → judge  confirm | ordinary  alarms rules → judge  confirm")
    langs = sorted({i.lang for i in items})
    for lang in [*langs, "all"]:
        sub = [(i, s) for i, s in zip(items, scores, strict=True) if lang in ("all", i.lang)]
        w = [(i, s) for i, s in sub if i.label == 1]
        o = [(i, s) for i, s in sub if i.label == 0]

        def kind(i: Item) -> str:
            return i.rule.kind if i.rule is not None else "none"

        wu0 = sum(kind(i) == "urgent" for i, _ in w)
        wu1 = sum(combined(i, s, veto) == "urgent" for i, s in w)
        wc0 = sum(kind(i) == "confirm" for i, _ in w)
        wc1 = sum(combined(i, s, veto) == "confirm" for i, s in w)
        fa0 = sum(kind(i) == "urgent" for i, _ in o)
        fa1 = sum(combined(i, s, veto) == "urgent" for i, s in o)
        oc0 = sum(kind(i) == "confirm" for i, _ in o)
        oc1 = sum(combined(i, s, veto) == "confirm" for i, s in o)

        def pct(a: int, n: int) -> str:
            return f"{100 * a / n:5.1f}%" if n else "    -"

        print(
            f"{lang:4}  {len(w):8}  {pct(wu0, len(w))} → {pct(wu1, len(w))}  {wc0:3} → {wc1:3}"
            f" | {len(o):8}  {pct(fa0, len(o))} → {pct(fa1, len(o))}  {oc0:3} → {oc1:3}"
        )


def write(
    model: LogisticRegression,
    features: tuple[tuple[int, ...], tuple[int, ...]],
    veto: float,
    path: Path,
    note: str,
) -> None:
    coef = model.coef_[0]
    scale = float(np.abs(coef).max()) / 32767 or 1.0
    quantised = array("h", (round(v / scale) for v in coef))
    if sys.byteorder != "little":
        quantised.byteswap()
    data = {
        "about": "bot/safety/judge.py reads this; scripts/train_safety_judge.py writes it",
        "trained_on": note,
        "char_sizes": list(features[0]),
        "word_orders": list(features[1]),
        "dim": DIM,
        "bias": float(model.intercept_[0]),
        "scale": scale,
        "veto_below": round(veto, 6),
        "keep_rules": sorted(KEEP_RULES),
        "weights": base64.b64encode(zlib.compress(quantised.tobytes(), 9)).decode("ascii"),
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="append", default=[], help="a blind set to leave out")
    parser.add_argument("--all", action="store_true", help="train on every set (none held out)")
    parser.add_argument("--cv", action="store_true", help="cross-validate only")
    parser.add_argument("--out", type=Path, default=None, help="weights file to write")
    args = parser.parse_args(argv)
    holdout = set() if args.all else set(args.holdout)
    screener = Screener.load(judge=False)  # the rules' own answers: the judge learns on them
    train, held = load_items(holdout, screener)
    groups = sorted({i.group for i in train})
    print(f"training items {len(train)} ({', '.join(groups)}), held out {len(held)}")
    y = np.array([i.label for i in train])
    acts = np.array([vetoable(i) for i in train])
    best: tuple[float, tuple[tuple[int, ...], tuple[int, ...]], float] | None = None
    for features in FEATURES:
        x = matrix(train, *features)
        for c in C_GRID:
            scores = cross_validated(train, x, c)
            auc = roc_auc_score(y[acts], scores[acts])
            print(f"chars {features[0]} words {features[1]} C={c:5}: AUC {auc:.4f}", flush=True)
            if best is None or auc > best[2]:
                best = (c, features, auc)
    assert best is not None
    c, features, _ = best
    x = matrix(train, *features)
    scores = cross_validated(train, x, c)
    veto = choose_threshold(train, scores)
    report(f"leave one set out, chars {features[0]} words {features[1]} C={c}", train, scores, veto)
    if args.cv:
        return 0
    learn = np.array([fired(i) for i in train])
    model = fit(x[learn], y[learn], c)
    out = args.out or Path("judge.json")
    write(model, features, veto, out, f"{', '.join(groups)}; C={c}; seed {SEED}")
    judge = Judge.load(out)
    # the bot's scorer (plain Python, quantised weights) against scikit-learn's
    drift = max(
        abs(judge.score(i.text) - p)
        for i, p in zip(train, model.predict_proba(x)[:, 1], strict=True)
    )
    print(f"largest difference between the plain-Python scorer and scikit-learn: {drift:.2e}")
    if held:
        report(
            "held out " + ", ".join(sorted(holdout)),
            held,
            np.array([judge.score(i.text) for i in held]),
            veto,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
