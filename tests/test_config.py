"""Portal files and run settings are validated data: every problem named with file, key and fix."""

import tomllib
from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.config import (
    FAMILIES,
    FAMILIES_FILE,
    SETTINGS,
    Settings,
    check_portal,
    load_portal,
    load_portals,
    load_settings,
    resolve_portal,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "crawler" / "portals").glob("*.toml"))
REPLICA = sorted((ROOT / "crawler" / "replica" / "portals").glob("*.toml"))

# A small but complete `generic` portal: generic configs get no family defaults, so it spells out
# everything a crawl needs. Tests change one thing in it and look at the message.
GOOD = """\
schema_version = 1

[portal]
id = "demo-gxs"
agency = "某县供销合作社联合社"
portal_name = "某县人民政府"
region_code = "430723"
level = "county"
family = "generic"
homepage = "https://www.example.gov.cn/"

[portal.provenance]
guessed = ["column path /xxgk/ndbg/"]

[politeness]
delay = 2.0

[scope]
allowed_domains = ["www.example.gov.cn"]

[[columns]]
key = "annual-reports"
kind = "annual_report"
name = "政府信息公开年报"
start_urls = ["https://www.example.gov.cn/xxgk/ndbg/index.html"]
[columns.list]
format = "html"
items = "ul.list > li"
link = [{ css = "a", attr = "href" }]
title = [{ css = "a", attr = "title" }, { css = "a" }]
[columns.pagination]
type = "template"
first = "index.html"
pattern = "index_{n}.html"
total = [{ regex = 'createPageHTML\\((\\d+)', on = "html" }]

[detail]
main = [{ css = "#zoom" }]
[detail.fields]
title = [{ meta = "ArticleTitle" }, { css = "h1" }]

[annual_report]
title_regex = '(?P<year>20\\d{2})\\s*年度?政府信息公开工作年度报告'
"""


