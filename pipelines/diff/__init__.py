"""Diff reports: what changed in an agency's annual reports across years (`years`), and what changed
on the portals between two crawls (`crawls`).

Both read only the derived database; both write the same three files (`render`): a self-contained
HTML page, JSON for scripts and Markdown for mail. `plugin` serves the same pages from Datasette,
and `gongkai nightly` writes the night's crawl diff as its digest.
"""

# Where `gongkai serve` answers by default; reports link archived captures under it.
DEFAULT_LINK_BASE = "http://127.0.0.1:8001"
