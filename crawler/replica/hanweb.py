"""Family B markup (大汉 Hanweb JCMS, portals.md §4 B): column pages, list records, detail pages.

A column page ``/col/col<colid>/index.html`` carries only its first page of records, inside
``<script type="text/xml"><datastore>…<record><![CDATA[<li>…</li>]]></record>…`` followed by
the jpage script whose ``totalRecord`` and ``ajaxParam`` tell a browser how to ask the data
proxy for the rest (POST ``/module/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=``;
serve.py answers it from the column's records). Details ``/art/<Y>/<M>/<D>/art_<col>_<id>.html``
have the 信息公开元数据 table, ``table#c`` with the title and ``div#zoom`` with the body; files
come from the download servlet ``/module/download/downfile.jsp?classid=0&showname=…&filename=…``.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from urllib.parse import quote, urlencode

from crawler.replica.plan import JPAGE_PROXY, PAGE_SIZE, Doc, path_of
from crawler.replica.sites import Agency

GROUP_SIZE = 3  # pages per data-proxy request
WEBNAME = "乐清市人民政府"


def proxy_form(agency: Agency, column: str) -> dict[str, str]:
    """The form a browser posts to the data proxy for one column (the jpage ``ajaxParam``)."""
    return {
        "col": "1",
        "appid": "1",
        "webid": agency.host.web_id,
        "path": "/",
        "columnid": agency.column_id(column),
        "sourceContentType": "1",
        "unitid": agency.unit_id(column),
        "webname": WEBNAME,
        "permissiontype": "0",
    }


def record(doc: Doc) -> str:
    """One list record: the ``<li>`` inside a CDATA section (full title in ``title=``, text cut)."""
    title = escape(doc.title)
    shown = escape(doc.title if len(doc.title) <= 26 else doc.title[:25] + "…")
    return (
        f'<li><a href="{escape(path_of(doc.list_url))}" title="{title}" target="_blank">{shown}</a>'
        f"<span>{doc.published:%Y-%m-%d}</span></li>"
    )


def column_content(agency: Agency, column: str, name: str, records: list[str], links: str) -> str:
    """The main part of a column page: sidebar, XML island with the first page, jpage script."""
    form = proxy_form(agency, column)
    unit, total = form["unitid"], len(records)
    nextgroup = f"{JPAGE_PROXY}?" + urlencode({"page": 1, **{k: form[k] for k in _NEXTGROUP}})
    island = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records[:PAGE_SIZE])
    params = (
        f"col:1, appid:1, webid:{form['webid']}, path:'/', columnid:{form['columnid']}, "
        f"sourceContentType:1, unitid:{unit}, webname:'{WEBNAME}', permissiontype:0"
    )
    return f"""<div class="bt-position">当前位置：<a href="/">首页</a>
&gt; <a href="/col/col1229000002/index.html">政府信息公开</a> &gt; {escape(agency.name)} &gt; {name}</div>
<div class="main-left"><h3>{escape(agency.name)}</h3><ul class="left-nav">{links}</ul></div>
<div class="main-right">
<div class="column-name">{name}</div>
<div id="{unit}">
<script type="text/xml">
<datastore>
<nextgroup><![CDATA[<a href="{escape(nextgroup)}"></a>]]></nextgroup>
<recordset>
{island}
</recordset>
</datastore>
</script>
<script type="text/javascript">
$(function(){{ $('#{unit}').jpage({{ dataStore: dataStore, totalRecord: {total}, perPage: {PAGE_SIZE}, \
groupSize: {GROUP_SIZE}, proxyUrl: '{JPAGE_PROXY}', ajaxParam: {{{params}}} }}); }});
</script>
</div>
</div>"""


_NEXTGROUP = ("appid", "webid", "path", "columnid", "unitid", "webname", "permissiontype")


def detail_content(doc: Doc, body: str, column: str, list_url: str) -> str:
    """Breadcrumb, the 信息公开元数据 table, then ``table#c`` with the title and ``div#zoom``."""
    written = doc.published - timedelta(days=doc.number % 4)
    v = {
        "索引号": doc.identifier,
        "发布机构": doc.agency.publisher,
        "文号": doc.doc_number,
        "有效性": doc.validity,
        "成文日期": f"{written:%Y-%m-%d}",
        "发布日期": f"{doc.published:%Y-%m-%d}",
    }
    v = {label: escape(value) for label, value in v.items()}
    return f"""<div class="bt-position">当前位置：<a href="/">首页</a>
&gt; <a href="/col/col1229000002/index.html">政府信息公开</a>
&gt; <a href="{escape(path_of(list_url))}">{column}</a> &gt; 正文</div>
<div class="xxgk-meta">
<div class="hd">信息公开元数据</div>
<table class="xxgk-table" width="100%">
<tr><th>索引号</th><td>{v["索引号"]}</td><th>发布机构</th><td>{v["发布机构"]}</td></tr>
<tr><th>公开方式</th><td>主动公开</td><th>公开范围</th><td>面向全社会</td></tr>
<tr><th>文　号</th><td>{v["文号"]}</td><th>有效性</th><td>{v["有效性"]}</td></tr>
<tr><th>成文日期</th><td>{v["成文日期"]}</td><th>发布日期</th><td>{v["发布日期"]}</td></tr>
</table>
</div>
<table id="c" width="100%" cellspacing="0" cellpadding="0">
<tr><td class="title">{escape(doc.title)}</td></tr>
<tr><td class="info">发布日期：{doc.published:%Y-%m-%d %H:%M}　来源：{escape(doc.agency.publisher)}
　浏览次数：<span id="hits">{doc.number % 883}</span>　字号：[ <a href="javascript:doZoom(16)">大</a>
<a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a> ]</td></tr>
<tr><td><div id="zoom">
{body}
</div></td></tr>
</table>
<div class="share"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()"
>关闭窗口</a></div>"""


def attachment_html(doc: Doc) -> str:
    """附件 links to the download servlet (``&amp;`` in the href, as published).

    An agency on the older template (``attachment_links = "script"``) links them from script instead,
    in the two forms real pages use, one after the other: ``href="javascript:void(0)"`` with the call
    in ``onclick``, and the call in the ``href`` itself (portals.md §3.6, R26).
    """
    lines = []
    for i, file in enumerate(doc.attachments):
        path, name = escape(path_of(file.url)), escape(file.name)
        if doc.agency.attachment_links != "script":
            lines.append(f'<p>附件：<a href="{path}" target="_blank">{name}</a></p>')
        elif i % 2 == 0:
            lines.append(
                f'<p>附件：<a href="javascript:void(0)" onclick="downloadFile(\'{path}\')">{name}</a></p>'
            )
        else:
            lines.append(f"<p>附件：<a href=\"javascript:window.open('{path}')\">{name}</a></p>")
    return "\n".join(lines)


def download_disposition(name: str, form: str) -> tuple[dict[str, str], str | None]:
    """Headers of one servlet download in one Content-Disposition form, and the header encoding.

    ``rfc5987``: ``filename*=UTF-8''…``; ``gbk_raw``: the name as raw GBK bytes in
    ``filename="…"``; ``percent_utf8``: percent-encoded UTF-8 in ``filename="…"``; ``none``: no
    Content-Disposition at all, so the name is only in the URL's ``showname``.
    """
    headers = {"Content-Type": "application/octet-stream"}
    if form == "rfc5987":
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    elif form == "gbk_raw":
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return headers, "gbk"
    elif form == "percent_utf8":
        headers["Content-Disposition"] = f'attachment; filename="{quote(name)}"'
    return headers, None
