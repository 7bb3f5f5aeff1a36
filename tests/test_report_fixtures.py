"""The seed texts and the real PDFs parse to exactly their hand-checked values, versions and checks.

Truth: <shared>/spec/expected/NNN.toml (seeds 002–004) and <shared>/real-reports/expected/*.toml
(three Huai'an PDFs, read through `pipelines.extract.extract`). <shared> is $GONGKAI_SHARED, else
the ``shared`` folder beside the repository.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

import pytest

from pipelines.extract import extract
from pipelines.report import Report, parse_report, run_checks, summarise

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
SEEDS = ("002", "003", "004")
REAL = ("2023-huaian-hongze-district-government-annual-report",
        "2024-huaian-hongze-district-government-annual-report",
        "2024-huaian-municipal-government-annual-report")
HONGZE_2023, HONGZE_2024, HUAIAN_2024 = REAL


def expected(name: str) -> dict:
    """The truth file of a seed ("002") or a real report (its file stem)."""
    folder = SHARED / "spec" / "expected" if name in SEEDS else SHARED / "real-reports" / "expected"
    return tomllib.loads((folder / f"{name}.toml").read_text(encoding="utf-8"))


@functools.cache
def parsed(name: str) -> Report:
    """A seed's text or a real PDF's extraction, parsed (once per test run: PDFs take seconds)."""
    source = SHARED / expected(name)["document"]["source"]
    if name in SEEDS:
        return parse_report(source.read_text(encoding="utf-8"))
    return parse_report(extract(source.read_bytes(), url=source.name))


def seed_text(number: str) -> str:
    return next((SHARED / "seeds").glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def differences(report: Report, truth: dict) -> dict[str, tuple]:
    """key → (parsed, expected) where they differ; blanks are None on both sides."""
    want = dict(truth["values"]) | dict.fromkeys(truth["blank"]["keys"])
    got = report.figures()
    return {k: (got.get(k, "absent"), want.get(k, "absent")) for k in sorted(set(got) | set(want))
            if got.get(k, "absent") != want.get(k, "absent")}


def document_fields(report: Report) -> dict:
    return {"report_year": report.year, "format_version": report.format_version,
            "table_versions": dict(report.table_versions), "tables_found": list(report.tables_found),
            "agency": report.agency}


def rule_statuses(truth: dict) -> dict[str, str]:
    return {rule: status for status in ("pass", "fail", "incomplete", "not_applicable")
            for rule in truth["checks"][status]}


@pytest.mark.parametrize("name", SEEDS + REAL)
def test_fixture_gives_exactly_the_expected_values_and_blanks(name):
    assert differences(parsed(name), expected(name)) == {}


@pytest.mark.parametrize("name", SEEDS + REAL)
def test_fixture_gives_the_expected_year_versions_tables_and_agency(name):
    document = expected(name)["document"]
    want = {field: document[field] for field in ("report_year", "format_version", "table_versions",
                                                  "tables_found", "agency")}
    assert document_fields(parsed(name)) == want


@pytest.mark.parametrize("name", SEEDS + REAL)
def test_fixture_check_results_match_the_expected_rule_statuses(name):
    previous = parsed(HONGZE_2023) if name == HONGZE_2024 else None
    assert summarise(run_checks(parsed(name), previous=previous)) == rule_statuses(expected(name))


@pytest.mark.parametrize("name", SEEDS + REAL)
def test_fixture_title_is_found(name):
    squash = "".join(expected(name)["document"]["title"].split())
    assert "".join((parsed(name).title or "").split()) == squash


def test_self_assessment_report_is_not_an_annual_report():
    report = parse_report(seed_text("000"))
    assert (report.is_annual_report, dict(report.values), report.format_version) == (False, {}, None)


def test_work_plan_is_not_an_annual_report():
    report = parse_report(seed_text("001"))
    assert (report.is_annual_report, dict(report.values), report.format_version) == (False, {}, None)


def test_checks_on_a_document_that_is_not_an_annual_report_are_all_not_applicable():
    statuses = {result.status for result in run_checks(parse_report(seed_text("000")))}
    assert statuses == {"not_applicable"}


def test_inconsistent_table_four_of_hongze_2023_is_stored_as_printed():
    figures = parsed(HONGZE_2023).figures()
    blocks = ("review", "litigation.direct", "litigation.after_review")
    printed = [figures[f"{block}.{part}"] for block in blocks
               for part in ("upheld", "corrected", "other", "pending", "total")]
    assert printed == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]


def test_inconsistent_table_four_of_hongze_2023_fails_its_block_total_checks():
    results = run_checks(parsed(HONGZE_2023))
    failed = [r.detail for r in results if r.rule == "t4.block_total" and r.status == "fail"]
    assert failed == [
        "t4.block_total[block=review] failed: total 0, but upheld 10 + corrected 1 + other 0 + pending 0 "
        "= 11",
        "t4.block_total[block=litigation.after_review] failed: total 0, but upheld 5 + corrected 0 + other 0 "
        "+ pending 0 = 5",
    ]


def test_single_other_row_inside_a_2021_table_is_keyed_undivided():
    figures = parsed(HONGZE_2024).figures()
    other = sorted(key for key in figures if key.startswith("applications.outcome.other."))
    assert other == sorted(f"applications.outcome.other.undivided.{c}" for c in (
        "natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
        "legal_service_org", "other_org", "total"))


def test_row_the_pdf_grid_lost_at_a_page_foot_is_read_from_the_text():
    report = parsed(HONGZE_2023)
    value = report.values["applications.outcome.unable.needs_creation.natural_person"]
    assert (value.value, value.source, [i.code for i in report.issues]) == (3, "text", ["t3-rows-from-text"])


def test_value_keeps_its_raw_text_page_row_and_column():
    value = parsed(HUAIAN_2024).values["applications.new.total"]
    place = (value.table, value.source, value.page, value.row, value.col)
    assert (value.value, value.raw, value.unit, place) == (3119, "3119", "件", ("三", "table", 4, 3, 9))


def test_value_from_text_keeps_its_line_and_cell():
    value = parsed("004").values["applications.outcome.not_processed.publication.total"]
    assert (value.raw, value.source, value.page, value.row, value.col) == ("0", "text", None, 81, 8)


def test_cross_year_carry_over_is_not_applicable_without_the_previous_report():
    results = [r for r in run_checks(parsed(HONGZE_2024)) if r.rule == "xyear.carry_over"]
    assert {r.status for r in results} == {"not_applicable"}
    assert results[0].detail == ("xyear.carry_over[col=natural_person] not applicable: no previous report of "
                                 "this agency to compare with")


def test_narrative_figure_that_disagrees_with_table_three_fails_as_a_warning():
    (result,) = [r for r in run_checks(parsed(HONGZE_2024)) if r.rule == "narrative.new_applications"]
    assert (result.status, result.severity, result.detail) == (
        "fail", "warning",
        "narrative.new_applications failed: narrative(applications_received) 17, "
        "but applications.new.total 95")


def test_blank_template_reads_every_cell_as_blank_never_as_zero():
    path = SHARED / "real-reports" / "annual-report-2021-format-blank-template.docx"
    report = parse_report(extract(path.read_bytes(), url=path.name))
    figures = report.figures()
    assert (len(figures), set(figures.values()), report.format_version) == (200, {None}, "2021")
