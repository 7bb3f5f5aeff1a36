"""The expression language of checks.toml, parsed with `ast` and evaluated over a `Report`.

Allowed: dotted statistic keys (``applications.new.total``), ``report_year``, ``format_version``,
integer, decimal and string literals, ``+ -`` (also unary minus), ``== != <= >= < >``, ``and or not``,
parentheses, and the functions sum, count, prev, present, is_integer, table_found, missing_cells,
unit_printed, narrative. Anything else (attribute access on values, subscripts, other calls,
lambdas …) is rejected when the rule is compiled.

Globs are not Python: the argument of a key function (``sum(applications.outcome.withheld.*.total)``)
is turned into a string literal before parsing. Blank and absent cells read as 0 and are remembered
(``Evaluator.blank``), so a failed assertion over a blank cell can be reported as incomplete.
Integers compare exactly; when a decimal is involved, ``==`` allows a difference of 0.01.
"""

from __future__ import annotations

import ast
import functools
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Report
from .spec import TABLES, Spec

KEY_FUNCTIONS = ("sum", "count", "prev", "present", "is_integer", "unit_printed")
OTHER_FUNCTIONS = ("table_found", "missing_cells", "narrative")
FIELDS = ("report_year", "format_version")
TOLERANCE = 0.01
KEY_ARGUMENT = re.compile(rf"\b({'|'.join(KEY_FUNCTIONS)})\(\s*([^()\"]*?)\s*\)")
ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.BinOp, ast.Add,
           ast.Sub, ast.Compare, ast.Eq, ast.NotEq, ast.LtE, ast.GtE, ast.Lt, ast.Gt, ast.Call, ast.Name,
           ast.Attribute, ast.Constant, ast.Load)
WRAPPED = re.compile(r"^(prev|narrative|count)\((.*)\)$")
COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.LtE: "<=", ast.GtE: ">=", ast.Lt: "<", ast.Gt: ">"}


class NotApplicable(Exception):  # noqa: N818 — a signal, not an error: the rule cannot be evaluated
    """The expression needs something the report does not have (previous report, narrative figure)."""


@functools.lru_cache(maxsize=4096)
def compile_expression(text: str) -> ast.Expression:
    """Parse an expanded expression; ValueError names the first construct that is not allowed."""
    source = KEY_ARGUMENT.sub(lambda m: f'{m[1]}("{m[2]}")', " ".join(text.split()))
    tree = ast.parse(f"({source})", mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED):
            raise ValueError(f"{type(node).__name__} is not allowed in {text!r}")
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in KEY_FUNCTIONS + OTHER_FUNCTIONS or node.keywords:
                raise ValueError(f"unknown function {ast.unparse(node.func)!r} in {text!r}")
        if isinstance(node, ast.Compare) and len(node.ops) != 1:
            raise ValueError(f"chained comparison in {text!r}")
    return tree


@dataclass
class Term:
    """A number with the operands it was made of, for the detail line."""

    value: int | float
    parts: list[tuple[str, str | None, int | float | None]]  # (sign, name or None for a literal, value)


@dataclass
class Comparison:
    """One comparison met while evaluating."""

    left: object  # a Term, or a string (format_version == "2021")
    op: str
    right: object
    holds: bool


