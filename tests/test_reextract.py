"""Re-extraction: payloads already extracted by this extractor version are skipped, and all are redone
when the version changes — so a changed number is told apart as a change of the source or of gongkai."""

import sqlite3

from pipelines import ingest
from tests.conftest import gongkai


def test_second_extraction_reuses_every_payload_and_a_new_version_redoes_them(tmp_path, monkeypatch):
    data = tmp_path / "data"
    gongkai("crawl", "--portal", "replica-hanyin-gxs", "--data", str(data))
    first = ingest.extract_all(data).extracted
    assert first > 0 and ingest.extract_all(data).extracted == 0
    monkeypatch.setattr(ingest, "EXTRACTOR_VERSION", "next-version")
    assert ingest.extract_all(data).extracted == first
    with sqlite3.connect(data / "gongkai.db") as conn:
        versions = dict(
            conn.execute("SELECT extractor_version, count(*) FROM extractions GROUP BY 1").fetchall()
        )
    # The old version's rows stay: both extractions of the same bytes can be compared.
    assert len(versions) == 2 and versions["next-version"] == first
