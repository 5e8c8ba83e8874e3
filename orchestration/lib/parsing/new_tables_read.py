"""Readers for 表二, 表三 and 表四 of the new templates, over row segments (new_tables_layout)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Final, cast

from ..metrics import APPLICANT_COLUMNS, T3_COLUMNS, T4_BLOCKS, T4_OUTCOMES, metrics_for, t3_rows
from .cells import PLAIN_CELLS, CellError
from .identities import Rule, evaluate, rules_for
from .model import SOURCE_SPLIT_BY_IDENTITY, SOURCE_TABLE, Extraction, Issue, Number, Provenance, provenance_of
from .new_tables_layout import CJK_CHAR, Segment, fused_candidates, read_value, segments

# ---------------------------------------------------------------- 表三

# Label keywords of every 表三 row. Labels arrive garbled, wrapped and merged with group labels
# (`(三)不予公开1.属于国家秘密`), so a row is the LAST keyword found in its label text.
_T3_LEAF_KEYWORDS: Final = {
    "new_received": ("新收",),
    "carried_over": ("上年结转",),
    "granted": ("予以公开",),
    "partial": ("部分公开",),
    "denied.state_secret": ("国家秘密",),
    "denied.law_forbidden": ("禁止公开",),
    "denied.safety_stability": ("三安全", "一稳定"),
    "denied.third_party": ("第三方",),
    "denied.internal_affairs": ("内部事务",),
    "denied.process_info": ("过程性",),
    "denied.enforcement_file": ("执法案卷",),
    "denied.admin_query": ("行政查询", "查询事项"),
    "unable.not_held": ("不掌握",),
    "unable.needs_creation": ("另行制作", "没有现成"),
    "unable.unclear": ("仍不明确",),
    "not_processed.petition": ("信访", "举报投诉"),
    "not_processed.duplicate": ("重复申请",),
    "not_processed.publication": ("出版物",),
    # 反覆 too: the variant some reports print, and what a traditional label wrapped between 反
    # and 覆 keeps (the line-by-line conversion to simplified sees no 反覆 to map)
    "not_processed.mass_repeat": ("大量反复", "反复申请", "大量反覆", "反覆申请"),
    "not_processed.confirm_reissue": ("重新出具",),
    "other": ("其他处理",),  # new2019: one row
    "other.no_amend": ("不补正",),
    "other.no_fee": ("收费通知", "缴纳费用"),
    "processed_total": ("总计",),
    "carried_forward": ("结转下年度", "下年度继续"),
}
# new2021's bare `3.其他` under (六)其他处理: only as the end of a label, so never inside a header.
_OTHER_OTHER: Final = re.compile(r"\d[.、]?其他$")
# Group labels printed as subtotal rows in some reports: recognised, checked, never stored.
_T3_GROUPS: Final = {"不予公开": "denied", "无法提供": "unable", "不予处理": "not_processed", "其他处理": "other"}
_COLUMN_NAMES: Final = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
_SUBTOTAL: Final = "subtotal"  # the extra 法人或其他组织 小计 column of 8-column tables
_LAYOUT_7: Final = T3_COLUMNS
_LAYOUT_SUBTOTAL_AFTER: Final = APPLICANT_COLUMNS + (_SUBTOTAL, "total")
_LAYOUT_SUBTOTAL_BEFORE: Final = ("natural_person", _SUBTOTAL) + APPLICANT_COLUMNS[1:] + ("total",)


@dataclass(frozen=True)
class _RowPatterns:
    leaf: re.Pattern  # an alternation of plain literals (fast), mapped back by `rows`
    rows: dict[str, str]
    group: re.Pattern
    groups: dict[str, str]


def _row_patterns(template: str) -> _RowPatterns:
    template_rows = t3_rows(template)
    rows = {word: row for row in template_rows for word in _T3_LEAF_KEYWORDS.get(row, ())}
    groups = {w: g for w, g in _T3_GROUPS.items() if g not in template_rows}
    return _RowPatterns(re.compile("|".join(rows)), rows, re.compile("|".join(groups)), groups)


_PATTERNS: Final = {t: _row_patterns(t) for t in ("new2019", "new2021")}


_SUBTOTAL_SLOT: Final = "小计:"  # prefix of a group's subtotal slot in _ORDERS; such rows are checked, not stored


def _order_with_subtotals(template: str) -> tuple[str, ...]:
    """表三's rows in printed order with a 小计 slot after each group of sub-rows, where tables
    with the 法人或其他组织 column print one."""
    order: list[str] = []
    for row in t3_rows(template):
        group = row.partition(".")[0]
        if order and "." in order[-1] and order[-1].partition(".")[0] != group:
            order.append(_SUBTOTAL_SLOT + order[-1].partition(".")[0])
        order.append(row)
    return tuple(order)


_ORDERS: Final = {t: _order_with_subtotals(t) for t in ("new2019", "new2021")}


@lru_cache(maxsize=4096)  # labels repeat from report to report
def _leaf_rows(label: str, template: str) -> tuple[tuple[str, int], ...]:
    """The rows whose keywords occur in a label, in order, each with the offset of its keyword
    (only the last one is located: -1 for the others)."""
    patterns = _PATTERNS[template]
    words = patterns.leaf.findall(label)
    found = [(patterns.rows[w], -1) for w in words]
    if words:  # only the last keyword's place is ever needed
        found[-1] = found[-1][0], label.rfind(words[-1])
    if label.endswith("其他") and "other.other" in t3_rows(template) and (m := _OTHER_OTHER.search(label)):
        found.append(("other.other", m.start()))
    return tuple(found)


# The column header merges into the first row's label (it has no numbers of its own); its 总计 and
# 其他 must not be taken for row keywords. Header text ends after the last strong header word
# and the weak ones (其他, 小计, 总计, …) right after it.
_HEADER_WORD: Final = re.compile(r"自然人|法人或其他组织|商业企业|科研机构|社会公益组织|法律服务机构|申请人情况|勾稽关系")
_HEADER_TAIL: Final = re.compile(r"(?:[^()]*?\))?(?:自然人|法人或其他组织|商业企业|科研机构|社会公益组织|法律服务机构|"
                          r"申请人情况|其他|小计|总计|合计)*")


def _row_label_start(label: str) -> int:
    last = None
    for last in _HEADER_WORD.finditer(label):
        pass
    if last is None:
        return 0
    tail = _HEADER_TAIL.match(label, last.end())  # it matches, if only the empty string
    return tail.end() if tail else last.end()


@lru_cache(maxsize=4096)  # labels repeat from report to report
def _t3_label_rows(label: str, template: str) -> tuple[tuple[str, int], ...]:
    """_leaf_rows of the label after any column header merged into it, offsets in the whole label."""
    own = _row_label_start(label)
    if not own:
        return _leaf_rows(label, template)
    return tuple((row, at + own if at >= 0 else at) for row, at in _leaf_rows(label[own:], template))


def read_t3(lines: list[str], start: int, end: int, template: str, out: Extraction) -> None:
    rows = t3_rows(template)
    found: dict[str, tuple[Segment, int | None]] = {}  # row → its segment, offset of its keyword in the label
    subtotals: list[tuple[str, Segment]] = []
    labelled_without_values: set[str] = set()
    sequence: list[tuple[str | None, Segment]] = []  # rows with values in order; None: label unreadable
    for seg in segments(lines, start, end):
        leaves = _t3_label_rows(seg.label, template)
        if not seg.cells:
            labelled_without_values.update(row for row, _ in leaves)
            continue
        if leaves:
            row, at = leaves[-1]
            if len(leaves) > 1:
                labelled_without_values.update(r for r, _ in leaves[:-1])
            sequence.append((row, seg))
            if row in found:
                if found[row][0].trimmed != seg.trimmed:
                    out.issues.append(Issue(
                        "duplicate_row", f"表三 row {row} appears again on line {seg.line + 1} with "
                        f"other values; kept line {found[row][0].line + 1}", f"t3.{row}"))
            else:
                found[row] = seg, at
        elif sequence and sequence[-1][0] is None and _is_subtotal_row(seg):
            # after an unreadable row: the 小计 of that row's group, which only the row order tells
            sequence.append((_SUBTOTAL_SLOT, seg))
        elif group := _subtotal_group(seg, template, sequence):
            subtotals.append((group, seg))
            if _is_subtotal_row(seg):
                sequence.append((_SUBTOTAL_SLOT + group, seg))  # after its rows: the group's 小计 slot
        elif _unreadable(seg):
            sequence.append((None, seg))
        else:
            out.issues.append(Issue(
                "unmapped_row", f"表三 line {seg.line + 1}: row {seg.label or '(no label)'!r} is not a "
                f"{template} row; ignored"))
    placed_by_order = _place_by_order(sequence, _ORDERS[template], found, "表三", out)
    for row, seg in list(placed_by_order.items()):
        if row.startswith(_SUBTOTAL_SLOT):
            subtotals.append((row[len(_SUBTOTAL_SLOT):], seg))
            del placed_by_order[row]
        else:
            found[row] = seg, None  # located by its last label cell
    if not found:
        out.issues.append(Issue("table_not_found", "表三: no row of the applications table read"))
        return

    layout, how = _t3_layout(found, out)
    if layout is None:
        return
    width = len(layout)
    fused: list[tuple[str, Segment, int | None]] = []
    for row, (seg, keyword_at) in found.items():
        cells = seg.fit(width)
        if cells is None and len(seg.trimmed) > width:
            out.issues.append(Issue(
                "extra_cells", f"表三 {row} (line {seg.line + 1}): {len(seg.trimmed)} cells for "
                f"{width} columns; not read", f"t3.{row}"))
        elif cells is None or (len(seg.trimmed) < width and _could_be_fused(seg, width)):
            fused.append((row, seg, keyword_at))
        else:
            _put_row(out, template, row, seg, keyword_at, layout, cells,
                     _join(how, _order_note(seg)) if row in placed_by_order else how)
    _split_rows(out, template, fused, layout)
    _check_order_placement(out, template, placed_by_order)
    for group, seg in subtotals:
        _check_subtotal(out, template, group, seg, layout)
    for row in rows:
        if row not in found:
            why = ("label found but no values (blank row or damaged layout)"
                   if row in labelled_without_values else "row not found")
            out.issues.append(Issue("row_not_found", f"表三 {row}: {why}", f"t3.{row}"))


def _is_subtotal_row(seg: Segment) -> bool:
    own = seg.label_parts[-1][1] if seg.label_parts else ""
    return "小计" in own or "合计" in own


def _subtotal_group(seg: Segment, template: str, sequence) -> str | None:
    """The group (denied, unable, …) whose subtotal row this is: its own label is the group's
    (`(三)不予公开` with numbers), or `小计`/`合计` after the group's rows."""
    if _is_subtotal_row(seg):
        last = next((row for row, _ in reversed(sequence) if row), "")
        return last.split(".")[0] if "." in last else None
    match = _PATTERNS[template].group.search(seg.label_parts[-1][1] if seg.label_parts else "")
    return _PATTERNS[template].groups[match.group()] if match else None


