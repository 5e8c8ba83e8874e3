"""Compiles the report parser with mypyc when the project is installed (`make setup`).

The parser's modules compiled to C are the same code: a fifth fewer instructions per report, 1.2-1.35x
the reports per second (BENCHMARKS.md).
They go to orchestration/lib/parsing/_compiled/ with the hash of their sources, and load only
while the sources hash the same (orchestration/lib/parsing/compiled.py). Without a C compiler,
or with OGI_PURE_PYTHON=1, the install goes on and the parser runs as Python. A type error in
the parser stops the install: mypyc compiles only what mypy accepts.
"""

import importlib.util
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PARSER = ROOT / "orchestration/lib/parsing"
_spec = importlib.util.spec_from_file_location("ogi_parser_compiled", PARSER / "compiled.py")
compiled = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compiled)


class BuildCompiledParser(build_ext):
    """Puts the compiled modules in _compiled/ beside the sources' hash; a failing C build leaves
    the parser as Python instead of failing the install."""

    def get_ext_filename(self, fullname: str) -> str:
        head, name = os.path.split(super().get_ext_filename(fullname))
        return os.path.join(head, compiled.COMPILED_DIR, name)

    def copy_extensions_to_source(self) -> None:
        # An editable install's copies: setuptools would put them beside the sources.
        for ext in self.extensions:
            built = Path(self.build_lib, self.get_ext_filename(self.get_ext_fullname(ext.name)))
            copy = ROOT / built.relative_to(self.build_lib)
            self.mkpath(str(copy.parent))
            self.copy_file(str(built), str(copy))

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no compiler, no Python headers, a compiler error
            print(f"warning: the parser stays Python, its C build failed: {error}", file=sys.stderr)
            return
        built_from = compiled.sources_hash(PARSER) + "\n"
        for package in [Path(self.build_lib, PARSER.relative_to(ROOT))] + [PARSER] * self.inplace:
            (package / compiled.COMPILED_DIR / compiled.STAMP).write_text(built_from, encoding="ascii")


def parser_extensions() -> list:
    if os.environ.get(compiled.PURE_PYTHON_ENV) == "1":
        return []
    from mypyc.build import mypycify

    modules = [str((PARSER / f"{m}.py").relative_to(ROOT)) for m in compiled.MODULES]
    return mypycify(modules, group_name="orchestration.lib.parsing.parser", opt_level="3")


setup(ext_modules=parser_extensions(), cmdclass={"build_ext": BuildCompiledParser})
