"""The replica's later nights (epochs 2 and 3), its control port, and its transport misbehaviours.

A real server subprocess reached through urllib with the replica as proxy; every URL comes from
crawler/replica/manifest.json (``epochs``, ``behaviours``), so a rebuild needs no test edits.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, ProxyHandler, Request, build_opener

import pytest
from lxml import html
from pdfminer.high_level import extract_text

from crawler.replica.serve import OVERLAY, REPLICA_HOSTS, SITE, load_routes, respond, running_replica
from tests.test_replica import AGENCIES, MANIFEST, fetch, jpage, list_links

REPLICA = Path(__file__).resolve().parents[1] / "crawler" / "replica"
EPOCHS = MANIFEST["epochs"]
BEHAVIOURS = {entry["kind"]: entry for entry in MANIFEST["behaviours"]}


def change(epoch: int, kind: str) -> dict:
    """The first change of a kind in an epoch, as the manifest lists it."""
    return EPOCHS[str(epoch)][kind][0]


def changes(epoch: int) -> list[dict]:
    """Every change an epoch's manifest entry lists (every kind; not its lists, counts or URL index)."""
    summary = ("night", "lists", "portals", "changed_urls")
    return [entry for kind, entries in EPOCHS[str(epoch)].items() if kind not in summary for entry in entries]


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    with running_replica(tmp_path_factory.mktemp("replica") / "requests.jsonl") as running:
        yield running
        running.set_epoch(1)


def at(replica, epoch: int, url: str) -> tuple[int, bytes]:
    """Status and body of a URL in an epoch."""
    replica.set_epoch(epoch)
    status, _, body = fetch(replica, url)
    return status, body


def portal_links(replica, portal: str) -> set[str]:
    """Every item URL a portal's columns list now."""
    return {url for entry in AGENCIES[portal]["columns"].values() for url in list_links(replica, entry)}


def main_content(body: bytes, selector: str) -> bytes:
    """The serialized main-content node of a page (the part a content hash covers)."""
    return html.tostring(html.fromstring(body).cssselect(selector)[0])


def numbers(text: str) -> list[str]:
    """Every number in a text, as written."""
    return re.findall(r"\d+(?:\.\d+)?", text)


# --- control -------------------------------------------------------------------------------------


def test_banner_names_the_proxy_and_a_separate_control_port(replica):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", replica.url)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", replica.control_url)
    assert replica.control_url != replica.url


def test_control_port_sets_and_answers_the_epoch(replica):
    replica.set_epoch(2)
    assert replica.epoch() == 2
    replica.set_epoch(1)
    assert replica.epoch() == 1


def test_control_port_refuses_an_epoch_the_build_has_not_made(replica):
    replica.set_epoch(1)
    with pytest.raises(ValueError, match=r"/epoch: epoch must be one of 1, 2, 3, not 4$"):
        replica.set_epoch(4)
    with pytest.raises(HTTPError) as refused:
        build_opener(ProxyHandler({})).open(Request(f"{replica.control_url}/epoch", data=b"two"), timeout=10)
    assert (refused.value.code, refused.value.read()) == (
        400,
        b"the body must be an epoch number, not 'two'\n",
    )
    assert replica.epoch() == 1


def test_control_port_is_not_reachable_through_the_portal_hosts(replica):
    replica.set_epoch(1)
    opener = build_opener(ProxyHandler({"http": replica.url}))
    for url, status in (
        ("http://www.li-xian.replica.test/epoch", 404),
        (f"{replica.control_url}/epoch", 502),  # the proxy serves only the portal hosts
    ):
        with pytest.raises(HTTPError) as answer:
            opener.open(Request(url, data=b"2"), timeout=10)
        assert answer.value.code == status
    assert replica.epoch() == 1


def test_epoch_defaults_to_the_environment_and_the_flag_wins(monkeypatch):
    monkeypatch.setenv("GONGKAI_REPLICA_EPOCH", "2")
    with running_replica() as second_night:
        assert second_night.epoch() == 2
    with running_replica(epoch=3) as third_night:
        assert third_night.epoch() == 3


def test_server_started_at_an_unknown_epoch_explains_and_exits():
    with (
        pytest.raises(RuntimeError, match=r"--epoch 7: epoch must be one of 1, 2, 3"),
        running_replica(epoch=7),
    ):
        pass


