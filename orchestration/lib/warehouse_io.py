"""DuckDB connections of the pipeline, and reading relations of the working warehouse as DataFrames."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from .paths import WarehouseLayout

# Memory DuckDB may use per connection before spilling to disk: bounds a run at national scale.
MEMORY_LIMIT = "4GB"


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection for batch work: no console progress bars, no ordering guarantee for bulk
    copies (halves the time of the large CREATE TABLE AS), bounded memory."""
    con = duckdb.connect(str(path), read_only=read_only, config={
        "preserve_insertion_order": False, "memory_limit": MEMORY_LIMIT})
    con.execute("set enable_progress_bar = false")  # a session option only
    return con


_RELATION = re.compile(r"^[a-z_]+\.[a-z_]+$")
_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


def _checked(pattern: re.Pattern, name: str) -> str:
    if not pattern.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def count_rows(layout: WarehouseLayout, relation: str) -> int:
    with connect(layout.database, read_only=True) as con:
        return con.execute(f"select count(*) from {_checked(_RELATION, relation)}").fetchone()[0]


def read_relation(layout: WarehouseLayout, relation: str, columns: list[str] | None = None,
                  partition: tuple[str, int, int] | None = None) -> pd.DataFrame:
    """Rows of `relation`, only `columns` if given, only batch i of n by hash of a key if given."""
    select = ", ".join(_checked(_COLUMN, c) for c in columns) if columns else "*"
    sql = f"select {select} from {_checked(_RELATION, relation)}"
    if partition:
        column, index, batches = partition
        sql += f" where hash({_checked(_COLUMN, column)}) % {int(batches)} = {int(index)}"
    with connect(layout.database, read_only=True) as con:
        # Through Arrow: strings stay Arrow-backed, 4x faster than .df() building Python objects.
        return con.sql(sql).to_arrow_table().to_pandas()
