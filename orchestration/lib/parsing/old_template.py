"""The old national table 政府信息公开情况统计表 (reports 2008–2018).

The table reaches us in many shapes (one cell per line with `|` lines between cells, one row per
line with trailing empty cells, HTML/markdown rows, PDF text with space-separated cells, units or
values on the next line) and with labels that may be garbled. So the table region is found first,
cut into a stream of cells, the cells are grouped into observed rows (label, unit, value), and the
observed rows are aligned to the template's known row order: rows whose label matches exactly and
uniquely are anchors, and the short stretches between anchors are aligned by a small DP scoring
label similarity and unit agreement. A row whose label does not identify it is placed by order
only when its stretch leaves no doubt: as many rows as the template, in order, and nothing against
any of them (a unit or numbering that differs, a label that is another row's, a readable label
that is not this row's). Otherwise it is reported as `row_unaligned`, never guessed.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from typing import Final, NamedTuple

from ..metrics import OLD_SECTION_ROWS, metrics_for
from .cells import PLAIN_CELLS, ZERO_MARKS, CellError, parse_cell
from .model import SOURCE_TABLE, Extraction, Issue, Number, joined_lines, provenance_of
from .new_tables_layout import is_page_number

# The national table's units, and a few more that local tables read by read_table_rows use.
UNITS: Final = frozenset({"条", "件", "次", "篇", "个", "人", "人次", "万元", "元", "项", "%"})


# Nearly every value row's label ends in 数/数量 right before a cell border: a literal-led regex
# finds the table in a few microseconds where an alternation of all labels would be slow.
_LABEL_END: Final = re.compile(r"数量?[ \t\u3000]*(?:[|\n(（]|$)")
_MAX_LABEL_CELL: Final = 80  # a longer first cell is prose, not a row label
_MAX_TABLE_LINE: Final = 100
_UNIT_OR_VALUE_LINE: Final = re.compile(r"\s*(?:(?:人次|万元|[条件次篇个人元项%])(?:\s+\S+)?|[\d,.\-—/]+)\s*")
_CLUSTER_GAP: Final = 60  # lines between two label hits of one table (six unlabelled-数 rows, one cell a line)
_MAX_CELL_LINE: Final = 40  # hits further apart are one table still when every line between is this short
_LOOK_BACK: Final = 15  # lines before the first hit that may hold title, header and first rows
_LOOK_AHEAD: Final = 12  # lines after the last hit (or the last unit/value line) that may still be the table
# Exact value-row labels, and the groups of keys they span (proactive, apps, org …), needed to call
# it the national table: a provincial table shares a few labels (the six 不同意公开 reasons) but
# not across the table's sections.
_MIN_EXACT_ROWS: Final = 6
_MIN_EXACT_GROUPS: Final = 3

_BLANK, _UNIT, _DASH, _NUMBER, _TEXT = range(5)
_NUMERIC: Final = re.compile(r"[+\-＋－]?[0-9０-９][0-9０-９,，.．\s]*")
# A value and its unit in one cell, either way round: `5928条`, `-条`, `无件`, `条 5928`.
_FUSED_CELL: Final = re.compile(
    r"(?P<value>[0-9０-９][0-9０-９,，.．\s]*?|[-—–－/／―─]{1,3}|[无無])\s*(?P<unit>人次|万元|[条件次篇个人元项%])"
    r"|(?P<unit_first>人次|万元|[条件次篇个人元项%])\s*(?P<value_after>[0-9０-９][0-9０-９,，.．\s]*|[-—–－/／―─]{1,3}|[无無])"
)
_ROW_START: Final = re.compile(r"[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|其中")
# The common shape, a whole row on its line (`label | 件 | 13 | |`), read without the cell stream.
_WHOLE_ROW: Final = re.compile(
    r"\|?\s*(?P<label>[^|\s][^|]*?)\s*\|\s*(?P<unit>人次|万元|[条件次篇个人元项%])\s*\|"
    r"\s*(?P<value>\d[\d,.]*|[-—–－/／―─]{1,3}|无|)\s*\|[\s|]*"
)
_MARKDOWN_RULE: Final = re.compile(r"[\s|:\-]*-{3}[\s|:\-]*")
_LABEL_NOISE: Final = re.compile(
    r"^\W*?(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[.．、]|其中\s*[:：]?)"
    r"|[(（][^)）]*[)）]|[\W_]+"
)

_NUMBERING: Final = re.compile(r"\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[.．、])")
_NUMBERING_SPELLING: Final = str.maketrans({"（": "(", "）": ")", "、": ".", "．": "."})

_STRONG_LABEL: Final = 0.6  # bigram similarity above which a label identifies its row
_SURE_LABEL: Final = 0.9  # a row without unit or value may still be a value row's if its label is this close
_PARTIAL_LABEL: Final = 0.5  # a half-repaired `(三)其碎形数` shares this many characters with (三)其他情形数
# GBK read one byte off leaves `?`, bopomofo, box drawing, enclosed numbers and rare characters
# (outside GB2312 level 1, the 3755 common ones); the template's labels use common characters only.
_MOJIBAKE_MARK: Final = re.compile(r"[?？\ufffd\u2460-\u24ff\u2500-\u257f\u3100-\u312f]")
_NO_MATCH: Final = float("-inf")


class _TemplateRow:
    __slots__ = ("key", "label", "norm", "numbering", "unit", "decimal", "bigrams")

    def __init__(self, key: str | None, label: str, unit: str | None, decimal: bool = False):
        self.key = key  # None for a section row
        self.label = label
        self.norm = normalize_label(label)
        self.numbering = _numbering(label)
        self.unit = unit
        self.decimal = decimal
        self.bigrams = _bigrams(self.norm)


class _Row:
    """One observed table row: a label cell and the cells after it up to the next row."""

    __slots__ = ("label", "label_line", "norm", "unit", "unit_line", "cells", "value_slot",
                 "value_before_unit", "has_number", "expects_value")

    def __init__(self, label: str, label_line: int):
        self.label = label
        self.label_line = label_line
        self.norm = normalize_label(label) if label else ""
        self.unit: str | None = None
        self.unit_line = label_line
        self.cells: list[tuple[str, int, int]] = []
        self.value_slot: tuple[str, int, int] | None = None  # the cell right after the unit
        self.value_before_unit: tuple[str, int, int] | None = None  # `5928` (or `-`) then `条`
        self.has_number = False
        self.expects_value = False

    @property
    def is_section(self) -> bool:
        return self.unit is None and not self.has_number


@lru_cache(maxsize=4096)  # the same few hundred labels recur in every report
def normalize_label(label: str) -> str:
    """The label without numbering (一、 (一) 1. 其中:), notes in parentheses, punctuation or spaces."""
    return _LABEL_NOISE.sub("", label)


def _numbering(label: str) -> str | None:
    """`(一)`, `1.`, `一、` in one spelling (`（一）`, `1、` …), or None; it survives garbling that
    leaves the rest of the label unreadable (`六、饶筥唬碎数量`)."""
    match = _NUMBERING.match(label)
    if match is None:
        return None
    return match.group(0).translate(_NUMBERING_SPELLING).replace(" ", "").lstrip()


@lru_cache(maxsize=8192)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset(text)


def _label_similarity(norm: str, template: _TemplateRow) -> float:
    if not norm:
        return 0.0
    if norm == template.norm:
        return 1.0
    observed = _bigrams(norm)
    return 2 * len(observed & template.bigrams) / (len(observed) + len(template.bigrams))


def _similarity(row: _Row, template: _TemplateRow) -> float:
    return _label_similarity(row.norm, template)


@lru_cache(maxsize=4096)
def _closest(norm: str) -> tuple[float, tuple[_TemplateRow, ...]]:
    """The highest similarity of a label to any template row, and the rows that reach it."""
    scores = [(_label_similarity(norm, template), template) for template in _template()[0]]
    best = max(score for score, _ in scores)
    return best, tuple(template for score, template in scores if score == best)


@lru_cache(maxsize=1)
def _template() -> tuple[tuple[_TemplateRow, ...], dict[str, int]]:
    """Template rows in printed order (section rows included) and unique normalized label → index."""
    rows: list[_TemplateRow] = []
    for key, metric in metrics_for("old").items():
        if key in OLD_SECTION_ROWS:
            rows.append(_TemplateRow(None, OLD_SECTION_ROWS[key], None))
        rows.append(_TemplateRow(key, metric.label, metric.unit, metric.decimal))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.norm] = counts.get(row.norm, 0) + 1
    unique = {row.norm: i for i, row in enumerate(rows) if counts[row.norm] == 1}
    return tuple(rows), unique


@lru_cache(maxsize=1)
def _exact_keys() -> dict[str, str]:
    """Unique normalized label → key, for the template's value rows."""
    templates, unique = _template()
    return {norm: key for norm, i in unique.items() if (key := templates[i].key) is not None}


