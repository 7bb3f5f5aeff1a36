"""HTML of the replica portals: family markup from portals.md §4 (C, E; others in their modules) and chrome.

Family C ("public/column", 澧县): lists ``ul.xxgk_nav_list > li`` with ``pageCount:N,`` in a
script; details with ``table.table_suoyin`` twice (desktop and mobile), ``h1.newstitle`` and
``div.j-fontContent``. Family E (Ankang Node/Content, 汉阴): lists ``ul.newlist > li`` with a
``div.page`` pager whose last link (尾页) names the last page; details with an ``索引号: …`` block,
``h1`` and ``div.xqCent``. Family B (Hanweb, 乐清): hanweb.py; A (gkmlpt, 韶关): gkmlpt.py; D (Shandong
gongkai, 淄博): gongkai.py; F (TRS static, 桃源): trs.py; each gives the family's part of a page and
this module puts the chrome around it. All pages but the gkmlpt shell carry the standard head meta
tags and the navigation-heavy chrome of real portals (department menus, footer with 网站标识码/ICP,
off-site links).
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from crawler.replica import gkmlpt, gongkai, hanweb, trs
from crawler.replica.plan import Doc, path_of
from crawler.replica.report import Block
from crawler.replica.sites import Agency, Host
from crawler.replica.tables import Grid, placed

COLUMN_NAMES = {"annual_report": "政府信息公开年报", "catalog": "法定主动公开内容"}
CATEGORY = {
    "report": "政府信息公开年报",
    "guide": "政府信息公开指南",
    "work_plan": "规划计划",
    "self_assessment": "其他",
    "notice": "通知公告",
    "announcement": "通知公告",
    "news": "工作动态",
    "image": "政策解读",
}
DEPARTMENTS = (
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "城市管理和综合执法局",
    "供销合作社联合社",
    "信访局",
    "数据资源局",
    "乡村振兴局",
    "生态环境分局",
    "税务局",
    "气象局",
    "住房公积金管理部",
    "融媒体中心",
    "档案馆",
)
NAV = ("首页", "政务公开", "政务服务", "互动交流", "数据开放", "专题专栏", "走进县情")
OFFSITE = {
    "湖南省": ("http://www.gov.cn/", "http://www.hunan.gov.cn/", "http://www.changde.gov.cn/"),
    "陕西省": ("http://www.gov.cn/", "http://www.shaanxi.gov.cn/", "http://www.ankang.gov.cn/"),
    "浙江省": ("http://www.gov.cn/", "http://www.zj.gov.cn/", "http://www.wenzhou.gov.cn/"),
    "广东省": ("http://www.gov.cn/", "http://www.gd.gov.cn/", "http://www.sg.gov.cn/"),
    "山东省": ("http://www.gov.cn/", "http://www.shandong.gov.cn/", "http://www.zibo.gov.cn/"),
}
# top-level channels of the new families' portals (政务公开 is the disclosure index)
NAV_PATHS = ("", "zwgk", "zwfw", "hdjl", "sjkf", "ztzl", "zjxx")
DISCLOSURE_PATH = {"gkmlpt": "zwgk", "sd-gongkai": "gongkai", "trs-static": "xxgk"}
# the families whose markup is in a module of its own (attachments, details)
FAMILY_MODULES = {"hanweb": hanweb, "gkmlpt": gkmlpt, "sd-gongkai": gongkai, "trs-static": trs}


def page(
    host: Host,
    title: str,
    meta: dict[str, str],
    content: str,
    charset: str = "utf-8",
    head: str = "",
    http_equiv: bool = False,
) -> str:
    """A whole page: head with the government-site meta tags, chrome around ``content``.

    ``head`` is added at the end of the head (a page's own script); ``http_equiv`` declares the
    charset the old way, ``<meta http-equiv="Content-Type" content="text/html; charset=…">``.
    """
    tags = "\n".join(
        f'<meta name="{name}" content="{escape(value)}">'
        for name, value in {
            "SiteName": host.site,
            "SiteDomain": host.name,
            "SiteIDCode": host.site_code,
            **meta,
        }.items()
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{_charset_tag(charset, http_equiv)}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{tags}
<link rel="stylesheet" href="/static/style.css">{head}
</head>
<body>
{header(host)}
<div class="container main">
{content}
</div>
{footer(host)}
</body>
</html>
"""


def _charset_tag(charset: str, http_equiv: bool) -> str:
    if http_equiv:
        return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return f'<meta charset="{charset}">'


def header(host: Host) -> str:
    """Top bar, logo line, main menu and the department menu (100-odd links, as on real portals)."""
    offsite = OFFSITE[host.province]
    departments = "".join(
        f'<li><a href="{escape(_department_url(host, i))}" target="_blank">{host.county}{name}</a></li>'
        for i, name in enumerate(DEPARTMENTS)
    )
    nav = "".join(
        f'<li><a href="{"/" if i == 0 else _nav_url(host, i)}">{name}</a></li>' for i, name in enumerate(NAV)
    )
    return f"""<div class="topbar"><div class="container">
<span class="welcome">欢迎访问{host.site}门户网站</span>
<a href="{offsite[0]}" target="_blank">中国政府网</a>
| <a href="{offsite[1]}" target="_blank">{host.province}人民政府</a>
| <a href="{offsite[2]}" target="_blank">{host.city}市人民政府</a>
| <a href="javascript:void(0)" class="wza">无障碍</a>
| <a href="javascript:void(0)" class="jt">简体</a>/<a href="javascript:void(0)" class="ft">繁体</a>
</div></div>
<div class="header"><div class="container">
<a class="logo" href="/">{host.site}</a>
<form class="search" action="/search" method="get">
<input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form>
</div></div>
<div class="nav"><div class="container"><ul class="clearfix">{nav}</ul></div></div>
<div class="container dept-menu"><h4>部门信息公开</h4><ul class="clearfix">{departments}</ul></div>"""


def _department_url(host: Host, index: int) -> str:
    """Another body's disclosure column (not part of the replica: answers 404)."""
    if host.family == "public-column":
        return f"/zwgk/public/column/{int(host.organ_id) + 11 + index}?type=4&action=list&nav=3"
    if host.family == "hanweb":
        return f"/col/col{1229000100 + index}/index.html"
    if host.family == "gkmlpt":
        return f"/sgbm{index + 1:02d}/gkmlpt/index"
    if host.family == "sd-gongkai":
        return f"/gongkai/site_bm{index + 1:02d}/"
    if host.family == "trs-static":
        return f"/xxgk/bmxxgk/bm{index + 1:02d}/index.html"
    return f"/Node-{8800 + index}.html"


def _nav_url(host: Host, index: int) -> str:
    """Main-menu target (top-level channels are not part of the replica, but 政务公开 is its index)."""
    if host.family == "public-column":
        return f"/zwgk/index.html#nav{index}"
    if host.family == "hanweb":
        return f"/col/col{1229000001 + index}/index.html"
    if host.family in DISCLOSURE_PATH:
        return f"/{DISCLOSURE_PATH[host.family] if index == 1 else NAV_PATHS[index]}/"
    return f"/Node-{8700 + index}.html"


def footer(host: Host) -> str:
    """Footer with 主办/承办, 网站标识码, ICP and 公安 filing numbers and off-site links."""
    offsite = OFFSITE[host.province]
    return f"""<div class="footer"><div class="container">
<div class="links">相关链接：<a href="{offsite[0]}" target="_blank">中国政府网</a>
<a href="{offsite[1]}" target="_blank">{host.province}人民政府</a>
<a href="{offsite[2]}" target="_blank">{host.city}市人民政府</a>
<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={host.site_code}"
 target="_blank">政府网站找错</a></div>
<p>主办：{host.site}办公室　承办：{host.county}数据资源中心　联系电话：0000-0000000</p>
<p>网站标识码：{host.site_code}
　<a href="https://beian.miit.gov.cn/" target="_blank">{host.icp}</a>　{host.police}</p>
<p>版权所有 &copy; {host.site}　建议使用1366×768分辨率浏览本站</p>
</div></div>"""


def report_meta(doc: Doc, column: str) -> dict[str, str]:
    """The head meta tags a detail page carries (ArticleTitle, PubDate, ContentSource, ColumnName)."""
    return {
        "ColumnName": column,
        "ColumnType": column,
        "ArticleTitle": doc.title,
        "PubDate": f"{doc.published:%Y-%m-%d %H:%M}",
        "ContentSource": doc.agency.publisher,
        "Keywords": "",
    }


def blocks_html(blocks: list[Block]) -> str:
    """Body HTML of a document from its blocks (the title is the page's h1, so it is skipped)."""
    parts = []
    for kind, value in blocks:
        if kind == "heading":
            parts.append(f'<p style="text-indent:2em;"><strong>{escape(value)}</strong></p>')
        elif kind == "para":
            parts.append(f'<p style="text-indent:2em;">{escape(value)}</p>')
        elif kind == "closing":
            parts.append(f'<p style="text-align:right;">{escape(value)}</p>')
        elif kind == "table":
            parts.append(table_html(value))
    return "\n".join(parts)


def table_html(grid: Grid) -> str:
    """A statistics table as an HTML table with the national rowspan/colspan layout."""
    rows: dict[int, list[str]] = {}
    for r, _, cell in placed(grid):
        spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
            f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
        )
        text = escape(cell.text) if cell.text else "&nbsp;"
        rows.setdefault(r, []).append(f'<td{spans} style="text-align:center;">{text}</td>')
    body = "\n".join(f"<tr>{''.join(cells)}</tr>" for _, cells in sorted(rows.items()))
    return (
        f'<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">'
        f"<tbody>\n{body}\n</tbody></table>"
    )


