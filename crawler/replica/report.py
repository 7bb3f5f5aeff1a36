"""An annual report as a sequence of blocks, rendered alike to HTML (pages.py) and DOCX (office.py).

The narrative comes from the seed named in the report's plan (agency and years replaced); the
three statistics tables are printed from the report's own values in the national layout.
"""

from __future__ import annotations

from pathlib import Path

from crawler.replica import tables, texts
from crawler.replica.plan import Doc
from crawler.replica.sites import vocabulary
from crawler.replica.stats import Values

Block = tuple[str, object]  # ("title" | "heading" | "para" | "closing", str) or ("table", Grid)
SECTIONS = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}


def report_blocks(doc: Doc, values: Values, spec: dict, seeds: Path) -> list[Block]:
    """Title, preamble, sections 一–六 with tables 二–四, and the signature.

    A seed report keeps its seed's text as it stands; any other report adapts a seed's text to
    its agency and year.
    """
    plan = doc.report
    assert plan is not None, doc.key
    if plan.seed_report:
        lines = texts.paragraphs(texts.read_seed(seeds, plan.seed))
    else:
        lines = texts.adapted(seeds, plan.seed, plan.year, vocabulary(doc.agency))
    narrative = texts.report_sections(lines)
    blocks: list[Block] = [("title", doc.title), *(("para", p) for p in narrative["preamble"])]
    tables_by_section = {
        "二": tables.table_two(spec, plan.version, values),
        "三": tables.table_three(spec, plan.version, values),
        "四": tables.table_four(values),
    }
    for number, heading in SECTIONS.items():
        blocks.append(("heading", heading))
        if number in tables_by_section:
            blocks.append(("table", tables_by_section[number]))
        else:
            blocks.extend(("para", p) for p in narrative[number])
    if plan.signature is not None:
        return blocks + [("closing", line) for line in plan.signature]
    signed = doc.published.date().replace(day=max(doc.published.day - 2, 1))
    date = f"{signed.year}年{signed.month}月{signed.day}日"
    return blocks + [("closing", doc.agency.name), ("closing", date)]


def document_blocks(title: str, paragraphs: list[str], closing: list[str]) -> list[Block]:
    """Blocks of an ordinary document (numbered lines become headings)."""
    blocks: list[Block] = [("title", title)]
    for paragraph in paragraphs:
        heading = texts.HEADING.match(paragraph) and len(paragraph) < 30 and not paragraph.endswith("。")
        blocks.append(("heading" if heading else "para", paragraph))
    return blocks + [("closing", line) for line in closing]
