"""Label and cell normalisation: how printed text is compared with the spec's labels and read as numbers.

Labels (statistics.toml, "LABEL NORMALISATION"):

1. Unicode NFKC: full-width brackets, digits, commas, colons become half-width (〔〕 stay as they are).
2. All whitespace removed, also inside words: "结 果 维 持", "商业\\n企业", "本年新 制作数量".
3. Quotes “ ” " ' ‘ ’ removed.
4. A leading ordinal — 一、 (一) 1. 1、 — is split off; its style tells the row level in 表三.

Cells: blank, a placeholder ("-", "—", "/", "无": blank with the raw text kept), a number (signed
"-417", "增3"/"减4", decimals, thousands commas, a unit suffix such as "3件" or "251000元"), or text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

QUOTES = dict.fromkeys(map(ord, "“”\"'‘’「」"), None)
CHINESE_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
ORDINAL = re.compile(r"^(?:(?P<cn>[一二三四五六七八九十]{1,2})[、.]"
                     r"|\((?P<paren>[一二三四五六七八九十]{1,2})\)[、.]?"
                     r"|(?P<num>\d{1,2})(?:[.、](?!\d)|\)))")
INNER_ORDINAL = re.compile(r"(?<=.)(?=[一二三四五六七八九十]{1,2}、"
                           r"|\([一二三四五六七八九十]{1,2}\)|\d{1,2}[.、](?!\d))")
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "/", "无", "\\", "…"})
NUMBER = re.compile(r"(?P<sign>[-+增减])?(?P<digits>\d+(?:\.\d+)?)(?P<unit>万元|元|件|项|个|条)?")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
PAGE_FOOTER = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
                         r"|\d{1,3}\s*/\s*\d{1,3})$")


def squash(text: str) -> str:
    """NFKC, whitespace and quotes removed: the form every label comparison uses."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(QUOTES)


def squash_cells(line: str) -> str:
    """A text line squashed cell by cell, its tabs kept as cell separators."""
    return "\t".join(squash(part) for part in line.split("\t"))


@dataclass(frozen=True)
class Label:
    """A normalised label with its leading ordinal split off."""

    text: str  # normalised, ordinal removed
    style: str | None  # "cn" (一、) | "paren" ((一)) | "num" (1. / 1、) | None
    number: int | None


def label(text: str) -> Label:
    """The normalised form of a printed label (steps 1–4 of the module docstring)."""
    squashed = squash(text)
    match = ORDINAL.match(squashed)
    if not match:
        return Label(squashed, None, None)
    style = match.lastgroup
    token = match.group(style)
    number = int(token) if style == "num" else _chinese_number(token)
    return Label(squashed[match.end():], style, number)


def split_ordinals(text: str) -> list[str]:
    """A printed text cut before every ordinal inside it: the labels of several levels printed on
    one line ("三、本年度办理结果 （一）予以公开") become one label each."""
    return [part for part in INNER_ORDINAL.split(squash(text)) if part]


def _chinese_number(token: str) -> int | None:
    """一 … 十, 十一 … 十九 as an int."""
    if len(token) == 1:
        return CHINESE_NUMBERS.get(token)
    if token[0] == "十":
        return 10 + CHINESE_NUMBERS.get(token[1], 0)
    return None


def similarity(printed: str, canonical: str) -> float:
    """How well a normalised printed label matches a normalised canonical one, 0…1.

    Exact → 1. A canonical label followed by instructions ("处理决定数量(指2020年办件量)") → 0.95.
    A truncated label ("现行有效件", "审结") → up to 0.9 by the share kept. Otherwise difflib's ratio,
    which tolerates a dropped character ("其他法律行政止公开").
    """
    if not printed or not canonical:
        return 0.0
    if printed == canonical:
        return 1.0
    if len(canonical) >= 2 and printed.startswith(canonical):
        return 0.95
    if len(printed) >= 2 and canonical.startswith(printed):
        return 0.55 + 0.35 * len(printed) / len(canonical)
    return SequenceMatcher(None, printed, canonical, autojunk=False).ratio()


@dataclass(frozen=True)
class Reading:
    """What a cell holds."""

    kind: str  # number | blank | placeholder | text
    value: int | float | None = None
    unit: str | None = None  # a unit printed inside the cell ("元", "件" …)

    @property
    def is_value(self) -> bool:
        """True for cells that belong in a number column: numbers, blanks and placeholders."""
        return self.kind != "text"


def read_cell(text: str | None) -> Reading:
    """Read one cell's text (see the module docstring for the forms accepted)."""
    squashed = squash(text or "")
    if not squashed:
        return Reading("blank")
    if squashed in PLACEHOLDERS:
        return Reading("placeholder")
    match = NUMBER.fullmatch(THOUSANDS.sub("", squashed))
    if not match:
        return Reading("text")
    digits = match["digits"]
    value: int | float = float(digits) if "." in digits else int(digits)
    if match["sign"] in ("-", "减"):
        value = -value
    return Reading("number", value, match["unit"])


def is_page_footer(line: str) -> bool:
    """A page number line ("- 3 -", "第 3 页", "3/6"): not part of any table."""
    return bool(PAGE_FOOTER.match(line.strip()))
