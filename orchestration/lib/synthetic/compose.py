"""One synthetic report: what it says (ReportSpec, drawn at random) and how it is written (Style),
composed into text and the truth of the values that text holds."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from ..metrics import keys_for
from ..parsing.model import Number
from . import prose
from .figures import Values, break_one_identity, new_values, old_values
from .layouts import (HTML, PDF_TEXT, PIPE_ROWS, PROSE, Block, LayoutOptions, Lines, Paragraph,
                      TableBlock, Title, render)
from .places import Agency, random_agency, random_person
from .script import Script
from .tables import (Labeler, NumberStyle, OldTableStyle, Table, old_table, t2_table, t3_table,
                     t4_one_line, t4_table)

YEARS = {"old": (2014, 2018), "new2019": (2019, 2020), "new2021": (2021, 2024)}
PROSE_YEARS = (2010, 2018)  # before 2014 many reports had no national table at all

ZERO_MARKS = ("-", "—", "——", "/", "无")
GARBLED_LABEL_SHARE = 0.35  # of the row labels of a report with garbled labels
PAGE_MARKS = ("- {page} -", "— {page} —", "第 {page} 页 共 {pages} 页", "{page}")


@dataclass(frozen=True)
class Style:
    """Every choice of how a report is written down; the truth's `variants` names the unusual ones."""

    script: Script = Script()
    garbling: str | None = None  # 'mojibake' | 'lost'
    fullwidth_punctuation: bool = False
    zero_width: bool = False
    numbers: NumberStyle = NumberStyle()
    title: bool = True
    year_in_prose: bool = True
    opening: bool = True
    fused_dates: bool = False
    t3_subtotals: bool = False
    t4_one_line: bool = False
    old_table: OldTableStyle = OldTableStyle()
    states_processing_fee: bool = True
    form_footer: bool = False
    boilerplate: int | None = None  # which web-page boilerplate follows the report
    split_fraction: float | None = None  # html: where in the longest table a page break split it
    page_break_fraction: float | None = None  # pdf_text: where a page footer interrupts a table
    layout: LayoutOptions = LayoutOptions()
    crlf: bool = False

    def variants(self) -> list[str]:
        flags = {
            "traditional": self.script.traditional,
            "pinyin": self.script.pinyin,
            "mirror_vocabulary": self.script.mirror_vocabulary,
            "mojibake_labels": self.garbling == "mojibake",
            "lost_labels": self.garbling == "lost",
            "fullwidth_punctuation": self.fullwidth_punctuation,
            "invisible_chars": self.zero_width or bool(self.numbers.padding),
            "thousands_separators": self.numbers.thousands,
            "fullwidth_digits": self.numbers.fullwidth,
            "zero_marks": bool(self.numbers.zero_mark),
            "no_title": not self.title,
            "fused_dates": self.fused_dates,
            "t3_subtotals": self.t3_subtotals,
            "t4_one_line": self.t4_one_line,
            "units_next_line": self.old_table.units_next_line,
            "label_line_breaks": self.old_table.break_long_labels,
            "trailing_cells": self.layout.extra_trailing_cells > 0,
            "split_table": self.split_fraction is not None,
            "page_break": self.page_break_fraction is not None,
            "boilerplate": self.boilerplate is not None,
            "crlf": self.crlf,
        }
        return [name for name, on in flags.items() if on]


@dataclass(frozen=True)
class ReportSpec:
    template: str
    layout: str
    year: int
    agency: Agency
    values: Values  # every figure the report's tables print (or the prose could state)
    broken_rules: tuple[str, ...]
    style: Style
    encoding: str
    render_seed: int


@dataclass
class Composition:
    text: str
    values: Values  # the truth: what the text states, key → value
    variants: list[str] = field(default_factory=list)


def draw_spec(rng: random.Random, template: str, layout: str, broken_share: float) -> ReportSpec:
    year = rng.randint(*(PROSE_YEARS if layout == PROSE else YEARS[template]))
    agency = random_agency(rng, year)
    values = old_values(rng) if template == "old" else new_values(rng, template)
    broken: tuple[str, ...] = ()
    if layout != PROSE and rng.random() < broken_share:
        broken = tuple(break_one_identity(rng, template, values))
    traditional = rng.random() < 0.12
    encoding = _draw_encoding(rng, traditional)
    style = _draw_style(rng, template, layout, traditional, encoding)
    return ReportSpec(template, layout, year, agency, values, broken, style, encoding, rng.getrandbits(32))


