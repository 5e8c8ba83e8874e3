"""Publishing: the validated marts become `published.duckdb` (one rename) and Parquet copies.

BI tools open only the published file. It is built beside the old one and renamed over it, so a
reader sees either the old or the new snapshot, never a half-written one, and a reader holding the
old file open keeps its snapshot (the rename does not touch the open inode).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb

from .paths import WarehouseLayout

PUBLISHED_MARTS = (
    "fct_agency_year",
    "dim_agency",
    "fct_application_outcomes",
    "fct_review_litigation",
    "fct_report_values",
    "reports",
    "quality_issues",
)


@dataclass(frozen=True)
class Publication:
    database: str
    row_counts: dict[str, int]
    published_at: str


def publish_marts(layout: WarehouseLayout) -> Publication:
    layout.root.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    tmp_db = layout.root / f".published.{token}.duckdb"
    tmp_parquet = layout.root / f".published.{token}.parquet.d"
    tmp_parquet.mkdir()
    counts: dict[str, int] = {}
    published_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        with duckdb.connect(str(tmp_db)) as con:
            con.execute("attach ? as source (read_only)", [str(layout.database)])
            for mart in PUBLISHED_MARTS:
                con.execute(f"create table main.{mart} as select * from source.marts.{mart}")
                counts[mart] = con.execute(f"select count(*) from main.{mart}").fetchone()[0]
                con.execute(f"copy main.{mart} to ? (format parquet)", [str(tmp_parquet / f"{mart}.parquet")])
            con.execute("create table main.publication as select ? as published_at, ? as row_counts",
                        [published_at, json.dumps(counts)])
            con.execute("detach source")
        layout.published_parquet.mkdir(parents=True, exist_ok=True)
        for mart in PUBLISHED_MARTS:
            os.replace(tmp_parquet / f"{mart}.parquet", layout.published_parquet / f"{mart}.parquet")
        # The database last: it is the one commit point BI tools read.
        os.replace(tmp_db, layout.published_database)
    finally:
        tmp_db.unlink(missing_ok=True)
        for leftover in tmp_parquet.glob("*"):
            leftover.unlink()
        tmp_parquet.rmdir()
    return Publication(str(layout.published_database), counts, published_at)
