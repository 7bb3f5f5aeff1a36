"""Family F markup (TRS WCM static publishing, "t-date" URLs, portals.md §4 F): lists, stubs, details.

A section ``/xxgk/<section>/`` is published as ``index.html``, ``index_1.html`` … (pages counted from
0), ten items each, with links relative to the page (``./202401/t20240118_1234567.html``, a PDF
``./202101/P0….pdf`` for a report published only as a file, and ``../../xxgk/<other>/…`` for an item
of another section). The pager exists only as ``createPageHTML(<pages>, <page>, "index", "html")`` in
an inline script (R18): a crawler computes the page URLs itself. Beyond the real pages a few deep
``index_N.html`` are 350-byte stubs (§3.9, R19). Details ``/xxgk/<section>/<YYYYMM>/t<YYYYMMDD>_<id>.html``
carry the one-line ``索引号:… 公开方式:… 发文日期:…`` block, ``h2.title`` and the body in
``div.TRS_UEDITOR``, with files ``./P0<YYYYMMDD><digits>.pdf`` beside the page.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from crawler.replica.plan import Doc, path_of
from crawler.replica.sites import Agency

PAGE_SIZE = 10
STUBS = 3  # deep index_N stubs after the last real page
STUB_BYTES = 350
PAGER_SCRIPT = "/common/js/createPageHTML.js"
PAGER_JS = """/* TRS WCM pager: writes the page links of index.html, index_1.html, ... */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var html = '';
  for (var i = 0; i < _nPageCount; i++) {
    var name = i == 0 ? _sPageName + '.' + _sPageExt : _sPageName + '_' + i + '.' + _sPageExt;
    html += i == _nCurrIndex ? '<span class="current">' + (i + 1) + '</span> '
      : '<a href="' + name + '">' + (i + 1) + '</a> ';
  }
  document.write(html);
}
"""


def page_name(index: int) -> str:
    """The file of the ``index``-th list page (0 = ``index.html``)."""
    return "index.html" if index == 0 else f"index_{index}.html"


def section_url(agency: Agency, column: str) -> str:
    return f"http://{agency.host.name}/xxgk/{agency.column_id(column)}/"


def relative_link(list_url: str, target: str) -> str:
    """A list's href to an item: ``./…`` inside its section, ``../../…`` into another (R26)."""
    folder = path_of(list_url).rsplit("/", 1)[0] + "/"
    path = urlsplit(target).path
    return "./" + path.removeprefix(folder) if path.startswith(folder) else "../.." + path


def list_content(agency: Agency, column: str, name: str, docs: list[Doc], index: int, pages: int) -> str:
    """One list page: breadcrumb, section menu, ``ul.list`` rows and the createPageHTML script."""
    here = section_url(agency, column) + page_name(index)
    rows = "\n".join(
        f'<li><a href="{escape(relative_link(here, doc.list_url))}" title="{escape(doc.title)}" '
        f'target="_blank">{escape(doc.title)}</a><span>{doc.published:%Y-%m-%d}</span></li>'
        for doc in docs
    )
    return f"""<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a>
&gt; {escape(agency.name)} &gt; {name}</div>
<div class="list-box">
<h3>{name}</h3>
<ul class="list">
{rows}
</ul>
<div class="page"><script>
  var currentPage = {index};   // pages start at 0
  var countPage = {pages};
  createPageHTML({pages}, {index}, "index", "html");
</script></div>
</div>"""


def stub(agency: Agency, column: str, index: int) -> bytes:
    """A deep ``index_N.html`` left behind by the publisher: a 350-byte page with an empty list."""
    head = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f"<title>{agency.column_id(column)}</title></head><body>"
        f'<ul class="list"></ul><script>createPageHTML(1, {index}, "index", "html");</script>'
        "</body></html>\n"
    ).encode()
    assert len(head) < STUB_BYTES, len(head)
    return head[:-1] + b" " * (STUB_BYTES - len(head)) + b"\n"


def detail_content(doc: Doc, body: str, column: str, list_url: str) -> str:
    """Breadcrumb, the one-line 索引号 block, ``h2.title`` and the ``div.TRS_UEDITOR`` body."""
    return f"""<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a>
&gt; <a href="{escape(path_of(list_url))}">{column}</a> &gt; 正文</div>
<div class="xxgk_info">索引号:{escape(doc.identifier)} 公开方式:政府网站 \
发文日期:{doc.published:%Y-%m-%d} 00:00:00</div>
<h2 class="title">{escape(doc.title)}</h2>
<div class="view TRS_UEDITOR trs_paper_default trs_web">
{body}
</div>"""


def attachment_html(doc: Doc) -> str:
    """附件 links relative to the page (``./P0….pdf``), with TRS's ``OLDSRC`` attribute."""
    lines = []
    for file in doc.attachments:
        stored = path_of(file.url).rsplit("/", 1)[1]
        protect = f"/protect/P0{doc.published:%Y%m}/{stored}"
        lines.append(f'<p><a href="./{stored}" OLDSRC="{protect}">{escape(file.name)}</a></p>')
    return "\n".join(lines)
