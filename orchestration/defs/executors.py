"""How the pipeline job's steps start: forked from a server that has loaded the definitions once
(orchestration/step_server.py), instead of each step importing Dagster, dagster-dbt and the
definitions again (seconds per step). Used by `ogi run --workers N` and by runs the UI, the
sensor and the schedule launch."""

STEP_SERVER_PRELOAD = ["dagster._core.executor.multiprocess", "orchestration.step_server"]
FORKSERVER = {"forkserver": {"preload_modules": STEP_SERVER_PRELOAD}}
