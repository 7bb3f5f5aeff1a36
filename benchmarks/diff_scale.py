"""Speed and memory of the diff reports on archives far larger than the replica.

1. Crawl diffs: a synthetic ``gongkai.db`` with DOCS documents seen by each of CRAWLS nightly crawls
   (one ``document_status`` row each), a few per night changed, vanished or new; the last two crawls
   are diffed and rendered, as ``gongkai nightly`` does for its digest.
2. Text diffs: a long flattened report (prose sentences with table cells repeated between them, as
   a 200-page PDF extracts) diffed against a copy with a few edits.

Prints seconds and peak memory (max RSS of this process) for each. No targets are asserted here:
the figures go into the changelog and notes when they move.

Usage: python benchmarks/diff_scale.py [DOCS] [CRAWLS]   (default 20000 60)
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.db import open_db  # noqa: E402 — after the path is set up
from pipelines.diff import render  # noqa: E402
from pipelines.diff.crawls import diff_crawls  # noqa: E402
from pipelines.diff.text import diff_text  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(path: Path, docs: int, crawls: int) -> None:
    """DOCS documents over CRAWLS crawls; each night about 0.1% change and 0.05% vanish."""
    db = open_db(path)
    db["crawls"].insert_all(
        {"crawl_id": f"c{n:04d}", "started_at": f"2026-01-01T00:00:00Z+{n:04d}", "portals": None}
        for n in range(crawls)
    )
    db["documents"].insert_all(
        {"id": f"d{j}", "portal": f"p{j % 50}", "url": f"http://x.test/{j}", "title": f"通知{j}"}
        for j in range(docs)
    )
    with db.conn:
        db.conn.executemany(
            "INSERT INTO document_status (document_id, crawl_id, status, evidence, content_sha256,"
            " page_capture) VALUES (?, ?, ?, ?, ?, ?)",
            _status_rows(docs, crawls, random.Random(1)),
        )
    db.close()


def _status_rows(docs: int, crawls: int, rng: random.Random):
    """Generated, not listed: the benchmark's peak memory is the diff's, not the fixture's."""
    content: dict[int, str] = {}
    gone: set[int] = set()
    for n in range(crawls):
        crawl = f"c{n:04d}"
        for j in range(docs):
            if j in gone:
                yield (f"d{j}", crawl, "vanished", "gone", None, None)
                continue
            if rng.random() < 0.001:
                content[j] = f"h{n}"
            if n and rng.random() < 0.0005:
                gone.add(j)
            yield (f"d{j}", crawl, "unchanged", "document", content.get(j, "h"), None)


def crawl_diff(docs: int, crawls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gongkai.db"
        started = time.monotonic()
        build(path, docs, crawls)
        print(f"built {docs} documents x {crawls} crawls in {time.monotonic() - started:.1f} s")
        db = open_db(path)
        started = time.monotonic()
        diff = diff_crawls(db)
        diffed = time.monotonic() - started
        html = render.crawls_html(diff, str(path))
        data = render.crawls_json(diff)
        total = time.monotonic() - started
        print(
            f"crawl diff: {diff.summary()}\n"
            f"  diff {diffed:.2f} s, with HTML and JSON {total:.2f} s; HTML {len(html) / 1e6:.2f} MB,"
            f" JSON {len(data) / 1e6:.2f} MB; peak memory {peak_mb():.0f} MB"
        )


def text_diff(sentences: int) -> None:
    rng = random.Random(2)
    lines = [
        f"第{i}条：本机关依法做好第{i}项工作。" if i % 3 == 0 else str(rng.choice([0, 0, 1, 2, 5]))
        for i in range(sentences)
    ]
    old = "\n".join(lines)
    new = "新标题。\n" + old.replace("第300项", "第三百项").replace("\n2\n", "\n7\n", 20) + "\n落款。"
    started = time.monotonic()
    diff = diff_text(old, new)
    print(
        f"text diff of {sentences} sentences ({len(old)} characters): {diff.summary()};"
        f" {time.monotonic() - started:.2f} s; peak memory {peak_mb():.0f} MB"
    )


def main(argv: list[str]) -> None:
    docs = int(argv[0]) if argv else 20000
    crawls = int(argv[1]) if len(argv) > 1 else 60
    crawl_diff(docs, crawls)
    for sentences in (2_000, 10_000, 40_000):
        text_diff(sentences)


if __name__ == "__main__":
    main(sys.argv[1:])
