"""The archive: WARC records written with warcio, indexed, stored once, read back byte for byte."""

import gzip

from warcio.archiveiterator import ArchiveIterator

from archive.store import Archive, SentRequest, sha256_hex


def _crawl(tmp_path):
    archive = Archive(tmp_path / "archive")
    archive.begin_crawl(["test-portal"])
    return archive


def _store(archive, url, body, status=200):
    return archive.store_response(
        portal="test-portal",
        url=url,
        status=status,
        reason="OK",
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body,
    )


def test_response_is_read_back_byte_for_byte(tmp_path):
    archive = _crawl(tmp_path)
    body = "<p>政府信息公开工作年度报告</p>".encode()
    capture = _store(archive, "http://example.replica.test/a.html", body)
    assert archive.read_payload(capture, decoded=False) == body
    assert capture.payload_sha256 == sha256_hex(body)


def test_payload_seen_before_is_written_as_revisit_record(tmp_path):
    archive = _crawl(tmp_path)
    first = _store(archive, "http://example.replica.test/a.pdf", b"%PDF-1.7 same bytes")
    again = _store(archive, "http://example.replica.test/copy.pdf", b"%PDF-1.7 same bytes")
    assert (first.record_type, again.record_type) == ("response", "revisit")
    assert again.refers_to == first.record_id
    assert archive.read_payload(again) == b"%PDF-1.7 same bytes"


def test_warc_file_holds_each_payload_once_and_revisit_names_the_original(tmp_path):
    archive = _crawl(tmp_path)
    _store(archive, "http://example.replica.test/a", b"one")
    _store(archive, "http://example.replica.test/b", b"one")
    archive.end_crawl({})
    [warc] = (tmp_path / "archive" / "warc").iterdir()
    with open(warc, "rb") as f:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Refers-To-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(f)
        ]
    assert records == [("response", None, b"one"), ("revisit", "http://example.replica.test/a", b"")]


def test_error_pages_are_archived_with_their_status(tmp_path):
    archive = _crawl(tmp_path)
    capture = _store(archive, "http://example.replica.test/gone", b"<h1>404</h1>", status=404)
    row = archive.db.execute(
        "SELECT status, url FROM captures WHERE record_id = ?", (capture.record_id,)
    ).fetchone()
    assert tuple(row) == (404, "http://example.replica.test/gone")


def test_observation_is_kept_as_warc_metadata_record_beside_its_capture(tmp_path):
    archive = _crawl(tmp_path)
    capture = _store(archive, "http://example.replica.test/doc.html", b"<html></html>")
    archive.store_observation(
        portal="test-portal",
        url=capture.url,
        capture=capture.record_id,
        data={"type": "document", "title": "年度报告"},
    )
    archive.end_crawl({})
    [warc] = (tmp_path / "archive" / "warc").iterdir()
    with open(warc, "rb") as f:
        metadata = [
            (r.rec_headers.get_header("WARC-Concurrent-To"), r.content_stream().read().decode())
            for r in ArchiveIterator(f)
            if r.rec_type == "metadata"
        ]
    assert metadata[0][0] == capture.record_id
    assert "年度报告" in metadata[0][1]


def test_transfer_encoding_header_is_renamed_because_the_body_is_stored_dechunked(tmp_path):
    archive = _crawl(tmp_path)
    capture = archive.store_response(
        portal="p",
        url="http://example.replica.test/c",
        status=200,
        headers=[("Transfer-Encoding", "chunked")],
        body=b"hello",
    )
    archive.end_crawl({})
    with open(tmp_path / "archive" / "warc" / capture.warc_file, "rb") as f:
        record = next(iter(ArchiveIterator(f)))
        assert record.http_headers.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
        assert record.content_stream().read() == b"hello"


def test_non_ascii_header_bytes_are_archived_and_read_back_exactly(tmp_path):
    archive = _crawl(tmp_path)
    raw_name = "年度报告.pdf".encode("gbk")
    header = b'attachment; filename="' + raw_name + b'"'
    capture = archive.store_response(
        portal="p",
        url="http://example.replica.test/f",
        status=200,
        headers=[("Content-Disposition", header.decode("latin-1"))],
        body=b"%PDF",
    )
    archive.end_crawl({})
    _, headers, body = archive.read_response(capture)
    assert (headers, body) == ([(b"Content-Disposition", header)], b"%PDF")
    raw = gzip.decompress((tmp_path / "archive" / "warc" / capture.warc_file).read_bytes())
    assert b"Content-Disposition: " + header + b"\r\n" in raw


def test_posted_form_is_a_request_record_before_its_response_and_concurrent_to_it(tmp_path):
    archive = _crawl(tmp_path)
    form = b"webid=3307&columnid=1229547728&unitid=7741858"
    capture = archive.store_response(
        portal="test-portal",
        url="http://example.replica.test/dataproxy.jsp?startrecord=1",
        status=200,
        headers=[("Content-Type", "text/xml")],
        body=b"<datastore/>",
        method="POST",
        request=SentRequest("POST", [("Content-Type", "application/x-www-form-urlencoded")], form),
    )
    archive.close()
    with open(tmp_path / "archive/warc" / capture.warc_file, "rb") as f:
        records = [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(f)]
    [(kind, headers, body), (second, _, _)] = records
    assert (kind, body, second) == ("request", form, "response")
    assert headers.get_header("WARC-Concurrent-To") == capture.record_id


def test_304_is_a_revisit_that_reads_back_the_payload_it_confirmed(tmp_path):
    archive = _crawl(tmp_path)
    first = _store(archive, "http://example.replica.test/a.html", b"<p>unchanged</p>")
    confirmed = archive.store_response(
        portal="test-portal",
        url="http://example.replica.test/a.html",
        status=304,
        headers=[("ETag", '"abc"')],
        body=b"",
        not_modified_of=first.record_id,
    )
    assert (confirmed.status, confirmed.record_type, confirmed.refers_to) == (304, "revisit", first.record_id)
    assert archive.read_payload(confirmed) == b"<p>unchanged</p>"
