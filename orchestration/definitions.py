"""The Dagster code location: what `dagster dev`, the daemon and `ogi run` all load."""

import logging

import dagster as dg

from .defs.ingestion.assets import ingested_raw_files, landing_tables
from .defs.ingestion.schedules import daily_pipeline_schedule
from .defs.ingestion.sensors import raw_folder_sensor
from .defs.jobs import parse_on_dask_job, pipeline_job
from .defs.progress import progress_logger
from .defs.publishing.assets import published_marts, staged_publication
from .defs.quality.checks import ge_checks
from .defs.transform.assets import warehouse_models
from .defs.transform.resources import dbt_resource

defs = dg.Definitions(
    assets=[ingested_raw_files, landing_tables, warehouse_models, staged_publication, published_marts],
    asset_checks=[ge_checks],
    jobs=[pipeline_job, parse_on_dask_job],
    schedules=[daily_pipeline_schedule],
    sensors=[raw_folder_sensor],
    resources={"dbt": dbt_resource},
    loggers={"console": progress_logger},
)


class _SkippedCheckNotice(logging.Filter):
    """Drops Dagster's warning that a step "will proceed without gating" on a blocking check whose
    step emitted no result. Here that happens only when a run found nothing changed: the checks'
    steps are skipped, and so is everything downstream of them, whatever the warning says. (A
    check step that fails, as ours do instead of leaving a result out, still stops publishing.)
    Installed where the code location loads, so that the runs the UI, sensor and schedule launch
    do not log it either."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "emitted no result in step" not in record.getMessage()


logging.getLogger("dagster._core.execution.plan.active").addFilter(_SkippedCheckNotice())
