"""The new tables 表二/表三/表四 and section 六's fees: exact values for every layout and both templates.

Fixture numbers are non-zero and identity-consistent: t3_values builds a whole 表三 from the
per-outcome counts of each applicant, deriving every total, so a shifted column or a misread row
shows up as a wrong value, never as a silently consistent one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.metrics import (APPLICANT_COLUMNS, T3_COLUMNS, T4_BLOCKS, T4_OUTCOMES, metrics_for,
                                      t3_outcome_rows)
from orchestration.lib.parsing import parse_report
from orchestration.lib.parsing.model import SOURCE_PROSE, SOURCE_SPLIT_BY_IDENTITY, SOURCE_TABLE
from orchestration.lib.parsing.new_tables_layout import line_cells, simple_row
from orchestration.lib.parsing.new_template import detect_new_template, parse_new_tables
from orchestration.lib.parsing.text import load_document

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "new"


# ---------------------------------------------------------------- the numbers printed in the fixtures


def t3_values(template: str, new_received, carried_over, outcomes: dict[str, list[int]]) -> dict[str, int]:
    """表三 keys → values from the six applicant counts of new_received, carried_over and each
    outcome row (missing outcomes are all zero); totals, (七)总计 and 结转下年度 are derived."""
    rows = {"new_received": list(new_received), "carried_over": list(carried_over)}
    outcome_rows = t3_outcome_rows(template)
    unknown = set(outcomes) - set(outcome_rows)
    assert not unknown, unknown
    for row in outcome_rows:
        rows[row] = list(outcomes.get(row, [0] * 6))
    processed = [sum(rows[r][i] for r in outcome_rows) for i in range(6)]
    rows["processed_total"] = processed
    rows["carried_forward"] = [new_received[i] + carried_over[i] - processed[i] for i in range(6)]
    assert min(rows["carried_forward"]) >= 0, rows["carried_forward"]
    values = {}
    for row, counts in rows.items():
        assert len(counts) == len(APPLICANT_COLUMNS)
        for column, value in zip(T3_COLUMNS, counts + [sum(counts)]):
            values[f"t3.{row}.{column}"] = value
    return values


def t4_values(review, direct, after_review) -> dict[str, int]:
    """表四 from the four outcome counts of each block; 总计 derived."""
    values = {}
    for block, counts in zip(T4_BLOCKS, (review, direct, after_review)):
        for outcome, value in zip(T4_OUTCOMES, list(counts) + [sum(counts)]):
            values[f"t4.{block}.{outcome}"] = value
    return values


OUTCOMES_2021 = {
    "granted": [12, 2, 0, 0, 1, 0],
    "partial": [3, 1, 0, 0, 0, 0],
    "denied.state_secret": [1, 0, 0, 0, 0, 0],
    "denied.third_party": [2, 0, 0, 0, 0, 0],
    "denied.internal_affairs": [1, 0, 0, 0, 0, 0],
    "denied.process_info": [0, 1, 0, 0, 0, 0],
    "denied.enforcement_file": [1, 0, 0, 0, 0, 0],
    "unable.not_held": [6, 1, 1, 0, 0, 0],
    "unable.needs_creation": [1, 0, 0, 0, 0, 0],
    "unable.unclear": [1, 0, 0, 0, 0, 0],
    "not_processed.petition": [1, 0, 0, 0, 0, 0],
    "not_processed.duplicate": [1, 0, 0, 0, 0, 1],
    "not_processed.mass_repeat": [4, 0, 0, 0, 0, 0],
    "other.no_amend": [1, 0, 0, 0, 0, 0],
    "other.no_fee": [2, 0, 0, 0, 0, 0],
    "other.other": [0, 0, 0, 0, 1, 0],
}
T3_2021 = t3_values("new2021", [38, 5, 1, 0, 2, 1], [2, 1, 0, 0, 0, 0], OUTCOMES_2021)

OUTCOMES_2019 = {
    "granted": [1203, 41, 2, 1, 9, 3],
    "partial": [56, 7, 0, 0, 1, 0],
    "denied.state_secret": [2, 0, 0, 0, 0, 0],
    "denied.law_forbidden": [3, 1, 0, 0, 0, 0],
    "denied.safety_stability": [1, 0, 0, 0, 0, 0],
    "denied.third_party": [11, 2, 0, 0, 0, 0],
    "denied.internal_affairs": [4, 0, 0, 0, 0, 0],
    "denied.process_info": [6, 1, 0, 0, 0, 0],
    "denied.enforcement_file": [2, 0, 0, 0, 0, 0],
    "denied.admin_query": [5, 0, 0, 0, 0, 0],
    "unable.not_held": [88, 6, 1, 0, 2, 1],
    "unable.needs_creation": [9, 1, 0, 0, 0, 0],
    "unable.unclear": [7, 0, 0, 0, 0, 0],
    "not_processed.petition": [13, 0, 0, 0, 0, 0],
    "not_processed.duplicate": [21, 2, 0, 0, 0, 0],
    "not_processed.publication": [1, 0, 0, 0, 0, 0],
    "not_processed.mass_repeat": [30, 0, 0, 0, 0, 0],
    "not_processed.confirm_reissue": [3, 0, 0, 0, 0, 0],
    "other": [17, 2, 0, 1, 0, 0],
}
T3_2019 = t3_values("new2019", [1467, 63, 3, 2, 12, 4], [25, 2, 0, 0, 0, 0], OUTCOMES_2019)

T2_2021 = {
    "t2.rules.made": 1, "t2.rules.repealed": 0, "t2.rules.in_force": 5,
    "t2.normative.made": 12, "t2.normative.repealed": 3, "t2.normative.in_force": 48,
    "t2.permits.decisions": 356, "t2.penalties.decisions": 27, "t2.coercion.decisions": 4,
    "t2.admin_fees.amount_10k_yuan": 12.5,
}
T2_2019 = {
    "t2.rules.new_made": 0, "t2.rules.new_published": 0, "t2.rules.total_published": 3,
    "t2.normative.new_made": 8, "t2.normative.new_published": 7, "t2.normative.total_published": 41,
    "t2.permits.prev_year_items": 45, "t2.permits.change": 1036, "t2.permits.decisions": 2210,
    "t2.other_services.prev_year_items": 12, "t2.other_services.change": -2, "t2.other_services.decisions": 88,
    "t2.penalties.prev_year_items": 130, "t2.penalties.change": 0, "t2.penalties.decisions": 57,
    "t2.coercion.prev_year_items": 20, "t2.coercion.change": -8, "t2.coercion.decisions": 6,
    "t2.admin_fees.prev_year_items": 5, "t2.admin_fees.change": 0,
    "t2.procurement.items": 17, "t2.procurement.amount": 2345.6,
}
T4_2021 = t4_values([2, 1, 0, 1], [1, 0, 1, 0], [0, 0, 0, 1])
T4_2019 = t4_values([5, 2, 1, 0], [3, 1, 0, 2], [2, 0, 1, 1])
S6_FEES = {  # s6.processing_fees_yuan stated in each fixture's section 六
    "pipe_2021.txt": 120,
    "pipe_2019.txt": 0,
    "html_2021.html": 600,
    "html_2021.flat.txt": 600,
    "markdown_2019.md": 1200,
    "pdf_2021.txt": 0,
    "subtotal_2021.txt": 35.5,
    "fused_unique_2021.txt": 0,
    "fused_ambiguous_2021.txt": 0,
    "cell_per_line_2019.txt": 0,
    "garbled_2021.txt": 120,
}
ALL_2021 = {**T2_2021, **T3_2021, **T4_2021}
ALL_2019 = {**T2_2019, **T3_2019, **T4_2019}


def expected(name: str, tables: dict, **changes) -> dict:
    return {**tables, "s6.processing_fees_yuan": S6_FEES[name], **changes}


def fixture_lines(name: str) -> list[str]:
    return load_document((FIXTURES / name).read_bytes()).lines


def parse(lines: list[str]):
    template, why = detect_new_template(lines)
    assert template, why
    return template, why, parse_new_tables(lines, template)


def issue_codes(extraction) -> list[str]:
    return [issue.code for issue in extraction.issues]


def assert_provenance(lines: list[str], extraction, keys) -> None:
    """Every value points at the line it was read from, and that line is in the quoted text."""
    for key in keys:
        p = extraction.provenance[key]
        assert 1 <= p.line <= len(lines), key
        assert lines[p.line - 1].strip() in p.text, (key, p)


# ---------------------------------------------------------------- seed 001


def test_seed_001_every_new2021_value_is_zero():
    (path,) = ROOT.glob("raw/001_*.txt")
    lines = load_document(path.read_bytes()).lines
    template, why, extraction = parse(lines)
    assert template == "new2021"
    assert "本年制发" in why and "不补正" in why
    assert extraction.values == dict.fromkeys(metrics_for("new2021"), 0)
    assert extraction.issues == []
    assert_provenance(lines, extraction, extraction.values)
    # truncated 表四 header labels (`结果 | 结果 | 其他 | 尚未 | 总计`): read by position
    assert extraction.provenance["t4.litigation_after_review.total"].line == 56
    fees = extraction.provenance["s6.processing_fees_yuan"]
    assert (fees.source, fees.line, fees.text) == (SOURCE_PROSE, 60, "2021年,共收取政府信息公开处理费0元。")


def test_seed_001_through_parse_report():
    (path,) = ROOT.glob("raw/001_*.txt")
    report = parse_report(path.read_bytes(), path.name)
    assert report.template == "new2021"
    assert report.values == dict.fromkeys(metrics_for("new2021"), 0)
    assert not [i for i in report.issues if i.code == "identity_violation"]


# ---------------------------------------------------------------- every layout, both templates

LAYOUTS = [
    # fixture, template, tables printed, issue codes expected
    ("pipe_2021.txt", "new2021", ALL_2021, []),
    ("pipe_2019.txt", "new2019", ALL_2019, []),  # a 2020 report on the 2019 template
    ("html_2021.html", "new2021", ALL_2021, []),  # rowspan/colspan, &nbsp;, 表三 split over two <table>s
    ("html_2021.flat.txt", "new2021", ALL_2021, []),  # the same as text.py flattens it
    ("markdown_2019.md", "new2019", ALL_2019, ["unmapped_row"]),  # a local 其中 row
    ("pdf_2021.txt", "new2021", ALL_2021, []),  # labels apart from numbers, page furniture, no header rows
    ("subtotal_2021.txt", "new2021", ALL_2021, []),  # 8 columns (小计) and 4 subtotal rows
    ("cell_per_line_2019.txt", "new2019", ALL_2019, []),  # every cell on its own line, `|` between
    ("garbled_2021.txt", "new2021", ALL_2021, []),  # lost and mojibake labels, placed by row order
]
HTML_BLANK_CELL = "t3.denied.law_forbidden.social_org"  # printed as &nbsp;: not reported


@pytest.mark.parametrize("name, template, tables, codes", LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_layout_reads_every_value_exactly(name, template, tables, codes):
    lines = fixture_lines(name)
    found, why, extraction = parse(lines)
    assert found == template, why
    want = expected(name, tables)
    if name.startswith("html_"):
        want[HTML_BLANK_CELL] = None
    assert extraction.values == want
    assert set(want) == set(metrics_for(template))
    assert issue_codes(extraction) == codes
    assert_provenance(lines, extraction, want)
    sources = {k: p.source for k, p in extraction.provenance.items()}
    assert sources == {k: SOURCE_PROSE if k.startswith("s6.") else SOURCE_TABLE for k in want}


def test_signed_changes_and_amounts_of_2019_table_two():
    extraction = parse(fixture_lines("pipe_2019.txt"))[2]
    assert extraction.values["t2.permits.change"] == 1036  # printed +1036
    assert extraction.values["t2.coercion.change"] == -8
    assert extraction.values["t2.permits.decisions"] == 2210  # printed 2,210
    assert extraction.values["t2.procurement.amount"] == 2345.6
    note = extraction.provenance["t2.permits.change"].note
    assert note == "表二 permits: columns 上一年项目数量|本年增/减|处理决定数量"


def test_2019_columns_are_never_read_as_2021_keys():
    lines = fixture_lines("pipe_2021.txt")
    at = lines.index("信息内容 | 本年处理决定数量 | ||")
    lines[at], lines[at + 1] = "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |", "行政许可 | 40 | +3 | 356 |"
    template, why, extraction = parse(lines)
    assert template == "new2021" and "表三 (六)其他处理 split" in why  # 表二 mixes both, 表三 decides
    assert extraction.values == expected("pipe_2021.txt", ALL_2021)
    (issue,) = extraction.issues
    assert issue.code == "unmapped_column" and "上一年项目数量, 本年增/减 are not new2021 columns" in issue.message


def test_local_extra_row_is_reported_not_dropped_silently():
    extraction = parse(fixture_lines("markdown_2019.md"))[2]
    (issue,) = extraction.issues
    assert issue.code == "unmapped_row" and "其中:通过互联网申请" in issue.message


def test_label_on_another_line_is_in_the_provenance():
    lines = fixture_lines("pdf_2021.txt")
    extraction = parse(lines)[2]
    p = extraction.provenance["t3.not_processed.confirm_reissue.total"]
    assert p.text == "5.要求行政机关确认或重新出具已获取\n信息\n0 0 0 0 0 0 0"
    assert lines[p.line - 1] == "0 0 0 0 0 0 0" and "label on line 49" in p.note
    # the rows around a page break (`第 3 页 共 5 页` and the repeated title) are intact
    assert extraction.provenance["t3.denied.enforcement_file.total"].text == "7.属于行政执法案卷 1 0 0 0 0 0 1"


def test_subtotal_column_and_rows_do_not_shift_columns():
    extraction = parse(fixture_lines("subtotal_2021.txt"))[2]
    note = extraction.provenance["t3.granted.total"].note
    assert "小计(not stored)" in note and "placed by header" in note


def test_subtotal_column_without_header_is_placed_by_the_rows_sums():
    lines = [line for line in fixture_lines("subtotal_2021.txt") if "小计" not in line]
    extraction = parse(lines)[2]
    assert extraction.values == expected("subtotal_2021.txt", ALL_2021)
    assert "placed by the rows' sums" in extraction.provenance["t3.partial.commercial"].note


def test_subtotal_row_that_disagrees_with_its_rows_is_reported():
    lines = [line.replace("(四)无法提供 | 8 | 1 | 1 |", "(四)无法提供 | 9 | 1 | 1 |")
             for line in fixture_lines("subtotal_2021.txt")]
    extraction = parse(lines)[2]
    assert extraction.values == expected("subtotal_2021.txt", ALL_2021)
    (issue,) = extraction.issues
    assert issue.code == "subtotal_mismatch" and "9 but its rows sum to 8" in issue.message


def test_unreadable_labels_are_placed_by_row_order_and_say_so():
    extraction = parse(fixture_lines("garbled_2021.txt"))[2]
    placed = {k.rsplit(".", 1)[0] for k, p in extraction.provenance.items()
              if "placed by the template's row order" in p.note}
    assert placed == {"t3.new_received", "t3.denied.third_party", "t3.denied.internal_affairs", "t3.other.other",
                      "t2.rules", "t2.coercion"}
    # the column header (自然人 … 总计) above the first row is no row label: 总计 is not (七)总计
    assert extraction.provenance["t3.processed_total.total"].text.startswith("(七)总计")


def test_order_placement_that_breaks_the_identities_is_not_read():
    lines = [line.replace("?????????? | 2 | 0 |", "?????????? | 3 | 0 |")
             for line in fixture_lines("garbled_2021.txt")]
    extraction = parse(lines)[2]
    assert not [k for k in extraction.values if k.startswith(("t3.new_received.", "t3.denied.third_party."))]
    (issue, *_) = [i for i in extraction.issues if i.key == "t3.denied.third_party"]
    assert issue.code == "unmapped_row" and "would break new2021.t3_outcomes.natural_person" in issue.message


def test_lost_subtotal_rows_take_their_slot_in_the_row_order():
    # 小计 after each group, its label lost like the group's last row: the run of two unreadable
    # rows fits the slots row + 小计; the 小计 is checked against its rows, never stored.
    lines = fixture_lines("subtotal_2021.txt")
    last_rows = {"(三)不予公开": "8.属于行政查询事项", "(四)无法提供": "3.补正后申请内容仍不明确",
                 "(五)不予处理": "5.要求行政机关确认或重新出具已获取信息", "(六)其他处理": "3.其他"}
    for group, last in last_rows.items():
        (subtotal,) = [line for line in lines if line.startswith(group + " |")]
        lines.remove(subtotal)
        at = next(i for i, line in enumerate(lines) if line.startswith(last + " |"))
        lines[at] = lines[at].replace(last, "?" * len(last))
        lines.insert(at + 1, subtotal.replace(group, "??"))
    extraction = parse(lines)[2]
    assert extraction.values == expected("subtotal_2021.txt", ALL_2021)
    assert not extraction.issues
    placed = {k.rsplit(".", 1)[0] for k, p in extraction.provenance.items()
              if "placed by the template's row order" in p.note}
    assert placed == {"t3.denied.admin_query", "t3.unable.unclear", "t3.not_processed.confirm_reissue",
                      "t3.other.other"}
    # a lost 小计 that disagrees with its rows is reported
    at = lines.index("?? | 8 | 1 | 1 | 0 | 0 | 0 | 2 | 10 |")
    lines[at] = "?? | 9 | 1 | 1 | 0 | 0 | 0 | 2 | 11 |"
    issues = parse(lines)[2].issues
    assert [(i.code, i.key) for i in issues] == [("subtotal_mismatch", "t3.unable")] * 2
    assert "9 but its rows sum to 8" in issues[0].message


def test_group_label_subtotals_before_their_rows_leave_the_order_to_the_rows():
    lines = [line.replace("1.属于国家秘密 |", "??????? |").replace("1.本机关不掌握相关政府信息 |", "????????? |")
             for line in fixture_lines("subtotal_2021.txt")]
    extraction = parse(lines)[2]
    assert extraction.values == expected("subtotal_2021.txt", ALL_2021)
    assert not extraction.issues


def test_a_bare_page_number_between_blank_lines_is_no_row():
    lines = fixture_lines("pdf_2021.txt")
    at = lines.index("第 3 页 共 5 页")
    lines[at:at + 1] = ["", "3", ""]  # pdftotext's footer: the page number alone
    at = lines.index("7.属于行政执法案卷 1 0 0 0 0 0 1")
    lines[at:at + 1] = ["?????????", "1 0 0 0 0 0 1"]
    extraction = parse(lines)[2]
    assert extraction.values == expected("pdf_2021.txt", ALL_2021)
    assert not extraction.issues
    assert "row order" in extraction.provenance["t3.denied.enforcement_file.total"].note


def test_mirror_vocabulary_normative_documents_row():
    # 規範性檔案 of a converter mirror, on a page that does not give the mirror away by 資訊
    lines = [line.replace("行政规范性文件", "行政规范性档案") for line in fixture_lines("pipe_2021.txt")]
    assert parse(lines)[2].values == expected("pipe_2021.txt", ALL_2021)


def test_readable_local_row_is_not_placed_by_order():
    lines = fixture_lines("pipe_2021.txt")
    at = lines.index("4.保护第三方合法权益 | 2 | 0 | 0 | 0 | 0 | 0 | 2 | ||")
    lines[at] = "其中:涉及个人隐私 | 2 | 0 | 0 | 0 | 0 | 0 | 2 | ||"
    extraction = parse(lines)[2]
    assert "t3.denied.third_party.total" not in extraction.values
    assert issue_codes(extraction) == ["unmapped_row", "row_not_found"]


def test_eight_columns_all_zero_without_header():
    zero_row = " | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    lines = ["三、收到和处理政府信息公开申请情况", *(f"{label}{zero_row}" for label in (
        "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "(一)予以公开", "(七)总计", "四、结转下年度继续办理"))]
    extraction = parse_new_tables(lines, "new2021")
    assert extraction.values["t3.granted.other_org"] == 0 and extraction.values["t3.granted.total"] == 0
    assert "either 小计 placement reads alike" in extraction.provenance["t3.granted.total"].note


@pytest.mark.parametrize("values_line, read", [
    ("- 3 -", {"t2.rules.made": 0, "t2.rules.repealed": 3, "t2.rules.in_force": 0}),  # zero marks, not a page
    ("69 / 156", {"t2.rules.made": 69, "t2.rules.repealed": 0, "t2.rules.in_force": 156}),  # not page 69 of 156
])
def test_row_values_that_look_like_page_numbers(values_line, read):
    lines = ["第二十条第(一)项", "信息内容 本年制发件数 本年废止件数 现行有效件数", "规章", values_line,
             "— 2 —", "第 2 页 共 5 页", "3/5", "行政规范性文件 1 2 3"]
    extraction = parse_new_tables(lines, "new2021")
    assert {k: v for k, v in extraction.values.items() if k.startswith("t2.rules.")} == read
    assert extraction.values["t2.normative.in_force"] == 3


def test_mojibake_full_stop_does_not_end_the_table():
    lines = fixture_lines("pdf_2021.txt")
    at = lines.index("(二)部分公开(区分处理的,只计这一情形,")
    lines[at] = "?。ǘ?)部分公开(区分处理的,只计这一情形,"
    assert parse(lines)[2].values == expected("pdf_2021.txt", ALL_2021)


# ---------------------------------------------------------------- cells run together


def test_fused_cells_split_only_where_identities_make_it_unique():
    lines = fixture_lines("fused_unique_2021.txt")
    extraction = parse(lines)[2]
    assert extraction.values == expected("fused_unique_2021.txt", ALL_2021)
    assert extraction.issues == []
    split = {k for k, p in extraction.provenance.items() if p.source == SOURCE_SPLIT_BY_IDENTITY}
    assert split == {k for k in ALL_2021 if k.startswith(("t3.new_received.", "t3.granted.", "t4."))}
    # 1220010 15 also reads as 1|2|2|0|0|10|15 by its own row; the column sums rule that out
    note = extraction.provenance["t3.granted.natural_person"].note
    assert "split as 12|2|0|0|1|0|15" in note and "new2021.t3_outcomes.other_org" in note
    assert "split as 2|1|0|1|4|1|0|1|0|2|0|0|0|1|1" in extraction.provenance["t4.review.total"].note
    assert_provenance(lines, extraction, split)


def test_fused_cells_without_a_unique_split_are_left_unread():
    extraction = parse(fixture_lines("fused_ambiguous_2021.txt"))[2]
    unread = ("t3.carried_over.", "t3.granted.", "t3.processed_total.", "t4.")
    want = {k: v for k, v in expected("fused_ambiguous_2021.txt", ALL_2021).items() if not k.startswith(unread)}
    assert extraction.values == want
    issues = {i.key: i for i in extraction.issues}
    assert set(issues) == {"t3.carried_over", "t3.granted", "t3.processed_total", "t4"}
    assert {i.code for i in issues.values()} == {"ambiguous_split"}
    assert "(1200120)" in issues["t3.carried_over"].message  # seven digits, and no reading adds up
    assert "2 splits satisfy the identities" in issues["t3.granted"].message
    assert "no split satisfies" in issues["t4"].message


# ---------------------------------------------------------------- broken identities


def test_broken_identities_are_kept_as_printed_and_reported():
    report = parse_report((FIXTURES / "broken_identities_2019.txt").read_bytes(), "broken_identities_2019.txt")
    assert report.template == "new2019"
    assert report.values == expected("pipe_2019.txt", ALL_2019, **{
        "t3.granted.total": 1260, "t3.carried_forward.natural_person": 11, "t4.review.total": 9})
    violations = {i.key: i.message for i in report.issues if i.code == "identity_violation"}
    assert "t3.granted.total = 1260, expected = " in violations["new2019.t3_row_total.granted"]
    assert violations["new2019.t3_row_total.granted"].endswith("= 1259")
    assert violations["new2019.t4_total.review"].endswith(
        "t4.review.total = 9, expected = "
        "t4.review.upheld + t4.review.corrected + t4.review.other + t4.review.pending = 8")
    assert violations["new2019.t3_balance.natural_person"].endswith(
        "t3.new_received.natural_person + t3.carried_over.natural_person = 1492, expected = "
        "t3.processed_total.natural_person + t3.carried_forward.natural_person = 1493")
    assert set(violations) == {"new2019.t3_row_total.granted", "new2019.t3_outcomes.total", "new2019.t4_total.review",
                               "new2019.t3_balance.natural_person", "new2019.t3_row_total.carried_forward"}


# ---------------------------------------------------------------- through the whole parser


@pytest.mark.parametrize("name, template, agency, year", [
    ("pipe_2021.txt", "new2021", "临海市交通运输局", 2021),
    ("pipe_2019.txt", "new2019", "杭州市市场监督管理局", 2020),
    ("html_2021.html", "new2021", "嘉兴市南湖区卫生健康局", 2021),
    ("pdf_2021.txt", "new2021", "湖州市吴兴区自然资源和规划局", 2021),
])
def test_parse_report(name, template, agency, year):
    report = parse_report((FIXTURES / name).read_bytes(), name)
    assert (report.template, report.agency, report.year) == (template, agency, year)
    assert not [i for i in report.issues if i.code == "identity_violation"]
    assert len(report.values) == len(metrics_for(template))


# ---------------------------------------------------------------- template detection


def test_template_is_decided_by_the_tables_not_the_year():
    lines = fixture_lines("pipe_2019.txt")  # a 2020 report
    assert detect_new_template(lines) == ("new2019", "表二 column 本年新制作; 表三 (六)其他处理 is one row")
    without_table_two = [line for line in lines if "|" not in line or "二十条" not in line and "信息内容" not in line]
    assert detect_new_template(without_table_two)[0] == "new2019"


def test_no_new_table_and_undecidable_template():
    (old,) = ROOT.glob("raw/003_*.txt")
    assert detect_new_template(load_document(old.read_bytes()).lines) == (None, "no new-format table found")
    bare = ["一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"]
    template, why = detect_new_template(bare)
    assert template is None and "neither" in why


def test_prose_mentions_are_no_evidence():
    lines = ["2021年本年制发规范性文件3件。", *fixture_lines("pipe_2019.txt")]
    assert detect_new_template(lines)[0] == "new2019"


# ---------------------------------------------------------------- 表四 and fees in isolation


def t4_lines(*data: str) -> list[str]:
    return ["二、主动公开政府信息情况", "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "四、政府信息公开行政复议、行政诉讼情况", *data, "五、存在的主要问题及改进情况"]


@pytest.mark.parametrize("data", [
    ["行政复议行政诉讼 2 1 0 1 4 1 0 1 0 2 0 0 0 1 1"],
    ["行政复议行政诉讼", "2 1 0 1 4 1 0 1 0 2", "0 0 0 1 1"],
    ["行政复议 | 2 | 1 | 0 | 1 | 4 |", "未经复议直接起诉 | 1 | 0 | 1 | 0 | 2 |", "复议后起诉 | 0 | 0 | 0 | 1 | 1 |"],
], ids=["one line with its label", "wrapped", "one row per block"])
def test_table_four_layouts(data):
    extraction = parse_new_tables(t4_lines(*data), "new2021")
    assert {k: v for k, v in extraction.values.items() if k.startswith("t4.")} == T4_2021


def test_table_four_with_a_missing_cell_is_not_read():
    extraction = parse_new_tables(t4_lines("2 1 0 1 4 1 0 1 0 2 0 0 1 1"), "new2021")
    assert not [k for k in extraction.values if k.startswith("t4.")]
    assert "ambiguous_split" in issue_codes(extraction)


@pytest.mark.parametrize("sentence, fee", [
    ("2021年,共收取政府信息公开处理费0元。", 0),
    ("本机关2021年度收取信息处理费0.06万元。", 600),
    ("全年收取信息公开处理费共计1,200元。", 1200),
    ("本年度未收取政府信息公开处理费。", 0),
    ("本年度共收取了35.5元信息处理费。", 35.5),
    ("收取信息处理费0.07万元。", 700),  # not 700.0000000000001
    ("收取信息处理费1,234.5元,信息处理费标准为每件100元。", 1234.5),  # a rate is no amount collected
])
def test_processing_fees(sentence, fee):
    extraction = parse_new_tables(["六、其他需要报告的事项", sentence], "new2021")
    assert extraction.values["s6.processing_fees_yuan"] == fee
    assert extraction.provenance["s6.processing_fees_yuan"].source == SOURCE_PROSE


@pytest.mark.parametrize("sentence, code", [
    ("本年度收取信息处理费约200元。", "approximate_value"),
    ("收取信息处理费100元,另收取信息处理费200元。", "conflicting_values"),
])
def test_processing_fees_not_stated_exactly(sentence, code):
    extraction = parse_new_tables(["六、其他需要报告的事项", sentence], "new2021")
    assert "s6.processing_fees_yuan" not in extraction.values
    assert code in issue_codes(extraction)


# ---------------------------------------------------------------- the fast row path


def test_simple_row_gives_the_same_cells_as_line_cells():
    """simple_row is a shortcut for the usual row: wherever it answers, it must agree."""
    checked = 0
    for path in sorted(FIXTURES.iterdir()):
        for line in load_document(path.read_bytes()).lines:
            row = simple_row(line)
            if row is not None:
                assert row[0] + row[1] == line_cells(line), line
                checked += 1
    assert checked > 150