@lru_cache(maxsize=1)
def _template_labels() -> frozenset[str]:
    return frozenset(row.norm for row in _template()[0])


def _shared_characters(row: _Row, template: _TemplateRow) -> float:
    observed, expected = set(row.norm), set(template.norm)
    return 2 * len(observed & expected) / (len(observed) + len(expected)) if observed else 0.0


def _looks_garbled(row: _Row) -> bool:
    return bool(_MOJIBAKE_MARK.search(row.label)) or not all(map(_is_common_character, row.norm))


@lru_cache(maxsize=8192)
def _is_common_character(char: str) -> bool:
    if char.isascii():
        return True
    try:
        lead = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= lead <= 0xD7


# ---------------------------------------------------------------------------------------------
# Locating the table


def _locate_table(lines: list[str]) -> tuple[int, int] | None:
    """[start, end) of the lines around the densest run of table row labels, or None."""
    text = joined_lines(lines)
    hits: list[int] = []
    index, counted_to = 0, 0
    for match in _LABEL_END.finditer(text):
        position = match.start()
        index += text.count("\n", counted_to, position)
        counted_to = position
        if not hits or hits[-1] != index:
            line = lines[index]
            if len(line) <= _MAX_LABEL_CELL or len(line.partition("|")[0].strip()) <= _MAX_LABEL_CELL:
                hits.append(index)
    if not hits:
        return None
    best_first = best_last = first = hits[0]
    best_count = count = 0
    previous = hits[0]
    for index in hits:
        if index - previous > _CLUSTER_GAP and any(
                len(lines[i]) > _MAX_CELL_LINE for i in range(previous + 1, index)):
            first, count = index, 0
        count += 1
        previous = index
        if count > best_count:
            best_first, best_last, best_count = first, index, count
    # Before the first hit likewise: title and header, and rows whose labels were lost (one cell
    # a line, three of them fill more than _LOOK_BACK lines), shown by their units and values.
    start = first_seen = best_first
    while start > 0 and len(lines[start - 1]) <= _MAX_TABLE_LINE and (
            best_first - start < _LOOK_BACK or first_seen - start <= _LOOK_AHEAD):
        start -= 1
        if "|" in lines[start] or _UNIT_OR_VALUE_LINE.fullmatch(lines[start]):
            first_seen = start
    # Rows after the last label ending in 数 (专项经费, garbled labels) show by their units and values.
    end = last_seen = best_last + 1
    while end < len(lines) and end - last_seen <= _LOOK_AHEAD and len(lines[end]) <= _MAX_TABLE_LINE:
        if "|" in lines[end] or _UNIT_OR_VALUE_LINE.fullmatch(lines[end]):
            last_seen = end
        end += 1
    return start, end


