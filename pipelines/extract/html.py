"""HTML pages to main text and tables.

Decoding: `archive.charset.decode_html` (BOM, header, meta, UTF-8, GB 18030; labels validated by a strict
decode). A header that lied becomes a ``charset-mismatch`` warning; replacement characters a
``charset-undetected`` warning.

Main text, first step that yields text wins (`Extraction.method` names it):

1. ``lxml-main``: the portal config's ``main_selector`` (a CSS selector such as ``div.j-fontContent``
   or ``div.xqCent``). The configured node is the most reliable answer, because government pages carry
   big navigation, metadata blocks (索引号 …) and footers that generic extractors mistake for content.
   Its text keeps paragraph breaks, and its tables are rendered as tab-joined rows. No match, or a
   match without text (a stale selector, a node filled in by script) → a ``main-selector-missed`` /
   ``main-selector-empty`` warning and the next step.
2. ``trafilatura`` (favor_recall, include_tables): a generic main-content extractor for pages with no
   selector configured. It flattens tables to one cell per line.
3. ``lxml-body``: all text of ``<body>`` without scripts and styles, when trafilatura finds nothing.

Tables: every innermost ``<table>`` inside the main node (steps 2–3: the whole page) becomes a `Table`
with ``rowspan``/``colspan`` from its attributes. Tables that contain tables are page layout, and
tables made of page-metadata labels (索引号, 发布机构 …) are the metadata block; neither is content.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree

from archive.charset import charset_from_content_type, decode_html
from archive.issues import Issue

from .model import Cell, Extraction, Table, cell, warning

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tr", "ul",
})
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "iframe", "object", "select",
})
# Labels of the page-metadata block (document-types.md §3), whitespace removed.
METADATA_LABELS = frozenset({
    "索引号", "索引號", "发布机构", "发文机关", "信息来源", "成文日期", "发文日期", "发布日期",
    "文号", "发文字号", "主题分类", "组配分类", "有效性", "公开方式", "公开范围", "体裁分类",
    "生成日期", "公开日期", "时效",
})
MAX_SPAN = 1000  # HTML caps colspan at 1000; a bigger rowspan/colspan is a typo or an attack
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
LINE_BLANK = " \t\r\f\v\u00a0\u3000\u200b"


def extract_html(body: bytes, content_type: str | None = None,
                 main_selector: str | None = None) -> Extraction:
    """Main text, tables and title of an HTML payload (steps in the module docstring)."""
    decoded = decode_html(body, charset_from_content_type(content_type))
    root = _parse(decoded.text)
    main, issues = _select_main(root, main_selector)
    if main is not None:
        method, text = "lxml-main", node_text(main)
    else:
        method, text = _generic_text(decoded.text, root)
    tables = html_tables(main if main is not None else root)
    issues = _charset_issues(decoded.mismatch, decoded.source) + issues
    return Extraction(kind="html", method=method, text=text, tables=tables, title=page_title(root),
                      encoding=decoded.encoding, issues=tuple(issues))


def _parse(text: str) -> etree._Element:
    """The page as an lxml tree; an empty or unparseable page becomes an empty document."""
    # lxml refuses str input that carries an XML encoding declaration (the bytes are decoded already)
    # or NUL characters (seen in pages pasted from Word).
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text).replace("\x00", "")
    try:
        return lxml.html.document_fromstring(text) if text.strip() else lxml.html.Element("html")
    except (etree.ParserError, ValueError):
        return lxml.html.Element("html")


def _charset_issues(mismatch: str | None, source: str) -> list[Issue]:
    """Warnings for a declared charset that lied and for a page no codec could decode cleanly."""
    issues = []
    if mismatch:
        issues.append(warning("charset-mismatch", mismatch,
                              fix="none needed; the text was decoded with the codec the bytes fit"))
    if source == "fallback":
        issues.append(warning("charset-undetected", "no codec decodes the page cleanly; read as gb18030",
                              fix="some characters were replaced by U+FFFD; check the page's real encoding"))
    return issues


def _select_main(root: etree._Element, selector: str | None) -> tuple[etree._Element | None, list[Issue]]:
    """Step 1: the first node matching the portal's ``main_selector``, or None and a warning saying why.

    A node without text or tables does not count: the selector is stale, or script fills the node in.
    """
    if not selector:
        return None, []
    fix = "check main_selector in the portal's TOML file; the page layout may have changed"
    try:
        matches = root.cssselect(selector)
    except Exception as error:  # cssselect raises SelectorSyntaxError / ExpressionError
        message = f"main_selector {selector!r} is not valid CSS: {error}"
        return None, [warning("main-selector-invalid", message, fix=fix)]
    if not matches:
        return None, [warning("main-selector-missed", f"main_selector {selector!r} matched nothing", fix=fix)]
    if not node_text(matches[0]) and not html_tables(matches[0]):
        message = f"main_selector {selector!r} matched a node without text"
        return None, [warning("main-selector-empty", message, fix=fix)]
    return matches[0], []


def _generic_text(html: str, root: etree._Element) -> tuple[str, str]:
    """Steps 2 and 3: trafilatura, else the whole body's text. Returns (method, text)."""
    try:
        text = trafilatura.extract(html, favor_recall=True, include_tables=True, include_comments=False,
                                   deduplicate=False, output_format="txt") or ""
    except Exception:  # trafilatura can fail on odd markup; the body fallback still works
        text = ""
    if text.strip():
        return "trafilatura", _clean_lines(text)
    body = root.find("body")
    return "lxml-body", node_text(body if body is not None else root)


