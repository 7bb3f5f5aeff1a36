"""What the replica portal holds: hosts, agencies, their documents, URLs and deliberate faults.

Everything is decided here, before anything is rendered, from fixed tables and one seeded
random generator per agency, so a rebuild gives the same site. Document numbers (public/column
``docId``, Ankang ``Content`` id) grow with the publication date across a host, as a CMS's do.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from crawler.replica import filler

PAGE_SIZE = 15
CATALOG_ITEMS = 40  # 3 list pages of 15 on either family


@dataclass(frozen=True)
class Host:
    """One portal (virtual host) of the replica."""

    name: str
    family: str  # "public-column" | "ankang-node"
    site: str
    county: str
    city: str
    province: str
    region_code: str
    site_code: str
    icp: str
    police: str
    organ_id: str = ""  # public/column organ shared by the county's bodies

    @property
    def homepage(self) -> str:
        return f"http://{self.name}/"


@dataclass(frozen=True)
class ReportPlan:
    """One annual report: its year, rendering form (a–d), statistics profile, seed and title."""

    year: int
    form: str
    profile: str
    seed: int
    title: str

    @property
    def version(self) -> str:
        return "2019" if self.year <= 2020 else "2021"


@dataclass(frozen=True)
class Agency:
    """A disclosing body on a replica host, and the words its documents use for itself."""

    slug: str
    host: Host
    name: str
    publisher: str  # 发布机构 / 来源 as printed
    kind: str  # "coop" | "agri" | "market"
    annual_column: str  # catId or Node id
    catalog_column: str
    index_code: str  # 索引号 prefix
    doc_prefix: str  # 文号 prefix
    words: dict[str, str]
    reports: tuple[ReportPlan, ...]
    faults: tuple[str, ...] = ()
    duplicate_year: int | None = None  # this year's report is listed in the catalogue too

    @property
    def portal_id(self) -> str:
        return f"replica-{self.slug}"


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
    attachment_ext: str | None = None
    related_key: str | None = None
    number: int = 0
    page_url: str | None = None
    attachment_url: str | None = None
    attachment_name: str | None = None
    identifier: str = ""
    doc_number: str = ""

    @property
    def list_url(self) -> str:
        """What a list links to: the page, or the file itself for a bare attachment (form d)."""
        return self.page_url or self.attachment_url or ""


LIXIAN = Host(
    "www.li-xian.replica.test",
    "public-column",
    "澧县人民政府",
    "澧县",
    "常德",
    "湖南省",
    "430723",
    "4307230001",
    "湘ICP备05008787号",
    "湘公网安备 43072302000123号",
    organ_id="6616363",
)
HANYIN = Host(
    "www.hanyin.replica.test",
    "ankang-node",
    "汉阴县人民政府",
    "汉阴县",
    "安康",
    "陕西省",
    "610921",
    "6109210001",
    "陕ICP备12003456号-1",
    "陕公网安备 61092102000112号",
)

_COOP = {
    "org": "供销社",
    "domain": "供销",
    "we": "我社",
    "this": "本社",
    "all": "全社",
    "head": "理事会主任",
    "deputy_old": "王建国副主任",
    "deputy_new": "李明华副主任",
    "deputy_short": "李主任",
    "people": "供销人",
    "asset": "社有房产",
    "reform": "综合改革",
    "units_short": "基层社",
}
_BUREAU = {
    "we": "我局",
    "this": "本局",
    "all": "全局",
    "head": "局长",
    "deputy_old": "王建国副局长",
    "deputy_new": "李明华副局长",
    "deputy_short": "李局长",
    "asset": "闲置办公用房",
    "units_short": "基层站所",
}

AGENCIES = (
    Agency(
        slug="lixian-gxs",
        host=LIXIAN,
        name="澧县供销合作社联合社",
        publisher="澧县供销社",
        kind="coop",
        annual_column="6723291",
        catalog_column="6723288",
        index_code="006601238",
        doc_prefix="澧供发",
        words={
            **_COOP,
            "short": "澧县供销社",
            "local": "县供销社",
            "wechat": "澧县供销",
            "phone": "0736-3213331",
            "units": "各基层供销社",
            "subsidiary": "澧县供销资产经营有限公司",
        },
        reports=(
            ReportPlan(2020, "b", "distinct", 3, "澧县供销社2020年度政府信息公开工作报告"),
            ReportPlan(2021, "a", "distinct", 4, "澧县供销合作社联合社2021年政府信息公开工作年度报告"),
            ReportPlan(2022, "c", "small", 2, "澧县供销合作社联合社2022年度政府信息公开工作年度报告"),
            ReportPlan(2023, "a", "small", 4, "澧县供销合作社联合社政府信息公开工作年度报告（2023年度）"),
        ),
        faults=("gbk_lying_header",),
        duplicate_year=2021,
    ),
    Agency(
        slug="lixian-nyncj",
        host=LIXIAN,
        name="澧县农业农村局",
        publisher="澧县农业农村局",
        kind="agri",
        annual_column="6723312",
        catalog_column="6723309",
        index_code="006601311",
        doc_prefix="澧农发",
        words={
            **_BUREAU,
            "short": "澧县农业农村局",
            "local": "县农业农村局",
            "org": "农业农村局",
            "domain": "农业农村",
            "wechat": "澧县农业农村",
            "phone": "0736-3222716",
            "units": "各乡镇农业综合服务中心",
            "subsidiary": "局属各二级机构",
            "people": "农业农村系统干部职工",
            "reform": "农村改革",
        },
        reports=(
            ReportPlan(2020, "a", "distinct", 3, "澧县农业农村局2020年度政府信息公开工作报告"),
            ReportPlan(2021, "d", "distinct", 4, "澧县农业农村局2021年政府信息公开工作年度报告"),
            ReportPlan(2022, "a", "small", 2, "2022年度澧县农业农村局政府信息公开工作年度报告"),
            ReportPlan(2023, "b", "small", 4, "澧县农业农村局2023年政府信息公开工作年度报告"),
        ),
        faults=("http_404",),
    ),
    Agency(
        slug="hanyin-gxs",
        host=HANYIN,
        name="汉阴县供销合作社联合社",
        publisher="县供销联社",
        kind="coop",
        annual_column="9106",
        catalog_column="9105",
        index_code="hyxgxs",
        doc_prefix="汉供发",
        words={
            **_COOP,
            "short": "汉阴供销联社",
            "local": "县供销联社",
            "wechat": "汉阴供销",
            "phone": "0915-5212346",
            "units": "各镇基层供销社",
            "subsidiary": "汉阴县供销合作服务有限公司",
        },
        reports=(
            ReportPlan(2020, "d", "distinct", 3, "汉阴县供销合作社联合社2020年度政府信息公开工作年度报告"),
            ReportPlan(2021, "c", "distinct", 4, "汉阴县供销合作社联合社2021年政府信息公开工作年度报告"),
            ReportPlan(2022, "b", "small", 2, "汉阴县供销合作社联合社2022年度政府信息公开工作年度报告"),
            ReportPlan(2023, "c", "zero", 2, "汉阴县供销合作社联合社2023年度政府信息公开工作年度报告"),
        ),
        duplicate_year=2022,
    ),
    Agency(
        slug="hanyin-scjgj",
        host=HANYIN,
        name="汉阴县市场监督管理局",
        publisher="县市场监管局",
        kind="market",
        annual_column="9122",
        catalog_column="9121",
        index_code="hyxscjgj",
        doc_prefix="汉市监发",
        words={
            **_BUREAU,
            "short": "汉阴县市场监管局",
            "local": "县市场监管局",
            "org": "市场监管局",
            "domain": "市场监管",
            "wechat": "汉阴市场监管",
            "phone": "0915-5213315",
            "units": "各市场监管所",
            "subsidiary": "各市场监管所",
            "people": "市场监管干部职工",
            "reform": "商事制度改革",
        },
        reports=(
            ReportPlan(2020, "c", "distinct", 3, "汉阴县市场监督管理局2020年度政府信息公开工作报告"),
            ReportPlan(2021, "b", "distinct", 4, "汉阴县市场监督管理局2021年度政府信息公开工作年度报告"),
            ReportPlan(2022, "d", "small", 2, "汉阴县市场监督管理局政府信息公开工作年度报告（2022年度）"),
            ReportPlan(2023, "a", "small", 4, "汉阴县市场监督管理局2023年政府信息公开工作年度报告"),
        ),
        faults=("http_500", "corrupt_attachment"),
    ),
)
HOSTS = (LIXIAN, HANYIN)
FORM_ATTACHMENT = {"a": None, "b": "pdf", "c": "docx", "d": "pdf"}


def vocabulary(agency: Agency) -> dict[str, str]:
    """Every name a seed replacement may need for this agency (see texts.REPLACEMENTS)."""
    host = agency.host
    return {
        **agency.words,
        "full": agency.name,
        "site": host.site,
        "county": host.county,
        "city": host.city,
        "province": host.province,
        "province_short": host.province[:2],
        "host": host.name,
        "email": f"{agency.slug.replace('-', '')}@replica.test",
        "party_doc": f"{host.county[:2]}办发电",
        "gov_doc": f"{host.county[:2]}政办发",
    }


def plan_site() -> list[Doc]:
    """Every document of every agency, numbered and addressed."""
    docs = [doc for agency in AGENCIES for doc in agency_documents(agency)]
    for host in HOSTS:
        docs = number_documents(docs, host)
    return [address(doc) for doc in docs]


def agency_documents(agency: Agency) -> list[Doc]:
    """An agency's reports, guide, work plan, self-assessment, fault documents and filler."""
    rng = random.Random(f"replica-plan:{agency.slug}")
    docs = [report_document(agency, plan, rng) for plan in agency.reports]
    plan_year = 2023 if agency.host is LIXIAN else 2022
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
    docs += [fault_document(agency, kind, rng) for kind in agency.faults]
    docs += [report_image(agency, doc) for doc in docs if doc.related_key]
    listed = sum(1 for doc in docs if "catalog" in doc.columns)
    dates = [_random_day(rng) for _ in range(CATALOG_ITEMS - listed)]
    for index, (when, (kind, title)) in enumerate(zip(dates, filler.titles(agency, dates, rng), strict=True)):
        docs.append(Doc(f"{agency.slug}-{kind}-{index:02d}", agency, kind, title, when, ("catalog",)))
    return docs


