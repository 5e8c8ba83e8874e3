"""Run the pipeline when the landing zone changes: new, edited or removed files."""

import dagster as dg

from ...lib import ingest
from ...lib.paths import raw_dir, warehouse
from ..jobs import pipeline_job


@dg.sensor(job=pipeline_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def raw_folder_sensor(context: dg.SensorEvaluationContext):
    """Compares raw/ with the inventory of the last run without reading new files (the run reads
    each once): a tick stays a directory listing at national scale. Touching a file without
    changing its bytes triggers nothing."""
    inventory = ingest.read_inventory(warehouse().inventory)
    changes = ingest.pending_changes(raw_dir(), inventory)
    if not changes:
        return dg.SkipReason("raw/ matches the inventory of the last run")
    fingerprint = ingest.changes_fingerprint(inventory, changes)
    if fingerprint == context.cursor:
        return dg.SkipReason(f"a run is already requested for these {len(changes)} changes")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint, tags={"ogi/changes": str(len(changes))})
