"""Agency, report year (SPEC §6).

Evidence, strongest first:
- agency: the title line `XX市XX局2018年政府信息公开工作年度报告`, else `填报单位(盖章):XXX` (a
  government's general office compiles the government's report: see `_GOVERNMENT_OFFICE`), else the
  prose (`向社会公布XX县2018年政府信息公开年度报告`, `2021年,区经信局扎实推进…`). A name that starts
  with a bare 区/县/市 is qualified with the place the text names most.
- year: the title, `统计期限自2018年1月1日`, the table header `(2018年度)`, `2018年度` in the text,
  then the year most prose sentences start with. Never the publication date (`填报日期:2019-1-29`).
Nothing is guessed: what is not found stays None, with an Issue saying so.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from .model import Issue, joined_lines
from .text import Document, strip_pinyin, to_simplified


@dataclass
class Metadata:
    agency_raw: str | None = None
    agency: str | None = None
    year: int | None = None
    issues: list[Issue] = field(default_factory=list)


_FIRST_YEAR: Final = 2000  # reports start with the 2008 regulations; older years are not report years
_NAME: Final = r"[^\s,.;:!?、。“”\"'《》()|>»]"
_SUBJECT: Final = r"(?:政府信息公开|政务公开|信息公开)"
_REPORT: Final = r"[^\s,。|]{0,10}?(?:报告|年报)"
_SUFFIX: Final = r"(?:\s*[_|\-—–].*)?"  # `… 年度报告_商丘市人民政府` (page title of the site)
# In a title the name may hold spaces (`安康市 工信局`); not `>` of a breadcrumb before it.
_TITLE_NAME: Final = rf"(?:{_NAME}|(?<=\S) (?=\S))"
_TITLE: Final = (
    re.compile(rf"(?P<agency>{_TITLE_NAME}{{2,40}}?)\s*(?:关于)?\s*(?P<year>\d{{4}})\s*年度?\s*的?"
               rf"{_SUBJECT}{_REPORT}{_SUFFIX}"),
    # `2018年淮北市商务局政府信息公开…报告`, and `2018年政府信息公开工作年度报告` (year only)
    re.compile(rf"(?P<year>\d{{4}})\s*年度?\s*(?P<agency>{_TITLE_NAME}{{0,40}}?)\s*{_SUBJECT}{_REPORT}{_SUFFIX}"),
)
_TITLE_LINES: Final = 15
# `向社会公布柞水县2018年政府信息公开年度报告`
_PROSE_SUBJECT: Final = re.compile(rf"(?:公布|发布|编制|印发)(?P<agency>{_NAME}{{2,30}}?)\d{{4}}年度?{_SUBJECT}")
_FILLED_BY_LABELS: Final = ("填报单位", "填表单位", "填报机关", "报送单位")
_FILLED_BY: Final = re.compile(r"\w{4}(?:\([^)]{0,4}\))?:\s*(?P<agency>[^|]+?)\s*(?:\||$|\s\S{2,6}:)")
# `2021年,区经信局扎实推进…`: an agency (named down to its type) as the subject of a sentence
_SENTENCE_AGENCY: Final = re.compile(
    rf"{_NAME}{{1,20}}?(?:委员会|办公室|人民政府|政府|局|委|办|厅|院|中心|所|站|队|馆|署|会)"
)
_NOT_AN_AGENCY_START: Final = frozenset("在按根据对为以从向经由于我本该全各其此今去明")
_PLACE_LEVELS: Final = "省市县区州旗盟"
_BARE_PLACE: Final = re.compile(rf"{_NAME}{{1,20}}[{_PLACE_LEVELS}]")
# Zones named like places are run by a 管委会, not a 人民政府: their bare name is kept.
_ZONES: Final = ("开发区", "园区", "高新区", "示范区", "试验区", "保税区", "合作区", "风景区", "管理区")
# 柞水县人民政府办公室 compiles the report of 柞水县人民政府
_GOVERNMENT_OFFICE: Final = re.compile(rf"(?P<government>(?P<place>{_NAME}+?[{_PLACE_LEVELS}])(?:人民)?政府)办公[室厅]")
# What precedes 区/县/市 in words that are not place names (全区, 辖区, 按照区政府, 城市 …).
_NOT_PLACE_END: Final = frozenset("省市县区州全本我该各每其此两几多城社园景辖片山新发范护能贸务街地灾矿校上超股门夜集和及与或的在向对为由经从到至将把等了个")
_NOT_PLACE: Final = frozenset(
    "按照 根据 依照 依据 关于 对于 通过 围绕 配合 结合 报送 上报 面向 经过 协助 督促 推动 指导 联系 参加"
    " 召开 深入 全面 进行 开展 会同 公布 发布".split()
)
# 市北区审计局, 市中区…: the name starts with a whole place whose own name begins with 市/区/县.
_PLACE_NAMED_START: Final = re.compile(rf"[区县市]{_NAME}{{1,2}}[{_PLACE_LEVELS}]")
_MIN_PLACE_MENTIONS: Final = 2
_LONGEST_PLACE: Final = 4  # 乌鲁木齐 (without the level character)
_SPACES: Final = re.compile(r"\s+")


class _Text:
    """The document's lines joined, with positions mapped back to (line, column)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = joined_lines(doc.lines)

    def locate(self, pos: int) -> tuple[int, int]:
        return self.text.count("\n", 0, pos), pos - (self.text.rfind("\n", 0, pos) + 1)

    def published(self, line: int, start: int, end: int) -> str:
        """The span [start, end) of lines[line] as written in raw_lines (traditional, say)."""
        simplified, raw = self.doc.lines[line], self.doc.raw_lines[line]
        if raw == simplified:
            return raw[start:end]
        raw = strip_pinyin(raw)
        if len(raw) == len(simplified):  # t2s maps character for character
            return raw[start:end]
        # a phrase or vocabulary swap changed the length: find the raw text that converts to it
        wanted = simplified[start:end]
        for size in sorted(range(max(1, len(wanted) - 2), len(wanted) + 3), key=lambda n: abs(n - len(wanted))):
            for at in range(len(raw) - size + 1):
                if to_simplified(raw[at:at + size]) == wanted:
                    return raw[at:at + size]
        return wanted