# ---------------------------------------------------------------------------------------------
# Cells and rows


_FUSED: Final = 5  # see _cell_reading


@lru_cache(maxsize=8192)  # labels, units and zero marks recur from report to report
def _cell_reading(text: str) -> tuple[int, tuple[str, str] | None]:
    """How the cell stream reads a non-empty cell that is no unit: its kind, and for a value and
    its unit in one cell (`5928条`, `条 5928`) the two cells in printed order instead."""
    if text in ZERO_MARKS:
        return _DASH, None
    if text.isdigit() or _NUMERIC.fullmatch(text):
        return _NUMBER, None
    if len(text) <= 16 and (fused := _FUSED_CELL.fullmatch(text)):
        return _FUSED, (fused["value"], fused["unit"]) if fused["unit"] else (fused["unit_first"], fused["value_after"])
    return _TEXT, None


def _cell_kind(text: str) -> int:
    if not text:
        return _BLANK
    if text in UNITS:
        return _UNIT
    if text in ZERO_MARKS:
        return _DASH
    if text.isdigit() or _NUMERIC.fullmatch(text):
        return _NUMBER
    return _TEXT


def _continues_label(open_text: str, fragment: str) -> bool:
    """A label broken over lines: `(一)主动公开政府信息数` then `(不同渠道和方式公开相同信息计1条)`;
    not when the next line starts a row, even behind mojibake (`??(一)…`), nor when a readable
    label is followed by a lost one (`???????`): a wrapped label's lines share their damage."""
    if fragment.isdigit() or fragment in UNITS or fragment in ZERO_MARKS:
        return False  # a value or unit cell (the usual next line), whatever the label
    return _continues_label_text(open_text, fragment)


