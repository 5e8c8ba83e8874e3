"""The statistical tables of each template as logical grids (cells with row/column spans), before
any layout renders them. Every value cell knows its key, so a cut table knows what it still holds."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from ..metrics import APPLICANT_COLUMNS, OLD_SECTION_ROWS, T4_BLOCKS, metrics_for, t3_rows
from ..parsing.model import Number
from .script import Script, gbk_mojibake, lost_label

HEADER, LABEL, VALUE = "header", "label", "value"


@dataclass(slots=True)
class Cell:
    text: str
    role: str = VALUE
    rowspan: int = 1
    colspan: int = 1


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    keys: tuple[str, ...] = ()  # the metric keys whose values this row prints


@dataclass
class Table:
    rows: list[Row]
    width: int

    @property
    def keys(self) -> list[str]:
        return [key for row in self.rows for key in row.keys]


_FULLWIDTH_DIGITS = str.maketrans("0123456789.,+-", "０１２３４５６７８９．，＋－")
_FULLWIDTH_PUNCTUATION = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})


@dataclass(frozen=True)
class NumberStyle:
    """How a report prints numbers (SPEC §4)."""

    thousands: bool = False
    fullwidth: bool = False
    zero_mark: str | None = None  # '-', '—', '——', '/', '无' print a zero
    plus_sign: bool = False  # +3 in 本年增/减
    padding: str = ""  # NBSP or full-width space pasted around numbers

    def format(self, value: Number | None, signed: bool = False) -> str:
        if value is None:
            return ""
        if value == 0 and self.zero_mark:
            return self.zero_mark
        if type(value) is int and not (self.thousands or self.fullwidth or self.padding or signed):
            return str(value)  # the common case, kept fast: a corpus formats millions of cells
        return self._styled(value, signed)

    def _styled(self, value: Number, signed: bool) -> str:
        if isinstance(value, float):
            text = f"{value:,.2f}" if self.thousands else f"{value:.2f}"
            text = text.rstrip("0").rstrip(".")
        else:
            text = f"{value:,}" if self.thousands else str(value)
        if signed and self.plus_sign and value > 0:
            text = "+" + text
        if self.fullwidth:
            text = text.translate(_FULLWIDTH_DIGITS)
        return self.padding + text


@dataclass
class Labeler:
    """Writes labels the way one report does: script, punctuation, and garbling of some labels."""

    rng: random.Random
    script: Script
    fullwidth_punctuation: bool = False
    garbling: str | None = None  # 'mojibake' | 'lost'
    garbled_share: float = 0.0
    zero_width: bool = False  # zero-width spaces inside some labels

    def __call__(self, text: str, garble: bool = True) -> str:
        if self.fullwidth_punctuation:
            text = text.translate(_FULLWIDTH_PUNCTUATION)
        text = self.script(text)
        if garble and self.garbling and self.rng.random() < self.garbled_share:
            return gbk_mojibake(text) if self.garbling == "mojibake" else lost_label(text)
        if self.zero_width and len(text) > 2 and self.rng.random() < 0.3:
            return text[:2] + "\u200b" + text[2:]
        return text


# ---------------------------------------------------------------- old: 政府信息公开情况统计表

@dataclass(frozen=True)
class OldTableStyle:
    header: tuple[str, str, str] = ("统计指标", "单位", "统计数")
    section_mark: str = "——"  # what the unit cell of a section row holds
    units_next_line: bool = False  # `5928` then `条` in one cell, no unit column
    break_long_labels: bool = False  # the (不同渠道…) note on its own line, as pasted from Word


def old_table(values: dict[str, Number | None], label: Labeler, numbers: NumberStyle,
              style: OldTableStyle) -> Table:
    width = 2 if style.units_next_line else 3
    header = [Cell(label(h, garble=False), HEADER) for h in style.header]
    rows = [Row(header[:1] + header[2:] if style.units_next_line else header)]
    for key, metric in metrics_for("old").items():
        if key in OLD_SECTION_ROWS:
            section = [Cell(label(OLD_SECTION_ROWS[key]), LABEL), Cell(style.section_mark, HEADER)]
            rows.append(Row(section[:width] + [Cell("")] * (width - 2)))
        text = metric.label
        if style.break_long_labels and "(" in text[1:]:
            at = text.index("(", 1)
            text = text[:at] + "\n" + text[at:]
        value = numbers.format(values[key])
        unit = label(metric.unit, garble=False)
        if style.units_next_line:
            cells = [Cell(label(text), LABEL), Cell(f"{value}\n{unit}" if value else unit)]
        else:
            cells = [Cell(label(text), LABEL), Cell(unit, HEADER), Cell(value)]
        rows.append(Row(cells, (key,)))
    return Table(rows, width)


# ---------------------------------------------------------------- new: 表二

_T2_2019 = (
    ("第二十条第(一)项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("规章", "rules"), ("规范性文件", "normative")), ("new_made", "new_published", "total_published")),
    ("第二十条第(五)项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("行政许可", "permits"), ("其他对外管理服务事项", "other_services")),
     ("prev_year_items", "change", "decisions")),
    ("第二十条第(六)项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("行政处罚", "penalties"), ("行政强制", "coercion")), ("prev_year_items", "change", "decisions")),
    ("第二十条第(八)项", ("上一年项目数量", "本年增/减"),
     (("行政事业性收费", "admin_fees"),), ("prev_year_items", "change")),
    ("第二十条第(九)项", ("采购项目数量", "采购总金额"),
     (("政府集中采购", "procurement"),), ("items", "amount")),
)
_T2_2021 = (
    ("第二十条第(一)项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("规章", "rules"), ("行政规范性文件", "normative")), ("made", "repealed", "in_force")),
    ("第二十条第(五)项", ("本年处理决定数量",), (("行政许可", "permits"),), ("decisions",)),
    ("第二十条第(六)项", ("本年处理决定数量",), (("行政处罚", "penalties"), ("行政强制", "coercion")),
     ("decisions",)),
    ("第二十条第(八)项", ("本年收费金额(单位:万元)",), (("行政事业性收费", "admin_fees"),),
     ("amount_10k_yuan",)),
)


def _spread(cells: list[Cell], width: int) -> list[Cell]:
    """A short row's last cell spans the rest of the table, as in the official format."""
    last = cells[-1]
    return cells[:-1] + [Cell(last.text, last.role, last.rowspan, width - len(cells) + 1)]


