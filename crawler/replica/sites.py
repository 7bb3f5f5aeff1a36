"""Who is on the replica portal: its hosts, their agencies, and each agency's annual reports.

Fixed tables only; plan.py turns them into documents and URLs. Six hosts, one per family of
portals.md §4: C public/column, E Ankang Node/Content and B Hanweb JCMS with two agencies each;
A gkmlpt, D Shandong gongkai and F TRS static with one agency each. Three reports are the seed
reports themselves (``seed_report``): their statistics are the hand-checked values of
``spec/expected/<seed>.toml`` and their narrative is the seed text as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Host:
    """One portal (virtual host) of the replica."""

    name: str
    family: str  # "public-column" | "ankang-node" | "hanweb" | "gkmlpt" | "sd-gongkai" | "trs-static"
    site: str
    county: str
    city: str
    province: str
    region_code: str
    site_code: str
    icp: str
    police: str
    organ_id: str = ""  # public/column organ shared by the county's bodies
    web_id: str = ""  # Hanweb webid, posted to the data proxy
    seat: str = "县"  # 县委、县政府 or 市委、市政府 (a county-level city)

    @property
    def homepage(self) -> str:
        return f"http://{self.name}/"


@dataclass(frozen=True)
class ReportPlan:
    """One annual report: year, rendering form, statistics profile, narrative seed and title.

    Forms (portals.md R34, plus e and f): a HTML tables; b 详见附件 + PDF; c full HTML + DOCX; d PDF
    straight from the list; e full HTML + PDF + DOCX; f full HTML + PDF. Profiles: ``distinct`` (every cell a
    different non-zero number), ``small`` (a quiet body's numbers, a blank or two) and ``seed``
    (the values of ``spec/expected/<seed_report>.toml``, blanks included).
    """

    year: int
    form: str
    profile: str
    seed: int  # seed text the narrative is adapted from
    title: str
    seed_report: str | None = None  # "002": this report is seed 002, printed as it stands
    signature: tuple[str, ...] | None = None  # closing lines as printed; None: agency and date
    published: datetime | None = None  # None: a January day drawn by the planner

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
    annual_column: str  # catId, Node id or Hanweb column id
    catalog_column: str
    index_code: str  # 索引号 prefix
    doc_prefix: str  # 文号 prefix
    words: dict[str, str]
    reports: tuple[ReportPlan, ...]
    faults: tuple[str, ...] = ()
    duplicate_year: int | None = None  # this year's report is listed in the catalogue too
    catalog_items: int = 40  # 3 list pages of 15
    annual_unit: str = ""  # Hanweb unitid of each column's list (the jpage container)
    catalog_unit: str = ""
    unit: str = ""  # gkmlpt department path (/<unit>/gkmlpt/), gongkai unit code (/gongkai/site_<unit>/)
    sid: str = ""  # gkmlpt site id (window._CONFIG.SID)
    # how its pages link files: "href" (a plain link) or "script" (javascript: and onclick calls, R26)
    attachment_links: str = "href"

    @property
    def portal_id(self) -> str:
        return f"replica-{self.slug}"

    def column_id(self, column: str) -> str:
        """The catId / Node id / column id / gkmlpt category / gongkai channel / TRS section of a column."""
        return self.annual_column if column == "annual_report" else self.catalog_column

    def unit_id(self, column: str) -> str:
        """The Hanweb unitid of a column's list."""
        return self.annual_unit if column == "annual_report" else self.catalog_unit


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
YUEQING = Host(
    "www.yueqing.replica.test",
    "hanweb",
    "乐清市人民政府",
    "乐清市",
    "温州",
    "浙江省",
    "330382",
    "3303820001",
    "浙ICP备05007382号",
    "浙公网安备 33038202000101号",
    web_id="3307",
    seat="市",
)

SHAOGUAN = Host(
    "www.sg.replica.test",
    "gkmlpt",
    "韶关市人民政府",
    "韶关市",
    "韶关",
    "广东省",
    "440200",
    "4402000001",
    "粤ICP备05008812号",
    "粤公网安备 44020302000101号",
    seat="市",
)
ZIBO = Host(
    "www.zibo.replica.test",
    "sd-gongkai",
    "淄博市人民政府",
    "淄博市",
    "淄博",
    "山东省",
    "370300",
    "3703000001",
    "鲁ICP备05001958号",
    "鲁公网安备 37030302000109号",
    seat="市",
)
TAOYUAN = Host(
    "www.trs.replica.test",
    "trs-static",
    "桃源县人民政府",
    "桃源县",
    "常德",
    "湖南省",
    "430725",
    "4307250001",
    "湘ICP备05008829号",
    "湘公网安备 43072502000135号",
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
            ReportPlan(
                2020,
                "e",
                "seed",
                3,
                "澧县供销社2020年度政府信息公开工作报告",
                seed_report="003",
                signature=(),  # the seed is not signed
            ),
            ReportPlan(2021, "a", "small", 4, "澧县供销合作社联合社2021年政府信息公开工作年度报告"),
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
            ReportPlan(
                2023,
                "e",
                "seed",
                2,
                "汉阴县供销合作社联合社2023年度政府信息公开工作年度报告",
                seed_report="002",
                signature=(),
            ),
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
    Agency(
        slug="yueqing-gxs",
        host=YUEQING,
        name="乐清市供销合作社联合社",
        publisher="乐清市供销合作社联合社",
        kind="coop",
        annual_column="1229547731",
        catalog_column="1229547728",
        index_code="002589674",
        doc_prefix="乐供发",
        words={
            **_COOP,
            "short": "乐清市供销社",
            "local": "市供销社",
            "wechat": "乐清供销",
            "phone": "0577-62522542",
            "units": "各基层供销社",
            "subsidiary": "乐清市供销社资产经营有限公司",
        },
        reports=(
            ReportPlan(2020, "c", "small", 3, "乐清市供销合作社联合社2020年度政府信息公开工作报告"),
            ReportPlan(
                2021,
                "e",
                "seed",
                4,
                "乐清市供销合作社联合社2021年政府信息公开工作年度报告",
                seed_report="004",
                signature=("乐清市供销合作社联合会", "2022年1月27日"),  # sic, as the seed is signed
                published=datetime(2022, 1, 28, 9, 42),
            ),
            ReportPlan(2022, "a", "small", 2, "乐清市供销合作社联合社2022年度政府信息公开工作年度报告"),
            ReportPlan(2023, "b", "small", 4, "乐清市供销合作社联合社2023年政府信息公开工作年度报告"),
        ),
        faults=("jpage_wrong_unitid",),
        catalog_items=50,  # 4 pages: two jpage windows (1–45, 46–90)
        annual_unit="7741861",
        catalog_unit="7741858",
    ),
    Agency(
        slug="yueqing-nyncj",
        host=YUEQING,
        name="乐清市农业农村局",
        publisher="乐清市农业农村局",
        kind="agri",
        annual_column="1229547812",
        catalog_column="1229547809",
        index_code="002602147",
        doc_prefix="乐农发",
        words={
            **_BUREAU,
            "short": "乐清市农业农村局",
            "local": "市农业农村局",
            "org": "农业农村局",
            "domain": "农业农村",
            "wechat": "乐清农业农村",
            "phone": "0577-62553065",
            "units": "各乡镇（街道）农业农村办",
            "subsidiary": "局属各事业单位",
            "people": "农业农村系统干部职工",
            "reform": "农村改革",
        },
        reports=(
            ReportPlan(2020, "b", "distinct", 3, "乐清市农业农村局2020年度政府信息公开工作报告"),
            ReportPlan(2021, "a", "distinct", 4, "乐清市农业农村局2021年政府信息公开工作年度报告"),
            ReportPlan(2022, "e", "distinct", 2, "乐清市农业农村局2022年度政府信息公开工作年度报告"),
            ReportPlan(2023, "d", "small", 4, "乐清市农业农村局政府信息公开工作年度报告（2023年度）"),
        ),
        annual_unit="7741940",
        catalog_unit="7741937",
        # a department channel still on an older template that opens files from script (R26)
        attachment_links="script",
    ),
    Agency(
        slug="sg-gxs",
        host=SHAOGUAN,
        name="韶关市供销合作联社",
        publisher="韶关市供销合作联社",
        kind="coop",
        annual_column="2817",  # gkmlpt category of 政府信息公开年报
        catalog_column="2812",  # 法定主动公开内容; its children are 2813 and 2814, the guide node 2811
        index_code="11440200MB2D16703T",
        doc_prefix="韶供联发",
        words={
            **_COOP,
            "short": "韶关市供销社",
            "local": "市供销社",
            "wechat": "韶关供销",
            "phone": "0751-8882316",
            "units": "各县（市、区）供销社",
            "subsidiary": "韶关市供销集团有限公司",
        },
        reports=(
            ReportPlan(2020, "f", "small", 3, "韶关市供销合作联社2020年政府信息公开工作年度报告"),
            ReportPlan(2021, "b", "distinct", 4, "韶关市供销合作联社2021年度政府信息公开工作年度报告"),
            ReportPlan(2022, "f", "distinct", 2, "韶关市供销合作联社2022年政府信息公开工作年度报告"),
            ReportPlan(2023, "f", "small", 4, "韶关市供销合作联社2023年政府信息公开工作年度报告"),
        ),
        duplicate_year=2022,  # cross-posted in 部门文件, same post and URL (portals.md R45)
        catalog_items=24,
        unit="sggxs",
        sid="751099",
    ),
    Agency(
        slug="zibo-gxs",
        host=ZIBO,
        name="淄博市供销合作社联合社",
        publisher="淄博市供销合作社联合社",
        kind="coop",
        annual_column="channel_c_5fa0b2e143aa933a482b9c31_n_1605683012.4187",
        catalog_column="channel_5fa0b31843aa933a482b9c57",
        index_code="11370300MB2851764E",
        doc_prefix="淄供发",
        words={
            **_COOP,
            "short": "淄博市供销社",
            "local": "市供销社",
            "wechat": "淄博供销",
            "phone": "0533-3182519",
            "units": "各区县供销社",
            "subsidiary": "淄博供销资产运营有限公司",
        },
        reports=(
            ReportPlan(2020, "a", "small", 3, "淄博市供销合作社联合社2020年度政府信息公开工作年度报告"),
            ReportPlan(2021, "b", "small", 4, "淄博市供销合作社联合社2021年政府信息公开工作年度报告"),
            ReportPlan(2022, "f", "small", 2, "淄博市供销合作社联合社2022年度政府信息公开工作年度报告"),
            ReportPlan(2023, "f", "distinct", 4, "淄博市供销合作社联合社2023年政府信息公开工作年度报告"),
        ),
        catalog_items=24,
        unit="sgxs",
    ),
    Agency(
        slug="trs-taoyuan",
        host=TAOYUAN,
        name="桃源县供销合作社联合社",
        publisher="桃源县供销社",
        kind="coop",
        annual_column="zfxxgknb",  # TRS sections under /xxgk/
        catalog_column="gkml",
        index_code="006600512",
        doc_prefix="桃供发",
        words={
            **_COOP,
            "short": "桃源县供销社",
            "local": "县供销社",
            "wechat": "桃源供销",
            "phone": "0736-6622418",
            "units": "各基层供销社",
            "subsidiary": "桃源县供销合作社资产经营有限公司",
        },
        reports=(
            ReportPlan(2020, "d", "small", 3, "桃源县供销合作社联合社2020年度政府信息公开工作报告"),
            ReportPlan(2021, "f", "distinct", 4, "桃源县供销合作社联合社2021年政府信息公开工作年度报告"),
            ReportPlan(2022, "f", "small", 2, "桃源县供销合作社联合社2022年度政府信息公开工作年度报告"),
            ReportPlan(2023, "b", "small", 4, "桃源县供销合作社联合社政府信息公开工作年度报告（2023年度）"),
        ),
        faults=("gbk_meta_charset",),
        duplicate_year=2022,  # also in 政府信息公开目录, linked there as ../../xxgk/zfxxgknb/…
        catalog_items=24,
    ),
)
HOSTS = (LIXIAN, HANYIN, YUEQING, SHAOGUAN, ZIBO, TAOYUAN)


def vocabulary(agency: Agency) -> dict[str, str]:
    """Every name a seed replacement may need for this agency (see texts.REPLACEMENTS)."""
    host = agency.host
    return {
        **agency.words,
        "full": agency.name,
        "site": host.site,
        "county": host.county,
        "seat": host.seat,
        "city": host.city,
        "province": host.province,
        "province_short": host.province[:2],
        "host": host.name,
        "email": f"{agency.slug.replace('-', '')}@replica.test",
        "party_doc": f"{host.county[:2]}办发电",
        "gov_doc": f"{host.county[:2]}政办发",
    }
