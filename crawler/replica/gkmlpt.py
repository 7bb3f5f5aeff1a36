"""Family A markup (Guangdong 政府信息公开目录管理平台 "gkmlpt", portals.md §4 A): shell, TREE, API, details.

``/<dept>/gkmlpt/index`` (and the ``annualreport`` and ``guide`` views) is a Vue shell: the HTML holds
no list, only ``window._CONFIG = { SID: '…', TREE: [...], SERVICE_AREA_ID: 0, … }`` with ``SID``
single-quoted and ``TREE`` (JSON) followed by ``SERVICE_AREA_ID``, as real crawlers find them. The
TREE has a 政府信息公开指南 node that is a ``jump_url`` link, 法定主动公开内容 with two child
categories, and 政府信息公开年报. The list API ``/<dept>/gkmlpt/api/all/<cat>?page=<n>&sid=<SID>``
answers ``{"classify": {…, "post_count"}, "articles": [...], "total"}``: pages 0 and 1 are the same
batch of at most 100, and past the served window the platform answers 404. 部门文件's ``post_count``
counts more posts than it serves (the window decays, §3.9, R21); a parent category lists its
children's posts. Details ``/<dept>/gkmlpt/content/<id//10^6>/<id//10^3>/post_<id>.html`` carry the
metadata table, ``h1.title``, ``div.article-content`` and the same data as JSON in
``window._CONFIG.DETAIL`` (``content`` with ``\\u003C`` escapes, R30).
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from crawler.replica.plan import Doc, gkmlpt_attachment_id, path_of
from crawler.replica.sites import Agency

PAGE_SIZE = 100  # articles per API page [V]
CLAIMED_POSTS = 137  # 部门文件's post_count: more than the platform still serves (R21)
OWN_KINDS = ("guide", "work_plan", "self_assessment")  # filed under 政务公开, the rest under 部门文件
VIEWS = ("index", "annualreport", "guide")  # the shell's routes; the app picks the view
APP_SCRIPT = "/gkmlpt/gkml/pc/js/chunk-common.c0ffee00.js"
APP_JS = (
    "/* gkmlpt front end (replica): renders the list of a category from\n"
    " * /<dept>/gkmlpt/api/all/<cat>?page=<n>&sid=<SID> into #postList table.table-content. */\n"
    "(function(){var c=window._CONFIG||{};document.title=document.title||c.SID;})();\n"
)


@dataclass(frozen=True)
class Category:
    """One node of the TREE with the posts its list API serves (newest first)."""

    id: int
    name: str
    posts: tuple[Doc, ...]
    post_count: int
    parent: int = 0


def guide_node(agency: Agency) -> int:
    return int(agency.catalog_column) - 1


def child_ids(agency: Agency) -> tuple[int, int]:
    """The two categories under 法定主动公开内容: 政务公开 and 部门文件."""
    parent = int(agency.catalog_column)
    return parent + 1, parent + 2


def home_category(doc: Doc) -> tuple[int, str]:
    """The category a post belongs to (``classify_main``) and its name."""
    agency = doc.agency
    if doc.home_column == "annual_report":
        return int(agency.annual_column), "政府信息公开年报"
    own, files = child_ids(agency)
    return (own, "政务公开") if doc.kind in OWN_KINDS else (files, "部门文件")


def categories(agency: Agency, annual: list[Doc], catalog: list[Doc]) -> list[Category]:
    """Every listed category: 年报, the two children of 法定主动公开内容, then that parent itself."""
    own, files = child_ids(agency)
    children = [
        Category(
            own, "政务公开", tuple(d for d in catalog if d.kind in OWN_KINDS), 0, int(agency.catalog_column)
        ),
        Category(
            files,
            "部门文件",
            tuple(d for d in catalog if d.kind not in OWN_KINDS),
            0,
            int(agency.catalog_column),
        ),
    ]
    children = [
        Category(c.id, c.name, c.posts, CLAIMED_POSTS if c.id == files else len(c.posts), c.parent)
        for c in children
    ]
    parent_posts = tuple(sorted(catalog, key=lambda d: (d.published, d.number), reverse=True))
    return [
        Category(int(agency.annual_column), "政府信息公开年报", tuple(annual), len(annual)),
        *children,
        Category(
            int(agency.catalog_column), "法定主动公开内容", parent_posts, sum(c.post_count for c in children)
        ),
    ]


def tree(agency: Agency, listed: list[Category]) -> list[dict]:
    """``window._CONFIG.TREE``: nodes with id, name, children, post_count; the guide is a jump_url."""
    by_id = {c.id: c for c in listed}
    own, files = child_ids(agency)
    return [
        {"id": guide_node(agency), "name": "政府信息公开指南", "jump_url": f"/{agency.unit}/gkmlpt/guide"},
        {
            "id": int(agency.catalog_column),
            "name": "法定主动公开内容",
            "children": [
                {"id": c, "name": by_id[c].name, "post_count": by_id[c].post_count} for c in (own, files)
            ],
        },
        {
            "id": int(agency.annual_column),
            "name": "政府信息公开年报",
            "post_count": by_id[int(agency.annual_column)].post_count,
        },
    ]


def shell(agency: Agency, nodes: list[dict]) -> str:
    """The Vue shell of ``/<dept>/gkmlpt/index``: the config, the app script, an empty ``#app``."""
    return f"""<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(agency.name)}政府信息公开平台</title>
<script>
window._CONFIG = {{
  SID: '{agency.sid}',
  TREE: {json.dumps(nodes, ensure_ascii=False)},
  SERVICE_AREA_ID: 0,
  SEARCH_JSONP_URL: 'http://search.gd.gov.cn/jsonp/site/{agency.sid}'
}};
</script>
<script src="{APP_SCRIPT}"></script>
</head><body><div id="app"></div></body></html>
"""


