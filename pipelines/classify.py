"""Document kinds of a disclosure column, from title and text (spec: document-types.md §2).

``classify(title, text)`` tries, in order, and the first match wins:

1. Exclusions, on the title: 解读 / 一图读懂 / 图解 → ``policy_interpretation``;
   "关于…(做好|开展|报送|编制)…(公开|年度报告)…的通知" → ``work_plan``; a 国务院办公厅 / 国办… issuer →
   ``disclosure_rules``; a rules title ending in 制度 / 办法 / 规定 … → ``disclosure_rules``.
   These hold even when the title says 年度报告.
2. Title rules of each kind, in `TITLE_RULES` order (annual_report first).
3. Text rules, in `TEXT_RULES` order: an annual report by ≥ 4 of its six section headings or one
   statistics-table anchor; a self-assessment by its addressee; a work plan by its task sections; …
4. ``other``: nothing matched (the page is kept all the same).

Title rules are tried for every kind before any text rule (the spec tries title-or-text kind by kind):
a title is the publisher's own statement of what the document is, while text rules match on wording
that other kinds quote (a work plan asks for the annual report, a self-assessment walks through its
sections). Pages titled with the agency name only (浑南区国资局) still reach the text rules.

Titles are compared after NFKC normalisation with whitespace and quote marks removed, so "2023 年度",
"（一）" and "“三公”经费" match their plain forms. An empty title is replaced by the first lines of the
text (seed 002 prints its title over two lines). Text rules read the first 3,000 characters, except
the annual-report rule, which reads 20,000: its later headings and tables lie beyond 3,000.

``report_year`` is the year the document is about: the year in the title ("2020年度" before a bare
"2020年"), else in the first lines of the text, else the statistics period ("统计期限自2023年1月1日"),
else None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TITLE_LINES_MAX = 3
TITLE_LINE_MAX_CHARS = 40
TEXT_WINDOW = 3000
REPORT_TEXT_WINDOW = 20000


def _either(words: str) -> str:
    """A regex group matching any of the space-separated ``words`` (keeps the rules below readable)."""
    return "(" + "|".join(words.split()) + ")"


TRIAL = r"(\(试行\))?$"
DISCLOSURE = _either("政务公开 信息公开")
RULE_SUBJECTS = _either("政府信息公开 信息公开 保密审查 发布协调 依申请公开 主动公开 责任追究 "
                        "年度报告 工作台账 举报调查 公开属性")
EXCLUSIONS = (
    ("policy_interpretation", re.compile(r"解读|一图读懂|图解")),
    # Only notices about disclosure work itself: a notice about stocking fertiliser is a policy document.
    ("work_plan", re.compile(r"关于.*(做好|开展|报送|编制).*(公开|年度报告|年报).*的通知")),
    ("disclosure_rules", re.compile(r"^国务院办公厅|国办公开办函|国办函|国办发")),
    ("disclosure_rules", re.compile(RULE_SUBJECTS + ".*" + _either("制度 办法 规定 细则 规则") + TRIAL)),
)

TITLE_RULES = (
    ("annual_report", re.compile(_either("政府信息公开 政务信息公开 信息公开") + "(工作)?(年度报告|年报)"
                                 + r"|政府信息公开工作报告|政务公开(工作)?年度报告|^\d{4}年度?报告$")),
    ("self_assessment", re.compile(f"^(?=.*{DISCLOSURE}).*" + _either("自评 自查 工作总结"))),
    ("work_plan", re.compile(f"^(?=.*{DISCLOSURE}).*"
                             + _either("工作要点 工作方案 实施方案 任务分解 工作台账 分工方案 任务清单"))),
    ("disclosure_guide", re.compile(r"信息公开指南")),
    ("disclosure_rules", re.compile(r"政府信息公开条例")),
    ("catalogue", re.compile(r"公开.{0,12}(目录|清单)")),
    ("application_channel", re.compile(r"依申请公开.{0,6}" + _either("须知 流程 指南 指引 申请表 办理")
                                       + r"|信息公开申请(表|书|须知|流程)")),
    ("policy_interpretation", re.compile(r"问答|答记者问")),
    ("budget_final_accounts", re.compile(r"(部门|单位|机关)(预算|决算)|预算公开|决算公开|预决算|三公经费")),
    ("disclosure_statistics", re.compile(_either(r"上半年 下半年 季度 \d{1,2}月份?") + ".{0,12}" + DISCLOSURE
                                         + ".{0,8}(统计|数据)")),
    ("suggestion_reply", re.compile(r"(建议|提案).{0,12}(答复|办理)|答复.{0,12}(建议|提案)")),
    ("policy_document", re.compile(r"^关于.+的" + _either("通知 意见 决定 批复 通告 公告 函") + "$"
                                   + r"|〔\d{4}〕\d+号|"
                                   + _either("办法 规定 意见 决定 通告 细则 条例 规则 措施") + TRIAL)),
    ("news", re.compile(_either("召开 举办 举行 调研 座谈 会议 培训 工作动态 走访 慰问 出席 部署"))),
)

# The six section headings of the statutory report (report-formats.md §2), on normalised text.
REPORT_HEADINGS = (
    re.compile(r"一、总体情况"),
    re.compile(r"二、(行政机关)?主动公开政府信息(的)?情况"),
    re.compile(r"三、(行政机关)?收到和处理政府信息公开申请(的)?情况"),
    re.compile(r"四、.{0,24}行政复议.{0,8}行政诉讼(的)?情况"),
    re.compile(r"五、.{0,12}存在的主要问题及改进情况"),
    re.compile(r"[六七]、其他(需要报告的)?事项"),
)
REPORT_ANCHORS = re.compile(r"第二十条第\(.\)项.{0,80}信息内容|本年新收政府信息公开申请数量|未经复议直接起诉",
                            re.S)
DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[【(]\d{4}[〕\]】)]\d+号$")
STATUTORY_TEXT_RULES = (
    ("self_assessment", re.compile(r"^.{0,60}领导小组办公室:.*(自评|自查)|自评(得分)?为?\d+分", re.S)),
    ("work_plan", re.compile(r"重点任务.*(保障措施|工作要求|总体要求)|(工作要求|总体要求).*重点任务"
                             r"|(责任(科室|单位|部门)[:：].*){2}", re.S)),
    ("disclosure_guide", re.compile(r"^(?=.*依申请公开)(?=.*(受理机构|申请的提出|申请的处理))"
                                    r"(?=.*(监督|救济)).*主动公开", re.S)),
    ("policy_document", re.compile(r"\(此件(主动)?公开(发布)?\)")),
)

YEAR_OF_REPORT = re.compile(r"((?:19|20)\d{2})年度")
YEAR = re.compile(r"((?:19|20)\d{2})年")
STATISTICS_PERIOD = re.compile(r"统计(?:期限|时限|期间|时间|周期|区间|限)?(?:为|是|从|自|:)?"
                               r"((?:19|20)\d{2})年")
SECTION_START = re.compile(r"^[一二三四五六七八九十]+、")
TITLE_ENDINGS = re.compile(_either("报告 通知 方案 要点 指南 制度 办法 规定 细则 决算 预算 解读 意见 "
                                   "清单 目录 总结") + "$")
QUOTES = re.compile(r"[\"'“”‘’「」]")


@dataclass(frozen=True)
class Classification:
    """A document's kind, the year it reports on, and which rule decided."""

    doc_type: str
    report_year: int | None
    reason: str


