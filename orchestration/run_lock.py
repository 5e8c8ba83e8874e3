"""One run per warehouse at a time. Standard library only, so that `ogi run` can refuse before it
starts the step server and imports Dagster: seconds of both cores otherwise, taken from the run
that holds the warehouse."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

from .lib.paths import WarehouseLayout


class RunLockedError(RuntimeError):
    """Another run holds the warehouse."""


@contextmanager
def warehouse_lock(layout: WarehouseLayout):
    """Held for the whole run; a second one refuses at once with who holds it."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another run is using {layout.root} (pid {holder}); wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def refuse_if_locked(layout: WarehouseLayout) -> None:
    """Raise RunLockedError if a run holds the warehouse now. Only to refuse early: the run still
    takes the lock itself, and refuses then if another run took it in between."""
    with warehouse_lock(layout):
        pass
