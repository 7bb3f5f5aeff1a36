"""When a page is not what was asked for: error statuses, download failures, challenges and soft 404s.

Each function says what a failure or an odd page means, as data: the issue to record (keyword
arguments of the spider's ``_issue``), or the observation to yield. The spider records and yields.
"""

from urllib.parse import urlsplit

from parsel import Selector
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

GONE_STATUSES = (404, 410)


def is_challenge(blocking, response) -> bool:
    """A 200 page that is a challenge: small, and carrying a challenge marker."""
    if len(response.body) > 20_000:
        return False
    head = response.body.decode("utf-8", "replace")
    return any(marker in head for marker in blocking.challenge_markers)


def is_soft_404(blocking, page_sel: Selector, text: str) -> bool:
    """A 200 page that says "not found"; a present main-content node overrides the markers (R11)."""
    main = blocking.main_selector
    if main and page_sel.css(main):
        return False
    return any(marker in text for marker in blocking.soft_404_markers)


def blocked_issue(response, why: str) -> dict:
    """The issue of a challenge page (瑞数 412, 加速乐 521, a JS cookie gate): blocked, not solved."""
    return {
        "code": "blocked",
        "message": f"{why} {response.status} at {response.url}: the portal asks for a browser challenge",
        "url": response.url,
        "capture": response.meta.get("capture"),
        "fix": "not solved by design; try later, from another network, or ask the portal's webmaster",
    }


def blocked(response) -> dict:
    """The ``blocked`` observation: never a document, nor evidence that one is gone."""
    return {
        "type": "blocked",
        "url": response.url,
        "status": response.status,
        "_capture": response.meta.get("capture"),
    }


def end_of_list(request, status: int) -> bool:
    """A 404 for a list page of a column whose lists end that way (``stop_on = ["http_404"]``).

    The served window is smaller than the category (gkmlpt): the end of the list, not an error.
    """
    return (
        bool(request.meta.get("list_page"))
        and status == 404
        and "http_404" in request.cb_kwargs["column"].pagination.stop_on
    )


def http_issue(request, response) -> dict:
    """The issue of an error status that is neither a challenge nor the end of a list."""
    return {
        "code": f"http-{response.status}",
        "message": f"HTTP {response.status} for {request.url}",
        "url": request.url,
        "capture": response.meta.get("capture"),
        "fix": "kept in the archive; if the page moved, update the portal config",
    }


def download_issue(failure) -> dict:
    """The issue of a request that ended in an exception: too large, no such host, timeout, other."""
    request = failure.request
    if failure.check(DownloadCancelledError, CancelledError):
        return {
            "code": "too-large",
            "message": f"download stopped: {request.url} is larger than the limit of "
            f"{request.meta.get('download_maxsize')} bytes",
            "url": request.url,
            "fix": "raise [attachments] max_bytes (files) or [fetch] max_body_bytes (pages) if it is wanted",
        }
    if failure.check(DNSLookupError):
        return {
            "code": "dns-lookup-failed",
            "message": f"host not found: {urlsplit(request.url).hostname}",
            "url": request.url,
        }
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return {
            "code": "timeout",
            "message": f"no answer within the download timeout for {request.url}",
            "url": request.url,
            "fix": "raise fetch.read_timeout for this portal, or retry later",
        }
    return {
        "code": "download-error",
        "message": f"{failure.type.__name__}: {failure.getErrorMessage()}",
        "url": request.url,
    }
