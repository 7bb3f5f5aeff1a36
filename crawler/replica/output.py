"""What a replica build produces, held in memory (`Site`), and how it is written under crawler/replica/.

Nothing touches the disk before the whole build is rendered; `write` then replaces ``site/`` and
``truth/`` and writes ``manifest.json``, as stable, diffable JSON (`dump`).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crawler.replica.plan import Doc


@dataclass
class Site:
    """Everything a build writes, collected before anything touches the disk."""

    docs: list[Doc] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # path under site/ → bytes
    routes: list[dict] = field(default_factory=list)
    pdf_sources: dict[str, tuple[bytes, datetime]] = field(default_factory=dict)  # doc key → DOCX, date
    pdf_files: dict[str, str] = field(default_factory=dict)  # doc key → where its PDF goes
    downloads: dict[str, dict[str, dict]] = field(default_factory=dict)  # host → servlet filename → entry
    truth: dict[str, dict] = field(default_factory=dict)
    epoch_truth: dict[str, dict] = field(default_factory=dict)  # "epoch-<n>/<name>" → truth record
    manifest: dict = field(default_factory=dict)


def dump(data: object) -> bytes:
    """Stable, diffable JSON."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def write(site: Site, root: Path) -> None:
    """Replace site/ and truth/ with the build, and write manifest.json."""
    for folder in ("site", "truth"):
        shutil.rmtree(root / folder, ignore_errors=True)
    for relative, data in site.files.items():
        target = root / "site" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for name, record in (site.truth | site.epoch_truth).items():
        target = root / "truth" / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(dump(record))
    (root / "manifest.json").write_bytes(dump(site.manifest))
