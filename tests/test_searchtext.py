"""Chinese search: bigram indexing and the query that matches it, in a real SQLite FTS5 table."""

import sqlite3

import pytest

from pipelines.searchtext import bigram_text, fts_query

DOCS = ["本年度因政府信息公开被申请行政复议0件", "依申请公开工作情况", "财政预决算公开"]


@pytest.fixture()
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
    conn.executemany(
        "INSERT INTO f (rowid, body) VALUES (?, ?)",
        [(i, bigram_text(text)) for i, text in enumerate(DOCS, 1)],
    )
    return lambda q: [r[0] for r in conn.execute("SELECT rowid FROM f WHERE f MATCH ?", (fts_query(q),))]


def test_two_character_query_finds_the_word_inside_a_longer_one(fts):
    assert fts("复议") == [1]


def test_five_character_query_matches_as_a_phrase(fts):
    assert fts("依申请公开") == [2]


def test_characters_that_are_not_adjacent_do_not_match(fts):
    assert fts("复公") == []


def test_words_separated_by_spaces_must_all_occur(fts):
    assert fts("申请 复议") == [1]
    assert fts("复议 预决算") == []


def test_single_character_query_matches_as_prefix(fts):
    assert fts("预") == [3]


def test_quotes_in_a_query_cannot_break_the_fts_syntax(fts):
    assert fts('"依申请') == [2]
