"""The extraction stage: archived bytes → readable text and tables. Pure functions, no I/O but the payload.

``extract(body, content_type=…, url=…, main_selector=…)`` sniffs the kind (`sniff`) and hands the bytes
to one module per format, each documenting its own fallback steps:

- ``html.py``  – charset validation, then main_selector → trafilatura → body text; HTML tables.
- ``pdf.py``   – pdfminer.six text page by page; pdfplumber ruled tables with page numbers.
- ``office.py``– DOCX (python-docx, merged cells read from the XML); DOC via antiword/catdoc.
- ``sheets.py``– XLSX from its XML parts; XLS via xls2csv.
- plain text   – decoded like HTML (BOM, header, UTF-8, GB 18030).

Unreadable input raises `ExtractionError` with a stable code (``pdf-unreadable``, ``pdf-no-text-layer``,
``docx-unreadable``, ``docx-too-large``, ``unsupported-format``, ``empty-document`` …); the caller records
it as an Issue and keeps the bytes. Problems that still leave text come back as ``Extraction.issues``
(level "warning"), e.g. ``charset-mismatch``, ``main-selector-missed``, ``kind-mismatch``.

Hostile input (the payloads come from untrusted portals) is refused with its own codes:

- ``payload-too-large``: over ``MAX_PAYLOAD_BYTES`` (200 MB), refused before anything is parsed.
- ``pdf-timeout`` / ``pdf-too-complex``: pdfminer looping, recursing or inflating without end; every PDF
  is parsed in a child process with a time limit (``time_limit``, default 60 s) and a memory limit.
- ``docx-too-large`` / ``xlsx-too-large``: a zip bomb, judged by declared sizes before inflating.
- ``docx-xml-entities`` / ``xlsx-xml-entities``: an XML part with a DTD (billion laughs, external
  entities such as ``file:///etc/passwd``), refused before any part is parsed.

Extraction writes no files except the DOC/XLS converters' input, a `tempfile` with a fixed suffix; names
inside a payload (ZIP members, relationship targets) are never used as paths on disk.

`EXTRACTOR_VERSION` is stored with every extraction: bump it whenever output for the same bytes may
change, so ``gongkai extract`` knows which captures to redo.
"""

from __future__ import annotations

from dataclasses import replace

from archive.charset import charset_from_content_type, decode_html
from archive.errors import ExtractionError

from .html import extract_html
from .model import Cell, Extraction, Table, warning
from .office import extract_doc, extract_docx
from .pdf import PDF_TIME_LIMIT, extract_pdf
from .sheets import extract_xls, extract_xlsx
from .sniff import declared_kind, sniff, sniff_bytes

__all__ = [
    "EXTRACTOR_VERSION",
    "MAX_PAYLOAD_BYTES",
    "PDF_TIME_LIMIT",
    "Cell",
    "Extraction",
    "Table",
    "extract",
    "sniff",
]

EXTRACTOR_VERSION = "1.1.0"
MAX_PAYLOAD_BYTES = 200 * 1024 * 1024  # report attachments are a few MB; scans run to tens of MB

BY_KIND = {"docx": extract_docx, "doc": extract_doc, "xlsx": extract_xlsx, "xls": extract_xls}


def extract(
    body: bytes,
    *,
    content_type: str | None = None,
    url: str = "",
    main_selector: str | None = None,
    time_limit: float = PDF_TIME_LIMIT,
    max_bytes: int = MAX_PAYLOAD_BYTES,
) -> Extraction:
    """Text and tables of one archived payload.

    ``content_type`` is the HTTP Content-Type (its charset is used for HTML and text), ``url`` the
    capture's URL (its extension is the last hint for the kind), ``main_selector`` the portal's CSS
    selector for the content node of HTML pages. ``time_limit`` is the seconds a PDF may take,
    ``max_bytes`` the largest payload parsed at all.

    Raises ExtractionError for input that yields nothing usable.
    """
    _check_size(body, max_bytes)
    kind = sniff(body, content_type, url)
    if kind == "html":
        extraction = extract_html(body, content_type, main_selector)
    elif kind == "text":
        extraction = _extract_text(body, content_type)
    elif kind == "pdf":
        extraction = extract_pdf(body, time_limit=time_limit)
    elif kind in BY_KIND:
        extraction = BY_KIND[kind](body)
    else:
        raise ExtractionError(
            "unsupported-format",
            f"cannot tell what this payload is ({_describe(content_type, url)})",
            fix="the bytes are kept; add a reader for this format if it matters",
        )
    return _checked(extraction, body, content_type, url)


def _check_size(body: bytes, max_bytes: int) -> None:
    """Refuse an empty payload (``empty-document``) or one over ``max_bytes`` (``payload-too-large``)."""
    if not body:
        raise ExtractionError(
            "empty-document",
            "the payload is empty (0 bytes)",
            fix="re-fetch the URL; the server sent nothing",
        )
    if len(body) > max_bytes:
        raise ExtractionError(
            "payload-too-large",
            f"the payload is {len(body):,} bytes, over the {max_bytes:,}-byte limit",
            fix="the bytes are kept; not parsed, as a disclosure document this big is "
            "unusual: open it by hand",
        )


def _extract_text(body: bytes, content_type: str | None) -> Extraction:
    """A plain-text payload, decoded with the same validated-charset rules as HTML.

    Lines are kept as they are: in tab-flattened tables leading empty cells are positions.
    """
    decoded = decode_html(body, charset_from_content_type(content_type))
    issues = [warning("charset-mismatch", decoded.mismatch)] if decoded.mismatch else []
    return Extraction(
        kind="text",
        method="decode",
        text="\n".join(decoded.text.splitlines()),
        encoding=decoded.encoding,
        issues=tuple(issues),
    )


def _checked(extraction: Extraction, body: bytes, content_type: str | None, url: str) -> Extraction:
    """The extraction with a ``kind-mismatch`` warning added, or ``empty-document`` if it holds nothing."""
    if not extraction.text.strip() and not extraction.tables:
        raise ExtractionError(
            "empty-document",
            f"no text found in the {extraction.kind} payload",
            fix="the bytes are kept; an HTML page may be filled in by JavaScript",
        )
    claimed = declared_kind(content_type, url)
    if sniff_bytes(body) and claimed and claimed != extraction.kind:
        note = warning(
            "kind-mismatch",
            f"served as {claimed} ({_describe(content_type, url)}) but the bytes are {extraction.kind}",
            fix="none needed; read as the bytes show",
        )
        extraction = replace(extraction, issues=(*extraction.issues, note))
    return extraction


def _describe(content_type: str | None, url: str) -> str:
    """Content type and URL for a message: "content-type=…, url=…"."""
    return f"content-type={content_type or '-'}, url={url or '-'}"