@lru_cache(maxsize=4096)  # wrapped labels recur from report to report
def _continues_label_text(open_text: str, fragment: str) -> bool:
    rest = fragment.lstrip("?？\ufffd ")
    return (not _ROW_START.match(rest) and (rest or bool(_MOJIBAKE_MARK.search(open_text)))
            and _cell_kind(fragment) == _TEXT and _cell_kind(open_text) == _TEXT
            and not _FUSED_CELL.fullmatch(fragment))


class _CellStream:
    """Cells in reading order → observed rows (_read_rows)."""

    __slots__ = ("rows", "current", "order")

    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.current: _Row | None = None
        # Rows so far with their number before the unit (`5928` then `条`: no unit column) and after
        # it. Where the number comes first, a unit without one is a blank value: the row ends there,
        # and a lost label after it (`??????`) is the next row's, not a bad value cell.
        self.order = [0, 0]

    def add(self, text: str, line: int) -> None:
        row = self.current
        if not text:
            if row is not None and row.expects_value:
                row.value_slot = (text, line, _BLANK)
                row.expects_value = False
            return
        if text in UNITS:
            if row is None or row.unit is not None:
                row = self.current = _Row("", line)  # a row whose label is missing
                self.rows.append(row)
            row.unit, row.unit_line = text, line
            before = row.value_before_unit
            if before is not None and before[2] == _NUMBER:
                self.order[0] += 1
            # after `5928` then `条` the row is complete; after `-` then `条` a number may still come
            row.expects_value = (before is None or before[2] == _DASH) and self.order[0] <= self.order[1]
            return
        kind, fused = (_NUMBER, None) if text.isdigit() else _cell_reading(text)
        if fused is not None:
            self.add(fused[0], line)
            self.add(fused[1], line)
            return
        if kind == _TEXT:
            if (row is not None and row.expects_value and len(text) <= 12 and not _ROW_START.match(text)
                    and normalize_label(text) not in _template_labels()):
                row.value_slot = (text, line, _TEXT)  # text where the value belongs: a bad cell
                row.expects_value = False
            else:
                row = self.current = _Row(text, line)
                self.rows.append(row)
            return
        if row is None or (kind == _NUMBER and row.has_number):
            if kind == _DASH:
                return
            row = self.current = _Row("", line)  # a row whose label is missing
            self.rows.append(row)
        cell = (text, line, kind)
        if row.expects_value:
            row.value_slot = cell
            row.expects_value = False
            self.order[1] += kind == _NUMBER
        if row.unit is None and (row.value_before_unit is None or kind == _NUMBER):
            row.value_before_unit = cell
        if kind == _NUMBER:
            row.has_number = True
        row.cells.append(cell)


def _read_rows(lines: list[str], start: int, end: int) -> list[_Row]:
    """Cut lines[start:end] into cells and group the cells into observed rows.

    A line without `|` is one cell (or continues a broken label); a line with `|` is split on it,
    its first piece closing the cell left open above. A line holding two or more filled cells
    was a whole row, so the cell after its unit cannot be on the next line.
    """
    stream = _CellStream()
    add, rows, order = stream.add, stream.rows, stream.order
    open_text, open_line = "", start
    for i in range(start, end):
        line = lines[i]
        if line == "|":  # one cell a line: the border closes the open cell, or a blank one
            if open_text:
                add(open_text, open_line)
                open_text = ""
            elif stream.current is not None and stream.current.expects_value:
                add("", i)
            continue
        if "|" in line:
            if not open_text and (whole := _whole_row_cells(line)) and _takes_whole(whole, stream.current, order):
                whole_row = stream.current = _whole_row(whole, i)
                rows.append(whole_row)
                order[1] += whole_row.has_number
                continue
            if "---" in line and _MARKDOWN_RULE.fullmatch(line):
                continue
            pieces = [piece.strip() for piece in line.split("|")]
        else:
            fragment = line.strip()
            if fragment.isdigit() and is_page_number(lines, i, end):
                continue  # the footer of a PDF page, not the value of the row above
            spaced = _spaced_cells(fragment) if " " in fragment or "\t" in fragment else None
            if spaced is None:
                if open_text and fragment and _continues_label(open_text, fragment):
                    open_text += fragment
                    continue
                if open_text:
                    add(open_text, open_line)
                    if stream.current is not None:
                        # no `|` after it: text on the next line starts a row, it is no value cell
                        stream.current.expects_value = False
                # a blank line ends the cell above (page breaks of PDF text)
                open_text, open_line = fragment, i
                continue
            pieces = spaced
        filled = len(pieces) - pieces.count("")
        first = pieces[0]
        if open_text:
            if first and not _continues_label(open_text, first):
                add(open_text, open_line)
                add(first, i)
            else:
                add(open_text + first, open_line)
        elif first or filled < 2:  # the leading `|` of a markdown row opens no cell
            add(first, i)
        for piece in pieces[1:-1]:
            if piece or (stream.current is not None and stream.current.expects_value):
                add(piece, i)
        open_text, open_line = pieces[-1], i
        if filled >= 2:
            if open_text:
                add(open_text, i)
                open_text = ""
            if stream.current is not None:
                stream.current.expects_value = False
    if open_text:
        add(open_text, open_line)
    return rows