def write(tmp_path: Path, text: str, name: str = "demo-gxs.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(tmp_path: Path, old: str, new: str, name: str = "demo-gxs.toml") -> Path:
    """GOOD with one change; fails loudly if `old` is not in GOOD, so a test cannot pass by accident."""
    assert old in GOOD
    return write(tmp_path, GOOD.replace(old, new, 1), name)


# --- shipped configs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_portal_config_loads(path):
    portal = load_portal(path)
    assert portal.id == path.stem


def test_the_five_example_portals_are_shipped():
    assert [p.stem for p in SHIPPED] == ["hanyin-gxs", "lixian-gxs", "sg-gxs", "yueqing-gxs", "zibo-gxs"]


def test_shipped_portal_ids_are_unique():
    assert len(load_portals(SHIPPED)) == len(SHIPPED)


@pytest.mark.skipif(not REPLICA, reason="no replica portal configs yet")
@pytest.mark.parametrize("path", REPLICA, ids=lambda p: p.stem)
def test_every_replica_portal_config_loads(path):
    assert check_portal(path) == []


def test_good_config_loads_with_schema_defaults_applied(tmp_path):
    portal = load_portal(write(tmp_path, GOOD))
    assert (portal.fetch.retries, portal.fetch.gb2312_as, portal.politeness.concurrency) == (3, "gb18030", 1)
    assert portal.attachments.links[0].within == "main"
    assert portal.detail.placeholders == ("〔〕号", "无", "无文号", "-", "—", "/")
    assert portal.columns[0].pagination.max_pages == 200
    assert portal.columns[0].list.title[0].attr == "title"


def test_guesses_are_exposed_for_the_run_report(tmp_path):
    assert load_portal(write(tmp_path, GOOD)).provenance.guessed == ("column path /xxgk/ndbg/",)


# --- unknown keys and types -----------------------------------------------------------------------------


def test_misspelled_key_gets_did_you_mean(tmp_path):
    path = changed(tmp_path, 'items = "ul.list > li"', 'itmes = "ul.list > li"')
    assert check_portal(path)[0] == (
        f'{path}: column "annual-reports" [columns.list] unknown key "itmes"; did you mean "items"?'
    )


def test_misspelled_top_level_table_gets_did_you_mean(tmp_path):
    path = changed(tmp_path, "[politeness]", "[politness]")
    assert check_portal(path) == [f'{path}: unknown key "politness"; did you mean "politeness"?']


def test_wrong_type_names_the_key_and_the_fix(tmp_path):
    path = changed(tmp_path, "delay = 2.0", 'delay = 2.0\nconcurrency = "one"')
    assert check_portal(path) == [
        f'{path}: [politeness] concurrency: expected an integer >= 1, got "one". Fix: concurrency = 1'
    ]


def test_value_outside_a_vocabulary_suggests_the_closest(tmp_path):
    path = changed(tmp_path, 'level = "county"', 'level = "County"')
    assert check_portal(path) == [
        f'{path}: [portal] level: expected one of "province", "city", "county", "district", "township", '
        'got "County". Fix: level = "county"'
    ]


def test_missing_required_key_says_what_to_write(tmp_path):
    path = changed(tmp_path, 'region_code = "430723"\n', "")
    assert check_portal(path) == [f'{path}: [portal] region_code: missing. Fix: region_code = "610921"']


def test_load_portal_lists_every_problem_one_per_line(tmp_path):
    path = changed(tmp_path, 'level = "county"', 'level = "County"\nstatus = "on"')
    with pytest.raises(ConfigError) as e:
        load_portal(path)
    assert str(e.value).splitlines() == check_portal(path)
    assert len(check_portal(path)) == 2


def test_toml_syntax_error_names_file_and_line(tmp_path):
    path = changed(tmp_path, 'agency = "某县供销合作社联合社"', 'agency = "某县供销合作社联合社')
    assert check_portal(path) == [f"{path}: line 5, column 21: TOML syntax error: Illegal character '\\n'"]


# --- the §5 rules ---------------------------------------------------------------------------------------


def test_schema_version_other_than_one_is_rejected(tmp_path):
    path = changed(tmp_path, "schema_version = 1", "schema_version = 2")
    assert check_portal(path) == [
        f"{path}: schema_version: expected 1, got 2; this gongkai reads schema version 1. "
        "Fix: schema_version = 1"
    ]


def test_portal_id_must_be_a_slug(tmp_path):
    path = changed(tmp_path, 'id = "demo-gxs"', 'id = "Demo_GXS"')
    assert check_portal(path) == [
        f'{path}: [portal] id: expected a slug of a-z, 0-9 and -, got "Demo_GXS". Fix: id = "hanyin-gxs"'
    ]


def test_duplicate_portal_ids_across_files_are_rejected(tmp_path):
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, GOOD, "b.toml")
    with pytest.raises(ConfigError) as e:
        load_portals([first, second])
    assert str(e.value) == (
        f'{second}: [portal] id: "demo-gxs" is already used by {first}. '
        "Fix: choose another id (ids are never reused)"
    )


def test_required_discovery_key_of_a_family_is_rejected_when_missing(tmp_path):
    path = changed(tmp_path, 'family = "generic"', 'family = "sd-gongkai"')
    assert check_portal(path) == [
        f'{path}: [discovery] site_code: missing; family "sd-gongkai" needs it and no start URL shows it. '
        'Fix: site_code = "sgxs" (the <code> in /gongkai/site_<code>/)'
    ]


def test_required_discovery_key_is_derived_from_a_start_url(tmp_path):
    path = changed(tmp_path, "/xxgk/ndbg/index.html", "/gongkai/site_sgxs/")
    path = write(tmp_path, path.read_text().replace('family = "generic"', 'family = "sd-gongkai"'))
    assert load_portal(path).discovery["site_code"] == "sgxs"


