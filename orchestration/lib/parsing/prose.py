"""Figures stated in prose (old reports without a table), marked as coming from prose.

Two readers for reports that have no national table:
- sentences that state the agency's own figures for the year: applications (and their channels
  after 其中), reconsideration, litigation, fees, and the proactive total in its exact wording
  (`没有发生依申请公开政府信息事项` → apps.received 0, `共收到依申请公开1件` → 1,
  `全年主动公开政府信息388条` → proactive.total 388);
- local tables (2008–2013 provincial tables, custom tables): a row becomes an `old` key only
  when it counts the same quantity (申请总数, 网上申请, 否决, 行政复议数 …); every other row with a
  number is reported as an Issue so that nothing is dropped silently.

Both are conservative: an approximate number (`600多条`, `1.5万余条`), a sentence about another
year, or a sentence that could be about something else gives no value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from .cells import ZERO_MARKS, CellError, parse_cell
from .model import SOURCE_LOCAL_TABLE, SOURCE_PROSE, Extraction, Issue, Number, Provenance
from .old_template import normalize_label, read_table_rows

_SENTENCE_END: Final = re.compile(r"[。；;!！?？]")
_CLAUSE_END: Final = re.compile(r"[，,:：]")
_YEAR: Final = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_HEADING: Final = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_MAX_HEADING: Final = 40

_COUNT: Final = (r"(?P<number>\d+(?:\.\d+)?|[零一二两三四五六七八九十])\s*(?P<ten_thousand>万)?\s*(?P<approximate>多|余)?"
          r"\s*(?:件|个|条|次|份|宗|起|人次)")
_APPROXIMATE_BEFORE: Final = re.compile(r"(?:约|近|逾|超过|大约|上)\s*$")
_CHINESE_DIGITS: Final = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}

# The verb is required: `没有对政府信息公开申请收取任何费用` is about fees, not applications.
_APPS_NONE: Final = re.compile(
    r"(?:没有|未)(?:发生|收到|接到|受理|接收)[^，,。；费]{0,25}?"
    r"(?:依申请公开|公开申请|信息公开的申请|公开信息的申请|公开政府信息的申请)"
    r"|无依申请公开(?:情况|事项|申请)"
)
_APPS_COUNT: Final = re.compile(
    r"(?:收到|受理|接到|接收|办理)[^，,。；\d]{0,12}?(?P<term>依申请公开|公开申请|公开的申请|申请)[^，,。；\d]{0,8}?" + _COUNT
)
_APPS_CHANNEL: Final = re.compile(r"(?P<channel>当面|传真|网络|网上|信函)申请" + _COUNT)
_CHANNEL_KEYS: Final = {"当面": "apps.in_person", "传真": "apps.fax", "网络": "apps.online", "网上": "apps.online",
                 "信函": "apps.letter"}
_PROACTIVE: Final = re.compile(r"主动公开政府信息(?:共|总计|合计)?" + _COUNT)
# 规范性档案: 規範性檔案 of a converter mirror whose vocabulary text.py did not recognise as one
_NORMATIVE: Final = re.compile(r"主动公开规范性(?:文件|档案)(?:共)?" + _COUNT)
# Applications of other kinds (许可, 审批, 信访 …) share the words 收到…申请.
_OTHER_APPLICATIONS: Final = re.compile(r"复议|诉讼|许可|审批|信访|办件|事项申请|补贴|项目")
_REVIEW_COUNT: Final = re.compile(r"行政复议[^，,。；\d]{0,8}?" + _COUNT)
_LITIGATION_COUNT: Final = re.compile(r"行政诉讼[^，,。；\d]{0,8}?" + _COUNT)
_NEGATION: Final = re.compile(r"没有|未|无(?!法|偿)")
_OUTCOME_WORDS: Final = re.compile(r"纠错|纠正|撤销|维持|驳回|败诉|胜诉")
_FEES_NONE: Final = re.compile(r"(?:没有|未|无)[^，,。；]{0,25}?(?:收取[^，,。；]{0,10}?费用|收费)")
_FEES_AMOUNT: Final = re.compile(
    r"(?:收取|收)[^，,。；\d]{0,12}?费(?:用)?(?:共计|共|合计|总计)?\s*(\d+(?:\.\d+)?)\s*(多|余)?\s*(万元|元)"
)

# Local-table labels (normalized: no numbering, 其中, punctuation, or trailing 数/数量) that count
# the same quantity as an `old` key. Rows like 电子邮件申请, 其他, 申请内容不明确 or 行政申诉数 have no
# counterpart and are reported, not mapped.
_LOCAL_LABELS: Final = {
    "proactive.total": r"主动公开(?:政府)?信息总?",
    "proactive.normative_docs": r"主动公开规范性(?:文件|档案)",
    "apps.received": r"(?:收到|受理)?(?:依申请公开)?申请总?",
    "apps.in_person": r"当面(?:申请)?",
    "apps.fax": r"传真(?:申请)?",
    "apps.online": r"(?:网上|网络|互联网)(?:申请)?",
    "apps.letter": r"信函(?:申请)?",
    "replies.total": r"(?:申请)?答复总?|已答复",
    "replies.already_public": r"(?:属于)?已主动公开(?:范围)?",
    "replies.granted": r"同意公开(?:答复)?",
    "replies.partial": r"(?:部分同意公开|同意部分公开|部分同意|部分公开)(?:答复)?",
    "replies.denied": r"(?:否决|不同意公开|不予公开)(?:答复)?",
    "replies.denied.state_secret": r"(?:涉及)?国家秘密",
    "replies.denied.commercial_secret": r"(?:涉及)?商业秘密",
    "replies.denied.privacy": r"(?:涉及)?个人隐私",
    "replies.denied.security_stability": r"危及国家安全公共安全经济安全和社会稳定",
    "replies.denied.not_gov_info": r"不是条例所指政府信息|非政府信息",
    "replies.denied.other_law": r"法律法规规定的其他情形",
    "replies.not_this_agency": r"非本机关职责范围|不属于本(?:行政)?机关(?:职责范围|公开)?",
    "replies.not_exist": r"(?:申请)?信息不存在",
    "replies.asked_to_amend": r"告知作出更改补充",
    "replies.other_channel": r"告知通过其他途径办理",
    "review.total": r"(?:申请)?行政复议(?:案件)?",
    "litigation.total": r"(?:提起)?行政诉讼(?:案件)?",
    "fees.amount_10k_yuan": r"(?:依申请公开(?:信息)?)?(?:收取(?:的)?)?费用|收费(?:金额|总额)?",
}
_LOCAL_KEY_OF: Final = list(_LOCAL_LABELS)
_LOCAL_LABEL: Final = re.compile("|".join(f"(?P<k{i}>{pattern})" for i, pattern in enumerate(_LOCAL_LABELS.values())))
_FEES: Final = "fees.amount_10k_yuan"
_LABEL_TAIL: Final = re.compile(r"(?:件数|次数|数量|数)$")
_UNIT_IN_LABEL: Final = re.compile(r"[(（]\s*(?:单位[:：])?\s*(万元|元|件|条|个|次|%)\s*[)）]")
_UNIT_NOTE: Final = re.compile(r"单位[:：]\s*(万元|元)")
_FIGURE: Final = re.compile(r"[+\-]?[0-9０-９][0-9０-９,，.．\s]*")
_TABLE_GAP: Final = 2  # non-pipe lines inside one local table (cells on lines of their own, wrapped labels)
_MAX_CELL_LINE: Final = 60


def parse_old_prose(lines: list[str], year: int | None) -> Extraction:
    extraction = Extraction()
    _read_local_tables(lines, extraction)
    stated = _read_sentences(lines, year, extraction)
    for key, (value, provenance) in stated.items():
        if key not in extraction.values:
            extraction.put(key, value, provenance)
        elif extraction.values[key] != value:
            extraction.issues.append(Issue(
                "prose_conflict",
                f"the prose says {value} (line {provenance.line}: {provenance.text!r}) but the local table "
                f"says {extraction.values[key]}; the table's figure is kept", key))
    return extraction


# ---------------------------------------------------------------------------------------------
# Sentences


def _sentences(lines: list[str]):
    """(line index, heading of its section, sentence) for the prose lines."""
    heading = ""
    for i, line in enumerate(lines):
        if "|" in line:
            continue
        text = line.strip()
        if not text:
            continue
        if len(text) <= _MAX_HEADING and _HEADING.match(text):
            heading = text
        for sentence in _SENTENCE_END.split(text):
            if sentence:
                yield i, heading, sentence


def _read_sentences(lines: list[str], year: int | None, extraction: Extraction) -> dict:
    found: dict[str, tuple[Number, Provenance]] = {}
    conflicting: set[str] = set()

    def state(key: str, value: Number, line: int, sentence: str) -> None:
        if key in conflicting:
            return
        if key in found and found[key][0] != value:
            conflicting.add(key)
            extraction.issues.append(Issue(
                "prose_conflict",
                f"the prose gives {found[key][0]} (line {found[key][1].line}) and {value} (line {line + 1}); "
                "neither is kept", key))
            del found[key]
            return
        if key not in found:
            found[key] = (value, Provenance(line=line + 1, source=SOURCE_PROSE, text=sentence.strip()))

    for line, heading, sentence in _sentences(lines):
        if not ("申请" in sentence or "复议" in sentence or "诉讼" in sentence or "费" in sentence
                or "主动公开" in sentence):
            continue
        years: list[str] = []  # the years the current clause speaks of, carried to the next ones
        for clause in _CLAUSE_END.split(sentence):
            years = _YEAR.findall(clause) or years
            if year is not None and years and str(year) not in years:
                continue  # about another year (last year's figures, next year's plans)
            _read_clause(clause, heading, sentence, line, state, extraction)
    return found


def _read_clause(clause: str, heading: str, sentence: str, line: int, state, extraction: Extraction) -> None:
    on_disclosure = "公开" in sentence or "公开" in heading
    if "主动公开" in clause:
        for pattern, key in ((_PROACTIVE, "proactive.total"), (_NORMATIVE, "proactive.normative_docs")):
            if match := pattern.search(clause):
                _state_count(key, match, clause, line, sentence, state, extraction)
    if "申请" in clause and not _OTHER_APPLICATIONS.search(sentence):
        if _APPS_NONE.search(clause):
            state("apps.received", 0, line, sentence)
        elif (match := _APPS_COUNT.search(clause)) and (
                # a bare 申请 is an information request only under a heading on 依申请公开
                match["term"] != "申请" or "依申请" in heading or "申请公开" in heading):
            _state_count("apps.received", match, clause, line, sentence, state, extraction)
        elif "其中" in sentence and _APPS_COUNT.search(sentence):
            # `共收到政府信息公开申请5件,其中当面申请1件、网络申请4件`
            for match in _APPS_CHANNEL.finditer(clause):
                _state_count(_CHANNEL_KEYS[match["channel"]], match, clause, line, sentence, state, extraction)
    if ("复议" in clause or "诉讼" in clause) and not _OUTCOME_WORDS.search(clause):
        if on_disclosure or "复议" in heading or "诉讼" in heading:
            negated = _NEGATION.search(clause)
            for term, key, count in (("复议", "review.total", _REVIEW_COUNT),
                                     ("诉讼", "litigation.total", _LITIGATION_COUNT)):
                position = clause.find(term)
                if position < 0:
                    continue
                if match := count.search(clause):
                    _state_count(key, match, clause, line, sentence, state, extraction)
                elif negated and negated.start() < position:
                    state(key, 0, line, sentence)
    if "费" in clause and (on_disclosure or "费" in heading):
        if match := _FEES_AMOUNT.search(clause):
            amount, approximate, unit = match.groups()
            if approximate:
                _approximate(_FEES, match.group(0), line, extraction)
            else:
                value = float(amount) if unit == "万元" else float(amount) / 10000
                state(_FEES, _as_number(value), line, sentence)
        elif _FEES_NONE.search(clause):
            state(_FEES, 0, line, sentence)


def _state_count(key: str, match: re.Match, clause: str, line: int, sentence: str, state,
                 extraction: Extraction) -> None:
    number = match["number"]
    if match["approximate"] or _APPROXIMATE_BEFORE.search(clause[: match.start("number")]):
        _approximate(key, match.group(0), line, extraction)
        return
    value = float(_CHINESE_DIGITS.get(number, number)) * (10000 if match["ten_thousand"] else 1)
    if value.is_integer():
        state(key, int(value), line, sentence)


def _approximate(key: str, text: str, line: int, extraction: Extraction) -> None:
    extraction.issues.append(Issue(
        "approximate_prose_value", f"line {line + 1}: {text!r} is approximate; not used as a value", key))


def _as_number(value: Number) -> Number:
    value = round(float(value), 6)  # an int has no is_integer before Python 3.12
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------------------------------------
# Local tables


def _table_blocks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """[start, end) of each run of pipe lines, with the short lines between them (one cell a line)."""
    start = end = -1  # no run yet
    for i, line in enumerate(lines):
        if "|" not in line:
            continue
        if start < 0 or i - end > _TABLE_GAP or any(len(lines[j]) > _MAX_CELL_LINE for j in range(end, i)):
            if start >= 0:
                yield start, end
            start = i
            if line.lstrip().startswith("|") and i and len(lines[i - 1]) <= _MAX_CELL_LINE:
                start = i - 1  # the first cell sits on the line above its `|`
        end = i + 1
    if start >= 0:
        yield start, end


def _read_local_tables(lines: list[str], extraction: Extraction) -> None:
    mapped: dict[str, tuple[Number | None, Provenance]] = {}
    conflicting: set[str] = set()
    matrix_lines: set[int] = set()

    def unmapped(line: int, text: str, why: str, key: str | None = None) -> None:
        extraction.issues.append(Issue("unmapped_local_row", f"line {line + 1}: {text} ({why})", key))

    for start, end in _table_blocks(lines):
        title = lines[start - 1] if start else ""  # e.g. `…情况统计表(单位:元)`
        table_unit = match.group(1) if (match := _UNIT_NOTE.search(title)) else None
        for label, unit, raw, line, figures in _local_rows(lines, start, end):
            if not raw:
                continue
            if figures > 1:
                # a matrix row (new-format 表三, columns by applicant …): its columns are unnamed here
                if line not in matrix_lines:
                    matrix_lines.add(line)
                    unmapped(line, lines[line].strip(), f"a row of {figures} figures in unnamed columns")
                continue
            unit = unit or (m.group(1) if (m := _UNIT_IN_LABEL.search(label)) else None) or table_unit
            key = _local_key(label)
            shown = f"{label or '(no label)'} = {raw}{unit or ''}"
            if key is None:
                unmapped(line, shown, "no same quantity in the old table")
                continue
            if key == _FEES and unit not in ("元", "万元"):
                unmapped(line, shown, "no unit to read the amount by", key)
                continue
            try:
                value = _local_value(key, unit, raw)
            except CellError as err:
                extraction.issues.append(Issue("bad_cell", f"line {line + 1}: {err}", key))
                continue
            if key in conflicting:
                continue
            if key in mapped and mapped[key][0] != value:
                conflicting.add(key)
                del mapped[key]
                extraction.issues.append(Issue(
                    "local_table_conflict", f"{key}: two local-table rows give different figures; neither kept", key))
                continue
            text = lines[line].strip()
            if label not in text:
                text = f"{label} | {raw}"
            mapped.setdefault(key, (value, Provenance(
                line=line + 1, source=SOURCE_LOCAL_TABLE, text=text, note=f"local table row {label!r}")))
    for key, (value, provenance) in mapped.items():
        extraction.put(key, value, provenance)


def _local_rows(lines: list[str], start: int, end: int):
    """(label, unit, raw value, line, figures on that line) of a local table, vertical or with a
    header row of labels over a row of numbers (申请总数 | 当面申请 | … then 12 | 2 | …)."""
    split = [[cell.strip() for cell in lines[i].split("|")] for i in range(start, end)]
    for cells in split:
        while cells and not cells[-1]:
            cells.pop()
    i = 0
    vertical_from = start
    while i < len(split):
        header, below = split[i], split[i + 1] if i + 1 < len(split) else []
        if (len(header) >= 2 and len(below) == len(header)
                and all(_is_text(cell) for cell in header) and all(_is_number(cell) for cell in below)):
            yield from _vertical_rows(lines, vertical_from, start + i, split, start)
            for label, raw in zip(header, below):
                yield label, None, raw, start + i + 1, 1
            i += 2
            vertical_from = start + i
        else:
            i += 1
    yield from _vertical_rows(lines, vertical_from, end, split, start)


def _vertical_rows(lines: list[str], start: int, end: int, split: list[list[str]], block_start: int):
    if start >= end:
        return
    for label, unit, raw, line in read_table_rows(lines, start, end):
        yield label, unit, raw, line, sum(1 for cell in split[line - block_start] if _is_number(cell))


def _is_number(cell: str) -> bool:
    return cell in ZERO_MARKS or _FIGURE.fullmatch(cell) is not None


def _is_text(cell: str) -> bool:
    return bool(cell) and not _is_number(cell)


@lru_cache(maxsize=4096)  # local-table labels recur from report to report
def _local_key(label: str) -> str | None:
    match = _LOCAL_LABEL.fullmatch(_LABEL_TAIL.sub("", normalize_label(label)))
    return _LOCAL_KEY_OF[int(match.lastgroup[1:])] if match and match.lastgroup else None


def _local_value(key: str, unit: str | None, raw: str) -> Number | None:
    if key != _FEES:
        return parse_cell(raw).value
    amount = parse_cell(raw, decimal=True).value
    if amount is None:
        return None
    return _as_number(amount / 10000 if unit == "元" else amount)
