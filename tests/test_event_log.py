"""`ogi run`'s event log storage: Dagster's SQLite storage with its engines kept."""

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.event_log import KeptEnginesEventLogStorage, event_log_storage


@dg.asset
def figure() -> int:
    return 1


@dg.asset_check(asset=figure)
def figure_is_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _three_runs(instance: dg.DagsterInstance) -> list[list[str]]:
    """The types of the events stored for each of three runs, read back from the storage."""
    job = dg.Definitions(assets=[figure], asset_checks=[figure_is_positive]).resolve_implicit_global_asset_job_def()
    runs = [job.execute_in_process(instance=instance).run_id for _ in range(3)]
    assert instance.get_latest_materialization_event(dg.AssetKey("figure")).run_id == runs[-1]
    checks = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(dg.AssetKey("figure"), "figure_is_positive"), limit=10)
    assert sorted(c.run_id for c in checks) == sorted(runs)  # the index database mirrored them
    return [[e.dagster_event.event_type_value for e in instance.all_logs(run) if e.dagster_event] for run in runs]


def test_it_stores_every_event_dagsters_storage_does_through_one_engine_per_database(tmp_path):
    (tmp_path / "dagster").mkdir()
    (tmp_path / "kept").mkdir()
    with dg.DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster")) as instance:
        expected = _three_runs(instance)
    overrides = {"event_log_storage": event_log_storage(str(tmp_path / "kept" / "runs"))}
    with dg.DagsterInstance.local_temp(tempdir=str(tmp_path / "kept"), overrides=overrides) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, KeptEnginesEventLogStorage)
        assert _three_runs(instance) == expected
        assert "ASSET_MATERIALIZATION" in expected[0] and "ASSET_CHECK_EVALUATION" in expected[0]
        runs = {r.run_id for r in instance.get_runs()}
        assert set(storage._engines) == runs | {"index"}  # noqa: SLF001 - one engine per database, kept


def test_a_second_process_reads_the_runs_databases_without_dagsters_alembic_check(tmp_path, monkeypatch):
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    (tmp_path / "dagster").mkdir()
    overrides = {"event_log_storage": event_log_storage(str(tmp_path / "runs"))}
    with dg.DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster"), overrides=overrides) as instance:
        [types] = [events[:1] for events in _three_runs(instance)[:1]]
        run_id = instance.get_runs()[0].run_id

    def no_check(*_):
        raise AssertionError("alembic check of a stamped database")

    monkeypatch.setattr(sqlite_event_log, "check_alembic_revision", no_check)
    step_storage = KeptEnginesEventLogStorage(str(tmp_path / "runs"))  # as a step process opens it
    assert [e.dagster_event.event_type_value for e in step_storage.get_logs_for_run(run_id)
            if e.dagster_event][:1] == types


def test_the_methods_it_overrides_still_exist_in_dagster(tmp_path):
    for name in ("from_config_value", "_connect", "_initdb", "conn_string_for_shard"):
        assert callable(getattr(SqliteEventLogStorage, name)), name
    storage = KeptEnginesEventLogStorage.from_config_value(None, {"base_dir": str(tmp_path)})
    assert isinstance(storage, KeptEnginesEventLogStorage)
    assert {"_db_lock", "_initialized_dbs"} <= vars(storage).keys()
