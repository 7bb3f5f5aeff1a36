"""What the replica portal holds: every document, its URLs, attachments and deliberate faults.

Everything is decided here, before anything is rendered, from the tables of sites.py and one
seeded random generator per agency, so a rebuild gives the same site. Document numbers
(public/column ``docId``, Ankang ``Content`` id, Hanweb ``art_<col>_<id>``, gkmlpt ``post_<id>``,
TRS ``t<date>_<id>``, the gongkai 索引号 sequence) grow with the publication date across a host, as
a CMS's do; a gongkai document id is a MongoDB-style ObjectId whose first 8 hex digits are its time.
"""

from __future__ import annotations

import calendar
import hashlib
import random
import string
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

from crawler.replica import filler
from crawler.replica.routing import canonical_query
from crawler.replica.sites import AGENCIES, HOSTS, Agency, Host, ReportPlan

PAGE_SIZE = 15
FORM_ATTACHMENTS = {
    "a": (),
    "b": ("pdf",),
    "c": ("docx",),
    "d": ("pdf",),
    "e": ("pdf", "docx"),
    "f": ("pdf",),
}
# Content-Disposition forms of the Hanweb download servlet, dealt to its files in turn (R35)
DISPOSITIONS = ("rfc5987", "gbk_raw", "percent_utf8", "none")
DOWNLOAD_PATH = "/module/download/downfile.jsp"
JPAGE_PROXY = "/module/jpage/dataproxy.jsp"


@dataclass(frozen=True)
class Attachment:
    """One file of a document: where it is served, its human name, and its body under site/."""

    ext: str
    url: str
    name: str
    file: str  # path under site/
    disposition: str | None = None  # Hanweb download servlet only: one of DISPOSITIONS


@dataclass(frozen=True)
class Doc:
    """One listed (or linked) document; URLs are filled in by ``plan_site``."""

    key: str
    agency: Agency
    kind: str  # report | guide | work_plan | self_assessment | notice | announcement | news | image
    title: str
    published: datetime
    columns: tuple[str, ...]  # "annual_report", "catalog"; empty for a page only linked from another
    report: ReportPlan | None = None
    fault: str | None = None
    attachment_exts: tuple[str, ...] = ()
    related_key: str | None = None
    number: int = 0
    page_url: str | None = None
    attachments: tuple[Attachment, ...] = ()
    identifier: str = ""
    doc_number: str = ""
    # what a later night did to it (epochs.py); the defaults are epoch 1, as planned
    listed: bool = True  # False: in no list any more (its URL may still answer)
    gone: str | None = None  # "http_404", "http_410" or "soft_404": what its URL answers instead
    blocked: bool = False  # its URL answers a 瑞数-style challenge (412)
    abolished: bool = False  # 有效性 reads 失效 (public/column and Hanweb metadata tables)
    archived: datetime | None = None  # public/column chrome: an 归档时间 stamp, and more visits
    revised: bool = False  # the paragraph after a notice's salutation is rewritten
    correction: tuple[str, int] | None = None  # a report's statistic, corrected to this value

    @property
    def attachment_url(self) -> str | None:
        """The first (for form e: the PDF) attachment's URL."""
        return self.attachments[0].url if self.attachments else None

    @property
    def list_url(self) -> str:
        """What a list links to: the page, or the file itself for a bare attachment (form d)."""
        return self.page_url or self.attachment_url or ""

    @property
    def validity(self) -> str:
        """有效性 as a metadata table prints it: 有效 for a notice, 失效 once abolished, else empty."""
        return "失效" if self.abolished else "有效" if self.kind == "notice" else ""

    @property
    def home_column(self) -> str:
        """The column a page sits under (a 一图读懂 page, listed nowhere, under 年报)."""
        return self.columns[0] if self.columns else "annual_report"


def plan_site() -> list[Doc]:
    """Every document of every agency, numbered, addressed and with its attachments."""
    docs = [doc for agency in AGENCIES for doc in agency_documents(agency)]
    for host in HOSTS:
        docs = number_documents(docs, host)
    return deal_dispositions([address(doc) for doc in docs])