def _check_order_placement(out, template, placed) -> None:
    """Rows placed by order stay only if every identity they take part in holds: a garbled subtotal
    or local row taken for a template row shows up as a broken sum."""
    if not placed:
        return
    keys = {f"t3.{row}.{c}" for row in placed for c in T3_COLUMNS}
    broken = [r.rule_id for r in _rules_touching(template, keys) if evaluate(r, out.values)]
    if not broken:
        return
    for row, seg in placed.items():
        for key in _row_keys(row, _LAYOUT_7):
            out.values.pop(key, None)
            out.provenance.pop(key, None)
        out.issues.append(Issue(
            "unmapped_row", f"表三 line {seg.line + 1}: label unreadable; placing it as {row} by row order "
            f"would break {', '.join(broken)}; not read", f"t3.{row}"))


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _t3_layout(found, out) -> tuple[tuple[str, ...] | None, str]:
    """Column layout: 7 columns, or 8 with the 法人或其他组织 subtotal (placed by header or sums)."""
    widths = [len(seg.trimmed) for seg, _ in found.values()]
    if widths.count(8) <= widths.count(7):  # the commoner width; 7 on a tie or when neither
        return _LAYOUT_7, ""
    # The header is the label text before the first row's keyword, whatever the layout.
    seg, at = min(found.values(), key=lambda f: f[0].line)
    header = seg.label[:at]
    if "其他小计" in header:
        return _LAYOUT_SUBTOTAL_AFTER, "8 columns, 小计 placed by header"
    if "小计商业" in header:
        return _LAYOUT_SUBTOTAL_BEFORE, "8 columns, 小计 placed by header"
    # Otherwise the rows' sums: a row fitting one placement only is a vote for it.
    votes: Counter[tuple[str, ...]] = Counter()
    for seg, _ in found.values():
        a = _subtotal_consistent(seg.trimmed, _LAYOUT_SUBTOTAL_AFTER)
        b = _subtotal_consistent(seg.trimmed, _LAYOUT_SUBTOTAL_BEFORE)
        if a != b:
            votes[_LAYOUT_SUBTOTAL_AFTER if a else _LAYOUT_SUBTOTAL_BEFORE] += 1
    if len(votes) == 1:
        return next(iter(votes)), "8 columns, 小计 placed by the rows' sums (no header)"
    if not votes and all(_is_zero(c) for seg, _ in found.values() for c in seg.trimmed[1:7]):
        return _LAYOUT_SUBTOTAL_AFTER, "8 columns; organisation columns all 0, so either 小计 placement reads alike"
    out.issues.append(Issue(
        "ambiguous_layout", "表三 has 8 columns but neither the header nor the rows' sums tell where the "
        "法人或其他组织 subtotal column is; 表三 not read"))
    return None, ""


