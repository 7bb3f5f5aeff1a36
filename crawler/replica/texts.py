"""Seed texts → paragraphs for the replica's documents, with agency names and years replaced.

The seeds are extracted text (PDF, DOCX, HTML), so lines are hard-wrapped mid-sentence and
tables arrive tab- or pipe-flattened. ``paragraphs`` re-joins wrapped lines; ``report_sections``
keeps the narrative parts of an annual report (preamble, 一, 五, 六) and drops the tables, which
the replica prints from its own numbers. Replacement lists are per seed because each seed names
its own agency, city and people; one regex pass applies a list, so a replacement is never
replaced again.
"""

from __future__ import annotations

import re
from pathlib import Path

SEED_FILES = {
    0: "000_3b88f54f691dc2dd.txt",
    1: "001_d168b35eaf9fda26.txt",
    2: "002_536157dac0e99f57.txt",
    3: "003_153d70cca241b525.txt",
    4: "004_4ad504e2c8547839.txt",
}
SEED_YEARS = {0: 2023, 1: 2023, 2: 2023, 3: 2020, 4: 2021}
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]|[①-⑩]|[一二三四五]是)"
)
TERMINAL = tuple("。！？；：")

# (text in the seed, replacement template filled from the agency's vocabulary), longest first
REPLACEMENTS: dict[int, tuple[tuple[str, str], ...]] = {
    0: (
        ("韶关市人民政府网站-韶关市供销合作联社部门频道", "{site}网站-{full}部门频道"),
        ("韶关市供销合作联社", "{full}"),
        ("韶关市人民政府", "{site}"),
        ("韶委办发电", "{party_doc}"),
        ("各县（市、区）供销社", "{units}"),
        ("法治广东", "法治{province_short}"),
        ("市档案馆", "{seat}档案馆"),
        ("市政府", "{seat}政府"),
        ("市社", "{this}"),
        ("韶关市", "{county}"),
        ("我市", "我{seat}"),
        ("供销社", "{org}"),
        ("我社", "{we}"),
    ),
    1: (
        (
            "《淄博市人民政府办公室关于印发2023年淄博市政务公开工作方案的通知》（淄政办字〔2023〕38号）",
            "《{site}办公室关于印发2023年{county}政务公开工作要点的通知》（{gov_doc}〔2023〕7号）",
        ),
        ("“3510”发展目标和“强富美优”城市愿景", "{county}经济社会高质量发展"),
        ("淄博市供销合作社联合社", "{full}"),
        ("淄博供销资产运营有限公司", "{subsidiary}"),
        ("[bookmark: _GoBack]", ""),
        ("全市供销社系统", "全{seat}{domain}系统"),
        ("全市供销系统", "全{seat}{domain}系统"),
        ("各区县供销社", "{units}"),
        ("市供销社", "{local}"),
        ("市委、市政府", "{seat}委、{seat}政府"),
        ("市财政局", "{seat}财政局"),
        ("淄博市", "{county}"),
        ("供销社", "{org}"),
        ("供销", "{domain}"),
    ),
    2: (
        ("汉阴县供销合作社联合社", "{full}"),
        ("《汉阴县供销社新媒体平台管理细则》", "《{short}新媒体平台管理细则》"),
        ("汉阴供销联社", "{short}"),
        ("汉阴供销为农服务工作", "{wechat}服务工作"),
        ("汉阴供销", "{wechat}"),
        ("“综合改革”", "“{reform}”"),
        ("供销社", "{org}"),
        ("供销", "{domain}"),
    ),
    3: (
        ("澧县政府网", "{county}政府网"),
        ("澧县政府门户网站", "{county}政府门户网站"),
        ("澧县供销社", "{short}"),
        ("县委、县政府", "{seat}委、{seat}政府"),
        ("县政务公开办", "{seat}政务公开办"),
        ("县政府办", "{seat}政府办"),
        ("县供销社", "{local}"),
        ("湖南省供销合作总社网站", "{province}{domain}系统网站"),
        ("常德供销合作总社网站", "{city}{domain}系统网站"),
        ("新湖南网", "{province_short}日报网"),
        ("《常德日报》", "《{city}日报》"),
        ("党组书记、理事会主任", "党组书记、{head}"),
        ("3213331", "{phone}"),
        ("供销社", "{org}"),
        ("供销", "{domain}"),
        ("我社", "{we}"),
        ("全社", "{all}"),
        ("本社", "{this}"),
        ("澧县", "{county}"),
    ),
    4: (
        ("乐清市政府门户网站（<http://www.yueqing.gov.cn/>）", "{site}门户网站（http://{host}/）"),
        ("“中国乐清”政府门户网站的“乐清市政府信息公开”网页", "“{site}”门户网站的“政府信息公开”专栏"),
        ("《乐清市供销社信息公开发布和审核暂行规定》", "《{short}信息公开发布和审核暂行规定》"),
        ("乐清市人民政府办公室信息公开办", "{site}办公室政务公开办"),
        ("乐清市政府信息公开网页", "{county}政府信息公开专栏"),
        ("市政府门户网站", "{seat}政府门户网站"),
        ("乐清市供销合作社联合社", "{full}"),
        ("林金通副主任变更为蔡宽元副主任", "{deputy_old}变更为{deputy_new}"),
        ("蔡主任", "{deputy_short}"),
        ("0577-62522542", "{phone}"),
        ("965285130@qq.com", "{email}"),
        ("市社机关本级", "{this}机关本级"),
        ("基层社", "{units_short}"),
        ("供销人", "{people}"),
        ("社有房产招租", "{asset}招租"),
        ("乐清市", "{county}"),
        ("乐清", "{county}"),
        ("供销社", "{org}"),
        ("供销", "{domain}"),
        ("我社", "{we}"),
        ("本社", "{this}"),
    ),
}


