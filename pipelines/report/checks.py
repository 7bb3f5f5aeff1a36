"""The arithmetic of checks.toml applied to a `Report`: one `CheckResult` per rule instance.

1. Expansion: a rule's ``for_each`` placeholders ({col}, {row}, {block}, {key}) are expanded from
   [sets] or from statistics.toml (official keys of given value types); the instance id is
   ``<rule id>[name=value,…]``, e.g. ``t3.balance[col=total]``.
2. Applicability (not_applicable, with the reason): not an annual report; a cross-year rule without
   the previous report; the rule's table not found; the table's own version (表二, 表三) or the
   document's (rules on "*", which apply to "mixed" reports too) not among the rule's versions;
   ``applies_when`` false; a figure the expression needs that the report does not state (the report
   year, a narrative figure).
3. Evaluation: the expression is parsed with Python's `ast` and evaluated node by node; only the
   nodes of the expression language are allowed (`expression.py`). Blank and absent cells read as 0.
4. Status: pass when the assertion holds; when it does not, incomplete if an operand cell was blank
   (the report left it empty, so which side is wrong cannot be told), else fail.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from archive.errors import ConfigError

from .expression import Evaluator, NotApplicable, compile_expression, render
from .model import Report
from .spec import TABLES, Rule, Spec, load_spec

STATUSES = ("pass", "fail", "incomplete", "not_applicable")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one rule instance on one report."""

    id: str  # instance id, e.g. "t3.balance[col=total]"
    rule: str  # rule id, e.g. "t3.balance"
    passed: bool | None  # None when incomplete or not applicable
    status: str  # pass | fail | incomplete | not_applicable
    severity: str  # error | warning (incomplete is always reported as a warning)
    detail: str  # one line, e.g. "t3.balance[col=total] failed: new 3 + carried_over 1 = 4, but …"
    values: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


def run_checks(report: Report, *, previous: Report | None = None,
               spec: Spec | None = None) -> list[CheckResult]:
    """Every rule instance of checks.toml on ``report``; ``previous`` is the same agency's report on
    the year before, for the cross-year rules (not_applicable without it)."""
    spec = spec or load_spec()
    _validate(spec)
    results = []
    for rule in spec.rules:
        for instance, names in _instances(rule, spec):
            results.append(_check(rule, instance, names, report, previous, spec))
    return results


def summarise(results: Sequence[CheckResult]) -> dict[str, str]:
    """Rule id → status of the rule: fail if an instance failed, else incomplete if one was, else
    pass if one passed, else not_applicable."""
    by_rule: dict[str, set[str]] = {}
    for result in results:
        by_rule.setdefault(result.rule, set()).add(result.status)
    return {rule: next(s for s in ("fail", "incomplete", "pass", "not_applicable") if s in statuses)
            for rule, statuses in by_rule.items()}


@functools.cache
def _validate(spec: Spec) -> None:
    """Parse every rule once, so a bad expression fails loudly naming its rule."""
    for rule in spec.rules:
        for _, names in itertools.islice(_instances(rule, spec), 1):
            for text in filter(None, (rule.expr, rule.applies_when)):
                try:
                    compile_expression(_expand(text, names))
                except (SyntaxError, ValueError) as error:
                    raise ConfigError(f"checks.toml: [[rule]] {rule.id}: {error}. Fix: use only the "
                                      "operators and functions listed at the top of checks.toml") from error


def _instances(rule: Rule, spec: Spec) -> Iterator[tuple[str, dict[str, str]]]:
    """Step 1: (instance id, placeholder values) for each combination of ``for_each``."""
    names = list(rule.for_each)
    choices = [_choices(rule, name, spec) for name in names]
    for combination in itertools.product(*choices):
        values = dict(zip(names, combination, strict=True))
        label = ",".join(f"{name}={value}" for name, value in values.items())
        yield (f"{rule.id}[{label}]" if label else rule.id), values


def _choices(rule: Rule, name: str, spec: Spec) -> tuple[str, ...]:
    """The values of one placeholder: a [sets] list, or keys of statistics.toml by value type."""
    source = rule.for_each[name]
    if isinstance(source, str):
        if source not in spec.sets:
            raise ConfigError(f"checks.toml: [[rule]] {rule.id}: for_each.{name} = {source!r} "
                              "is not in [sets]")
        return spec.sets[source]
    if isinstance(source, Mapping) and source.get("from") == "statistics.toml":
        types = source.get("value_type", [])
        return tuple(s.key for s in spec.stats.values() if s.official and s.value_type in types)
    raise ConfigError(f"checks.toml: [[rule]] {rule.id}: for_each.{name} must name a set or "
                      '{ from = "statistics.toml", value_type = [...] }')


def _expand(text: str, names: Mapping[str, str]) -> str:
    """The expression with its placeholders filled in."""
    for name, value in names.items():
        text = text.replace("{" + name + "}", value)
    return text


def _check(rule: Rule, instance: str, names: dict[str, str], report: Report, previous: Report | None,
           spec: Spec) -> CheckResult:
    """Steps 2–4 for one instance."""
    reason = _skip_reason(rule, report, previous)
    try:
        if reason is None and rule.applies_when:
            condition = _expand(rule.applies_when, names)
            if not Evaluator(report, previous, spec).truth(compile_expression(condition)):
                reason = f"applies_when is false: {' '.join(condition.split())}"
        if reason is not None:
            return CheckResult(instance, rule.id, None, "not_applicable", rule.severity,
                               f"{instance} not applicable: {reason}")
        evaluator = Evaluator(report, previous, spec)
        holds = evaluator.truth(compile_expression(_expand(rule.expr, names)))
    except NotApplicable as missing:
        return CheckResult(instance, rule.id, None, "not_applicable", rule.severity,
                           f"{instance} not applicable: {missing}")
    return _result(rule, instance, names, holds, evaluator)


def _result(rule: Rule, instance: str, names: dict[str, str], holds: bool,
            evaluator: Evaluator) -> CheckResult:
    """Step 4: the status, and a one-line detail naming both sides' numbers."""
    values = MappingProxyType(dict(evaluator.operands))
    shown = render(evaluator, _expand(rule.expr, names), names.values(), holds)
    if holds:
        return CheckResult(instance, rule.id, True, "pass", rule.severity, f"{instance} passed: {shown}",
                           values)
    if evaluator.blank:
        blanks = ", ".join(sorted(evaluator.blank))
        return CheckResult(instance, rule.id, None, "incomplete", "warning",
                           f"{instance} incomplete: {shown}; blank (read as 0): {blanks}", values)
    return CheckResult(instance, rule.id, False, "fail", rule.severity, f"{instance} failed: {shown}", values)


def _skip_reason(rule: Rule, report: Report, previous: Report | None) -> str | None:
    """Step 2 (all but applies_when): why the rule does not apply, or None."""
    if not report.is_annual_report:
        return "not an annual report"
    if rule.scope == "cross_year" and previous is None:
        return "no previous report of this agency to compare with"
    if rule.table in TABLES:
        if rule.table not in report.tables_found:
            return f"表{rule.table} not found"
        if rule.table == "四":
            return None
        version = report.table_versions.get(rule.table)
        if version not in rule.versions:
            return f"表{rule.table} is version {version}; the rule is for {', '.join(rule.versions)}"
        return None
    if report.format_version != "mixed" and report.format_version not in rule.versions:
        return f"format version {report.format_version}; the rule is for {', '.join(rule.versions)}"
    return None