def _draw_encoding(rng: random.Random, traditional: bool) -> str:
    if traditional and rng.random() < 0.35:
        return "big5"
    return rng.choices(("utf-8", "utf-8-sig", "gbk", "utf-16", "utf-16-le"), weights=(70, 5, 15, 6, 2))[0]


def _draw_style(rng: random.Random, template: str, layout: str, traditional: bool, encoding: str) -> Style:
    unicode_only = encoding.startswith("utf")
    script = Script(traditional, pinyin=traditional and encoding != "big5" and rng.random() < 0.5)
    garbling = None
    if encoding != "big5" and layout != PROSE and rng.random() < (0.3 if traditional else 0.06):
        garbling = rng.choice(("mojibake", "mojibake", "lost"))
    numbers = NumberStyle(
        thousands=rng.random() < 0.2,
        fullwidth=rng.random() < 0.08,
        zero_mark=script(rng.choice(ZERO_MARKS)) if rng.random() < 0.15 else None,
        plus_sign=rng.random() < 0.5,
        padding=rng.choice(("\u00a0", "\u3000", " ")) if unicode_only and rng.random() < 0.05 else "",
    )
    title = layout == PROSE or template != "old" or rng.random() < 0.7
    opening = title and rng.random() < 0.75
    page_mark = script(rng.choice(PAGE_MARKS).format(page=rng.randint(2, 5), pages=rng.randint(5, 8)))
    return Style(
        script=script,
        garbling=garbling,
        fullwidth_punctuation=rng.random() < 0.4,
        zero_width=unicode_only and rng.random() < 0.05,
        numbers=numbers,
        title=title,
        year_in_prose=title or rng.random() < 0.5,
        opening=opening,
        fused_dates=opening and rng.random() < 0.1,  # the statistics period is stated in the opening
        t3_subtotals=template != "old" and rng.random() < 0.12,
        t4_one_line=template != "old" and rng.random() < 0.15,
        old_table=OldTableStyle(
            header=rng.choice((("统计指标", "单位", "统计数"), ("统 计 指 标", "单位", "统计数"),
                               ("统计指标", "单位", "合计"))),
            section_mark=rng.choice(("——", "", "—")),
            units_next_line=template == "old" and rng.random() < 0.1,
            break_long_labels=template == "old" and rng.random() < 0.4,
        ),
        states_processing_fee=rng.random() < 0.75,
        form_footer=rng.random() < 0.4,
        boilerplate=rng.randrange(len(prose.BOILERPLATE)) if rng.random() < 0.15 else None,
        split_fraction=rng.uniform(0.3, 0.8) if layout == HTML and rng.random() < 0.4 else None,
        page_break_fraction=rng.uniform(0.2, 0.8) if layout == PDF_TEXT and rng.random() < 0.7 else None,
        layout=LayoutOptions(
            extra_trailing_cells=int(layout == PIPE_ROWS and rng.random() < 0.5),
            charset={"gbk": rng.choice(("gbk", "gb2312")), "big5": "big5"}.get(encoding, encoding.removesuffix("-sig")),
            wrap=rng.randint(30, 42),
            label_wrap=rng.randint(12, 20),
            page_mark=page_mark,
        ),
        crlf=rng.random() < 0.1,
    )


def mirror(spec: ReportSpec) -> ReportSpec:
    """The same report re-published by a mirror site in traditional characters and its vocabulary."""
    mirrored = replace(spec, style=replace(spec.style, script=Script(traditional=True, mirror_vocabulary=True)))
    return in_encoding(mirrored, "utf-8")


def in_encoding(spec: ReportSpec, encoding: str) -> ReportSpec:
    """The report saved in another encoding, its HTML declaring the new one."""
    layout = replace(spec.style.layout, charset=encoding)
    return replace(spec, encoding=encoding, style=replace(spec.style, layout=layout))


