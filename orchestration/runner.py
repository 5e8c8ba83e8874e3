"""`ogi run`: the Dagster job of definitions.py, executed in this process (or a process pool)."""

from __future__ import annotations

import gc
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from .defs.executors import multiprocess_execution
from .event_log import event_log_storage
from .lib.paths import WarehouseLayout
from .run_lock import warehouse_lock
from .step_processes import step_server, use_directories


# The run's Dagster instance is thrown away afterwards; its SQLite event log commits every event
# with an fsync, which on tmpfs costs microseconds instead of a disk flush (~500 events per run).
INSTANCE_TMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    published: bool
    failed_steps: dict[str, str]  # step → the error that failed it
    blocked_checks: list[str]


def _root_cause(error) -> str:
    """The user's exception, not Dagster's wrapper around it."""
    while error is not None and error.cause is not None:
        error = error.cause
    return error.message.strip() if error is not None else "unknown error"


def _pipeline_job():
    from .definitions import defs

    return defs.resolve_job_def("ogi_pipeline")


@contextmanager
def _frozen_heap():
    """The in-process run's steps allocate beside the definitions' objects: frozen, those stay
    out of the garbage collector's full passes (see step_server.py). Thawed afterwards, so
    that this process can still free them."""
    _pipeline_job()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_pipeline(raw: Path, warehouse_dir: Path, workers: int = 1) -> RunOutcome:
    use_directories(raw, warehouse_dir)
    layout = WarehouseLayout(warehouse_dir.resolve())
    with warehouse_lock(layout), tempfile.TemporaryDirectory(prefix="ogi-dagster-", dir=INSTANCE_TMP) as home:
        overrides = {"event_log_storage": event_log_storage(str(Path(home) / "history" / "runs"))}
        with dg.DagsterInstance.local_temp(tempdir=home, overrides=overrides) as instance:
            # Naming the logger in the run config swaps Dagster's event log on the console for
            # one line per stage (the UI's runs keep the default).
            run_config: dict = {"loggers": {"console": {}}}
            if workers <= 1:
                with _frozen_heap():
                    result = _pipeline_job().execute_in_process(
                        run_config=run_config, instance=instance, raise_on_error=False)
            else:
                run_config["execution"] = multiprocess_execution(max_concurrent=workers)
                # Already running if `ogi run` started it; started here before the definitions load.
                with step_server():
                    result = dg.execute_job(dg.reconstructable(_pipeline_job), instance, run_config=run_config)
            failed = {e.step_key: _root_cause(e.step_failure_data.error)
                      for e in result.all_events if e.is_step_failure}
            blocked = [
                e.asset_check_evaluation_data.check_name for e in result.all_events
                if e.event_type_value == "ASSET_CHECK_EVALUATION"
                and not e.asset_check_evaluation_data.passed
                and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR
            ]
            published = any(
                e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key == dg.AssetKey("published_marts")
                for e in result.all_events)
            return RunOutcome(result.success and not blocked, published, failed, blocked)
