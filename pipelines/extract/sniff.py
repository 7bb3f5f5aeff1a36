"""Tell what kind of document a payload is: by its bytes first, then its Content-Type, then its URL.

Bytes come first because portals mislabel: PDFs served as ``text/html`` or ``application/octet-stream``,
HTML error pages served under ``….pdf`` URLs, ``.doc`` links to DOCX files.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)[\s>]",
                        re.IGNORECASE | re.DOTALL)

CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/wps-office.doc": "doc",
    "application/kswps": "doc",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/wps-office.xls": "xls",
    "text/plain": "text",
}

EXTENSIONS = {
    "html": "html", "htm": "html", "shtml": "html", "xhtml": "html", "jsp": "html", "asp": "html",
    "aspx": "html", "php": "html", "pdf": "pdf", "docx": "docx", "doc": "doc", "wps": "doc",
    "xlsx": "xlsx", "xls": "xls", "et": "xls", "txt": "text",
}


def sniff(body: bytes, content_type: str | None = None, url: str = "") -> str:
    """The document kind: html | pdf | docx | doc | xlsx | xls | text, or "unknown".

    1. Magic bytes: ``%PDF-`` in the first KiB; a ZIP holding ``word/document.xml`` (docx) or ``xl/``
       (xlsx); an OLE2 file holding a ``WordDocument`` (doc) or ``Workbook``/``Book`` stream (xls);
       markup that opens like HTML.
    2. The Content-Type header (parameters ignored).
    3. The URL's file extension (query and fragment ignored).
    """
    return sniff_bytes(body) or declared_kind(content_type, url) or "unknown"


def declared_kind(content_type: str | None, url: str = "") -> str | None:
    """The kind the server claims: by Content-Type, else by URL extension; None if neither says."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in CONTENT_TYPES:
        return CONTENT_TYPES[mime]
    path = urlsplit(url).path if url else ""
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return EXTENSIONS.get(extension)


def sniff_bytes(body: bytes) -> str | None:
    """The kind the bytes themselves show, or None when they show none."""
    if b"%PDF-" in body[:1024]:
        return "pdf"
    if body.startswith(ZIP_MAGIC):
        return _zip_kind(body)
    if body.startswith(OLE_MAGIC):
        return _ole_kind(body)
    if HTML_START.match(body[:4096].lstrip(b"\xef\xbb\xbf")):
        return "html"
    return None


def _zip_kind(body: bytes) -> str | None:
    """docx or xlsx by the ZIP's member names; None for other or unreadable ZIPs."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def _ole_kind(body: bytes) -> str | None:
    """doc or xls by the OLE2 directory's stream names (stored as UTF-16LE), None if neither is found."""
    if "WordDocument".encode("utf-16-le") in body:
        return "doc"
    if "Workbook".encode("utf-16-le") in body or "Book\x00".encode("utf-16-le") in body:
        return "xls"
    return None