@lru_cache(maxsize=16384)  # zero rows recur in most reports
def _whole_row_cells(line: str) -> tuple[str, str, str, int, bool | None] | None:
    """(label, unit, value, value's kind, whether taken whole: see _whole_row_label) of a
    `label | unit | value |` line; None for any other line."""
    match = _WHOLE_ROW.fullmatch(line)
    if match is None:
        return None
    label, unit, value = match.group("label", "unit", "value")
    kind = _NUMBER if value[:1].isdigit() else _DASH if value else _BLANK
    return label, unit, value, kind, _whole_row_label(label)


def _takes_whole(whole: tuple, current: _Row | None, order: list[int]) -> bool:
    """Whether a `label | unit | value |` line is read as one row without the cell stream."""
    taken = whole[4]
    if taken is not None:
        return taken
    # A numbered label (`1.政府公报…`): only where the cell stream would read the same row, which
    # depends on the rows before (no value awaited, units before numbers) and on the value cell.
    value = whole[2]
    return (order[0] <= order[1] and (current is None or not current.expects_value)
            and (not value or value.isdigit() or value in ZERO_MARKS or bool(_NUMERIC.fullmatch(value))))


@lru_cache(maxsize=4096)  # the same labels recur in every report
def _whole_row_label(label: str) -> bool | None:
    """Whether a whole row with this label is read without the cell stream: True or False, or
    None when that depends on the rows before it (a label starting with a digit)."""
    if not label[0].isdecimal():
        return not (_FUSED_CELL.fullmatch(label) or label in ZERO_MARKS)
    if _cell_kind(label) != _TEXT or (len(label) <= 16 and _FUSED_CELL.fullmatch(label)):
        return False
    return None


def _whole_row(whole: tuple, line: int) -> _Row:
    """The row the cell stream would build from `label | unit | value |` (_whole_row_cells)."""
    label, unit, value, kind, _ = whole
    row = _Row(label, line)
    row.unit, row.unit_line = unit, line
    row.value_slot = (value, line, kind)
    if kind != _BLANK:
        row.cells.append(row.value_slot)
        row.has_number = kind == _NUMBER
    return row


def _spaced_cells(fragment: str) -> list[str] | None:
    """A row of PDF text, its cells separated by spaces (`条 388`, `(一)收到申请数 件 49`), as the
    pieces of a `|` row; None when the spaces are not cell borders (`统计指标 单位 统计数`)."""
    tokens = fragment.split()
    value = tokens.pop() if _cell_kind(tokens[-1]) in (_NUMBER, _DASH) else None
    while value and len(value) == 3 and value.isdigit() and tokens and len(tokens[-1]) <= 3 and tokens[-1].isdigit():
        value = f"{tokens.pop()} {value}"  # `1 267`: a thousands group, not two cells
    unit = tokens.pop() if tokens and tokens[-1] in UNITS else None
    cells = [value, unit]
    if value is None and unit is not None and tokens and _cell_kind(tokens[-1]) == _NUMBER:
        cells = [unit, tokens.pop()]  # `388 条`
    head = " ".join(tokens)
    if (unit is None and (value is None or _cell_kind(value) == _DASH)) or _cell_kind(head) == _NUMBER:
        return None
    first, second = cells
    if first is None:
        assert second is not None  # a unit: value and unit both None returned above
        return [head, second, ""]
    return [head, first, ""] if second is None else [head, second, first, ""]


