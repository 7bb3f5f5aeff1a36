"""Decode HTML (and plain-text) bytes from Chinese government portals into text.

Shared by the crawler and the extract stage; it imports nothing from either.

Portals lie about encodings in predictable ways: a server default of ``utf-8`` or ``iso-8859-1`` in the
HTTP header over a page written in GBK, a ``gb2312`` label on pages that use GBK-only characters (镕, 喆,
堃 are not in GB 2312), a ``<meta charset>`` that disagrees with the header. So every declared label is
*validated by a strict decode* before it is believed. The order:

1. A byte-order mark (UTF-8, UTF-16) wins: it cannot be there by accident.
2. The HTTP header charset, if the bytes decode strictly with it.
3. The ``<meta charset>`` / ``http-equiv`` / XML declaration label, if the bytes decode strictly with it.
4. UTF-8, strictly (``source="detected"``).
5. GB 18030, strictly (``source="detected"``); it is a superset of GB 2312 and GBK.
6. GB 18030 with replacement characters (``source="fallback"``): the text is usable, some characters lost.

Two refinements, because a strict decode proves less for some codecs than for others:

- GB 18030 accepts most byte sequences, UTF-8 text included. Non-ASCII bytes that are valid UTF-8 are
  UTF-8 in practice, so they refute a GB (or any non-UTF-8) label in steps 2–3.
- Single-byte western codecs (``iso-8859-1``, ``windows-1252``) accept every byte sequence; servers send
  them as a default. On non-ASCII bytes they are tried last, after step 5.

Labels ``gb2312``, ``gbk``, ``cp936`` (and aliases) are read as GB 18030, because real pages so labelled
carry GBK-only characters and a strict GB 2312 decode would fail or, worse, drop them.

When the header names a codec that fails while another step succeeds, ``Decoded.mismatch`` says so in
one sentence; the extract stage turns it into an ``Issue`` with code ``charset-mismatch``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Labels for GB 2312 and its extensions, as servers and pages spell them.
GB_LABELS = frozenset(
    {
        "gb2312",
        "gb_2312",
        "gb_2312-80",
        "gbk",
        "x-gbk",
        "cp936",
        "ms936",
        "windows-936",
        "csgb2312",
        "euc-cn",
        "chinese",
        "iso-ir-58",
    }
)

# Single-byte western codecs decode any byte sequence, so a strict decode cannot disprove them. Servers
# (Tomcat, IIS) send them as a default; on a Chinese portal with non-ASCII bytes they are almost always
# wrong, so the page's own label and UTF-8 are tried before them.
WESTERN_CODECS = frozenset({"latin-1", "iso8859-1", "cp1252", "iso8859-15"})

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)

# Government pages often put long comment blocks and scripts before the <meta>; read further than the
# 1024 bytes of the HTML5 prescan.
META_SCAN_BYTES = 65536


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the codec used and where the choice came from."""

    text: str
    encoding: str  # Python codec name actually used, e.g. "utf-8", "gb18030"
    source: str  # header | bom | meta | detected | fallback
    mismatch: str | None = None  # one sentence when a declared charset was wrong


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header value, or None.

    >>> charset_from_content_type("text/html; charset=GBK")
    'GBK'
    """
    if not content_type:
        return None
    match = HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def codec_for(label: str | None, gb2312_as: str = "gb18030") -> str | None:
    """The Python codec name for a charset label, or None when the label is unknown or empty."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in GB_LABELS:
        label = gb2312_as
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def meta_charset(body: bytes) -> str | None:
    """The charset label a page declares about itself (``<meta>`` or XML declaration), or None."""
    head = body[:META_SCAN_BYTES]
    match = META_CHARSET.search(head) or XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(body: bytes, header_charset: str | None = None, gb2312_as: str = "gb18030") -> Decoded:
    """Decode an HTML or text payload, trusting declared charsets only when the bytes agree.

    See the module docstring for the order. ``header_charset`` is the ``charset=`` of the HTTP
    Content-Type (use `charset_from_content_type`); ``gb2312_as`` is the codec used for GB 2312/GBK labels.
    """
    for bom, codec in BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(codec, "replace"), codec, "bom")
    header = codec_for(header_charset, gb2312_as)
    meta_label = meta_charset(body)
    meta = codec_for(meta_label, gb2312_as)
    doubtful_header = header in WESTERN_CODECS and not body.isascii()
    if header and not doubtful_header and (text := _fits(body, header)) is not None:
        return Decoded(text, header, "header")
    decoded = _decode_undeclared(body, meta)
    if doubtful_header and decoded.source == "fallback":
        # Nothing else fits either: the western header may be right after all.
        return Decoded(body.decode(header), header, "header")
    return _with_mismatch(
        decoded,
        _declared("header says", header_charset, header),
        _declared("page declares", meta_label, meta),
    )


def _decode_undeclared(body: bytes, meta: str | None) -> Decoded:
    """Steps 3–6: the page's own label, then UTF-8, then GB 18030, then GB 18030 with replacements."""
    if meta and meta not in WESTERN_CODECS and (text := _fits(body, meta)) is not None:
        return Decoded(text, meta, "meta")
    for codec in ("utf-8", "gb18030"):
        if (text := _strict(body, codec)) is not None:
            return Decoded(text, codec, "detected")
    if meta in WESTERN_CODECS:
        # A western label on bytes that are neither UTF-8 nor GB 18030: believe it.
        return Decoded(body.decode(meta), meta, "meta")
    return Decoded(body.decode("gb18030", "replace"), "gb18030", "fallback")


def _declared(who: str, label: str | None, codec: str | None) -> tuple[str, str, str | None] | None:
    """A declaration as (who, label, codec) for `_with_mismatch`; None when nothing was declared."""
    if not label:
        return None
    return who, label.strip().lower(), codec


def _with_mismatch(
    decoded: Decoded, header: tuple[str, str, str | None] | None, meta: tuple[str, str, str | None] | None
) -> Decoded:
    """Attach a one-sentence `mismatch` when the header's (else the page's) label did not decode the bytes."""
    declared = header or meta
    if declared is None or declared[2] == decoded.encoding:
        return decoded
    who, label, codec = declared
    if codec is None:
        why = f"{label!r}, which is not a known encoding"
    elif codec in WESTERN_CODECS:
        why = f"{label}, which fits any bytes but not this page"
    elif decoded.encoding == "utf-8":
        why = f"{label} but bytes are utf-8"
    else:
        why = f"{label} but bytes are not {codec}"
    note = f"{who} {why}; decoded as {decoded.encoding} ({decoded.source})"
    return Decoded(decoded.text, decoded.encoding, decoded.source, note)


def _fits(body: bytes, codec: str) -> str | None:
    """``body`` decoded with a declared ``codec`` if the bytes support the declaration, else None.

    GB 18030 (like Big5) accepts most byte sequences, UTF-8 included, so a strict decode alone cannot
    disprove a GB label on a UTF-8 page. Non-ASCII bytes that are valid UTF-8 are UTF-8 in practice
    (GBK text almost never forms valid UTF-8), so such a page refutes any other label.
    """
    if codec != "utf-8" and not body.isascii() and _strict(body, "utf-8") is not None:
        return None
    return _strict(body, codec)


def _strict(body: bytes, codec: str) -> str | None:
    """``body`` decoded with ``codec``, or None if any byte sequence is invalid in it."""
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
