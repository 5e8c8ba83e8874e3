"""Run the pipeline when the landing zone changes (new or changed content, by hash)."""

import dagster as dg

from ...lib import ingest
from ...lib.paths import raw_dir, warehouse
from ..jobs import pipeline_job


@dg.sensor(job=pipeline_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def raw_folder_sensor(context: dg.SensorEvaluationContext):
    """Fingerprint of (path, sha256) pairs: touching a file without changing it triggers nothing."""
    inventory = ingest.scan_raw(raw_dir(), ingest.read_inventory(warehouse().inventory))
    fingerprint = ingest.inventory_fingerprint(inventory)
    if fingerprint == context.cursor:
        return dg.SkipReason("raw/ unchanged since the last run request")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