def test_every_request_is_logged_with_its_epoch(replica):
    at(replica, 2, "http://www.hanyin.replica.test/robots.txt?epoch-log=1")
    entries = [json.loads(line) for line in replica.log_path.read_text(encoding="utf-8").splitlines()]
    assert next(e for e in entries if e["path"] == "/robots.txt?epoch-log=1")["epoch"] == 2


# --- epoch 1 is the site as built ----------------------------------------------------------------


def test_epoch_one_serves_the_checked_in_bytes_after_a_later_night(replica):
    report = change(2, "changed_report")
    truth = json.loads((REPLICA / "truth" / Path(report["truth"]).name).read_text(encoding="utf-8"))
    listing = AGENCIES["replica-lixian-gxs"]["columns"]["catalog"]["start_urls"][0]
    expected = {
        report["urls"]["page"]: truth["files"]["page"],
        report["urls"]["pdf"]: truth["files"]["pdf"],
        listing: "_routes/www.li-xian.replica.test/column/6723288/1.html",
        change(2, "removed_404")["url"]: site_file(change(2, "removed_404")["url"]),
        change(2, "blocked")["url"]: site_file(change(2, "blocked")["url"]),
    }
    at(replica, 2, listing)
    replica.set_epoch(1)
    for url, path in expected.items():
        assert fetch(replica, url)[::2] == (200, (SITE / path).read_bytes()), url
    assert fetch(replica, change(2, "added")["url"])[0] == 404


def site_file(url: str) -> str:
    """Where a static page's bytes are under site/."""
    return url.removeprefix("http://")


# --- epoch 2: the next night ---------------------------------------------------------------------


def test_changed_report_corrects_a_cell_and_replaces_its_pdf_at_the_same_url(replica, tmp_path):
    report = change(2, "changed_report")
    before = {role: at(replica, 1, url)[1] for role, url in report["urls"].items()}
    after = {role: at(replica, 2, url) for role, url in report["urls"].items()}
    cells = [td.text_content().strip() for td in html.fromstring(after["page"][1]).cssselect("#zoom td")]
    (tmp_path / "after.pdf").write_bytes(after["pdf"][1])
    pdf_numbers = numbers(extract_text(tmp_path / "after.pdf"))
    was, now = str(report["was"]), str(report["now"])
    assert all(status == 200 for status, _ in after.values())
    assert all(after[role][1] != before[role] for role in ("page", "pdf", "docx"))
    assert after["pdf"][1].startswith(b"%PDF-") and after["docx"][1].startswith(b"PK\x03\x04")
    assert now in cells and was not in cells
    assert now in pdf_numbers and was not in pdf_numbers


def test_corrected_report_truth_differs_from_epoch_one_in_that_cell_only():
    report = change(2, "changed_report")
    later = json.loads((REPLICA.parents[1] / report["truth"]).read_text(encoding="utf-8"))
    first = json.loads((REPLICA / "truth" / Path(report["truth"]).name).read_text(encoding="utf-8"))
    differ = {key for key, value in later["statistics"].items() if first["statistics"][key] != value}
    assert differ == {report["statistic"]}
    assert (later["epoch"], later["statistics"][report["statistic"]]) == (2, report["now"])
    assert later["urls"] == first["urls"] and later["files"]["pdf"].startswith("_epochs/2/")


def test_changed_text_rewrites_a_paragraph_of_the_main_content(replica):
    entry = change(2, "changed_text")
    before, after = at(replica, 1, entry["url"])[1], at(replica, 2, entry["url"])
    text = html.fromstring(after[1]).cssselect("div.xqCent")[0].text_content()
    assert after[0] == 200
    assert main_content(after[1], "div.xqCent") != main_content(before, "div.xqCent")
    assert entry["paragraph"]["now"] in text and entry["paragraph"]["was"] not in text


def test_boilerplate_only_change_leaves_the_main_content_byte_identical(replica):
    entry = change(2, "boilerplate_only")
    before, after = at(replica, 1, entry["url"])[1], at(replica, 2, entry["url"])[1]
    chrome = [html.fromstring(page).cssselect("div.newsinfo")[0].text_content() for page in (before, after)]
    was, now = entry["chrome"]["浏览次数"]
    assert after != before
    assert main_content(after, "div.j-fontContent") == main_content(before, "div.j-fontContent")
    assert f"浏览次数：{was}" in chrome[0] and "归档时间" not in chrome[0]
    assert f"浏览次数：{now}" in chrome[1] and f"归档时间：{entry['chrome']['归档时间']}" in chrome[1]