def agency_documents(agency: Agency) -> list[Doc]:
    """An agency's reports, guide, work plan, self-assessment, fault documents and filler."""
    rng = random.Random(f"replica-plan:{agency.slug}")
    docs = [report_document(agency, plan, rng) for plan in agency.reports]
    plan_year = 2022 if agency.host.family == "ankang-node" else 2023
    docs += [
        Doc(
            f"{agency.slug}-guide",
            agency,
            "guide",
            f"{agency.name}政府信息公开指南",
            _when(rng, 2023, 2, 20),
            ("catalog",),
        ),
        Doc(
            f"{agency.slug}-work-plan",
            agency,
            "work_plan",
            f"关于印发《{agency.name}{plan_year}年政务公开工作方案》的通知",
            _when(rng, plan_year, 3, 25),
            ("catalog",),
        ),
        Doc(
            f"{agency.slug}-self-assessment",
            agency,
            "self_assessment",
            f"{agency.name}关于{plan_year}年政务公开和政府信息公开工作情况的自评报告",
            datetime(plan_year, 12, 20, 16, 5),
            ("catalog",),
        ),
    ]
    docs += [fault_document(agency, kind, rng) for kind in agency.faults if kind in filler.FAULT_TITLES]
    docs += [report_image(agency, doc) for doc in docs if doc.related_key]
    listed = sum(1 for doc in docs if "catalog" in doc.columns)
    dates = [_random_day(rng) for _ in range(agency.catalog_items - listed)]
    for index, (when, (kind, title)) in enumerate(zip(dates, filler.titles(agency, dates, rng), strict=True)):
        docs.append(Doc(f"{agency.slug}-{kind}-{index:02d}", agency, kind, title, when, ("catalog",)))
    return docs


def report_document(agency: Agency, plan: ReportPlan, rng: random.Random) -> Doc:
    """An annual report, published in January after its year (条例 art. 49)."""
    columns = ("annual_report", "catalog") if plan.year == agency.duplicate_year else ("annual_report",)
    # 一图读懂 (Ankang, 相关文件) and 图片解读 (gongkai, the renditions row) of the 2023 report
    image = agency.host.family in ("ankang-node", "sd-gongkai") and plan.year == 2023 and plan.form != "d"
    drawn = _when(rng, plan.year + 1, 1, rng.randint(12, 30))
    return Doc(
        f"{agency.slug}-report-{plan.year}",
        agency,
        "report",
        plan.title,
        plan.published or drawn,
        columns,
        report=plan,
        attachment_exts=FORM_ATTACHMENTS[plan.form],
        related_key=f"{agency.slug}-image-{plan.year}" if image else None,
    )


def report_image(agency: Agency, report: Doc) -> Doc:
    """The image-only 一图读懂 page a report's 相关文件 links to (not listed anywhere)."""
    return Doc(
        report.related_key or "",
        agency,
        "image",
        f"一图读懂：{report.title}",
        report.published + timedelta(minutes=7),
        (),
    )


def fault_document(agency: Agency, fault: str, rng: random.Random) -> Doc:
    """A catalogue item that misbehaves (see README.md, "Deliberate faults")."""
    title, kind = filler.FAULT_TITLES[fault]
    title = title.format(short=agency.words["short"], year=2023, last_year=2022)
    return Doc(
        f"{agency.slug}-fault-{fault.replace('_', '-')}",
        agency,
        kind,
        title,
        _when(rng, 2023, rng.randint(4, 9), rng.randint(1, 28)),
        ("catalog",),
        fault=fault,
        attachment_exts=("pdf",) if fault == "corrupt_attachment" else (),
    )


def _when(rng: random.Random, year: int, month: int, day: int) -> datetime:
    """A working-hours time on the given day."""
    return datetime(year, month, day, rng.randint(8, 17), rng.randint(0, 59))


def _random_day(rng: random.Random) -> datetime:
    """A working-hours time between February 2021 and June 2024."""
    return datetime(2021, 2, 1) + timedelta(
        days=rng.randint(0, 1245), hours=rng.randint(8, 17), minutes=rng.randint(0, 59)
    )


# first number and step range of each family's document ids
NUMBERING = {
    "public-column": (1168600931, 300, 9000),
    "ankang-node": (2611451, 40, 900),
    "hanweb": (58700012, 200, 4000),
    "gkmlpt": (2398031, 300, 3000),
    "sd-gongkai": (5500012, 40, 900),
    "trs-static": (1185720, 300, 5000),
}


