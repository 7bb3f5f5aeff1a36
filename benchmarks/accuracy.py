"""Parsing accuracy on every annual-report fixture with hand-checked or generated truth.

Fixtures:

- the seed texts with truth in <shared>/spec/expected/NNN.toml;
- the real PDFs in <shared>/real-reports/ with truth in <shared>/real-reports/expected/*.toml;
- the replica portal's reports, if built: crawler/replica/truth/*.json, documents under
  crawler/replica/site/ (a report's page and its attachment are scored separately; a page that
  only says 详见附件 has no tables and is listed, not scored).

For each document: cells found (keys parsed), expected (keys in the truth, blanks included),
correct (same value, blank for blank), then totals. Exit status 1 if any scored document is below
100%. <shared> is $GONGKAI_SHARED, else the ``shared`` folder beside the repository.

Usage: python benchmarks/accuracy.py [-v]   (-v lists every wrong or missing cell)
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.extract import extract  # noqa: E402 — after the path is set up
from pipelines.report import Report, parse_report  # noqa: E402

SHARED = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
REPLICA = ROOT / "crawler" / "replica"


@dataclass
class Score:
    """One document's result."""

    name: str
    found: int = 0
    expected: int = 0
    correct: int = 0
    wrong: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def scored(self) -> bool:
        return self.expected > 0 and not self.note


def score(name: str, report: Report, truth: dict[str, object]) -> Score:
    """Compare a report's cells with the truth (None = blank)."""
    got = report.figures()
    result = Score(name, found=len(got), expected=len(truth))
    for key, want in truth.items():
        if key in got and got[key] == want:
            result.correct += 1
        else:
            result.wrong.append(f"{key}: parsed {got.get(key, 'absent')!r}, expected {want!r}")
    result.wrong += [f"{key}: parsed {got[key]!r}, not in the truth" for key in sorted(set(got) - set(truth))]
    return result


def toml_truth(path: Path) -> dict[str, object]:
    """Values and blanks of a hand-checked expected/*.toml file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    truth: dict[str, object] = dict(data.get("values", {}))
    truth.update(dict.fromkeys(data.get("blank", {}).get("keys", [])))
    return truth


def seed_scores() -> list[Score]:
    """The seed texts with truth."""
    scores = []
    for expected in sorted((SHARED / "spec" / "expected").glob("*.toml")):
        source = SHARED / tomllib.loads(expected.read_text(encoding="utf-8"))["document"]["source"]
        report = parse_report(source.read_text(encoding="utf-8"))
        scores.append(score(f"seed {source.name}", report, toml_truth(expected)))
    return scores


def real_scores() -> list[Score]:
    """The real PDFs with truth, read through the extraction stage."""
    scores = []
    for expected in sorted((SHARED / "real-reports" / "expected").glob("*.toml")):
        source = SHARED / tomllib.loads(expected.read_text(encoding="utf-8"))["document"]["source"]
        report = parse_report(extract(source.read_bytes(), url=source.name))
        scores.append(score(f"real {source.name}", report, toml_truth(expected)))
    return scores


def replica_scores() -> list[Score]:
    """The replica portal's reports: every rendering (page, PDF, DOCX) of each truth file."""
    scores = []
    for truth_path in sorted((REPLICA / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        for role, relative in truth.get("files", {}).items():
            url = truth["urls"][role]
            name = f"replica {truth_path.stem} {role}"
            path = REPLICA / "site" / relative
            report = parse_report(extract(path.read_bytes(), url=url), title=truth.get("title"))
            result = score(name, report, truth["statistics"])
            if not report.tables_found:
                result.note = "no tables (the report is in the attachment)"
            scores.append(result)
    return scores


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    scores = seed_scores() + real_scores()
    if (REPLICA / "truth").is_dir():
        scores += replica_scores()
    width = max(len(s.name) for s in scores)
    print(f"{'document':<{width}}  found  expected  correct")
    for s in scores:
        if not s.scored:
            print(f"{s.name:<{width}}  {s.found:>5}  {'-':>8}  {'-':>7}  {s.note}")
            continue
        mark = "" if s.correct == s.expected and not s.wrong else "  ✗"
        print(f"{s.name:<{width}}  {s.found:>5}  {s.expected:>8}  {s.correct:>7}{mark}")
        if verbose:
            for line in s.wrong:
                print(f"    {line}")
    scored = [s for s in scores if s.scored]
    found, expected, correct = (sum(getattr(s, a) for s in scored) for a in ("found", "expected", "correct"))
    share = 100 * correct / expected if expected else 0.0
    print(f"{'total':<{width}}  {found:>5}  {expected:>8}  {correct:>7}  "
          f"({share:.2f}% of {len(scored)} documents)")
    return 0 if all(s.correct == s.expected and not s.wrong for s in scored) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