def _is_zero(raw: str | None) -> bool:
    try:
        return raw is None or read_value(raw) == 0
    except CellError:
        return False


def _subtotal_consistent(cells: list[str | None], layout: tuple[str, ...], values: list | None = None) -> bool:
    """`values`: the cells' values when already read."""
    if len(cells) != len(layout) or None in cells:
        return False
    if values is None:
        values = _plain_values(cells)
    if values is None:
        try:
            values = list(map(read_value, cast("list[str]", cells)))  # no None: tested above
        except CellError:
            return False
    return _subtotal_adds_up(values, layout)


def _subtotal_adds_up(values: Sequence[Number], layout: tuple[str, ...]) -> bool:
    natural, orgs, subtotal, total = _subtotal_columns(layout)
    organisations = sum(map(values.__getitem__, orgs))
    return values[subtotal] == organisations and values[total] == values[natural] + organisations


@lru_cache(maxsize=None)
def _subtotal_columns(layout: tuple[str, ...]) -> tuple[int, tuple[int, ...], int, int]:
    """Positions in an 8-column layout: natural persons, the five organisations, 小计, 总计."""
    return (layout.index("natural_person"), tuple(map(layout.index, APPLICANT_COLUMNS[1:])),
            layout.index(_SUBTOTAL), layout.index("total"))


