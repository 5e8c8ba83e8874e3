"""What the fork server of the pipeline's step processes loads before forking each of them
(defs/executors.py: `ogi run --workers N` and the runs the UI, sensor and schedule launch).

The definitions (Dagster, dagster-dbt, the dbt manifest) are hundreds of MB of Python objects.
Frozen, they are left out of the garbage collector's full passes, which otherwise walk all of
them each time a step builds up many objects: a step listing and hashing 100,000 files took
25 s instead of 6.
"""

import atexit
import gc
import os
import tempfile

import dagster as dg
import dbt.cli.main  # noqa: F401 - dbt runs in a process forked from the dbt step (transform/resources.py)
import pyarrow.dataset  # noqa: F401 - what pyarrow.parquet imports on its first read, in each step

from . import definitions

# Each step process opens the run's instance, whose storage modules (SQLAlchemy, Alembic, Dagster's
# SQL storages) it would otherwise import anew: half a second per step. Opening a throwaway
# instance here imports them once for all steps.
with tempfile.TemporaryDirectory() as home, dg.DagsterInstance.local_temp(tempdir=home):
    pass
# Likewise, resolving the job imports Dagster's repository modules and builds the job once; each
# step process, forked from here, finds it already built.
definitions.defs.resolve_job_def("ogi_pipeline")

gc.freeze()
# When the run stops the server, it leaves at once (os._exit, as the steps do): tearing down the
# definitions' objects took 1.4 s that `ogi run` waited for, and nothing of it needs flushing.
# Registered last, it runs before every other exit handler.
atexit.register(os._exit, 0)
