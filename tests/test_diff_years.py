"""`gongkai diff years`: an agency's annual reports year over year, on the replica's four years.

The replica's truth files hold every cell each report prints, so every value and every change the
report gives is checked against them. 2020 is printed in the 2019 format, 2021–2023 in the 2021 one.
"""

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT, gongkai

AGENCY = "乐清市农业农村局"
TRUTH = {
    year: json.loads((ROOT / f"crawler/replica/truth/yueqing-nyncj-{year}.json").read_text(encoding="utf-8"))
    for year in (2020, 2021, 2022, 2023)
}
VALUES = {year: dict(t["statistics"]) for year, t in TRUTH.items()}


@pytest.fixture(scope="module")
def report(extracted, tmp_path_factory):
    """The year-over-year report of one agency: (command output, JSON, HTML path)."""
    out = tmp_path_factory.mktemp("years") / "yueqing.html"
    proc = gongkai("diff", "years", AGENCY, "--data", str(extracted), "--out", str(out))
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    (agency,) = data["agencies"]
    return proc, agency, out


def _row(agency: dict, key: str) -> dict:
    return next(s for s in agency["statistics"] if s["key"] == key)


def _change(row: dict, to_year: int) -> dict:
    return next(c for c in row["changes"] if c["to_year"] == to_year)


def test_html_json_and_markdown_are_written_side_by_side(report):
    proc, _, out = report
    assert out.exists() and out.with_suffix(".md").read_text(encoding="utf-8").startswith(f"# {AGENCY}")
    assert f"wrote {out}" in proc.stdout


def test_each_year_is_the_report_in_its_format(report):
    _, agency, _ = report
    assert [(y["year"], y["format_version"]) for y in agency["years"]] == [
        (2020, "2019"),
        (2021, "2021"),
        (2022, "2021"),
        (2023, "2021"),
    ]


def test_every_cell_is_the_value_the_report_prints(report):
    _, agency, _ = report
    for year, values in VALUES.items():
        for key, value in values.items():
            cell = _row(agency, key)["cells"][str(year)]
            if value is None:
                assert cell["state"] == "blank", (year, key)
            else:
                assert (cell["state"], cell["value"]) == ("value", value), (year, key)


def test_every_change_is_the_difference_between_the_years(report):
    _, agency, _ = report
    checked = 0
    for a, b in ((2020, 2021), (2021, 2022), (2022, 2023)):
        for key in VALUES[a].keys() & VALUES[b].keys():
            old, new = VALUES[a][key], VALUES[b][key]
            if old is None or new is None:
                continue
            change = _change(_row(agency, key), b)
            assert change["delta"] == new - old, (key, a, b)
            assert change["kind"] == ("same" if new == old else "changed")
            if old:
                assert change["percent"] == round(100 * (new - old) / old, 1)
            checked += 1
    assert checked > 400


def test_the_2019_to_2021_format_change_is_a_format_change_not_a_change_in_numbers(report):
    _, agency, _ = report
    only_2019 = VALUES[2020].keys() - VALUES[2021].keys()
    only_2021 = VALUES[2021].keys() - VALUES[2020].keys()
    assert "applications.outcome.other.undivided.total" in only_2019
    assert "applications.outcome.other.no_correction.total" in only_2021
    for key in only_2019 | only_2021:
        row = _row(agency, key)
        change = _change(row, 2021)
        assert change["kind"] == "format_change" and change["delta"] is None, key
        assert (
            row["format_only"]
            and not row["changed"]
            or any(c["kind"] == "changed" for c in row["changes"] if c["from_year"] >= 2021)
        )
    assert (
        _row(agency, "applications.outcome.other.undivided.total")["cells"]["2021"]["state"]
        == "not_in_format"
    )
    assert (
        _row(agency, "applications.outcome.other.no_correction.total")["cells"]["2020"]["state"]
        == "not_in_format"
    )


def test_no_change_in_numbers_is_reported_across_the_format_change_for_a_cell_one_format_lacks(report):
    _, agency, _ = report
    for row in agency["statistics"]:
        change = _change(row, 2021)
        states = {row["cells"]["2020"]["state"], row["cells"]["2021"]["state"]}
        if "not_in_format" in states:
            assert change["kind"] in ("format_change", "not_in_format"), row["key"]


def test_a_blank_cell_is_blank_not_a_drop_to_zero(report):
    _, agency, _ = report
    blanks = [k for k, v in VALUES[2023].items() if v is None]
    assert blanks
    for key in blanks:
        change = _change(_row(agency, key), 2023)
        assert change["kind"] in ("blanked", "same") and change["delta"] is None


def _check_statuses(extracted) -> dict[tuple[int, str], str]:
    with sqlite3.connect(extracted / "gongkai.db") as conn:
        return {
            (year, check): st
            for year, check, st in conn.execute(
                "SELECT r.year, c.check_id, c.status FROM check_results c"
                " JOIN reports r ON r.id = c.report_id WHERE r.agency = ?",
                (AGENCY,),
            )
        }