def _could_be_fused(seg: Segment, width: int) -> bool:
    """A short row whose digits could also be cells run together: blank-padding it would be a guess."""
    return fused_candidates([c for c in seg.trimmed if c is not None], width) != []


def _put_row(out, template, row, seg, at, layout, cells, how) -> None:
    keys, note = _row_plan(row, layout, how)
    values = _put_cells(out, template, keys, cells, _provenance(seg, at, SOURCE_TABLE, note))
    if _SUBTOTAL in layout and None not in cells and not _subtotal_consistent(cells, layout, values):
        out.issues.append(Issue(
            "subtotal_mismatch", f"表三 {row}: 法人或其他组织 小计 column is not the sum of the five "
            f"organisation columns (line {seg.line + 1})", f"t3.{row}"))


@lru_cache(maxsize=None)
def _row_keys(row: str, layout: tuple[str, ...]) -> tuple[str | None, ...]:
    return tuple(f"t3.{row}.{c}" if c != _SUBTOTAL else None for c in layout)


@lru_cache(maxsize=4096)  # `how` may name an unreadable label
def _row_plan(row: str, layout: tuple[str, ...], how: str) -> tuple[tuple[str | None, ...], str]:
    """The row's keys and its provenance note."""
    return _row_keys(row, layout), f"表三 {row}: columns {_columns_note(layout)}" + (f"; {how}" if how else "")


@lru_cache(maxsize=None)
def _columns_note(layout: tuple[str, ...]) -> str:
    return "|".join("小计(not stored)" if c == _SUBTOTAL else _COLUMN_NAMES[c] for c in layout)


def _split_rows(out, template, fused, layout) -> None:
    """Rows whose cells ran together, split where the identities allow exactly one reading.

    Repeated while any row gets split: each split row can decide a column rule for another.
    """
    keys_of = {row: _row_keys(row, layout) for row, _, _ in fused}

    def structural(values: tuple[int, ...]) -> bool:
        return _SUBTOTAL not in layout or (len(values) == len(layout) and _subtotal_adds_up(values, layout))

    pending = fused
    while pending:
        unresolved = []
        for row, seg, at in pending:
            tokens = [c for c in seg.trimmed if c is not None]
            result = _split_fused(template, tokens, keys_of[row], structural, out.values)
            if isinstance(result, str):
                unresolved.append((row, seg, at, result))
                continue
            values, rule_ids = result
            note = (f"表三 {row}: cells run together ({' '.join(tokens)}) split as "
                    f"{'|'.join(map(str, values))}, the only split satisfying {', '.join(rule_ids)}; "
                    f"columns {_columns_note(layout)}")
            provenance = _provenance(seg, at, SOURCE_SPLIT_BY_IDENTITY, note)
            for key, value in zip(keys_of[row], values):
                if key is not None:
                    out.put(key, value, provenance)
        if len(unresolved) == len(pending):
            for row, seg, _, why in unresolved:
                shown = " ".join(c for c in seg.trimmed if c is not None)
                out.issues.append(Issue(
                    "ambiguous_split", f"表三 {row} (line {seg.line + 1}): {len(shown.split())} cell(s) "
                    f"({shown}) for {len(layout)} columns, cells run together or missing; {why}; not read",
                    f"t3.{row}"))
            return
        pending = [(row, seg, at) for row, seg, at, _ in unresolved]