def test_start_url_host_outside_allowed_domains_is_rejected(tmp_path):
    path = changed(tmp_path, "https://www.example.gov.cn/xxgk/", "https://www.other.gov.cn/xxgk/")
    assert check_portal(path) == [
        f'{path}: column "annual-reports" [[columns]] start_urls[0]: host "www.other.gov.cn" is not in '
        '[scope] allowed_domains (www.example.gov.cn). Fix: add "www.other.gov.cn" to allowed_domains, '
        "or correct the URL"
    ]


def test_start_url_on_a_subdomain_of_an_allowed_domain_is_accepted(tmp_path):
    path = changed(
        tmp_path, 'allowed_domains = ["www.example.gov.cn"]', 'allowed_domains = ["example.gov.cn"]'
    )
    assert check_portal(path) == []


def test_regex_that_does_not_compile_is_rejected(tmp_path):
    path = changed(tmp_path, "[scope]\n", "[scope]\ndeny = ['/search(']\n")
    assert check_portal(path) == [
        f'{path}: [scope] deny[0]: invalid regular expression "/search(": missing ), unterminated subpattern '
        "at position 7. Fix: write it as a TOML literal string '…' (backslashes need no escaping) and check "
        "its brackets"
    ]


def test_title_regex_without_a_year_group_is_rejected(tmp_path):
    path = changed(tmp_path, "(?P<year>20\\d{2})", "(20\\d{2})")
    assert check_portal(path) == [
        f"{path}: [annual_report] title_regex[0]: "
        "pattern '(20\\d{2})\\s*年度?政府信息公开工作年度报告' has no "
        "(?P<year>…) group. Fix: name the year, e.g. '(?P<year>20\\d{2})'"
    ]


def test_extractor_with_two_source_keys_is_rejected(tmp_path):
    path = changed(tmp_path, '{ css = "h1" }]', '{ css = "h1", meta = "ArticleTitle" }]')
    assert check_portal(path) == [
        f"{path}: [detail.fields] title[1]: 2 source keys (css, meta); an extractor takes exactly one. "
        'Fix: split it into one extractor per source: [{ css = "h1" }, { meta = "ArticleTitle" }]'
    ]


def test_extractor_without_a_source_key_is_rejected(tmp_path):
    path = changed(tmp_path, '{ css = "h1" }]', '{ attr = "title" }]')
    assert check_portal(path) == [
        f"{path}: [detail.fields] title[1]: no source key; "
        "an extractor takes exactly one of css, xpath, meta, "
        'label, json, regex, list, const. Fix: e.g. { css = "h1" }'
    ]


def test_extractor_option_of_another_source_is_rejected(tmp_path):
    path = changed(tmp_path, '{ meta = "ArticleTitle" }', '{ meta = "ArticleTitle", attr = "content" }')
    assert check_portal(path) == [
        f"{path}: [detail.fields] title[0].attr: "
        "does not apply to a meta extractor (it takes pick, normalize). "
        "Fix: remove attr"
    ]


def test_unknown_detail_field_gets_did_you_mean(tmp_path):
    path = changed(tmp_path, "title = [{ meta", "titel = [{ meta")
    assert check_portal(path) == [f'{path}: [detail.fields] unknown key "titel"; did you mean "title"?']


def test_pagination_key_of_another_type_is_rejected(tmp_path):
    path = changed(tmp_path, 'pattern = "index_{n}.html"', 'pattern = "index_{n}.html"\nparam = "page"')
    assert check_portal(path) == [
        f'{path}: column "annual-reports" [columns.pagination] param: not used by type = "template". '
        "Fix: remove it, or use a type that takes it (query, post_form)"
    ]


def test_unknown_template_variable_gets_did_you_mean(tmp_path):
    path = changed(tmp_path, 'pattern = "index_{n}.html"', 'pattern = "index_{n}.html?col={colunmid}"')
    path = write(tmp_path, path.read_text().replace('family = "generic"', 'family = "hanweb"'))
    assert check_portal(path) == [
        f'{path}: column "annual-reports" [columns.pagination] pattern: '
        "unknown template variable {colunmid}; "
        "did you mean {columnid}? (known: n, s, e, category, webid, unitid, columnid, proxy)"
    ]


