import os
import shutil

import pyarrow.parquet as pq

from orchestration.lib import ingest
from orchestration.lib.parsing.model import ParsedReport
from tests.conftest import SEEDS


def _raw(tmp_path, names=("000", "003")):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in names:
        shutil.copy(SEEDS[name], raw / SEEDS[name].name)
    return raw


def test_scan_hashes_and_reuses_hashes_of_untouched_files(tmp_path, monkeypatch):
    raw = _raw(tmp_path)
    first = ingest.scan_raw(raw)
    assert first["path"].to_pylist() == [SEEDS["000"].name, SEEDS["003"].name]
    assert first["sha256"][0].as_py() == "b20fffd11f6ddaffdb458fccf7efeed91958fcf3118f9c5e14fb313a625a016c"

    hashed = []
    real = ingest._sha256
    monkeypatch.setattr(ingest, "_sha256", lambda p: hashed.append(p.name) or real(p))
    (raw / "new.txt").write_text("2019年报告", encoding="utf-8")
    second = ingest.scan_raw(raw, first)
    assert hashed == ["new.txt"]
    change = ingest.compare_inventories(first, second)
    assert (change.files, change.added, change.changed, change.removed) == (3, 1, 0, 0)


def test_links_out_of_raw_and_unreadable_files_are_listed_with_a_reason(tmp_path):
    raw = _raw(tmp_path, ("000",))
    outside = tmp_path / "secret.txt"
    outside.write_text("outside", encoding="utf-8")
    os.symlink(outside, raw / "link.txt")
    locked = raw / "locked.txt"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    rows = {r["path"]: r for r in ingest.scan_raw(raw).to_pylist()}
    assert rows["link.txt"]["sha256"] is None
    assert "outside the raw directory" in rows["link.txt"]["read_error"]
    if os.geteuid() != 0:  # root reads anything
        assert rows["locked.txt"]["read_error"].startswith("PermissionError")


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
    (cache.dir / ".chunk-half.tmp").mkdir()  # a killed writer leaves only a hidden temp dir
    assert len(cache.chunks()) == 1

    newer = ingest.ParseCache(tmp_path / "parsed", version="v2")
    assert newer.parsed_hashes() == set()
    assert newer.drop_other_versions() == ["v1"]
    assert not cache.dir.exists()


def test_inventory_fingerprint_ignores_mtime(tmp_path):
    raw = _raw(tmp_path, ("000",))
    before = ingest.inventory_fingerprint(ingest.scan_raw(raw))
    path = raw / SEEDS["000"].name
    os.utime(path, (1, 1))
    assert ingest.inventory_fingerprint(ingest.scan_raw(raw)) == before
    path.write_bytes(path.read_bytes() + b"\n")
    assert ingest.inventory_fingerprint(ingest.scan_raw(raw)) != before


def test_landing_reads_the_version_the_parse_stage_wrote(tmp_path):
    root = tmp_path / "parsed"
    assert ingest.ParseCache.in_use(root).version == ingest.parser_version()
    written = ingest.ParseCache(root, version="before-an-edit")
    written.write_chunk([ParsedReport(file="a.txt", sha256="abc", size=3)])
    assert ingest.ParseCache.in_use(root).version == "before-an-edit"
