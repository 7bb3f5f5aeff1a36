"""Sections 一 to 六 of an annual report, found in messy extracted text."""

import functools

import pytest

from pipelines.diff.sections import split_sections
from pipelines.diff.text import diff_text
from pipelines.extract import extract
from tests.conftest import shared_dir

SEEDS = ["002_536157dac0e99f57.txt", "003_153d70cca241b525.txt", "004_4ad504e2c8547839.txt"]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_section_of_a_seed_report_is_found_in_order(seed):
    text = (shared_dir() / "seeds" / seed).read_text(encoding="utf-8")
    assert list(split_sections(text)) == list("一二三四五六")


def test_table_rows_numbered_like_sections_stay_inside_section_three():
    text = (shared_dir() / "seeds" / SEEDS[0]).read_text(encoding="utf-8")
    sections = split_sections(text)
    assert "本年新收政府信息公开申请数量" in sections["三"]
    assert "结转下年度继续办理" in sections["三"]


def test_section_text_runs_to_the_next_heading():
    text = (shared_dir() / "seeds" / SEEDS[0]).read_text(encoding="utf-8")
    sections = split_sections(text)
    assert sections["五"].startswith("主要问题：一是公众号影响力不足")
    assert sections["六"] == "无。"


def test_heading_with_a_space_or_full_stop_after_its_number_is_found():
    text = "一. 总体情况\n甲。\n五 、存在的主要问题及改进情况\n乙。\n六．其他需要报告的事项\n无。"
    assert split_sections(text) == {"一": "甲。", "五": "乙。", "六": "无。"}


def test_a_heading_out_of_order_is_not_a_heading():
    text = "一、总体情况\n甲。\n五、存在的主要问题及改进情况\n乙。\n一、总体情况再说一次\n丙。"
    sections = split_sections(text)
    assert list(sections) == ["一", "五"] and "一、总体情况再说一次" in sections["五"]


@functools.cache
def hongze(year: int) -> dict[str, str]:
    """The sections of Huai'an Hongze district's real annual report PDF for ``year``."""
    name = f"{year}-huaian-hongze-district-government-annual-report.pdf"
    body = (shared_dir() / "real-reports" / name).read_bytes()
    return split_sections(extract(body, content_type="application/pdf", url=name).text)


@pytest.mark.parametrize("year", [2023, 2024])
def test_every_section_of_a_real_pdf_report_is_found(year):
    assert list(hongze(year)) == list("一二三四五六")


def test_a_real_report_section_reworded_for_the_new_year_is_one_rewritten_sentence():
    diff = diff_text(hongze(2023)["六"], hongze(2024)["六"])
    assert diff.sentences_rewritten == 1 and diff.sentences_added == diff.sentences_removed == 0
    changes = [(p.op, p.text) for p in diff.pieces if p.op != "equal"]
    assert changes == [("delete", "2023"), ("insert", "2024")]


def test_a_heading_running_on_into_its_text_is_found():
    text = "一、总体情况 2022年，我局认真落实条例。\n五、存在的主要问题及改进情况：宣传不够。"
    text += "\n六、其他需要报告的事项\n无。"
    assert split_sections(text) == {"一": "2022年，我局认真落实条例。", "五": "宣传不够。", "六": "无。"}


def test_the_closing_signature_date_and_attachments_are_not_part_of_section_six():
    text = "六、其他需要报告的事项\n本机关未收取信息处理费。\n乐清市农业农村局\n2024年1月22日\n附件：年报.pdf"
    assert split_sections(text)["六"] == "本机关未收取信息处理费。"
