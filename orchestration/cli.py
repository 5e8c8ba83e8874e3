"""The `ogi` command: run the pipeline, parse files, open the UI, build corpora, evaluate."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import nullcontext
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


def _cmd_run(args: argparse.Namespace) -> int:
    from .lib.memory import MEMORY_LIMIT_ENV, memory_limit_bytes
    from .lib.paths import WarehouseLayout
    from .run_lock import RunLockedError, refuse_if_locked
    from .step_processes import start_step_server, use_directories

    if args.memory_limit:
        os.environ[MEMORY_LIMIT_ENV] = args.memory_limit  # for every process of the run
    try:
        memory_limit_bytes()
    except ValueError as err:  # before anything starts, not in the first step that connects
        print(f"ogi run: {'--memory-limit: ' if args.memory_limit else ''}{err}", file=sys.stderr)
        return 2
    layout = WarehouseLayout(Path(args.warehouse).resolve())
    try:
        refuse_if_locked(layout)
        if args.workers > 1:  # before importing Dagster (below): both loads then run at once
            use_directories(Path(args.raw), Path(args.warehouse))
            start_step_server()
        from .lib.parsing.compiled import parser_build
        from .lib.summary import summarize
        from .runner import run_pipeline

        print(f"ogi run: {args.raw} → {args.warehouse} (parser: {parser_build()})", flush=True)
        outcome = run_pipeline(Path(args.raw), Path(args.warehouse), workers=args.workers)
    except RunLockedError as err:
        print(f"ogi run: {err}", file=sys.stderr)
        return 3
    if not outcome.success:
        for step, error in outcome.failed_steps.items():
            print(f"ogi run: step failed: {step}: {error}", file=sys.stderr)
        for check in outcome.blocked_checks:
            print(f"ogi run: blocking check failed, nothing published: {check}", file=sys.stderr)
        if outcome.published:
            print("ogi run: FAILED after publishing: the marts are new, but the steps above need a look.",
                  file=sys.stderr)
        else:
            print("ogi run: FAILED; the published marts are unchanged.", file=sys.stderr)
        return 1
    print("\nRun complete.")
    print(summarize(layout).format())
    if outcome.published:
        print(f"\nPublished: {layout.published_database} (+ Parquet in {layout.published_parquet})")
    else:
        print(f"\nNothing changed: the publication in {layout.published_database} stands.")
    return 0


def _cmd_parse(args: argparse.Namespace) -> int:
    from .lib.parsing import parse_file

    status = 0
    for name in args.files:
        try:
            report = parse_file(name)
        except OSError as err:
            print(json.dumps({"file": name, "error": f"{type(err).__name__}: {err.strerror or err}"},
                             ensure_ascii=False))
            status = 1
            continue
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    return status


def _cmd_dev(args: argparse.Namespace) -> int:
    from .lib.paths import RAW_DIR_ENV, WAREHOUSE_DIR_ENV

    os.environ[RAW_DIR_ENV] = str(Path(args.raw).resolve())
    os.environ[WAREHOUSE_DIR_ENV] = str(Path(args.warehouse).resolve())
    home = Path(args.warehouse).resolve() / ".dagster"
    home.mkdir(parents=True, exist_ok=True)
    # One run at a time for this warehouse, whatever launched it (sensor, schedule, UI).
    (home / "dagster.yaml").write_text(
        "run_queue:\n  max_concurrent_runs: 1\ntelemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    dagster = Path(sys.executable).with_name("dagster")
    os.execv(str(dagster), [str(dagster), "dev", "-m", "orchestration.definitions",
                            "--host", args.host, "--port", str(args.port)])
    return 0  # not reached


def _cmd_docs(args: argparse.Namespace) -> int:
    import subprocess

    from .defs.transform.resources import DBT_EXECUTABLE, dbt_project
    from .lib.paths import WAREHOUSE_DIR_ENV

    warehouse_dir = Path(args.warehouse).resolve()
    if not (warehouse_dir / "warehouse.duckdb").exists():
        print(f"ogi docs: no warehouse in {warehouse_dir}; run `ogi run` first", file=sys.stderr)
        return 1
    target = warehouse_dir / "docs" / "dbt"
    env = {**os.environ, WAREHOUSE_DIR_ENV: str(warehouse_dir)}
    subprocess.run([DBT_EXECUTABLE, "docs", "generate", "--static", "--quiet",
                    "--project-dir", str(dbt_project.project_dir), "--profiles-dir", str(dbt_project.profiles_dir),
                    "--target-path", str(target)], check=True, env=env)
    print(f"dbt docs: {target / 'static_index.html'}")
    print(f"Great Expectations Data Docs: {warehouse_dir / 'docs' / 'great_expectations' / 'index.html'}")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from .lib.synthetic.corpus import generate_corpus

    summary = generate_corpus(args.n, Path(args.out), seed=args.seed, workers=args.workers)
    print(summary)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    import csv

    from .lib.evaluation import CorpusError, evaluate_corpus, format_evaluation

    with open(args.mismatches, "w", encoding="utf-8", newline="") if args.mismatches else nullcontext() as out:
        table = csv.writer(out, delimiter="\t", lineterminator="\n") if out else None
        if table:
            table.writerow(["file", "key", "expected", "got"])

        def write(mismatch) -> None:
            table.writerow([mismatch.file, mismatch.key, mismatch.expected, mismatch.got])

        try:
            result = evaluate_corpus(Path(args.dir), workers=args.workers, on_mismatch=write if table else None,
                                     truth=args.truth)
        except CorpusError as error:
            print(f"ogi eval: {error}", file=sys.stderr)
            return 2
    print(format_evaluation(result, all_mismatches_in=args.mismatches))
    return 0 if result.exact_on_consistent else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.handler(args)


def entry() -> None:
    """The `ogi` command. A run ends with os._exit: Python's own exit would tear down the loaded
    definitions (Dagster, dagster-dbt, the dbt manifest: hundreds of MB of objects), 1.4 s that
    nothing needs, since the run has closed its databases, files and temporary directories."""
    args = _parser().parse_args()
    try:
        code = args.handler(args)
    except BrokenPipeError:
        # The reader went away (`ogi parse … | head`): stop quietly, as a shell tool does on SIGPIPE;
        # stdout pointed at /dev/null so that flushing it at exit fails no more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(128 + signal.SIGPIPE)
    if args.command == "run":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the whole pipeline (Dagster, in-process) and publish the marts")
    run.add_argument("--raw", default="raw", help="landing zone of report files (default: raw/)")
    run.add_argument("--warehouse", default="warehouse", help="warehouse directory (default: warehouse/)")
    run.add_argument("--workers", type=int, default=1,
                     help="parse in this many processes (Dagster multiprocess executor; default 1)")
    run.add_argument("--memory-limit", metavar="SIZE",
                     help="memory each DuckDB process may use before spilling to disk, e.g. 2GB "
                          "(default: $OGI_MEMORY_LIMIT, else a quarter of the machine's memory, at most 4GB)")
    run.set_defaults(handler=_cmd_run)

    parse = sub.add_parser("parse", help="parse report files, print one JSON object per file")
    parse.add_argument("files", nargs="+")
    parse.set_defaults(handler=_cmd_parse)

    dev = sub.add_parser("dev", help="open the Dagster UI (lineage, checks, schedules, sensors)")
    dev.add_argument("--raw", default="raw")
    dev.add_argument("--warehouse", default="warehouse")
    dev.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback only)")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(handler=_cmd_dev)

    generate = sub.add_parser("generate", help="write a synthetic corpus of reports with truth.jsonl")
    generate.add_argument("--n", type=int, required=True, help="number of files")
    generate.add_argument("--out", required=True, help="output directory")
    generate.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    generate.add_argument("--workers", type=int, default=1)
    generate.set_defaults(handler=_cmd_generate)

    evaluate = sub.add_parser("eval", help="compare `ogi parse` output with a corpus's truth.jsonl")
    evaluate.add_argument("dir")
    evaluate.add_argument("--workers", type=int, default=1)
    evaluate.add_argument("--truth", metavar="FILE", help="the truth file, if not DIR/truth.jsonl")
    evaluate.add_argument("--mismatches", metavar="FILE",
                          help="write every mismatch to FILE (tab-separated: file, key, expected, got)")
    evaluate.set_defaults(handler=_cmd_eval)

    docs = sub.add_parser("docs", help="write the dbt docs next to the Great Expectations Data Docs")
    docs.add_argument("--warehouse", default="warehouse")
    docs.set_defaults(handler=_cmd_docs)
    return parser


if __name__ == "__main__":
    entry()
