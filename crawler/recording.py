"""Item pipeline: what the spider read off a page becomes a WARC metadata record in the archive."""


class RecordObservations:
    """Write each observation item (listing, document, attachment) to the archive."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        spider = self.crawler.spider
        data = {k: v for k, v in item.items() if not k.startswith("_")}
        spider.archive.store_observation(
            portal=spider.portal.id, url=item["url"], capture=item.get("_capture"), data=data
        )
        self.crawler.stats.inc_value(f"gongkai/observations/{item['type']}")
        return item