def attachment_html(doc: Doc) -> str:
    """The 附件 lines under a body (raw Chinese hrefs on Ankang, the servlet on Hanweb, as published)."""
    family = doc.agency.host.family
    if family in FAMILY_MODULES:
        return FAMILY_MODULES[family].attachment_html(doc)
    lines = []
    for file in doc.attachments:
        href, name = escape(path_of(file.url)), escape(file.name)
        if doc.agency.host.family == "public-column":
            lines.append(f'<p>附件：<a href="{href}" target="_blank" title="{name}">{name}</a></p>')
        else:
            lines.append(f'<p><a href="{href}">附件：{name}</a></p>')
    return "\n".join(lines)


def column_url(agency: Agency, column: str, page_number: int = 1) -> str:
    """Absolute URL of one list page of an agency's column.

    On Hanweb only page 1 is a page of its own: ``?uid=&pageNum=`` is read by the browser's
    jpage script, and the server answers every such URL with page 1.
    """
    host, ident = agency.host, agency.column_id(column)
    if host.family == "public-column":
        return (
            f"http://{host.name}/zwgk/public/column/{host.organ_id}?type=4&action=list&nav=3"
            f"&catId={ident}&pageIndex={page_number}"
        )
    if host.family == "hanweb":
        page_query = "" if page_number == 1 else f"?uid={agency.unit_id(column)}&pageNum={page_number}"
        return f"http://{host.name}/col/col{ident}/index.html{page_query}"
    if host.family == "gkmlpt":  # the views of the Vue shell; the category is the hash route
        view = "annualreport" if column == "annual_report" else "index"
        return f"http://{host.name}/{agency.unit}/gkmlpt/{view}#{ident}"
    if host.family == "sd-gongkai":  # the shell; its pages come from the JSON list
        return f"http://{host.name}/gongkai/site_{agency.unit}/{ident}/"
    if host.family == "trs-static":
        return trs.section_url(agency, column) + trs.page_name(page_number - 1)
    suffix = "" if page_number == 1 else f"_{page_number}"
    return f"http://{host.name}/Node-{ident}{suffix}.html"


