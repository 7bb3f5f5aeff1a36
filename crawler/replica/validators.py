"""HTTP validators (ETag, Last-Modified) and 304 answers, as a static web server gives them.

Real portals differ here, by how a page is made rather than by family: a CMS that publishes static
files (TRS WCM writes ``/xxgk/…/t2023…_1.html`` and ``P0….pdf`` to disk) is served by nginx or
Apache, which send ``ETag`` and ``Last-Modified`` and answer ``If-None-Match`` /
``If-Modified-Since`` with 304; pages rendered per request by a JSP/.NET CMS (public/column lists,
the Hanweb data proxy and download servlet, the gkmlpt and gongkai JSON APIs) send neither. So the
replica gives validators only for files and fixed routes with a body file (never for a servlet or
an API answer), and by default only on the static TRS host; ``--validators`` turns them on for
other hosts, to test conditional requests where an epoch changes documents.

The values are nginx's: ``ETag: "<mtime hex>-<size hex>"`` and ``Last-Modified`` the file's mtime.
A file's mtime is the night of the epoch that last changed it, so a page changed in epoch 2 has new
validators and every other page keeps its epoch-1 ones. Standard library only, as serve.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

# Hosts whose pages are static files (portals.md §4 F): validators on unless the server is told otherwise.
STATIC_HOSTS = ("www.trs.replica.test",)
# When the files of epoch 1 were published; epoch n's changes are n - 1 nights later, at the hour of
# epochs.NIGHTS (23:00 Beijing time).
EPOCH_1_PUBLISHED = datetime(2024, 6, 30, 15, 0, tzinfo=UTC)


def validators(body: bytes, epoch: int) -> dict[str, str]:
    """The ETag and Last-Modified of a file of ``len(body)`` bytes last changed in ``epoch``."""
    modified = EPOCH_1_PUBLISHED + timedelta(days=epoch - 1)
    return {
        "ETag": f'"{int(modified.timestamp()):x}-{len(body):x}"',
        "Last-Modified": format_datetime(modified, usegmt=True),
    }


def not_modified(current: dict[str, str], if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether a conditional request is answered 304 (RFC 9110 §13.2.2: If-None-Match wins when sent).

    If-Modified-Since is compared for equality, as nginx does by default (``if_modified_since exact``).
    """
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or current["ETag"] in tags
    return if_modified_since is not None and if_modified_since.strip() == current["Last-Modified"]
