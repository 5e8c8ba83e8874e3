"""Reading relations of the working warehouse database (read-only) as DataFrames."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from .paths import WarehouseLayout

_RELATION = re.compile(r"^[a-z_]+\.[a-z_]+$")
_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


def _checked(pattern: re.Pattern, name: str) -> str:
    if not pattern.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def count_rows(layout: WarehouseLayout, relation: str) -> int:
    with duckdb.connect(str(layout.database), read_only=True) as con:
        return con.execute(f"select count(*) from {_checked(_RELATION, relation)}").fetchone()[0]


def read_relation(layout: WarehouseLayout, relation: str, columns: list[str] | None = None,
                  partition: tuple[str, int, int] | None = None) -> pd.DataFrame:
    """Rows of `relation`, only `columns` if given, only batch i of n by hash of a key if given."""
    select = ", ".join(_checked(_COLUMN, c) for c in columns) if columns else "*"
    sql = f"select {select} from {_checked(_RELATION, relation)}"
    if partition:
        column, index, batches = partition
        sql += f" where hash({_checked(_COLUMN, column)}) % {int(batches)} = {int(index)}"
    with duckdb.connect(str(layout.database), read_only=True) as con:
        return con.execute(sql).df()
