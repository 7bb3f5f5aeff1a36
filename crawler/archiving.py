"""Downloader middlewares: route replica hosts through the replica, and archive every response.

`ArchiveMiddleware` sits next to the downloader (order 950), where Scrapy's `HttpCacheMiddleware`
stores responses: it sees each response exactly as received — before decompression, redirects,
retries or any callback — so a page the spider fails to parse, an error page, and every retry attempt
are still kept. The capture's WARC-Record-ID is put in ``request.meta["capture"]`` for the callbacks.
"""

from urllib.parse import urlsplit

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


class ArchiveMiddleware:
    """Write every response to the archive before anything else looks at it."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        spider = self.crawler.spider
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, values in response.headers.items()
            for v in values
        ]
        referer = request.headers.get("Referer")
        capture = spider.archive.store_response(
            portal=spider.portal.id,
            url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            method=request.method,
            protocol=response.protocol or "HTTP/1.1",
            referer=referer.decode("latin-1") if referer else None,
        )
        request.meta["capture"] = capture.record_id
        self.crawler.stats.inc_value("gongkai/captures")
        if capture.record_type == "revisit":
            self.crawler.stats.inc_value("gongkai/revisits")
        return response