@dataclass
class _Name:
    """An agency name found at lines[line][start:end]; `prefix` is the span of a place put in
    front of it; `government`: the span is a bare place whose government the agency is."""

    line: int
    start: int
    end: int
    prefix: tuple[int, int, int] | None = None
    government: bool = False


def extract_metadata(doc: Document) -> Metadata:
    meta = Metadata()
    text = _Text(doc)
    title, title_year = _title(doc.lines)
    meta.year = title_year or _year(text.text)
    if title_year:
        table_year = _table_header_year(text.text)
        if table_year and table_year != title_year:
            meta.issues.append(Issue(
                "year_conflict", f"title says {title_year}, the statistics table header says {table_year}; "
                                 f"the title is kept"))
    name = title or _filled_by(text) or _prose_agency(text)
    if name is None:
        meta.issues.append(Issue(
            "agency_not_found", "no title line, no 填报单位 and no agency named in the prose"))
    else:
        _mark_bare_place(text, name)
        _qualify(text, name, meta.issues)
        meta.agency_raw, meta.agency = _render(text, name)
    if meta.year is None:
        meta.issues.append(Issue(
            "year_not_found", "no report year in a title, 统计期限, 年度 or the prose (publication dates are not used)"))
    return meta


def _plausible_year(digits: str) -> int | None:
    year = int(digits)
    return year if _FIRST_YEAR <= year <= _this_year() else None


_year_ends_at: tuple[int, float] = (0, float("-inf"))  # (this year, the timestamp its last day ends)


def _this_year() -> int:
    """date.today().year, asked once a year: a report asks it for each year it mentions."""
    global _year_ends_at
    year, ends_at = _year_ends_at
    if time.time() >= ends_at:
        year = datetime.date.today().year
        _year_ends_at = year, datetime.datetime(year + 1, 1, 1).timestamp()
    return year


def _title(lines: list[str]) -> tuple[_Name | None, int | None]:
    seen = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        if "报告" in line or "年报" in line:
            for pattern in _TITLE:
                m = pattern.fullmatch(line)
                if m and _plausible_year(m.group("year")):
                    name = _Name(i, *m.span("agency")) if m.group("agency") else None
                    return name, int(m.group("year"))
        seen += 1
        if seen == _TITLE_LINES:
            break
    return None, None


def _digits_before(text: str, pos: int) -> str | None:
    """The four digits right before pos, if they are a whole number (not the tail of a longer one)."""
    digits = text[pos - 4:pos]
    if pos >= 4 and digits.isdigit() and digits.isascii() and not (pos > 4 and text[pos - 5].isdigit()):
        return digits
    return None


def _table_header_year(text: str) -> int | None:
    pos = text.find("年度)")
    while pos != -1:
        digits = _digits_before(text, pos)
        if digits and text[pos - 5:pos - 4] == "(" and _plausible_year(digits):
            return int(digits)
        pos = text.find("年度)", pos + 3)
    return None


_PERIOD_YEAR: Final = re.compile(r"\D{0,6}((?:19|20)\d{2})")


def _year(text: str) -> int | None:
    # 统计期限自2018年1月1日 — also when 年/月/日 were lost and digits fused (`自201711日`): the
    # first four digits of the run are the year.
    pos = text.find("统计期限")
    if pos != -1:
        m = _PERIOD_YEAR.match(text, pos + 4)
        if m and _plausible_year(m.group(1)):
            return int(m.group(1))
    header = _table_header_year(text)
    if header:
        return header
    # 2018年度 anywhere; a report also plans the next year (2019年度工作计划), so the most said,
    # and of equally said ones the earlier, is the report year.
    years: Counter[int] = Counter()
    pos = text.find("年度")
    while pos != -1:
        digits = _digits_before(text, pos)
        if digits and _plausible_year(digits):
            years[int(digits)] += 1
        pos = text.find("年度", pos + 2)
    if not years:
        years = _sentence_years(text)
    if not years:
        return None
    return min(years, key=lambda y: (-years[y], y))


