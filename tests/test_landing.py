"""The landing load: only new parse-cache chunks are appended, and the result is the full load's."""

import hashlib
import shutil

import duckdb
import pytest

from orchestration.lib import ingest
from orchestration.lib.inputs import PublicationInputs
from orchestration.lib.landing import PARSED_TABLES, load_landing, why_build_in_full
from orchestration.lib.paths import WarehouseLayout
from tests.conftest import SEEDS


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SEEDS.values():
        shutil.copy(path, raw / path.name)
    shutil.copy(SEEDS["003"], raw / "again-003.txt")
    shutil.copy(SEEDS["001"], raw / "again-001.txt")
    return raw


def _chunk(cache: ingest.ParseCache, raw, files: list[str], name: str) -> str:
    """A chunk of these files' parses under a chosen name, so that the test orders the chunks."""
    _, reports = ingest.read_and_parse(raw, files, set())
    cache.write_chunk(reports).rename(cache.dir / name)
    return name


def _load(warehouse, raw, cache):
    return load_landing(WarehouseLayout(warehouse), ingest.list_raw(raw), cache, inputs=PublicationInputs("test", "code"))


def _tables(warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by all").fetchall()
                for t in (*PARSED_TABLES.values(), "landing.loaded_chunks")}


def _sha(name: str) -> str:
    return hashlib.sha256(SEEDS[name].read_bytes()).hexdigest()


def test_appending_new_chunks_gives_what_a_full_load_gives(tmp_path, raw):
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    name = {key: SEEDS[key].name for key in SEEDS}
    # 000 in two chunks of the first load (two shards read it under one path: identical copies).
    _chunk(cache, raw, [name["000"], name["001"]], "chunk-b")
    _chunk(cache, raw, [name["002"], name["000"]], "chunk-c")
    first = _load(tmp_path / "incremental", raw, cache)
    assert (first.chunks_loaded, first.rebuild_reason) == (2, "no chunk loaded yet")
    assert (first.parsed_reports, first.how_loaded) == (3, "full rebuild of 2 chunks: no chunk loaded yet")

    # New chunks: 003 and 004 are new contents, 003 also in a later chunk under another path (the
    # full load keeps the smallest chunk's copy, so its `file` tells which copy was kept); 001 is
    # already landed, from a chunk named after the new one.
    _chunk(cache, raw, [name["003"], name["004"], name["001"]], "chunk-a")
    _chunk(cache, raw, ["again-003.txt"], "chunk-d")
    second = _load(tmp_path / "incremental", raw, cache)
    assert (second.chunks_loaded, second.rebuild_reason) == (2, None)
    assert second.how_loaded == "2 new chunks appended"

    full = _load(tmp_path / "full", raw, cache)
    assert (full.chunks_loaded, full.rebuild_reason) == (4, "no chunk loaded yet")
    incremental, rebuilt = _tables(tmp_path / "incremental"), _tables(tmp_path / "full")
    assert incremental == rebuilt
    assert all(incremental.values())  # every table has rows, so the comparison means something
    assert incremental["landing.loaded_chunks"] == [("v1", f"chunk-{c}") for c in "abcd"]
    assert (second.parsed_reports, second.parsed_values, second.parse_issues) == (
        full.parsed_reports, full.parsed_values, full.parse_issues)
    with duckdb.connect(str(tmp_path / "incremental" / "warehouse.duckdb"), read_only=True) as con:
        files = dict(con.execute("select sha256, file from landing.parsed_reports").fetchall())
    assert files == {_sha(key): name[key] for key in ("000", "001", "002", "003", "004")}