def _value_cell(row: _Row, unit_column: bool) -> tuple[str, int, int] | None:
    """The cell holding the row's value, or None when the row has no value cell at all."""
    before = row.value_before_unit if row.unit is not None else None
    slot = row.value_slot
    if before is not None and before[2] == _NUMBER:
        return before
    if slot is not None and slot[2] != _BLANK:
        return slot
    if before is not None:
        return before
    if slot is not None:
        return slot
    numbers = [cell for cell in row.cells if cell[2] == _NUMBER]
    if numbers:
        return numbers[0]
    if row.unit is not None:
        return None
    cells = row.cells[1:] if unit_column and row.cells and row.cells[0][2] == _DASH else row.cells
    filled = [cell for cell in cells if cell[2] != _BLANK]
    return filled[0] if filled else (cells[0] if cells else None)


class TableRow(NamedTuple):
    """A row of any small pipe table, for the readers of non-standard (local) tables."""

    label: str
    unit: str | None
    value: str | None  # the raw value cell; None when the row has none
    line: int  # 0-based line of the value, or of the label when there is no value


def read_table_rows(lines: list[str], start: int, end: int) -> list[TableRow]:
    rows = _read_rows(lines, start, end)
    unit_column = sum(1 for row in rows if row.unit is not None) * 2 >= len(rows)
    table_rows = []
    for row in rows:
        cell = None if row.is_section else _value_cell(row, unit_column)
        if cell is None:
            table_rows.append(TableRow(row.label, row.unit, None, row.label_line))
        else:
            table_rows.append(TableRow(row.label, row.unit, cell[0], cell[1]))
    return table_rows


# ---------------------------------------------------------------------------------------------
# Alignment


def _anchors(rows: list[_Row], unique: dict[str, int]) -> tuple[list[tuple[int, int]], int | None]:
    """(observed, template) pairs matched exactly, longest in-order chain; and where a second
    copy of the table starts (its rows are left out), if one does."""
    matches: list[tuple[int, int]] = []
    seen: set[int] = set()
    restart = None
    in_order, last = True, -1
    for k, row in enumerate(rows):
        index = unique.get(row.norm)
        if index is None:
            continue
        if index in seen:
            if matches and index < max(t for _, t in matches) - 5:
                restart = k
                break
            continue  # a duplicated row: let the stretch alignment judge it
        seen.add(index)
        matches.append((k, index))
        in_order, last = in_order and index > last, index
    # rows in the template's order (the usual table) are their own longest chain
    return matches if in_order else _longest_increasing(matches), restart


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    tails: list[int] = []  # template index ending the best chain of each length
    tail_at: list[int] = []  # position in pairs of that chain end
    previous = [-1] * len(pairs)
    for position, (_, t) in enumerate(pairs):
        length = bisect.bisect_left(tails, t)
        if length == len(tails):
            tails.append(t)
            tail_at.append(position)
        else:
            tails[length] = t
            tail_at[length] = position
        previous[position] = tail_at[length - 1] if length else -1
    chain = []
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        chain.append(pairs[position])
        position = previous[position]
    return chain[::-1]


def _pair_score(row: _Row, template: _TemplateRow) -> float:
    similarity = _similarity(row, template)
    if template.key is None:
        return _NO_MATCH if not row.is_section else 0.5 + similarity
    if row.is_section and similarity < _SURE_LABEL:
        return _NO_MATCH
    score = 1 + 3 * similarity
    if row.unit is not None:
        score += 1 if row.unit == template.unit else -3
    return score


def _align_stretch(rows: list[_Row], templates: list[_TemplateRow]) -> list[tuple[int, int]]:
    """Best in-order (row, template) pairs of one stretch between anchors (small DP)."""
    n, m = len(rows), len(templates)
    skip_row = [-0.1 if row.is_section else -0.5 for row in rows]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 1: skip row, 2: skip template, 3: pair
    for i in range(1, n + 1):
        score[i][0] = score[i - 1][0] + skip_row[i - 1]
        move[i][0] = 1
    for j in range(1, m + 1):
        score[0][j] = score[0][j - 1] - 0.5
        move[0][j] = 2
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best, how = score[i - 1][j] + skip_row[i - 1], 1
            if score[i][j - 1] - 0.5 > best:
                best, how = score[i][j - 1] - 0.5, 2
            pair = score[i - 1][j - 1] + _pair_score(rows[i - 1], templates[j - 1])
            if pair > best:
                best, how = pair, 3
            score[i][j], move[i][j] = best, how
    pairs = []
    i, j = n, m
    while i or j:
        how = move[i][j]
        if how == 3:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


