import logging
import os
import subprocess
import sys

import dagster as dg
import pytest

from orchestration.definitions import defs


def test_lineage_from_raw_files_to_published_marts():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"raw_report_files", "parsed_reports", "landing/parsed_values", "staging/stg_parsed_values",
            "intermediate/int_value_checks", "marts/fct_agency_year", "marts/dim_agency",
            "marts/fct_application_outcomes", "marts/fct_review_litigation", "marts/reports",
            "marts/quality_issues", "published_marts"} <= keys
    upstream = graph.get(dg.AssetKey("published_marts")).parent_keys
    assert dg.AssetKey(["marts", "fct_agency_year"]) in upstream
    assert dg.AssetKey(["intermediate", "int_published_identity_evaluations"]) in upstream
    assert graph.get(dg.AssetKey(["staging", "stg_parsed_values"])).parent_keys == {
        dg.AssetKey(["landing", "parsed_values"])}


def test_great_expectations_checks_block_publication():
    graph = defs.resolve_asset_graph()
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    assert checks["ge_published_identities"].blocking
    assert checks["ge_fct_agency_year"].blocking
    assert not checks["ge_carry_over"].blocking
    assert sum(name.startswith("ge_") for name in checks) == 6


def test_unattended_runs():
    assert defs.resolve_job_def("ogi_pipeline") is not None
    assert defs.resolve_schedule_def("daily_pipeline_schedule").cron_schedule == "0 3 * * *"
    assert defs.resolve_sensor_def("raw_folder_sensor").job_name == "ogi_pipeline"


def test_any_process_loading_the_code_drops_the_skipped_check_warning():
    """The runs the UI, sensor and schedule launch load only the code location, not `ogi run`."""
    logger = logging.getLogger("dagster._core.execution.plan.active")

    def record(message: str) -> logging.LogRecord:
        return logger.makeRecord(logger.name, logging.WARNING, __file__, 1, message, None, None)

    assert not logger.filter(record("Blocking asset check 'marts/fct_agency_year:ge_fct_agency_year' emitted "
                                    "no result in step 'great_expectations_suites'; downstream step "
                                    "'published_marts' will proceed without gating on it."))
    assert logger.filter(record("any other warning of the execution plan"))