def test_delay_below_half_a_second_without_override_reason_is_rejected(tmp_path):
    path = changed(tmp_path, "delay = 2.0", "delay = 0.1")
    assert check_portal(path) == [
        f"{path}: [politeness] delay: expected a number >= 0.5, got 0.1. "
        "Fix: delay = 0.5, or set override_reason"
    ]


def test_concurrency_above_four_without_override_reason_is_rejected(tmp_path):
    path = changed(tmp_path, "delay = 2.0", "delay = 2.0\nconcurrency = 8")
    assert check_portal(path) == [
        f"{path}: [politeness] concurrency: expected an integer <= 4, got 8. "
        "Fix: concurrency = 4, or set override_reason"
    ]


def test_override_reason_allows_a_zero_delay(tmp_path):
    path = changed(tmp_path, "delay = 2.0", 'delay = 0\noverride_reason = "replica on 127.0.0.1"')
    assert load_portal(path).politeness.delay == 0.0


def test_replace_in_a_start_url_makes_the_column_inactive_with_its_reason(tmp_path):
    path = changed(tmp_path, "/xxgk/ndbg/index.html", "/col/colREPLACE_ID/index.html")
    column = load_portal(path).columns[0]
    assert (column.active, column.inactive_reason) == (
        False,
        'start_urls[0] contains the placeholder "REPLACE_ID"; put the real value from the live portal there',
    )


def test_inactive_columns_are_left_out_of_active_columns(tmp_path):
    path = changed(tmp_path, "/xxgk/ndbg/index.html", "/col/colREPLACE/index.html")
    assert load_portal(path).active_columns == ()


def test_paused_portal_makes_every_column_inactive(tmp_path):
    path = changed(tmp_path, 'level = "county"', 'level = "county"\nstatus = "paused"')
    column = load_portal(path).columns[0]
    assert (column.active, column.inactive_reason) == (False, 'portal status is "paused"')


# --- family defaults ------------------------------------------------------------------------------------


def test_family_defaults_fill_in_what_the_file_leaves_out(tmp_path):
    text = GOOD.replace('family = "generic"', 'family = "ankang-node"')
    text = (
        text[: text.index("[columns.list]")]
        + '[columns.pagination]\npattern = "Node-9001_{n}.html"\n'
        + (text[text.index("[detail]") :])
    )  # no list, and only the pattern of the pagination
    portal = load_portal(write(tmp_path, text))
    assert portal.columns[0].list.items == "ul.newlist > li"
    assert (portal.columns[0].pagination.type, portal.columns[0].pagination.n_start) == ("template", 2)
    assert portal.detail.fields["identifier"][0].value_mode == "same_cell"


def test_file_values_win_over_family_defaults(tmp_path):
    portal = load_portal(write(tmp_path, GOOD.replace('family = "generic"', 'family = "ankang-node"')))
    assert portal.columns[0].list.items == "ul.list > li"
    assert portal.detail.main[0].value == "#zoom"


def test_family_pagination_defaults_skip_a_column_with_another_type(tmp_path):
    own = '[columns.pagination]\ntype = "next_link"\nlink = [{ css = "a.next", attr = "href" }]\n\n'
    text = GOOD.replace('family = "generic"', 'family = "ankang-node"')
    text = text[: text.index("[columns.pagination]")] + own + text[text.index("[detail]") :]
    pagination = load_portal(write(tmp_path, text)).columns[0].pagination
    assert (pagination.type, pagination.n_start, pagination.total) == ("next_link", 1, ())


def test_column_detail_overrides_the_portal_detail_field_by_field(tmp_path):
    path = changed(
        tmp_path,
        "[columns.pagination]",
        '[columns.detail.fields]\nidentifier = [{ label = ["索引号"] }]\n[columns.pagination]',
    )
    column = load_portal(path).columns[0]
    assert sorted(column.detail.fields) == ["identifier", "title"]
    assert column.detail.main[0].value == "#zoom"


