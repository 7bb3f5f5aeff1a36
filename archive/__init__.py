"""The archive: every response gongkai ever received, kept as WARC and indexed. It is the truth.

Layout under the data directory (``--data``, default ``./data``)::

    archive/
      warc/<crawl_id>-<nnnnn>.warc.gz   ISO 28500 WARC 1.1, one gzip member per record, append-only
      index.sqlite                      the capture index: crawls, captures, observations, issues
    gongkai.db                          the derived database (pipelines/); delete it and run
                                        `gongkai extract --all` to rebuild it from the archive

Guarantees:

- Append-only. A WARC file is only ever appended to; no stage rewrites or deletes archived bytes.
- Record before index row. A record is written and flushed to disk before its row enters the index,
  so every index row points at bytes that exist. A crash can leave a record the index does not know
  (a torn tail), never an index row without its record.
- One payload, stored once. A response whose payload sha256 is already archived is written as a
  ``revisit`` record (profile identical-payload-digest) that refers to the first capture.
- Every response is kept: pages and attachments, error pages (404, 500) and redirects, with status
  line and headers as received (``Transfer-Encoding`` is renamed because the stored body is de-chunked).
- A request that is not a GET (a POSTed form) is kept as a ``request`` record with its exact body,
  ``WARC-Concurrent-To`` its response; a 304 answer to a conditional request is a ``revisit`` record
  (profile server-not-modified) referring to the capture it confirmed.
- What the crawler saw on a page (list title and date, column, metadata fields, attachment links) is
  kept beside the response as a ``metadata`` record of JSON, so the database can be rebuilt from the
  WARC files alone.

Modules: `store` writes and reads records; `index` is the SQLite capture index; `charset` decodes
archived HTML bytes; `issues` and `errors` are shared by every stage. This package imports neither
`crawler` nor `pipelines`.
"""
