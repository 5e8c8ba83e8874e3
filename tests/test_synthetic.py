"""The synthetic corpus generator: determinism, consistent truth, coverage of layouts and messiness."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from opencc import OpenCC

from orchestration.lib.metrics import keys_for, t3_rows
from orchestration.lib.parsing.identities import check_identities
from orchestration.lib.synthetic import COMBINATIONS, TRUTH_FILE, generate_corpus, generate_files, read_truth
from orchestration.lib.synthetic import corpus as corpus_module
from orchestration.lib.synthetic.places import (LOCAL_DEPARTMENTS_NEW, LOCAL_DEPARTMENTS_OLD, PLACES,
                                                PROVINCE_DEPARTMENTS_NEW, PROVINCE_DEPARTMENTS_OLD)
from orchestration.lib.synthetic.script import gbk_mojibake
from orchestration.lib.synthetic.tables import t3_row_labels


@pytest.fixture(scope="module")
def corpus_200(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus200")
    generate_corpus(200, out, seed=0)
    return out


@pytest.fixture(scope="module")
def corpus_600(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus600")
    generate_corpus(600, out, seed=7)
    return out


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_seed_gives_identical_bytes_and_truth(tmp_path):
    generate_corpus(80, tmp_path / "a", seed=3)
    generate_corpus(80, tmp_path / "b", seed=3)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_a_few_files_of_a_corpus_are_generated_alone_as_in_the_whole(corpus_200, tmp_path):
    truths = list(read_truth(corpus_200))
    # every duplicate (it regenerates the report before it) and junk file, and every 7th file
    indices = sorted({i for i, t in enumerate(truths) if t["kind"] != "report" or i % 7 == 0})
    assert {truths[i]["kind"] for i in indices} == {"report", "duplicate", "junk"}
    generate_files(indices, tmp_path, seed=0, n=200)
    whole = (corpus_200 / TRUTH_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    assert (tmp_path / TRUTH_FILE).read_text(encoding="utf-8").splitlines(keepends=True) == [whole[i] for i in indices]
    assert {name: data for name, data in _files(tmp_path).items() if name != TRUTH_FILE} == {
        truths[i]["file"]: (corpus_200 / truths[i]["file"]).read_bytes() for i in indices}


def test_different_seed_gives_a_different_corpus(tmp_path):
    generate_corpus(40, tmp_path / "a", seed=1)
    generate_corpus(40, tmp_path / "b", seed=2)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a[TRUTH_FILE] != b[TRUTH_FILE]
    assert not set(a.values()) & set(b.values()) - {b"", b"\r\n", b"  \n\n "}


def test_worker_processes_do_not_change_the_output(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_module, "_CHUNK", 16)  # several chunks, so duplicates cross chunk edges
    generate_corpus(120, tmp_path / "serial", seed=4)
    generate_corpus(120, tmp_path / "parallel", seed=4, workers=2)
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")


def test_truth_lists_every_file_with_the_documented_fields(corpus_200):
    truths = list(read_truth(corpus_200))
    assert len(truths) == 200
    assert {t["file"] for t in truths} | {TRUTH_FILE} == {p.name for p in corpus_200.iterdir()}
    fields = {"file", "kind", "layout", "encoding", "template", "agency", "year", "values",
              "broken_rules", "expected_status", "variants"}
    for t in truths:
        assert fields <= set(t)
        assert t["kind"] in ("report", "duplicate", "junk")
        assert t["expected_status"] in ("parsed", "rejected")
        assert ("duplicate_of" in t) == (t["kind"] == "duplicate")


def test_truth_is_identity_consistent_unless_broken_and_breaks_exactly_the_recorded_rules(corpus_600):
    broken = 0
    for t in read_truth(corpus_600):
        if t["template"] is None:
            continue
        violated = sorted(v.rule.rule_id for v in check_identities(t["template"], t["values"]))
        assert violated == t["broken_rules"], t["file"]
        broken += bool(violated)
    assert broken >= 10  # about 5% of 600


def test_truth_keys_are_canonical_and_tables_state_every_key(corpus_200):
    for t in read_truth(corpus_200):
        if t["kind"] == "junk":
            continue
        keys = set(keys_for(t["template"]))
        assert set(t["values"]) <= keys
        if t["layout"] != "prose":
            assert keys - set(t["values"]) <= {"s6.processing_fees_yuan"}, t["file"]
        else:
            assert 1 <= len(t["values"]) <= 10


def test_a_200_file_corpus_covers_every_template_and_layout(corpus_200):
    seen = {(t["template"], t["layout"]) for t in read_truth(corpus_200) if t["kind"] == "report"}
    assert seen == set(COMBINATIONS)
    assert {t["kind"] for t in read_truth(corpus_200)} == {"report", "duplicate", "junk"}


def test_messiness_of_spec_section_5_is_all_there(corpus_600):
    truths = list(read_truth(corpus_600))
    variants = Counter(v for t in truths for v in t["variants"])
    expected = {"traditional", "pinyin", "mirror_vocabulary", "mojibake_labels", "lost_labels",
                "fullwidth_punctuation", "invisible_chars", "thousands_separators", "fullwidth_digits",
                "zero_marks", "no_title", "fused_dates", "t3_subtotals", "t4_one_line", "units_next_line",
                "label_line_breaks", "trailing_cells", "split_table", "page_break", "boilerplate", "crlf"}
    assert expected <= set(variants)
    encodings = {t["encoding"] for t in truths}
    assert {"utf-8", "utf-8-sig", "gbk", "big5", "utf-16"} <= encodings
    junk = {t.get("junk") for t in truths if t["kind"] == "junk"}
    assert junk == {"empty", "png", "pdf", "zip", "random_bytes", "truncated"}


def test_files_decode_in_their_recorded_encoding_and_carry_the_title(corpus_200):
    for t in read_truth(corpus_200):
        if t["kind"] == "junk" and t.get("junk") != "truncated":
            continue
        text = (corpus_200 / t["file"]).read_bytes().decode(t["encoding"])
        if "traditional" not in t["variants"] and "no_title" not in t["variants"]:
            assert f"{t['agency']}{t['year']}年政府信息公开工作年度报告" in text
        if "no_title" in t["variants"] and "traditional" not in t["variants"]:
            assert "年政府信息公开工作年度报告" not in text
            assert f"填报单位(盖章):{t['agency']}" in text and f"{t['year']}年度" in text


def test_reports_are_about_ten_kilobytes(corpus_200):
    sizes = [(corpus_200 / t["file"]).stat().st_size for t in read_truth(corpus_200) if t["kind"] == "report"]
    assert 6_000 < sum(sizes) / len(sizes) < 16_000


def test_duplicates_repeat_the_report_before_them(corpus_600):
    truths = {t["file"]: t for t in read_truth(corpus_600)}
    duplicates = [t for t in truths.values() if t["kind"] == "duplicate"]
    assert duplicates
    kinds = Counter()
    for dup in duplicates:
        original = truths[dup["duplicate_of"]]
        assert original["kind"] == "report"
        assert dup["values"] == original["values"]
        assert (dup["template"], dup["agency"], dup["year"]) == (original["template"], original["agency"], original["year"])
        same_bytes = (corpus_600 / dup["file"]).read_bytes() == (corpus_600 / original["file"]).read_bytes()
        assert same_bytes or "mirror_vocabulary" in dup["variants"]
        kinds["copy" if same_bytes else "mirror"] += 1
    assert set(kinds) == {"copy", "mirror"}


def test_junk_is_expected_to_be_rejected_except_a_cut_off_report(corpus_600):
    for t in read_truth(corpus_600):
        if t["kind"] != "junk":
            assert t["expected_status"] == "parsed"
        elif t["junk"] == "truncated":
            assert t["expected_status"] == "parsed"
            assert 0 < len(t["values"]) < len(keys_for(t["template"]))
        else:
            assert t["expected_status"] == "rejected" and t["values"] == {}


def test_gbk_mojibake_reproduces_seed_002():
    # seed 002 prints （一）收到申請數(shù) as ?。ㄒ唬┦盏缴暾垟?shù)
    assert gbk_mojibake("（一）收到申請數").startswith("?。ㄒ唬┦盏缴暾垟")


def test_agency_names_survive_traditional_conversion_and_back():
    """Traditional reports keep a simplified truth agency, so every name part must round-trip."""
    to_traditional, to_simplified = OpenCC("s2t"), OpenCC("t2s")
    parts = [p for province, cities in PLACES.items() for p in
             [province, *cities, *(county for counties in cities.values() for county in counties)]]
    parts += [*PROVINCE_DEPARTMENTS_OLD, *PROVINCE_DEPARTMENTS_NEW, *LOCAL_DEPARTMENTS_OLD,
              *LOCAL_DEPARTMENTS_NEW, "人民政府"]
    assert [p for p in parts if to_simplified.convert(to_traditional.convert(p)) != p] == []


@pytest.mark.parametrize("template", ["new2019", "new2021"])
def test_t3_row_labels_cover_every_row_of_the_template(template):
    assert tuple(t3_row_labels(template)) == t3_rows(template)


def test_truth_lines_are_plain_json(corpus_200):
    for line in (corpus_200 / TRUTH_FILE).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert all(v is None or isinstance(v, (int, float)) for v in record["values"].values())
