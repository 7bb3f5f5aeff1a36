"""Scrapy settings built from a portal config and the run settings, and nothing else.

Politeness is explicit because Scrapy's defaults are not polite: robots.txt and AutoThrottle are off
unless switched on. A portal's `[politeness]` and `[fetch]` tables map onto Scrapy's settings here, in
one place.
"""

PROJECT_URL = "https://github.com/gongkai-archive/gongkai"


def scrapy_settings(portal, run, replica_proxy: str | None = None) -> dict:
    """Settings for one portal's crawler."""
    pol, fetch = portal.politeness, portal.fetch
    return {
        "BOT_NAME": "gongkai",
        "USER_AGENT": _user_agent(fetch.user_agent, run),
        "DEFAULT_REQUEST_HEADERS": {"Accept-Language": "zh-CN,zh;q=0.9", **dict(fetch.headers)},
        "ROBOTSTXT_OBEY": pol.respect_robots,
        "AUTOTHROTTLE_ENABLED": pol.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(pol.delay, 0.5),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": pol.delay,
        "RANDOMIZE_DOWNLOAD_DELAY": pol.jitter > 0,
        "CONCURRENT_REQUESTS": max(pol.concurrency, 1) * 2,
        "CONCURRENT_REQUESTS_PER_DOMAIN": pol.concurrency,
        "CLOSESPIDER_PAGECOUNT": pol.max_requests_per_run,
        "COOKIES_ENABLED": fetch.cookies,
        "DOWNLOAD_TIMEOUT": fetch.read_timeout,
        "DOWNLOAD_MAXSIZE": fetch.max_body_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": fetch.retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "REDIRECT_MAX_TIMES": fetch.max_redirects,
        # The archive keeps error pages too; callbacks still only see 2xx (errback gets the rest).
        "HTTPERROR_ALLOW_ALL": False,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.archiving.ReplicaRoutingMiddleware": 700,
            "crawler.archiving.ConditionalRequestMiddleware": 940,
            "crawler.archiving.ArchiveMiddleware": 950,
            "crawler.archiving.ResumeFromArchiveMiddleware": 960,
        },
        "ITEM_PIPELINES": {"crawler.recording.RecordObservations": 100},
        "EXTENSIONS": {"scrapy.extensions.telnet.TelnetConsole": None},
        "GONGKAI_REPLICA_PROXY": replica_proxy,
        "LOG_LEVEL": getattr(run, "log_level", "WARNING"),
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }


def _user_agent(choice: str, run) -> str:
    honest = getattr(run, "user_agent", "") or f"gongkai/0.1 (+{PROJECT_URL})"
    if choice in ("", "default"):
        return honest
    if choice == "browser":
        return (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Safari/537.36"
        )
    return choice
