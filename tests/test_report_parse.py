"""The parse cascade on small documents: labels, cells, row forms, table finding, document kinds."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from pipelines.extract.model import Cell, Extraction, Table
from pipelines.report import parse_report, run_checks
from pipelines.report.normalise import Label, label, read_cell

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
TITLE = "测试县市场监督管理局2023年度政府信息公开工作年度报告"
HEAD3 = "三、收到和处理政府信息公开申请情况"
HEAD4 = "四、政府信息公开行政复议、行政诉讼情况"
NEW = "一、本年新收政府信息公开申请数量"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
NUMBERS_2019 = "第二十条第（九）项"


def seed_text(number: str) -> str:
    return next((SHARED / "seeds").glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def document(*lines: str, title: str = TITLE) -> str:
    return "\n".join([title, *lines])


def issue_codes(report) -> list[str]:
    return [issue.code for issue in report.issues]


# --- labels and cells ------------------------------------------------------------------------------

@pytest.mark.parametrize(("printed", "normalised"), [
    ("（一） 予以公开", Label("予以公开", "paren", 1)),
    ("(二)部分公开(区分处理的, 只计这一情形, 不计其他情形)",
     Label("部分公开(区分处理的,只计这一情形,不计其他情形)", "paren", 2)),
    ("1. 属于国家秘密", Label("属于国家秘密", "num", 1)),
    ("3、其他", Label("其他", "num", 3)),
    ("三\n、\n本\n年\n度\n办\n理\n结\n果", Label("本年度办理结果", "cn", 3)),
    ("3.危及“三安全一稳定”", Label("危及三安全一稳定", "num", 3)),
    ("结 果 维 持", Label("结果维持", None, None)),
])
def test_label_is_normalised_with_its_ordinal_split_off(printed, normalised):
    assert label(printed) == normalised


@pytest.mark.parametrize(("text", "kind", "value", "unit"), [
    ("", "blank", None, None), ("\u3000", "blank", None, None), ("-", "placeholder", None, None),
    ("—", "placeholder", None, None), ("/", "placeholder", None, None), ("无", "placeholder", None, None),
    ("0", "number", 0, None), ("-417", "number", -417, None), ("减4", "number", -4, None),
    ("增3", "number", 3, None),
    ("7730.28", "number", 7730.28, None), ("3,985,758", "number", 3985758, None), ("3件", "number", 3, "件"),
    ("251000元", "number", 251000, "元"), ("１２", "number", 12, None), ("信息内容", "text", None, None),
])
def test_cell_is_read_as_number_blank_placeholder_or_text(text, kind, value, unit):
    reading = read_cell(text)
    assert (reading.kind, reading.value, reading.unit) == (kind, value, unit)


# --- 表二 --------------------------------------------------------------------------------------------

TABLE_TWO_2019 = (
    "二、主动公开政府信息情况",
    "第二十条第（五）项\t\t\t",
    "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
    "行政许可\t10\t减4\t7",
    "其他对外管理服务事项\t-\t-417\t无",
    NUMBERS_2019 + "\t\t\t",
    "信息内容\t采购项目数量\t采购总金额\t",
    "政府集中采购\t3\t251000元\t",
)


def test_signed_change_is_read_with_its_sign():
    figures = parse_report(document(*TABLE_TWO_2019)).figures()
    changes = (figures["proactive.art20_5.licensing.change"],
               figures["proactive.art20_5.other_services.change"])
    assert changes == (-4, -417)


def test_placeholder_is_stored_blank_with_its_raw_text():
    value = parse_report(document(*TABLE_TWO_2019)).values["proactive.art20_5.other_services.decisions"]
    assert (value.value, value.raw) == (None, "无")


def test_amount_printed_in_yuan_is_stored_in_wan_yuan_with_the_unit_kept():
    report = parse_report(document(*TABLE_TWO_2019))
    value = report.values["proactive.art20_9.procurement.amount"]
    assert (value.value, value.raw, value.unit, value.printed_unit) == (25.1, "251000元", "万元", "元")


def test_amount_with_its_unit_printed_passes_the_unit_check():
    results = run_checks(parse_report(document(*TABLE_TWO_2019)))
    assert next(r for r in results if r.rule == "units.procurement_amount_unstated").status == "pass"


def test_table_two_version_comes_from_its_column_labels():
    assert dict(parse_report(document(*TABLE_TWO_2019)).table_versions) == {"二": "2019"}


def test_instruction_text_in_labels_still_names_the_cell():
    report = parse_report(document(
        "第二十条第（一）项", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
        "规章(设区的市、自治州人民政府应提供相关数据)\t1\t2\t3",
        "第二十条第（五）项",
        "信息内容\t上一年项目数量(指2019年事项数)\t"
        "本年增/减(指2020年增加或减少的事项数,减用负值表示,如-8)\t处理决定数量(指2020年办件量)",
        "行政许可\t40\t-8\t9"))
    assert report.figures() == {
        "proactive.art20_1.regulations.newly_made": 1, "proactive.art20_1.regulations.newly_published": 2,
        "proactive.art20_1.regulations.published_total": 3,
        "proactive.art20_5.licensing.prior_year_items": 40,
        "proactive.art20_5.licensing.change": -8, "proactive.art20_5.licensing.decisions": 9}


def test_provincial_extra_row_is_stored_under_its_extension_keys():
    report = parse_report(document(
        "第二十条第（一）项", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
        "其他主动公开文件(含以本单位或本单位办公室名义正式签发的、除规范性文件以外的主动公开文件)\t4\t5\t6"))
    assert report.figures() == {"ext.proactive.art20_1.other_documents.newly_made": 4,
                                "ext.proactive.art20_1.other_documents.newly_published": 5,
                                "ext.proactive.art20_1.other_documents.published_total": 6}


# --- 表三 --------------------------------------------------------------------------------------------

def test_blank_total_at_a_rows_edge_stays_in_its_column():
    lines = seed_text("002").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    lines[row] = "一、本年新收政府信息公开申请数量\t\t1\t2\t3\t4\t5\t6\t\t"
    figures = parse_report("\n".join(lines)).figures()
    columns = ("natural_person", "other_org", "total")
    assert [figures[f"applications.new.{c}"] for c in columns] == [1, 6, None]


def test_one_cell_per_line_rows_are_regrouped():
    cells = [HEAD3, NOTE, "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
             "社会公益组织", "法律服务机构", "其他", NEW, *"1234567",
             "二、上年结转政府信息公开申请数量", *"7654321",
             "三", "、", "本", "年", "度", "办", "理", "结", "果", "（一）予以公开", *"2222222"]
    figures = parse_report(document(*cells)).figures()
    assert (figures["applications.new.total"], figures["applications.carried_over.natural_person"],
            figures["applications.outcome.granted.other_org"]) == (7, 7, 2)


def test_space_separated_pdf_lines_are_read():
    report = parse_report(document(
        "三、收到和处理政府信息公开申请情况", "申请人情况", "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1",
        "- 3 -", "四、结转下年度继续办理 0 0 0 0 0 2 2"))
    figures = report.figures()
    assert (figures["applications.new.total"], figures["applications.carried_forward.other_org"]) == (1, 2)


def test_labels_listed_before_their_numbers_are_read_in_the_order_their_totals_add_up():
    numbers = ["1", "4", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "3", "4"]  # column by column
    report = parse_report(document("三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量",
                                   "二、上年结转政府信息公开申请数量", *numbers))
    figures = report.figures()
    assert (figures["applications.new.commercial_enterprise"], figures["applications.new.total"],
            figures["applications.carried_over.total"], issue_codes(report)[0]) == (
        2, 3, 4, "t3-column-order")


def test_values_under_a_group_label_without_sub_rows_are_spread_by_layout_order():
    report = parse_report(document("三、收到和处理政府信息公开申请情况", "申请人情况", "（三）不予公开",
                                   *map(str, range(1, 57))))
    figures = report.figures()
    assert (figures["applications.outcome.withheld.state_secret.natural_person"],
            figures["applications.outcome.withheld.administrative_inquiry.total"]) == (1, 56)
    assert "t3-rows-by-count" in issue_codes(report)


def test_other_row_without_sub_rows_makes_table_three_version_2019():
    report = parse_report(document("三、收到和处理政府信息公开申请情况", "申请人情况",
                                   "（六）其他处理\t1\t0\t0\t0\t0\t0\t1", "（七）总计\t1\t0\t0\t0\t0\t0\t1"))
    assert (dict(report.table_versions), report.figures()["applications.outcome.other.undivided.total"]) == (
        {"三": "2019"}, 1)


def test_values_without_a_known_row_label_are_reported():
    report = parse_report(document("三、收到和处理政府信息公开申请情况", "申请人情况",
                                   f"{NEW}\t1\t0\t0\t0\t0\t0\t1", "合计\t1\t0\t0\t0\t0\t0\t1"))
    assert "t3-unlabelled-row" in issue_codes(report)


# --- 表四 --------------------------------------------------------------------------------------------

def test_ten_values_without_the_blank_review_cells_are_reported_not_guessed():
    report = parse_report(document(HEAD4, "行政复议\t行政诉讼", "\t".join("0" * 10)))
    assert (report.figures(), issue_codes(report)[:1]) == ({}, ["t4-cells-unplaced"])


def test_five_leading_blank_cells_are_the_blank_review_cells():
    report = parse_report(document(HEAD4, "行政复议\t行政诉讼", "\t" * 5 + "\t".join("1" * 10)))
    figures = report.figures()
    assert (figures["review.upheld"], figures["litigation.direct.upheld"]) == (None, 1)


# --- finding tables, document kinds ----------------------------------------------------------------

def test_structured_tables_are_preferred_over_the_text():
    table = Table(((Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)),
                   tuple(Cell(str(n)) for n in range(1, 16))), page=None)
    text = document("四、政府信息公开行政复议、行政诉讼情况", "\t".join("9" * 15))
    figures = parse_report(Extraction("html", "test", text, (table,))).figures()
    assert (figures["review.upheld"], figures["litigation.after_review.total"]) == (1, 15)


def test_tables_published_as_images_are_not_found_and_not_zero():
    report = parse_report(document("一、总体情况", "本年度工作平稳。", "二、主动公开政府信息情况",
                                   HEAD3, HEAD4,
                                   "五、存在的主要问题及改进情况", "无。"))
    assert (report.is_annual_report, report.tables_found, report.figures()) == (True, (), {})
    assert "table-not-found" in issue_codes(report)


def test_table_replaced_by_a_sentence_is_not_found():
    report = parse_report(document("三、收到和处理政府信息公开申请情况", "2023年度未收到政府信息公开申请。",
                                   HEAD4, "行政复议\t行政诉讼", "\t".join("0" * 15)))
    assert report.tables_found == ("四",)


def test_report_in_the_pre_2019_template_is_recognised():
    report = parse_report(document("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况",
                                   "四、政府信息公开的收费及减免情况",
                                   title="某县民政局2017年政府信息公开工作年度报告"))
    assert (report.is_annual_report, report.format_version, report.figures()) == (True, "pre2019", {})


def test_report_without_a_year_in_the_pre_2019_template_is_recognised_by_its_sections():
    report = parse_report(document("一、概述", "二、主动公开政府信息情况", "四、政府信息公开的收费及减免情况",
                                   title="某县民政局政府信息公开工作年度报告"))
    assert report.format_version == "pre2019"


def test_page_that_only_points_to_its_attachment_has_no_tables_and_the_years_format():
    report = parse_report(document("内容概述: 某县民政局2022年度政府信息公开工作年度报告", "详见附件。",
                                   title="某县民政局2022年度政府信息公开工作年度报告"))
    assert (report.is_annual_report, report.tables_found, report.format_version) == (True, (), "2021")


@pytest.mark.parametrize(("title", "agency", "year"), [
    ("汉阴县市场监督管理局政府信息公开工作年度报告（2022年度）", "汉阴县市场监督管理局", 2022),
    ("2022年度澧县农业农村局政府信息公开工作年度报告", "澧县农业农村局", 2022),
    ("乐清市供销合作社联合社 2021 年政府信息公开工作年度报告", "乐清市供销合作社联合社", 2021),
    ("某局关于2023年度政府信息公开工作年度报告", "某局", 2023),
])
def test_agency_and_year_are_read_from_the_title_wherever_the_year_stands(title, agency, year):
    report = parse_report(document("一、总体情况", title=title))
    assert (report.agency, report.year) == (agency, year)


def test_agency_and_year_come_from_the_title_lines():
    report = parse_report(seed_text("002"))
    assert (report.agency, report.year) == ("汉阴县供销合作社联合社", 2023)


def test_caller_title_is_preferred_over_the_text():
    report = parse_report(seed_text("002"), title="汉阴县供销合作社联合社2023年度政府信息公开工作年度报告")
    assert report.title == "汉阴县供销合作社联合社2023年度政府信息公开工作年度报告"


def test_report_is_immutable():
    report = parse_report(seed_text("002"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.year = 2024
