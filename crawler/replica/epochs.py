"""What changes on the replica's later nights: epoch 2 ("the next night") and 3 ("the night after").

A running replica serves one epoch at a time (1 by default: the site as planned); the test harness
moves it on between two crawls through the control port (serve.py), to show what a portal does
over time (portals.md §6, R41–R47). Each epoch is the one before plus the changes of the tables
below, applied to the planned documents (``documents_at``). build.py renders every epoch whole
and keeps only the difference:

- ``site/_epochs/<n>/`` holds the files that changed in epoch n, at the same relative paths as
  under ``site/`` (a page, a list page's body, a Hanweb column's records, a servlet's file), and
  the files new in it (an added document's page). The server looks for a file in
  ``_epochs/<n>/``, then ``_epochs/<n-1>/`` … then ``site/``.
- a route that is not in every epoch carries ``"epochs": {"from": a, "until": b}`` in
  routes.json (a 404, 410 or 412 answer that replaces a page).

Everything else is byte-identical across epochs. manifest.json (``epochs``) lists each change
with its URLs, and every URL whose answer differs from the epoch before.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime

from crawler.replica.plan import NUMBERING, Doc, address
from crawler.replica.sites import AGENCIES, HOSTS

EPOCHS = (1, 2, 3)
# when the crawl of each later epoch runs (its "archived" stamp); the planned site ends in June 2024
NIGHTS = {2: datetime(2024, 7, 1, 23, 0), 3: datetime(2024, 7, 2, 23, 0)}


@dataclass(frozen=True)
class Change:
    """One change to one planned document, in force from ``epoch`` to ``until`` (None: for good)."""

    epoch: int
    kind: str  # a key of EFFECTS
    key: str  # the document (plan.Doc.key)
    until: int | None = None
    fields: dict = field(default_factory=dict)  # Doc fields beyond the kind's EFFECTS


# what each kind of change does to a document (plan.Doc fields); "archived" becomes the night's date
EFFECTS = {
    "changed_report": {},  # a corrected statistic: table, PDF and DOCX change at the same URLs (R41)
    "changed_text": {"revised": True},  # a paragraph of the body rewritten
    "boilerplate_only": {"archived": True},  # visit counter and 归档时间 in the page chrome only (R42)
    "removed_404": {"listed": False, "gone": "http_404"},  # R43
    "removed_410": {"listed": False, "gone": "http_410"},
    "soft_404": {"listed": False, "gone": "soft_404"},  # 200 with a 页面不存在 page (R11, R43)
    "delisted": {"listed": False},  # in no list, its URL unchanged (R43)
    "blocked": {"blocked": True},  # 412 with a 瑞数-style challenge (R10)
    "metadata_only": {"abolished": True},  # 有效性 becomes 失效, outside the main content (R46)
}
CHANGES = (
    Change(
        2,
        "changed_report",
        "yueqing-nyncj-report-2022",
        fields={"correction": ("proactive.art20_5.licensing.decisions", 162)},  # printed 126: digits swapped
    ),
    Change(2, "changed_text", "hanyin-gxs-notice-21"),
    Change(2, "boilerplate_only", "lixian-gxs-notice-32"),
    Change(2, "removed_404", "hanyin-scjgj-notice-17"),
    Change(2, "removed_410", "yueqing-gxs-news-13"),
    Change(2, "soft_404", "lixian-nyncj-news-22"),
    Change(2, "delisted", "hanyin-gxs-announcement-09"),
    Change(2, "blocked", "yueqing-nyncj-notice-09", until=2),
    Change(2, "metadata_only", "yueqing-nyncj-notice-03"),
    Change(3, "changed_text", "lixian-nyncj-notice-29"),
)


@dataclass(frozen=True)
class Added:
    """A document first published in ``epoch``: it heads its agency's catalogue from then on (R25)."""

    epoch: int
    agency: str  # slug
    kind: str
    title: str  # a filler title (filler.topic_of finds its body's topic)
    published: datetime


ADDED = (
    Added(
        2, "lixian-gxs", "notice", "关于做好2024年秋冬种农资储备供应工作的通知", datetime(2024, 7, 1, 9, 12)
    ),
    Added(
        2,
        "lixian-gxs",
        "announcement",
        "澧县供销社关于2024年闲置资产公开招租的公告",
        datetime(2024, 7, 1, 16, 40),
    ),
)


def in_force(epoch: int) -> list[Change]:
    """The changes that hold in ``epoch``."""
    return [c for c in CHANGES if c.epoch <= epoch and (c.until is None or epoch <= c.until)]


def documents_at(epoch: int, planned: list[Doc]) -> list[Doc]:
    """The documents as they stand in ``epoch``: the planned ones, changed, then the added ones."""
    docs = {doc.key: doc for doc in planned}
    for change in in_force(epoch):
        assert change.key in docs, (
            f"epochs.CHANGES names {change.key!r}, which plan.plan_site() does not make"
        )
        docs[change.key] = changed(docs[change.key], change)
    return [*docs.values(), *(doc for item, doc in added_documents(planned) if item.epoch <= epoch)]


def changed(doc: Doc, change: Change) -> Doc:
    """A document with one change applied."""
    effects = EFFECTS[change.kind] | change.fields
    if effects.get("archived"):
        effects = effects | {"archived": NIGHTS[change.epoch]}
    return replace(doc, **effects)


def added_documents(planned: list[Doc]) -> list[tuple[Added, Doc]]:
    """Every added document, addressed; its id follows the last one on its host, as a CMS's would.

    Ids do not depend on the epoch asked for, so a page added in epoch 2 keeps its URL in epoch 3.
    """
    agencies = {agency.slug: agency for agency in AGENCIES}
    result = []
    for host in HOSTS:
        rng = random.Random(f"replica-epoch-ids:{host.name}")
        _, low, high = NUMBERING[host.family]
        number = max(doc.number for doc in planned if doc.agency.host is host)
        for index, item in sorted(enumerate(ADDED), key=lambda pair: pair[1].published):
            if agencies[item.agency].host is not host:
                continue
            number += rng.randint(low, high)
            doc = Doc(
                f"{item.agency}-added-{index + 1}",
                agencies[item.agency],
                item.kind,
                item.title,
                item.published,
                ("catalog",),
                number=number,
            )
            result.append((item, address(doc)))
    return sorted(result, key=lambda pair: ADDED.index(pair[0]))
