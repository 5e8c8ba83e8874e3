"""Table text → cells → row segments, one model for every layout the new tables arrive in.

Layouts: `a | b |` rows (HTML and markdown as flattened by text.py, Word pastes) and
whitespace-separated PDF text where a row's label and its numbers may sit on different lines.
A segment is one table row: the label text seen since the previous row, then its value cells.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations
from typing import Any, Final, cast

from .cells import ZERO_MARKS, is_value_cell, parse_cell
from .model import Number

# Page headers/footers that PDF extraction leaves inside a table (`第 2 页`, `3/10`), and the
# dashed page number (`— 3 —`), which can also be a row of zero marks around a number.
_PAGE_MARK: Final = re.compile(
    r"\s*(?:第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|(?P<page>\d{1,3})/(?P<pages>\d{1,3}))\s*"
)
_DASHED_PAGE_NUMBER: Final = re.compile(r"\s*[-—–－]+\s*\d{1,4}\s*[-—–－]+\s*")
_FURNITURE_MARK: Final = re.compile("[页/—–－-]|报告")  # one of them is in every such line
# A report title repeated at the top of every PDF page.
_REPEATED_TITLE: Final = re.compile(r"[^\d\s|]*\d{4}\s*年度?\s*政府信息公开工作年度报告\s*")
_SPACES: Final = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+")
# Too many ways to cut a run of digits means the identities cannot single one out anyway.
_MAX_SPLITS: Final = 20000


class Segment:
    """One table row: `label` is its label text without spaces (it may start with header or group
    label text), `cells` its raw value cells after the label (None for a blank cell), `line` the
    0-based line of its first value, `label_parts` the (line, text) of each label cell in order,
    `last_line` the line of its last value (cell-per-line rows span many), `trimmed` its cells
    without trailing blanks."""

    # A plain class: a table builds dozens of segments and a dataclass __init__ costs more.
    __slots__ = ("label", "cells", "line", "label_parts", "lines", "last_line", "trimmed")

    def __init__(self, label: str, cells: list[str | None], line: int, label_parts: list[tuple[int, str]],
                 lines: list[str], last_line: int = -1) -> None:
        self.label = label
        self.cells = cells
        self.line = line
        self.label_parts = label_parts
        self.lines = lines
        self.last_line = last_line
        if cells and cells[-1] is None:
            end = len(cells) - 1
            while end and cells[end - 1] is None:
                end -= 1
            self.trimmed = cells[:end]
        else:
            self.trimmed = cells

    def __repr__(self) -> str:
        return f"Segment({self.label!r}, {self.cells!r}, line={self.line})"

    def label_line(self, at: int | None = None) -> int | None:
        """Line of the label text at offset `at` of `label` (default: the last label cell)."""
        parts = self.label_parts
        if not parts:
            return None
        if at is not None and len(parts) > 1:
            offset = 0
            for line, text in parts:
                offset += len(text)
                if at < offset:
                    return line
        return parts[-1][0]

    def text(self, at: int | None = None) -> str:
        """The row as printed: from the line of its label (text at offset `at`) to its last value."""
        return self.source(at)[1]

    def source(self, at: int | None = None) -> tuple[int | None, str]:
        """(label_line(at), text(at)) in one step, the usual row (all on one line) first."""
        label = self.label_line(at)
        line = self.line
        if (label is None or label >= line) and self.last_line <= line:
            return label, self.lines[line].strip()
        return label, self.text_from(label)

    def text_from(self, first: int | None) -> str:
        """The row as printed from line `first` (its label's, from label_line) to its last value."""
        if first is None or first > self.line:
            first = self.line
        last = max(self.line, self.last_line)
        if first == last:
            return self.lines[first].strip()
        return "\n".join(filter(None, map(str.strip, self.lines[first : last + 1])))

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


def is_page_furniture(line: str, label_waits: bool = False) -> bool:
    """A page header/footer line. `label_waits`: a row label still waits for its numbers, so a
    dashed number (`- 3 -`) is read as that row's cells rather than as a page number."""
    furniture = _furniture(line)
    return not label_waits if furniture is None else furniture


def _furniture(line: str) -> bool | None:
    """Whether a line is a page header/footer; None for a dashed number, which is one only when no
    row label waits (see is_page_furniture): one pass of the tests tells both cases."""
    if line.isdigit() or not _FURNITURE_MARK.search(line):
        return False  # the usual line: no mark of a page header or footer
    if m := _PAGE_MARK.fullmatch(line):
        return not m["page"] or int(m["page"]) <= int(m["pages"])
    if _DASHED_PAGE_NUMBER.fullmatch(line):
        return None
    return bool(_REPEATED_TITLE.fullmatch(line))


# Characters a value cell can start with (digits, signs, zero marks); anything else is a label,
# rejected here without parse_cell's exception path.
_VALUE_START: Final = frozenset("0123456789+-.,—–－/／无無―─０１２３４５６７８９＋")
CJK_CHAR: Final = re.compile(r"[\u3400-\u9fff]")


def is_value(text: str) -> bool:
    if text.isascii():
        return text.isdigit() or (text[0] in _VALUE_START and is_value_cell(text))
    if text in ZERO_MARKS:
        return True
    return text[0] in _VALUE_START and not CJK_CHAR.search(text) and is_value_cell(text)


def read_value(raw: str, *, decimal: bool = False, signed: bool = False) -> Number | None:
    """parse_cell, with plain ASCII digits read directly (same result, far faster)."""
    if raw.isascii() and raw.isdigit():
        return int(raw)
    return _parsed(raw, decimal, signed)


@lru_cache(maxsize=4096)  # zero marks (`—`, `-`, `/`) and separators repeat in every table
def _parsed(raw: str, decimal: bool, signed: bool) -> Number | None:
    return parse_cell(raw, decimal=decimal, signed=signed).value


# Table lines repeat across reports (zero rows, standard labels and headers): reading each distinct
# line once is most of the speed. Results are tuples, so the cached values cannot be changed.
_LINE_CACHE: Final = 16384


@lru_cache(maxsize=_LINE_CACHE)
def line_cells(line: str) -> tuple[str | None, ...]:
    """One line's cells: text or value strings, None for a blank cell.

    `|` lines are split on `|`; other lines on white space, with adjacent words merged back into
    one label (PDF text puts spaces inside labels: `商业 企业`).
    """
    if "|" in line:
        parts = line.split("|")
        if not parts[-1].strip():
            parts.pop()  # the empty text after a row's closing `|`
        return tuple(_compact(p) or None for p in parts)
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
    return tuple(cells)


@lru_cache(maxsize=4096)  # header lines recur from report to report
def has_value_cell(line: str) -> bool:
    return any(c is not None and is_value(c) for c in line_cells(line))


def _compact(cell: str) -> str:
    cell = cell.strip()
    # isprintable is False for every space but " " and for zero-width characters
    if cell.isprintable() and " " not in cell:
        return cell
    return _SPACES.sub("", cell)


# What the value cells of the usual row are made of: digits, signs, zero marks, spaces and borders.
_VALUE_TAIL: Final = "".join(sorted(set("0123456789+ " + "".join(ZERO_MARKS))))


def _is_plain_value(cell: str) -> bool:
    """An integer (本年增/减 may be signed) or a zero mark: a value cell, as is_value would say."""
    return (cell.isdecimal() or cell in ZERO_MARKS
            or (len(cell) > 1 and cell[0] in "+-" and cell[1:].isdecimal()))


def simple_row(line: str) -> tuple[tuple[str | None, ...], tuple[str | None, ...]] | None:
    """(label cells, value cells) of the usual row, label then integers, zero marks and blanks;
    None for any other line. Same cells as line_cells (a test checks), without its per-cell work.

    The value cells are cut off the end of the line in C (rstrip to the first character that
    cannot be in one); only the label part, which repeats from report to report, is split cell by
    cell, and that is cached. Where the cut could differ from the cell-by-cell reading (a label
    cell that is a number, other white space) the line takes the cell-by-cell rules.
    """
    if "|" in line:
        cut = line.find("|", len(line.rstrip(_VALUE_TAIL + "|")))
        if cut > 0:
            head = line[:cut]
            last = head[head.rfind("|") + 1 :].strip()
            if last and not _is_plain_value(last):  # the value cells start right after this label cell
                values = list(map(str.strip, line[cut + 1 :].split("|")))
                if not values[-1]:
                    values.pop()  # the empty text after a row's closing `|`
                digits = "".join(values)
                if not digits:
                    return None
                if digits.isdecimal() or all(_is_plain_value(v) for v in values if v):
                    label = _label_cells(head, True)
                    return (label, tuple([v or None for v in values])) if label else None
    else:
        cut = line.find(" ", len(line.rstrip(_VALUE_TAIL)))
        if cut > 0:
            head = line[:cut]
            words = head.split()
            if words and not _is_plain_value(words[-1]):
                values = line[cut:].split()
                if not values:
                    return None
                if all(map(_is_plain_value, values)):
                    label = _label_cells(head, False)
                    return (label, tuple(values)) if label else None
    return _simple_row_by_cells(line)


@lru_cache(maxsize=4096)  # row labels repeat from report to report, their numbers do not
def _label_cells(head: str, piped: bool) -> tuple[str | None, ...] | None:
    """_label_of a row's text before its values."""
    return _label_of(list(map(str.strip, head.split("|"))) if piped else head.split(), piped)


def _label_of(parts: list[str], piped: bool) -> tuple[str | None, ...] | None:
    """The label cells of a row from its stripped pieces before the values; None when one of them
    is a value."""
    label = [(p if p.isprintable() and " " not in p else _SPACES.sub("", p)) or None for p in parts]
    if any(c is not None and is_value(c) for c in label):
        return None
    if not piped and len(label) > 1:
        return ("".join(cast("list[str]", label)),)  # PDF text: spaces inside one label
    return tuple(label)


def _simple_row_by_cells(line: str) -> tuple[tuple[str | None, ...], tuple[str | None, ...]] | None:
    if "|" in line:
        parts = list(map(str.strip, line.split("|")))
        if not parts[-1]:
            parts.pop()  # the empty text after a row's closing `|`
    else:
        parts = line.split()
    k = len(parts)
    while k and (not parts[k - 1] or _is_plain_value(parts[k - 1])):
        k -= 1
    values = parts[k:]
    if not any(values):
        return None
    label = _label_of(parts[:k], "|" in line)
    return None if label is None else (label, tuple(v or None for v in values))


# How segments() takes a line: skip it, a whole row, label text only, or cell by cell; and
# what decides whether it is page furniture instead: the lines around it (a bare page number) or
# whether a label waits for its numbers (a dashed page number).
_SKIP, _ROW, _LABELS, _CELLS = range(4)
_DASHED, _PAGE_NUMBER = 1, 2


@lru_cache(maxsize=_LINE_CACHE)  # zero rows, labels and header lines recur in most reports
def _line_plan(line: str) -> tuple[int | None, int, Any, Any]:
    """(page test or None, how, and what segments() needs for it, which depends on how) of one line."""
    check = None
    if "|" not in line:
        if not line.strip():
            return None, _SKIP, None, None
        if line.isdigit():
            check = _PAGE_NUMBER
        elif (furniture := _furniture(line)) is None:
            check = _DASHED
        elif furniture:
            return None, _SKIP, None, None
    row = simple_row(line)
    if row is not None:
        return check, _ROW, row[0], row[1]
    cells = line_cells(line)
    if not any(cells):
        return check, _SKIP, None, None  # `|` alone or only blanks: an empty continuation line
    kinds = tuple((cell, cell is not None and is_value(cell)) for cell in cells)
    if any(value for _, value in kinds):
        return check, _CELLS, kinds, None
    trailing = 0
    while cells[-1 - trailing] is None:
        trailing += 1
    return check, _LABELS, tuple(c for c in cells if c is not None), trailing


def _labelled(label: list[tuple[int, str]], cells: list[str | None], first: int, lines: list[str],
              last: int) -> Segment:
    text = label[0][1] if len(label) == 1 else "".join([t for _, t in label])
    return Segment(text, cells, first, label, lines, last)


class _RowBuilder:
    """Cells → segments: label text until values come, values until the next label text."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.out: list[Segment] = []
        self.label: list[tuple[int, str]] = []
        self.cells: list[str | None] = []
        self.first = self.last = -1  # lines of the first and last value, -1 before any value

    def text(self, i: int, cell: str) -> None:
        if self.first >= 0:
            self.close()
        self.cells = []  # blanks before more label text are label padding (colspan, empty group cell)
        self.label.append((i, cell))

    def blank(self) -> None:
        if self.label or self.first >= 0:
            self.cells.append(None)

    def value(self, i: int, cell: str) -> None:
        if self.first < 0:
            self.first = i
        self.last = i
        self.cells.append(cell)

    def row(self, i: int, texts: tuple[str | None, ...], values: tuple[str | None, ...]) -> None:
        """A whole row on line i, label cells then value cells (the builder holds no values)."""
        label, cells = self.label, self.cells
        for cell in texts:
            if cell is not None:
                label.append((i, cell))
                cells = []
            elif label:
                cells.append(None)
        cells.extend(values)
        self.out.append(_labelled(label, cells, i, self.lines, i))
        self.label, self.cells = [], []

    def labels(self, i: int, texts: tuple[str, ...], trailing_blanks: int) -> None:
        """A line of label text only, as text() and blank() cell by cell would take it."""
        self.label.extend([(i, text) for text in texts])
        self.cells = [None] * trailing_blanks

    def close(self) -> None:
        if self.first >= 0:
            self.out.append(_labelled(self.label, self.cells, self.first, self.lines, self.last))
            self.label, self.cells, self.first = [], [], -1

    def finish(self) -> list[Segment]:
        self.close()
        if self.label:  # a trailing label without values
            i = self.label[-1][0]
            self.out.append(Segment("".join(t for _, t in self.label), [], i, self.label, self.lines, i))
        return self.out


def segments(lines: list[str], start: int, end: int) -> list[Segment]:
    """The rows of lines[start:end]; a trailing label without values becomes a cell-less segment.

    A row ends with its line (a label alone on a line waits for the numbers on the next), except
    in the cell-per-line layout, where a row ends where the next label starts.
    """
    rows = _RowBuilder(lines)
    if _is_cell_per_line(lines, start, end):
        _read_cell_per_line(rows, lines, start, end)
        return rows.finish()
    for i in range(start, end):
        line = lines[i]
        check, how, a, b = _line_plan(line)
        if check is not None and (not rows.label if check == _DASHED else is_page_number(lines, i, end)):
            continue
        if how == _ROW:
            rows.row(i, a, b)
        elif how == _LABELS:
            rows.labels(i, a, b)
        elif how == _CELLS:
            for cell, value in a:
                if cell is None:
                    rows.blank()
                elif value:
                    rows.value(i, cell)
                else:
                    rows.text(i, cell)
            rows.close()
    return rows.finish()


def is_page_number(lines: list[str], i: int, end: int) -> bool:
    """A bare number after a blank line and before a blank line or the next page's header: the
    footer of a PDF page (pdftotext puts blank lines around it), not a row's only value."""
    return (i > 0 and not lines[i - 1].strip()
            and (i + 1 >= end or not lines[i + 1].strip() or is_page_furniture(lines[i + 1])))


def _is_cell_per_line(lines: list[str], start: int, end: int) -> bool:
    """Every cell on its own line, `|` lines between them (seed 000)."""
    region = lines[start:end]
    # bare `|` lines counted in C first; only when they are too few are the lines stripped
    return (region.count("|") * 3 > end - start
            or sum(map("|".__eq__, map(str.strip, region))) * 3 > end - start)


def _read_cell_per_line(rows: _RowBuilder, lines: list[str], start: int, end: int) -> None:
    # The builder's text/blank/value steps written out on local state: this layout has one line
    # per cell and per border, some 400 for a 表三.
    out, label, cells, first, last = rows.out, rows.label, rows.cells, rows.first, rows.last
    after_separator = True
    for i in range(start, end):
        line = lines[i]
        if line == "|" or (line := line.strip()) == "|":
            if after_separator and (label or first >= 0):
                cells.append(None)  # `|` right after `|`: the cell between them is blank
            after_separator = True
        elif line.isascii() and line.isdigit():
            if first < 0:
                first = i
            last = i
            cells.append(line)
            after_separator = False
        elif line:
            furniture, kinds = _cell_line(line)
            if furniture or (furniture is None and not (label and first < 0)):
                continue
            for cell, value in kinds:
                if value:
                    if first < 0:
                        first = i
                    last = i
                    cells.append(cell)
                else:
                    if first >= 0:
                        out.append(_labelled(label, cells, first, lines, last))
                        label, first = [], -1
                    cells = []  # blanks before more label text are label padding
                    label.append((i, cell))
            after_separator = False
    rows.label, rows.cells, rows.first, rows.last = label, cells, first, last


@lru_cache(maxsize=4096)  # labels and zero marks (numbers are read before)
def _cell_line(line: str) -> tuple[bool | None, tuple[tuple[str, bool], ...]]:
    """(whether it is page furniture, see _furniture; its non-blank cells and whether each is a
    value) of a line of the cell-per-line layout."""
    return _furniture(line), tuple((cell, is_value(cell)) for cell in line_cells(line) if cell is not None)


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

