"""The diff reports open in a real headless Chromium: they render, offline, with their Chinese text.

Each test leaves a screenshot in tests/artefacts/ (or $GONGKAI_TEST_ARTEFACTS) for a person to look at.
"""

import shutil
import struct
import subprocess

import pytest

from tests.conftest import artefact_path, gongkai

AGENCY = "乐清市农业农村局"


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not path:
        pytest.fail("no chromium on PATH: `make test` installs Debian's chromium with apt-get")
    return path


def headless(*args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with no network at all, so the page must be self-contained."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",  # tests may run as root in a container
        "--disable-gpu",
        "--hide-scrollbars",
        "--proxy-server=127.0.0.1:9",  # nothing listens there: any fetch beyond the file fails
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def years_html(extracted, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "years.html"
    gongkai("diff", "years", AGENCY, "--data", str(extracted), "--out", str(out))
    return out


@pytest.fixture(scope="module")
def crawls_html(nights, tmp_path_factory):
    data, crawls = nights
    out = tmp_path_factory.mktemp("browser") / "crawls.html"
    gongkai("diff", "crawls", crawls[0], crawls[1], "--data", str(data), "--out", str(out))
    return out


def screenshot(page, name: str):
    """A 1280×2200 screenshot of ``page`` saved as a test artefact; its path."""
    shot = artefact_path(name)
    shot.unlink(missing_ok=True)
    proc = headless("--window-size=1280,2200", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), proc.stderr
    return shot


def test_year_over_year_report_renders_in_chromium_with_a_screenshot(years_html):
    shot = screenshot(years_html, "diff-years.png")
    assert png_size(shot) == (1280, 2200)
    # A blank page compresses to a few kilobytes; text, tables and colour do not.
    assert shot.stat().st_size > 60_000


def test_year_over_year_report_dom_has_its_summary_tables_and_text_diffs(years_html):
    dom = headless("--dump-dom", years_html.as_uri()).stdout
    assert f"{AGENCY} 2020–2023: 4 reports" in dom
    assert dom.count('class="statistics"') == 3  # 表二, 表三, 表四
    assert 'data-state="not_in_format"' in dom and 'data-kind="format_change"' in dom
    assert "<ins>" in dom and "<del>" in dom


def test_crawl_report_renders_in_chromium_with_a_screenshot(crawls_html):
    shot = screenshot(crawls_html, "diff-crawls.png")
    assert png_size(shot) == (1280, 2200)
    assert shot.stat().st_size > 60_000


def test_crawl_report_dom_shows_the_changed_number_and_the_vanished_documents(crawls_html):
    dom = headless("--dump-dom", crawls_html.as_uri()).stdout
    assert "<del>126</del><ins>162</ins>" in dom
    assert dom.count('data-state="vanished"') == 3
    assert "last archived copy" in dom