def _reported(agency: dict, became: str) -> set[tuple[int, str]]:
    return {(c["to_year"], c["check_id"]) for c in agency["checks"] if c["became"] == became}


PAIRS = ((2020, 2021), (2021, 2022), (2022, 2023))


def _failing_now(status: dict, was: tuple) -> set[tuple[int, str]]:
    """(year, check) failing in a year whose check had a status in ``was`` the year before."""
    return {
        (b, check)
        for (year, check), st in status.items()
        for a, b in PAIRS
        if year == b and st == "fail" and status.get((a, check)) in was
    }


def test_checks_newly_failing_are_those_that_fail_now_and_passed_the_year_before(report, extracted):
    _, agency, _ = report
    expected = _failing_now(_check_statuses(extracted), was=("pass", "incomplete"))
    assert _reported(agency, "newly_failing") == expected and expected


def test_a_check_failing_the_first_year_it_applies_is_not_called_newly_failing(report, extracted):
    _, agency, _ = report
    expected = _failing_now(_check_statuses(extracted), was=(None, "not_applicable"))
    assert _reported(agency, "failing_first_checked") == expected


def test_sections_one_five_and_six_are_compared_for_each_pair_of_years(report):
    _, agency, _ = report
    compared = [(s["from_year"], s["to_year"], s["section"], s["state"]) for s in agency["sections"]]
    assert compared == [
        (a, b, section, "compared")
        for a, b in ((2020, 2021), (2021, 2022), (2022, 2023))
        for section in ("一", "五", "六")
    ]
    assert all(s["diff"]["pieces"] for s in agency["sections"])


def test_summary_line_gives_the_applications_received_each_year(report):
    proc, agency, _ = report
    path = " → ".join(str(VALUES[y]["applications.new.total"]) for y in (2020, 2021, 2022, 2023))
    assert f"{AGENCY} 2020–2023: 4 reports" in agency["summary"]
    assert f"applications received {path}" in agency["summary"]
    assert agency["summary"] in proc.stdout


def test_from_and_to_limit_the_years(extracted, tmp_path):
    out = tmp_path / "two.html"
    gongkai(
        "diff", "years", AGENCY, "--from", "2021", "--to", "2022", "--data", str(extracted), "--out", str(out)
    )
    (agency,) = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["agencies"]
    assert [y["year"] for y in agency["years"]] == [2021, 2022]


def test_an_unknown_agency_is_a_clear_error_listing_the_known_ones(extracted):
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "diff", "years", "北京市海淀区", "--data", str(extracted)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "no agency with annual reports matches '北京市海淀区'" in proc.stderr and AGENCY in proc.stderr


def test_other_processing_is_compared_across_formats_as_one_row_against_the_sum_of_three(report):
    _, agency, _ = report
    row = _row(agency, "applications.outcome.other.*.total")
    parts = ("no_correction", "unpaid_fee", "misc")
    split = sum(VALUES[2021][f"applications.outcome.other.{p}.total"] for p in parts)
    whole = VALUES[2020]["applications.outcome.other.undivided.total"]
    assert (row["cells"]["2020"]["value"], row["cells"]["2021"]["value"]) == (whole, split)
    assert _change(row, 2021)["delta"] == split - whole and row["derived"]


def test_a_year_without_a_report_is_named_and_changes_span_the_gap(extracted, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(extracted / "gongkai.db", data / "gongkai.db")
    with sqlite3.connect(data / "gongkai.db") as conn:
        conn.execute("DELETE FROM reports WHERE agency = ? AND year = 2021", (AGENCY,))
    out = tmp_path / "gap.html"
    proc = gongkai("diff", "years", AGENCY, "--data", str(data), "--out", str(out))
    (agency,) = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["agencies"]
    assert "no report for 2021" in agency["summary"] and agency["summary"] in proc.stdout
    change = _change(_row(agency, "applications.new.total"), 2022)
    assert change["from_year"] == 2020
    assert change["delta"] == VALUES[2022]["applications.new.total"] - VALUES[2020]["applications.new.total"]


def test_several_agencies_get_one_report_each_and_an_index(extracted, tmp_path):
    out = tmp_path / "yueqing" / "index.html"
    proc = gongkai("diff", "years", "乐清", "--data", str(extracted), "--out", str(out))
    index = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["agencies"]
    assert [a["agency"] for a in index] == ["乐清市供销合作社联合社", AGENCY]
    page = out.read_text(encoding="utf-8")
    for entry in index:
        assert entry["summary"] in proc.stdout and entry["summary"] in page
        report = json.loads((out.parent / f"{entry['agency']}.json").read_text(encoding="utf-8"))
        assert report["agencies"][0]["agency"] == entry["agency"]
        assert f'href="{entry["agency"]}.html"' in page