def classify(title: str, text: str = "") -> Classification:
    """Kind and report year of a document from its title and body text (order in the module docstring)."""
    text_title = title_from_text(text)
    heading = normalize(title) or normalize(text_title)
    body = normalize_text(text)
    doc_type, reason = _by_title(heading) or _by_text(body) or ("other", "no title or text rule matched")
    return Classification(doc_type, report_year(heading, normalize(text_title), body), reason)


def normalize(title: str | None) -> str:
    """A title for matching: NFKC (full-width forms to ASCII), no whitespace, no quote marks."""
    folded = unicodedata.normalize("NFKC", title or "")
    return QUOTES.sub("", "".join(folded.split()))


def normalize_text(text: str) -> str:
    """Body text for matching: NFKC, spaces removed inside lines (spaced labels), lines kept."""
    folded = unicodedata.normalize("NFKC", text or "")
    lines = ("".join(line.split()) for line in folded.splitlines())
    return "\n".join(line for line in lines if line)


def title_from_text(text: str) -> str:
    """The title printed at the top of the text: up to three short lines, ending where a title ends.

    Stops before a section heading (一、…), an addressee line ending in "：", or a long line of prose.
    """
    lines: list[str] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        compact = normalize(line)
        if (SECTION_START.match(compact) or compact.endswith(":") or len(compact) > TITLE_LINE_MAX_CHARS
                or len(lines) == TITLE_LINES_MAX):
            break
        lines.append(line)
        if TITLE_ENDINGS.search(compact):
            return "".join(lines)
    return lines[0] if lines else ""


def _by_title(title: str) -> tuple[str, str] | None:
    """Steps 1 and 2: exclusions, then each kind's title rule."""
    if not title:
        return None
    inner = _inner_title(title)
    for rules, what in ((EXCLUSIONS, "exclusion: title matches"), (TITLE_RULES, "title matches")):
        for doc_type, rule in rules:
            match = rule.search(title) or rule.search(inner)
            if match:
                return doc_type, f"{what} {_shown(match)!r}"
    return None


def _shown(match: re.Match) -> str:
    """The matched words for a reason: the whole match if short, else its last group (the keyword)."""
    whole = match.group(0)
    if len(whole) <= 24 or not match.lastindex:
        return whole[:24]
    return match.group(match.lastindex)


def _inner_title(title: str) -> str:
    """The quoted title inside "关于印发《…》的通知", or the title itself."""
    match = re.search(r"《(.+)》", title)
    return match.group(1) if match else title


def _by_text(body: str) -> tuple[str, str] | None:
    """Step 3: text rules, the annual report's first."""
    report = body[:REPORT_TEXT_WINDOW]
    headings = sum(1 for heading in REPORT_HEADINGS if heading.search(report))
    if headings >= 4:
        return "annual_report", f"text has {headings} of the 6 report section headings"
    anchor = REPORT_ANCHORS.search(report)
    if anchor:
        return "annual_report", f"text has the report table anchor {anchor.group(0)[:20]!r}"
    window = body[:TEXT_WINDOW]
    first_lines = window.split("\n")[:5]
    number = next((line for line in first_lines if DOC_NUMBER_LINE.match(line)), None)
    if number:
        # A 国办… number marks a national notice republished in the column (document-types.md §2.5).
        doc_type = "disclosure_rules" if number.startswith("国办") else "policy_document"
        return doc_type, f"text opens with the document number {number!r}"
    for doc_type, rule in STATUTORY_TEXT_RULES:
        match = rule.search(window)
        if match:
            return doc_type, f"text matches {_shown(match)!r}"
    return None


def report_year(title: str, text_title: str, body: str) -> int | None:
    """The year reported on: from the title, the text's title lines, then the statistics period."""
    for source in (title, text_title):
        match = YEAR_OF_REPORT.search(source) or YEAR.search(source)
        if match:
            return int(match.group(1))
    period = STATISTICS_PERIOD.search(body[:REPORT_TEXT_WINDOW])
    return int(period.group(1)) if period else None