def detail_page(doc: Doc, body: str, column: str, related: Doc | None, charset: str = "utf-8") -> str:
    """A document page in its family's markup."""
    name, list_url = COLUMN_NAMES[column], column_url(doc.agency, column)
    family, head = doc.agency.host.family, ""
    if family == "public-column":
        content = _public_column_detail(doc, body, name, list_url)
    elif family == "hanweb":
        content = hanweb.detail_content(doc, body, name, list_url)
    elif family == "gkmlpt":
        content, head = gkmlpt.detail_content(doc, body), gkmlpt.detail_head(doc, body)
    elif family == "sd-gongkai":
        content = gongkai.detail_content(doc, body, name, related)
    elif family == "trs-static":
        content = trs.detail_content(doc, body, name, list_url)
    else:
        content = _ankang_detail(doc, body, name, list_url, related)
    title = f"{doc.title}-{doc.agency.host.site}"
    http_equiv = family == "trs-static"
    return page(doc.agency.host, title, report_meta(doc, name), content, charset, head, http_equiv)


def _public_column_detail(doc: Doc, body: str, column: str, list_url: str) -> str:
    """Family C detail: breadcrumb, the 索引号 table twice, h1.newstitle, div.j-fontContent."""
    written = doc.published - timedelta(days=doc.number % 4)  # 成文 a few days before 发布
    values = {
        "索引号": doc.identifier,
        "信息分类": CATEGORY[doc.kind],
        "发布机构": doc.agency.publisher,
        "生成日期": f"{written:%Y-%m-%d}",
        "名称": doc.title,
        "文号": doc.doc_number,
        "有效性": doc.validity,
        "发布日期": f"{doc.published:%Y-%m-%d}",
    }
    v = {label: escape(value) for label, value in values.items()}
    archived = f"　归档时间：{doc.archived:%Y-%m-%d}" if doc.archived else ""
    desktop = f"""<table class="table_suoyin hidden-xs">
<tr><th>索 引 号：</th><td class="pmingcheng">{v["索引号"]}</td>
<th>信息分类：</th><td class="pmingcheng">{v["信息分类"]}</td></tr>
<tr><th>发布机构：</th><td class="pmingcheng">{v["发布机构"]}</td>
<th>生成日期：</th><td class="pmingcheng">{v["生成日期"]}</td></tr>
<tr><th>名　　称：</th><td class="pmingcheng" colspan="3">{v["名称"]}</td></tr>
<tr><th>文　　号：</th><td class="pmingcheng" id="_fileNum">{v["文号"]}</td>
<th>有 效 性：</th><td class="pmingcheng">{v["有效性"]}</td></tr>
<tr><th>发布日期：</th><td class="pmingcheng" colspan="3">{v["发布日期"]}</td></tr>
</table>"""
    mobile = "\n".join(
        f'<tr><th>{label}：</th><td class="pmingcheng">{value}</td></tr>' for label, value in v.items()
    )
    return f"""<div class="wzy_position">当前位置：<a href="/">首页</a>
&gt; <a href="/zwgk/index.html">政府信息公开</a> &gt; <a href="{escape(list_url)}">{column}</a></div>
<div class="div_table_suoyin">
{desktop}
<table class="table_suoyin hidden-lg hidden-md">
{mobile}
</table>
</div>
<h1 class="newstitle">{escape(doc.title)}</h1>
<div class="newsinfo">发布时间：{doc.published:%Y-%m-%d %H:%M}　来源：{escape(doc.agency.publisher)}
　浏览次数：<span id="hits">{views(doc)}</span>{archived}</div>
<div class="j-fontContent" id="zoom">
{body}
</div>
<div class="share">分享到：<a href="javascript:void(0)">微信</a> <a href="javascript:void(0)">微博</a>
<a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>"""


