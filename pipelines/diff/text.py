"""Chinese text diffs at sentence and character level.

Line diffs are useless here: extracted text breaks lines mid-sentence, and the same report rendered
as HTML and as PDF breaks them differently. So the text is first joined into paragraphs, cut into
sentences at Chinese sentence ends (。！？；), the two sentence lists are aligned, and only the
sentences that were rewritten are diffed again character by character — 切实 → 进一步 shows as
exactly that, inside its sentence. Numbers and Latin words count as one character each, so 126 → 162
reads as one number replaced by another, not as a shuffled digit.
"""

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# A sentence ends at these; the mark stays with its sentence.
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# A line break between two CJK characters is a rendering artefact, not a paragraph — unless a
# sentence ended just before it.
BROKEN_LINE = re.compile(rf"(?<=[{CJK}])(?<![。！？；：])[ \t]*\n[ \t]*(?=[{CJK}])")
# Characters spaced out for layout (标 题), and the space a PDF puts between a figure and the
# characters around it (2022 年), are no part of the text.
SPACED = re.compile(rf"(?<=[{CJK}]) +(?=[{CJK}])|(?<=[{CJK}]) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) +(?=[{CJK}])")
# Full-width digits and Latin letters (１２６, ＰＤＦ) are the same text as their ASCII forms.
FULL_WIDTH = str.maketrans(
    {
        chr(c): chr(c - 0xFEE0)
        for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
    }
)
# Diff units inside a sentence: a number, a Latin word, a run of spaces, or any other one character.
TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[A-Za-z]+|\s+|.", re.S)
# Rewritten sentences whose characters are less alike than this are shown as removed + added.
REWRITE_SIMILARITY = 0.35
# Sentence pairs difflib aligns exactly; beyond, it may treat very frequent sentences as junk.
EXACT_ALIGNMENT = 4_000_000
# Char-level diff of longer replaced blocks costs more than it tells.
MAX_CHAR_DIFF = 4000


@dataclass
class Piece:
    """One run of a diff: ``equal``, ``insert`` (only in the new text) or ``delete`` (only in the old)."""

    op: str
    text: str


@dataclass
class TextDiff:
    """The diff of two texts as sentence-aligned runs, with character-level runs inside rewritten ones."""

    pieces: list[Piece] = field(default_factory=list)
    sentences_added: int = 0
    sentences_removed: int = 0
    sentences_rewritten: int = 0
    similarity: float = 1.0

    @property
    def changed(self) -> bool:
        return any(p.op != "equal" for p in self.pieces)

    @property
    def chars_added(self) -> int:
        return sum(len(p.text) for p in self.pieces if p.op == "insert")

    @property
    def chars_removed(self) -> int:
        return sum(len(p.text) for p in self.pieces if p.op == "delete")

    def summary(self) -> str:
        """E.g. ``2 rewritten, 1 added sentences (+35/−12 characters)``, or ``no change``."""
        if not self.changed:
            return "no change"
        parts = [
            f"{n} {word}"
            for n, word in (
                (self.sentences_rewritten, "rewritten"),
                (self.sentences_added, "added"),
                (self.sentences_removed, "removed"),
            )
            if n
        ]
        counts = f"+{self.chars_added}/−{self.chars_removed} characters"
        return f"{', '.join(parts)} sentences ({counts})" if parts else counts

    def as_json(self) -> dict:
        return {
            "summary": self.summary(),
            "similarity": round(self.similarity, 4),
            "sentences_added": self.sentences_added,
            "sentences_removed": self.sentences_removed,
            "sentences_rewritten": self.sentences_rewritten,
            "chars_added": self.chars_added,
            "chars_removed": self.chars_removed,
            "pieces": [[p.op, p.text] for p in self.pieces],
        }


