"""Diff reports as files: self-contained HTML (inline CSS, no script, readable offline), JSON for
scripts, and Markdown for mail and issue trackers.

Archived captures are linked through the Datasette plugin's ``/-/capture/<uuid>`` route (see
`pipelines.diff.plugin`), under ``link_base`` — the address where ``gongkai serve`` answers. Each
link's title also gives the WARC file and offset, so a reader without the server can find the record.
"""

import json
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipelines.diff import DEFAULT_LINK_BASE
from pipelines.diff.crawls import QUIET, STATES, CrawlDiff
from pipelines.diff.years import AgencyYears

TEMPLATES = Path(__file__).with_name("templates")


def capture_href(record_id: str | None, link_base: str = DEFAULT_LINK_BASE) -> str:
    """The address of an archived capture in the Datasette plugin."""
    uuid = (record_id or "").strip("<>").removeprefix("urn:uuid:")
    return f"{link_base.rstrip('/')}/-/capture/{uuid}"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.globals["capture_href"] = capture_href
    env.filters["fold"] = fold
    env.filters["number"] = number
    return env


def number(value: float | int | None, signed: bool = False) -> str:
    """A statistic as printed: whole numbers whole (1234567, never 1.23457e+06), decimals to 4 places."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):+d}" if signed else str(int(value))
    text = f"{value:+.4f}" if signed else f"{value:.4f}"
    return text.rstrip("0").rstrip(".")


def fold(pieces: list, context: int = 160) -> list[tuple[str, str, str, str]]:
    """Diff pieces as (op, head, folded, tail): a long unchanged run keeps ``context`` characters
    each side of the changes around it, and the rest goes into a fold the reader can open."""
    out = []
    for i, (op, text) in enumerate(pieces):
        if op != "equal" or len(text) <= 2 * context + 40:
            out.append((op, text, "", ""))
            continue
        head = text[:context] if i > 0 else ""
        tail = text[-context:] if i < len(pieces) - 1 else ""
        out.append((op, head, text[len(head) : len(text) - len(tail)], tail))
    return out


def _common(source: str) -> dict:
    try:
        gongkai_version = version("gongkai")
    except PackageNotFoundError:
        gongkai_version = "dev"
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    return {"version": gongkai_version, "generated": generated, "source": source}


def years_title(results: list[AgencyYears]) -> str:
    years = sorted({y.year for r in results for y in r.years})
    span = f"{years[0]}–{years[-1]}" if years else ""
    who = results[0].agency if len(results) == 1 else f"{len(results)} agencies"
    return f"{who} · 政府信息公开工作年度报告 {span}".strip()


def years_html(results: list[AgencyYears], source: str, link_base: str = DEFAULT_LINK_BASE) -> str:
    """The year-over-year report as one HTML page."""
    template = _env().get_template("years.html")
    return template.render(
        agencies=results, title=years_title(results), link_base=link_base, **_common(source)
    )


def crawls_html(diff: CrawlDiff, source: str, link_base: str = DEFAULT_LINK_BASE) -> str:
    """The crawl-to-crawl report as one HTML page."""
    title = f"What changed: {diff.crawl_a['crawl_id']} → {diff.crawl_b['crawl_id']}"
    template = _env().get_template("crawls.html")
    return template.render(
        diff=diff, states=STATES, quiet=QUIET, title=title, link_base=link_base, **_common(source)
    )


def years_json(results: list[AgencyYears], summaries_only: bool = False) -> str:
    if summaries_only:
        agencies = [
            {"agency": r.agency, "years": [y.year for y in r.years], "summary": r.summary} for r in results
        ]
    else:
        agencies = [r.as_json() for r in results]
    return json.dumps({"agencies": agencies}, ensure_ascii=False, indent=1)


def years_index_html(entries: list[tuple[AgencyYears, str]], source: str) -> str:
    """A page listing several agencies' year-over-year reports, each with its summary line."""
    template = _env().get_template("years_index.html")
    title = f"政府信息公开工作年度报告 · {len(entries)} agencies year over year"
    return template.render(entries=entries, title=title, **_common(source))


def crawls_json(diff: CrawlDiff) -> str:
    return json.dumps(diff.as_json(), ensure_ascii=False, indent=1)