def number_documents(docs: list[Doc], host: Host) -> list[Doc]:
    """Give a host's documents increasing ids in publication order (docId, Content id, art id)."""
    rng = random.Random(f"replica-ids:{host.name}")
    number, low, high = NUMBERING[host.family]
    ordered = sorted((d for d in docs if d.agency.host is host), key=lambda d: (d.published, d.key))
    numbers = {}
    for doc in ordered:
        number += rng.randint(low, high)
        numbers[doc.key] = number
    return [replace(doc, number=numbers[doc.key]) if doc.key in numbers else doc for doc in docs]


def address(doc: Doc) -> Doc:
    """Fill in URLs, attachments, the 索引号 and the 文号 of a numbered document."""
    agency, host, when = doc.agency, doc.agency.host, doc.published
    has_page = not (doc.report and doc.report.form == "d")
    identifier = f"{agency.index_code}/{when.year}-{doc.number % 100000:05d}"
    if host.family == "public-column":
        page = f"http://{host.name}/zwgk/public/{host.organ_id}/{doc.number}.html"
    elif host.family == "ankang-node":
        page = f"http://{host.name}/Content-{doc.number}.html"
        identifier = f"{agency.index_code}-GK-{when.year}-{doc.number % 10000:04d}"
    elif host.family == "hanweb":
        column = agency.column_id(doc.home_column)
        page = f"http://{host.name}/art/{when.year}/{when.month}/{when.day}/art_{column}_{doc.number}.html"
    elif host.family == "gkmlpt":
        n = doc.number
        page = f"http://{host.name}/{agency.unit}/gkmlpt/content/{n // 10**6}/{n // 10**3}/post_{n}.html"
    elif host.family == "sd-gongkai":
        page = f"{gongkai_folder(doc)}/doc_{object_id(doc)}.html"
        identifier = f"{agency.index_code}/{when.year}-{doc.number}"
    else:  # trs-static: /<section>/<YYYYMM>/t<YYYYMMDD>_<id>.html
        page = f"{trs_folder(doc)}/t{when:%Y%m%d}_{doc.number}.html"
    number = f"{agency.doc_prefix}〔{when.year}〕{doc.number % 37 + 1}号" if doc.kind == "notice" else ""
    if host.family == "sd-gongkai" and not number:
        number = "〔〕号"  # the empty 文号 template the platform prints (portals.md R29)
    return replace(
        doc,
        page_url=page if has_page else None,
        attachments=tuple(attachment(doc, ext, index) for index, ext in enumerate(doc.attachment_exts)),
        identifier=identifier,
        doc_number=number,
    )


def attachment(doc: Doc, ext: str, index: int) -> Attachment:
    """Where one of a document's files lives, by family.

    public/column: the upload store ``/u/cms/www/<yyyymm>/…``, downloaded as octet-stream;
    Ankang: raw Chinese paths under ``/Uploadfiles/``; Hanweb: the download servlet, with the
    name in ``showname`` and a hex storage name in ``filename``; gkmlpt: the attachment store
    ``/<dept>/attachment/<a//10^6>/<a//10^3>/<a>/<post id>.<ext>``; gongkai: ``doc_<id>_<32 hex>.<ext>``
    beside the page; TRS: ``P0<YYYYMMDD><12 digits>.<ext>`` in the page's month folder.
    """
    host, when = doc.agency.host, doc.published
    name = "附件：报名汇总表.pdf" if doc.fault == "corrupt_attachment" else f"{doc.title}.{ext}"
    if host.family == "public-column":
        rng = random.Random(f"replica-file:{doc.key}" + (f":{ext}" if index else ""))
        tail = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(4))
        url = f"http://{host.name}/u/cms/www/{when:%Y%m}/{when:%d%H%M%S}{tail}.{ext}"
        return Attachment(ext, url, name, site_path(url))
    if host.family == "ankang-node":
        stem = "报名汇总表" if doc.fault == "corrupt_attachment" else doc.title
        if doc.key == "hanyin-gxs-report-2023":
            url = f"http://{host.name}/Uploadfiles/2024/01/年度报告.{ext}"  # the shape seen on hanyin.gov.cn
        else:
            url = f"http://{host.name}/Uploadfiles/{when:%Y}/{when:%m}/{stem}.{ext}"
        return Attachment(ext, url, name, site_path(url))
    if host.family in ("gkmlpt", "sd-gongkai", "trs-static"):
        url = _stored_file(doc, ext, index)
        return Attachment(ext, url, name, site_path(url))
    stored = hashlib.md5(f"{doc.key}:{ext}".encode()).hexdigest() + f".{ext}"  # noqa: S324 (a name)
    url = f"http://{host.name}{DOWNLOAD_PATH}?classid=0&showname={quote(name)}&filename={stored}"
    return Attachment(ext, url, name, f"_routes/{host.name}/download/{stored}")


