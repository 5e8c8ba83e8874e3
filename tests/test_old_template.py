"""The old national table: exact values from the seeds and from fixtures of the other layouts."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from orchestration.lib.metrics import OLD_SECTION_ROWS, metrics_for
from orchestration.lib.parsing.model import SOURCE_TABLE
from orchestration.lib.parsing.old_template import find_old_table, parse_old_table
from orchestration.lib.parsing.text import load_document

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "old"


def seed_lines(prefix: str) -> list[str]:
    (path,) = ROOT.glob(f"raw/{prefix}_*.txt")
    return load_document(path.read_bytes()).lines


def fixture_lines(name: str) -> list[str]:
    return load_document((FIXTURES / name).read_bytes()).lines


def issue_codes(extraction) -> list[str]:
    return [issue.code for issue in extraction.issues]


SEED_000 = {
    "proactive.total": 1267, "proactive.normative_docs": 36, "proactive.normative_docs_issued": 0,
    "channel.gazette": 0, "channel.website": 588, "channel.weibo": 264, "channel.wechat": 0, "channel.other": 379,
    "response.hot_topics": 0, "response.press_conferences": 1, "response.press_conferences_by_head": 1,
    "response.online_interviews": 0, "response.online_interviews_by_head": 0, "response.interpretations": 2,
    "response.social_media": 0, "response.other": 0,
    "apps.received": 0, "apps.in_person": 0, "apps.fax": 0, "apps.online": 0, "apps.letter": 0,
    "apps.closed": 0, "apps.closed_on_time": 0, "apps.closed_extended": 0,
    "replies.total": 0, "replies.already_public": 0, "replies.granted": 0, "replies.partial": 0,
    "replies.denied": 0, "replies.denied.state_secret": 0, "replies.denied.commercial_secret": 0,
    "replies.denied.privacy": 0, "replies.denied.security_stability": 0, "replies.denied.not_gov_info": 0,
    "replies.denied.other_law": 0, "replies.not_this_agency": 0, "replies.not_exist": 0,
    "replies.asked_to_amend": 0, "replies.other_channel": 0,
    "review.total": 0, "review.upheld": 0, "review.corrected": 0, "review.other": 0,
    "litigation.total": 0, "litigation.upheld": 0, "litigation.corrected": 0, "litigation.other": 0,
    "complaints.total": 0, "fees.amount_10k_yuan": 0,
    "org.dedicated_units": 1, "org.reading_points": 1, "org.staff_total": None, "org.staff_fulltime": 0,
    "org.staff_parttime": 2, "org.budget_10k_yuan": 0.5,
    "training.meetings": 0, "training.sessions": 1, "training.trainees": 3,
}

SEED_002 = {
    "proactive.total": 1637, "proactive.normative_docs": 167, "proactive.normative_docs_issued": 21,
    "channel.gazette": 14, "channel.website": 1547, "channel.weibo": 237, "channel.wechat": 0, "channel.other": 796,
    "response.hot_topics": 21, "response.press_conferences": 1, "response.press_conferences_by_head": 1,
    "response.online_interviews": 0, "response.online_interviews_by_head": 0, "response.interpretations": 37,
    "response.social_media": 10, "response.other": 5,
    "apps.received": 13, "apps.in_person": 1, "apps.fax": 0, "apps.online": 4, "apps.letter": 8,
    "apps.closed": 13, "apps.closed_on_time": 13, "apps.closed_extended": 0,
    "replies.total": 13, "replies.already_public": 0, "replies.granted": 13, "replies.partial": 0,
    "replies.denied": 0, "replies.denied.state_secret": None, "replies.denied.commercial_secret": None,
    "replies.denied.privacy": None, "replies.denied.security_stability": None, "replies.denied.not_gov_info": None,
    "replies.denied.other_law": None, "replies.not_this_agency": 0, "replies.not_exist": 0,
    "replies.asked_to_amend": 0, "replies.other_channel": 0,
    "review.total": 2, "review.upheld": 0, "review.corrected": 1, "review.other": 1,
    "litigation.total": 9, "litigation.upheld": 1, "litigation.corrected": 7, "litigation.other": 1,
    "complaints.total": 76, "fees.amount_10k_yuan": 0,
    "org.dedicated_units": 1, "org.reading_points": 3, "org.staff_total": 126, "org.staff_fulltime": 3,
    "org.staff_parttime": 17, "org.budget_10k_yuan": 1.6,
    "training.meetings": 1, "training.sessions": 2, "training.trainees": 205,
}

SEED_003 = {
    "proactive.total": 395, "proactive.normative_docs": 0, "proactive.normative_docs_issued": 0,
    "channel.gazette": 0, "channel.website": 77, "channel.weibo": 52, "channel.wechat": 53, "channel.other": 213,
    "response.hot_topics": 4, "response.press_conferences": 0, "response.press_conferences_by_head": 0,
    "response.online_interviews": 0, "response.online_interviews_by_head": 0, "response.interpretations": 2,
    "response.social_media": 0, "response.other": 2,
    "apps.received": 1, "apps.in_person": 0, "apps.fax": 0, "apps.online": 1, "apps.letter": 0,
    "apps.closed": 1, "apps.closed_on_time": 1, "apps.closed_extended": 0,
    "replies.total": 1, "replies.already_public": 0, "replies.granted": 0, "replies.partial": 0,
    "replies.denied": 0, "replies.denied.state_secret": 0, "replies.denied.commercial_secret": 0,
    "replies.denied.privacy": 0, "replies.denied.security_stability": 0, "replies.denied.not_gov_info": 0,
    "replies.denied.other_law": 0, "replies.not_this_agency": 1, "replies.not_exist": 0,
    "replies.asked_to_amend": 0, "replies.other_channel": 0,
    "review.total": 0, "review.upheld": 0, "review.corrected": 0, "review.other": 0,
    "litigation.total": 0, "litigation.upheld": 0, "litigation.corrected": 0, "litigation.other": 0,
    "complaints.total": 0, "fees.amount_10k_yuan": 0,
    "org.dedicated_units": 1, "org.reading_points": 1, "org.staff_total": 3, "org.staff_fulltime": 1,
    "org.staff_parttime": 2, "org.budget_10k_yuan": 0,
    "training.meetings": 4, "training.sessions": 0, "training.trainees": 0,
}

# The fixtures under fixtures/old were rendered from these values (distinct, so that a row read
# into the wrong key shows), then edited by hand into each layout's messiness.
DISTINCT = {
    key: round(1.5 + i / 10, 1) if metric.unit == "万元" else 100 + i
    for i, (key, metric) in enumerate(metrics_for("old").items())
}


def assert_provenance_points_at_values(extraction, lines: list[str]) -> None:
    for key, value in extraction.values.items():
        provenance = extraction.provenance[key]
        assert provenance.source == SOURCE_TABLE
        if value is not None:
            number = re.sub(r"[^\d.]", "", lines[provenance.line - 1])
            assert str(value).rstrip("0").rstrip(".") in number or str(value) in number, (key, provenance)


def test_all_58_keys_are_known():
    assert len(SEED_000) == len(SEED_002) == len(SEED_003) == len(metrics_for("old")) == 58


@pytest.mark.parametrize("prefix, expected", [("000", SEED_000), ("003", SEED_003)])
def test_seed_exact(prefix, expected):
    lines = seed_lines(prefix)
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    assert extraction.values == expected
    assert not issue_codes(extraction)
    assert_provenance_points_at_values(extraction, lines)


def test_seed_000_cell_per_line_provenance():
    lines = seed_lines("000")
    extraction = parse_old_table(lines)
    total = extraction.provenance["proactive.total"]
    assert lines[total.line - 1] == "1267"
    assert total.text == "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条) | 条 | 1267"
    assert "org.staff_total" in extraction.values and extraction.values["org.staff_total"] is None


def _text_py_converts_traditional() -> bool:
    return load_document("數據".encode()).lines == ["数据"]


@pytest.mark.skipif(not _text_py_converts_traditional(), reason="text.py does not convert traditional text yet")
def test_seed_002_exact():
    lines = seed_lines("002")
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    assert extraction.values == SEED_002
    assert "row_unaligned" not in issue_codes(extraction)


def test_seed_002_layout_with_unrepaired_mojibake_labels():
    """002 in simplified characters with the pinyin removed but the GBK mojibake left as is:
    the garbled rows are placed by order between exact neighbours, with units agreeing."""
    from opencc import OpenCC

    to_simplified = OpenCC("t2s").convert
    pinyin = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
    (path,) = ROOT.glob("raw/002_*.txt")
    lines = [pinyin.sub("", to_simplified(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    assert extraction.values == SEED_002
    assert not issue_codes(extraction)
    assert extraction.provenance["apps.received"].note == "aligned by order: label garbled"
    assert extraction.provenance["apps.received"].line == 53
    assert extraction.provenance["org.staff_total"].note == "aligned by order: label garbled"
    assert extraction.provenance["apps.in_person"].note is None


def test_html_rows_with_broken_lines_fused_units_and_a_bad_cell():
    lines = fixture_lines("html_rows.txt")
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    expected = {**DISTINCT, "proactive.total": 5928, "apps.received": 1116}
    del expected["complaints.total"]  # 见附件 is not a number
    assert extraction.values == expected
    assert issue_codes(extraction) == ["bad_cell"]
    assert extraction.issues[0].key == "complaints.total"
    assert_provenance_points_at_values(extraction, lines)
    # the value on the line after its label and unit
    closed = extraction.provenance["apps.closed"]
    assert lines[closed.line - 1].strip() == "121 |"
    assert closed.text == "(二)申请办结数 | 件 | 121"


def test_markdown_rows():
    lines = fixture_lines("markdown_rows.txt")
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    assert extraction.values == DISTINCT
    assert not extraction.issues


def test_one_cell_per_line_with_zero_marks_blank_and_bad_cells():
    lines = fixture_lines("one_cell_per_line.txt")
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    expected = {
        **DISTINCT,
        "proactive.total": 5928,  # 5,928 under a label broken over two lines
        "channel.gazette": 0,  # —
        "channel.wechat": 0,  # 无
        "org.staff_total": None,  # blank cell between two `|` lines
    }
    del expected["training.sessions"]  # 0.5 is no count
    assert extraction.values == expected
    assert [(i.code, i.key) for i in extraction.issues] == [("bad_cell", "training.sessions")]


def test_garbled_and_missing_labels_are_placed_only_when_the_stretch_leaves_no_doubt():
    # Read without text.py, which might repair the mojibake this fixture is about.
    lines = (FIXTURES / "garbled_rows.txt").read_text(encoding="utf-8").splitlines()
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    expected = dict(DISTINCT)
    # 申请答复数 garbled while 属于已主动公开范围数 is missing: one row for two template rows.
    del expected["replies.total"], expected["replies.already_public"]
    # a garbled row with unit 人 where only 查阅点数 (个) fits
    del expected["org.reading_points"]
    assert extraction.values == expected
    notes = {key: p.note for key, p in extraction.provenance.items() if p.note}
    assert notes == {
        "response.hot_topics": "label matched approximately: '?。ㄒ唬┗貞婈P注热点或重大舆情数'",
        "apps.received": "aligned by order: label garbled",
        "apps.fax": "aligned by order: label missing",
        "review.other": "aligned by order: label garbled",
        "training.trainees": "aligned by order: label garbled",
    }
    unaligned = [i for i in extraction.issues if i.code == "row_unaligned"]
    assert [(i.key, i.message.split(":")[0]) for i in unaligned] == [("replies.total", "line 32"), (None, "line 58")]
    assert "'124'" in unaligned[0].message and "'150'" in unaligned[1].message


def test_a_second_copy_of_the_table_is_not_mixed_in():
    lines = fixture_lines("markdown_rows.txt")
    older = [re.sub(r"\| (\d+) \|$", lambda m: f"| {int(m.group(1)) + 1000} |", line) for line in lines]
    extraction = parse_old_table(lines + ["", "2015年统计表"] + older)
    assert extraction.values == DISTINCT
    assert issue_codes(extraction) == ["second_table_ignored"]


def test_reports_without_the_national_table():
    assert not find_old_table(seed_lines("004"))  # a local 主动公开信息表 and prose only
    assert not find_old_table(["2012年,我局共收到依申请公开1件。", "没有发生行政复议。"])
    assert not find_old_table([])
    extraction = parse_old_table(seed_lines("004"))
    assert not extraction.values and issue_codes(extraction) == ["no_table"]


def test_a_label_right_after_a_unit_is_not_taken_for_the_value():
    lines = fixture_lines("one_cell_per_line.txt")
    at = lines.index("涉及商业秘密")
    assert lines[at:at + 6] == ["涉及商业秘密", "|", "件", "|", "130", "|"]
    del lines[at + 4:at + 6]  # the value cell and its `|` lost: the next label follows the unit
    extraction = parse_old_table(lines)
    assert extraction.values["replies.denied.commercial_secret"] is None
    assert extraction.provenance["replies.denied.commercial_secret"].note == "no value cell"
    assert extraction.values["replies.denied.privacy"] == DISTINCT["replies.denied.privacy"]


def test_pdf_text_with_wrapped_labels_spaced_cells_and_a_page_break():
    lines = fixture_lines("pdf_text.txt")
    assert find_old_table(lines)
    extraction = parse_old_table(lines)
    # pdftotext drops a blank cell: 涉及个人隐私 keeps only its unit
    assert extraction.values == {**DISTINCT, "channel.wechat": 0, "replies.denied.privacy": None}
    assert extraction.provenance["replies.denied.privacy"].note == "no value cell"
    assert not issue_codes(extraction)
    assert_provenance_points_at_values(extraction, lines)


def test_lost_labels_over_long_stretches_and_fused_value_unit_cells():
    lines = fixture_lines("one_cell_per_line.txt")
    lost = {"2.同意公开答复数", "3.同意部分公开答复数", "4.不同意公开答复数", "其中:涉及国家秘密",
            "1.专职人员数(不包括政府公报及政府网站工作人员数)", "2.兼职人员数",
            "(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)",
            "(一)召开政府信息公开工作会议或专题会议数", "(二)举办各类培训班数", "(三)接受培训人员数"}
    lines = ["?" * len(line) if line in lost else line for line in lines]
    at = lines.index("2.政府网站公开政府信息数")
    assert lines[at + 2:at + 5] == ["条", "|", "104"]
    lines[at + 2:at + 5] = ["104条"]  # value and unit in one cell
    at = lines.index("2.传真申请数")
    lines[at + 2:at + 5] = ["-件"]
    extraction = parse_old_table(lines)
    expected = {**DISTINCT, "proactive.total": 5928, "channel.gazette": 0, "channel.wechat": 0,
                "org.staff_total": None, "apps.fax": 0}
    del expected["training.sessions"]  # 0.5 is no count, whatever its label
    assert extraction.values == expected
    assert [(i.code, i.key) for i in extraction.issues] == [("bad_cell", "training.sessions")]
    notes = {key for key, p in extraction.provenance.items() if p.note == "aligned by order: label garbled"}
    assert notes == {"replies.granted", "replies.partial", "replies.denied", "replies.denied.state_secret",
                     "org.staff_fulltime", "org.staff_parttime", "org.budget_10k_yuan",
                     "training.meetings", "training.trainees"}


def test_a_readable_local_row_in_a_missing_rows_place_is_not_read_as_that_row():
    lines = fixture_lines("markdown_rows.txt")
    (at,) = [i for i, line in enumerate(lines) if "属于已主动公开范围数" in line]
    lines[at] = lines[at].replace("1.属于已主动公开范围数", "其中:电话申请数").replace("125", "9")
    extraction = parse_old_table(lines)
    expected = dict(DISTINCT)
    del expected["replies.already_public"]
    assert extraction.values == expected
    (unaligned,) = [i for i in extraction.issues if i.code == "row_unaligned"]
    assert unaligned.key == "replies.already_public"
    assert "'其中:电话申请数'" in unaligned.message and "local row" in unaligned.message


def test_damaged_tables_never_give_a_wrong_value():
    """Garbled, lost and missing labels, dropped rows and local extra rows, drawn at random: a key
    is either read right or left absent (with an issue), never read wrong."""

    rows = ["政府信息公开情况统计表", "统计指标 | 单位 | 统计数 |"]
    for key, metric in metrics_for("old").items():
        if key in OLD_SECTION_ROWS:
            rows.append(f"{OLD_SECTION_ROWS[key]} | —— | |")
        rows.append(f"{metric.label} | {metric.unit} | {DISTINCT[key]} |")
    mojibake = "ㄒ唬┦盏缴暾垟ǘ┰O置癡ㄈ┢渌樾螖穖筥"
    local_rows = ["其中:电话申请数", "其中:电子邮件申请数", "移动客户端公开数", "宣传册发放数"]
    rng = random.Random(20181231)
    read = absent = 0
    for _ in range(300):
        lines = list(rows)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(2, len(lines))
            label, rest = lines[at].split(" | ", 1)
            damage = rng.random()
            if damage < 0.4 and label:
                start = rng.randrange(len(label))
                end = rng.randint(start + 1, len(label))
                garbled = "".join(rng.choice(mojibake) for _ in range(end - start))
                lines[at] = "?" * rng.randint(0, 1) + label[:start] + garbled + label[end:] + " | " + rest
            elif damage < 0.6:
                del lines[at]
            elif damage < 0.8:
                lines.insert(at, f"{rng.choice(local_rows)} | 件 | {rng.randint(1, 99)} |")
            else:
                lines[at] = " | " + rest
        extraction = parse_old_table(lines)
        for key, value in extraction.values.items():
            assert value == DISTINCT[key], (key, value, extraction.provenance[key], lines)
        read += len(extraction.values)
        absent += 58 - len(extraction.values)
    assert read > 0.95 * (read + absent)


def _value_above_unit_table(values: dict, lost: set[str] = frozenset()) -> list[str]:
    """The table without a unit column, one cell a line: each value above its unit in the value
    cell (`5928` then `条`), a blank value leaving the unit alone; labels in `lost` as `?`s."""

    lines = ["政府信息公开情况统计表", "统计指标", "|", "统计数", "|"]
    for key, metric in metrics_for("old").items():
        if key in OLD_SECTION_ROWS:
            lines += [OLD_SECTION_ROWS[key], "|", "——", "|"]
        label = "?" * len(metric.label) if key in lost else metric.label
        value = values[key]
        lines += [label, "|", *([] if value is None else [str(value)]), metric.unit, "|"]
    return lines


def test_a_lost_label_after_a_blank_value_above_no_unit_column_is_the_next_row():
    # Where the value comes before the unit, a unit alone ends its row: the `??????` after it
    # is the next row's lost label, not a bad value cell of the blank row.
    values = {**DISTINCT, "replies.denied.state_secret": None, "review.upheld": None, "apps.fax": 0}
    lost = {"replies.denied.commercial_secret", "review.corrected", "apps.online"}
    lines = _value_above_unit_table(values, lost)
    lines[lines.index("2.传真申请数") + 2] = "——"  # a dash value above its unit
    extraction = parse_old_table(lines)
    assert extraction.values == values
    assert not extraction.issues
    assert {key for key, p in extraction.provenance.items() if p.note and "aligned by order" in p.note} == lost


def test_zero_mark_fused_with_its_unit():

    lines = ["政府信息公开情况统计表", "统计指标 | 统计数 |"]
    values = {**DISTINCT, "proactive.normative_docs_issued": 0, "channel.weibo": 0, "apps.fax": 0}
    for key, metric in metrics_for("old").items():
        if key in OLD_SECTION_ROWS:
            lines.append(f"{OLD_SECTION_ROWS[key]} | — |")
        value = {"proactive.normative_docs_issued": "无", "channel.weibo": "無", "apps.fax": "—"}.get(key, values[key])
        lines.append(f"{metric.label} | {value}{metric.unit} |")  # `无件`: 无 is a zero (SPEC §4)
    extraction = parse_old_table(lines)
    assert extraction.values == values
    assert not extraction.issues


def test_a_lost_label_after_a_readable_wrapped_one_starts_a_row():
    lines = fixture_lines("pdf_text.txt")
    at = lines.index("1.参加或举办新闻发布会总次数")
    assert lines[at - 2:at + 2] == ["(二)通过不同渠道和方式回应解读", "的情况", "1.参加或举办新闻发布会总次数", "次 109"]
    lines[at] = "?" * 15
    extraction = parse_old_table(lines)
    assert extraction.values == {**DISTINCT, "channel.wechat": 0, "replies.denied.privacy": None}
    assert extraction.provenance["response.press_conferences"].note == "aligned by order: label garbled"