def api_page(category: Category, sizes: dict[str, int]) -> dict:
    """The list API's answer for the first page (page 0 and page 1) of a category."""
    articles = [article(doc, sizes) for doc in category.posts[:PAGE_SIZE]]
    return {
        "classify": {
            "id": category.id,
            "name": category.name,
            "parent": category.parent,
            "post_count": category.post_count,
            "theme_count": category.post_count,
        },
        "articles": articles,
        "total": category.post_count,
    }


def unix(when: datetime) -> int:
    """Unix seconds of a Beijing-time moment."""
    return calendar.timegm(when.timetuple()) - 8 * 3600


def article(doc: Doc, sizes: dict[str, int]) -> dict:
    """One post as the list API gives it (keys as portals.md §4 A)."""
    main, main_name = home_category(doc)
    day = doc.published.replace(hour=0, minute=0)
    return {
        "id": doc.number,
        "title": doc.title,
        "date": unix(day),
        "created_at": f"{day:%Y-%m-%d %H:%M:%S}",
        "display_publish_time": unix(doc.published),
        "publisher": doc.agency.publisher,
        "identifier": doc.identifier,
        "document_number": doc.doc_number,
        "keywords": "",
        "abstract": "",
        "classify_main": main,
        "classify_main_name": main_name,
        "classify_genre_name": "",
        "classify_theme_name": "",
        "is_expired": 0,
        "is_abolished": 1 if doc.abolished else 0,
        "url": doc.list_url,
        "post_url": doc.list_url,
        "attachment": attachments(doc, sizes),
        "relation": "[]",
    }


def attachments(doc: Doc, sizes: dict[str, int] | None = None) -> list[dict]:
    """A post's files as the API and DETAIL list them (``size`` only where the bytes are known)."""
    mime = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    return [
        {
            "id": gkmlpt_attachment_id(doc, index),
            "name": file.name,
            "type": file.ext,
            "mime": mime[file.ext],
            **({"size": str(sizes[file.url])} if sizes and file.url in sizes else {}),
            "url": file.url,
        }
        for index, file in enumerate(doc.attachments)
    ]


def detail_head(doc: Doc, body: str) -> str:
    """``window._CONFIG.DETAIL``: the post as JSON, its HTML ``content`` escaped as ``\\u003C…``."""
    detail = {
        "id": doc.number,
        "title": doc.title,
        "identifier": doc.identifier,
        "publisher": doc.agency.publisher,
        "document_number": doc.doc_number,
        "date": unix(doc.published.replace(hour=0, minute=0)),
        "display_publish_time": unix(doc.published),
        "classify_main_name": home_category(doc)[1],
        "is_abolished": 1 if doc.abolished else 0,
        "content": body,
        "attachment": attachments(doc),
    }
    text = json.dumps(detail, ensure_ascii=False).replace("<", "\\u003C").replace(">", "\\u003E")
    return f"\n<script>\nwindow._CONFIG = {{ SID: '{doc.agency.sid}', DETAIL: {text} }};\n</script>"


def detail_content(doc: Doc, body: str) -> str:
    """Breadcrumb, the eight-label metadata table, ``h1.title`` and ``div.article-content``."""
    agency = doc.agency
    category, name = home_category(doc)
    written = doc.published - timedelta(days=doc.number % 4)
    v = {
        label: escape(value)
        for label, value in {
            "索引号": doc.identifier,
            "分类": name,
            "发布机构": agency.publisher,
            "成文日期": f"{written:%Y-%m-%d}",
            "名称": doc.title,
            "文号": doc.doc_number,
            "发布日期": f"{doc.published:%Y-%m-%d}",
        }.items()
    }
    index = f"/{agency.unit}/gkmlpt/index"
    return f"""<div class="crumb">当前位置：<a href="/">首页</a>
&gt; <a href="{index}">{escape(agency.name)}</a> &gt; <a href="{index}#{category}">{name}</a></div>
<div class="introduce">
<table class="table-introduce">
<tr><td>索引号：</td><td>{v["索引号"]}</td><td>分类：</td><td>{v["分类"]}</td></tr>
<tr><td>发布机构：</td><td>{v["发布机构"]}</td><td>成文日期：</td><td>{v["成文日期"]}</td></tr>
<tr><td>名称：</td><td colspan="3">{v["名称"]}</td></tr>
<tr><td>文号：</td><td>{v["文号"]}</td><td>发布日期：</td><td>{v["发布日期"]}</td></tr>
<tr><td>主题词：</td><td colspan="3"></td></tr>
</table>
</div>
<h1 class="title">{escape(doc.title)}</h1>
<div class="date-row">发布日期：{doc.published:%Y-%m-%d %H:%M}　来源：{escape(agency.publisher)}</div>
<div class="article-content">
{body}
</div>"""


def attachment_html(doc: Doc) -> str:
    """附件 lines: ``a.nfw-cms-attachment`` links into the attachment store (root-relative)."""
    return "\n".join(
        f'<p>附件：<a class="nfw-cms-attachment" href="{escape(path_of(file.url))}">'
        f"{escape(file.name)}</a></p>"
        for file in doc.attachments
    )
