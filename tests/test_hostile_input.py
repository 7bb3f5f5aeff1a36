"""Hostile payloads: each is refused with its own code, quickly, and the run goes on.

Every hostile file is crafted here. Time bounds are loose (seconds, not milliseconds): they catch a
hang or a runaway inflation, not a slowdown; speed targets belong to benchmarks.
"""

import faulthandler
import io
import os
import signal
import struct
import tempfile
import time
import zipfile
import zlib

import docx
import pytest

from archive.errors import ExtractionError
from pipelines.extract import MAX_PAYLOAD_BYTES, Extraction, extract, pdf, ziputil
from pipelines.extract.sandbox import run_limited

MB = 1024 * 1024
TEXT = b"BT /F1 12 Tf 72 700 Td (Report 2023 total 447228) Tj ET"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
    b"/Contents 4 0 R >>"
)
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
A1_SHARED = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'  # shared string 0
BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


class Clock:
    """Seconds since the `with` block began, read as ``clock.seconds`` after it ends."""

    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.start


def refused(body: bytes, **kwargs) -> tuple[ExtractionError, float]:
    """The ExtractionError that ``extract(body, **kwargs)`` raises, and how many seconds that took."""
    with Clock() as clock, pytest.raises(ExtractionError) as raised:
        extract(body, **kwargs)
    return raised.value, clock.seconds


def pdf_file(*objects: bytes) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 the catalog) with a correct cross-reference table."""
    out, offsets = io.BytesIO(b"%PDF-1.4\n"), []
    out.seek(0, io.SEEK_END)
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def stream(data: bytes, filters: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), filters, data)


def report_pdf(catalog: bytes = CATALOG, pages: bytes = PAGES, content: bytes = stream(TEXT), *more) -> bytes:
    """A one-page PDF reading "Report 2023 total 447228"; parts replaced or added to make it hostile."""
    return pdf_file(catalog, pages, PAGE, content, FONT, *more)


def zeros_deflated(megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``megabytes`` MiB of zero bytes (about 1000:1), and its CRC-32.

    One MiB is compressed once, flushed so it stands alone, and repeated: seconds faster than zlib
    compressing the whole run, which would take longer than the check under test.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(bytes(MB), crc)
    return block * megabytes + b"\x03\x00", crc  # b"\x03\x00": an empty final block


def flate_bomb(megabytes: int) -> bytes:
    """A /FlateDecode stream body (zlib format) that inflates to ``megabytes`` MiB of zeros."""
    deflated, _ = zeros_deflated(megabytes)
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(bytes(MB), checksum)
    return b"\x78\xda" + deflated + struct.pack(">I", checksum)


def zip_with_deflated(name: str, deflated: bytes, crc: int, size: int) -> bytes:
    """A ZIP of one member, its deflated bytes given: written by hand, since zipfile compresses itself."""
    encoded = name.encode()
    fields = (8, 0, 33, crc, len(deflated), size, len(encoded))  # deflate, 1980-01-01, sizes, name length
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, 0)
    directory = central + encoded
    offset = len(local) + len(encoded) + len(deflated)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), offset, 0)
    return local + encoded + deflated + directory + end


def made_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezipped(
    body: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """The ZIP ``body`` with some members' bytes replaced and members added (names taken as given)."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(body)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in add.items():
            target.writestr(zipfile.ZipInfo(name), data)  # a ZipInfo keeps "../" and a leading "/"
    return out.getvalue()


def docx_body(inner_xml: str, prolog: bytes = b"") -> bytes:
    """A python-docx DOCX whose word/document.xml is replaced by ``prolog`` and a body of ``inner_xml``."""
    document = f"<w:document {W}><w:body>{inner_xml}</w:body></w:document>".encode()
    return rezipped(made_docx("placeholder"), replace={"word/document.xml": prolog + document})


