"""The landing zone: which files are in raw/, which contents still need parsing, and the parse cache.

Files are keyed by the SHA-256 of their bytes: a renamed or copied file is not parsed again, and a
changed file is. The listing reads no file; each new or touched file is then read exactly once, by
the parse shard that hashes and parses it (on a cold disk, reading is what a national run waits
on). Parsed results are cached as Parquet chunks per parser version, so a run parses only new
content and a parser change re-parses everything.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import shutil
import uuid
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISREG

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .parsing import parse_report
from .parsing.model import STATUS_REJECTED, Issue, ParsedReport

INVENTORY_SCHEMA = pa.schema([
    ("path", pa.string()),          # relative to the raw directory, '/'-separated
    ("sha256", pa.string()),        # null when the file could not be read
    ("size", pa.int64()),
    ("mtime_ns", pa.int64()),
    ("read_error", pa.string()),
])
REPORTS_SCHEMA = pa.schema([
    ("sha256", pa.string()), ("file", pa.string()), ("size", pa.int64()), ("status", pa.string()),
    ("reason", pa.string()), ("encoding", pa.string()), ("agency_raw", pa.string()),
    ("agency", pa.string()), ("year", pa.int32()), ("template", pa.string()),
    ("template_reason", pa.string()), ("parser_version", pa.string()),
])
VALUES_SCHEMA = pa.schema([
    ("sha256", pa.string()), ("key", pa.string()), ("value", pa.float64()), ("source", pa.string()),
    ("line", pa.int32()), ("source_text", pa.string()), ("note", pa.string()),
])
ISSUES_SCHEMA = pa.schema([
    ("sha256", pa.string()), ("code", pa.string()), ("message", pa.string()), ("key", pa.string()),
])
CHUNK_TABLES = {"reports": REPORTS_SCHEMA, "values": VALUES_SCHEMA, "issues": ISSUES_SCHEMA}


@lru_cache(maxsize=1)
def parser_version() -> str:
    """Hash of the parser's own source, its key list and the cache's table layout: any change to
    them invalidates the cache (a chunk written with other columns must not land beside new ones)."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted((package / "parsing").glob("*.py")) + [package / "metrics.csv"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for name, schema in CHUNK_TABLES.items():
        digest.update(f"{name}: {schema}".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class InventoryChange:
    files: int
    added: int
    changed: int
    removed: int
    unreadable: int


def list_raw(raw_dir: Path, previous: pa.Table | None = None) -> pa.Table:
    """List every regular file under raw_dir, without reading any.

    A file whose path, size and mtime match the previous inventory keeps its hash; the others have
    none yet (sha256 and read_error null): the parse stage reads each of them once, to hash and
    parse it. Symbolic links are listed but never followed out of raw_dir.

    Built as columns and matched with the previous inventory in Arrow: as Python rows, listing a
    million files took 9.7 s, now 6.2-6.6 s, half of it the kernel's stat calls. Threads do not
    help: each stat is too short for them to share the GIL well (4 threads: 11 s).
    """
    paths: list[str] = []
    sizes: list[int | None] = []
    mtimes: list[int | None] = []
    errors: list[str | None] = []
    root = raw_dir.resolve()
    for rel, entry in _walk(root, ""):
        paths.append(rel)
        try:
            # Only a link can lead out of raw_dir: the walk itself never enters linked directories.
            if entry.is_symlink():
                target = Path(entry.path).resolve(strict=True)
                if root not in target.parents:
                    raise PermissionError(f"symbolic link points outside the raw directory ({target})")
                stat = target.stat()
            else:
                stat = entry.stat()
        except OSError as err:
            sizes.append(None)
            mtimes.append(None)
            errors.append(_os_error(err))
            continue
        sizes.append(stat.st_size)
        mtimes.append(stat.st_mtime_ns)
        errors.append(None)
    listing = pa.table({"path": pa.array(paths, pa.string()), "size": pa.array(sizes, pa.int64()),
                        "mtime_ns": pa.array(mtimes, pa.int64())})
    return pa.Table.from_arrays(
        [listing["path"], _unchanged_hashes(listing, previous), listing["size"], listing["mtime_ns"],
         pa.array(errors, pa.string())], schema=INVENTORY_SCHEMA)


def _unchanged_hashes(listing: pa.Table, previous: pa.Table | None) -> pa.ChunkedArray:
    """Each listed file's hash in the previous inventory if its path, size and mtime are the same
    there, else null."""
    if previous is None:
        return pa.chunked_array([pa.nulls(listing.num_rows, pa.string())])
    at = _rows_in(listing, previous)
    unchanged = pc.and_(pc.equal(listing["size"], previous["size"].take(at)),
                        pc.equal(listing["mtime_ns"], previous["mtime_ns"].take(at)))
    return pc.if_else(pc.fill_null(unchanged, False), previous["sha256"].take(at), None)


def _rows_in(table: pa.Table, other: pa.Table) -> pa.ChunkedArray:
    """For each path of `table`, its row in `other`, or null where `other` has no such path."""
    return pc.index_in(table["path"], value_set=other["path"])


def _os_error(err: OSError) -> str:
    return f"{type(err).__name__}: {err.strerror or err}"


def _walk(directory: str | Path, prefix: str):
    """(relative path, DirEntry) of every file, dot-names included (a scraped `..report.txt` is
    still a report); hidden directories (.git, .cache) are tooling and skipped. A link to a
    directory is listed, not followed, so it shows up rejected instead of vanishing.
    scandir's entries spare a stat per name. In the order of the paths' components, each
    directory's names sorted (sorting all paths by their split components took 0.4 s of 1.3 at
    101,000 files)."""
    try:
        entries = sorted(os.scandir(directory), key=attrgetter("name"))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith("."):
                yield from _walk(entry.path, f"{prefix}{entry.name}/")
        else:
            yield f"{prefix}{entry.name}", entry


# How many files ahead of the one being parsed a shard asks the kernel to read.
READ_AHEAD_FILES = 32


def _with_read_ahead(raw_dir: Path, paths: list[str]):
    """Each path, after asking the kernel to start reading the file READ_AHEAD_FILES further on:
    a file not in the page cache then arrives while the ones before it are parsed, instead of
    stalling the shard (measured in BENCHMARKS.md)."""
    if not hasattr(os, "posix_fadvise"):  # macOS, Windows: read as they come
        yield from paths
        return
    for ahead in paths[:READ_AHEAD_FILES]:
        _advise_will_need(raw_dir / ahead)
    for i, rel in enumerate(paths):
        if i + READ_AHEAD_FILES < len(paths):
            _advise_will_need(raw_dir / paths[i + READ_AHEAD_FILES])
        yield rel


def _advise_will_need(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO among the files must not wait here
    except OSError:
        return  # read_file will say why
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass  # a file system that cannot tell: the read just comes as it comes
    finally:
        os.close(fd)


def read_file(raw_dir: Path, rel: str) -> tuple[tuple, bytes | None]:
    """(inventory row, bytes) of one file, read once; an unreadable file gets its reason instead."""
    try:
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer, and the run with it
        fd = os.open(raw_dir / rel, os.O_RDONLY | os.O_NONBLOCK)
        try:
            stat = os.fstat(fd)
            if S_ISDIR(stat.st_mode):  # only a link gets here: the listing walks real directories
                raise IsADirectoryError(errno.EISDIR, "a link to a directory, which is not followed "
                                        "(copy or move its files into raw/)")
            if not S_ISREG(stat.st_mode):
                raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)")
        except OSError:
            os.close(fd)
            raise
        with open(fd, "rb", buffering=0) as handle:
            data = handle.read()
    except OSError as err:
        return (rel, None, None, None, _os_error(err)), None
    return (rel, hashlib.sha256(data).hexdigest(), len(data), stat.st_mtime_ns, None), data


def files_to_read(listing: pa.Table, cache: ParseCache | None = None) -> list[str]:
    """Every file to read, in listing order: each one not hashed yet and, given the parse cache, one
    path per known content missing from it (all of them after a parser change)."""
    sha = listing["sha256"]
    wanted = pc.and_(pc.is_null(sha), pc.is_null(listing["read_error"])).to_numpy(zero_copy_only=False)
    if cache is not None:
        missing = pc.and_(pc.is_valid(sha), pc.invert(pc.is_in(sha, value_set=cache.parsed_hash_array())))
        rows = pc.indices_nonzero(missing).to_pylist()
        first_row: dict[str, int] = {}
        for row, content in zip(rows, sha.filter(missing).to_pylist()):
            first_row.setdefault(content, row)
        wanted[list(first_row.values())] = True
    return listing["path"].filter(pa.array(wanted)).to_pylist()


def complete_inventory(listing: pa.Table, read_rows: list[tuple]) -> pa.Table:
    """The listing with the rows of the files the parse stage read (their hash or read error)."""
    if not read_rows:
        return listing
    read = _table(read_rows, INVENTORY_SCHEMA)
    at = _rows_in(listing, read)
    was_read = pc.is_valid(at)
    return pa.Table.from_arrays(
        [pc.if_else(was_read, read[name].take(at), listing[name]) for name in INVENTORY_SCHEMA.names],
        schema=INVENTORY_SCHEMA)


def compare_inventories(previous: pa.Table | None, current: pa.Table) -> InventoryChange:
    if previous is None:
        previous = INVENTORY_SCHEMA.empty_table()
    at = _rows_in(current, previous)
    before, after = previous["sha256"].take(at), current["sha256"]
    same = pc.or_(pc.fill_null(pc.equal(before, after), False), pc.and_(pc.is_null(before), pc.is_null(after)))
    return InventoryChange(
        files=current.num_rows,
        added=at.null_count,
        changed=pc.sum(pc.and_(pc.is_valid(at), pc.invert(same))).as_py() or 0,
        removed=_rows_in(previous, current).null_count,
        unreadable=after.null_count,
    )


def read_inventory(path: Path) -> pa.Table | None:
    return pq.read_table(path) if path.exists() else None


def write_atomically(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


class ParseCache:
    """Parquet chunks of parsed reports, one directory per parser version."""

    def __init__(self, root: Path, version: str | None = None):
        self.version = version or parser_version()
        self.dir = root / self.version
        self._root = root

    @classmethod
    def in_use(cls, root: Path) -> ParseCache:
        """The version the last parse stage wrote (it drops the others), whatever the parser's code
        is now: an edit of the parser during a run must not make the landing load an empty cache."""
        versions = [p for p in root.iterdir() if p.is_dir()] if root.exists() else []
        if not versions:
            return cls(root)
        return cls(root, max(versions, key=lambda p: p.stat().st_mtime_ns).name)

    def parsed_hashes(self) -> set[str]:
        return set(self.parsed_hash_array().to_pylist())

    def parsed_hash_array(self) -> pa.Array:
        """The hashes of every content in the cache, for lookups in Arrow (no Python strings). Read
        as one dataset, whose files Arrow reads at once: a fifth of the time of one by one."""
        files = [str(chunk / "reports.parquet") for chunk in self.chunks()]
        if not files:
            return pa.array([], pa.string())
        return ds.dataset(files, format="parquet").to_table(columns=["sha256"])["sha256"].combine_chunks()

    def chunks(self) -> list[Path]:
        """Complete chunks only: a chunk directory appears by one rename once all its files exist."""
        return sorted(p for p in self.dir.glob("chunk-*") if p.is_dir()) if self.dir.exists() else []

    def drop_other_versions(self) -> list[str]:
        dropped = []
        if self._root.exists():
            for old in self._root.iterdir():
                if old.is_dir() and old.name != self.version:
                    shutil.rmtree(old, ignore_errors=True)
                    dropped.append(old.name)
        return dropped

    def write_chunk(self, reports: list[ParsedReport]) -> Path:
        tables = _to_tables(reports, self.version)
        self.dir.mkdir(parents=True, exist_ok=True)
        name = f"chunk-{uuid.uuid4().hex}"
        tmp = self.dir / f".{name}.tmp"
        tmp.mkdir()
        for table_name, table in tables.items():
            # Without the Arrow schema in the file, a reader sees the dictionary-encoded columns
            # as the plain strings of CHUNK_TABLES (Parquet stores both alike).
            pq.write_table(table, tmp / f"{table_name}.parquet", store_schema=False)
        final = self.dir / name
        os.replace(tmp, final)
        return final


def shard_of(path: str, shards: int) -> int:
    """By path, since a new file's hash is known only once its shard has read it."""
    return zlib.crc32(path.encode()) % shards


@dataclass
class ShardResult:
    """What a parse shard did: the inventory rows of the files it read, and the contents it parsed
    (hash → rejected?)."""
    files: list[tuple] = field(default_factory=list)
    parsed_contents: dict[str, bool] = field(default_factory=dict)

    def add(self, rows: list[tuple], reports: list[ParsedReport]) -> None:
        self.files.extend(rows)
        self.parsed_contents.update((r.sha256, r.status == STATUS_REJECTED) for r in reports)

    @property
    def parsed(self) -> int:
        return len(self.parsed_contents)

    @property
    def rejected(self) -> int:
        return sum(self.parsed_contents.values())

    @classmethod
    def merged(cls, results) -> tuple[ShardResult, int]:
        """All shards' results, and how many contents more than one shard parsed: the same new
        bytes under two paths that went to two shards (the landing keeps one copy)."""
        total = cls()
        parses = 0
        for result in results:
            total.files.extend(result.files)
            total.parsed_contents.update(result.parsed_contents)
            parses += result.parsed
        return total, parses - total.parsed


def parse_chunk(raw_dir: Path, paths: list[str], known: set[str], cache: ParseCache, result: ShardResult) -> None:
    """Read, hash and parse one chunk of a shard's files, write what was parsed to the cache as one
    chunk, and add it all to result.

    The cycle collector is paused meanwhile. The parser makes no reference cycles (a test checks
    it), so the collector would free nothing, yet its passes walk every object a chunk keeps alive
    until it is written, ~150 per report: about 5% of a shard's time (BENCHMARKS.md). The chunk's
    objects are freed, with _parse_and_write's locals, before it resumes.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        _parse_and_write(raw_dir, paths, known, cache, result)
    finally:
        if collecting:
            gc.enable()


def _parse_and_write(raw_dir: Path, paths: list[str], known: set[str], cache: ParseCache,
                     result: ShardResult) -> None:
    rows, reports = read_and_parse(raw_dir, paths, known)
    if reports:
        cache.write_chunk(reports)
    result.add(rows, reports)


def read_and_parse(raw_dir: Path, paths: list[str], known: set[str]) -> tuple[list[tuple], list[ParsedReport]]:
    """Read each file once: its inventory row, and its report unless its content is `known` (in
    the cache, or a copy read earlier), which it then becomes.

    One bad file never fails the others: an unreadable file gets its reason in the inventory, and a
    parser crash becomes a rejected report (re-tried when the parser changes).
    """
    rows, reports = [], []
    for rel in _with_read_ahead(raw_dir, paths):
        row, data = read_file(raw_dir, rel)
        rows.append(row)
        sha = row[1]
        if data is None or sha in known:
            continue
        known.add(sha)
        try:
            reports.append(parse_report(data, rel))
        except Exception as err:  # noqa: BLE001 - any parser bug must stay one report's problem
            reports.append(ParsedReport(
                file=rel, sha256=sha, size=len(data), status=STATUS_REJECTED,
                reason=f"parser_error: {type(err).__name__}: {err}",
                issues=[Issue("parser_error", f"{type(err).__name__}: {err}")]))
    return rows, reports


def _to_tables(reports: list[ParsedReport], version: str) -> dict[str, pa.Table]:
    report_rows = [(r.sha256, r.file, r.size, r.status, r.reason, r.encoding, r.agency_raw, r.agency,
                    r.year, r.template, r.template_reason, version) for r in reports]
    # Columns, not row tuples: a chunk has ~140 values per report. The string columns repeat (a
    # report's hash on each of its values, a row's label text on each of its cells), so they are
    # built as codes into their distinct strings: a few thousand instead of 280,000 strings per
    # chunk, which halves the memory a chunk takes to write (BENCHMARKS.md).
    report_of: list[int] = []
    values: list = []
    keys, provenances = _Codes(), _Codes()
    for i, r in enumerate(reports):
        report_keys = tuple(r.values)
        report_of.extend([i] * len(report_keys))
        keys.extend_run(report_keys)
        values.extend(r.values.values())
        provenances.extend([r.provenance.get(k) for k in report_keys])
    # A row's cells share one provenance (41,000 distinct for 277,000 values in a chunk): its four
    # columns are coded once per distinct provenance, then spread over the values by their
    # provenance's code, in C.
    distinct, spread = provenances.distinct(), provenances.indices()
    sources, texts, notes = _Codes(), _Codes(), _Codes()
    sources.extend([p.source for p in distinct])
    texts.extend([p.text for p in distinct])
    notes.extend([p.note for p in distinct])
    lines = pa.array([p.line for p in distinct], pa.int32()).take(spread)
    hashes = pa.DictionaryArray.from_arrays(pa.array(report_of, pa.int32()),
                                            pa.array([r.sha256 for r in reports], pa.string()))
    columns = [hashes, keys.array(), pa.array(values, pa.float64()), sources.array(spread),
               lines, texts.array(spread), notes.array(spread)]
    issue_rows = [(r.sha256, i.code, i.message, i.key) for r in reports for i in r.issues]
    return {
        "reports": _table(report_rows, REPORTS_SCHEMA),
        "values": pa.Table.from_arrays(columns, names=VALUES_SCHEMA.names),
        "issues": _table(issue_rows, ISSUES_SCHEMA),
    }


class _Codes:
    """A column as codes into its distinct values; of strings, an Arrow dictionary array."""

    def __init__(self) -> None:
        self._code_of: dict = {}
        self._codes: list[int | None] = []
        self._run_codes: dict[tuple, list[int]] = {}

    def extend(self, items: list) -> None:
        code_of = self._code_of
        self._codes.extend([None if s is None else code_of.setdefault(s, len(code_of)) for s in items])

    def extend_run(self, run: tuple) -> None:
        """As extend, for a run that recurs whole, coded once: a report's keys (85 distinct runs
        in a chunk of 2,000 reports)."""
        codes = self._run_codes.get(run)
        if codes is None:
            code_of = self._code_of
            codes = self._run_codes[run] = [code_of.setdefault(s, len(code_of)) for s in run]
        self._codes.extend(codes)

    def distinct(self) -> list:
        return list(self._code_of)

    def indices(self) -> pa.Array:
        return pa.array(self._codes, pa.int32())

    def array(self, spread: pa.Array | None = None) -> pa.DictionaryArray:
        """The column; with `spread`, the column of the rows that hold these codes (of another
        column's values, each standing for a row of this one)."""
        indices = self.indices() if spread is None else self.indices().take(spread)
        return pa.DictionaryArray.from_arrays(indices, pa.array(self.distinct(), pa.string()))


def _table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows)) if rows else [[] for _ in schema]
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)


