"""``when:`` expressions: a small, safe subset of Python expressions compiled once at load.

Allowed: names (profile fields, settings, ``value``), strings, numbers, ``true``/``false``,
``none``, lists of constants, ``== != < <= > >= in not in``, ``and``, ``or``, ``not``.
A missing name reads as ``None``; any comparison with ``None`` other than ``==``/``!=`` is false,
so an unset profile field never makes a condition true by accident.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from bot.content.model import Predicate

Getter = Callable[[Mapping[str, Any]], Any]

_LITERALS = {"true": True, "false": False, "none": None, "True": True, "False": False}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: b is not None and a in b,
    ast.NotIn: lambda a, b: b is not None and a not in b,
}


class ConditionError(ValueError):
    """An expression outside the allowed subset; the message says what to write instead."""


def compile_condition(expr: str) -> tuple[Predicate, frozenset[str]]:
    """Compile ``expr`` into a predicate and the set of names it reads.

    Raises:
        ConditionError: the expression is not valid or uses something not allowed.
    """
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(
            f"cannot read the condition {expr!r}: {exc.msg}; write it like "
            "'age_group == \"baby\"' or 'value >= fever_threshold'"
        ) from None
    names: set[str] = set()
    getter = _compile(tree.body, names)
    return (lambda ns: bool(getter(ns))), frozenset(names)


def _compile(node: ast.expr, names: set[str]) -> Getter:
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, names) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda ns: all(p(ns) for p in parts)
        return lambda ns: any(p(ns) for p in parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _compile(node.operand, names)
        return lambda ns: not inner(ns)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int | float)
    ):
        neg = -node.operand.value
        return lambda ns: neg
    if isinstance(node, ast.Compare):
        return _compile_compare(node, names)
    if isinstance(node, ast.Name):
        if node.id in _LITERALS:
            literal = _LITERALS[node.id]
            return lambda ns: literal
        name = node.id
        names.add(name)
        return lambda ns: ns.get(name)
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        const = node.value
        return lambda ns: const
    if isinstance(node, ast.List | ast.Tuple):
        items = tuple(_compile(e, names) for e in node.elts)
        return lambda ns: [i(ns) for i in items]
    raise ConditionError(
        f"'{ast.unparse(node)}' is not allowed in a condition; use names, numbers, quoted "
        "words, lists, comparisons (== != < <= > >= in), and, or, not"
    )


def _compile_compare(node: ast.Compare, names: set[str]) -> Getter:
    left = _compile(node.left, names)
    steps = [
        (_COMPARE[type(op)], _compile(right, names))
        for op, right in zip(node.ops, node.comparators, strict=True)
        if type(op) in _COMPARE
    ]
    if len(steps) != len(node.ops):
        raise ConditionError(f"'{ast.unparse(node)}': use == != < <= > >= in or not in")

    def test(ns: Mapping[str, Any]) -> bool:
        a = left(ns)
        for op, right in steps:
            b = right(ns)
            try:
                if not op(a, b):
                    return False
            except TypeError:  # None or mismatched types: the rule does not apply
                return False
            a = b
        return True

    return test