def test_a_content_landed_before_keeps_its_landed_copy(tmp_path, raw):
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    _chunk(cache, raw, [SEEDS["001"].name], "chunk-b")
    before = _load(tmp_path / "warehouse", raw, cache)
    # A smaller chunk with the same bytes read under another path: a full load would keep this
    # copy; the landed one, identical but for `file`, stays.
    _chunk(cache, raw, ["again-001.txt"], "chunk-a")
    after = _load(tmp_path / "warehouse", raw, cache)
    assert (after.chunks_loaded, after.rebuild_reason) == (1, None)
    assert before.parsed_reports == 1
    assert (after.parsed_reports, after.parsed_values, after.parse_issues) == (
        before.parsed_reports, before.parsed_values, before.parse_issues)
    with duckdb.connect(str(tmp_path / "warehouse" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select file from landing.parsed_reports").fetchall() == [(SEEDS["001"].name,)]


def test_a_parser_change_reloads_only_the_new_version(tmp_path, raw):
    root = tmp_path / "parsed"
    _chunk(ingest.ParseCache(root, version="v1"), raw, [SEEDS["000"].name, SEEDS["001"].name], "chunk-a")
    _load(tmp_path / "warehouse", raw, ingest.ParseCache(root, version="v1"))
    newer = ingest.ParseCache(root, version="v2")
    _chunk(newer, raw, [SEEDS["002"].name], "chunk-b")
    counts = _load(tmp_path / "warehouse", raw, newer)
    assert (counts.chunks_loaded, counts.rebuild_reason) == (1, "parser version changed")
    with duckdb.connect(str(tmp_path / "warehouse" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select sha256, parser_version from landing.parsed_reports").fetchall() == [
            (_sha("002"), "v2")]
        assert con.execute("select distinct sha256 from landing.parsed_values").fetchall() == [(_sha("002"),)]
        assert con.execute("select count(*) from landing.parse_issues where sha256 <> ?",
                           [_sha("002")]).fetchone() == (0,)
    assert _tables(tmp_path / "warehouse")["landing.loaded_chunks"] == [("v2", "chunk-b")]


def test_a_vanished_chunk_or_a_dropped_table_reloads_every_chunk(tmp_path, raw):
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    _chunk(cache, raw, [SEEDS["000"].name], "chunk-a")
    _chunk(cache, raw, [SEEDS["001"].name], "chunk-b")
    _load(tmp_path / "warehouse", raw, cache)
    shutil.rmtree(cache.dir / "chunk-a")
    _chunk(cache, raw, [SEEDS["002"].name], "chunk-c")
    counts = _load(tmp_path / "warehouse", raw, cache)
    assert counts.rebuild_reason == "1 loaded chunk is no longer in the parse cache"
    assert counts.how_loaded == "full rebuild of 2 chunks: 1 loaded chunk is no longer in the parse cache"
    tables = _tables(tmp_path / "warehouse")
    assert [row[0] for row in tables["landing.parsed_reports"]] == sorted([_sha("001"), _sha("002")])
    assert tables["landing.loaded_chunks"] == [("v1", "chunk-b"), ("v1", "chunk-c")]

    with duckdb.connect(str(tmp_path / "warehouse" / "warehouse.duckdb")) as con:
        con.execute("drop table landing.parsed_values")
    counts = _load(tmp_path / "warehouse", raw, cache)
    assert (counts.chunks_loaded, counts.rebuild_reason) == (2, "landing tables missing")
    assert _tables(tmp_path / "warehouse") == tables


def test_a_load_without_new_chunks_reads_no_chunk_and_changes_nothing(tmp_path, raw):
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    chunks = [_chunk(cache, raw, [SEEDS[key].name], f"chunk-{key}") for key in ("000", "001", "003")]
    first = _load(tmp_path / "warehouse", raw, cache)
    before = _tables(tmp_path / "warehouse")
    for chunk in chunks:  # a load that read any of them would fail now
        for table in ingest.CHUNK_TABLES:
            (cache.dir / chunk / f"{table}.parquet").write_bytes(b"not parquet")
    again = _load(tmp_path / "warehouse", raw, cache)
    assert (again.chunks_loaded, again.rebuild_reason, again.how_loaded) == (0, None, "0 new chunks appended")
    assert (again.parsed_reports, again.parsed_values, again.parse_issues) == (
        first.parsed_reports, first.parsed_values, first.parse_issues)
    assert _tables(tmp_path / "warehouse") == before


def test_a_load_that_fails_midway_leaves_the_landing_as_it_was(tmp_path, raw):
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    _chunk(cache, raw, [SEEDS["000"].name], "chunk-a")
    _load(tmp_path / "warehouse", raw, cache)
    before = _tables(tmp_path / "warehouse")
    _chunk(cache, raw, [SEEDS["001"].name], "chunk-b")
    # Its reports are appended before its values turn out unreadable.
    (cache.dir / "chunk-b" / "values.parquet").write_bytes(b"not parquet")
    shutil.copy(SEEDS["004"], raw / "new.txt")
    with pytest.raises(duckdb.Error):
        _load(tmp_path / "warehouse", raw, cache)
    assert _tables(tmp_path / "warehouse") == before
    with duckdb.connect(str(tmp_path / "warehouse" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from landing.report_files").fetchone() == (len(SEEDS) + 2,)


def test_dbt_builds_in_full_unless_its_last_success_was_by_the_landings_code(tmp_path, raw):
    layout = WarehouseLayout(tmp_path / "warehouse")
    assert why_build_in_full(layout) == "the landing records no code hash"
    _load(layout.root, raw, ingest.ParseCache(tmp_path / "parsed", version="v1"))
    assert why_build_in_full(layout) == "no build has succeeded on this warehouse"
    tested = "intermediate.int_tested_reports"
    for sql, reason in (
            (f"create schema intermediate; create table {tested} (sha256 varchar, code_hash varchar)",
             "the last successful build had no report"),
            (f"insert into {tested} values ('a', 'older code'), ('b', 'older code')",
             "the pipeline's code changed since the last successful build"),
            (f"update {tested} set code_hash = 'code'", None)):
        with duckdb.connect(str(layout.database)) as con:
            con.execute(sql)
        assert why_build_in_full(layout) == reason