def report_document(agency: Agency, plan: ReportPlan, rng: random.Random) -> Doc:
    """An annual report, published in January after its year (条例 art. 49)."""
    columns = ("annual_report", "catalog") if plan.year == agency.duplicate_year else ("annual_report",)
    image = agency.host is HANYIN and plan.year == 2023 and plan.form != "d"  # 一图读懂 beside the report
    return Doc(
        f"{agency.slug}-report-{plan.year}",
        agency,
        "report",
        plan.title,
        _when(rng, plan.year + 1, 1, rng.randint(12, 30)),
        columns,
        report=plan,
        attachment_ext=FORM_ATTACHMENT[plan.form],
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
    ext = "pdf" if fault == "corrupt_attachment" else None
    return Doc(
        f"{agency.slug}-fault-{fault.replace('_', '-')}",
        agency,
        kind,
        title,
        _when(rng, 2023, rng.randint(4, 9), rng.randint(1, 28)),
        ("catalog",),
        fault=fault,
        attachment_ext=ext,
    )


def _when(rng: random.Random, year: int, month: int, day: int) -> datetime:
    """A working-hours time on the given day."""
    return datetime(year, month, day, rng.randint(8, 17), rng.randint(0, 59))


def _random_day(rng: random.Random) -> datetime:
    """A working-hours time between February 2021 and June 2024."""
    return datetime(2021, 2, 1) + timedelta(
        days=rng.randint(0, 1245), hours=rng.randint(8, 17), minutes=rng.randint(0, 59)
    )


def number_documents(docs: list[Doc], host: Host) -> list[Doc]:
    """Give a host's documents increasing ids in publication order (docId or Content id)."""
    rng = random.Random(f"replica-ids:{host.name}")
    number = 1168600931 if host is LIXIAN else 2611451
    ordered = sorted((d for d in docs if d.agency.host is host), key=lambda d: (d.published, d.key))
    numbers = {}
    for doc in ordered:
        number += rng.randint(300, 9000) if host is LIXIAN else rng.randint(40, 900)
        numbers[doc.key] = number
    return [replace(doc, number=numbers[doc.key]) if doc.key in numbers else doc for doc in docs]


def address(doc: Doc) -> Doc:
    """Fill in URLs, the 索引号 and the 文号 of a numbered document."""
    agency, host = doc.agency, doc.agency.host
    has_page = not (doc.report and doc.report.form == "d")
    if host is LIXIAN:
        page = f"http://{host.name}/zwgk/public/{host.organ_id}/{doc.number}.html" if has_page else None
        identifier = f"{agency.index_code}/{doc.published.year}-{doc.number % 100000:05d}"
    else:
        page = f"http://{host.name}/Content-{doc.number}.html" if has_page else None
        identifier = f"{agency.index_code}-GK-{doc.published.year}-{doc.number % 10000:04d}"
    name = f"{doc.title}.{doc.attachment_ext}" if doc.attachment_ext else None
    if doc.fault == "corrupt_attachment":
        name = "附件：报名汇总表.pdf"
    number = (
        f"{agency.doc_prefix}〔{doc.published.year}〕{doc.number % 37 + 1}号" if doc.kind == "notice" else ""
    )
    return replace(
        doc,
        page_url=page,
        attachment_url=attachment_url(doc, name),
        attachment_name=name,
        identifier=identifier,
        doc_number=number,
    )


def attachment_url(doc: Doc, name: str | None) -> str | None:
    """Where a document's file lives: public/column upload store, or Ankang's raw Chinese path."""
    if name is None:
        return None
    host, when = doc.agency.host, doc.published
    if host is LIXIAN:
        rng = random.Random(f"replica-file:{doc.key}")
        tail = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(4))
        return f"http://{host.name}/u/cms/www/{when:%Y%m}/{when:%d%H%M%S}{tail}.{doc.attachment_ext}"
    if doc.key == "hanyin-gxs-report-2023":
        return f"http://{host.name}/Uploadfiles/2024/01/年度报告.docx"  # the shape seen on hanyin.gov.cn
    stem = "报名汇总表" if doc.fault == "corrupt_attachment" else doc.title
    return f"http://{host.name}/Uploadfiles/{when:%Y}/{when:%m}/{stem}.{doc.attachment_ext}"


def path_of(url: str) -> str:
    """The decoded path of a replica URL (what the server looks up)."""
    return "/" + url.split("/", 3)[3]
