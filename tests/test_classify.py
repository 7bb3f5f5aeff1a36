"""Document kinds and report years (document-types.md §2), on the seeds and on tricky real titles."""

import os
from pathlib import Path

import pytest

from pipelines.classify import Classification, classify, title_from_text

SHARED = Path(os.environ.get("GONGKAI_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")


def seed(number: str) -> str:
    (path,) = (SHARED / "seeds").glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def test_seed_000_is_a_self_assessment_of_2023():
    assert classify("", seed("000")) == Classification("self_assessment", 2023, "title matches '自评'")


def test_seed_001_notice_issuing_a_work_plan_is_a_work_plan():
    title = "关于印发《淄博市供销合作社联合社2023年政务公开工作方案》的通知"
    assert classify(title, seed("001")) == Classification("work_plan", 2023, "title matches '工作方案'")


@pytest.mark.parametrize(("number", "year"), [("002", 2023), ("003", 2020), ("004", 2021)])
def test_seed_annual_reports_are_recognised_with_the_year_reported_on(number, year):
    result = classify("", seed(number))
    assert (result.doc_type, result.report_year) == ("annual_report", year)


def test_title_split_over_two_lines_at_the_top_of_the_text_is_read_as_one():
    assert title_from_text(seed("002")) == "汉阴县供销合作社联合社2023 年度政府信息公开工作年度报告"
    assert title_from_text(seed("000")) == ("韶关市供销合作联社关于 2023 年政务公开和"
                                            "政府信息公开工作情况的自评报告")


def test_report_text_is_recognised_when_the_title_is_only_the_agency_name():
    result = classify("浑南区国资局", seed("003"))
    assert result == Classification("annual_report", 2020, "text has 6 of the 6 report section headings")


def test_table_anchor_alone_marks_an_annual_report():
    text = ("浑南区民族和宗教事务局\n三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量\t0\t0")
    assert classify("浑南区民族和宗教事务局", text).doc_type == "annual_report"


def test_report_year_falls_back_to_the_statistics_period():
    text = "一、总体情况\n本报告所列数据统计期限自 2022 年 1 月 1 日起至 2022 年 12 月 31 日止。"
    assert classify("浑南区国资局", text).report_year == 2022


def test_report_year_is_the_year_in_the_title_not_the_publication_year():
    assert classify("澧县供销社2020年度政府信息公开工作报告").report_year == 2020
    assert classify("乐清市供销合作社联合社 2023 年度政府信息公开工作年度报告").report_year == 2023
    assert classify("某某局政府信息公开工作年度报告（2017年度）").report_year == 2017


def test_interpretation_of_an_annual_report_is_a_policy_interpretation():
    title = "文字解读：关于济南市历城区市场监督管理局2023年政府信息公开工作年度报告的解读"
    assert classify(title) == Classification("policy_interpretation", 2023, "exclusion: title matches '解读'")


def test_notice_about_preparing_annual_reports_is_a_work_plan():
    result = classify("关于认真做好2021年政府信息公开工作年度报告编制发布工作的通知")
    assert result.doc_type == "work_plan"


def test_republished_national_format_notice_is_a_disclosure_rule():
    title = ("国务院办公厅政府信息与政务公开办公室关于印发"
             "《中华人民共和国政府信息公开工作年度报告格式》的通知")
    assert classify(title).doc_type == "disclosure_rules"
    republished = "国办公开办函〔2021〕30号\n各省、自治区、直辖市人民政府办公厅："
    assert classify("", republished).doc_type == "disclosure_rules"


def test_agency_rule_about_annual_reports_is_a_disclosure_rule():
    assert classify("某某局政府信息公开工作年度报告制度").doc_type == "disclosure_rules"
    assert classify("关于印发《某某局政府信息公开保密审查办法（试行）》的通知").doc_type == "disclosure_rules"


def test_half_year_statistics_are_not_an_annual_report():
    assert classify("2022年上半年政府信息公开数据统计").doc_type == "disclosure_statistics"


def test_quarterly_self_check_is_a_self_assessment():
    assert classify("2020年四季度政务公开工作自查报告") == Classification(
        "self_assessment", 2020, "title matches '2020年四季度政务公开工作自查'")


@pytest.mark.parametrize(("title", "doc_type"), [
    ("2023年新余市政务公开工作要点", "work_plan"),
    ("铜川市王益区政府信息公开指南", "disclosure_guide"),
    ("杭州市钱塘区综合行政执法局 (杭州市钱塘区城市管理局) 2021年度部门决算", "budget_final_accounts"),
    ("关于区审计局“三公”经费决算信息公开栏目未及时更新的情况说明", "budget_final_accounts"),
    ("关于印发《淄博市促进就业若干措施》的通知", "policy_document"),
    ("市供销社召开政务公开工作推进会", "news"),
    ("2022年度报告", "annual_report"),
])
def test_titles_of_other_kinds_are_recognised(title, doc_type):
    assert classify(title).doc_type == doc_type


def test_document_matching_no_rule_is_other_and_kept():
    assert classify("浑南区国资局", "机构职能：负责国有资产监督管理。") == Classification(
        "other", None, "no title or text rule matched")


def test_notice_about_ordinary_work_is_a_policy_document_not_a_disclosure_work_plan():
    assert classify("关于做好2023年秋冬种农资储备供应工作的通知").doc_type == "policy_document"