def views(doc: Doc) -> int:
    """A public/column page's visit counter (浏览次数); an archived page has been read some more."""
    return doc.number % 997 + (VIEWS_SINCE_ARCHIVED if doc.archived else 0)


VIEWS_SINCE_ARCHIVED = 41


def _ankang_detail(doc: Doc, body: str, column: str, list_url: str, related: Doc | None) -> str:
    """Family E detail: location, h1, the same-cell 索引号/发布日期/来源/内容概述 block, div.xqCent."""
    related_line = ""
    if related is not None:
        href = escape(path_of(related.page_url or ""))
        related_line = f'<p>相关文件: <a href="{href}">{escape(related.title)}</a></p>'
    host = doc.agency.host
    return f"""<div class="location">您当前的位置：<a href="/">{host.site}</a>&gt;<a href="/Node-9001.html"
>政府信息公开</a>&gt;<a href="{escape(path_of(list_url))}">{column}</a>&gt; 正文内容</div>
<h1>{escape(doc.title)}</h1>
<div class="xxgk-head">
<span>索引号: {escape(doc.identifier)}</span> <span>发布日期: {doc.published:%Y-%m-%d %H:%M}</span>
<span>来源: {escape(doc.agency.publisher)}</span>
<p>内容概述: {escape(doc.title)}</p>
{related_line}
<span>【字体：<a href="javascript:void(0)">大</a> <a href="javascript:void(0)">中</a>
<a href="javascript:void(0)">小</a>】 分享：</span>
</div>
<div class="xqCent">
{body}
</div>"""


