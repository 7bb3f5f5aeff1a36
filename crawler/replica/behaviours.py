"""Transport misbehaviours, each on its own URL under ``/__behaviour/`` (portals.md §3.8 and §6).

They are linked from no page, so a crawl of the portals never meets them and the documented counts
do not depend on them; a test or a crawler's own check asks for them by URL (manifest.json,
``behaviours``). Each is a routes.json entry: fixed answers (status, headers, body file) for the
redirect chain, the challenges and the GBK page; the kinds ``slow`` and ``flaky`` are answered by
serve.py, which sleeps before the first byte and counts each client's attempts.
"""

from __future__ import annotations

HOST = "www.yueqing.replica.test"
BASE = f"http://{HOST}/__behaviour"
FOLDER = f"_routes/{HOST}/behaviour"
CHAIN = "/__behaviour/col/col1229000999"  # R02's shape: /col/col123 → /col/col123/ → …/index.html
SESSION_COOKIE = "SERVERID=4c1e8a0f7b2d9e36; Path=/"
SLOW_SECONDS = 3
SLOW_MAX_SECONDS = 30
FLAKY_FAILURES = 2

# 瑞数 (Ruishu): 412, a few hundred bytes: an inline $_ts script, a <meta> token, an external script
RUISHU_CHALLENGE = (
    '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    '<meta id="9DhefwqGPrzGxEp9hPaoag" content="Q0.e1RkTj7Hb_xPn3yVdW4uFzL2sKgM">'
    "<script type=\"text/javascript\">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=83176;"
    '$_ts.cd="qEarrAlkmGAqfOAXqaLWfq";</script>'
    '<script type="text/javascript" charset="utf-8" src="/2Mhy1OLn6bhX/eYT5jmDPDqvR.b4c45da.js" r="m">'
    "</script></head><body></body></html>"
)
RUISHU_HEADERS = {
    "Content-Type": "text/html",
    "Set-Cookie": "FSSBBIl1UgzbN7N80S=Xq2Lq5Jc0vG8sHbT4mWnYd1rKf6eAzPu; Path=/; HttpOnly",
}
# 加速乐 (Jiasule): 521, a script that sets the clearance cookie and reloads the page
JSL_CHALLENGE = (
    "<html><body><script>document.cookie='__jsl_clearance_s=1719878400.513|0|dK9JqnqXyv3m0Cn7GzXr"
    "%2Fk5i0lc%3D;max-age=3600;path=/';location.href=location.pathname+location.search</script>"
    "</body></html>"
)
JSL_HEADERS = {
    "Content-Type": "text/html",
    "Set-Cookie": "__jsluid_s=6f8e3c1a0b9d4e27a5c1f03b8d2e9a47; max-age=31536000; path=/; HttpOnly",
}
SERVICE_UNAVAILABLE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>503 Service Unavailable</title></head>'
    "<body><h1>503 Service Unavailable</h1><p>服务器繁忙，请稍后再试。</p></body></html>"
)
# an old subsystem's page: GBK bytes, charset only in the meta (R13); GB2312 characters only
GBK_PAGE = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>乐清市人民政府信息公开</title>
</head>
<body>
<table width="760" align="center">
<tr><td class="title">关于公布乐清市第二批市级农业龙头企业名单的通知</td></tr>
<tr><td id="zoom"><p>各乡镇人民政府、街道办事处，市政府各部门：</p>
<p>经企业申报、乡镇推荐、部门审核和社会公示，确定乐清市绿色农产品开发有限公司等十二家企业
为第二批市级农业龙头企业。</p>
<p>乐清市农业农村局</p></td></tr></table>
</body>
</html>
"""


def page(title: str, text: str) -> bytes:
    """A small UTF-8 page."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    ).encode()


