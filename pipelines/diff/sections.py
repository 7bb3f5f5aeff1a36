"""The six numbered sections of an annual report, found in its extracted text.

Both statutory formats (report-formats.md) number the same six sections 一 to 六. Table 三 also
numbers its rows 一、二、三、四 (一、本年新收政府信息公开申请数量 …), so a heading counts only when its
number comes next in order and its words name that section; headings may be printed short, with a
space or a full stop after the number, on a line of their own or running on into the text.
Headings are looked for in the text as extracted; the bodies are normalised afterwards, since
joining broken lines first would glue a heading to the paragraph under it. The report's closing
(signature, date, attachment lines) is no part of its last section.
"""

import re

from pipelines.diff.text import normalise

NUMERALS = "一二三四五六"
# Words that each section's heading carries in real reports, whichever way it is worded.
HEADING_WORDS = {
    "一": ("总体情况", "概述", "总体"),
    "二": ("主动公开",),
    "三": ("申请",),
    "四": ("复议", "诉讼"),
    "五": ("问题", "改进"),
    "六": ("其他", "需要报告"),
}
TITLES = {
    "一": "总体情况",
    "二": "主动公开政府信息情况",
    "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况",
    "五": "存在的主要问题及改进情况",
    "六": "其他需要报告的事项",
}
HEADING = re.compile(r"^[ \t]*([一二三四五六])[ \t]*[、.．,，][ \t]*(.*)$", re.M)
# A heading is a line of its own, or the start of a longer line that runs on into the text
# (一、总体情况 2022年，我局…): then it ends at the word that ends every section title.
OWN_LINE = 40
RUN_ON = re.compile(r"^(.{0,28}?(?:情况|事项|措施|概述))[ \t：:。]*")
# What closes a report after its last section: the agency's name, the date, attachment lines.
CLOSING_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
CLOSING_ATTACHMENT = re.compile(r"^附件[\d一二三四五六七八九十]*[：:．.、]?")


def split_sections(text: str) -> dict[str, str]:
    """Section number → its text (heading line excluded), for each of 一 to 六 that the text has."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found: list[tuple[str, int, int]] = []  # numeral, heading start, body start
    last = -1
    for m in HEADING.finditer(text):
        numeral, words = m.group(1), m.group(2).rstrip()
        body_start = m.end()
        run_on = RUN_ON.match(words)
        if run_on and run_on.end() < len(words):
            words, body_start = run_on.group(1), m.start(2) + run_on.end()
        elif len(words) > OWN_LINE:
            continue
        position = NUMERALS.index(numeral)
        if position <= last or not any(w in words for w in HEADING_WORDS[numeral]):
            continue
        # Table 三's rows repeat 一、二…; a table row is never a heading with its numbers on the line.
        if re.search(r"\d", words) and position in (0, 1, 2, 3):
            continue
        found.append((numeral, m.start(), body_start))
        last = position
    sections = {}
    for i, (numeral, _, body_start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(text)
        body = text[body_start:end] if i + 1 < len(found) else without_closing(text[body_start:end])
        sections[numeral] = normalise(body)
    return sections


def without_closing(text: str) -> str:
    """The last section without the report's closing lines: attachment lines, the date, and the
    agency's name signed above the date (a short line with no sentence in it)."""
    lines = text.rstrip().split("\n")
    dated = False
    while lines:
        last = lines[-1].strip()
        if not last or CLOSING_ATTACHMENT.match(last):
            lines.pop()
        elif CLOSING_DATE.match(last):
            lines.pop()
            dated = True
        elif dated and len(last) <= 30 and not re.search(r"[。；，,;]", last):
            lines.pop()
            dated = False
        else:
            break
    return "\n".join(lines)