def list_page(agency: Agency, column: str, docs: list[Doc], page_number: int, pages: int) -> str:
    """One page of a column list in the agency's family markup."""
    if agency.host.family == "public-column":
        content = _public_column_list(agency, column, docs, page_number, pages)
    else:
        content = _ankang_list(agency, column, docs, page_number, pages)
    return column_page(agency, column, content)


def hanweb_column_page(agency: Agency, column: str, records: list[str]) -> str:
    """A Hanweb column page: the first page of ``records`` in its XML island, the jpage script."""
    links = "".join(
        f'<li><a href="{escape(path_of(column_url(agency, key)))}">{label}</a></li>'
        for key, label in COLUMN_NAMES.items()
    )
    content = hanweb.column_content(agency, column, COLUMN_NAMES[column], records, links)
    return column_page(agency, column, content)


def column_page(agency: Agency, column: str, content: str) -> str:
    """A whole list page around a family's list content."""
    name = COLUMN_NAMES[column]
    meta = {"ColumnName": name, "ColumnType": name}
    return page(agency.host, f"{name}-{agency.name}-{agency.host.site}", meta, content)


def _short(title: str, limit: int) -> str:
    """A list title cut with … as lists do (the full title stays in ``title=``)."""
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _public_column_list(agency: Agency, column: str, docs: list[Doc], page_number: int, pages: int) -> str:
    """Family C list: sidebar of the organ's categories, ul.xxgk_nav_list, pageCount script."""
    items = "\n".join(
        f'<li><a href="{escape(doc.list_url)}" title="{escape(doc.title)}" target="_blank">'
        f"{escape(_short(doc.title, 28))}</a><span>{doc.published:%Y-%m-%d}</span></li>"
        for doc in docs
    )
    ident = agency.annual_column if column == "annual_report" else agency.catalog_column
    sidebar = "".join(
        f'<li><a href="{escape(column_url(agency, key))}">{label}</a></li>'
        for key, label in COLUMN_NAMES.items()
    )
    return f"""<div class="wzy_position">当前位置：<a href="/">首页</a>
&gt; <a href="/zwgk/index.html">政府信息公开</a> &gt; {escape(agency.name)} &gt; {COLUMN_NAMES[column]}</div>
<div class="xxgk_left"><h3>{escape(agency.name)}</h3><ul class="xxgk_catalog">{sidebar}</ul></div>
<div class="xxgk_right">
<div class="xxgk_title">{COLUMN_NAMES[column]}</div>
<ul class="clearfix xxgk_nav_list t4">
{items}
</ul>
<div id="page_public_info"></div>
<script type="text/javascript">
var yxCatId = "{ident}";
$('#page_public_info').pagination({{ pageCount:{pages}, current:{page_number}, jump:true, coping:true,
    homePage:'首页', endPage:'末页', prevContent:'上页', nextContent:'下页',
    callback: function(api){{
        location.href = '?type=4&action=list&nav=3&catId=' + yxCatId
            + '&pageIndex=' + api.getCurrent(); }} }});
</script>
</div>"""