def build() -> tuple[dict[str, bytes], list[dict]]:
    """The files (paths under site/) and the routes.json entries of every behaviour."""
    files = {
        f"{FOLDER}/moved.html": page("301 Moved Permanently", "The document has moved."),
        f"{FOLDER}/found.html": page("302 Found", "The document has moved."),
        f"{FOLDER}/column.html": page("农业农村", "栏目首页（重定向链的终点）。"),
        f"{FOLDER}/slow.html": page("慢速响应", "这个页面在若干秒后才开始返回。"),
        f"{FOLDER}/503.html": SERVICE_UNAVAILABLE.encode(),
        f"{FOLDER}/flaky.html": page("服务恢复", "前两次请求返回503，第三次起返回本页。"),
        f"{FOLDER}/jsl.html": JSL_CHALLENGE.encode(),
        f"{FOLDER}/ruishu.html": RUISHU_CHALLENGE.encode(),
        f"{FOLDER}/gbk.html": GBK_PAGE.encode("gbk"),
    }
    routes = [
        _route(
            CHAIN, "moved.html", "redirect_chain", status=301, headers={"Location": f"http://{HOST}{CHAIN}/"}
        ),
        _route(
            f"{CHAIN}/",
            "found.html",
            "redirect_chain",
            status=302,
            headers={"Location": f"{CHAIN}/index.html"},
        ),
        _route(
            f"{CHAIN}/index.html", "column.html", "redirect_chain", headers={"Set-Cookie": SESSION_COOKIE}
        ),
        _route("/__behaviour/slow", "slow.html", "slow", kind="slow", param="seconds", delay=SLOW_SECONDS),
        _route(
            "/__behaviour/flaky",
            "flaky.html",
            "flaky_503",
            kind="flaky",
            failures=FLAKY_FAILURES,
            error={"status": 503, "file": f"{FOLDER}/503.html", "headers": {"Retry-After": "1"}},
        ),
        _route("/__behaviour/jsl", "jsl.html", "jsl_challenge", status=521, headers=JSL_HEADERS),
        _route("/__behaviour/ruishu", "ruishu.html", "ruishu_challenge", status=412, headers=RUISHU_HEADERS),
        _route("/__behaviour/gbk.html", "gbk.html", "gbk_no_charset", headers={"Content-Type": "text/html"}),
    ]
    return files, routes


def _route(path: str, file: str, behaviour: str, **fields: object) -> dict:
    """A routes.json entry of a behaviour."""
    return {"host": HOST, "path": path, "file": f"{FOLDER}/{file}", "behaviour": behaviour, **fields}


def manifest_entries() -> list[dict]:
    """manifest.json ``behaviours``: each URL and what a client sees there."""
    chain = f"http://{HOST}{CHAIN}"
    return [
        {
            "kind": "redirect_chain",
            "checklist": "R02",
            "url": chain,
            "answers": [
                {"status": 301, "location": f"{chain}/"},
                {"status": 302, "location": f"{CHAIN}/index.html"},
                {"status": 200, "set_cookie": SESSION_COOKIE},
            ],
            "final_url": f"{chain}/index.html",
            "note": "the 301 names an absolute URL, the 302 a root-relative one; the last hop sets a cookie",
        },
        {
            "kind": "slow",
            "checklist": "R04",
            "url": f"{BASE}/slow",
            "status": 200,
            "delay_seconds": SLOW_SECONDS,
            "note": f"the first byte comes after ?seconds=N seconds (at most {SLOW_MAX_SECONDS}), "
            f"else after {SLOW_SECONDS}",
        },
        {
            "kind": "flaky_503",
            "checklist": "R05",
            "url": f"{BASE}/flaky",
            "answers": [503] * FLAKY_FAILURES + [200],
            "note": "503 with an HTML error page and Retry-After: 1, then 200 for good; attempts are "
            "counted per client (address and User-Agent) and URL (query included), and forgotten "
            "when the epoch changes",
        },
        {
            "kind": "jsl_challenge",
            "checklist": "R10",
            "url": f"{BASE}/jsl",
            "status": 521,
            "note": "加速乐: sets __jsluid_s; the body's script sets __jsl_clearance_s with "
            "document.cookie=…;location.href=…; always 521 (solving it is out of scope)",
        },
        {
            "kind": "ruishu_challenge",
            "checklist": "R10",
            "url": f"{BASE}/ruishu",
            "status": 412,
            "note": "瑞数: a body under 500 bytes with $_ts=, a <meta> token and an external script; "
            "always 412 (the same answer as the blocked document of epoch 2)",
        },
        {
            "kind": "gbk_no_charset",
            "checklist": "R13",
            "url": f"{BASE}/gbk.html",
            "status": 200,
            "note": 'GBK bytes, header "Content-Type: text/html" without charset, '
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        },
    ]