def _check_subtotal(out, template, group, seg, layout) -> None:
    cells = seg.fit(len(layout))
    if cells is None:
        return
    values = _plain_values(cells)
    for i, (column, raw, keys) in enumerate(zip(layout, cells, _group_keys(template, group, layout))):
        if column == _SUBTOTAL or raw is None:
            continue
        parts = list(map(out.values.get, keys))
        if values is not None:
            value = values[i]
        else:
            try:
                value = read_value(raw)
            except CellError:
                continue
        if parts and None not in parts and sum(parts) != value:  # type: ignore[arg-type]
            out.issues.append(Issue(
                "subtotal_mismatch", f"表三 {group} subtotal row (line {seg.line + 1}), {_COLUMN_NAMES[column]}: "
                f"{value} but its rows sum to {sum(parts)}", f"t3.{group}"))  # type: ignore[arg-type]


@lru_cache(maxsize=None)
def _group_keys(template: str, group: str, layout: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The keys of a group's rows (denied.*, unable.*, …), column by column."""
    rows = [row for row in t3_rows(template) if row.startswith(group + ".")]
    return tuple(tuple(f"t3.{row}.{column}" for row in rows) for column in layout)


# ---------------------------------------------------------------- 表四

_T4_KEYS: Final = tuple(f"t4.{block}.{o}" for block in T4_BLOCKS for o in T4_OUTCOMES)
_T4_NAMES: Final = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
_T4_OUTCOME_NAMES: Final = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                     "pending": "尚未审结", "total": "总计"}


def read_t4(lines: list[str], start: int, end: int, template: str, out: Extraction) -> None:
    """The fifteen numbers, in printed order, from the row(s) after the 表四 header.

    Positional on purpose: header labels are often truncated (`结果 | 结果 | 其他 | 尚未 | 总计`) or
    flattened into one line (`行政复议行政诉讼`), but the order of the numbers is fixed.
    """
    rows = []
    count = 0
    for seg in segments(lines, start, end):
        if seg.cells:
            rows.append(seg)
            count += len(seg.trimmed)
            if count >= 15:
                break
    if not rows:
        out.issues.append(Issue("table_not_found", "表四: no row of numbers after the 行政复议/行政诉讼 header"))
        return
    if len(rows) == 1:
        seg = rows[0]
        cells = seg.fit(15)
        if cells is None or (len(seg.trimmed) < 15 and _could_be_fused(seg, 15)):
            cells = seg.trimmed
        parts = [(seg, cells)]
    else:  # one row per block, or numbers wrapped over lines
        parts = [(seg, seg.trimmed) for seg in rows]
        cells = [c for _, own in parts for c in own]
    if len(cells) == 15:
        at = 0
        for seg, own in parts:
            note = f"表四: {_t4_note(at, at + len(own))}" + (
                " (by position in the printed order)" if len(parts) == 1 else "")
            _put_cells(out, template, _T4_KEYS[at : at + len(own)], own,
                       Provenance(seg.line + 1, SOURCE_TABLE, seg.text(), note))
            at += len(own)
        return
    tokens = [c for c in cells if c is not None]
    if len(cells) < 15 and len(rows) == 1:
        seg = rows[0]
        result = _split_fused(template, tokens, _T4_KEYS, lambda v: True, out.values)
        if isinstance(result, str):
            out.issues.append(Issue(
                "ambiguous_split", f"表四 (line {seg.line + 1}): {len(tokens)} cell(s) ({' '.join(tokens)}) "
                f"for 15 columns, cells run together or missing; {result}; 表四 not read", "t4"))
            return
        values, rule_ids = result
        note = (f"表四: cells run together ({' '.join(tokens)}) split as {'|'.join(map(str, values))}, "
                f"the only split satisfying {', '.join(rule_ids)}; {_t4_note(0, 15)}")
        provenance = Provenance(seg.line + 1, SOURCE_SPLIT_BY_IDENTITY, seg.text(), note)
        for key, value in zip(_T4_KEYS, values):
            out.put(key, value, provenance)
        return
    out.issues.append(Issue(
        "missing_cells", f"表四: {len(cells)} cells where 15 are printed (lines "
        f"{rows[0].line + 1}–{rows[-1].line + 1}); 表四 not read"))


