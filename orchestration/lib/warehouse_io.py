"""Reading relations of the working warehouse database (read-only) as DataFrames."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from .paths import WarehouseLayout

_RELATION = re.compile(r"^[a-z_]+\.[a-z_]+$")


def read_relation(layout: WarehouseLayout, relation: str) -> pd.DataFrame:
    if not _RELATION.match(relation):
        raise ValueError(f"not a schema.table name: {relation!r}")
    with duckdb.connect(str(layout.database), read_only=True) as con:
        return con.execute(f"select * from {relation}").df()
