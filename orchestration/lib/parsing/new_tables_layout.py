"""Table text → cells → row segments, one model for every layout the new tables arrive in.

Layouts: `a | b |` rows (HTML and markdown as flattened by text.py, Word pastes) and
whitespace-separated PDF text where a row's label and its numbers may sit on different lines.
A segment is one table row: the label text seen since the previous row, then its value cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

from .cells import ZERO_MARKS, is_value_cell, parse_cell
from .model import Number

# Page headers/footers that PDF extraction leaves inside a table (`— 3 —`, `第 2 页`, `3/10`).
_PAGE_FURNITURE = re.compile(
    r"\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4})\s*"
)
# A report title repeated at the top of every PDF page.
_REPEATED_TITLE = re.compile(r"[^\d\s|]*\d{4}\s*年度?\s*政府信息公开工作年度报告\s*")
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+")
# Too many ways to cut a run of digits means the identities cannot single one out anyway.
_MAX_SPLITS = 20000


@dataclass
class Segment:
    label: str  # label text without spaces; may start with header or group-label text
    cells: list[str | None]  # raw value cells after the label, None for a blank cell
    line: int  # 0-based index of the line holding the first value
    label_parts: list[tuple[int, str]]  # (line index, text) of each label cell, in order
    lines: list[str] = field(repr=False)

    def label_line(self, at: int | None = None) -> int | None:
        """Line of the label text at offset `at` of `label` (default: the last label cell)."""
        if not self.label_parts:
            return None
        if at is not None:
            offset = 0
            for line, text in self.label_parts:
                offset += len(text)
                if at < offset:
                    return line
        return self.label_parts[-1][0]

    def text(self, at: int | None = None) -> str:
        """The row as printed: from the line of its label (text at offset `at`) to its values."""
        first = self.label_line(at)
        if first is None or first >= self.line:
            return self.lines[self.line].strip()
        return "\n".join(t for t in map(str.strip, self.lines[first : self.line + 1]) if t)

    @cached_property
    def trimmed(self) -> list[str | None]:
        """Cells without trailing blanks (padding left by colspans)."""
        cells = self.cells
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        return cells[:end]

    def fit(self, width: int) -> list[str | None] | None:
        """The row's cells as exactly `width` columns, or None when they do not fit.

        Trailing blanks beyond `width` are padding (colspan headers make rows wider than the
        data); within `width` they are the row's own blank cells. Leading blanks are dropped
        only when the row is too wide with them (an empty label cell).
        """
        trimmed = self.trimmed
        if len(trimmed) == width:
            return trimmed
        if len(trimmed) < width <= len(self.cells):
            return self.cells[:width]
        if len(trimmed) > width:
            start = 0
            while len(trimmed) - start > width and trimmed[start] is None:
                start += 1
            if len(trimmed) - start == width:
                return trimmed[start:]
        return None


def is_page_furniture(line: str) -> bool:
    return bool(_PAGE_FURNITURE.fullmatch(line) or _REPEATED_TITLE.fullmatch(line))


# Characters a value cell can start with (digits, signs, zero marks); anything else is a label,
# rejected here without parse_cell's exception path.
_VALUE_START = frozenset("0123456789+-.,—–－/／无無―─０１２３４５６７８９＋")
_CJK = re.compile(r"[\u3400-\u9fff]")


def is_value(text: str) -> bool:
    if text.isascii():
        return text.isdigit() or (text[0] in _VALUE_START and is_value_cell(text))
    if text in ZERO_MARKS:
        return True
    return text[0] in _VALUE_START and not _CJK.search(text) and is_value_cell(text)


def read_value(raw: str, *, decimal: bool = False, signed: bool = False) -> Number | None:
    """parse_cell, with plain ASCII digits read directly (same result, far faster)."""
    if raw.isascii() and raw.isdigit():
        return int(raw)
    return parse_cell(raw, decimal=decimal, signed=signed).value


def line_cells(line: str) -> list[str | None]:
    """One line's cells: text or value strings, None for a blank cell.

    `|` lines are split on `|`; other lines on white space, with adjacent words merged back into
    one label (PDF text puts spaces inside labels: `商业 企业`).
    """
    if "|" in line:
        parts = line.split("|")
        if not parts[-1].strip():
            parts.pop()  # the empty text after a row's closing `|`
        return [_compact(p) or None for p in parts]
    cells: list[str | None] = []
    words: list[str] = []
    for token in line.split():
        if is_value(token):
            if words:
                cells.append("".join(words))
                words = []
            cells.append(token)
        else:
            words.append(token)
    if words:
        cells.append("".join(words))
    return cells


def _compact(cell: str) -> str:
    cell = cell.strip()
    if cell.isascii() and " " not in cell:
        return cell
    return _SPACES.sub("", cell)


def simple_row(line: str) -> tuple[list[str | None], list[str | None]] | None:
    """(label cells, value cells) of the usual row, label then plain integers and blanks; None for
    any other line. Same cells as line_cells (a test checks), without its per-cell work."""
    if "|" in line:
        parts = list(map(str.strip, line.split("|")))
        if not parts[-1]:
            parts.pop()  # the empty text after a row's closing `|`
    else:
        parts = line.split()
    k = len(parts)
    while k and (not parts[k - 1] or parts[k - 1].isdecimal()):
        k -= 1
    values = parts[k:]
    if not any(values):
        return None
    label = [_compact(p) or None for p in parts[:k]]
    if any(c is not None and is_value(c) for c in label):
        return None
    if "|" not in line and len(label) > 1:
        label = ["".join(label)]  # PDF text: spaces inside one label
    return label, [v or None for v in values]


def segments(lines: list[str], start: int, end: int) -> list[Segment]:
    """The rows of lines[start:end]; a trailing label without values becomes a cell-less segment."""
    out: list[Segment] = []
    label: list[tuple[int, str]] = []
    cells: list[str | None] = []
    has_value = False
    first_value_line = 0
    for i in range(start, end):
        line = lines[i]
        if "|" not in line and (not line.strip() or is_page_furniture(line)):
            continue
        row = simple_row(line)
        if row is not None and not has_value:
            for cell in row[0]:
                if cell is None:
                    if label:
                        cells.append(cell)
                else:
                    cells = []  # blanks before more label text are label padding
                    label.append((i, cell))
            cells.extend(row[1])
            out.append(Segment("".join(t for _, t in label), cells, i, label, lines))
            label, cells = [], []
            continue
        for cell in line_cells(line):
            if cell is None:
                if label or has_value:
                    cells.append(cell)
            elif is_value(cell):
                if not has_value:
                    first_value_line = i
                cells.append(cell)
                has_value = True
            else:
                if has_value:
                    out.append(Segment("".join(t for _, t in label), cells, first_value_line, label, lines))
                    label, has_value = [], False
                # Blanks before more label text are label padding (colspan, empty group cell).
                cells = []
                label.append((i, cell))
        if has_value:
            out.append(Segment("".join(t for _, t in label), cells, first_value_line, label, lines))
            label, cells, has_value = [], [], False
    if label:
        out.append(Segment("".join(t for _, t in label), [], label[-1][0], label, lines))
    return out


def fused_candidates(tokens: list[str], width: int) -> list[tuple[int, ...]] | None:
    """Every way to cut digit runs into exactly `width` counts (no leading zeros): [] when there
    is none (a token is not a plain digit run, or too few digits); None when too many to enumerate."""
    if not all(t.isascii() and t.isdigit() for t in tokens):
        return []
    if sum(map(len, tokens)) < width or len(tokens) > width:
        return []
    total = sum(map(len, tokens))
    per_token = [
        _cuts(t, max(1, width - (total - len(t))), width - len(tokens) + 1) for t in tokens
    ]
    if any(c is None for c in per_token):
        return None
    out: list[tuple[int, ...]] = []

    def extend(i: int, prefix: tuple[int, ...]) -> bool:
        if i == len(tokens):
            if len(prefix) == width:
                out.append(prefix)
            return len(out) <= _MAX_SPLITS
        room = width - len(prefix) - (len(tokens) - i - 1)
        for cut in per_token[i]:  # type: ignore[union-attr]
            if len(cut) <= room and not extend(i + 1, prefix + cut):
                return False
        return True

    return out if extend(0, ()) else None


def _cuts(digits: str, min_parts: int, max_parts: int) -> list[tuple[int, ...]] | None:
    """All ways to cut one digit run into min_parts..max_parts numbers without leading zeros."""
    n = len(digits)
    out = []
    for parts in range(min_parts, min(n, max_parts) + 1):
        for points in combinations(range(1, n), parts - 1):
            bounds = (0, *points, n)
            pieces = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
            if all(p == "0" or p[0] != "0" for p in pieces):
                out.append(tuple(int(p) for p in pieces))
                if len(out) > _MAX_SPLITS:
                    return None
    return out

