"""Each document's status in each crawl: new, changed, unchanged, vanished or blocked.

A document's history is read from the crawler's observations, crawl by crawl:

- a ``document`` observation gives its content: the sha256 of the extracted main text of its page
  (so a changed visit counter or sidebar is not a change), of its metadata fields as printed, and of
  its attachments' bytes;
- a ``gone`` observation (its own URL answered 404 or 410, or a soft-404 page) makes it vanished —
  never its absence from a list, which only means the list's window moved on;
- a ``blocked`` observation (a challenge page) is recorded as blocked: neither a deletion nor a
  new version.

A vanished document keeps its row and its archive; ``gone_since_crawl`` says when its URL stopped
answering, ``last_seen_crawl`` when it last did.
"""

import hashlib
import json
from collections.abc import Callable

STATUS_BY_EVIDENCE = {"gone": "vanished", "blocked": "blocked"}


def statuses(timeline: list[tuple[str, str, str | None]]) -> list[tuple[str, str]]:
    """(crawl, status) for a document's evidence in crawl order: (crawl, kind, content hash).

    ``kind`` is ``document``, ``gone`` or ``blocked``; evidence that comes before the document was
    ever seen (a 404 of a URL that never was a document) is not part of its history.
    """
    out, last_content, seen = [], None, False
    for crawl, kind, content in timeline:
        if kind == "document":
            status = "new" if not seen else ("unchanged" if content == last_content else "changed")
            seen, last_content = True, content
        elif seen:
            status = STATUS_BY_EVIDENCE[kind]
        else:
            continue
        out.append((crawl, status))
    return out


def content_hash(
    page_text: str | None, page_sha: str | None, attachment_shas: list[str], metadata: dict | None = None
) -> str:
    """What counts as the document's content: its main text (or bytes), its metadata fields as printed
    (有效性 turning 失效 is news), and its attachments' bytes. Page chrome is left out."""
    basis = page_text if page_text is not None else (page_sha or "")
    digest = hashlib.sha256(basis.encode("utf-8"))
    digest.update(json.dumps(metadata or {}, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    for sha in sorted(attachment_shas):
        digest.update(sha.encode("ascii"))
    return digest.hexdigest()


def timeline(
    observations: list[dict], crawl_order: dict[str, int], content_of: Callable[[dict], str]
) -> dict[tuple[str, str], list[tuple[str, str, str | None]]]:
    """Evidence per (portal, url), in crawl order; at most one piece of evidence per crawl."""
    per_doc: dict[tuple[str, str], dict[str, tuple[str, str | None]]] = {}
    for obs in observations:
        kind = obs["data"].get("type")
        if kind not in ("document", "gone", "blocked"):
            continue
        crawl = per_doc.setdefault((obs["portal"], obs["url"]), {})
        # Within one crawl a document page beats a gone or blocked answer to a second request.
        if kind == "document" or obs["crawl_id"] not in crawl:
            crawl[obs["crawl_id"]] = (kind, content_of(obs) if kind == "document" else None)
    return {
        key: [(c, k, h) for c, (k, h) in sorted(crawls.items(), key=lambda kv: crawl_order.get(kv[0], 0))]
        for key, crawls in per_doc.items()
    }