def _ankang_list(agency: Agency, column: str, docs: list[Doc], page_number: int, pages: int) -> str:
    """Family E list: location, ul.newlist, div.page with 首页/上一页/下一页/尾页 (尾页 = last page)."""
    items = "\n".join(
        f'<li><a href="{escape(path_of(doc.list_url))}" title="{escape(doc.title)}" target="_blank">'
        f"{escape(_short(doc.title, 30))}</a><span>{doc.published:%Y-%m-%d}</span></li>"
        for doc in docs
    )
    link = lambda n: path_of(column_url(agency, column, n))  # noqa: E731
    pager = [f"<span>共{pages}页</span>", f'<a href="{link(1)}">首页</a>']
    if page_number > 1:
        pager.append(f'<a href="{link(page_number - 1)}">上一页</a>')
    if page_number < pages:
        pager.append(f'<a href="{link(page_number + 1)}">下一页</a>')
    pager.append(f'<a href="{link(pages)}">尾页</a>')
    return f"""<div class="location">您当前的位置：<a href="/">{agency.host.site}</a>
&gt; <a href="/Node-9001.html">政府信息公开</a> &gt; {escape(agency.name)} &gt; {COLUMN_NAMES[column]}</div>
<div class="list-title">{COLUMN_NAMES[column]}</div>
<ul class="newlist">
{items}
</ul>
<div class="page">{" ".join(pager)}</div>"""


def home_page(host: Host, agencies: list[Agency]) -> str:
    """Portal homepage linking every replica agency's columns."""
    rows = "\n".join(
        f'<li>{escape(a.name)}：<a href="{escape(column_url(a, "catalog"))}">{COLUMN_NAMES["catalog"]}</a> '
        f'<a href="{escape(column_url(a, "annual_report"))}">{COLUMN_NAMES["annual_report"]}</a></li>'
        for a in agencies
    )
    body = f'<div class="xxgk-home"><h2>政府信息公开</h2><ul class="agency-list">\n{rows}\n</ul></div>'
    return page(host, host.site, {"ColumnName": "首页", "ColumnType": "首页"}, body)


def soft_404_page(host: Host) -> str:
    """What a portal's CMS answers, with status 200, for a document it has deleted (R11): chrome, no body."""
    content = (
        '<div class="error-page"><h2>页面不存在</h2>'
        '<p>对不起，您访问的页面不存在或已被删除。<a href="/">返回首页</a></p></div>'
    )
    return page(host, f"页面不存在-{host.site}", {"ColumnName": "提示", "ColumnType": "提示"}, content)


def image_body(image_url: str) -> str:
    """Body of a 一图读懂 page: only an image (R33)."""
    src = escape(path_of(image_url))
    return f'<p style="text-align:center;"><img src="{src}" alt="一图读懂" width="750"></p>'


STYLE = """body{margin:0;font:14px/1.8 "Microsoft YaHei",sans-serif;color:#333}
.container{width:1200px;margin:0 auto}.clearfix:after{content:"";display:block;clear:both}
.nav ul li,.dept-menu ul li{float:left;list-style:none;margin-right:12px}
.table_suoyin{width:100%;border-collapse:collapse}
.table_suoyin th,.table_suoyin td{border:1px solid #ddd;padding:4px}
.newlist li span,.xxgk_nav_list li span{float:right}.footer{background:#f2f2f2;margin-top:20px;padding:10px 0}
"""