def t2_table(template: str, values: dict[str, Number | None], label: Labeler, numbers: NumberStyle) -> Table:
    width = 4
    rows = []
    for article, columns, items, fields in (_T2_2019 if template == "new2019" else _T2_2021):
        rows.append(Row([Cell(label(article), HEADER, colspan=width)]))
        head = [Cell(label("信息内容", garble=False), HEADER)] + [Cell(label(c, garble=False), HEADER) for c in columns]
        rows.append(Row(_spread(head, width)))
        for item_label, item in items:
            keys = tuple(f"t2.{item}.{f}" for f in fields)
            cells = [Cell(label(item_label), LABEL)]
            cells += [Cell(numbers.format(values[k], signed=k.endswith(".change"))) for k in keys]
            rows.append(Row(_spread(cells, width), keys))
    return Table(rows, width)


# ---------------------------------------------------------------- new: 表三

_T3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
_T3_TOP = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "carried_forward": "四、结转下年度继续办理",
}
_T3_OUTCOMES = "三、本年度办理结果"
_T3_SINGLE = {
    "granted": "(一)予以公开",
    "partial": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "other": "(六)其他处理",
    "processed_total": "(七)总计",
}
_T3_GROUPS = {
    "denied": ("(三)不予公开", {
        "state_secret": "1.属于国家秘密", "law_forbidden": "2.其他法律行政法规禁止公开",
        "safety_stability": "3.危及“三安全一稳定”", "third_party": "4.保护第三方合法权益",
        "internal_affairs": "5.属于三类内部事务信息", "process_info": "6.属于四类过程性信息",
        "enforcement_file": "7.属于行政执法案卷", "admin_query": "8.属于行政查询事项"}),
    "unable": ("(四)无法提供", {
        "not_held": "1.本机关不掌握相关政府信息", "needs_creation": "2.没有现成信息需要另行制作",
        "unclear": "3.补正后申请内容仍不明确"}),
    "not_processed": ("(五)不予处理", {
        "petition": "1.信访举报投诉类申请", "duplicate": "2.重复申请", "publication": "3.要求提供公开出版物",
        "mass_repeat": "4.无正当理由大量反复申请", "confirm_reissue": "5.要求行政机关确认或重新出具已获取信息"}),
    "other": ("(六)其他处理", {
        "no_amend": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other": "3.其他"}),
}
_ORGANISATIONS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T3_LABEL_COLUMNS = 3


@lru_cache(maxsize=None)
def t3_row_labels(template: str) -> dict[str, tuple[str, ...]]:
    """Row name → its label path (top label, or 三's group and sub-label), in printed order."""
    paths: dict[str, tuple[str, ...]] = {}
    for row in t3_rows(template):
        group, _, item = row.partition(".")
        if row in _T3_TOP:
            paths[row] = (_T3_TOP[row],)
        elif item:
            group_label, items = _T3_GROUPS[group]
            paths[row] = (group_label, items[item])
        else:
            paths[row] = (_T3_SINGLE[row],)
    return paths


def t3_table(template: str, values: dict[str, Number | None], label: Labeler, numbers: NumberStyle,
             subtotals: bool = False) -> Table:
    """表三; with `subtotals`, the 8-column variant: a 法人或其他组织 小计 column and a 小计 row after
    each group of outcome rows (values no key names, which a parser must skip)."""
    value_columns = len(APPLICANT_COLUMNS) + 1 + subtotals
    width = T3_LABEL_COLUMNS + value_columns
    organisations = len(_ORGANISATIONS) + subtotals

    def h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        return Cell(label(text, garble=False), HEADER, rowspan, colspan)

    rows = [
        Row([h(_T3_NOTE, 3, T3_LABEL_COLUMNS), h("申请人情况", 1, value_columns)]),
        Row([h("自然人", 2), h("法人或其他组织", 1, organisations), h("总计", 2)]),
        Row([h(o) for o in _ORGANISATIONS] + ([h("小计")] if subtotals else [])),
    ]

    def value_cells(row_numbers: list[Number | None]) -> list[Cell]:
        texts = [numbers.format(n) for n in row_numbers]
        if subtotals:
            texts.insert(len(APPLICANT_COLUMNS), numbers.format(sum(n or 0 for n in row_numbers[1:-1])))
        return [Cell(text) for text in texts]

    keys_by_row = _t3_keys(template)
    paths = t3_row_labels(template)
    outcome_names = [r for r in paths if r not in _T3_TOP]
    groups_with_items = {r.partition(".")[0] for r in outcome_names if "." in r}
    outcome_rows = len(outcome_names) + subtotals * len(groups_with_items)
    first_outcome = True
    for row, path in paths.items():
        keys = keys_by_row[row]
        cells: list[Cell] = []
        group, _, item = row.partition(".")
        if row in _T3_TOP:
            cells.append(Cell(label(path[0]), LABEL, colspan=T3_LABEL_COLUMNS))
        else:
            if first_outcome:
                cells.append(Cell(label(_T3_OUTCOMES), LABEL, rowspan=outcome_rows))
                first_outcome = False
            if not item:
                cells.append(Cell(label(path[0]), LABEL, colspan=2))
            else:
                items = _T3_GROUPS[group][1]
                if item == next(iter(items)):
                    cells.append(Cell(label(path[0]), LABEL, rowspan=len(items) + subtotals))
                cells.append(Cell(label(path[1]), LABEL))
        rows.append(Row(cells + value_cells([values[k] for k in keys]), keys))
        if subtotals and item and item == list(_T3_GROUPS[group][1])[-1]:
            members = [keys_by_row[r] for r in outcome_names if r.startswith(group + ".")]
            group_sum = [sum(values[member[i]] or 0 for member in members) for i in range(len(keys))]
            rows.append(Row([Cell(label("小计"), LABEL)] + value_cells(group_sum)))
    return Table(rows, width)


@lru_cache(maxsize=None)
def _t3_keys(template: str) -> dict[str, tuple[str, ...]]:
    return {row: tuple(f"t3.{row}.{c}" for c in APPLICANT_COLUMNS + ("total",)) for row in t3_rows(template)}


# ---------------------------------------------------------------- new: 表四

T4_OUTCOME_LABELS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                     ("pending", "尚未审结"), ("total", "总计"))


def t4_keys() -> tuple[str, ...]:
    return tuple(f"t4.{block}.{outcome}" for block in T4_BLOCKS for outcome, _ in T4_OUTCOME_LABELS)


def t4_table(values: dict[str, Number | None], label: Labeler, numbers: NumberStyle) -> Table:
    def h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        return Cell(label(text, garble=False), HEADER, rowspan, colspan)

    outcomes = [text for _, text in T4_OUTCOME_LABELS]
    rows = [
        Row([h("行政复议", 1, 5), h("行政诉讼", 1, 10)]),
        Row([h(o, 2) for o in outcomes] + [h("未经复议直接起诉", 1, 5), h("复议后起诉", 1, 5)]),
        Row([h(o) for o in outcomes * 2]),
        Row([Cell(numbers.format(values[k])) for k in t4_keys()], t4_keys()),
    ]
    return Table(rows, 15)


def t4_one_line(values: dict[str, Number | None], label: Labeler, numbers: NumberStyle,
                separator: str) -> list[str]:
    """表四 as a PDF or a careless paste flattens it: headings fused, 15 numbers on one line."""
    outcomes = "".join(text for _, text in T4_OUTCOME_LABELS)
    return [
        label("行政复议行政诉讼", garble=False),
        label(outcomes + "未经复议直接起诉复议后起诉", garble=False),
        label(outcomes * 2, garble=False),
        separator.join(numbers.format(values[k]) for k in t4_keys()),
    ]

