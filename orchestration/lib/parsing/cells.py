"""Cell values (SPEC §4): blank → None, dashes and 无 → 0, separators and full-width digits removed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .model import Number

ZERO_MARKS: Final = frozenset({"-", "—", "——", "–", "－", "/", "／", "无", "無", "―", "─", "--", "---"})
_FULLWIDTH: Final = str.maketrans("０１２３４５６７８９．，＋－", "0123456789.,+-")
_NUMBER: Final = re.compile(r"[+-]?\d+(?:\.\d+)?")
_SPACES: Final = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+")
_GROUPED: Final = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


# The commonest cells (blank as None, zero marks, counts below 1000) → what parse_cell gives them
# whatever its flags: a dict lookup reads one several times faster.
PLAIN_CELLS: Final[dict[str | None, int | None]] = {None: None, **dict.fromkeys(ZERO_MARKS, 0), **{str(n): n for n in range(1000)}}


class CellError(ValueError):
    """A cell holds something that is neither blank, a zero mark nor a number."""


@dataclass(frozen=True)
class Cell:
    value: Number | None
    raw: str


def parse_cell(raw: str, *, decimal: bool = False, signed: bool = False) -> Cell:
    """Read one table cell; raise CellError for text that is not a value.

    `decimal` allows fractions (万元 / 元 amounts); `signed` allows a sign (本年增/减).
    """
    text = _SPACES.sub("", raw.translate(_FULLWIDTH))
    if not text:
        return Cell(None, raw)
    if text in ZERO_MARKS:
        return Cell(0, raw)
    if "," in text:
        if not _GROUPED.match(text):
            raise CellError(f"ambiguous separators in {raw!r}")
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise CellError(f"not a number: {raw!r}")
    if text[0] in "+-" and not signed:
        if text[0] == "-":
            raise CellError(f"negative count: {raw!r}")
        text = text[1:]
    if "." in text:
        number = float(text)
        if not decimal:
            if number != int(number):
                raise CellError(f"fraction in a count: {raw!r}")
            return Cell(int(number), raw)
        return Cell(number, raw)
    return Cell(int(text), raw)


def is_value_cell(raw: str) -> bool:
    """True if the text reads as a value cell (number or zero mark, blank excluded)."""
    try:
        return parse_cell(raw, decimal=True, signed=True).value is not None
    except CellError:
        return False
