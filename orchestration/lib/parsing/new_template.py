"""The new tables 表二/表三/表四 (2019 and 2021 templates) and section 六's processing fees.

One pass over the text finds where each table sits; the readers (new_tables_read) then
walk only those lines. A table ends at the first prose line (one with a full stop `。`, which table
cells practically never hold); the same words (新收, 第二十条, 行政复议) occur in that prose.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Final

from .model import SOURCE_PROSE, Extraction, Issue, Provenance, joined_lines
from .new_tables_layout import has_value_cell
from .new_tables_read import read_t2, read_t3, read_t4

# Anchor words → what they mark.
_ANCHOR_KINDS: Final = {
    **dict.fromkeys(("本年新制作", "本年新公开", "对外公开总数", "上一年项目", "采购总金额", "采购项目数量"), "t2_2019"),
    **dict.fromkeys(("本年制发", "本年废止", "现行有效件数", "本年收费金额"), "t2_2021"),
    **dict.fromkeys(("不补正", "收费通知"), "t3_2021"),
    "其他处理": "t3_other",
    "第二十条": "t2",
    "信息内容": "t2",
    "新收": "t3",
    "上年结转": "t3",
    "申请人情况": "t3",
    "勾稽关系": "t3",
    "收到和处理": "t3_heading",
    "行政复议": "t4",
    "其他需要报告": "s6",
    "处理费": "fee",
}


def _by_first_character(words: list[str]) -> dict[str, list[str]]:
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word)
    return by_first


_ANCHORS_BY_FIRST: Final = _by_first_character(list(_ANCHOR_KINDS))
# `。` first, the `?` check after it: a literal prefix, which re finds without trying every position
_FULL_STOP: Final = re.compile(r"。(?<!\?。)")
_ROW_END: Final = re.compile(r"[\s|](?:[+-]?\d[\d,.]*|—+|-+)[\s|]*$")
_T3_2021_ROW: Final = re.compile("不补正|收费通知")
# a line of the next section: searched over the joined lines, so white space stops at line ends
_SECTION_AFTER_T4: Final = re.compile(r"^(?:[^\S\n]*[五六七]、|.*存在的主要问题)", re.M)
_MAX_TABLE_LINES: Final = 800  # a cell-per-line 表三 takes ~420 lines
_S6_LINES: Final = 30  # section 六 is a few sentences
_MAX_T4_LINES: Final = 120  # cell per line: ~45 header lines, then 15 cells and their separators
_MAX_HEADER_LINES: Final = 40  # from a 表三 header word to the first number (cell per line: ~25)


@dataclass
class _Scan:
    """Non-prose lines of each anchor, and the template evidence seen in table lines."""

    at: dict[str, list[int]] = field(default_factory=dict)  # anchor → line indexes, in order
    fee_lines: list[int] = field(default_factory=list)  # prose included
    evidence: dict[str, str] = field(default_factory=dict)  # marker group → first marker text
    other_rows_2019: bool = False  # a (六)其他处理 row holding numbers and no sub-row label

    def first(self, kind: str, after: int = -1) -> int | None:
        return next((i for i in self.at.get(kind, ()) if i > after), None)


# report.py calls detect_new_template and then parse_new_tables on the same lines: scan once.
_last_scan: tuple[list[str], int, _Scan] | None = None


def _scan(lines: list[str]) -> _Scan:
    global _last_scan
    cached = _last_scan
    if cached is not None and cached[0] is lines and cached[1] == len(lines):
        return cached[2]
    scan = _scan_lines(lines)
    _last_scan = (lines, len(lines), scan)
    return scan


def _scan_lines(lines: list[str]) -> _Scan:
    scan = _Scan()
    text = joined_lines(lines)
    # Matches come in text order: their line is counted on from the previous one's (in C), and
    # whether that line is prose is decided once for all the matches on it.
    i = counted_to = 0
    prose_line, prose = -1, False
    count, at, fee_lines = text.count, scan.at, scan.fee_lines
    for position, word in _anchor_words(text):
        kind = _ANCHOR_KINDS[word]
        i += count("\n", counted_to, position)
        counted_to = position
        if kind == "fee":
            if not fee_lines or fee_lines[-1] != i:
                fee_lines.append(i)
            continue
        if i != prose_line:
            prose_line, prose = i, _is_prose(lines[i])
        if prose:
            continue
        seen = at.get(kind)
        if seen is None:
            at[kind] = [i]
        elif seen[-1] != i:
            seen.append(i)
        if kind in ("t2_2019", "t2_2021", "t3_2021"):
            scan.evidence.setdefault(kind, word)
        elif kind == "t3_other" and not scan.other_rows_2019:
            line = lines[i]
            after = position + len(word) - text.rfind("\n", 0, position) - 1  # the offset in its line
            if _has_digit(line[after:]) and not _T3_2021_ROW.search(line):
                scan.other_rows_2019 = True
    return scan


def _anchor_words(text: str) -> list[tuple[int, str]]:
    """(position, word) of the anchor words in the text, in order and not overlapping, the first
    listed winning at a position: what finditer of their alternation finds. str.find jumps to each
    first character at memchr speed, where sre would test every character of the text against the
    set of first characters (~45 instructions each: half of the scan's cost)."""
    found = []
    for first, words in _ANCHORS_BY_FIRST.items():
        position = text.find(first)
        while position != -1:
            for word in words:
                # a slice compared: startswith(word, position) is a method call that parses its
                # arguments, three times the cost
                if text[position:position + len(word)] == word:
                    found.append((position, word))
                    break
            position = text.find(first, position + 1)
    found.sort()
    anchors = []
    end = 0
    for position, word in found:
        if position >= end:  # a word inside the previous one is not found, as with finditer
            anchors.append((position, word))
            end = position + len(word)
    return anchors


def _is_prose(line: str) -> bool:
    """A sentence, not a table row: it has a full stop and does not end in a number cell. A `。`
    right after `?` is no full stop but mojibake of `（` in a garbled label."""
    if "。" not in line or not _FULL_STOP.search(line):
        return False
    last = line[-1]
    if not (last.isspace() or last.isdecimal() or last in "|,.—-"):
        return True  # it ends in text, so in no number cell (the usual sentence: no search needed)
    return not _ROW_END.search(line)


class _Text:
    """A report's lines and their joined text, where a search spanning lines runs in C."""

    __slots__ = ("lines", "text", "_lengths")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = joined_lines(lines)
        self._lengths = list(accumulate(map(len, lines), initial=0))  # [i]: length of lines[:i]

    def offset(self, i: int) -> int:
        """Where line i starts in the text: after lines[:i] and their i newlines."""
        return self._lengths[i] + i


def _prose_after(doc: _Text, start: int, limit: int) -> int:
    """The first prose line after `start`, at most `start + limit` (or the end of the text)."""
    end = min(len(doc.lines), start + limit)
    text, stop_at = doc.text, doc.offset(end)
    i = start + 1
    while i < end:
        line_start = doc.offset(i)
        stop = text.find("。", line_start, stop_at)
        if stop < 0:
            break
        i += text.count("\n", line_start, stop)
        if _is_prose(doc.lines[i]):
            return i
        i += 1
    return end


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def detect_new_template(lines: list[str]) -> tuple[str | None, str]:
    """('new2019' | 'new2021' | None, why) decided from the tables themselves, not the year."""
    return _decide(_scan(lines))


def _decide(scan: _Scan) -> tuple[str | None, str]:
    ev = scan.evidence
    t2 = None
    if "t2_2019" in ev and "t2_2021" not in ev:
        t2 = "new2019", f"表二 column {ev['t2_2019']}"
    elif "t2_2021" in ev and "t2_2019" not in ev:
        t2 = "new2021", f"表二 column {ev['t2_2021']}"
    t3 = None
    if "t3_2021" in ev:
        t3 = "new2021", f"表三 (六)其他处理 split into sub-rows ({ev['t3_2021']})"
    elif scan.other_rows_2019:
        t3 = "new2019", "表三 (六)其他处理 is one row"
    if t2 and t3:
        if t2[0] == t3[0]:
            return t2[0], f"{t2[1]}; {t3[1]}"
        return t2[0], f"{t2[1]} (but {t3[1]}: mixed template, 表二 decides)"
    if decided := t2 or t3:
        return decided
    if "t2_2019" in ev:
        return None, f"表二 mixes 2019 ({ev['t2_2019']}) and 2021 ({ev['t2_2021']}) columns and 表三 does not decide"
    if "t3" in scan.at:
        return None, "new-format 表三 found, but neither 表二 columns nor (六)其他处理 rows tell 2019 from 2021"
    return None, "no new-format table found"


def parse_new_tables(lines: list[str], template: str) -> Extraction:
    scan = _scan(lines)
    doc = _Text(lines)
    out = Extraction()
    template_from_tables, why = _decide(scan)
    if template_from_tables and template_from_tables != template:
        out.issues.append(Issue("template_mismatch", f"parsed as {template}, but the tables say {why}"))
    t3_row = next((i for i in scan.at.get("t3", ()) if _values_near(doc, i)), None)
    t3_start = t3_row
    if t3_row is not None:
        # The header lines above the first row belong to the region: from the section heading on.
        heading = max((h for h in scan.at.get("t3_heading", ()) if h < t3_row), default=None)
        if heading is not None and _prose_after(doc, heading, _MAX_TABLE_LINES) >= t3_row:
            t3_start = heading + 1
    t2_start = scan.first("t2")
    if t2_start is not None and t3_start is not None and t2_start >= t3_start:
        t2_start = None
    t4_start = scan.first("t4", max(x for x in (t3_row, t2_start, -1) if x is not None))

    if t2_start is not None:
        t2_end = min(x for x in (_prose_after(doc, t2_start, _MAX_TABLE_LINES), t3_start, t4_start,
                                 scan.first("t3_heading", t2_start)) if x is not None)
        read_t2(lines, t2_start, t2_end, template, out)
    else:
        out.issues.append(Issue("table_not_found", "表二 (主动公开政府信息情况) not found"))

    if t3_row is not None and t3_start is not None:
        t3_end = min(x for x in (_prose_after(doc, t3_row, _MAX_TABLE_LINES), t4_start) if x is not None)
        read_t3(lines, t3_start, t3_end, template, out)
    else:
        out.issues.append(Issue("table_not_found", "表三 (收到和处理政府信息公开申请情况) not found"))

    if t4_start is not None:
        read_t4(lines, t4_start, _t4_end(doc, t4_start), template, out)
    else:
        out.issues.append(Issue("table_not_found", "表四 (行政复议、行政诉讼情况) not found"))

    _read_fees(lines, scan, out)
    return out


def _values_near(doc: _Text, i: int) -> bool:
    """A table line, not a heading in the prose: numbers follow before any prose does."""
    return any(map(has_value_cell, doc.lines[i:_prose_after(doc, i - 1, _MAX_HEADER_LINES)]))


def _t4_end(doc: _Text, start: int) -> int:
    end = _prose_after(doc, start, _MAX_T4_LINES)
    first = doc.offset(start + 1)
    # the text of lines[start + 1 : end], without the newline after it
    m = _SECTION_AFTER_T4.search(doc.text, first, max(first, doc.offset(end) - 1))
    return end if m is None else start + 1 + doc.text.count("\n", first, m.start())


# ---------------------------------------------------------------- 六、其他需要报告的事项

_NUMBER: Final = r"(?P<n>\d[\d,]*(?:\.\d+)?)"
_FEE_AFTER: Final = re.compile(rf"处理费[^。;；]{{0,12}}?(?P<approx>约)?{_NUMBER}\s*(?P<more>多|余)?\s*(?P<unit>万?元)")
_FEE_BEFORE: Final = re.compile(rf"收取[^。;；]{{0,8}}?(?P<approx>约)?{_NUMBER}\s*(?P<more>多|余)?\s*(?P<unit>万?元)[^。;；]{{0,8}}处理费")
_FEE_NONE: Final = re.compile(r"(?:未|没有|无|不)(?:收取|产生|发生)[^。;；，,]{0,15}?处理费|处理费[^。;；]{0,6}?(?:为零|均为零)")


def _read_fees(lines: list[str], scan: _Scan, out: Extraction) -> None:
    """s6.processing_fees_yuan from prose: only an exact amount, preferring section 六.

    Lines are joined before matching: PDF text wraps sentences anywhere (`收取信息处` / `理费236元`).
    """
    s6 = scan.at["s6"][-1] if "s6" in scan.at else None  # the heading, not a table of contents
    found = _fee_statements(lines, s6 + 1, s6 + 1 + _S6_LINES, out) if s6 is not None else []
    if not found:
        for i in scan.fee_lines:
            if s6 is None or i < s6:
                found += _fee_statements(lines, i, i + 2, out)
    amounts = {amount for amount, _, _ in found}
    if len(amounts) > 1:
        out.issues.append(Issue(
            "conflicting_values", "processing fees stated as " + ", ".join(repr(t) for _, _, t in found)
            + "; not read", "s6.processing_fees_yuan"))
    elif found:
        amount, where, text = found[0]
        value = int(amount) if amount == amount.to_integral_value() else float(amount)
        out.put("s6.processing_fees_yuan", value, Provenance(
            where.start + 1, SOURCE_PROSE, "\n".join(lines[i].strip() for i in where), f"六、其他需要报告的事项: {text!r}"))


def _fee_statements(lines: list[str], first: int, last: int, out: Extraction) -> list[tuple[Decimal, range, str]]:
    """(amount in 元, lines it spans, the words) of each exact fee statement in lines[first:last]."""
    last = min(last, len(lines))
    text = "".join(lines[first:last])
    starts = list(accumulate(map(len, lines[first:last]), initial=0))

    def span(m: re.Match) -> range:
        return range(first + bisect_right(starts, m.start()) - 1, first + bisect_right(starts, m.end() - 1))

    found = []
    for m in (*_FEE_AFTER.finditer(text), *_FEE_BEFORE.finditer(text)):
        if "标准" in m.group() or "每" in m.group():
            continue  # a rate (`标准为每件100元`), not what was collected
        if m["approx"] or m["more"]:
            out.issues.append(Issue(
                "approximate_value", f"line {span(m).start + 1}: processing fees stated approximately "
                f"({m.group()!r}); not read", "s6.processing_fees_yuan"))
            continue
        amount = Decimal(m["n"].replace(",", "")) * (10000 if m["unit"] == "万元" else 1)  # 0.07万元 is 700元 exactly
        found.append((amount, span(m), m.group()))
    if not found and (none_collected := _FEE_NONE.search(text)):
        found.append((Decimal(0), span(none_collected), none_collected.group()))
    return found
