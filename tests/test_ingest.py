import gc
import os
import shutil
import threading

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.lib import ingest
from orchestration.lib.parsing.model import ParsedReport, Provenance
from tests.conftest import SEEDS, recorded_inventory


def _raw(tmp_path, names=("000", "003")):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in names:
        shutil.copy(SEEDS[name], raw / SEEDS[name].name)
    return raw


def test_listing_reads_no_file_and_keeps_the_hashes_of_untouched_files(tmp_path, monkeypatch):
    raw = _raw(tmp_path)
    first = recorded_inventory(raw)
    assert first["path"].to_pylist() == [SEEDS["000"].name, SEEDS["003"].name]
    assert first["sha256"][0].as_py() == "b20fffd11f6ddaffdb458fccf7efeed91958fcf3118f9c5e14fb313a625a016c"

    read = []
    real = ingest.read_file
    monkeypatch.setattr(ingest, "read_file", lambda root, rel: read.append(rel) or real(root, rel))
    (raw / "new.txt").write_text("2019年报告", encoding="utf-8")
    os.utime(raw / SEEDS["003"].name, (1, 1))  # touched: read again, same hash
    listing = ingest.list_raw(raw, first)
    assert read == []
    assert listing["sha256"].to_pylist() == [first["sha256"][0].as_py(), None, None]
    assert ingest.files_to_read(listing) == [SEEDS["003"].name, "new.txt"]
    second = recorded_inventory(raw, first)
    assert read == [SEEDS["003"].name, "new.txt"]
    change = ingest.compare_inventories(first, second)
    assert (change.files, change.added, change.changed, change.removed) == (3, 1, 0, 0)


def test_after_a_parser_change_each_content_missing_from_the_cache_is_read_once(tmp_path):
    raw = _raw(tmp_path)
    shutil.copy(SEEDS["000"], raw / "copy.txt")  # listed after both seeds
    listing = ingest.list_raw(raw, recorded_inventory(raw))
    assert listing["sha256"].null_count == 0
    cache = ingest.ParseCache(tmp_path / "parsed", version="new")
    assert ingest.files_to_read(listing, cache) == [SEEDS["000"].name, SEEDS["003"].name]
    seed_003 = listing["sha256"][1].as_py()
    cache.write_chunk([ParsedReport(file=SEEDS["003"].name, sha256=seed_003, size=1)])
    assert cache.parsed_hash_array().to_pylist() == [seed_003]
    assert ingest.files_to_read(listing, cache) == [SEEDS["000"].name]


def test_an_unreadable_file_still_unreadable_is_no_change(tmp_path):
    raw = _raw(tmp_path, ("000",))
    os.symlink(raw / "missing.txt", raw / "dangling.txt")
    first = recorded_inventory(raw)
    (raw / "new.txt").write_text("x", encoding="utf-8")
    (raw / SEEDS["000"].name).write_text("edited", encoding="utf-8")
    change = ingest.compare_inventories(first, recorded_inventory(raw, first))
    assert (change.files, change.added, change.changed, change.removed, change.unreadable) == (3, 1, 1, 0, 1)
    assert ingest.compare_inventories(None, first) == ingest.InventoryChange(2, 2, 0, 0, 1)


