"""The dbt project and how the pipeline runs dbt; the manifest is (re)built when missing or older
than the models."""

from __future__ import annotations

import fcntl
import gc
import json
import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject
# dagster-dbt's own steps around a `dbt` command, reused around dbtRunner. Private: an upgrade
# that moves them fails the import, and every pipeline test runs through both.
from dagster_dbt.asset_utils import get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from ...lib.memory import MEMORY_LIMIT_ENV, memory_limit_setting
from ...lib.paths import DBT_PROJECT_DIR, dbt_project_files

# The venv's dbt, so the command works without activating the venv.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
PARTIAL_PARSE_FILE = "partial_parse.msgpack"  # dbt's saved parse, beside manifest.json


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """`dbt parse` once per change of the dbt project, so a fresh clone needs no extra step."""
    manifest = Path(project.manifest_path)
    newest = _newest_project_file(project)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    # Processes loading the definitions at once (pytest workers, step processes) would otherwise
    # each run `dbt parse`, and one read the manifest another was still writing.
    with open(manifest.parent / ".parse.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _readable(manifest) or manifest.stat().st_mtime < newest:
            env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
            subprocess.run([DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(project.project_dir),
                            "--profiles-dir", str(project.profiles_dir)], check=True, env=env)
            # When dbt finds nothing to parse again (a file touched, a DuckDB setting edited in
            # profiles.yml), it leaves its saved parse as it was, older than the project: it has
            # just found it current, which parsed_manifest must see.
            saved = manifest.with_name(PARTIAL_PARSE_FILE)
            if saved.exists():
                os.utime(saved)
    return manifest


def parsed_manifest():
    """dbt's manifest object as the `dbt parse` of `ensure_manifest` left it (0.1 s), so that a build
    parses nothing (dbt's own parse took 1.0–1.8 s of each build). manifest.json is not enough: dbt
    leaves the generic tests' arguments out of it. The partial-parse file beside it is dbt's own
    cache of the whole manifest, written by that same parse. None, and dbt parses, when that file
    is older than the project or from another dbt."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.version import __version__ as dbt_version

    saved = ensure_manifest().with_name(PARTIAL_PARSE_FILE)
    try:
        if saved.stat().st_mtime < _newest_project_file(dbt_project):
            return None
        manifest = Manifest.from_msgpack(saved.read_bytes())
    except Exception:  # noqa: BLE001 - whatever makes the cache unreadable, dbt parses instead
        return None
    return manifest if manifest.metadata.dbt_version == dbt_version else None


def _newest_project_file(project: DbtProject) -> float:
    # Only the project's own files: every step process loads the definitions, and walking
    # target/ and logs/ too cost more with each run that wrote there.
    return max(p.stat().st_mtime for p in dbt_project_files(Path(project.project_dir)))


def _readable(manifest: Path) -> bool:
    """False also for a manifest cut short (a `dbt parse` killed while writing it)."""
    try:
        json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return False
    return True


class ForkedDbt(dg.ConfigurableResource):
    """dbt run by a process forked from the step (dbt's `dbtRunner` there), where dagster-dbt's
    DbtCliResource starts a new `dbt` program: that program imported dbt and parsed the project
    again, 3 s of every build, where the step server has imported dbt already (step_server.py)
    and the fork reads dbt's saved parse (`parsed_manifest`). dbt's state stays in that process
    (its open warehouse, its adapter), and it runs on the other core while this one records each
    node's result as it arrives, as the Dagster event dagster-dbt makes of it
    (`to_default_asset_events`). The dbt assets a run selects are what dbt builds, as with
    dagster-dbt's CLI. dbt logs to `<target_path>/dbt.log` (JSON lines); the console shows no dbt
    output, and a failed build raises with dbt's error messages."""

    def build(self, context: dg.AssetExecutionContext, args: list[str], target_path: Path) -> Iterator:
        params = get_updated_cli_invocation_params_for_context(context, {}, DagsterDbtTranslator())
        project = params.dbt_project or dbt_project
        argv = [*args, *params.selection_args, "--project-dir", str(project.project_dir),
                "--profiles-dir", str(project.profiles_dir), "--target-path", str(target_path),
                "--log-path", str(target_path), "--log-format-file", "json", "--log-level", "none",
                "--log-level-file", "debug", "--no-use-colors"]
        if params.indirect_selection:
            argv += ["--indirect-selection", params.indirect_selection]
        # dagster-dbt runs a large selection from a copy of the project, with a selectors file of
        # its own: dbt parses that copy.
        own_project = Path(project.project_dir) == Path(dbt_project.project_dir)
        fork = multiprocessing.get_context("fork")
        receiving, sending = fork.Pipe(duplex=False)
        process = fork.Process(target=_run_dbt, args=(argv, own_project, sending), name="dbt build")
        process.start()
        sending.close()
        ended = None
        try:
            while True:
                kind, payload = receiving.recv()
                if kind == "result":
                    yield from DbtCoreCliEventMessage(raw_event=payload, event_history_metadata={}).to_default_asset_events(
                        manifest=params.manifest, dagster_dbt_translator=params.dagster_dbt_translator,
                        context=context, target_path=target_path, project=project)
                else:
                    ended = payload
                    break
        except EOFError:  # it died (killed, out of memory) before it could say how dbt ended
            pass
        except BaseException:  # this step is stopped: so is dbt
            process.terminate()
            raise
        finally:
            process.join()
            receiving.close()
        success, errors = ended or (False, [f"the dbt process ended without a result (exit code {process.exitcode})"])
        if not success:
            raise DbtBuildError(f"dbt {' '.join(args)} failed (log: {target_path / 'dbt.log'}):\n" + "\n".join(errors[-20:]))


class DbtBuildError(Exception):
    pass


# The events dagster-dbt turns into Dagster events: one per node, when the node has run.
_NODE_RESULTS = frozenset({"LogModelResult", "LogSeedResult", "LogSnapshotResult", "LogTestResult"})


def _run_dbt(argv: list[str], own_project: bool, sending) -> None:
    """In the forked process: each node's result, then (success, error messages)."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    errors: list[str] = []
    pipe_lock = threading.Lock()  # dbt's threads report their nodes at once

    def on_event(msg) -> None:
        # Thousands of events per build; only the nodes' results become Dagster events.
        if msg.info.name in _NODE_RESULTS:
            with pipe_lock:
                sending.send(("result", msg_to_dict(msg)))
        elif msg.info.level == "error":
            errors.append(msg.info.msg)

    try:
        os.environ[MEMORY_LIMIT_ENV] = memory_limit_setting()  # what the profile gives DuckDB
        result = dbtRunner(manifest=parsed_manifest() if own_project else None, callbacks=[on_event]).invoke(argv)
        _close_warehouse()
        if not result.success and not errors:
            errors.append(str(result.exception) if result.exception else "no error message; see dbt.log")
        sending.send(("end", (result.success, errors)))
    except BaseException as error:
        sending.send(("end", (False, [*errors, f"{type(error).__name__}: {error}"])))
        raise


def _close_warehouse() -> None:
    """What a `dbt` program does as it exits, and this process, leaving as multiprocessing's
    processes do, would not: close dbt-duckdb's connection, which checkpoints the warehouse into
    its file (else its last writes stay in the write-ahead log beside it until the next open)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    reset_adapters()  # the adapter's connections hold cursors on it
    DuckDBConnectionManager.close_all_connections()  # what dbt-duckdb runs at exit
    gc.collect()


dbt_resource = ForkedDbt()
