import dagster as dg

from ..jobs import pipeline_job

# A daily safety net: the sensor reacts to new files; the schedule rebuilds even if it missed one.
daily_pipeline_schedule = dg.ScheduleDefinition(
    name="daily_pipeline_schedule", job=pipeline_job, cron_schedule="0 3 * * *", execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING)