def test_metadata_only_change_abolishes_the_document_outside_its_main_content(replica):
    entry = change(2, "metadata_only")
    before, after = at(replica, 1, entry["url"])[1], at(replica, 2, entry["url"])[1]
    meta = html.fromstring(after).cssselect("div.xxgk-meta")[0]
    validity = meta.xpath(".//th[.='有效性']/following-sibling::td[1]")[0].text
    assert (validity, entry["metadata"]["有效性"]) == ("失效", ["有效", "失效"])
    assert main_content(after, "table#c") == main_content(before, "table#c")


@pytest.mark.parametrize("kind", ["removed_404", "removed_410"])
def test_removed_document_answers_its_status_and_leaves_its_lists(replica, kind):
    entry = change(2, kind)
    replica.set_epoch(1)
    assert entry["url"] in portal_links(replica, entry["portal"])
    replica.set_epoch(2)
    status, headers, body = fetch(replica, entry["url"])
    assert status == entry["status"] == {"removed_404": 404, "removed_410": 410}[kind]
    assert headers["Content-Type"].startswith("text/html") and b"<html>" in body
    assert entry["url"] not in portal_links(replica, entry["portal"])


def test_soft_404_answers_200_with_a_page_that_has_no_main_content(replica):
    entry = change(2, "soft_404")
    status, body = at(replica, 2, entry["url"])
    page = html.fromstring(body)
    assert (status, entry["status"]) == (200, 200)
    assert "页面不存在" in page.text_content() and not page.cssselect("div.j-fontContent")
    assert page.cssselect("div.footer")  # the portal's chrome is all there is
    assert entry["url"] not in portal_links(replica, entry["portal"])


def test_delisted_document_still_answers_200_with_the_same_bytes(replica):
    entry = change(2, "delisted")
    before, after = at(replica, 1, entry["url"]), at(replica, 2, entry["url"])
    assert after == before and after[0] == 200
    assert entry["url"] not in portal_links(replica, entry["portal"])


def test_added_documents_head_their_list_and_push_older_items_down_a_page(replica):
    added = sorted(EPOCHS["2"]["added"], key=lambda entry: entry["position"])
    first = added[0]["list"]
    second = first.replace("pageIndex=1", "pageIndex=2")
    old = {1: hrefs(at(replica, 1, first)[1]), 2: hrefs(at(replica, 1, second)[1])}
    new = {1: hrefs(at(replica, 2, first)[1]), 2: hrefs(at(replica, 2, second)[1])}
    assert new[1] == [entry["url"] for entry in added] + old[1][:-2]
    assert new[2][:2] == old[1][-2:] and new[2][2:] == old[2][:-2]
    assert all(fetch(replica, entry["url"])[0] == 200 for entry in added)
    catalog = AGENCIES[added[0]["portal"]]["columns"]["catalog"]
    assert len(list_links(replica, catalog)) == EPOCHS["2"]["lists"][first]["items"]


def hrefs(list_page: bytes) -> list[str]:
    """The item links of a public/column list page, in order."""
    return [a.get("href") for a in html.fromstring(list_page).cssselect("ul.xxgk_nav_list > li > a")]


def test_removed_item_shifts_the_hanweb_data_proxy_windows(replica):
    entry = change(2, "removed_410")
    columns = AGENCIES[entry["portal"]]["columns"].values()
    column = next(c for c in columns if c["start_urls"][0] in entry["removed_from"])
    replica.set_epoch(2)
    status, total, records = jpage(replica, column["jpage"]["form"], 1, 45)
    assert (status, total) == (200, EPOCHS["2"]["lists"][column["start_urls"][0]]["items"])
    assert not [r for r in records if urlsplit(entry["url"]).path in r]


def test_blocked_document_answers_a_ruishu_challenge(replica):
    entry = change(2, "blocked")
    replica.set_epoch(2)
    status, headers, body = fetch(replica, entry["url"])
    assert (status, entry["status"]) == (412, 412)
    assert len(body) < 500 and b"$_ts=" in body and re.search(rb'<script[^>]+src="/[^"]+\.js"', body)
    assert "S=" in headers["Set-Cookie"]
    assert entry["url"] in portal_links(replica, entry["portal"])  # still listed: only the page is blocked