def compose(spec: ReportSpec, cut_fraction: float | None = None) -> Composition:
    """The report's text and truth; `cut_fraction` cuts the longest table there and drops the rest,
    as a scrape that stopped mid-table does (the truth keeps what is left)."""
    rng = random.Random(spec.render_seed)
    style = spec.style
    write = _Writer(spec, rng)
    label = Labeler(random.Random(spec.render_seed + 1), style.script, style.fullwidth_punctuation,
                    style.garbling, GARBLED_LABEL_SHARE, style.zero_width)
    if spec.layout == PROSE:
        blocks, truth = _old_prose_report(spec, write, rng)
    elif spec.template == "old":
        blocks, truth = _old_table_report(spec, write, label, rng)
    else:
        blocks, truth = _new_table_report(spec, write, label, rng)
    if cut_fraction is not None:
        blocks, truth = _cut(blocks, truth, cut_fraction)
    layout = replace(style.layout, page_title=write.script("政务公开"))
    longest = max((b.table for b in blocks if isinstance(b, TableBlock)), key=lambda t: len(t.rows), default=None)
    if longest is not None:
        if style.split_fraction is not None:
            layout = replace(layout, split_row=_body_row(longest, style.split_fraction))
        if style.page_break_fraction is not None:
            title = next((b.text for b in blocks if isinstance(b, Title)), "")
            layout = replace(layout, page_break_row=_body_row(longest, style.page_break_fraction),
                             page_header=title if rng.random() < 0.5 else "")
    text = render(spec.layout, blocks, layout)
    if style.crlf:
        text = text.replace("\n", "\r\n")
    return Composition(text, truth, style.variants())


def _body_row(table: Table, fraction: float) -> int:
    first_body = next(i for i, row in enumerate(table.rows) if row.keys)
    return first_body + max(1, int((len(table.rows) - first_body) * fraction)) - 1


class _Writer:
    """Fills prose templates in the report's script: templates convert once (cached), slots apart."""

    def __init__(self, spec: ReportSpec, rng: random.Random):
        self.script = spec.style.script
        self.rng = rng
        year_word = str(spec.year) if spec.style.year_in_prose else "本"
        next_year_word = str(spec.year + 1) if spec.style.year_in_prose else "明"
        period = prose.FUSED_PERIOD if spec.style.fused_dates else prose.PERIOD
        contents = prose.OLD_CONTENTS if spec.template == "old" else prose.NEW_CONTENTS
        self.slots = {
            "agency": self.script(spec.agency.name),
            "self": self.script(spec.agency.self_reference),
            "year": year_word,
            "next_year": next_year_word,
            "period": period.format(year=spec.year),
            "contents": self.script(contents),
        }

    def __call__(self, template: str) -> str:
        return self.script(template).format(**self.slots)

    def paragraphs(self, templates: list[str]) -> list[Block]:
        return [Paragraph(self(t)) for t in templates]


def _title(spec: ReportSpec, write: _Writer) -> list[Block]:
    if not spec.style.title:
        return []
    return [Title(write.script(f"{spec.agency.name}{spec.year}年政府信息公开工作年度报告"))]


def _opening(spec: ReportSpec, write: _Writer) -> list[Block]:
    return [Paragraph(write(prose.OPENING))] if spec.style.opening else []


def _ending(spec: ReportSpec, write: _Writer) -> list[Block]:
    if spec.style.boilerplate is None:
        return []
    return [Lines([write.script(line) for line in prose.BOILERPLATE[spec.style.boilerplate]])]


def _old_table_report(spec: ReportSpec, write: _Writer, label: Labeler,
                      rng: random.Random) -> tuple[list[Block], Values]:
    v = spec.values
    headings = prose.OLD_HEADINGS
    blocks = _title(spec, write) + _opening(spec, write)
    blocks += write.paragraphs([headings[0]] + prose.filler(rng, rng.randint(5, 9)))
    blocks += write.paragraphs([headings[1], f"{{year}}年度,{{self}}全年主动公开政府信息{v['proactive.total']}条。"])
    blocks += write.paragraphs([headings[2], prose.applications_sentence(rng, v["apps.received"])])
    blocks += write.paragraphs([headings[3], "{year}年,{self}未收取任何政府信息公开费用。"
                                if not v["fees.amount_10k_yuan"] else "{year}年,{self}依规定收取了少量检索、复制费用。"])
    blocks += write.paragraphs([headings[4], prose.review_sentence(rng, v["review.total"], v["litigation.total"])])
    blocks += write.paragraphs([headings[5]] + rng.sample(prose.CLOSING, rng.randint(2, 4)))
    heading = [write.script("政府信息公开情况统计表")]
    if not spec.style.title or rng.random() < 0.5:
        heading.append(f"({spec.year}年度)" if rng.random() < 0.6 else f"（{spec.year}年度）")
    if not spec.style.title or rng.random() < 0.5:
        heading.append(write.script(f"填报单位(盖章):{spec.agency.name}"))
    blocks.append(Lines(heading))
    blocks.append(TableBlock(old_table(v, label, spec.style.numbers, spec.style.old_table)))
    if spec.style.form_footer:
        people = [random_person(rng) for _ in range(3)]
        blocks.append(Lines([
            write.script(f"单位负责人:{people[0]} 审核人:{people[1]} 填报人:{people[2]}"),
            write.script(f"联系电话:0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)} "
                         f"填报日期:{spec.year + 1}-1-{rng.randint(5, 31)}"),
        ]))
    return blocks + _ending(spec, write), dict(v)