def _t4_note(start: int, end: int) -> str:
    """The printed columns of _T4_KEYS[start:end], block by block."""
    parts = []
    for block_index, block in enumerate(T4_BLOCKS):
        names = [_T4_OUTCOME_NAMES[o] for i, o in enumerate(T4_OUTCOMES) if start <= block_index * 5 + i < end]
        if names:
            parts.append(f"{_T4_NAMES[block]} {'|'.join(names)}")
    return "; ".join(parts)


# ---------------------------------------------------------------- 表二

# Label words → 表二 item and column. Plain literals, so one alternation scans fast.
_T2_ITEMS: Final = {
    "规范性文件": "normative",
    "规范性档案": "normative",  # 規範性檔案 of a converter mirror whose 資訊 did not give it away
    "规章": "rules",
    "其他对外管理服务": "other_services",
    "行政许可": "permits",
    "行政处罚": "penalties",
    "行政强制": "coercion",
    "行政事业性收费": "admin_fees",
    "集中采购": "procurement",
    "政府采购": "procurement",
}
_T2_COLUMNS: Final = {
    "新制作": "new_made",
    "新公开": "new_published",
    "公开总数": "total_published",
    "上一年项目": "prev_year_items",
    "上年项目": "prev_year_items",
    "增/减": "change",
    "增／减": "change",
    "增减": "change",
    "增(减)": "change",
    "处理决定": "decisions",
    "采购项目": "items",
    "采购总金额": "amount",
    "采购金额": "amount",
    "制发": "made",
    "废止": "repealed",
    "现行有效": "in_force",
    "收费金额": "amount_10k_yuan",
}
_T2_ITEM: Final = re.compile("|".join(map(re.escape, _T2_ITEMS)))
_T2_COLUMN: Final = re.compile("|".join(map(re.escape, _T2_COLUMNS)))
_T2_COLUMN_NAMES: Final = {
    "new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
    "prev_year_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "items": "采购项目数量", "amount": "采购总金额", "made": "本年制发件数", "repealed": "本年废止件数",
    "in_force": "现行有效件数", "amount_10k_yuan": "本年收费金额(万元)",
}


def _t2_default_columns(template: str) -> dict[str, tuple[str, ...]]:
    """Each item's columns in printed order, for rows whose header row is lost."""
    columns: dict[str, list[str]] = {}
    for key in metrics_for(template):
        if key.startswith("t2."):
            _, item, column = key.split(".")
            columns.setdefault(item, []).append(column)
    return {item: tuple(c) for item, c in columns.items()}


_T2_DEFAULTS: Final = {t: _t2_default_columns(t) for t in ("new2019", "new2021")}


def read_t2(lines: list[str], start: int, end: int, template: str, out: Extraction) -> None:
    defaults = _T2_DEFAULTS[template]
    header: tuple[str, ...] = ()
    rows: dict[str, tuple[Segment, int | None, tuple[str, ...]]] = {}  # item → segment, label offset, header
    sequence: list[tuple[str | None, Segment]] = []
    headers: dict[int, tuple[str, ...]] = {}  # id of an unreadable row's segment → its header
    for seg in segments(lines, start, end):
        item, at, found, group = _t2_label(seg.label)
        if found:
            header = found
        elif group:
            header = ()  # a new 第二十条 group without a header row of its own
        if not seg.cells:
            continue
        if item is None:
            if _unreadable_text(_t2_own_label(seg)):
                sequence.append((None, seg))
                headers[id(seg)] = header
            else:
                out.issues.append(Issue(
                    "unmapped_row", f"表二 line {seg.line + 1}: row {seg.label!r} not recognised; ignored"))
            continue
        if item not in defaults:
            out.issues.append(Issue(
                "unmapped_row", f"表二 line {seg.line + 1}: {item} is not a {template} 表二 row; ignored"))
            continue
        sequence.append((item, seg))
        rows.setdefault(item, (seg, at, header))
    placed = _place_by_order(sequence, tuple(defaults), rows, "表二", out)
    for item, seg in placed.items():
        rows[item] = seg, None, headers[id(seg)]
    for item in defaults:
        if item not in rows:
            out.issues.append(Issue("row_not_found", f"表二 {item}: row not found", f"t2.{item}"))
            continue
        seg, at, header = rows[item]
        _put_t2_row(out, template, item, seg, at, header, _order_note(seg) if item in placed else "")


