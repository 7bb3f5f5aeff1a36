"""Render one document of an epoch into the build: its page, its DOCX and queued PDF, its routes.

A document's content comes as blocks (report.py) by its kind; its page is the family's markup
(pages.py) in the charset its fault declares; a fault or a later night's change may answer it with
an error status or a challenge instead, through a route.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from crawler.replica import behaviours, filler, hanweb, office, pages, plan, stats, texts
from crawler.replica.manifest import FAULT_NOTES
from crawler.replica.output import Site
from crawler.replica.plan import Attachment, Doc, route, site_path
from crawler.replica.report import Block, document_blocks, report_blocks
from crawler.replica.sites import vocabulary

ERROR_500 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>500 Internal Server Error</title></head>'
    "<body><h1>500 Internal Server Error</h1><p>服务器内部错误，请稍后再试。</p>"
    "<p>java.lang.NullPointerException at com.cms.content.ContentAction.view</p></body></html>"
)
ERROR_404 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head>'
    "<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
)
ERROR_410 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>410 Gone</title></head>'
    "<body><h1>410 Gone</h1><p>该信息已撤销发布。</p></body></html>"
)
ERRORS = {"http_404": (404, ERROR_404), "http_410": (410, ERROR_410), "http_500": (500, ERROR_500)}


def blocks_of(doc: Doc, values: stats.Values | None, spec: dict, seeds: Path) -> list[Block]:
    """The content of a document as blocks, by kind."""
    agency, when = doc.agency, doc.published
    closing = [agency.name, f"{when.year}年{when.month}月{when.day}日"]
    if doc.kind == "report":
        return report_blocks(doc, values, spec, seeds)
    if doc.kind == "guide":
        return document_blocks(doc.title, filler.guide(agency), closing)
    if doc.kind in ("work_plan", "self_assessment"):
        seed = 1 if doc.kind == "work_plan" else 0
        lines = texts.adapted(seeds, seed, when.year, vocabulary(agency))
        return document_blocks(
            doc.title, lines[1:] if seed == 1 else lines[2:-2], [] if seed == 1 else closing
        )
    if doc.kind == "image":
        return []
    honours = doc.fault in filler.GBK_FAULTS
    paragraphs, ending = filler.honours_body(doc) if honours else filler.body(doc)
    return document_blocks(doc.title, filler.revised(doc, paragraphs) if doc.revised else paragraphs, ending)


def render(doc: Doc, site: Site, blocks: list[Block], by_key: dict[str, Doc]) -> None:
    """Write one document's page, attachments and routes into the site."""
    if doc.attachments:
        add_attachments(site, doc, blocks)
    if doc.page_url is None:
        return
    if doc.fault in ERRORS or doc.gone in ERRORS:
        add_error_route(site, doc)
        return
    if doc.gone == "soft_404":
        site.files[site_path(doc.page_url)] = pages.soft_404_page(doc.agency.host).encode()
        return
    if doc.blocked:
        add_challenge_route(site, doc)
    column = doc.home_column
    related = by_key.get(doc.related_key) if doc.related_key else None
    charset = PAGE_CHARSETS.get(doc.fault or "", "utf-8")  # as declared; GB 2312 pages are GBK bytes
    html = pages.detail_page(doc, body_html(site, doc, blocks), column, related, charset)
    site.files[site_path(doc.page_url)] = html.encode("gbk" if charset == "gb2312" else charset)
    headers = page_headers(doc)
    if headers:
        quirk = None if doc.fault else "no_charset"
        note = (
            FAULT_NOTES[doc.fault] if doc.fault else "Content-Type without charset (UTF-8 bytes, meta utf-8)"
        )
        site.routes.append(
            route(
                doc.page_url,
                file=site_path(doc.page_url),
                fault=doc.fault,
                quirk=quirk,
                note=note,
                headers=headers,
            )
        )


PAGE_CHARSETS = {"gbk_lying_header": "gbk", "gbk_meta_charset": "gb2312"}


