"""Chinese full-text search in SQLite FTS5 with overlapping character bigrams.

SQLite's tokenizers do not segment Chinese: ``unicode61`` takes a whole run of Han characters as one
token, and ``trigram`` finds nothing for two-character queries such as 复议. Word segmentation
(jieba) splits 依申请公开 as 依/申请/公开, so a query must be segmented the same way as the text,
which depends on context. Bigrams need no dictionary and give substring semantics, as Lucene's CJK
analyzer does: the text 依申请公开 is indexed as the tokens 依申 申请 请公 公开, and the query 依申请公开
becomes the phrase "依申 申请 请公 公开". Text outside Han runs is kept as words.
"""

import re

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[^\s{_HAN}]+")
_WORD = re.compile(r"\w+")


def _run_tokens(run: str) -> list[str]:
    if re.match(rf"[{_HAN}]", run):
        return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return _WORD.findall(run)


def bigram_text(text: str) -> str:
    """The text as space-separated tokens: Han bigrams and other words, for the FTS index column."""
    return " ".join(tok for run in _RUNS.findall(text or "") for tok in _run_tokens(run))


def fts_query(query: str) -> str:
    """A user's search words as an FTS5 query over `bigram_text` columns (terms ANDed).

    Each whitespace-separated term becomes a phrase of its tokens; a term that ends in a lone Han
    character (or is one) matches it as a prefix, so 复 finds 复议 and 2023年 finds 2023年度.
    """
    phrases = []
    for term in query.split():
        runs = _RUNS.findall(term)
        tokens = [tok for run in runs for tok in _run_tokens(run)]
        if not tokens:
            continue
        lone_han_end = len(runs[-1]) == 1 and re.match(rf"[{_HAN}]", runs[-1])
        phrase = '"' + " ".join(t.replace('"', "") for t in tokens) + '"'
        phrases.append(phrase + (" *" if lone_han_end else ""))
    return " ".join(phrases)