# ---------------------------------------------------------------------------------------------
# Entry points

_last_analysis: tuple[list[str], tuple | None] | None = None


def _analyse(lines: list[str]):
    """(rows, unit_column) of the table region, or None; find_old_table and
    parse_old_table are called one after the other on the same lines, so the last is kept."""
    global _last_analysis
    if _last_analysis is not None and _last_analysis[0] is lines:
        return _last_analysis[1]
    result = None
    region = _locate_table(lines)
    if region is not None:
        rows = _read_rows(lines, *region)
        exact_keys = _exact_keys()
        exact = {key for row in rows if (key := exact_keys.get(row.norm))}
        groups = {key.split(".", 1)[0] for key in exact}
        if len(exact) >= _MIN_EXACT_ROWS and len(groups) >= _MIN_EXACT_GROUPS:
            unit_column = sum(1 for row in rows if row.unit is not None) >= _MIN_EXACT_ROWS
            result = (rows, unit_column)
    _last_analysis = (lines, result)
    return result


def find_old_table(lines: list[str]) -> bool:
    """True if the lines hold the old national statistics table."""
    return _analyse(lines) is not None


def parse_old_table(lines: list[str]) -> Extraction:
    extraction = Extraction()
    analysis = _analyse(lines)
    if analysis is None:
        extraction.issues.append(Issue("no_table", "old national statistics table not found"))
        return extraction
    rows, unit_column = analysis
    templates, unique = _template()
    anchors, restart = _anchors(rows, unique)
    if restart is not None:
        extraction.issues.append(Issue(
            "second_table_ignored",
            f"the table starts again at line {rows[restart].label_line + 1}; only the first copy is read"))
        rows = rows[:restart]

    placed: dict[int, tuple[int, str | None]] = {}  # template index → (row index, note)
    unplaced: list[tuple[int, str, str | None]] = []  # row index, why, the key it might be
    for k, t in anchors:
        placed[t] = (k, None)
    bounds = [(-1, -1), *anchors, (len(rows), len(templates))]
    for (k1, t1), (k2, t2) in itertools.pairwise(bounds):
        if k2 - k1 > 1 or t2 - t1 > 1:
            _place_stretch(rows, templates, range(k1 + 1, k2), range(t1 + 1, t2), placed, unplaced)

    for t, (k, note) in sorted(placed.items()):
        template = templates[t]
        if template.key is not None:
            _put_value(extraction, lines, rows[k], template, unit_column, note)
    for k, reason, candidate in unplaced:
        row = rows[k]
        value = _value_cell(row, unit_column)
        extraction.issues.append(Issue(
            "row_unaligned",
            f"line {row.label_line + 1}: row {row.label or '(no label)'!r} "
            f"({row.unit or 'no unit'}, value {value[0] if value else 'missing'!r}) not read: {reason}",
            candidate))
    missing = [tpl.key for t, tpl in enumerate(templates) if tpl.key and t not in placed]
    if missing:
        extraction.issues.append(Issue(
            "rows_missing", f"{len(missing)} template rows not found in the table: {', '.join(missing)}"))
    return extraction