class Evaluator:
    """Evaluates compiled expressions over one report (and the previous one, for prev())."""

    def __init__(self, report: Report, previous: Report | None, spec: Spec) -> None:
        self.report, self.previous, self.spec = report, previous, spec
        self.operands: dict[str, object] = {}  # key or field → value (None: blank or absent)
        self.blank: set[str] = set()  # operand cells read as 0
        self.comparisons: list[Comparison] = []
        self.notes: list[str] = []  # extra facts for the detail line

    def truth(self, tree: ast.Expression) -> bool:
        """The expression's truth value."""
        return bool(self._value(self.eval(tree.body)))

    def eval(self, node: ast.AST) -> object:
        """One node: a Term for numbers, else a bool or a string."""
        method = getattr(self, f"_{type(node).__name__}")
        return method(node)

    def _Constant(self, node: ast.Constant) -> object:  # noqa: N802 — named after the ast node class
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            return node.value
        return Term(node.value, [("+", None, node.value)])

    def _Name(self, node: ast.Name) -> object:  # noqa: N802
        if node.id in FIELDS:
            return self._field(node.id, self.report)
        return self._cell(node.id)

    def _Attribute(self, node: ast.Attribute) -> object:  # noqa: N802
        return self._cell(ast.unparse(node))

    def _UnaryOp(self, node: ast.UnaryOp) -> object:  # noqa: N802
        operand = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not self._value(operand)
        return Term(-operand.value, [("-" if s == "+" else "+", n, v) for s, n, v in operand.parts])

    def _BinOp(self, node: ast.BinOp) -> Term:  # noqa: N802
        left, right = self.eval(node.left), self.eval(node.right)
        if isinstance(node.op, ast.Add):
            return Term(left.value + right.value, left.parts + right.parts)
        flipped = [("-" if s == "+" else "+", n, v) for s, n, v in right.parts]
        return Term(left.value - right.value, left.parts + flipped)

    def _BoolOp(self, node: ast.BoolOp) -> bool:  # noqa: N802
        want = isinstance(node.op, ast.Or)
        for value in node.values:
            if bool(self._value(self.eval(value))) == want:
                return want
        return not want

    def _Compare(self, node: ast.Compare) -> bool:  # noqa: N802
        left, right = self.eval(node.left), self.eval(node.comparators[0])
        op = COMPARE[type(node.ops[0])]
        holds = _compare(self._value(left), op, self._value(right))
        self.comparisons.append(Comparison(left, op, right, holds))
        return holds

    def _Call(self, node: ast.Call) -> object:  # noqa: N802
        name = node.func.id
        args = [self.eval(arg) if not isinstance(arg, ast.Constant) else arg.value for arg in node.args]
        return getattr(self, f"fn_{name}")(*args)

    # functions of the language -------------------------------------------------------------

    def fn_sum(self, glob: str) -> Term:
        total = sum(self._cell(key).value for key in self._glob(glob))
        return Term(total, [("+", glob, total)])

    def fn_count(self, glob: str) -> Term:
        count = len(self._glob(glob))
        return Term(count, [("+", f"count({glob})", count)])

    def fn_present(self, key: str) -> bool:
        return key in self.report.values

    def fn_is_integer(self, key: str) -> bool:
        value = self._cell(key).value
        return float(value).is_integer()

    def fn_unit_printed(self, key: str) -> bool:
        value = self.report.values.get(key)
        return bool(value and value.printed_unit)

    def fn_table_found(self, table: str) -> bool:
        if table not in TABLES:
            raise ValueError(f"table_found({table!r}): not one of {', '.join(TABLES)}")
        return table in self.report.tables_found

    def fn_missing_cells(self) -> Term:
        missing = missing_cells(self.report, self.spec)
        self.operands.update(dict.fromkeys(missing))  # listed, but not blank operands: the count is printed
        self.notes.append(f"missing: {', '.join(missing)}" if missing else "")
        return Term(len(missing), [("+", "missing_cells()", len(missing))])

    def fn_narrative(self, name: str) -> Term:
        if name not in self.report.narrative:
            raise NotApplicable(f"the text states no figure for {name}")
        value = self.report.narrative[name]
        self.operands[f"narrative({name})"] = value
        return Term(value, [("+", f"narrative({name})", value)])

    def fn_prev(self, key: str) -> object:
        if self.previous is None:
            raise NotApplicable("no previous report of this agency to compare with")
        if key in FIELDS:
            return self._field(key, self.previous)
        value = self.previous.values.get(key)
        number = value.value if value else None
        name = f"prev({key})"
        self.operands[name] = number
        if number is None:
            self.blank.add(name)
        return Term(number or 0, [("+", name, number or 0)])

    # helpers ----------------------------------------------------------------------------------

    def _cell(self, key: str) -> Term:
        """A statistic cell: blank or absent read as 0, and remembered."""
        value = self.report.values.get(key)
        number = value.value if value else None
        self.operands[key] = number
        if number is None:
            self.blank.add(key)
        return Term(number or 0, [("+", key, number or 0)])

    def _field(self, name: str, report: Report) -> object:
        """A document-level field; a missing year makes the rule not applicable."""
        value = report.year if name == "report_year" else report.format_version
        if value is None:
            raise NotApplicable(f"the report's {name.replace('_', ' ')} is unknown")
        self.operands[name if report is self.report else f"prev({name})"] = value
        return Term(value, [("+", name, value)]) if isinstance(value, int) else value

    def _glob(self, glob: str) -> list[str]:
        """Keys present in the report matching a glob whose ``*`` is one dotted segment."""
        pattern = re.compile("^" + r"\.".join("[^.]+" if part == "*" else re.escape(part)
                                               for part in glob.split(".")) + "$")
        return [key for key in self.report.values if pattern.match(key)]

    @staticmethod
    def _value(item: object) -> object:
        return item.value if isinstance(item, Term) else item


