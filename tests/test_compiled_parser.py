"""The parser compiled by mypyc (setup.py): the same output as the Python parser, and never stale."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.lib.parsing import compiled

ROOT = Path(__file__).resolve().parent.parent


def test_the_compiled_parser_gives_the_python_parsers_output():
    """mypyc compiles what mypy accepts, but may still run it otherwise (a tuple compared with `is`
    did); every file of the samples, the fixtures and 300 generated reports must parse the same."""
    if os.environ.get(compiled.PURE_PYTHON_ENV) == "1":
        pytest.skip(f"{compiled.PURE_PYTHON_ENV}=1")
    why = compiled.why_python()
    if why and not shutil.which(os.environ.get("CC", "cc")):
        pytest.skip(f"no C compiler: the parser runs as Python ({why})")
    assert why is None, f"make setup should have compiled the parser: {why}"
    diff = subprocess.run([sys.executable, str(ROOT / "scripts" / "parser_diff.py"), "--against-python",
                           "--generate", "300"], capture_output=True, text=True, cwd=ROOT)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert diff.stdout.endswith(" files: the output is identical to the Python parser's\n")
    assert "with this tree's parser, compiled (mypyc) …" in diff.stderr


def _package(tmp_path: Path) -> Path:
    """A copy of the parser's sources and what it takes types from, as the stamp hashes them."""
    package = tmp_path / "lib" / "parsing"
    package.mkdir(parents=True)
    for module in compiled.MODULES:
        shutil.copy(compiled.PACKAGE / f"{module}.py", package)
    shutil.copy(compiled.PACKAGE.parent / "metrics.py", tmp_path / "lib")
    return package


def test_the_compiled_modules_load_only_while_their_sources_are_unchanged(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled.PURE_PYTHON_ENV, raising=False)
    package = _package(tmp_path)
    assert compiled.why_python(package).startswith("not compiled")
    (package / compiled.COMPILED_DIR).mkdir()
    (package / compiled.COMPILED_DIR / compiled.STAMP).write_text(compiled.sources_hash(package) + "\n")
    assert compiled.why_python(package) is None
    monkeypatch.setenv(compiled.PURE_PYTHON_ENV, "1")
    assert compiled.why_python(package) == "OGI_PURE_PYTHON=1"
    monkeypatch.delenv(compiled.PURE_PYTHON_ENV)
    for edited in (package / "old_template.py", tmp_path / "lib" / "metrics.py"):
        original = edited.read_text(encoding="utf-8")
        edited.write_text(original + "\n# edited\n", encoding="utf-8")
        assert compiled.why_python(package).startswith("its sources changed since they were compiled")
        edited.write_text(original, encoding="utf-8")
        assert compiled.why_python(package) is None
