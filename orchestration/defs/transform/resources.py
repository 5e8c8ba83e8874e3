"""The dbt project and CLI resource; the manifest is (re)built when missing or older than the models."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from ...lib.paths import DBT_PROJECT_DIR, dbt_project_files

# The venv's dbt, so the command works without activating the venv.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """`dbt parse` once per change of the dbt project, so a fresh clone needs no extra step."""
    manifest = Path(project.manifest_path)
    root = Path(project.project_dir)
    # Only the project's own files: every step process loads the definitions, and walking
    # target/ and logs/ too cost more with each run that wrote there.
    newest = max(p.stat().st_mtime for p in dbt_project_files(root))
    manifest.parent.mkdir(parents=True, exist_ok=True)
    # Processes loading the definitions at once (pytest workers, step processes) would otherwise
    # each run `dbt parse`, and one read the manifest another was still writing.
    with open(manifest.parent / ".parse.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _readable(manifest) or manifest.stat().st_mtime < newest:
            env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
            subprocess.run([DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(project.project_dir),
                            "--profiles-dir", str(project.profiles_dir)], check=True, env=env)
    return manifest


def _readable(manifest: Path) -> bool:
    """False also for a manifest cut short (a `dbt parse` killed while writing it)."""
    try:
        json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return False
    return True


class LocalDbtCliResource(DbtCliResource):
    """dagster-dbt asks `dbt --version` for the version on every `dbt build`; that command also asks
    PyPI for the latest release (two requests, up to 1 s each, and network access at run time).
    DBT_EXECUTABLE is this venv's dbt, so the installed package says the same without either.
    Both overrides are of dagster-dbt's private methods: tests/test_definitions.py checks that they
    still exist under these names."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        """dagster-dbt also builds an in-process dbt adapter before each command, loading every dbt
        macro (1.5–2.5 s before `dbt build` starts), for fetch_row_counts() and
        fetch_column_metadata() only, which this project does not call; it runs without one."""
        return None


dbt_resource = LocalDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