def normalise(text: str) -> str:
    """Undo extraction artefacts: CRLF, broken lines, spaced-out characters, spaces around figures,
    full-width digits; collapse blank runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").translate(FULL_WIDTH)
    text = BROKEN_LINE.sub("", text)
    text = SPACED.sub("", text)
    text = re.sub(r"[ \t\u3000]+", " ", text)
    text = re.sub(r" *\n[\s]*", "\n", text)
    return text.strip()


def sentences(text: str) -> list[str]:
    """The normalised text cut into sentences; a paragraph end also ends a sentence (kept as ``\\n``)."""
    out = []
    for paragraph in normalise(text).split("\n"):
        parts = [s for s in SENTENCE_END.split(paragraph) if s.strip()]
        if parts:
            parts[-1] += "\n"
            out.extend(parts)
    return out


def diff_text(old: str, new: str) -> TextDiff:
    """Diff two texts sentence by sentence, then character by character inside rewritten sentences."""
    a, b = sentences(old or ""), sentences(new or "")
    result = TextDiff()
    # Compare sentences without their trailing paragraph mark: re-flowed paragraphs are no change.
    keys_a, keys_b = [s.rstrip("\n") for s in a], [s.rstrip("\n") for s in b]
    for tag, i1, i2, j1, j2 in _opcodes(keys_a, keys_b):
        old_block, new_block = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            _add(result, "equal", new_block)
        elif tag == "delete":
            result.sentences_removed += i2 - i1
            _add(result, "delete", old_block)
        elif tag == "insert":
            result.sentences_added += j2 - j1
            _add(result, "insert", new_block)
        else:
            _replace(result, a[i1:i2], b[j1:j2], old_block, new_block)
    result.similarity = _similarity(a, b)
    return result


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Sentence alignment, as difflib opcodes.

    The common head and tail are cut off first (most edits are local). A middle small enough is
    aligned exactly by difflib. A larger one (a long PDF, whose flattened tables repeat the same
    cells thousands of times) is cut at anchors — sentences found exactly once in each text, kept in
    their common order (patience diff) — and each stretch between anchors is aligned the same way, so
    the time stays near linear without giving up the alignment of the prose.
    """
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    out = [("equal", 0, head, 0, head)] if head else []
    out += _shift(_align_middle(middle_a, middle_b), head, head)
    if tail:
        out.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return out


def _align_middle(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    if len(a) * len(b) <= EXACT_ALIGNMENT:
        return SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if a or b else []
    anchors = _unique_anchors(a, b)
    if not anchors:
        # Nothing to hold on to (all repeats): difflib's popular-element heuristic keeps it fast.
        return SequenceMatcher(None, a, b, autojunk=True).get_opcodes()
    out, i0, j0 = [], 0, 0
    for i, j in [*anchors, (len(a), len(b))]:
        out += _shift(_opcodes(a[i0:i], b[j0:j]), i0, j0)
        if i < len(a):
            out.append(("equal", i, i + 1, j, j + 1))
        i0, j0 = i + 1, j + 1
    return out


def _unique_anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of sentences that occur once in each list, longest run in the same order."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {s: j for j, s in enumerate(b) if count_b[s] == 1}
    pairs = [(i, where_b[s]) for i, s in enumerate(a) if count_a[s] == 1 and s in where_b]
    # Longest increasing subsequence of j (patience sorting), pairs already in i order.
    tops: list[int] = []  # per pile: index into pairs of its top card
    top_js: list[int] = []  # per pile: that card's j, for bisecting
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        pile = bisect_left(top_js, j)
        back.append(tops[pile - 1] if pile else -1)
        if pile == len(tops):
            tops.append(k)
            top_js.append(j)
        else:
            tops[pile], top_js[pile] = k, j
    chain, k = [], tops[-1] if tops else -1
    while k != -1:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _shift(opcodes: list, di: int, dj: int) -> list[tuple[str, int, int, int, int]]:
    return [(tag, i1 + di, i2 + di, j1 + dj, j2 + dj) for tag, i1, i2, j1, j2 in opcodes]


def _replace(result: TextDiff, a: list[str], b: list[str], old_block: str, new_block: str) -> None:
    """A run of sentences replaced by another: rewritten in place, or removed and added."""
    if len(old_block) + len(new_block) <= MAX_CHAR_DIFF:
        old_tokens, new_tokens = TOKEN.findall(old_block), TOKEN.findall(new_block)
        chars = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
        if chars.ratio() >= REWRITE_SIMILARITY:
            result.sentences_rewritten += max(len(a), len(b))
            for tag, i1, i2, j1, j2 in chars.get_opcodes():
                if tag == "equal":
                    _add(result, "equal", "".join(new_tokens[j1:j2]))
                else:
                    _add(result, "delete", "".join(old_tokens[i1:i2]))
                    _add(result, "insert", "".join(new_tokens[j1:j2]))
            return
    result.sentences_removed += len(a)
    result.sentences_added += len(b)
    _add(result, "delete", old_block)
    _add(result, "insert", new_block)


def _add(result: TextDiff, op: str, text: str) -> None:
    if not text:
        return
    if result.pieces and result.pieces[-1].op == op:
        result.pieces[-1].text += text
    else:
        result.pieces.append(Piece(op, text))


def _similarity(a: list[str], b: list[str]) -> float:
    """Share of characters in sentences the two texts have in common (1.0 for two empty texts)."""
    total = sum(map(len, a)) + sum(map(len, b))
    if not total:
        return 1.0
    in_a, in_b = set(a), set(b)
    shared = sum(len(s) for s in a if s in in_b) + sum(len(s) for s in b if s in in_a)
    return shared / total
