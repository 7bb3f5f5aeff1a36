"""The one generic spider: column lists → detail pages → attachments, all driven by a portal config.

Every response is archived by `crawler.archiving` before it reaches a callback, so a page this
spider fails to parse is still kept. What the spider reads off pages is yielded as observation items
(``listing``, ``document``, ``attachment``), which `crawler.recording` writes into the archive as
WARC metadata records.

The spider holds the callbacks and builds the requests; plain functions read the pages: list pages in
`crawler.lists`, the further pages of a list in `crawler.pagination`, documents in `crawler.detail`,
and error statuses, challenges and soft 404s in `crawler.failures`.
"""

import json
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.spidermiddlewares.httperror import HttpError

from archive import index
from archive.issues import Issue
from crawler import detail, failures, lists, pagination
from crawler.extractors import Context, all_values, first_value
from crawler.responses import (
    absolute,
    categories,
    extension,
    gone,
    is_html,
    json_list,
    page_selector,
    portal_item,
)


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
        if pagination.uses_tree(self.portal, column):
            request = self._request(self.portal.discovery["index_url"], self.parse_tree, column=column)
            # Every TREE-based column reads the same index page: one request per column, not deduplicated.
            return request.replace(dont_filter=True)
        return self._api_page(column, column.pagination.n_start, {})

    def parse_tree(self, response, column):
        """The gkmlpt index: SID and the category TREE from ``window._CONFIG``; one list per category."""
        _, html = self._selector(response)
        found = pagination.tree_config(self.portal.discovery, html)
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

    def _api_page(self, column, n: int, variables: dict) -> scrapy.Request:
        url = pagination.api_page_url(self.portal, column, n, variables)
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
        if pagination.more_api_pages(pag, page, items, total):
            yield self._api_page(column, page + 1, variables)

    def parse_list(self, response, column, page: int):
        """One list page: a listing per item, a request per detail page or file, then the next pages."""
        if failures.is_challenge(self.portal.blocking, response):
            yield from self._blocked(response, "challenge page")
            return
        page_sel, html = self._selector(response)
        items = lists.list_items(column, page_sel, html)
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

    def _list_item(self, response, column, node, page_sel, html, json_item=None):
        ctx = Context(node=node, page=page_sel, url=response.url, html=html, json_item=json_item)
        link = lists.item_link(column, node, ctx)
        if not link:
            return
        title, _ = first_value(column.list.title, ctx)
        date, _ = first_value(column.list.date, ctx)
        url = self._absolute(response, link)
        if not lists.wanted(self.portal, column, title or "", url):
            return
        listing = {"title": title, "date": date}
        yield lists.listing(response, column, url, title, date)
        if extension(url) in column.list.direct_files:
            yield self._request(url, self.parse_file, column=column, listing=listing, referer=response.url)
        else:
            request = self._request(
                url, self.parse_detail, column=column, listing=listing, referer=response.url
            )
            # A JSON list item can name the attachments itself (gkmlpt's attachment[].url).
            request.meta["json_item"] = json_item
            yield request

    def _more_pages(self, response, column, page_sel, html):
        """Requests for pages 2…N, for pagination types whose page count is on page 1."""
        pag = column.pagination
        if pag.type not in pagination.HANDLED_PAGINATION:
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
        ctx = Context(node=page_sel, page=page_sel, url=response.url, html=html)
        pages = pagination.page_count(column, ctx)
        for n in range(2, min(pages, pag.max_pages) + 1):
            yield self._request(
                pagination.page_url(response.url, column, n),
                self.parse_list,
                column=column,
                page=n,
                referer=response.url,
            )

    def _jpage_windows(self, response, column, page_sel, html):
        """Hanweb's data proxy: a POST per window of pages, up to the record total on the column page.

        The duplicate listings of the first window (page 1 is also in the page's XML island) are harmless.
        """
        ctx = Context(node=page_sel, page=page_sel, url=response.url, html=html)
        value, _ = first_value(column.pagination.total, ctx)
        if not (value or "").isdigit():
            self._issue(
                "pagination-total-missing",
                f"column {column.key!r}: no record total on the column page",
                url=response.url,
                level="warning",
            )
            return
        for n, url, form in pagination.jpage_windows(self.portal, column, response.url, int(value), html):
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
        if failures.is_challenge(self.portal.blocking, response):
            yield from self._blocked(response, "challenge page")
            return
        page_sel, html = self._selector(response)
        if failures.is_soft_404(self.portal.blocking, page_sel, html):
            yield gone(response.url, "soft-404", response.meta.get("capture"))
            return
        spec = column.detail or self.portal.detail
        main, main_selector = detail.main_node(spec, page_sel)
        ctx = Context(
            node=page_sel,
            page=page_sel,
            url=response.url,
            html=html,
            list_item=listing,
            main=main,
            json_item=response.meta.get("json_item"),
        )
        fields, raw, sources = detail.read_fields(spec, ctx)
        attachments = detail.attachment_links(self.portal.attachments, response, ctx)
        related = all_values(spec.related, ctx) if spec.related else []
        yield detail.document(
            response,
            column,
            listing,
            fields=fields,
            raw_fields=raw,
            field_sources=sources,
            main_selector=main_selector,
            attachments=attachments,
            related=[self._absolute(response, r) for r in related],
            renditions=detail.renditions(spec, main),
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
        yield detail.file_document(response, column, listing)

    def parse_attachment(self, response, document_url: str, name: str):
        """An attachment: recorded with its file name as the portal gave it."""
        yield detail.attachment(response, document_url, name)

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
        """The page decoded with the portal's charset rules (`crawler.responses.page_selector`)."""
        return page_selector(response, self.portal.fetch.gb2312_as)

    def _absolute(self, response, link: str) -> str:
        """Resolve a link as a browser would (`crawler.responses.absolute`)."""
        return absolute(response, link)

    def failed(self, failure):
        """Errback: a request that ended in an error status or exception after retries."""
        if not failure.check(HttpError):
            self._issue(**failures.download_issue(failure))
            return
        request, response = failure.request, failure.value.response
        if response.status in self.portal.blocking.challenge_status:
            yield from self._blocked(response, "challenge status")
        elif not failures.end_of_list(request, response.status):
            if response.status in failures.GONE_STATUSES and request.callback == self.parse_detail:
                yield gone(request.url, f"http-{response.status}", response.meta.get("capture"))
            self._issue(**failures.http_issue(request, response))

    def _blocked(self, response, why: str):
        """A challenge page (瑞数 412, 加速乐 521, a JS cookie gate): blocked; never a document, nor gone."""
        self._issue(**failures.blocked_issue(response, why))
        yield failures.blocked(response)

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