def test_loading_the_code_does_not_import_dask():
    """Every step server, UI code server and `ogi run` loads the definitions; Dask (0.7 s) is
    imported by the runs of ogi_parse_on_dask only."""
    loaded = subprocess.run([sys.executable, "-c", "import sys, orchestration.definitions; "
                             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'dagster_dask')))"],
                            capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_sensor_fires_on_new_or_changed_content_only(tmp_path, monkeypatch):
    import os
    import shutil

    from orchestration.defs.ingestion.sensors import raw_folder_sensor
    from orchestration.lib import ingest
    from orchestration.lib.paths import RAW_DIR_ENV, WAREHOUSE_DIR_ENV, WarehouseLayout
    from tests.conftest import SEEDS

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS["003"], raw / "a.txt")
    monkeypatch.setenv(RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(WAREHOUSE_DIR_ENV, str(tmp_path / "warehouse"))

    def tick(cursor):
        context = dg.build_sensor_context(cursor=cursor)
        return raw_folder_sensor(context), context.cursor

    first, cursor = tick(None)
    assert isinstance(first, dg.RunRequest) and first.run_key == cursor
    again, same = tick(cursor)
    assert isinstance(again, dg.SkipReason) and same == cursor  # requested already
    # The run records the inventory; from then on raw/ matches it.
    listing = ingest.list_raw(raw)
    ingest.write_atomically(ingest.complete_inventory(listing, [ingest.read_file(raw, "a.txt")[0]]),
                            WarehouseLayout(tmp_path / "warehouse").inventory)
    assert isinstance(tick(cursor)[0], dg.SkipReason)
    os.utime(raw / "a.txt", (1, 1))  # touched, same bytes
    assert isinstance(tick(cursor)[0], dg.SkipReason)
    shutil.copy(SEEDS["000"], raw / "b.txt")
    changed, new_cursor = tick(cursor)
    assert isinstance(changed, dg.RunRequest) and new_cursor != cursor


def test_a_failed_dbt_build_fails_its_step_with_dbts_own_error(tmp_path, monkeypatch):
    """dbt runs in a process forked from the step (ForkedDbt): its errors must still reach the run. A
    warehouse without landing tables breaks the first staging view."""
    from orchestration.defs.transform.resources import DbtBuildError

    with pytest.raises(DbtBuildError) as failed:
        _materialize_dbt(tmp_path, monkeypatch)
    message = str(failed.value)
    assert message.startswith(f"dbt build --full-refresh failed (log: {tmp_path / 'dbt' / 'dbt.log'}):")
    assert "Table with name \"landing.report_files\" does not exist" in message
    assert "\x1b" not in message, message[:400]
    assert (tmp_path / "dbt" / "dbt.log").stat().st_size > 0


def test_dbt_builds_the_dbt_assets_a_run_selects(tmp_path, monkeypatch):
    """As dagster-dbt's CLI resource would: one seed selected, dbt builds it and runs its tests."""
    import duckdb

    result = _materialize_dbt(tmp_path, monkeypatch, selection=["agency_sectors"])
    assert [m.asset_key for m in result.get_asset_materialization_events()] == [dg.AssetKey("agency_sectors")]
    checks = result.get_asset_check_evaluations()
    assert sorted(c.check_name for c in checks) == [
        "not_null_agency_sectors_pattern", "not_null_agency_sectors_sector", "unique_agency_sectors_pattern"]
    assert all(c.passed for c in checks)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from main.agency_sectors").fetchone() == (48,)
        assert con.execute("select count(*) from duckdb_tables() where schema_name <> 'main'").fetchone() == (0,)


def test_dbt_uses_the_pipelines_memory_limit(tmp_path, monkeypatch):
    """The profile reads OGI_MEMORY_LIMIT, which the dbt process sets to the pipeline's limit: here,
    unset, a quarter of a (pretended) machine of 6 GiB."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    from orchestration.defs.transform import resources
    from orchestration.lib import memory

    seen = tmp_path / "memory_limit"
    close_warehouse = resources._close_warehouse

    def record_then_close() -> None:  # in the dbt process, after the build, on dbt's own connection
        connection = DuckDBConnectionManager._ENV.conn  # noqa: SLF001
        seen.write_text(connection.execute("select current_setting('memory_limit')").fetchone()[0])
        close_warehouse()

    monkeypatch.setattr(resources, "_close_warehouse", record_then_close)
    monkeypatch.delenv(memory.MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.setattr(memory, "_usable_memory", lambda: 6 * 2**30)
    _materialize_dbt(tmp_path, monkeypatch, selection=["agency_sectors"])
    assert seen.read_text() == "1.5 GiB"


def test_a_dbt_process_that_dies_fails_its_step_with_its_exit_code(tmp_path, monkeypatch):
    from orchestration.defs.transform import resources

    monkeypatch.setattr(resources, "_run_dbt", lambda *args: os._exit(3))  # as when the kernel kills it
    with pytest.raises(resources.DbtBuildError, match=r"the dbt process ended without a result \(exit code 3\)"):
        _materialize_dbt(tmp_path, monkeypatch)


def test_dbt_builds_from_its_own_parse_unless_that_is_stale(monkeypatch):
    from dbt.version import __version__ as dbt_version

    from orchestration.defs.transform import resources

    manifest = resources.parsed_manifest()
    assert manifest.metadata.dbt_version == dbt_version
    assert "model.ogi.fct_agency_year" in manifest.nodes
    # Generic tests keep the arguments manifest.json leaves out.
    [unique] = [node for node in manifest.nodes.values() if node.name == "unique_reports_file_path"]
    assert unique.test_metadata.kwargs["column_name"] == "file_path"
    monkeypatch.setattr(resources, "_newest_project_file", lambda project: float("inf"))
    assert resources.parsed_manifest() is None


def test_a_touched_project_file_leaves_dbts_parse_usable(tmp_path):
    """dbt re-parses nothing for a file touched or profiles.yml edited, and keeps its saved parse
    as it was: still current, though older than the file."""
    import shutil

    from dagster_dbt import DbtProject

    from orchestration.defs.transform import resources
    from orchestration.lib.paths import DBT_PROJECT_DIR

    shutil.copytree(DBT_PROJECT_DIR, tmp_path / "dbt", ignore=shutil.ignore_patterns("target", "logs"))
    project = DbtProject(project_dir=tmp_path / "dbt", profiles_dir=tmp_path / "dbt")
    saved = resources.ensure_manifest(project).with_name(resources.PARTIAL_PARSE_FILE)
    written = saved.read_bytes()
    (tmp_path / "dbt" / "profiles.yml").touch()
    resources.ensure_manifest(project)
    assert saved.read_bytes() == written  # dbt did not parse again
    assert saved.stat().st_mtime >= resources._newest_project_file(project)


def _materialize_dbt(warehouse_dir, monkeypatch, **options) -> dg.ExecuteInProcessResult:
    """The dbt assets materialized on their own, with ForkedDbt, into `warehouse_dir`."""
    from orchestration.defs.transform.assets import warehouse_models
    from orchestration.defs.transform.resources import ForkedDbt
    from orchestration.lib.paths import WAREHOUSE_DIR_ENV

    monkeypatch.setenv(WAREHOUSE_DIR_ENV, str(warehouse_dir))
    return dg.materialize([warehouse_models], resources={"dbt": ForkedDbt()}, **options)
