"""Ordinary catalogue items (通知, 公告, 工作动态), the 公开指南 and the fault documents' texts.

Real catalogues are mostly such items; the replica needs enough of them for three list pages
per agency. Titles are drawn without repetition from templates per kind of body; bodies are
two or three paragraphs of the stock phrasing these notices use.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.replica.plan import Doc
    from crawler.replica.sites import Agency

# (title template, topic used in the body) per agency kind; {y} is a year, {short} the agency
NOTICES = {
    "coop": (
        ("关于做好{y}年春耕农资保供工作的通知", "春耕农资保供"),
        ("关于开展{y}年安全生产大检查的通知", "安全生产大检查"),
        ("关于做好{y}年度社有资产清查工作的通知", "社有资产清查"),
        ("关于做好{y}年秋冬种农资储备供应工作的通知", "秋冬种农资储备供应"),
        ("关于开展基层社规范化建设专项行动的通知", "基层社规范化建设"),
        ("关于报送{y}年上半年工作总结的通知", "半年工作总结报送"),
    ),
    "agri": (
        ("关于做好{y}年春季农业生产工作的通知", "春季农业生产"),
        ("关于开展{y}年农资打假专项治理行动的通知", "农资打假专项治理"),
        ("关于做好{y}年耕地地力保护补贴发放工作的通知", "耕地地力保护补贴发放"),
        ("关于加强{y}年秸秆禁烧和综合利用工作的通知", "秸秆禁烧和综合利用"),
        ("关于做好{y}年高标准农田建设项目申报工作的通知", "高标准农田建设项目申报"),
        ("关于加强重大动物疫病防控工作的通知", "重大动物疫病防控"),
    ),
    "market": (
        ("关于开展{y}年食品安全专项整治行动的通知", "食品安全专项整治"),
        ("关于做好{y}年度市场主体年报公示工作的通知", "市场主体年报公示"),
        ("关于开展{y}年计量器具专项检查的通知", "计量器具专项检查"),
        ("关于加强{y}年特种设备安全监管工作的通知", "特种设备安全监管"),
        ("关于开展{y}年“双随机、一公开”抽查工作的通知", "“双随机、一公开”抽查"),
        ("关于开展校园及周边食品安全排查的通知", "校园及周边食品安全排查"),
    ),
}
ANNOUNCEMENTS = (
    ("{short}{y}年度部门预算公开", "部门预算公开"),
    ("{short}{py}年度部门决算公开", "部门决算公开"),
    ("{short}{y}年度“三公”经费预算情况说明", "“三公”经费预算"),
    ("{short}关于{y}年公开招聘编外工作人员的公告", "编外工作人员招聘"),
    ("{short}{py}年度行政执法数据公示", "行政执法数据公示"),
    ("{short}关于{y}年闲置资产公开招租的公告", "闲置资产公开招租"),
)
NEWS = (
    ("{short}召开{y}年度党风廉政建设工作会议", "党风廉政建设工作会议"),
    ("{short}召开{y}年第一季度工作推进会", "第一季度工作推进会"),
    ("{short}开展{y}年“学雷锋”志愿服务活动", "“学雷锋”志愿服务活动"),
    ("{short}组织开展{y}年安全生产培训", "安全生产培训"),
    ("{short}深入{town}开展乡村振兴调研", "乡村振兴调研"),
    ("{short}赴{town}开展防汛安全检查", "防汛安全检查"),
    ("{short}召开{py}年度民主生活会", "年度民主生活会"),
    ("{short}开展{y}年“政务公开日”活动", "“政务公开日”活动"),
)
TOWNS = {
    "www.li-xian.replica.test": (
        "澧阳街道",
        "小渡口镇",
        "梦溪镇",
        "码头铺镇",
        "甘溪滩镇",
        "城头山镇",
        "大堰垱镇",
        "王家厂镇",
        "盐井镇",
        "官垸镇",
        "涔南镇",
        "澧南镇",
    ),
    "www.hanyin.replica.test": (
        "城关镇",
        "涧池镇",
        "蒲溪镇",
        "平梁镇",
        "双乳镇",
        "铁佛寺镇",
        "漩涡镇",
        "汉阳镇",
        "双河口镇",
        "观音河镇",
    ),
    "www.sg.replica.test": (
        "浈江区",
        "武江区",
        "曲江区",
        "乐昌市",
        "南雄市",
        "仁化县",
        "始兴县",
        "翁源县",
        "新丰县",
        "乳源瑶族自治县",
    ),
    "www.zibo.replica.test": (
        "张店区",
        "淄川区",
        "博山区",
        "临淄区",
        "周村区",
        "桓台县",
        "高青县",
        "沂源县",
    ),
    "www.trs.replica.test": (
        "漳江街道",
        "陬市镇",
        "盘塘镇",
        "热市镇",
        "黄石镇",
        "郑家驿镇",
        "茶庵铺镇",
        "木塘垸镇",
        "理公港镇",
        "牛车河镇",
    ),
    "www.yueqing.replica.test": (
        "乐成街道",
        "城南街道",
        "盐盆街道",
        "柳市镇",
        "北白象镇",
        "虹桥镇",
        "淡溪镇",
        "清江镇",
        "芙蓉镇",
        "大荆镇",
        "雁荡镇",
        "南塘镇",
    ),
}

FAULT_TITLES = {
    "gbk_lying_header": ("{short}关于表彰{last_year}年度先进集体和先进个人的决定", "notice"),
    "http_404": ("{short}关于开展{year}年“安全生产月”活动的通知", "notice"),
    "http_500": ("{short}关于{year}年第三季度“双随机”抽查结果的公告", "announcement"),
    "corrupt_attachment": ("关于举办{year}年个体工商户经营者业务培训班的通知", "notice"),
    "gbk_meta_charset": ("{short}关于表彰{last_year}年度先进基层社和先进个人的通报", "notice"),
}
GBK_FAULTS = ("gbk_lying_header", "gbk_meta_charset")  # pages served as GBK: their body is honours_body
# names a GB2312 label cannot hold (镕 喆 堃): the GBK page must carry them intact
HONOURED = ("王镕", "李喆", "张堃", "刘芳", "陈建军", "杨晓燕")


def titles(agency: Agency, dates: list[datetime], rng: random.Random) -> list[tuple[str, str]]:
    """A distinct (kind, title) for each publication date; a title's year fits its date.

    ``{y}`` is the year of publication, ``{py}`` the year before (决算, 民主生活会 look back).
    """
    towns = TOWNS[agency.host.name]
    templates = [("notice", t) for t, _ in NOTICES[agency.kind]] + [
        ("announcement", t) for t, _ in ANNOUNCEMENTS
    ]
    templates += [("news", t) for t, _ in NEWS]
    used: set[str] = set()
    result = []
    for when in dates:
        fill = {
            "y": when.year,
            "py": when.year - 1,
            "short": agency.words["short"],
            "town": rng.choice(towns),
        }
        options = [(kind, t.format(**fill)) for kind, t in templates if t.format(**fill) not in used]
        kind, title = rng.choice(options)
        used.add(title)
        result.append((kind, title))
    return result


def topic_of(doc: Doc) -> str:
    """The body topic behind a filler title (falls back to the title itself)."""
    for template, topic in (*NOTICES[doc.agency.kind], *ANNOUNCEMENTS, *NEWS):
        head = template.split("{y}")[-1].split("{py}")[-1].split("{town}")[-1]
        if head and doc.title.endswith(head):
            return topic
    return doc.title


def body(doc: Doc) -> tuple[list[str], list[str]]:
    """Paragraphs of an ordinary item, and its closing lines (signature, date)."""
    rng = random.Random(f"replica-body:{doc.key}")
    words, topic, when = doc.agency.words, topic_of(doc), doc.published
    seat = doc.agency.host.seat
    closing = [doc.agency.name, f"{when.year}年{when.month}月{when.day}日"]
    if doc.kind == "notice":
        points = [
            _NOTICE_POINTS[i] for i in sorted(rng.sample(range(len(_NOTICE_POINTS)), rng.choice((2, 3))))
        ]
        return [
            f"{words['units']}、机关各股室：",
            f"为切实做好{topic}工作，根据{seat}委、{seat}政府工作部署，结合工作实际，现就有关事项通知如下。",
            *(
                f"{_NUMERALS[n]}、"
                + p.format(topic=topic, short=words["short"], phone=words["phone"], month=when.month % 12 + 1)
                for n, p in enumerate(points)
            ),
            "特此通知。",
        ], closing
    if doc.kind == "announcement":
        return [
            f"根据《中华人民共和国政府信息公开条例》和有关规定，现将{doc.agency.name}{topic}有关情况予以公开。",
            rng.choice(_ANNOUNCE_MIDDLE).format(topic=topic),
            f"联系电话：{words['phone']}。",
        ], closing
    return [
        f"{closing[1]}，{words['short']}组织开展{topic}。{rng.choice(_NEWS_OPEN)}",
        rng.choice(_NEWS_MIDDLE).format(topic=topic, head=words["head"]),
        rng.choice(_NEWS_CLOSE).format(seat=seat),
    ], []


def revised(doc: Doc, paragraphs: list[str]) -> list[str]:
    """A notice's paragraphs with the one after the salutation rewritten (a later night's edit)."""
    assert doc.kind == "notice", f"{doc.key}: only notices are revised"
    seat = doc.agency.host.seat
    rewritten = (
        f"为进一步做好{topic_of(doc)}工作，根据{seat}委、{seat}政府和上级主管部门工作部署，"
        f"结合{doc.agency.words['we']}实际，现将有关事项补充通知如下，请认真贯彻执行。"
    )
    return [paragraphs[0], rewritten, *paragraphs[2:]]


def honours_body(doc: Doc) -> tuple[list[str], list[str]]:
    """Body of the GBK page: a commendation naming people with GBK-only characters."""
    agency, when, seat = doc.agency, doc.published, doc.agency.host.seat
    return [
        f"{agency.words['units']}、机关各股室：",
        f"{when.year - 1}年，{agency.words['we']}广大干部职工认真贯彻落实{seat}委、{seat}政府决策部署，"
        "涌现出一批先进集体和先进个人。",
        f"经研究，决定授予{'、'.join(HONOURED)}等同志“{when.year - 1}年度先进个人”称号，予以通报表彰。",
        f"希望受到表彰的同志珍惜荣誉、再接再厉，全体干部职工以先进为榜样，为全{seat}经济社会发展作出新的贡献。",
    ], [agency.name, f"{when.year}年{when.month}月{when.day}日"]


def guide(agency: Agency) -> list[str]:
    """A plausible 政府信息公开指南 (主动公开 / 依申请公开 / 监督和救济)."""
    name, county, phone = agency.name, agency.host.county, agency.words["phone"]
    return [
        f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》（以下简称《条例》），"
        f"结合本机关实际，编制本指南。需要获得{name}政府信息公开服务的公民、法人或者其他组织，建议阅读本指南。",
        "一、主动公开",
        f"（一）公开范围。{name}按照《条例》第十九条、第二十条的规定，主动公开机构职能、政策文件、规划计划、"
        "财政预决算、行政执法、政府信息公开工作年度报告等政府信息。",
        f"（二）公开形式。主动公开的政府信息通过{agency.host.site}门户网站政府信息公开专栏发布，"
        "并可根据需要通过新闻发布会、政务新媒体、公告栏等方式公开。",
        "（三）公开时限。属于主动公开范围的政府信息，自该信息形成或者变更之日起20个工作日内予以公开。",
        "二、依申请公开",
        f"（一）受理机构。名称：{name}办公室；办公地址：{county}城区政务服务中心；联系电话：{phone}；"
        "办公时间：工作日上午8:30—12:00，下午14:30—17:30。",
        "（二）申请的提出。申请人可以通过当面提交、邮政寄送或者网上提交等方式提出申请，"
        "并填写《政府信息公开申请表》，写明申请人姓名或名称、联系方式、所需政府信息的名称或者内容描述。",
        "（三）申请的处理。能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；"
        "需要延长答复期限的，经负责人同意并告知申请人，延长期限最长不超过20个工作日。",
        "（四）收费。依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
        "按照《政府信息公开信息处理费管理办法》收取信息处理费。",
        "三、监督和救济",
        f"公民、法人或者其他组织认为{name}在政府信息公开工作中侵犯其合法权益的，可以向{county}人民政府办公室投诉、举报，"
        "也可以依法申请行政复议或者提起行政诉讼。",
    ]


_NUMERALS = "一二三四"
_NOTICE_POINTS = (
    "提高思想认识。各单位要充分认识{topic}工作的重要性，主要负责同志要亲自研究部署，明确专人负责，确保各项工作落到实处。",
    "明确工作任务。要对照任务清单逐项梳理，建立工作台账，于{month}月底前将工作开展情况书面报{short}办公室。",
    "强化督促检查。{short}将适时组织督查，对工作推进不力、敷衍应付的单位予以通报，并纳入年度目标考核。",
    "加强信息报送。各单位要及时总结经验做法，报送工作信息。联系电话：{phone}。",
)
_ANNOUNCE_MIDDLE = (
    "{topic}相关材料已按要求经单位集体研究审定，现予公开，接受社会监督。",
    "本次{topic}严格按照规定程序进行，相关数据以附表为准，如有疑问请在公示期内反映。",
)
_NEWS_OPEN = ("单位全体干部职工参加。", "班子成员及各股室负责人参加。", "活动得到了社会各界的广泛关注。")
_NEWS_MIDDLE = (
    "会上，{head}对{topic}提出明确要求，强调要提高政治站位，压实工作责任，确保各项任务按时保质完成。",
    "此次{topic}既是对前一阶段工作的检验，也为下一步工作的开展打下了坚实基础，取得了良好效果。",
)
_NEWS_CLOSE = (
    "下一步，将持续巩固工作成效，推动各项工作再上新台阶。",
    "大家纷纷表示，将以此次活动为契机，立足岗位、担当作为，为全{seat}高质量发展贡献力量。",
)