def read_seed(seeds: Path, number: int) -> str:
    """The text of seed ``number`` (0–4)."""
    return (seeds / SEED_FILES[number]).read_text(encoding="utf-8")


def is_heading(line: str) -> bool:
    """A numbered heading, a title, or a short line without sentence punctuation."""
    return (
        bool(HEADING.match(line))
        or line.endswith(("报告", "通知", "方案"))
        or (len(line) <= 20 and not any(p in line for p in "，。；"))
    )


def continues(previous: str, line: str) -> bool:
    """True when ``line`` is the rest of a sentence wrapped at the end of ``previous``.

    A heading ends its line, except that PDF text wraps long numbered headings too: a full
    line (26+ characters) without final punctuation wraps.
    """
    if previous.endswith(TERMINAL) or is_heading(line):
        return False
    return not is_heading(previous) or (bool(HEADING.match(previous)) and len(previous) >= 26)


def paragraphs(text: str) -> list[str]:
    """Re-join hard-wrapped lines; drop table lines (tab- or pipe-separated) and blanks."""
    result: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or "\t" in raw or " | " in line or line.endswith("|"):
            continue
        if result and continues(result[-1], line):
            result[-1] += line
        else:
            result.append(line)
    return result


def report_sections(lines: list[str]) -> dict[str, list[str]]:
    """Narrative of an annual report's paragraphs: ``preamble``, ``一``, ``五``, ``六`` (first paragraph).

    Paragraphs without a comma or full stop before 一 are the title and agency lines.
    """
    sections: dict[str, list[str]] = {"preamble": []}
    current = "preamble"
    for paragraph in lines:
        mark = re.match(r"^([一二三四五六])、", paragraph)
        if mark and len(paragraph) < 40:
            current = mark.group(1)
            sections[current] = []
        elif current != "preamble" or any(p in paragraph for p in "，。"):
            sections[current].append(paragraph)
    sections["六"] = sections["六"][:1]  # then the signature, which the replica prints itself
    return sections


def substitute(text: str, seed: int, vocabulary: dict[str, str]) -> str:
    """Replace the seed's agency, places and people with the replica agency's, in one pass."""
    pairs = REPLACEMENTS[seed]
    pattern = re.compile("|".join(re.escape(old) for old, _ in pairs))
    table = {old: new.format(**vocabulary) for old, new in pairs}
    return pattern.sub(lambda match: table[match.group(0)], text)


def shift_years(text: str, delta: int) -> str:
    """Move every year 2010–2029 by ``delta`` (the seed's report year → the replica's)."""
    if delta == 0:
        return text
    return re.sub(r"(?<!\d)(20[12]\d)(?!\d)", lambda m: str(int(m.group(1)) + delta), text)


def adapted(seeds: Path, seed: int, year: int, vocabulary: dict[str, str]) -> list[str]:
    """A seed's paragraphs for another agency and year (joined first: names wrap across lines too)."""
    delta = year - SEED_YEARS[seed]
    return [
        shift_years(substitute(line, seed, vocabulary), delta) for line in paragraphs(read_seed(seeds, seed))
    ]
