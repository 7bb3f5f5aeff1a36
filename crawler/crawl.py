"""Running a crawl: one Scrapy crawler per portal, one crawl id and one WARC file for the run."""

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from twisted.internet import task

from archive.store import Archive
from crawler.settings import scrapy_settings
from crawler.spiders.column import ColumnSpider


@dataclass
class CrawlSummary:
    """What a crawl did, for the closing summary and the crawls table."""

    crawl_id: str
    resumed: bool = False
    seconds: float = 0.0
    responses: int = 0
    revisits: int = 0
    documents: int = 0
    attachments: int = 0
    issues: dict[str, int] = field(default_factory=dict)
    per_portal: dict[str, dict] = field(default_factory=dict)

    @property
    def failures(self) -> int:
        return sum(self.issues.values())


class Progress:
    """Scrapy extension: a live status line on a terminal, one closing line per portal everywhere."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.loop = task.LoopingCall(self.show)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def line(self) -> str:
        stats = self.crawler.stats
        issues = sum(v for k, v in stats.get_stats().items() if k.startswith("gongkai/issues/"))
        return (
            f"crawl {self.crawler.spider.portal.id}: {stats.get_value('gongkai/captures', 0)} responses, "
            f"{stats.get_value('gongkai/observations/document', 0)} documents, {issues} issues"
        )

    def show(self) -> None:
        sys.stderr.write("\r" + self.line() + "   ")
        sys.stderr.flush()

    def opened(self, spider) -> None:
        if sys.stderr.isatty():
            self.loop.start(1.0, now=False)

    def closed(self, spider, reason) -> None:
        if self.loop.running:
            self.loop.stop()
            sys.stderr.write("\r")
        sys.stderr.write(self.line() + f" ({reason})\n")


def run_crawl(
    portals: list,
    data_dir: Path,
    run_settings,
    replica_proxy: str | None = None,
    budget_seconds: float | None = None,
) -> CrawlSummary:
    """Crawl the given portals into ``data_dir/archive`` and return what happened.

    ``budget_seconds`` caps each portal's crawl (a slow portal cannot eat the night); a portal that
    runs out of time closes with reason ``closespider_timeout`` and is resumed by the next run.
    Runs the Twisted reactor, so it can be called once per process (the CLI runs it once).
    """
    archive = Archive(Path(data_dir) / "archive")
    ids = [p.id for p in portals]
    interrupted = archive.interrupted_crawl(ids)
    if interrupted:
        archive.resume_crawl(interrupted)
        crawl_id = interrupted
    archive.close_interrupted()
    if not interrupted:
        crawl_id = archive.begin_crawl(ids)
    started = time.monotonic()
    process = CrawlerProcess(settings={"LOG_LEVEL": "WARNING", "LOG_INSTALL_ROOT_HANDLER": True})
    crawlers = []
    for portal in portals:
        settings = scrapy_settings(portal, run_settings, replica_proxy)
        settings["EXTENSIONS"] = {**settings["EXTENSIONS"], "crawler.crawl.Progress": 500}
        if budget_seconds:
            settings["CLOSESPIDER_TIMEOUT"] = budget_seconds
        # Per-portal settings ride on a subclass: Scrapy reads them from `custom_settings`.
        spidercls = type(
            f"ColumnSpider_{portal.id.replace('-', '_')}", (ColumnSpider,), {"custom_settings": settings}
        )
        crawler = process.create_crawler(spidercls)
        crawlers.append((portal, crawler))
        process.crawl(crawler, portal=portal, archive=archive, resuming=bool(interrupted))
    status = "finished"
    try:
        process.start()
    except BaseException:
        status = "failed"
        raise
    finally:
        summary = _summarise(crawl_id, crawlers, time.monotonic() - started)
        summary.resumed = bool(interrupted)
        if status == "finished" and any(
            p["finish_reason"] == "closespider_timeout" for p in summary.per_portal.values()
        ):
            status = "incomplete"  # a portal ran out of its time budget
        archive.end_crawl(summary.__dict__, status=status)
        archive.close()
    return summary


def _summarise(crawl_id: str, crawlers: list, seconds: float) -> CrawlSummary:
    summary = CrawlSummary(crawl_id=crawl_id, seconds=round(seconds, 1))
    for portal, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summary.per_portal[portal.id] = {
            **{k: v for k, v in stats.items() if k.startswith("gongkai/")},
            "finish_reason": stats.get("finish_reason"),
            "requests": stats.get("downloader/request_count", 0),
        }
        summary.responses += stats.get("gongkai/captures", 0)
        summary.revisits += stats.get("gongkai/revisits", 0)
        summary.documents += stats.get("gongkai/observations/document", 0)
        summary.attachments += stats.get("gongkai/observations/attachment", 0)
        for key, value in stats.items():
            if key.startswith("gongkai/issues/"):
                code = key.removeprefix("gongkai/issues/")
                summary.issues[code] = summary.issues.get(code, 0) + value
    return summary
