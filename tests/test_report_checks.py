"""The checks.toml evaluator: statuses, blanks, applicability, detail lines, and its safety."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from pipelines.report import CheckResult, Report, Value, run_checks, summarise
from pipelines.report.checks import _validate
from pipelines.report.expression import compile_expression
from pipelines.report.spec import load_spec

COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
           "legal_service_org", "other_org", "total")


def report(figures: dict[str, int | float | None], *, tables=("二", "三", "四"), versions=None,
           year: int | None = 2023, narrative=None) -> Report:
    """A parsed report holding just ``figures`` (None = a blank cell)."""
    versions = versions or {"二": "2021", "三": "2021"}
    values = {key: Value(key, number, "" if number is None else str(number), "三", "text", None, 1, 1, "件")
              for key, number in figures.items()}
    found = set(versions.values())
    return Report("测试局", year, found.pop() if len(found) == 1 else "mixed", MappingProxyType(versions),
                  tuple(tables), True, MappingProxyType(values), narrative=MappingProxyType(narrative or {}))


def balance(new: int | None, over: int | None, total: int | None, forward: int | None,
            col: str = "total") -> dict:
    return {f"applications.new.{col}": new, f"applications.carried_over.{col}": over,
            f"applications.outcome.total.{col}": total, f"applications.carried_forward.{col}": forward}


def result(results: list[CheckResult], instance: str) -> CheckResult:
    return next(r for r in results if r.id == instance)


def test_failed_balance_names_both_sides_and_their_numbers():
    found = result(run_checks(report(balance(3, 1, 3, 0))), "t3.balance[col=total]")
    assert (found.status, found.passed, found.severity, found.detail) == (
        "fail", False, "error",
        "t3.balance[col=total] failed: new 3 + carried_over 1 = 4, "
        "but outcome.total 3 + carried_forward 0 = 3")


def test_result_lists_the_values_of_the_keys_involved():
    found = result(run_checks(report(balance(3, 1, 3, 0))), "t3.balance[col=total]")
    assert dict(found.values) == balance(3, 1, 3, 0)


def test_balance_that_holds_passes():
    found = result(run_checks(report(balance(3, 1, 4, 0))), "t3.balance[col=total]")
    assert (found.status, found.passed) == ("pass", True)


def test_blank_cell_reads_as_zero_when_the_sum_holds():
    found = result(run_checks(report(balance(3, None, 3, 0))), "t3.balance[col=total]")
    assert found.status == "pass"


def test_failed_assertion_over_a_blank_cell_is_incomplete_not_failed():
    found = result(run_checks(report(balance(3, 1, None, 0))), "t3.balance[col=total]")
    assert (found.status, found.passed, found.severity) == ("incomplete", None, "warning")
    assert found.detail.endswith("; blank (read as 0): applications.outcome.total.total")


def test_sum_rule_over_globs_adds_the_sub_rows_present():
    figures = {"applications.outcome.total.total": 6, "applications.outcome.granted.total": 1,
               "applications.outcome.partially_granted.total": 1,
               "applications.outcome.withheld.state_secret.total": 2,
               "applications.outcome.other.misc.total": 1}
    found = result(run_checks(report(figures)), "t3.outcome_total[col=total]")
    assert found.detail == ("t3.outcome_total[col=total] failed: outcome.total 6, but outcome.granted 1 + "
                            "outcome.partially_granted 1 + outcome.withheld.* 2 + outcome.unable.* 0 + "
                            "outcome.not_processed.* 0 + outcome.other.* 1 = 5")


def test_rule_on_a_table_that_was_not_found_is_not_applicable():
    found = result(run_checks(report(balance(3, 1, 3, 0), tables=("二",))), "t3.balance[col=total]")
    assert (found.status, found.detail) == ("not_applicable",
                                            "t3.balance[col=total] not applicable: 表三 not found")


def test_rule_for_the_other_format_version_is_not_applicable():
    found = result(run_checks(report({})), "t2.items_after_change_non_negative[row=art20_5.licensing]")
    assert found.detail == ("t2.items_after_change_non_negative[row=art20_5.licensing] not applicable: "
                            "表二 is version 2021; the rule is for 2019")


def test_rule_whose_applies_when_is_false_is_not_applicable():
    found = result(run_checks(report({})), "t3.row_total[row=new]")
    assert found.detail == ("t3.row_total[row=new] not applicable: applies_when is false: "
                            "present(applications.new.total)")


def test_table_rules_follow_each_tables_own_version_in_a_mixed_report():
    figures = {"applications.outcome.other.undivided.total": 1,
               "applications.outcome.other.undivided.natural_person": 1}
    results = run_checks(report(figures, versions={"二": "2021", "三": "2019"}))
    assert (result(results, "t3.row_total[row=outcome.other.undivided]").status,
            result(results, "version.tables_agree").status) == ("pass", "fail")


def test_narrative_rule_without_a_stated_figure_is_not_applicable():
    found = result(run_checks(report({"applications.new.total": 5})), "narrative.new_applications")
    assert found.detail == ("narrative.new_applications not applicable: the text states no figure for "
                            "applications_received")


def test_narrative_figure_equal_to_the_table_passes():
    figures = {"applications.new.total": 5}
    results = run_checks(report(figures, narrative={"applications_received": 5}))
    found = result(results, "narrative.new_applications")
    assert found.status == "pass"


def test_cross_year_rule_compares_with_the_previous_report():
    previous = report({"applications.carried_forward.total": 2})
    found = result(run_checks(report({"applications.carried_over.total": 3}), previous=previous),
                   "xyear.carry_over[col=total]")
    assert (found.status, found.detail) == (
        "fail", "xyear.carry_over[col=total] failed: carried_over 3, but prev(carried_forward) 2")


def test_decimal_amounts_compare_within_one_hundredth():
    base = {"proactive.art20_1.regulations.issued": 1.005, "proactive.art20_1.regulations.in_force": 1,
            "proactive.art20_1.regulations.repealed": 0}
    found = result(run_checks(report(base)), "t2.issued_within_in_force_or_repealed[row=regulations]")
    assert found.status == "pass"


def test_negative_count_fails_non_negative_values_rule():
    found = result(run_checks(report({"review.total": -1})), "values.non_negative[key=review.total]")
    assert found.detail == "values.non_negative[key=review.total] failed: review.total -1, expected >= 0"


def test_missing_cells_are_listed_by_key():
    figures = {key: 0 for key in load_spec().official_keys("四", None)} | {"review.total": None}
    found = result(run_checks(report(figures, tables=("四",))), "completeness.cells")
    assert found.detail == "completeness.cells failed: missing_cells() 1, but 0; missing: review.total"


def test_document_rule_shows_the_fields_it_read():
    found = result(run_checks(report({}, year=2020)), "version.matches_year")
    assert found.detail == ('version.matches_year failed: (report_year >= 2021 and format_version == "2021") '
                            'or (report_year <= 2020 and format_version == "2019") with report_year=2020, '
                            "format_version='2021'")


def test_rule_needing_the_report_year_is_not_applicable_without_one():
    found = result(run_checks(report({}, year=None)), "version.matches_year")
    assert found.detail == "version.matches_year not applicable: the report's report year is unknown"


def test_summary_ranks_fail_over_incomplete_over_pass_over_not_applicable():
    def made(rule: str, status: str) -> CheckResult:
        return CheckResult(rule, rule, None, status, "error", "")
    results = [made("a", "pass"), made("a", "fail"), made("b", "incomplete"), made("b", "pass"),
               made("c", "not_applicable"), made("c", "pass"), made("d", "not_applicable")]
    assert summarise(results) == {"a": "fail", "b": "incomplete", "c": "pass", "d": "not_applicable"}


def test_every_rule_of_checks_toml_compiles():
    _validate(load_spec())


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "a.b[0] == 1", "(lambda: 1)() == 1",
                                  "open('x') == 1", "applications.new.total * 2 == 1", "1 < 2 < 3"])
def test_expression_outside_the_language_is_rejected(text):
    with pytest.raises(ValueError):
        compile_expression(text)


def test_glob_argument_becomes_a_string_before_parsing():
    tree = compile_expression("sum(applications.outcome.withheld.*.total) >= 0")
    assert tree.body.left.args[0].value == "applications.outcome.withheld.*.total"