def years_markdown(results: list[AgencyYears]) -> str:
    """Summary lines, every changed statistic, check changes, and section text changes."""
    lines = [f"# {md(years_title(results))}", ""]
    lines += [f"- {md(r.summary)}" for r in results]
    for r in results:
        lines += ["", f"## {md(r.agency)}", ""]
        if not r.years:
            continue
        years = [y.year for y in r.years]
        lines += ["| statistic | " + " | ".join(map(str, years)) + " |", "|---" * (len(years) + 1) + "|"]
        for s in r.statistics:
            if s.changed:
                cells = [_md_cell(s.cells[y]) for y in years]
                lines.append(f"| {md(s.label)} `{s.key}` | " + " | ".join(cells) + " |")
        for c in r.checks:
            became = c.became.replace("_", " ")
            lines.append(f"- check `{c.check_id}` {became} {c.from_year}→{c.to_year}: {md(c.detail)}")
        for s in r.sections:
            what = s.diff["summary"] if s.diff else s.state.replace("_", " ")
            lines.append(f"- {s.from_year}→{s.to_year} {s.section}、{s.title}: {what}")
            if s.diff and s.diff["pieces"] and len(s.diff["pieces"]) > 1:
                lines += ["", "  " + wdiff(s.diff["pieces"]).replace("\n", "\n  "), ""]
    return "\n".join(lines) + "\n"


def crawls_markdown(diff: CrawlDiff) -> str:
    """Summary, a count table per portal, and each changed or vanished document with its diff."""
    lines = [
        f"# {diff.summary()}",
        "",
        "| portal | " + " | ".join(STATES) + " |",
        "|---" * (len(STATES) + 1) + "|",
    ]
    for p in diff.portals:
        lines.append(f"| {p.portal} | " + " | ".join(str(p.counts.get(s, 0)) for s in STATES) + " |")
    for p in diff.portals:
        interesting = [d for d in p.documents if d.state not in QUIET]
        if not interesting:
            continue
        lines += ["", f"## {md(p.agency or p.portal)} ({md(p.portal)})", ""]
        for d in interesting:
            lines.append(f"- **{d.state}** {md(d.title or d.url)} <{d.url}>")
            for part in d.parts:
                if "diff" in part:
                    lines.append(f"  - {md(part['name'])}: {part['diff']['summary']}")
                    lines.append("    " + wdiff(part["diff"]["pieces"]).replace("\n", "\n    "))
                elif "note" in part:
                    lines.append(f"  - {md(part['name'])}: {part['note']}")
                else:
                    moved = ", ".join(
                        f"{c.get('key') or c.get('field')}: {md(str(c['from']))} → {md(str(c['to']))}"
                        for c in part["changes"]
                    )
                    lines.append(f"  - {md(part['name'])} {part['part']}: {moved}")
    return "\n".join(lines) + "\n"


def wdiff(pieces: list) -> str:
    """A diff as text: ``[-removed-]{+added+}`` around the changes, only the changed sentences' context."""
    return "".join(
        md(text) if op == "equal" else (f"[-{md(text)}-]" if op == "delete" else f"{{+{md(text)}+}}")
        for op, text in _trim(pieces)
    )


def _trim(pieces: list, context: int = 40) -> list:
    """Long unchanged runs shortened to ``context`` characters either side, for readable text output."""
    out = []
    for i, (op, text) in enumerate(pieces):
        if op == "equal" and len(text) > 2 * context + 5:
            head = text[:context] if i > 0 else ""
            tail = text[-context:] if i < len(pieces) - 1 else ""
            text = f"{head}…{tail}"
        out.append((op, text))
    return out


MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|<>*_`"})


def md(text: str) -> str:
    """Archived text made inert in Markdown: no table breaks, raw HTML or emphasis from a title."""
    return text.translate(MARKDOWN_SPECIAL)


def _md_cell(cell: dict) -> str:
    if cell["state"] == "value":
        return number(cell["value"])
    return {"blank": "blank", "not_in_format": "not in format"}.get(cell["state"], "not found")


def write_report(html: str, data: str, markdown: str, out: Path) -> list[Path]:
    """Write ``out`` (.html) and its .json and .md siblings; returns the three paths."""
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = [out.with_suffix(".html"), out.with_suffix(".json"), out.with_suffix(".md")]
    for path, text in zip(paths, (html, data, markdown), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths
