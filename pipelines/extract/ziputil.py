"""Open the ZIP container of a DOCX or XLSX safely: refuse zip bombs before inflating anything."""

from __future__ import annotations

import io
import zipfile

from archive.errors import ExtractionError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a real report attachment inflates to a few MB at most
# Office XML deflates about 5–30 times; a zip bomb by thousands. Only looked at past MIN_RATIO_CHECK bytes,
# so tiny files with one repetitive part do not trip it.
MAX_RATIO = 200
MIN_RATIO_CHECK = 20 * 1024 * 1024


def open_zip(body: bytes, kind: str) -> zipfile.ZipFile:
    """The payload as a ZipFile, after checking its declared sizes.

    Raises ExtractionError ``<kind>-unreadable`` for a broken ZIP and ``<kind>-too-large`` for one that
    would inflate past 200 MB or by an absurd ratio. Checking the declared sizes is enough: a lying size
    header cannot inflate more, because `zipfile` stops every member at its declared ``file_size``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ExtractionError(f"{kind}-unreadable", f"not a readable {kind.upper()} (ZIP) file: {error}",
                              fix="the bytes are kept; check whether the download was truncated") from error
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED or (total > MIN_RATIO_CHECK and total > MAX_RATIO * max(len(body), 1)):
        archive.close()
        raise ExtractionError(f"{kind}-too-large",
                              f"{kind.upper()} would inflate to {total:,} bytes from {len(body):,}",
                              fix="refused as a possible zip bomb; the bytes are kept")
    return archive

