"""The parse stage spread over processes: Dagster's multiprocess executor and a local Dask cluster."""

import hashlib
import shutil

import dagster as dg

from orchestration.defs.ingestion.assets import MIN_FILES_PER_SHARD_ENV, PARSE_SHARDS, active_shards
from orchestration.lib.ingest import ParseCache, shard_of
from orchestration.lib.paths import RAW_DIR_ENV, WAREHOUSE_DIR_ENV, WarehouseLayout
from tests.conftest import SEEDS


def parse_on_dask_job():
    from orchestration.definitions import defs

    return defs.resolve_job_def("ogi_parse_on_dask")


def _samples_in_raw(tmp_path, monkeypatch, min_files_per_shard: int) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SEEDS.values():
        shutil.copy(path, raw / path.name)
    monkeypatch.setenv(RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(WAREHOUSE_DIR_ENV, str(tmp_path / "warehouse"))
    monkeypatch.setenv(MIN_FILES_PER_SHARD_ENV, str(min_files_per_shard))


def test_parse_stage_on_a_local_dask_cluster(tmp_path, monkeypatch):
    _samples_in_raw(tmp_path, monkeypatch, min_files_per_shard=1)  # five files, spread over five shards
    run_config = {"execution": {"config": {"cluster": {"local": {"n_workers": 2, "threads_per_worker": 1}}}}}
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        result = dg.execute_job(dg.reconstructable(parse_on_dask_job), instance, run_config=run_config)
        assert result.success
    root = WarehouseLayout(tmp_path / "warehouse").parse_cache
    [version] = [p.name for p in root.iterdir()]  # every shard wrote under the version the run chose
    cache = ParseCache(root, version)
    shards = {shard_of(p.name, active_shards(len(SEEDS))) for p in SEEDS.values()}
    assert len(cache.chunks()) == len(shards) > 1  # one chunk per non-empty shard, each a Dask task
    assert cache.parsed_hashes() == {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.values()}


def test_small_increments_use_fewer_shards(monkeypatch):
    monkeypatch.delenv(MIN_FILES_PER_SHARD_ENV, raising=False)
    sizes = (0, 1, 500, 501, 1000, 1001, 3999, 100_000)
    assert [active_shards(n) for n in sizes] == [min(k, PARSE_SHARDS) for k in (1, 1, 1, 2, 2, 3, 8, 200)]
    monkeypatch.setenv(MIN_FILES_PER_SHARD_ENV, "1")
    assert active_shards(5) == min(5, PARSE_SHARDS)


def test_shard_steps_without_files_are_skipped(tmp_path, monkeypatch):
    from orchestration.definitions import defs

    _samples_in_raw(tmp_path, monkeypatch, min_files_per_shard=2)  # five files, three shards
    job = defs.resolve_job_def("ogi_pipeline")
    ingestion = [dg.AssetKey("raw_report_files"), dg.AssetKey("parsed_reports")]
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, asset_selection=ingestion)
        assert result.success
        ran = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
        skipped = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"}
        # Again with nothing new: shard 0 runs, with no file, so that the inventory is written.
        again = job.execute_in_process(instance=instance, asset_selection=ingestion)
        ran_again = {e.step_key for e in again.all_events if e.event_type_value == "STEP_SUCCESS"}
    with_files = {shard_of(p.name, active_shards(len(SEEDS))) for p in SEEDS.values()}
    assert active_shards(len(SEEDS)) == 3 and with_files == {0, 2}  # shard 1 of 3 got no file
    step = "ingested_raw_files.parse_shard_{}".format
    assert {step(i) for i in range(PARSE_SHARDS)} & ran == {step(i) for i in with_files}
    assert skipped == {step(i) for i in range(PARSE_SHARDS)} - ran
    assert {"ingested_raw_files.record_inventory", "ingested_raw_files.plan_ingest"} <= ran
    assert {step(i) for i in range(PARSE_SHARDS)} & ran_again == {step(0)}
    assert "ingested_raw_files.record_inventory" in ran_again
