"""The one generic spider: column lists → detail pages → attachments, all driven by a portal config.

Every response is archived by `crawler.archiving` before it reaches a callback, so a page this
spider fails to parse is still kept. What the spider reads off pages is yielded as observation items
(``listing``, ``document``, ``attachment``), which `crawler.recording` writes into the archive as
WARC metadata records.
"""

import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError, DownloadTimeoutError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from archive import index
from archive.charset import decode_html
from archive.issues import Issue
from crawler.extractors import Context, all_values, first_value, node_text, node_values
from crawler.responses import (
    basename,
    categories,
    extension,
    filename,
    gone,
    is_html,
    json_list,
    portal_item,
)

GONE_STATUSES = (404, 410)
HANDLED_PAGINATION = ("none", "template", "query", "next_link", "jpage", "json_api")
# Hanweb keeps list records as HTML fragments in CDATA, in the page's XML island and in proxy answers.
CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
TEMPLATE_VAR = re.compile(r"\{(\w+)\}")


class ColumnSpider(scrapy.Spider):
    """Walks the active columns of one portal config."""

    name = "column"

    def __init__(self, portal, archive, resuming: bool = False, **kwargs) -> None:
        super().__init__(name=f"column:{portal.id}", **kwargs)
        self.portal = portal
        self.archive = archive
        self.resuming = resuming  # replay what the interrupted crawl already fetched
        self._requested: set[str] = set()
        self._rechecked = False
        self.allowed_domains = list(portal.scope.allowed_domains) + list(portal.scope.attachment_domains)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.recheck_known, signal=signals.spider_idle)
        return spider

    def recheck_known(self) -> None:
        """When the lists are done, ask every earlier document URL that no list offered this time.

        Lists show a moving window (portals.md §3.9): a document missing from a list is not evidence of
        removal. Only its own URL can say it is gone (404, 410, a soft-404 page), so it is asked here.
        """
        if self._rechecked:
            return
        self._rechecked = True
        known = index.document_urls(self.archive.db, self.portal.id)
        pending = [url for url in known if url not in self._requested]
        column = next((c for c in self.portal.columns if c.active), None)
        for url in pending if column else []:
            request = self._request(url, self.parse_detail, column=column, listing={})
            request.meta["recheck"] = True
            self.crawler.engine.crawl(request)
        if pending and column:
            raise DontCloseSpider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The portal's description, then the first list page of every active column.

        A `self` column's start URLs are documents themselves.
        """
        yield portal_item(self.portal)
        for column in self.portal.columns:
            if not column.active:
                self._issue(
                    "column-inactive",
                    f"column {column.key!r} skipped: {column.inactive_reason}",
                    level="warning",
                )
                continue
            if column.pagination.type == "json_api":
                yield self._json_api_start(column)
                continue
            for url in column.start_urls:
                if column.list.format == "self":
                    yield self._request(url, self.parse_detail, column=column, listing={})
                else:
                    yield self._request(url, self.parse_list, column=column, page=1)

    # -- lists --------------------------------------------------------------------------------

    def _json_api_start(self, column) -> scrapy.Request:
        """A JSON list API: straight to its first page, or first to the category tree (gkmlpt)."""
        if "{category}" in (column.pagination.url or "") and "index_url" in self.portal.discovery:
            request = self._request(self.portal.discovery["index_url"], self.parse_tree, column=column)
            # Every TREE-based column reads the same index page: one request per column, not deduplicated.
            return request.replace(dont_filter=True)
        return self._api_page(column, column.pagination.n_start, {})

    def parse_tree(self, response, column):
        """The gkmlpt index: SID and the category TREE from ``window._CONFIG``; one list per category."""
        _, html = self._selector(response)
        found = {}
        for name in ("sid", "tree"):
            pattern = self.portal.discovery.get(f"{name}_regex")
            m = re.search(pattern, html, re.S) if pattern else None
            found[name] = self.portal.discovery.get(name) or (m.group(1) if m else None)
        if not found["tree"]:
            self._issue(
                "tree-missing",
                f"no category TREE on {response.url}",
                url=response.url,
                capture=response.meta.get("capture"),
                fix="check discovery.tree_regex",
            )
            return
        for category in categories(json.loads(found["tree"]), column):
            yield self._api_page(
                column, column.pagination.n_start, {"sid": found["sid"], "category": category}
            )

    def _api_page(self, column, n: int, variables: dict):
        pag = column.pagination
        number = pag.aliases.get(str(n), n)
        url = TEMPLATE_VAR.sub(
            lambda m: str({**self.portal.discovery, **variables, "n": number}.get(m.group(1), "")), pag.url
        )
        # A relative API path resolves against the column's page, else the portal's homepage.
        url = urljoin(column.start_urls[0] if column.start_urls else self.portal.homepage, url)
        request = self._request(url, self.parse_json_list, column=column, page=n, variables=variables)
        request.meta["list_page"] = True
        return request

    def parse_json_list(self, response, column, page: int, variables: dict):
        """One page of a JSON list API; the next page is asked while items keep coming, up to the total."""
        pag = column.pagination
        try:
            data = json.loads(response.text)
        except ValueError:
            self._issue(
                "list-not-json",
                f"page {page} of column {column.key!r} is not JSON",
                url=response.url,
                capture=response.meta.get("capture"),
            )
            return
        items = json_list(data, column.list.items or pag.items)
        blank = Selector(text="<html></html>")
        for item in items:
            yield from self._list_item(response, column, blank, blank, "", json_item=item)
        total, _ = first_value(
            pag.total, Context(node=blank, page=blank, url=response.url, json_response=data)
        )
        size = pag.page_size or len(items) or 1
        seen = (page - pag.n_start + 1) * size
        more = items and (not str(total or "").isdigit() or seen < int(total))
        if more and page - pag.n_start + 1 < pag.max_pages:
            yield self._api_page(column, page + 1, variables)

    def parse_list(self, response, column, page: int):
        """One list page: a listing per item, a request per detail page or file, then the next pages."""
        if self._challenge(response):
            yield from self._blocked(response, "challenge page")
            return
        page_sel, html = self._selector(response)
        items = self._items(column, page_sel, html)
        if not items:
            self._issue(
                "list-empty",
                f"no items matched {column.list.items!r} on page {page}",
                url=response.url,
                capture=response.meta.get("capture"),
                level="warning",
            )
        for node in items:
            yield from self._list_item(response, column, node, page_sel, html)
        if page == 1:
            yield from self._more_pages(response, column, page_sel, html)
        elif column.pagination.type == "next_link":
            yield from self._next_link(response, column, page_sel, html, page)

    def _items(self, column, page_sel: Selector, html: str) -> list:
        """The item nodes of a list page; for `xml_cdata`, taken from the CDATA records."""
        if not column.list.items:
            return []
        if column.list.format == "xml_cdata":
            fragment = "".join(CDATA_RECORD.findall(html))
            return Selector(text=f"<html><body>{fragment}</body></html>").css(column.list.items)
        return page_sel.css(column.list.items)

    def _list_item(self, response, column, node, page_sel, html, json_item=None):
        ctx = Context(node=node, page=page_sel, url=response.url, html=html, json_item=json_item)
        link, _ = first_value(column.list.link, ctx)
        if not link and column.list.onclick_link:
            m = column.list.onclick_link.search(node.get())
            link = m.group(1) if m else None
        if not link:
            return
        title, _ = first_value(column.list.title, ctx)
        date, _ = first_value(column.list.date, ctx)
        url = self._absolute(response, link)
        if not self._wanted(column, title or "", url):
            return
        listing = {"title": title, "date": date}
        yield {
            "type": "listing",
            "column": column.key,
            "column_kind": column.kind,
            "url": url,
            "title": title,
            "date": date,
            "list_url": response.url,
            "_capture": response.meta.get("capture"),
        }
        if extension(url) in column.list.direct_files:
            yield self._request(url, self.parse_file, column=column, listing=listing, referer=response.url)
        else:
            request = self._request(
                url, self.parse_detail, column=column, listing=listing, referer=response.url
            )
            # A JSON list item can name the attachments itself (gkmlpt's attachment[].url).
            request.meta["json_item"] = json_item
            yield request

    def _wanted(self, column, title: str, url: str) -> bool:
        flt = column.item_filter
        if flt.title_regex and not flt.title_regex.search(title):
            return False
        if flt.title_exclude and flt.title_exclude.search(title):
            return False
        return not any(p.search(url) for p in self.portal.scope.deny)

    def _more_pages(self, response, column, page_sel, html):
        """Requests for pages 2…N, for pagination types whose page count is on page 1."""
        pag = column.pagination
        if pag.type not in HANDLED_PAGINATION:
            self._issue(
                "pagination-unsupported",
                f"column {column.key!r}: pagination type {pag.type!r} is not crawled yet; page 1 only",
                url=response.url,
                level="warning",
            )
            return
        if pag.type == "next_link":
            yield from self._next_link(response, column, page_sel, html, 1)
            return
        if pag.type == "none":
            return
        if pag.type == "jpage":
            yield from self._jpage_windows(response, column, page_sel, html)
            return
        pages = self._page_count(response, column, page_sel, html)
        for n in range(2, min(pages, pag.max_pages) + 1):
            yield self._request(
                self._page_url(response.url, column, n),
                self.parse_list,
                column=column,
                page=n,
                referer=response.url,
            )

    def _jpage_windows(self, response, column, page_sel, html):
        """Hanweb's data proxy: a POST per window of `group` pages, records 1–45, 46–90, … to the total.

        The XML island of the column page holds only page 1; the windows overlap it on purpose (the
        portal's own script asks for 1–45 too) and the duplicate listings are harmless.
        """
        pag = column.pagination
        ctx = Context(node=page_sel, page=page_sel, url=response.url, html=html)
        value, _ = first_value(pag.total, ctx)
        if not (value or "").isdigit():
            self._issue(
                "pagination-total-missing",
                f"column {column.key!r}: no record total on the column page",
                url=response.url,
                level="warning",
            )
            return
        size = (pag.per_page or 15) * (pag.group or 3)
        form = {k: self._fill(v, html) for k, v in (pag.form or {}).items()}
        for n, start in enumerate(range(1, int(value) + 1, size), start=2):
            if n - 1 > pag.max_pages:
                break
            query = f"startrecord={start}&endrecord={start + size - 1}&perpage={pag.per_page or 15}"
            url = urljoin(response.url, pag.proxy) + "?" + query
            yield scrapy.FormRequest(
                url,
                formdata=form,
                callback=self.parse_list,
                cb_kwargs={"column": column, "page": n},
                errback=self.failed,
                headers={"Referer": response.url},
                meta={
                    "portal": self.portal.id,
                    "requested_url": url,
                    "download_maxsize": self.portal.fetch.max_body_bytes,
                },
            )

    def _fill(self, template: str, html: str) -> str:
        """A form value with ``{webid}``-style variables from [discovery], or its ``*_regex`` on the page."""

        def value(m: re.Match) -> str:
            name = m.group(1)
            if name in self.portal.discovery:
                return str(self.portal.discovery[name])
            pattern = self.portal.discovery.get(f"{name}_regex")
            found = re.search(pattern, html) if pattern else None
            return found.group(1) if found else ""

        return TEMPLATE_VAR.sub(value, str(template))

    def _page_count(self, response, column, page_sel, html) -> int:
        pag = column.pagination
        value, _ = first_value(pag.total, Context(node=page_sel, page=page_sel, url=response.url, html=html))
        try:
            total = int(value)
        except (TypeError, ValueError):
            return 1
        if pag.total_is == "items":
            return -(-total // (pag.page_size or 15))
        return total

    def _page_url(self, first_url: str, column, n: int) -> str:
        pag = column.pagination
        number = n - 2 + pag.n_start if pag.type == "template" else n - 1 + pag.n_start
        if pag.type == "template":
            return urljoin(first_url, pag.pattern.replace("{n}", str(number)))
        if pag.url:
            return urljoin(first_url, pag.url.replace("{n}", str(number)))
        parts = urlsplit(first_url)
        query = parse_qs(parts.query, keep_blank_values=True)
        query[pag.param] = [str(number)]
        encoded = "&".join(f"{k}={quote(v[0], safe='')}" for k, v in query.items())
        return parts._replace(query=encoded).geturl()

    def _next_link(self, response, column, page_sel, html, page: int):
        link, _ = first_value(
            column.pagination.link, Context(node=page_sel, page=page_sel, url=response.url, html=html)
        )
        if link and page < column.pagination.max_pages:
            yield self._request(
                self._absolute(response, link),
                self.parse_list,
                column=column,
                page=page + 1,
                referer=response.url,
            )

    # -- documents ----------------------------------------------------------------------------

    def parse_detail(self, response, column, listing: dict):
        """A document page: its metadata fields, main content, attachments and related links."""
        if not is_html(response):
            yield from self.parse_file(response, column, listing)
            return
        if self._challenge(response):
            yield from self._blocked(response, "challenge page")
            return
        page_sel, html = self._selector(response)
        if self._soft_404(page_sel, html):
            yield gone(response.url, "soft-404", response.meta.get("capture"))
            return
        detail = column.detail or self.portal.detail
        main, main_selector = self._main(detail, page_sel)
        ctx = Context(
            node=page_sel,
            page=page_sel,
            url=response.url,
            html=html,
            list_item=listing,
            main=main,
            json_item=response.meta.get("json_item"),
        )
        fields, raw, sources = self._fields(detail, ctx)
        attachments = self._attachments(response, ctx)
        related = all_values(detail.related, ctx) if detail.related else []
        yield _document(
            response,
            column,
            listing,
            fields=fields,
            raw_fields=raw,
            field_sources=sources,
            main_selector=main_selector,
            attachments=attachments,
            related=[self._absolute(response, r) for r in related],
            renditions=self._renditions(detail, main),
        )
        for att in attachments:
            request = self._request(
                att["url"],
                self.parse_attachment,
                document_url=response.url,
                name=att["name"],
                referer=response.url,
            )
            # Files have their own cap ([attachments] max_bytes), pages the portal's max_body_bytes.
            request.meta["download_maxsize"] = self.portal.attachments.max_bytes
            yield request

    def parse_file(self, response, column, listing: dict):
        """A file linked straight from a list (a report published only as a PDF): itself a document."""
        yield _document(
            response,
            column,
            listing,
            fields={"title": listing.get("title"), "published_date": listing.get("date")},
            field_sources={"title": "list", "published_date": "list"},
            direct_file=True,
            filename=filename(response, listing.get("title")),
        )

    def parse_attachment(self, response, document_url: str, name: str):
        """An attachment: recorded with its file name as the portal gave it."""
        yield {
            "type": "attachment",
            "url": response.url,
            "document_url": document_url,
            "name": filename(response, name),
            "link_text": name,
            "_capture": response.meta.get("capture"),
        }

    def _main(self, detail, page_sel) -> tuple[Selector | None, str | None]:
        """The main-content node and the CSS selector that found it (extraction reuses the selector)."""
        for ex in detail.main:
            found = page_sel.css(ex.value) if ex.source == "css" else []
            if found:
                return found[0], ex.value
        return None, None

    def _fields(self, detail, ctx):
        fields, raw, sources = {}, {}, {}
        placeholders = {p.strip() for p in detail.placeholders}
        for name, extractors in detail.fields.items():
            value, source = first_value(extractors, ctx)
            if value is None:
                continue
            raw[name] = value
            sources[name] = source
            fields[name] = None if value.strip() in placeholders else value
        return fields, raw, sources

    def _attachments(self, response, ctx) -> list[dict]:
        """Links to files, found by the ``[attachments] links`` extractors, each URL once.

        A ``css`` link is a file by its extension, URL pattern or ``showname``; it is read node by node
        so that its text names it. Its ``pick`` takes the URL out of script (R26):
        ``href="javascript:window.open('…')"`` or ``onclick="downloadFile('…')"``; a bare ``javascript:``
        href is no link. JSON links (a list item's ``attachment[].url``) are files by definition and come
        after the page's own.
        """
        spec = self.portal.attachments
        # Without a main-content node the whole page is searched, rather than nothing.
        page_ctx = replace(ctx, main=ctx.main if ctx.main is not None else ctx.page)
        found: dict[str, dict] = {}
        for ex in spec.links:
            if ex.source != "css":
                continue
            for value, node in node_values(ex, page_ctx):
                url = self._absolute(response, value)
                shown = parse_qs(urlsplit(url).query).get("showname", [""])[0]
                is_file = (
                    extension(url) in spec.extensions
                    or extension(shown) in spec.extensions
                    or any(p.search(url) for p in spec.url_patterns)
                )
                if url.startswith("http") and url not in found and is_file:
                    found[url] = {"url": url, "name": shown or node_text(node) or basename(url)}
        if ctx.json_item is not None:
            for ex in spec.links:
                if ex.source == "json":
                    for value in all_values([ex], ctx):
                        url = self._absolute(response, value)
                        found.setdefault(url, {"url": url, "name": basename(url)})
        return list(found.values())

    def _renditions(self, detail, main) -> list[dict]:
        if main is None or not detail.renditions:
            return []
        return [
            {"text": node_text(a), "href": a.attrib.get("href")}
            for a in main.css("a")
            if any(r in node_text(a) for r in detail.renditions)
        ]

    # -- plumbing -----------------------------------------------------------------------------

    def _request(self, url: str, callback, referer: str | None = None, **cb_kwargs) -> scrapy.Request:
        """A request carrying the portal, the URL as published, and the shared errback.

        `fetch.scheme` forces the scheme on the wire (gkmlpt hosts publish https links but answer only
        plain HTTP); the URL as published is kept in the observation as ``requested_url``.
        """
        headers = {"Referer": referer} if referer else {}
        self._requested.add(url)
        scheme = self.portal.fetch.scheme
        wire = urlsplit(url)._replace(scheme=scheme).geturl() if scheme in ("http", "https") else url
        return scrapy.Request(
            wire,
            callback=callback,
            cb_kwargs=cb_kwargs,
            errback=self.failed,
            headers=headers,
            meta={
                "portal": self.portal.id,
                "requested_url": url,
                "download_maxsize": self.portal.fetch.max_body_bytes,
            },
        )

    def _selector(self, response) -> tuple[Selector, str]:
        """The page parsed from its bytes with gongkai's charset rules (Scrapy trusts a lying header)."""
        header = response.headers.get("Content-Type", b"").decode("latin-1")
        m = re.search(r"charset=([\w-]+)", header, re.I)
        decoded = decode_html(response.body, m.group(1) if m else None, self.portal.fetch.gb2312_as)
        return Selector(text=decoded.text, base_url=response.url), decoded.text

    def _absolute(self, response, link: str) -> str:
        """Resolve a link as a browser would; raw non-ASCII in paths is percent-encoded as UTF-8."""
        url = response.urljoin(link.strip())
        parts = urlsplit(url)
        path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=")
        return parts._replace(path=path, fragment="").geturl()

    def failed(self, failure):
        """Errback: a request that ended in an error status or exception after retries."""
        request = failure.request
        if (
            failure.check(HttpError)
            and failure.value.response.status in self.portal.blocking.challenge_status
        ):
            yield from self._blocked(failure.value.response, "challenge status")
        elif (
            failure.check(HttpError)
            and request.meta.get("list_page")
            and failure.value.response.status == 404
            and "http_404" in request.cb_kwargs["column"].pagination.stop_on
        ):
            # The served window is smaller than the category (gkmlpt): the end of the list, not an error.
            return
        elif failure.check(HttpError):
            response = failure.value.response
            if response.status in GONE_STATUSES and request.callback == self.parse_detail:
                yield gone(request.url, f"http-{response.status}", response.meta.get("capture"))
            self._issue(
                f"http-{response.status}",
                f"HTTP {response.status} for {request.url}",
                url=request.url,
                capture=response.meta.get("capture"),
                fix="kept in the archive; if the page moved, update the portal config",
            )
        elif failure.check(DownloadCancelledError, CancelledError):
            self._issue(
                "too-large",
                f"download stopped: {request.url} is larger than the limit of "
                f"{request.meta.get('download_maxsize')} bytes",
                url=request.url,
                fix="raise [attachments] max_bytes (files) or [fetch] max_body_bytes (pages) if it is wanted",
            )
        elif failure.check(DNSLookupError):
            self._issue(
                "dns-lookup-failed", f"host not found: {urlsplit(request.url).hostname}", url=request.url
            )
        elif failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            self._issue(
                "timeout",
                f"no answer within the download timeout for {request.url}",
                url=request.url,
                fix="raise fetch.read_timeout for this portal, or retry later",
            )
        else:
            self._issue(
                "download-error", f"{failure.type.__name__}: {failure.getErrorMessage()}", url=request.url
            )

    def _blocked(self, response, why: str):
        """A challenge page (瑞数 412, 加速乐 521, a JS cookie gate): blocked; never a document, nor gone."""
        self._issue(
            "blocked",
            f"{why} {response.status} at {response.url}: the portal asks for a browser challenge",
            url=response.url,
            capture=response.meta.get("capture"),
            fix="not solved by design; try later, from another network, or ask the portal's webmaster",
        )
        yield {
            "type": "blocked",
            "url": response.url,
            "status": response.status,
            "_capture": response.meta.get("capture"),
        }

    def _challenge(self, response) -> bool:
        """A 200 page that is a challenge: small, and carrying a challenge marker."""
        if len(response.body) > 20_000:
            return False
        head = response.body.decode("utf-8", "replace")
        return any(marker in head for marker in self.portal.blocking.challenge_markers)

    def _soft_404(self, page_sel: Selector, text: str) -> bool:
        """A 200 page that says "not found"; a present main-content node overrides the markers (R11)."""
        main = self.portal.blocking.main_selector
        if main and page_sel.css(main):
            return False
        return any(marker in text for marker in self.portal.blocking.soft_404_markers)

    def _issue(
        self,
        code: str,
        message: str,
        url: str = "",
        capture: str | None = None,
        fix: str = "",
        level: str = "error",
    ) -> None:
        issue = Issue(
            stage="crawl", code=code, message=message, fix=fix, url=url, capture=capture or "", level=level
        )
        self.archive.record_issue(issue)
        self.crawler.stats.inc_value(f"gongkai/issues/{code}")
        self.logger.warning(str(issue))


def _document(response, column, listing: dict, **found) -> dict:
    """The ``document`` observation of a page or file: what the crawler read, beside its capture."""
    empty = {
        "fields": {},
        "raw_fields": {},
        "field_sources": {},
        "main_selector": None,
        "attachments": [],
        "related": [],
        "renditions": [],
    }
    return {
        "type": "document",
        "column": column.key,
        "column_kind": column.kind,
        "url": response.url,
        "requested_url": response.meta.get("requested_url", response.url),
        "listing": listing,
        **empty,
        **found,
        "_capture": response.meta.get("capture"),
    }