def test_counts_of_the_next_night_are_what_the_manifest_says(replica):
    replica.set_epoch(2)
    for portal, expected in EPOCHS["2"]["portals"].items():
        links = portal_links(replica, portal)
        assert len(links) == expected["documents"], portal
        assert sum(fetch(replica, url)[0] == 200 for url in links) == expected["documents_ok"], portal


# --- epoch 3: the night after --------------------------------------------------------------------


def test_night_after_unblocks_keeps_the_removals_and_changes_one_more_document(replica):
    blocked, removed = change(2, "blocked")["url"], change(2, "removed_404")["url"]
    changed = change(3, "changed_text")
    report_pdf = change(2, "changed_report")["urls"]["pdf"]
    first = {url: at(replica, 1, url) for url in (blocked, changed["url"])}
    second = {url: at(replica, 2, url) for url in (changed["url"], report_pdf)}
    replica.set_epoch(3)
    assert fetch(replica, blocked)[::2] == first[blocked]
    assert fetch(replica, removed)[0] == 404
    assert fetch(replica, report_pdf)[::2] == second[report_pdf]  # the correction stays
    status, _, body = fetch(replica, changed["url"])
    assert second[changed["url"]] == first[changed["url"]] and body != first[changed["url"]][1]
    assert (
        changed["paragraph"]["now"] in html.fromstring(body).cssselect("div.j-fontContent")[0].text_content()
    )
    assert {e["url"] for e in EPOCHS["3"]["unblocked"]} == {blocked}
    assert removed in {e["url"] for e in EPOCHS["3"]["still_gone"]}


def test_only_the_documented_urls_answer_differently_from_one_epoch_to_the_next():
    """In process, over every GET URL the replica has (files, routes, servlet files) and every column."""
    routes = load_routes()
    urls = get_urls(routes)
    forms = [
        r["form"] for rs in routes.kinds.values() for r in rs if r["kind"] == "jpage" and "fault" not in r
    ]
    for epoch in (2, 3):
        differ = {u for u in urls if answer(u, routes, epoch) != answer(u, routes, epoch - 1)}
        assert differ == set(EPOCHS[str(epoch)]["changed_urls"]), epoch
        columns = {f["columnid"] for f in forms if records(f, routes, epoch) != records(f, routes, epoch - 1)}
        changed_lists = {url for url in EPOCHS[str(epoch)]["lists"] if "/col/col" in url}
        assert {f"http://www.yueqing.replica.test/col/col{c}/index.html" for c in columns} == changed_lists


def test_every_changed_url_is_a_documented_change_or_a_page_of_a_changed_list():
    for epoch in (2, 3):
        documented = {
            url for entry in changes(epoch) for url in (entry["url"], *entry.get("urls", {}).values())
        }
        lists = {column_key(url) for url in EPOCHS[str(epoch)]["lists"]}
        changed = EPOCHS[str(epoch)]["changed_urls"]
        assert [url for url in changed if url not in documented and column_key(url) not in lists] == [], epoch


def column_key(url: str) -> str | None:
    """The column a list page URL belongs to (catId, Node id or Hanweb column id); None for others."""
    found = re.search(r"catId=(\d+)|/Node-(\d+)|/col/col(\d+)/", url)
    return next(group for group in found.groups() if group) if found else None


def get_urls(routes) -> set[str]:
    """Every static file of every host and epoch, every plain route, every attachment."""
    urls = set()
    for path in SITE.rglob("*"):
        parts = path.relative_to(SITE).parts
        parts = parts[2:] if parts[0] == OVERLAY else parts
        if path.is_file() and parts[0] in REPLICA_HOSTS:
            urls.add("http://" + "/".join(parts))
    urls |= {f"http://{host}{path}" + (f"?{query}" if query else "") for host, path, query in routes.exact}
    urls |= {url for agency in AGENCIES.values() for url in agency["attachments"]}  # the servlet's too
    return {url for url in urls if "/__behaviour/" not in url}


def answer(url: str, routes, epoch: int) -> tuple:
    parts = urlsplit(url)
    response = respond(parts.hostname, quote(parts.path), parts.query, routes, epoch=epoch)
    return response.status, response.body, response.headers


def records(form: dict, routes, epoch: int) -> bytes:
    body = "&".join(f"{k}={v}" for k, v in form.items())
    query = "startrecord=1&endrecord=100&perpage=15"
    proxy = "/module/jpage/dataproxy.jsp"
    host = "www.yueqing.replica.test"
    return respond(host, proxy, query, routes, method="POST", form=body, epoch=epoch).body


