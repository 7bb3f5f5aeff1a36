"""Re-extraction: payloads already extracted by this extractor version are skipped, and all are redone
when the version changes — so a changed number is told apart as a change of the source or of gongkai."""

import sqlite3

from pipelines import ingest
from tests.conftest import copy_data


def test_second_extraction_reuses_every_payload_and_a_new_version_redoes_them(
    extracted, tmp_path, monkeypatch
):
    data = copy_data(extracted, tmp_path / "data")
    assert ingest.extract_all(data).extracted == 0
    monkeypatch.setattr(ingest, "EXTRACTOR_VERSION", "next-version")
    redone = ingest.extract_all(data).extracted
    with sqlite3.connect(data / "gongkai.db") as conn:
        versions = dict(
            conn.execute("SELECT extractor_version, count(*) FROM extractions GROUP BY 1").fetchall()
        )
    assert redone == versions["next-version"] > 0
    # The old version's rows stay: both extractions of the same bytes can be compared.
    assert len(versions) == 2
