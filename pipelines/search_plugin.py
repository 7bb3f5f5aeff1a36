"""Datasette plugin: make Datasette's own search box and ``?_search=`` API search Chinese text.

Datasette turns a search into ``… MATCH escape_fts(:search)``. gongkai's FTS tables hold character
bigrams (`pipelines.searchtext`), so this plugin replaces the ``escape_fts`` SQL function with one that
turns the user's words into bigram phrases. The search box keeps showing what the user typed.
``trylast`` matters: Datasette registers its own ``escape_fts`` in the same hook, and the last one wins.
"""

from datasette import hookimpl

from pipelines.searchtext import fts_query


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query)
