"""The hash of a publication's inputs: equal exactly when a rebuild would reproduce the marts."""

import json
import os
import shutil

from orchestration.lib import ingest, validation
from orchestration.lib.inputs import publication_inputs
from orchestration.lib.parsing.model import ParsedReport
from tests.conftest import SEEDS, recorded_inventory


def _state(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    for name in ("000", "003"):
        if not (raw / SEEDS[name].name).exists():
            shutil.copy(SEEDS[name], raw / SEEDS[name].name)
    return raw, recorded_inventory(raw)


def test_the_hash_changes_with_the_files_the_cache_and_the_suites_and_only_with_them(tmp_path, monkeypatch):
    raw, inventory = _state(tmp_path)
    cache = ingest.ParseCache(tmp_path / "parsed", version="v1")
    cache.write_chunk([ParsedReport(file="a.txt", sha256="abc", size=1)])
    first = publication_inputs(inventory, cache)
    assert publication_inputs(_state(tmp_path)[1], ingest.ParseCache(tmp_path / "parsed", version="v1")) == first

    # A touched file (same bytes, new mtime): the selection prefers the newest file.
    os.utime(raw / SEEDS["000"].name, (2_000_000_000, 2_000_000_000))
    touched = _state(tmp_path)[1]
    assert publication_inputs(touched, cache) != first
    assert publication_inputs(touched, cache).code == first.code  # the same code: the next publication patches

    # A new chunk, or another parser version.
    cache.write_chunk([ParsedReport(file="b.txt", sha256="def", size=1)])
    grown = publication_inputs(touched, cache)
    other_parser = publication_inputs(touched, ingest.ParseCache(tmp_path / "parsed", version="v2"))
    assert grown not in (first, other_parser)
    assert grown.code == first.code != other_parser.code

    # A stricter suite.
    strict = tmp_path / "expectations"
    shutil.copytree(validation.EXPECTATIONS_DIR, strict)
    suite = json.loads((strict / "reports.json").read_text(encoding="utf-8"))
    suite["meta"]["description"] += " (stricter)"
    (strict / "reports.json").write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(validation, "EXPECTATIONS_DIR", strict)
    assert publication_inputs(touched, cache) != grown
    assert publication_inputs(touched, cache).code != grown.code