def pending_changes(raw_dir: Path, inventory: pa.Table | None) -> list[tuple[str, str]]:
    """What a run would ingest now, as (path, change) pairs in path order; empty when raw/ matches
    the inventory. A new path is a change whatever its bytes, so none is read here (the run reads
    it once); a known file whose size or mtime moved is hashed, so that touching it is no change."""
    if inventory is None:
        inventory = INVENTORY_SCHEMA.empty_table()
    listing = list_raw(raw_dir, inventory)
    # Only files without the inventory's hash can differ: new paths, and known ones whose size or
    # mtime moved or that were unreadable. The others kept it, so only these are looked up again.
    suspect = listing.filter(pc.is_null(listing["sha256"]))
    at = _rows_in(suspect, inventory)
    known_sha, known_error = inventory["sha256"].take(at), inventory["read_error"].take(at)
    columns = (suspect["path"], at, suspect["size"], suspect["mtime_ns"], suspect["read_error"], known_sha, known_error)
    changes = []
    for path, inventory_row, size, mtime, error, before_sha, before_error in zip(
            *(column.to_pylist() for column in columns)):
        if inventory_row is None:
            changes.append((path, f"new: {error or f'{size} bytes, mtime {mtime}'}"))
            continue
        sha = None
        if error is None:
            _, sha, _, _, error = read_file(raw_dir, path)[0]
        if (sha, error) != (before_sha, before_error):
            changes.append((path, f"changed: {sha or error}"))
    removed = inventory["path"].filter(pc.is_null(_rows_in(inventory, listing)))
    return changes + [(path, "removed") for path in sorted(removed.to_pylist())]


def changes_fingerprint(inventory: pa.Table | None, changes: list[tuple[str, str]]) -> str:
    """Names a set of changes to the inventory they apply to, so that a file removed and added back
    later is a new run request, not the one already made."""
    digest = hashlib.sha256()
    if inventory is not None and inventory.num_rows:
        # The bytes the row-by-row digest took, so a run already requested is not requested again
        entries = pc.binary_join_element_wise(inventory["path"], pc.fill_null(inventory["sha256"], "None"), "\0")
        digest.update(("\n".join(entries.to_pylist()) + "\n").encode())
    digest.update(b"\1")
    for path, change in changes:
        digest.update(f"{path}\0{change}\n".encode())
    return digest.hexdigest()
