"""The parser compiled by mypyc (setup.py), and whether it may run.

setup.py compiles the parser's modules to C into `_compiled/`, with the hash of the sources it
compiled. The package puts `_compiled/` first on its path only while its sources still hash the
same, so an edited parser runs as Python until the next `make setup`, never as stale C. Standard
library only: setup.py loads this file by its path, before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE = Path(__file__).parent
COMPILED_DIR = "_compiled"
STAMP = "sources.sha256"
# What mypyc compiles; this module and __init__ stay Python, as they decide what gets loaded.
MODULES = ("cells", "identities", "metadata", "model", "new_tables_layout", "new_tables_read",
           "new_template", "old_template", "prose", "report", "text")
# The compiled code also holds the types of what it imports from outside the package.
TYPED_DEPENDENCIES = ("../metrics.py",)
PURE_PYTHON_ENV = "OGI_PURE_PYTHON"  # set to 1: neither build nor load the compiled parser


def sources_hash(package: Path = PACKAGE) -> str:
    digest = hashlib.sha256()
    for name in (*(f"{m}.py" for m in MODULES), *TYPED_DEPENDENCIES):
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def why_python(package: Path = PACKAGE) -> str | None:
    """None when the compiled modules may run; else why the parser runs as Python."""
    if os.environ.get(PURE_PYTHON_ENV) == "1":
        return f"{PURE_PYTHON_ENV}=1"
    try:
        built_from = (package / COMPILED_DIR / STAMP).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return "not compiled (make setup compiles it when a C compiler is found)"
    if built_from != sources_hash(package):
        return "its sources changed since they were compiled (make setup compiles them again)"
    return None


def parser_build() -> str:
    """How the parser runs in this process, for run summaries and benchmarks."""
    from . import text  # whichever was loaded

    if text.__file__ and not text.__file__.endswith(".py"):
        return "compiled (mypyc)"
    return f"Python: {why_python() or 'the compiled modules do not load in this interpreter'}"
