"""Open the ZIP container of a DOCX or XLSX safely: refuse zip bombs and XML bombs before parsing anything.

1. Zip bombs: the members' declared sizes are summed before anything is inflated (``<kind>-too-large``).
2. XML bombs and external entities: every member is read up to its root element, and one that declares a
   DTD (``<!DOCTYPE``) is refused (``<kind>-xml-entities``). Billion laughs, quadratic blowup and XXE
   (``<!ENTITY x SYSTEM "file:///etc/passwd">``) all need a DTD, and Office Open XML never has one
   (ECMA-376 Part 2 forbids it), so nothing legitimate is lost. python-docx and sheets.py also parse
   with entity resolution off; this check turns the attack into a clear failure row.

Member names are only ever looked up inside the ZIP, never used as paths on disk.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from archive.errors import ExtractionError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a real report attachment inflates to a few MB at most
# Office XML deflates about 5–30 times; a zip bomb by thousands. Only looked at past MIN_RATIO_CHECK bytes,
# so tiny files with one repetitive part do not trip it.
MAX_RATIO = 200
MIN_RATIO_CHECK = 20 * 1024 * 1024
MAX_MEMBERS = 10_000  # a DOCX has 10–50 parts; a workbook a few per sheet
PROLOG_CHUNK = 64 * 1024  # bytes inflated at a time while looking for a DOCTYPE


class _PrologEnd(Exception):
    """Raised by `_Prolog` to stop parsing; ``args[0]`` is True if a DOCTYPE came first."""


class _Prolog:
    """lxml parser target that stops at the DOCTYPE (before its entities are read) or the root element."""

    def doctype(self, *args: object) -> None:
        raise _PrologEnd(True)

    def start(self, *args: object) -> None:
        raise _PrologEnd(False)

    def close(self) -> None:
        return None


def open_zip(body: bytes, kind: str) -> zipfile.ZipFile:
    """The payload as a ZipFile, after checking its declared sizes and that no part declares a DTD.

    Raises ExtractionError ``<kind>-unreadable`` for a broken ZIP, ``<kind>-too-large`` for one that would
    inflate past 200 MB or by an absurd ratio, or has over 10,000 members, and ``<kind>-xml-entities`` for
    a part with a DTD. Checking the declared sizes is enough: a lying size header cannot inflate more,
    because `zipfile` stops every member at its declared ``file_size``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ExtractionError(
            f"{kind}-unreadable",
            f"not a readable {kind.upper()} (ZIP) file: {error}",
            fix="the bytes are kept; check whether the download was truncated",
        ) from error
    try:
        _check_sizes(archive, len(body), kind)
        _refuse_dtds(archive, kind)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_sizes(archive: zipfile.ZipFile, size: int, kind: str) -> None:
    """``<kind>-too-large`` when the members' declared sizes or count look like a zip bomb."""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED or (total > MIN_RATIO_CHECK and total > MAX_RATIO * max(size, 1)):
        raise ExtractionError(
            f"{kind}-too-large",
            f"{kind.upper()} would inflate to {total:,} bytes from {size:,}",
            fix="refused as a possible zip bomb; the bytes are kept",
        )
    if len(infos) > MAX_MEMBERS:
        raise ExtractionError(
            f"{kind}-too-large",
            f"{kind.upper()} holds {len(infos):,} files",
            fix="refused as a possible zip bomb; the bytes are kept",
        )


def _refuse_dtds(archive: zipfile.ZipFile, kind: str) -> None:
    """``<kind>-xml-entities`` for the first member that declares a DTD."""
    for info in archive.infolist():
        if _declares_dtd(archive, info):
            raise ExtractionError(
                f"{kind}-xml-entities",
                f"{info.filename} declares a DTD (<!DOCTYPE …>), which Office files never do",
                fix="refused as a possible XML bomb or external-entity attack; the bytes are kept",
            )


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True if the member, read as XML, has a DOCTYPE before its root element.

    Members are fed to lxml (the parser python-docx uses, so encodings are read alike) a chunk at a
    time, stopping at the root element: usually after the first chunk. Non-XML members (images) stop
    at their first byte with a syntax error, as do damaged parts, which the real parse then reports.
    """
    parser = etree.XMLParser(target=_Prolog(), resolve_entities=False, no_network=True, load_dtd=False)
    try:
        with archive.open(info) as member:
            while chunk := member.read(PROLOG_CHUNK):
                parser.feed(chunk)
            parser.close()
    except _PrologEnd as end:
        return bool(end.args[0])
    except (
        etree.XMLSyntaxError,
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ):  # not XML, damaged, encrypted or an unknown compression
        return False  # the parse proper reports it
    return False
