"""Downloader middlewares: route replica hosts through the replica, and archive every response.

`ArchiveMiddleware` sits next to the downloader (order 950), where Scrapy's `HttpCacheMiddleware`
stores responses: it sees each response exactly as received — before decompression, redirects,
retries or any callback — so a page the spider fails to parse, an error page, and every retry attempt
are still kept. A request that is not a GET (a POSTed list form) is kept beside its response. The
capture's WARC-Record-ID is put in ``request.meta["capture"]`` for the callbacks.
"""

from urllib.parse import urlsplit

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from archive import index
from archive.store import SentRequest, sha256_hex

REPLICA_SUFFIX = ".replica.test"


class ReplicaRoutingMiddleware:
    """Send requests for ``*.replica.test`` hosts to the bundled replica, which serves them as a proxy.

    The replica listens on a fresh port each run; routing it as a proxy keeps archived URLs stable
    (``http://www.li-xian.replica.test/...``) across runs, so recrawls see the same documents.
    Requests to any other host are left alone.
    """

    def __init__(self, proxy: str | None) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("GONGKAI_REPLICA_PROXY"))

    def process_request(self, request):
        host = urlsplit(request.url).hostname or ""
        if self.proxy and host.endswith(REPLICA_SUFFIX):
            request.meta["proxy"] = self.proxy
        return None


class ResumeFromArchiveMiddleware:
    """When a killed crawl is resumed, answer what it already fetched from the archive, not the portal.

    A URL with a successful capture in the crawl being resumed is replayed from its WARC record (same
    status, headers and bytes), so the resumed crawl walks the same pages without fetching them again
    and without archiving them twice. A POST is replayed only from a capture whose archived request
    carried the same body (a data proxy answers by its form). A 304 is replayed as the capture it
    confirmed, as `ConditionalRequestMiddleware` did the first time. Sits at order 960, just before
    the downloader.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        spider = self.crawler.spider
        if not getattr(spider, "resuming", False):
            return None
        db, crawl_id = spider.archive.db, spider.archive.crawl_id
        if request.method == "GET":
            capture = index.captured_in(db, crawl_id, request.url)
        else:
            capture = index.answered_in(db, crawl_id, request.url, request.method, sha256_hex(request.body))
        if capture is not None and capture.status == 304:
            capture = index.get_capture(db, capture.refers_to or "")
            request.meta["not_modified"] = True
        if capture is None:
            return None
        status, headers, body = spider.archive.read_response(capture)
        request.meta["capture"] = capture.record_id
        request.meta["from_archive"] = True
        self.crawler.stats.inc_value("gongkai/replayed")
        return _replayed(request, status, headers, body)


class ConditionalRequestMiddleware:
    """Ask with If-None-Match / If-Modified-Since when an earlier crawl has the page, and use its copy on 304.

    The validators come from the response archived last time. A 304 is archived like every other
    response (by `ArchiveMiddleware`, which runs before this one on the way back); the callbacks then
    get the archived copy, so an unchanged page costs the portal one small answer.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        spider = self.crawler.spider
        if request.method != "GET" or request.meta.get("from_archive"):
            return None
        earlier = index.latest_ok_capture(
            spider.archive.db, request.url, before_crawl=spider.archive.crawl_id
        )
        if earlier is None:
            return None
        _, headers, _ = spider.archive.read_response(earlier)
        validators = {k.decode("latin-1").lower(): v for k, v in headers}
        if "etag" in validators:
            request.headers["If-None-Match"] = validators["etag"]
        if "last-modified" in validators:
            request.headers["If-Modified-Since"] = validators["last-modified"]
        if "etag" in validators or "last-modified" in validators:
            request.meta["conditional_on"] = earlier.record_id
        return None

    def process_response(self, request, response):
        if response.status != 304 or "conditional_on" not in request.meta:
            return response
        spider = self.crawler.spider
        earlier = index.get_capture(spider.archive.db, request.meta["conditional_on"])
        status, headers, body = spider.archive.read_response(earlier)
        request.meta["capture"] = earlier.record_id
        request.meta["not_modified"] = True
        self.crawler.stats.inc_value("gongkai/not_modified")
        return _replayed(request, status, headers, body)


def _replayed(request, status: int, headers: list[tuple[bytes, bytes]], body: bytes):
    """A Scrapy response of the right class rebuilt from an archived one."""
    cls = responsetypes.from_args(headers=Headers(headers), url=request.url, body=body)
    return cls(url=request.url, status=status, headers=Headers(headers), body=body, request=request)


class ArchiveMiddleware:
    """Write every response to the archive before anything else looks at it."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if request.meta.get("from_archive"):
            return response
        spider = self.crawler.spider
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, values in response.headers.items()
            for v in values
        ]
        referer = request.headers.get("Referer")
        sent = SentRequest(
            request.method,
            [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, values in request.headers.items()
                for v in values
            ],
            request.body,
        )
        capture = spider.archive.store_response(
            portal=spider.portal.id,
            url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            method=request.method,
            protocol=response.protocol or "HTTP/1.1",
            referer=referer.decode("latin-1") if referer else None,
            request=sent,
            # A 304 to our conditional request: kept as a revisit of the capture it confirmed.
            not_modified_of=request.meta.get("conditional_on") if response.status == 304 else None,
        )
        request.meta["capture"] = capture.record_id
        self.crawler.stats.inc_value("gongkai/captures")
        if capture.record_type == "revisit":
            self.crawler.stats.inc_value("gongkai/revisits")
        return response