def body_html(site: Site, doc: Doc, blocks: list[Block]) -> str:
    """The main content of a page: the image of a 一图读懂 page, 详见附件 (form b), or the blocks."""
    if doc.kind == "image":
        image_url = plan.image_url(doc)
        site.files[site_path(image_url)] = office.png_bytes(750, 900, IMAGE_BANDS)
        return pages.image_body(image_url)
    if doc.report and doc.report.form == "b":
        return "<p>详见附件。</p>\n" + pages.attachment_html(doc)
    return pages.blocks_html(blocks[1:]) + "\n" + pages.attachment_html(doc)


def page_headers(doc: Doc) -> dict[str, str] | None:
    """Header overrides of a page: a GBK page's lying or missing charset, the Ankang guides' missing one."""
    if doc.fault == "gbk_lying_header":
        return {"Content-Type": "text/html; charset=utf-8"}
    if doc.fault == "gbk_meta_charset":
        return {"Content-Type": "text/html"}
    if doc.kind == "guide" and doc.agency.host.family == "ankang-node":
        return {"Content-Type": "text/html"}
    return None


def add_error_route(site: Site, doc: Doc) -> None:
    """A page that answers 404, 410 or 500 with an HTML error body: a fault, or gone on a later night."""
    status, body = ERRORS[doc.fault or doc.gone]
    error_file = f"_routes/{doc.agency.host.name}/{status}.html"
    site.files[error_file] = body.encode()
    note = FAULT_NOTES[doc.fault] if doc.fault else f"removed on a later night: answers {status}"
    site.routes.append(
        route(doc.page_url, file=error_file, status=status, fault=doc.fault, gone=doc.gone, note=note)
    )


def add_challenge_route(site: Site, doc: Doc) -> None:
    """A page that answers a 瑞数-style challenge (412) instead of itself, on a later night (R10)."""
    challenge_file = f"_routes/{doc.agency.host.name}/412.html"
    site.files[challenge_file] = behaviours.RUISHU_CHALLENGE.encode()
    note = "blocked on a later night: a 瑞数-style challenge instead of the page"
    site.routes.append(
        route(
            doc.page_url,
            file=challenge_file,
            status=412,
            headers=behaviours.RUISHU_HEADERS,
            blocked="ruishu",
            note=note,
        )
    )


def add_attachments(site: Site, doc: Doc, blocks: list[Block]) -> None:
    """Store a document's DOCX and queue its PDF; add the routes its family serves files by.

    A report's files hold the report (form e: the same DOCX, and the PDF made from it); other
    documents' files are a title page. public/column files download as octet-stream with an
    RFC 5987 name; Hanweb files come from the download servlet (``add_servlets``).
    """
    title = "报名汇总表" if doc.fault == "corrupt_attachment" else doc.title
    data = office.docx_bytes(
        blocks if doc.kind == "report" else [("title", title)], doc.agency.name, doc.published
    )
    family = doc.agency.host.family
    for file in doc.attachments:
        if file.ext == "pdf":
            site.pdf_sources[doc.key], site.pdf_files[doc.key] = (data, doc.published), file.file
        else:
            site.files[file.file] = data
        if family == "public-column":
            disposition = f"attachment; filename*=UTF-8''{quote(file.name)}"
            headers = {"Content-Type": "application/octet-stream", "Content-Disposition": disposition}
            site.routes.append(route(file.url, file=file.file, note="download", headers=headers))
        elif family == "hanweb":
            site.downloads.setdefault(doc.agency.host.name, {})[file.file.rsplit("/", 1)[1]] = download(file)
        elif doc.fault:
            site.routes.append(route(file.url, file=file.file, fault=doc.fault, note=FAULT_NOTES[doc.fault]))


def download(file: Attachment) -> dict:
    """The download servlet's entry for one stored file: its body and headers (R35)."""
    headers, encoding = hanweb.download_disposition(file.name, file.disposition or "none")
    entry = {"file": file.file, "headers": headers, "disposition": file.disposition}
    return entry | ({"header_encoding": {"Content-Disposition": encoding}} if encoding else {})


IMAGE_BANDS = [
    (120, (192, 0, 0)),
    (40, (255, 255, 255)),
    (160, (242, 200, 120)),
    (30, (255, 255, 255)),
    (160, (120, 170, 220)),
    (30, (255, 255, 255)),
    (160, (150, 200, 140)),
    (30, (255, 255, 255)),
    (120, (200, 200, 200)),
]