def _new_table_report(spec: ReportSpec, write: _Writer, label: Labeler,
                      rng: random.Random) -> tuple[list[Block], Values]:
    v = spec.values
    style = spec.style
    headings = prose.NEW_HEADINGS
    blocks = _title(spec, write) + _opening(spec, write)
    filler = prose.filler(rng, rng.randint(5, 9))
    blocks += write.paragraphs([headings[0]] + filler[:-1])
    blocks += write.paragraphs([prose.applications_sentence(rng, v["t3.new_received.total"]), filler[-1]])
    blocks += write.paragraphs([headings[1]])
    blocks.append(TableBlock(t2_table(spec.template, v, label, style.numbers)))
    blocks += write.paragraphs([headings[2]])
    blocks.append(TableBlock(t3_table(spec.template, v, label, style.numbers, style.t3_subtotals)))
    blocks += write.paragraphs([headings[3]])
    if style.t4_one_line:
        blocks.append(Lines(t4_one_line(v, label, style.numbers, rng.choice((" ", "  ", "\t")))))
    else:
        blocks.append(TableBlock(t4_table(v, label, style.numbers)))
    blocks += write.paragraphs([headings[4]] + rng.sample(prose.CLOSING, rng.randint(2, 4)) + [headings[5]])
    truth = dict(v)
    if style.states_processing_fee:
        blocks += write.paragraphs([prose.processing_fee_sentence(rng, v["s6.processing_fees_yuan"])])
    else:
        truth.pop("s6.processing_fees_yuan")
        blocks += write.paragraphs([rng.choice(("无。", "{self}无其他需要报告的事项。"))])
    return blocks + _ending(spec, write), truth


def _old_prose_report(spec: ReportSpec, write: _Writer, rng: random.Random) -> tuple[list[Block], Values]:
    statements = prose.old_prose_statements(rng, spec.values)
    headings = prose.OLD_HEADINGS
    blocks = _title(spec, write) + _opening(spec, write)
    filler = prose.filler(rng, rng.randint(7, 10))
    blocks += write.paragraphs([headings[0]] + filler[:-1])
    truth: dict[str, Number | None] = {}
    for section in range(1, 5):
        blocks += write.paragraphs([headings[section]])
        for where, sentence, stated in statements:
            if where == section:
                blocks += write.paragraphs([sentence])
                truth.update(stated)
        if section == 1:
            blocks += write.paragraphs(filler[-1:])
    blocks += write.paragraphs([headings[5]] + rng.sample(prose.CLOSING, rng.randint(2, 4)))
    order = keys_for("old")
    return blocks + _ending(spec, write), {k: truth[k] for k in order if k in truth}


def _cut(blocks: list[Block], truth: Values, fraction: float) -> tuple[list[Block], Values]:
    tables = [i for i, b in enumerate(blocks) if isinstance(b, TableBlock)]
    at = max(tables, key=lambda i: len(blocks[i].table.rows))  # type: ignore[union-attr]
    table = blocks[at].table  # type: ignore[union-attr]
    kept_rows = table.rows[:_body_row(table, fraction) + 1]
    kept = blocks[:at] + [TableBlock(Table(kept_rows, table.width))]
    printed = {key for b in kept if isinstance(b, TableBlock) for key in b.table.keys}
    return kept, {k: value for k, value in truth.items() if k in printed}
