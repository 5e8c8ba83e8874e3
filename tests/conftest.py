import os
from pathlib import Path

import pytest

from orchestration.lib import ingest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW = PROJECT_ROOT / "raw"
SEEDS = {
    "000": RAW / "000_1779f513d25e1c56.txt",
    "001": RAW / "001_409f4fcd39a1998d.txt",
    "002": RAW / "002_8e9574ec8ccec614.txt",
    "003": RAW / "003_63de72211d80d31d.txt",
    "004": RAW / "004_197c637067fde242.txt",
}


@pytest.fixture
def seed_bytes():
    return lambda name: SEEDS[name].read_bytes()


def recorded_inventory(raw, previous=None):
    """The inventory a run records: the listing, completed by reading the files it did not know."""
    listing = ingest.list_raw(raw, previous)
    return ingest.complete_inventory(
        listing, [ingest.read_file(raw, path)[0] for path in ingest.files_to_read(listing)])