def node_text(node: etree._Element) -> str:
    """Readable text of an element: one line per block element or ``<br>``, tables as tab-joined rows."""
    pieces: list[str] = []
    _collect(node, pieces)
    return _clean_lines("".join(pieces))


def _collect(node: etree._Element, pieces: list[str]) -> None:
    """Append the text of ``node`` and its descendants (not its tail) to ``pieces``; "\\n" at block edges."""
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in SKIP_TAGS or not tag:
        return
    if tag == "table":
        pieces.append("\n" + html_table(node).text() + "\n")
        return
    block = tag in BLOCK_TAGS
    pieces.append("\n" if block else "")
    pieces.append(_inline(node.text))
    for child in node:
        _collect(child, pieces)
        pieces.append(_inline(child.tail))
    pieces.append("\n" if block else "")


def _inline(text: str | None) -> str:
    """Source whitespace as HTML renders it: newlines and tabs in the markup are just spaces."""
    return HTML_WHITESPACE.sub(" ", text) if text else ""


def _clean_lines(text: str) -> str:
    """Collapse spaces inside lines, trim line ends (tabs of table rows kept), drop empty lines."""
    lines = []
    for line in text.split("\n"):
        if "\t" in line:  # a table row: its tabs separate cells, leading/trailing ones are blank cells
            line = "\t".join(SPACES.sub(" ", part).strip(LINE_BLANK) for part in line.split("\t"))
        else:
            line = SPACES.sub(" ", line).strip(LINE_BLANK)
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def html_tables(node: etree._Element) -> tuple[Table, ...]:
    """Every content table under ``node`` (innermost tables only, metadata blocks left out)."""
    tables = []
    for element in node.iter("table"):  # the node itself included, when it is a table
        if element.find(".//table") is not None:
            continue  # a layout table: its inner tables are the content
        table = html_table(element)
        if table.rows and not _is_metadata_block(table):
            tables.append(table)
    return tuple(tables)


def html_table(element: etree._Element) -> Table:
    """One ``<table>`` as a `Table`; rows of nested tables are not its rows."""
    rows = []
    for tr in element.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
        cells = [_html_cell(td) for td in tr.xpath("./td | ./th")]
        if cells:
            rows.append(tuple(cells))
    return Table(tuple(rows))


def _html_cell(td: etree._Element) -> Cell:
    """A ``<td>``/``<th>`` with its text (line breaks kept) and spans."""
    pieces = [_inline(td.text)]
    for child in td:
        _collect(child, pieces)
        pieces.append(_inline(child.tail))
    text = "\n".join(SPACES.sub(" ", line).strip(LINE_BLANK) for line in "".join(pieces).split("\n"))
    return cell(text.strip("\n"), _span(td.get("rowspan")), _span(td.get("colspan")))


def _span(value: str | None) -> int:
    """A rowspan/colspan attribute as an int in 1..MAX_SPAN ("2;", " 3 " and junk tolerated)."""
    digits = re.match(r"\s*(\d+)", value or "")
    return min(max(int(digits.group(1)), 1), MAX_SPAN) if digits else 1


def _is_metadata_block(table: Table) -> bool:
    """True for the page-metadata table: two or more of its cells are metadata labels."""
    labels = sum(1 for row in table.rows for c in row if re.sub(r"[\s:：]", "", c.text) in METADATA_LABELS)
    return labels >= 2


def page_title(root: etree._Element) -> str | None:
    """The document title: the ``ArticleTitle`` meta tag of TRS and Hanweb portals, else ``<title>``."""
    for name in ("ArticleTitle", "articletitle", "og:title"):
        values = root.xpath(f"//meta[@name='{name}' or @property='{name}']/@content")
        if values and values[0].strip():
            return SPACES.sub(" ", values[0]).strip()
    title = SPACES.sub(" ", root.findtext(".//title") or "").strip()
    return title or None

