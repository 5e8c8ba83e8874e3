"""Publishing: the validated marts become `published.duckdb` (one rename) and Parquet copies.

BI tools open only the published file. It is built beside the old one and renamed over it, so a
reader sees either the old or the new snapshot, never a half-written one, and a reader holding the
old file open keeps its snapshot (the rename does not touch the open inode).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .paths import WarehouseLayout
from .warehouse_io import connect

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
    """Build the new publication beside the old one, then switch: the database first (the commit
    point BI tools read), then the Parquet directory (a symlink to a release directory, replaced by
    one rename). A run killed before the first switch leaves everything as it was; killed between
    the two, the Parquet copies stay one publication behind until the next run."""
    layout.root.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    tmp_db = layout.root / f".published.{token}.duckdb"
    release = layout.root / f".published-{token}"
    release.mkdir()
    counts: dict[str, int] = {}
    published_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        with connect(tmp_db) as con:
            con.execute("attach ? as source (read_only)", [str(layout.database)])
            for mart in PUBLISHED_MARTS:
                con.execute(f"create table main.{mart} as select * from source.marts.{mart}")
                counts[mart] = con.execute(f"select count(*) from main.{mart}").fetchone()[0]
                con.execute(f"copy main.{mart} to ? (format parquet)", [str(release / f"{mart}.parquet")])
            con.execute("create table main.publication as select ? as publication_id, ? as published_at, "
                        "? as row_counts", [token, published_at, json.dumps(counts)])
            con.execute("detach source")
        (release / "_publication.json").write_text(json.dumps(
            {"publication_id": token, "published_at": published_at, "row_counts": counts}), encoding="utf-8")
        os.replace(tmp_db, layout.published_database)
        _switch_parquet(layout, release)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        shutil.rmtree(release, ignore_errors=True)
        raise
    return Publication(str(layout.published_database), counts, published_at)


def _switch_parquet(layout: WarehouseLayout, release: Path) -> None:
    link = layout.published_parquet
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain directory from an older layout
    tmp_link = layout.root / f".published-link-{release.name}"
    tmp_link.symlink_to(release.name)
    os.replace(tmp_link, link)
    for old in layout.root.glob(".published-*"):
        if old != release and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)  # open files stay readable until closed
