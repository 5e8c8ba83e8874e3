"""Where everything lives inside one warehouse directory (the only place a run writes)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


def dbt_project_files(root: Path = DBT_PROJECT_DIR) -> list[Path]:
    """The dbt project's own files, what `dbt parse` reads (not its target/ or logs/)."""
    return [root / "dbt_project.yml", root / "profiles.yml"] + [
        p for sub in ("models", "macros", "seeds", "tests") for p in (root / sub).rglob("*")
        if p.suffix in {".sql", ".yml", ".csv"}]


# The two settings a deployment changes; `ogi run --raw/--warehouse` sets them too.
RAW_DIR_ENV = "OGI_RAW_DIR"
WAREHOUSE_DIR_ENV = "OGI_WAREHOUSE_DIR"


@dataclass(frozen=True)
class WarehouseLayout:
    root: Path

    @property
    def database(self) -> Path:
        """dbt's working database: written by the run, never opened by BI tools."""
        return self.root / "warehouse.duckdb"

    @property
    def published_database(self) -> Path:
        return self.root / "published.duckdb"

    @property
    def published_parquet(self) -> Path:
        return self.root / "published"

    @property
    def inventory(self) -> Path:
        return self.root / "landing" / "files.parquet"

    @property
    def parse_cache(self) -> Path:
        return self.root / "landing" / "parsed"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def lock(self) -> Path:
        return self.root / ".run.lock"


def raw_dir() -> Path:
    return Path(os.environ.get(RAW_DIR_ENV, PROJECT_ROOT / "raw")).resolve()


def warehouse() -> WarehouseLayout:
    return WarehouseLayout(Path(os.environ.get(WAREHOUSE_DIR_ENV, PROJECT_ROOT / "warehouse")).resolve())