# --- behaviours ----------------------------------------------------------------------------------


class _NoRedirect(HTTPRedirectHandler):
    """Hand each redirect back to the caller instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def test_redirect_chain_is_301_then_302_then_200_with_a_cookie(replica):
    entry = BEHAVIOURS["redirect_chain"]
    hop = build_opener(ProxyHandler({"http": replica.url}), _NoRedirect)
    url, seen = entry["url"], []
    for expected in entry["answers"][:2]:
        with pytest.raises(HTTPError) as redirect:
            hop.open(url, timeout=10)
        seen.append((redirect.value.code, redirect.value.headers["Location"]))
        url = redirect.value.headers["Location"]
        url = url if url.startswith("http") else f"http://{urlsplit(entry['url']).hostname}{url}"
        assert seen[-1] == (expected["status"], expected["location"])
    cookies = HTTPCookieProcessor()
    follow = build_opener(ProxyHandler({"http": replica.url}), cookies)
    with follow.open(entry["url"], timeout=10) as response:
        assert (response.status, response.url) == (200, entry["final_url"])
        assert response.headers["Set-Cookie"] == entry["answers"][2]["set_cookie"]
    assert [c.name for c in cookies.cookiejar] == ["SERVERID"]


def test_slow_response_sends_its_first_byte_after_the_asked_seconds(replica):
    url = BEHAVIOURS["slow"]["url"]
    started = time.monotonic()
    status, _, body = fetch(replica, f"{url}?seconds=1")
    assert status == 200 and body and time.monotonic() - started >= 1
    opener = build_opener(ProxyHandler({"http": replica.url}))
    with pytest.raises((URLError, TimeoutError)):
        opener.open(f"{url}?seconds=2", timeout=0.3)


def test_flaky_url_answers_503_twice_then_200_per_client_and_again_after_an_epoch_change(replica):
    entry = BEHAVIOURS["flaky_503"]
    replica.set_epoch(1)

    def statuses(agent: str, times: int) -> list[int]:
        return [ask_as(replica, entry["url"], agent)[0] for _ in range(times)]

    status, headers, body = ask_as(replica, entry["url"], "probe")
    assert (status, headers["Retry-After"]) == (503, "1") and b"503" in body
    assert statuses("crawler-a", 4) == [503, 503, 200, 200]
    assert statuses("crawler-b", 3) == entry["answers"] == [503, 503, 200]
    replica.set_epoch(2)
    assert statuses("crawler-a", 3) == [503, 503, 200]


def ask_as(replica, url: str, agent: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET through the replica as one client (a User-Agent of its own)."""
    opener = build_opener(ProxyHandler({"http": replica.url}))
    try:
        with opener.open(Request(url, headers={"User-Agent": agent}), timeout=10) as response:
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def test_jiasule_challenge_answers_521_with_a_cookie_script(replica):
    entry = BEHAVIOURS["jsl_challenge"]
    status, headers, body = fetch(replica, entry["url"])
    assert (status, entry["status"]) == (521, 521)
    assert re.search(rb"document\.cookie=.*;location\.href=", body)
    assert headers["Set-Cookie"].startswith("__jsluid_s=")


def test_ruishu_challenge_answers_412_with_a_tiny_script_page(replica):
    status, _, body = fetch(replica, BEHAVIOURS["ruishu_challenge"]["url"])
    assert status == 412 and len(body) < 500 and b"$_ts=" in body


def test_gbk_page_has_its_charset_only_in_the_meta(replica):
    status, headers, body = fetch(replica, BEHAVIOURS["gbk_no_charset"]["url"])
    assert (status, headers["Content-Type"]) == (200, "text/html")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gb2312")
    assert 'content="text/html; charset=gb2312"' in text and "农业龙头企业" in text


def test_no_page_links_a_behaviour():
    pages = [p for p in SITE.rglob("*.html") if "behaviour" not in p.parts]
    assert not [p for p in pages if b"__behaviour" in p.read_bytes()]


def test_readme_lists_every_epoch_change_and_behaviour_url():
    readme = (REPLICA / "README.md").read_text(encoding="utf-8")
    urls = [b["url"] for b in MANIFEST["behaviours"]] + [e["url"] for n in (2, 3) for e in changes(n)]
    assert [url for url in urls if url not in readme] == []
