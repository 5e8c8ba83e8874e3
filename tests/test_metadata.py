"""Agency and report year (SPEC §6): the seeds, the text fixtures and the hard cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.parsing.metadata import extract_metadata
from orchestration.lib.parsing.text import load_document

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def seed_meta(prefix: str):
    (path,) = ROOT.glob(f"raw/{prefix}_*.txt")
    return extract_metadata(load_document(path.read_bytes()))


def meta_of(*lines: str):
    return extract_metadata(load_document("\n".join(lines).encode("utf-8")))


def codes(meta) -> list[str]:
    return [issue.code for issue in meta.issues]


@pytest.mark.parametrize(("prefix", "agency", "agency_raw", "year"), [
    ("000", "安康市工信局", "安康市工信局", 2018),  # 填报单位(盖章):安康市工信局; 2018年度
    ("001", "路桥区经信局", "路桥区经信局", 2021),  # 区经信局 + 路桥区 of the prose; 2021年,
    ("002", "柞水县人民政府", "柞水縣人民政府", 2018),  # compiled by the county's 办公室
    ("003", "商丘市工业和信息化委员会", "商丘市工业和信息化委员会", 2017),  # title line
    ("004", "淮北市商务局", "淮北市商务局", 2018),  # 2018年度…工作报告 title
])
def test_seeds(prefix, agency, agency_raw, year):
    meta = seed_meta(prefix)
    assert (meta.agency, meta.agency_raw, meta.year) == (agency, agency_raw, year)
    assert meta.issues == []


@pytest.mark.parametrize(("path", "agency", "agency_raw", "year"), [
    # <title> with the site name after the report title
    ("text/report_003.html", "商丘市工业和信息化委员会", "商丘市工业和信息化委员会", 2017),
    ("text/report_003.md", "商丘市工业和信息化委员会", "商丘市工业和信息化委员会", 2017),
    # raw as published, though the mirror swapped 信息 for 資訊 (a length-changing swap elsewhere)
    ("text/report_003_mirror.txt", "商丘市工业和信息化委员会", "商丘市工業和資訊化委員會", 2017),
    # raw without the pinyin annotations of every character
    ("text/traditional_pinyin.txt", "淮北市商务局", "淮北市商務局", 2018),
    ("pipeline/jiaojiang_finance_2021_mirror_traditional.txt", "台州市椒江区财政局", "台州市椒江區財政局", 2021),
])
def test_fixtures(path, agency, agency_raw, year):
    meta = extract_metadata(load_document((FIXTURES / path).read_bytes()))
    assert (meta.agency, meta.agency_raw, meta.year) == (agency, agency_raw, year)
    assert meta.issues == []


def test_year_from_fused_statistics_period_not_from_publication_date():
    meta = meta_of(
        "填报单位(盖章):某某县财政局",
        "统计期限自201711日至20171231日",  # 年 and 月 lost: 2017 1 1日
        "2018年,我局将继续做好政府信息公开工作。",
        "填报日期:2018-1-29",
    )
    assert (meta.agency, meta.year) == ("某某县财政局", 2017)
    assert meta.issues == []


def test_publication_date_alone_is_no_report_year():
    meta = meta_of("填报单位(盖章):某某县财政局 | |", "填报日期:2019-1-29", "发布时间:2019年1月29日")
    assert (meta.agency, meta.year) == ("某某县财政局", None)
    assert codes(meta) == ["year_not_found"]


def test_nothing_found_is_left_empty_with_issues():
    meta = meta_of("一、概述", "我局认真贯彻落实《条例》。", "2018年,在市政府的指导下,我局主动公开信息。")
    assert (meta.agency, meta.agency_raw, meta.year) == (None, None, 2018)
    assert codes(meta) == ["agency_not_found"]
    meta = meta_of("一、概述")
    assert (meta.agency, meta.year) == (None, None)
    assert codes(meta) == ["agency_not_found", "year_not_found"]


def test_prose_year_is_the_one_most_sentences_start_with():
    meta = meta_of(
        "2018年,市财政局主动公开政府信息35条。",
        "2018年,我局未收到政府信息公开申请。",
        "2019年,我局将进一步加强政府信息公开工作。",
    )
    assert meta.year == 2018


def test_bare_agency_without_a_place_in_the_text_is_kept_and_flagged():
    meta = meta_of("2021年,区财政局扎实推进政府信息公开工作。", "按照区政府的要求,全区各部门公开信息。")
    assert (meta.agency, meta.agency_raw, meta.year) == ("区财政局", "区财政局", 2021)
    assert codes(meta) == ["agency_unqualified"]


def test_bare_agency_qualified_by_the_place_named_most():
    meta = meta_of(
        "2021年,县财政局扎实推进政府信息公开工作,按照县政府的要求,",
        "通过柞水县门户网站和“柞水财政”公众号公开信息,柞水县委关注。",
    )
    assert meta.agency == "柞水县财政局"


def test_title_with_year_first_and_title_of_a_place():
    meta = meta_of("2018年淮北市商务局政府信息公开工作年度报告", "一、概述")
    assert (meta.agency, meta.year) == ("淮北市商务局", 2018)
    meta = meta_of("柞水縣2018年政府信息公開工作年度報告", "一、概述")
    assert (meta.agency, meta.agency_raw, meta.year) == ("柞水县人民政府", "柞水縣人民政府", 2018)


def test_government_office_compiling_its_own_report_stays_the_office():
    meta = meta_of("政府信息公开情况统计表", "(2018年度)", "填报单位(盖章):柞水县人民政府办公室")
    assert (meta.agency, meta.year) == ("柞水县人民政府办公室", 2018)


def test_title_year_wins_over_a_conflicting_table_header():
    meta = meta_of("某某县财政局2018年政府信息公开工作年度报告", "政府信息公开情况统计表", "(2017年度)")
    assert (meta.agency, meta.year) == ("某某县财政局", 2018)
    assert codes(meta) == ["year_conflict"]


def test_spaces_in_the_published_name_are_kept_raw_only():
    meta = meta_of("填报单位(盖章):安康市 工信局 | |", "(2018年度)")
    assert (meta.agency, meta.agency_raw) == ("安康市工信局", "安康市 工信局")


def test_title_with_spaces_breadcrumb_and_year_only_title():
    meta = meta_of("首页 > 政务公开", "安康市 工信局 2018年度 政府信息公开工作年度报告", "一、概述")
    assert (meta.agency, meta.agency_raw, meta.year) == ("安康市工信局", "安康市 工信局", 2018)
    meta = meta_of("2018年政府信息公开工作年度报告", "填表单位(盖章):淮北市商务局", "2019年,我局将继续努力。")
    assert (meta.agency, meta.year) == ("淮北市商务局", 2018)
    assert meta.issues == []


def test_bare_agency_qualified_by_a_longer_place_name():
    meta = meta_of(
        "2018年,市财政局认真贯彻落实《条例》,按照市政府要求,",
        "在石家庄市政府门户网站和石家庄市财政局网站公开信息。",
    )
    assert (meta.agency, meta.year) == ("石家庄市财政局", 2018)


def test_a_zone_named_as_subject_is_not_made_a_government():
    meta = meta_of("某某高新区2018年政府信息公开工作年度报告")
    assert (meta.agency, meta.year) == ("某某高新区", 2018)


def test_a_district_named_with_a_level_character_is_not_qualified():
    # 市北区, 市南区, 市中区 are whole places; 公布 before them in the standard opening is no place.
    opening = "特向社会公布市北区审计局2020年政府信息公开工作年度报告。在决策前向社会公布决策草案。"
    meta = meta_of("市北区审计局2020年政府信息公开工作年度报告", opening)
    assert (meta.agency, meta.year) == ("市北区审计局", 2020)
    assert meta.issues == []


def test_a_verb_before_a_bare_agency_is_no_place():
    meta = meta_of("2021年,市财政局扎实推进政府信息公开工作。", "向社会公布市财政局的工作动态,按时公布市场监管信息。")
    assert meta.agency == "市财政局"
    assert codes(meta) == ["agency_unqualified"]