def _place_stretch(rows, templates, row_range, template_range, placed, unplaced) -> None:
    stretch_rows = [rows[k] for k in row_range]
    stretch_templates = [templates[t] for t in template_range]
    if len(stretch_rows) == len(stretch_templates) and all(map(_is_exact_value_row, stretch_rows, stretch_templates)):
        # The usual stretch: labels two sections share ((二)被依法纠错数 of 行政复议 and of 行政诉讼),
        # each on its own row. Each pair scores the most its row can anywhere, so the alignment
        # would pair them one to one, and each label identifies its row: placed as anchors are.
        for k, t in zip(row_range, template_range):
            placed[t] = (k, None)
        return
    pairs = _align_stretch(stretch_rows, stretch_templates) if stretch_templates else []
    value_rows = [i for i, row in enumerate(stretch_rows) if not row.is_section]
    value_templates = [j for j, tpl in enumerate(stretch_templates) if tpl.key is not None]
    value_pairs = [(i, j) for i, j in pairs if stretch_templates[j].key is not None]
    doubts = {i: _doubt(stretch_rows[i], stretch_templates[j])
              for i, j in value_pairs if not _identifies(stretch_rows[i], stretch_templates[j])}
    # Row order is evidence only when the stretch holds exactly the template's rows, in order, the
    # label-driven alignment agrees with plain order, and nothing speaks against any row's slot:
    # one row that cannot be its slot means the order itself is off.
    by_order = (len(value_rows) == len(value_templates) and value_pairs == list(zip(value_rows, value_templates))
                and not any(doubts.values()))
    paired_rows = set()
    for i, j in value_pairs:
        row, template = stretch_rows[i], stretch_templates[j]
        paired_rows.add(i)
        if i not in doubts:
            notes = []
            if row.norm != template.norm:
                notes.append(f"label matched approximately: {row.label!r}")
            if row.unit is not None and row.unit != template.unit:
                notes.append(f"unit {row.unit} where the template has {template.unit}")
            placed[template_range[j]] = (row_range[i], "; ".join(notes) or None)
        elif by_order:
            why = "label garbled" if row.label else "label missing"
            if row.unit is None:
                why += ", no unit"
            placed[template_range[j]] = (row_range[i], f"aligned by order: {why}")
        else:
            why = doubts[i] or "the rows around it do not match the template one to one"
            unplaced.append((row_range[i], f"label does not identify it as {template.key}: {why}", template.key))
    for i in value_rows:
        if i not in paired_rows:
            unplaced.append((row_range[i], "no template row fits between its neighbours", None))


def _is_exact_value_row(row: _Row, template: _TemplateRow) -> bool:
    """The row has this value row's label and no other unit (not a section row's: paired with a
    value row of a like label, a row without unit scores more than with its section row)."""
    return template.key is not None and row.norm == template.norm and row.unit in (None, template.unit)


def _identifies(row: _Row, template: _TemplateRow) -> bool:
    """The label names this template row: exactly, or closely and closer than any other row."""
    similarity = _similarity(row, template)
    if similarity == 1.0:
        return True
    if similarity < _STRONG_LABEL or row.unit not in (None, template.unit):
        return False
    numbering = _numbering(row.label)
    if numbering and template.numbering and numbering != template.numbering:
        return False
    return similarity >= _closest(row.norm)[0]


def _doubt(row: _Row, template: _TemplateRow) -> str | None:
    """Why a row whose label does not identify it cannot be the template row its order gives, or None."""
    if row.unit is not None and row.unit != template.unit:
        return f"unit {row.unit} where the template has {template.unit}"
    numbering = _numbering(row.label)
    if numbering and template.numbering and numbering != template.numbering:
        return f"numbered {numbering} where the template row is {template.numbering}"
    best, closest = _closest(row.norm)
    if best >= _STRONG_LABEL and all(other.norm != template.norm for other in closest):
        return f"its label is {closest[0].key or closest[0].label}'s"
    if not row.norm or _looks_garbled(row):
        return None
    # A readable label is its slot's only when numbered alike and mostly the same characters:
    # `(三)其碎形数` is (三)其他情形数 half repaired; `其中:电话申请数` is a local row.
    if numbering and numbering == template.numbering and _shared_characters(row, template) >= _PARTIAL_LABEL:
        return None
    return "a readable label of another row (a local row?)"


def _put_value(extraction: Extraction, lines: list[str], row: _Row, template: _TemplateRow,
               unit_column: bool, note: str | None) -> None:
    key = template.key
    assert key is not None  # only keyed template rows get values
    cell = _value_cell(row, unit_column)
    if cell is None:
        line, raw = row.unit_line, ""
        note = f"{note}; no value cell" if note else "no value cell"
    else:
        raw, line, _ = cell
    if line == row.label_line:
        text = lines[line].strip()
    else:
        text = " | ".join(filter(None, (row.label, row.unit, raw)))
    value: Number | None
    if raw in PLAIN_CELLS:  # the common cases, without the general cell rules
        value = PLAIN_CELLS[raw]
    elif raw.isascii() and raw.isdigit():
        value = int(raw)
    else:
        try:
            value = parse_cell(raw, decimal=template.decimal).value
        except CellError as err:
            extraction.issues.append(Issue("bad_cell", f"line {line + 1}: {err}", key))
            return
    extraction.values[key] = value
    extraction.provenance[key] = provenance_of((line + 1, SOURCE_TABLE, text, note))
