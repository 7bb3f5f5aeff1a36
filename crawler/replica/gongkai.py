"""Family D markup (the Shandong 政府信息公开 platform, ``/gongkai/``, portals.md §4 D): shells, JSON, pages.

A channel page ``/gongkai/site_<unit>/<channel>/`` is a shell: ``<div id="docList" data-channel=…
data-site=…>`` and ``/gongkai/static/js/list.js``, with no document link in the HTML (R23). The
script fills the list from ``GET /gongkai/api/docs?channel=<channel>&page=<n>&size=15``, which answers
``{"total": N, "docs": [{"id", "title", "url", "pubDate"}]}`` (serve.py, kind ``docs_api``); that
endpoint is the replica's **[G] design**: on the real platform the list data source was not
observed. Details ``…/<channel>/doc_<24 hex>.html`` carry ``table.xxgk-info`` (标题, 索引号, 文号 with
the empty template ``〔〕号``, 发文日期, 发布机构), the tabs and the renditions row (语音播报 | 图片解读
| …, which are not documents, R33), ``h1``, a 发布日期 line and ``div.content``; files are
``doc_<24 hex>_<32 hex>.<ext>`` beside the page.
"""

from __future__ import annotations

from html import escape

from crawler.replica.plan import Doc, object_id, path_of
from crawler.replica.sites import Agency

API_PATH = "/gongkai/api/docs"
LIST_SCRIPT = "/gongkai/static/js/list.js"
PAGE_SIZE = 15
RENDITIONS = ("语音播报", "图片解读", "H5解读", "电子书", "动漫解读")
LIST_JS = """/* gongkai list (replica): fills #docList from the channel's JSON list. */
(function () {
  var box = document.getElementById('docList');
  var page = 1, size = 15;
  function show(data) {
    var html = '<ul class="doc-list">';
    for (var i = 0; i < data.docs.length; i++) {
      var d = data.docs[i];
      html += '<li><a href="' + d.url + '" title="' + d.title + '" target="_blank">' + d.title
        + '</a><span>' + d.pubDate + '</span></li>';
    }
    box.innerHTML = html + '</ul>';
    document.getElementById('pager').innerHTML = '共' + Math.ceil(data.total / size) + '页';
  }
  var xhr = new XMLHttpRequest();
  xhr.open('GET', '/gongkai/api/docs?channel=' + encodeURIComponent(box.getAttribute('data-channel'))
    + '&page=' + page + '&size=' + size);
  xhr.onload = function () { show(JSON.parse(xhr.responseText)); };
  xhr.send();
})();
"""


def api_url(agency: Agency, column: str, page: int) -> str:
    """The JSON list URL of one page of a channel."""
    return (
        f"http://{agency.host.name}{API_PATH}?channel={agency.column_id(column)}&page={page}&size={PAGE_SIZE}"
    )


def record(doc: Doc) -> dict:
    """One item of the JSON list: the document's id, title, root-relative URL and date."""
    return {
        "id": object_id(doc),
        "title": doc.title,
        "url": path_of(doc.list_url),
        "pubDate": f"{doc.published:%Y-%m-%d}",
    }


def _sidebar(agency: Agency, names: dict[str, str]) -> str:
    links = "".join(
        f'<li><a href="/gongkai/site_{agency.unit}/{agency.column_id(key)}/">{name}</a></li>'
        for key, name in names.items()
    )
    return f'<div class="gk-left"><h3>{escape(agency.name)}</h3><ul class="gk-channels">{links}</ul></div>'


def shell_content(agency: Agency, column: str, names: dict[str, str]) -> str:
    """A channel page: breadcrumb, channel menu, the empty list box and the script that fills it."""
    return f"""<div class="crumb">首页 政务公开 政府信息公开
<a href="/gongkai/site_{agency.unit}/">{escape(agency.name)}</a> {names[column]}</div>
{_sidebar(agency, names)}
<div class="gk-right">
<div class="gk-title">{names[column]}</div>
<div id="docList" data-channel="{escape(agency.column_id(column))}" data-site="site_{agency.unit}"></div>
<div id="pager"></div>
<script src="{LIST_SCRIPT}"></script>
</div>"""


def unit_content(agency: Agency, names: dict[str, str]) -> str:
    """The unit's disclosure home ``/gongkai/site_<unit>/``: its channels (lists come from the API)."""
    return f"""<div class="crumb">首页 政务公开 政府信息公开 {escape(agency.name)}</div>
{_sidebar(agency, names)}
<div class="gk-right"><div class="gk-title">{escape(agency.name)}政府信息公开</div>
<p>请选择左侧栏目查看。</p></div>"""


def detail_content(doc: Doc, body: str, column: str, related: Doc | None) -> str:
    """Breadcrumb, ``table.xxgk-info``, tabs, the renditions row, ``h1``, date line, ``div.content``."""
    agency = doc.agency
    v = {
        label: escape(value)
        for label, value in {
            "标题": doc.title,
            "索引号": doc.identifier,
            "文号": doc.doc_number,
            "发文日期": f"{doc.published:%Y-%m-%d}",
            "发布机构": agency.publisher,
        }.items()
    }
    image = escape(path_of(related.page_url or "")) if related else ""
    renditions = " | ".join(
        f'<a href="{image if name == "图片解读" and image else "javascript:void(0)"}">{name}</a>'
        for name in RENDITIONS
    )
    channel = f"/gongkai/site_{agency.unit}/{agency.column_id(doc.home_column)}/"
    return f"""<div class="crumb">首页 政务公开 政府信息公开
<a href="/gongkai/site_{agency.unit}/">{escape(agency.name)}</a>
<a href="{escape(channel)}">{column}</a></div>
<table class="xxgk-info">
<tr><th>标题:</th><td colspan="3">{v["标题"]}</td></tr>
<tr><th>索引号:</th><td>{v["索引号"]}</td><th>文号:</th><td>{v["文号"]}</td></tr>
<tr><th>发文日期:</th><td>{v["发文日期"]}</td><th>发布机构:</th><td>{v["发布机构"]}</td></tr>
</table>
<ul class="tabs"><li>标题</li><li>正文</li><li>手机</li></ul>
<div class="renditions">{renditions}</div>
<h1>{escape(doc.title)}</h1>
<div class="date">发布日期:{doc.published:%Y-%m-%d}</div>
<div class="content">
{body}
</div>"""


def attachment_html(doc: Doc) -> str:
    """附件 lines, linked relative to the page (``doc_<id>_<hex>.pdf`` in the same channel folder)."""
    return "\n".join(
        f'<p><a href="{escape(path_of(file.url).rsplit("/", 1)[1])}" target="_blank">'
        f"附件：{escape(file.name)}</a></p>"
        for file in doc.attachments
    )