def test_the_listing_is_in_the_order_of_the_paths_components(tmp_path):
    # '-' < '.' < '/' in plain string order, which would put a/x.txt after a.txt and a-b/y.txt
    for rel in ("ab.txt", "a.txt", "a-b/y.txt", "a/x.txt", "a/b/z.txt", ".hidden/skipped.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    listing = ingest.list_raw(tmp_path)
    assert listing["path"].to_pylist() == ["a/b/z.txt", "a/x.txt", "a-b/y.txt", "a.txt", "ab.txt"]


def test_a_shard_reads_each_file_once_and_parses_each_content_once(tmp_path):
    raw = _raw(tmp_path)
    shutil.copy(SEEDS["000"], raw / "copy.txt")
    (raw / "gone.txt").write_text("x", encoding="utf-8")
    listing = ingest.list_raw(raw)
    (raw / "gone.txt").unlink()  # removed between the listing and the read
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    cache.write_chunk([ParsedReport(file="old.txt", sha256=recorded_inventory(raw)["sha256"][1].as_py(), size=1)])
    parsed = cache.parsed_hashes()
    rows, reports = ingest.read_and_parse(raw, ingest.files_to_read(listing, cache), parsed)
    by_path = {row[0]: row for row in rows}
    assert [r.file for r in reports] == [SEEDS["000"].name]  # its copy and the cached seed are not parsed
    assert by_path["copy.txt"][1] == by_path[SEEDS["000"].name][1] == reports[0].sha256
    assert by_path["gone.txt"][4].startswith("FileNotFoundError")
    inventory = ingest.complete_inventory(listing, rows)
    assert inventory["sha256"].null_count == 1 and inventory.num_rows == 4


def test_a_chunk_is_parsed_with_the_cycle_collector_paused_then_written(tmp_path, monkeypatch):
    raw = _raw(tmp_path)
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    result = ingest.ShardResult()
    collecting = []
    real = ingest.parse_report
    monkeypatch.setattr(ingest, "parse_report", lambda data, name: collecting.append(gc.isenabled()) or real(data, name))
    ingest.parse_chunk(raw, [SEEDS["000"].name, SEEDS["003"].name], set(), cache, result)
    assert collecting == [False, False] and gc.isenabled()
    assert (len(result.files), result.parsed, result.rejected) == (2, 2, 0)
    [chunk] = cache.chunks()
    assert pq.read_table(chunk / "reports.parquet")["file"].to_pylist() == [SEEDS["000"].name, SEEDS["003"].name]


def test_links_out_of_raw_and_unreadable_files_are_listed_with_a_reason(tmp_path):
    raw = _raw(tmp_path, ("000",))
    outside = tmp_path / "secret.txt"
    outside.write_text("outside", encoding="utf-8")
    os.symlink(outside, raw / "link.txt")
    locked = raw / "locked.txt"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    rows = {r["path"]: r for r in recorded_inventory(raw).to_pylist()}
    assert rows["link.txt"]["sha256"] is None
    assert "outside the raw directory" in rows["link.txt"]["read_error"]
    if os.geteuid() != 0:  # root reads anything
        assert rows["locked.txt"]["read_error"].startswith("PermissionError")


def test_a_fifo_or_a_link_to_a_directory_is_rejected_and_never_waited_on(tmp_path):
    raw = _raw(tmp_path, ("000",))
    os.mkfifo(raw / "pipe.txt")  # opening it for reading would wait for a writer forever
    (raw / "inside").mkdir()
    os.symlink(raw / "inside", raw / "inside.txt")
    listing = ingest.list_raw(raw)
    finished = []
    reader = threading.Thread(target=lambda: finished.append(
        ingest.read_and_parse(raw, ingest.files_to_read(listing), set())), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert finished, "reading raw/ waited on the FIFO"
    rows, reports = finished[0]
    errors = {row[0]: row[4] for row in rows}
    assert errors["pipe.txt"] == "OSError: not a regular file (a FIFO, socket or device)"
    assert errors["inside.txt"] == ("IsADirectoryError: a link to a directory, which is not followed "
                                    "(copy or move its files into raw/)")
    open_files = len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        ingest.read_file(raw, "inside.txt")
    assert len(os.listdir("/proc/self/fd")) < open_files + 50  # no descriptor left open per refusal
    assert errors[SEEDS["000"].name] is None and [r.file for r in reports] == [SEEDS["000"].name]


def test_parse_cache_is_per_parser_version_and_chunks_appear_whole(tmp_path):
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    assert cache.parsed_hashes() == set()
    report = ParsedReport(file="a.txt", sha256="abc", size=3, template="old", year=2018, agency="甲局",
                          values={"apps.received": 13})
    chunk = cache.write_chunk([report])
    assert cache.parsed_hashes() == {"abc"}
    values = pq.read_table(chunk / "values.parquet").to_pylist()
    assert values == [{"sha256": "abc", "key": "apps.received", "value": 13.0, "source": None,
                       "line": None, "source_text": None, "note": None}]
    # Repeated strings are stored as codes; a reader still gets the plain columns and values.
    row = Provenance(line=7, source="table", text="收到申请 | 5 | 3", note="row 1")
    two = [ParsedReport(file=f"{name}.txt", sha256=name, size=1, values={"a": 5, "b": 3, "c": None},
                        provenance={"a": row, "b": row}) for name in ("x", "y")]
    sentence = Provenance(line=9, source="prose", text="受理申请3件")
    other_keys = ParsedReport(file="z.txt", sha256="z", size=1, values={"b": 3, "a": None},
                              provenance={"b": sentence, "a": row})
    chunk = cache.write_chunk([*two, other_keys])
    assert pq.read_schema(chunk / "values.parquet") == ingest.VALUES_SCHEMA
    assert [tuple(v.values()) for v in pq.read_table(chunk / "values.parquet").to_pylist()] == [
        (name, key, value, *(("table", 7, "收到申请 | 5 | 3", "row 1") if key != "c" else (None,) * 4))
        for name in ("x", "y") for key, value in (("a", 5.0), ("b", 3.0), ("c", None))] + [
        ("z", "b", 3.0, "prose", 9, "受理申请3件", None), ("z", "a", None, "table", 7, "收到申请 | 5 | 3", "row 1")]
    (cache.dir / ".chunk-half.tmp").mkdir()  # a killed writer leaves only a hidden temp dir
    assert len(cache.chunks()) == 2

    newer = ingest.ParseCache(tmp_path / "parsed", version="v2")
    assert newer.parsed_hashes() == set()
    assert newer.drop_other_versions() == ["v1"]
    assert not cache.dir.exists()


def test_pending_changes_read_only_touched_known_files(tmp_path, monkeypatch):
    raw = _raw(tmp_path, ("000",))
    name = SEEDS["000"].name
    assert [path for path, _ in ingest.pending_changes(raw, None)] == [name]
    inventory = recorded_inventory(raw)
    assert ingest.pending_changes(raw, inventory) == []

    read = []
    real = ingest.read_file
    monkeypatch.setattr(ingest, "read_file", lambda root, rel: read.append(rel) or real(root, rel))
    os.utime(raw / name, (1, 1))  # touched, same bytes: read to tell, and no change
    (raw / "new.txt").write_text("2019年报告", encoding="utf-8")
    changes = ingest.pending_changes(raw, inventory)
    assert read == [name]  # the new file is left for the run to read
    assert [(path, change.split(":")[0]) for path, change in changes] == [("new.txt", "new")]

    (raw / name).write_bytes((raw / name).read_bytes() + b"\n")
    (raw / "new.txt").unlink()
    assert [(path, change.split(":")[0]) for path, change in ingest.pending_changes(raw, inventory)] == [
        (name, "changed")]
    (raw / name).unlink()
    assert ingest.pending_changes(raw, inventory) == [(name, "removed")]
    # The same change against another inventory is another run request.
    removed = [(name, "removed")]
    assert ingest.changes_fingerprint(inventory, removed) != ingest.changes_fingerprint(None, removed)


def test_landing_reads_the_version_the_parse_stage_wrote(tmp_path):
    root = tmp_path / "parsed"
    assert ingest.ParseCache.in_use(root).version == ingest.parser_version()
    written = ingest.ParseCache(root, version="before-an-edit")
    written.write_chunk([ParsedReport(file="a.txt", sha256="abc", size=3)])
    assert ingest.ParseCache.in_use(root).version == "before-an-edit"


def test_parser_version_covers_the_cache_layout(monkeypatch):
    before = ingest.parser_version()
    ingest.parser_version.cache_clear()
    monkeypatch.setitem(ingest.CHUNK_TABLES, "values", ingest.VALUES_SCHEMA.append(pa.field("extra", pa.string())))
    try:
        assert ingest.parser_version() != before
    finally:
        ingest.parser_version.cache_clear()  # computed again after monkeypatch restores the layout


def test_a_content_two_shards_parsed_is_counted_once():
    def report(sha, status="parsed"):
        return ParsedReport(file=f"{sha}.txt", sha256=sha, size=1, status=status)

    one, two = ingest.ShardResult(), ingest.ShardResult()
    one.add([("a.txt",), ("b.txt",)], [report("same"), report("x", "rejected")])
    two.add([("c.txt",)], [report("same")])
    total, parsed_twice = ingest.ShardResult.merged([one, two])
    assert (len(total.files), total.parsed, total.rejected, parsed_twice) == (3, 2, 1, 1)