def test_families_file_names_only_known_families():
    with FAMILIES_FILE.open("rb") as f:
        assert set(tomllib.load(f)) <= {"all", *FAMILIES}


# --- resolving a portal by id ---------------------------------------------------------------------------


def test_portal_id_resolves_to_its_file_in_the_search_dirs():
    assert (
        resolve_portal("hanyin-gxs", [ROOT / "crawler" / "portals"])
        == ROOT / "crawler/portals/hanyin-gxs.toml"
    )


def test_unknown_portal_id_lists_close_matches_and_available_ids():
    with pytest.raises(ConfigError) as e:
        resolve_portal("hanyin", [ROOT / "crawler" / "portals"])
    assert str(e.value) == (
        f'unknown portal "hanyin"; did you mean "hanyin-gxs"? available in {ROOT / "crawler" / "portals"}: '
        "hanyin-gxs, lixian-gxs, sg-gxs, yueqing-gxs, zibo-gxs"
    )


# --- run settings ---------------------------------------------------------------------------------------


def test_gongkai_toml_unknown_setting_gets_did_you_mean(tmp_path):
    path = write(tmp_path, 'data_dri = "archive"\n', "gongkai.toml")
    with pytest.raises(ConfigError) as e:
        load_settings(path)
    assert str(e.value) == f'{path}: unknown setting "data_dri"; did you mean "data_dir"?'


def test_gongkai_toml_wrong_type_names_the_setting_and_the_fix(tmp_path):
    path = write(tmp_path, 'retries = "three"\n', "gongkai.toml")
    with pytest.raises(ConfigError) as e:
        load_settings(path)
    assert str(e.value) == f'{path}: retries: expected an integer, got "three". Fix: retries = 3'


def test_settings_priority_is_defaults_then_gongkai_toml_then_command_line(tmp_path):
    path = write(tmp_path, "retries = 5\ndownload_timeout = 60\n", "gongkai.toml")
    settings = load_settings(path, {"retries": "7"})
    assert (settings.retries, settings.download_timeout, settings.max_body_bytes) == (7, 60.0, 52428800)


def test_command_line_setting_of_wrong_type_is_rejected():
    with pytest.raises(ConfigError) as e:
        load_settings(None, {"log_level": "LOUD"})
    assert str(e.value) == (
        'command line: log_level: expected one of "DEBUG", "INFO", "WARNING", "ERROR", got "LOUD". '
        'Fix: log_level = "WARNING"'
    )


def test_relative_paths_in_gongkai_toml_are_relative_to_the_file(tmp_path):
    path = write(tmp_path, 'data_dir = "archive"\n', "gongkai.toml")
    assert load_settings(path).data_dir == tmp_path / "archive"


def test_user_agent_carries_the_contact():
    assert load_settings(None, {"contact": "mailto:ops@example.org"}).user_agent == (
        "gongkai/0.1 (+mailto:ops@example.org)"
    )


def test_repository_gongkai_toml_loads():
    assert isinstance(load_settings(ROOT / "gongkai.toml"), Settings)


def test_every_setting_is_in_gongkai_toml_with_a_comment():
    lines = (ROOT / "gongkai.toml").read_text(encoding="utf-8").splitlines()
    for setting in SETTINGS:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{setting.name} ="))
        assert lines[at - 1].startswith("#"), setting.name


def test_settings_dataclass_has_a_field_per_setting():
    assert list(Settings.__dataclass_fields__) == [s.name for s in SETTINGS]


def test_allowed_domains_given_as_a_string_is_a_problem_not_a_crash(tmp_path):
    path = changed(
        tmp_path, 'allowed_domains = ["www.example.gov.cn"]', 'allowed_domains = "www.example.gov.cn"'
    )
    problems = check_portal(path)
    assert len(problems) == 1 and "allowed_domains" in problems[0], problems