@lru_cache(maxsize=4096)  # labels repeat from report to report
def _t2_label(label: str) -> tuple[str | None, int | None, tuple[str, ...], bool]:
    """(item of the last item word, its offset, the columns named before it, whether a new
    第二十条 group starts there)."""
    items = list(_T2_ITEM.finditer(label))
    head = label[: items[-1].start()] if items else label
    columns = tuple(_T2_COLUMNS[word] for word in _T2_COLUMN.findall(head))
    if not items:
        return None, None, columns, "第二十条" in head
    return _T2_ITEMS[items[-1].group()], items[-1].start(), columns, "第二十条" in head


@lru_cache(maxsize=1024)
def _t2_columns(template: str, item: str, header: tuple[str, ...]) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """(columns, with "" for those not read; how they were found; the header's columns that are
    not the template's) of an item's row."""
    defaults = _T2_DEFAULTS[template]
    columns, how = (header, "") if header else (defaults[item], "template column order (no header)")
    unknown = tuple(c for c in columns if c not in defaults[item])
    if unknown:
        columns = tuple(c if c in defaults[item] else "" for c in columns)
    return columns, how, unknown


@lru_cache(maxsize=1024)
def _t2_keys(item: str, columns: tuple[str, ...]) -> tuple[tuple[str | None, ...], str]:
    names = "|".join(_T2_COLUMN_NAMES[c] if c else "(not read)" for c in columns)
    return tuple(f"t2.{item}.{c}" if c else None for c in columns), f"表二 {item}: columns {names}"


def _put_t2_row(out, template, item, seg, at, header, order_note) -> None:
    columns, how, unknown = _t2_columns(template, item, header)
    if unknown:
        out.issues.append(Issue(
            "unmapped_column", f"表二 {item} (line {seg.line + 1}): column(s) "
            f"{', '.join(_T2_COLUMN_NAMES[c] for c in unknown)} are not {template} columns; not read",
            f"t2.{item}"))
    cells = seg.fit(len(columns))
    if cells is None:
        out.issues.append(Issue(
            "missing_cells" if len(seg.trimmed) < len(columns) else "extra_cells",
            f"表二 {item} (line {seg.line + 1}): {len(seg.trimmed)} cells for {len(columns)} columns; not read",
            f"t2.{item}"))
        return
    keys, note = _t2_keys(item, columns)
    if how or order_note:
        note = _join(note, how, order_note)
    _put_cells(out, template, keys, cells, _provenance(seg, at, SOURCE_TABLE, note))


# ---------------------------------------------------------------- shared

def _unreadable(seg: Segment) -> bool:
    """The row's own label cell is lost or garbled (`??????`, mojibake) rather than a local row."""
    return _unreadable_text(seg.label_parts[-1][1] if seg.label_parts else "")


def _unreadable_text(own: str) -> bool:
    return not own or "?" in own or "\ufffd" in own or not CJK_CHAR.search(own)


# `第二十条第(五)项`, also with the 二 garbled (`第�?十条`)
_T2_GROUP_MARK: Final = re.compile("第.{1,4}条")


def _t2_own_label(seg: Segment) -> str:
    """A 表二 row's own label: its label cells after the last that names a column or a 第二十条
    group, so that a garbled label wrapped onto a clean last line (`?⌒姓?事业性收` `费`) counts as
    garbled."""
    parts = [text for _, text in seg.label_parts]
    own = len(parts)
    while own and not (_T2_COLUMN.search(parts[own - 1]) or _T2_GROUP_MARK.search(parts[own - 1])):
        own -= 1
    return "".join(parts[own:])


def _place_by_order(sequence, order, found, table, out) -> dict[str, Segment]:
    """Rows with unreadable labels, placed in the template's row order where that is unambiguous:
    a run of them between two recognised rows (or the table's ends) fills the slots between those
    rows when it is exactly as long and none of those slots was found by its label. 表三's 小计
    slots count only in a run as long as the gap with them: some tables print no 小计 rows. A 小计
    row of a group not known (bare _SUBTOTAL_SLOT) is one of the run that only a 小计 slot takes."""
    if all(name is not None for name, _ in sequence):
        return {}  # every row was read by its label (the usual table)
    index = {name: i for i, name in enumerate(order)}
    placed: dict[str, Segment] = {}
    previous, run = -1, []
    for name, seg in [*sequence, ("", None)]:
        if name is None or name == _SUBTOTAL_SLOT:
            run.append((name, seg))
            continue
        following = index.get(name, len(order))
        if run:
            gap = order[previous + 1 : following] if previous < following else ()
            if len(gap) != len(run):
                gap = tuple(slot for slot in gap if not slot.startswith(_SUBTOTAL_SLOT))
            if (len(gap) == len(run) and not any(slot in found for slot in gap)
                    and all(slot.startswith(_SUBTOTAL_SLOT) for slot, (member, _) in zip(gap, run) if member)):
                placed.update((slot, seg) for slot, (_, seg) in zip(gap, run))
            else:
                for _, seg in run:
                    own = seg.label_parts[-1][1] if seg.label_parts else ""
                    out.issues.append(Issue(
                        "unmapped_row", f"{table} line {seg.line + 1}: row label {own!r} unreadable and the "
                        "row order does not place it; ignored"))
            run = []
        previous = following
    return placed


