"""Chinese text diffs: sentence-aligned, character-level inside rewritten sentences, blind to line breaks."""

import json

from pipelines.diff.text import diff_text, sentences
from tests.conftest import ROOT

EPOCHS = json.loads((ROOT / "crawler/replica/manifest.json").read_text(encoding="utf-8"))["epochs"]


def _ops(diff) -> list[tuple[str, str]]:
    return [(p.op, p.text) for p in diff.pieces if p.op != "equal"]


def test_a_reworded_sentence_shows_each_replaced_word_inside_it():
    paragraph = EPOCHS["2"]["changed_text"][0]["paragraph"]
    diff = diff_text(paragraph["was"], paragraph["now"])
    assert ("delete", "切实") in _ops(diff) and ("insert", "进一步") in _ops(diff)
    assert ("insert", "和上级主管部门") in _ops(diff)
    assert diff.sentences_rewritten == 1 and diff.sentences_added == diff.sentences_removed == 0


def test_a_number_is_replaced_whole_not_digit_by_digit():
    diff = diff_text("行政许可决定126件。", "行政许可决定162件。")
    assert _ops(diff) == [("delete", "126"), ("insert", "162")]


def test_a_line_broken_mid_sentence_is_no_change():
    old = "为切实做好安全生产大检查工作，根据县委、县政府工作部署，现就有关事项通知如下。\n一、总体要求。"
    new = "为切实做好安全生产大检\n查工作，根据县委、县政府工作\n部署，现就有关事项通知如下。\n一、总体要求。"
    assert not diff_text(old, new).changed


def test_spaced_out_characters_are_no_change():
    assert not diff_text("五、存在的主要问题及改进情况", "五、存 在 的 主 要 问 题 及 改 进 情 况").changed


def test_a_paragraph_break_after_a_full_stop_is_kept():
    assert sentences("通知如下。\n一、总体要求。") == ["通知如下。\n", "一、总体要求。\n"]


def test_a_wholly_different_sentence_is_removed_and_added_not_interleaved():
    diff = diff_text("今年共收到申请三件。", "公众号影响力不足，关注用户较少。")
    assert _ops(diff) == [
        ("delete", "今年共收到申请三件。\n"),
        ("insert", "公众号影响力不足，关注用户较少。\n"),
    ]
    assert diff.sentences_removed == diff.sentences_added == 1


def test_an_added_sentence_leaves_its_neighbours_equal():
    diff = diff_text("第一句。第二句。", "第一句。新增一句。第二句。")
    assert _ops(diff) == [("insert", "新增一句。")]
    assert diff.summary() == "1 added sentences (+5/−0 characters)"


def test_identical_texts_say_no_change():
    diff = diff_text("本机关未收取信息处理费。", "本机关未收取信息处理费。")
    assert not diff.changed and diff.summary() == "no change" and diff.similarity == 1.0


def test_a_long_text_of_repeated_table_cells_is_aligned_on_its_prose():
    # 6,000 sentences: past exact alignment, so the prose sentences anchor the table cells between them.
    cells = [str(n % 3) for n in range(5)]
    old = "\n".join(f"第{i}条：本机关依法做好第{i}项工作。\n" + "\n".join(cells) for i in range(1000))
    new = "新增的开头。\n" + old.replace("第500项工作", "第五百项工作")
    diff = diff_text(old, new)
    assert (diff.sentences_added, diff.sentences_rewritten, diff.sentences_removed) == (1, 1, 0)
    assert [(p.op, p.text) for p in diff.pieces if p.op != "equal"] == [
        ("insert", "新增的开头。\n"),
        ("delete", "500"),
        ("insert", "五百"),
    ]


def test_a_figure_spaced_from_its_characters_or_printed_full_width_is_no_change():
    assert not diff_text("我局于2022年共收到申请126件。", "我局于 2022 年共收到申请 １２６ 件。").changed
