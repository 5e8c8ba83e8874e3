"""Old reports without the national table: figures from prose and from local tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.parsing import parse_report
from orchestration.lib.parsing.model import SOURCE_LOCAL_TABLE, SOURCE_PROSE
from orchestration.lib.parsing.old_template import find_old_table
from orchestration.lib.parsing.prose import parse_old_prose
from orchestration.lib.parsing.text import load_document

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "old"


def document_lines(path: Path) -> list[str]:
    return load_document(path.read_bytes()).lines


def sources(extraction) -> dict[str, str]:
    return {key: p.source for key, p in extraction.provenance.items()}


def issues(extraction, code: str) -> list[str]:
    return [issue.message for issue in extraction.issues if issue.code == code]


def test_seed_004_exactly_the_four_zeros_stated_in_words():
    (path,) = ROOT.glob("raw/004_*.txt")
    lines = document_lines(path)
    assert not find_old_table(lines)
    extraction = parse_old_prose(lines, 2018)
    assert extraction.values == {"apps.received": 0, "review.total": 0, "litigation.total": 0,
                                 "fees.amount_10k_yuan": 0}
    assert set(sources(extraction).values()) == {SOURCE_PROSE}
    provenance = extraction.provenance
    assert provenance["apps.received"].text == "2018年,我局没有发生依申请公开政府信息事项"
    assert provenance["fees.amount_10k_yuan"].text == "2018年,我局没有对政府信息公开申请收取任何费用"
    assert provenance["review.total"].text == provenance["litigation.total"].text == (
        "2018年,我局未发生因政府信息公开事项而申请行政复议和提起行政诉讼情况")
    for key, p in provenance.items():
        assert p.text in lines[p.line - 1], key
    # the custom 主动公开信息表 maps onto nothing, and every figure of it is listed
    unmapped = issues(extraction, "unmapped_local_row")
    assert [m.split(": ", 1)[1].split(" (")[0] for m in unmapped] == [
        "规范文件数 = 1", "机构领导、机构设置及人事信息 = 18", "政策法规 = 22", "解读回应 = 27",
        "回应关切 = 29", "部门文件 = 3", "财务预决算、“三公”经费等 = 30", "规划计划、统计信息 = 16"]
    assert {issue.code for issue in extraction.issues} == {"unmapped_local_row"}


def test_provincial_2011_table_maps_only_the_same_quantities():
    lines = document_lines(FIXTURES / "provincial_2011.txt")
    assert not find_old_table(lines)
    extraction = parse_old_prose(lines, 2011)
    assert extraction.values == {
        "proactive.total": 356,
        "apps.received": 12, "apps.in_person": 2, "apps.fax": 0, "apps.online": 5, "apps.letter": 2,
        "replies.total": 12, "replies.granted": 7, "replies.partial": 1, "replies.denied": 2,
        "replies.denied.state_secret": 0, "replies.denied.commercial_secret": 0, "replies.denied.privacy": 1,
        "replies.denied.security_stability": 0, "replies.denied.not_gov_info": 1, "replies.denied.other_law": 0,
        "replies.not_exist": 1, "replies.not_this_agency": 1,
        "review.total": 1, "litigation.total": 0, "fees.amount_10k_yuan": 0,
    }
    # the prose states the same figures; the local table's rows are kept as the source
    assert set(sources(extraction).values()) == {SOURCE_LOCAL_TABLE}
    assert extraction.provenance["apps.online"].note == "local table row '网上申请'"
    assert extraction.provenance["apps.online"].text == "网上申请 | 件 | 5 |"
    unmapped = [m.split(": ", 1)[1].split(" (")[0] for m in issues(extraction, "unmapped_local_row")]
    assert unmapped == ["其中:全文电子化率 = 100%", "电子邮件申请 = 3件",
                        "其他形式申请 = 0件", "申请内容不明确 = 0件", "行政申诉数 = 0件"]
    assert {issue.code for issue in extraction.issues} == {"unmapped_local_row"}


def test_provincial_table_with_header_rows_over_figures():
    lines = document_lines(FIXTURES / "provincial_2012_horizontal.txt")
    extraction = parse_old_prose(lines, 2012)
    assert extraction.values == {
        "apps.received": 9, "apps.in_person": 1, "apps.fax": 0, "apps.online": 4, "apps.letter": 1,
        "replies.granted": 5, "replies.partial": 1, "replies.denied": 1, "replies.not_exist": 1,
        "replies.not_this_agency": 1,
        "fees.amount_10k_yuan": 0.012,  # 共计120元
        "review.total": 0, "litigation.total": 0,
    }
    assert sources(extraction)["apps.received"] == SOURCE_LOCAL_TABLE
    assert lines[extraction.provenance["apps.received"].line - 1].startswith("9 |")
    assert sources(extraction)["fees.amount_10k_yuan"] == SOURCE_PROSE
    unmapped = [m.split(": ", 1)[1].split(" (")[0] for m in issues(extraction, "unmapped_local_row")]
    assert unmapped == ["电子邮件申请 = 2", "其他 = 1"]


@pytest.mark.parametrize("text, year, expected", [
    # zeros stated in words
    ("2018年，我局没有发生依申请公开政府信息事项。", 2018, {"apps.received": 0}),
    ("我局没有收到有关要求公开信息的申请,未发生不予公开政务信息的情况。", 2018, {"apps.received": 0}),
    ("2021年无依申请公开情况。", 2021, {"apps.received": 0}),
    ("我局没有对政府信息公开申请收取任何费用。", 2018, {"fees.amount_10k_yuan": 0}),
    ("2016年,我局没有发生依政务信息公开收费的情况。", 2016, {"fees.amount_10k_yuan": 0}),
    ("2018年，我局未发生因政府信息公开事项而申请行政复议和提起行政诉讼情况。", 2018,
     {"review.total": 0, "litigation.total": 0}),
    ("我局未收到因政府信息公开申请行政复议的案件。", 2016, {"review.total": 0}),
    ("2018年,我委未收到公民、法人或其他组织提出的政府信息公开申请。", 2018, {"apps.received": 0}),
    # counts
    ("2016年度,我局全年主动公开政府信息388条,其中主动公开规范性文件34件。", 2016,
     {"proactive.total": 388, "proactive.normative_docs": 34}),
    ("2012年度,我厅全年主动公开政府信息14条,其中主动公开规范性档案0件。", 2012,  # a mirror's 規範性檔案
     {"proactive.total": 14, "proactive.normative_docs": 0}),
    ("2016年,我局共收到政府信息公开申请5件,其中当面申请1件、网络申请4件。", 2016,
     {"apps.received": 5, "apps.in_person": 1, "apps.online": 4}),
    ("2017年,共收到依申请公开1件,属于网络申请,已按照程序进行答复,未收取申请人费用。", 2017,
     {"apps.received": 1, "fees.amount_10k_yuan": 0}),
    ("全年收到政府信息公开申请两件。", 2016, {"apps.received": 2}),
    ("2015年我局共收到政府信息公开申请8件，2016年共收到政府信息公开申请5件。", 2016, {"apps.received": 5}),
    ("办理依申请公开收取检索、复制费用共计0.3万元。", 2016, {"fees.amount_10k_yuan": 0.3}),
    # nothing the sentence does not say
    ("全年未发生行政复议被纠错的情况。", 2016, {}),
    ("我局全年主动公开信息600多条,在报刊发布信息1.5万余条。", 2016, {}),
    ("全市共受理行政复议案件200件。", 2016, {}),  # not in a section on reconsideration, not on disclosure
    ("全年收到行政许可申请1200件,均已公开办理结果。", 2016, {}),
    ("我局办理行政许可未收取任何费用。", 2016, {}),
    ("因无法提供所需的政府信息被申请公开人申请行政复议1件。", 2016, {"review.total": 1}),
    ("2019年,我们将力争收到的申请全部按时答复。", 2018, {}),
])
def test_prose_statements(text, year, expected):
    extraction = parse_old_prose(["某某局政府信息公开工作年度报告", text], year)
    assert extraction.values == expected
    for provenance in extraction.provenance.values():
        assert provenance.source == SOURCE_PROSE and provenance.line == 2


def test_reconsideration_counts_in_their_section():
    lines = [
        "四、行政复议及提起行政诉讼的情况",
        "2018年,县政府法制办受理行政复议案件2件,被依法纠错1件,其他情形1件;办理行政诉讼应诉案件9件,维持1件。",
        "五、举报投诉情况",
        "全年未发生行政复议。",
    ]
    extraction = parse_old_prose(lines, 2018)
    assert extraction.values == {"review.total": 2, "litigation.total": 9}
    assert issues(extraction, "prose_conflict") == []  # 未发生行政复议 is outside a section on it


def test_approximate_numbers_are_reported_not_used():
    extraction = parse_old_prose(["全年共受理政府信息公开申请300余件,其中收到依申请公开约50件。"], 2016)
    assert extraction.values == {}
    assert [issue.key for issue in extraction.issues] == ["apps.received", "apps.received"]
    assert {issue.code for issue in extraction.issues} == {"approximate_prose_value"}


def test_contradicting_statements_give_no_value():
    extraction = parse_old_prose(["2016年共收到政府信息公开申请3件。", "全年收到政府信息公开申请4件。"], 2016)
    assert extraction.values == {}
    assert [issue.code for issue in extraction.issues] == ["prose_conflict"]


def test_local_table_wins_over_a_contradicting_sentence():
    lines = ["2013年,我局共收到政府信息公开申请5件。", "申请总数 | 件 | 6 |", "网上申请 | 件 | 6 |"]
    extraction = parse_old_prose(lines, 2013)
    assert extraction.values == {"apps.received": 6, "apps.online": 6}
    assert [issue.code for issue in extraction.issues] == ["prose_conflict"]


def test_local_table_fees_in_whole_10k_yuan():
    lines = ["政府信息公开情况统计表(单位:万元)", "收取费用 | 5 |"]
    assert parse_old_prose(lines, 2012).values == {"fees.amount_10k_yuan": 5}


def test_matrix_rows_of_unknown_columns_are_listed_once_per_row():
    lines = ["(二)部分公开 | 0 | 1 | 0 | 0 | 0 | 0 | 1 |", "收取费用 | 12 |"]
    extraction = parse_old_prose(lines, 2016)
    assert extraction.values == {}
    assert issues(extraction, "unmapped_local_row") == [
        "line 1: (二)部分公开 | 0 | 1 | 0 | 0 | 0 | 0 | 1 | (a row of 7 figures in unnamed columns)",
        "line 2: 收取费用 = 12 (no unit to read the amount by)",
    ]


def test_prose_figures_of_an_unknown_template_leave_no_provenance_behind():
    report = parse_report(
        "某某市某某局2021年政府信息公开工作年度报告\n2021年无依申请公开情况。\n".encode(), "unknown.txt")
    assert report.template == "unknown"
    assert report.values == {} and report.provenance == {}
    assert [i.code for i in report.issues if i.code == "unplaced_prose_values"] == ["unplaced_prose_values"]