def _order_note(seg: Segment) -> str:
    own = seg.label_parts[-1][1] if seg.label_parts else ""
    return f"label unreadable ({own!r}): placed by the template's row order" if own else \
        "no row label: placed by the template's row order"


def _provenance(seg: Segment, at: int | None, source: str, note: str) -> Provenance:
    """The row's provenance; the note says where its label is when not on the values' line."""
    line, text = seg.source(at)
    if line is None:
        note += "; no row label"
    elif line != seg.line:
        note += f"; label on line {line + 1}"
    return provenance_of((seg.line + 1, source, text, note))


_CELL_RULES: Final = {t: {k: (m.decimal, m.signed) for k, m in metrics_for(t).items()} for t in ("new2019", "new2021")}


def _put_cells(out: Extraction, template: str, keys, cells, provenance: Provenance) -> list | None:
    """Store each cell under its key (None keys are columns not stored), all from one row.
    Returns the values of all the cells when they are plain (see _plain_values), else None."""
    values = _plain_values(cells)
    if values is not None:
        # Nearly every row: what parse_cell would give, without a step per cell.
        stored: Iterable[Number | None] = values
        if None in keys:
            stored, keys = compress(values, keys), compress(keys, keys)
        # item by item: faster than dict.update(zip(...)), which goes through 2-tuples
        by_key, provenances = out.values, out.provenance
        for key, value in zip(keys, stored):
            by_key[key] = value
            provenances[key] = provenance
        return values
    rules = _CELL_RULES[template]
    for key, raw in zip(keys, cells):
        if key is None:
            continue
        if raw is None:
            value = None
        else:
            decimal, signed = rules[key]
            try:
                value = read_value(raw, decimal=decimal, signed=signed)
            except CellError as err:
                out.issues.append(Issue("bad_cell", f"{key} (line {provenance.line}): {err}", key))
                continue
        out.put(key, value, provenance)
    return None


def _plain_values(cells) -> list | None:
    """The values of a row whose cells are all blanks, zero marks or plain counts; else None."""
    try:
        return list(map(PLAIN_CELLS.__getitem__, cells))
    except KeyError:
        if all(cells) and all(map(str.isdecimal, cells)):
            return list(map(int, cells))
        return None


def _rules_touching(template: str, keys: set[str]) -> list[Rule]:
    return [r for r in rules_for(template) if keys.intersection(r.keys)]


def _split_fused(template, tokens, keys, structural, known) -> tuple[tuple[int, ...], list[str]] | str:
    """The one way to cut fused digit runs into len(keys) cells that the identities accept, as
    (values, ids of the rules checked), or why there is none. `known`: the values read so far."""
    candidates = fused_candidates(tokens, len(keys))
    if candidates is None:
        return "too many ways to cut the digits"
    if not candidates:
        return f"they cannot be cut into {len(keys)} counts"
    stored = [k for k in keys if k]
    trial = {**known, **dict.fromkeys(stored, 0)}  # every candidate fills the same keys
    rules = [r for r in _rules_touching(template, set(stored)) if all(trial.get(k) is not None for k in r.keys)]
    if not rules:
        return "no identity covers these cells"
    survivors = []
    for values in candidates:
        if not structural(values):
            continue
        trial.update((k, v) for k, v in zip(keys, values) if k)
        if all(evaluate(r, trial) is None for r in rules):
            survivors.append(values)
    deciding = {r.rule_id for r in rules}
    if len(survivors) == 1:
        return survivors[0], sorted(deciding)
    if not survivors:
        return "no split satisfies the identities"
    examples = " / ".join("|".join(map(str, v)) for v in survivors[:2])
    return f"{len(survivors)} splits satisfy the identities (e.g. {examples})"
