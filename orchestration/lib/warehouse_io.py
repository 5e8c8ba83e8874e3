"""DuckDB connections of the pipeline, and reading relations of the working warehouse as DataFrames."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .memory import memory_limit_setting
from .paths import WarehouseLayout


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection for batch work: no console progress bars, no ordering guarantee for bulk
    copies (halves the time of the large CREATE TABLE AS), bounded memory."""
    con = duckdb.connect(str(path), read_only=read_only, config={
        "preserve_insertion_order": False, "memory_limit": memory_limit_setting()})
    con.execute("set enable_progress_bar = false")  # a session option only
    return con


_RELATION = re.compile(r"^[a-z_]+\.[a-z_]+$")
_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


def _checked(pattern: re.Pattern, name: str) -> str:
    if not pattern.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


@dataclass(frozen=True)
class RowFilter:
    """Rows of a relation: batch i of n by hash of `column`, and/or only those whose `column` is
    one of `keys` (None: any)."""
    column: str
    batch: tuple[int, int] | None = None
    keys: list[str | None] | None = None

    def where(self) -> tuple[str, list]:
        column = _checked(_COLUMN, self.column)
        conditions, params = ["true"], []
        if self.batch:
            index, batches = self.batch
            conditions.append(f"hash({column}) % {int(batches)} = {int(index)}")
        if self.keys is not None:
            # One list parameter: DuckDB filters at the scan, also through a view. A null key (a
            # row that a not-null expectation is there to catch) stands for the rows without one.
            nulls = f" or {column} is null" if None in self.keys else ""
            conditions.append(f"({column} in (select unnest(?::varchar[])){nulls})")
            params.append([key for key in self.keys if key is not None])
        return " where " + " and ".join(conditions), params


def count_rows(layout: WarehouseLayout, relation: str, rows: RowFilter | None = None) -> int:
    where, params = rows.where() if rows else ("", [])
    with connect(layout.database, read_only=True) as con:
        return con.execute(f"select count(*) from {_checked(_RELATION, relation)}{where}", params).fetchone()[0]


def read_relation(layout: WarehouseLayout, relation: str, columns: list[str] | None = None,
                  rows: RowFilter | None = None) -> pd.DataFrame:
    """Rows of `relation` (those of `rows` if given), only `columns` if given."""
    select = ", ".join(_checked(_COLUMN, c) for c in columns) if columns else "*"
    where, params = rows.where() if rows else ("", [])
    with connect(layout.database, read_only=True) as con:
        # Through Arrow: strings stay Arrow-backed, 4x faster than .df() building Python objects.
        return con.sql(f"select {select} from {_checked(_RELATION, relation)}{where}", params=params
                       ).to_arrow_table().to_pandas()