def xlsx_file(sheet_xml: str, shared_strings: bytes | None = None) -> bytes:
    """A minimal one-sheet XLSX; ``sheet_xml`` goes inside ``<worksheet>``."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    sheets = '<sheets><sheet name="表1" r:id="rId1"/></sheets>'
    parts = {
        "xl/workbook.xml": f"<workbook {main} {rel}>{sheets}</workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f"<worksheet {main}>{sheet_xml}</worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


def files_under(root) -> set[str]:
    return {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}


# Payload size


def test_payload_over_the_size_limit_is_refused_before_parsing():
    body = report_pdf()
    assert extract(body).text == "Report 2023 total 447228"
    error, seconds = refused(body, max_bytes=len(body) - 1)
    assert error.code == "payload-too-large"
    assert error.message == f"the payload is {len(body):,} bytes, over the {len(body) - 1:,}-byte limit"
    assert MAX_PAYLOAD_BYTES == 200 * MB
    assert seconds < 5


# PDF: one child process per PDF, with a time and a memory limit


def test_pdf_is_parsed_in_a_child_process(monkeypatch):
    monkeypatch.setattr(pdf, "_extract_pdf", lambda body: Extraction("pdf", "pdfminer", f"pid {os.getpid()}"))
    assert extract(report_pdf()).text != f"pid {os.getpid()}"


def test_pdf_whose_page_tree_is_a_reference_loop_is_stopped_by_the_time_limit():
    # /Pages → 6 0 R → 7 0 R → 6 0 R …: pdfminer's resolve1 follows the references for ever.
    looping = report_pdf(b"<< /Type /Catalog /Pages 6 0 R >>", PAGES, stream(TEXT), b"7 0 R", b"6 0 R")
    error, seconds = refused(looping, time_limit=1)
    assert error.code == "pdf-timeout"
    assert error.message == "PDF parsing stopped after 1 s"
    assert error.fix.startswith("the bytes are kept")
    assert seconds < 10


def test_pdf_page_tree_thousands_of_levels_deep_is_too_complex():
    depth = 5000  # each Pages node's only kid is the next one; the last holds the page
    nodes = [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (7 + level) for level in range(depth - 1)]
    deep = report_pdf(b"<< /Type /Catalog /Pages 6 0 R >>", PAGES, stream(TEXT), *nodes, PAGES)
    error, seconds = refused(deep)
    assert error.code == "pdf-too-complex"
    assert error.message.startswith("PDF is too complex to parse: RecursionError: maximum recursion depth")
    assert seconds < 20


def test_pdf_pages_node_listing_itself_among_its_kids_is_read_once():
    result = extract(report_pdf(pages=b"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 1 >>"))
    assert (result.text, result.pages) == ("Report 2023 total 447228", 1)


def test_pdf_flate_bomb_is_stopped_by_the_memory_limit():
    bomb = report_pdf(content=stream(flate_bomb(256), b"/Filter /FlateDecode "))
    assert len(bomb) < 300 * 1024  # 256 MiB inflated from about a thousandth of that
    with Clock() as clock, pytest.raises(ExtractionError) as raised:
        pdf.extract_pdf(bomb, memory_limit=64 * MB)
    assert raised.value.code == "pdf-too-complex"
    assert raised.value.message.startswith("PDF is too complex to parse: MemoryError")
    assert raised.value.fix == "the bytes are kept; it nests too deep or needs over 64 MB to parse"
    assert clock.seconds < 20


def test_pdf_parser_killed_by_a_signal_is_pdf_unreadable(monkeypatch):
    def crash(body):
        faulthandler.disable()  # pytest's, inherited by the child: it would print the child's stack
        os.kill(os.getpid(), signal.SIGSEGV)

    monkeypatch.setattr(pdf, "_extract_pdf", crash)
    error, seconds = refused(report_pdf())
    assert error.code == "pdf-unreadable"
    assert error.message == "cannot read the PDF: the parser process died (signal SIGSEGV)"
    assert seconds < 10


# DOCX and XLSX: zip bombs, XML bombs, external entities


def test_docx_of_zeros_compressed_1000_to_1_is_refused_without_inflating(monkeypatch):
    deflated, crc = zeros_deflated(250)
    bomb = zip_with_deflated("word/document.xml", deflated, crc, 250 * MB)
    assert len(bomb) < 300 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive, archive.open("word/document.xml") as member:
        assert member.read(MB) == bytes(MB)  # a genuine run of zeros, not just a lying size header
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: pytest.fail("a member was inflated"))
    error, seconds = refused(bomb)
    assert error.code == "docx-too-large"
    assert error.message == f"DOCX would inflate to {250 * MB:,} bytes from {len(bomb):,}"
    assert seconds < 5


def test_docx_with_ten_thousand_and_one_members_is_refused():
    many = rezipped(made_docx("一、总体情况"), add={f"word/media/{n}.bin": b"" for n in range(10_001)})
    error, seconds = refused(many)
    assert error.code == "docx-too-large"
    assert error.message == f"DOCX holds {len(zipfile.ZipFile(io.BytesIO(many)).namelist()):,} files"
    assert seconds < 10


def test_docx_with_billion_laughs_is_refused_within_small_time_and_memory():
    bomb = docx_body("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=BILLION_LAUGHS)
    with Clock() as clock, pytest.raises(ExtractionError) as raised:  # 200 MB: far below 3 GB of "lol"s
        run_limited(extract, bomb, kind="docx", time_limit=30, memory_limit=200 * MB)
    assert raised.value.code == "docx-xml-entities"
    assert raised.value.message == (
        "word/document.xml declares a DTD (<!DOCTYPE …>), which Office files never do"
    )
    assert clock.seconds < 10


def test_xlsx_with_quadratic_blowup_in_shared_strings_is_refused():
    entity = b"a" * 100_000  # referenced 100,000 times: 10 GB if expanded
    shared = b'<!DOCTYPE sst [<!ENTITY a "%s">]>%s<si><t>%s</t></si></sst>' % (entity, SST, b"&a;" * 100_000)
    bomb = xlsx_file(A1_SHARED, shared)
    with Clock() as clock, pytest.raises(ExtractionError) as raised:
        run_limited(extract, bomb, kind="xlsx", time_limit=30, memory_limit=200 * MB)
    assert raised.value.code == "xlsx-xml-entities"
    assert raised.value.message.startswith("xl/sharedStrings.xml declares a DTD")
    assert clock.seconds < 10


def test_docx_external_entity_naming_etc_passwd_is_refused():
    xxe = docx_body(
        "<w:p><w:r><w:t>a &x; b</w:t></w:r></w:p>",
        prolog=b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    error, seconds = refused(xxe)
    assert error.code == "docx-xml-entities"
    assert "root:" not in error.message
    assert seconds < 5


def test_docx_external_entity_is_not_resolved_even_past_the_dtd_check(monkeypatch):
    xxe = docx_body(
        "<w:p><w:r><w:t>a &x; b</w:t></w:r></w:p>",
        prolog=b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    monkeypatch.setattr(ziputil, "_refuse_dtds", lambda archive, kind: None)
    assert "root:" not in extract(xxe).text


def test_xlsx_external_entity_is_not_resolved_even_past_the_dtd_check(monkeypatch):
    shared = (
        b'<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SST + b"<si><t>a &x; b</t></si></sst>"
    )
    xxe = xlsx_file(A1_SHARED, shared)
    assert refused(xxe)[0].code == "xlsx-xml-entities"
    monkeypatch.setattr(ziputil, "_refuse_dtds", lambda archive, kind: None)
    assert "root:" not in extract(xxe).text


def test_xlsx_merge_over_the_whole_sheet_is_refused_quickly():
    sheet = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>表</t></is></c></row></sheetData>'
        '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    )
    error, seconds = refused(xlsx_file(sheet))
    assert error.code == "xlsx-unreadable"
    assert error.message == "cannot read the workbook: ValueError('merged ranges cover 17,179,869,184 cells')"
    assert seconds < 5


def test_docx_grid_span_of_a_billion_is_capped():
    span = '<w:tcPr><w:gridSpan w:val="999999999"/></w:tcPr>'
    row = f"<w:tr><w:tc>{span}<w:p><w:r><w:t>合计</w:t></w:r></w:p></w:tc></w:tr>"
    with Clock() as clock:
        (table,) = extract(docx_body(f"<w:tbl>{row}</w:tbl>")).tables
    assert (table.rows[0][0].text, table.rows[0][0].colspan) == ("合计", 1000)
    assert clock.seconds < 5


# Names inside a payload are never paths


def test_docx_member_names_and_targets_with_traversal_write_and_read_nothing_outside(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    workdir = tmp_path / "work" / "deep"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    body = made_docx("一、总体情况")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        rels = archive.read("word/_rels/document.xml.rels")
    evil_rel = (
        b'<Relationship Id="rId99" Target="../../../../../../etc/passwd" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/image"/></Relationships>'
    )
    rels = rels.replace(b"</Relationships>", evil_rel)
    hostile = rezipped(
        body,
        replace={"word/_rels/document.xml.rels": rels},
        add={"../../evil.txt": b"x", f"{outside}/evil.txt": b"y"},
    )
    assert {"../../evil.txt", f"{outside}/evil.txt"} <= set(zipfile.ZipFile(io.BytesIO(hostile)).namelist())
    error, _ = refused(hostile)
    assert error.code == "docx-unreadable"
    assert error.message == (
        "python-docx cannot open the document: "
        "KeyError(\"There is no item named 'etc/passwd' in the archive\")"
    )
    assert files_under(tmp_path) == set()


def test_doc_converter_reads_a_tempfile_with_a_fixed_suffix_whatever_the_url(tmp_path, monkeypatch):
    antiword = tmp_path / "bin" / "antiword"
    antiword.parent.mkdir()
    antiword.write_text('#!/bin/sh\necho "read $5"\n', encoding="utf-8")  # $5: the input file
    antiword.chmod(0o755)
    monkeypatch.setenv("PATH", str(antiword.parent))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    ole_doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
    text = extract(ole_doc, url="https://example.gov.cn/../../etc/evil name.doc").text
    path = text.removeprefix("read ")
    assert os.path.dirname(path) == str(tmp_path / "tmp") and path.endswith(".doc")
    assert "evil" not in path
    assert files_under(tmp_path / "tmp") == set()  # removed once read