def _stored_file(doc: Doc, ext: str, index: int) -> str:
    """URL of a file in the gkmlpt, gongkai or TRS store (see ``attachment``)."""
    agency, host, when = doc.agency, doc.agency.host, doc.published
    if host.family == "gkmlpt":
        a = gkmlpt_attachment_id(doc, index)
        return f"http://{host.name}/{agency.unit}/attachment/{a // 10**6}/{a // 10**3}/{a}/{doc.number}.{ext}"
    if host.family == "sd-gongkai":
        tail = hashlib.md5(f"{doc.key}:{ext}".encode()).hexdigest()  # noqa: S324 (a name)
        return f"{gongkai_folder(doc)}/doc_{object_id(doc)}_{tail}.{ext}"
    rng = random.Random(f"replica-file:{doc.key}:{ext}")
    digits = "".join(rng.choice(string.digits) for _ in range(12))
    return f"{trs_folder(doc)}/P0{when:%Y%m%d}{digits}.{ext}"


def gkmlpt_attachment_id(doc: Doc, index: int) -> int:
    """The gkmlpt attachment id of a post's file (ids grow with the posts')."""
    return doc.number * 7 // 10 + index


def object_id(doc: Doc) -> str:
    """A gongkai document id: a MongoDB ObjectId, 8 hex digits of its time (UTC) then 16 of its own."""
    seconds = calendar.timegm(doc.published.timetuple()) - 8 * 3600  # published in Beijing time
    return f"{seconds:08x}" + hashlib.md5(f"replica-oid:{doc.key}".encode()).hexdigest()[:16]  # noqa: S324


def gongkai_folder(doc: Doc) -> str:
    """The channel folder of a gongkai document: ``http://<host>/gongkai/site_<unit>/<channel>``."""
    agency = doc.agency
    return f"http://{agency.host.name}/gongkai/site_{agency.unit}/{agency.column_id(doc.home_column)}"


def trs_folder(doc: Doc) -> str:
    """The month folder of a TRS document in its section: ``http://<host>/xxgk/<section>/<YYYYMM>``."""
    agency = doc.agency
    return f"http://{agency.host.name}/xxgk/{agency.column_id(doc.home_column)}/{doc.published:%Y%m}"


def image_url(doc: Doc) -> str:
    """Where the picture of a 一图读懂 / 图片解读 page is (Ankang's upload folder, else beside the page)."""
    if doc.agency.host.family == "ankang-node":
        return f"http://{doc.agency.host.name}/Uploadfiles/{doc.published:%Y/%m}/{doc.number}.png"
    return (doc.page_url or "").removesuffix(".html") + ".png"


def deal_dispositions(docs: list[Doc]) -> list[Doc]:
    """Give the Hanweb download servlet's files each Content-Disposition form in turn."""
    dealt = 0
    result = []
    for doc in docs:
        if doc.agency.host.family == "hanweb" and doc.attachments:
            files = []
            for file in doc.attachments:
                files.append(replace(file, disposition=DISPOSITIONS[dealt % len(DISPOSITIONS)]))
                dealt += 1
            doc = replace(doc, attachments=tuple(files))
        result.append(doc)
    return result


def column_documents(docs: list[Doc], agency: Agency, column: str) -> list[Doc]:
    """What one column of an agency lists, newest first (as every family's lists are ordered)."""
    return sorted(
        (d for d in docs if d.agency is agency and column in d.columns and d.listed),
        key=lambda d: (d.published, d.number),
        reverse=True,
    )


def path_of(url: str) -> str:
    """The decoded path (and query) of a replica URL (what the server looks up)."""
    return "/" + url.split("/", 3)[3]


def site_path(url: str) -> str:
    """Where a plain file for ``url`` lives under site/."""
    return url.split("/", 3)[2] + path_of(url).split("?")[0]


def route(url: str, **fields: object) -> dict:
    """A routes.json entry for an absolute replica URL."""
    parts = urlsplit(url)
    entry = {"host": parts.hostname, "path": path_of(url).split("?")[0]}
    if parts.query:
        entry["query"] = canonical_query(parts.query)
    return entry | {key: value for key, value in fields.items() if value is not None}
