"""The event log of `ogi run`'s throwaway Dagster instance: Dagster's SQLite storage, keeping one
SQLAlchemy engine per database file instead of creating and disposing of one for every event,
and skipping Dagster's alembic check of a database already stamped.

A run stores about 600 events (the dbt step alone 180: a materialization and an asset check
result for every model and test). A fresh engine each time also throws away SQLAlchemy's cache
of compiled statements; storing the dbt step's events took 1.2–1.7 s, and 0.7 s with the engines
kept (BENCHMARKS.md). Only `ogi run` uses it: its instance lives as long as one run, so the
engines (one per run database and one for the index) stay few; the long-lived UI and daemon keep
Dagster's own storage. Connections are not pooled (NullPool, as Dagster does), so none stays open.
"""

from contextlib import contextmanager

import sqlalchemy
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
    create_engine,
)
from sqlalchemy.pool import NullPool


class KeptEnginesEventLogStorage(SqliteEventLogStorage):
    """Overrides three of Dagster's methods: tests/test_event_log.py checks that they still exist."""

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)  # Dagster's builds its own class, not cls

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            # Created on first use: Dagster's __init__ already connects, before a subclass could set it.
            engines = self.__dict__.setdefault("_engines", {})
            engine = engines.get(shard)
            if engine is None:
                engine = engines[shard] = create_engine(
                    self.conn_string_for_shard(shard), poolclass=NullPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _initdb(self, engine, for_index_shard: bool = False) -> None:
        """Dagster checks a database's alembic revision in every process that first connects to it,
        loading alembic's migration scripts each time (~0.1 s per step process). A database
        stamped with a revision is one Dagster's check leaves as it is; only an unstamped one (new,
        or being created by another process) goes through it."""
        with engine.connect() as conn:
            if sqlalchemy.inspect(conn).has_table("alembic_version") and conn.execute(
                    sqlalchemy.text("select version_num from alembic_version")).first():
                return
        super()._initdb(engine, for_index_shard=for_index_shard)


def event_log_storage(base_dir: str) -> dict:
    """The instance override that selects this storage."""
    return {"module": __name__, "class": KeptEnginesEventLogStorage.__name__, "config": {"base_dir": base_dir}}