def _sentence_years(text: str) -> Counter[int]:
    """Years that start a line as `2018年,` (`2018年,我局…`)."""
    years: Counter[int] = Counter()
    pos = text.find("年,")
    while pos != -1:
        digits = _digits_before(text, pos)
        if digits and (pos == 4 or text[pos - 5] == "\n") and _plausible_year(digits):
            years[int(digits)] += 1
        pos = text.find("年,", pos + 2)
    return years


def _filled_by(text: _Text) -> _Name | None:
    pos = next((p for p in map(text.text.find, _FILLED_BY_LABELS) if p != -1), -1)
    if pos == -1:
        return None
    line, column = text.locate(pos)
    m = _FILLED_BY.match(text.doc.lines[line], column)
    if not m:
        return None
    name = _Name(line, *m.span("agency"))
    office = _GOVERNMENT_OFFICE.fullmatch(m.group("agency"))
    subject = _prose_subject(text) if office else None
    if office and subject:
        said = text.doc.lines[subject.line][subject.start:subject.end]
        if said in (office.group("place"), office.group("government"), office.group("place") + "人民政府"):
            name.end = name.start + office.end("government")
    return name


def _prose_subject(text: _Text) -> _Name | None:
    m = _PROSE_SUBJECT.search(text.text)
    if not m or m.group("agency")[0] in _NOT_AN_AGENCY_START:
        return None
    line, column = text.locate(m.start("agency"))
    return _Name(line, column, column + len(m.group("agency")))


def _prose_agency(text: _Text) -> _Name | None:
    subject = _prose_subject(text)
    if subject:
        return subject
    for line, content in enumerate(text.doc.lines):
        # `2021年,区经信局扎实推进…`
        if len(content) > 6 and content[4] == "年" and content[:4].isdigit():
            comma = content.find(",", 5, 8)
            if comma == -1 or content[comma + 1:comma + 2] in _NOT_AN_AGENCY_START:
                continue
            m = _SENTENCE_AGENCY.match(content, comma + 1)
            if m:
                return _Name(line, *m.span())
    return None


def _mark_bare_place(text: _Text, name: _Name) -> None:
    """`柞水县` as the subject of the report: the report is the county government's."""
    said = text.doc.lines[name.line][name.start:name.end]
    name.government = bool(_BARE_PLACE.fullmatch(said)) and not said.endswith(_ZONES)


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _qualify(text: _Text, name: _Name, issues: list[Issue]) -> None:
    """`区经信局` → `路桥区经信局`, with the place the text names most (路桥区, 路桥门户网站 …).
    Places are found by their last two characters; a longer name (石家庄市) is the one those
    two are always part of."""
    said = text.doc.lines[name.line][name.start:name.end]
    level = said[0]
    if level not in "区县市" or name.government or _PLACE_NAMED_START.match(said):
        return
    body = text.text
    where: dict[str, int] = {}
    pos = body.find(level)
    while pos != -1:
        place = body[pos - 2:pos] if pos >= 2 else ""
        if (len(place) == 2 and all(map(_is_han, place))
                and place[-1] not in _NOT_PLACE_END and place[0] not in _NOT_PLACE_END
                and place not in _NOT_PLACE):
            where.setdefault(place, pos - 2)
        pos = body.find(level, pos + 1)
    mentions = sorted(((body.count(place), place) for place in where), reverse=True)
    if (not mentions or mentions[0][0] < _MIN_PLACE_MENTIONS
            or (len(mentions) > 1 and mentions[1][0] == mentions[0][0])):
        issues.append(Issue(
            "agency_unqualified", f"agency published as {said}: no place name found to qualify it"))
        return
    count, place = mentions[0]
    at = where[place]
    while (len(place) < _LONGEST_PLACE and at > 0 and _is_han(body[at - 1])
           and body[at - 1] not in _NOT_PLACE_END and body.count(body[at - 1] + place) == count):
        at, place = at - 1, body[at - 1] + place
    line, column = text.locate(at)
    name.prefix = (line, column, column + len(place))


def _render(text: _Text, name: _Name) -> tuple[str, str]:
    raw = text.published(name.line, name.start, name.end)
    simplified = text.doc.lines[name.line][name.start:name.end]
    if name.prefix:
        raw = text.published(*name.prefix) + raw
        simplified = text.doc.lines[name.prefix[0]][name.prefix[1]:name.prefix[2]] + simplified
    if name.government:
        raw, simplified = raw + "人民政府", simplified + "人民政府"
    return raw.strip(), _SPACES.sub("", simplified)
