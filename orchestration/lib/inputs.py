"""Everything a publication is built from, as one hash.

A run whose hash equals the one the standing publication recorded would build the same marts
again (at 100,000 reports: dbt, the checks and publishing, 40 s of a 50 s run that found nothing
new), so it stops after the landing zone and says so. The hash covers the raw files as listed,
the parse cache, the code and data of the pipeline (Python, dbt project, suites, metrics) and the
versions of the libraries that compute the marts: any change to one of them rebuilds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyarrow as pa

from . import validation
from .ingest import ParseCache
from .paths import PROJECT_ROOT, dbt_project_files

_LIBRARIES = ("duckdb", "dbt-core", "dbt-duckdb", "great_expectations", "pandas", "pyarrow")


@dataclass(frozen=True)
class PublicationInputs:
    """`all`: the hash of everything a publication is built from. `code`: of what turns a report
    into rows alone (parser version, code and data, libraries); a publication built with the same
    `code` stays right for every report still selected, so the next one patches it (publish.py)
    instead of rewriting it."""
    all: str
    code: str


def publication_inputs(inventory: pa.Table, cache: ParseCache) -> PublicationInputs:
    code = _code_hash(cache.version)
    digest = hashlib.sha256(code.encode())
    # The files with their hashes, sizes and times (the selection prefers the newest file).
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, inventory.schema) as stream:
        stream.write_table(inventory.combine_chunks())
    digest.update(sink.getvalue())
    # Chunks are never rewritten: their names stand for their contents.
    digest.update("\0".join(chunk.name for chunk in cache.chunks()).encode())
    return PublicationInputs(digest.hexdigest(), code)


def _code_hash(parser_version: str) -> str:
    digest = hashlib.sha256(parser_version.encode())
    for path in _code_files():
        digest.update(str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path).encode())
        digest.update(path.read_bytes())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}=={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()


def _code_files() -> list[Path]:
    package = PROJECT_ROOT / "orchestration"
    files = [p for p in package.rglob("*") if p.suffix in {".py", ".csv"}]
    files += dbt_project_files()
    # Looked up when called: tests point the suites elsewhere.
    files += list(validation.EXPECTATIONS_DIR.glob("*.json"))
    return sorted(p for p in files if p.is_file())
