"""Speed and memory of the parser and of `ogi run` on synthetic corpora; prints markdown tables.

    .venv/bin/python scripts/benchmark.py [--sizes 10000,100000] [--workers 2] [--parse-n 2000]
                                          [--instructions 500] [--accuracy]

Measures, for the project this script lives in (its directory is put first on PYTHONPATH, so a
copy of the repository benchmarks itself, not the installed checkout):

1. parse throughput: `parse_report` on in-memory bytes in one process (= per core), a fresh one
   per pass so that the parser's caches start empty as in a parse shard, which sees each file
   once; overall, without junk files, per template/layout (from the corpus's truth.jsonl), and
   as a parse shard does it (read, hash, parse, write the Parquet chunk);
2. for each size N: `ogi run --workers W` on N generated reports (seed 0) into a fresh warehouse,
   its wall time, its memory (PSS summed over the process tree, sampled every --memory-every
   seconds, with the CPU the sampling took; and the largest single process's max RSS from
   getrusage) and the time of each stage, taken from when the run prints each stage's lines;
3. the run after one new file (the full run's warehouse restored afterwards): what an incremental
   run costs whatever the increment's size; then the incremental run: 1% more files (seed 1, own
   names) added to the same landing zone, run again, checking from the `[parse] N files read, M
   new contents parsed` line that only those were read and parsed; with --incremental-repeat K,
   K times, each from a copy of the warehouse the full run left (the VM's speed moves by 20%
   between two such runs), the median reported; then one sensor tick (raw/ against the
   inventory: nothing pending);
4. a run with nothing changed (what the daily schedule mostly finds): it must stop after the
   landing zone, the standing publication being built from the same inputs;
   after the full and the incremental run, the published values against the corpora's truth:
   exact, withheld, wrong or missing, for reports whose identities hold and the others;
5. with --accuracy, `ogi eval` of each corpus of --sizes: the parser alone against the truth;
6. with --instructions N, the instructions per report of parse_report and of a parse shard,
   counted by valgrind's callgrind: the VM's speed drifts by more than most changes, a count
   does not.

Corpora are kept under --work (default /tmp/ogi-benchmark) and reused when complete;
warehouses are always fresh. Nothing is written inside the repository.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import multiprocessing
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orchestration.lib import ingest  # noqa: E402
from orchestration.lib.evaluation import PUBLISHED_VERDICTS, evaluate_corpus, published_against_truth  # noqa: E402
from orchestration.lib.parsing import parse_report  # noqa: E402
from orchestration.lib.parsing.compiled import PURE_PYTHON_ENV, parser_build  # noqa: E402
from orchestration.lib.paths import WarehouseLayout  # noqa: E402
from orchestration.lib.synthetic import read_truth  # noqa: E402
from orchestration.lib.synthetic.corpus import TRUTH_FILE, generate_corpus  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
       "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DAGSTER_DISABLE_TELEMETRY": "1"}

# The line that ends each stage of `ogi run` (its progress logger prints one line per stage step).
STAGE_ENDS = [
    ("list", re.compile(r"^\s*\[ingest\] \d+ files in .*to read")),
    ("read, hash, parse", re.compile(r"^\s*\[ingest\] \d+ files in .*unreadable")),
    ("landing load", re.compile(r"^\s*\[stage\] ")),
    ("dbt build", re.compile(r"^\s*\[dbt\] \d+ models|^Done\. PASS=")),
    ("GE checks", re.compile(r"^\s*\[check\] ")),  # the last one
    ("publish", re.compile(r"^\s*\[publish\] ")),
]
LAST_STAGE = "summary, exit"
RUN_KINDS = ("full", "one new file", "incremental", "unchanged")
PARSED = re.compile(r"\[parse\] (\d+) files read, (\d+) new contents parsed")
UNCHANGED = re.compile(r"\[stage\] nothing changed since the publication")
INGEST = re.compile(r"\[ingest\] (\d+) files in .*: (\d+) new, (\d+) changed, (\d+) removed")


# ---------------------------------------------------------------------------------------------
# corpora

def corpus(work: Path, n: int, seed: int, workers: int) -> Path:
    """work/corpus-n-seed/raw with truth.jsonl beside it (not in raw/: it is no report)."""
    home = work / f"corpus-{n}-s{seed}"
    raw = home / "raw"
    if not (home / "complete").exists():
        shutil.rmtree(home, ignore_errors=True)
        raw.mkdir(parents=True)
        print(f"generating {n} reports (seed {seed}) in {raw} …", file=sys.stderr, flush=True)
        generate_corpus(n, raw, seed=seed, workers=workers)
        os.replace(raw / TRUTH_FILE, home / TRUTH_FILE)
        (home / "complete").touch()
    return home


# ---------------------------------------------------------------------------------------------
# accuracy

def measure_accuracy(work: Path, n: int, workers: int, gen_workers: int) -> tuple[float, object, int]:
    """`ogi eval` of the n-report corpus: (seconds, its EvaluationResult, files with a mismatch)."""
    home = corpus(work, n, 0, gen_workers)
    files: set[str] = set()
    started = time.monotonic()
    result = evaluate_corpus(home / "raw", workers=workers, truth=home / TRUTH_FILE,
                             on_mismatch=lambda m: files.add(m.file))
    return time.monotonic() - started, result, len(files)


# ---------------------------------------------------------------------------------------------
# parse throughput

@dataclass
class ParseTimes:
    seconds: dict[str, list[float]]

    def rate(self, groups) -> tuple[int, float]:
        times = [t for g in groups for t in self.seconds.get(g, [])]
        return len(times), len(times) / sum(times) if times else 0.0


def _corpus_files(home: Path) -> tuple[dict[str, dict], list[tuple[str, bytes]]]:
    truth = {t["file"]: t for t in read_truth(home)}
    return truth, [(name, (home / "raw" / name).read_bytes()) for name in sorted(truth)]


def _parse_pass(home: Path) -> dict[str, list[float]]:
    """Seconds of each parse_report call, by template/layout, in a fresh process: the parser's
    per-line caches start empty as in a parse shard, which sees each file once."""
    truth, files = _corpus_files(home)
    seconds: dict[str, list[float]] = defaultdict(list)
    for name, data in files:
        t = truth[name]
        group = "junk" if t["kind"] == "junk" else f"{t['template']}/{t['layout']}"
        started = time.perf_counter()
        parse_report(data, name)
        seconds[group].append(time.perf_counter() - started)
    return dict(seconds)


def _shard_pass(home: Path) -> float:
    """Reports/s of what one parse shard does per file on top of parse_report: read, hash, parse,
    turn into Arrow tables and write the Parquet chunk (fresh process too)."""
    _, files = _corpus_files(home)  # read once before, as the run's warm-up does
    started = time.perf_counter()
    _parse_as_a_shard(home, [name for name, _ in files])
    return len(files) / (time.perf_counter() - started)


def _parse_as_a_shard(home: Path, names: list[str]) -> None:
    """What a parse shard does with these files: read, hash, parse, write one Parquet chunk."""
    with tempfile.TemporaryDirectory() as tmp:
        ingest.parse_chunk(home / "raw", names, set(), ingest.ParseCache(Path(tmp), "benchmark"), ingest.ShardResult())


def _in_fresh_process(function, *args):
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def measure_parse(home: Path, repeat: int, profile: Path | None) -> list[tuple[str, int, float, float]]:
    runs = [ParseTimes(_in_fresh_process(_parse_pass, home)) for _ in range(repeat)]
    groups = sorted(runs[0].seconds)
    rows = []

    def row(label: str, selected: list[str]) -> None:
        rates = [r.rate(selected)[1] for r in runs]
        n = runs[0].rate(selected)[0]
        rows.append((label, n, statistics.median(rates), min(rates), max(rates)))

    row("all files", groups)
    row("reports (no junk)", [g for g in groups if g != "junk"])
    for template in sorted({g.split("/")[0] for g in groups if g != "junk"}):
        row(f"template {template}", [g for g in groups if g.startswith(template + "/")])
    for layout in sorted({g.split("/")[1] for g in groups if g != "junk"}):
        row(f"layout {layout}", [g for g in groups if g.endswith("/" + layout)])
    for g in groups:
        row(g, [g])
    stage_rates = [_in_fresh_process(_shard_pass, home) for _ in range(repeat)]
    rows.insert(1, ("all files, as a parse shard (read, hash, parse, Parquet chunk)", runs[0].rate(groups)[0],
                    statistics.median(stage_rates), min(stage_rates), max(stage_rates)))
    if profile:
        # cProfile sees nothing inside compiled modules: the profile is of the same parser as Python
        os.environ[PURE_PYTHON_ENV] = "1"
        try:
            _in_fresh_process(_profile_pass, home, profile)
        finally:
            del os.environ[PURE_PYTHON_ENV]
    return rows


def _profile_pass(home: Path, profile: Path) -> None:
    _, files = _corpus_files(home)
    profiler = cProfile.Profile()
    profiler.enable()
    for name, data in files:
        parse_report(data, name)
    profiler.disable()
    profiler.dump_stats(str(profile))


# ---------------------------------------------------------------------------------------------
# instructions per report (callgrind)

INSTRUCTION_SUBJECTS = ("parse_report", "parse shard")


def count_instructions(home: Path, n: int) -> dict[str, float]:
    """Instructions per report, counted by valgrind's callgrind: unlike seconds, the same count
    whatever the VM's speed at the hour (counts of the same code per report agree within 2%), so two commits compare
    without interleaving. Each subject runs on the corpus's first n + 1 files and on its first
    one; the difference over n is what each further report costs, without the start-up, the
    imports and the one-time work of the first report (the first Parquet write, the
    dictionaries), which a shard does once for thousands of reports. One blind spot: under
    valgrind, OpenSSL cannot use the CPU's SHA extensions, so hashing a file counts ~0.5 M
    instructions in the shard's figure, for 6 µs of real time on this VM's CPU."""
    per_report = {}
    for subject in INSTRUCTION_SUBJECTS:
        more, first = (_callgrind_total(subject, home, count) for count in (n + 1, 1))
        per_report[subject] = (more - first) / n
    return per_report


def _callgrind_total(subject: str, home: Path, n: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
               str(Path(__file__).resolve()), "--instruction-subject", f"{subject}:{n}:{home}"]
    finished = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
    totals = re.findall(r"Collected : (\d+)", finished.stderr)
    if finished.returncode or not totals:
        sys.exit(f"callgrind failed on {subject} ({n} files):\n{finished.stderr[-2000:]}")
    return int(totals[-1])


def run_instruction_subject(spec: str) -> None:
    """What --instructions counts, in the process valgrind runs: parse_report on bytes already
    read, or a parse shard's chunk (read, hash, parse, write Parquet) after freezing the heap as
    the step server does."""
    subject, n, home = spec.split(":", 2)
    names = sorted(t["file"] for t in read_truth(Path(home)))[:int(n)]
    if subject == "parse_report":
        files = [(name, (Path(home) / "raw" / name).read_bytes()) for name in names]
        for name, data in files:
            parse_report(data, name)
        return
    gc.freeze()
    _parse_as_a_shard(Path(home), names)


def print_profile(path: Path, top: int) -> None:
    stats = pstats.Stats(str(path))
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        by_module[_module_of(filename)] += own
    total = sum(by_module.values())
    print(f"\n### Parse profile (cProfile, of the parser run as Python; own time by module; total {total:.1f} s, "
          "profiler overhead included)\n")
    print("| module | own s | share |\n|---|---:|---:|")
    for module, own in sorted(by_module.items(), key=lambda kv: -kv[1])[:top]:
        print(f"| {module} | {own:.2f} | {own / total:.0%} |")
    print(f"\n### Parse profile: top {top} functions by own time\n")
    print("| function | calls | own s | cumulative s |\n|---|---:|---:|---:|")
    ranked = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
    for (filename, line, name), (_, calls, own, cumulative, _) in ranked:
        where = f"{_module_of(filename)}:{line} " if line else ""
        print(f"| {where}{name} | {calls} | {own:.2f} | {cumulative:.2f} |")


def _module_of(filename: str) -> str:
    path = Path(filename)
    if "orchestration" in path.parts:
        return ".".join(path.parts[path.parts.index("orchestration"):]).removesuffix(".py")
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1]
    if filename.startswith("/"):  # the standard library: html/parser.py, re/_parser.py …
        return "stdlib " + "/".join(path.parts[-2:]).removesuffix(".py")
    return "C built-ins (re, str methods …)"


# ---------------------------------------------------------------------------------------------
# ogi run

@dataclass
class RunResult:
    wall: float
    returncode: int
    max_rss_mb: float  # largest single process of the tree (getrusage of the reaped tree)
    samples: list[tuple[float, int]]  # (seconds since start, PSS summed over the live process tree)
    sampler_cpu: float  # CPU seconds the sampling took: the kernel walks every page of the tree
    stages: list[tuple[str, float, float]]  # (stage, start, end) in seconds since start
    lines: list[tuple[float, str]]

    def find(self, pattern: re.Pattern) -> re.Match | None:
        return next((m for _, line in self.lines if (m := pattern.search(line))), None)

    def seconds(self, stage: str) -> float:
        return next((end - start for name, start, end in self.stages if name == stage), float("nan"))

    def peak_mb(self, start: float = 0.0, end: float = float("inf")) -> float:
        """nan where no sample fell (a stage shorter than the sampling interval, or none taken)."""
        return max((rss for t, rss in self.samples if start <= t <= end), default=float("nan")) / 2**20


def ogi_run(raw: Path, warehouse: Path, workers: int, log: Path, memory_every: float) -> RunResult:
    command = [sys.executable, "-m", "orchestration.cli", "run", "--raw", str(raw),
               "--warehouse", str(warehouse), "--workers", str(workers)]
    lines: list[tuple[float, str]] = []
    samples: list[tuple[float, int]] = []
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    done = threading.Event()
    sampler_cpu: list[float] = []
    sampler = threading.Thread(target=_sample_tree, args=(proc.pid, started, memory_every, samples, sampler_cpu, done),
                               daemon=True) if memory_every > 0 else None
    if sampler:
        sampler.start()
    with log.open("w", encoding="utf-8") as out:  # written as it comes, to follow a long run
        for line in proc.stdout:
            lines.append((time.monotonic() - started, line.rstrip("\n")))
            out.write(f"{lines[-1][0]:9.3f} {lines[-1][1]}\n")
            out.flush()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    if sampler:
        sampler.join()
    return RunResult(wall, proc.returncode, usage.ru_maxrss / 1024, samples, sum(sampler_cpu),
                     _stages(lines, wall), lines)


def _sample_tree(pid: int, started: float, every: float, samples: list[tuple[float, int]],
                 cpu: list[float], done: threading.Event) -> None:
    """PSS of the tree every `every` seconds. Not free: reading a process's PSS walks its page
    tables, 35 ms of CPU for a 1.8 GB process here; sampled every 0.2 s, that took 19-22 CPU
    seconds of a full run at 100,000 and made it 13-18 s slower (BENCHMARKS.md)."""
    begun = time.thread_time()
    try:
        root = psutil.Process(pid)
        while not done.wait(every):
            total = 0
            for p in [root, *root.children(recursive=True)]:
                try:
                    # PSS: pages shared between processes (forked, mapped libraries) counted once
                    total += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            samples.append((time.monotonic() - started, total))
    except psutil.NoSuchProcess:  # the run has ended
        pass
    finally:
        cpu.append(time.thread_time() - begun)


def _stages(lines: list[tuple[float, str]], wall: float) -> list[tuple[str, float, float]]:
    """Each stage from the end of the one before to its own last line; the rest is summary/exit."""
    ends = {}
    for name, pattern in STAGE_ENDS:
        hits = [t for t, line in lines if pattern.search(line)]
        if hits:
            ends[name] = hits[-1]
    stages, previous = [], 0.0
    for name, _ in STAGE_ENDS:
        if name in ends:
            stages.append((name, previous, ends[name]))
            previous = ends[name]
    stages.append((LAST_STAGE, previous, wall))
    return stages


# ---------------------------------------------------------------------------------------------

def content_hashes(raw: Path) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.iterdir() if p.is_file()}


ADDED_PREFIX = "added-"


def add_new_files(work: Path, raw: Path, n: int, workers: int) -> tuple[int, int]:
    """Copy n files of another seed into raw/ under new names; (files, contents new to raw/)."""
    extra = corpus(work, n, 1, workers) / "raw"
    before = content_hashes(raw)
    added = set()
    for path in sorted(extra.iterdir()):
        shutil.copy2(path, raw / f"{ADDED_PREFIX}{path.name}")
        added.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return n, len(added - before)


def pipeline(work: Path, n: int, workers: int, gen_workers: int, memory_every: float,
             incremental_repeat: int) -> dict:
    home = corpus(work, n, 0, gen_workers)
    # A private copy of the landing zone, so the incremental run's additions never touch the corpus.
    raw = work / f"raw-{n}"
    warehouse = work / f"warehouse-{n}"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.rmtree(warehouse, ignore_errors=True)
    shutil.copytree(home / "raw", raw, copy_function=os.link if _same_fs(home, work) else shutil.copy2)
    print(f"ogi run on {n} files …", file=sys.stderr, flush=True)
    warm_up = {"full": read_every_file(raw)}
    full = ogi_run(raw, warehouse, workers, work / f"run-{n}-full.log", memory_every)
    truths = [(home / TRUTH_FILE, "")]
    # In a process of its own: children forked later would report this process's peak as their max RSS.
    layout = WarehouseLayout(warehouse)
    published = {"full": _in_fresh_process(published_against_truth, layout.published_database, truths)}
    warm_up["one new file"], one_new_file = run_after_one_new_file(work, raw, warehouse, n, workers, gen_workers,
                                                                   memory_every)
    added_files, new_contents = add_new_files(work, raw, max(1, n // 100), gen_workers)
    before_increment = work / f"warehouse-{n}-before-increment"
    shutil.rmtree(before_increment, ignore_errors=True)
    if incremental_repeat > 1:
        shutil.copytree(warehouse, before_increment, symlinks=True)
    incrementals = []
    for attempt in range(incremental_repeat):
        if attempt:  # back to the same path: dbt's partial parse keys on it (the profile names it)
            shutil.rmtree(warehouse)
            shutil.copytree(before_increment, warehouse, symlinks=True)
        print(f"incremental ogi run after adding {added_files} files …", file=sys.stderr, flush=True)
        warm_up["incremental"] = read_every_file(raw)
        log = f"run-{n}-incremental{f'-{attempt + 1}' if incremental_repeat > 1 else ''}.log"
        incrementals.append(ogi_run(raw, warehouse, workers, work / log, memory_every))
    shutil.rmtree(before_increment, ignore_errors=True)
    incremental = sorted(incrementals, key=lambda run: run.wall)[len(incrementals) // 2]
    truths.append((corpus(work, added_files, 1, gen_workers) / TRUTH_FILE, ADDED_PREFIX))
    published["incremental"] = _in_fresh_process(published_against_truth, layout.published_database, truths)
    started = time.monotonic()
    changes = ingest.pending_changes(raw, ingest.read_inventory(layout.inventory))
    sensor_tick = (time.monotonic() - started, len(changes))
    print("ogi run again, nothing changed …", file=sys.stderr, flush=True)
    warm_up["unchanged"] = 0.0  # it reads no file
    unchanged = ogi_run(raw, warehouse, workers, work / f"run-{n}-unchanged.log", memory_every)
    parsed = incremental.find(PARSED)
    ingest_line = incremental.find(INGEST)
    return {
        "n": n, "full": full, "one new file": one_new_file, "incremental": incremental, "unchanged": unchanged,
        "added_files": added_files,
        "incremental_walls": [run.wall for run in incrementals],
        "published": published,
        "warm_up": warm_up, "skipped_unchanged": unchanged.find(UNCHANGED) is not None,
        "sensor_tick": sensor_tick,
        "new_contents": new_contents,
        "parsed_new": int(parsed.group(2)) if parsed else None,
        "read_new": int(parsed.group(1)) if parsed else None,
        "ingest_new": int(ingest_line.group(2)) if ingest_line else None,
    }


def run_after_one_new_file(work: Path, raw: Path, warehouse: Path, n: int, workers: int, gen_workers: int,
                           memory_every: float) -> tuple[float, RunResult]:
    """`ogi run` after one file of another seed lands; then raw/ and the warehouse as they were.
    Its time against the +1% run's is the part of an incremental run that does not grow with the
    increment."""
    saved = work / f"warehouse-{n}-before-one-file"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(warehouse, saved, symlinks=True)
    source = min((corpus(work, max(1, n // 100), 1, gen_workers) / "raw").iterdir())
    landed = raw / f"one-{source.name}"
    shutil.copy2(source, landed)
    print("ogi run after one new file …", file=sys.stderr, flush=True)
    reading = read_every_file(raw)
    run = ogi_run(raw, warehouse, workers, work / f"run-{n}-one-new-file.log", memory_every)
    landed.unlink()
    shutil.rmtree(warehouse)  # back to the same path: dbt's partial parse keys on it
    saved.rename(warehouse)
    return reading, run


def read_every_file(raw: Path) -> float:
    """Seconds to read every file of raw/ once, which leaves them in the page cache for the run.

    Run times then measure the pipeline, not this VM's disk: its page cache is evicted within
    minutes, and a cold read costs 1-2 ms per file here, whatever reads it. A run on cold files
    costs about this much more (each file is read once per run)."""
    started = time.monotonic()
    for path in raw.iterdir():
        path.read_bytes()
    return time.monotonic() - started


def _same_fs(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def machine() -> str:
    import duckdb
    import dagster
    import dbt.version

    memory = psutil.virtual_memory().total / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.node()}: {os.cpu_count()} CPUs, {memory:.0f} GiB, "
            f"load average before {load}; Python {platform.python_version()}, dagster {dagster.__version__}, "
            f"dbt-core {dbt.version.__version__}, duckdb {duckdb.__version__}; parser {parser_build()}; "
            f"project at {commit}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes for ogi run")
    parser.add_argument("--workers", type=int, default=2, help="ogi run --workers (default 2)")
    parser.add_argument("--parse-n", type=int, default=2000, help="files of the parse-throughput corpus")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the parse corpus (median, min, max)")
    parser.add_argument("--profile", type=int, default=0, metavar="TOP",
                        help="also profile parse_report run as Python (cProfile) and print the TOP modules and functions")
    parser.add_argument("--memory-every", type=float, default=1.0, metavar="SECONDS",
                        help="sample the run's memory every SECONDS (default 1; 0: not at all). Sampling costs "
                             "CPU the run then lacks: every 0.2 s made a full run at 100,000 13-18 s slower")
    parser.add_argument("--incremental-repeat", type=int, default=1, metavar="K",
                        help="run the incremental run K times from the same warehouse; the median is reported")
    parser.add_argument("--work", default="/tmp/ogi-benchmark", help="corpora, warehouses and run logs")
    parser.add_argument("--gen-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--instructions", type=int, default=0, metavar="N",
                        help="also count instructions per report on N files with valgrind's callgrind "
                             "(4-5 minutes for 500 here; independent of the VM's speed)")
    parser.add_argument("--accuracy", action="store_true",
                        help="also run `ogi eval` on each corpus of --sizes (1-3 minutes for 100,000)")
    parser.add_argument("--instruction-subject", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instruction_subject:
        run_instruction_subject(args.instruction_subject)
        return 0
    work = Path(args.work).resolve()
    if work == ROOT or ROOT in work.parents:
        sys.exit("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    print(f"# OGI benchmark\n\n{machine()}\n")
    if args.parse_n:
        home = corpus(work, args.parse_n, 0, args.gen_workers)
        profile = work / "parse.prof" if args.profile else None
        rows = measure_parse(home, args.repeat, profile)
        print(f"## Parse throughput: `parse_report`, one process, {args.parse_n} files (seed 0), "
              f"{args.repeat} passes\n")
        print("| files | n | reports/s (median) | min | max |\n|---|---:|---:|---:|---:|")
        for label, n, median, low, high in rows:
            print(f"| {label} | {n} | {median:,.0f} | {low:,.0f} | {high:,.0f} |")
        if profile:
            print_profile(profile, args.profile)
        sys.stdout.flush()
    if args.instructions:
        home = corpus(work, max(args.parse_n, args.instructions + 1), 0, args.gen_workers)
        print(f"\n## Instructions per report (callgrind): files 2 to {args.instructions + 1} of the corpus (seed 0)\n")
        print("| subject | instructions per report |\n|---|---:|")
        for subject, count in count_instructions(home, args.instructions).items():
            print(f"| {subject} | {count / 1e6:.2f} M |")
        sys.stdout.flush()

    if args.accuracy and sizes:
        print(f"\n## Accuracy: `ogi eval --workers {args.workers}` on each corpus (seed 0)\n")
        print("| files | seconds | precision | recall | values reported wrong or not in the truth | "
              "identity-consistent reports with every value exact | files with a mismatch |\n"
              "|---:|---:|---:|---:|---:|---:|---:|")
        for n in sizes:
            seconds, r, files = measure_accuracy(work, n, args.workers, args.gen_workers)
            print(f"| {n} | {seconds:.1f} | {r.overall.precision:.4%} | {r.overall.recall:.4%} | "
                  f"{r.overall.reported - r.overall.correct:,} | "
                  f"{r.exact_consistent_reports:,} of {r.consistent_reports:,} | {files:,} |")
        sys.stdout.flush()

    results = [pipeline(work, n, args.workers, args.gen_workers, args.memory_every, args.incremental_repeat)
               for n in sizes]
    if not results:
        return 0
    stage_names = [name for name, _ in STAGE_ENDS] + [LAST_STAGE]
    print(f"\n## `ogi run --workers {args.workers}`: full run on a fresh warehouse, then +1% new files, "
          "then nothing new\n")
    print("Wall seconds; stage times run from the previous stage's last line to this one's, so they include "
          "the start-up of that stage's processes.\n")
    print("| files | run | reading raw/ just before (s) | wall s | peak PSS of the tree (MiB) | CPU s of sampling it | "
          "max RSS of one process (MiB) | parsed | " + " | ".join(stage_names) + " |")
    print("|---:|---|---:|---:|---:|---:|---:|---|" + "---:|" * len(stage_names))
    for r in results:
        for kind in RUN_KINDS:
            run: RunResult = r[kind]
            files = _files_seen(r, kind)
            parsed = "0 read" if kind == "unchanged" else _parsed(run)
            outcome = "" if run.returncode == 0 else f" (FAILED, exit {run.returncode})"
            print(f"| {files} | {kind}{outcome} | {r['warm_up'][kind]:.1f} | {run.wall:.1f} | {run.peak_mb():,.0f} | {run.sampler_cpu:.1f} | {run.max_rss_mb:,.0f} | {parsed} | "
                  + " | ".join(f"{run.seconds(name):.1f}" for name in stage_names) + " |")
    if args.memory_every > 0:
        print_peaks_by_stage(results, stage_names, args.memory_every)
    print("\nPublished values against the truth (`published_against_truth`): every value the generator "
          "wrote for the files whose report is published, by whether the report's identities hold as "
          "written:\n")
    print("| files | run | identities hold: " + " | ".join(PUBLISHED_VERDICTS) + " | one broken: "
          + " | ".join(PUBLISHED_VERDICTS) + " |")
    print("|---:|---|" + "---:|" * 2 * len(PUBLISHED_VERDICTS))
    for r in results:
        for kind, verdicts in r["published"].items():
            files = _files_seen(r, kind)
            print(f"| {files} | {kind} | " + " | ".join(
                f"{verdicts.get((consistent, verdict), 0):,}" for consistent in (True, False)
                for verdict in PUBLISHED_VERDICTS) + " |")
    print()
    for r in results:
        ok = (r["parsed_new"] == r["new_contents"] and r["ingest_new"] == r["read_new"] == r["added_files"])
        ratio = r["incremental"].wall / r["full"].wall
        one_file = r["one new file"].wall
        files_after = r["n"] + r["added_files"]
        print(f"- N={r['n']}: added {r['added_files']} files ({r['new_contents']} contents new to raw/); "
              f"the run saw {r['ingest_new']} new files, read {r['read_new']} and parsed {r['parsed_new']} contents: "
              f"{'only the new ones' if ok else 'MISMATCH'}. Incremental / full wall time = {ratio:.2f}"
              f"{_repeats(r['incremental_walls'])}; after one new file {one_file:.1f} s = "
              f"{one_file / r['full'].wall:.2f} of the full run. "
              f"Then a sensor tick over the {files_after} files took {r['sensor_tick'][0]:.1f} s "
              f"({r['sensor_tick'][1]} changes pending), and a run with nothing changed "
              f"{'stopped after the landing zone' if r['skipped_unchanged'] else 'DID NOT STOP EARLY'} "
              f"in {r['unchanged'].wall:.1f} s.")
        for kind in RUN_KINDS:
            for _, line in r[kind].lines:
                if r[kind].returncode and line.startswith("ogi run:") and "→" not in line:
                    print(f"  - {kind} run: {line}")
    return 0


def print_peaks_by_stage(results: list[dict], stage_names: list[str], every: float) -> None:
    print(f"\nPeak memory by stage: PSS summed over the process tree (MiB, sampled every {every:g} s):\n")
    print("| files | run | " + " | ".join(stage_names) + " |")
    print("|---:|---|" + "---:|" * len(stage_names))
    for r in results:
        for kind in RUN_KINDS:
            run = r[kind]
            files = _files_seen(r, kind)
            peaks = {name: run.peak_mb(start, end) for name, start, end in run.stages}
            print(f"| {files} | {kind} | " + " | ".join(f"{peaks.get(name, float('nan')):,.0f}" for name in stage_names)
                  + " |")


def _files_seen(result: dict, kind: str) -> int:
    return result["n"] + {"full": 0, "one new file": 1}.get(kind, result["added_files"])


def _parsed(run: RunResult) -> str:
    parsed = run.find(PARSED)
    return f"{parsed.group(2)} of {parsed.group(1)} read" if parsed else "?"


def _repeats(walls: list[float]) -> str:
    if len(walls) < 2:
        return ""
    return f" (the median of {len(walls)} incremental runs: {', '.join(f'{w:.1f}' for w in walls)} s)"


if __name__ == "__main__":
    sys.exit(main())
