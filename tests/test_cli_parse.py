"""`gongkai parse FILE`: statistics and checks of one report file, as text or one JSON object."""

import json
import tomllib

from click.testing import CliRunner

from pipelines.cli import cli
from tests.conftest import shared_dir

SEEDS = shared_dir() / "seeds"
REAL = shared_dir() / "real-reports"


def _run(*args):
    return CliRunner().invoke(cli, ["parse", *map(str, args)])


def test_json_output_is_one_object_with_the_expected_statistics():
    result = _run(SEEDS / "004_4ad504e2c8547839.txt", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = tomllib.loads((shared_dir() / "spec/expected/004.toml").read_text(encoding="utf-8"))
    assert (data["agency"], data["year"], data["format_version"]) == ("乐清市供销合作社联合社", 2021, "2021")
    assert {k: v for k, v in data["statistics"].items() if v is not None} == expected["values"]
    assert {"id", "passed", "status"} <= set(data["checks"][0])


def test_published_table_four_that_does_not_add_up_is_reported_as_a_failed_check():
    result = _run(REAL / "2023-huaian-hongze-district-government-annual-report.pdf")
    assert result.exit_code == 0, result.output
    assert "FAIL t4.block_total[block=review] failed: total 0, but upheld 10" in result.output


def test_self_assessment_is_not_an_annual_report_and_exits_2():
    result = _run(SEEDS / "000_3b88f54f691dc2dd.txt")
    assert result.exit_code == 2
    assert "not an annual report in the 2019 or 2021 statutory format" in result.output
    assert "Traceback" not in result.output


def test_unreadable_pdf_exits_2_with_the_reason(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((REAL / "2024-huaian-municipal-government-annual-report.pdf").read_bytes()[:3000])
    result = _run(broken)
    assert result.exit_code == 2
    assert "broken.pdf" in result.output and "pdf-unreadable" in result.output