def _compare(left: object, op: str, right: object) -> bool:
    """A comparison; decimals compare within TOLERANCE."""
    if isinstance(left, float) or isinstance(right, float):
        if op == "==":
            return abs(left - right) <= TOLERANCE
        if op == "!=":
            return abs(left - right) > TOLERANCE
        if op in ("<=", "<"):
            return left <= right + TOLERANCE if op == "<=" else left < right - TOLERANCE
        return left + TOLERANCE >= right if op == ">=" else left > right + TOLERANCE
    ops = {"==": operator.eq, "!=": operator.ne, "<=": operator.le, ">=": operator.ge, "<": operator.lt,
           ">": operator.gt}
    return ops[op](left, right)


def missing_cells(report: Report, spec: Spec) -> list[str]:
    """Official keys of each found table's version that are absent or blank."""
    missing = []
    for table in report.tables_found:
        version = None if table == "四" else report.table_versions.get(table)
        missing += [key for key in spec.official_keys(table, version)
                    if key not in report.values or report.values[key].value is None]
    return missing


def render(evaluator: Evaluator, expression: str, placeholders: Iterable[str], holds: bool) -> str:
    """The detail of a result: both sides' operands and sums for a single numeric comparison
    ("new 3 + carried_over 1 = 4, but outcome.total 3 + carried_forward 0 = 3"), else the expression
    with the values it read."""
    numeric = [c for c in evaluator.comparisons if isinstance(c.left, Term) and isinstance(c.right, Term)]
    if len(evaluator.comparisons) == 1 and numeric:
        (comparison,) = numeric
        names = [name for term in (comparison.left, comparison.right) for _, name, _ in term.parts if name]
        namer = _namer(names, placeholders)
        left, right = _side(comparison.left, namer), _side(comparison.right, namer)
        notes = "".join(f"; {note}" for note in evaluator.notes if note)
        if holds:
            return f"{left} {comparison.op} {right}{notes}"
        if comparison.op == "==":
            return f"{left}, but {right}{notes}"
        return f"{left}, expected {comparison.op} {right}{notes}"
    shown = ", ".join(f"{name}={value!r}" for name, value in evaluator.operands.items())
    return " ".join(expression.split()) + (f" with {shown}" if shown else "")


def _side(term: Term, namer: Callable[[str], str]) -> str:
    """One side of a comparison: "a 1 + b 2 = 3", or just "a 1"."""
    text = ""
    for i, (sign, name, value) in enumerate(term.parts):
        piece = _number(value) if name is None else f"{namer(name)} {_number(value)}"
        text += (f"-{piece}" if sign == "-" else piece) if i == 0 else f" {sign} {piece}"
    return f"{text} = {_number(term.value)}" if len(term.parts) > 1 else text


def _number(value: object) -> str:
    """A number as printed in details: integers without a decimal point, decimals to two places."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def _namer(names: list[str], placeholders: Iterable[str]) -> Callable[[str], str]:
    """Short operand names: the instance's placeholder values and a first segment shared by all keys
    removed ("applications.new.total" → "new" in t3.balance[col=total]); prev(…) and narrative(…)
    keep their wrapper."""
    values = sorted((p for p in placeholders if p), key=len, reverse=True)

    def inner(name: str) -> tuple[str, str, str]:
        match = WRAPPED.match(name)
        return (match[1] + "(", match[2], ")") if match else ("", name, "")

    def strip(key: str) -> str:
        for value in values:
            if key.endswith("." + value):
                return key[: -len(value) - 1]
            if key.startswith(value + "."):
                return key[len(value) + 1:]
        return key

    keys = {name: strip(inner(name)[1]) for name in names}
    firsts = {key.split(".")[0] for key in keys.values()}
    common = firsts.pop() if len(set(keys.values())) > 1 and len(firsts) == 1 else None

    def short(name: str) -> str:
        before, key, after = inner(name)
        key = keys.get(name, key)
        if common and key.startswith(common + "."):
            key = key[len(common) + 1:]
        return before + key + after

    return short
