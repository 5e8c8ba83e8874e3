"""Where the pipeline's step processes come from: a fork server that has loaded the definitions
once (orchestration/step_server.py). Standard library only, so that `ogi run` can start the
server before it imports Dagster itself: the two loads, each seconds long, then run at once on
the machine's two cores, and the first step starts that much sooner."""

from __future__ import annotations

import os
from contextlib import contextmanager
from multiprocessing import forkserver
from pathlib import Path

from .lib.paths import RAW_DIR_ENV, WAREHOUSE_DIR_ENV

STEP_SERVER_PRELOAD = ["dagster._core.executor.multiprocess", "orchestration.step_server"]


def use_directories(raw: Path, warehouse_dir: Path) -> None:
    """The run's directories, read by its steps from the environment (the fork server's too)."""
    os.environ[RAW_DIR_ENV] = str(raw.resolve())
    os.environ[WAREHOUSE_DIR_ENV] = str(warehouse_dir.resolve())


def start_step_server() -> None:
    """Start the fork server if it is not running; it keeps the environment it starts with."""
    forkserver.set_forkserver_preload(STEP_SERVER_PRELOAD)
    forkserver.ensure_running()


@contextmanager
def step_server():
    """The fork server for one run, stopped afterwards: a next run in this process may use other
    directories."""
    start_step_server()
    try:
        yield
    finally:
        forkserver._forkserver._stop()  # noqa: SLF001 - the one way to drop its environment
